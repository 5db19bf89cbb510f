//! `maillage.plan`: where the next sites of a service should go
//! (`maillage plan`), with every plan measured again by `access` or
//! `coverage`.

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::PyList;

use maillage::access::Combine;
use maillage::command::plan::{PlanGoal, PlanOptions, Step, Weighting};
use maillage::command::{CommuneFile, territory_fields};
use maillage::load::PopulationSpec;
use maillage::plan::CandidateSpec;
use maillage::plan::capacity::{Capacity, CapacityOf};
use maillage::plan::weights::{Priorities, WeightSpec};
use maillage::{LoadReport, TerritoryKind};

use super::{TempOut, err, invalid, reports_list, sites};

/// Parses an optional text argument with its type's `FromStr`, naming the
/// argument in the error.
fn parsed<T>(what: &'static str, text: Option<&str>) -> maillage::Result<Option<T>>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    text.map(|t| {
        t.parse::<T>()
            .map_err(|e| invalid(what, format!("{t:?}: {e}")))
    })
    .transpose()
}

/// A plan (`maillage plan`): returns `(tables, plan_json, load_reports)`,
/// `tables` the text of `sites.csv` and `impact.csv` by file name,
/// `plan_json` the text of `plan.json`.
#[pyfunction]
#[pyo3(signature = (
    points, *, territories=None, kind=None, communes=None, population=None, model=None,
    partners=Vec::new(), assignments=None, programmes=None, service="postal".to_owned(),
    candidates="bureau_de_poste".to_owned(), add=None, target_share=None, comply=false,
    close=None, radius_m=None, minutes=None, combine=None, weight=None, weights=None,
    weights_id=None, priority=None, commune_table=None, frr=None, capacity=None,
    capacity_of=None, search_seconds=None,
))]
#[allow(clippy::too_many_arguments, clippy::type_complexity)]
pub(crate) fn plan<'py>(
    py: Python<'py>,
    points: PathBuf,
    territories: Option<PathBuf>,
    kind: Option<String>,
    communes: Option<PathBuf>,
    population: Option<PathBuf>,
    model: Option<String>,
    partners: Vec<PathBuf>,
    assignments: Option<PathBuf>,
    programmes: Option<String>,
    service: String,
    candidates: String,
    add: Option<usize>,
    target_share: Option<f64>,
    comply: bool,
    close: Option<PathBuf>,
    radius_m: Option<f64>,
    minutes: Option<f64>,
    combine: Option<String>,
    weight: Option<String>,
    weights: Option<PathBuf>,
    weights_id: Option<String>,
    priority: Option<String>,
    commune_table: Option<PathBuf>,
    frr: Option<PathBuf>,
    capacity: Option<f64>,
    capacity_of: Option<String>,
    search_seconds: Option<f64>,
) -> PyResult<(Vec<(String, String)>, String, Bound<'py, PyList>)> {
    let run = || -> maillage::Result<(Vec<(String, String)>, String, Vec<LoadReport>)> {
        let goal = match (add, target_share, comply) {
            (Some(k), None, false) => PlanGoal::Add(k),
            (None, Some(s), false) => PlanGoal::TargetShare(s),
            (None, None, true) => PlanGoal::Comply,
            _ => {
                return Err(invalid(
                    "plan",
                    "give one goal: add=<k>, target_share=<share> or comply=True",
                ));
            }
        };
        let of = parsed::<CapacityOf>("capacity_of", capacity_of.as_deref())?
            .unwrap_or(CapacityOf::Weight);
        let out = TempOut::new("plan")?;
        let mut site_files = sites(points, partners, assignments);
        site_files.programmes = parsed("programmes", programmes.as_deref())?;
        let mut sources = site_files.sources();
        if let Some(path) = &territories {
            let kind: Option<TerritoryKind> = parsed("kind", kind.as_deref())?;
            sources = sources.territories(path, territory_fields(kind, None, None, None)?);
        }
        if let Some(polygons) = &communes {
            let mut c = CommuneFile::default().sources(polygons);
            c.table.clone_from(&population);
            if commune_table.is_some() {
                c.table.clone_from(&commune_table);
            }
            c.frr = frr;
            sources = sources.communes(c);
        }
        let population_model = match (&population, model.as_deref()) {
            (None, None) => None,
            (None, Some(_)) => {
                return Err(invalid(
                    "model",
                    "a population model needs communes= and population=",
                ));
            }
            (Some(_), m) => Some(m.unwrap_or("grid").parse::<PopulationSpec>()?),
        };
        let options = PlanOptions {
            programmes: site_files.programmes.clone(),
            sources,
            population: population_model,
            service: service
                .parse()
                .map_err(|e: maillage::model::UnknownService| invalid("service", e.to_string()))?,
            candidates: candidates.parse::<CandidateSpec>()?,
            goal,
            close,
            radius_m,
            minutes,
            combine: parsed("combine", combine.as_deref())?.unwrap_or(Combine::And),
            weight: parsed::<WeightSpec>("weight", weight.as_deref())?,
            weighting: Weighting {
                table: weights,
                id_column: weights_id,
                priorities: parsed::<Priorities>("priority", priority.as_deref())?,
            },
            capacity: capacity.map(|max| Capacity { max, of }),
            exact_seconds: None,
            search_seconds,
            geoparquet: false,
            out: maillage::command::out::Output::new(&out.0),
        };
        let mut reports = Vec::new();
        let done = options.run(&mut |step| {
            if let Step::Loaded(r) = step {
                reports.extend_from_slice(r);
            }
        })?;
        let mut tables = Vec::new();
        for name in ["sites.csv", "impact.csv"] {
            if done.written.iter().any(|p| p.ends_with(name)) {
                tables.push((name.to_owned(), out.file(name)?));
            }
        }
        Ok((tables, out.file("plan.json")?, reports))
    };
    let (tables, json, reports) = py.detach(run).map_err(err)?;
    Ok((tables, json, reports_list(py, &reports)?))
}
