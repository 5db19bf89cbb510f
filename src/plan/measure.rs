//! Every plan measured again by the engine users run on its written sites:
//! [`access`](crate::access) for a population demand (the share of each
//! département's population beyond the reach: the legal test), and
//! [`coverage`](crate::coverage) for a territory demand (the territories
//! within reach, and their weight).
//!
//! The plan's own arithmetic (sparse coverage sets, greedy gains) is its
//! *claim*; the figure of this module is what `maillage access` or
//! `maillage coverage` says on the network plus the sites as `sites.csv`
//! writes them (each free site placed again from its written longitude and
//! latitude, as a reader of the file places it; an existing point chosen as
//! a candidate offers the service where it is). The plan reports both, and
//! only the measured one decides whether a target is met.

use std::collections::HashMap;

use super::report::DepartementMeasure;
use super::{
    Candidate, Demand, DepartementPlan, Goal, Plan, PlanReport, PlannedSite, Reach, Weight,
};
use crate::access::Accessibility;
use crate::coverage::{Coverage, Rule};
use crate::error::{Error, Result};
use geo_types::Coord;

use crate::model::{Service, ServicePoint, Territory, TerritoryKind};
use crate::network::ServiceNetwork;
use crate::population::{PopulationModel, PopulationUnit};

/// What a plan's demand was built from, so that it can be measured again.
#[derive(Debug, Clone, Copy)]
pub enum Basis<'a> {
    /// The population of these communes, placed by this model
    /// ([`Demand::population`](super::Demand::population)): measured by
    /// [`Accessibility`].
    Population {
        /// The communes (the demand's).
        communes: &'a [Territory],
        /// The population model (the demand's).
        model: &'a PopulationModel,
    },
    /// These territories, weighted so
    /// ([`Demand::territories`](super::Demand::territories)): measured by
    /// [`Coverage`], each territory served within its reach of its boundary.
    Territories {
        /// The territories (the demand's).
        territories: &'a [Territory],
        /// Their weight.
        weight: Weight,
    },
    /// The territories of a territory demand as the plan saw them, each
    /// with its weight (from data, times its kind's priority) and its
    /// reach (its kind's): measured by [`Coverage`]; the equity figures
    /// (QPV, FRR) count the weights before priorities.
    Demand(&'a Demand<'a>),
}

/// The measured demand of one département.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasuredDepartement {
    /// Département code (`?` when unknown).
    pub code: String,
    /// Its demand weight (population, or territories' weight).
    pub total: f64,
    /// The weight within reach.
    pub reached: f64,
}

impl MeasuredDepartement {
    /// Share of the weight beyond reach (0 when the total is 0).
    pub fn share_beyond(&self) -> f64 {
        if self.total > 0.0 {
            (self.total - self.reached) / self.total
        } else {
            0.0
        }
    }
}

/// What `access` or `coverage` measures on a network.
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    /// The engine: `"access"` or `"coverage"`.
    pub engine: &'static str,
    /// Total demand weight.
    pub total: f64,
    /// Weight within reach.
    pub reached: f64,
    /// Per département, by code.
    pub departements: Vec<MeasuredDepartement>,
    /// Who is reached: the mean distance, the FRR communes and the QPV.
    pub equity: Equity,
}

/// A part of the demand: its weight and the weight within reach.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Part {
    /// Its weight.
    pub total: f64,
    /// Within reach.
    pub reached: f64,
}

impl Part {
    /// Share within reach (`None` when the part weighs nothing).
    pub fn share(&self) -> Option<f64> {
        (self.total > 0.0).then(|| self.reached / self.total)
    }
}

/// Equity figures of a measure.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Equity {
    /// Weight-averaged distance in metres to the nearest site offering the
    /// service (a population unit's; a territory's from its boundary, 0
    /// inside), over the weight that has a site in its zone (`None` when
    /// none has).
    pub mean_distance_m: Option<f64>,
    /// Weight with no site in its zone at all (left out of the mean).
    pub no_site: f64,
    /// The population of the communes classified FRR or FRR+ (population
    /// demand, when the communes carry the FRR zoning), or the weight of
    /// the territories so classified.
    pub frr: Option<Part>,
    /// The weight of the QPV among the demand's territories (territory
    /// demand holding QPV).
    pub qpv: Option<Part>,
}

#[derive(Default)]
struct Distances {
    weighted: f64,
    weight: f64,
    no_site: f64,
}

impl Distances {
    fn add(&mut self, w: f64, d: Option<f64>) {
        match d.filter(|d| d.is_finite()) {
            Some(d) => {
                self.weighted += w * d;
                self.weight += w;
            }
            None => self.no_site += w,
        }
    }

    fn merge(mut self, o: Distances) -> Distances {
        self.weighted += o.weighted;
        self.weight += o.weight;
        self.no_site += o.no_site;
        self
    }

    fn mean(&self) -> Option<f64> {
        (self.weight > 0.0).then(|| self.weighted / self.weight)
    }
}

/// Population-weighted distances to the nearest site, by the engine
/// `access` uses ([`ServiceNetwork::nearest_distances`]).
fn population_distances(
    network: &ServiceNetwork,
    communes: &[Territory],
    model: &PopulationModel,
    service: Service,
) -> Distances {
    use rayon::prelude::*;
    (0..communes.len())
        .into_par_iter()
        .map_init(
            || (Vec::new(), Vec::new(), Vec::new()),
            |(units, xys, out): &mut (Vec<PopulationUnit>, Vec<Coord<f64>>, Vec<f64>), i| {
                let mut d = Distances::default();
                let Some(c) = communes.get(i) else {
                    return d;
                };
                model.units_of(communes, i, units);
                xys.clear();
                xys.extend(units.iter().map(|u| u.xy));
                network.nearest_distances(c.zone, service, xys, out);
                for (u, m) in units.iter().zip(out.iter()) {
                    d.add(u.population, Some(*m));
                }
                d
            },
        )
        .reduce(Distances::default, Distances::merge)
}

impl Measured {
    /// Share of the weight within reach (0 when the total is 0).
    pub fn share(&self) -> f64 {
        if self.total > 0.0 {
            self.reached / self.total
        } else {
            0.0
        }
    }

    /// The figures of département `code`.
    pub fn departement(&self, code: &str) -> Option<&MeasuredDepartement> {
        self.departements.iter().find(|d| d.code == code)
    }

    /// The départements whose share beyond exceeds `max_share_beyond`.
    pub fn failing(&self, max_share_beyond: f64) -> Vec<&str> {
        self.departements
            .iter()
            .filter(|d| d.share_beyond() > max_share_beyond)
            .map(|d| d.code.as_str())
            .collect()
    }
}

/// The point a chosen free site becomes once `sites.csv` is read: placed
/// again from its written longitude and latitude (written exactly), with
/// its name and kind, offering `service`.
fn written_point(c: &Candidate, service: Service) -> Result<ServicePoint> {
    let mut p = ServicePoint::at_lonlat(c.id.clone(), c.lonlat.x, c.lonlat.y)?
        .with_name(c.name.clone())
        .offering(service);
    if let Some(kind) = c.kind {
        p = p.with_kind(kind);
    }
    if p.zone != c.zone {
        return Err(Error::invalid(
            "plan",
            format!(
                "site {}: its written position ({}, {}) falls in another zone than the one it was planned in",
                c.id, c.lonlat.x, c.lonlat.y
            ),
        ));
    }
    Ok(p)
}

/// `network` with `sites` hosting `service`: a site that is a point of the
/// network (a candidate of [`candidates::of_kinds`](super::candidates::of_kinds))
/// offers the service where it is; any other is a new point placed from its
/// written longitude and latitude.
pub fn with_sites<'c>(
    network: &ServiceNetwork,
    sites: impl IntoIterator<Item = &'c Candidate>,
    service: Service,
) -> Result<ServiceNetwork> {
    let mut points = network.points().to_vec();
    let index: HashMap<&str, usize> = network
        .points()
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    let mut added = Vec::new();
    for c in sites {
        let existing = index
            .get(c.id.as_str())
            .copied()
            .filter(|&i| network.point(i).is_some_and(|p| p.xy == c.xy));
        match existing.and_then(|i| points.get_mut(i)) {
            Some(p) => p.services.insert(service),
            None => added.push(written_point(c, service)?),
        }
    }
    points.extend(added);
    Ok(ServiceNetwork::new(points))
}

/// The communes of `keep` (indices into `communes`) and the model placing
/// their population as `model` places it in the whole set: supplied units
/// are renumbered to the subset.
fn subset(
    communes: &[Territory],
    model: &PopulationModel,
    keep: &[usize],
) -> (Vec<Territory>, PopulationModel) {
    let subset: Vec<Territory> = keep
        .iter()
        .filter_map(|&i| communes.get(i).cloned())
        .collect();
    let model = match model {
        PopulationModel::Units(units) => {
            let renumber: HashMap<u32, u32> = keep
                .iter()
                .enumerate()
                .filter_map(|(new, &old)| {
                    Some((u32::try_from(old).ok()?, u32::try_from(new).ok()?))
                })
                .collect();
            PopulationModel::units(
                units
                    .iter()
                    .filter_map(|u| {
                        Some(PopulationUnit {
                            commune: *renumber.get(&u.commune)?,
                            ..*u
                        })
                    })
                    .collect(),
            )
        }
        other => other.clone(),
    };
    (subset, model)
}

/// Measures `basis` on `network` with `reach`, by the engine users run:
/// [`Accessibility`] (distance, and the crow-flies time when the reach has
/// minutes, combined as it says) for a population, [`Coverage`] (a
/// territory is reached when a site lies within its reach of its boundary)
/// for territories. `only` keeps the demand of one département.
pub fn measure(
    network: &ServiceNetwork,
    basis: &Basis<'_>,
    reach: &Reach,
    service: Service,
    only: Option<&str>,
) -> Result<Measured> {
    match *basis {
        Basis::Population { communes, model } => {
            let keep: Vec<usize> = communes
                .iter()
                .enumerate()
                .filter(|(_, c)| only.is_none_or(|d| c.departement.as_deref().unwrap_or("?") == d))
                .map(|(i, _)| i)
                .collect();
            let (owned, sub_model);
            let (communes, model) = if only.is_some() {
                (owned, sub_model) = subset(communes, model, &keep);
                (owned.as_slice(), &sub_model)
            } else {
                (communes, model)
            };
            let mut access = Accessibility::new(network, communes, model)
                .service(service)
                .distance_m(reach.distance_m)
                .combine(reach.combine)
                .crow_flies(reach.travel.clone());
            if let Some(m) = reach.minutes {
                access = access.minutes(m);
            }
            let report = access.run()?;
            let national = report.national();
            let distances = population_distances(network, communes, model, service);
            let mut frr = Part::default();
            let mut zoned = false;
            for (c, t) in report.communes() {
                if let Some(class) = c.frr {
                    zoned = true;
                    if class.classified() == Some(true) {
                        frr.total += t.population;
                        frr.reached += t.population - t.beyond;
                    }
                }
            }
            Ok(Measured {
                equity: Equity {
                    mean_distance_m: distances.mean(),
                    no_site: distances.no_site,
                    frr: zoned.then_some(frr),
                    qpv: None,
                },
                engine: "access",
                total: national.population,
                reached: national.population - national.beyond,
                departements: report
                    .by_departement()
                    .into_iter()
                    .map(|d| MeasuredDepartement {
                        code: d.code.clone(),
                        total: d.totals.population,
                        reached: d.totals.population - d.totals.beyond,
                    })
                    .collect(),
            })
        }
        Basis::Territories {
            territories,
            weight,
        } => {
            let items: Vec<Item<'_>> = territories
                .iter()
                .map(|t| {
                    let w = match (weight, t.population) {
                        (Weight::Count, _) => 1.0,
                        (Weight::Population, Some(p)) => p as f64,
                        (Weight::Population, None) => 0.0,
                    };
                    Item {
                        territory: t,
                        weight: w,
                        base: w,
                        reach_m: reach.metres(Some(t)),
                    }
                })
                .collect();
            measure_territories(network, &items, service, only)
        }
        Basis::Demand(demand) => {
            let super::demand::Shapes::Areas(territories) = &demand.shapes else {
                return Err(Error::invalid(
                    "plan",
                    "a population demand is measured by its model (Basis::Population)",
                ));
            };
            let items: Vec<Item<'_>> = territories
                .iter()
                .enumerate()
                .map(|(i, t)| Item {
                    territory: t,
                    weight: demand.weight.get(i).copied().unwrap_or(0.0),
                    base: demand.base_weight(i),
                    reach_m: demand.reach_m.get(i).copied().unwrap_or(0.0),
                })
                .collect();
            measure_territories(network, &items, service, only)
        }
    }
}

/// A territory of a territory demand, measured.
struct Item<'t> {
    territory: &'t Territory,
    /// Its weight in the objective.
    weight: f64,
    /// Its weight before its kind's priority (for the equity figures).
    base: f64,
    /// Reached within this many metres of its boundary.
    reach_m: f64,
}

fn measure_territories(
    network: &ServiceNetwork,
    items: &[Item<'_>],
    service: Service,
    only: Option<&str>,
) -> Result<Measured> {
    // Territories of one reach are measured together: with a time, the
    // reach depends on the commune's density class; kinds of demand have
    // their own.
    let mut groups: Vec<(f64, Vec<usize>)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let code = item.territory.departement.as_deref().unwrap_or("?");
        if only.is_some_and(|d| d != code) {
            continue;
        }
        let r = item.reach_m;
        match groups.iter_mut().find(|(g, _)| g.to_bits() == r.to_bits()) {
            Some((_, v)) => v.push(i),
            None => groups.push((r, vec![i])),
        }
    }
    let mut by_dep: Vec<MeasuredDepartement> = Vec::new();
    let (mut total, mut reached) = (0.0, 0.0);
    let mut distances = Distances::default();
    let (mut frr, mut qpv) = (Part::default(), Part::default());
    let (mut zoned, mut any_qpv) = (false, false);
    for (r, members) in groups {
        let owned: Vec<Territory> = members
            .iter()
            .filter_map(|&i| items.get(i).map(|item| item.territory.clone()))
            .collect();
        let report = Coverage::new(network, &owned)
            .services([service])
            .rule_all(Rule::WithinDistance(r))
            .run()?;
        for (row, item) in report
            .iter()
            .zip(members.iter().filter_map(|&i| items.get(i)))
        {
            let t = item.territory;
            let (w, base) = (item.weight, item.base);
            distances.add(base, row.nearest.map(|(_, d)| d));
            let served = if row.served { base } else { 0.0 };
            if let Some(class) = t.frr {
                zoned = true;
                if class.classified() == Some(true) {
                    frr.total += base;
                    frr.reached += served;
                }
            }
            if t.kind == TerritoryKind::Qpv {
                any_qpv = true;
                qpv.total += base;
                qpv.reached += served;
            }
            let code = t.departement.as_deref().unwrap_or("?");
            let dep = match by_dep.iter().position(|d| d.code == code) {
                Some(k) => k,
                None => {
                    by_dep.push(MeasuredDepartement {
                        code: code.to_owned(),
                        total: 0.0,
                        reached: 0.0,
                    });
                    by_dep.len() - 1
                }
            };
            if let Some(d) = by_dep.get_mut(dep) {
                d.total += w;
                total += w;
                if row.served {
                    d.reached += w;
                    reached += w;
                }
            }
        }
    }
    by_dep.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(Measured {
        equity: Equity {
            mean_distance_m: distances.mean(),
            no_site: distances.no_site,
            frr: zoned.then_some(frr),
            qpv: any_qpv.then_some(qpv),
        },
        engine: "coverage",
        total,
        reached,
        departements: by_dep,
    })
}

/// Most plans a measured run makes: each new one aims higher by what the
/// last one's measure missed.
pub const MAX_ROUNDS: usize = 12;

/// A plan and what the engine users run measures on the network plus its
/// sites.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasuredPlan {
    /// The plan (its figures are its claim).
    pub report: PlanReport,
    /// The measure on the network alone.
    pub before: Measured,
    /// The measure on the network plus the plan's sites.
    pub after: Measured,
    /// With a target share: whether the measured share meets it (`None`
    /// for maximal coverage, which has no target).
    pub met: Option<bool>,
    /// How many plans were made (1 unless the first one's measure missed
    /// its target).
    pub rounds: usize,
}

impl MeasuredPlan {
    /// The measured share of the demand within reach, after.
    pub fn share(&self) -> f64 {
        self.after.share()
    }
}

impl Plan<'_> {
    /// Runs the plan, then measures it with `access` or `coverage` on the
    /// network plus its sites ([`measure`], over `basis` with `reach`, the
    /// demand's; `only`: the demand is that département's). With a target
    /// share the measured share decides: while it misses the target, the
    /// plan is made again aiming higher by what it missed, until it meets
    /// it, the candidates reach nothing more, or [`MAX_ROUNDS`] plans were
    /// made; [`MeasuredPlan::met`] says which.
    pub fn run_measured(
        &self,
        basis: &Basis<'_>,
        reach: &Reach,
        only: Option<&str>,
    ) -> Result<MeasuredPlan> {
        let before = measure(self.network, basis, reach, self.service, only)?;
        let mut plan = self.clone();
        let mut rounds = 0;
        loop {
            rounds += 1;
            let mut report = plan.run()?;
            let network = with_sites(
                self.network,
                report.sites().iter().map(|s| &s.candidate),
                self.service,
            )?;
            let after = measure(&network, basis, reach, self.service, only)?;
            if (after.reached - report.objective()).abs() > 1e-9 * after.total.max(1.0) {
                report.warnings.push(format!(
                    "the plan's own count reaches {:.1} ({:.4} %), {} measures {:.1} ({:.4} %) on the network plus its sites: the figures reported are {}'s; the map and the gain, covered and objective columns of sites.csv are the plan's count",
                    report.objective(),
                    100.0 * report.share(),
                    after.engine,
                    after.reached,
                    100.0 * after.share(),
                    after.engine
                ));
            }
            let Goal::TargetShare(target) = self.goal else {
                return Ok(MeasuredPlan {
                    report,
                    before,
                    after,
                    met: None,
                    rounds,
                });
            };
            let Goal::TargetShare(aimed) = plan.goal else {
                return Err(Error::invalid(
                    "plan",
                    "a target share plan lost its target",
                ));
            };
            let met = after.share() >= target - 1e-12;
            // The greedy stopped short of what it aimed at: nothing left
            // any candidate reaches; or it aimed at everything already.
            let exhausted = report.share() < aimed - 1e-12 || aimed >= 1.0;
            if met || exhausted || rounds >= MAX_ROUNDS {
                return Ok(MeasuredPlan {
                    report,
                    before,
                    after,
                    met: Some(met),
                    rounds,
                });
            }
            // Aim above what the plan reached by its own count, by what
            // the measure missed.
            let missed = target - after.share();
            let reached = report.share().max(aimed);
            plan.goal = Goal::TargetShare((reached + missed + 1e-9).min(1.0));
        }
    }
}

/// Compliance plans measured by `access`: see [`comply_measured`].
#[derive(Debug, Clone, PartialEq)]
pub struct MeasuredCompliance {
    /// The plan of every département failing before (by the plan's own
    /// count or by `access`), by code.
    pub departements: Vec<DepartementPlan>,
    /// `access` on the network alone.
    pub before: Measured,
    /// `access` on the network plus every plan's sites.
    pub after: Measured,
    /// The largest share allowed beyond.
    pub max_share_beyond: f64,
}

impl MeasuredCompliance {
    /// Every planned site, ranked 1.. across départements.
    pub fn sites(&self) -> Vec<PlannedSite> {
        self.departements
            .iter()
            .flat_map(|d| d.plan.sites())
            .enumerate()
            .map(|(i, s)| PlannedSite {
                rank: i + 1,
                ..s.clone()
            })
            .collect()
    }

    /// True when every département is at or under the share allowed,
    /// measured with every plan's sites.
    pub fn complies(&self) -> bool {
        self.after.failing(self.max_share_beyond).is_empty()
    }
}

/// [`comply`](super::comply), with every figure measured by `access` on the
/// network plus the sites (`basis` and `reach`: the demand's): a
/// département is planned when it fails by the plan's count or by
/// `access`; its plan adds sites until `access` puts it at or under
/// `max_share_beyond` ([`Plan::run_measured`]), or says it cannot; the
/// figures after are `access` on the network plus the sites of every plan
/// (a site near a border may help a neighbour).
pub fn comply_measured(
    network: &ServiceNetwork,
    demand: &Demand<'_>,
    basis: &Basis<'_>,
    reach: &Reach,
    service: Service,
    candidates: &[Candidate],
    max_share_beyond: f64,
) -> Result<MeasuredCompliance> {
    if !(0.0..1.0).contains(&max_share_beyond) {
        return Err(Error::invalid(
            "compliance",
            format!("the share allowed beyond must be in [0, 1), got {max_share_beyond}"),
        ));
    }
    // The plan's own count before, per département: (code, share beyond).
    let claimed: Vec<(String, f64)> = super::report::weights_before(network, demand, service)
        .into_iter()
        .filter(|(_, total, _)| *total > 0.0)
        .map(|(code, total, reached)| (code, (total - reached) / total))
        .collect();
    let before = measure(network, basis, reach, service, None)?;
    let mut codes: Vec<String> = claimed
        .iter()
        .filter(|(_, share)| *share > max_share_beyond)
        .map(|(code, _)| code.clone())
        .collect();
    for code in before.failing(max_share_beyond) {
        if !codes.iter().any(|c| c == code) && demand.departements.iter().any(|c| c == code) {
            codes.push(code.to_owned());
        }
    }
    codes.sort();
    let mut departements = Vec::with_capacity(codes.len());
    for code in codes {
        let local = demand.only_departement(&code);
        let run = Plan::new(network, &local, service)
            .candidates(candidates.to_vec())
            .target_share(1.0 - max_share_beyond)
            .run_measured(basis, reach, Some(&code))?;
        let share_before = run
            .before
            .departement(&code)
            .map_or(0.0, MeasuredDepartement::share_beyond);
        let share_after = run
            .after
            .departement(&code)
            .map_or(0.0, MeasuredDepartement::share_beyond);
        let claimed_before = claimed
            .iter()
            .find(|(c, _)| *c == code)
            .map_or(share_before, |(_, share)| *share);
        departements.push(DepartementPlan {
            share_beyond_before: claimed_before,
            share_beyond_after: 1.0 - run.report.share(),
            complies: run.met.unwrap_or(false),
            measured: Some(DepartementMeasure {
                share_beyond_before: share_before,
                share_beyond_after: share_after,
                total_weight: run.before.departement(&code).map_or(0.0, |d| d.total),
                reached_before: run.before.departement(&code).map_or(0.0, |d| d.reached),
                reached_after: run.after.departement(&code).map_or(0.0, |d| d.reached),
                rounds: run.rounds,
            }),
            code,
            plan: run.report,
        });
    }
    let all: Vec<Candidate> = departements
        .iter()
        .flat_map(|d| d.plan.sites().iter().map(|s| s.candidate.clone()))
        .collect();
    let after = measure(
        &with_sites(network, &all, service)?,
        basis,
        reach,
        service,
        None,
    )?;
    for d in &mut departements {
        if let (Some(m), Some(a)) = (d.measured.as_mut(), after.departement(&d.code)) {
            m.share_beyond_after = a.share_beyond();
            m.reached_after = a.reached;
        }
        d.complies = d
            .measured
            .as_ref()
            .is_some_and(|m| m.share_beyond_after <= max_share_beyond + 1e-12);
    }
    Ok(MeasuredCompliance {
        departements,
        before,
        after,
        max_share_beyond,
    })
}
