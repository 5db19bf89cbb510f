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
pub fn lonlat_geometry(
    territory: &Territory,
    projector: &Projector,
) -> Result<geo_types::MultiPolygon<f64>> {
    let mut geometry = territory.geometry.clone();
    projector.unproject_multipolygon(territory.zone, &mut geometry)?;
    geometry.map_coords_in_place(|c| geo_types::Coord {
        x: round7(c.x),
        y: round7(c.y),
    });
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
