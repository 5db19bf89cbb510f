//! Site planning: where the next sites of a service should go, how few are
//! needed to reach a target, and what closing a site costs.
//!
//! - **Maximal coverage** ([`Plan::add`]): choose `k` candidates that reach
//!   the most demand weight not already reached by the existing hosts of the
//!   service. The instance is first presolved (items seeing the same
//!   candidates merged, dominated candidates dropped: [`PresolveSizes`]);
//!   then solved by lazy greedy (CELF), which is within (1 − 1/e) of the
//!   optimum, improved by swaps (remove a site, add a candidate) and by an
//!   iterated local search (kick a cluster of sites to neighbouring
//!   candidates, swap again: [`kick_iterate`]) within a time budget
//!   ([`Plan::search_seconds`]). Every answer carries a
//!   certified **upper bound** on the optimum: the least of the greedy's
//!   data-dependent bound (the objective after `j` choices plus the `k − j`
//!   largest marginal gains then, minimised over the run) and a Lagrangian
//!   bound (relaxing the coverage constraints, by subgradient optimisation:
//!   the LP relaxation's bound), so the gap is certified ([`SolveInfo`]).
//!   With the `exact` feature, a MILP solver then closes the gap where it can
//!   ([`Plan::exact`]).
//! - **Partial cover** ([`Plan::target_share`]): the fewest sites, greedily,
//!   until a share of the demand weight is reached (per département, the
//!   law's 90 %: see [`comply`]).
//! - **Closures** ([`closure_impact`]): for every existing site, the demand
//!   only it reaches — what would fall beyond the threshold if it alone closed.
//!
//! Coverage sets are sparse and built from R-trees: a dense demand ×
//! candidate matrix is never formed (16 M grid cells × 17 k offices would
//! not fit in memory).
//!
//! ```
//! use maillage::plan::{Demand, Plan, Reach, Weight, candidates};
//! use maillage::{PointKind, Service};
//! let demo = maillage::demo::load("data/demo")?;
//! // Which 2 bureaux de poste should host mediation so that the most QPV have it within 500 m?
//! let demand = Demand::territories(&demo.qpv, &Reach::within(500.0), Weight::Count)?;
//! let sites = candidates::of_kinds(&demo.network, &[PointKind::BureauDePoste], Service::Mediation);
//! let plan = Plan::new(&demo.network, &demand, Service::Mediation).candidates(sites).add(2).run()?;
//! assert!(plan.objective() <= plan.upper_bound().unwrap_or(f64::INFINITY));
//! for s in plan.sites() {
//!     println!("{}. {} (+{} QPV)", s.rank, s.candidate.name, s.gain);
//! }
//! # Ok::<(), maillage::Error>(())
//! ```

mod bound;
pub mod candidates;
pub mod capacity;
pub(crate) mod demand;
#[cfg(feature = "exact")]
mod exact;
mod groups;
mod impact;
mod kick;
mod lp;
pub mod measure;
mod presolve;
pub(crate) mod report;
mod sets;
mod swap;
pub mod sweep;
pub mod weights;

pub use bound::{Lagrangian, SolveInfo, lagrangian};
pub use candidates::{Candidate, CandidateSpec};
pub use demand::{Demand, DemandPart, Reach, Weight};
pub use impact::{ClosureImpact, DepartementChange, closure_impact};
pub use kick::{Kicked, PATIENCE as KICK_PATIENCE, iterate as kick_iterate};
pub use lp::write_lp;
pub use measure::{
    Basis, Equity, Measured, MeasuredCompliance, MeasuredPlan, Part, comply_measured,
};
pub use presolve::{Instance, InstanceSize, PresolveSizes};
pub use report::{DepartementMeasure, DepartementPlan, PlanReport, PlannedSite, comply};
pub use swap::{Swapped, improve as swap_improve};

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::model::Service;
use crate::network::ServiceNetwork;
use groups::GroupedSets;
use sets::CoverSets;

/// What a plan aims at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Goal {
    /// Add this many sites, reaching the most demand weight.
    Add(usize),
    /// Add sites until this share (0–1] of the demand weight is reached.
    TargetShare(f64),
}

/// A planning analysis, built step by step and run once.
#[derive(Debug, Clone)]
pub struct Plan<'a> {
    network: &'a ServiceNetwork,
    demand: &'a Demand<'a>,
    service: Service,
    candidates: Vec<Candidate>,
    goal: Goal,
    exact_seconds: Option<f64>,
    search_seconds: f64,
    max_pairs: f64,
}

/// Default time budget of the swap search, the kicks and the Lagrangian
/// bound of a maximal-coverage plan, in seconds ([`Plan::search_seconds`]):
/// each stops sooner when it converges.
pub const DEFAULT_SEARCH_SECONDS: f64 = 6.0;

/// Most subgradient iterations of the Lagrangian bound.
pub const MAX_LAGRANGIAN_ITERATIONS: usize = 6000;

/// Most (item, candidate) pairs the coverage sets of a plan may hold:
/// 60 million, about 1.2 GB at the build's peak. A plan whose sets would
/// hold more is refused before they are built, with the figure and the
/// reach or number of candidates that would fit ([`Plan::max_pairs`]
/// changes it).
pub const MAX_COVER_PAIRS: f64 = 60e6;

/// A maximal-coverage plan merges its items as their candidate lists are
/// found, so it stores far fewer pairs than it meets: it may meet this
/// many times [`MAX_COVER_PAIRS`] (finding them takes time, not memory),
/// and its merged sets may hold [`MAX_COVER_PAIRS`].
pub const MERGED_PAIRS_FACTOR: f64 = 4.0;

/// Longest time limit the exact solver takes: 30 days, in seconds. A longer
/// (or infinite) limit is refused, as are a limit ≤ 0 and NaN.
pub const MAX_EXACT_SECONDS: f64 = 30.0 * 86_400.0;

/// A heap entry: a candidate's (possibly stale) marginal gain.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Entry {
    gain: f64,
    candidate: u32,
    /// How many sites had been chosen when `gain` was computed.
    round: u32,
}

impl Eq for Entry {}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        self.gain
            .total_cmp(&other.gain)
            .then_with(|| other.candidate.cmp(&self.candidate))
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<'a> Plan<'a> {
    /// A plan for `service` over `demand`: the existing hosts are the points
    /// of `network` offering the service. Set the candidates and the goal,
    /// then [`run`](Self::run).
    pub fn new(network: &'a ServiceNetwork, demand: &'a Demand<'a>, service: Service) -> Self {
        Plan {
            network,
            demand,
            service,
            candidates: Vec::new(),
            goal: Goal::Add(1),
            exact_seconds: None,
            search_seconds: DEFAULT_SEARCH_SECONDS,
            max_pairs: MAX_COVER_PAIRS,
        }
    }

    /// The candidates (see [`candidates`]).
    pub fn candidates(mut self, candidates: Vec<Candidate>) -> Self {
        self.candidates = candidates;
        self
    }

    /// Choose `k` sites ("add k sites": the planner's word, not `std::ops::Add`).
    #[allow(clippy::should_implement_trait)]
    pub fn add(mut self, k: usize) -> Self {
        self.goal = Goal::Add(k);
        self
    }

    /// Choose sites until `share` of the demand weight is reached.
    pub fn target_share(mut self, share: f64) -> Self {
        self.goal = Goal::TargetShare(share);
        self
    }

    /// After the greedy, solve the maximal-coverage problem exactly with a
    /// MILP solver within `seconds` (feature `exact`; maximal coverage
    /// only: with [`target_share`](Self::target_share) it is an error); the
    /// answer is kept when it is better, and marked optimal when proven so.
    /// When the solver stops without an answer (a short limit), the greedy
    /// answer and its bound stand, and
    /// [`PlanReport::exact_status`] says what the solver did. The limit
    /// must be in (0, [`MAX_EXACT_SECONDS`]].
    #[cfg(feature = "exact")]
    pub fn exact(mut self, seconds: f64) -> Self {
        self.exact_seconds = Some(seconds);
        self
    }

    /// The time budget of the swap search, the kicks and the Lagrangian
    /// bound of a maximal-coverage plan (default [`DEFAULT_SEARCH_SECONDS`]:
    /// half for the swaps and the first kicks, the rest for the bound, then
    /// kicks again until the end; each stops sooner when it converges, and
    /// the kicks when the answer reaches the bound). It must be in (0, [`MAX_EXACT_SECONDS`]].
    pub fn search_seconds(mut self, seconds: f64) -> Self {
        self.search_seconds = seconds;
        self
    }

    /// The most (item, candidate) pairs the coverage sets may hold
    /// (default [`MAX_COVER_PAIRS`]).
    pub fn max_pairs(mut self, pairs: f64) -> Self {
        self.max_pairs = pairs;
        self
    }

    fn validate(&self) -> Result<()> {
        if self.demand.is_empty() {
            return Err(Error::invalid("plan", "the demand is empty"));
        }
        if self.candidates.is_empty() {
            return Err(Error::invalid("plan", "there is no candidate site"));
        }
        match self.goal {
            Goal::Add(0) => Err(Error::invalid(
                "plan",
                "the number of sites to add must be at least 1",
            )),
            Goal::Add(k) if k > self.candidates.len() => Err(Error::invalid(
                "plan",
                format!(
                    "cannot add {k} sites: there are only {} candidates",
                    self.candidates.len()
                ),
            )),
            Goal::TargetShare(s) if !(s > 0.0 && s <= 1.0) => Err(Error::invalid(
                "plan",
                format!("the target share must be in (0, 1], got {s}"),
            )),
            _ => self.validate_exact(),
        }?;
        if self.demand.total_weight().is_nan() || self.demand.total_weight() <= 0.0 {
            return Err(Error::invalid(
                "plan",
                format!(
                    "every demand weight is 0 ({} of {} items have {}): there is nothing to reach; weigh the items by count (Weight::Count, `--weight count`), join a population table (`--population-table`), or plan over a population model (`--communes` with `--population`)",
                    self.demand.unweighted,
                    self.demand.len(),
                    self.demand.unweighted_why
                ),
            ));
        }
        Ok(())
    }

    fn validate_exact(&self) -> Result<()> {
        let s = self.search_seconds;
        if !(s > 0.0 && s <= MAX_EXACT_SECONDS) {
            return Err(Error::invalid(
                "plan",
                format!(
                    "the time budget of the swap search, the kicks and the bound (--search) must be a number of seconds in (0, {MAX_EXACT_SECONDS}] (30 days), got {s}"
                ),
            ));
        }
        let Some(t) = self.exact_seconds else {
            return Ok(());
        };
        if let Goal::TargetShare(_) = self.goal {
            return Err(Error::invalid(
                "plan",
                "the exact solver answers maximal coverage (add k sites), not a target share",
            ));
        }
        if !(t > 0.0 && t <= MAX_EXACT_SECONDS) {
            return Err(Error::invalid(
                "plan",
                format!(
                    "the time limit of the exact solver must be a number of seconds in (0, {MAX_EXACT_SECONDS}] (30 days), got {t}"
                ),
            ));
        }
        Ok(())
    }

    /// Refuses coverage sets larger than the budget, before they are built:
    /// `max_pairs` stored pairs, or (`merged`: a maximal-coverage plan,
    /// whose items are merged as their lists are found)
    /// [`MERGED_PAIRS_FACTOR`] times as many pairs met.
    fn check_budget(&self, merged: bool) -> Result<()> {
        let pairs = sets::estimate_pairs(self.network, self.demand, self.service, &self.candidates);
        let limit = if merged {
            MERGED_PAIRS_FACTOR * self.max_pairs
        } else {
            self.max_pairs
        };
        if pairs <= limit {
            return Ok(());
        }
        let ratio = limit / pairs;
        let reach = self.demand.reach_m.iter().copied().fold(0.0, f64::max);
        // The reach that fits: pairs do not scale simply with it (fewer
        // items are left to the candidates as the hosts' reach grows), so
        // bisect the scale of every item's reach on the estimate itself.
        let mut scaled = self.demand.clone();
        let (mut lo, mut hi) = (0.0, 1.0);
        for _ in 0..10 {
            let f = 0.5 * (lo + hi);
            scaled.reach_m = self.demand.reach_m.iter().map(|r| r * f).collect();
            let p = sets::estimate_pairs(self.network, &scaled, self.service, &self.candidates);
            if p <= limit {
                lo = f;
            } else {
                hi = f;
            }
        }
        let what = if merged {
            format!(
                "the coverage sets would meet about {:.0} million (item, candidate) pairs; the limit is {:.0} million ({MERGED_PAIRS_FACTOR} × {:.0} million: items reached by the same candidates are merged as they are found, but every pair is still found)",
                pairs / 1e6,
                limit / 1e6,
                self.max_pairs / 1e6,
            )
        } else {
            format!(
                "the coverage sets would hold about {:.0} million (item, candidate) pairs (≈ {:.1} GB); the limit is {:.0} million (≈ {:.1} GB)",
                pairs / 1e6,
                pairs * sets::BYTES_PER_PAIR / 1e9,
                limit / 1e6,
                limit * sets::BYTES_PER_PAIR / 1e9,
            )
        };
        Err(Error::invalid(
            "plan",
            format!(
                "{what}: use a reach of at most about {:.0} m (now {:.0} m), or at most about {} candidates (now {}: coarser grid cells, or fewer kinds)",
                (reach * lo / 10.0).floor() * 10.0,
                reach,
                (self.candidates.len() as f64 * ratio).floor(),
                self.candidates.len()
            ),
        ))
    }

    /// Refuses merged coverage sets larger than the budget.
    fn check_grouped_budget(&self, groups: &GroupedSets) -> Result<()> {
        let pairs = groups.instance().size().nonzeros as f64;
        if pairs <= self.max_pairs {
            return Ok(());
        }
        Err(Error::invalid(
            "plan",
            format!(
                "the coverage sets, items reached by the same candidates merged, hold {:.1} million (unit, candidate) pairs (of {:.1} million (item, candidate) pairs); the limit is {} million (≈ {:.1} GB): use a smaller reach, or fewer candidates",
                pairs / 1e6,
                groups.pairs as f64 / 1e6,
                self.max_pairs / 1e6,
                self.max_pairs * sets::BYTES_PER_PAIR / 1e9,
            ),
        ))
    }

    /// The maximal-coverage instance of this plan, before presolve: one
    /// unit per demand item (those an existing host reaches have no
    /// candidate), the candidates in order.
    pub fn instance(&self) -> Result<Instance> {
        self.validate()?;
        self.check_budget(false)?;
        let sets = CoverSets::build(self.network, self.demand, self.service, &self.candidates);
        Ok(presolve::from_cover_sets(&sets, self.demand))
    }

    /// The presolved maximal-coverage instance this plan solves (with
    /// [`Plan::add`]), and what the presolve did: the demand items merged
    /// as their candidate lists are found, dominated candidates dropped.
    /// Presolved candidate `c` is `self`'s candidate `instance.original[c]`.
    /// It equals [`Plan::instance`] presolved ([`Instance::presolve`]),
    /// built without holding every pair.
    pub fn presolved(&self) -> Result<(Instance, PresolveSizes)> {
        self.validate()?;
        let groups = self.groups()?;
        Ok(groups.presolve(self.demand))
    }

    /// The merged coverage sets of a maximal-coverage plan, within budget.
    fn groups(&self) -> Result<GroupedSets> {
        self.check_budget(true)?;
        let groups = GroupedSets::build(self.network, self.demand, self.service, &self.candidates);
        self.check_grouped_budget(&groups)?;
        Ok(groups)
    }

    /// Runs the plan.
    pub fn run(&self) -> Result<PlanReport> {
        self.validate()?;
        let start = Instant::now();
        let mut report = match self.goal {
            // Built merged: memory grows with the distinct candidate lists.
            Goal::Add(k) => self.maximal(&self.groups()?, k),
            Goal::TargetShare(_) => {
                self.check_budget(false)?;
                let sets =
                    CoverSets::build(self.network, self.demand, self.service, &self.candidates);
                self.greedy(&sets)
            }
        };
        let useful = report.sites.iter().filter(|s| s.gain > 0.0).count();
        if let Goal::Add(k) = self.goal
            && useful < k
        {
            report.warnings.push(format!(
                "only {useful} of the {k} sites asked for reach anything not already reached: the other {} add nothing (gain 0: any candidate would do as well)",
                k - useful
            ));
        }
        if self.demand.unweighted > 0 {
            report.warnings.push(format!(
                "{} of {} demand items have {} and weigh 0: they count for nothing in the objective and the shares",
                self.demand.unweighted,
                self.demand.len(),
                self.demand.unweighted_why
            ));
        }
        report.elapsed_s = start.elapsed().as_secs_f64();
        Ok(report)
    }

    fn greedy(&self, sets: &CoverSets) -> PlanReport {
        let demand = self.demand;
        let mut covered = sets.covered_by_hosts.clone();
        let base_weight: f64 = weight_of(demand, &covered);
        let base_items = covered.iter().filter(|c| **c).count();
        let total = demand.total_weight();
        let mut heap: BinaryHeap<Entry> = (0..self.candidates.len())
            .map(|c| Entry {
                gain: sets.gain(c, demand, &covered),
                candidate: u32::try_from(c).unwrap_or(u32::MAX),
                round: 0,
            })
            .collect();
        let (limit, target) = match self.goal {
            Goal::Add(k) => (k, f64::INFINITY),
            Goal::TargetShare(s) => (self.candidates.len(), s * total),
        };
        let mut objective = base_weight;
        let mut items = base_items;
        let mut chosen: Vec<PlannedSite> = Vec::new();
        let mut bound = f64::INFINITY;
        let checkpoint = (limit / 20).max(1);
        while chosen.len() < limit && objective < target {
            let round = u32::try_from(chosen.len()).unwrap_or(u32::MAX);
            if let Goal::Add(k) = self.goal
                && chosen.len().is_multiple_of(checkpoint)
            {
                let top = fresh_top_sum(&mut heap, k, round, |c| sets.gain(c, demand, &covered));
                bound = bound.min(objective + top);
            }
            let Some(top) = heap.pop() else { break };
            if top.round != round {
                let c = top.candidate as usize;
                heap.push(Entry {
                    gain: sets.gain(c, demand, &covered),
                    round,
                    ..top
                });
                continue;
            }
            if top.gain <= 0.0 && matches!(self.goal, Goal::TargetShare(_)) {
                break; // nothing left to reach: the target cannot be met
            }
            let c = top.candidate as usize;
            items += sets.cover(c, &mut covered);
            objective += top.gain;
            if let Some(candidate) = self.candidates.get(c) {
                chosen.push(PlannedSite {
                    rank: chosen.len() + 1,
                    candidate: candidate.clone(),
                    gain: top.gain,
                    covered: items,
                    objective,
                });
            }
        }
        let upper_bound = match self.goal {
            Goal::Add(k) => {
                let round = u32::try_from(chosen.len()).unwrap_or(u32::MAX);
                let top = fresh_top_sum(&mut heap, k, round, |c| sets.gain(c, demand, &covered));
                Some(bound.min(objective + top).max(objective))
            }
            Goal::TargetShare(_) => None,
        };
        PlanReport {
            service: self.service,
            demand: demand.label().to_owned(),
            goal: self.goal,
            sites: chosen,
            base_weight,
            base_items,
            total_weight: total,
            total_items: demand.len(),
            unweighted_items: demand.unweighted,
            candidates: self.candidates.len(),
            hosts: sets.hosts,
            optimal: upper_bound.is_some_and(|b| b - objective <= 1e-9 * b.max(1.0)),
            upper_bound,
            elapsed_s: 0.0,
            exact_status: None,
            solve: None,
            warnings: Vec::new(),
            covered,
            covered_by_hosts: sets.covered_by_hosts.clone(),
        }
    }
}

impl Plan<'_> {
    /// Maximal coverage on the presolved instance: greedy, swaps,
    /// Lagrangian bound, exact solver when asked; the answer mapped back to
    /// the candidates.
    fn maximal(&self, groups: &GroupedSets, k: usize) -> PlanReport {
        let mut info = SolveInfo::default();
        let clock = Instant::now();
        let (inst, sizes) = groups.presolve(self.demand);
        info.presolve = sizes;
        info.seconds[0] = clock.elapsed().as_secs_f64();
        let kk = k.min(inst.candidates());
        let clock = Instant::now();
        let (greedy, greedy_value, greedy_bound) = greedy_on(&inst, kk);
        info.seconds[1] = clock.elapsed().as_secs_f64();
        info.greedy_objective = greedy_value;
        info.greedy_bound = greedy_bound;
        let clock = Instant::now();
        let end = clock + Duration::from_secs_f64(self.search_seconds.min(MAX_EXACT_SECONDS));
        let half =
            clock + Duration::from_secs_f64(0.5 * self.search_seconds.min(MAX_EXACT_SECONDS));
        let swapped = swap::improve(&inst, &greedy, half);
        info.swaps = swapped.swaps;
        let (mut best, mut best_value) = if swapped.value > greedy_value {
            info.objective_method = "greedy + swap".into();
            (swapped.chosen, swapped.value)
        } else {
            info.objective_method = "greedy".into();
            (greedy, greedy_value)
        };
        info.seconds[2] = clock.elapsed().as_secs_f64();
        // Kicks until half the budget (or patience, or the greedy bound),
        // so that the Lagrangian steps from a good lower bound; more kicks
        // after it, until the bound or the end.
        kick_phase(
            &inst,
            (&mut best, &mut best_value),
            greedy_bound,
            half,
            &mut info,
        );
        let clock = Instant::now();
        let lag = bound::lagrangian(&inst, kk, &best, best_value, end, MAX_LAGRANGIAN_ITERATIONS);
        info.seconds[3] = clock.elapsed().as_secs_f64();
        if lag.best_value > best_value {
            let again = swap::improve(
                &inst,
                &lag.best,
                end.max(Instant::now() + Duration::from_millis(200)),
            );
            info.swaps += again.swaps;
            info.objective_method = "lagrangian + swap".into();
            (best, best_value) = (again.chosen, again.value);
        }
        info.lagrangian_bound = Some(lag.bound);
        info.lagrangian_iterations = lag.iterations;
        let mut bound = greedy_bound;
        info.bound_method = "greedy bound".into();
        if lag.bound < bound {
            bound = lag.bound;
            info.bound_method = format!("lagrangian, {} iterations", lag.iterations);
        }
        // Whole weights (counts, priorities, head counts) make every
        // objective a whole number: no answer beats the bound rounded down.
        let whole = whole_bound(&inst, bound);
        if whole < bound {
            bound = whole.max(best_value);
            info.bound_method.push_str(", rounded down (whole weights)");
        }
        kick_phase(&inst, (&mut best, &mut best_value), bound, end, &mut info);
        #[cfg_attr(not(feature = "exact"), allow(unused_mut))] // set by the exact solver
        let mut exact_status = None;
        #[cfg(feature = "exact")]
        if let Some(seconds) = self.exact_seconds {
            let clock = Instant::now();
            let kept = |better: bool| {
                if better {
                    "the solver's answer is better and replaces the earlier one"
                } else {
                    "the earlier answer is kept"
                }
            };
            exact_status = Some(match exact::solve(&inst, kk, seconds, &best) {
                Err(e) => format!(
                    "no answer within {seconds} s ({e}): the earlier answer and its bound are kept"
                ),
                Ok((picked, proven)) => {
                    let value = inst.value(&picked);
                    let better = value > best_value + 1e-9 * best_value.max(1.0);
                    if better {
                        (best, best_value) = (picked, value);
                        info.objective_method = "exact".into();
                    }
                    if proven {
                        bound = best_value;
                        info.bound_method = "exact (proven optimal)".into();
                        format!("optimal: proven within {seconds} s; {}", kept(better))
                    } else {
                        format!(
                            "time limit of {seconds} s reached, not proven optimal; {}",
                            kept(better)
                        )
                    }
                }
            });
            info.seconds[4] = clock.elapsed().as_secs_f64();
        }
        // The sites in greedy order of their gains within the answer, then
        // mapped back; sites that add nothing fill up to k.
        let ordered = greedy_order(&inst, &best);
        let mut picked: Vec<usize> = ordered
            .iter()
            .filter_map(|&c| inst.original.get(c).map(|&o| o as usize))
            .collect();
        if picked.len() < k {
            let mut taken = vec![false; self.candidates.len()];
            for &c in &picked {
                if let Some(t) = taken.get_mut(c) {
                    *t = true;
                }
            }
            let fill: Vec<usize> = (0..self.candidates.len())
                .filter(|&c| !taken.get(c).copied().unwrap_or(true))
                .take(k - picked.len())
                .collect();
            picked.extend(fill);
        }
        let mut report = self.report_of(groups, &picked);
        let objective = report.objective();
        let upper = (report.base_weight + bound).max(objective);
        report.upper_bound = Some(upper);
        report.optimal = upper - objective <= 1e-9 * upper.max(1.0);
        report.exact_status = exact_status;
        report.solve = Some(info);
        report
    }

    /// The report of the sites `picked` (original candidates), in order.
    fn report_of(&self, groups: &GroupedSets, picked: &[usize]) -> PlanReport {
        let demand = self.demand;
        let inst = groups.instance();
        let base_weight = weight_of(demand, &groups.covered_by_hosts);
        let base_items = groups.covered_by_hosts.iter().filter(|c| **c).count();
        let mut objective = base_weight;
        let mut items = base_items;
        let mut sites = Vec::with_capacity(picked.len());
        let mut reached = vec![false; inst.units()];
        for &c in picked {
            let mut gain = 0.0;
            for &u in inst.set(c) {
                let u = u as usize;
                if let Some(r) = reached.get_mut(u)
                    && !*r
                {
                    *r = true;
                    gain += inst.w(u);
                    items += groups.items_in(u);
                }
            }
            let gain = gain + 0.0; // an empty sum is -0.0: written "-0.0" otherwise
            objective += gain;
            if let Some(candidate) = self.candidates.get(c) {
                sites.push(PlannedSite {
                    rank: sites.len() + 1,
                    candidate: candidate.clone(),
                    gain,
                    covered: items,
                    objective,
                });
            }
        }
        let covered = groups.covered_items(&reached);
        PlanReport {
            service: self.service,
            demand: demand.label().to_owned(),
            goal: self.goal,
            sites,
            base_weight,
            base_items,
            total_weight: demand.total_weight(),
            total_items: demand.len(),
            unweighted_items: demand.unweighted,
            candidates: self.candidates.len(),
            hosts: groups.hosts,
            optimal: false,
            upper_bound: None,
            elapsed_s: 0.0,
            exact_status: None,
            solve: None,
            warnings: Vec::new(),
            covered,
            covered_by_hosts: groups.covered_by_hosts.clone(),
        }
    }
}

/// Lazy greedy (CELF) over a pool of candidates of a presolved instance:
/// each [`pick`](Self::pick) takes the candidate of the largest marginal
/// gain, refreshing stale gains only when they reach the top of the heap.
struct Celf<'a> {
    inst: &'a Instance,
    covered: Vec<bool>,
    heap: BinaryHeap<Entry>,
    picked: u32,
}

impl<'a> Celf<'a> {
    fn new(inst: &'a Instance, pool: impl Iterator<Item = usize>) -> Self {
        let covered = vec![false; inst.units()];
        let heap = pool
            .map(|c| Entry {
                gain: inst.gain(c, &covered),
                candidate: u32::try_from(c).unwrap_or(u32::MAX),
                round: 0,
            })
            .collect();
        Celf {
            inst,
            covered,
            heap,
            picked: 0,
        }
    }

    /// The next candidate and its marginal gain; `None` once the pool is
    /// spent.
    fn pick(&mut self) -> Option<(usize, f64)> {
        while let Some(top) = self.heap.pop() {
            let c = top.candidate as usize;
            if top.round != self.picked {
                self.heap.push(Entry {
                    gain: self.inst.gain(c, &self.covered),
                    round: self.picked,
                    ..top
                });
                continue;
            }
            self.inst.cover(c, &mut self.covered);
            self.picked = self.picked.saturating_add(1);
            return Some((c, top.gain));
        }
        None
    }

    /// The sum of the `k` largest current marginal gains.
    fn top_sum(&mut self, k: usize) -> f64 {
        let (inst, covered) = (self.inst, &self.covered);
        fresh_top_sum(&mut self.heap, k, self.picked, |c| inst.gain(c, covered))
    }
}

/// Kicks from the answer `best` (candidates, value) until `target` or
/// `deadline`, keeping the better answer; counts, time and method in `info`.
fn kick_phase(
    inst: &Instance,
    best: (&mut Vec<usize>, &mut f64),
    target: f64,
    deadline: Instant,
    info: &mut SolveInfo,
) {
    let clock = Instant::now();
    let kicked = kick::iterate(inst, best.0, *best.1, target, deadline);
    info.kicks += kicked.kicks;
    info.kick_improvements += kicked.improvements;
    info.swaps += kicked.swaps;
    if kicked.value > *best.1 {
        if !info.objective_method.ends_with(" + kicks") {
            info.objective_method.push_str(" + kicks");
        }
        (*best.0, *best.1) = (kicked.chosen, kicked.value);
    }
    info.seconds[5] += clock.elapsed().as_secs_f64();
}

/// `bound` rounded down when every weight of `inst` is a whole number (then
/// so is every objective), else `bound`.
fn whole_bound(inst: &Instance, bound: f64) -> f64 {
    if inst
        .weight
        .iter()
        .all(|w| w.fract() == 0.0 && w.abs() < 1e15)
    {
        (bound + 1e-6).floor().min(bound)
    } else {
        bound
    }
}

/// Lazy greedy (CELF) for `k` candidates of `inst`: the chosen, in order,
/// the weight they reach, and the greedy's bound on the optimum (the least
/// over checkpoints of the objective plus the `k` largest gains then).
pub fn greedy_on(inst: &Instance, k: usize) -> (Vec<usize>, f64, f64) {
    let mut celf = Celf::new(inst, 0..inst.candidates());
    let mut objective = 0.0;
    let mut chosen = Vec::with_capacity(k);
    let mut bound = f64::INFINITY;
    let checkpoint = (k / 20).max(1);
    while chosen.len() < k {
        if chosen.len().is_multiple_of(checkpoint) {
            bound = bound.min(objective + celf.top_sum(k));
        }
        let Some((c, gain)) = celf.pick() else { break };
        objective += gain;
        chosen.push(c);
    }
    let bound = bound.min(objective + celf.top_sum(k));
    let value = inst.value(&chosen);
    (chosen, value, bound.max(value))
}

/// The candidates `chosen` in greedy order of their marginal gains among
/// themselves (ties: the first candidate).
fn greedy_order(inst: &Instance, chosen: &[usize]) -> Vec<usize> {
    let mut celf = Celf::new(inst, chosen.iter().copied());
    std::iter::from_fn(|| celf.pick().map(|(c, _)| c)).collect()
}

/// The sum of the `k` largest current marginal gains, refreshing stale
/// heap entries lazily (a stale gain is an upper bound on the current one:
/// gains only fall as sites are chosen). For a monotone submodular
/// objective, `f(S) + this sum ≥ OPT` for any chosen set `S`
/// (Nemhauser–Wolsey–Fisher; Minoux's bound).
fn fresh_top_sum(
    heap: &mut BinaryHeap<Entry>,
    k: usize,
    round: u32,
    gain: impl Fn(usize) -> f64,
) -> f64 {
    let mut fresh = Vec::with_capacity(k);
    while fresh.len() < k {
        let Some(top) = heap.pop() else { break };
        if top.round == round {
            fresh.push(top);
        } else {
            heap.push(Entry {
                gain: gain(top.candidate as usize),
                round,
                ..top
            });
        }
    }
    let sum = fresh.iter().map(|e| e.gain).sum();
    heap.extend(fresh);
    sum
}

fn weight_of(demand: &Demand<'_>, covered: &[bool]) -> f64 {
    demand
        .weight
        .iter()
        .zip(covered)
        .filter(|(_, c)| **c)
        .fold(0.0, |acc, (w, _)| acc + w)
}
