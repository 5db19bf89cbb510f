//! The result of a programme derivation: the hosts (`programmes.csv`, a
//! valid assignments file) and the match report (`programmes_report.json`).

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::io::Write;
use std::path::Path;

use super::PROGRAMME_SERVICES;
use super::rules::{Pattern, ProgrammeRules};
use crate::error::{Error, Result};
use crate::model::{Evidence, PointKind, Service, ServiceEvidence, ServicePoint, Strength};
use crate::network::ServiceNetwork;
use crate::read::{Assignment, apply_assignments};
use crate::report::LoadReport;

/// The columns of `programmes.csv`.
pub const PROGRAMMES_COLUMNS: [&str; 5] =
    ["site_id", "service", "evidence", "detail", "distance_m"];

/// A point de contact that hosts a programme's service.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Host {
    /// The point de contact's id.
    pub site_id: String,
    /// Its name (label).
    pub site_name: String,
    /// Its kind.
    pub site_kind: PointKind,
    /// The service it hosts.
    pub service: Service,
    /// The strongest evidence found.
    pub evidence: Evidence,
    /// What the evidence is (the partner and its id, the label and the
    /// pattern, the user list's line), then the weaker evidence found too.
    pub detail: String,
    /// Distance to the partner for the evidence that is a match (metres).
    pub distance_m: Option<f64>,
    /// How many pieces of evidence name this site for this service.
    pub sources: usize,
}

/// How one partner (a lieu hosted by La Poste, a mediation partner) was
/// matched to the points de contact.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PartnerMatch {
    /// The partner's id (`lieu:…`, `fs:…`).
    pub partner_id: String,
    /// Its name.
    pub partner_name: String,
    /// Why it counts (hosted_partner_siret, hosted_partner_name,
    /// co_located_partner).
    pub evidence: Evidence,
    /// The point de contact matched (the nearest within the distance) and
    /// its distance, if any.
    pub site: Option<(String, f64)>,
    /// The other points de contact within the distance (the match is
    /// ambiguous when there is one), nearest first.
    pub also_within: Vec<(String, f64)>,
    /// The nearest point de contact of its zone, matched or not.
    pub nearest: Option<(String, f64)>,
    /// Why it is unmatched, when it is.
    pub reason: Option<String>,
}

impl PartnerMatch {
    /// True when another point de contact lies within the distance too.
    pub fn is_ambiguous(&self) -> bool {
        self.site.is_some() && !self.also_within.is_empty()
    }
}

/// A point de contact whose label matched a rule.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LabelHit {
    /// The point's id.
    pub site_id: String,
    /// Its label.
    pub label: String,
    /// Its kind.
    pub kind: PointKind,
    /// The service the rule gives.
    pub service: Service,
    /// The pattern that matched.
    pub pattern: String,
    /// The rule's line (`<file>:<line>`).
    pub rule: String,
}

impl LabelHit {
    pub(super) fn new(p: &ServicePoint, service: Service, pattern: &Pattern) -> Self {
        LabelHit {
            site_id: p.id.clone(),
            label: p.name.clone(),
            kind: p.kind,
            service,
            pattern: pattern.text.clone(),
            rule: pattern.origin.clone(),
        }
    }
}

/// A disagreement between the user's list and the derivation, or a user
/// row that cannot be applied.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Conflict {
    /// The site.
    pub site_id: String,
    /// The service.
    pub service: Service,
    /// What happened, in words.
    pub what: String,
}

/// The result of [`Programmes::run`](super::Programmes::run).
#[derive(Debug, Clone)]
pub struct ProgrammesReport {
    pub(super) hosts: Vec<Host>,
    pub(super) digital: Vec<PartnerMatch>,
    pub(super) mediation: Vec<PartnerMatch>,
    pub(super) labels: Vec<LabelHit>,
    pub(super) conflicts: Vec<Conflict>,
    pub(super) rules: ProgrammeRules,
    pub(super) loads: Vec<LoadReport>,
    pub(super) user_services: HashSet<Service>,
}

impl ProgrammesReport {
    /// The hosts, by service then site id.
    pub fn hosts(&self) -> &[Host] {
        &self.hosts
    }

    /// The hosts of one service.
    pub fn hosts_of(&self, service: Service) -> impl Iterator<Item = &Host> {
        self.hosts.iter().filter(move |h| h.service == service)
    }

    /// Lieux hosted by La Poste and how each was matched.
    pub fn digital_matches(&self) -> &[PartnerMatch] {
        &self.digital
    }

    /// Mediation partners and how each was matched.
    pub fn mediation_matches(&self) -> &[PartnerMatch] {
        &self.mediation
    }

    /// Label hits, in point order.
    pub fn label_hits(&self) -> &[LabelHit] {
        &self.labels
    }

    /// Disagreements with the user's list.
    pub fn conflicts(&self) -> &[Conflict] {
        &self.conflicts
    }

    /// The load reports of the files read (by [`ProgrammeFiles::run`](super::ProgrammeFiles::run)).
    pub fn loads(&self) -> &[LoadReport] {
        &self.loads
    }

    /// The rules applied.
    pub fn rules(&self) -> &ProgrammeRules {
        &self.rules
    }

    /// Hosts of `service` per point kind.
    pub fn hosts_by_kind(&self, service: Service) -> BTreeMap<PointKind, usize> {
        let mut out = BTreeMap::new();
        for h in self.hosts_of(service) {
            *out.entry(h.site_kind).or_default() += 1;
        }
        out
    }

    /// The hosts as assignments (line numbers are the rows of
    /// `programmes.csv`, header = line 1).
    pub fn assignments(&self) -> Vec<Assignment> {
        self.hosts
            .iter()
            .enumerate()
            .map(|(i, h)| Assignment {
                site_id: h.site_id.clone(),
                service: h.service,
                evidence: Some(h.evidence),
                line: i as u64 + 2,
            })
            .collect()
    }

    /// Adds each host's service to its point ([`apply_assignments`]).
    pub fn apply(&self, points: &mut [ServicePoint]) -> LoadReport {
        apply_assignments(points, &self.assignments())
    }

    /// Marks every mediation partner site found (a lieu, a France
    /// Services run by a Pimms) as offering [`Service::Mediation`] itself:
    /// partners serve on their own, as a partner layer. Ids absent from
    /// `points` are ignored; returns how many points were marked.
    pub fn mark_partners(&self, points: &mut [ServicePoint]) -> usize {
        let ids: HashSet<&str> = self
            .mediation
            .iter()
            .map(|m| m.partner_id.as_str())
            .collect();
        let mut marked = 0;
        for p in points.iter_mut() {
            if ids.contains(p.id.as_str()) && !p.services.contains(Service::Mediation) {
                p.services.insert(Service::Mediation);
                marked += 1;
            }
        }
        marked
    }

    /// One evidence line per programme service: how many sites, from what,
    /// how strong (the weakest evidence among its hosts), and what it is not.
    pub fn evidence(&self) -> Vec<ServiceEvidence> {
        PROGRAMME_SERVICES
            .iter()
            .map(|&service| {
                let hosts: Vec<&Host> = self.hosts_of(service).collect();
                let strength = hosts
                    .iter()
                    .map(|h| h.evidence.strength())
                    .max()
                    .unwrap_or(Strength::Weak);
                let (source, note) = if self.user_services.contains(&service) {
                    ("the user's assignments list".to_owned(), String::new())
                } else {
                    self.rules
                        .words
                        .get(service.as_str())
                        .cloned()
                        .unwrap_or_default()
                };
                ServiceEvidence {
                    service,
                    sites: hosts.len(),
                    strength,
                    source,
                    note,
                }
            })
            .collect()
    }

    /// One evidence line per service of `network`, once these hosts are
    /// applied to it: every other service some site offers as listed
    /// ("the points de contact given"), and for each programme the hosts'
    /// line ([`evidence`](Self::evidence)) completed with the partner sites
    /// that offer the service on their own.
    pub fn network_evidence(&self, network: &ServiceNetwork) -> Vec<ServiceEvidence> {
        super::source::sites_evidence(network.points(), self.evidence())
    }

    /// Writes `programmes.csv` (`site_id,service,evidence,detail,distance_m`:
    /// a valid `--assignments` file) and `programmes_report.json` (the
    /// matches, ambiguous matches, unmatched partners with their reasons,
    /// label hits, conflicts, evidence lines and load reports) into `dir`.
    pub fn write(&self, dir: impl AsRef<Path>) -> Result<()> {
        let dir = dir.as_ref();
        let csv_path = dir.join("programmes.csv");
        let rows = self.hosts.iter().map(|h| {
            vec![
                h.site_id.clone(),
                h.service.as_str().to_owned(),
                h.evidence.as_str().to_owned(),
                h.detail.clone(),
                h.distance_m.map(|d| format!("{d:.1}")).unwrap_or_default(),
            ]
        });
        crate::write::table::csv_file(&csv_path, &PROGRAMMES_COLUMNS, rows)?;
        let json_path = dir.join("programmes_report.json");
        let json = self.to_json();
        crate::outfile::write_file(&json_path, |out| {
            serde_json::to_writer_pretty(&mut *out, &json).map_err(|e| Error::encode("JSON", e))?;
            out.write_all(b"\n")
                .map_err(|e| Error::write(&json_path, e))
        })
    }

    /// The match report as JSON (the content of `programmes_report.json`).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::json;
        let split = |matches: &[PartnerMatch]| {
            let matched: Vec<&PartnerMatch> = matches.iter().filter(|m| m.site.is_some()).collect();
            let ambiguous: Vec<&PartnerMatch> =
                matches.iter().filter(|m| m.is_ambiguous()).collect();
            let unmatched: Vec<&PartnerMatch> =
                matches.iter().filter(|m| m.site.is_none()).collect();
            json!({
                "partners": matches.len(),
                "matched": matched.len(),
                "ambiguous": ambiguous.len(),
                "unmatched": unmatched.len(),
                "matches": matched,
                "ambiguous_matches": ambiguous,
                "unmatched_partners": unmatched,
            })
        };
        let by_kind = |s: Service| -> BTreeMap<&'static str, usize> {
            self.hosts_by_kind(s)
                .into_iter()
                .map(|(k, n)| (k.as_str(), n))
                .collect()
        };
        json!({
            "hosts": self.hosts.len(),
            "hosts_by_service": PROGRAMME_SERVICES.iter().map(|&s| (s.as_str(), json!({
                "sites": self.hosts_of(s).count(),
                "by_kind": by_kind(s),
            }))).collect::<BTreeMap<_, _>>(),
            "evidence": self.evidence().iter().map(ToString::to_string).collect::<Vec<_>>(),
            "digital_inclusion": split(&self.digital),
            "mediation": split(&self.mediation),
            "label_hits": self.labels,
            "conflicts": self.conflicts,
            "rules": {
                "digital_inclusion.distance_m": self.rules.digital_distance_m,
                "mediation.distance_m": self.rules.mediation_distance_m,
            },
            "loads": self.loads.iter().map(ToString::to_string).collect::<Vec<_>>(),
        })
    }
}

impl fmt::Display for ProgrammesReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = |m: &[PartnerMatch]| {
            (
                m.len(),
                m.iter().filter(|x| x.site.is_some()).count(),
                m.iter().filter(|x| x.is_ambiguous()).count(),
            )
        };
        let (n, matched, ambiguous) = count(&self.digital);
        writeln!(
            f,
            "digital inclusion: {n} lieux hosted by La Poste, {matched} matched within {} m ({ambiguous} ambiguous), {} unmatched",
            self.rules.digital_distance_m,
            n - matched
        )?;
        let (n, matched, ambiguous) = count(&self.mediation);
        writeln!(
            f,
            "mediation: {n} mediation partners, {matched} in the same building as a point de contact (within {} m; {ambiguous} ambiguous)",
            self.rules.mediation_distance_m
        )?;
        let ess = self
            .labels
            .iter()
            .filter(|l| l.service == Service::PointPosteEss)
            .count();
        writeln!(
            f,
            "label hits: {ess} point_poste_ess, {} mediation",
            self.labels.len() - ess
        )?;
        for s in PROGRAMME_SERVICES {
            let kinds: Vec<String> = self
                .hosts_by_kind(s)
                .iter()
                .map(|(k, n)| format!("{n} {k}"))
                .collect();
            writeln!(
                f,
                "{s}: {} points de contact ({})",
                self.hosts_of(s).count(),
                kinds.join(", ")
            )?;
        }
        for e in self.evidence() {
            writeln!(f, "  {e}")?;
        }
        if !self.conflicts.is_empty() {
            writeln!(f, "{} conflicts with the user list", self.conflicts.len())?;
        }
        Ok(())
    }
}
