//! Text plumbing shared by the CSV readers: header normalisation, separator
//! sniffing, encoding fallback, number parsing.
//!
//! Files from French administrations come as UTF-8 or Windows-1252
//! ("Latin-1"), with or without a BOM, separated by `;` or `,`. A
//! [`CsvTable`] accepts all of these: it sniffs the separator from the
//! header line, strips a UTF-8 BOM, and decodes each field as UTF-8 when it
//! is valid UTF-8 and as Windows-1252 otherwise, counting the rows that
//! needed the fallback so the load report can say so.

use std::borrow::Cow;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use csv::ByteRecord;

use super::records::{Raw, RecordLines};
use crate::error::{Error, Result};
pub(crate) use crate::key::{normalize_key, parse_number};
use crate::skip::Location;

const SNIFF_BYTES: usize = 64 * 1024;

/// A CSV input opened for streaming: one pass, one record in memory at a time.
///
/// Records are split line by line first ([`RecordLines`]): a quote that
/// never closes costs its one line, not the rest of the file. A row with
/// more fields than the header, or a field that swallowed line breaks and a
/// line's worth of separators, is a malformed row; malformed rows are not
/// handed to the reader but counted by [`finish`](Self::finish), so every
/// row is accounted for: read = kept + skipped.
pub(crate) struct CsvTable<R: Read = Box<dyn Read + Send>> {
    path: PathBuf,
    headers: Vec<String>,
    raw_headers: Vec<String>,
    lines: RecordLines<BufReader<R>>,
    parser: RecordParser,
    delimiter: u8,
    latin1_rows: usize,
    malformed: Vec<(u64, String)>,
}

impl CsvTable {
    /// Opens `path` (gzip or not), sniffs its separator and reads its header.
    pub fn open(path: &Path) -> Result<Self> {
        CsvTable::from_reader(path, super::open_input(path)?)
    }
}

/// Splits one raw record (already cut out of the file by [`RecordLines`])
/// into fields. One `csv_core` state machine serves every record of a file:
/// building it is costlier than parsing a short row.
struct RecordParser {
    core: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
}

impl RecordParser {
    fn new(delimiter: u8) -> Self {
        RecordParser {
            core: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            out: vec![0; 1024],
            ends: vec![0; 64],
        }
    }

    /// Parses `bytes` into `record` (cleared first); false when `bytes`
    /// holds no record at all.
    fn parse(&mut self, bytes: &[u8], record: &mut ByteRecord) -> bool {
        use csv_core::ReadRecordResult;
        self.core.reset();
        record.clear();
        let (mut input, mut nout, mut nend) = (bytes, 0, 0);
        loop {
            let (result, nin, o, e) = self.core.read_record(
                input,
                self.out.get_mut(nout..).unwrap_or_default(),
                self.ends.get_mut(nend..).unwrap_or_default(),
            );
            input = input.get(nin..).unwrap_or_default();
            nout += o;
            nend += e;
            match result {
                // More input: none left, so signal the end with an empty slice.
                ReadRecordResult::InputEmpty => input = &[],
                ReadRecordResult::OutputFull => {
                    let n = self.out.len().max(1024);
                    self.out.resize(n * 2, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    let n = self.ends.len().max(64);
                    self.ends.resize(n * 2, 0);
                }
                ReadRecordResult::Record => break,
                ReadRecordResult::End => return false,
            }
        }
        let mut start = 0;
        for &end in self.ends.get(..nend).unwrap_or_default() {
            record.push_field(self.out.get(start..end).unwrap_or_default());
            start = end;
        }
        true
    }
}

impl<R: Read> CsvTable<R> {
    /// Reads CSV from any reader; `path` names it in reports and errors.
    pub fn from_reader(path: &Path, reader: R) -> Result<Self> {
        let mut buf = BufReader::with_capacity(SNIFF_BYTES, reader);
        let head = buf.fill_buf().map_err(|e| Error::io(path, e))?;
        if head.is_empty() {
            return Err(Error::format(path, None, "empty file"));
        }
        if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
            return Err(Error::format(
                path,
                None,
                "UTF-16 text is not supported; save the file as UTF-8 or Windows-1252",
            ));
        }
        if head.contains(&0) {
            return Err(Error::format(
                path,
                None,
                "binary data (NUL bytes): not a CSV text file",
            ));
        }
        let bom = head.starts_with(&[0xEF, 0xBB, 0xBF]);
        let body = if bom {
            head.get(3..).unwrap_or_default()
        } else {
            head
        };
        if bom && body.iter().all(u8::is_ascii_whitespace) {
            return Err(Error::format(
                path,
                None,
                "the file holds only a byte-order mark",
            ));
        }
        let delimiter = sniff_delimiter(body);
        if bom {
            buf.consume(3);
        }
        let mut lines = RecordLines::new(buf, delimiter, 1);
        let header_record = match lines.next_raw().map_err(|e| Error::io(path, e))? {
            Some(Raw::Record { bytes, .. }) => {
                let mut record = ByteRecord::new();
                RecordParser::new(delimiter).parse(&bytes, &mut record);
                record
            }
            Some(Raw::Runaway { detail, .. }) => {
                return Err(Error::format(
                    path,
                    Some(Location::Line(1)),
                    format!("header: {detail}"),
                ));
            }
            None => return Err(Error::format(path, None, "empty file")),
        };
        let raw_headers: Vec<String> = header_record
            .iter()
            .map(|f| decode(f).0.into_owned())
            .collect();
        let headers = raw_headers.iter().map(|h| normalize_key(h)).collect();
        Ok(CsvTable {
            path: path.to_path_buf(),
            headers,
            raw_headers,
            lines,
            parser: RecordParser::new(delimiter),
            delimiter,
            latin1_rows: 0,
            malformed: Vec::new(),
        })
    }

    /// The index of the first column whose normalised name is one of `aliases`.
    pub fn column(&self, aliases: &[&str]) -> Option<usize> {
        aliases
            .iter()
            .find_map(|a| self.headers.iter().position(|h| h == a))
    }

    /// Like [`column`](Self::column), but a missing column is an error naming it.
    pub fn require(&self, aliases: &[&str]) -> Result<usize> {
        self.column(aliases).ok_or_else(|| {
            // A header can be anything (a whole file on one line): name at
            // most 30 columns of at most 60 characters.
            let short = |h: &String| -> String {
                let mut s: String = h.chars().take(60).collect();
                if h.chars().count() > 60 {
                    s.push('…');
                }
                s
            };
            let found = if let [only] = self.raw_headers.as_slice() {
                format!(
                    "a single column {:?}: is the separator something other than {:?}?",
                    short(only),
                    self.delimiter as char
                )
            } else {
                let mut shown: Vec<String> = self.raw_headers.iter().take(30).map(short).collect();
                if self.raw_headers.len() > 30 {
                    shown.push(format!("… ({} columns)", self.raw_headers.len()));
                }
                format!("columns {}", shown.join(", "))
            };
            Error::MissingColumn {
                path: self.path.clone(),
                column: aliases.join(" or "),
                found,
            }
        })
    }

    /// Reads the next well-formed record into `record`; returns its 1-based
    /// line number, or `None` at the end of the file. Malformed rows are
    /// kept aside for [`finish`](Self::finish).
    pub fn next_record(&mut self, record: &mut ByteRecord) -> Result<Option<u64>> {
        loop {
            let raw = self
                .lines
                .next_raw()
                .map_err(|e| Error::io(&self.path, e))?;
            let (line, bytes) = match raw {
                None => return Ok(None),
                Some(Raw::Runaway { line, detail }) => {
                    self.malformed.push((line, detail));
                    continue;
                }
                Some(Raw::Record { line, bytes }) => (line, bytes),
            };
            if !self.parser.parse(&bytes, record) {
                continue; // nothing but a line end
            }
            if let Some(problem) = self.shape_problem(record) {
                self.malformed.push((line, problem));
                self.lines.reject_last();
                continue;
            }
            if record.iter().any(|f| std::str::from_utf8(f).is_err()) {
                self.latin1_rows += 1;
            }
            return Ok(Some(line));
        }
    }

    /// Why a parsed record is malformed: more fields than the header, or a
    /// field that swallowed line breaks with a line's worth of separators
    /// (a stray quote closed by another one lines later).
    fn shape_problem(&self, record: &ByteRecord) -> Option<String> {
        let width = self.headers.len();
        if record.len() > width {
            return Some(format!("{} fields, header has {width}", record.len()));
        }
        let line_worth = width.saturating_sub(1).max(3);
        record.iter().enumerate().find_map(|(i, f)| {
            if !f.contains(&b'\n') {
                return None;
            }
            let separators = f.iter().filter(|b| **b == self.delimiter).count();
            (separators >= line_worth).then(|| {
                format!(
                    "field {} spans lines and holds {separators} separators: a stray quote",
                    i + 1
                )
            })
        })
    }

    /// The trimmed text of field `index` of `record` (empty when absent).
    pub fn field<'r>(&self, record: &'r ByteRecord, index: usize) -> Cow<'r, str> {
        match record.get(index) {
            Some(bytes) => match decode(bytes).0 {
                Cow::Borrowed(s) => Cow::Borrowed(s.trim()),
                Cow::Owned(s) => Cow::Owned(s.trim().to_owned()),
            },
            None => Cow::Borrowed(""),
        }
    }

    /// The text of an optional column.
    pub fn opt_field<'r>(&self, record: &'r ByteRecord, index: Option<usize>) -> Cow<'r, str> {
        index.map_or(Cow::Borrowed(""), |i| self.field(record, i))
    }

    /// The normalised header names, in order.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// Number of header columns.
    pub fn width(&self) -> usize {
        self.headers.len()
    }

    /// Counts the malformed rows (as read and skipped) and adds the notes
    /// common to every CSV reader (encoding fallback, no data) to a report.
    pub fn finish(&self, report: &mut crate::report::LoadReport) {
        for (line, detail) in &self.malformed {
            report.read += 1;
            report.skip(
                crate::skip::SkipReason::MalformedRow,
                Location::Line(*line),
                None,
                Some(detail.clone()),
            );
        }
        if self.latin1_rows > 0 {
            report.note(crate::report::Note::Latin1Rows(self.latin1_rows));
        }
        if report.read == 0 {
            report.note(crate::report::Note::NoDataRows);
        }
    }
}

/// Decodes bytes as UTF-8, or as Windows-1252 when they are not valid UTF-8.
/// The flag is true when the fallback was used.
pub(crate) fn decode(bytes: &[u8]) -> (Cow<'_, str>, bool) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (Cow::Borrowed(s), false),
        Err(_) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            (text, true)
        }
    }
}

/// Picks the separator that appears most often in the header line, outside
/// quotes: `;`, then tab, then `,` (also the answer when none appears).
fn sniff_delimiter(head: &[u8]) -> u8 {
    let line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let (mut semicolons, mut tabs, mut commas) = (0usize, 0usize, 0usize);
    let mut in_quotes = false;
    for &b in line {
        match b {
            b'"' => in_quotes = !in_quotes,
            b';' if !in_quotes => semicolons += 1,
            b'\t' if !in_quotes => tabs += 1,
            b',' if !in_quotes => commas += 1,
            _ => {}
        }
    }
    if semicolons > commas && semicolons >= tabs {
        b';'
    } else if tabs > commas {
        b'\t'
    } else {
        b','
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separator_sniffing() {
        assert_eq!(sniff_delimiter(b"a;b;c\n1;2;3"), b';');
        assert_eq!(sniff_delimiter(b"\"a,x\";b;c\n"), b';');
        assert_eq!(sniff_delimiter(b"a,b,c\n"), b',');
        assert_eq!(sniff_delimiter(b"a\tb\tc\n"), b'\t');
        assert_eq!(sniff_delimiter(b"single\n"), b',');
    }

    #[test]
    fn latin1_fallback() {
        let (s, fallback) = decode(b"Cr\xe9teil");
        assert_eq!(s, "Créteil");
        assert!(fallback);
        let (s, fallback) = decode("Créteil".as_bytes());
        assert_eq!(s, "Créteil");
        assert!(!fallback);
    }
}
