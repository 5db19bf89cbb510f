//! The indexed network of service points: one R-tree per zone and service.

use std::collections::HashMap;

use geo_types::Coord;
use rstar::RTree;
use rstar::primitives::GeomWithData;

use crate::crs::Zone;
use crate::model::{Service, ServicePoint};

/// An indexed point: projected `[x, y]` in metres and the point's index in
/// [`ServiceNetwork::points`].
pub type IndexedPoint = GeomWithData<[f64; 2], u32>;

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
    pub fn tree(&self, zone: Zone, service: Service) -> Option<&RTree<IndexedPoint>> {
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

    /// The nearest point offering `service` to a projected coordinate in
    /// `zone`: its index and distance in metres.
    pub fn nearest(&self, zone: Zone, service: Service, xy: Coord<f64>) -> Option<(usize, f64)> {
        let tree = self.tree(zone, service)?;
        tree.nearest_neighbor_iter_with_distance_2(&[xy.x, xy.y])
            .next()
            .map(|(p, d2)| (p.data as usize, d2.sqrt()))
    }
}
