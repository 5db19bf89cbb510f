//! GeoParquet territories (feature `geoparquet`), read through polars: the
//! file's `geo` metadata names the geometry column, its encoding (WKB) and
//! its CRS (PROJJSON with an EPSG id; absent means OGC:CRS84 lon/lat).
//! Every other column is a property, read as text.

use std::path::Path;

use polars::prelude::*;

use super::fields::{FieldMap, TerritorySink};
use super::wkb_polygons::multipolygon_of_wkb;
use crate::error::{BoxError, Error, Result};
use crate::geom::crs::Crs;
use crate::model::Territory;
use crate::report::LoadReport;
use crate::skip::SkipReason;

/// True when `head` (the first bytes of a file) is a Parquet file.
pub(crate) fn is_parquet(head: &[u8]) -> bool {
    head.starts_with(b"PAR1")
}

fn parquet_error(path: &Path, e: PolarsError) -> Error {
    Error::Format {
        path: path.to_path_buf(),
        location: None,
        message: format!("not a readable Parquet file ({e})"),
        source: Some(Box::new(e) as BoxError),
    }
}

/// The geometry column and its CRS, from the `geo` metadata.
fn geo_metadata(path: &Path, geo: Option<&str>, given: Option<Crs>) -> Result<(String, Crs)> {
    let geo = geo.ok_or_else(|| {
        Error::format(
            path,
            None,
            "is a Parquet file without GeoParquet `geo` metadata: no geometry column is declared",
        )
    })?;
    let geo: serde_json::Value = serde_json::from_str(geo)
        .map_err(|e| Error::format(path, None, format!("its `geo` metadata is not JSON ({e})")))?;
    let column = geo
        .get("primary_column")
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| Error::format(path, None, "its `geo` metadata has no primary_column"))?
        .to_owned();
    let meta = geo.pointer(&format!(
        "/columns/{}",
        column.replace('~', "~0").replace('/', "~1")
    ));
    let encoding = meta
        .and_then(|m| m.get("encoding"))
        .and_then(serde_json::Value::as_str)
        .unwrap_or("");
    if !encoding.eq_ignore_ascii_case("WKB") {
        return Err(Error::format(
            path,
            None,
            format!(
                "its geometry column {column} is encoded as {encoding:?}; maillage reads WKB (write it with `to_parquet(..., geometry_encoding='WKB')`)"
            ),
        ));
    }
    let declared = match meta.and_then(|m| m.get("crs")) {
        // Absent: OGC:CRS84, by the specification. Null: undefined.
        None => Some(Crs::LonLat),
        Some(serde_json::Value::Null) => None,
        Some(crs) => {
            let code = crs.pointer("/id/code").and_then(|c| {
                c.as_u64()
                    .map(|n| n.to_string())
                    .or_else(|| c.as_str().map(str::to_owned))
            });
            let authority = crs
                .pointer("/id/authority")
                .and_then(serde_json::Value::as_str);
            match (authority, code) {
                (Some("OGC"), Some(c)) if c.eq_ignore_ascii_case("CRS84") => Some(Crs::LonLat),
                (Some(a), Some(c)) if a.eq_ignore_ascii_case("EPSG") => {
                    Some(Crs::parse(&format!("EPSG:{c}")).map_err(|_| {
                        Error::format(
                            path,
                            None,
                            format!("its geometry is in EPSG:{c}, a CRS maillage does not read (4326, the zones' 2154, 5490, 2972, 2975, 4471, 4467, 3857 and 3035 are)"),
                        )
                    })?)
                }
                _ => {
                    return Err(Error::format(
                        path,
                        None,
                        "its geometry's CRS has no EPSG id maillage can read: reproject to EPSG:4326 first",
                    ));
                }
            }
        }
    };
    let crs = super::resolve_crs(
        path,
        &format!("its geometry column {column}"),
        declared,
        given,
    )?;
    Ok((column, crs))
}

/// Reads polygon territories from a GeoParquet file, with the checks of
/// [`read_territories`](super::read_territories).
pub(crate) fn read_geoparquet_territories(
    path: &Path,
    fields: &FieldMap,
) -> Result<(Vec<Territory>, LoadReport)> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut reader = ParquetReader::new(file);
    let geo = reader
        .get_metadata()
        .map_err(|e| parquet_error(path, e))?
        .key_value_metadata()
        .as_ref()
        .and_then(|kv| kv.iter().find(|k| k.key == "geo"))
        .and_then(|k| k.value.clone());
    let (geometry, crs) = geo_metadata(path, geo.as_deref(), fields.crs)?;
    let df = reader.finish().map_err(|e| parquet_error(path, e))?;
    // GeoPandas and GDAL tag the column with the Arrow extension type
    // `geoarrow.wkb`: its storage is the WKB.
    let column = df
        .column(&geometry)
        .map_err(|e| parquet_error(path, e))?
        .as_materialized_series();
    let storage = match column.ext() {
        Ok(ext) => ext.storage().clone(),
        Err(_) => column.clone(),
    };
    let blobs = storage
        .binary()
        .cloned()
        .map_err(|e| parquet_error(path, e))?;
    // Every other column as text, by lower-case name.
    let mut columns: Vec<(String, StringChunked)> = Vec::new();
    for c in df.columns() {
        if c.name().as_str() == geometry {
            continue;
        }
        if let Ok(text) = c.cast(&DataType::String)
            && let Ok(s) = text.str()
        {
            columns.push((c.name().as_str().to_ascii_lowercase(), s.clone()));
        }
    }
    let mut sink = TerritorySink::new(path, fields);
    for i in 0..blobs.len() {
        let get = |wanted: &[String]| {
            wanted.iter().find_map(|w| {
                let w = w.to_ascii_lowercase();
                columns
                    .iter()
                    .find(|(n, _)| *n == w)
                    .and_then(|(_, s)| s.get(i))
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned)
            })
        };
        let geometry = || {
            blobs
                .get(i)
                .ok_or((SkipReason::NullGeometry, "geometry is null".to_owned()))
                .and_then(multipolygon_of_wkb)
        };
        sink.record(path, i as u64 + 1, &get, geometry, crs)?;
    }
    Ok(sink.finish())
}
