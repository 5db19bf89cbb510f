//! The result of a plan, and compliance plans per département.

use serde_json::{Value, json};

use super::{Candidate, Demand, Goal, Plan};
use crate::error::{Error, Result};
use crate::model::Service;
use crate::network::ServiceNetwork;

/// One chosen site.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedSite {
    /// 1 for the first chosen.
    pub rank: usize,
    /// The site.
    pub candidate: Candidate,
    /// Weight it added when chosen.
    pub gain: f64,
    /// Demand items reached so far, existing hosts' included.
    pub covered: usize,
    /// Weight reached so far, existing hosts' included.
    pub objective: f64,
}

/// What [`Plan::run`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanReport {
    /// The service planned.
    pub service: Service,
    /// What the demand was.
    pub demand: String,
    /// The goal.
    pub goal: Goal,
    /// The chosen sites, in the order chosen.
    pub sites: Vec<PlannedSite>,
    /// Weight the existing hosts already reach.
    pub base_weight: f64,
    /// Items the existing hosts already reach.
    pub base_items: usize,
    /// Total demand weight.
    pub total_weight: f64,
    /// Total demand items.
    pub total_items: usize,
    /// Items of unknown weight (counted as 0).
    pub unweighted_items: usize,
    /// Candidates considered.
    pub candidates: usize,
    /// Existing hosts of the service.
    pub hosts: usize,
    /// Upper bound on the best objective any choice of as many sites could
    /// reach (maximal coverage only).
    pub upper_bound: Option<f64>,
    /// True when the objective is proven optimal (it meets the bound, or an
    /// exact solver proved it).
    pub optimal: bool,
    /// Seconds the plan took (coverage sets and optimisation).
    pub elapsed_s: f64,
    /// What the exact solver did, when asked ([`Plan::exact`]): proven
    /// optimal, stopped at its time limit, or stopped without an answer
    /// (the greedy answer kept).
    pub exact_status: Option<String>,
    /// How a maximal-coverage plan's objective and bound were obtained,
    /// and what the presolve did (`None` for a target share).
    pub solve: Option<super::SolveInfo>,
    /// What the reader of the plan must know: chosen sites that add
    /// nothing (gain 0: nothing was left to reach), items weighing 0 for
    /// want of a population.
    pub warnings: Vec<String>,
    /// Which items are reached at the end.
    pub covered: Vec<bool>,
    /// Which items the existing hosts reach.
    pub(crate) covered_by_hosts: Vec<bool>,
}

impl PlanReport {
    /// Which demand items the existing hosts reach (before the plan).
    pub fn covered_before(&self) -> &[bool] {
        &self.covered_by_hosts
    }

    /// The chosen sites.
    pub fn sites(&self) -> &[PlannedSite] {
        &self.sites
    }

    /// Weight reached at the end, existing hosts' included.
    pub fn objective(&self) -> f64 {
        self.sites.last().map_or(self.base_weight, |s| s.objective)
    }

    /// The upper bound on the optimum (maximal coverage only).
    pub fn upper_bound(&self) -> Option<f64> {
        self.upper_bound
    }

    /// Relative gap between the bound and the objective (0 when optimal).
    pub fn gap(&self) -> Option<f64> {
        self.upper_bound.map(|b| {
            if b > 0.0 {
                (b - self.objective()) / b
            } else {
                0.0
            }
        })
    }

    /// Share of the demand weight reached at the end.
    pub fn share(&self) -> f64 {
        if self.total_weight > 0.0 {
            self.objective() / self.total_weight
        } else {
            0.0
        }
    }

    /// The plan as JSON: objective, bound, gap, optimality, time, counts.
    pub fn to_json(&self) -> Value {
        json!({
            "service": self.service.as_str(),
            "demand": self.demand,
            "goal": match self.goal {
                Goal::Add(k) => json!({"add": k}),
                Goal::TargetShare(s) => json!({"target_share": s}),
            },
            "sites": self.sites.len(),
            "objective": self.objective(),
            "base_objective": self.base_weight,
            "total_weight": self.total_weight,
            "share": self.share(),
            "covered_items": self.sites.last().map_or(self.base_items, |s| s.covered),
            "base_covered_items": self.base_items,
            "total_items": self.total_items,
            "unweighted_items": self.unweighted_items,
            "upper_bound": self.upper_bound,
            "gap": self.gap(),
            "optimal": self.optimal,
            "candidates": self.candidates,
            "existing_hosts": self.hosts,
            "seconds": self.elapsed_s,
            "exact_status": self.exact_status,
            "objective_method": self.solve.as_ref().map(|s| s.objective_method.clone()),
            "bound_method": self.solve.as_ref().map(|s| s.bound_method.clone()),
            "solve": self.solve.as_ref().map(super::SolveInfo::to_json),
            "warnings": self.warnings,
        })
    }
}

/// The compliance plan of one département.
#[derive(Debug, Clone, PartialEq)]
pub struct DepartementPlan {
    /// Département code.
    pub code: String,
    /// Share of its population beyond the reach before.
    pub share_beyond_before: f64,
    /// And after the sites are added.
    pub share_beyond_after: f64,
    /// True when the sites bring it back to compliance (false: the
    /// candidates cannot reach enough of its population).
    pub complies: bool,
    /// The plan (its sites are the fewest found, greedily).
    pub plan: PlanReport,
    /// What `access` measures, when the plan was measured
    /// ([`comply_measured`](super::comply_measured)); `complies` then
    /// follows the measured share after.
    pub measured: Option<DepartementMeasure>,
}

/// A département's share beyond reach as `access` measures it.
#[derive(Debug, Clone, PartialEq)]
pub struct DepartementMeasure {
    /// On the network alone.
    pub share_beyond_before: f64,
    /// On the network plus the sites of every compliance plan.
    pub share_beyond_after: f64,
    /// The département's population (its demand weight).
    pub total_weight: f64,
    /// The part within reach on the network alone.
    pub reached_before: f64,
    /// The part within reach with the sites of every compliance plan.
    pub reached_after: f64,
    /// How many plans were made for the département (more than 1 when the
    /// first one's measure missed the law and it aimed higher).
    pub rounds: usize,
}

/// For every département whose share of demand weight beyond reach
/// exceeds `max_share_beyond` (the law: 0.10), the fewest new sites found
/// (greedy partial cover) that bring it back to compliance. An empty list
/// means every département already complies.
pub fn comply(
    network: &ServiceNetwork,
    demand: &Demand<'_>,
    service: Service,
    candidates: &[Candidate],
    max_share_beyond: f64,
) -> Result<Vec<DepartementPlan>> {
    if !(0.0..1.0).contains(&max_share_beyond) {
        return Err(Error::invalid(
            "compliance",
            format!("the share allowed beyond must be in [0, 1), got {max_share_beyond}"),
        ));
    }
    let mut out = Vec::new();
    for (code, total, reached) in weights_before(network, demand, service) {
        if total <= 0.0 || (total - reached) / total <= max_share_beyond {
            continue;
        }
        let local = demand.only_departement(&code);
        let plan = Plan::new(network, &local, service)
            .candidates(candidates.to_vec())
            .target_share(1.0 - max_share_beyond)
            .run()?;
        out.push(DepartementPlan {
            code,
            share_beyond_before: (total - reached) / total,
            share_beyond_after: 1.0 - plan.share(),
            complies: 1.0 - plan.share() <= max_share_beyond + 1e-12,
            plan,
            measured: None,
        });
    }
    Ok(out)
}

/// Per département of `demand` (in its order): its code, its demand
/// weight and the weight the existing hosts of `service` reach, by the
/// plan's own count.
pub(crate) fn weights_before(
    network: &ServiceNetwork,
    demand: &Demand<'_>,
    service: Service,
) -> Vec<(String, f64, f64)> {
    let hosts = super::sets::CoverSets::build(network, demand, service, &[]);
    let mut out: Vec<(String, f64, f64)> = demand
        .departements
        .iter()
        .map(|c| (c.clone(), 0.0, 0.0))
        .collect();
    for (i, w) in demand.weight.iter().enumerate() {
        let Some(slot) = demand
            .departement
            .get(i)
            .and_then(|&d| out.get_mut(d as usize))
        else {
            continue;
        };
        slot.1 += w;
        if hosts.covered_by_hosts.get(i).copied().unwrap_or(false) {
            slot.2 += w;
        }
    }
    out
}
