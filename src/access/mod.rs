//! Population-weighted accessibility: how many people live beyond a distance
//! (and travel time) from the nearest point offering a service, per
//! commune, per département, nationally, or per any territory set.
//!
//! The legal yardsticks:
//! - loi 90-568, art. 6: no more than 10 % of a département's population may
//!   live farther than 5 km **and** 20 minutes by car from a point de
//!   contact. Texts read the pair both as "and" and as "or": [`Combine`]
//!   chooses;
//! - the universal-service decree (CPCE R.1-1): 95 % of each département's
//!   population and 99 % of the national population within 10 km.

pub(crate) mod report;

/// The law's distance (loi 90-568, art. 6): 5 km.
pub const LAW_DISTANCE_M: f64 = 5_000.0;
/// The law's travel time by car (loi 90-568, art. 6): 20 minutes.
pub const LAW_MINUTES: f64 = 20.0;
/// The largest share of a département's population the law allows beyond
/// [`LAW_DISTANCE_M`] and [`LAW_MINUTES`]: 10 %.
pub const LAW_MAX_SHARE_BEYOND: f64 = 0.10;
/// The universal-service decree's distance (CPCE R.1-1): 10 km.
pub const DECREE_DISTANCE_M: f64 = 10_000.0;
/// The smallest share of each département's population the decree requires
/// within [`DECREE_DISTANCE_M`]: 95 %.
pub const DECREE_MIN_SHARE_DEPARTEMENT: f64 = 0.95;
/// The smallest share of the national population the decree requires within
/// [`DECREE_DISTANCE_M`]: 99 %.
pub const DECREE_MIN_SHARE_NATIONAL: f64 = 0.99;

pub use report::{AccessReport, AccessTotals, Compliance, DepartementAccess};

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::locate::TerritoryIndex;
use crate::model::{Service, Territory};
use crate::network::ServiceNetwork;
use crate::population::{PopulationModel, PopulationUnit};
use crate::travel::{CrowFlies, TravelQuery, TravelTime};

/// Buffers reused from one commune to the next by each worker thread.
#[derive(Default)]
struct Scratch {
    units: Vec<PopulationUnit>,
    xys: Vec<geo_types::Coord<f64>>,
    distances: Vec<f64>,
}

/// How the distance and time thresholds combine into "beyond".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Combine {
    /// Beyond when farther than the distance **and** longer than the time.
    #[cfg_attr(feature = "cli", value(name = "and", alias = "et"))]
    And,
    /// Beyond when farther than the distance **or** longer than the time.
    #[cfg_attr(feature = "cli", value(name = "or", alias = "ou"))]
    Or,
}

impl std::str::FromStr for Combine {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "and" | "et" => Ok(Combine::And),
            "or" | "ou" => Ok(Combine::Or),
            _ => Err(Error::invalid(
                "combination of thresholds",
                format!("{s:?} is neither and nor or"),
            )),
        }
    }
}

/// The thresholds of an accessibility analysis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// Distance threshold in metres (law: 5,000).
    pub distance_m: f64,
    /// Time threshold in minutes (law: 20), when travel time is measured.
    pub minutes: Option<f64>,
    /// How distance and time combine.
    pub combine: Combine,
    /// The decree's distance in metres (10,000).
    pub decree_distance_m: f64,
    /// Largest share of a département's population allowed beyond (law: 0.10).
    pub max_share_beyond: f64,
    /// Smallest share of a département's population required within the
    /// decree distance (0.95).
    pub min_share_within_decree: f64,
    /// The same, nationally (0.99).
    pub min_national_share_within_decree: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            distance_m: LAW_DISTANCE_M,
            minutes: None,
            combine: Combine::And,
            decree_distance_m: DECREE_DISTANCE_M,
            max_share_beyond: LAW_MAX_SHARE_BEYOND,
            min_share_within_decree: DECREE_MIN_SHARE_DEPARTEMENT,
            min_national_share_within_decree: DECREE_MIN_SHARE_NATIONAL,
        }
    }
}

/// An accessibility analysis, built step by step and run once.
///
/// ```
/// use maillage::access::{Accessibility, Combine};
/// use maillage::population::PopulationModel;
/// let demo = maillage::demo::load("data/demo")?;
/// let model = PopulationModel::grid();
/// let report = Accessibility::new(&demo.network, &demo.communes, &model)
///     .distance_m(5000.0)
///     .minutes(20.0) // crow-flies estimate unless a road model is given
///     .combine(Combine::And)
///     .run()?;
/// for d in report.by_departement().iter().filter(|d| !d.law_compliant) {
///     println!("{}: {:.1} % beyond", d.code, 100.0 * d.totals.share_beyond());
/// }
/// println!("{}", report.compliance()); // the verdicts, worded
/// assert!(report.national().population > 0.0);
/// # Ok::<(), maillage::Error>(())
/// ```
pub struct Accessibility<'a> {
    network: &'a ServiceNetwork,
    communes: &'a [Territory],
    model: &'a PopulationModel,
    service: Service,
    thresholds: Thresholds,
    travel: Option<&'a dyn TravelTime>,
    fallback: CrowFlies,
    groups: Option<&'a [Territory]>,
}

impl<'a> Accessibility<'a> {
    /// Accessibility of `communes`' population, placed by `model`, to the
    /// points of `network` offering [`Service::Postal`], with the legal
    /// thresholds (5 km; 10 km for the decree).
    pub fn new(
        network: &'a ServiceNetwork,
        communes: &'a [Territory],
        model: &'a PopulationModel,
    ) -> Self {
        Accessibility {
            network,
            communes,
            model,
            service: Service::Postal,
            thresholds: Thresholds::default(),
            travel: None,
            fallback: CrowFlies::default(),
            groups: None,
        }
    }

    /// The service measured.
    pub fn service(mut self, service: Service) -> Self {
        self.service = service;
        self
    }

    /// The distance threshold in metres.
    pub fn distance_m(mut self, metres: f64) -> Self {
        self.thresholds.distance_m = metres;
        self
    }

    /// Measures travel time too, with this threshold in minutes.
    pub fn minutes(mut self, minutes: f64) -> Self {
        self.thresholds.minutes = Some(minutes);
        self
    }

    /// How distance and time combine.
    pub fn combine(mut self, combine: Combine) -> Self {
        self.thresholds.combine = combine;
        self
    }

    /// All thresholds at once.
    pub fn thresholds(mut self, thresholds: Thresholds) -> Self {
        self.thresholds = thresholds;
        self
    }

    /// The travel-time model (default: [`CrowFlies`]). Where it has no
    /// answer (outside the road extract), the crow-flies estimate is used and
    /// the population concerned is counted in
    /// [`AccessTotals::time_estimated`].
    pub fn travel_time(mut self, model: &'a dyn TravelTime) -> Self {
        self.travel = Some(model);
        self
    }

    /// The crow-flies parameters used when no road model answers.
    pub fn crow_flies(mut self, model: CrowFlies) -> Self {
        self.fallback = model;
        self
    }

    /// Also totals the population by these territories (QPV, FRR communes,
    /// intercommunalities...): each population unit counts for the territory
    /// containing it.
    pub fn also_by(mut self, territories: &'a [Territory]) -> Self {
        self.groups = Some(territories);
        self
    }

    fn validate(&self) -> Result<()> {
        let t = &self.thresholds;
        let ok = |v: f64| v.is_finite() && v >= 0.0;
        if !ok(t.distance_m) || !ok(t.decree_distance_m) || !t.minutes.is_none_or(ok) {
            return Err(Error::invalid(
                "accessibility thresholds",
                "distances and minutes must be finite and ≥ 0",
            ));
        }
        self.model.validate()?;
        self.model.check_budget(self.communes, None)
    }

    /// Runs the analysis, in parallel over communes.
    pub fn run(&self) -> Result<AccessReport<'a>> {
        self.validate()?;
        let index = self.groups.map(TerritoryIndex::new);
        let per_commune: Vec<(AccessTotals, Vec<(usize, AccessTotals)>)> = (0..self.communes.len())
            .into_par_iter()
            .map_init(Scratch::default, |scratch, i| {
                self.commune(i, scratch, index.as_ref())
            })
            .collect();
        let mut groups = self.groups.map(|g| vec![AccessTotals::default(); g.len()]);
        let mut communes = Vec::with_capacity(per_commune.len());
        for (totals, by_group) in per_commune {
            if let Some(g) = groups.as_mut() {
                for (k, t) in by_group {
                    if let Some(slot) = g.get_mut(k) {
                        slot.add(&t);
                    }
                }
            }
            communes.push(totals);
        }
        let travel_label = match (self.thresholds.minutes, self.travel) {
            (None, _) => None,
            (Some(_), Some(t)) => Some(format!(
                "{}; elsewhere {}",
                t.label(),
                self.fallback.label()
            )),
            (Some(_), None) => Some(self.fallback.label()),
        };
        Ok(AccessReport {
            communes: self.communes,
            per_commune: communes,
            groups: self.groups.zip(groups),
            service: self.service,
            thresholds: self.thresholds,
            model_label: self.model.label(),
            travel_label,
        })
    }

    fn commune(
        &self,
        i: usize,
        scratch: &mut Scratch,
        index: Option<&TerritoryIndex<'_>>,
    ) -> (AccessTotals, Vec<(usize, AccessTotals)>) {
        let mut totals = AccessTotals::default();
        let mut by_group: Vec<(usize, AccessTotals)> = Vec::new();
        let Some(commune) = self.communes.get(i) else {
            return (totals, by_group);
        };
        let Scratch {
            units,
            xys,
            distances,
        } = scratch;
        let t = &self.thresholds;
        if let PopulationModel::Grid { cell_m } = self.model
            && t.minutes.is_none()
            && index.is_none()
        {
            // Distance alone on the grid, no groups (the national run): the
            // cells' positions are measured and their populations come in
            // order from the split, without building the units. Only the
            // totals a distance can move are summed, in the same order as
            // the general loop below; the others would each add +0.0, which
            // leaves a sum that starts at +0.0 unchanged.
            let Some(shares) = crate::population::grid_positions(commune, *cell_m, xys) else {
                return (totals, by_group);
            };
            self.network
                .nearest_distances(commune.zone, self.service, xys, distances);
            for (p, &d) in shares.zip(distances.iter()) {
                totals.units += 1;
                totals.population += p;
                let no_point = !d.is_finite();
                if no_point || d > t.distance_m {
                    totals.beyond_distance += p;
                    totals.beyond += p;
                }
                if no_point || d > t.decree_distance_m {
                    totals.beyond_decree += p;
                }
                if no_point {
                    totals.no_point += p;
                }
            }
            return (totals, by_group);
        }
        self.model.units_of(self.communes, i, units);
        xys.clear();
        xys.extend(units.iter().map(|u| u.xy));
        self.network
            .nearest_distances(commune.zone, self.service, xys, distances);
        for (u, &d) in units.iter().zip(distances.iter()) {
            let nearest_m = d.is_finite().then_some(d);
            let mut unit = AccessTotals {
                population: u.population,
                units: 1,
                ..Default::default()
            };
            let beyond_d = nearest_m.is_none_or(|d| d > t.distance_m);
            if nearest_m.is_none() {
                unit.no_point = u.population;
            }
            if beyond_d {
                unit.beyond_distance = u.population;
            }
            if nearest_m.is_none_or(|d| d > t.decree_distance_m) {
                unit.beyond_decree = u.population;
            }
            let beyond = match t.minutes {
                None => beyond_d,
                Some(limit) => {
                    let query = TravelQuery {
                        zone: commune.zone,
                        origin: u.xy,
                        nearest_m,
                        commune: Some(commune),
                    };
                    let minutes = match self.travel.and_then(|m| m.travel(&query)) {
                        Some(answer) => {
                            if let Some(snap) = answer.snap_m {
                                unit.snap_person_m = snap * u.population;
                                unit.snapped = u.population;
                                unit.max_snap_m = snap;
                            }
                            Some(answer.minutes)
                        }
                        None => {
                            if self.travel.is_some() {
                                unit.time_estimated = u.population;
                            }
                            self.fallback.minutes(&query)
                        }
                    };
                    let beyond_t = minutes.is_none_or(|m| m > limit);
                    if beyond_t {
                        unit.beyond_minutes = u.population;
                    }
                    match t.combine {
                        Combine::And => beyond_d && beyond_t,
                        Combine::Or => beyond_d || beyond_t,
                    }
                }
            };
            if beyond {
                unit.beyond = u.population;
            }
            totals.add(&unit);
            if let Some(k) = index.and_then(|ix| ix.locate(commune.zone, u.xy)) {
                match by_group.iter_mut().find(|(g, _)| *g == k) {
                    Some((_, g)) => g.add(&unit),
                    None => by_group.push((k, unit)),
                }
            }
        }
        (totals, by_group)
    }
}
