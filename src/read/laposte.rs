//! La Poste points de contact (open data `laposte_poincont2`).

use std::collections::{BTreeMap, HashSet};
use std::io::Read;
use std::path::Path;

use crate::error::{Location, Result};
use crate::model::{GeocodePrecision, PointKind, Service, ServicePoint, ServiceSet};
use crate::read::text::CsvTable;
use crate::read::{accept_point, place_text};
use crate::report::{LoadReport, SkipReason};

/// Reads a La Poste points de contact CSV.
///
/// Both layouts of the open data are accepted, with `;` or `,` separators,
/// UTF-8 or Windows-1252:
/// - 2016: `#Identifiant_du_site;Libellé_du_site;Caractéristique_du_site;…;Code_INSEE;…;Latitude;Longitude;Précision_du_géocodage;…`
/// - current: `identifiant_du_site` (or `identifiant_a`), `libelle_du_site`,
///   `caracteristique_du_site`, `code_insee`, `latitude`, `longitude`,
///   `precision_du_geocodage`.
///
/// Every point offers [`Service::Postal`]; a Point Poste ESS also offers
/// [`Service::PointPosteEss`]. Rows without usable coordinates, without id or
/// with an id seen before are skipped and counted. An unrecognised
/// `caractéristique` keeps the row as [`PointKind::Other`] and is noted.
pub fn read_la_poste(path: impl AsRef<Path>) -> Result<(Vec<ServicePoint>, LoadReport)> {
    let path = path.as_ref();
    read_la_poste_table(CsvTable::open(path)?, path)
}

/// Like [read_la_poste], from any reader; `name` labels reports and errors.
pub fn read_la_poste_from(
    name: &str,
    reader: impl Read,
) -> Result<(Vec<ServicePoint>, LoadReport)> {
    let path = Path::new(name);
    read_la_poste_table(CsvTable::from_reader(path, reader)?, path)
}

fn read_la_poste_table<R: Read>(
    mut table: CsvTable<R>,
    path: &Path,
) -> Result<(Vec<ServicePoint>, LoadReport)> {
    let c_id = table.require(&["identifiant_du_site", "identifiant_a", "identifiant", "id"])?;
    let c_lat = table.require(&["latitude", "lat"])?;
    let c_lon = table.require(&["longitude", "lon", "lng"])?;
    let c_name = table.column(&["libelle_du_site", "libelle", "nom"]);
    let c_kind = table.column(&["caracteristique_du_site", "caracteristique", "type"]);
    let c_insee = table.column(&["code_insee", "insee_com", "code_commune"]);
    let c_prec = table.column(&["precision_du_geocodage", "precision"]);

    let mut report = LoadReport::new(path.display().to_string());
    let mut points = Vec::new();
    let mut seen = HashSet::new();
    let mut unknown_kinds: BTreeMap<String, usize> = BTreeMap::new();
    let mut record = csv::ByteRecord::new();
    while let Some(line) = table.next_record(&mut record)? {
        report.read += 1;
        let loc = Location::Line(line);
        let id = table.field(&record, c_id).into_owned();
        if record.len() < table.width() && record.len() <= c_lon.max(c_lat) {
            report.skip(
                SkipReason::MalformedRow,
                loc,
                Some(&id),
                Some(format!(
                    "{} fields, header has {}",
                    record.len(),
                    table.width()
                )),
            );
            continue;
        }
        if id.is_empty() {
            report.skip(SkipReason::MissingId, loc, None, None);
            continue;
        }
        let Some(placed) = accept_point(
            &mut report,
            &mut seen,
            loc,
            &id,
            place_text(&table.field(&record, c_lon), &table.field(&record, c_lat)),
        ) else {
            continue;
        };
        let label = table.opt_field(&record, c_kind);
        let kind = match PointKind::from_la_poste_label(&label) {
            Some(k) => k,
            None => {
                *unknown_kinds.entry(label.into_owned()).or_default() += 1;
                PointKind::Other
            }
        };
        let mut services = ServiceSet::only(Service::Postal);
        if kind == PointKind::PointPosteEss {
            services.insert(Service::PointPosteEss);
        }
        let commune = table.opt_field(&record, c_insee);
        points.push(ServicePoint {
            id,
            name: table.opt_field(&record, c_name).into_owned(),
            kind,
            commune: (!commune.is_empty()).then(|| commune.into_owned()),
            precision: GeocodePrecision::from_label(&table.opt_field(&record, c_prec)),
            lonlat: placed.lonlat,
            zone: placed.zone,
            xy: placed.xy,
            services,
            at_la_poste: true,
        });
        report.kept += 1;
    }
    for (label, n) in unknown_kinds {
        report.note(format!(
            "{n} row(s) of unrecognised kind {label:?} kept as \"other\""
        ));
    }
    table.finish(&mut report);
    Ok((points, report))
}
