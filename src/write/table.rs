//! The one CSV table writer every report goes through: a header, then rows
//! of text cells, each made safe for spreadsheets (a cell that would start
//! a formula is quoted; numbers are left as they are).

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};
use crate::outfile::spreadsheet_safe;

/// Writes `header` then `rows` as CSV into `out`.
pub(crate) fn csv_into<S: AsRef<str>>(
    out: impl Write,
    header: &[&str],
    rows: impl IntoIterator<Item = Vec<S>>,
) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let err = |e: csv::Error| Error::encode("CSV", e);
    w.write_record(header).map_err(err)?;
    for row in rows {
        for cell in &row {
            w.write_field(spreadsheet_safe(cell.as_ref()).as_bytes())
                .map_err(err)?;
        }
        w.write_record(None::<&[u8]>).map_err(err)?;
    }
    w.flush().map_err(|e| Error::encode("CSV", e))
}

/// Writes `header` then `rows` as a CSV file at `path` (folder created,
/// written to a temporary file then renamed, like every output).
pub(crate) fn csv_file<S: AsRef<str>>(
    path: &Path,
    header: &[&str],
    rows: impl IntoIterator<Item = Vec<S>>,
) -> Result<()> {
    crate::outfile::write_file(path, |file| csv_into(file, header, rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_spreadsheet_safe_and_numbers_kept() {
        let mut out = Vec::new();
        let rows = vec![vec!["=SUM(A1)", "-4.25", "a,b"], vec!["@x", "+3", ""]];
        csv_into(&mut out, &["name", "lon", "text"], rows).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "name,lon,text\n'=SUM(A1),-4.25,\"a,b\"\n'@x,+3,\n"
        );
    }
}
