//! Splitting CSV text into raw records, line by line, so that one stray
//! quote cannot swallow the rest of a file.
//!
//! A quoted field may span lines (the France Services list has addresses
//! and opening hours over up to 15 lines). But a quote opened by mistake
//! (`"Le Relais` in a name) never closes, and a CSV parser would read every
//! following line into that field. Here a record may span at most
//! [`MAX_LINES`] lines and [`MAX_BYTES`] bytes; past that, or at the end of
//! the file, its first line is reported as a runaway (a malformed row) and
//! reading resumes at the very next line.

use std::collections::VecDeque;
use std::io::{self, BufRead};

/// Most lines one record may span.
pub(crate) const MAX_LINES: usize = 64;
/// Most bytes one record may hold.
pub(crate) const MAX_BYTES: usize = 256 * 1024;

/// One raw record, or a runaway line.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Raw {
    /// A complete record starting at `line` (1-based), its bytes with the line breaks.
    Record {
        /// First line.
        line: u64,
        /// The text.
        bytes: Vec<u8>,
    },
    /// A line whose quote never closes within the limits.
    Runaway {
        /// The line.
        line: u64,
        /// Why, for the report.
        detail: String,
    },
}

/// Quote state across the lines of one record, as a CSV parser sees it: a
/// quote opens a quoted field only at the start of a field; inside, `""` is
/// an escaped quote and a lone `"` closes the field.
#[derive(Debug, Clone, Copy)]
struct Quotes {
    in_quotes: bool,
    at_field_start: bool,
    /// A quote just seen inside a quoted field: closing, or the first of `""`.
    pending_quote: bool,
}

impl Quotes {
    fn new() -> Self {
        Quotes {
            in_quotes: false,
            at_field_start: true,
            pending_quote: false,
        }
    }

    fn scan(&mut self, bytes: &[u8], delimiter: u8) {
        for &b in bytes {
            if self.pending_quote {
                self.pending_quote = false;
                if b == b'"' {
                    continue; // `""`: an escaped quote, still inside
                }
                self.in_quotes = false;
            }
            if self.in_quotes {
                if b == b'"' {
                    self.pending_quote = true;
                }
                continue;
            }
            if b == b'"' && self.at_field_start {
                self.in_quotes = true;
                self.at_field_start = false;
                continue;
            }
            self.at_field_start = b == delimiter || b == b'\n' || b == b'\r';
        }
    }

    /// True when the text so far ends inside a quoted field.
    fn open(&self) -> bool {
        self.in_quotes && !self.pending_quote
    }
}

/// Raw records of CSV text.
pub(crate) struct RecordLines<R> {
    input: R,
    delimiter: u8,
    pending: VecDeque<(u64, Vec<u8>)>,
    next_line: u64,
    /// The lines after the first of the last record returned.
    continuation: Vec<(u64, Vec<u8>)>,
    /// The longest line read so far (up to 64 KiB): each line's buffer is
    /// allocated at that size once instead of growing byte by byte.
    line_capacity: usize,
}

impl<R: BufRead> RecordLines<R> {
    /// Records of `input`, whose first line is line `first_line`.
    pub fn new(input: R, delimiter: u8, first_line: u64) -> Self {
        RecordLines {
            input,
            delimiter,
            pending: VecDeque::new(),
            next_line: first_line,
            continuation: Vec::new(),
            line_capacity: 128,
        }
    }

    /// Gives back the lines after the first of the last record returned, to
    /// be read again as records of their own (that record turned out to be
    /// malformed: reading resumes at its next line).
    pub fn reject_last(&mut self) {
        for l in self.continuation.drain(..).rev() {
            self.pending.push_front(l);
        }
    }

    fn line(&mut self) -> io::Result<Option<(u64, Vec<u8>)>> {
        if let Some(l) = self.pending.pop_front() {
            return Ok(Some(l));
        }
        let mut buf = Vec::with_capacity(self.line_capacity);
        if self.input.read_until(b'\n', &mut buf)? == 0 {
            return Ok(None);
        }
        self.line_capacity = self.line_capacity.max(buf.len().min(1 << 16));
        let n = self.next_line;
        self.next_line += 1;
        Ok(Some((n, buf)))
    }

    /// The next record, skipping blank lines; `None` at the end.
    pub fn next_raw(&mut self) -> io::Result<Option<Raw>> {
        self.continuation.clear();
        let (start, mut bytes) = loop {
            match self.line()? {
                None => return Ok(None),
                Some((_, l)) if l.iter().all(|b| matches!(b, b'\r' | b'\n')) => continue,
                Some(l) => break l,
            }
        };
        let mut quotes = Quotes::new();
        quotes.scan(&bytes, self.delimiter);
        let mut taken: Vec<(u64, Vec<u8>)> = Vec::new();
        while quotes.open() {
            let too_long = taken.len() + 1 >= MAX_LINES || bytes.len() > MAX_BYTES;
            let next = if too_long { None } else { self.line()? };
            let Some((n, l)) = next else {
                let detail = if too_long {
                    format!(
                        "a quote opened here is still open {} lines or {} kB later",
                        taken.len() + 1,
                        bytes.len() / 1024
                    )
                } else {
                    "a quote opened here never closes".to_owned()
                };
                // Resume at the very next line.
                for l in taken.into_iter().rev() {
                    self.pending.push_front(l);
                }
                return Ok(Some(Raw::Runaway {
                    line: start,
                    detail,
                }));
            };
            quotes.scan(&l, self.delimiter);
            bytes.extend_from_slice(&l);
            taken.push((n, l));
        }
        self.continuation = taken;
        Ok(Some(Raw::Record { line: start, bytes }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<Raw> {
        let mut r = RecordLines::new(text.as_bytes(), b';', 1);
        let mut out = Vec::new();
        while let Some(raw) = r.next_raw().unwrap() {
            out.push(raw);
        }
        out
    }

    fn lines(raws: &[Raw]) -> Vec<(char, u64)> {
        raws.iter()
            .map(|r| match r {
                Raw::Record { line, .. } => ('r', *line),
                Raw::Runaway { line, .. } => ('x', *line),
            })
            .collect()
    }

    #[test]
    fn quoted_newlines_and_escaped_quotes_stay_in_one_record() {
        let raws = split("a;\"b\nc\";d\n\ne;\"say \"\"hi\"\"\";f\ng;h\"i;j\n");
        assert_eq!(lines(&raws), [('r', 1), ('r', 4), ('r', 5)]);
        assert_eq!(
            raws[0],
            Raw::Record {
                line: 1,
                bytes: b"a;\"b\nc\";d\n".to_vec()
            }
        );
    }

    #[test]
    fn a_stray_quote_costs_one_line_not_the_rest_of_the_file() {
        let mut text = String::from("A1;\"Le Relais;1\n");
        for i in 2..=200 {
            text.push_str(&format!("A{i};name;{i}\n"));
        }
        let raws = split(&text);
        assert_eq!(raws.len(), 200);
        assert!(matches!(raws[0], Raw::Runaway { line: 1, .. }));
        assert_eq!(lines(&raws)[1], ('r', 2));
        assert_eq!(lines(&raws)[199], ('r', 200));
    }

    #[test]
    fn a_quote_open_at_the_end_of_the_file_is_a_runaway_and_the_rest_is_kept() {
        let raws = split("A;\"x\nB;y\nC;z\n");
        assert_eq!(lines(&raws), [('x', 1), ('r', 2), ('r', 3)]);
    }
}
