//! GeoJSON output: territory geometry (back in WGS84 lon/lat, RFC 7946) with
//! coverage properties.

use std::io::Write;
use std::path::Path;

use geo::MapCoordsInPlace;
use serde_json::{Map, Value, json};

use crate::coverage::{CoverageReport, Record};
use crate::crs::Projector;
use crate::error::{Error, Result};

/// Which results [`CoverageReport::write_geojson`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Features {
    /// One feature per territory and service.
    All,
    /// Only the unserved ones, ranked per service as in
    /// [`CoverageReport::gaps`], with a `rank` property.
    Gaps,
}

/// Coordinates are written with 7 decimals (about 1 cm).
fn round7(v: f64) -> f64 {
    (v * 1e7).round() / 1e7
}

fn properties(r: &Record<'_>, rank: Option<usize>) -> Map<String, Value> {
    let mut p = Map::new();
    if let Some(rank) = rank {
        p.insert("rank".into(), json!(rank));
    }
    p.insert("territory_id".into(), json!(r.territory.id));
    p.insert("name".into(), json!(r.territory.name));
    p.insert("kind".into(), json!(r.territory.kind.as_str()));
    p.insert("departement".into(), json!(r.territory.departement));
    p.insert("population".into(), json!(r.territory.population));
    p.insert("service".into(), json!(r.service.as_str()));
    p.insert("radius_m".into(), json!(r.rule.radius_m()));
    p.insert("points_inside".into(), json!(r.points_inside));
    p.insert("points_within_radius".into(), json!(r.points_within));
    p.insert(
        "nearest_m".into(),
        json!(r.nearest_m().map(|d| (d * 100.0).round() / 100.0)),
    );
    p.insert(
        "nearest_id".into(),
        json!(r.nearest.map(|(pt, _)| pt.id.as_str())),
    );
    p.insert(
        "nearest_name".into(),
        json!(r.nearest.map(|(pt, _)| pt.name.as_str())),
    );
    p.insert("served".into(), json!(r.served));
    p
}

fn feature(r: &Record<'_>, rank: Option<usize>, projector: &Projector) -> Result<Value> {
    let mut geometry = r.territory.geometry.clone();
    projector.unproject_multipolygon(r.territory.zone, &mut geometry)?;
    geometry.map_coords_in_place(|c| geo_types::Coord {
        x: round7(c.x),
        y: round7(c.y),
    });
    let geometry = geojson::Geometry::from(&geometry);
    Ok(json!({
        "type": "Feature",
        "properties": properties(r, rank),
        "geometry": geometry,
    }))
}

impl CoverageReport<'_> {
    /// Writes the results as a GeoJSON FeatureCollection, streamed one
    /// feature at a time.
    pub fn to_geojson<W: Write>(&self, mut writer: W, which: Features) -> Result<()> {
        let projector = Projector::shared()?;
        let err = |e: std::io::Error| Error::write(Path::new("<writer>"), e);
        writer
            .write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")
            .map_err(err)?;
        let mut first = true;
        let mut emit = |value: Value, writer: &mut W| -> Result<()> {
            if !first {
                writer.write_all(b",\n").map_err(err)?;
            }
            first = false;
            serde_json::to_writer(&mut *writer, &value)
                .map_err(|e| Error::write(Path::new("<writer>"), e))
        };
        match which {
            Features::All => {
                for r in self.iter() {
                    emit(feature(&r, None, projector)?, &mut writer)?;
                }
            }
            Features::Gaps => {
                for &service in self.services() {
                    for (i, r) in self.gaps(service).iter().enumerate() {
                        emit(feature(r, Some(i + 1), projector)?, &mut writer)?;
                    }
                }
            }
        }
        writer.write_all(b"\n]}\n").map_err(err)?;
        writer.flush().map_err(err)
    }

    /// Writes [`to_geojson`](Self::to_geojson) to a file, creating its folder.
    pub fn write_geojson(&self, path: impl AsRef<Path>, which: Features) -> Result<()> {
        let path = path.as_ref();
        let file = super::create(path)?;
        self.to_geojson(file, which).map_err(|e| match e {
            Error::Write { message, .. } => Error::write(path, message),
            other => other,
        })
    }
}
