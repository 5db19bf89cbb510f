//! Programme assignments: which La Poste sites host mediation, a Point Poste
//! ESS or digital-inclusion work.
//!
//! La Poste does not publish these lists, so users bring them as a CSV of
//! `site_id,service` rows (and `maillage programmes` writes one, with an
//! `evidence` column saying what each row rests on).

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use crate::error::Result;
use crate::model::{Evidence, Service, ServicePoint};
use crate::read::text::CsvTable;
use crate::report::LoadReport;
use crate::skip::Location;
use crate::skip::SkipReason;

/// One row of an assignments file: site `site_id` offers `service`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// The point's id, as in the points file (La Poste `Identifiant du site`).
    pub site_id: String,
    /// The service the site offers.
    pub service: Service,
    /// What the row rests on, when the file says (the `evidence` column
    /// of `programmes.csv`); `None`: the user's own list.
    pub evidence: Option<Evidence>,
    /// Line in the assignments file, for reporting.
    pub line: u64,
}

/// Reads a `site_id,service` CSV (`;` or `,`). Service names are parsed by
/// [`Service::from_str`](std::str::FromStr); unknown names are skipped and
/// counted. An optional `evidence` column (as `programmes.csv` writes it)
/// is kept; a row whose evidence is not one of [`Evidence::ALL`] is skipped
/// and counted (its strength would be unknown), an empty one is the
/// user's own list.
pub fn read_assignments(path: impl AsRef<Path>) -> Result<(Vec<Assignment>, LoadReport)> {
    let path = path.as_ref();
    read_assignments_table(CsvTable::open(path)?, path)
}

/// Like [read_assignments], from any reader; `name` labels reports and errors.
pub fn read_assignments_from(
    name: &str,
    reader: impl Read,
) -> Result<(Vec<Assignment>, LoadReport)> {
    let path = Path::new(name);
    read_assignments_table(CsvTable::from_reader(path, reader)?, path)
}

fn read_assignments_table<R: Read>(
    mut table: CsvTable<R>,
    path: &Path,
) -> Result<(Vec<Assignment>, LoadReport)> {
    let c_id = table.require(&["site_id", "identifiant_du_site", "identifiant", "id"])?;
    let c_service = table.require(&["service", "programme", "program"])?;
    let c_evidence = table.column(&["evidence"]);
    let mut report = LoadReport::new(path.display().to_string());
    let mut out = Vec::new();
    let mut record = csv::ByteRecord::new();
    while let Some(line) = table.next_record(&mut record)? {
        report.read += 1;
        let loc = Location::Line(line);
        let site_id = table.field(&record, c_id).into_owned();
        if site_id.is_empty() {
            report.skip(SkipReason::MissingId, loc, None, None);
            continue;
        }
        let evidence = match table.opt_field(&record, c_evidence).trim() {
            "" => None,
            text => match text.parse::<Evidence>() {
                Ok(e) => Some(e),
                Err(e) => {
                    report.skip(SkipReason::UnknownEvidence, loc, Some(&site_id), Some(e));
                    continue;
                }
            },
        };
        match table.field(&record, c_service).parse::<Service>() {
            Ok(service) => {
                out.push(Assignment {
                    site_id,
                    service,
                    evidence,
                    line,
                });
                report.kept += 1;
            }
            Err(e) => report.skip(SkipReason::UnknownService, loc, Some(&site_id), Some(e.0)),
        }
    }
    table.finish(&mut report);
    Ok((out, report))
}

/// Adds each assignment's service to the point with that id.
///
/// The returned report counts assignments applied and skips those whose
/// `site_id` matches no point ([`SkipReason::UnknownSiteId`]).
pub fn apply_assignments(points: &mut [ServicePoint], assignments: &[Assignment]) -> LoadReport {
    let by_id: HashMap<&str, usize> = points
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    let mut targets = Vec::with_capacity(assignments.len());
    let mut report = LoadReport::new("programme assignments → points");
    for a in assignments {
        report.read += 1;
        match by_id.get(a.site_id.as_str()) {
            Some(&i) => {
                targets.push((i, a.service));
                report.kept += 1;
            }
            None => report.skip(
                SkipReason::UnknownSiteId,
                Location::Line(a.line),
                Some(&a.site_id),
                None,
            ),
        }
    }
    for (i, service) in targets {
        if let Some(p) = points.get_mut(i) {
            p.services.insert(service);
        }
    }
    report
}
