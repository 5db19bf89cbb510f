//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod scanline;

use std::path::PathBuf;

use geo_types::{Coord, LineString, MultiPolygon, Polygon};
use maillage::{
    GeocodePrecision, PointKind, Service, ServicePoint, ServiceSet, Territory, TerritoryKind, Zone,
};

/// The real open data: `$MAILLAGE_DATA`, else `../shared/data` next to the crate.
/// Real-data tests fail loudly when it is missing: they are never skipped silently.
pub fn data_dir() -> PathBuf {
    let dir = std::env::var_os("MAILLAGE_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data"));
    assert!(
        dir.join("laposte_points_contact_2016.csv").is_file(),
        "real data not found in {} (set MAILLAGE_DATA to the folder holding laposte_points_contact_2016.csv)",
        dir.display()
    );
    dir
}

pub fn data(name: &str) -> PathBuf {
    data_dir().join(name)
}

/// A rectangle [x0, x1] × [y0, y1] in projected metres.
pub fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Polygon<f64> {
    Polygon::new(
        LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]),
        vec![],
    )
}

pub fn territory(
    id: &str,
    kind: TerritoryKind,
    population: Option<u64>,
    zone: Zone,
    parts: Vec<Polygon<f64>>,
) -> Territory {
    let t = Territory::projected(
        id,
        format!("territory {id}"),
        kind,
        zone,
        MultiPolygon(parts),
    );
    match population {
        Some(p) => t.with_population(p),
        None => t,
    }
}

/// A point at projected (x, y) in `zone`, offering `services`.
pub fn point(id: &str, zone: Zone, x: f64, y: f64, services: &[Service]) -> ServicePoint {
    ServicePoint {
        id: id.into(),
        name: format!("point {id}"),
        kind: PointKind::BureauDePoste,
        commune: None,
        precision: GeocodePrecision::AddressNumber,
        lonlat: Coord { x: 0.0, y: 0.0 },
        zone,
        xy: Coord { x, y },
        services: services.iter().copied().collect::<ServiceSet>(),
        at_la_poste: true,
    }
}

/// A star-shaped polygon around (cx, cy) with the given radii: irregular, often concave.
pub fn star(cx: f64, cy: f64, radii: &[f64]) -> Polygon<f64> {
    let n = radii.len() as f64;
    let mut ring: Vec<(f64, f64)> = radii
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let a = std::f64::consts::TAU * i as f64 / n;
            (cx + r * a.cos(), cy + r * a.sin())
        })
        .collect();
    ring.push(ring[0]);
    Polygon::new(LineString::from(ring), vec![])
}

/// The mid-2025 network and the QPV of the 2024 list, from the shared data.
pub fn qpv_2024_and_network_2025() -> maillage::load::Inputs {
    maillage::load::Sources::new()
        .points(data("laposte_points_contact_2025.csv"))
        .territories(data("qpv_2024_national.geojson"), maillage::FieldMap::qpv())
        .load()
        .unwrap()
}

/// The 2016 network and the current communes (table and FRR zoning), from the shared data.
pub fn communes_and_network_2016() -> maillage::load::Inputs {
    maillage::load::Sources::new()
        .points(data("laposte_points_contact_2016.csv"))
        .communes(maillage::CommuneSources::in_dir(data_dir()))
        .load()
        .unwrap()
}

/// The GeoJSON with every position in `crs`, declaring it in a `crs`
/// member (`declare`) or not.
pub fn reprojected(geojson: &[u8], crs: maillage::Crs, declare: bool) -> Vec<u8> {
    let mut doc: serde_json::Value = serde_json::from_slice(geojson).unwrap();
    let p = maillage::Projector::shared().unwrap();
    fn walk(v: &mut serde_json::Value, p: &maillage::Projector, crs: maillage::Crs) {
        match v {
            serde_json::Value::Array(a)
                if a.len() == 2 && a.iter().all(serde_json::Value::is_f64) =>
            {
                let xy = p
                    .from_lonlat(crs, a[0].as_f64().unwrap(), a[1].as_f64().unwrap())
                    .unwrap();
                *v = serde_json::json!([xy.x, xy.y]);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(|x| walk(x, p, crs)),
            _ => {}
        }
    }
    let features = doc["features"].as_array_mut().unwrap();
    for f in features {
        walk(&mut f["geometry"]["coordinates"], p, crs);
    }
    let mut out = serde_json::Map::new();
    out.insert("type".into(), "FeatureCollection".into());
    if declare {
        out.insert(
            "crs".into(),
            serde_json::json!({"type": "name", "properties": {"name": format!("urn:ogc:def:crs:EPSG::{}", crs.epsg())}}),
        );
    }
    out.insert("features".into(), doc["features"].take());
    serde_json::to_vec(&serde_json::Value::Object(out)).unwrap()
}

/// One big commune ("99001", département "99") of 200 km around (x0, y0),
/// for the planning tests' population units.
pub fn big_commune(x0: f64, y0: f64) -> Vec<Territory> {
    let mut t = territory(
        "99001",
        TerritoryKind::Commune,
        Some(0),
        Zone::Metropole,
        vec![rect(x0 - 1e5, y0 - 1e5, x0 + 1e5, y0 + 1e5)],
    );
    t.departement = Some("99".into());
    vec![t]
}

/// Population units of commune 0 at (x0 + x, y0 + y), each (x, y, people).
pub fn population_units(
    x0: f64,
    y0: f64,
    people: &[(f64, f64, f64)],
) -> maillage::population::PopulationModel {
    maillage::population::PopulationModel::units(
        people
            .iter()
            .map(|&(x, y, p)| maillage::population::PopulationUnit {
                commune: 0,
                xy: Coord {
                    x: x0 + x,
                    y: y0 + y,
                },
                population: p,
            })
            .collect(),
    )
}
