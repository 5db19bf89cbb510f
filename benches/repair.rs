//! Repairing the invalid parts of the 2024 QPV contours, projected to their
//! zone's CRS: the even-odd rule as maillage computes it
//! ([`maillage::repair::even_odd`], i_overlay) against geo's `MakeValid` (Ledoux et
//! al.'s constrained triangulation), the same rule, measured in the same
//! run on the same parts.
//!
//! `cargo bench --bench repair` (reads `$MAILLAGE_DATA`, default `../shared/data`).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use geo::{MakeValid, Validation};
use geo_types::{Geometry, MultiPolygon, Polygon};
use maillage::{Projector, Zone};

mod common;

use common::data_dir;

/// The invalid polygons of the 2024 QPV file, each in its zone's metres.
fn invalid_parts() -> Vec<Polygon<f64>> {
    let path = data_dir().join("qpv_2024_national.geojson");
    let text = std::fs::read_to_string(&path).expect("the 2024 QPV file");
    let collection: geojson::FeatureCollection = text.parse().expect("GeoJSON");
    let projector = Projector::shared().expect("projector");
    let mut parts = Vec::new();
    for feature in collection.features {
        let Some(geometry) = feature.geometry else {
            continue;
        };
        let mut mp: MultiPolygon<f64> = match Geometry::try_from(geometry) {
            Ok(Geometry::MultiPolygon(mp)) => mp,
            Ok(Geometry::Polygon(p)) => MultiPolygon(vec![p]),
            _ => continue,
        };
        let Some(first) = mp.0.first().and_then(|p| p.exterior().0.first()).copied() else {
            continue;
        };
        let Some(zone) = Zone::of_lonlat(first.x, first.y) else {
            continue;
        };
        if projector.project_multipolygon(zone, &mut mp).is_err() {
            continue;
        }
        parts.extend(mp.0.into_iter().filter(|p| !p.is_valid()));
    }
    parts
}

fn benches(c: &mut Criterion) {
    let parts = invalid_parts();
    let mut g = c.benchmark_group(format!(
        "repair/{} invalid parts of the 2024 QPV",
        parts.len()
    ));
    g.sample_size(10);
    g.bench_function("maillage: even-odd rule (i_overlay)", |b| {
        b.iter(|| {
            for p in &parts {
                black_box(maillage::repair::even_odd(std::slice::from_ref(p)));
            }
        })
    });
    g.bench_function("baseline: geo MakeValid (triangulation)", |b| {
        b.iter(|| {
            for p in &parts {
                black_box(p.make_valid().ok());
            }
        })
    });
    g.finish();
}

criterion_group!(repair, benches);
criterion_main!(repair);
