//! The same layers as distributed in other shapes — Lambert-93 GeoJSON that
//! declares its CRS, gzip-compressed GeoJSON and CSV — give the same
//! coverage as the originals. Fixtures are generated here from the shared
//! data; nothing is stored in the repository.

mod common;

use std::io::Write;

use common::data;
use maillage::load::Sources;
use maillage::{Coverage, FieldMap, Projector, ServiceNetwork, Zone};
use serde_json::Value;

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// The Occitanie QPV file with every position in Lambert-93 and a `crs` member.
fn to_lambert93(geojson: &[u8]) -> Vec<u8> {
    let mut doc: Value = serde_json::from_slice(geojson).unwrap();
    let p = Projector::shared().unwrap();
    fn walk(v: &mut Value, p: &Projector) {
        match v {
            Value::Array(a) if a.len() == 2 && a.iter().all(Value::is_f64) => {
                let xy = p
                    .project(
                        Zone::Metropole,
                        a[0].as_f64().unwrap(),
                        a[1].as_f64().unwrap(),
                    )
                    .unwrap();
                *v = serde_json::json!([xy.x, xy.y]);
            }
            Value::Array(a) => a.iter_mut().for_each(|x| walk(x, p)),
            _ => {}
        }
    }
    let features = doc["features"].as_array_mut().unwrap();
    for f in features {
        walk(&mut f["geometry"]["coordinates"], p);
    }
    let mut out = serde_json::Map::new();
    out.insert("type".into(), "FeatureCollection".into());
    out.insert(
        "crs".into(),
        serde_json::json!({"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}}),
    );
    out.insert("features".into(), doc["features"].take());
    serde_json::to_vec(&Value::Object(out)).unwrap()
}

#[test]
fn lambert93_and_gzip_inputs_give_identical_coverage() {
    let dir = tempfile::tempdir().unwrap();
    let qpv = std::fs::read(data("qpv_2015_occitanie.geojson")).unwrap();
    let points = std::fs::read(data("laposte_points_contact_2016.csv")).unwrap();
    let files = [
        ("qpv.geojson.gz", gzip(&qpv)),
        ("qpv_l93.geojson", to_lambert93(&qpv)),
        ("qpv_l93.geojson.gz", gzip(&to_lambert93(&qpv))),
        ("points.csv.gz", gzip(&points)),
    ];
    for (name, bytes) in &files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let run = |points: std::path::PathBuf, qpv: std::path::PathBuf| {
        let inputs = Sources::new()
            .points(points)
            .territories(qpv, FieldMap::qpv())
            .load()
            .unwrap();
        assert_eq!(inputs.reports[0].kept, 17_194);
        assert_eq!(inputs.reports[1].kept, 105);
        let network = ServiceNetwork::new(inputs.points);
        let report = Coverage::new(&network, &inputs.territories).run().unwrap();
        report
            .iter()
            .map(|r| {
                (
                    r.territory.id.clone(),
                    r.points_inside,
                    r.points_within,
                    r.nearest_m().unwrap(),
                )
            })
            .collect::<Vec<_>>()
    };
    let original = run(
        data("laposte_points_contact_2016.csv"),
        data("qpv_2015_occitanie.geojson"),
    );
    for qpv in ["qpv.geojson.gz", "qpv_l93.geojson", "qpv_l93.geojson.gz"] {
        let other = run(dir.path().join("points.csv.gz"), dir.path().join(qpv));
        assert_eq!(other.len(), original.len());
        for (a, b) in original.iter().zip(&other) {
            assert_eq!((&a.0, a.1, a.2), (&b.0, b.1, b.2), "{qpv}");
            assert!(
                (a.3 - b.3).abs() < 0.01,
                "{qpv} {}: {} vs {}",
                a.0,
                a.3,
                b.3
            );
        }
    }
}

#[test]
fn a_gzip_stream_that_ends_early_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let points = std::fs::read(data("laposte_points_contact_2016.csv")).unwrap();
    let gz = gzip(&points);
    let path = dir.path().join("cut.csv.gz");
    std::fs::write(&path, &gz[..gz.len() / 2]).unwrap();
    let err = maillage::read::read_la_poste(&path)
        .unwrap_err()
        .to_string();
    assert!(err.contains("cut.csv.gz"), "{err}");
}
