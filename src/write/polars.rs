//! DataFrame and Parquet output through polars (feature `polars`).

use std::path::Path;

use polars::prelude::*;

use crate::coverage::schema::{COVERAGE_COLUMNS, Cell, ColumnType, cells};
use crate::coverage::{CoverageReport, Record};
use crate::error::{Error, Result};

impl CoverageReport<'_> {
    /// The results as a polars DataFrame, one row per territory and service,
    /// with the columns of [`COVERAGE_COLUMNS`](crate::coverage::schema::COVERAGE_COLUMNS),
    /// typed: text `String`, whole numbers `u64`, distances `f64`, served `bool`.
    pub fn to_dataframe(&self) -> Result<DataFrame> {
        let records: Vec<_> = self.iter().collect();
        dataframe_of(&records)
    }
}

/// The coverage columns of `records`, typed.
fn dataframe_of(records: &[Record<'_>]) -> Result<DataFrame> {
    let rows: Vec<_> = records.iter().map(cells).collect();
    let columns = COVERAGE_COLUMNS
        .iter()
        .enumerate()
        .map(|(i, column)| {
            let values = rows.iter().filter_map(|row| row.get(i));
            let name = PlSmallStr::from_static(column.name);
            match column.kind {
                ColumnType::Text => Series::new(
                    name,
                    values
                        .map(|c| match c {
                            Cell::Text(t) => t.as_deref().map(str::to_owned),
                            _ => None,
                        })
                        .collect::<Vec<Option<String>>>(),
                ),
                ColumnType::Integer => Series::new(
                    name,
                    values
                        .map(|c| match c {
                            Cell::Integer(v) => *v,
                            _ => None,
                        })
                        .collect::<Vec<Option<u64>>>(),
                ),
                ColumnType::Float { .. } => Series::new(
                    name,
                    values
                        .map(|c| match c {
                            Cell::Float(v) => *v,
                            _ => None,
                        })
                        .collect::<Vec<Option<f64>>>(),
                ),
                ColumnType::Bool => Series::new(
                    name,
                    values
                        .map(|c| matches!(c, Cell::Bool(true)))
                        .collect::<Vec<bool>>(),
                ),
            }
            .into()
        })
        .collect::<Vec<Column>>();
    DataFrame::new_infer_height(columns).map_err(|e| Error::encode("DataFrame", e))
}

impl CoverageReport<'_> {
    /// Writes [`to_dataframe`](Self::to_dataframe) as a Parquet file (zstd).
    pub fn write_parquet(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let mut df = self.to_dataframe()?;
        crate::outfile::write_file(path, |file| {
            ParquetWriter::new(file)
                .with_compression(ParquetCompression::Zstd(None))
                .finish(&mut df)
                .map(|_| ())
                .map_err(|e| Error::encode("Parquet", e))
        })
    }
}
