//! Capacitated maximal coverage: each new site serves at most a capacity
//! of demand (a weight, or a number of demand items), and the demand within
//! its reach is assigned to the chosen sites without exceeding it.
//!
//! The assignment is **fractional**: a demand item's weight may be split
//! between several sites, and part of an item may stay unserved; the
//! objective counts the weight served (an item half served counts half).
//! The existing hosts are not capacitated: what they reach stays reached,
//! as in the uncapacitated plan.
//!
//! Each item `i` has a value `vᵢ` (its demand weight, priority included)
//! and a load `lᵢ` on a site's capacity: its weight before priority
//! ([`CapacityOf::Weight`]: `C` people) or 1 ([`CapacityOf::Items`]: `C`
//! territories or population units). The problem:
//!
//! maximise Σ vᵢ xᵢc  subject to  Σ_c y_c ≤ k,  Σ_c xᵢc ≤ 1,
//! Σᵢ lᵢ xᵢc ≤ C y_c,  xᵢc ≤ y_c,  y binary,  x ≥ 0 (c reaches i).
//!
//! [`capacitate`] answers it greedily (each round, the candidate whose best
//! fractional fill of its capacity adds the most), then repairs the
//! assignment (moving served load to chosen sites with spare capacity to
//! make room for unserved demand, and replacing served demand of lower
//! value per load by unserved demand of higher), and bounds the optimum by
//! min(the uncapacitated bound, the weight k sites of capacity C can serve
//! at most). With the `exact` feature and a time limit, a MILP solver
//! (microlp) solves the model above; its answer is kept when better, and
//! is optimal when proven.

use std::collections::BinaryHeap;
use std::fmt;
use std::str::FromStr;

use serde_json::{Value, json};

use super::sets::CoverSets;
use super::{Candidate, Demand, PlanReport, PlannedSite};
use crate::error::{Error, Result};
use crate::model::Service;
use crate::network::ServiceNetwork;

/// What a site's capacity counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum CapacityOf {
    /// The demand weight it serves, before priorities (people, with a
    /// population weight).
    Weight,
    /// The demand items it serves (territories, or population units).
    #[cfg_attr(feature = "cli", value(name = "territories"))]
    Items,
}

impl CapacityOf {
    /// Its name in `plan.json` and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            CapacityOf::Weight => "weight",
            CapacityOf::Items => "territories",
        }
    }
}

impl fmt::Display for CapacityOf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CapacityOf {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "weight" => Ok(CapacityOf::Weight),
            "territories" | "items" => Ok(CapacityOf::Items),
            _ => Err(Error::invalid(
                "capacity",
                format!("{s:?}: expected weight or territories"),
            )),
        }
    }
}

/// The capacity of every new site.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Capacity {
    /// At most this much (finite, > 0).
    pub max: f64,
    /// Of what.
    pub of: CapacityOf,
}

impl Capacity {
    /// Refuses a capacity that is not a finite number > 0.
    pub fn validate(&self) -> Result<()> {
        if self.max.is_finite() && self.max > 0.0 {
            Ok(())
        } else {
            Err(Error::invalid(
                "capacity",
                format!(
                    "the capacity of a site must be a finite number > 0, got {}",
                    self.max
                ),
            ))
        }
    }
}

/// What one chosen site serves.
#[derive(Debug, Clone, PartialEq)]
pub struct ServedSite {
    /// The site's id.
    pub id: String,
    /// Demand weight it serves (priorities included: its part of the objective).
    pub value: f64,
    /// Capacity it uses (≤ the capacity).
    pub load: f64,
    /// Items it serves, in full or in part.
    pub items: usize,
}

/// What [`capacitate`] found, besides the plan's report.
#[derive(Debug, Clone, PartialEq)]
pub struct CapacityReport {
    /// The capacity.
    pub capacity: Capacity,
    /// How the answer was found: `greedy+repair`, or `exact` (with
    /// whether it is proven optimal).
    pub method: String,
    /// Weight reached (existing hosts') and served (new sites'), fractional.
    pub objective: f64,
    /// Upper bound on the best objective of k capacitated sites.
    pub upper_bound: f64,
    /// True when proven optimal.
    pub optimal: bool,
    /// The uncapacitated plan's objective (same sites asked, same candidates).
    pub uncapacitated_objective: f64,
    /// The uncapacitated plan's upper bound.
    pub uncapacitated_bound: Option<f64>,
    /// The share served of each demand item (1 for the existing hosts').
    pub served: Vec<f64>,
    /// The chosen sites, in the plan's order.
    pub sites: Vec<ServedSite>,
}

impl CapacityReport {
    /// Relative gap between the bound and the objective.
    pub fn gap(&self) -> f64 {
        if self.upper_bound > 0.0 {
            ((self.upper_bound - self.objective) / self.upper_bound).max(0.0)
        } else {
            0.0
        }
    }

    /// Items served in part only (0 < share < 1).
    pub fn partial_items(&self) -> usize {
        self.served
            .iter()
            .filter(|&&s| s > 1e-9 && s < 1.0 - 1e-9)
            .count()
    }

    /// The `capacity` object of `plan.json`.
    pub fn to_json(&self) -> Value {
        json!({
            "capacity": self.capacity.max,
            "capacity_of": self.capacity.of.as_str(),
            "assignment": "fractional: an item's weight may be split between sites, and part of it left unserved; existing hosts are not capacitated",
            "method": self.method,
            "objective": self.objective,
            "upper_bound": self.upper_bound,
            "gap": self.gap(),
            "optimal": self.optimal,
            "uncapacitated_objective": self.uncapacitated_objective,
            "uncapacitated_upper_bound": self.uncapacitated_bound,
            "partially_served_items": self.partial_items(),
            "sites": self.sites.iter().map(|s| json!({
                "site_id": s.id,
                "served_weight": s.value,
                "load": s.load,
                "items": s.items,
            })).collect::<Vec<_>>(),
        })
    }

    /// The lines of the printed outcome.
    pub fn lines(&self) -> Vec<String> {
        vec![format!(
            "capacity {} {} per site ({}, fractional assignment): {:.1} reached, bound {:.1} (gap {:.2} %){}; uncapacitated {:.1}; {} item(s) served in part",
            self.capacity.max,
            self.capacity.of,
            self.method,
            self.objective,
            self.upper_bound,
            100.0 * self.gap(),
            if self.optimal { ", optimal" } else { "" },
            self.uncapacitated_objective,
            self.partial_items()
        )]
    }
}

/// The assignment of a set of sites: how much of each item each serves.
struct Assignment {
    /// Per chosen site (by position in `sites`): (item, share of the item) pairs.
    shares: Vec<Vec<(u32, f64)>>,
    /// Capacity used per chosen site.
    load: Vec<f64>,
    /// Unserved share of each item (0 for the hosts' items).
    left: Vec<f64>,
    sites: Vec<usize>,
}

/// The instance: values, loads, each candidate's items sorted by value per load.
struct Instance<'s> {
    sets: &'s CoverSets,
    value: Vec<f64>,
    load: Vec<f64>,
    /// Each candidate's items with a value, best value per load first.
    sorted: Vec<Vec<u32>>,
    cap: f64,
}

impl Instance<'_> {
    fn ratio(&self, i: usize) -> f64 {
        let l = self.load.get(i).copied().unwrap_or(0.0);
        if l > 0.0 {
            self.value.get(i).copied().unwrap_or(0.0) / l
        } else {
            0.0
        }
    }

    fn val(&self, i: usize) -> f64 {
        self.value.get(i).copied().unwrap_or(0.0)
    }

    fn ld(&self, i: usize) -> f64 {
        self.load.get(i).copied().unwrap_or(0.0)
    }

    /// What candidate `c` would add, filling its free capacity `room` with
    /// the unserved demand of best value per load.
    fn gain(&self, c: usize, left: &[f64], room: f64) -> f64 {
        let mut room = room;
        let mut gain = 0.0;
        for &i in self.sorted.get(c).map(Vec::as_slice).unwrap_or_default() {
            if room <= 0.0 {
                break;
            }
            let i = i as usize;
            let share = left.get(i).copied().unwrap_or(0.0);
            let l = self.ld(i);
            if share <= 0.0 || l <= 0.0 {
                continue;
            }
            let take = (share * l).min(room);
            room -= take;
            gain += take * self.ratio(i);
        }
        gain + 0.0
    }
}

impl Assignment {
    /// The share of its item that site `s` serves at its `p`-th entry.
    fn share_at(&self, s: usize, p: usize) -> f64 {
        self.shares
            .get(s)
            .and_then(|v| v.get(p))
            .map_or(0.0, |x| x.1)
    }

    /// Assigns to chosen site `s` (candidate `c`) the unserved demand of
    /// best value per load, within its free capacity.
    fn fill(&mut self, inst: &Instance<'_>, s: usize, c: usize) {
        let mut room = inst.cap - self.load.get(s).copied().unwrap_or(0.0);
        for &i in inst.sorted.get(c).map(Vec::as_slice).unwrap_or_default() {
            if room <= 1e-12 {
                break;
            }
            let iu = i as usize;
            let l = inst.ld(iu);
            let Some(left) = self.left.get_mut(iu) else {
                continue;
            };
            if *left <= 0.0 || l <= 0.0 {
                continue;
            }
            let share = left.min(room / l);
            *left -= share;
            room -= share * l;
            if let Some(v) = self.shares.get_mut(s) {
                v.push((i, share));
            }
            if let Some(x) = self.load.get_mut(s) {
                *x += share * l;
            }
        }
    }

    fn value(&self, inst: &Instance<'_>, s: usize) -> f64 {
        self.shares.get(s).map_or(0.0, |v| {
            v.iter()
                .map(|&(i, share)| share * inst.val(i as usize))
                .sum::<f64>()
        }) + 0.0
    }

    /// The repair: for each unserved share of an item, in order of value
    /// per load, make room at a chosen site reaching it (moving served load
    /// to another chosen site with spare capacity, or dropping served
    /// demand of lower value per load) and serve it. Each step keeps the
    /// objective or raises it; stops when a pass changes nothing, or after
    /// [`REPAIR_WORK`] steps (returns false then).
    fn repair(&mut self, inst: &Instance<'_>) -> bool {
        let mut work = 0u64;
        let n = self.left.len();
        // Which chosen sites reach each item.
        let mut reachers: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (s, &c) in self.sites.iter().enumerate() {
            for &i in inst.sets.set(c) {
                if let Some(r) = reachers.get_mut(i as usize) {
                    r.push(s);
                }
            }
        }
        let mut order: Vec<usize> = (0..n).filter(|&i| inst.val(i) > 0.0).collect();
        order.sort_by(|&a, &b| inst.ratio(b).total_cmp(&inst.ratio(a)));
        for _pass in 0..20 {
            let mut changed = false;
            for &i in &order {
                for &s in reachers.get(i).map(Vec::as_slice).unwrap_or_default() {
                    if self.left.get(i).copied().unwrap_or(0.0) <= 1e-12 {
                        break;
                    }
                    if work > REPAIR_WORK {
                        return false;
                    }
                    changed |= self.make_room_and_serve(inst, &reachers, s, i, &mut work);
                }
            }
            if !changed {
                break;
            }
        }
        true
    }

    /// Frees capacity at site `s` for item `i` and serves it; true when
    /// anything moved.
    fn make_room_and_serve(
        &mut self,
        inst: &Instance<'_>,
        reachers: &[Vec<usize>],
        s: usize,
        i: usize,
        work: &mut u64,
    ) -> bool {
        let li = inst.ld(i);
        if li <= 0.0 {
            return false;
        }
        let need = |a: &Assignment| a.left.get(i).copied().unwrap_or(0.0) * li;
        let room = |a: &Assignment, s: usize| inst.cap - a.load.get(s).copied().unwrap_or(0.0);
        let mut moved = false;
        // 1. Move load of other items from s to chosen sites with spare room.
        let held: Vec<(usize, u32, f64)> = self
            .shares
            .get(s)
            .map(|v| {
                v.iter()
                    .enumerate()
                    .map(|(p, &(j, sh))| (p, j, sh))
                    .collect()
            })
            .unwrap_or_default();
        *work += 1 + 2 * held.len() as u64;
        for (p, j, _) in held {
            let ju = j as usize;
            if ju == i {
                continue;
            }
            *work += reachers.get(ju).map_or(0, Vec::len) as u64;
            for &t in reachers.get(ju).map(Vec::as_slice).unwrap_or_default() {
                let want = need(self) - room(self, s).max(0.0);
                if want <= 1e-12 {
                    break;
                }
                if t == s || room(self, t) <= 1e-12 {
                    continue;
                }
                let lj = inst.ld(ju);
                let have = self.share_at(s, p);
                if lj <= 0.0 || have <= 0.0 {
                    continue;
                }
                let share = have.min(room(self, t) / lj).min(want / lj);
                if share <= 1e-15 {
                    continue;
                }
                if let Some(x) = self.shares.get_mut(s).and_then(|v| v.get_mut(p)) {
                    x.1 -= share;
                }
                if let Some(v) = self.shares.get_mut(t) {
                    v.push((j, share));
                }
                if let Some(x) = self.load.get_mut(s) {
                    *x -= share * lj;
                }
                if let Some(x) = self.load.get_mut(t) {
                    *x += share * lj;
                }
                moved = true;
            }
        }
        // 2. Drop served demand of lower value per load.
        let ri = inst.ratio(i);
        let mut held: Vec<(usize, u32)> = self
            .shares
            .get(s)
            .map(|v| v.iter().enumerate().map(|(p, &(j, _))| (p, j)).collect())
            .unwrap_or_default();
        held.sort_by(|a, b| {
            inst.ratio(a.1 as usize)
                .total_cmp(&inst.ratio(b.1 as usize))
        });
        for (p, j) in held {
            let ju = j as usize;
            let want = need(self) - room(self, s).max(0.0);
            if want <= 1e-12 {
                break;
            }
            if inst.ratio(ju) >= ri - 1e-12 || ju == i {
                break;
            }
            let lj = inst.ld(ju);
            let have = self.share_at(s, p);
            if lj <= 0.0 || have <= 0.0 {
                continue;
            }
            let share = have.min(want / lj);
            if let Some(x) = self.shares.get_mut(s).and_then(|v| v.get_mut(p)) {
                x.1 -= share;
            }
            if let Some(x) = self.left.get_mut(ju) {
                *x += share;
            }
            if let Some(x) = self.load.get_mut(s) {
                *x -= share * lj;
            }
            moved = true;
        }
        // 3. Serve i with the room made.
        let free = room(self, s);
        let share = self.left.get(i).copied().unwrap_or(0.0).min(free / li);
        if share > 1e-15 {
            if let Some(x) = self.left.get_mut(i) {
                *x -= share;
            }
            if let Some(v) = self.shares.get_mut(s) {
                v.push((u32::try_from(i).unwrap_or(u32::MAX), share));
            }
            if let Some(x) = self.load.get_mut(s) {
                *x += share * li;
            }
            moved = true;
        }
        if let Some(v) = self.shares.get_mut(s) {
            v.retain(|x| x.1 > 1e-15);
        }
        moved
    }
}

/// Most steps the repair takes (each a look at a served share or at the
/// sites reaching it): beyond, the repaired assignment so far is kept.
pub const REPAIR_WORK: u64 = 50_000_000;

/// Most (item, candidate) pairs the capacitated MILP takes: beyond, the
/// exact solver is not tried (the model would not solve in any useful
/// time), and the method says so.
pub const MAX_EXACT_PAIRS: usize = 200_000;

#[derive(Debug, Clone, Copy, PartialEq)]
struct Entry {
    gain: f64,
    candidate: usize,
    round: usize,
}

impl Eq for Entry {}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.gain
            .total_cmp(&other.gain)
            .then_with(|| other.candidate.cmp(&self.candidate))
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// The capacitated plan of `k` sites among `candidates` over `demand`:
/// the uncapacitated plan ([`Plan`](super::Plan)) first, for its bound,
/// then [`capacitate`].
pub fn plan(
    network: &ServiceNetwork,
    demand: &Demand<'_>,
    service: Service,
    candidates: &[Candidate],
    k: usize,
    capacity: Capacity,
    exact_seconds: Option<f64>,
) -> Result<(PlanReport, CapacityReport)> {
    capacity.validate()?;
    let mut report = super::Plan::new(network, demand, service)
        .candidates(candidates.to_vec())
        .add(k)
        .run()?;
    let c = capacitate(
        &mut report,
        network,
        demand,
        service,
        candidates,
        k,
        capacity,
        exact_seconds,
    )?;
    Ok((report, c))
}

/// Turns `report`, the uncapacitated plan of `k` sites among `candidates`
/// over `demand`, into the capacitated plan: its sites, objective, bound,
/// optimality and status replaced by those of the capacitated answer (see
/// the module), what each item and site is served in the returned report.
/// With `exact_seconds` (feature `exact`), the MILP solver is tried within
/// that limit.
#[allow(clippy::too_many_arguments)]
pub fn capacitate(
    report: &mut PlanReport,
    network: &ServiceNetwork,
    demand: &Demand<'_>,
    service: Service,
    candidates: &[Candidate],
    k: usize,
    capacity: Capacity,
    exact_seconds: Option<f64>,
) -> Result<CapacityReport> {
    capacity.validate()?;
    let start = std::time::Instant::now();
    let sets = CoverSets::build(network, demand, service, candidates);
    let n = demand.len();
    let value: Vec<f64> = (0..n)
        .map(|i| demand.weight.get(i).copied().unwrap_or(0.0))
        .collect();
    let load: Vec<f64> = (0..n)
        .map(|i| match capacity.of {
            CapacityOf::Weight => demand.base_weight(i),
            CapacityOf::Items => 1.0,
        })
        .collect();
    let mut inst = Instance {
        sets: &sets,
        value,
        load,
        sorted: Vec::with_capacity(candidates.len()),
        cap: capacity.max,
    };
    for c in 0..candidates.len() {
        let mut items: Vec<u32> = sets
            .set(c)
            .iter()
            .copied()
            .filter(|&i| inst.val(i as usize) > 0.0)
            .collect();
        items.sort_by(|&a, &b| {
            inst.ratio(b as usize)
                .total_cmp(&inst.ratio(a as usize))
                .then(a.cmp(&b))
        });
        inst.sorted.push(items);
    }
    let base = report.base_weight;
    let uncapacitated_objective = report.objective();
    let uncapacitated_bound = report.upper_bound();
    let mut a = greedy(&inst, &sets, k);
    let repaired = a.repair(&inst);
    let served_value = |a: &Assignment| (0..a.sites.len()).map(|s| a.value(&inst, s)).sum::<f64>();
    #[cfg_attr(not(feature = "exact"), allow(unused_mut))]
    let mut objective = base + served_value(&a);
    let bound = bound_of(&inst, k, base, uncapacitated_bound).max(objective);
    #[cfg_attr(not(feature = "exact"), allow(unused_mut))]
    let mut method = if repaired {
        "greedy+repair".to_owned()
    } else {
        format!("greedy+repair (the repair stopped after {REPAIR_WORK} steps)")
    };
    #[cfg_attr(not(feature = "exact"), allow(unused_mut))]
    let mut optimal = bound - objective <= 1e-9 * bound.max(1.0);
    #[cfg_attr(not(feature = "exact"), allow(unused_mut))]
    let mut upper_bound = bound;
    #[cfg(feature = "exact")]
    if let Some(seconds) = exact_seconds {
        let pairs: usize = inst.sorted.iter().map(Vec::len).sum();
        match if pairs > MAX_EXACT_PAIRS {
            Err(format!(
                "{pairs} (item, candidate) pairs, more than the {MAX_EXACT_PAIRS} the capacitated model takes"
            ))
        } else {
            exact(&inst, &sets, k, seconds, &a)
        } {
            Ok((b, proven)) => {
                let value = base + served_value(&b);
                if value > objective + 1e-9 {
                    a = b;
                    objective = value;
                }
                if proven {
                    optimal = true;
                    upper_bound = objective;
                    method = format!("exact (optimal, proven within {seconds} s)");
                } else {
                    method = format!(
                        "exact (time limit of {seconds} s reached, not proven optimal; the better of it and greedy+repair)"
                    );
                }
            }
            Err(e) => {
                method =
                    format!("{method}; the exact solver gave no answer within {seconds} s: {e}");
            }
        }
    }
    #[cfg(not(feature = "exact"))]
    if exact_seconds.is_some() {
        return Err(Error::invalid(
            "capacity",
            "the exact solver needs the `exact` feature",
        ));
    }
    let upper_bound = upper_bound.max(objective);
    // Served share of each item: the hosts' in full.
    let served: Vec<f64> = (0..n)
        .map(|i| {
            if sets.covered_by_hosts.get(i).copied().unwrap_or(false) {
                1.0
            } else {
                (1.0 - a.left.get(i).copied().unwrap_or(1.0)).clamp(0.0, 1.0)
            }
        })
        .collect();
    // The sites, best served first, as the plan's sites.
    let mut order: Vec<usize> = (0..a.sites.len()).collect();
    order.sort_by(|&x, &y| a.value(&inst, y).total_cmp(&a.value(&inst, x)));
    let mut covered = sets.covered_by_hosts.clone();
    let mut items = report.base_items;
    let mut running = base;
    let mut sites = Vec::new();
    let mut served_sites = Vec::new();
    for s in order {
        let Some(&c) = a.sites.get(s) else { continue };
        let Some(candidate) = candidates.get(c) else {
            continue;
        };
        let shares = a.shares.get(s).map(Vec::as_slice).unwrap_or_default();
        for &(i, share) in shares {
            if share > 1e-12
                && let Some(slot) = covered.get_mut(i as usize)
                && !*slot
            {
                *slot = true;
                items += 1;
            }
        }
        let gain = a.value(&inst, s);
        running += gain;
        sites.push(PlannedSite {
            rank: sites.len() + 1,
            candidate: candidate.clone(),
            gain,
            covered: items,
            objective: running,
        });
        served_sites.push(ServedSite {
            id: candidate.id.clone(),
            value: gain,
            load: a.load.get(s).copied().unwrap_or(0.0),
            items: shares
                .iter()
                .filter(|x| x.1 > 1e-12)
                .map(|x| x.0)
                .collect::<std::collections::HashSet<u32>>()
                .len(),
        });
    }
    let idle = sites.iter().filter(|s| s.gain <= 0.0).count();
    report.warnings.retain(|w| !w.starts_with("only "));
    if idle > 0 {
        report.warnings.push(format!(
            "{idle} of the {k} sites serve nothing within their capacity (gain 0: any candidate would do as well)"
        ));
    }
    report.sites = sites;
    report.covered = covered;
    report.upper_bound = Some(upper_bound);
    report.optimal = optimal;
    if exact_seconds.is_some() {
        report.exact_status = Some(format!("capacitated: {method}"));
    }
    report.elapsed_s += start.elapsed().as_secs_f64();
    Ok(CapacityReport {
        capacity,
        method,
        objective,
        upper_bound,
        optimal,
        uncapacitated_objective,
        uncapacitated_bound,
        served,
        sites: served_sites,
    })
}

/// The lazy greedy: each round, the candidate whose fill of its capacity
/// adds the most (gains only fall as demand is served).
fn greedy(inst: &Instance<'_>, sets: &CoverSets, k: usize) -> Assignment {
    let n = inst.value.len();
    let left: Vec<f64> = (0..n)
        .map(|i| {
            if sets.covered_by_hosts.get(i).copied().unwrap_or(true) {
                0.0
            } else {
                1.0
            }
        })
        .collect();
    let mut a = Assignment {
        shares: Vec::new(),
        load: Vec::new(),
        left,
        sites: Vec::new(),
    };
    let mut heap: BinaryHeap<Entry> = (0..inst.sorted.len())
        .map(|c| Entry {
            gain: inst.gain(c, &a.left, inst.cap),
            candidate: c,
            round: 0,
        })
        .collect();
    while a.sites.len() < k {
        let Some(top) = heap.pop() else { break };
        let round = a.sites.len();
        if top.round != round {
            heap.push(Entry {
                gain: inst.gain(top.candidate, &a.left, inst.cap),
                round,
                ..top
            });
            continue;
        }
        a.sites.push(top.candidate);
        a.shares.push(Vec::new());
        a.load.push(0.0);
        a.fill(inst, round, top.candidate);
    }
    a
}

/// min(the uncapacitated bound, what k sites of capacity C can serve at
/// most): k·C times the best value per load (weight capacity), or the k·C
/// most valuable items (item capacity), among the items some candidate
/// reaches; plus what the hosts reach.
fn bound_of(inst: &Instance<'_>, k: usize, base: f64, uncapacitated: Option<f64>) -> f64 {
    let n = inst.value.len();
    let mut reachable = vec![false; n];
    for list in &inst.sorted {
        for &i in list {
            if let Some(r) = reachable.get_mut(i as usize) {
                *r = true;
            }
        }
    }
    // The best fill of k·C capacity by the reachable items, fractional:
    // the fractional knapsack of every reachable item (each at most once).
    let mut items: Vec<usize> = (0..n)
        .filter(|&i| reachable.get(i).copied().unwrap_or(false))
        .collect();
    items.sort_by(|&a, &b| inst.ratio(b).total_cmp(&inst.ratio(a)));
    let mut room = k as f64 * inst.cap;
    let mut fill = 0.0;
    for i in items {
        if room <= 0.0 {
            break;
        }
        let take = inst.ld(i).min(room);
        room -= take;
        fill += take * inst.ratio(i);
    }
    let by_capacity = base + fill;
    uncapacitated.map_or(by_capacity, |u| u.min(by_capacity))
}

/// The MILP of the module, warm-started with the greedy sites. Returns
/// the solver's assignment and whether it is proven optimal.
#[cfg(feature = "exact")]
fn exact(
    inst: &Instance<'_>,
    sets: &CoverSets,
    k: usize,
    seconds: f64,
    greedy: &Assignment,
) -> std::result::Result<(Assignment, bool), String> {
    use good_lp::solvers::{
        Solution, SolutionStatus, SolverModel, WithInitialSolution, WithTimeLimit,
    };
    use good_lp::{Expression, Variable, constraint, microlp, variable, variables};

    let useful: Vec<usize> = (0..inst.sorted.len())
        .filter(|&c| inst.sorted.get(c).is_some_and(|v| !v.is_empty()))
        .collect();
    let n = inst.value.len();
    let mut vars = variables!();
    let y: Vec<Variable> = useful
        .iter()
        .map(|_| vars.add(variable().binary()))
        .collect();
    // x per (useful candidate position, item).
    let mut x: Vec<(usize, u32, Variable)> = Vec::new();
    for (v, &c) in useful.iter().enumerate() {
        for &i in inst.sorted.get(c).map(Vec::as_slice).unwrap_or_default() {
            x.push((v, i, vars.add(variable().min(0.0).max(1.0))));
        }
    }
    let objective: Expression = x.iter().map(|&(_, i, xv)| inst.val(i as usize) * xv).sum();
    let chosen: std::collections::HashSet<usize> = greedy.sites.iter().copied().collect();
    let warm: Vec<(Variable, f64)> = useful
        .iter()
        .zip(&y)
        .map(|(c, &v)| (v, f64::from(u8::from(chosen.contains(c)))))
        .collect();
    let mut model = vars
        .maximise(objective)
        .using(microlp)
        .with_time_limit(seconds)
        .with_initial_solution(warm);
    let all: Expression = y.iter().copied().sum();
    model.add_constraint(constraint!(all <= k.min(useful.len()) as f64));
    let mut per_item: Vec<Vec<Variable>> = vec![Vec::new(); n];
    let mut per_site: Vec<Expression> = vec![Expression::default(); useful.len()];
    for &(v, i, xv) in &x {
        if let Some(list) = per_item.get_mut(i as usize) {
            list.push(xv);
        }
        if let Some(e) = per_site.get_mut(v) {
            *e += inst.ld(i as usize) * xv;
        }
        if let Some(&yv) = y.get(v) {
            model.add_constraint(constraint!(xv <= yv));
        }
    }
    for list in per_item.into_iter().filter(|l| l.len() > 1) {
        let sum: Expression = list.into_iter().sum();
        model.add_constraint(constraint!(sum <= 1.0));
    }
    for (e, &yv) in per_site.into_iter().zip(&y) {
        model.add_constraint(constraint!(e <= inst.cap * yv));
    }
    let solution = model.solve().map_err(|e| e.to_string())?;
    let proven = matches!(solution.status(), SolutionStatus::Optimal);
    let mut left: Vec<f64> = (0..n)
        .map(|i| {
            if sets.covered_by_hosts.get(i).copied().unwrap_or(true) {
                0.0
            } else {
                1.0
            }
        })
        .collect();
    let mut position = vec![usize::MAX; useful.len()];
    let mut a = Assignment {
        shares: Vec::new(),
        load: Vec::new(),
        left: Vec::new(),
        sites: Vec::new(),
    };
    for (v, (&c, yv)) in useful.iter().zip(&y).enumerate() {
        if solution.value(*yv) > 0.5 {
            if let Some(p) = position.get_mut(v) {
                *p = a.sites.len();
            }
            a.sites.push(c);
            a.shares.push(Vec::new());
            a.load.push(0.0);
        }
    }
    for &(v, i, xv) in &x {
        let share = solution.value(xv).clamp(0.0, 1.0);
        let Some(&s) = position.get(v) else { continue };
        if share <= 1e-9 || s == usize::MAX {
            continue;
        }
        let iu = i as usize;
        // Guard the solver's tolerances: never more than the item's
        // unserved share, never beyond the site's capacity.
        let room = inst.cap - a.load.get(s).copied().unwrap_or(0.0);
        let l = inst.ld(iu);
        let share = share
            .min(left.get(iu).copied().unwrap_or(0.0))
            .min(if l > 0.0 { room.max(0.0) / l } else { 0.0 });
        if share <= 1e-12 {
            continue;
        }
        if let Some(x) = left.get_mut(iu) {
            *x -= share;
        }
        if let Some(list) = a.shares.get_mut(s) {
            list.push((i, share));
        }
        if let Some(x) = a.load.get_mut(s) {
            *x += share * l;
        }
    }
    a.left = left;
    // Fewer than k sites picked: nothing more to serve; keep k as asked
    // only when the solver used them.
    Ok((a, proven))
}
