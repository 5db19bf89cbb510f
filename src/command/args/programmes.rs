//! `maillage programmes`'s arguments.

use std::path::PathBuf;

use clap::Args;

use super::output;
use crate::command::Sites;
use crate::command::out::Output;
use crate::programmes::ProgrammeFiles;

/// `maillage programmes`.
#[derive(Debug, Args)]
pub struct ProgrammesArgs {
    /// The points de contact, the partner files to derive hosts from, and
    /// the user's own `site_id,service` list (which overrides and extends
    /// the derived hosts).
    #[command(flatten)]
    pub sites: Sites,
    /// Rules file read on top of the built-in rules (`maillage::programmes::DEFAULT_RULES`).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Commune table with centroids (communes_france.csv): lieux without
    /// coordinates are placed at their commune's centroid.
    #[arg(long, value_name = "CSV")]
    pub commune_centroids: Option<PathBuf>,
    /// `geoparquet`: also write `programmes.parquet` (a plain Parquet table:
    /// programmes.csv has no geometry); `csv` (the default): the CSV alone.
    #[cfg(feature = "geoparquet")]
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<super::Format>,
    /// Output folder (programmes.csv, programmes_report.json).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Clear files in the output folder that no maillage run wrote (refused otherwise).
    #[arg(long)]
    pub force: bool,
}

impl ProgrammesArgs {
    /// Whether `--format geoparquet` was given.
    pub fn geoparquet(&self) -> bool {
        #[cfg(feature = "geoparquet")]
        return super::geoparquet(false, self.format);
        #[cfg(not(feature = "geoparquet"))]
        false
    }

    /// The files of this run, and its output.
    pub fn options(&self) -> (ProgrammeFiles, Output) {
        let mut files = ProgrammeFiles::of_sources(&self.sites.sources());
        if let Some(r) = &self.rules {
            files = files.rules(r);
        }
        if let Some(c) = &self.commune_centroids {
            files = files.commune_centroids(c);
        }
        (files, output(&self.out, self.force))
    }
}
