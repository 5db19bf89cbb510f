//! Which territory a point falls in: an R-tree over territory bounding boxes
//! per zone, then an exact point-in-polygon test.

use std::collections::HashMap;

use geo::{BoundingRect, Intersects};

use geo_types::{Coord, Point};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use crate::geom::crs::Zone;
use crate::model::{Territory, distance_to_polygon};

type Boxed = GeomWithData<Rectangle<[f64; 2]>, u32>;

/// Locates points in a set of territories.
#[derive(Debug)]
pub struct TerritoryIndex<'a> {
    territories: &'a [Territory],
    trees: HashMap<Zone, RTree<Boxed>>,
}

impl<'a> TerritoryIndex<'a> {
    /// Indexes `territories`.
    pub fn new(territories: &'a [Territory]) -> Self {
        let mut buckets: HashMap<Zone, Vec<Boxed>> = HashMap::new();
        for (i, t) in territories.iter().enumerate().take(u32::MAX as usize) {
            if let Some(r) = t.geometry.bounding_rect() {
                let rect = Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
                buckets
                    .entry(t.zone)
                    .or_default()
                    .push(GeomWithData::new(rect, i as u32));
            }
        }
        let trees = buckets
            .into_iter()
            .map(|(z, v)| (z, RTree::bulk_load(v)))
            .collect();
        TerritoryIndex { territories, trees }
    }

    /// The territories indexed.
    pub fn territories(&self) -> &'a [Territory] {
        self.territories
    }

    /// The index of the territory containing `xy` (boundary included, within
    /// [`ON_BOUNDARY_M`](crate::model::ON_BOUNDARY_M), as coverage counts a
    /// point inside) in `zone`; the lowest index when territories overlap.
    pub fn locate(&self, zone: Zone, xy: Coord<f64>) -> Option<usize> {
        let tree = self.trees.get(&zone)?;
        let p = Point(xy);
        tree.locate_in_envelope_intersecting(&AABB::from_point([xy.x, xy.y]))
            .map(|b| b.data as usize)
            .filter(|&i| {
                self.territories.get(i).is_some_and(|t| {
                    t.geometry.intersects(&p)
                        || distance_to_polygon(&t.geometry, [xy.x, xy.y]) == 0.0
                })
            })
            .min()
    }
}
