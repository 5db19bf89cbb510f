//! Swap local search for maximal coverage: remove one chosen site, add
//! another candidate, when that reaches more; best improvement first,
//! until no swap improves or the time budget runs out.
//!
//! One pass finds the best swap for every candidate at once, in one sweep
//! of the coverage sets: for candidate `c` and chosen site `s`, the swap
//! changes the objective by
//!
//! ```text
//! gain₀(c) + extra(c, s) − loss(s)
//! ```
//!
//! where `gain₀(c)` is the weight of `c`'s units no chosen site reaches,
//! `loss(s)` the weight of the units only `s` reaches, and `extra(c, s)`
//! the weight of the units of `c` that only `s` reaches (kept by `c`). The
//! site reaching a unit reached once is known from the sum of the ids of
//! the sites reaching it.

use std::time::Instant;

use rayon::prelude::*;

use super::presolve::Instance;

/// The answer after the search: candidates of the instance, its value and
/// how many swaps were applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Swapped {
    /// The chosen candidates.
    pub chosen: Vec<usize>,
    /// The weight they reach.
    pub value: f64,
    /// Swaps applied.
    pub swaps: usize,
}

/// Improves `chosen` (distinct candidates of `inst`) by swaps until none
/// improves or `deadline` passes.
pub fn improve(inst: &Instance, chosen: &[usize], deadline: Instant) -> Swapped {
    descend(inst, chosen, None, deadline)
}

/// As [`improve`], with only the candidates marked in `region` swapped in;
/// each applied swap adds to `region` the candidates reaching a unit of
/// the two sites it exchanged (a local descent, for the kicks).
pub(crate) fn improve_within(
    inst: &Instance,
    chosen: &[usize],
    region: &mut [bool],
    deadline: Instant,
) -> Swapped {
    descend(inst, chosen, Some(region), deadline)
}

/// Marks in `region` every candidate reaching a unit of candidate `c`.
pub(crate) fn mark_neighbours(inst: &Instance, c: usize, region: &mut [bool]) {
    for &u in inst.set(c) {
        for &r in inst.reachers(u as usize) {
            if let Some(x) = region.get_mut(r as usize) {
                *x = true;
            }
        }
    }
}

fn descend(
    inst: &Instance,
    chosen: &[usize],
    mut region: Option<&mut [bool]>,
    deadline: Instant,
) -> Swapped {
    let n = inst.units();
    let m = inst.candidates();
    let mut chosen: Vec<usize> = chosen.to_vec();
    let mut is_chosen = vec![false; m];
    let mut count = vec![0u32; n];
    let mut ids = vec![0u64; n];
    for &c in &chosen {
        if let Some(x) = is_chosen.get_mut(c) {
            *x = true;
        }
        add(inst, c, &mut count, &mut ids, 1);
    }
    let mut value = covered_weight(inst, &count);
    let mut swaps = 0;
    while Instant::now() < deadline && chosen.len() < m && !chosen.is_empty() {
        let loss: Vec<(usize, f64)> = chosen
            .par_iter()
            .map(|&s| {
                let l = inst
                    .set(s)
                    .iter()
                    .filter(|&&u| count.get(u as usize) == Some(&1))
                    .map(|&u| inst.w(u as usize))
                    .sum::<f64>();
                (s, l)
            })
            .collect();
        let mut loss_of = vec![0.0f64; m];
        for &(s, l) in &loss {
            if let Some(x) = loss_of.get_mut(s) {
                *x = l;
            }
        }
        let Some(&(cheapest, least)) = loss
            .iter()
            .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
        else {
            break;
        };
        let within = region.as_deref();
        let best = (0..m)
            .into_par_iter()
            .filter(|&c| !is_chosen.get(c).copied().unwrap_or(true))
            .filter(|&c| within.is_none_or(|r| r.get(c).copied().unwrap_or(false)))
            .map(|c| {
                let mut gain0 = 0.0;
                let mut extra: Vec<(usize, f64)> = Vec::new();
                for &u in inst.set(c) {
                    let u = u as usize;
                    match count.get(u) {
                        Some(0) => gain0 += inst.w(u),
                        Some(1) => {
                            let owner = ids.get(u).copied().unwrap_or(0) as usize;
                            extra.push((owner, inst.w(u)));
                        }
                        _ => {}
                    }
                }
                extra.sort_unstable_by_key(|e| e.0);
                let mut best = (-least, cheapest);
                let mut i = 0;
                while let Some(&(s, _)) = extra.get(i) {
                    let mut e = 0.0;
                    while let Some(&(t, w)) = extra.get(i) {
                        if t != s {
                            break;
                        }
                        e += w;
                        i += 1;
                    }
                    let d = e - loss_of.get(s).copied().unwrap_or(0.0);
                    if d > best.0 || (d == best.0 && s < best.1) {
                        best = (d, s);
                    }
                }
                (gain0 + best.0, c, best.1)
            })
            .reduce(
                || (f64::NEG_INFINITY, usize::MAX, usize::MAX),
                |a, b| {
                    if b.0 > a.0 || (b.0 == a.0 && b.1 < a.1) {
                        b
                    } else {
                        a
                    }
                },
            );
        let (delta, c, s) = best;
        if delta.partial_cmp(&(1e-9 * value.max(1.0))) != Some(std::cmp::Ordering::Greater) {
            break;
        }
        add(inst, s, &mut count, &mut ids, -1);
        add(inst, c, &mut count, &mut ids, 1);
        if let Some(r) = region.as_deref_mut() {
            mark_neighbours(inst, s, r);
            mark_neighbours(inst, c, r);
        }
        if let Some(x) = is_chosen.get_mut(s) {
            *x = false;
        }
        if let Some(x) = is_chosen.get_mut(c) {
            *x = true;
        }
        if let Some(slot) = chosen.iter_mut().find(|x| **x == s) {
            *slot = c;
        }
        value = covered_weight(inst, &count);
        swaps += 1;
    }
    Swapped {
        chosen,
        value,
        swaps,
    }
}

fn add(inst: &Instance, c: usize, count: &mut [u32], ids: &mut [u64], sign: i8) {
    for &u in inst.set(c) {
        let u = u as usize;
        if let (Some(n), Some(s)) = (count.get_mut(u), ids.get_mut(u)) {
            if sign > 0 {
                *n += 1;
                *s += c as u64;
            } else {
                *n -= 1;
                *s -= c as u64;
            }
        }
    }
}

fn covered_weight(inst: &Instance, count: &[u32]) -> f64 {
    count
        .par_iter()
        .zip(inst.weight.par_iter())
        .filter(|(c, _)| **c > 0)
        .map(|(_, w)| *w)
        .sum::<f64>()
        + 0.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn swaps_out_of_a_poor_start() {
        // Units of weight 1: {0,1}, {1,2}, {2,3}; k = 2 from {0,1},{1,2}
        // (3 reached): the swap {1,2} → {2,3} reaches 4.
        let inst = Instance::from_sets(vec![1.0; 4], &[vec![0, 1], vec![1, 2], vec![2, 3]]);
        let s = improve(&inst, &[0, 1], Instant::now() + Duration::from_secs(5));
        assert_eq!(s.value, 4.0);
        assert_eq!(s.swaps, 1);
        let mut chosen = s.chosen;
        chosen.sort_unstable();
        assert_eq!(chosen, vec![0, 2]);
    }
}
