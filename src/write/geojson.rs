//! GeoJSON output: territory geometry (back in WGS84 lon/lat, RFC 7946) with
//! the coverage columns as properties.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use geo::MapCoordsInPlace;
use rayon::prelude::*;
use serde_json::{Map, Value, json};

use crate::coverage::schema::{COVERAGE_COLUMNS, RANK, cells};
use crate::coverage::{CoverageReport, Record};
use crate::error::{Error, Result};
use crate::geom::crs::Projector;
use crate::model::Territory;

/// Which results [`CoverageReport::write_geojson`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Features {
    /// One feature per territory and service.
    All,
    /// Only the unserved ones, ranked per service as in
    /// [`CoverageReport::gaps`], with a `rank` property.
    Gaps,
}

/// Features built in parallel at a time.
const CHUNK: usize = 1024;

/// Coordinates are written with 7 decimals (about 1 cm).
fn round7(v: f64) -> f64 {
    (v * 1e7).round() / 1e7
}

/// Every coordinate of `geometry` rounded to 7 decimals.
fn rounded7(mut geometry: geo_types::MultiPolygon<f64>) -> geo_types::MultiPolygon<f64> {
    geometry.map_coords_in_place(|c| geo_types::Coord {
        x: round7(c.x),
        y: round7(c.y),
    });
    geometry
}

fn properties(r: &Record<'_>, rank: Option<usize>) -> Map<String, Value> {
    let mut p = Map::new();
    if let Some(rank) = rank {
        p.insert(RANK.name.into(), json!(rank));
    }
    for (cell, column) in cells(r).iter().zip(COVERAGE_COLUMNS) {
        p.insert(column.name.into(), cell.to_json(column.kind));
    }
    p
}

/// A result's territory back in WGS84 lon/lat, rounded to 7 decimals and
/// valid: what every geometry output writes.
///
/// The boundary as read ([`Territory::lonlat`]) is written when it still
/// matches the territory's geometry and is valid once rounded; otherwise
/// the geometry is taken back to lon/lat.
pub fn lonlat_geometry(
    territory: &Territory,
    projector: &Projector,
) -> Result<geo_types::MultiPolygon<f64>> {
    if let Some(source) = territory
        .lonlat
        .as_ref()
        .filter(|source| same_boundary(source, territory, projector))
    {
        let geometry = rounded7(source.clone());
        if crate::geom::valid::multipolygon_is_valid(&geometry) {
            return Ok(geometry);
        }
    }
    let mut geometry = territory.geometry.clone();
    projector.unproject_multipolygon(territory.zone, &mut geometry)?;
    let mut geometry = rounded7(geometry);
    // Unprojecting and rounding can make a valid polygon invalid (parts
    // that touched now overlap by a centimetre, vertices that merge):
    // what is written is repaired again so that GIS tools accept it (the
    // rounded vertices are kept as they are; only crossings are added).
    if !crate::geom::valid::multipolygon_is_valid(&geometry)
        && let Some(fixed) = crate::geom::repair::repair(&geometry.0)
    {
        geometry = fixed;
    }
    Ok(geometry)
}

/// Whether `source` (lon/lat) is still the boundary `territory.geometry`
/// is the projection of: the same polygons and rings with the same vertex
/// counts, and each polygon's first vertex projecting to within a
/// millimetre of the geometry's. Cheap (one projection per polygon), and it
/// catches a geometry replaced without clearing [`Territory::lonlat`].
fn same_boundary(
    source: &geo_types::MultiPolygon<f64>,
    territory: &Territory,
    projector: &Projector,
) -> bool {
    fn rings(p: &geo_types::Polygon<f64>) -> impl Iterator<Item = usize> + '_ {
        std::iter::once(p.exterior().0.len()).chain(p.interiors().iter().map(|r| r.0.len()))
    }
    source.0.len() == territory.geometry.0.len()
        && source.0.iter().zip(&territory.geometry.0).all(|(a, b)| {
            a.interiors().len() == b.interiors().len()
                && rings(a).eq(rings(b))
                && match (a.exterior().0.first(), b.exterior().0.first()) {
                    (Some(ll), Some(xy)) => projector
                        .project(territory.zone, ll.x, ll.y)
                        .is_ok_and(|p| (p.x - xy.x).hypot(p.y - xy.y) < 1e-3),
                    (None, None) => true,
                    _ => false,
                }
        })
}

/// A GeoJSON MultiPolygon geometry object, written straight from the
/// coordinates (the bytes `serde_json` writes for the `geojson` crate's
/// geometry, without building its tree of JSON values first).
pub(crate) fn multipolygon_json(mp: &geo_types::MultiPolygon<f64>) -> Result<Vec<u8>> {
    let coordinates =
        mp.0.iter()
            .map(|p| {
                1 + p.interiors().len()
                    + p.exterior().0.len()
                    + p.interiors().iter().map(|r| r.0.len()).sum::<usize>()
            })
            .sum::<usize>();
    let mut out = Vec::with_capacity(48 + 24 * coordinates);
    out.extend_from_slice(b"{\"type\":\"MultiPolygon\",\"coordinates\":[");
    let encode = |e| Error::encode("GeoJSON", e);
    for (i, polygon) in mp.0.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.push(b'[');
        for (j, ring) in std::iter::once(polygon.exterior())
            .chain(polygon.interiors())
            .enumerate()
        {
            if j > 0 {
                out.push(b',');
            }
            out.push(b'[');
            for (k, c) in ring.0.iter().enumerate() {
                if k > 0 {
                    out.push(b',');
                }
                out.push(b'[');
                serde_json::to_writer(&mut out, &c.x).map_err(encode)?;
                out.push(b',');
                serde_json::to_writer(&mut out, &c.y).map_err(encode)?;
                out.push(b']');
            }
            out.push(b']');
        }
        out.push(b']');
    }
    out.extend_from_slice(b"]}");
    Ok(out)
}

/// One feature, its geometry already serialised (`geometry`).
fn feature(r: &Record<'_>, rank: Option<usize>, geometry: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(geometry.len() + 512);
    out.extend_from_slice(b"{\"type\":\"Feature\",\"properties\":");
    serde_json::to_writer(&mut out, &properties(r, rank))
        .map_err(|e| Error::encode("GeoJSON", e))?;
    out.extend_from_slice(b",\"geometry\":");
    out.extend_from_slice(geometry);
    out.push(b'}');
    Ok(out)
}

impl CoverageReport<'_> {
    /// Writes the results as a GeoJSON FeatureCollection, streamed one
    /// feature at a time. Properties are the coverage columns
    /// ([`COVERAGE_COLUMNS`](crate::coverage::schema::COVERAGE_COLUMNS)), preceded by `rank`
    /// for [`Features::Gaps`].
    pub fn to_geojson<W: Write>(&self, mut writer: W, which: Features) -> Result<()> {
        let projector = Projector::shared()?;
        let io = |e: std::io::Error| Error::encode("GeoJSON", e);
        writer
            .write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")
            .map_err(io)?;
        // Features are built (unprojected, rounded, revalidated, serialised)
        // in parallel, a chunk at a time, and written in order: memory stays
        // bounded by the chunk.
        let records: Vec<(Record<'_>, Option<usize>)> = match which {
            Features::All => self.iter().map(|r| (r, None)).collect(),
            Features::Gaps => self
                .services()
                .iter()
                .flat_map(|&service| {
                    self.gaps(service)
                        .into_iter()
                        .enumerate()
                        .map(|(i, r)| (r, Some(i + 1)))
                })
                .collect(),
        };
        // Each territory's geometry is taken back to lon/lat, revalidated and
        // serialised once, in parallel, however many services it appears
        // under (a QPV unserved by five services is written five times).
        let mut slot: HashMap<*const Territory, usize> = HashMap::new();
        let mut unique: Vec<&Territory> = Vec::new();
        let slots: Vec<usize> = records
            .iter()
            .map(|(r, _)| {
                *slot
                    .entry(std::ptr::from_ref(r.territory))
                    .or_insert_with(|| {
                        unique.push(r.territory);
                        unique.len() - 1
                    })
            })
            .collect();
        let geometries: Vec<Vec<u8>> = unique
            .par_iter()
            .map(|t| {
                let g = lonlat_geometry(t, projector)?;
                multipolygon_json(&g)
            })
            .collect::<Result<_>>()?;
        let mut first = true;
        for (chunk, chunk_slots) in records.chunks(CHUNK).zip(slots.chunks(CHUNK)) {
            let encoded: Vec<Vec<u8>> = chunk
                .par_iter()
                .zip(chunk_slots)
                .map(|((r, rank), &s)| {
                    feature(
                        r,
                        *rank,
                        geometries.get(s).map_or(&b"null"[..], Vec::as_slice),
                    )
                })
                .collect::<Result<_>>()?;
            for bytes in encoded {
                if !first {
                    writer.write_all(b",\n").map_err(io)?;
                }
                first = false;
                writer.write_all(&bytes).map_err(io)?;
            }
        }
        writer.write_all(b"\n]}\n").map_err(io)?;
        writer.flush().map_err(io)
    }

    /// Writes [`to_geojson`](Self::to_geojson) to a file, creating its folder.
    pub fn write_geojson(&self, path: impl AsRef<Path>, which: Features) -> Result<()> {
        let path = path.as_ref();
        crate::outfile::write_file(path, |file| self.to_geojson(file, which))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TerritoryKind;

    /// A lon/lat square of side `d` degrees with its south-west corner at
    /// (x, y), the way a source gives it (5 decimals).
    fn square(x: f64, y: f64, d: f64) -> geo_types::Polygon<f64> {
        let ring = vec![(x, y), (x + d, y), (x + d, y + d), (x, y + d), (x, y)];
        geo_types::Polygon::new(ring.into(), vec![])
    }

    #[test]
    fn the_boundary_as_read_is_written_and_a_replaced_geometry_is_not() {
        let projector = Projector::shared().unwrap();
        let source = square(2.35123, 48.85456, 0.01);
        let t = Territory::from_lonlat("a", "A", TerritoryKind::Custom, source.clone()).unwrap();
        assert_eq!(
            t.lonlat,
            Some(geo_types::MultiPolygon(vec![source.clone()]))
        );
        // Written as read, vertex for vertex.
        let written = lonlat_geometry(&t, projector).unwrap();
        assert_eq!(written, geo_types::MultiPolygon(vec![source.clone()]));
        // The same, taken back from the projected geometry, is within the
        // round trip of it (what is written without the boundary as read).
        let mut without = t.clone();
        without.lonlat = None;
        assert_eq!(without, t, "equality ignores the boundary as read");
        let unprojected = lonlat_geometry(&without, projector).unwrap();
        for (a, b) in
            geo::CoordsIter::coords_iter(&unprojected).zip(geo::CoordsIter::coords_iter(&source))
        {
            assert!(
                (a.x - b.x).abs() <= 1e-7 && (a.y - b.y).abs() <= 1e-7,
                "{a:?} {b:?}"
            );
        }
        // A geometry replaced without clearing `lonlat` is written from the
        // geometry: another square (same vertex count, so only the first
        // vertex tells them apart), then a triangle.
        let elsewhere = square(2.40001, 48.80001, 0.02);
        let mut moved = t.clone();
        moved.geometry = Territory::from_lonlat("b", "B", TerritoryKind::Custom, elsewhere.clone())
            .unwrap()
            .geometry;
        let written = lonlat_geometry(&moved, projector).unwrap();
        assert_eq!(written, geo_types::MultiPolygon(vec![elsewhere]));
        let triangle = geo_types::Polygon::new(
            vec![(2.3, 48.8), (2.31, 48.8), (2.3, 48.81), (2.3, 48.8)].into(),
            vec![],
        );
        moved.geometry = Territory::from_lonlat("c", "C", TerritoryKind::Custom, triangle.clone())
            .unwrap()
            .geometry;
        assert_eq!(
            lonlat_geometry(&moved, projector).unwrap(),
            geo_types::MultiPolygon(vec![triangle])
        );
    }

    #[test]
    fn a_repaired_boundary_is_not_kept_as_read() {
        // A bow tie: repaired into two triangles, so the source is not the
        // boundary any more.
        let bow_tie = geo_types::Polygon::new(
            vec![
                (2.3, 48.8),
                (2.32, 48.82),
                (2.32, 48.8),
                (2.3, 48.82),
                (2.3, 48.8),
            ]
            .into(),
            vec![],
        );
        let t = Territory::from_lonlat("x", "X", TerritoryKind::Custom, bow_tie).unwrap();
        assert_eq!(t.geometry.0.len(), 2);
        assert_eq!(t.lonlat, None);
        let written = lonlat_geometry(&t, Projector::shared().unwrap()).unwrap();
        assert_eq!(written.0.len(), 2);
        assert!(crate::geom::valid::multipolygon_is_valid(&written));
    }

    #[test]
    fn multipolygon_json_is_what_the_geojson_crate_writes() {
        let square = |x: f64, y: f64, d: f64| -> geo_types::LineString<f64> {
            vec![(x, y), (x + d, y), (x + d, y + d), (x, y + d), (x, y)].into()
        };
        let mp = geo_types::MultiPolygon(vec![
            geo_types::Polygon::new(
                square(2.0, 48.0, 1.0),
                vec![square(2.25, 48.25, 0.125), square(2.5, 48.5, 0.1234567)],
            ),
            geo_types::Polygon::new(square(-52.2496, 4.8677, 1e-7), vec![]),
        ]);
        let ours = multipolygon_json(&mp).unwrap();
        let theirs = serde_json::to_vec(&geojson::Geometry::from(&mp)).unwrap();
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            String::from_utf8(theirs).unwrap()
        );
    }
}
