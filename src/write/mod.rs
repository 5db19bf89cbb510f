//! Writers: every file a report is written to goes through this module.
//!
//! - coverage ([`CoverageReport`](crate::coverage::CoverageReport)): one
//!   module per format, `csv`, `geojson`, `geoparquet` (the `parquet`
//!   crate) and `polars` (a DataFrame, Parquet),
//!   with the columns of every format from one
//!   [schema](crate::coverage::schema);
//! - accessibility ([`AccessReport`](crate::access::AccessReport)):
//!   `departements.csv`, `communes.csv`, totals by territory (`access`);
//! - plans: `sites.csv`, `impact.csv`, `plan.json` (`plan`);
//! - comparisons: `changes.csv`, totals per département, `changes.geojson`,
//!   `points_changes.csv` (`compare`);
//! - every CSV table goes through one writer (`table`), which makes every
//!   cell safe for spreadsheets.
//!
//! The columns of every file are listed in docs/SCHEMAS.md.

pub(crate) mod access;
mod compare;
mod csv;
pub(crate) mod geojson;
#[cfg(feature = "geoparquet")]
mod geoparquet;
#[cfg(feature = "geoparquet")]
pub use geoparquet::write_csv_as_parquet;
pub(crate) mod plan;
#[cfg(feature = "polars")]
mod polars;
pub(crate) mod table;

pub use compare::write_site_changes_csv;
pub use geojson::{Features, lonlat_geometry};
pub use plan::{write_impact_csv, write_plan_json, write_sites_csv};

use std::path::Path;

use crate::error::Result;

/// Writes a JSON document, pretty-printed, to `path` (created with its
/// folder, written to a temporary file then renamed, like every output).
pub fn write_json(path: impl AsRef<Path>, value: &serde_json::Value) -> Result<()> {
    crate::outfile::write_json(path.as_ref(), value)
}
