//! OpenStreetMap road extracts (`.osm.pbf`) into a [`RoadNetwork`].

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use geo_types::Coord;
use osmpbf::{Element, ElementReader};

use super::{RoadNetwork, SpeedTable};
use crate::error::{Error, Result};
use crate::geom::crs::{Projector, Zone};
use crate::report::{LoadReport, Note};

struct CarWay {
    refs: Vec<i64>,
    kmh: f64,
    forward: bool,
    backward: bool,
}

/// Reads the car network of an OSM PBF extract: ways whose `highway` class
/// has a speed in `speeds`, with `oneway` (`yes`/`true`/`1`, `-1`),
/// `junction=roundabout` and motorways one-way. The network takes the zone
/// of the majority of its nodes; nodes in another zone or outside France
/// are dropped with their edges, and counted.
pub fn read_roads(
    path: impl AsRef<Path>,
    speeds: &SpeedTable,
) -> Result<(RoadNetwork, LoadReport)> {
    let path = path.as_ref();
    let size = std::fs::metadata(path)
        .map_err(|e| Error::io(path, e))?
        .len();
    if size == 0 {
        return Err(Error::format(
            path,
            None,
            "empty file: not an OSM PBF extract",
        ));
    }
    let ways =
        ElementReader::from_path(path).map_err(|e| Error::format(path, None, e.to_string()))?;
    let nodes =
        ElementReader::from_path(path).map_err(|e| Error::format(path, None, e.to_string()))?;
    roads_from_readers(path, ways, nodes, speeds)
}

/// Like [`read_roads`], from bytes in memory; `name` labels reports and errors.
pub fn read_roads_from(
    name: &str,
    bytes: &[u8],
    speeds: &SpeedTable,
) -> Result<(RoadNetwork, LoadReport)> {
    if bytes.is_empty() {
        return Err(Error::format(
            Path::new(name),
            None,
            "empty file: not an OSM PBF extract",
        ));
    }
    roads_from_readers(
        Path::new(name),
        ElementReader::new(bytes),
        ElementReader::new(bytes),
        speeds,
    )
}

/// Runs one decoding pass. osmpbf 0.3.8 computes coordinates with unchecked
/// arithmetic (`lat_offset + granularity × lat`), which panics on crafted
/// blocks in builds with overflow checks (found by fuzzing): such a panic is
/// turned into an error naming the file instead of taking the program down.
fn decode<R: Read + Send>(
    path: &Path,
    reader: ElementReader<R>,
    on_element: impl FnMut(Element<'_>),
) -> Result<()> {
    let outcome =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| reader.for_each(on_element)));
    match outcome {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(Error::format(
            path,
            None,
            format!("not a readable OSM PBF file ({e})"),
        )),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown failure".to_owned());
            Err(Error::format(
                path,
                None,
                format!("corrupt OSM PBF: the decoder failed ({what})"),
            ))
        }
    }
}

fn roads_from_readers<R: Read + Send>(
    path: &Path,
    ways_pass: ElementReader<R>,
    nodes_pass: ElementReader<R>,
    speeds: &SpeedTable,
) -> Result<(RoadNetwork, LoadReport)> {
    let mut report = LoadReport::new(path.display().to_string());
    let mut ways: Vec<CarWay> = Vec::new();
    let mut other_ways = 0usize;
    decode(path, ways_pass, |element| {
        let Element::Way(way) = element else { return };
        report.read += 1;
        match car_way(way.tags(), way.refs().collect(), speeds) {
            Some(w) => {
                ways.push(w);
                report.kept += 1;
            }
            None => other_ways += 1,
        }
    })?;
    report.note(Note::NonCarWays(other_ways));

    let mut wanted: HashMap<i64, Option<(f64, f64)>> = ways
        .iter()
        .flat_map(|w| w.refs.iter().map(|&r| (r, None)))
        .collect();
    decode(path, nodes_pass, |element| {
        let (id, lon, lat) = match element {
            Element::Node(n) => (n.id(), n.lon(), n.lat()),
            Element::DenseNode(n) => (n.id(), n.lon(), n.lat()),
            _ => return,
        };
        if let Some(slot) = wanted.get_mut(&id) {
            *slot = Some((lon, lat));
        }
    })?;

    let zone = majority_zone(&wanted).ok_or_else(|| {
        Error::format(
            path,
            None,
            "no car road with nodes in a supported French zone",
        )
    })?;
    let network = build_network(zone, &wanted, &ways, &mut report)?;
    report.note(Note::RoadNetwork {
        zone,
        nodes: network.node_count(),
        edges: network.edge_count(),
    });
    Ok((network, report))
}

/// A car way from its tags: its class's speed and its directions (one-ways,
/// roundabouts and motorways one-way unless tagged otherwise). `None` for a
/// way that is not a car road or has fewer than 2 nodes.
fn car_way<'t>(
    tags: impl Iterator<Item = (&'t str, &'t str)>,
    refs: Vec<i64>,
    speeds: &SpeedTable,
) -> Option<CarWay> {
    let (mut highway, mut oneway, mut roundabout) = (None, None, false);
    for (k, v) in tags {
        match k {
            "highway" => highway = Some(v),
            "oneway" => oneway = Some(v),
            "junction" => roundabout = v == "roundabout" || v == "circular",
            _ => {}
        }
    }
    let kmh = speeds.kmh(highway?)?;
    let implied = roundabout || highway == Some("motorway");
    let (forward, backward) = match oneway {
        Some("yes" | "true" | "1") => (true, false),
        Some("-1" | "reverse") => (false, true),
        Some("no" | "false" | "0") => (true, true),
        _ if implied => (true, false),
        _ => (true, true),
    };
    (refs.len() >= 2).then_some(CarWay {
        refs,
        kmh,
        forward,
        backward,
    })
}

/// The network's zone: the one most of its nodes lie in.
fn majority_zone(nodes: &HashMap<i64, Option<(f64, f64)>>) -> Option<Zone> {
    let mut per_zone: HashMap<Zone, usize> = HashMap::new();
    for (lon, lat) in nodes.values().flatten() {
        if let Some(z) = Zone::of_lonlat(*lon, *lat) {
            *per_zone.entry(z).or_default() += 1;
        }
    }
    per_zone
        .iter()
        .max_by_key(|(z, n)| (**n, std::cmp::Reverse(**z)))
        .map(|(z, _)| *z)
}

/// Projects the nodes of `zone` and links them by the ways' segments,
/// noting the nodes and segments left out.
fn build_network(
    zone: Zone,
    wanted: &HashMap<i64, Option<(f64, f64)>>,
    ways: &[CarWay],
    report: &mut LoadReport,
) -> Result<RoadNetwork> {
    let projector = Projector::shared()?;
    let mut index: HashMap<i64, u32> = HashMap::with_capacity(wanted.len());
    let mut nodes: Vec<Coord<f64>> = Vec::with_capacity(wanted.len());
    let (mut missing, mut elsewhere) = (0usize, 0usize);
    let mut ids: Vec<i64> = wanted.keys().copied().collect();
    ids.sort_unstable();
    for id in ids {
        match wanted.get(&id).copied().flatten() {
            None => missing += 1,
            Some((lon, lat)) if Zone::of_lonlat(lon, lat) == Some(zone) => {
                let xy = projector.project(zone, lon, lat)?;
                index.insert(id, nodes.len() as u32);
                nodes.push(xy);
            }
            Some(_) => elsewhere += 1,
        }
    }
    let mut edges: Vec<(u32, u32, f32)> = Vec::new();
    let mut dropped_segments = 0usize;
    for w in ways {
        for pair in w.refs.windows(2) {
            let &[a, b] = pair else { continue };
            let (Some(&ia), Some(&ib)) = (index.get(&a), index.get(&b)) else {
                dropped_segments += 1;
                continue;
            };
            let (Some(pa), Some(pb)) = (nodes.get(ia as usize), nodes.get(ib as usize)) else {
                continue;
            };
            let metres = (pa.x - pb.x).hypot(pa.y - pb.y);
            let minutes = (metres / 1000.0 / w.kmh * 60.0) as f32;
            if w.forward {
                edges.push((ia, ib, minutes));
            }
            if w.backward {
                edges.push((ib, ia, minutes));
            }
        }
    }
    if missing > 0 {
        report.note(Note::MissingNodes(missing));
    }
    if elsewhere > 0 {
        report.note(Note::NodesOutsideZone {
            nodes: elsewhere,
            zone,
        });
    }
    if dropped_segments > 0 {
        report.note(Note::DroppedSegments(dropped_segments));
    }
    Ok(RoadNetwork::new(zone, nodes, &edges))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_a_decoding_pass_becomes_an_error() {
        let data = std::env::var_os("MAILLAGE_DATA")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data"));
        let bytes = std::fs::read(data.join("osm/le_mans_centre_2020.osm.pbf")).unwrap();
        // The closure runs inside the same guard as osmpbf's coordinate arithmetic.
        let err = decode(
            Path::new("le_mans.osm.pbf"),
            ElementReader::new(&bytes[..]),
            |e| {
                if let Element::DenseNode(_) = e {
                    panic!("overflow in a dense block");
                }
            },
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "le_mans.osm.pbf: corrupt OSM PBF: the decoder failed (overflow in a dense block)"
        );
        let err = decode(
            Path::new("y.osm.pbf"),
            ElementReader::new(&b"\0\0\0\x05garbage"[..]),
            |_| {},
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("y.osm.pbf: not a readable OSM PBF file"),
            "{err}"
        );
    }
}
