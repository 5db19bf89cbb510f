//! maillage's own coverage outputs, read back: `coverage.csv`, `gaps.csv`,
//! `coverage.geojson` or `gaps.geojson`, by the column names of the
//! [coverage schema](crate::coverage::schema).

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::ops::ControlFlow;
use std::path::Path;

use crate::coverage::schema::rule_name;
use crate::coverage::{NearestPoint, Outcome, Rule, Status};
use crate::error::{Error, Result};
use crate::key::parse_number;
use crate::model::{Service, TerritoryKind};
use crate::read::geojson::{GeometryFixes, RawFeature, for_each_feature_in, property_text};
use crate::read::place_polygon;
use crate::read::text::CsvTable;
use crate::report::LoadReport;
use crate::skip::Location;
use crate::skip::SkipReason;

/// Reads coverage results written by maillage: a CSV
/// ([`write_csv`](crate::coverage::CoverageReport::write_csv),
/// [`write_gaps_csv`](crate::coverage::CoverageReport::write_gaps_csv)) or a GeoJSON
/// ([`write_geojson`](crate::coverage::CoverageReport::write_geojson)), told apart by
/// their content. From GeoJSON the territories' geometry comes back too
/// (projected to their zone's CRS). Rows that cannot be read (no territory
/// id, unknown service or kind, unreadable numbers, a `status` other than
/// `served`, `unserved`, `no_data` or one that contradicts `served`) are
/// skipped and counted. Files without a `status` column (written before it
/// existed) give [`Status::Served`] or [`Status::Unserved`] as `served` says.
///
/// A territory × service given twice is refused when the copies disagree
/// (an error naming both rows: which result holds is unknowable); an exact
/// copy (the same values; the geometry is not compared) is skipped as a
/// [`SkipReason::DuplicateId`] naming the row kept, the first.
pub fn read_coverage(path: impl AsRef<Path>) -> Result<(Vec<Outcome>, LoadReport)> {
    let path = path.as_ref();
    let file = crate::read::open_input(path)?;
    read_coverage_from(&path.display().to_string(), file)
}

/// Like [`read_coverage`], from any reader; `name` labels reports and errors.
pub fn read_coverage_from(name: &str, reader: impl Read) -> Result<(Vec<Outcome>, LoadReport)> {
    let path = Path::new(name);
    let mut reader = BufReader::new(reader);
    let head = reader.fill_buf().map_err(|e| Error::io(path, e))?;
    let first = head
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(head)
        .iter()
        .find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'{') {
        from_geojson(path, reader)
    } else {
        from_csv(path, reader)
    }
}

fn from_geojson(path: &Path, reader: impl Read) -> Result<(Vec<Outcome>, LoadReport)> {
    let mut report = LoadReport::new(path.display().to_string());
    let mut fixes = GeometryFixes::default();
    let mut out: Vec<(Outcome, Location)> = Vec::new();
    let place = |f: &mut RawFeature| place_polygon(f, None);
    for_each_feature_in(path, reader, place, |f, (placed, ring_fixes)| {
        report.read += 1;
        let loc = Location::Feature(f.index);
        let mut outcome = match outcome_of(|k| property_text(&f.properties, k)) {
            Ok(o) => o,
            Err((reason, detail)) => {
                let id = property_text(&f.properties, "territory_id");
                report.skip(reason, loc, id.as_deref(), Some(detail));
                return ControlFlow::Continue(());
            }
        };
        fixes.absorb_rings(&ring_fixes);
        match placed {
            Ok(placed) => {
                fixes.record(&outcome.territory_id, placed.repair);
                outcome.geometry = Some((placed.zone, placed.geometry));
                out.push((outcome, loc));
                report.kept += 1;
            }
            Err((reason, detail)) => {
                report.skip(reason, loc, Some(&outcome.territory_id), Some(detail));
            }
        }
        ControlFlow::Continue(())
    })?;
    fixes.add_notes(&mut report);
    let out = without_copies(path, out, &mut report)?;
    Ok((out, report))
}

fn from_csv(path: &Path, reader: impl Read) -> Result<(Vec<Outcome>, LoadReport)> {
    let mut table = CsvTable::from_reader(path, reader)?;
    for required in ["territory_id", "service", "served"] {
        table.require(&[required])?;
    }
    let columns: Vec<(String, usize)> = table
        .headers()
        .iter()
        .enumerate()
        .map(|(i, h)| (h.clone(), i))
        .collect();
    let mut report = LoadReport::new(path.display().to_string());
    let mut out: Vec<(Outcome, Location)> = Vec::new();
    let mut record = csv::ByteRecord::new();
    while let Some(line) = table.next_record(&mut record)? {
        report.read += 1;
        let get = |name: &str| {
            let i = columns.iter().find(|(h, _)| h == name)?.1;
            let v = table.field(&record, i);
            (!v.is_empty()).then(|| unquote_formula(&v).to_owned())
        };
        match outcome_of(get) {
            Ok(o) => {
                out.push((o, Location::Line(line)));
                report.kept += 1;
            }
            Err((reason, detail)) => {
                let id = get("territory_id");
                report.skip(reason, Location::Line(line), id.as_deref(), Some(detail));
            }
        }
    }
    table.finish(&mut report);
    let out = without_copies(path, out, &mut report)?;
    Ok((out, report))
}

/// The results with each territory × service once: exact copies of an
/// earlier row skipped (and counted), contradicting copies an error.
fn without_copies(
    path: &Path,
    rows: Vec<(Outcome, Location)>,
    report: &mut LoadReport,
) -> Result<Vec<Outcome>> {
    let mut first: HashMap<(String, Service), (usize, Location)> = HashMap::new();
    let mut out: Vec<Outcome> = Vec::with_capacity(rows.len());
    for (o, loc) in rows {
        let key = (o.territory_id.clone(), o.service);
        let Some(&(i, at)) = first.get(&key) else {
            first.insert(key, (out.len(), loc));
            out.push(o);
            continue;
        };
        let same = out.get(i).is_some_and(|kept| same_result(kept, &o));
        if !same {
            return Err(Error::format(
                path,
                Some(loc),
                format!(
                    "{} × {} is given twice with different results (first at {at}): \
                     refusing to guess which holds",
                    o.territory_id, o.service
                ),
            ));
        }
        report.kept = report.kept.saturating_sub(1);
        report.skip(
            SkipReason::DuplicateId,
            loc,
            Some(&o.territory_id),
            Some(format!(
                "{} again, same values as {at}: that first copy is kept",
                o.service
            )),
        );
    }
    Ok(out)
}

/// Every field but the geometry is equal.
fn same_result(a: &Outcome, b: &Outcome) -> bool {
    a.without_geometry() == b.without_geometry()
}

/// Undoes the spreadsheet guard of the CSV writer (a `'` before text that
/// starts like a formula).
fn unquote_formula(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => text,
    }
}

type Problem = (SkipReason, String);

fn malformed(detail: impl Into<String>) -> Problem {
    (SkipReason::MalformedRow, detail.into())
}

/// One outcome from a row's values, looked up by column name.
fn outcome_of(get: impl Fn(&str) -> Option<String>) -> std::result::Result<Outcome, Problem> {
    let territory_id = get("territory_id").ok_or_else(|| malformed("no territory_id"))?;
    let service = get("service")
        .ok_or_else(|| malformed("no service"))?
        .parse::<Service>()
        .map_err(|e| (SkipReason::UnknownService, e.0))?;
    let kind = match get("kind") {
        Some(k) => k
            .parse::<TerritoryKind>()
            .map_err(|_| malformed(format!("unknown territory kind {k:?}")))?,
        None => TerritoryKind::Custom,
    };
    let number = |name: &str| -> std::result::Result<Option<f64>, Problem> {
        get(name)
            .map(|v| parse_number(&v).ok_or_else(|| malformed(format!("{name} {v:?}"))))
            .transpose()
    };
    let count = |name: &str| -> std::result::Result<u32, Problem> {
        Ok(number(name)?.map_or(0, |v| v.max(0.0).min(f64::from(u32::MAX)) as u32))
    };
    let radius = number("radius_m")?.unwrap_or(0.0);
    let rule = match get("rule").as_deref() {
        Some(r) if r == rule_name(Rule::Inside) => Rule::Inside,
        Some(r) if r == rule_name(Rule::WithinDistance(0.0)) => Rule::WithinDistance(radius),
        None if radius == 0.0 => Rule::Inside,
        None => Rule::WithinDistance(radius),
        Some(other) => return Err(malformed(format!("unknown rule {other:?}"))),
    };
    let served = match get("served").as_deref() {
        Some("true") => true,
        Some("false") => false,
        other => return Err(malformed(format!("served {other:?} is not true or false"))),
    };
    // Files written before the `status` column: served or unserved, as
    // `served` says (those runs wrote a no-data service as unserved).
    let status = match get("status") {
        None if served => Status::Served,
        None => Status::Unserved,
        Some(name) => {
            let status = Status::from_name(&name).ok_or_else(|| {
                malformed(format!(
                    "status {name:?} is not served, unserved or no_data"
                ))
            })?;
            if served != (status == Status::Served) {
                return Err(malformed(format!(
                    "status {name:?} contradicts served {served}"
                )));
            }
            status
        }
    };
    let nearest = match (get("nearest_id"), number("nearest_m")?) {
        (Some(id), Some(distance_m)) => Some(NearestPoint {
            id,
            name: get("nearest_name").unwrap_or_default(),
            kind: get("nearest_kind").unwrap_or_default(),
            distance_m,
        }),
        _ => None,
    };
    Ok(Outcome {
        name: get("name").unwrap_or_else(|| territory_id.clone()),
        territory_id,
        kind,
        departement: get("departement"),
        population: number("population")?.map(|p| p.max(0.0).round() as u64),
        service,
        rule,
        points_inside: count("points_inside")?,
        points_within: count("points_within_radius")?,
        nearest,
        served,
        status,
        geometry: None,
    })
}
