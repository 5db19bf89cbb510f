//! Presolve of a maximal-coverage instance: a smaller instance with the
//! same optimum, on which the greedy, the swap search, the Lagrangian bound
//! and the exact solver run.
//!
//! - Demand items an existing host reaches are already out of the coverage
//!   sets; items no candidate reaches, and items of weight 0, are constant
//!   and dropped.
//! - Demand items that the very same candidates reach are **merged** into
//!   one unit, their weights summed (the sorted list of candidates is
//!   hashed, and lists of equal hash compared). A plan's coverage sets are
//!   built merged ([`super::groups`]); [`Instance::presolve`] merges any
//!   instance.
//! - A candidate whose set of units is contained in another's is
//!   **dominated** and dropped: swapping it for its dominator in any answer
//!   reaches at least as much, so an optimum survives. Of candidates with
//!   the very same set, the first is kept. A candidate that reaches nothing
//!   is dropped too (the plan adds such sites at the end, gain 0, when fewer
//!   than `k` candidates reach anything).
//! - Units are merged again, since dropping candidates makes more lists equal.
//!
//! Candidates keep their order: presolved candidate `c` is original
//! candidate `original[c]`, with `original` increasing, so ties in the
//! greedy break as they would have on the original instance.

use std::cmp::Ordering;

use rayon::prelude::*;
use serde_json::{Value, json};

use super::Demand;
use super::sets::CoverSets;

/// Sizes of an instance: demand units, candidates, (unit, candidate) pairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InstanceSize {
    /// Demand units (items before presolve; merged units after).
    pub units: usize,
    /// Candidates.
    pub candidates: usize,
    /// (unit, candidate) pairs: the nonzeros of the coverage matrix.
    pub nonzeros: usize,
}

impl InstanceSize {
    fn to_json(self) -> Value {
        json!({"units": self.units, "candidates": self.candidates, "nonzeros": self.nonzeros})
    }
}

/// What the presolve did.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PresolveSizes {
    /// The instance as given: every demand item, every candidate, the
    /// pairs of the coverage sets (items an existing host reaches hold none).
    pub before: InstanceSize,
    /// The presolved instance.
    pub after: InstanceSize,
    /// Items an existing host reaches (dropped: already counted).
    pub reached_by_hosts: usize,
    /// Items no candidate reaches, or of weight 0 (dropped: constant).
    pub unreachable_or_weightless: usize,
    /// Candidates that reach nothing (dropped).
    pub empty_candidates: usize,
    /// Candidates dominated by another (dropped).
    pub dominated_candidates: usize,
    /// Seconds the presolve took.
    pub seconds: f64,
}

impl PresolveSizes {
    /// As JSON (`plan.json` `solve.presolve`).
    pub fn to_json(&self) -> Value {
        json!({
            "before": self.before.to_json(),
            "after": self.after.to_json(),
            "reached_by_hosts": self.reached_by_hosts,
            "unreachable_or_weightless": self.unreachable_or_weightless,
            "empty_candidates": self.empty_candidates,
            "dominated_candidates": self.dominated_candidates,
            "seconds": self.seconds,
        })
    }
}

/// A maximal-coverage instance in compressed sparse rows: each candidate's
/// sorted list of units, each unit's sorted list of candidates
/// ([`Plan::instance`](super::Plan::instance) gives a plan's).
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    /// Weight of each unit.
    pub weight: Vec<f64>,
    cand_offsets: Vec<usize>,
    cand_units: Vec<u32>,
    unit_offsets: Vec<usize>,
    unit_cands: Vec<u32>,
    /// Presolved candidate → index of the original candidate.
    pub original: Vec<u32>,
}

impl Instance {
    /// An instance from each candidate's list of units (ids at or above
    /// `weight.len()` are ignored), without presolve.
    pub fn from_sets(weight: Vec<f64>, sets: &[Vec<u32>]) -> Instance {
        let mut offsets = Vec::with_capacity(sets.len() + 1);
        offsets.push(0);
        let mut units = Vec::new();
        for s in sets {
            let mut s = s.clone();
            s.sort_unstable();
            s.dedup();
            s.retain(|&u| (u as usize) < weight.len());
            units.extend(s);
            offsets.push(units.len());
        }
        let (unit_offsets, unit_cands) = transpose(weight.len(), &offsets, &units);
        Instance {
            weight,
            cand_offsets: offsets,
            cand_units: units,
            unit_offsets,
            unit_cands,
            original: (0..u32::try_from(sets.len()).unwrap_or(u32::MAX)).collect(),
        }
    }

    /// An instance from each unit's sorted list of candidates (ids at or
    /// above `candidates` are ignored), without presolve.
    pub(crate) fn from_unit_lists(
        weight: Vec<f64>,
        lists: &[&[u32]],
        candidates: usize,
    ) -> Instance {
        let mut unit_offsets = Vec::with_capacity(lists.len() + 1);
        unit_offsets.push(0);
        let mut unit_cands = Vec::with_capacity(lists.iter().map(|l| l.len()).sum());
        for l in lists {
            unit_cands.extend(l.iter().filter(|&&c| (c as usize) < candidates));
            unit_offsets.push(unit_cands.len());
        }
        let original = (0..u32::try_from(candidates).unwrap_or(u32::MAX)).collect();
        Instance::of_units(weight, unit_offsets, unit_cands, candidates, original)
    }

    /// An instance from its units' lists of candidates (CSR), the
    /// candidates' lists built by transposition.
    fn of_units(
        weight: Vec<f64>,
        unit_offsets: Vec<usize>,
        unit_cands: Vec<u32>,
        candidates: usize,
        original: Vec<u32>,
    ) -> Instance {
        let (cand_offsets, cand_units) = transpose(candidates, &unit_offsets, &unit_cands);
        Instance {
            weight,
            cand_offsets,
            cand_units,
            unit_offsets,
            unit_cands,
            original,
        }
    }

    /// How many candidates there are.
    pub fn candidates(&self) -> usize {
        self.cand_offsets.len().saturating_sub(1)
    }

    /// How many units there are.
    pub fn units(&self) -> usize {
        self.weight.len()
    }

    /// The sizes of this instance.
    pub fn size(&self) -> InstanceSize {
        InstanceSize {
            units: self.units(),
            candidates: self.candidates(),
            nonzeros: self.cand_units.len(),
        }
    }

    /// The units candidate `c` reaches, sorted.
    pub fn set(&self, c: usize) -> &[u32] {
        slice(&self.cand_offsets, &self.cand_units, c)
    }

    /// The candidates reaching unit `u`, sorted.
    pub fn reachers(&self, u: usize) -> &[u32] {
        slice(&self.unit_offsets, &self.unit_cands, u)
    }

    /// The weight of unit `u`.
    pub fn w(&self, u: usize) -> f64 {
        self.weight.get(u).copied().unwrap_or(0.0)
    }

    /// The weight candidate `c` would add to `covered`.
    pub fn gain(&self, c: usize, covered: &[bool]) -> f64 {
        self.set(c)
            .iter()
            .map(|&u| u as usize)
            .filter(|&u| !covered.get(u).copied().unwrap_or(true))
            .map(|u| self.w(u))
            .sum::<f64>()
            + 0.0
    }

    /// Marks candidate `c`'s units covered.
    pub fn cover(&self, c: usize, covered: &mut [bool]) {
        for &u in self.set(c) {
            if let Some(slot) = covered.get_mut(u as usize) {
                *slot = true;
            }
        }
    }

    /// The weight a set of candidates reaches (each counted once).
    pub fn value(&self, chosen: &[usize]) -> f64 {
        let mut covered = vec![false; self.units()];
        for &c in chosen {
            self.cover(c, &mut covered);
        }
        covered
            .iter()
            .zip(&self.weight)
            .filter(|(c, _)| **c)
            .map(|(_, w)| w)
            .sum::<f64>()
            + 0.0
    }

    /// The presolved instance (see the module's documentation).
    pub fn presolve(&self) -> (Instance, PresolveSizes) {
        let before = self.size();
        let dropped = (0..self.units())
            .filter(|&u| {
                self.w(u).partial_cmp(&0.0) != Some(Ordering::Greater)
                    || self.reachers(u).is_empty()
            })
            .count();
        let merged = self.merged();
        let empty = (0..merged.candidates())
            .filter(|&c| merged.set(c).is_empty())
            .count();
        let kept = merged.undominated();
        let dominated = merged.candidates() - kept.len() - empty;
        let out = merged.restricted(&kept).merged();
        let sizes = PresolveSizes {
            before,
            after: out.size(),
            reached_by_hosts: 0,
            unreachable_or_weightless: dropped,
            empty_candidates: empty,
            dominated_candidates: dominated,
            seconds: 0.0,
        };
        (out, sizes)
    }

    /// Units with the same list of candidates merged; units of weight 0 or
    /// that no candidate reaches dropped. Candidates unchanged.
    fn merged(&self) -> Instance {
        let live: Vec<u32> = (0..self.units())
            .filter(|&u| self.w(u) > 0.0 && !self.reachers(u).is_empty())
            .filter_map(|u| u32::try_from(u).ok())
            .collect();
        let mut keyed: Vec<(u64, u32)> = live
            .par_iter()
            .map(|&u| (hash(self.reachers(u as usize)), u))
            .collect();
        keyed.par_sort_unstable_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| self.cmp_lists(a.1, b.1))
                .then(a.1.cmp(&b.1))
        });
        // Old unit → new unit; equal lists are adjacent after the sort.
        let mut new_of = vec![u32::MAX; self.units()];
        let mut weight: Vec<f64> = Vec::new();
        let mut reps: Vec<u32> = Vec::new();
        let mut prev: Option<(u64, u32)> = None;
        for &(h, u) in &keyed {
            let same =
                prev.is_some_and(|(ph, pu)| ph == h && self.cmp_lists(pu, u) == Ordering::Equal);
            if !same {
                weight.push(0.0);
                reps.push(u);
                prev = Some((h, u));
            }
            let id = weight.len() - 1;
            if let Some(w) = weight.get_mut(id) {
                *w += self.w(u as usize);
            }
            if let Some(slot) = new_of.get_mut(u as usize) {
                *slot = u32::try_from(id).unwrap_or(u32::MAX);
            }
        }
        // Renumber units in the order of their first original unit, so
        // that the result does not depend on hash values.
        let mut order: Vec<usize> = (0..reps.len()).collect();
        order.sort_unstable_by_key(|&i| reps.get(i).copied().unwrap_or(u32::MAX));
        let mut rank = vec![0u32; reps.len()];
        for (r, &i) in order.iter().enumerate() {
            if let Some(slot) = rank.get_mut(i) {
                *slot = u32::try_from(r).unwrap_or(u32::MAX);
            }
        }
        let weight: Vec<f64> = order
            .iter()
            .map(|&i| weight.get(i).copied().unwrap_or(0.0))
            .collect();
        for slot in &mut new_of {
            if let Some(&r) = rank.get(*slot as usize) {
                *slot = r;
            }
        }
        let reps: Vec<u32> = order
            .iter()
            .map(|&i| reps.get(i).copied().unwrap_or(0))
            .collect();
        // Candidate lists over new units: each unit's list is its
        // representative's; fill by unit so every candidate's list is sorted.
        let mut unit_offsets = Vec::with_capacity(reps.len() + 1);
        unit_offsets.push(0);
        let mut unit_cands = Vec::new();
        for &r in &reps {
            unit_cands.extend_from_slice(self.reachers(r as usize));
            unit_offsets.push(unit_cands.len());
        }
        Instance::of_units(
            weight,
            unit_offsets,
            unit_cands,
            self.candidates(),
            self.original.clone(),
        )
    }

    fn cmp_lists(&self, a: u32, b: u32) -> Ordering {
        self.reachers(a as usize).cmp(self.reachers(b as usize))
    }

    /// The candidates that reach something and that no other dominates, in
    /// order. Candidate `a` is dominated by `b` when set(a) ⊆ set(b) and the
    /// sets differ, or they are equal and `b` comes first.
    fn undominated(&self) -> Vec<usize> {
        (0..self.candidates())
            .into_par_iter()
            .filter(|&a| {
                let set = self.set(a);
                // Any dominator reaches the unit of `a` that the fewest reach.
                let Some(&rare) = set.iter().min_by_key(|&&u| self.reachers(u as usize).len())
                else {
                    return false;
                };
                !self.reachers(rare as usize).iter().any(|&b| {
                    let b = b as usize;
                    let other = self.set(b);
                    b != a
                        && (other.len() > set.len() || (other.len() == set.len() && b < a))
                        && subset(set, other)
                })
            })
            .collect()
    }

    /// The instance on `kept` candidates only (in order).
    fn restricted(&self, kept: &[usize]) -> Instance {
        let mut cand_offsets = Vec::with_capacity(kept.len() + 1);
        cand_offsets.push(0);
        let mut cand_units = Vec::new();
        for &c in kept {
            cand_units.extend_from_slice(self.set(c));
            cand_offsets.push(cand_units.len());
        }
        let (unit_offsets, unit_cands) = transpose(self.units(), &cand_offsets, &cand_units);
        Instance {
            weight: self.weight.clone(),
            cand_offsets,
            cand_units,
            unit_offsets,
            unit_cands,
            original: kept
                .iter()
                .map(|&c| self.original.get(c).copied().unwrap_or(u32::MAX))
                .collect(),
        }
    }
}

/// The instance of the coverage sets of a plan, without presolve: one unit
/// per demand item (those the hosts reach have no candidate).
pub(crate) fn from_cover_sets(sets: &CoverSets, demand: &Demand<'_>) -> Instance {
    let n = demand.len();
    let (offsets, items) = sets.csr();
    let (unit_offsets, unit_cands) = transpose(n, offsets, items);
    Instance {
        weight: demand.weight.clone(),
        cand_offsets: offsets.to_vec(),
        cand_units: items.to_vec(),
        unit_offsets,
        unit_cands,
        original: (0..u32::try_from(sets.candidates()).unwrap_or(u32::MAX)).collect(),
    }
}

fn slice<'s>(offsets: &[usize], values: &'s [u32], i: usize) -> &'s [u32] {
    match (offsets.get(i), offsets.get(i + 1)) {
        (Some(&a), Some(&b)) => values.get(a..b).unwrap_or_default(),
        _ => &[],
    }
}

/// The rows of a CSR matrix turned into columns (`cols` of them): each
/// column's list is sorted, since rows are visited in order.
fn transpose(cols: usize, offsets: &[usize], values: &[u32]) -> (Vec<usize>, Vec<u32>) {
    let mut out_offsets = vec![0usize; cols + 1];
    for &v in values {
        if let Some(o) = out_offsets.get_mut(v as usize + 1) {
            *o += 1;
        }
    }
    for i in 1..out_offsets.len() {
        let prev = out_offsets.get(i - 1).copied().unwrap_or(0);
        if let Some(o) = out_offsets.get_mut(i) {
            *o += prev;
        }
    }
    let mut next = out_offsets.clone();
    let mut out = vec![0u32; values.len()];
    let rows = offsets.len().saturating_sub(1);
    for r in 0..rows {
        let row = u32::try_from(r).unwrap_or(u32::MAX);
        for &v in slice(offsets, values, r) {
            if let Some(slot) = next.get_mut(v as usize)
                && let Some(dst) = out.get_mut(*slot)
            {
                *dst = row;
                *slot += 1;
            }
        }
    }
    (out_offsets, out)
}

/// Whether sorted `a` ⊆ sorted `b`.
fn subset(a: &[u32], b: &[u32]) -> bool {
    let mut j = 0;
    for &x in a {
        loop {
            match b.get(j) {
                None => return false,
                Some(&y) if y < x => j += 1,
                Some(&y) if y == x => {
                    j += 1;
                    break;
                }
                Some(_) => return false,
            }
        }
    }
    true
}

fn hash(list: &[u32]) -> u64 {
    list.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &x| {
        (h ^ u64::from(x))
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
            .rotate_left(29)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subset_of_sorted_lists() {
        assert!(subset(&[], &[1]));
        assert!(subset(&[1, 3], &[0, 1, 2, 3]));
        assert!(!subset(&[1, 4], &[0, 1, 2, 3]));
        assert!(!subset(&[5], &[]));
    }

    #[test]
    fn merges_and_drops_what_it_should() {
        // Units 0..5 (weights 1, 2, 3, 4, 0, 5); candidates:
        // A = {0, 1, 2}, B = {1, 2}, C = {2, 3}, D = {} , E = {0, 1, 2}.
        // Unit 5 is reached by none, unit 4 weighs 0: dropped.
        // Unit 0 is reached by {A, E}, unit 1 by {A, B, E}: distinct at
        // first. B ⊂ A: dominated; E = A: E comes
        // after A, dominated; D is empty. Then units 0 and 1 are both
        // reached by {A} only: merged (weight 3).
        let inst = Instance::from_sets(
            vec![1.0, 2.0, 3.0, 4.0, 0.0, 5.0],
            &[
                vec![0, 1, 2, 4],
                vec![1, 2],
                vec![2, 3],
                vec![],
                vec![0, 1, 2],
            ],
        );
        let (p, sizes) = inst.presolve();
        assert_eq!(p.original, vec![0, 2]);
        assert_eq!(p.weight, vec![3.0, 3.0, 4.0]);
        assert_eq!(p.set(0), &[0, 1]);
        assert_eq!(p.set(1), &[1, 2]);
        assert_eq!(sizes.empty_candidates, 1);
        assert_eq!(sizes.dominated_candidates, 2);
        assert_eq!(sizes.unreachable_or_weightless, 2);
        assert_eq!(
            sizes.after,
            InstanceSize {
                units: 3,
                candidates: 2,
                nonzeros: 4
            }
        );
        assert_eq!(sizes.before.nonzeros, 11);
    }
}
