//! `maillage plan`'s arguments.

use std::path::PathBuf;

use clap::Args;

use super::{TerritoryArgs, TimeArgs, output};
use crate::command::plan::{PlanGoal, PlanOptions, Weighting};
use crate::command::territory_fields;
use crate::command::{CommuneFile, Sites};
use crate::error::{Error, Result};
use crate::load::PopulationSpec;
use crate::model::Service;
use crate::plan::CandidateSpec;
use crate::plan::capacity::{Capacity, CapacityOf};
use crate::plan::weights::{Priorities, WeightSpec};

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
        conflicts_with_all = ["territories", "weight", "commune_table", "weights", "priority"]
    )]
    pub population: Option<PathBuf>,
    /// Commune table (communes_france.csv) of the --communes, for their
    /// population in a territory demand (the FRR communes of --priority frr=<p>).
    #[arg(long, value_name = "CSV", requires = "communes")]
    pub commune_table: Option<PathBuf>,
    /// FRR zoning table (frr_communes.csv) of the --communes: the FRR
    /// communes of --priority frr=<p>.
    #[arg(long, value_name = "CSV", requires = "communes")]
    pub frr: Option<PathBuf>,
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
    /// Weight of the --territories: population (the default), count, or
    /// column:<name>, a numeric column of --weights (a --population demand
    /// weighs by population).
    #[arg(long, value_name = "population|count|column:<name>")]
    pub weight: Option<WeightSpec>,
    /// A CSV of numeric columns by territory id (QPV code, INSEE commune
    /// code), read with --weight column:<name>; UTF-8 or Latin-1, `;` or `,`.
    #[arg(long, value_name = "CSV")]
    pub weights: Option<PathBuf>,
    /// The id column of --weights (default: the first of id, code, code_qp,
    /// code_quartier, code_insee, codgeo, insee_com, code_commune, com, territory_id).
    #[arg(long, value_name = "COLUMN", requires = "weights")]
    pub weights_id: Option<String>,
    /// A priority per kind of demand, e.g. qpv=2,frr=1.5: an item weighs its
    /// weight × its kind's priority. Every kind of the --territories needs
    /// one; frr adds the communes classified FRR or FRR+ (--communes with
    /// --frr and --commune-table).
    #[arg(long, value_name = "KIND=P,...")]
    pub priority: Option<Priorities>,
    /// Each new site serves at most this much demand (finite, > 0; --add
    /// only): demand is assigned to the sites within reach, fractionally.
    #[arg(long, value_name = "C", conflicts_with_all = ["target_share", "comply"])]
    pub capacity: Option<f64>,
    /// What --capacity counts: weight (before priorities) or territories
    /// (demand items).
    #[arg(
        long,
        value_name = "weight|territories",
        default_value = "weight",
        requires = "capacity"
    )]
    pub capacity_of: CapacityOf,
    /// Also solve exactly with a MILP solver, within this many seconds
    /// (> 0, at most 30 days; --add only). If the solver stops first, the
    /// greedy plan and its bound are written with the solver's status.
    #[cfg(feature = "exact")]
    #[arg(long, value_name = "SECONDS", conflicts_with_all = ["target_share", "comply"])]
    pub exact: Option<f64>,
    /// Time budget of the answer's improvement (swaps, kicks) and of its
    /// bound, in seconds (> 0, at most 30 days; default 6): both stop sooner
    /// when the answer is proven optimal or nothing improves.
    #[arg(long, value_name = "SECONDS")]
    pub search: Option<f64>,
    /// Also write the chosen sites as GeoParquet points (`sites.parquet`;
    /// built with the `geoparquet` feature).
    #[cfg(feature = "geoparquet")]
    #[arg(long, conflicts_with = "comply")]
    pub geoparquet: bool,
    /// `geoparquet`: also write every table and layer as GeoParquet (as
    /// `--geoparquet`); `csv` (the default): the CSV and GeoJSON files alone.
    #[cfg(feature = "geoparquet")]
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<super::Format>,
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
            if self.commune_table.is_some() {
                communes.table.clone_from(&self.commune_table);
            }
            communes.frr.clone_from(&self.frr);
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
            weighting: Weighting {
                table: self.weights,
                id_column: self.weights_id,
                priorities: self.priority,
            },
            capacity: self.capacity.map(|max| Capacity {
                max,
                of: self.capacity_of,
            }),
            search_seconds: self.search,
            #[cfg(feature = "exact")]
            exact_seconds: self.exact,
            #[cfg(not(feature = "exact"))]
            exact_seconds: None,
            #[cfg(feature = "geoparquet")]
            geoparquet: super::geoparquet(self.geoparquet, self.format),
            #[cfg(not(feature = "geoparquet"))]
            geoparquet: false,
            out: output(&self.out, self.force),
        })
    }
}
