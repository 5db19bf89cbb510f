//! The indexed network of service points: one R-tree per zone and service.

use std::collections::HashMap;

use geo_types::Coord;
use rstar::RTree;
use rstar::primitives::GeomWithData;

use crate::geom::crs::Zone;
use crate::model::{Service, ServicePoint};

/// Largest number of coordinates measured against one candidate set in
/// [`ServiceNetwork::nearest_distances`].
pub(crate) const BLOCK: usize = 256;

/// Reusable buffers of [`ServiceNetwork::nearest_distances`].
#[derive(Default)]
struct Candidates {
    xs: Vec<f64>,
    ys: Vec<f64>,
}

/// The bounding box (west, south, east, north) of some coordinates; `None`
/// when there are none or one is not finite.
fn bbox_of<'a>(coords: impl IntoIterator<Item = &'a Coord<f64>>) -> Option<(f64, f64, f64, f64)> {
    let (mut x0, mut y0, mut x1, mut y1) = (
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    );
    for c in coords {
        x0 = x0.min(c.x);
        y0 = y0.min(c.y);
        x1 = x1.max(c.x);
        y1 = y1.max(c.y);
    }
    (x0.is_finite() && y0.is_finite() && x1.is_finite() && y1.is_finite())
        .then_some((x0, y0, x1, y1))
}

/// Groups coordinates into square tiles holding about [`BLOCK`] of them (one
/// sort of tile keys), then measures each tile; tiles still too full are
/// split k-d style.
fn nearest_tiles(
    tree: &RTree<IndexedPoint>,
    xys: &[Coord<f64>],
    out: &mut [f64],
    cand: &mut Candidates,
) {
    let Some((x0, y0, x1, y1)) = bbox_of(xys) else {
        return;
    };
    let area = ((x1 - x0) * (y1 - y0)).max(1.0);
    let side = (area * BLOCK as f64 / xys.len() as f64).sqrt().max(1.0);
    let mut keyed: Vec<(u64, u32)> = xys
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let tx = ((c.x - x0) / side) as u64;
            let ty = ((c.y - y0) / side) as u64;
            ((tx << 32) | ty, i as u32)
        })
        .collect();
    keyed.sort_unstable_by_key(|&(k, _)| k);
    let mut order: Vec<u32> = Vec::with_capacity(4 * BLOCK);
    let mut start = 0;
    while start < keyed.len() {
        let key = keyed.get(start).map_or(0, |k| k.0);
        let end = start
            + keyed
                .get(start..)
                .map_or(0, |rest| rest.iter().take_while(|k| k.0 == key).count());
        order.clear();
        order.extend(
            keyed
                .get(start..end)
                .unwrap_or_default()
                .iter()
                .map(|&(_, i)| i),
        );
        nearest_blocks(tree, xys, &mut order, out, cand);
        start = end.max(start + 1);
    }
}

fn nearest_blocks(
    tree: &RTree<IndexedPoint>,
    xys: &[Coord<f64>],
    order: &mut [u32],
    out: &mut [f64],
    cand: &mut Candidates,
) {
    let Some((x0, y0, x1, y1)) = bbox_of(order.iter().filter_map(|&i| xys.get(i as usize))) else {
        return;
    };
    if order.len() > BLOCK {
        // Split across the longer side at the median.
        let mid = order.len() / 2;
        let key = |i: &u32, by_x: bool| {
            xys.get(*i as usize)
                .map_or(0.0, |c| if by_x { c.x } else { c.y })
        };
        let by_x = x1 - x0 >= y1 - y0;
        order.select_nth_unstable_by(mid, |a, b| key(a, by_x).total_cmp(&key(b, by_x)));
        let (left, right) = order.split_at_mut(mid);
        nearest_blocks(tree, xys, left, out, cand);
        nearest_blocks(tree, xys, right, out, cand);
        return;
    }
    let centre = [(x0 + x1) / 2.0, (y0 + y1) / 2.0];
    let Some((_, d2)) = tree.nearest_neighbor_iter_with_distance_2(&centre).next() else {
        return;
    };
    let reach = ((x1 - x0).hypot(y1 - y0) / 2.0 + d2.sqrt()) * (1.0 + 1e-12) + 1e-6;
    let envelope = rstar::AABB::from_corners([x0 - reach, y0 - reach], [x1 + reach, y1 + reach]);
    cand.xs.clear();
    cand.ys.clear();
    for p in tree.locate_in_envelope(&envelope) {
        cand.xs.push(p.geom()[0]);
        cand.ys.push(p.geom()[1]);
    }
    for &i in order.iter() {
        let (Some(c), Some(slot)) = (xys.get(i as usize), out.get_mut(i as usize)) else {
            continue;
        };
        *slot = min_distance2(&cand.xs, &cand.ys, c.x, c.y).sqrt();
    }
}

/// Smallest squared distance from (x, y) to the candidates, with four
/// independent running minima so that the loop is not one long dependency chain.
fn min_distance2(xs: &[f64], ys: &[f64], x: f64, y: f64) -> f64 {
    let mut best = [f64::INFINITY; 4];
    let (cx, cy) = (xs.chunks_exact(4), ys.chunks_exact(4));
    let (rx, ry) = (cx.remainder(), cy.remainder());
    for (px, py) in cx.zip(cy) {
        for k in 0..4 {
            let (dx, dy) = (
                px.get(k).copied().unwrap_or(f64::INFINITY) - x,
                py.get(k).copied().unwrap_or(f64::INFINITY) - y,
            );
            let d = dx * dx + dy * dy;
            if let Some(b) = best.get_mut(k)
                && d < *b
            {
                *b = d;
            }
        }
    }
    let mut m = best.iter().copied().fold(f64::INFINITY, f64::min);
    for (px, py) in rx.iter().zip(ry) {
        let (dx, dy) = (px - x, py - y);
        m = m.min(dx * dx + dy * dy);
    }
    m
}

/// An indexed point: projected `[x, y]` in metres and the point's index in
/// [`ServiceNetwork::points`].
pub(crate) type IndexedPoint = GeomWithData<[f64; 2], u32>;

/// Service points with an R-tree per (zone, service), built once and queried many times.
///
/// Distances are only ever measured inside one zone: a point in La Réunion
/// is never a candidate for a metropolitan territory.
#[derive(Debug, Clone)]
pub struct ServiceNetwork {
    points: Vec<ServicePoint>,
    trees: HashMap<(Zone, Service), RTree<IndexedPoint>>,
}

impl ServiceNetwork {
    /// Indexes `points` (bulk-loaded R-trees).
    ///
    /// # Panics
    /// Never on input; more than `u32::MAX` points would not fit the index
    /// and the excess is not indexed (there are about 20,000 in France).
    pub fn new(points: Vec<ServicePoint>) -> Self {
        let mut buckets: HashMap<(Zone, Service), Vec<IndexedPoint>> = HashMap::new();
        for (i, p) in points.iter().enumerate().take(u32::MAX as usize) {
            for service in p.services.iter() {
                buckets
                    .entry((p.zone, service))
                    .or_default()
                    .push(GeomWithData::new([p.xy.x, p.xy.y], i as u32));
            }
        }
        let trees = buckets
            .into_iter()
            .map(|(key, items)| (key, RTree::bulk_load(items)))
            .collect();
        ServiceNetwork { points, trees }
    }

    /// Every point, in input order.
    pub fn points(&self) -> &[ServicePoint] {
        &self.points
    }

    /// The point at `index`.
    pub fn point(&self, index: usize) -> Option<&ServicePoint> {
        self.points.get(index)
    }

    /// The R-tree of the points offering `service` in `zone`, if there are any.
    pub(crate) fn tree(&self, zone: Zone, service: Service) -> Option<&RTree<IndexedPoint>> {
        self.trees.get(&(zone, service))
    }

    /// How many points offer `service` (all zones).
    pub fn count(&self, service: Service) -> usize {
        Zone::ALL
            .iter()
            .filter_map(|z| self.tree(*z, service))
            .map(RTree::size)
            .sum()
    }

    /// Distances in metres from each of `xys` (projected, in `zone`) to the
    /// nearest point offering `service`, written to `out` in the same order;
    /// `f64::INFINITY` when the zone has no such point.
    ///
    /// Exact, and much faster than one tree query per coordinate when the
    /// coordinates are spatially compact (the cells of a commune): the batch
    /// is cut into square tiles of about 256 coordinates (split k-d
    /// style where still fuller); for
    /// each block, every point within `R + d` of its bounding box is a
    /// candidate, where `R` is the box's half-diagonal and `d` the distance
    /// from the box centre to its nearest point (no coordinate of the box can
    /// have a nearest point farther than that); each coordinate then takes
    /// the minimum over the block's few candidates.
    pub fn nearest_distances(
        &self,
        zone: Zone,
        service: Service,
        xys: &[Coord<f64>],
        out: &mut Vec<f64>,
    ) {
        out.clear();
        out.resize(xys.len(), f64::INFINITY);
        let Some(tree) = self.tree(zone, service) else {
            return;
        };
        let mut candidates = Candidates::default();
        if xys.len() <= BLOCK {
            let mut order: Vec<u32> = (0..xys.len() as u32).collect();
            nearest_blocks(tree, xys, &mut order, out, &mut candidates);
        } else {
            nearest_tiles(tree, xys, out, &mut candidates);
        }
    }

    /// The nearest point offering `service` to a projected coordinate in
    /// `zone`: its index and distance in metres.
    pub fn nearest(&self, zone: Zone, service: Service, xy: Coord<f64>) -> Option<(usize, f64)> {
        let tree = self.tree(zone, service)?;
        tree.nearest_neighbor_iter_with_distance_2(&[xy.x, xy.y])
            .next()
            .map(|(p, d2)| (p.data as usize, d2.sqrt()))
    }
}
