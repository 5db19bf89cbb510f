//! Loading: every input of an analysis, read and merged, with the load
//! report of each file. The CLI, the examples and the benches all load
//! through here, so a planner's program gets the same checks in one call.
//!
//! ```
//! use maillage::load::Sources;
//! use maillage::{CommuneSources, FieldMap};
//! let inputs = Sources::new()
//!     .points("data/demo/points.csv")
//!     .partners("data/demo/partners.csv")
//!     .assignments("data/demo/assignments.csv")
//!     .territories("data/demo/qpv.geojson", FieldMap::qpv())
//!     .communes(CommuneSources::new("data/demo/communes.geojson").table("data/demo/communes.csv"))
//!     .load()?;
//! for report in &inputs.reports {
//!     println!("{report}"); // what each file gave, and what was skipped and why
//! }
//! assert_eq!((inputs.points.len(), inputs.territories.len(), inputs.communes.len()), (46, 4, 69));
//! # Ok::<(), maillage::Error>(())
//! ```
//!
//! Ids must be unique across files: a point whose id an earlier file
//! already used (the same partner list given twice, a partner id equal to
//! a La Poste site id) is skipped as a duplicate in its file's report, so a
//! programme assignment can never land on the wrong site; likewise a
//! territory id seen in an earlier territory file. A file that yields
//! nothing usable is an error carrying its load report
//! ([`Error::NothingKept`]).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::model::{ServicePoint, Territory};
use crate::population::PopulationModel;
use crate::read::{self, CommuneSources, FieldMap};
use crate::report::LoadReport;
use crate::skip::Location;
use crate::skip::SkipReason;

/// The files of an analysis. Build it step by step, then [`load`](Self::load).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sources {
    /// La Poste points de contact files ([`read::read_la_poste`]).
    pub points: Vec<PathBuf>,
    /// Partner files ([`read::read_partners`]: France Services, conseillers
    /// numériques, or the plain partner CSV).
    pub partners: Vec<PathBuf>,
    /// Programme assignments ([`read::read_assignments`]).
    pub assignments: Option<PathBuf>,
    /// Territory polygon files, each with its field mapping.
    pub territories: Vec<(PathBuf, FieldMap)>,
    /// The commune layer.
    pub communes: Option<CommuneSources>,
    /// A population table joined to the territories: path, id column,
    /// population column.
    pub population_table: Option<(PathBuf, String, String)>,
}

/// Everything [`Sources::load`] read.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// Points de contact and partner sites, programmes applied.
    pub points: Vec<ServicePoint>,
    /// Territories of the territory files, in file order.
    pub territories: Vec<Territory>,
    /// Communes, by code.
    pub communes: Vec<Territory>,
    /// One load report per file read (and one for the assignments applied).
    pub reports: Vec<LoadReport>,
}

impl Inputs {
    /// The territories then the communes, as one list.
    pub fn all_territories(&self) -> Vec<Territory> {
        let mut all = self.territories.clone();
        all.extend(self.communes.iter().cloned());
        all
    }
}

impl Sources {
    /// No file yet.
    pub fn new() -> Self {
        Sources::default()
    }

    /// Adds a La Poste points de contact file.
    pub fn points(mut self, path: impl Into<PathBuf>) -> Self {
        self.points.push(path.into());
        self
    }

    /// Adds a partner file.
    pub fn partners(mut self, path: impl Into<PathBuf>) -> Self {
        self.partners.push(path.into());
        self
    }

    /// Sets the programme assignments file.
    pub fn assignments(mut self, path: impl Into<PathBuf>) -> Self {
        self.assignments = Some(path.into());
        self
    }

    /// Adds a territory file read with `fields`.
    pub fn territories(mut self, path: impl Into<PathBuf>, fields: FieldMap) -> Self {
        self.territories.push((path.into(), fields));
        self
    }

    /// Sets the commune layer.
    pub fn communes(mut self, communes: CommuneSources) -> Self {
        self.communes = Some(communes);
        self
    }

    /// Joins a population table to the territories (e.g. INSEE's QPV
    /// populations to the 2024 QPV list, which carries none): its id in
    /// `id_column`, its population in `population_column`
    /// ([`read::read_population_table`], [`read::join_population`]).
    pub fn population_table(
        mut self,
        path: impl Into<PathBuf>,
        id_column: &str,
        population_column: &str,
    ) -> Self {
        self.population_table = Some((path.into(), id_column.into(), population_column.into()));
        self
    }

    /// Every file named, in the order they are read: points, partners,
    /// assignments, territories, communes (polygons, table, FRR), population table.
    pub fn files(&self) -> impl Iterator<Item = &Path> {
        let communes = self.communes.iter().flat_map(|c| {
            std::iter::once(c.polygons.as_path())
                .chain(c.table.as_deref())
                .chain(c.frr.as_deref())
        });
        self.points
            .iter()
            .chain(&self.partners)
            .chain(&self.assignments)
            .chain(self.territories.iter().map(|(p, _)| p))
            .map(PathBuf::as_path)
            .chain(communes)
            .chain(self.population_table.iter().map(|(p, _, _)| p.as_path()))
    }

    /// Reads every file.
    pub fn load(&self) -> Result<Inputs> {
        // The files are read concurrently (each reader also places its
        // polygons in parallel); errors are reported in the order the files
        // were given: points, territories, communes.
        let (points, (territories, communes)) = rayon::join(
            || self.load_points(),
            || {
                rayon::join(
                    || self.load_territories(),
                    || self.communes.as_ref().map(read::read_communes),
                )
            },
        );
        let (points, mut reports) = points?;
        let (territories, more) = territories?;
        reports.extend(more);
        let communes = match communes {
            Some(result) => {
                let (communes, more) = result?;
                if let Some(polygons) = more.first() {
                    require_some(polygons)?;
                }
                reports.extend(more);
                communes
            }
            None => Vec::new(),
        };
        Ok(Inputs {
            points,
            territories,
            communes,
            reports,
        })
    }

    /// Reads the points de contact and the partners, with ids unique across
    /// files, then applies the assignments.
    pub fn load_points(&self) -> Result<(Vec<ServicePoint>, Vec<LoadReport>)> {
        let mut all: Vec<ServicePoint> = Vec::new();
        let mut reports = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        // Every file read concurrently, then merged in the order given.
        let files: Vec<(&PathBuf, bool)> = self
            .points
            .iter()
            .map(|p| (p, true))
            .chain(self.partners.iter().map(|p| (p, false)))
            .collect();
        let results: Vec<_> = files
            .par_iter()
            .map(|(p, la_poste)| {
                if *la_poste {
                    read::read_la_poste(p)
                } else {
                    read::read_partners(p)
                }
            })
            .collect();
        for result in results {
            let (points, mut report) = result?;
            for p in points {
                if seen.contains(&p.id) {
                    reject_duplicate(&mut report, &p.id, "an earlier file has this id");
                } else {
                    seen.insert(p.id.clone());
                    all.push(p);
                }
            }
            require_some(&report)?;
            reports.push(report);
        }
        if let Some(path) = &self.assignments {
            let (assignments, report) = read::read_assignments(path)?;
            require_some(&report)?;
            reports.push(report);
            reports.push(read::apply_assignments(&mut all, &assignments));
        }
        Ok((all, reports))
    }

    /// Reads the territory files, with ids unique across files.
    pub fn load_territories(&self) -> Result<(Vec<Territory>, Vec<LoadReport>)> {
        let mut all = Vec::new();
        let mut reports = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        let results: Vec<_> = self
            .territories
            .par_iter()
            .map(|(path, fields)| read::read_territories(path, fields))
            .collect();
        for result in results {
            let (territories, mut report) = result?;
            for t in territories {
                if seen.insert(t.id.clone()) {
                    all.push(t);
                } else {
                    reject_duplicate(&mut report, &t.id, "an earlier territory file has this id");
                }
            }
            require_some(&report)?;
            reports.push(report);
        }
        if let Some((path, id, population)) = &self.population_table {
            let (table, report) = read::read_population_table(path, id, population)?;
            require_some(&report)?;
            reports.push(report);
            reports.push(read::join_population(&mut all, &table));
        }
        Ok((all, reports))
    }
}

/// Turns a kept row into a duplicate skip (the location is not kept past
/// the reader: the id names it).
fn reject_duplicate(report: &mut LoadReport, id: &str, why: &str) {
    report.kept = report.kept.saturating_sub(1);
    report.skip(
        SkipReason::DuplicateId,
        Location::AcrossFiles,
        Some(id),
        Some(why.to_owned()),
    );
}

/// Fails when a file gave nothing usable.
pub(crate) fn require_some(report: &LoadReport) -> Result<()> {
    if report.kept == 0 {
        let projected = report.skipped_for(SkipReason::ProjectedCoordinates);
        let hint = if projected > 0 && projected == report.skipped_total() {
            "; its coordinates are metres of a projected CRS it does not declare: give the CRS \
             (`--crs EPSG:2154` for Lambert-93, `--communes-crs` for commune polygons, or \
             `FieldMap::crs` in the library)"
                .to_owned()
        } else {
            String::new()
        };
        return Err(Error::NothingKept {
            source_name: report.source.clone(),
            report: report.to_string(),
            hint,
        });
    }
    Ok(())
}

/// How population is placed for accessibility: parsed from `centroid`,
/// `grid`, `grid:<metres>` or `filosofi:<csv>`.
#[derive(Debug, Clone, PartialEq)]
pub enum PopulationSpec {
    /// [`PopulationModel::Centroid`].
    Centroid,
    /// [`PopulationModel::Grid`] with this cell size.
    Grid {
        /// Cell size in metres.
        cell_m: f64,
    },
    /// INSEE Filosofi cells read from this CSV.
    Filosofi(PathBuf),
}

impl FromStr for PopulationSpec {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        let bad = |why: String| Error::invalid("population model", why);
        match text.split_once(':') {
            None if text == "centroid" => Ok(PopulationSpec::Centroid),
            None if text == "grid" => Ok(PopulationSpec::Grid { cell_m: 200.0 }),
            Some(("grid", m)) => {
                let cell_m: f64 = m
                    .parse()
                    .map_err(|_| bad(format!("grid cell size {m:?} is not a number")))?;
                let spec = PopulationSpec::Grid { cell_m };
                PopulationModel::Grid { cell_m }.validate()?;
                Ok(spec)
            }
            Some(("filosofi", path)) if !path.is_empty() => {
                Ok(PopulationSpec::Filosofi(PathBuf::from(path)))
            }
            _ => Err(bad(format!(
                "{text:?} is not centroid, grid, grid:<metres> or filosofi:<csv>"
            ))),
        }
    }
}

impl PopulationSpec {
    /// The model, reading the Filosofi file when there is one (with its report).
    pub fn model(&self, communes: &[Territory]) -> Result<(PopulationModel, Option<LoadReport>)> {
        Ok(match self {
            PopulationSpec::Centroid => (PopulationModel::Centroid, None),
            PopulationSpec::Grid { cell_m } => (PopulationModel::Grid { cell_m: *cell_m }, None),
            PopulationSpec::Filosofi(path) => {
                let (units, report) = crate::population::read_filosofi(path, communes)?;
                require_some(&report)?;
                (PopulationModel::units(units), Some(report))
            }
        })
    }

    /// The Filosofi file, if the model reads one.
    pub fn file(&self) -> Option<&Path> {
        match self {
            PopulationSpec::Filosofi(p) => Some(p),
            _ => None,
        }
    }
}

/// The files of one territory's analysis, by role: points de contact,
/// France Services, conseillers numériques, QPV, communes (polygons,
/// commune table, FRR) and départements.
#[derive(Debug, Clone, PartialEq)]
pub struct TerritoryFiles {
    /// La Poste points de contact.
    pub points: PathBuf,
    /// France Services sites.
    pub france_services: PathBuf,
    /// Conseillers numériques host structures.
    pub conseillers: PathBuf,
    /// The lieux where conseillers numériques worked (2022, the schema of
    /// the lieux de médiation numérique), when the folder has them: an
    /// extract made before they were extracted (`data/bouches-du-rhone/`)
    /// has none. [`sources`](Self::sources) does not read them yet.
    pub lieux: Option<PathBuf>,
    /// QPV polygons.
    pub qpv: PathBuf,
    /// Commune polygons, table and FRR zoning.
    pub communes: CommuneSources,
    /// Département polygons.
    pub departements: PathBuf,
}

impl TerritoryFiles {
    /// The names of the official files of the shared open data (the folder
    /// of `MAILLAGE_DATA`).
    pub fn official(dir: impl AsRef<Path>) -> Self {
        let dir = dir.as_ref();
        TerritoryFiles {
            points: dir.join("laposte_points_contact_2025.csv"),
            france_services: dir.join("france_services_2024-08.csv"),
            conseillers: dir.join("conseillers_numeriques_structures_2021.geojson"),
            lieux: Some(dir.join("conseillers_numeriques_lieux_2022.csv")),
            qpv: dir.join("qpv_2024_national.geojson"),
            communes: CommuneSources::in_dir(dir),
            departements: dir.join("departements_2025.geojson"),
        }
    }

    /// The names of an extract made by `tools/extract/make_extract.py`
    /// (`data/bouches-du-rhone/`, `data/loire/`); the lieux only when the
    /// folder holds `lieux.csv`.
    pub fn extract(dir: impl AsRef<Path>) -> Self {
        let dir = dir.as_ref();
        let lieux = dir.join("lieux.csv");
        TerritoryFiles {
            points: dir.join("points_de_contact.csv"),
            france_services: dir.join("france_services.csv"),
            conseillers: dir.join("conseillers_numeriques.geojson"),
            lieux: lieux.is_file().then_some(lieux),
            qpv: dir.join("qpv.geojson"),
            communes: CommuneSources::new(dir.join("communes.geojson"))
                .table(dir.join("communes.csv"))
                .frr(dir.join("frr.csv")),
            departements: dir.join("departement.geojson"),
        }
    }

    /// The official names when the folder holds them, else an extract's.
    pub fn in_dir(dir: impl AsRef<Path>) -> Self {
        let official = TerritoryFiles::official(dir.as_ref());
        if official.points.is_file() {
            official
        } else {
            TerritoryFiles::extract(dir)
        }
    }

    /// The sources to load: the points and both partner files, the QPV
    /// and the communes (the départements are outlines, read apart; the
    /// lieux are not read here: add them with [`Sources::partners`], as
    /// the main job does).
    pub fn sources(&self) -> Sources {
        Sources::new()
            .points(&self.points)
            .partners(&self.france_services)
            .partners(&self.conseillers)
            .territories(&self.qpv, FieldMap::qpv())
            .communes(self.communes.clone())
    }
}
