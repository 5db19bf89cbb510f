//! Writing output files: folders created, errors naming the file, text
//! made safe for spreadsheets. Used by every writer.
//!
//! A file is written to a temporary file beside it, then renamed over it:
//! a failed run never leaves half a file, and a symbolic link planted where
//! an output goes is refused, never followed (its target is not truncated).

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use crate::error::{Error, Result};

/// The reason a path cannot be written to.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Refused(&'static str);

/// Writes a file through `body`, creating its folder; errors name `path`.
pub(crate) fn write_file(
    path: &Path,
    body: impl FnOnce(&mut BufWriter<File>) -> Result<()>,
) -> Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| Error::write(parent, e))?;
    }
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(Error::write(
            path,
            Refused("a symbolic link stands where the output goes: refusing to write through it"),
        ));
    }
    let name = path
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = File::create(&tmp)
            .map(BufWriter::new)
            .map_err(|e| Error::write(path, e))?;
        body(&mut file).map_err(|e| e.at(path))?;
        file.flush().map_err(|e| Error::write(path, e))?;
        drop(file);
        std::fs::rename(&tmp, path).map_err(|e| Error::write(path, e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Writes `bytes` to `path`, creating its folder.
#[cfg(feature = "map")]
pub(crate) fn write_bytes(path: &Path, bytes: &[u8]) -> Result<()> {
    write_file(path, |f| {
        f.write_all(bytes).map_err(|e| Error::write(path, e))
    })
}

/// A text cell made safe for spreadsheets: text starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return would be run as a formula by
/// Excel or LibreOffice (CSV injection), so it gets a leading `'`, as
/// OWASP recommends. Numbers (`-1.5`) are left alone.
pub(crate) fn spreadsheet_safe(text: &str) -> Cow<'_, str> {
    let risky = matches!(
        text.chars().next(),
        Some('=' | '+' | '-' | '@' | '\t' | '\r')
    );
    if risky && text.parse::<f64>().is_err() {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Writes `value` as pretty-printed JSON to `path` (folder created).
pub(crate) fn write_json(path: &Path, value: &serde_json::Value) -> Result<()> {
    write_file(path, |file| {
        serde_json::to_writer_pretty(file, value).map_err(|e| Error::encode("JSON", e))
    })
}

#[cfg(test)]
mod tests {
    use super::spreadsheet_safe;

    #[test]
    fn formulas_are_neutralised_numbers_are_not() {
        assert_eq!(spreadsheet_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(spreadsheet_safe("+33 1 23"), "'+33 1 23");
        assert_eq!(spreadsheet_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(spreadsheet_safe("-1.5"), "-1.5");
        assert_eq!(spreadsheet_safe("Saint-Denis"), "Saint-Denis");
    }
}
