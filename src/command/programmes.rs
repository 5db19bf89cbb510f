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
/// folder as it was). Returns the report and the files written.
pub fn run(files: &ProgrammeFiles, out: &Output) -> Result<(ProgrammesReport, Vec<PathBuf>)> {
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
    let written = stage.commit()?;
    Ok((report, written))
}
