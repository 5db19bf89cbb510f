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
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use csv::ByteRecord;

use crate::error::{Error, Location, Result};
pub(crate) use crate::key::{normalize_key, parse_number};

const SNIFF_BYTES: usize = 64 * 1024;

/// A CSV input opened for streaming: one pass, one record in memory at a time.
pub(crate) struct CsvTable<R: Read = File> {
    path: PathBuf,
    headers: Vec<String>,
    raw_headers: Vec<String>,
    reader: csv::Reader<BufReader<R>>,
    delimiter: u8,
    latin1_rows: usize,
}

impl CsvTable<File> {
    /// Opens `path`, sniffs its separator and reads its header.
    pub fn open(path: &Path) -> Result<Self> {
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        CsvTable::from_reader(path, file)
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
        let delimiter = sniff_delimiter(body);
        if bom {
            buf.consume(3);
        }
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .has_headers(true)
            .from_reader(buf);
        let header_record = reader
            .byte_headers()
            .map_err(|e| Error::format(path, Some(Location::Line(1)), e.to_string()))?
            .clone();
        let raw_headers: Vec<String> = header_record
            .iter()
            .map(|f| decode(f).0.into_owned())
            .collect();
        let headers = raw_headers.iter().map(|h| normalize_key(h)).collect();
        Ok(CsvTable {
            path: path.to_path_buf(),
            headers,
            raw_headers,
            reader,
            delimiter,
            latin1_rows: 0,
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
            let found = if let [only] = self.raw_headers.as_slice() {
                format!(
                    "a single column {only:?}: is the separator something other than {:?}?",
                    self.delimiter as char
                )
            } else {
                format!("columns {}", self.raw_headers.join(", "))
            };
            Error::MissingColumn {
                path: self.path.clone(),
                column: aliases.join(" or "),
                found,
            }
        })
    }

    /// Reads the next record into `record`; returns its 1-based line number,
    /// or `None` at the end of the file.
    pub fn next_record(&mut self, record: &mut ByteRecord) -> Result<Option<u64>> {
        match self.reader.read_byte_record(record) {
            Ok(false) => Ok(None),
            Ok(true) => {
                let line = record.position().map_or(0, |p| p.line());
                if record.iter().any(|f| std::str::from_utf8(f).is_err()) {
                    self.latin1_rows += 1;
                }
                Ok(Some(line))
            }
            Err(e) => {
                let line = e.position().map(|p| Location::Line(p.line()));
                Err(Error::format(&self.path, line, e.to_string()))
            }
        }
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

    /// Adds the notes common to every CSV reader (encoding fallback, separator) to a report.
    pub fn finish(&self, report: &mut crate::LoadReport) {
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
