//! The result of a coverage analysis.

use std::cmp::Ordering;
use std::fmt;

use super::Rule;
use crate::model::{Service, ServicePoint, Territory, TerritoryKind};
use crate::network::ServiceNetwork;

/// The nearest point to a territory: its index in the network and its
/// distance to the territory's boundary (0 when inside).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Nearest {
    /// Index in [`ServiceNetwork::points`].
    pub point: usize,
    /// Distance in metres.
    pub distance_m: f64,
}

/// One territory × service result, with indices into the inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct CoverageRow {
    /// Index of the territory in the analysed slice.
    pub territory: usize,
    /// The service.
    pub service: Service,
    /// The rule that was applied.
    pub rule: Rule,
    /// Points offering the service inside the territory (boundary included).
    pub points_inside: u32,
    /// Points offering the service within the rule's radius (equal to
    /// `points_inside` under [`Rule::Inside`]).
    pub points_within: u32,
    /// The nearest point offering the service in the same zone, if any.
    pub nearest: Option<Nearest>,
    /// Whether the territory is served under the rule.
    pub served: bool,
}

/// One result with its territory and nearest point resolved.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    /// The territory.
    pub territory: &'a Territory,
    /// The service.
    pub service: Service,
    /// The rule applied.
    pub rule: Rule,
    /// Points inside.
    pub points_inside: u32,
    /// Points within the rule's radius.
    pub points_within: u32,
    /// The nearest point and its distance in metres.
    pub nearest: Option<(&'a ServicePoint, f64)>,
    /// Served under the rule.
    pub served: bool,
}

impl Record<'_> {
    /// Distance to the nearest point in metres, if there is one.
    pub fn nearest_m(&self) -> Option<f64> {
        self.nearest.map(|(_, d)| d)
    }
}

/// Totals for one territory kind and service.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// The territory kind.
    pub kind: TerritoryKind,
    /// The service.
    pub service: Service,
    /// Territories measured.
    pub territories: usize,
    /// Territories served.
    pub served: usize,
    /// Territories not served.
    pub unserved: usize,
    /// Population of all territories with a known population.
    pub population: u64,
    /// Population of the unserved territories with a known population.
    pub population_unserved: u64,
    /// Unserved territories whose population is unknown.
    pub unserved_without_population: usize,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} × {}: {} territories, {} served, {} unserved ({} inhabitants unserved",
            self.kind,
            self.service,
            self.territories,
            self.served,
            self.unserved,
            self.population_unserved
        )?;
        if self.population > 0 {
            write!(
                f,
                ", {:.1}% of {}",
                100.0 * self.population_unserved as f64 / self.population as f64,
                self.population
            )?;
        }
        if self.unserved_without_population > 0 {
            write!(
                f,
                "; {} unserved without population",
                self.unserved_without_population
            )?;
        }
        f.write_str(")")
    }
}

/// The result of [`Coverage::run`](super::Coverage::run): one row per
/// territory and service, in territory order then service order.
#[derive(Debug, Clone)]
pub struct CoverageReport<'a> {
    network: &'a ServiceNetwork,
    territories: &'a [Territory],
    services: Vec<Service>,
    rows: Vec<CoverageRow>,
}

impl<'a> CoverageReport<'a> {
    pub(super) fn new(
        network: &'a ServiceNetwork,
        territories: &'a [Territory],
        services: Vec<Service>,
        rows: Vec<CoverageRow>,
    ) -> Self {
        CoverageReport {
            network,
            territories,
            services,
            rows,
        }
    }

    /// The raw rows.
    pub fn rows(&self) -> &[CoverageRow] {
        &self.rows
    }

    /// The services measured, in the order given.
    pub fn services(&self) -> &[Service] {
        &self.services
    }

    /// The territories analysed.
    pub fn territories(&self) -> &'a [Territory] {
        self.territories
    }

    /// The network the territories were measured against.
    pub fn network(&self) -> &'a ServiceNetwork {
        self.network
    }

    /// Resolves one row.
    pub fn record(&self, row: &CoverageRow) -> Option<Record<'a>> {
        let network = self.network;
        Some(Record {
            territory: self.territories.get(row.territory)?,
            service: row.service,
            rule: row.rule,
            points_inside: row.points_inside,
            points_within: row.points_within,
            nearest: row
                .nearest
                .and_then(|n| network.point(n.point).map(|p| (p, n.distance_m))),
            served: row.served,
        })
    }

    /// Every result, resolved.
    pub fn iter(&self) -> impl Iterator<Item = Record<'a>> + '_ {
        self.rows.iter().filter_map(|r| self.record(r))
    }

    /// The result for one territory id and service.
    pub fn get(&self, territory_id: &str, service: Service) -> Option<Record<'a>> {
        self.iter()
            .find(|r| r.service == service && r.territory.id == territory_id)
    }

    /// The unserved territories for `service`, largest population first
    /// (unknown populations last), then farthest nearest point first, then by id.
    pub fn gaps(&self, service: Service) -> Vec<Record<'a>> {
        let mut gaps: Vec<Record<'a>> = self
            .iter()
            .filter(|r| r.service == service && !r.served)
            .collect();
        gaps.sort_by(gap_order);
        gaps
    }

    /// Totals per territory kind and service, in kind then service order.
    pub fn summary(&self) -> Vec<Summary> {
        let mut out: Vec<Summary> = Vec::new();
        for r in self.iter() {
            let idx = match out
                .iter()
                .position(|s| s.kind == r.territory.kind && s.service == r.service)
            {
                Some(i) => i,
                None => {
                    out.push(Summary {
                        kind: r.territory.kind,
                        service: r.service,
                        territories: 0,
                        served: 0,
                        unserved: 0,
                        population: 0,
                        population_unserved: 0,
                        unserved_without_population: 0,
                    });
                    out.len() - 1
                }
            };
            let Some(s) = out.get_mut(idx) else { continue };
            s.territories += 1;
            s.population += r.territory.population.unwrap_or(0);
            if r.served {
                s.served += 1;
            } else {
                s.unserved += 1;
                match r.territory.population {
                    Some(p) => s.population_unserved += p,
                    None => s.unserved_without_population += 1,
                }
            }
        }
        out.sort_by_key(|s| (s.kind, s.service));
        out
    }
}

fn gap_order(a: &Record<'_>, b: &Record<'_>) -> Ordering {
    let pop = |r: &Record<'_>| r.territory.population;
    match (pop(a), pop(b)) {
        (Some(x), Some(y)) => y.cmp(&x),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
    .then_with(|| {
        let d = |r: &Record<'_>| r.nearest_m().unwrap_or(f64::INFINITY);
        d(b).total_cmp(&d(a))
    })
    .then_with(|| a.territory.id.cmp(&b.territory.id))
}
