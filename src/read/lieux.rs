//! Lieux de médiation numérique: the data.gouv.fr schema of the national
//! cartography of digital-inclusion places (ANCT), as CSV or as its JSON form
//! (an array of objects with the same keys).

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};
use crate::geom::place::{place_lonlat, place_text};
use crate::key::{normalize_key, parse_number};
use crate::model::{GeocodePrecision, PointKind, Service, ServicePoint, ServiceSet};
use crate::read::PointSink;
use crate::read::text::CsvTable;
use crate::report::{LoadReport, Note};
use crate::skip::Location;
use crate::skip::SkipReason;

/// Prefix given to lieu ids so they never collide with La Poste site ids.
pub const LIEUX_ID_PREFIX: &str = "lieu:";

/// La Poste's SIREN: the first nine digits of every SIRET of its offices.
pub const LA_POSTE_SIREN: &str = "356000000";

/// One lieu de médiation numérique, as kept by [`read_lieux`].
#[derive(Debug, Clone, PartialEq)]
pub struct Lieu {
    /// The lieu as a partner site: id `lieu:<id>`, name `nom`, commune
    /// `code_insee`; it offers [`Service::DigitalInclusion`], and
    /// [`Service::Mediation`] when [`is_mediation_structure`] says so.
    pub point: ServicePoint,
    /// `pivot` as written (a SIRET, 14 zeros when unknown, or anything).
    pub pivot: String,
    /// The SIRET when `pivot` is 14 digits and not all zeros; `None`
    /// otherwise (a malformed one is counted in the report's notes).
    pub siret: Option<String>,
    /// `typologie` (schema codes, `;`-separated: `PIMMS`, `FS`, `ASSO`...).
    pub typologie: String,
    /// `services` as written (`;`-separated in the schema).
    pub services: String,
    /// `source` (`conseiller-numerique`, `hinaura`...).
    pub source: String,
    /// `code_postal`.
    pub code_postal: String,
    /// `commune` (its name).
    pub commune: String,
    /// `adresse`.
    pub adresse: String,
    /// `labels_nationaux` (`CNFS;France Services`...).
    pub labels_nationaux: String,
    /// `structure_parente`.
    pub structure_parente: String,
    /// `date_maj`.
    pub date_maj: String,
    /// Where it was read (line of the CSV, or object of the JSON array).
    pub location: Location,
}

impl Lieu {
    /// True when its SIRET starts with La Poste's SIREN ([`LA_POSTE_SIREN`]).
    pub fn siret_of_la_poste(&self) -> bool {
        self.siret
            .as_deref()
            .is_some_and(|s| s.starts_with(LA_POSTE_SIREN))
    }
}

/// Commune centroids: INSEE code → (longitude, latitude), WGS84 degrees.
pub type CommuneCentroids = HashMap<String, (f64, f64)>;

/// Options of [`read_lieux`].
#[derive(Debug, Clone, Default)]
pub struct LieuxOptions {
    /// Commune centroids (INSEE code → lon, lat). When given, a row without
    /// coordinates whose `code_insee` is here is placed at its commune's
    /// centroid with precision [`GeocodePrecision::CommuneCentre`] (and
    /// noted); otherwise it is skipped as [`SkipReason::MissingCoordinates`].
    pub commune_centroids: Option<CommuneCentroids>,
}

/// True when a lieu is a mediation structure: its `typologie` has the code
/// `PIMMS` or names mediation, or its name names a Pimms ("Point
/// Information Médiation Multi Services") or "médiation", except digital
/// mediation ("médiation numérique": every lieu of the schema does that).
/// Case and accents are ignored. `maillage programmes` applies the same
/// test through its rules file (`mediation.partner`), which users may
/// change.
pub fn is_mediation_structure(nom: &str, typologie: &str) -> bool {
    let marks = |text: &str| {
        let key = normalize_key(text);
        let words: Vec<&str> = key.split('_').collect();
        words.contains(&"pimms")
            || words
                .windows(2)
                .any(|w| w.first() == Some(&"mediation") && w.get(1) != Some(&"numerique"))
            || words.last() == Some(&"mediation")
    };
    marks(nom) || marks(typologie)
}

/// True when a lieu's name names La Poste as its host: a word `poste` or
/// `laposte` ("LA POSTE", "Bureau de poste de Duravel", "laposte").
pub fn names_la_poste(nom: &str) -> bool {
    normalize_key(nom)
        .split('_')
        .any(|w| w == "poste" || w == "laposte")
}

/// Reads a lieux de médiation numérique file: CSV (`,` or `;`) or the
/// schema's JSON form (an array of objects), told from its content.
///
/// Required: `id`, `nom`, `latitude`, `longitude`; optional and kept:
/// `pivot`, `typologie`, `services`, `source`, `code_insee`, `code_postal`,
/// `commune`, `adresse`, `labels_nationaux`, `structure_parente`,
/// `date_maj`. Rows without an id, without a name or without usable
/// coordinates (see [`LieuxOptions::commune_centroids`]) are skipped and
/// counted, and so are ids seen before (the first is kept). A malformed
/// SIRET keeps the row and is noted. Points are marked
/// [`ServicePoint::at_la_poste`] when the SIRET is La Poste's; kind
/// [`PointKind::ConseillerNumerique`] when `labels_nationaux` has `CNFS`,
/// else [`PointKind::Other`].
pub fn read_lieux(
    path: impl AsRef<Path>,
    options: &LieuxOptions,
) -> Result<(Vec<Lieu>, LoadReport)> {
    let path = path.as_ref();
    let file = super::open_input(path)?;
    read_lieux_from(&path.display().to_string(), file, options)
}

/// Like [`read_lieux`], from any reader; `name` labels reports and errors.
pub fn read_lieux_from(
    name: &str,
    reader: impl Read,
    options: &LieuxOptions,
) -> Result<(Vec<Lieu>, LoadReport)> {
    use std::io::BufRead;
    let path = Path::new(name);
    let mut reader = std::io::BufReader::with_capacity(1 << 16, reader);
    let head = reader.fill_buf().map_err(|e| Error::io(path, e))?;
    let body = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        read_json(path, reader, options)
    } else {
        read_csv(path, CsvTable::from_reader(path, reader)?, options)
    }
}

/// The text fields of one row, by schema name.
#[derive(Default)]
struct Row {
    id: String,
    nom: String,
    latitude: String,
    longitude: String,
    pivot: String,
    typologie: String,
    services: String,
    source: String,
    code_insee: String,
    code_postal: String,
    commune: String,
    adresse: String,
    labels_nationaux: String,
    structure_parente: String,
    date_maj: String,
}

const OPTIONAL: [&str; 11] = [
    "pivot",
    "typologie",
    "services",
    "source",
    "code_insee",
    "code_postal",
    "commune",
    "adresse",
    "labels_nationaux",
    "structure_parente",
    "date_maj",
];

impl Row {
    fn set(&mut self, key: &str, value: String) {
        let slot = match key {
            "id" => &mut self.id,
            "nom" => &mut self.nom,
            "latitude" => &mut self.latitude,
            "longitude" => &mut self.longitude,
            "pivot" => &mut self.pivot,
            "typologie" => &mut self.typologie,
            "services" => &mut self.services,
            "source" => &mut self.source,
            "code_insee" => &mut self.code_insee,
            "code_postal" => &mut self.code_postal,
            "commune" => &mut self.commune,
            "adresse" => &mut self.adresse,
            "labels_nationaux" => &mut self.labels_nationaux,
            "structure_parente" => &mut self.structure_parente,
            "date_maj" => &mut self.date_maj,
            _ => return,
        };
        *slot = value.trim().to_owned();
    }
}

struct Lieux<'o> {
    sink: PointSink,
    lieux: Vec<Lieu>,
    malformed_siret: usize,
    at_centroid: usize,
    options: &'o LieuxOptions,
}

impl<'o> Lieux<'o> {
    fn new(path: &Path, options: &'o LieuxOptions) -> Self {
        Lieux {
            sink: PointSink::new(path),
            lieux: Vec::new(),
            malformed_siret: 0,
            at_centroid: 0,
            options,
        }
    }

    fn row(&mut self, location: Location, row: Row) {
        self.sink.report.read += 1;
        let id = if row.id.is_empty() {
            String::new()
        } else {
            format!("{LIEUX_ID_PREFIX}{}", row.id)
        };
        if !id.is_empty() && row.nom.is_empty() {
            self.sink.report.skip(
                SkipReason::MalformedRow,
                location,
                Some(&id),
                Some("nom is empty".into()),
            );
            return;
        }
        let mut precision = GeocodePrecision::Unknown;
        let mut placed = place_text(&row.longitude, &row.latitude);
        let mut centroid = false;
        if let (Err((SkipReason::MissingCoordinates, _)), Some(centroids)) =
            (&placed, &self.options.commune_centroids)
            && let Some(&(lon, lat)) = centroids.get(&row.code_insee)
        {
            placed = place_lonlat(lon, lat);
            precision = GeocodePrecision::CommuneCentre;
            centroid = true;
        }
        let Some(placed) = self.sink.accept(location, &id, placed) else {
            return;
        };
        self.at_centroid += usize::from(centroid);
        let digits: String = row.pivot.chars().filter(|c| !c.is_whitespace()).collect();
        let siret = if digits.is_empty() || digits.bytes().all(|b| b == b'0') {
            None
        } else if digits.len() == 14 && digits.bytes().all(|b| b.is_ascii_digit()) {
            Some(digits)
        } else {
            self.malformed_siret += 1;
            None
        };
        let mut services = ServiceSet::only(Service::DigitalInclusion);
        if is_mediation_structure(&row.nom, &row.typologie) {
            services.insert(Service::Mediation);
        }
        let kind = if normalize_key(&row.labels_nationaux)
            .split('_')
            .any(|w| w == "cnfs")
        {
            PointKind::ConseillerNumerique
        } else {
            PointKind::Other
        };
        let at_la_poste = siret
            .as_deref()
            .is_some_and(|s| s.starts_with(LA_POSTE_SIREN));
        let point = ServicePoint {
            id,
            name: row.nom,
            kind,
            commune: (!row.code_insee.is_empty()).then_some(row.code_insee),
            precision,
            lonlat: placed.lonlat,
            zone: placed.zone,
            xy: placed.xy,
            services,
            at_la_poste,
        };
        self.sink.report.kept += 1;
        self.lieux.push(Lieu {
            point,
            pivot: row.pivot,
            siret,
            typologie: row.typologie,
            services: row.services,
            source: row.source,
            code_postal: row.code_postal,
            commune: row.commune,
            adresse: row.adresse,
            labels_nationaux: row.labels_nationaux,
            structure_parente: row.structure_parente,
            date_maj: row.date_maj,
            location,
        });
    }

    fn finish(self) -> (Vec<Lieu>, LoadReport) {
        let (_, mut report) = self.sink.finish();
        if self.malformed_siret > 0 {
            report.note(Note::MalformedSiret(self.malformed_siret));
        }
        if self.at_centroid > 0 {
            report.note(Note::PlacedAtCommuneCentroid(self.at_centroid));
        }
        (self.lieux, report)
    }
}

fn read_csv<R: Read>(
    path: &Path,
    mut table: CsvTable<R>,
    options: &LieuxOptions,
) -> Result<(Vec<Lieu>, LoadReport)> {
    let required = [
        ("id", table.require(&["id"])?),
        ("nom", table.require(&["nom"])?),
        ("latitude", table.require(&["latitude"])?),
        ("longitude", table.require(&["longitude"])?),
    ];
    let optional: Vec<(&str, usize)> = OPTIONAL
        .iter()
        .filter_map(|&k| table.column(&[k]).map(|c| (k, c)))
        .collect();
    let mut lieux = Lieux::new(path, options);
    let mut record = csv::ByteRecord::new();
    while let Some(line) = table.next_record(&mut record)? {
        let mut row = Row::default();
        for &(key, c) in required.iter().chain(&optional) {
            row.set(key, table.field(&record, c).into_owned());
        }
        lieux.row(Location::Line(line), row);
    }
    let (out, mut report) = lieux.finish();
    table.finish(&mut report);
    Ok((out, report))
}

/// The text of a JSON value: strings as they are, numbers written out,
/// arrays of strings joined with `;`, null and objects empty.
fn json_text(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Array(items) => items
            .iter()
            .map(json_text)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(";"),
        Value::Null | Value::Object(_) => String::new(),
    }
}

fn read_json(
    path: &Path,
    reader: impl Read,
    options: &LieuxOptions,
) -> Result<(Vec<Lieu>, LoadReport)> {
    let values: Vec<serde_json::Value> = serde_json::from_reader(reader).map_err(|e| {
        Error::format(
            path,
            Some(Location::Position {
                line: e.line() as u64,
                column: e.column() as u64,
            }),
            format!("not a JSON array of lieux: {e}"),
        )
    })?;
    let has = |key: &str| values.iter().any(|v| v.get(key).is_some());
    if !values.is_empty() {
        for key in ["id", "nom", "latitude", "longitude"] {
            if !has(key) {
                return Err(Error::MissingField {
                    path: path.to_path_buf(),
                    location: Location::Feature(1),
                    field: key.into(),
                });
            }
        }
    }
    let mut lieux = Lieux::new(path, options);
    for (i, value) in values.iter().enumerate() {
        let location = Location::Feature(i as u64 + 1);
        let mut row = Row::default();
        match value.as_object() {
            Some(object) => {
                for (key, v) in object {
                    row.set(&normalize_key(key), json_text(v));
                }
            }
            None => {
                lieux.sink.report.read += 1;
                lieux.sink.report.skip(
                    SkipReason::MalformedRow,
                    location,
                    None,
                    Some("not a JSON object".into()),
                );
                continue;
            }
        }
        lieux.row(location, row);
    }
    if values.is_empty() {
        lieux.sink.report.note(Note::NoDataRows);
    }
    Ok(lieux.finish())
}

/// Commune centroids from a commune table such as `communes_france.csv`:
/// `code_insee` and `lon_centroid_calc`/`lat_centroid_calc` (or
/// `longitude`/`latitude`, `lon`/`lat`). Rows without a code or usable
/// coordinates are left out and counted.
pub fn read_commune_centroids(path: impl AsRef<Path>) -> Result<(CommuneCentroids, LoadReport)> {
    let path = path.as_ref();
    let table = CsvTable::open(path)?;
    let c_code = table.require(&["code_insee", "insee_com", "code_commune"])?;
    let c_lon = table.require(&["lon_centroid_calc", "longitude", "lon"])?;
    let c_lat = table.require(&["lat_centroid_calc", "latitude", "lat"])?;
    super::read_keyed(path, table, c_code, |t, r, _| {
        match (
            parse_number(&t.field(r, c_lon)),
            parse_number(&t.field(r, c_lat)),
        ) {
            (Some(lon), Some(lat)) if lon.is_finite() && lat.is_finite() => Ok((lon, lat)),
            _ => Err((
                SkipReason::MissingCoordinates,
                "no centroid coordinates".to_owned(),
            )),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mediation_structures_and_la_poste_names() {
        assert!(is_mediation_structure("PIMMS DE GRENOBLE", ""));
        assert!(is_mediation_structure("Pimms médiation de Vaise", ""));
        assert!(is_mediation_structure("ESPACE INFORMATION MEDIATION", ""));
        assert!(is_mediation_structure("Centre", "PIMMS;ASSO"));
        assert!(!is_mediation_structure(
            "Médiation numérique du Clos",
            "ASSO"
        ));
        assert!(!is_mediation_structure("Médiathèque", "BIB"));
        assert!(names_la_poste("LA POSTE MULHOUSE EUROPE"));
        assert!(names_la_poste("laposte"));
        assert!(names_la_poste("Bureau de poste de Duravel"));
        assert!(!names_la_poste("Composte et jardins"));
    }
}
