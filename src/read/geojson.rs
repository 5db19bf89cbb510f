//! Streaming GeoJSON: a FeatureCollection is read one feature at a time, so
//! a file of millions of features is never held in memory whole, and each
//! feature's geometry is checked before it is used.
//!
//! A broken document (truncated, not JSON) is an error with its line and
//! column. A broken feature (null, empty or wrong-type geometry, projected
//! coordinates, coordinates outside France) is a counted skip.

use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use geo_types::{Coord, LineString, MultiPolygon, Polygon};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::crs::Crs;
use crate::error::{Error, Location, Result};
use crate::place::{Problem, Repair};
use crate::report::{Note, SkipReason};

/// One feature as read: its 1-based position, properties and raw geometry.
pub(crate) struct RawFeature {
    pub index: u64,
    /// The CRS the document declared before its features, if any.
    pub crs: Option<Crs>,
    pub properties: Map<String, Value>,
    pub geometry: Value,
}

/// Calls `on_feature` for every feature of the FeatureCollection read from
/// `reader`, in file order, holding one feature in memory at a time;
/// `path` labels errors.
pub(crate) fn for_each_feature_in(
    path: &Path,
    reader: impl Read,
    mut on_feature: impl FnMut(RawFeature),
) -> Result<()> {
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let head = reader.fill_buf().map_err(|e| Error::io(path, e))?;
    if head.is_empty() {
        return Err(Error::format(path, None, "empty file"));
    }
    // A UTF-8 byte-order mark (written by some Windows tools) is not JSON: skip it.
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        reader.consume(3);
    }
    let mut de = serde_json::Deserializer::from_reader(reader);
    let mut top = TopLevel {
        on_feature: &mut on_feature,
        kind: None,
        saw_features: false,
        crs: None,
        zone_crs: None,
        crs_after_features: false,
        count: 0,
    };
    (&mut top)
        .deserialize(&mut de)
        .map_err(|e| json_error(path, &e))?;
    de.end().map_err(|e| json_error(path, &e))?;
    if let Some(kind) = &top.kind
        && kind != "FeatureCollection"
    {
        return Err(Error::format(
            path,
            None,
            format!("expected a GeoJSON FeatureCollection, found type {kind:?}"),
        ));
    }
    if !top.saw_features {
        return Err(Error::format(
            path,
            None,
            "no \"features\" array: not a GeoJSON FeatureCollection",
        ));
    }
    if let Some(crs) = top.crs {
        let message = if top.zone_crs.is_none() {
            format!(
                "declares CRS {crs:?}; maillage reads WGS84 longitude/latitude, the official \
                 CRS of a French zone (EPSG:2154, 5490, 2972, 2975, 4471, 4467), Web Mercator \
                 (3857) and LAEA Europe (3035): reproject first, e.g. \
                 `ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson`"
            )
        } else if top.crs_after_features && top.zone_crs != Some(Crs::LonLat) {
            format!(
                "declares CRS {crs:?} after its features, which were read as longitude/latitude: \
                 put the \"crs\" member before \"features\""
            )
        } else {
            return Ok(());
        };
        return Err(Error::format(path, None, message));
    }
    Ok(())
}

fn json_error(path: &Path, e: &serde_json::Error) -> Error {
    let text = e.to_string();
    // serde_json appends " at line L column C"; the location is given separately.
    let message = match text.rfind(" at line ") {
        Some(i) => text.get(..i).unwrap_or(&text).to_owned(),
        None => text,
    };
    let location = (e.line() > 0).then(|| Location::Position {
        line: e.line() as u64,
        column: e.column() as u64,
    });
    let message = if e.is_eof() {
        format!("truncated JSON ({message})")
    } else {
        format!("invalid JSON ({message})")
    };
    Error::format(path, location, message)
}

struct TopLevel<'a, F> {
    on_feature: &'a mut F,
    kind: Option<String>,
    saw_features: bool,
    crs: Option<String>,
    zone_crs: Option<Crs>,
    crs_after_features: bool,
    count: u64,
}

impl<'de, F: FnMut(RawFeature)> DeserializeSeed<'de> for &mut TopLevel<'_, F> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, F: FnMut(RawFeature)> Visitor<'de> for &mut TopLevel<'_, F> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a GeoJSON FeatureCollection object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "type" => self.kind = Some(map.next_value::<String>()?),
                "features" => {
                    self.saw_features = true;
                    map.next_value_seed(Features { top: &mut *self })?;
                }
                "crs" => {
                    let v: Value = map.next_value()?;
                    self.crs = v
                        .pointer("/properties/name")
                        .and_then(Value::as_str)
                        .map(str::to_owned);
                    self.zone_crs = self.crs.as_deref().and_then(|n| Crs::parse(n).ok());
                    self.crs_after_features = self.count > 0;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct Features<'t, 'a, F> {
    top: &'t mut TopLevel<'a, F>,
}

impl<'de, F: FnMut(RawFeature)> DeserializeSeed<'de> for Features<'_, '_, F> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, F: FnMut(RawFeature)> Visitor<'de> for Features<'_, '_, F> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of GeoJSON features")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        while let Some(feature) = seq.next_element::<Value>()? {
            self.top.count += 1;
            let Value::Object(mut obj) = feature else {
                return Err(de::Error::custom(format!(
                    "feature #{} is not a JSON object",
                    self.top.count
                )));
            };
            let properties = match obj.remove("properties") {
                Some(Value::Object(p)) => p,
                _ => Map::new(),
            };
            let geometry = obj.remove("geometry").unwrap_or(Value::Null);
            (self.top.on_feature)(RawFeature {
                index: self.top.count,
                crs: self.top.zone_crs,
                properties,
                geometry,
            });
        }
        Ok(())
    }
}

/// A property as text: strings as they are, numbers printed, null or absent as `None`.
pub(crate) fn property_text(props: &Map<String, Value>, key: &str) -> Option<String> {
    let v = props.get(key).or_else(|| {
        props
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })?;
    match v {
        Value::Null => None,
        Value::String(s) => {
            let t = s.trim();
            (!t.is_empty()).then(|| t.to_owned())
        }
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        other => Some(other.to_string()),
    }
}

fn position(v: &Value) -> std::result::Result<Coord<f64>, Problem> {
    let arr = v.as_array().ok_or_else(|| {
        (
            SkipReason::InvalidCoordinates,
            "a position is not an array".to_owned(),
        )
    })?;
    match (
        arr.first().and_then(Value::as_f64),
        arr.get(1).and_then(Value::as_f64),
    ) {
        (Some(x), Some(y)) => Ok(Coord { x, y }),
        _ => Err((
            SkipReason::InvalidCoordinates,
            format!("position {v} is not two numbers"),
        )),
    }
}

/// Ring as read, and whether it had to be closed.
fn ring(v: &Value) -> std::result::Result<(LineString<f64>, bool), Problem> {
    let arr = v.as_array().ok_or_else(|| {
        (
            SkipReason::InvalidCoordinates,
            "a ring is not an array".to_owned(),
        )
    })?;
    let coords = arr
        .iter()
        .map(position)
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let closed = coords.first() == coords.last();
    // LineString → Polygon closes the ring; a ring needs 3 distinct corners.
    Ok((LineString::from(coords), !closed))
}

fn polygon(
    v: &Value,
    stats: &mut GeometryFixes,
) -> std::result::Result<Option<Polygon<f64>>, Problem> {
    let rings = v.as_array().ok_or_else(|| {
        (
            SkipReason::InvalidCoordinates,
            "polygon coordinates are not an array".to_owned(),
        )
    })?;
    let mut it = rings.iter();
    let Some(first) = it.next() else {
        return Ok(None);
    };
    let (exterior, opened) = ring(first)?;
    stats.unclosed_rings += usize::from(opened && exterior.0.len() > 1);
    if ring_too_short(&exterior) {
        return Ok(None);
    }
    let mut interiors = Vec::new();
    for r in it {
        let (interior, opened) = ring(r)?;
        stats.unclosed_rings += usize::from(opened && interior.0.len() > 1);
        if ring_too_short(&interior) {
            stats.dropped_rings += 1;
        } else {
            interiors.push(interior);
        }
    }
    Ok(Some(Polygon::new(exterior, interiors)))
}

fn ring_too_short(ring: &LineString<f64>) -> bool {
    let mut distinct: Vec<Coord<f64>> = Vec::with_capacity(4);
    for c in &ring.0 {
        if !distinct.contains(c) {
            distinct.push(*c);
            if distinct.len() >= 3 {
                return false;
            }
        }
    }
    true
}

/// Fixes applied to geometries while reading, for the load report's notes.
#[derive(Debug, Default, Clone)]
pub(crate) struct GeometryFixes {
    pub unclosed_rings: usize,
    pub dropped_rings: usize,
    repaired: Vec<String>,
    failed: Vec<String>,
}

impl GeometryFixes {
    /// Records the repair of the polygon of `id`.
    pub fn record(&mut self, id: &str, repair: Repair) {
        match repair {
            Repair::None => {}
            Repair::Repaired => self.repaired.push(id.to_owned()),
            Repair::Failed => self.failed.push(id.to_owned()),
        }
    }

    /// Adds the ring fixes counted by `other` (placed apart, in parallel).
    pub fn absorb_rings(&mut self, other: &GeometryFixes) {
        self.unclosed_rings += other.unclosed_rings;
        self.dropped_rings += other.dropped_rings;
    }

    /// Adds one note per kind of fix to `report`.
    pub fn add_notes(self, report: &mut crate::LoadReport) {
        if self.unclosed_rings > 0 {
            report.note(Note::UnclosedRings(self.unclosed_rings));
        }
        if self.dropped_rings > 0 {
            report.note(Note::DegenerateHoles(self.dropped_rings));
        }
        if !self.repaired.is_empty() {
            report.note(Note::Repaired(self.repaired));
        }
        if !self.failed.is_empty() {
            report.note(Note::RepairFailed(self.failed));
        }
    }
}

/// Reads a Polygon or MultiPolygon (or a GeometryCollection of them) as lon/lat.
pub(crate) fn multipolygon_lonlat(
    geometry: &Value,
    stats: &mut GeometryFixes,
) -> std::result::Result<MultiPolygon<f64>, Problem> {
    if geometry.is_null() {
        return Err((SkipReason::NullGeometry, "geometry is null".to_owned()));
    }
    let kind = geometry.get("type").and_then(Value::as_str).unwrap_or("");
    let coords = geometry.get("coordinates");
    let mut polys = Vec::new();
    match (kind, coords) {
        ("Polygon", Some(c)) => polys.extend(polygon(c, stats)?),
        ("MultiPolygon", Some(c)) => {
            let parts = c.as_array().ok_or_else(|| {
                (
                    SkipReason::InvalidCoordinates,
                    "multipolygon coordinates are not an array".to_owned(),
                )
            })?;
            for p in parts {
                polys.extend(polygon(p, stats)?);
            }
        }
        ("GeometryCollection", _) => {
            let members = geometry
                .get("geometries")
                .and_then(Value::as_array)
                .ok_or_else(|| {
                    (
                        SkipReason::WrongGeometryType,
                        "GeometryCollection without geometries".to_owned(),
                    )
                })?;
            for (i, m) in members.iter().enumerate() {
                match multipolygon_lonlat(m, stats) {
                    Ok(mp) => polys.extend(mp.0),
                    // An empty member is no reason to drop the others.
                    Err((SkipReason::EmptyGeometry, _)) => {}
                    Err((reason, detail)) => {
                        return Err((
                            reason,
                            format!(
                                "GeometryCollection member {} of {}: {detail}",
                                i + 1,
                                members.len()
                            ),
                        ));
                    }
                }
            }
        }
        ("Polygon" | "MultiPolygon", None) => {
            return Err((
                SkipReason::EmptyGeometry,
                format!("{kind} without coordinates"),
            ));
        }
        (other, _) => {
            return Err((
                SkipReason::WrongGeometryType,
                format!("expected Polygon or MultiPolygon, found {other:?}"),
            ));
        }
    }
    if polys.is_empty() {
        return Err((
            SkipReason::EmptyGeometry,
            "no polygon with 3 distinct vertices".to_owned(),
        ));
    }
    Ok(MultiPolygon(polys))
}

/// Reads a Point geometry as lon/lat.
pub(crate) fn point_lonlat(geometry: &Value) -> std::result::Result<Coord<f64>, Problem> {
    if geometry.is_null() {
        return Err((SkipReason::NullGeometry, "geometry is null".to_owned()));
    }
    match (
        geometry.get("type").and_then(Value::as_str),
        geometry.get("coordinates"),
    ) {
        (Some("Point"), Some(c)) => {
            if c.as_array().is_some_and(Vec::is_empty) {
                return Err((SkipReason::EmptyGeometry, "empty Point".to_owned()));
            }
            position(c)
        }
        (Some("Point"), None) => Err((
            SkipReason::EmptyGeometry,
            "Point without coordinates".to_owned(),
        )),
        (other, _) => Err((
            SkipReason::WrongGeometryType,
            format!("expected Point, found {:?}", other.unwrap_or("no type")),
        )),
    }
}
