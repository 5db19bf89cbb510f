//! Sparse coverage sets: for each candidate, the demand items it reaches
//! that no existing host reaches. Built from R-trees of the sites; a dense
//! demand × candidate matrix is never formed.

use std::collections::HashMap;

use rayon::prelude::*;
use rstar::primitives::GeomWithData;
use rstar::{AABB, RTree};

use super::{Candidate, Demand};
use crate::geom::crs::Zone;
use crate::model::Service;
use crate::network::ServiceNetwork;

type Site = GeomWithData<[f64; 2], u32>;

/// The sites of each zone, indexed.
pub(crate) struct SiteTrees(HashMap<Zone, RTree<Site>>);

impl SiteTrees {
    pub fn new(sites: impl Iterator<Item = (Zone, [f64; 2])>) -> Self {
        let mut buckets: HashMap<Zone, Vec<Site>> = HashMap::new();
        for (i, (zone, xy)) in sites.enumerate() {
            buckets
                .entry(zone)
                .or_default()
                .push(GeomWithData::new(xy, u32::try_from(i).unwrap_or(u32::MAX)));
        }
        SiteTrees(
            buckets
                .into_iter()
                .map(|(z, v)| (z, RTree::bulk_load(v)))
                .collect(),
        )
    }

    /// The sites reaching demand item `i`, in no particular order.
    pub fn reaching<'t>(
        &'t self,
        demand: &'t Demand<'_>,
        i: usize,
    ) -> impl Iterator<Item = u32> + 't {
        let tree = demand.zone.get(i).and_then(|z| self.0.get(z));
        let reach = demand.reach_m.get(i).copied().unwrap_or(0.0);
        let envelope = demand
            .reach_box(i)
            .map(|b| AABB::from_corners([b.min().x, b.min().y], [b.max().x, b.max().y]));
        tree.zip(envelope)
            .into_iter()
            .flat_map(|(t, e)| t.locate_in_envelope(&e))
            .filter(move |s| {
                demand.distance(
                    i,
                    geo_types::Coord {
                        x: s.geom()[0],
                        y: s.geom()[1],
                    },
                ) <= reach
            })
            .map(|s| s.data)
    }
}

/// Bytes one (item, candidate) pair costs at the peak of [`CoverSets::build`]:
/// 8 in the list of pairs, 4 in the sets it is sorted into, and up to 8 in
/// the per-item buffers of the parallel collection.
pub(crate) const BYTES_PER_PAIR: f64 = 20.0;

/// How many (item, candidate) pairs the coverage sets of `candidates` over
/// `demand` would hold, estimated before any is built: the exact count for
/// an evenly spaced sample of at most `SAMPLE` items (those an existing
/// host reaches count none, as in [`CoverSets::build`]), scaled to all items.
pub(crate) fn estimate_pairs(
    network: &ServiceNetwork,
    demand: &Demand<'_>,
    service: Service,
    candidates: &[Candidate],
) -> f64 {
    const SAMPLE: usize = 2_000;
    let n = demand.len();
    if n == 0 || candidates.is_empty() {
        return 0.0;
    }
    let step = n.div_ceil(SAMPLE).max(1);
    let hosts = SiteTrees::new(
        network
            .points()
            .iter()
            .filter(|p| p.services.contains(service))
            .map(|p| (p.zone, [p.xy.x, p.xy.y])),
    );
    let trees = SiteTrees::new(candidates.iter().map(|c| (c.zone, [c.xy.x, c.xy.y])));
    let sampled: Vec<usize> = (0..n).step_by(step).collect();
    let pairs: usize = sampled
        .par_iter()
        .filter(|&&i| hosts.reaching(demand, i).next().is_none())
        .map(|&i| trees.reaching(demand, i).count())
        .sum();
    pairs as f64 * n as f64 / sampled.len() as f64
}

/// Which demand items an existing host of `service` reaches, and how many
/// hosts there are.
pub(crate) fn reached_by_hosts(
    network: &ServiceNetwork,
    demand: &Demand<'_>,
    service: Service,
) -> (Vec<bool>, usize) {
    let hosts: Vec<_> = network
        .points()
        .iter()
        .filter(|p| p.services.contains(service))
        .map(|p| (p.zone, [p.xy.x, p.xy.y]))
        .collect();
    let trees = SiteTrees::new(hosts.iter().copied());
    let reached = (0..demand.len())
        .into_par_iter()
        .map(|i| trees.reaching(demand, i).next().is_some())
        .collect();
    (reached, hosts.len())
}

/// Which items the existing hosts reach, and each candidate's set of the others.
pub(crate) struct CoverSets {
    /// Items reached by an existing host of the service.
    pub covered_by_hosts: Vec<bool>,
    /// How many existing hosts there are.
    pub hosts: usize,
    offsets: Vec<usize>,
    items: Vec<u32>,
}

impl CoverSets {
    pub fn build(
        network: &ServiceNetwork,
        demand: &Demand<'_>,
        service: Service,
        candidates: &[Candidate],
    ) -> CoverSets {
        let (covered_by_hosts, hosts) = reached_by_hosts(network, demand, service);
        let trees = SiteTrees::new(candidates.iter().map(|c| (c.zone, [c.xy.x, c.xy.y])));
        let pairs: Vec<(u32, u32)> = (0..demand.len())
            .into_par_iter()
            .filter(|&i| !covered_by_hosts.get(i).copied().unwrap_or(true))
            .flat_map_iter(|i| {
                let item = u32::try_from(i).unwrap_or(u32::MAX);
                trees
                    .reaching(demand, i)
                    .map(move |c| (c, item))
                    .collect::<Vec<_>>()
            })
            .collect();
        // Counting sort of the pairs by candidate: compressed sparse rows.
        let mut offsets = vec![0usize; candidates.len() + 1];
        for &(c, _) in &pairs {
            if let Some(o) = offsets.get_mut(c as usize + 1) {
                *o += 1;
            }
        }
        for k in 1..offsets.len() {
            let prev = offsets.get(k - 1).copied().unwrap_or(0);
            if let Some(o) = offsets.get_mut(k) {
                *o += prev;
            }
        }
        let mut next = offsets.clone();
        let mut items = vec![0u32; pairs.len()];
        for (c, i) in pairs {
            if let Some(slot) = next.get_mut(c as usize)
                && let Some(dst) = items.get_mut(*slot)
            {
                *dst = i;
                *slot += 1;
            }
        }
        CoverSets {
            covered_by_hosts,
            hosts,
            offsets,
            items,
        }
    }

    /// The items candidate `c` reaches (hosts' items excluded).
    pub fn set(&self, c: usize) -> &[u32] {
        match (self.offsets.get(c), self.offsets.get(c + 1)) {
            (Some(&a), Some(&b)) => self.items.get(a..b).unwrap_or_default(),
            _ => &[],
        }
    }

    /// The weight candidate `c` would add to `covered`.
    pub fn gain(&self, c: usize, demand: &Demand<'_>, covered: &[bool]) -> f64 {
        self.set(c)
            .iter()
            .map(|&i| i as usize)
            .filter(|&i| !covered.get(i).copied().unwrap_or(true))
            .map(|i| demand.weight.get(i).copied().unwrap_or(0.0))
            .sum::<f64>()
            + 0.0 // an empty sum is -0.0: written "-0.0" otherwise
    }

    /// Marks candidate `c`'s items covered; returns how many were not yet.
    pub fn cover(&self, c: usize, covered: &mut [bool]) -> usize {
        let mut new = 0;
        for &i in self.set(c) {
            if let Some(slot) = covered.get_mut(i as usize)
                && !*slot
            {
                *slot = true;
                new += 1;
            }
        }
        new
    }

    /// The sets as compressed sparse rows: offsets by candidate, items.
    pub fn csr(&self) -> (&[usize], &[u32]) {
        (&self.offsets, &self.items)
    }

    /// How many candidates there are.
    pub fn candidates(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }
}
