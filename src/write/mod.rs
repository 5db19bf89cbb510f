//! Writers: one module per output format. Each adds methods to
//! [`CoverageReport`](crate::coverage::CoverageReport); the columns of every format
//! come from one [schema](crate::coverage::schema).

mod csv;
pub(crate) mod geojson;
#[cfg(feature = "polars")]
mod polars;

pub use geojson::Features;

use std::path::Path;

use crate::error::Result;

/// Writes a JSON document, pretty-printed, to `path` (created with its
/// folder, written to a temporary file then renamed, like every output).
pub fn write_json(path: impl AsRef<Path>, value: &serde_json::Value) -> Result<()> {
    crate::outfile::write_json(path.as_ref(), value)
}
