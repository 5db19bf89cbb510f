//! Territories from any polygon file, with a field mapping: this module
//! tells the format from the file's first bytes and calls its reader
//! (GeoJSON here, Shapefile, GeoPackage, GeoParquet in their modules);
//! every reader hands its records to the [`TerritorySink`] of
//! [`fields`](super::fields).

use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;
use std::path::Path;

use crate::error::{Error, Result};
use crate::geom::crs::Crs;
use crate::key::normalize_key;
use crate::model::Territory;
use crate::read::fields::{FieldMap, TerritorySink, parse_population};
use crate::read::geojson::{RawFeature, for_each_feature_in, property_text};
use crate::read::text::CsvTable;
use crate::read::{place_polygon, read_keyed};
use crate::report::{LoadReport, Note};
use crate::skip::Location;
use crate::skip::SkipReason;

fn first_property(
    props: &serde_json::Map<String, serde_json::Value>,
    names: &[String],
) -> Option<String> {
    names.iter().find_map(|n| property_text(props, n))
}

fn has_any_key(props: &serde_json::Map<String, serde_json::Value>, names: &[String]) -> bool {
    names
        .iter()
        .any(|n| props.keys().any(|k| k.eq_ignore_ascii_case(n)))
}

/// Reads polygon territories from a GeoJSON FeatureCollection (WGS84, or a
/// French zone's CRS it declares; gzip or not) or, with the `shapefile`
/// feature, an ESRI Shapefile (`.shp` + `.dbf` + `.prj`), told apart by
/// their content.
///
/// Features are streamed. Each is checked: null, empty and non-polygon
/// geometries, projected or out-of-range coordinates, coordinates outside
/// France, polygons straddling two zones, missing and duplicate ids are
/// skipped and counted. Invalid polygons (self-intersections) are repaired
/// (even-odd rule) and noted; unclosed rings are closed and noted.
/// A population that is null or unreadable leaves the territory without
/// population, noted with its count.
///
/// If the first feature has none of the id properties, the mapping is
/// wrong for this file and an error names the property.
pub fn read_territories(
    path: impl AsRef<Path>,
    fields: &FieldMap,
) -> Result<(Vec<Territory>, LoadReport)> {
    let path = path.as_ref();
    // The format is told from the first bytes, not the extension.
    let mut head = [0u8; 16];
    let n = std::io::Read::read(
        &mut std::fs::File::open(path).map_err(|e| Error::io(path, e))?,
        &mut head,
    )
    .map_err(|e| Error::io(path, e))?;
    let head = head.get(..n).unwrap_or_default();
    #[cfg(feature = "shapefile")]
    if super::shp::is_shapefile(head) {
        return super::shp::read_shapefile_territories(path, fields);
    }
    #[cfg(feature = "geopackage")]
    if super::gpkg::is_sqlite(head) {
        return super::gpkg::read_geopackage_territories(path, fields);
    }
    #[cfg(feature = "geoparquet")]
    if super::geoparquet::is_parquet(head) {
        return super::geoparquet::read_geoparquet_territories(path, fields);
    }
    let unsupported = |format: &str, feature: &str| {
        Err(Error::format(
            path,
            None,
            format!("is a {format}: build maillage with the `{feature}` feature to read it"),
        ))
    };
    if head.starts_with(b"SQLite format 3\0") {
        return unsupported("GeoPackage (SQLite)", "geopackage");
    }
    if head.starts_with(b"PAR1") {
        return unsupported("Parquet file", "geoparquet");
    }
    if head.starts_with(&[0x00, 0x00, 0x27, 0x0A]) {
        return unsupported("Shapefile", "shapefile");
    }
    let file = super::open_input(path)?;
    territories_in(path, file, fields)
}

/// Like [`read_territories`], from any reader; `name` labels reports and errors.
pub fn read_territories_from(
    name: &str,
    reader: impl std::io::Read,
    fields: &FieldMap,
) -> Result<(Vec<Territory>, LoadReport)> {
    territories_in(Path::new(name), reader, fields)
}

fn territories_in(
    path: &Path,
    reader: impl std::io::Read,
    fields: &FieldMap,
) -> Result<(Vec<Territory>, LoadReport)> {
    let mut sink = TerritorySink::new(path, fields);
    let mut wrong_mapping: Option<Location> = None;
    let mut conflict: Option<Crs> = None;
    let place = |f: &mut RawFeature| place_polygon(f, fields.crs);
    for_each_feature_in(path, reader, place, |f, (placed, fixes)| {
        sink.report.read += 1;
        let loc = Location::Feature(f.index);
        if f.index == 1 && !has_any_key(&f.properties, &fields.id) {
            wrong_mapping = Some(loc);
            return ControlFlow::Break(());
        }
        if let (Some(declared), Some(given)) = (f.crs, fields.crs)
            && declared != given
        {
            conflict = Some(declared);
            return ControlFlow::Break(());
        }
        sink.fixes.absorb_rings(&fixes);
        let get = |names: &[String]| first_property(&f.properties, names);
        if let Some(id) = sink.id(loc, &get) {
            sink.keep(loc, id, placed, &get);
        }
        ControlFlow::Continue(())
    })?;
    if let Some(location) = wrong_mapping {
        return Err(Error::MissingField {
            path: path.to_path_buf(),
            location,
            field: fields.id.join(" or "),
        });
    }
    if let (Some(declared), Some(given)) = (conflict, fields.crs) {
        return Err(Error::format(
            path,
            None,
            format!("declares {declared}, but its CRS was given as {given} (--crs): drop one"),
        ));
    }
    Ok(sink.finish())
}

/// Reads a population table: one row per territory, its id in column
/// `id_column` and its population in `population_column` (names matched
/// like every header: case and accents ignored). Rows without id, with an
/// id seen before, or whose population is not a number ≥ 0 are skipped and
/// counted.
pub fn read_population_table(
    path: impl AsRef<Path>,
    id_column: &str,
    population_column: &str,
) -> Result<(HashMap<String, u64>, LoadReport)> {
    let path = path.as_ref();
    let table = CsvTable::open(path)?;
    let c_id = table.require(&[&normalize_key(id_column)])?;
    let c_pop = table.require(&[&normalize_key(population_column)])?;
    read_keyed(path, table, c_id, |table, record, _| {
        let text = table.field(record, c_pop);
        parse_population(&text).ok_or_else(|| {
            (
                SkipReason::MalformedRow,
                format!("population {text:?} is not a number ≥ 0"),
            )
        })
    })
}

/// Gives each territory the population of its row in `table` (replacing
/// any it had; a territory without a row keeps its own). The report counts the table's rows (`read`), those that
/// matched a territory (`kept`), skips those that matched none
/// ([`SkipReason::UnknownTerritory`]), and notes the territories the table
/// does not cover ([`Note::NotInTable`]).
pub fn join_population(territories: &mut [Territory], table: &HashMap<String, u64>) -> LoadReport {
    let mut report = LoadReport::new("population table → territories");
    let mut matched: HashSet<&str> = HashSet::new();
    let mut missing = Vec::new();
    for t in territories.iter_mut() {
        match table.get_key_value(t.id.as_str()) {
            Some((id, p)) => {
                t.population = Some(*p);
                matched.insert(id.as_str());
            }
            None => missing.push(t.id.clone()),
        }
    }
    report.joined(table.keys(), &matched);
    if !missing.is_empty() {
        report.note(Note::NotInTable(missing));
    }
    report
}
