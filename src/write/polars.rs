//! DataFrame and Parquet output through polars (feature `polars`).

use std::path::Path;

use polars::prelude::*;

use crate::coverage::CoverageReport;
use crate::error::{Error, Result};

impl CoverageReport<'_> {
    /// The results as a polars DataFrame, one row per territory and service,
    /// with the columns of [`COVERAGE_COLUMNS`](super::csv::COVERAGE_COLUMNS)
    /// (typed: population `u64`, distances `f64`, counts `u32`, served `bool`).
    pub fn to_dataframe(&self) -> Result<DataFrame> {
        let records: Vec<_> = self.iter().collect();
        let text = |f: &dyn Fn(&crate::Record<'_>) -> String| -> Vec<String> {
            records.iter().map(f).collect()
        };
        let df = df!(
            "territory_id" => text(&|r| r.territory.id.clone()),
            "name" => text(&|r| r.territory.name.clone()),
            "kind" => text(&|r| r.territory.kind.to_string()),
            "departement" => records.iter().map(|r| r.territory.departement.clone()).collect::<Vec<Option<String>>>(),
            "population" => records.iter().map(|r| r.territory.population).collect::<Vec<Option<u64>>>(),
            "service" => text(&|r| r.service.to_string()),
            "radius_m" => records.iter().map(|r| r.rule.radius_m()).collect::<Vec<f64>>(),
            "points_inside" => records.iter().map(|r| r.points_inside).collect::<Vec<u32>>(),
            "points_within_radius" => records.iter().map(|r| r.points_within).collect::<Vec<u32>>(),
            "nearest_m" => records.iter().map(|r| r.nearest_m()).collect::<Vec<Option<f64>>>(),
            "nearest_id" => records.iter().map(|r| r.nearest.map(|(p, _)| p.id.clone())).collect::<Vec<Option<String>>>(),
            "served" => records.iter().map(|r| r.served).collect::<Vec<bool>>(),
        );
        df.map_err(|e| Error::write(Path::new("<dataframe>"), e))
    }

    /// Writes [`to_dataframe`](Self::to_dataframe) as a Parquet file (zstd).
    pub fn write_parquet(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let mut df = self.to_dataframe()?;
        let file = super::create(path)?;
        ParquetWriter::new(file)
            .with_compression(ParquetCompression::Zstd(None))
            .finish(&mut df)
            .map(|_| ())
            .map_err(|e| Error::write(path, e))
    }
}
