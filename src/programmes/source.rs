//! `--programmes auto|<csv>`: a command's points de contact with the
//! programmes' hosts applied, and what each service's sites rest on.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use super::{PROGRAMME_SERVICES, ProgrammeFiles};
use crate::error::Result;
use crate::load::Sources;
use crate::model::{Evidence, Service, ServiceEvidence, ServicePoint, Strength};
use crate::read::{Assignment, apply_assignments, read_assignments};
use crate::report::LoadReport;

/// Where a command's programme hosts come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProgrammeSource {
    /// Derived from the command's own points and partner files with the
    /// built-in rules, as `maillage programmes` derives them (`auto`).
    Auto,
    /// A `programmes.csv` written by `maillage programmes`, or any
    /// `site_id,service[,evidence]` list.
    File(PathBuf),
}

impl ProgrammeSource {
    /// The file read, if any.
    pub fn file(&self) -> Option<&Path> {
        match self {
            ProgrammeSource::Auto => None,
            ProgrammeSource::File(path) => Some(path),
        }
    }

    /// Applies the hosts to `points`, the points and partners read from
    /// `sources`: each host's service is added to its point de contact, and
    /// with `auto` the mediation partners found offer mediation on their
    /// own. Returns what was applied; its load reports say what was read,
    /// applied and skipped (unknown site ids, unknown services).
    pub fn apply(&self, sources: &Sources, points: &mut [ServicePoint]) -> Result<Applied> {
        let (lines, reports) = match self {
            ProgrammeSource::Auto => {
                let derived = ProgrammeFiles::of_sources(sources).run()?;
                let mut applied = derived.apply(points);
                applied.source = "programme hosts derived (--programmes auto) → points".into();
                derived.mark_partners(points);
                (derived.evidence(), vec![applied])
            }
            ProgrammeSource::File(path) => {
                let (list, read) = read_assignments(path)?;
                // A file with no row names no host (every programme is
                // then "no data"); rows that are all skipped are an error.
                if read.read > 0 {
                    crate::load::require_some(&read)?;
                }
                let mut applied = apply_assignments(points, &list);
                applied.source = format!("programme hosts of {} → points", path.display());
                (file_evidence(path, &list), vec![read, applied])
            }
        };
        Ok(Applied {
            evidence: sites_evidence(points, lines),
            reports,
        })
    }
}

impl FromStr for ProgrammeSource {
    type Err = String;

    /// `auto`, or a file path.
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s.trim() {
            "" => Err("give `auto` or a programmes CSV (site_id,service[,evidence])".into()),
            "auto" => Ok(ProgrammeSource::Auto),
            path => Ok(ProgrammeSource::File(PathBuf::from(path))),
        }
    }
}

impl fmt::Display for ProgrammeSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProgrammeSource::Auto => f.write_str("auto"),
            ProgrammeSource::File(path) => write!(f, "{}", path.display()),
        }
    }
}

/// The programmes applied to a command's points.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    /// One line per service some point offers, and one per programme
    /// service (with 0 sites when nothing names a host): how many sites,
    /// from what, how strong.
    pub evidence: Vec<ServiceEvidence>,
    /// What was read and applied.
    pub reports: Vec<LoadReport>,
}

/// The evidence lines of a programmes file: for each programme service,
/// the rows naming it and the weakest of their evidence (a row without
/// evidence is the user's own list).
fn file_evidence(path: &Path, list: &[Assignment]) -> Vec<ServiceEvidence> {
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into(),
    );
    PROGRAMME_SERVICES
        .iter()
        .map(|&service| {
            let mut by_evidence: BTreeMap<&str, usize> = BTreeMap::new();
            let mut strength = None;
            for a in list.iter().filter(|a| a.service == service) {
                let e = a.evidence.unwrap_or(Evidence::UserList);
                *by_evidence.entry(e.as_str()).or_default() += 1;
                strength = strength.max(Some(e.strength()));
            }
            let counts: Vec<String> = by_evidence
                .iter()
                .map(|(e, n)| format!("{e} {n}"))
                .collect();
            ServiceEvidence {
                service,
                sites: by_evidence.values().sum(),
                strength: strength.unwrap_or(Strength::Weak),
                source: if counts.is_empty() {
                    format!("{name} names none")
                } else {
                    format!("{name}: {}", counts.join(", "))
                },
                note: String::new(),
            }
        })
        .collect()
}

/// Completes the programme lines with the sites of `points` offering each
/// service (hosts and partner sites counted apart), and adds a listed line
/// for every other service some point offers.
pub fn sites_evidence(
    points: &[ServicePoint],
    lines: Vec<ServiceEvidence>,
) -> Vec<ServiceEvidence> {
    let count = |service: Service, postal: bool| {
        points
            .iter()
            .filter(|p| {
                p.services.contains(service) && p.services.contains(Service::Postal) == postal
            })
            .count()
    };
    let mut out = Vec::new();
    for service in Service::ALL {
        let (hosts, partners) = (count(service, true), count(service, false));
        match lines.iter().find(|l| l.service == service) {
            Some(line) => {
                let mut line = line.clone();
                line.source = format!(
                    "{} points de contact from {}, {partners} partner sites",
                    line.sites, line.source
                );
                line.sites = hosts + partners;
                out.push(line);
            }
            None if hosts + partners > 0 => out.push(ServiceEvidence {
                service,
                sites: hosts + partners,
                strength: Strength::Listed,
                source: match service {
                    Service::Postal => "the points de contact given",
                    Service::FranceServices => "the France Services sites given",
                    _ => "the sites given",
                }
                .to_owned(),
                note: String::new(),
            }),
            None => {}
        }
    }
    out
}
