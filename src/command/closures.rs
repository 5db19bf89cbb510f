//! `maillage closures`: many closure scenarios in one run — every single
//! closure, or the scenarios of a CSV (`scenario_id,site_id`, several rows
//! per scenario for sites closed together) — each measured on the legal
//! test's population of every département; writes `scenarios.csv`.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use super::out::Output;
use super::{CommuneFile, Observer, Sites, step};
use crate::access::{Combine, LAW_DISTANCE_M, LAW_MAX_SHARE_BEYOND};
use crate::error::{Error, Result};
use crate::load::PopulationSpec;
use crate::model::{Service, ServiceEvidence};
use crate::network::ServiceNetwork;
use crate::plan::sweep::{self, Scenario, Sweep};
use crate::plan::{Demand, Reach};
use crate::report::LoadReport;

/// Which scenarios to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scenarios {
    /// Every single closure: one scenario per site offering the service.
    Each,
    /// A CSV of `scenario_id,site_id` rows ([`sweep::read_scenarios`]).
    File(PathBuf),
}

impl FromStr for Scenarios {
    type Err = Error;

    /// `each`, or the path of a CSV.
    fn from_str(s: &str) -> Result<Self> {
        match s.trim() {
            "" => Err(Error::invalid(
                "closure scenarios",
                "give `each` or a CSV of scenario_id,site_id",
            )),
            "each" => Ok(Scenarios::Each),
            path => Ok(Scenarios::File(PathBuf::from(path))),
        }
    }
}

/// The options of `maillage closures`; every default is documented on its field.
#[derive(Debug, Clone, PartialEq)]
pub struct ClosuresOptions {
    /// Where the services are.
    pub sites: Sites,
    /// Commune polygons.
    pub communes: PathBuf,
    /// How to read them.
    pub commune_file: CommuneFile,
    /// Commune table with `code_insee`, `population`, `dep`.
    pub population: PathBuf,
    /// Population model. Default centroid (as `access`).
    pub model: PopulationSpec,
    /// Service measured. Default postal.
    pub service: Service,
    /// Distance threshold in metres. Default the law's [`LAW_DISTANCE_M`].
    pub radius_m: f64,
    /// Time threshold in car minutes, estimated crow-flies (as `plan`).
    /// Default `None`: distance alone.
    pub minutes: Option<f64>,
    /// How distance and time combine. Default [`Combine::And`].
    pub combine: Combine,
    /// The scenarios.
    pub scenarios: Scenarios,
    /// Only these départements are measured (codes). Default `None`: all.
    pub departements: Option<Vec<String>>,
    /// Only the scenario ids listed here are run (a partition of a larger
    /// sweep); an id that is not among the scenarios is an error. Default
    /// `None`: all.
    pub only_scenarios: Option<Vec<String>>,
    /// Write only the rows a scenario changes. Default `false`: every
    /// scenario × département row.
    pub changed_only: bool,
    /// The output folder.
    pub out: Output,
}

/// What a closures run found.
#[derive(Debug, Clone)]
pub struct ClosuresRun {
    /// One report per file read (the scenario file's last).
    pub reports: Vec<LoadReport>,
    /// What the measured service's sites rest on, with [`Sites::programmes`].
    pub evidence: Option<ServiceEvidence>,
    /// What the demand was.
    pub demand: String,
    /// The hosts of the service.
    pub hosts: usize,
    /// The impact of every scenario.
    pub sweep: Sweep,
    /// The files written.
    pub written: Vec<PathBuf>,
}

impl ClosuresRun {
    /// What the command prints: the [`summary`](Self::summary), then the
    /// files written.
    pub fn lines(&self) -> String {
        let mut lines = self.summary();
        lines.push("── written".into());
        lines.extend(self.written.iter().map(|p| p.display().to_string()));
        lines.join("\n")
    }

    /// What the run found, as the command prints it.
    pub fn summary(&self) -> Vec<String> {
        let s = &self.sweep;
        let failing_now = s
            .departements
            .iter()
            .filter(|d| d.share_beyond() > s.max_share_beyond)
            .count();
        let mut out = vec![format!(
            "── {} scenario(s) over {} département(s) ({} demand items, {}; {} hosts); {} département(s) over {:.0} % beyond today",
            s.scenarios.len(),
            s.departements.len(),
            s.items,
            self.demand,
            self.hosts,
            failing_now,
            100.0 * s.max_share_beyond
        )];
        let failing = s.failing();
        out.push(format!(
            "{} scenario(s) make a complying département fail{}",
            failing.len(),
            if failing.is_empty() { "" } else { ":" }
        ));
        for (id, codes) in failing.iter().take(20) {
            out.push(format!("  {id}: {}", codes.join(", ")));
        }
        if failing.len() > 20 {
            out.push(format!("  … and {} more", failing.len() - 20));
        }
        out
    }
}

impl ClosuresOptions {
    /// Every single closure of `sites` for the communes of `communes`
    /// (polygons) and `population` (table), with the defaults.
    pub fn new(
        sites: Sites,
        communes: impl Into<PathBuf>,
        population: impl Into<PathBuf>,
        out: impl Into<PathBuf>,
    ) -> Self {
        ClosuresOptions {
            sites,
            communes: communes.into(),
            commune_file: CommuneFile::default(),
            population: population.into(),
            model: PopulationSpec::Centroid,
            service: Service::Postal,
            radius_m: LAW_DISTANCE_M,
            minutes: None,
            combine: Combine::And,
            scenarios: Scenarios::Each,
            departements: None,
            only_scenarios: None,
            changed_only: false,
            out: Output::new(out),
        }
    }

    /// Every input file named.
    pub fn inputs(&self) -> Vec<&Path> {
        let mut v: Vec<&Path> = self
            .sites
            .inputs()
            .chain([self.communes.as_path(), self.population.as_path()])
            .collect();
        if let Scenarios::File(p) = &self.scenarios {
            v.push(p);
        }
        v
    }

    /// Runs silently.
    pub fn run(&self) -> Result<ClosuresRun> {
        self.run_with(&mut ())
    }

    /// Loads, runs every scenario, writes `scenarios.csv`, telling `observer`.
    pub fn run_with(&self, observer: &mut dyn Observer) -> Result<ClosuresRun> {
        let mut stage = self.out.folder("closures", self.inputs())?;
        observer.note("── loading");
        let communes = self
            .commune_file
            .sources(&self.communes)
            .table(&self.population);
        let sources = self.sites.sources().communes(communes);
        let mut inputs = step(observer, "reading the inputs", || sources.load())?;
        observer.loaded(&inputs.reports);
        let evidence = self
            .sites
            .apply_programmes(&mut inputs, observer)?
            .and_then(|lines| lines.into_iter().find(|e| e.service == self.service));
        let mut reports = std::mem::take(&mut inputs.reports);
        let (model, report) = step(observer, "building the population model", || {
            self.model.model(&inputs.communes)
        })?;
        observer.loaded(report.as_slice());
        reports.extend(report);
        let network = ServiceNetwork::new(std::mem::take(&mut inputs.points));
        let mut scenarios = match &self.scenarios {
            Scenarios::Each => sweep::each_site(&network, self.service),
            Scenarios::File(path) => {
                let (list, report) = sweep::read_scenarios(path, &network)?;
                observer.loaded(std::slice::from_ref(&report));
                reports.push(report);
                list
            }
        };
        if let Some(keep) = &self.only_scenarios {
            let known: std::collections::HashSet<&str> =
                scenarios.iter().map(|s| s.id.as_str()).collect();
            let unknown: Vec<&str> = keep
                .iter()
                .map(String::as_str)
                .filter(|id| !known.contains(id))
                .collect();
            if !unknown.is_empty() {
                return Err(Error::invalid(
                    "closures",
                    format!(
                        "{} scenario id(s) asked for are not among the scenarios: {}",
                        unknown.len(),
                        unknown
                            .iter()
                            .take(10)
                            .copied()
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
            let keep: std::collections::HashSet<&str> = keep.iter().map(String::as_str).collect();
            scenarios.retain(|s| keep.contains(s.id.as_str()));
        }
        if scenarios.is_empty() {
            return Err(Error::invalid(
                "closures",
                format!("no scenario to run: no site offers {}", self.service),
            ));
        }
        let mut reach = Reach::within(self.radius_m);
        reach.minutes = self.minutes;
        reach.combine = self.combine;
        let demand = step(observer, "building the demand", || {
            Demand::population(&inputs.communes, &model, &reach)
        })?;
        if let Some(codes) = &self.departements {
            let unknown: Vec<&String> = codes
                .iter()
                .filter(|c| !demand.departements.contains(c))
                .collect();
            if !unknown.is_empty() {
                return Err(Error::invalid(
                    "closures",
                    format!(
                        "no population in département(s) {}",
                        unknown
                            .iter()
                            .map(|c| c.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
        }
        let result = step(observer, "running the scenarios", || {
            sweep::sweep(
                &network,
                &demand,
                self.service,
                &scenarios,
                LAW_MAX_SHARE_BEYOND,
                self.departements.as_deref(),
            )
        })?;
        result.write_csv(stage.path("scenarios.csv")?, self.changed_only)?;
        let written = stage.commit()?;
        Ok(ClosuresRun {
            reports,
            evidence,
            demand: demand.label().to_owned(),
            hosts: network.count(self.service),
            sweep: result,
            written,
        })
    }
}

/// The scenarios of a single-closure sweep as [`Scenario`]s, for callers
/// that partition them (one per site offering `service` in `points`).
pub fn single_closures(points: &Path, service: Service) -> Result<Vec<Scenario>> {
    let inputs = crate::load::Sources::new().points(points).load()?;
    let network = ServiceNetwork::new(inputs.points);
    Ok(sweep::each_site(&network, service))
}
