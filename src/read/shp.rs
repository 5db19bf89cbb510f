//! ESRI Shapefiles as territories (feature `shapefile`): `.shp` with its
//! `.dbf` attributes (encoding from the `.cpg` when present) and its `.prj`
//! CRS — WGS84 lon/lat or the official CRS of a French zone (Lambert-93 as
//! IGN ships it, the overseas UTM-based CRS). A file without `.dbf` or
//! `.prj`, or with another CRS, is an error that names the problem.

use std::collections::HashMap;
use std::path::Path;

use geo_types::MultiPolygon;
use shapefile::Shape;
use shapefile::dbase::FieldValue;

use super::fields::{FieldMap, TerritorySink};
use crate::crs::{Crs, Zone};
use crate::error::{BoxError, Error, Result};
use crate::model::Territory;
use crate::report::{LoadReport, SkipReason};

/// True when `head` (the first bytes of a file) is a Shapefile's main file.
pub(crate) fn is_shapefile(head: &[u8]) -> bool {
    head.starts_with(&[0x00, 0x00, 0x27, 0x0A])
}

/// The CRS of the coordinates: the `.prj`'s, else `given` (the user's
/// `--crs`); an error when neither says, when the `.prj` names a CRS
/// maillage does not read, or when the two disagree.
fn crs_of_prj(path: &Path, given: Option<Crs>) -> Result<Crs> {
    let prj = path.with_extension("prj");
    let wkt = match std::fs::read_to_string(&prj) {
        Ok(wkt) => wkt,
        Err(_) if given.is_some() => return Ok(given.unwrap_or(Crs::LonLat)),
        Err(e) => {
            return Err(Error::format(
                path,
                None,
                format!(
                    "cannot read {} ({e}): without it the CRS of the coordinates is unknown (give it with --crs EPSG:<code>, or --communes-crs for commune polygons)",
                    prj.display()
                ),
            ));
        }
    };
    let declared = crs_of_wkt(&wkt).ok_or_else(|| {
        Error::format(
            path,
            None,
            format!(
                "{} declares a CRS maillage does not read (WGS84, Lambert-93, the overseas UTM-based CRS, Web Mercator and LAEA Europe are): reproject first, e.g. `ogr2ogr -t_srs EPSG:4326 out.shp in.shp`",
                prj.display()
            ),
        )
    })?;
    match given {
        Some(g) if g != declared => Err(Error::format(
            path,
            None,
            format!(
                "{} declares {declared}, but the CRS was given as {g} (--crs): drop one",
                prj.display()
            ),
        )),
        _ => Ok(declared),
    }
}

/// The CRS an ESRI WKT names, among those maillage reads.
fn crs_of_wkt(wkt: &str) -> Option<Crs> {
    let w = wkt.to_ascii_uppercase().replace([' ', '-'], "_");
    if !w.contains("PROJCS") {
        if w.contains("WGS_1984")
            || w.contains("WGS84")
            || w.contains("RGF_1993")
            || w.contains("RGF93")
            || w.contains("ETRS_1989")
        {
            return Some(Crs::LonLat);
        }
    } else if w.contains("LAMBERT_CONFORMAL_CONIC")
        && (w.contains("RGF") || w.contains("LAMBERT_93") || w.contains("2154"))
    {
        return Some(Crs::Zone(Zone::Metropole));
    } else if w.contains("PSEUDO_MERCATOR")
        || w.contains("MERCATOR_AUXILIARY_SPHERE")
        || w.contains("POPULAR_VISUALISATION")
    {
        return Some(Crs::WebMercator);
    } else if w.contains("LAEA") || w.contains("LAMBERT_AZIMUTHAL_EQUAL_AREA") {
        return Some(Crs::LaeaEurope);
    } else if w.contains("UTM") {
        let zones = [
            ("ZONE_20N", Zone::Antilles),
            ("ZONE_22N", Zone::Guyane),
            ("ZONE_40S", Zone::Reunion),
            ("ZONE_38S", Zone::Mayotte),
            ("ZONE_21N", Zone::SaintPierreEtMiquelon),
        ];
        if let Some((_, z)) = zones.iter().find(|(k, _)| w.contains(k)) {
            return Some(Crs::Zone(*z));
        }
    }
    None
}

fn text_of(value: &FieldValue) -> Option<String> {
    let t = match value {
        FieldValue::Character(Some(s)) => s.trim().to_owned(),
        FieldValue::Numeric(Some(n)) => n.to_string(),
        FieldValue::Float(Some(n)) => n.to_string(),
        FieldValue::Integer(n) => n.to_string(),
        FieldValue::Double(n) => n.to_string(),
        FieldValue::Currency(n) => n.to_string(),
        FieldValue::Logical(Some(b)) => b.to_string(),
        _ => return None,
    };
    (!t.is_empty()).then_some(t)
}

/// A record's values as text, by lower-case field name (built once per record).
fn texts(record: shapefile::dbase::Record) -> HashMap<String, String> {
    record
        .into_iter()
        .filter_map(|(k, v)| text_of(&v).map(|t| (k.to_ascii_lowercase(), t)))
        .collect()
}

/// The first of `names` the record has, case ignored.
fn field(texts: &HashMap<String, String>, names: &[String]) -> Option<String> {
    names
        .iter()
        .find_map(|n| texts.get(&n.to_ascii_lowercase()).cloned())
}

fn shp_error(path: &Path, e: shapefile::Error) -> Error {
    let message = match &e {
        shapefile::Error::MissingDbf => format!(
            "no {} next to it: the attributes (ids, names) are in it",
            path.with_extension("dbf").display()
        ),
        _ => format!("not a readable Shapefile ({e})"),
    };
    Error::Format {
        path: path.to_path_buf(),
        location: None,
        message,
        source: Some(Box::new(e) as BoxError),
    }
}

/// Reads polygon territories from a Shapefile, with the checks of
/// [`read_territories`](super::read_territories).
pub(crate) fn read_shapefile_territories(
    path: &Path,
    fields: &FieldMap,
) -> Result<(Vec<Territory>, LoadReport)> {
    let crs = crs_of_prj(path, fields.crs)?;
    let mut reader = shapefile::Reader::from_path(path).map_err(|e| shp_error(path, e))?;
    let mut sink = TerritorySink::new(path, fields);
    for (index, item) in reader.iter_shapes_and_records().enumerate() {
        let (shape, record) = item.map_err(|e| shp_error(path, e))?;
        let record = texts(record);
        let get = |names: &[String]| field(&record, names);
        let geometry = || match shape {
            Shape::Polygon(p) => MultiPolygon::try_from(p)
                .map_err(|e| (SkipReason::InvalidCoordinates, format!("{e:?}"))),
            Shape::NullShape => Err((SkipReason::NullGeometry, "null shape".to_owned())),
            other => Err((
                SkipReason::WrongGeometryType,
                format!("expected a polygon, found {}", other.shapetype()),
            )),
        };
        sink.record(path, index as u64 + 1, &get, geometry, crs)?;
    }
    Ok(sink.finish())
}
