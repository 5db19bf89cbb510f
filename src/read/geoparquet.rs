//! GeoParquet territories (feature `geoparquet`), read through the Apache
//! Arrow `parquet` crate: the file's `geo` metadata names the geometry
//! column, its encoding (WKB) and its CRS (PROJJSON with an EPSG id; absent
//! means OGC:CRS84 lon/lat). Every other column of a plain type (text,
//! numbers, booleans, dictionaries of them) is a property, read as text;
//! other types (lists, structs such as a `bbox` covering) are not.

use std::path::Path;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type,
    UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

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

fn parquet_error(path: &Path, e: impl std::error::Error + Send + Sync + 'static) -> Error {
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

/// The value at `i` of a column of a plain type, as text (`None`: null, or
/// a type that is not a property).
fn text_at(column: &dyn Array, i: usize) -> Option<String> {
    if column.is_null(i) {
        return None;
    }
    macro_rules! number {
        ($t:ty) => {
            Some(column.as_primitive::<$t>().value(i).to_string())
        };
    }
    match column.data_type() {
        DataType::Utf8 => Some(column.as_string::<i32>().value(i).to_owned()),
        DataType::LargeUtf8 => Some(column.as_string::<i64>().value(i).to_owned()),
        DataType::Utf8View => Some(column.as_string_view().value(i).to_owned()),
        DataType::Boolean => Some(column.as_boolean().value(i).to_string()),
        DataType::Int8 => number!(Int8Type),
        DataType::Int16 => number!(Int16Type),
        DataType::Int32 => number!(Int32Type),
        DataType::Int64 => number!(Int64Type),
        DataType::UInt8 => number!(UInt8Type),
        DataType::UInt16 => number!(UInt16Type),
        DataType::UInt32 => number!(UInt32Type),
        DataType::UInt64 => number!(UInt64Type),
        DataType::Float32 => number!(Float32Type),
        DataType::Float64 => number!(Float64Type),
        DataType::Dictionary(_, _) => {
            let dict = column.as_any_dictionary();
            let key = dict.normalized_keys().get(i).copied()?;
            text_at(dict.values().as_ref(), key)
        }
        _ => None,
    }
}

/// The WKB at `i` of a binary geometry column (`None`: null).
fn wkb_at(column: &dyn Array, i: usize) -> Option<&[u8]> {
    if column.is_null(i) {
        return None;
    }
    match column.data_type() {
        DataType::Binary => Some(column.as_binary::<i32>().value(i)),
        DataType::LargeBinary => Some(column.as_binary::<i64>().value(i)),
        DataType::BinaryView => Some(column.as_binary_view().value(i)),
        _ => None,
    }
}

/// Reads polygon territories from a GeoParquet file, with the checks of
/// [`read_territories`](super::read_territories).
pub(crate) fn read_geoparquet_territories(
    path: &Path,
    fields: &FieldMap,
) -> Result<(Vec<Territory>, LoadReport)> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let builder =
        ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| parquet_error(path, e))?;
    let geo = builder
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .and_then(|kv| kv.iter().find(|k| k.key == "geo"))
        .and_then(|k| k.value.clone());
    let (geometry, crs) = geo_metadata(path, geo.as_deref(), fields.crs)?;
    let schema = builder.schema().clone();
    let Some((g, g_field)) = schema.column_with_name(&geometry) else {
        return Err(Error::format(
            path,
            None,
            format!(
                "its `geo` metadata names the geometry column {geometry}, which it does not have"
            ),
        ));
    };
    // GeoPandas and GDAL tag the column with the Arrow extension type
    // `geoarrow.wkb`: its storage is the WKB, a binary column.
    if !matches!(
        g_field.data_type(),
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView
    ) {
        return Err(Error::format(
            path,
            None,
            format!(
                "its geometry column {geometry} is {}, not WKB bytes",
                g_field.data_type()
            ),
        ));
    }
    // Every other column, by lower-case name.
    let names: Vec<(usize, String)> = schema
        .fields()
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != g)
        .map(|(i, f)| (i, f.name().to_ascii_lowercase()))
        .collect();
    let reader = builder.build().map_err(|e| parquet_error(path, e))?;
    let mut sink = TerritorySink::new(path, fields);
    let mut row = 0u64;
    for batch in reader {
        let batch: RecordBatch = batch.map_err(|e| parquet_error(path, e))?;
        let columns: &[ArrayRef] = batch.columns();
        let geometry_column = columns.get(g).map(AsRef::as_ref);
        for i in 0..batch.num_rows() {
            row += 1;
            let get = |wanted: &[String]| {
                wanted.iter().find_map(|w| {
                    let w = w.to_ascii_lowercase();
                    names
                        .iter()
                        .find(|(_, n)| *n == w)
                        .and_then(|(c, _)| columns.get(*c))
                        .and_then(|c| text_at(c.as_ref(), i))
                        .map(|t| t.trim().to_owned())
                        .filter(|t| !t.is_empty())
                })
            };
            let geometry = || {
                geometry_column
                    .and_then(|c| wkb_at(c, i))
                    .ok_or((SkipReason::NullGeometry, "geometry is null".to_owned()))
                    .and_then(multipolygon_of_wkb)
            };
            sink.record(path, row, &get, geometry, crs)?;
        }
    }
    Ok(sink.finish())
}
