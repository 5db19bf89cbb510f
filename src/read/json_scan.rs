//! Finds where each feature of a GeoJSON FeatureCollection begins and ends,
//! without parsing it, so that features can be parsed in parallel.
//!
//! The scanner reads the document's outer object and its `features` array
//! (the JSON grammar of those two levels), and copies each member value and
//! each feature, byte for byte, into a buffer: it only follows strings,
//! escapes and bracket depth. Every copied value is then parsed by
//! `serde_json`, which checks it whole, so the document as a whole is
//! checked as strictly as by `serde_json` alone. Positions (line, column,
//! both 1-based, columns in bytes) are tracked so that an error anywhere,
//! including one `serde_json` finds inside a copied value, points at the
//! right place in the file.

use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};
use crate::skip::Location;

/// A position in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pos {
    pub line: u64,
    pub column: u64,
}

impl Pos {
    /// The position in the document of `(line, column)` given by
    /// `serde_json` inside a value that starts at `self`.
    pub fn offset_by(self, line: usize, column: usize) -> Pos {
        if line <= 1 {
            Pos {
                line: self.line,
                column: self.column + column.saturating_sub(1) as u64,
            }
        } else {
            Pos {
                line: self.line + line as u64 - 1,
                column: column as u64,
            }
        }
    }
}

/// What comes next in the outer object.
pub(crate) enum Member {
    /// A member other than `features`: its key; its value was copied.
    Other(String),
    /// The `features` array begins: read it with [`Scanner::next_feature`].
    Features,
    /// The object is closed.
    End,
}

/// A byte-level reader of the two outer levels of a FeatureCollection.
pub(crate) struct Scanner<'p, R> {
    path: &'p Path,
    reader: R,
    buf: Box<[u8]>,
    pos: usize,
    end: usize,
    eof: bool,
    line: u64,
    column: u64,
    /// Whether the next member of the outer object is the first.
    first_member: bool,
    /// Whether the next element of the features array is the first.
    first_feature: bool,
    /// The longest value copied ([`InputLimits::json_value_bytes`](super::InputLimits)).
    max_value: usize,
}

const CHUNK: usize = 1 << 16;

impl<'p, R: Read> Scanner<'p, R> {
    /// A scanner of `reader`; `path` labels errors. A UTF-8 byte-order mark
    /// is skipped.
    pub fn new(path: &'p Path, reader: R) -> Result<Self> {
        let mut s = Scanner {
            path,
            reader,
            buf: vec![0; CHUNK].into_boxed_slice(),
            pos: 0,
            end: 0,
            eof: false,
            line: 1,
            column: 1,
            first_member: true,
            first_feature: true,
            max_value: super::InputLimits::current().json_value_bytes,
        };
        if !s.fill()? {
            return Err(Error::format(path, None, "empty file"));
        }
        // Written by some Windows tools; not JSON.
        if s.chunk().starts_with(&[0xEF, 0xBB, 0xBF]) {
            s.pos = 3;
        }
        Ok(s)
    }

    /// The current position.
    pub fn position(&self) -> Pos {
        Pos {
            line: self.line,
            column: self.column,
        }
    }

    /// An error at `at` (see [`json_error`]).
    fn error_at(&self, at: Pos, truncated: bool, what: &str) -> Error {
        json_error(self.path, at, truncated, what)
    }

    fn error(&self, what: &str) -> Error {
        let truncated = self.eof && self.pos >= self.end;
        self.error_at(self.position(), truncated, what)
    }

    /// The bytes read and not consumed yet.
    fn chunk(&self) -> &[u8] {
        self.buf.get(self.pos..self.end).unwrap_or_default()
    }

    /// Makes bytes available at `pos`; false at the end of the input.
    fn fill(&mut self) -> Result<bool> {
        if self.pos < self.end {
            return Ok(true);
        }
        if self.eof {
            return Ok(false);
        }
        loop {
            match self.reader.read(&mut self.buf) {
                Ok(0) => {
                    self.eof = true;
                    self.pos = 0;
                    self.end = 0;
                    return Ok(false);
                }
                Ok(n) => {
                    self.pos = 0;
                    self.end = n;
                    return Ok(true);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Error::io(self.path, e)),
            }
        }
    }

    /// The next byte that is not whitespace, not consumed.
    fn peek_token(&mut self) -> Result<Option<u8>> {
        loop {
            if !self.fill()? {
                return Ok(None);
            }
            let Some(&b) = self.chunk().first() else {
                return Ok(None);
            };
            match b {
                b' ' | b'\t' | b'\r' => {
                    self.pos += 1;
                    self.column += 1;
                }
                b'\n' => {
                    self.pos += 1;
                    self.line += 1;
                    self.column = 1;
                }
                _ => return Ok(Some(b)),
            }
        }
    }

    /// Consumes the byte `peek_token` returned.
    fn bump(&mut self) {
        self.pos += 1;
        self.column += 1;
    }

    /// Expects `b` as the next token.
    fn expect_byte(&mut self, b: u8, what: &str) -> Result<()> {
        match self.peek_token()? {
            Some(c) if c == b => {
                self.bump();
                Ok(())
            }
            _ => Err(self.error(what)),
        }
    }

    /// Reads the opening brace of the document.
    pub fn open(&mut self) -> Result<()> {
        match self.peek_token()? {
            Some(b'{') => {
                self.bump();
                Ok(())
            }
            Some(b'[') => {
                Err(self
                    .error("invalid type: sequence, expected a GeoJSON FeatureCollection object"))
            }
            _ => Err(self.error("expected a JSON object")),
        }
    }

    /// The next member of the outer object. The value of a member other
    /// than `features` is copied into `value` (cleared first), starting at
    /// the position returned with it.
    pub fn next_member(&mut self, value: &mut Vec<u8>) -> Result<(Member, Pos)> {
        match self.peek_token()? {
            Some(b'}') => {
                self.bump();
                return Ok((Member::End, self.position()));
            }
            Some(b',') if !self.first_member => {
                self.bump();
            }
            Some(_) if self.first_member => {}
            _ => return Err(self.error("expected `,` or `}` after an object member")),
        }
        self.first_member = false;
        if self.peek_token()? != Some(b'"') {
            return Err(self.error("key must be a string"));
        }
        value.clear();
        let key_at = self.position();
        self.copy_value(value)?;
        let key: String =
            serde_json::from_slice(value).map_err(|e| value_error(self.path, key_at, &e))?;
        self.expect_byte(b':', "expected `:` after an object key")?;
        if key == "features" {
            self.expect_byte(b'[', "invalid type: \"features\" is not an array")?;
            self.first_feature = true;
            return Ok((Member::Features, self.position()));
        }
        value.clear();
        self.peek_token()?;
        let at = self.position();
        self.copy_value(value)?;
        Ok((Member::Other(key), at))
    }

    /// Copies the next feature of the features array into `out` (appended)
    /// and returns its position; `None` after the closing bracket.
    pub fn next_feature(&mut self, out: &mut Vec<u8>) -> Result<Option<Pos>> {
        match self.peek_token()? {
            Some(b']') => {
                self.bump();
                return Ok(None);
            }
            Some(b',') if !self.first_feature => {
                self.bump();
                self.peek_token()?;
            }
            Some(_) if self.first_feature => {}
            _ => return Err(self.error("expected `,` or `]` after a feature")),
        }
        self.first_feature = false;
        let at = self.position();
        self.copy_value(out)?;
        Ok(Some(at))
    }

    /// Checks that only whitespace follows the document.
    pub fn finish(&mut self) -> Result<()> {
        match self.peek_token()? {
            None => Ok(()),
            Some(_) => Err(self.error("trailing characters")),
        }
    }

    /// Copies one JSON value, byte for byte, into `out`. Objects and arrays
    /// end where their bracket depth returns to zero (outside strings);
    /// strings at their closing quote; other values before the next
    /// delimiter. Mismatched or invalid content is left for `serde_json`.
    fn copy_value(&mut self, out: &mut Vec<u8>) -> Result<()> {
        let Some(first) = self.peek_token()? else {
            return Err(self.error("EOF while parsing a value"));
        };
        let start = out.len();
        match first {
            b'{' | b'[' | b'"' => self.copy_nested(out, first == b'"', start),
            _ => self.copy_scalar(out, start),
        }
    }

    /// An error when the value copied into `out` from `start` is longer
    /// than the limit: a feature or member that big would exhaust memory
    /// before it is parsed.
    fn check_length(&self, out: &[u8], start: usize) -> Result<()> {
        let len = out.len().saturating_sub(start);
        if len > self.max_value {
            return Err(Error::format(
                self.path,
                Some(crate::skip::Location::Position {
                    line: self.line,
                    column: self.column,
                }),
                format!(
                    "a JSON value (a feature or a member of the collection) is longer than {} bytes, the limit of InputLimits::json_value_bytes (default {} MiB): split the file, or raise the limit with maillage::read::InputLimits",
                    self.max_value,
                    super::InputLimits::DEFAULT.json_value_bytes >> 20
                ),
            ));
        }
        Ok(())
    }

    fn copy_scalar(&mut self, out: &mut Vec<u8>, start: usize) -> Result<()> {
        loop {
            if !self.fill()? {
                return Ok(());
            }
            let chunk = self.buf.get(self.pos..self.end).unwrap_or_default();
            let n = chunk
                .iter()
                .position(|b| {
                    matches!(
                        b,
                        b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n' | b'{' | b'[' | b'"'
                    )
                })
                .unwrap_or(chunk.len());
            out.extend_from_slice(chunk.get(..n).unwrap_or_default());
            self.pos += n;
            self.column += n as u64;
            self.check_length(out, start)?;
            if self.pos < self.end {
                if out.is_empty() {
                    return Err(self.error("expected value"));
                }
                return Ok(());
            }
        }
    }

    /// Copies an object, an array (depth counted) or a string.
    fn copy_nested(&mut self, out: &mut Vec<u8>, string: bool, start: usize) -> Result<()> {
        let mut depth: u32 = 0;
        let mut in_string = false;
        let mut escaped = false;
        let mut started = false;
        loop {
            if !self.fill()? {
                return Err(self.error("EOF while parsing a value"));
            }
            let chunk = self.buf.get(self.pos..self.end).unwrap_or_default();
            let mut done = None;
            let mut line = self.line;
            let mut line_start: Option<usize> = None;
            for (i, &b) in chunk.iter().enumerate() {
                if b == b'\n' {
                    line += 1;
                    line_start = Some(i + 1);
                }
                if in_string {
                    if escaped {
                        escaped = false;
                    } else if b == b'\\' {
                        escaped = true;
                    } else if b == b'"' {
                        in_string = false;
                        if string {
                            done = Some(i + 1);
                            break;
                        }
                    }
                    continue;
                }
                match b {
                    b'"' => {
                        in_string = true;
                        started = true;
                    }
                    b'{' | b'[' => {
                        depth += 1;
                        started = true;
                    }
                    b'}' | b']' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 && started {
                            done = Some(i + 1);
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let n = done.unwrap_or(chunk.len());
            out.extend_from_slice(chunk.get(..n).unwrap_or_default());
            self.line = line;
            self.column = match line_start {
                Some(s) => (n - s) as u64 + 1,
                None => self.column + n as u64,
            };
            self.pos += n;
            self.check_length(out, start)?;
            if done.is_some() {
                return Ok(());
            }
        }
    }
}

/// An error `serde_json` found in a value copied from `at` of `path`.
pub(crate) fn value_error(path: &Path, at: Pos, e: &serde_json::Error) -> Error {
    let text = e.to_string();
    // serde_json appends " at line L column C"; the location is given separately.
    let message = match text.rfind(" at line ") {
        Some(i) => text.get(..i).unwrap_or(&text).to_owned(),
        None => text,
    };
    json_error(
        path,
        at.offset_by(e.line(), e.column()),
        e.is_eof(),
        &message,
    )
}

/// An error of `path` at `at`: "truncated JSON" when the input ended early,
/// else "invalid JSON", with `what` was wrong.
pub(crate) fn json_error(path: &Path, at: Pos, truncated: bool, what: &str) -> Error {
    let kind = if truncated {
        "truncated JSON"
    } else {
        "invalid JSON"
    };
    Error::format(
        path,
        Some(Location::Position {
            line: at.line,
            column: at.column,
        }),
        format!("{kind} ({what})"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    type Scanned = (Vec<(String, String)>, Vec<(Pos, String)>);

    fn scan(text: &str) -> Result<Scanned> {
        let path = Path::new("t.geojson");
        let mut s = Scanner::new(path, text.as_bytes())?;
        s.open()?;
        let mut members = Vec::new();
        let mut features = Vec::new();
        let mut value = Vec::new();
        loop {
            match s.next_member(&mut value)? {
                (Member::End, _) => break,
                (Member::Other(k), _) => {
                    members.push((k, String::from_utf8_lossy(&value).into_owned()))
                }
                (Member::Features, _) => {
                    let mut f = Vec::new();
                    while let Some(at) = s.next_feature(&mut f)? {
                        features.push((at, String::from_utf8_lossy(&f).into_owned()));
                        f.clear();
                    }
                }
            }
        }
        s.finish()?;
        Ok((members, features))
    }

    #[test]
    fn members_and_features_are_copied_with_their_positions() {
        let text = "{\"type\": \"FeatureCollection\",\n \"n\": -1.5e3, \"features\": [\n  {\"a\": \"}]\\\"{\"},\n  {\"b\": [1, {\"c\": null}]}\n], \"x\": true}\n";
        let (members, features) = scan(text).unwrap();
        assert_eq!(
            members,
            [
                ("type".to_owned(), "\"FeatureCollection\"".to_owned()),
                ("n".to_owned(), "-1.5e3".to_owned()),
                ("x".to_owned(), "true".to_owned())
            ]
        );
        assert_eq!(
            features,
            [
                (
                    Pos { line: 3, column: 3 },
                    "{\"a\": \"}]\\\"{\"}".to_owned()
                ),
                (
                    Pos { line: 4, column: 3 },
                    "{\"b\": [1, {\"c\": null}]}".to_owned()
                )
            ]
        );
    }

    #[test]
    fn positions_survive_chunk_boundaries() {
        // A feature longer than a read chunk, spanning lines.
        let long = "1,\n".repeat(CHUNK / 2);
        let text = format!("{{\"features\":[[{long}2],\n {{}}]}}");
        let (_, features) = scan(&text).unwrap();
        assert_eq!(features.len(), 2);
        assert_eq!(
            features[0].0,
            Pos {
                line: 1,
                column: 14
            }
        );
        assert_eq!(
            features[1].0,
            Pos {
                line: 2 + CHUNK as u64 / 2,
                column: 2
            }
        );
    }

    #[test]
    fn broken_structure_is_an_error_at_its_position() {
        let at = |text: &str| match scan(text) {
            Err(Error::Format {
                location: Some(Location::Position { line, column }),
                message,
                ..
            }) => (line, column, message),
            other => panic!("{other:?}"),
        };
        let (l, c, m) = at("{\"features\": [{}, {\"a\": [1, 2");
        assert_eq!((l, c), (1, 30));
        assert!(m.starts_with("truncated JSON"), "{m}");
        let (l, c, m) = at("code;lat;lon\n");
        assert_eq!((l, c), (1, 1));
        assert!(m.starts_with("invalid JSON"), "{m}");
        let (l, c, _) = at("{\"features\": [{} {}]}");
        assert_eq!((l, c), (1, 18));
        let (l, c, _) = at("{\"features\": [{}]} x");
        assert_eq!((l, c), (1, 20));
        let (l, c, _) = at("{\"features\": [{}], 3: 4}");
        assert_eq!((l, c), (1, 20));
        let (l, c, _) = at("{\"features\": {}}");
        assert_eq!((l, c), (1, 14));
        assert!(matches!(
            scan(""),
            Err(Error::Format { location: None, message, .. }) if message == "empty file"
        ));
    }

    #[test]
    fn serde_positions_inside_a_value_are_made_absolute() {
        let at = Pos { line: 7, column: 5 };
        assert_eq!(at.offset_by(1, 3), Pos { line: 7, column: 7 });
        assert_eq!(at.offset_by(3, 2), Pos { line: 9, column: 2 });
    }
}
