//! Writing output files: folders created, errors naming the file, text
//! made safe for spreadsheets. Used by every writer.

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use crate::error::{Error, Result};

/// Opens `path` for writing, creating its folder.
pub(crate) fn create(path: &Path) -> Result<BufWriter<File>> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| Error::write(parent, e))?;
    }
    File::create(path)
        .map(BufWriter::new)
        .map_err(|e| Error::write(path, e))
}

/// Writes a file through `body`, creating its folder; errors name `path`.
pub(crate) fn write_file(
    path: &Path,
    body: impl FnOnce(&mut BufWriter<File>) -> Result<()>,
) -> Result<()> {
    let mut file = create(path)?;
    body(&mut file).map_err(|e| e.at(path))?;
    file.flush().map_err(|e| Error::write(path, e))
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
