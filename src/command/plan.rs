//! `maillage plan`: load the inputs, close sites, build the demand and the
//! candidates, plan (maximal coverage, a target share or compliance per
//! département), measure what each closure would cost, and write
//! `sites.csv`, `plan.json`, `impact.csv` (and the plan's map).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::access::{Combine, LAW_MAX_SHARE_BEYOND};
use crate::command::out::{Output, Stage, check_folder};
use crate::error::{Error, Result};
use crate::load::{Inputs, PopulationSpec, Sources};
use crate::model::Territory;
use crate::model::{Service, ServiceEvidence, TerritoryKind};
use crate::network::ServiceNetwork;
use crate::plan::capacity::{Capacity, CapacityReport};
use crate::plan::weights::{PartReached, Priorities, WeightSpec, parts_reached, served_of};
use crate::plan::{
    self, Basis, Candidate, CandidateSpec, ClosureImpact, Demand, DemandPart, DepartementPlan,
    Measured, MeasuredCompliance, MeasuredPlan, Part, Plan, PlanReport, Reach, Weight, candidates,
};
use crate::programmes::ProgrammeSource;
use crate::read::text::CsvTable;
use crate::report::LoadReport;
use crate::skip::Location;
use crate::skip::SkipReason;
use crate::{coverage::Rule, coverage::Rules};

/// What the plan aims at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PlanGoal {
    /// Add this many sites, reaching the most demand.
    Add(usize),
    /// Add sites until this share (0–1] of the demand is reached.
    TargetShare(f64),
    /// For every département failing the law (more than
    /// [`LAW_MAX_SHARE_BEYOND`] of its demand beyond reach), the fewest sites
    /// that bring it back.
    Comply,
}

/// The options of `maillage plan`.
#[derive(Debug, Clone)]
pub struct PlanOptions {
    /// The input files: sites, territories (the demand, unless
    /// `population` is set), communes (with their population table for a
    /// population demand), and a population table joined to the territories.
    pub sources: Sources,
    /// The programmes' hosts applied to the sites of `sources` (as
    /// [`Sites::programmes`](crate::command::Sites::programmes)): the
    /// existing hosts of a programme service are then the ones derived or
    /// listed. Default `None`.
    pub programmes: Option<ProgrammeSource>,
    /// With a model, the demand is the population of the communes placed
    /// by it; without, the territories of `sources`.
    pub population: Option<PopulationSpec>,
    /// The service planned.
    pub service: Service,
    /// Where the new sites may go.
    pub candidates: CandidateSpec,
    /// The goal.
    pub goal: PlanGoal,
    /// A CSV of site ids (`site_id` or `id` column, else the first) closed
    /// before planning.
    pub close: Option<PathBuf>,
    /// Reach in metres (default: the coverage rule of the territories'
    /// kind, [`Rules::default`]: a QPV's for QPV, a commune's otherwise).
    pub radius_m: Option<f64>,
    /// Reach in car minutes too (crow-flies estimate).
    pub minutes: Option<f64>,
    /// How distance and minutes combine.
    pub combine: Combine,
    /// Weight of territory demand items (default population; a column
    /// of [`Weighting::table`]). A population demand weighs by population:
    /// a weight there is an error.
    pub weight: Option<WeightSpec>,
    /// The weights table and the priorities of a territory demand.
    pub weighting: Weighting,
    /// The capacity of each new site (with [`PlanGoal::Add`]).
    pub capacity: Option<Capacity>,
    /// Also solve exactly within this many seconds (maximal coverage only).
    pub exact_seconds: Option<f64>,
    /// The time budget of the swaps, kicks and bound
    /// ([`Plan::search_seconds`]; `None`: its default).
    pub search_seconds: Option<f64>,
    /// Also write `sites.parquet` (GeoParquet, the sites as points) and
    /// `impact.parquet` (feature `geoparquet`).
    pub geoparquet: bool,
    /// The output folder (staged: see [`Stage`]).
    pub out: Output,
}

/// Where the weights of a territory demand come from, and the priority of
/// each kind of demand.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Weighting {
    /// A CSV of numeric columns by territory id, read with
    /// [`WeightSpec::Column`] ([`plan::weights::read_weights`]).
    pub table: Option<PathBuf>,
    /// Its id column (default: the first of
    /// [`ID_COLUMNS`](plan::weights::ID_COLUMNS) present).
    pub id_column: Option<String>,
    /// A priority per kind of demand (`qpv=2,frr=1.5`): each kind of the
    /// territories is a part of the demand, and `frr` adds the communes
    /// classified FRR or FRR+ (the communes of `sources`, with their FRR
    /// table and population).
    pub priorities: Option<Priorities>,
}

/// A step of the run, for progress display.
#[derive(Debug)]
pub enum Step<'a> {
    /// A long step starts.
    Stage(&'a str),
    /// Files were read: their load reports.
    Loaded(&'a [LoadReport]),
}

/// What the plan found.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// One plan (maximal coverage or a target share), measured.
    Plan(Box<MeasuredPlan>),
    /// The compliance plan of every failing département (none: all
    /// comply), measured by `access`.
    Comply(Box<MeasuredCompliance>),
}

/// What [`PlanOptions::run`] did.
#[derive(Debug, Clone)]
pub struct PlanRun {
    /// The sites closed before planning.
    pub closed: Vec<String>,
    /// What the demand was.
    pub demand: String,
    /// Candidates considered.
    pub candidates: usize,
    /// Existing hosts of the service.
    pub hosts: usize,
    /// What those hosts rest on, with [`PlanOptions::programmes`].
    pub evidence: Option<ServiceEvidence>,
    /// The reach used, in metres.
    pub reach_m: f64,
    /// How the plan was measured again: the population model or the
    /// territories' rule, the reach and the service, as `access` or
    /// `coverage` would be run to give the same figures.
    pub measure_label: String,
    /// The plan(s).
    pub outcome: Outcome,
    /// Every site's closure impact, most critical first.
    pub impact: Vec<ClosureImpact>,
    /// Why no map was drawn, when none was.
    pub map_error: Option<String>,
    /// What each kind of demand reaches, before its priority (the `parts`
    /// of `plan.json`; one plan only).
    pub parts: Vec<PartReached>,
    /// What the capacitated plan found (with a capacity).
    pub capacity: Option<CapacityReport>,
    /// The files written.
    pub written: Vec<PathBuf>,
    /// `plan.json`, as written.
    pub json: Value,
}

impl PlanRun {
    /// Whether the plan meets its target as measured (`None`: maximal
    /// coverage has none); a compliance plan meets it when every
    /// département is at or under the law's share, measured with every
    /// plan's sites.
    pub fn met(&self) -> Option<bool> {
        match &self.outcome {
            Outcome::Comply(c) => Some(c.complies()),
            Outcome::Plan(m) => m.met,
        }
    }

    /// What the run found, as the lines the command prints: the plan (or
    /// each département's), the solver's status and the warnings, and the
    /// five most critical closures.
    pub fn summary(&self) -> Vec<String> {
        let mut out = vec![format!(
            "── {} candidates for {} ({} existing hosts, reach {} m)",
            self.candidates, self.demand, self.hosts, self.reach_m
        )];
        if let Some(e) = &self.evidence {
            out.push(format!("   existing hosts: {e}"));
        }
        match &self.outcome {
            Outcome::Comply(c) => {
                let max = c.max_share_beyond;
                if c.departements.is_empty() {
                    out.push(
                        "every département already complies (measured by access): no site to add"
                            .into(),
                    );
                }
                for d in &c.departements {
                    let (before, after) = d
                        .measured
                        .as_ref()
                        .map_or((d.share_beyond_before, d.share_beyond_after), |m| {
                            (m.share_beyond_before, m.share_beyond_after)
                        });
                    out.push(format!(
                        "{:>4}: {:5.2} % beyond → {:5.2} % with {} new site(s){}",
                        d.code,
                        100.0 * before,
                        100.0 * after,
                        d.plan.sites().len(),
                        if d.complies {
                            String::new()
                        } else {
                            format!(
                                " — still failing (over {:.0} %): these candidates cannot reach enough of its population",
                                100.0 * max
                            )
                        }
                    ));
                }
                out.push(format!(
                    "measured by {} on the network plus the {} new site(s): {} département(s) over {:.0} % before, {} after{}",
                    self.measure_label,
                    c.departements.iter().map(|d| d.plan.sites().len()).sum::<usize>(),
                    c.before.failing(max).len(),
                    100.0 * max,
                    c.after.failing(max).len(),
                    if c.complies() {
                        String::new()
                    } else {
                        format!(": the law is NOT met in {}", c.after.failing(max).join(", "))
                    }
                ));
            }
            Outcome::Plan(m) => {
                let report = &m.report;
                let bound = report.upper_bound().map_or("—".to_owned(), |b| {
                    format!("{b:.0} (gap {:.2} %)", 100.0 * report.gap().unwrap_or(0.0))
                });
                // A capacitated plan's sites reach more than they may serve:
                // the reach is measured, the bound is of what is served
                // (the capacity line below).
                let (reach_is, bound_of) = if self.capacity.is_some() {
                    (
                        " within reach (capacity not counted)",
                        "served within capacity: ",
                    )
                } else {
                    ("", "")
                };
                out.push(format!(
                    "{} site(s): reach {:.0} of {:.0} ({:.2} %; existing hosts {:.0}){reach_is}, measured by {}; {bound_of}upper bound {bound}; {}",
                    report.sites().len(),
                    m.after.reached,
                    m.after.total,
                    100.0 * m.share(),
                    m.before.reached,
                    self.measure_label,
                    if report.optimal { "optimal" } else { "not proven optimal" }
                ));
                if (m.after.reached - report.objective()).abs() > 1e-6 * report.objective().max(1.0)
                {
                    out.push(format!(
                        "the plan's own count reached {:.0} ({:.2} %): the figures above are {}'s",
                        report.objective(),
                        100.0 * report.share(),
                        m.after.engine
                    ));
                }
                if let Some(status) = &report.exact_status {
                    out.push(format!("exact solver: {status}"));
                }
                if let Some(solve) = &report.solve {
                    let (b, a) = (solve.presolve.before, solve.presolve.after);
                    out.push(format!(
                        "answer by {}, bound by {}; presolve: {} → {} demand units, {} → {} candidates, {} → {} pairs",
                        solve.objective_method,
                        solve.bound_method,
                        b.units,
                        a.units,
                        b.candidates,
                        a.candidates,
                        b.nonzeros,
                        a.nonzeros
                    ));
                }
                out.extend(self.capacity.iter().flat_map(CapacityReport::lines));
                if self.parts.len() > 1 || self.parts.iter().any(|p| p.priority != 1.0) {
                    out.push("each kind of demand (weight before priority):".into());
                    out.extend(self.parts.iter().map(PartReached::line));
                }
                out.extend(report.warnings.iter().map(|w| format!("warning: {w}")));
                if let (plan::Goal::TargetShare(share), Some(false)) = (report.goal, m.met) {
                    out.push(format!(
                        "the target share {share} is NOT met: {} measures {:.4} with these candidates",
                        m.after.engine,
                        m.share()
                    ));
                }
            }
        }
        let (before, after) = match &self.outcome {
            Outcome::Comply(c) => (&c.before, &c.after),
            Outcome::Plan(m) => (&m.before, &m.after),
        };
        out.extend(equity_lines(before, after));
        if let Some(e) = &self.map_error {
            out.push(format!("no map: {e}"));
        }
        out.push("── the sites whose closure would cost the most".into());
        for r in self.impact.iter().take(5) {
            let failing = r.failing();
            out.push(format!(
                "  {} {} ({}): {:.0} alone within reach{}",
                r.site_id,
                r.name,
                r.departement.as_deref().unwrap_or("?"),
                r.weight_alone,
                if failing.is_empty() {
                    String::new()
                } else {
                    format!(" — would fail: {}", failing.join(", "))
                }
            ));
        }
        out
    }
}

fn invalid(message: impl Into<String>) -> Error {
    Error::invalid("plan", message)
}

impl PlanOptions {
    /// Every input file: the sources', then the closure list.
    pub fn inputs(&self) -> impl Iterator<Item = &Path> {
        self.sources
            .files()
            .chain(self.programmes.as_ref().and_then(ProgrammeSource::file))
            .chain(self.close.as_deref())
            .chain(self.weighting.table.as_deref())
    }

    /// Refuses combinations where an option would be silently ignored.
    fn validate(&self) -> Result<()> {
        let frr = self
            .weighting
            .priorities
            .as_ref()
            .is_some_and(|p| p.get("frr").is_some());
        if self.sources.territories.is_empty() && self.population.is_none() && !frr {
            return Err(invalid(
                "give the demand: --territories <file> or --communes <file> --population <csv>",
            ));
        }
        if self.population.is_some() && self.weight.is_some() {
            return Err(invalid(
                "--weight applies to a territory demand: a population demand weighs by population",
            ));
        }
        self.validate_weighting(frr)?;
        if let Some(capacity) = &self.capacity {
            capacity.validate()?;
            if !matches!(self.goal, PlanGoal::Add(_)) {
                return Err(invalid(
                    "--capacity applies to --add only (capacitated maximal coverage)",
                ));
            }
        }
        if self.exact_seconds.is_some() && !matches!(self.goal, PlanGoal::Add(_)) {
            return Err(invalid(
                "--exact applies to --add only (maximal coverage): a target share and compliance plans are greedy partial covers",
            ));
        }
        Ok(())
    }

    /// The weights table goes with a column weight, and both, like the
    /// priorities, with a territory demand; `frr` needs communes with
    /// their FRR table.
    fn validate_weighting(&self, frr: bool) -> Result<()> {
        let w = &self.weighting;
        let column = matches!(self.weight, Some(WeightSpec::Column(_)));
        if column && w.table.is_none() {
            return Err(invalid(
                "--weight column:<name> reads a column of the --weights table: give --weights <csv>",
            ));
        }
        if w.table.is_some() && !column {
            return Err(invalid(
                "--weights is read with --weight column:<name>: name the column to weigh by",
            ));
        }
        if w.id_column.is_some() && w.table.is_none() {
            return Err(invalid("--weights-id names a column of --weights: give it"));
        }
        if self.population.is_some() && (w.table.is_some() || w.priorities.is_some()) {
            return Err(invalid(
                "--weights and --priority apply to a territory demand (--territories): a population demand weighs by population",
            ));
        }
        if frr
            && self
                .sources
                .communes
                .as_ref()
                .is_none_or(|c| c.frr.is_none())
        {
            return Err(invalid(
                "--priority frr=<p> adds the FRR communes to the demand: give --communes and --frr (frr_communes.csv), and --commune-table for their population",
            ));
        }
        Ok(())
    }

    /// The demand of the territories (and, with a priority for `frr`, of
    /// the FRR communes), weighted as asked; the reports of the weights
    /// table and of its join.
    fn territory_demand<'a>(
        &self,
        territories: &'a [Territory],
        communes: &'a [Territory],
        reach: &Reach,
    ) -> Result<(Demand<'a>, Vec<LoadReport>)> {
        let weight = match self.weight {
            Some(WeightSpec::Count) => Weight::Count,
            _ => Weight::Population,
        };
        let mut demand = match &self.weighting.priorities {
            None => Demand::territories(territories, reach, weight)?,
            Some(p) => Demand::of_parts(self.parts(p, territories, communes)?, weight)?,
        };
        let mut reports = Vec::new();
        if let (Some(WeightSpec::Column(column)), Some(path)) =
            (&self.weight, &self.weighting.table)
        {
            let (table, read) =
                plan::weights::read_weights(path, column, self.weighting.id_column.as_deref())?;
            reports.push(read);
            reports.push(demand.weigh_by(&table)?);
        }
        Ok((demand, reports))
    }

    /// The parts of a demand with priorities: the territories of each kind
    /// (in order of first appearance), then the FRR communes.
    fn parts<'a>(
        &self,
        priorities: &Priorities,
        territories: &'a [Territory],
        communes: &'a [Territory],
    ) -> Result<Vec<DemandPart<'a>>> {
        let mut kinds: Vec<TerritoryKind> = Vec::new();
        for t in territories {
            if !kinds.contains(&t.kind) {
                kinds.push(t.kind);
            }
        }
        let mut parts = Vec::new();
        for kind in &kinds {
            let name = kind.as_str();
            let Some(priority) = priorities.get(name) else {
                return Err(invalid(format!(
                    "the demand holds {name} territories: give their priority too (--priority {name}=<p>,...)"
                )));
            };
            parts.push(DemandPart {
                name: name.to_owned(),
                territories: territories.iter().filter(|t| t.kind == *kind).collect(),
                reach: self.reach_of(kind.to_owned()),
                priority,
            });
        }
        for (name, priority) in &priorities.0 {
            if name == "frr" {
                let frr: Vec<&Territory> = communes
                    .iter()
                    .filter(|c| c.frr.and_then(|f| f.classified()) == Some(true))
                    .collect();
                if frr.is_empty() {
                    return Err(invalid(format!(
                        "--priority frr: none of the {} communes is classified FRR or FRR+ (is --frr the FRR table of these communes?)",
                        communes.len()
                    )));
                }
                parts.push(DemandPart {
                    name: "frr".into(),
                    territories: frr,
                    reach: self.reach_of(TerritoryKind::Commune),
                    priority: *priority,
                });
            } else if !kinds.iter().any(|k| k.as_str() == name) {
                return Err(invalid(format!(
                    "--priority {name}: the demand holds no {name} territory (it holds: {})",
                    kinds
                        .iter()
                        .map(|k| k.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        }
        Ok(parts)
    }

    /// After the plan: the capacitated answer (with a capacity), and what
    /// each kind of demand reaches, into `json` too.
    fn finish_plan(
        &self,
        report: &mut PlanReport,
        network: &ServiceNetwork,
        demand: &Demand<'_>,
        cands: &[Candidate],
    ) -> Result<(Vec<PartReached>, Option<CapacityReport>)> {
        let capacity = match (self.capacity, self.goal) {
            (Some(c), PlanGoal::Add(k)) => Some(plan::capacity::capacitate(
                report,
                network,
                demand,
                self.service,
                cands,
                k,
                c,
                self.exact_seconds,
            )?),
            _ => None,
        };
        let served = capacity
            .as_ref()
            .map_or_else(|| served_of(&report.covered), |c| c.served.clone());
        Ok((
            parts_reached(demand, report.covered_before(), &served),
            capacity,
        ))
    }

    /// Runs the plan and writes its files into [`out`](Self::out).
    pub fn run(&self, progress: &mut dyn FnMut(Step<'_>)) -> Result<PlanRun> {
        self.validate()?;
        check_folder(&self.out.path, self.inputs())?;
        progress(Step::Stage("reading the inputs"));
        let mut inputs = self.sources.load()?;
        progress(Step::Loaded(&inputs.reports));
        let evidence = match &self.programmes {
            Some(programmes) => {
                progress(Step::Stage("finding the programmes' hosts"));
                let applied = programmes.apply(&self.sources, &mut inputs.points)?;
                progress(Step::Loaded(&applied.reports));
                inputs.reports.extend(applied.reports);
                applied
                    .evidence
                    .into_iter()
                    .find(|e| e.service == self.service)
            }
            None => None,
        };
        let closed = match &self.close {
            Some(path) => {
                let (ids, report) = read_close(path)?;
                progress(Step::Loaded(std::slice::from_ref(&report)));
                close_sites(&mut inputs, path, &ids)?;
                inputs.reports.push(report);
                ids
            }
            None => Vec::new(),
        };
        let network = ServiceNetwork::new(std::mem::take(&mut inputs.points));
        let reach = self.reach(&inputs);
        progress(Step::Stage("building the demand"));
        let model = match &self.population {
            Some(spec) => {
                let (m, report) = spec.model(&inputs.communes)?;
                if let Some(r) = report {
                    progress(Step::Loaded(std::slice::from_ref(&r)));
                    inputs.reports.push(r);
                }
                Some(m)
            }
            None => None,
        };
        let demand = match &model {
            Some(model) => Demand::population(&inputs.communes, model, &reach)?,
            None => {
                let (demand, reports) =
                    self.territory_demand(&inputs.territories, &inputs.communes, &reach)?;
                progress(Step::Loaded(&reports));
                inputs.reports.extend(reports);
                demand
            }
        };
        let basis = match &model {
            Some(model) => Basis::Population {
                communes: &inputs.communes,
                model,
            },
            None => Basis::Demand(&demand),
        };
        progress(Step::Stage("choosing the candidates"));
        let (cands, report) = self.candidates_of(&network, &inputs)?;
        if let Some(r) = report {
            progress(Step::Loaded(std::slice::from_ref(&r)));
            inputs.reports.push(r);
        }
        if cands.is_empty() {
            return Err(invalid(format!(
                "no candidate: {} gives no site that does not already offer {} (for communes or grid:, give --communes)",
                describe(&self.candidates),
                self.service
            )));
        }
        let mut json = json!({
            "closed_sites": closed,
            "evidence": evidence.as_ref().map(ToString::to_string),
            "reach_m": reach.distance_m,
            "minutes": reach.minutes,
            "load_reports": inputs.reports.iter().map(ToString::to_string).collect::<Vec<_>>(),
        });
        let mut stage = self.out.folder("plan", self.inputs())?;
        let sites_csv = stage.path("sites.csv")?;
        let mut map_error = None;
        let n_candidates = cands.len();
        let (mut parts, mut capacity) = (Vec::new(), None);
        let measure_label = measure_label(&basis, &reach, self.service);
        if let Some(o) = json.as_object_mut() {
            o.insert("measured_by".into(), measure_label.clone().into());
        }
        let outcome = match self.goal {
            PlanGoal::Comply => {
                progress(Step::Stage("planning each département, measured by access"));
                let plans = plan::comply_measured(
                    &network,
                    &demand,
                    &basis,
                    &reach,
                    self.service,
                    &cands,
                    LAW_MAX_SHARE_BEYOND,
                )?;
                crate::write::write_sites_csv(&plans.sites(), self.service, &sites_csv)?;
                if let Some(o) = json.as_object_mut() {
                    o.extend(compliance_json(&plans));
                }
                Outcome::Comply(Box::new(plans))
            }
            PlanGoal::Add(_) | PlanGoal::TargetShare(_) => {
                progress(Step::Stage("planning"));
                let mut p = Plan::new(&network, &demand, self.service).candidates(cands.clone());
                p = match self.goal {
                    PlanGoal::TargetShare(s) => p.target_share(s),
                    PlanGoal::Add(k) => p.add(k),
                    PlanGoal::Comply => p,
                };
                if let Some(seconds) = self.search_seconds {
                    p = p.search_seconds(seconds);
                }
                if let Some(seconds) = self.exact_seconds.filter(|_| self.capacity.is_none()) {
                    p = with_exact(p, seconds)?;
                }
                progress(Step::Stage("planning, measured by access or coverage"));
                let mut measured = p.run_measured(&basis, &reach, None)?;
                (parts, capacity) =
                    self.finish_plan(&mut measured.report, &network, &demand, &cands)?;
                if capacity.is_some() {
                    // The capacitated plan chose its own sites: measure
                    // those (within reach; the capacity is the plan's).
                    let with = plan::measure::with_sites(
                        &network,
                        measured.report.sites().iter().map(|s| &s.candidate),
                        self.service,
                    )?;
                    measured.after =
                        plan::measure::measure(&with, &basis, &reach, self.service, None)?;
                }
                let report = &measured.report;
                report.write_sites_csv(&sites_csv)?;
                if let Err(e) = write_map(report, &demand, &mut stage) {
                    map_error = Some(e.to_string());
                }
                let mut j = report.to_json();
                if let (Some(o), Some(extra)) = (j.as_object_mut(), json.as_object()) {
                    o.extend(extra.clone());
                    o.insert(
                        "parts".into(),
                        parts.iter().map(PartReached::to_json).collect(),
                    );
                    o.insert(
                        "capacity".into(),
                        capacity.as_ref().map(CapacityReport::to_json).into(),
                    );
                    o.extend(measured_json(&measured));
                    // A capacitated plan's objective is what its sites serve
                    // within their capacity; the measure (within reach,
                    // without capacity) stays in `measured`.
                    if let Some(c) = &capacity {
                        o.insert(
                            "objective".into(),
                            c.to_json().get("objective").cloned().into(),
                        );
                    }
                }
                json = j;
                Outcome::Plan(Box::new(measured))
            }
        };
        progress(Step::Stage("measuring what each closure would cost"));
        let impact = plan::closure_impact(&network, &demand, self.service, LAW_MAX_SHARE_BEYOND);
        crate::write::write_impact_csv(&impact, stage.path("impact.csv")?)?;
        if self.geoparquet {
            write_geoparquet(&mut stage)?;
        }
        crate::write::write_plan_json(&json, stage.path("plan.json")?)?;
        let written = stage.commit()?;
        Ok(PlanRun {
            closed,
            demand: demand.label().to_owned(),
            candidates: n_candidates,
            hosts: network.count(self.service),
            evidence,
            reach_m: reach.distance_m,
            measure_label,
            outcome,
            impact,
            map_error,
            parts,
            capacity,
            written,
            json,
        })
    }

    /// The reach: the given metres, else the default coverage rule of the
    /// demand's kind ([`Rules::default`]): a QPV's when every territory is
    /// a QPV, a commune's otherwise (and for a population demand).
    fn reach(&self, inputs: &Inputs) -> Reach {
        let by_qpv = self.population.is_none()
            && !inputs.territories.is_empty()
            && inputs
                .territories
                .iter()
                .all(|t| t.kind == TerritoryKind::Qpv);
        let kind = if by_qpv {
            TerritoryKind::Qpv
        } else {
            TerritoryKind::Commune
        };
        self.reach_of(kind)
    }

    /// The reach of demand of `kind`: the given metres, else its default
    /// rule (a commune's when the rule is "inside").
    fn reach_of(&self, kind: TerritoryKind) -> Reach {
        let rules = Rules::default();
        let kind = match kind {
            TerritoryKind::Qpv => TerritoryKind::Qpv,
            _ => TerritoryKind::Commune,
        };
        let default = match rules.get(kind, self.service) {
            Rule::WithinDistance(m) => m,
            Rule::Inside => rules.get(TerritoryKind::Commune, self.service).radius_m(),
        };
        let mut reach = Reach::within(self.radius_m.unwrap_or(default));
        reach.minutes = self.minutes;
        reach.combine = self.combine;
        reach
    }

    fn candidates_of(
        &self,
        network: &ServiceNetwork,
        inputs: &Inputs,
    ) -> Result<(Vec<Candidate>, Option<LoadReport>)> {
        Ok(match &self.candidates {
            CandidateSpec::Kinds(kinds) => {
                (candidates::of_kinds(network, kinds, self.service), None)
            }
            CandidateSpec::File(path) => {
                let (c, r) = candidates::of_csv(path, self.service)?;
                (c, Some(r))
            }
            CandidateSpec::Communes => {
                let (c, r) = candidates::communes(&inputs.communes)?;
                (c, Some(r))
            }
            CandidateSpec::Grid { cell_m } => {
                let (c, r) = candidates::grid(&inputs.communes, *cell_m)?;
                (c, Some(r))
            }
        })
    }
}

#[cfg(feature = "exact")]
fn with_exact<'a>(plan: Plan<'a>, seconds: f64) -> Result<Plan<'a>> {
    Ok(plan.exact(seconds))
}

#[cfg(not(feature = "exact"))]
fn with_exact<'a>(_: Plan<'a>, _: f64) -> Result<Plan<'a>> {
    Err(invalid("the exact solver needs the `exact` feature"))
}

/// `sites.parquet` (GeoParquet, the sites as points) and `impact.parquet`
/// beside their CSV files.
#[cfg(feature = "geoparquet")]
fn write_geoparquet(stage: &mut Stage) -> Result<()> {
    use super::out::parquet_beside;
    let text = ["site_id", "name", "kind", "departement"];
    parquet_beside(stage, "sites.csv", &text, Some(("lon", "lat")))?;
    parquet_beside(stage, "impact.csv", &text, None)
}

#[cfg(not(feature = "geoparquet"))]
fn write_geoparquet(_: &mut Stage) -> Result<()> {
    Err(invalid("sites.parquet needs the `geoparquet` feature"))
}

/// `plan.svg` and `plan.html`: the demand reached before and after.
#[cfg(feature = "map")]
fn write_map(report: &PlanReport, demand: &Demand<'_>, stage: &mut Stage) -> Result<()> {
    use crate::map::{GapMap, Table, View, html_report};
    let map = GapMap::from_plan(report, demand)?;
    let svg = map.to_svg(&View::National)?;
    let html = html_report(&map.title, &svg, &[Table::plan(report)]);
    map.write(&View::National, stage.path("plan.svg")?)?;
    html.write(stage.path("plan.html")?)
}

#[cfg(not(feature = "map"))]
fn write_map(_: &PlanReport, _: &Demand<'_>, _: &mut Stage) -> Result<()> {
    Err(invalid("maps need the `map` feature"))
}

/// A département's entry in `plan.json`: its plan's fields (the plan's
/// own arithmetic), its code, the shares beyond before and after as
/// `access` measures them (`share_beyond_before`, `share_beyond_after`),
/// the plan's claim (`claimed`) and the measure (`measured`) side by side,
/// and whether the measured share after meets the law (`met`, also
/// `complies`).
fn departement_json(d: &DepartementPlan, max_share_beyond: f64) -> Value {
    let mut j = d.plan.to_json();
    let (before, after, rounds) = d
        .measured
        .as_ref()
        .map_or((d.share_beyond_before, d.share_beyond_after, 1), |m| {
            (m.share_beyond_before, m.share_beyond_after, m.rounds)
        });
    if let Some(o) = j.as_object_mut() {
        if let Some(m) = &d.measured {
            o.insert("objective".into(), m.reached_after.into());
            o.insert("base_objective".into(), m.reached_before.into());
            o.insert("total_weight".into(), m.total_weight.into());
            o.insert("share".into(), (1.0 - m.share_beyond_after).into());
        }
        o.insert("departement".into(), d.code.clone().into());
        o.insert("share_beyond_before".into(), before.into());
        o.insert("share_beyond_after".into(), after.into());
        o.insert(
            "claimed".into(),
            json!({
                "share_beyond_before": d.share_beyond_before,
                "share_beyond_after": d.share_beyond_after,
                "share": d.plan.share(),
                "objective": d.plan.objective(),
                "base_objective": d.plan.base_weight,
            }),
        );
        o.insert(
            "measured".into(),
            json!({
                "engine": "access",
                "share_beyond_before": before,
                "share_beyond_after": after,
            }),
        );
        o.insert("target_share_beyond".into(), max_share_beyond.into());
        o.insert("met".into(), d.complies.into());
        o.insert("complies".into(), d.complies.into());
        o.insert("rounds".into(), rounds.into());
    }
    j
}

/// The equity figures before → after, as printed.
fn equity_lines(before: &Measured, after: &Measured) -> Vec<String> {
    let max = LAW_MAX_SHARE_BEYOND;
    // Measured by `access`, the count is the law's (population beyond);
    // by `coverage`, it is of the demand's weight (not the law's test).
    let what = if after.engine == "access" {
        "beyond"
    } else {
        "of their demand weight beyond reach"
    };
    let mut out = vec![format!(
        "  départements over {:.0} % {what}: {} → {}; mean distance to the nearest site: {} → {}",
        100.0 * max,
        before.failing(max).len(),
        after.failing(max).len(),
        before
            .equity
            .mean_distance_m
            .map_or("—".into(), |d| format!("{d:.0} m")),
        after
            .equity
            .mean_distance_m
            .map_or("—".into(), |d| format!("{d:.0} m")),
    )];
    let share = |p: Option<Part>| p.and_then(|p| p.share());
    for (label, b, a) in [
        (
            "FRR communes",
            share(before.equity.frr),
            share(after.equity.frr),
        ),
        ("QPV", share(before.equity.qpv), share(after.equity.qpv)),
    ] {
        if let (Some(b), Some(a)) = (b, a) {
            out.push(format!(
                "  {label} within reach: {:.2} % → {:.2} %",
                100.0 * b,
                100.0 * a
            ));
        }
    }
    out
}

/// The measured figures of a whole network, before or after (`plan.json`'s
/// `before` and `after`).
fn network_json(m: &Measured, max_share_beyond: f64) -> Value {
    let failing = m.failing(max_share_beyond);
    let part = |p: Option<Part>| {
        p.map(|p| json!({"total_weight": p.total, "reached_weight": p.reached, "share": p.share()}))
    };
    json!({
        "engine": m.engine,
        "total_weight": m.total,
        "reached_weight": m.reached,
        "share": m.share(),
        "departements_failing": failing.len(),
        "failing": failing,
        "failing_by": if m.engine == "access" {
            "the law: population beyond the reach over 10 %"
        } else {
            "demand weight beyond reach over 10 % (not the law's population test)"
        },
        "mean_distance_m": m.equity.mean_distance_m,
        "no_site_weight": m.equity.no_site,
        "frr": part(m.equity.frr),
        "qpv": part(m.equity.qpv),
    })
}

/// How the plan is measured again, worded as the `access` or `coverage`
/// run that gives the same figures.
fn measure_label(basis: &Basis<'_>, reach: &Reach, service: Service) -> String {
    let time = reach.minutes.map_or(String::new(), |m| {
        format!(
            " {} {m} min (crow flies)",
            match reach.combine {
                crate::access::Combine::And => "or within",
                crate::access::Combine::Or => "and within",
            }
        )
    });
    match basis {
        Basis::Population { model, .. } => format!(
            "access, {service}, population on the {}, reached within {} m{time}",
            model.label(),
            reach.distance_m
        ),
        Basis::Territories { .. } => format!(
            "coverage, {service}, a territory reached by a site within {} m{time} of its boundary",
            reach.distance_m
        ),
        Basis::Demand(demand) if demand.parts.len() > 1 => format!(
            "coverage, {service}, a territory reached by a site within its kind's reach of its boundary ({}), weighted by priority",
            demand
                .parts
                .iter()
                .map(|p| p.name.clone())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Basis::Demand(_) => format!(
            "coverage, {service}, a territory reached by a site within {} m{time} of its boundary",
            reach.distance_m
        ),
    }
}

/// `plan.json`'s compliance fields.
fn compliance_json(c: &MeasuredCompliance) -> serde_json::Map<String, Value> {
    let mut o = serde_json::Map::new();
    let max = c.max_share_beyond;
    o.insert(
        "departements".into(),
        c.departements
            .iter()
            .map(|d| departement_json(d, max))
            .collect(),
    );
    o.insert("target_share_beyond".into(), max.into());
    o.insert("met".into(), c.complies().into());
    o.insert("before".into(), network_json(&c.before, max));
    o.insert("after".into(), network_json(&c.after, max));
    o
}

/// `plan.json`'s measured fields of one plan: `share` and `objective` are
/// the measured ones; `claimed` holds the plan's own.
fn measured_json(m: &MeasuredPlan) -> serde_json::Map<String, Value> {
    let mut o = serde_json::Map::new();
    let r = &m.report;
    let target = match r.goal {
        plan::Goal::TargetShare(s) => Some(s),
        plan::Goal::Add(_) => None,
    };
    o.insert("share".into(), m.share().into());
    o.insert("objective".into(), m.after.reached.into());
    o.insert(
        "claimed".into(),
        json!({"share": r.share(), "objective": r.objective(), "base_objective": r.base_weight}),
    );
    o.insert(
        "measured".into(),
        json!({
            "engine": m.after.engine,
            "share": m.after.share(),
            "objective": m.after.reached,
            "base_share": m.before.share(),
            "base_objective": m.before.reached,
            "total_weight": m.after.total,
        }),
    );
    o.insert("target_share".into(), target.into());
    o.insert("met".into(), m.met.into());
    o.insert("rounds".into(), m.rounds.into());
    o.insert(
        "before".into(),
        network_json(&m.before, LAW_MAX_SHARE_BEYOND),
    );
    o.insert("after".into(), network_json(&m.after, LAW_MAX_SHARE_BEYOND));
    o
}

/// How a candidate spec was given, for messages.
pub fn describe(spec: &CandidateSpec) -> String {
    match spec {
        CandidateSpec::Kinds(k) => k.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(","),
        CandidateSpec::File(p) => p.display().to_string(),
        CandidateSpec::Communes => "communes".into(),
        CandidateSpec::Grid { cell_m } => format!("grid:{cell_m}"),
    }
}

/// The ids of a `--close` file: its `site_id` (or `id`) column, else its
/// first column, with a load report counting blank and repeated ids.
pub fn read_close(path: &Path) -> Result<(Vec<String>, LoadReport)> {
    let mut table = CsvTable::open(path)?;
    let col = table.column(&["site_id", "id"]).unwrap_or(0);
    let mut report = LoadReport::new(path.display().to_string());
    let mut seen = HashSet::new();
    let mut ids = Vec::new();
    let mut record = csv::ByteRecord::new();
    while let Some(line) = table.next_record(&mut record)? {
        report.read += 1;
        let id = table.field(&record, col).into_owned();
        if id.is_empty() {
            report.skip(SkipReason::MissingId, Location::Line(line), None, None);
        } else if !seen.insert(id.clone()) {
            report.skip(
                SkipReason::DuplicateId,
                Location::Line(line),
                Some(&id),
                None,
            );
        } else {
            report.kept += 1;
            ids.push(id);
        }
    }
    table.finish(&mut report);
    Ok((ids, report))
}

/// Removes the closed sites; an id that names no site is an error.
fn close_sites(inputs: &mut Inputs, path: &Path, ids: &[String]) -> Result<()> {
    let known: HashSet<&str> = inputs.points.iter().map(|p| p.id.as_str()).collect();
    let unknown: Vec<&str> = ids
        .iter()
        .map(String::as_str)
        .filter(|id| !known.contains(id))
        .collect();
    if ids.is_empty() || !unknown.is_empty() {
        return Err(invalid(format!(
            "{}: {} unknown site id(s) of {}: {}",
            path.display(),
            unknown.len(),
            ids.len(),
            unknown
                .iter()
                .take(10)
                .copied()
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let set: HashSet<&String> = ids.iter().collect();
    inputs.points.retain(|p| !set.contains(&p.id));
    Ok(())
}
