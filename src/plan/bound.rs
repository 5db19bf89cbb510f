//! A Lagrangian upper bound on maximal coverage, by subgradient
//! optimisation, and how a plan's objective and bound were obtained.
//!
//! The problem, on a (presolved) instance of units `i` of weight `wᵢ` and
//! candidates `j` of sets `Sⱼ`:
//!
//! ```text
//! max Σᵢ wᵢ yᵢ   s.t.  yᵢ ≤ Σ_{j ∋ i} xⱼ,  Σⱼ xⱼ = k,  x ∈ {0,1},  y ∈ [0,1].
//! ```
//!
//! Relaxing the coverage constraints with multipliers `λᵢ ≥ 0`:
//!
//! ```text
//! L(λ) = max Σᵢ (wᵢ − λᵢ) yᵢ + Σⱼ xⱼ Σ_{i∈Sⱼ} λᵢ
//!      = Σᵢ max(0, wᵢ − λᵢ) + (sum of the k largest cⱼ(λ) = Σ_{i∈Sⱼ} λᵢ),
//! ```
//!
//! an upper bound on the optimum for every `λ ≥ 0` (only `λᵢ ∈ [0, wᵢ]`
//! matters). Its minimum equals the LP relaxation's bound (the relaxed
//! problem has integral solutions). `L` is minimised by projected
//! subgradient steps, `gᵢ = #{chosen j ∋ i} − yᵢ`, with Polyak's step
//! `θ (L(λ) − LB) / ‖d‖²`, `LB` the best known objective, along the
//! deflected direction `d = g + 0.8 d₋₁`; `θ` halves when `L` has not
//! improved for a while. Every iteration's `k` candidates are
//! also an answer, kept when they beat the best known.

use std::time::Instant;

use rayon::prelude::*;
use serde_json::{Value, json};

use super::presolve::{Instance, PresolveSizes};

/// The result of the subgradient optimisation.
#[derive(Debug, Clone, PartialEq)]
pub struct Lagrangian {
    /// The least `L(λ)` found: an upper bound on the instance's optimum.
    pub bound: f64,
    /// Iterations run.
    pub iterations: usize,
    /// The best answer met along the way (candidates of the instance).
    pub best: Vec<usize>,
    /// Its value.
    pub best_value: f64,
}

/// Relative gap at which the optimisation stops.
const TOLERANCE: f64 = 1e-4;

/// Iterations without improvement of `L` before `θ` halves (tuned on the
/// national 200 m grid × the bureaux de poste: 8 stalls at a 3 % gap, 60
/// reaches 1.3 % in the same time).
const PATIENCE: usize = 60;

/// Weight of the previous direction in the next (deflected subgradient).
const DEFLECTION: f64 = 0.8;

/// Minimises `L(λ)` for choosing `k` candidates of `inst`, starting from the
/// answer `start` (of value `lower`), until the gap to the best known answer
/// is below 0.01 %, `max_iterations` are run, or `deadline` passes.
pub fn lagrangian(
    inst: &Instance,
    k: usize,
    start: &[usize],
    lower: f64,
    deadline: Instant,
    max_iterations: usize,
) -> Lagrangian {
    let n = inst.units();
    let m = inst.candidates();
    let total: f64 = inst.weight.iter().sum::<f64>() + 0.0;
    if k >= m {
        // Every candidate fits: the optimum reaches every unit.
        let all: Vec<usize> = (0..m).collect();
        return Lagrangian {
            bound: total,
            iterations: 0,
            best_value: inst.value(&all),
            best: all,
        };
    }
    // Start: units the start answer leaves out cost their weight, units it
    // reaches twice or more cost nothing, units it reaches once half.
    let mut count = vec![0u32; n];
    for &c in start {
        for &u in inst.set(c) {
            if let Some(x) = count.get_mut(u as usize) {
                *x += 1;
            }
        }
    }
    let mut lambda: Vec<f64> = count
        .iter()
        .zip(&inst.weight)
        .map(|(&c, &w)| match c {
            0 => w,
            1 => 0.5 * w,
            _ => 0.0,
        })
        .collect();
    let mut best_bound = f64::INFINITY;
    let mut best = start.to_vec();
    let mut lower = lower;
    let mut theta = 1.0;

    let mut since = 0;
    let mut iterations = 0;
    let mut order: Vec<usize> = (0..m).collect();
    let mut direction = vec![0.0f64; n];
    while iterations < max_iterations && Instant::now() < deadline {
        iterations += 1;
        let cost: Vec<f64> = (0..m)
            .into_par_iter()
            .map(|j| {
                inst.set(j)
                    .iter()
                    .map(|&u| lambda.get(u as usize).copied().unwrap_or(0.0))
                    .sum::<f64>()
            })
            .collect();
        let by_cost = |a: &usize, b: &usize| {
            let ca = cost.get(*a).copied().unwrap_or(0.0);
            let cb = cost.get(*b).copied().unwrap_or(0.0);
            cb.total_cmp(&ca).then(a.cmp(b))
        };
        order.select_nth_unstable_by(k - 1, by_cost);
        let top = order.get(..k).unwrap_or_default();
        let top_sum: f64 = top
            .iter()
            .map(|&j| cost.get(j).copied().unwrap_or(0.0))
            .sum();
        let free: f64 = inst
            .weight
            .par_iter()
            .zip(lambda.par_iter())
            .map(|(&w, &l)| (w - l).max(0.0))
            .sum();
        let value = free + top_sum;
        if value < best_bound {
            if value < best_bound * (1.0 - 1e-6) {
                since = 0;
            } else {
                since += 1;
            }
            best_bound = value;
        } else {
            since += 1;
        }
        count.iter_mut().for_each(|c| *c = 0);
        for &j in top {
            for &u in inst.set(j) {
                if let Some(x) = count.get_mut(u as usize) {
                    *x += 1;
                }
            }
        }
        let reached: f64 = count
            .par_iter()
            .zip(inst.weight.par_iter())
            .filter(|(c, _)| **c > 0)
            .map(|(_, w)| *w)
            .sum();
        if reached > lower {
            lower = reached;
            best = top.to_vec();
        }
        if best_bound - lower <= TOLERANCE * best_bound {
            break;
        }
        if since >= PATIENCE {
            theta *= 0.5;
            since = 0;
            if theta < 1e-5 {
                break;
            }
        }
        // Projected subgradient: no step out of [0, w].
        let grad = |u: usize| -> f64 {
            let c = f64::from(count.get(u).copied().unwrap_or(0));
            let w = inst.w(u);
            let l = lambda.get(u).copied().unwrap_or(0.0);
            let y = if w > l { 1.0 } else { 0.0 };
            let g = c - y;
            if (l <= 0.0 && g > 0.0) || (l >= w && g < 0.0) {
                0.0
            } else {
                g
            }
        };
        let g: Vec<f64> = (0..n).into_par_iter().map(grad).collect();
        if g.iter().all(|x| *x == 0.0) {
            break; // a zero subgradient: λ is optimal
        }
        // Deflected direction (Camerini, Fratta, Maffioli): less zigzag.
        direction = g
            .par_iter()
            .zip(direction.par_iter())
            .map(|(&gi, &di)| gi + DEFLECTION * di)
            .collect();
        let norm: f64 = direction.par_iter().map(|d| d * d).sum();
        if norm <= 0.0 {
            break;
        }
        let step = theta * (value - lower).max(TOLERANCE * value) / norm;
        let next: Vec<f64> = (0..n)
            .into_par_iter()
            .map(|u| {
                let l = lambda.get(u).copied().unwrap_or(0.0);
                let d = direction.get(u).copied().unwrap_or(0.0);
                (l - step * d).clamp(0.0, inst.w(u))
            })
            .collect();
        lambda = next;
    }
    let best_value = inst.value(&best);
    Lagrangian {
        bound: best_bound.max(best_value),
        iterations,
        best,
        best_value,
    }
}

/// How a maximal-coverage plan's objective and bound were obtained.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SolveInfo {
    /// What the presolve did.
    pub presolve: PresolveSizes,
    /// Where the answer comes from: `greedy`, `greedy + swap`,
    /// `lagrangian + swap`, any of these `+ kicks`, `exact`.
    pub objective_method: String,
    /// Where the bound comes from: `greedy bound`, `lagrangian, N
    /// iterations`, `exact (proven optimal)`.
    pub bound_method: String,
    /// The greedy's own bound (the objective after `j` choices plus the
    /// `k − j` largest gains then, minimised over the run).
    pub greedy_bound: f64,
    /// The Lagrangian bound, when computed.
    pub lagrangian_bound: Option<f64>,
    /// Subgradient iterations run.
    pub lagrangian_iterations: usize,
    /// The greedy's objective.
    pub greedy_objective: f64,
    /// Swaps the local search applied (the kicks' descents included).
    pub swaps: usize,
    /// Kicks of the iterated local search ([`super::kick_iterate`]).
    pub kicks: usize,
    /// Kicks that found a better answer.
    pub kick_improvements: usize,
    /// Seconds: presolve, greedy, swap, Lagrangian, exact, kicks.
    pub seconds: [f64; 6],
}

impl SolveInfo {
    /// As JSON (`plan.json` `solve`).
    pub fn to_json(&self) -> Value {
        json!({
            "presolve": self.presolve.to_json(),
            "objective_method": self.objective_method,
            "bound_method": self.bound_method,
            "greedy_objective": self.greedy_objective,
            "greedy_bound": self.greedy_bound,
            "lagrangian_bound": self.lagrangian_bound,
            "lagrangian_iterations": self.lagrangian_iterations,
            "swaps": self.swaps,
            "kicks": self.kicks,
            "kick_improvements": self.kick_improvements,
            "seconds": {
                "presolve": self.seconds[0],
                "greedy": self.seconds[1],
                "swap": self.seconds[2],
                "lagrangian": self.seconds[3],
                "exact": self.seconds[4],
                "kicks": self.seconds[5],
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn bound_of_a_small_instance() {
        // Units of weight 1: candidates {0,1}, {1,2}, {2,3}; k = 2. The
        // optimum is 4 ({0,1} and {2,3}), and the LP bound too.
        let inst = Instance::from_sets(vec![1.0; 4], &[vec![0, 1], vec![1, 2], vec![2, 3]]);
        let deadline = Instant::now() + Duration::from_secs(5);
        let l = lagrangian(&inst, 2, &[1, 0], 3.0, deadline, 1000);
        assert!(l.bound >= 4.0 - 1e-9, "{l:?}");
        assert!(l.bound <= 4.0 * (1.0 + 2.0 * TOLERANCE), "{l:?}");
        assert_eq!(l.best_value, 4.0);
    }
}
