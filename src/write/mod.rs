//! Writers: one module per output format. Each adds methods to
//! [`CoverageReport`](crate::CoverageReport).

mod csv;
mod geojson;
#[cfg(feature = "polars")]
mod polars;

pub use geojson::Features;

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use crate::error::{Error, Result};

pub(crate) fn create(path: &Path) -> Result<BufWriter<File>> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| Error::write(parent, e))?;
    }
    File::create(path)
        .map(BufWriter::new)
        .map_err(|e| Error::write(path, e))
}
