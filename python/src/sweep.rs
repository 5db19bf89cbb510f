//! Closure scenarios from Python (`maillage closures`): the whole sweep, or
//! one partition of it (some scenarios, some départements), so that a
//! scheduler such as Dask can spread the partitions over workers.

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::PyList;

use maillage::LoadReport;
use maillage::command::closures::{ClosuresOptions, Scenarios};
use maillage::load::PopulationSpec;
use maillage::plan::sweep;
use maillage::{Service, ServiceNetwork};

use crate::{TempOut, err, invalid, reports_list, sites};

fn service_of(name: &str) -> maillage::Result<Service> {
    name.parse()
        .map_err(|e: maillage::model::UnknownService| invalid("service", e.to_string()))
}

/// Closure scenarios measured on every département's legal test
/// (`maillage closures`): returns `(scenarios.csv text, load_reports)`.
/// `scenarios` is `"each"` or the path of a `scenario_id,site_id` CSV;
/// `scenario_ids` keeps only those scenarios, `departements` only those
/// départements (a partition of a larger sweep).
#[pyfunction]
#[pyo3(signature = (points, communes, population, *, scenarios="each".to_owned(), partners=Vec::new(), assignments=None, service="postal".to_owned(), radius_m=None, minutes=None, model="centroid".to_owned(), departements=None, scenario_ids=None, changed_only=false))]
#[allow(clippy::too_many_arguments)]
pub fn closures<'py>(
    py: Python<'py>,
    points: PathBuf,
    communes: PathBuf,
    population: PathBuf,
    scenarios: String,
    partners: Vec<PathBuf>,
    assignments: Option<PathBuf>,
    service: String,
    radius_m: Option<f64>,
    minutes: Option<f64>,
    model: String,
    departements: Option<Vec<String>>,
    scenario_ids: Option<Vec<String>>,
    changed_only: bool,
) -> PyResult<(String, Bound<'py, PyList>)> {
    let run = || -> maillage::Result<(String, Vec<LoadReport>)> {
        let out = TempOut::new("closures")?;
        let mut o = ClosuresOptions::new(
            sites(points, partners, assignments),
            communes,
            population,
            &out.0,
        );
        o.service = service_of(&service)?;
        if let Some(m) = radius_m {
            o.radius_m = m;
        }
        o.minutes = minutes;
        o.model = model.parse::<PopulationSpec>()?;
        o.scenarios = scenarios.parse::<Scenarios>()?;
        o.departements = departements;
        o.only_scenarios = scenario_ids;
        o.changed_only = changed_only;
        let run = o.run()?;
        Ok((out.file("scenarios.csv")?, run.reports))
    };
    let (csv, reports) = py.detach(run).map_err(err)?;
    Ok((csv, reports_list(py, &reports)?))
}

/// The ids of the scenarios a sweep would run, in order: with `"each"`,
/// the sites offering `service`; with a CSV, its scenarios (after the
/// checks of `maillage closures`). Returns `(ids, load_reports)`.
#[pyfunction]
#[pyo3(signature = (points, *, scenarios="each".to_owned(), partners=Vec::new(), assignments=None, service="postal".to_owned()))]
pub fn closure_scenarios<'py>(
    py: Python<'py>,
    points: PathBuf,
    scenarios: String,
    partners: Vec<PathBuf>,
    assignments: Option<PathBuf>,
    service: String,
) -> PyResult<(Vec<String>, Bound<'py, PyList>)> {
    let run = || -> maillage::Result<(Vec<String>, Vec<LoadReport>)> {
        let service = service_of(&service)?;
        let inputs = sites(points, partners, assignments).sources().load()?;
        let mut reports = inputs.reports;
        let network = ServiceNetwork::new(inputs.points);
        let list = match scenarios.parse::<Scenarios>()? {
            Scenarios::Each => sweep::each_site(&network, service),
            Scenarios::File(path) => {
                let (list, report) = sweep::read_scenarios(&path, &network)?;
                reports.push(report);
                list
            }
        };
        Ok((list.into_iter().map(|s| s.id).collect(), reports))
    };
    let (ids, reports) = py.detach(run).map_err(err)?;
    Ok((ids, reports_list(py, &reports)?))
}

/// Adds this module's functions to the native module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(closures, m)?)?;
    m.add_function(wrap_pyfunction!(closure_scenarios, m)?)?;
    Ok(())
}
