//! `maillage plan`'s arguments.

use std::path::PathBuf;

use clap::Args;

use super::{TerritoryArgs, TimeArgs, output};
use crate::command::plan::{PlanGoal, PlanOptions};
use crate::command::territory_fields;
use crate::command::{CommuneFile, Sites};
use crate::error::{Error, Result};
use crate::load::PopulationSpec;
use crate::model::Service;
use crate::plan::{CandidateSpec, Weight};

/// `maillage plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub sites: Sites,
    /// The demand, unless --population is given.
    #[command(flatten)]
    pub territories: TerritoryArgs,
    /// Commune polygons (any format --territories reads): the demand's
    /// population (with --population) and the `communes` or `grid:`
    /// candidates.
    #[arg(long, value_name = "FILE")]
    pub communes: Option<PathBuf>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub commune_file: CommuneFile,
    /// Commune table with population: the demand is the population, placed by --model.
    #[arg(
        long,
        value_name = "CSV",
        requires = "communes",
        conflicts_with_all = ["territories", "weight"]
    )]
    pub population: Option<PathBuf>,
    /// Population model of --population: centroid, grid (the default),
    /// grid:<metres>, or filosofi:<csv>.
    #[arg(long, value_name = "MODEL", requires = "population")]
    pub model: Option<PopulationSpec>,
    /// The service planned.
    #[arg(long, value_name = "SERVICE")]
    pub service: Service,
    /// Candidates: point kinds (bureau_de_poste[,agence_postale_communale...]),
    /// a CSV of sites, communes, or grid:<metres>.
    #[arg(long, value_name = "CANDIDATES")]
    pub candidates: CandidateSpec,
    /// Add this many sites, reaching the most demand.
    #[arg(long, value_name = "K", group = "goal")]
    pub add: Option<usize>,
    /// Add sites until this share (0–1] of the demand is reached.
    #[arg(long, value_name = "SHARE", group = "goal")]
    pub target_share: Option<f64>,
    /// For every département failing the law (more than 10 % beyond), the
    /// fewest sites that bring it back.
    #[arg(long, group = "goal")]
    pub comply: bool,
    /// Sites closed before planning (a CSV whose first column, or `site_id`, holds ids).
    #[arg(long, value_name = "CSV")]
    pub close: Option<PathBuf>,
    /// Reach in metres (default: 500 for QPV, 5,000 otherwise).
    #[arg(long, value_name = "METRES")]
    pub radius_m: Option<f64>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub time: TimeArgs,
    /// Weight of the --territories (population by default; a --population
    /// demand weighs by population).
    #[arg(long, value_name = "WEIGHT")]
    pub weight: Option<Weight>,
    /// Also solve exactly with a MILP solver, within this many seconds
    /// (> 0, at most 30 days; --add only). If the solver stops first, the
    /// greedy plan and its bound are written with the solver's status.
    #[cfg(feature = "exact")]
    #[arg(long, value_name = "SECONDS", conflicts_with_all = ["target_share", "comply"])]
    pub exact: Option<f64>,
    /// Also write the chosen sites as GeoParquet points (`sites.parquet`;
    /// built with the `geoparquet` feature).
    #[cfg(feature = "geoparquet")]
    #[arg(long, conflicts_with = "comply")]
    pub geoparquet: bool,
    /// Output folder.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Clear files in the output folder that no maillage run wrote (refused otherwise).
    #[arg(long)]
    pub force: bool,
}

impl PlanArgs {
    /// The options of this plan.
    ///
    /// # Errors
    /// When no goal is given, or the territories' field mapping cannot be
    /// made ([`territory_fields`]).
    pub fn options(self) -> Result<PlanOptions> {
        let goal = match (self.add, self.target_share, self.comply) {
            (Some(k), _, _) => PlanGoal::Add(k),
            (_, Some(s), _) => PlanGoal::TargetShare(s),
            (_, _, true) => PlanGoal::Comply,
            _ => {
                return Err(Error::invalid(
                    "plan",
                    "give a goal: --add <k>, --target-share <share> or --comply",
                ));
            }
        };
        let mut sources = self.sites.sources();
        let t = &self.territories;
        if !t.territories.is_empty() {
            let fields =
                territory_fields(t.kind, t.id_field.as_deref(), t.crs, t.layer.as_deref())?;
            for path in &t.territories {
                sources = sources.territories(path, fields.clone());
            }
        }
        if let Some(table) = &t.population_table {
            sources = sources.population_table(table, &t.population_id, &t.population_column);
        }
        if let Some(polygons) = &self.communes {
            let mut communes = self.commune_file.sources(polygons);
            communes.table.clone_from(&self.population);
            sources = sources.communes(communes);
        }
        let population = match (&self.population, self.model) {
            (None, _) => None,
            (Some(_), Some(model)) => Some(model),
            (Some(_), None) => Some("grid".parse()?),
        };
        Ok(PlanOptions {
            programmes: self.sites.programmes.clone(),
            sources,
            population,
            service: self.service,
            candidates: self.candidates,
            goal,
            close: self.close,
            radius_m: self.radius_m,
            minutes: self.time.minutes,
            combine: self.time.combine,
            weight: self.weight,
            #[cfg(feature = "exact")]
            exact_seconds: self.exact,
            #[cfg(not(feature = "exact"))]
            exact_seconds: None,
            #[cfg(feature = "geoparquet")]
            geoparquet: self.geoparquet,
            #[cfg(not(feature = "geoparquet"))]
            geoparquet: false,
            out: output(&self.out, self.force),
        })
    }
}
