//! A road graph and shortest travel times on it.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap};

use geo_types::Coord;
use rstar::RTree;
use rstar::primitives::GeomWithData;

use super::{Travel, TravelQuery, TravelTime};
use crate::geom::crs::Zone;
use crate::model::Service;
use crate::network::ServiceNetwork;

/// Car speeds by OSM `highway` class, km/h. Ways of a class not listed
/// (footway, path, track, cycleway, steps...) are not driveable.
///
/// Defaults (average speeds, below the legal limits to account for
/// junctions and traffic): motorway 110, trunk 90, primary 70, secondary 60,
/// tertiary 50, unclassified 40, residential 30, road 30, service 15,
/// living_street 10; `_link` roads: motorway 60, trunk 50, primary and
/// secondary 40, tertiary 30. `maxspeed` tags are not used.
#[derive(Debug, Clone, PartialEq)]
pub struct SpeedTable(BTreeMap<String, f64>);

impl Default for SpeedTable {
    fn default() -> Self {
        let pairs = [
            ("motorway", 110.0),
            ("motorway_link", 60.0),
            ("trunk", 90.0),
            ("trunk_link", 50.0),
            ("primary", 70.0),
            ("primary_link", 40.0),
            ("secondary", 60.0),
            ("secondary_link", 40.0),
            ("tertiary", 50.0),
            ("tertiary_link", 30.0),
            ("unclassified", 40.0),
            ("residential", 30.0),
            ("road", 30.0),
            ("service", 15.0),
            ("living_street", 10.0),
        ];
        SpeedTable(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    }
}

impl SpeedTable {
    /// The speed of a `highway` class, if cars use it.
    pub fn kmh(&self, highway: &str) -> Option<f64> {
        self.0.get(highway).copied()
    }

    /// Sets (or adds) a class's speed; a speed ≤ 0 makes the class not driveable.
    pub fn set(&mut self, highway: &str, kmh: f64) {
        if kmh > 0.0 && kmh.is_finite() {
            self.0.insert(highway.to_owned(), kmh);
        } else {
            self.0.remove(highway);
        }
    }
}

type NodePoint = GeomWithData<[f64; 2], u32>;

/// A directed road graph in one zone: nodes in metres, edges weighted in minutes.
#[derive(Debug, Clone)]
pub struct RoadNetwork {
    zone: Zone,
    nodes: Vec<Coord<f64>>,
    /// Incoming edges, as a compressed adjacency list: for node `v`,
    /// `rev_from[rev_offsets[v]..rev_offsets[v + 1]]` are the nodes with an
    /// edge to `v`, and `rev_minutes` their times.
    rev_offsets: Vec<u32>,
    rev_from: Vec<u32>,
    rev_minutes: Vec<f32>,
    tree: RTree<NodePoint>,
}

impl RoadNetwork {
    /// Builds a network from projected node positions and directed edges
    /// `(from, to, minutes)`. Edges naming a missing node, or with a
    /// negative or non-finite time, are ignored.
    pub fn new(zone: Zone, nodes: Vec<Coord<f64>>, edges: &[(u32, u32, f32)]) -> Self {
        let n = nodes.len();
        let valid = |&&(a, b, m): &&(u32, u32, f32)| {
            (a as usize) < n && (b as usize) < n && m.is_finite() && m >= 0.0
        };
        let mut counts = vec![0u32; n + 1];
        for &(_, b, _) in edges.iter().filter(valid) {
            if let Some(c) = counts.get_mut(b as usize + 1) {
                *c += 1;
            }
        }
        for i in 1..counts.len() {
            let prev = counts.get(i - 1).copied().unwrap_or(0);
            if let Some(c) = counts.get_mut(i) {
                *c += prev;
            }
        }
        let m = counts.last().copied().unwrap_or(0) as usize;
        let mut rev_from = vec![0u32; m];
        let mut rev_minutes = vec![0f32; m];
        let mut fill = counts.clone();
        for &(a, b, minutes) in edges.iter().filter(valid) {
            if let Some(slot) = fill.get_mut(b as usize) {
                let k = *slot as usize;
                if let (Some(f), Some(t)) = (rev_from.get_mut(k), rev_minutes.get_mut(k)) {
                    *f = a;
                    *t = minutes;
                }
                *slot += 1;
            }
        }
        let tree = RTree::bulk_load(
            nodes
                .iter()
                .enumerate()
                .map(|(i, c)| GeomWithData::new([c.x, c.y], i as u32))
                .collect(),
        );
        RoadNetwork {
            zone,
            nodes,
            rev_offsets: counts,
            rev_from,
            rev_minutes,
            tree,
        }
    }

    /// The zone the network lies in.
    pub fn zone(&self) -> Zone {
        self.zone
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Number of directed edges.
    pub fn edge_count(&self) -> usize {
        self.rev_from.len()
    }

    /// Position of a node.
    pub fn node(&self, index: usize) -> Option<Coord<f64>> {
        self.nodes.get(index).copied()
    }

    /// The node nearest to `xy` and its distance in metres.
    pub fn snap(&self, xy: Coord<f64>) -> Option<(usize, f64)> {
        self.tree
            .nearest_neighbor_iter_with_distance_2(&[xy.x, xy.y])
            .next()
            .map(|(p, d2)| (p.data as usize, d2.sqrt()))
    }

    /// Minutes from every node to the nearest of `sources` (node, starting
    /// minutes), following edge directions towards the sources; `f32::INFINITY`
    /// where no source is reachable. Multi-source Dijkstra on the reversed graph.
    pub fn minutes_to_nearest(&self, sources: &[(usize, f32)]) -> Vec<f32> {
        let mut best = vec![f32::INFINITY; self.nodes.len()];
        let mut heap = BinaryHeap::new();
        for &(node, start) in sources {
            if let Some(b) = best.get_mut(node)
                && start < *b
            {
                *b = start;
                heap.push(Visit {
                    minutes: start,
                    node: node as u32,
                });
            }
        }
        while let Some(Visit { minutes, node }) = heap.pop() {
            if best.get(node as usize).is_some_and(|&b| minutes > b) {
                continue;
            }
            let lo = self.rev_offsets.get(node as usize).copied().unwrap_or(0) as usize;
            let hi = self
                .rev_offsets
                .get(node as usize + 1)
                .copied()
                .unwrap_or(0) as usize;
            let from = self.rev_from.get(lo..hi).unwrap_or_default();
            let times = self.rev_minutes.get(lo..hi).unwrap_or_default();
            for (&prev, &t) in from.iter().zip(times) {
                let candidate = minutes + t;
                if let Some(b) = best.get_mut(prev as usize)
                    && candidate < *b
                {
                    *b = candidate;
                    heap.push(Visit {
                        minutes: candidate,
                        node: prev,
                    });
                }
            }
        }
        best
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Visit {
    minutes: f32,
    node: u32,
}

impl Eq for Visit {}

impl Ord for Visit {
    /// Reversed, so that `BinaryHeap` pops the smallest time first.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .minutes
            .total_cmp(&self.minutes)
            .then_with(|| other.node.cmp(&self.node))
    }
}

impl PartialOrd for Visit {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Travel times on a [`RoadNetwork`] to the nearest point offering a service.
///
/// Each service point and each origin is snapped to its nearest road node;
/// the snap distance is covered at `access_kmh` (default 20 km/h), and an
/// origin farther than `max_snap_m` (default 1,000 m) from any node has no
/// time (the road extract does not cover it).
#[derive(Debug, Clone)]
pub struct RoadTravelTime<'a> {
    roads: &'a RoadNetwork,
    minutes_at_node: Vec<f32>,
    access_kmh: f64,
    max_snap_m: f64,
    destinations: usize,
    /// Destinations farther than `max_snap_m` from any road node, left out.
    unsnapped: usize,
    mean_snap_m: f64,
    max_seen_snap_m: f64,
}

impl<'a> RoadTravelTime<'a> {
    /// Prepares times to the points of `network` offering `service` in the roads' zone.
    pub fn new(roads: &'a RoadNetwork, network: &ServiceNetwork, service: Service) -> Self {
        let points = network
            .points()
            .iter()
            .filter(|p| p.zone == roads.zone && p.services.contains(service))
            .map(|p| p.xy);
        Self::to_destinations(roads, points, 20.0, 1000.0)
    }

    /// Prepares times to arbitrary destinations (projected, in the roads' zone).
    pub fn to_destinations(
        roads: &'a RoadNetwork,
        destinations: impl IntoIterator<Item = Coord<f64>>,
        access_kmh: f64,
        max_snap_m: f64,
    ) -> Self {
        let snaps: Vec<(usize, f64)> = destinations
            .into_iter()
            .filter_map(|d| roads.snap(d))
            .collect();
        let kept: Vec<(usize, f64)> = snaps
            .iter()
            .copied()
            .filter(|&(_, snap)| snap <= max_snap_m)
            .collect();
        let sources: Vec<(usize, f32)> = kept
            .iter()
            .map(|&(node, snap)| (node, (snap / 1000.0 / access_kmh * 60.0) as f32))
            .collect();
        let mean_snap_m = if kept.is_empty() {
            0.0
        } else {
            kept.iter().map(|s| s.1).sum::<f64>() / kept.len() as f64
        };
        RoadTravelTime {
            roads,
            minutes_at_node: roads.minutes_to_nearest(&sources),
            access_kmh,
            max_snap_m,
            destinations: sources.len(),
            unsnapped: snaps.len() - kept.len(),
            mean_snap_m,
            max_seen_snap_m: kept.iter().map(|s| s.1).fold(0.0, f64::max),
        }
    }

    /// How many destinations were snapped onto the network.
    pub fn destinations(&self) -> usize {
        self.destinations
    }

    /// Destinations left out because no road node lies within the maximum snap distance.
    pub fn unsnapped_destinations(&self) -> usize {
        self.unsnapped
    }

    /// Mean and largest snap distance of the destinations kept, in metres.
    pub fn destination_snaps_m(&self) -> (f64, f64) {
        (self.mean_snap_m, self.max_seen_snap_m)
    }

    /// Minutes from a projected origin, with the node it snapped to and the snap distance.
    pub fn minutes_from(&self, origin: Coord<f64>) -> Option<(f64, usize, f64)> {
        let (node, snap) = self.roads.snap(origin)?;
        if snap > self.max_snap_m {
            return None;
        }
        let on_road = *self.minutes_at_node.get(node)?;
        on_road.is_finite().then(|| {
            (
                f64::from(on_road) + snap / 1000.0 / self.access_kmh * 60.0,
                node,
                snap,
            )
        })
    }
}

impl TravelTime for RoadTravelTime<'_> {
    fn label(&self) -> String {
        format!(
            "OpenStreetMap road network ({} nodes, {} directed edges; {} destinations snapped, mean {:.0} m, max {:.0} m, {} farther than {} m left out; snaps covered at {} km/h)",
            self.roads.node_count(),
            self.roads.edge_count(),
            self.destinations,
            self.mean_snap_m,
            self.max_seen_snap_m,
            self.unsnapped,
            self.max_snap_m,
            self.access_kmh
        )
    }

    fn travel(&self, query: &TravelQuery<'_>) -> Option<Travel> {
        if query.zone != self.roads.zone {
            return None;
        }
        self.minutes_from(query.origin)
            .map(|(minutes, _, snap)| Travel {
                minutes,
                snap_m: Some(snap),
            })
    }
}
