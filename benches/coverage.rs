//! Coverage on the real data: index build, QPV and commune coverage, with a
//! brute-force scan over every point as the baseline measured in the same run.
//!
//! `cargo bench --bench coverage` (reads `$MAILLAGE_DATA`, default `../shared/data`).

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use maillage::coverage::distance_to_polygon;
use maillage::read::{read_communes, read_la_poste, read_territories};
use maillage::{
    CommuneSources, Coverage, FieldMap, Service, ServiceNetwork, ServicePoint, Territory,
};

mod common;

use common::data_dir;

fn load() -> (Vec<ServicePoint>, Vec<Territory>, Vec<Territory>) {
    let dir = data_dir();
    let (points, _) =
        read_la_poste(dir.join("laposte_points_contact_2016.csv")).expect("La Poste points");
    let mut qpv = Vec::new();
    for f in [
        "qpv_2015_occitanie.geojson",
        "qpv_2015_ille_et_vilaine.geojson",
    ] {
        qpv.extend(
            read_territories(dir.join(f), &FieldMap::qpv())
                .expect("QPV")
                .0,
        );
    }
    let (communes, _) = read_communes(&CommuneSources::in_dir(&dir)).expect("communes");
    (points, qpv, communes)
}

/// Nearest distance from each territory to any point of its zone, scanning every point.
fn brute_force(points: &[ServicePoint], territories: &[Territory]) -> Vec<f64> {
    territories
        .iter()
        .map(|t| {
            points
                .iter()
                .filter(|p| p.zone == t.zone)
                .map(|p| distance_to_polygon(&t.geometry, [p.xy.x, p.xy.y]))
                .fold(f64::INFINITY, f64::min)
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    let (points, qpv, communes) = load();
    let network = ServiceNetwork::new(points.clone());

    c.bench_function("index/build 17k points de contact", |b| {
        b.iter_batched(
            || points.clone(),
            |p| black_box(ServiceNetwork::new(p)),
            BatchSize::LargeInput,
        )
    });

    let mut g = c.benchmark_group("coverage/112 QPV × postal");
    g.sample_size(10);
    g.bench_function("maillage (R-tree)", |b| {
        b.iter(|| {
            black_box(
                Coverage::new(&network, &qpv)
                    .services([Service::Postal])
                    .run(),
            )
        })
    });
    g.bench_function("baseline: scan every point", |b| {
        b.iter(|| black_box(brute_force(&points, &qpv)))
    });
    g.finish();

    let mut g = c.benchmark_group("coverage/34,868 communes × postal");
    g.sample_size(10);
    g.bench_function("maillage (R-tree)", |b| {
        b.iter(|| {
            black_box(
                Coverage::new(&network, &communes)
                    .services([Service::Postal])
                    .run(),
            )
        })
    });
    g.finish();
}

criterion_group!(coverage, benches);
criterion_main!(coverage);
