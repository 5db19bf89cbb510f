//! Coverage: for each territory and service, the points inside, the
//! distance to the nearest point, the points within the rule's radius, and
//! whether the territory is served.
//!
//! ```
//! use maillage::{Coverage, Rule, Service, TerritoryKind};
//! let demo = maillage::demo::load("data/demo")?;
//! let report = Coverage::new(&demo.network, &demo.qpv)
//!     .services([Service::Postal, Service::Mediation])
//!     .rule_for(TerritoryKind::Qpv, Service::Mediation, Rule::Inside)
//!     .run()?;
//! for gap in report.gaps(Service::Mediation).iter().take(10) {
//!     println!("{} ({:?} inhabitants)", gap.territory.name, gap.territory.population);
//! }
//! let served = report.iter().filter(|r| r.service == Service::Postal && r.served).count();
//! assert_eq!(served, 3); // of the 4 QPV, within 500 m
//! # Ok::<(), maillage::Error>(())
//! ```

mod outcome;
mod read;
mod report;
mod rule;
pub mod schema;

pub use outcome::{NearestPoint, Outcome};
pub use read::{read_coverage, read_coverage_from};
pub use report::{CoverageReport, CoverageRow, Nearest, Record, Status, Summary};
pub use rule::{Rule, Rules};

use geo::BoundingRect;
use geo_types::{Coord, MultiPolygon, Rect};
use rayon::prelude::*;
use rstar::{AABB, RTree};

use crate::error::Result;
use crate::model::{Service, ServiceEvidence, Territory, TerritoryKind};
use crate::network::{IndexedPoint, ServiceNetwork};

/// A coverage analysis: territories × services under [`Rules`].
#[derive(Debug, Clone)]
pub struct Coverage<'a> {
    network: &'a ServiceNetwork,
    territories: &'a [Territory],
    services: Vec<Service>,
    rules: Rules,
    evidence: Vec<ServiceEvidence>,
}

impl<'a> Coverage<'a> {
    /// An analysis of `territories` against `network`, for [`Service::Postal`]
    /// under the default [`Rules`].
    pub fn new(network: &'a ServiceNetwork, territories: &'a [Territory]) -> Self {
        Coverage {
            network,
            territories,
            services: vec![Service::Postal],
            rules: Rules::default(),
            evidence: Vec::new(),
        }
    }

    /// The services to measure (duplicates are ignored).
    pub fn services(mut self, services: impl IntoIterator<Item = Service>) -> Self {
        self.services.clear();
        for s in services {
            if !self.services.contains(&s) {
                self.services.push(s);
            }
        }
        self
    }

    /// The rule for every service of one territory kind.
    pub fn rule(mut self, kind: TerritoryKind, rule: Rule) -> Self {
        self.rules.set(kind, rule);
        self
    }

    /// The rule for one service of one territory kind.
    pub fn rule_for(mut self, kind: TerritoryKind, service: Service, rule: Rule) -> Self {
        self.rules.set_for(kind, service, rule);
        self
    }

    /// One rule for every kind and service.
    pub fn rule_all(mut self, rule: Rule) -> Self {
        self.rules.set_all(rule);
        self
    }

    /// Says what a service's sites rest on (e.g. the evidence lines of
    /// [`ProgrammesReport::evidence`](crate::programmes::ProgrammesReport::evidence)):
    /// the summary prints it next to the service's figures, so partial
    /// evidence is never read as the whole programme. A later line for the
    /// same service replaces an earlier one.
    pub fn evidence(mut self, lines: impl IntoIterator<Item = ServiceEvidence>) -> Self {
        for line in lines {
            self.evidence.retain(|e| e.service != line.service);
            self.evidence.push(line);
        }
        self
    }

    /// Replaces all rules.
    pub fn rules(mut self, rules: Rules) -> Self {
        self.rules = rules;
        self
    }

    /// Runs the analysis (in parallel over territories).
    ///
    /// Fails only if a rule is invalid (a negative or non-finite radius).
    pub fn run(&self) -> Result<CoverageReport<'a>> {
        self.rules.validate()?;
        let rows: Vec<CoverageRow> = self
            .territories
            .par_iter()
            .enumerate()
            .flat_map_iter(|(i, t)| {
                let bbox = t.geometry.bounding_rect();
                self.services.iter().map(move |&service| {
                    let rule = self.rules.get(t.kind, service);
                    let tree = self.network.tree(t.zone, service);
                    let m = match (tree, bbox) {
                        (Some(tree), Some(bbox)) => {
                            measure(tree, &t.geometry, bbox, rule.radius_m())
                        }
                        _ => Measure::default(),
                    };
                    let served = match rule {
                        Rule::Inside => m.inside > 0,
                        Rule::WithinDistance(_) => m.within > 0,
                    };
                    CoverageRow {
                        territory: i,
                        service,
                        rule,
                        points_inside: m.inside,
                        points_within: m.within,
                        nearest: m.nearest,
                        served,
                    }
                })
            })
            .collect();
        Ok(CoverageReport::new(
            self.network,
            self.territories,
            self.services.clone(),
            rows,
            self.evidence.clone(),
        ))
    }
}

#[derive(Debug, Default)]
struct Measure {
    inside: u32,
    within: u32,
    nearest: Option<Nearest>,
}

pub use crate::model::distance_to_polygon;

/// `rect` grown by `margin` metres on every side.
pub(crate) fn grown(rect: Rect<f64>, margin: f64) -> Rect<f64> {
    let (min, max) = (rect.min(), rect.max());
    Rect::new(
        Coord {
            x: min.x - margin,
            y: min.y - margin,
        },
        Coord {
            x: max.x + margin,
            y: max.y + margin,
        },
    )
}

fn expanded(bbox: Rect<f64>, margin: f64) -> AABB<[f64; 2]> {
    let r = grown(bbox, margin);
    AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y])
}

fn closer(best: &mut Option<Nearest>, point: usize, distance_m: f64) {
    let better = match best {
        None => true,
        // Ties go to the lower index, so results do not depend on tree order.
        Some(b) => distance_m < b.distance_m || (distance_m == b.distance_m && point < b.point),
    };
    if better {
        *best = Some(Nearest { point, distance_m });
    }
}

/// Exact measures of one territory against one tree.
///
/// 1. Every point within `radius` of the bounding box is a candidate; its
///    exact distance to the polygon decides inside / within.
/// 2. If that did not find a point within the radius, the nearest point is
///    searched exactly: the point nearest the bounding-box centre gives an
///    upper bound `u` on the answer, and every point at distance ≤ `u` from
///    the polygon lies in the box grown by `u`.
fn measure(
    tree: &RTree<IndexedPoint>,
    geometry: &MultiPolygon<f64>,
    bbox: Rect<f64>,
    radius: f64,
) -> Measure {
    let mut m = Measure::default();
    for p in tree.locate_in_envelope_intersecting(&expanded(bbox, radius)) {
        let d = distance_to_polygon(geometry, *p.geom());
        if d == 0.0 {
            m.inside += 1;
        }
        if d <= radius {
            m.within += 1;
        }
        closer(&mut m.nearest, p.data as usize, d);
    }
    let found_within = m.nearest.as_ref().is_some_and(|n| n.distance_m <= radius);
    if !found_within {
        let c: Coord<f64> = bbox.center();
        if let Some(seed) = tree.nearest_neighbor(&[c.x, c.y]) {
            let seed_d = distance_to_polygon(geometry, *seed.geom());
            let bound = m
                .nearest
                .as_ref()
                .map_or(seed_d, |n| n.distance_m.min(seed_d));
            for p in tree.locate_in_envelope_intersecting(&expanded(bbox, bound)) {
                closer(
                    &mut m.nearest,
                    p.data as usize,
                    distance_to_polygon(geometry, *p.geom()),
                );
            }
        }
    }
    m
}
