//! CSV output.

use std::io::Write;
use std::path::Path;

use crate::coverage::schema::{COVERAGE_COLUMNS, RANK, cells};
use crate::coverage::{CoverageReport, Record};
use crate::error::{Error, Result};

fn write_records<'a, W: Write>(
    writer: W,
    records: impl Iterator<Item = (Option<usize>, Record<'a>)>,
    with_rank: bool,
) -> Result<()> {
    let mut w = csv::Writer::from_writer(writer);
    let rank_column = with_rank.then_some(RANK.name);
    let names = COVERAGE_COLUMNS.iter().map(|c| c.name);
    w.write_record(rank_column.into_iter().chain(names))
        .map_err(|e| Error::encode("CSV", e))?;
    let encode = |e| Error::encode("CSV", e);
    // Each row is written field by field, without collecting its text.
    for (rank, r) in records {
        if let Some(n) = rank {
            w.write_field(n.to_string()).map_err(encode)?;
        }
        for (cell, column) in cells(&r).iter().zip(COVERAGE_COLUMNS) {
            let text = cell.to_text(column.kind);
            w.write_field(crate::outfile::spreadsheet_safe(&text).as_bytes())
                .map_err(encode)?;
        }
        w.write_record(None::<&[u8]>).map_err(encode)?;
    }
    w.flush().map_err(|e| Error::encode("CSV", e))
}

impl CoverageReport<'_> {
    /// Writes one row per territory and service to `writer` as CSV with the
    /// columns [`COVERAGE_COLUMNS`](crate::coverage::schema::COVERAGE_COLUMNS). `nearest_m` is
    /// in metres with two decimals, empty when the zone has no point offering
    /// the service.
    pub fn to_csv<W: Write>(&self, writer: W) -> Result<()> {
        write_records(writer, self.iter().map(|r| (None, r)), false)
    }

    /// Writes [`to_csv`](Self::to_csv) to a file, creating its folder.
    pub fn write_csv(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        crate::outfile::write_file(path, |file| self.to_csv(file))
    }

    /// Writes the ranked gaps of every service (see [`gaps`](Self::gaps))
    /// to a CSV file: a `rank` column (1 = largest gap of its service), then
    /// the coverage columns.
    pub fn write_gaps_csv(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let ranked = self.services().iter().flat_map(|&s| {
            self.gaps(s)
                .into_iter()
                .enumerate()
                .map(|(i, r)| (Some(i + 1), r))
        });
        crate::outfile::write_file(path, |file| write_records(file, ranked, true))
    }
}
