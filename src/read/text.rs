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

/// Normalises a column name or label for matching: lower case, accents
/// removed, every run of other characters turned into one `_`, leading `#`
/// and underscores dropped. `"#Identifiant_du_site"` and
/// `"identifiant du site"` both become `identifiant_du_site`.
pub fn normalize_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_sep = false;
    for ch in s.chars().flat_map(char::to_lowercase) {
        let mapped: &str = match ch {
            'à' | 'â' | 'ä' | 'á' | 'ã' => "a",
            'é' | 'è' | 'ê' | 'ë' => "e",
            'î' | 'ï' | 'í' => "i",
            'ô' | 'ö' | 'ó' => "o",
            'ù' | 'û' | 'ü' | 'ú' => "u",
            'ç' => "c",
            'ÿ' => "y",
            'œ' => "oe",
            'æ' => "ae",
            _ => "",
        };
        if !mapped.is_empty() || ch.is_ascii_alphanumeric() {
            if pending_sep && !out.is_empty() {
                out.push('_');
            }
            pending_sep = false;
            if mapped.is_empty() {
                out.push(ch);
            } else {
                out.push_str(mapped);
            }
        } else {
            pending_sep = true;
        }
    }
    out
}

/// Parses a number written the English or the French way (`48.85`, `48,85`,
/// `6 206`, with spaces or non-breaking spaces as thousands separators).
/// Returns `None` for anything else, including non-finite values.
pub fn parse_number(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    let cleaned: String = t
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    cleaned.parse::<f64>().ok().filter(|v| v.is_finite())
}

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

    /// Number of header columns.
    pub fn width(&self) -> usize {
        self.headers.len()
    }

    /// Adds the notes common to every CSV reader (encoding fallback, separator) to a report.
    pub fn finish(&self, report: &mut crate::LoadReport) {
        if self.latin1_rows > 0 {
            report.note(format!(
                "{} row(s) were not valid UTF-8 and were decoded as Windows-1252 (Latin-1)",
                self.latin1_rows
            ));
        }
        if report.read == 0 {
            report.note("the file has a header but no data rows");
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
    fn keys_are_normalised() {
        assert_eq!(normalize_key("#Identifiant_du_site"), "identifiant_du_site");
        assert_eq!(
            normalize_key("Caractéristique_du_site"),
            "caracteristique_du_site"
        );
        assert_eq!(
            normalize_key("Précision du géocodage"),
            "precision_du_geocodage"
        );
        assert_eq!(
            normalize_key("  Relais poste commerçant "),
            "relais_poste_commercant"
        );
        assert_eq!(normalize_key("\u{feff}code_insee"), "code_insee");
    }

    #[test]
    fn numbers_in_both_notations() {
        assert_eq!(parse_number("48.943878"), Some(48.943878));
        assert_eq!(parse_number(" 48,943878 "), Some(48.943878));
        assert_eq!(parse_number("6 206"), Some(6206.0));
        assert_eq!(parse_number("6\u{a0}206"), Some(6206.0));
        assert_eq!(parse_number(""), None);
        assert_eq!(parse_number("NaN"), None);
        assert_eq!(parse_number("inf"), None);
        assert_eq!(parse_number("abc"), None);
    }

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
