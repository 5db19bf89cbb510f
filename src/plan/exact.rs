//! Exact maximal coverage with a MILP solver (feature `exact`): good_lp
//! with microlp, pure Rust. The model holds only what matters: candidates
//! that reach something and items some candidate reaches (the rest is
//! constant), with the greedy answer as the warm start.
//!
//! maximise Σ wᵢ xᵢ  subject to  Σ y_c = k,  xᵢ ≤ Σ_{c reaches i} y_c,
//! y binary, 0 ≤ x ≤ 1 (x is integral at the optimum).

use good_lp::solvers::{Solution, SolutionStatus, SolverModel, WithInitialSolution, WithTimeLimit};
use good_lp::{Expression, Variable, constraint, microlp, variable, variables};

use super::sets::CoverSets;
use super::{Candidate, Demand, PlanReport, PlannedSite};

/// Replaces the greedy answer of `report` by the solver's when it is better
/// (or proves it optimal), within `seconds` (checked by the plan: in
/// (0, [`MAX_EXACT_SECONDS`](super::MAX_EXACT_SECONDS)]). Whatever the
/// solver does, `report` keeps an answer: when it stops without one (the
/// limit ran out first) or fails, the greedy answer and its bound stand,
/// and `report.exact_status` says so.
pub(super) fn improve(
    sets: &CoverSets,
    demand: &Demand<'_>,
    k: usize,
    seconds: f64,
    candidates: &[Candidate],
    report: &mut PlanReport,
) {
    let n = demand.len();
    let useful: Vec<usize> = (0..sets.candidates())
        .filter(|&c| !sets.set(c).is_empty())
        .collect();
    let mut reachers: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (v, &c) in useful.iter().enumerate() {
        for &i in sets.set(c) {
            if let Some(r) = reachers.get_mut(i as usize) {
                r.push(v);
            }
        }
    }
    let mut vars = variables!();
    let y: Vec<Variable> = useful
        .iter()
        .map(|_| vars.add(variable().binary()))
        .collect();
    let items: Vec<usize> = (0..n)
        .filter(|&i| reachers.get(i).is_some_and(|r| !r.is_empty()))
        .collect();
    let x: Vec<Variable> = items
        .iter()
        .map(|_| vars.add(variable().min(0.0).max(1.0)))
        .collect();
    let objective: Expression = items
        .iter()
        .zip(&x)
        .map(|(&i, &xi)| demand.weight.get(i).copied().unwrap_or(0.0) * xi)
        .sum();
    let k_used = k.min(useful.len());
    let chosen: std::collections::HashSet<&str> = report
        .sites
        .iter()
        .map(|s| s.candidate.id.as_str())
        .collect();
    let warm: Vec<(Variable, f64)> = useful
        .iter()
        .zip(&y)
        .map(|(&c, &v)| {
            let on = candidates
                .get(c)
                .is_some_and(|cand| chosen.contains(cand.id.as_str()));
            (v, f64::from(u8::from(on)))
        })
        .collect();
    let mut model = vars
        .maximise(objective)
        .using(microlp)
        .with_time_limit(seconds)
        .with_initial_solution(warm);
    let all: Expression = y.iter().copied().sum();
    model.add_constraint(constraint!(all <= k_used as f64));
    for (&i, &xi) in items.iter().zip(&x) {
        let reach: Expression = reachers
            .get(i)
            .map(|r| r.iter().filter_map(|&v| y.get(v).copied()).sum())
            .unwrap_or_default();
        model.add_constraint(constraint!(xi <= reach));
    }
    let solution = match model.solve() {
        Ok(solution) => solution,
        Err(e) => {
            report.exact_status = Some(format!(
                "no answer within {seconds} s ({e}): the greedy answer and its bound are kept"
            ));
            return;
        }
    };
    let proven = matches!(solution.status(), SolutionStatus::Optimal);
    let picked: Vec<usize> = useful
        .iter()
        .zip(&y)
        .filter(|(_, v)| solution.value(**v) > 0.5)
        .map(|(&c, _)| c)
        .collect();
    let mut covered = sets.covered_by_hosts.clone();
    let mut objective = report.base_weight;
    let mut items_count = report.base_items;
    let mut sites = Vec::with_capacity(picked.len());
    // Listed in greedy order of their marginal gains within the optimal set.
    let mut left = picked;
    while !left.is_empty() {
        let (pos, gain) = left
            .iter()
            .enumerate()
            .map(|(p, &c)| (p, sets.gain(c, demand, &covered)))
            .fold((0, f64::NEG_INFINITY), |a, b| if b.1 > a.1 { b } else { a });
        let c = left.swap_remove(pos);
        items_count += sets.cover(c, &mut covered);
        objective += gain;
        if let Some(candidate) = candidates.get(c) {
            sites.push(PlannedSite {
                rank: sites.len() + 1,
                candidate: candidate.clone(),
                gain,
                covered: items_count,
                objective,
            });
        }
    }
    let better = objective > report.objective() + 1e-9;
    if better {
        report.sites = sites;
        report.covered = covered;
    }
    if proven {
        report.optimal = true;
        report.upper_bound = Some(report.objective());
    }
    let kept = if better {
        "the solver's answer is better and replaces the greedy one"
    } else {
        "the greedy answer is kept"
    };
    report.exact_status = Some(if proven {
        format!("optimal: proven within {seconds} s; {kept}")
    } else {
        format!("time limit of {seconds} s reached, not proven optimal; {kept}")
    });
}
