//! The result of a coverage analysis.

use std::cmp::Ordering;
use std::fmt;

use super::Rule;
use crate::model::{Service, ServiceEvidence, ServicePoint, Territory, TerritoryKind};
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
    /// False when no site in the inputs offers the service: the territory
    /// is then not unserved but unknown ([`Status::NoData`]).
    pub has_data: bool,
}

impl Record<'_> {
    /// Distance to the nearest point in metres, if there is one.
    pub fn nearest_m(&self) -> Option<f64> {
        self.nearest.map(|(_, d)| d)
    }

    /// Served, unserved, or no data.
    pub fn status(&self) -> Status {
        if !self.has_data {
            Status::NoData
        } else if self.served {
            Status::Served
        } else {
            Status::Unserved
        }
    }
}

/// What a result says about a territory and service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Served under the rule.
    Served,
    /// Not served: the inputs have sites of the service, none close enough.
    Unserved,
    /// No site in the inputs offers the service: nothing can be said.
    /// "No data" is not "unserved".
    NoData,
}

impl Status {
    /// The identifier used in outputs: `served`, `unserved`, `no_data`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Served => "served",
            Status::Unserved => "unserved",
            Status::NoData => "no_data",
        }
    }

    /// The status named by its identifier ([`as_str`](Self::as_str)), if any.
    pub fn from_name(name: &str) -> Option<Status> {
        [Status::Served, Status::Unserved, Status::NoData]
            .into_iter()
            .find(|s| s.as_str() == name)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
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
    /// False when no site in the inputs offers the service: then `served`,
    /// `unserved` and the unserved populations are 0, and the summary says
    /// "no data", never N unserved territories.
    pub has_data: bool,
    /// What the service's sites rest on, when the caller said
    /// ([`Coverage::evidence`](super::Coverage::evidence)).
    pub evidence: Option<ServiceEvidence>,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.has_data {
            return write!(
                f,
                "{} × {}: {} territories, no data (no site in the inputs offers {})",
                self.kind, self.service, self.territories, self.service
            );
        }
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
        f.write_str(")")?;
        if let Some(e) = &self.evidence {
            write!(f, " — evidence: {e}")?;
        }
        Ok(())
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
    evidence: Vec<ServiceEvidence>,
}

impl<'a> CoverageReport<'a> {
    pub(super) fn new(
        network: &'a ServiceNetwork,
        territories: &'a [Territory],
        services: Vec<Service>,
        rows: Vec<CoverageRow>,
        evidence: Vec<ServiceEvidence>,
    ) -> Self {
        CoverageReport {
            network,
            territories,
            services,
            rows,
            evidence,
        }
    }

    /// True when some site in the network offers `service`. When none does,
    /// every result of the service is [`Status::NoData`]: the summary says
    /// "no data" and [`gaps`](Self::gaps) is empty. Maps should draw such a
    /// service as "no data", not as unserved.
    pub fn has_data(&self, service: Service) -> bool {
        self.network.count(service) > 0
    }

    /// What the sites of `service` rest on, when the caller said
    /// ([`Coverage::evidence`](super::Coverage::evidence)).
    pub fn evidence(&self, service: Service) -> Option<&ServiceEvidence> {
        self.evidence.iter().find(|e| e.service == service)
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
            has_data: self.has_data(row.service),
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
    /// Empty when no site offers the service ([`has_data`](Self::has_data)):
    /// no data is not a gap.
    pub fn gaps(&self, service: Service) -> Vec<Record<'a>> {
        if !self.has_data(service) {
            return Vec::new();
        }
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
                        has_data: self.has_data(r.service),
                        evidence: self.evidence(r.service).cloned(),
                    });
                    out.len() - 1
                }
            };
            let Some(s) = out.get_mut(idx) else { continue };
            s.territories += 1;
            s.population += r.territory.population.unwrap_or(0);
            if !s.has_data {
                continue;
            }
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
