//! Writers: one module per output format. Each adds methods to
//! [`CoverageReport`](crate::CoverageReport); the columns of every format
//! come from one [schema](crate::coverage::schema).

mod csv;
pub(crate) mod geojson;
#[cfg(feature = "polars")]
mod polars;

pub use geojson::Features;

use std::path::Path;

use crate::error::{Error, Result};

/// Writes a JSON document, pretty-printed, to `path` (created with its
/// folder, written to a temporary file then renamed, like every output).
pub fn write_json(path: impl AsRef<Path>, value: &serde_json::Value) -> Result<()> {
    let path = path.as_ref();
    crate::outfile::write_file(path, |file| {
        serde_json::to_writer_pretty(file, value).map_err(|e| Error::encode("JSON", e))
    })
}
