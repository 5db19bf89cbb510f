//! `maillage closures`'s arguments.

use std::path::PathBuf;

use clap::Args;

use super::{TimeArgs, output};
use crate::command::closures::{ClosuresOptions, Scenarios};
use crate::command::{CommuneFile, Sites};
use crate::load::PopulationSpec;
use crate::model::Service;

/// `maillage closures`.
#[derive(Debug, Args)]
pub struct ClosuresArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub sites: Sites,
    /// Commune polygons (GeoJSON, Shapefile, GeoPackage or GeoParquet).
    #[arg(long, value_name = "FILE")]
    pub communes: PathBuf,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub commune_file: CommuneFile,
    /// Commune table with `code_insee`, `population`, `dep` (communes_france.csv).
    #[arg(long, value_name = "CSV")]
    pub population: PathBuf,
    /// Population model: centroid, grid, grid:<metres>, or filosofi:<csv>.
    #[arg(long, value_name = "MODEL", default_value = "centroid")]
    pub model: PopulationSpec,
    /// Service measured (default postal).
    #[arg(long, value_name = "SERVICE", default_value = "postal")]
    pub service: Service,
    /// Distance threshold in metres.
    #[arg(long, value_name = "METRES", default_value_t = crate::access::LAW_DISTANCE_M)]
    pub radius_m: f64,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub time: TimeArgs,
    /// The scenarios: `each` (every single closure of a site offering the
    /// service) or a CSV of `scenario_id,site_id` (several rows per
    /// scenario: sites closed together).
    #[arg(long, value_name = "each|CSV", default_value = "each")]
    pub scenarios: Scenarios,
    /// Measure only these départements (comma-separated codes).
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    pub departements: Vec<String>,
    /// Write only the rows a scenario changes (else every scenario ×
    /// département row).
    #[arg(long)]
    pub changed_only: bool,
    /// Output folder.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Clear the files of the output folder that no maillage run recorded
    /// (refused otherwise).
    #[arg(long)]
    pub force: bool,
}

impl ClosuresArgs {
    /// The options of this closures run.
    pub fn options(self) -> ClosuresOptions {
        ClosuresOptions {
            sites: self.sites,
            communes: self.communes,
            commune_file: self.commune_file,
            population: self.population,
            model: self.model,
            service: self.service,
            radius_m: self.radius_m,
            minutes: self.time.minutes,
            combine: self.time.combine,
            scenarios: self.scenarios,
            departements: (!self.departements.is_empty()).then_some(self.departements),
            only_scenarios: None,
            changed_only: self.changed_only,
            out: output(&self.out, self.force),
        }
    }
}
