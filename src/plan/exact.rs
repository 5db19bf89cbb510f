//! Exact maximal coverage with a MILP solver (feature `exact`): good_lp
//! with microlp, pure Rust, on the presolved instance (merged units,
//! dominated candidates dropped), with the best known answer as the warm
//! start.
//!
//! maximise Σ wᵢ xᵢ  subject to  Σ y_c ≤ k,  xᵢ ≤ Σ_{c reaches i} y_c,
//! y binary, 0 ≤ x ≤ 1 (x is integral at the optimum).

use good_lp::solvers::{Solution, SolutionStatus, SolverModel, WithInitialSolution, WithTimeLimit};
use good_lp::{Expression, Variable, constraint, microlp, variable, variables};

use super::presolve::Instance;

/// What the solver found: its answer (candidates of the instance) and
/// whether it is proven optimal; or why there is none.
pub(super) type Solved = std::result::Result<(Vec<usize>, bool), String>;

/// Solves maximal coverage of `k` candidates of `inst` within `seconds`
/// (checked by the plan: in (0, [`MAX_EXACT_SECONDS`](super::MAX_EXACT_SECONDS)]),
/// from the answer `warm`.
pub(super) fn solve(inst: &Instance, k: usize, seconds: f64, warm: &[usize]) -> Solved {
    let m = inst.candidates();
    let mut vars = variables!();
    let y: Vec<Variable> = (0..m).map(|_| vars.add(variable().binary())).collect();
    let x: Vec<Variable> = (0..inst.units())
        .map(|_| vars.add(variable().min(0.0).max(1.0)))
        .collect();
    let objective: Expression = x.iter().enumerate().map(|(u, &xu)| inst.w(u) * xu).sum();
    let mut on = vec![0.0; m];
    for &c in warm {
        if let Some(v) = on.get_mut(c) {
            *v = 1.0;
        }
    }
    let start: Vec<(Variable, f64)> = y.iter().copied().zip(on).collect();
    let mut model = vars
        .maximise(objective)
        .using(microlp)
        .with_time_limit(seconds)
        .with_initial_solution(start);
    let all: Expression = y.iter().copied().sum();
    model.add_constraint(constraint!(all <= k.min(m) as f64));
    for (u, &xu) in x.iter().enumerate() {
        let reach: Expression = inst
            .reachers(u)
            .iter()
            .filter_map(|&c| y.get(c as usize).copied())
            .sum();
        model.add_constraint(constraint!(xu <= reach));
    }
    let solution = model.solve().map_err(|e| e.to_string())?;
    let proven = matches!(solution.status(), SolutionStatus::Optimal);
    let picked: Vec<usize> = y
        .iter()
        .enumerate()
        .filter(|(_, v)| solution.value(**v) > 0.5)
        .map(|(c, _)| c)
        .collect();
    Ok((picked, proven))
}
