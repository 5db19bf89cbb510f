//! Partner sites in a plain CSV the user writes, and format detection for `--partners`.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use crate::error::Result;
use crate::geom::place::place_text;
use crate::key::normalize_key;
use crate::model::{PointKind, Service, ServicePoint, ServiceSet};
use crate::read::text::{CsvTable, decode};
use crate::read::{PointSink, read_conseillers_numeriques_from, read_france_services_from};
#[cfg(doc)]
use crate::read::{read_conseillers_numeriques, read_france_services};
use crate::report::LoadReport;
use crate::skip::Location;
use crate::skip::SkipReason;

/// Reads a partner file, choosing the reader from its content (not its
/// extension):
/// - a JSON document: structures hosting conseillers numériques
///   ([`read_conseillers_numeriques`]);
/// - a CSV whose header has an `id_fs` column: the France Services list
///   ([`read_france_services`]);
/// - lieux de médiation numérique, CSV or JSON array
///   ([`read_lieux`](crate::read::read_lieux), default options);
/// - a CSV with `id`, `latitude`, `longitude` and `services`: the plain
///   partner layout of [`read_partner_csv`].
///
/// Any other file is an error listing the recognised schemas
/// ([`PartnerSchema`]).
pub fn read_partners(path: impl AsRef<Path>) -> Result<(Vec<ServicePoint>, LoadReport)> {
    let path = path.as_ref();
    let file = super::open_input(path)?;
    read_partners_from(&path.display().to_string(), file)
}

/// Like [`read_partners`], from any reader; `name` labels reports and errors.
pub fn read_partners_from(
    name: &str,
    reader: impl Read,
) -> Result<(Vec<ServicePoint>, LoadReport)> {
    read_detected(name, reader, false)
}

/// Reads any file of sites, choosing the reader from its content: a La
/// Poste points de contact CSV (an `identifiant_du_site` or `identifiant_a`
/// column), or any partner file ([`read_partners`]).
pub fn read_sites(path: impl AsRef<Path>) -> Result<(Vec<ServicePoint>, LoadReport)> {
    let path = path.as_ref();
    let file = super::open_input(path)?;
    read_detected(&path.display().to_string(), file, true)
}

/// Like [`read_sites`], from any reader; `name` labels reports and errors.
pub fn read_sites_from(name: &str, reader: impl Read) -> Result<(Vec<ServicePoint>, LoadReport)> {
    read_detected(name, reader, true)
}

/// The partner file layouts maillage recognises, told from their content
/// (see [`partner_schema`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PartnerSchema {
    /// A GeoJSON document: structures hosting conseillers numériques.
    ConseillersNumeriques,
    /// The ANCT France Services list (an `id_fs` column).
    FranceServices,
    /// The national schema of lieux de médiation numérique (CSV with `id`,
    /// `nom`, `latitude`, `longitude` and a schema column such as `pivot`,
    /// `typologie`, `labels_nationaux`, `structure_parente` or `date_maj`;
    /// or its JSON form, an array of objects).
    LieuxMediationNumerique,
    /// La Poste points de contact (an `identifiant_du_site` or
    /// `identifiant_a` column).
    LaPoste,
    /// maillage's plain partner CSV (`id`, `latitude`, `longitude`,
    /// `services`).
    PartnerCsv,
}

impl PartnerSchema {
    /// A description of the layout, as listed in errors.
    pub fn describe(self) -> &'static str {
        match self {
            PartnerSchema::ConseillersNumeriques => {
                "conseillers numériques structures (GeoJSON FeatureCollection)"
            }
            PartnerSchema::FranceServices => "France Services list (CSV with id_fs)",
            PartnerSchema::LieuxMediationNumerique => {
                "lieux de médiation numérique (CSV or JSON array with id, nom, latitude, longitude and pivot, typologie, labels_nationaux, structure_parente or date_maj)"
            }
            PartnerSchema::LaPoste => {
                "La Poste points de contact (CSV with identifiant_du_site or identifiant_a)"
            }
            PartnerSchema::PartnerCsv => {
                "maillage partner CSV (id, latitude, longitude, services; optional name, kind, code_insee)"
            }
        }
    }

    /// Every schema, in the order they are tried.
    pub const ALL: [PartnerSchema; 5] = [
        PartnerSchema::ConseillersNumeriques,
        PartnerSchema::FranceServices,
        PartnerSchema::LieuxMediationNumerique,
        PartnerSchema::LaPoste,
        PartnerSchema::PartnerCsv,
    ];
}

/// Tells the layout of a partner file from its first bytes (the start of a
/// JSON document, or a CSV header). `None` when no layout fits.
pub fn partner_schema(head: &[u8]) -> Option<PartnerSchema> {
    let body = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => return Some(PartnerSchema::ConseillersNumeriques),
        Some(b'[') => return Some(PartnerSchema::LieuxMediationNumerique),
        _ => {}
    }
    let header = body.split(|&b| b == b'\n').next().unwrap_or_default();
    let columns: Vec<String> = decode(header)
        .0
        .split([';', ',', '\t'])
        .map(normalize_key)
        .collect();
    let has = |c: &str| columns.iter().any(|k| k == c);
    let any = |cs: &[&str]| cs.iter().any(|c| has(c));
    if has("id_fs") {
        Some(PartnerSchema::FranceServices)
    } else if any(&["identifiant_du_site", "identifiant_a"]) {
        Some(PartnerSchema::LaPoste)
    } else if ["id", "nom", "latitude", "longitude"]
        .iter()
        .all(|c| has(c))
        && any(&[
            "pivot",
            "typologie",
            "labels_nationaux",
            "structure_parente",
            "date_maj",
        ])
    {
        Some(PartnerSchema::LieuxMediationNumerique)
    } else if any(&["id", "site_id", "identifiant"])
        && any(&["latitude", "lat"])
        && any(&["longitude", "lon", "lng"])
        && any(&["services", "service"])
    {
        Some(PartnerSchema::PartnerCsv)
    } else {
        None
    }
}

/// The error for a file no partner layout fits: it lists them.
pub(crate) fn unknown_schema(path: &Path) -> crate::error::Error {
    let list: Vec<&str> = PartnerSchema::ALL.iter().map(|s| s.describe()).collect();
    crate::error::Error::format(
        path,
        Some(Location::Line(1)),
        format!(
            "unknown partner file layout; the recognised schemas are: {}",
            list.join("; ")
        ),
    )
}

fn read_detected(
    name: &str,
    reader: impl Read,
    la_poste_too: bool,
) -> Result<(Vec<ServicePoint>, LoadReport)> {
    let path = Path::new(name);
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let head = reader
        .fill_buf()
        .map_err(|e| crate::error::Error::io(path, e))?;
    match partner_schema(head) {
        Some(PartnerSchema::ConseillersNumeriques) => {
            read_conseillers_numeriques_from(name, reader)
        }
        Some(PartnerSchema::FranceServices) => read_france_services_from(name, reader),
        Some(PartnerSchema::LieuxMediationNumerique) => {
            let (lieux, report) =
                super::read_lieux_from(name, reader, &super::LieuxOptions::default())?;
            Ok((lieux.into_iter().map(|l| l.point).collect(), report))
        }
        Some(PartnerSchema::LaPoste) if la_poste_too => super::read_la_poste_from(name, reader),
        Some(PartnerSchema::PartnerCsv) => read_partner_csv_from(name, reader),
        Some(PartnerSchema::LaPoste) | None => Err(unknown_schema(path)),
    }
}

/// Reads partner sites from a plain CSV: `id,name,latitude,longitude,services`
/// (optional `kind`, `code_insee`), `;` or `,` separated.
///
/// `services` lists one or more services separated by `|` or `+`
/// (`mediation|digital_inclusion`; French names accepted). A row naming an
/// unknown service is skipped and counted. `kind` is one of the
/// [`PointKind`] identifiers (`point_poste_ess`, `france_services`...);
/// absent or unknown, it is `other`. Ids are used as given.
pub fn read_partner_csv(path: impl AsRef<Path>) -> Result<(Vec<ServicePoint>, LoadReport)> {
    let path = path.as_ref();
    read_plain_table(CsvTable::open(path)?, path, ServicesColumn::Required)
}

/// Like [read_partner_csv], from any reader; `name` labels reports and errors.
pub fn read_partner_csv_from(
    name: &str,
    reader: impl Read,
) -> Result<(Vec<ServicePoint>, LoadReport)> {
    let path = Path::new(name);
    read_plain_table(
        CsvTable::from_reader(path, reader)?,
        path,
        ServicesColumn::Required,
    )
}

/// How the plain site CSV's `services` column is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ServicesColumn {
    /// Required; a row naming an unknown service is a counted skip (partner sites).
    Required,
    /// Optional; unknown names are ignored (candidate sites, whose services
    /// only say which are existing hosts).
    Optional,
}

/// Reads the sites of a plain CSV file (`id,name,latitude,longitude`, with
/// optional `kind`, `code_insee`, and `services` read as `services` says).
pub(crate) fn read_plain_sites(
    path: &Path,
    services: ServicesColumn,
) -> Result<(Vec<ServicePoint>, LoadReport)> {
    read_plain_table(CsvTable::open(path)?, path, services)
}

fn read_plain_table<R: Read>(
    mut table: CsvTable<R>,
    path: &Path,
    services_column: ServicesColumn,
) -> Result<(Vec<ServicePoint>, LoadReport)> {
    let c_id = table.require(&["id", "site_id", "identifiant"])?;
    let c_lat = table.require(&["latitude", "lat"])?;
    let c_lon = table.require(&["longitude", "lon", "lng"])?;
    let c_services = match services_column {
        ServicesColumn::Required => Some(table.require(&["services", "service"])?),
        ServicesColumn::Optional => table.column(&["services", "service"]),
    };
    let c_name = table.column(&["name", "nom", "libelle"]);
    let c_kind = table.column(&["kind", "type"]);
    let c_insee = table.column(&["code_insee", "insee_com", "commune"]);

    let mut sink = PointSink::new(path);
    let mut record = csv::ByteRecord::new();
    while let Some(line) = table.next_record(&mut record)? {
        sink.report.read += 1;
        let loc = Location::Line(line);
        let id = table.field(&record, c_id).into_owned();
        if id.is_empty() {
            sink.report.skip(SkipReason::MissingId, loc, None, None);
            continue;
        }
        let cell = table.opt_field(&record, c_services);
        let services = match services_column {
            ServicesColumn::Required => services_of(&cell),
            ServicesColumn::Optional => Ok(known_services(&cell)),
        };
        let services = match services {
            Ok(services) => services,
            Err(detail) => {
                sink.report
                    .skip(SkipReason::UnknownService, loc, Some(&id), Some(detail));
                continue;
            }
        };
        let placed = place_text(&table.field(&record, c_lon), &table.field(&record, c_lat));
        let Some(placed) = sink.accept(loc, &id, placed) else {
            continue;
        };
        let kind_text = table.opt_field(&record, c_kind);
        let kind = PointKind::from_identifier(&kind_text).unwrap_or(PointKind::Other);
        let commune = table.opt_field(&record, c_insee);
        sink.keep(ServicePoint {
            name: table.opt_field(&record, c_name).into_owned(),
            kind,
            commune: (!commune.is_empty()).then(|| commune.into_owned()),
            services,
            ..ServicePoint::placed(id, &placed)
        });
    }
    table.finish(&mut sink.report);
    Ok(sink.finish())
}

/// Parses a `services` cell: names separated by `|` or `+`. The error names
/// the unknown service, or says that none was given.
/// The known services of a `services` cell, unknown names ignored.
fn known_services(cell: &str) -> ServiceSet {
    let mut services = ServiceSet::EMPTY;
    for name in cell.split(['|', '+']) {
        if let Ok(s) = name.trim().parse::<Service>() {
            services.insert(s);
        }
    }
    services
}

fn services_of(cell: &str) -> std::result::Result<ServiceSet, String> {
    let mut services = ServiceSet::EMPTY;
    for name in cell.split(['|', '+']).filter(|n| !n.trim().is_empty()) {
        services.insert(name.parse::<Service>().map_err(|e| e.0)?);
    }
    if services.is_empty() {
        return Err("no service given".into());
    }
    Ok(services)
}
