//! Communes: IGN polygons (any COG vintage with a bridge to the current
//! codes), joined with the INSEE commune table and the FRR rural zoning.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use geo_types::{MultiPolygon, Polygon};

use crate::crs::Zone;
use crate::error::{Location, Result};
use crate::model::{Territory, TerritoryKind};
use crate::read::geojson::{
    GeometryStats, for_each_feature, multipolygon_lonlat, place_multipolygon, property_text,
};
use crate::read::territories::parse_population;
use crate::read::text::CsvTable;
use crate::report::{LoadReport, SkipReason};

/// The files that make up the commune layer.
#[derive(Debug, Clone, PartialEq)]
pub struct CommuneSources {
    /// Commune polygons (GeoJSON, WGS84). Each feature's current code is read
    /// from `code_insee_2026` when present, else from `code_insee`/`codgeo`;
    /// polygons sharing a current code (communes merged since the polygons'
    /// vintage) are dissolved into one commune.
    pub polygons: PathBuf,
    /// The commune table (`communes_france.csv`): `code_insee`, `nom`,
    /// `dep`, `population`, `grille_densite`, `rural_insee`... Optional.
    pub table: Option<PathBuf>,
    /// FRR zoning (`frr_communes.csv`): `code_insee`, `codefrr`,
    /// `classement_frr`, `classee_frr`. Optional.
    pub frr: Option<PathBuf>,
}

impl CommuneSources {
    /// The standard file names in a data folder such as `../shared/data`.
    pub fn in_dir(dir: impl AsRef<Path>) -> Self {
        let dir = dir.as_ref();
        CommuneSources {
            polygons: dir.join("communes_2018_simplified.geojson"),
            table: Some(dir.join("communes_france.csv")),
            frr: Some(dir.join("frr_communes.csv")),
        }
    }
}

/// Table columns copied into the commune's attributes.
const TABLE_ATTRIBUTES: [&str; 8] = [
    "reg",
    "zone",
    "grille_densite",
    "grille_densite_4",
    "rural_insee",
    "typo_ruralite",
    "centralite",
    "zone_montagne",
];
const FRR_ATTRIBUTES: [&str; 3] = ["codefrr", "classement_frr", "classee_frr"];

struct Group {
    name: String,
    dep: Option<String>,
    zone: Zone,
    parts: Vec<Polygon<f64>>,
    features: usize,
}

struct TableRow {
    name: String,
    dep: String,
    population: Option<u64>,
    line: u64,
    attributes: BTreeMap<String, String>,
}

/// Reads the communes, one [`Territory`] per current commune.
///
/// Returns the communes sorted by code, and one load report per file. A
/// commune of the table with no polygon (re-created since the polygons'
/// vintage) is skipped as [`SkipReason::NoPolygon`] and its population is
/// named in the report: it is never silently lost, and never counted twice.
pub fn read_communes(sources: &CommuneSources) -> Result<(Vec<Territory>, Vec<LoadReport>)> {
    let path = sources.polygons.as_path();
    let mut report = LoadReport::new(path.display().to_string());
    let mut stats = GeometryStats::default();
    let mut repaired_ids = Vec::new();
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    for_each_feature(path, |f| {
        report.read += 1;
        let loc = Location::Feature(f.index);
        let Some(code) = [
            "code_insee_2026",
            "code_insee",
            "codgeo",
            "insee_com",
            "code",
        ]
        .iter()
        .find_map(|k| property_text(&f.properties, k)) else {
            report.skip(SkipReason::MissingId, loc, None, None);
            return;
        };
        let placed = multipolygon_lonlat(&f.geometry, &mut stats)
            .and_then(|mp| place_multipolygon(mp, &mut stats));
        let (zone, geometry, repaired) = match placed {
            Ok(p) => p,
            Err((reason, detail)) => {
                report.skip(reason, loc, Some(&code), Some(detail));
                return;
            }
        };
        if repaired {
            repaired_ids.push(code.clone());
        }
        let group = groups.entry(code.clone()).or_insert_with(|| Group {
            name: property_text(&f.properties, "nom").unwrap_or_else(|| code.clone()),
            dep: property_text(&f.properties, "dep"),
            zone,
            parts: Vec::new(),
            features: 0,
        });
        if group.zone != zone {
            report.skip(
                SkipReason::SpansZones,
                loc,
                Some(&code),
                Some("parts of one commune in two zones".into()),
            );
            return;
        }
        group.parts.extend(geometry.0);
        group.features += 1;
        report.kept += 1;
    })?;
    stats.add_notes(&mut report, &repaired_ids);
    let merged = groups.values().filter(|g| g.features > 1).count();
    if merged > 0 {
        let absorbed: usize = groups
            .values()
            .filter(|g| g.features > 1)
            .map(|g| g.features)
            .sum();
        report.note(format!(
            "{absorbed} polygons dissolved into {merged} current communes (communes merged since the polygons' vintage)"
        ));
    }
    let mut reports = vec![report];

    let table = match &sources.table {
        Some(p) => {
            let (rows, r) = read_commune_table(p)?;
            reports.push(r);
            Some(rows)
        }
        None => None,
    };
    let frr = match &sources.frr {
        Some(p) => {
            let (rows, r) = read_code_table(p, &FRR_ATTRIBUTES)?;
            reports.push(r);
            Some(rows)
        }
        None => None,
    };

    let mut communes = Vec::with_capacity(groups.len());
    let mut without_row = Vec::new();
    for (code, group) in &mut groups {
        let geometry = if group.features > 1 {
            geo::unary_union(group.parts.iter())
        } else {
            MultiPolygon(std::mem::take(&mut group.parts))
        };
        let mut territory = Territory {
            id: code.clone(),
            name: group.name.clone(),
            kind: TerritoryKind::Commune,
            population: None,
            departement: group.dep.clone(),
            attributes: BTreeMap::new(),
            zone: group.zone,
            geometry,
        };
        if let Some(rows) = &table {
            match rows.get(code) {
                Some(row) => {
                    territory.name.clone_from(&row.name);
                    territory.departement = Some(row.dep.clone());
                    territory.population = row.population;
                    territory.attributes.extend(row.attributes.clone());
                }
                None => without_row.push(code.clone()),
            }
        }
        if let Some(attrs) = frr.as_ref().and_then(|rows| rows.get(code)) {
            territory.attributes.extend(attrs.clone());
        }
        communes.push(territory);
    }

    if let (Some(rows), Some(table_report)) = (&table, reports.get_mut(1)) {
        let mut lost_population = 0u64;
        let mut missing: Vec<(&String, &TableRow)> = rows
            .iter()
            .filter(|(code, _)| !groups.contains_key(*code))
            .collect();
        missing.sort_by_key(|(_, row)| row.line);
        for (code, row) in missing {
            lost_population += row.population.unwrap_or(0);
            table_report.kept = table_report.kept.saturating_sub(1);
            table_report.skip(
                SkipReason::NoPolygon,
                Location::Line(row.line),
                Some(code),
                Some(format!(
                    "{}, population {}",
                    row.name,
                    row.population.unwrap_or(0)
                )),
            );
        }
        if lost_population > 0 {
            table_report.note(format!(
                "population not placed on any polygon (communes without polygon): {lost_population}"
            ));
        }
        if !without_row.is_empty() {
            let shown: Vec<&str> = without_row.iter().take(10).map(String::as_str).collect();
            table_report.note(format!(
                "{} polygon(s) have no table row and no population: {}",
                without_row.len(),
                shown.join(", ")
            ));
        }
    }
    if let (Some(rows), Some(frr_report)) = (&frr, reports.last_mut()) {
        let unmatched = rows.keys().filter(|c| !groups.contains_key(*c)).count();
        if unmatched > 0 {
            frr_report.note(format!("{unmatched} FRR row(s) match no commune polygon"));
        }
    }
    Ok((communes, reports))
}

/// Reads the rows of a table keyed by commune code, calling `row` for each
/// kept one; rows without a code, or with a code seen before, are skipped
/// and counted (the first occurrence is kept).
fn read_keyed<V>(
    path: &Path,
    mut table: CsvTable,
    c_code: usize,
    mut row: impl FnMut(&CsvTable, &csv::ByteRecord, u64) -> V,
) -> Result<(HashMap<String, V>, LoadReport)> {
    let mut report = LoadReport::new(path.display().to_string());
    let mut rows = HashMap::new();
    let mut record = csv::ByteRecord::new();
    while let Some(line) = table.next_record(&mut record)? {
        report.read += 1;
        let code = table.field(&record, c_code).into_owned();
        if code.is_empty() {
            report.skip(SkipReason::MissingId, Location::Line(line), None, None);
            continue;
        }
        if rows.contains_key(&code) {
            report.skip(
                SkipReason::DuplicateId,
                Location::Line(line),
                Some(&code),
                None,
            );
            continue;
        }
        let value = row(&table, &record, line);
        rows.insert(code, value);
        report.kept += 1;
    }
    table.finish(&mut report);
    Ok((rows, report))
}

fn read_commune_table(path: &Path) -> Result<(HashMap<String, TableRow>, LoadReport)> {
    let table = CsvTable::open(path)?;
    let c_code = table.require(&["code_insee", "codgeo", "insee_com"])?;
    let c_pop = table.require(&["population", "pmun", "ptot"])?;
    let c_name = table.column(&["nom", "libgeo", "lib_com"]);
    let c_dep = table.column(&["dep", "insee_dep", "code_departement"]);
    let c_attrs: Vec<(String, usize)> = TABLE_ATTRIBUTES
        .iter()
        .filter_map(|a| table.column(&[a]).map(|c| ((*a).to_owned(), c)))
        .collect();
    let mut bad_population = 0usize;
    let (rows, mut report) = read_keyed(path, table, c_code, |table, record, line| {
        let population = parse_population(&table.field(record, c_pop));
        bad_population += usize::from(population.is_none());
        let attributes = c_attrs
            .iter()
            .filter_map(|(name, c)| {
                let v = table.field(record, *c);
                (!v.is_empty()).then(|| (name.clone(), v.into_owned()))
            })
            .collect();
        TableRow {
            name: table.opt_field(record, c_name).into_owned(),
            dep: table.opt_field(record, c_dep).into_owned(),
            population,
            line,
            attributes,
        }
    })?;
    if bad_population > 0 {
        report.note(format!(
            "{bad_population} row(s) with an empty or unreadable population"
        ));
    }
    Ok((rows, report))
}

/// Attribute columns of a table, by commune code.
type CodeTable = HashMap<String, BTreeMap<String, String>>;

fn read_code_table(path: &Path, columns: &[&str]) -> Result<(CodeTable, LoadReport)> {
    let table = CsvTable::open(path)?;
    let c_code = table.require(&["code_insee", "codgeo", "insee_com"])?;
    let cols: Vec<(String, usize)> = columns
        .iter()
        .map(|a| table.require(&[a]).map(|c| ((*a).to_owned(), c)))
        .collect::<Result<_>>()?;
    read_keyed(path, table, c_code, |table, record, _| {
        cols.iter()
            .map(|(name, c)| (name.clone(), table.field(record, *c).into_owned()))
            .collect()
    })
}
