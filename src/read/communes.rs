//! Communes: IGN polygons (any COG vintage with a bridge to the current
//! codes), joined with the INSEE commune table and the FRR rural zoning.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use geo_types::{MultiPolygon, Polygon};

use crate::crs::Zone;
use crate::error::{Location, Result};
use crate::key::departement_of;
use crate::model::{DensityClass, FrrClass, Territory, TerritoryKind};
use crate::read::geojson::RawFeature;
use crate::read::geojson::{GeometryFixes, for_each_feature_in, property_text};
use crate::read::territories::parse_population;
use crate::read::text::CsvTable;
use crate::read::{place_polygon, read_keyed};
use crate::report::{LoadReport, Note, SkipReason};

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
    /// Commune polygons alone: add the table and the FRR zoning with
    /// [`table`](Self::table) and [`frr`](Self::frr).
    pub fn new(polygons: impl Into<PathBuf>) -> Self {
        CommuneSources {
            polygons: polygons.into(),
            table: None,
            frr: None,
        }
    }

    /// Sets the commune table.
    pub fn table(mut self, path: impl Into<PathBuf>) -> Self {
        self.table = Some(path.into());
        self
    }

    /// Sets the FRR zoning table.
    pub fn frr(mut self, path: impl Into<PathBuf>) -> Self {
        self.frr = Some(path.into());
        self
    }

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

/// Table columns copied into the commune's attributes as text (the density
/// grid, rural typology and FRR class become typed fields).
const TABLE_ATTRIBUTES: [&str; 6] = [
    "reg",
    "zone",
    "grille_densite_4",
    "rural_insee",
    "centralite",
    "zone_montagne",
];

/// The polygons read for one current commune code.
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
    density: Option<DensityClass>,
    rural_typology: Option<String>,
    attributes: BTreeMap<String, String>,
}

/// Reads the communes, one [`Territory`] per current commune.
///
/// Returns the communes sorted by code, and one load report per file. A
/// commune of the table with no polygon (re-created since the polygons'
/// vintage) is skipped as [`SkipReason::NoPolygon`] and its population is
/// named in the report: it is never silently lost, and never counted twice.
pub fn read_communes(sources: &CommuneSources) -> Result<(Vec<Territory>, Vec<LoadReport>)> {
    let named = |p: &Path| p.display().to_string();
    let open = |p: &Option<PathBuf>| -> Result<Option<(String, Box<dyn Read + Send>)>> {
        p.as_ref()
            .map(|p| Ok((named(p), super::open_input(p)?)))
            .transpose()
    };
    let (mut table, mut frr) = (open(&sources.table)?, open(&sources.frr)?);
    read_communes_from(
        (
            &named(&sources.polygons),
            super::open_input(&sources.polygons)?,
        ),
        table.as_mut().map(|(n, f)| (n.as_str(), f)),
        frr.as_mut().map(|(n, f)| (n.as_str(), f)),
    )
}

/// Like [`read_communes`], from readers: the polygons, and optionally the
/// commune table and the FRR table, each with the name that labels its
/// report and errors.
pub fn read_communes_from(
    polygons: (&str, impl Read + Send),
    table: Option<(&str, impl Read + Send)>,
    frr: Option<(&str, impl Read + Send)>,
) -> Result<(Vec<Territory>, Vec<LoadReport>)> {
    // The three files are read concurrently.
    let (groups, (table, frr)) = rayon::join(
        || read_polygon_groups(Path::new(polygons.0), polygons.1),
        || {
            rayon::join(
                || table.map(|(name, reader)| read_commune_table(Path::new(name), reader)),
                || frr.map(|(name, reader)| read_frr_table(Path::new(name), reader)),
            )
        },
    );
    let (mut groups, polygons_report) = groups?;
    let mut reports = vec![polygons_report];
    let mut table = match table.transpose()? {
        Some((rows, r)) => {
            reports.push(r);
            Some(rows)
        }
        None => None,
    };
    let frr = match frr.transpose()? {
        Some((rows, r)) => {
            reports.push(r);
            Some(rows)
        }
        None => None,
    };

    // Each commune takes its table row (what remains in the table then has
    // no polygon); communes of several polygons are dissolved, in parallel.
    let mut without_row = Vec::new();
    let paired: Vec<(&String, &mut Group, Option<TableRow>)> = groups
        .iter_mut()
        .map(|(code, group)| {
            let row = table.as_mut().and_then(|rows| rows.remove(code));
            if table.is_some() && row.is_none() {
                without_row.push(code.clone());
            }
            (code, group, row)
        })
        .collect();
    let communes: Vec<Territory> = paired
        .into_par_iter()
        .map(|(code, group, row)| {
            let mut territory = commune_of(code, group);
            if let Some(row) = row {
                row.apply(&mut territory);
            }
            territory.frr = frr.as_ref().and_then(|rows| rows.get(code)).copied();
            territory
        })
        .collect();

    if let (Some(rows), Some(table_report)) = (&table, reports.get_mut(1)) {
        report_rows_without_polygon(rows, table_report);
        if !without_row.is_empty() {
            table_report.note(Note::PolygonsWithoutRow(without_row));
        }
    }
    if let (Some(rows), Some(frr_report)) = (&frr, reports.last_mut()) {
        let unmatched = rows.keys().filter(|c| !groups.contains_key(*c)).count();
        if unmatched > 0 {
            frr_report.note(Note::UnmatchedRows(unmatched));
        }
    }
    Ok((communes, reports))
}

/// Reads the polygons, grouped by current commune code.
fn read_polygon_groups(
    path: &Path,
    reader: impl Read,
) -> Result<(BTreeMap<String, Group>, LoadReport)> {
    let mut report = LoadReport::new(path.display().to_string());
    let mut fixes = GeometryFixes::default();
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    // Polygons are placed in parallel, then grouped in file order.
    let place = |f: &mut RawFeature| place_polygon(f, None);
    for_each_feature_in(path, reader, place, |f, (placed, ring_fixes)| {
        report.read += 1;
        fixes.absorb_rings(&ring_fixes);
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
            return ControlFlow::Continue(());
        };
        let placed = match placed {
            Ok(p) => p,
            Err((reason, detail)) => {
                report.skip(reason, loc, Some(&code), Some(detail));
                return ControlFlow::Continue(());
            }
        };
        fixes.record(&code, placed.repair);
        let group = groups.entry(code.clone()).or_insert_with(|| Group {
            name: property_text(&f.properties, "nom").unwrap_or_else(|| code.clone()),
            dep: property_text(&f.properties, "dep"),
            zone: placed.zone,
            parts: Vec::new(),
            features: 0,
        });
        if group.zone != placed.zone {
            report.skip(
                SkipReason::SpansZones,
                loc,
                Some(&code),
                Some("parts of one commune in two zones".into()),
            );
            return ControlFlow::Continue(());
        }
        group.parts.extend(placed.geometry.0);
        group.features += 1;
        report.kept += 1;
        ControlFlow::Continue(())
    })?;
    fixes.add_notes(&mut report);
    let merged: Vec<&Group> = groups.values().filter(|g| g.features > 1).collect();
    if !merged.is_empty() {
        report.note(Note::Dissolved {
            polygons: merged.iter().map(|g| g.features).sum(),
            communes: merged.len(),
        });
    }
    Ok((groups, report))
}

/// The commune of a group of polygons: dissolved when there are several.
fn commune_of(code: &str, group: &mut Group) -> Territory {
    let geometry = if group.features > 1 {
        crate::repair::dissolve(&group.parts)
    } else {
        MultiPolygon(std::mem::take(&mut group.parts))
    };
    let mut t = Territory::projected(
        code,
        group.name.clone(),
        TerritoryKind::Commune,
        group.zone,
        geometry,
    );
    t.departement.clone_from(&group.dep);
    t
}

impl TableRow {
    fn apply(self, territory: &mut Territory) {
        territory.name = self.name;
        territory.departement = Some(self.dep);
        territory.population = self.population;
        territory.density = self.density;
        territory.rural_typology = self.rural_typology;
        territory.attributes.extend(self.attributes);
    }
}

/// Skips the table rows that have no polygon (those the communes did not
/// take), naming their population.
fn report_rows_without_polygon(rows: &HashMap<String, TableRow>, report: &mut LoadReport) {
    let mut missing: Vec<(&String, &TableRow)> = rows.iter().collect();
    missing.sort_by_key(|(_, row)| row.line);
    let mut lost_population = 0u64;
    for (code, row) in missing {
        lost_population += row.population.unwrap_or(0);
        report.kept = report.kept.saturating_sub(1);
        report.skip(
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
        report.note(Note::PopulationNotPlaced(lost_population));
    }
}

fn read_commune_table(
    path: &Path,
    reader: impl Read,
) -> Result<(HashMap<String, TableRow>, LoadReport)> {
    let table = CsvTable::from_reader(path, reader)?;
    let c_code = table.require(&["code_insee", "codgeo", "insee_com"])?;
    let c_pop = table.require(&["population", "pmun", "ptot"])?;
    let c_name = table.column(&["nom", "libgeo", "lib_com"]);
    let c_dep = table.column(&["dep", "insee_dep", "code_departement"]);
    let c_density = table.column(&["grille_densite"]);
    let c_typology = table.column(&["typo_ruralite"]);
    let c_attrs: Vec<(String, usize)> = TABLE_ATTRIBUTES
        .iter()
        .filter_map(|a| table.column(&[a]).map(|c| ((*a).to_owned(), c)))
        .collect();
    let mut bad_population = 0usize;
    let mut dep_from_code = 0usize;
    let (rows, mut report) = read_keyed(path, table, c_code, |table, record, line| {
        let code = table.field(record, c_code);
        let given = table.opt_field(record, c_dep);
        // The département must be the code's own (its first 2 characters, 3
        // overseas); when the table gives none, the code's is used if it is
        // a known département.
        let prefix = code
            .get(..if code.starts_with("97") { 3 } else { 2 })
            .unwrap_or("");
        let dep = if given.is_empty() {
            let Some(d) = departement_of(&code) else {
                return Err((
                    SkipReason::MalformedRow,
                    format!(
                        "no département, and {code:?} is not the code of a commune of a known département"
                    ),
                ));
            };
            dep_from_code += 1;
            d
        } else if given == prefix {
            given.into_owned()
        } else {
            return Err((
                SkipReason::MalformedRow,
                format!("département {given:?} does not match the code {code:?}"),
            ));
        };
        let population = parse_population(&table.field(record, c_pop));
        bad_population += usize::from(population.is_none());
        let attributes = c_attrs
            .iter()
            .filter_map(|(name, c)| {
                let v = table.field(record, *c);
                (!v.is_empty()).then(|| (name.clone(), v.into_owned()))
            })
            .collect();
        let typology = table.opt_field(record, c_typology);
        Ok(TableRow {
            name: table.opt_field(record, c_name).into_owned(),
            dep,
            population,
            line,
            density: table
                .opt_field(record, c_density)
                .parse::<u8>()
                .ok()
                .and_then(DensityClass::from_level),
            rural_typology: (!typology.is_empty()).then(|| typology.into_owned()),
            attributes,
        })
    })?;
    if bad_population > 0 {
        report.note(Note::UnreadablePopulation(bad_population));
    }
    if dep_from_code > 0 {
        report.note(Note::DepartementFromCode(dep_from_code));
    }
    Ok((rows, report))
}

/// The FRR class of each commune (`codefrr`, 0–5); a row with another code
/// is skipped as malformed.
fn read_frr_table(
    path: &Path,
    reader: impl Read,
) -> Result<(HashMap<String, FrrClass>, LoadReport)> {
    let table = CsvTable::from_reader(path, reader)?;
    let c_code = table.require(&["code_insee", "codgeo", "insee_com"])?;
    let c_frr = table.require(&["codefrr"])?;
    read_keyed(path, table, c_code, |table, record, _| {
        let text = table.field(record, c_frr);
        text.parse::<u8>()
            .ok()
            .and_then(FrrClass::from_code)
            .ok_or_else(|| {
                (
                    SkipReason::MalformedRow,
                    format!("codefrr {text:?} is not 0–5"),
                )
            })
    })
}
