//! La Poste points de contact (open data `laposte_poincont2`).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use crate::error::Result;
use crate::geom::place::place_text;
use crate::key::normalize_key;
use crate::model::{GeocodePrecision, PointKind, Service, ServicePoint, ServiceSet};
use crate::read::PointSink;
use crate::read::text::CsvTable;
use crate::report::{LoadReport, Note};
use crate::skip::Location;
use crate::skip::SkipReason;

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
/// with an id seen before are skipped and counted; so are sites whose `pays`
/// is not FRANCE ([`SkipReason::Abroad`]: the current file lists 7 offices
/// in Andorra, which are not points de contact on French territory). A
/// latitude and longitude given the wrong way round are exchanged when that
/// is certain, and noted. An unrecognised or ambiguous `caractéristique`
/// ("Agence postale ou Relais poste", "Agence postale") keeps the row as
/// [`PointKind::Other`] and is noted with its count.
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
    let c_country = table.column(&["pays"]);

    let mut sink = PointSink::new(path);
    let mut unknown_kinds: BTreeMap<String, usize> = BTreeMap::new();
    let mut record = csv::ByteRecord::new();
    while let Some(line) = table.next_record(&mut record)? {
        sink.report.read += 1;
        let loc = Location::Line(line);
        let id = table.field(&record, c_id).into_owned();
        if record.len() < table.width() && record.len() <= c_lon.max(c_lat) {
            sink.report.skip(
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
        let country = table.opt_field(&record, c_country);
        if !matches!(normalize_key(&country).as_str(), "" | "france") {
            sink.report.skip(
                SkipReason::Abroad,
                loc,
                Some(&id),
                Some(country.into_owned()),
            );
            continue;
        }
        let placed = place_text(&table.field(&record, c_lon), &table.field(&record, c_lat));
        let Some(placed) = sink.accept(loc, &id, placed) else {
            continue;
        };
        let label = table.opt_field(&record, c_kind);
        let kind = match kind_of_label(&label) {
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
        sink.keep(ServicePoint {
            name: table.opt_field(&record, c_name).into_owned(),
            kind,
            commune: (!commune.is_empty()).then(|| commune.into_owned()),
            precision: precision_of_label(&table.opt_field(&record, c_prec)),
            services,
            at_la_poste: true,
            ..ServicePoint::placed(id, &placed)
        });
    }
    for (label, rows) in unknown_kinds {
        sink.report.note(Note::UnknownKind { label, rows });
    }
    table.finish(&mut sink.report);
    Ok(sink.finish())
}

/// Recognises La Poste's `Caractéristique du site` labels, in the 2016 and
/// current spellings ("Bureau de Poste", "Agence Postale Communale",
/// "Relais poste commerçant", "La Poste Relais", "Point Poste ESS"...).
/// Returns `None` for an unknown label.
fn kind_of_label(label: &str) -> Option<PointKind> {
    let k = normalize_key(label);
    // A label naming two kinds ("Agence postale ou Relais poste") or no
    // precise one ("Agence postale": communale or intercommunale?) is not
    // guessed: the row is kept as `other`, and counted.
    if k.contains("_ou_") || k == "agence_postale" {
        return None;
    }
    Some(if k.contains("ess") && k.contains("poste") {
        PointKind::PointPosteEss
    } else if k.contains("bureau") {
        PointKind::BureauDePoste
    } else if k.contains("intercommunale") {
        PointKind::AgencePostaleIntercommunale
    } else if k.contains("communale") {
        PointKind::AgencePostaleCommunale
    } else if k.contains("militaire") {
        PointKind::AgencePostaleMilitaire
    } else if k.contains("relais") || k.contains("point_poste") || k.contains("commercant") {
        PointKind::RelaisPosteCommercant
    } else {
        return None;
    })
}

/// Recognises La Poste's `Précision du géocodage` labels.
fn precision_of_label(label: &str) -> GeocodePrecision {
    let k = normalize_key(label);
    if k.contains("numero") {
        GeocodePrecision::AddressNumber
    } else if k.contains("rue") || k.contains("voie") {
        GeocodePrecision::Street
    } else if k.contains("ilot") {
        GeocodePrecision::Block
    } else if k.contains("commune") {
        GeocodePrecision::CommuneCentre
    } else {
        GeocodePrecision::Unknown
    }
}
