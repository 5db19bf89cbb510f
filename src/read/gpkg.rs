//! GeoPackage territories (feature `geopackage`): the OGC SQLite container
//! IGN ships ADMIN EXPRESS in, read with rusqlite (SQLite compiled from its
//! C source, no system library).
//!
//! The layer is the file's only feature table, or the one named by
//! [`FieldMap::layer`] (`--layer`); with several and none named, the error
//! lists them. The CRS comes from the layer's `srs_id` (an EPSG code in
//! `gpkg_spatial_ref_sys`); an undefined CRS takes [`FieldMap::crs`] or is
//! an error. Geometries are GeoPackage binary blobs: a header (`GP`,
//! version, flags, SRS id, optional envelope) then standard WKB.

use std::collections::HashMap;
use std::path::Path;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};

use super::fields::{FieldMap, TerritorySink};
use super::wkb_polygons::multipolygon_of_wkb;
use crate::error::{BoxError, Error, Result};
use crate::geom::crs::Crs;
use crate::geom::place::Problem;
use crate::model::Territory;
use crate::report::LoadReport;
use crate::skip::SkipReason;

/// True when `head` (the first bytes of a file) is an SQLite database.
pub(crate) fn is_sqlite(head: &[u8]) -> bool {
    head.starts_with(b"SQLite format 3\0")
}

fn sql_error(path: &Path, what: &str, e: rusqlite::Error) -> Error {
    Error::Format {
        path: path.to_path_buf(),
        location: None,
        message: format!("not a readable GeoPackage ({what}: {e})"),
        source: Some(Box::new(e) as BoxError),
    }
}

/// `name` as an SQL identifier.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The feature layer to read: the one named, or the only one.
fn layer(path: &Path, conn: &Connection, wanted: Option<&str>) -> Result<String> {
    let mut stmt = conn
        .prepare(
            "SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY table_name",
        )
        .map_err(|e| sql_error(path, "gpkg_contents", e))?;
    let layers: Vec<String> = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .map_err(|e| sql_error(path, "gpkg_contents", e))?
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| sql_error(path, "gpkg_contents", e))?;
    match (wanted, layers.as_slice()) {
        (Some(w), _) if layers.iter().any(|l| l == w) => Ok(w.to_owned()),
        (Some(w), _) => Err(Error::format(
            path,
            None,
            format!(
                "has no feature layer {w:?}; its layers: {}",
                layers.join(", ")
            ),
        )),
        (None, [only]) => Ok(only.clone()),
        (None, []) => Err(Error::format(path, None, "has no feature layer")),
        (None, many) => Err(Error::format(
            path,
            None,
            format!(
                "has {} feature layers: choose one with --layer (--communes-layer for commune polygons; FieldMap::layer): {}",
                many.len(),
                many.join(", ")
            ),
        )),
    }
}

/// The layer's geometry column and CRS.
fn geometry_column(
    path: &Path,
    conn: &Connection,
    layer: &str,
    given: Option<Crs>,
) -> Result<(String, Crs)> {
    let (column, srs_id): (String, i64) = conn
        .query_row(
            "SELECT column_name, srs_id FROM gpkg_geometry_columns WHERE table_name = ?1",
            [layer],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(|e| sql_error(path, "gpkg_geometry_columns", e))?;
    let srs: Option<(String, i64)> = conn
        .query_row(
            "SELECT organization, organization_coordsys_id FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
            [srs_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .ok();
    let declared = match srs {
        Some((org, code)) if org.eq_ignore_ascii_case("EPSG") => {
            let crs = u32::try_from(code).ok().and_then(Crs::from_epsg);
            Some(crs.ok_or_else(|| {
                Error::format(
                    path,
                    None,
                    format!(
                        "layer {layer} is in EPSG:{code}, a CRS maillage does not read (4326, the zones' 2154, 5490, 2972, 2975, 4471, 4467, 3857 and 3035 are): reproject first, e.g. `ogr2ogr -t_srs EPSG:4326 out.gpkg in.gpkg`"
                    ),
                )
            })?)
        }
        // srs_id 0 and -1 are the spec's "undefined" systems.
        _ => None,
    };
    let crs = super::resolve_crs(
        path,
        &format!("layer {layer} (srs_id {srs_id})"),
        declared,
        given,
    )?;
    Ok((column, crs))
}

/// The WKB inside a GeoPackage geometry blob.
fn wkb_of_blob(blob: &[u8]) -> std::result::Result<&[u8], Problem> {
    let bad = |why: &str| {
        (
            SkipReason::InvalidCoordinates,
            format!("GeoPackage geometry: {why}"),
        )
    };
    let Some(&[g, p, _version, flags, ..]) = blob.get(..8) else {
        return Err(bad("shorter than its header"));
    };
    if [g, p] != *b"GP" {
        return Err(bad("no GP magic"));
    }
    if flags & 0b0010_0000 != 0 {
        return Err(bad("extended GeoPackage binary is not supported"));
    }
    if flags & 0b0001_0000 != 0 {
        return Err((SkipReason::EmptyGeometry, "empty geometry".to_owned()));
    }
    let envelope = match (flags >> 1) & 0b111 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        _ => return Err(bad("invalid envelope code")),
    };
    blob.get(8 + envelope..)
        .filter(|w| !w.is_empty())
        .ok_or_else(|| bad("no WKB after the header"))
}

fn text_of(v: ValueRef<'_>) -> Option<String> {
    let t = match v {
        ValueRef::Null | ValueRef::Blob(_) => return None,
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Real(f) => f.to_string(),
        ValueRef::Text(t) => String::from_utf8_lossy(t).trim().to_owned(),
    };
    (!t.is_empty()).then_some(t)
}

/// Reads polygon territories from a GeoPackage, with the checks of
/// [`read_territories`](super::read_territories).
pub(crate) fn read_geopackage_territories(
    path: &Path,
    fields: &FieldMap,
) -> Result<(Vec<Territory>, LoadReport)> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| sql_error(path, "open", e))?;
    let layer = layer(path, &conn, fields.layer.as_deref())?;
    let (geometry, crs) = geometry_column(path, &conn, &layer, fields.crs)?;
    let mut stmt = conn
        .prepare(&format!("SELECT * FROM {}", quoted(&layer)))
        .map_err(|e| sql_error(path, "layer", e))?;
    let names: Vec<String> = stmt
        .column_names()
        .iter()
        .map(|n| n.to_ascii_lowercase())
        .collect();
    let geometry_at = names
        .iter()
        .position(|n| n.eq_ignore_ascii_case(&geometry))
        .ok_or_else(|| {
            Error::format(
                path,
                None,
                format!("layer {layer} has no column {geometry}"),
            )
        })?;
    let mut rows = stmt.query([]).map_err(|e| sql_error(path, "layer", e))?;
    let mut sink = TerritorySink::new(path, fields);
    let mut index = 0u64;
    while let Some(row) = rows.next().map_err(|e| sql_error(path, "row", e))? {
        index += 1;
        let mut record: HashMap<&str, String> = HashMap::new();
        let mut blob: Option<Vec<u8>> = None;
        for (i, name) in names.iter().enumerate() {
            let Ok(value) = row.get_ref(i) else { continue };
            if i == geometry_at {
                if let ValueRef::Blob(b) = value {
                    blob = Some(b.to_vec());
                }
            } else if let Some(t) = text_of(value) {
                record.insert(name.as_str(), t);
            }
        }
        let get = |wanted: &[String]| {
            wanted
                .iter()
                .find_map(|w| record.get(w.to_ascii_lowercase().as_str()).cloned())
        };
        let geometry = || {
            blob.ok_or((SkipReason::NullGeometry, "geometry is null".to_owned()))
                .and_then(|b| wkb_of_blob(&b).and_then(multipolygon_of_wkb))
        };
        sink.record(path, index, &get, geometry, crs)?;
    }
    Ok(sink.finish())
}
