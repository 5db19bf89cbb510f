//! Demand items grouped by the very candidates that reach them, built
//! without ever holding every (item, candidate) pair: the coverage sets of
//! a maximal-coverage plan ([`super::Plan::add`]).
//!
//! Each item's list of reaching candidates is found (R-trees), sorted and
//! looked up in a table of the lists met so far: items with the same list
//! become one group, of their summed weight. This is the presolve's merge
//! ([`super::presolve`]) done while the sets are built, so memory grows
//! with the distinct lists, not with the pairs: the 200 m grid of France ×
//! the bureaux de poste within 5 km or 20 minutes (`--minutes 20 --combine
//! and`) meets 74.6 million pairs but only 231,359 distinct lists (4.5
//! million pairs). Items are
//! read in chunks in parallel, each chunk with its own table; chunks are
//! then merged in order, so groups are numbered by their first item, as
//! the presolve numbers its units, and the instance is the one the
//! presolve would have made.

use std::collections::HashMap;

use rayon::prelude::*;

use super::presolve::{Instance, InstanceSize, PresolveSizes};
use super::sets::{SiteTrees, reached_by_hosts};
use super::{Candidate, Demand};
use crate::model::Service;
use crate::network::ServiceNetwork;

/// Items per chunk of the parallel build.
const CHUNK: usize = 1 << 16;

/// No group: the item is reached by a host, by no candidate, or weighs 0.
const NONE: u32 = u32::MAX;

/// The demand items of a plan grouped by their reaching candidates.
pub(crate) struct GroupedSets {
    /// Items an existing host of the service reaches.
    pub covered_by_hosts: Vec<bool>,
    /// Existing hosts of the service.
    pub hosts: usize,
    /// Group of each item ([`NONE`] for none).
    group_of: Vec<u32>,
    /// Items in each group.
    group_items: Vec<u32>,
    /// The groups as an instance: units are groups, of their summed weight.
    instance: Instance,
    /// (item, candidate) pairs met (the items the hosts reach excluded).
    pub pairs: usize,
    /// Items no host reaches that no candidate reaches or that weigh 0.
    pub unreachable_or_weightless: usize,
}

/// One chunk's items: their local group ids, and the local groups' lists
/// in order of their first item.
struct Chunk {
    group_of: Vec<u32>,
    lists: Vec<Vec<u32>>,
    pairs: usize,
    unreachable: usize,
}

impl GroupedSets {
    /// Groups the items of `demand` not reached by the hosts of `service`
    /// by the `candidates` reaching them.
    pub fn build(
        network: &ServiceNetwork,
        demand: &Demand<'_>,
        service: Service,
        candidates: &[Candidate],
    ) -> GroupedSets {
        let (covered_by_hosts, hosts) = reached_by_hosts(network, demand, service);
        let n = demand.len();
        let trees = SiteTrees::new(candidates.iter().map(|c| (c.zone, [c.xy.x, c.xy.y])));
        let chunks: Vec<Chunk> = (0..n.div_ceil(CHUNK))
            .into_par_iter()
            .map(|ch| {
                let items = ch * CHUNK..((ch + 1) * CHUNK).min(n);
                let mut table: HashMap<Vec<u32>, u32> = HashMap::new();
                let mut chunk = Chunk {
                    group_of: Vec::with_capacity(items.len()),
                    lists: Vec::new(),
                    pairs: 0,
                    unreachable: 0,
                };
                let mut list = Vec::new();
                for i in items {
                    if covered_by_hosts.get(i).copied().unwrap_or(true) {
                        chunk.group_of.push(NONE);
                        continue;
                    }
                    list.clear();
                    list.extend(trees.reaching(demand, i));
                    chunk.pairs += list.len();
                    let weight = demand.weight.get(i).copied().unwrap_or(0.0);
                    if list.is_empty()
                        || weight.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater)
                    {
                        chunk.unreachable += 1;
                        chunk.group_of.push(NONE);
                        continue;
                    }
                    list.sort_unstable();
                    let next = u32::try_from(chunk.lists.len()).unwrap_or(NONE);
                    let id = match table.get(&list) {
                        Some(&id) => id,
                        None => {
                            table.insert(list.clone(), next);
                            chunk.lists.push(list.clone());
                            next
                        }
                    };
                    chunk.group_of.push(id);
                }
                chunk
            })
            .collect();
        // Chunks in order: global groups numbered by their first item.
        let mut table: HashMap<&[u32], u32> = HashMap::new();
        let mut lists: Vec<&[u32]> = Vec::new();
        let mut group_of = Vec::with_capacity(n);
        let (mut pairs, mut unreachable) = (0, 0);
        for chunk in &chunks {
            let global: Vec<u32> = chunk
                .lists
                .iter()
                .map(|l| {
                    *table.entry(l.as_slice()).or_insert_with(|| {
                        lists.push(l.as_slice());
                        u32::try_from(lists.len() - 1).unwrap_or(NONE)
                    })
                })
                .collect();
            group_of.extend(
                chunk
                    .group_of
                    .iter()
                    .map(|&g| global.get(g as usize).copied().unwrap_or(NONE)),
            );
            pairs += chunk.pairs;
            unreachable += chunk.unreachable;
        }
        // Weights summed in item order (as the presolve sums them).
        let mut weight = vec![0.0f64; lists.len()];
        let mut group_items = vec![0u32; lists.len()];
        for (i, &g) in group_of.iter().enumerate() {
            if let (Some(w), Some(c)) =
                (weight.get_mut(g as usize), group_items.get_mut(g as usize))
            {
                *w += demand.weight.get(i).copied().unwrap_or(0.0);
                *c += 1;
            }
        }
        let instance = Instance::from_unit_lists(weight, &lists, candidates.len());
        GroupedSets {
            covered_by_hosts,
            hosts,
            group_of,
            group_items,
            instance,
            pairs,
            unreachable_or_weightless: unreachable,
        }
    }

    /// The presolved instance (dominated and empty candidates dropped; the
    /// groups are already merged units), with the sizes before: the items
    /// and the pairs met.
    pub fn presolve(&self, demand: &Demand<'_>) -> (Instance, PresolveSizes) {
        let start = std::time::Instant::now();
        let (out, mut sizes) = self.instance.presolve();
        sizes.before = InstanceSize {
            units: demand.len(),
            candidates: self.instance.candidates(),
            nonzeros: self.pairs,
        };
        sizes.reached_by_hosts = self.covered_by_hosts.iter().filter(|c| **c).count();
        sizes.unreachable_or_weightless = self.unreachable_or_weightless;
        sizes.seconds = start.elapsed().as_secs_f64();
        (out, sizes)
    }

    /// The groups as a maximal-coverage instance (units are groups; not yet
    /// presolved: dominated candidates are still in).
    pub fn instance(&self) -> &Instance {
        &self.instance
    }

    /// Items in group `g`.
    pub fn items_in(&self, g: usize) -> usize {
        self.group_items.get(g).map_or(0, |&c| c as usize)
    }

    /// Items covered by the hosts or by a group marked in `covered`.
    pub fn covered_items(&self, covered: &[bool]) -> Vec<bool> {
        self.group_of
            .par_iter()
            .zip(self.covered_by_hosts.par_iter())
            .map(|(&g, &h)| h || covered.get(g as usize).copied().unwrap_or(false))
            .collect()
    }
}
