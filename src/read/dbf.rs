//! The `.dbf` (dBase III+) attribute table of a Shapefile, read by hand so
//! that nothing is hidden: every record is kept at its index (a record
//! flagged deleted stays in place, flagged, so that it cannot shift the
//! records after it onto the wrong shapes), the header's count is checked
//! against the bytes the file holds, and the text encoding is chosen from
//! the `.cpg`, the language driver byte (offset 29) and the bytes
//! themselves, and said.

use std::collections::HashMap;
use std::path::Path;

use crate::error::{Error, Result};

/// The upper half (0x80–0xFF) of the DOS code page 437, which encoding_rs
/// does not carry.
const CP437: &str = "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{a0}";
/// The upper half of the DOS code page 850 (Western Europe).
const CP850: &str = "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜø£Ø×ƒáíóúñÑªº¿®¬½¼¡«»░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐└┴┬├─┼ãÃ╚╔╩╦╠═╬¤ðÐÊËÈıÍÎÏ┘┌█▄¦Ì▀ÓßÔÒõÕµþÞÚÛÙýÝ¯´\u{ad}±‗¾¶§÷¸°¨·¹³²■\u{a0}";

/// A text encoding of `.dbf` character fields.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Encoding {
    /// UTF-8.
    Utf8,
    /// A single- or multi-byte encoding encoding_rs knows (windows-1252...).
    Known(&'static encoding_rs::Encoding),
    /// A DOS code page: its name and its upper half.
    Dos(&'static str, &'static str),
}

impl Encoding {
    fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Known(e) => e.name(),
            Encoding::Dos(name, _) => name,
        }
    }

    fn decode(self, bytes: &[u8]) -> String {
        match self {
            Encoding::Utf8 => String::from_utf8_lossy(bytes).into_owned(),
            Encoding::Known(e) => e.decode_without_bom_handling(bytes).0.into_owned(),
            Encoding::Dos(_, upper) => bytes
                .iter()
                .map(|&b| match b.checked_sub(0x80) {
                    None => char::from(b),
                    Some(i) => upper.chars().nth(usize::from(i)).unwrap_or('\u{fffd}'),
                })
                .collect(),
        }
    }

    /// The encoding a `.cpg` names (its whole content, e.g. `UTF-8`, `1252`,
    /// `ISO-8859-1`, `OEM 850`).
    fn of_cpg(text: &str) -> Option<Encoding> {
        let t = text.trim().to_ascii_uppercase().replace([' ', '_'], "-");
        let digits: String = t.chars().filter(char::is_ascii_digit).collect();
        Some(match t.as_str() {
            "UTF-8" | "UTF8" | "65001" => Encoding::Utf8,
            "ISO-8859-1" | "8859-1" | "88591" | "LATIN1" | "LATIN-1" => {
                Encoding::Known(encoding_rs::WINDOWS_1252)
            }
            "ISO-8859-15" | "8859-15" | "885915" => Encoding::Known(encoding_rs::ISO_8859_15),
            _ if digits == "437" => Encoding::Dos("IBM437", CP437),
            _ if digits == "850" => Encoding::Dos("IBM850", CP850),
            _ if digits.len() == 4
                && (t == digits || ["CP", "WINDOWS", "ANSI"].iter().any(|p| t.starts_with(p))) =>
            {
                Encoding::Known(encoding_rs::Encoding::for_label(
                    format!("windows-{digits}").as_bytes(),
                )?)
            }
            _ => encoding_rs::Encoding::for_label(t.as_bytes()).map(|e| {
                if e == encoding_rs::UTF_8 {
                    Encoding::Utf8
                } else {
                    Encoding::Known(e)
                }
            })?,
        })
    }

    /// The encoding a dBase language driver id names (0 names none).
    fn of_ldid(ldid: u8) -> Option<Encoding> {
        use encoding_rs as e;
        Some(match ldid {
            0x01 => Encoding::Dos("IBM437", CP437),
            0x02 | 0x37 => Encoding::Dos("IBM850", CP850),
            0x03 | 0x57 | 0x58 | 0x59 => Encoding::Known(e::WINDOWS_1252),
            0x65 => Encoding::Known(e::IBM866),
            0xC8 => Encoding::Known(e::WINDOWS_1250),
            0xC9 => Encoding::Known(e::WINDOWS_1251),
            0xCA => Encoding::Known(e::WINDOWS_1254),
            0xCB => Encoding::Known(e::WINDOWS_1253),
            0xCC => Encoding::Known(e::WINDOWS_1257),
            _ => return None,
        })
    }
}

/// One field of the table.
struct FieldInfo {
    /// Its name, lower-cased.
    name: String,
    kind: u8,
    offset: usize,
    len: usize,
}

/// A whole `.dbf`, in memory.
pub(crate) struct Dbf {
    bytes: Vec<u8>,
    fields: Vec<FieldInfo>,
    header_len: usize,
    record_len: usize,
    /// The record count the header gives.
    pub declared: usize,
    /// The records the file holds in full (at most `declared`).
    pub present: usize,
    encoding: Encoding,
    /// Which encoding was used and why, when the text has non-ASCII bytes.
    pub encoding_note: Option<(String, String)>,
}

/// One record: deleted, or its values as text by lower-case field name.
pub(crate) enum DbfRecord {
    /// Flagged deleted (first byte `*`).
    Deleted,
    /// A first byte that is neither ` ` nor `*`: the record cannot be trusted.
    BadFlag(u8),
    /// A live record.
    Live(HashMap<String, String>),
}

fn le16(bytes: &[u8], at: usize) -> Option<usize> {
    let b = bytes.get(at..at + 2)?;
    Some(usize::from(u16::from_le_bytes([*b.first()?, *b.get(1)?])))
}

fn le32(bytes: &[u8], at: usize) -> Option<u32> {
    let b: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
    Some(u32::from_le_bytes(b))
}

impl Dbf {
    /// Reads `dbf` (the `.dbf` of `shp`) and its `.cpg` when there is one.
    pub fn open(shp: &Path, dbf: &Path) -> Result<Dbf> {
        let bytes = std::fs::read(dbf).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::format(
                shp,
                None,
                format!(
                    "no {} next to it: the attributes (ids, names) are in it",
                    dbf.display()
                ),
            ),
            _ => Error::io(dbf, e),
        })?;
        let bad =
            |what: &str| Error::format(dbf, None, format!("not a readable dBase file: {what}"));
        let (Some(declared), Some(header_len), Some(record_len)) =
            (le32(&bytes, 4), le16(&bytes, 8), le16(&bytes, 10))
        else {
            return Err(bad("shorter than its 32-byte header"));
        };
        let declared = declared as usize;
        if header_len < 33 || header_len > bytes.len() {
            return Err(bad(&format!(
                "its header length ({header_len} bytes) does not fit the file ({} bytes)",
                bytes.len()
            )));
        }
        if record_len == 0 {
            return Err(bad("its records are 0 bytes long"));
        }
        // Field descriptors: 32 bytes each from offset 32, up to 0x0D.
        let mut fields = Vec::new();
        let mut offset = 1; // after the deletion flag
        let mut at = 32;
        let mut terminated = false;
        while at < header_len {
            if bytes.get(at) == Some(&0x0D) {
                terminated = true;
                break;
            }
            let Some(d) = bytes.get(at..at + 32) else {
                break;
            };
            let name_bytes = d.get(..11).unwrap_or_default();
            let end = name_bytes.iter().position(|&b| b == 0).unwrap_or(11);
            let name = encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(name_bytes.get(..end).unwrap_or_default())
                .0
                .trim()
                .to_lowercase();
            let kind = d.get(11).copied().unwrap_or(b'C');
            let len = usize::from(d.get(16).copied().unwrap_or(0));
            // A character field may be longer than 255 bytes (the
            // decimal-count byte holds the high byte).
            let len = if kind == b'C' {
                len + 256 * usize::from(d.get(17).copied().unwrap_or(0))
            } else {
                len
            };
            fields.push(FieldInfo {
                name,
                kind,
                offset,
                len,
            });
            offset += len;
            at += 32;
        }
        // The records start right after the descriptors' terminator (and,
        // in Visual FoxPro, its 263-byte backlink); each is the deletion
        // flag and the fields. Any other layout would read records at the
        // wrong place: the attributes of one on the shape of another.
        let foxpro = matches!(bytes.first(), Some(0x30..=0x32));
        if !terminated || !(header_len == at + 1 || (foxpro && header_len == at + 1 + 263)) {
            return Err(bad(&format!(
                "its header says the records start at byte {header_len}, but its field descriptors end at byte {}",
                at + 1
            )));
        }
        if offset != record_len {
            return Err(bad(&format!(
                "its fields take {offset} bytes a record but its header says records are {record_len} bytes long"
            )));
        }
        let present = ((bytes.len() - header_len) / record_len).min(declared);
        let mut dbf = Dbf {
            bytes,
            fields,
            header_len,
            record_len,
            declared,
            present,
            encoding: Encoding::Utf8,
            encoding_note: None,
        };
        let cpg = std::fs::read(shp.with_extension("cpg"))
            .ok()
            .map(|b| String::from_utf8_lossy(&b).trim().to_owned());
        dbf.choose_encoding(cpg.as_deref());
        Ok(dbf)
    }

    /// The names of the fields, lower-cased.
    pub fn field_names(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().map(|f| f.name.as_str())
    }

    fn record_bytes(&self, index: usize) -> Option<&[u8]> {
        let start = self.header_len + index.checked_mul(self.record_len)?;
        self.bytes.get(start..start + self.record_len)
    }

    /// Chooses the encoding of the character fields: when their bytes are
    /// all ASCII it does not matter; when they are valid UTF-8 they are
    /// UTF-8 (whatever the `.cpg` says: Latin-1 text is almost never valid
    /// UTF-8); else the single-byte encoding the `.cpg` or the language
    /// driver names, windows-1252 when neither does.
    fn choose_encoding(&mut self, cpg: Option<&str>) {
        let mut non_ascii = false;
        let mut utf8 = true;
        for i in 0..self.present {
            let Some(rec) = self.record_bytes(i) else {
                break;
            };
            for f in self.fields.iter().filter(|f| f.kind == b'C') {
                let Some(v) = rec.get(f.offset..f.offset + f.len) else {
                    continue;
                };
                if v.is_ascii() {
                    continue;
                }
                non_ascii = true;
                // A multi-byte character cut by the field's width is still UTF-8.
                if let Err(e) = std::str::from_utf8(v)
                    && e.error_len().is_some()
                {
                    utf8 = false;
                }
            }
        }
        let ldid = self.bytes.get(29).copied().unwrap_or(0);
        let by_cpg = cpg.and_then(Encoding::of_cpg);
        let by_ldid = Encoding::of_ldid(ldid);
        let cpg_said = match (cpg, by_cpg) {
            (Some(c), Some(e)) => format!("its .cpg says {c:?} ({})", e.name()),
            (Some(c), None) => format!("its .cpg names an unknown encoding {c:?}"),
            (None, _) => "no .cpg".to_owned(),
        };
        let ldid_said = match by_ldid {
            Some(e) => format!("language driver 0x{ldid:02X} ({})", e.name()),
            None => format!("language driver 0x{ldid:02X} names none"),
        };
        let (encoding, reason) = if !non_ascii {
            (by_cpg.or(by_ldid).unwrap_or(Encoding::Utf8), String::new())
        } else if utf8 {
            (
                Encoding::Utf8,
                format!("its text is valid UTF-8; {cpg_said}; {ldid_said}"),
            )
        } else {
            let single = |e: Option<Encoding>| e.filter(|e| *e != Encoding::Utf8);
            let chosen = single(by_cpg)
                .or(single(by_ldid))
                .unwrap_or(Encoding::Known(encoding_rs::WINDOWS_1252));
            let from = if single(by_cpg).is_some() {
                "from the .cpg"
            } else if single(by_ldid).is_some() {
                "from the language driver"
            } else {
                "the default for text that is not UTF-8"
            };
            (
                chosen,
                format!("its text is not valid UTF-8; {cpg_said}; {ldid_said}; {from}"),
            )
        };
        self.encoding = encoding;
        if non_ascii {
            self.encoding_note = Some((encoding.name().to_owned(), reason));
        }
    }

    /// Record `index` (0-based), which must be below [`present`](Self::present).
    pub fn record(&self, index: usize) -> Option<DbfRecord> {
        let rec = self.record_bytes(index)?;
        match rec.first() {
            Some(b'*') => return Some(DbfRecord::Deleted),
            Some(b' ') => {}
            Some(&b) => return Some(DbfRecord::BadFlag(b)),
            None => return None,
        }
        let mut values = HashMap::new();
        for f in &self.fields {
            let Some(v) = rec.get(f.offset..f.offset + f.len) else {
                continue;
            };
            if let Some(t) = self.text_of(f.kind, v) {
                values.entry(f.name.clone()).or_insert(t);
            }
        }
        Some(DbfRecord::Live(values))
    }

    /// A value as text (`None` when empty or of a type with no text: memo,
    /// binary).
    fn text_of(&self, kind: u8, v: &[u8]) -> Option<String> {
        let ascii = || {
            let s = String::from_utf8_lossy(v);
            let s = s.trim_matches(|c: char| c.is_whitespace() || c == '\0');
            (!s.is_empty()).then(|| s.to_owned())
        };
        let t = match kind {
            b'C' => self
                .encoding
                .decode(v)
                .trim_matches(|c: char| c.is_whitespace() || c == '\0')
                .to_owned(),
            b'N' | b'F' => {
                let s = ascii()?;
                if s.bytes().all(|b| b == b'*') {
                    return None;
                }
                // Numbers as dBase readers give them (`"  93.000"` is 93).
                match s.parse::<f64>() {
                    Ok(n) => n.to_string(),
                    Err(_) => s,
                }
            }
            b'L' => match v.first() {
                Some(b'T' | b't' | b'Y' | b'y') => "true".to_owned(),
                Some(b'F' | b'f' | b'N' | b'n') => "false".to_owned(),
                _ => return None,
            },
            b'D' => ascii()?,
            b'I' | b'+' => i32::from_le_bytes(v.try_into().ok()?).to_string(),
            b'O' => f64::from_le_bytes(v.try_into().ok()?).to_string(),
            b'Y' => (i64::from_le_bytes(v.try_into().ok()?) as f64 / 10_000.0).to_string(),
            _ => return None,
        };
        (!t.is_empty()).then_some(t)
    }
}
