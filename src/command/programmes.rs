//! `maillage programmes`: the programmes' hosts derived from open evidence,
//! written through the staged output folder.

use std::path::PathBuf;

use crate::command::out::Output;
use crate::error::Result;
use crate::programmes::{ProgrammeFiles, ProgrammesReport};

/// The files a `programmes` run writes.
pub const FILES: [&str; 2] = ["programmes.csv", "programmes_report.json"];

/// Derives the hosts from `files` and writes `programmes.csv` and
/// `programmes_report.json` into `out` (staged: a failed run leaves the
/// folder as it was), and with `geoparquet` `programmes.parquet` (feature
/// `geoparquet`: a plain Parquet table of programmes.csv's columns).
/// Returns the report and the files written.
///
/// # Errors
/// When the files cannot be read or give nothing, an output cannot be
/// written, or `geoparquet` is asked without the feature.
pub fn run(
    files: &ProgrammeFiles,
    out: &Output,
    geoparquet: bool,
) -> Result<(ProgrammesReport, Vec<PathBuf>)> {
    super::out::check_folder(&out.path, files.inputs())?;
    let report = files.run()?;
    let mut stage = out.folder("programmes", files.inputs())?;
    let mut dir = None;
    for name in FILES {
        dir = stage.path(name)?.parent().map(PathBuf::from);
    }
    if let Some(dir) = dir {
        report.write(dir)?;
    }
    if geoparquet {
        parquet(&mut stage)?;
    }
    let written = stage.commit()?;
    Ok((report, written))
}

#[cfg(feature = "geoparquet")]
fn parquet(stage: &mut super::out::Stage) -> Result<()> {
    let text = ["site_id", "service", "evidence", "detail"];
    super::out::parquet_beside(stage, "programmes.csv", &text, None)
}

#[cfg(not(feature = "geoparquet"))]
fn parquet(_: &mut super::out::Stage) -> Result<()> {
    Err(crate::error::Error::invalid(
        "format",
        "Parquet output needs the `geoparquet` feature",
    ))
}
