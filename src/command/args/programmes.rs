//! `maillage programmes`'s arguments.

use std::path::PathBuf;

use clap::Args;

use super::output;
use crate::command::out::Output;
use crate::programmes::ProgrammeFiles;

/// `maillage programmes`.
#[derive(Debug, Args)]
pub struct ProgrammesArgs {
    /// La Poste points de contact CSV.
    #[arg(long, value_name = "CSV")]
    pub points: PathBuf,
    /// Partner files: lieux de médiation numérique (CSV or JSON), France
    /// Services, any partner layout. Repeatable.
    #[arg(long, value_name = "FILE")]
    pub partners: Vec<PathBuf>,
    /// The user's `site_id,service` list: overrides and extends the derived hosts.
    #[arg(long, value_name = "CSV")]
    pub assignments: Option<PathBuf>,
    /// Rules file read on top of the built-in rules (`maillage::programmes::DEFAULT_RULES`).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Commune table with centroids (communes_france.csv): lieux without
    /// coordinates are placed at their commune's centroid.
    #[arg(long, value_name = "CSV")]
    pub commune_centroids: Option<PathBuf>,
    /// Output folder (programmes.csv, programmes_report.json).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Clear files in the output folder that no maillage run wrote (refused otherwise).
    #[arg(long)]
    pub force: bool,
}

impl ProgrammesArgs {
    /// The files of this run, and its output.
    pub fn options(&self) -> (ProgrammeFiles, Output) {
        let mut files = ProgrammeFiles::new().points(&self.points);
        for p in &self.partners {
            files = files.partners(p);
        }
        if let Some(a) = &self.assignments {
            files = files.assignments(a);
        }
        if let Some(r) = &self.rules {
            files = files.rules(r);
        }
        if let Some(c) = &self.commune_centroids {
            files = files.commune_centroids(c);
        }
        (files, output(&self.out, self.force))
    }
}
