//! Streaming GeoJSON: a FeatureCollection is read one feature at a time, so
//! a file of millions of features is never held in memory whole, and each
//! feature's geometry is checked before it is used.
//!
//! A broken document (truncated, not JSON) is an error with its line and
//! column. A broken feature (null, empty or wrong-type geometry, projected
//! coordinates, coordinates outside France) is a counted skip.

use std::io::Read;
use std::ops::ControlFlow;
use std::path::Path;

use geo_types::{Coord, LineString, MultiPolygon, Polygon};
use serde::de::IgnoredAny;
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::geom::crs::Crs;
use crate::geom::place::{Problem, Repair};
use crate::read::json_scan::{Member, Pos, Scanner, json_error, value_error};
use crate::report::Note;
use crate::skip::SkipReason;

/// One feature as read: its 1-based position, properties and raw geometry.
pub(crate) struct RawFeature {
    pub index: u64,
    /// The CRS the document declared before its features, if any.
    pub crs: Option<Crs>,
    pub properties: Map<String, Value>,
    pub geometry: Geometry,
}

/// A feature's geometry as read. Polygons and points written the usual way
/// (`type` before `coordinates`, positions of numbers) are read straight
/// into coordinates; anything else is kept as JSON for the general path,
/// which names what is wrong with it.
#[derive(Debug, Default)]
pub(crate) enum Geometry {
    /// Absent or null.
    #[default]
    Null,
    /// A Polygon (`multi` false, one polygon) or a MultiPolygon: rings of positions.
    Polygons {
        multi: bool,
        polygons: Vec<Vec<Vec<Coord<f64>>>>,
    },
    /// A Point.
    Point(Coord<f64>),
    /// Any other geometry, or one written otherwise.
    Json(Value),
}

/// Bytes of features gathered at most before a batch is parsed (a batch
/// ends at [`BATCH`](crate::read::BATCH) features or at this size).
const BATCH_BYTES: usize = 8 << 20;

/// Reads the FeatureCollection of `reader` feature by feature, without ever
/// holding the whole document: a scanner copies the bytes of a batch of
/// features, the batch is parsed in parallel (while the scanner gathers the
/// next), `prepare` runs on each parsed feature in parallel too (placing
/// its geometry, say), then `on_feature`
/// receives each feature and what `prepare` made of it, in file order, and
/// may stop the reading with [`ControlFlow::Break`]. `path` labels errors.
pub(crate) fn for_each_feature_in<T: Send>(
    path: &Path,
    reader: impl Read,
    prepare: impl Fn(&mut RawFeature) -> T + Sync,
    mut on_feature: impl FnMut(RawFeature, T) -> ControlFlow<()>,
) -> Result<()> {
    let mut scanner = Scanner::new(path, reader)?;
    scanner.open()?;
    let mut kind: Option<String> = None;
    let mut saw_features = false;
    let mut crs: Option<String> = None;
    let mut zone_crs: Option<Crs> = None;
    let mut crs_after_features = false;
    let mut count = 0u64;
    let mut value = Vec::new();
    loop {
        match scanner.next_member(&mut value)? {
            (Member::End, _) => break,
            (Member::Other(key), at) => match key.as_str() {
                "type" => {
                    kind = Some(
                        serde_json::from_slice(&value).map_err(|e| value_error(path, at, &e))?,
                    );
                }
                "crs" => {
                    let v: Value =
                        serde_json::from_slice(&value).map_err(|e| value_error(path, at, &e))?;
                    crs = v
                        .pointer("/properties/name")
                        .and_then(Value::as_str)
                        .map(str::to_owned);
                    zone_crs = crs.as_deref().and_then(|n| Crs::parse(n).ok());
                    crs_after_features = count > 0;
                }
                _ => {
                    serde_json::from_slice::<IgnoredAny>(&value)
                        .map_err(|e| value_error(path, at, &e))?;
                }
            },
            (Member::Features, _) => {
                saw_features = true;
                // The scanner gathers the next batch while the current one
                // is parsed and prepared (by the other threads): the
                // scanner's sequential work overlaps the parallel work.
                let mut current = Batch::default();
                let mut next = Batch::default();
                let mut more = current.fill(&mut scanner, &mut count, zone_crs)?;
                while !current.features.is_empty() {
                    let mut prepared = Vec::new();
                    let scanned = rayon::in_place_scope(|scope| {
                        scope.spawn(|_| prepared = current.prepare(path, &prepare));
                        if more {
                            next.fill(&mut scanner, &mut count, zone_crs)
                        } else {
                            Ok(false)
                        }
                    });
                    // Errors in file order: the current batch's first.
                    for item in prepared {
                        let (feature, made) = item?;
                        if on_feature(feature, made).is_break() {
                            return Ok(());
                        }
                    }
                    more = scanned?;
                    current.clear();
                    std::mem::swap(&mut current, &mut next);
                }
            }
        }
    }
    scanner.finish()?;
    if let Some(kind) = &kind
        && kind != "FeatureCollection"
    {
        return Err(Error::format(
            path,
            None,
            format!("expected a GeoJSON FeatureCollection, found type {kind:?}"),
        ));
    }
    if !saw_features {
        return Err(Error::format(
            path,
            None,
            "no \"features\" array: not a GeoJSON FeatureCollection",
        ));
    }
    if let Some(crs) = crs {
        let message = if zone_crs.is_none() {
            format!(
                "declares CRS {crs:?}; maillage reads WGS84 longitude/latitude, the official \
                 CRS of a French zone (EPSG:2154, 5490, 2972, 2975, 4471, 4467), the conic \
                 conformal zones CC42–CC50 (3942–3950), Web Mercator (3857) and LAEA Europe (3035): reproject first, e.g. \
                 `ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson`"
            )
        } else if crs_after_features && zone_crs != Some(Crs::LonLat) {
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

/// A feature whose bytes were gathered, not yet parsed.
struct Pending {
    start: usize,
    end: usize,
    at: Pos,
    index: u64,
    crs: Option<Crs>,
}

/// The bytes of a batch of features and where each one lies.
#[derive(Default)]
struct Batch {
    bytes: Vec<u8>,
    features: Vec<Pending>,
}

impl Batch {
    /// Appends features from the scanner until the batch is full (in count
    /// or bytes); false once the features array is closed.
    fn fill<R: Read>(
        &mut self,
        scanner: &mut Scanner<'_, R>,
        count: &mut u64,
        crs: Option<Crs>,
    ) -> Result<bool> {
        while self.features.len() < crate::read::BATCH && self.bytes.len() < BATCH_BYTES {
            let start = self.bytes.len();
            let Some(at) = scanner.next_feature(&mut self.bytes)? else {
                return Ok(false);
            };
            *count += 1;
            self.features.push(Pending {
                start,
                end: self.bytes.len(),
                at,
                index: *count,
                crs,
            });
        }
        Ok(true)
    }

    /// Parses and prepares the batch's features in parallel, in order.
    fn prepare<T: Send>(
        &self,
        path: &Path,
        prepare: &(impl Fn(&mut RawFeature) -> T + Sync),
    ) -> Vec<Result<(RawFeature, T)>> {
        use rayon::prelude::*;
        let bytes = &self.bytes;
        self.features
            .par_iter()
            .map(|p| {
                let mut feature = parse_feature(path, bytes.get(p.start..p.end).unwrap_or(&[]), p)?;
                let prepared = prepare(&mut feature);
                Ok((feature, prepared))
            })
            .collect()
    }

    /// Empties the batch, keeping its buffers.
    fn clear(&mut self) {
        self.bytes.clear();
        self.features.clear();
    }
}

/// One feature from its bytes: its properties (an empty map unless an
/// object) and its geometry (null when absent). The usual layout is read
/// straight into coordinates; anything else (or anything invalid) is read
/// again as JSON values, which gives the general path its input, or the
/// JSON error with its position.
fn parse_feature(path: &Path, bytes: &[u8], p: &Pending) -> Result<RawFeature> {
    if let Ok(fast) = serde_json::from_slice::<fast::Feature>(bytes) {
        return Ok(RawFeature {
            index: p.index,
            crs: p.crs,
            properties: fast.properties,
            geometry: fast.geometry,
        });
    }
    let value: Value = serde_json::from_slice(bytes).map_err(|e| value_error(path, p.at, &e))?;
    let Value::Object(mut obj) = value else {
        let what = format!("feature #{} is not a JSON object", p.index);
        return Err(json_error(path, p.at, false, &what));
    };
    let properties = match obj.remove("properties") {
        Some(Value::Object(p)) => p,
        _ => Map::new(),
    };
    let geometry = match obj.remove("geometry") {
        None | Some(Value::Null) => Geometry::Null,
        Some(v) => Geometry::Json(v),
    };
    Ok(RawFeature {
        index: p.index,
        crs: p.crs,
        properties,
        geometry,
    })
}

/// The typed reading of a feature: any departure from the usual layout is
/// an error, upon which the feature is read again as JSON values.
mod fast {
    use std::fmt;

    use geo_types::Coord;
    use serde::Deserialize;
    use serde::de::{
        self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
    };
    use serde_json::{Map, Value};

    use super::Geometry;

    pub(super) struct Feature {
        pub properties: Map<String, Value>,
        pub geometry: Geometry,
    }

    impl<'de> Deserialize<'de> for Feature {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_map(FeatureVisitor)
        }
    }

    struct FeatureVisitor;

    impl<'de> Visitor<'de> for FeatureVisitor {
        type Value = Feature;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a feature")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Feature, A::Error> {
            let mut properties = None;
            let mut geometry = None;
            while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                match key.as_ref() {
                    "properties" if properties.is_none() => {
                        properties = Some(match map.next_value::<Value>()? {
                            Value::Object(p) => p,
                            _ => Map::new(),
                        });
                    }
                    "geometry" if geometry.is_none() => {
                        geometry = Some(map.next_value::<Option<GeometryDe>>()?);
                    }
                    "properties" | "geometry" => return Err(de::Error::custom("duplicate key")),
                    _ => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
            Ok(Feature {
                properties: properties.unwrap_or_default(),
                geometry: geometry.flatten().map_or(Geometry::Null, |g| g.0),
            })
        }
    }

    struct GeometryDe(Geometry);

    impl<'de> Deserialize<'de> for GeometryDe {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_map(GeometryVisitor)
        }
    }

    struct GeometryVisitor;

    #[derive(Clone, Copy)]
    enum Kind {
        Point,
        Polygon,
        MultiPolygon,
    }

    impl<'de> Visitor<'de> for GeometryVisitor {
        type Value = GeometryDe;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a geometry with its type first")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<GeometryDe, A::Error> {
            let mut kind = None;
            let mut geometry = None;
            while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                match (key.as_ref(), kind) {
                    ("type", None) => {
                        let name = map.next_value::<std::borrow::Cow<'de, str>>()?;
                        kind = Some(match name.as_ref() {
                            "Point" => Kind::Point,
                            "Polygon" => Kind::Polygon,
                            "MultiPolygon" => Kind::MultiPolygon,
                            _ => return Err(de::Error::custom("another type")),
                        });
                    }
                    ("coordinates", Some(k)) if geometry.is_none() => {
                        geometry = Some(match k {
                            Kind::Point => Geometry::Point(map.next_value_seed(Position)?),
                            Kind::Polygon => Geometry::Polygons {
                                multi: false,
                                polygons: vec![map.next_value_seed(List(List(Position)))?],
                            },
                            Kind::MultiPolygon => Geometry::Polygons {
                                multi: true,
                                polygons: map.next_value_seed(List(List(List(Position))))?,
                            },
                        });
                    }
                    ("bbox", _) => {
                        map.next_value::<IgnoredAny>()?;
                    }
                    _ => return Err(de::Error::custom("another layout")),
                }
            }
            geometry
                .map(GeometryDe)
                .ok_or_else(|| de::Error::custom("no coordinates"))
        }
    }

    /// A position: two numbers (more, such as an altitude, are ignored).
    #[derive(Clone, Copy)]
    struct Position;

    impl<'de> DeserializeSeed<'de> for Position {
        type Value = Coord<f64>;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Coord<f64>, D::Error> {
            d.deserialize_seq(self)
        }
    }

    impl<'de> Visitor<'de> for Position {
        type Value = Coord<f64>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a position")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Coord<f64>, A::Error> {
            let (Some(x), Some(y)) = (seq.next_element::<f64>()?, seq.next_element::<f64>()?)
            else {
                return Err(de::Error::custom("short position"));
            };
            while seq.next_element::<f64>()?.is_some() {}
            Ok(Coord { x, y })
        }
    }

    /// A JSON array of what `T` reads.
    #[derive(Clone, Copy)]
    struct List<T>(T);

    impl<'de, T: DeserializeSeed<'de> + Copy> DeserializeSeed<'de> for List<T> {
        type Value = Vec<T::Value>;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_seq(self)
        }
    }

    impl<'de, T: DeserializeSeed<'de> + Copy> Visitor<'de> for List<T> {
        type Value = Vec<T::Value>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an array")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
            while let Some(item) = seq.next_element_seed(self.0)? {
                out.push(item);
            }
            Ok(out)
        }
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

/// A ring's positions as read.
fn ring(v: &Value) -> std::result::Result<Vec<Coord<f64>>, Problem> {
    let arr = v.as_array().ok_or_else(|| {
        (
            SkipReason::InvalidCoordinates,
            "a ring is not an array".to_owned(),
        )
    })?;
    arr.iter().map(position).collect()
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
    polygon_of_rings(rings.iter().map(ring), stats)
}

/// The polygon of rings read one by one: rings are closed (and counted),
/// holes of fewer than 3 distinct vertices dropped (and counted); `None`
/// when the exterior has fewer than 3 distinct vertices (later rings are
/// then not read).
fn polygon_of_rings(
    mut rings: impl Iterator<Item = std::result::Result<Vec<Coord<f64>>, Problem>>,
    stats: &mut GeometryFixes,
) -> std::result::Result<Option<Polygon<f64>>, Problem> {
    // LineString → Polygon closes the ring; a ring needs 3 distinct corners.
    let mut closed = |coords: Vec<Coord<f64>>| {
        let opened = coords.first() != coords.last();
        stats.unclosed_rings += usize::from(opened && coords.len() > 1);
        LineString::from(coords)
    };
    let Some(first) = rings.next() else {
        return Ok(None);
    };
    let exterior = closed(first?);
    if ring_too_short(&exterior) {
        return Ok(None);
    }
    let mut interiors = Vec::new();
    for r in rings {
        let interior = closed(r?);
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
    pub fn add_notes(self, report: &mut crate::report::LoadReport) {
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

/// The Polygon or MultiPolygon (or GeometryCollection of them) of a
/// feature, in the coordinates of its file.
pub(crate) fn multipolygon_of(
    geometry: Geometry,
    stats: &mut GeometryFixes,
) -> std::result::Result<MultiPolygon<f64>, Problem> {
    match geometry {
        Geometry::Null => Err((SkipReason::NullGeometry, "geometry is null".to_owned())),
        Geometry::Point(_) => Err((
            SkipReason::WrongGeometryType,
            "expected Polygon or MultiPolygon, found \"Point\"".to_owned(),
        )),
        Geometry::Polygons { polygons, .. } => {
            let mut polys = Vec::with_capacity(polygons.len());
            for rings in polygons {
                polys.extend(polygon_of_rings(rings.into_iter().map(Ok), stats)?);
            }
            non_empty(polys)
        }
        Geometry::Json(v) => multipolygon_of_json(&v, stats),
    }
}

fn non_empty(polys: Vec<Polygon<f64>>) -> std::result::Result<MultiPolygon<f64>, Problem> {
    if polys.is_empty() {
        return Err((
            SkipReason::EmptyGeometry,
            "no polygon with 3 distinct vertices".to_owned(),
        ));
    }
    Ok(MultiPolygon(polys))
}

/// Reads a Polygon or MultiPolygon (or a GeometryCollection of them) given
/// as JSON values, in the coordinates of its file ([`multipolygon_of`]'s
/// general path, which names what is wrong).
fn multipolygon_of_json(
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
                match multipolygon_of_json(m, stats) {
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
    non_empty(polys)
}

/// The Point of a feature, in the coordinates of its file.
pub(crate) fn point_of(geometry: &Geometry) -> std::result::Result<Coord<f64>, Problem> {
    match geometry {
        Geometry::Null => Err((SkipReason::NullGeometry, "geometry is null".to_owned())),
        Geometry::Point(c) => Ok(*c),
        Geometry::Polygons { multi, .. } => Err((
            SkipReason::WrongGeometryType,
            format!(
                "expected Point, found {:?}",
                if *multi { "MultiPolygon" } else { "Polygon" }
            ),
        )),
        Geometry::Json(v) => point_of_json(v),
    }
}

/// Reads a Point given as JSON values, in the coordinates of its file.
fn point_of_json(geometry: &Value) -> std::result::Result<Coord<f64>, Problem> {
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
