//! Communes: IGN polygons (any COG vintage with a bridge to the current
//! codes), joined with the INSEE commune table and the FRR rural zoning.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::geom::crs::Crs;
use crate::key::departement_of;
use crate::model::{DensityClass, FrrClass, Territory, TerritoryKind};
use crate::read::fields::{FieldMap, parse_population};
use crate::read::read_keyed;
use crate::read::text::CsvTable;
use crate::report::{LoadReport, Note};
use crate::skip::Location;
use crate::skip::SkipReason;

/// The files that make up the commune layer.
#[derive(Debug, Clone, PartialEq)]
pub struct CommuneSources {
    /// Commune polygons, in any format [`read_territories`](super::read_territories)
    /// reads, told from the content: GeoJSON (lon/lat or a declared French
    /// CRS; gzip or not), and with their features Shapefile, GeoPackage,
    /// GeoParquet (IGN's ADMIN EXPRESS as shipped). Each feature's current
    /// code is read from `code_insee_2026` when present, else from
    /// `code_insee`/`codgeo`/`insee_com`; polygons sharing a current code
    /// (communes merged since the polygons' vintage) are dissolved into one
    /// commune.
    pub polygons: PathBuf,
    /// The commune table (`communes_france.csv`): `code_insee`, `nom`,
    /// `dep`, `population`, `grille_densite`, `rural_insee`... Optional.
    pub table: Option<PathBuf>,
    /// FRR zoning (`frr_communes.csv`): `code_insee`, `codefrr`,
    /// `classement_frr`, `classee_frr`. Optional.
    pub frr: Option<PathBuf>,
    /// The CRS of polygons that do not say theirs (see [`FieldMap::crs`]).
    pub crs: Option<Crs>,
    /// The layer of a polygon file that holds several (ADMIN EXPRESS's
    /// GeoPackage: `commune`).
    pub layer: Option<String>,
}

impl CommuneSources {
    /// Commune polygons alone: add the table and the FRR zoning with
    /// [`table`](Self::table) and [`frr`](Self::frr).
    pub fn new(polygons: impl Into<PathBuf>) -> Self {
        CommuneSources {
            polygons: polygons.into(),
            table: None,
            frr: None,
            crs: None,
            layer: None,
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

    /// Sets the CRS of polygons that do not say theirs.
    pub fn crs(mut self, crs: Crs) -> Self {
        self.crs = Some(crs);
        self
    }

    /// Sets the layer to read in a polygon file that holds several.
    pub fn layer(mut self, name: &str) -> Self {
        self.layer = Some(name.to_owned());
        self
    }

    /// The standard file names in a data folder such as `../shared/data`.
    pub fn in_dir(dir: impl AsRef<Path>) -> Self {
        let dir = dir.as_ref();
        CommuneSources {
            polygons: dir.join("communes_2018_simplified.geojson"),
            table: Some(dir.join("communes_france.csv")),
            frr: Some(dir.join("frr_communes.csv")),
            crs: None,
            layer: None,
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
    // The polygons in any format `read_territories` reads (told from the
    // content: GeoJSON, gzip, Shapefile, GeoPackage, GeoParquet).
    let mut fields = polygon_fields();
    fields.crs = sources.crs;
    fields.layer.clone_from(&sources.layer);
    communes_of(
        || super::read_territories(&sources.polygons, &fields),
        table.as_mut().map(|(n, f)| (n.as_str(), f)),
        frr.as_mut().map(|(n, f)| (n.as_str(), f)),
    )
}

/// The properties of a commune polygon file: the current code (a bridge
/// column such as `code_insee_2026` first, then the polygon's own code),
/// `nom`, `dep` or `insee_dep` (ADMIN EXPRESS's `INSEE_COM`, `NOM`,
/// `INSEE_DEP`: names match whatever their case); features sharing a
/// current code are dissolved.
fn polygon_fields() -> FieldMap {
    let mut fields = FieldMap::new(TerritoryKind::Commune, "code_insee_2026")
        .name("nom")
        .departement("dep")
        .dissolve_duplicates();
    fields.departement.push("insee_dep".to_owned());
    fields.id.extend(
        ["code_insee", "codgeo", "insee_com", "code"]
            .iter()
            .map(|k| (*k).to_owned()),
    );
    fields
}

/// Like [`read_communes`], from readers: the polygons (GeoJSON, gzip or
/// not), and optionally the commune table and the FRR table, each with the
/// name that labels its report and errors.
pub fn read_communes_from(
    polygons: (&str, impl Read + Send),
    table: Option<(&str, impl Read + Send)>,
    frr: Option<(&str, impl Read + Send)>,
) -> Result<(Vec<Territory>, Vec<LoadReport>)> {
    let (name, reader) = polygons;
    communes_of(
        || super::read_territories_from(name, reader, &polygon_fields()),
        table,
        frr,
    )
}

/// The communes of the polygons `read_polygons` gives, joined with the
/// table and the FRR zoning; the three files are read concurrently.
fn communes_of(
    read_polygons: impl FnOnce() -> Result<(Vec<Territory>, LoadReport)> + Send,
    table: Option<(&str, impl Read + Send)>,
    frr: Option<(&str, impl Read + Send)>,
) -> Result<(Vec<Territory>, Vec<LoadReport>)> {
    let (polygons, (table, frr)) = rayon::join(read_polygons, || {
        rayon::join(
            || table.map(|(name, reader)| read_commune_table(Path::new(name), reader)),
            || frr.map(|(name, reader)| read_frr_table(Path::new(name), reader)),
        )
    });
    let (polygons, polygons_report) = polygons?;
    // Sorted by code, as the commune table and the outputs are.
    let mut communes: BTreeMap<String, Territory> =
        polygons.into_iter().map(|t| (t.id.clone(), t)).collect();
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
    // no polygon) and its FRR class.
    let mut without_row = Vec::new();
    for (code, territory) in &mut communes {
        let row = table.as_mut().and_then(|rows| rows.remove(code));
        match row {
            Some(row) => row.apply(territory),
            None if table.is_some() => without_row.push(code.clone()),
            None => {}
        }
        territory.frr = frr.as_ref().and_then(|rows| rows.get(code)).copied();
    }

    if let (Some(rows), Some(table_report)) = (&table, reports.get_mut(1)) {
        report_rows_without_polygon(rows, table_report);
        if !without_row.is_empty() {
            table_report.note(Note::PolygonsWithoutRow(without_row));
        }
    }
    if let (Some(rows), Some(frr_report)) = (&frr, reports.last_mut()) {
        let unmatched = rows.keys().filter(|c| !communes.contains_key(*c)).count();
        if unmatched > 0 {
            frr_report.note(Note::UnmatchedRows(unmatched));
        }
    }
    Ok((communes.into_values().collect(), reports))
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
