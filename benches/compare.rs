//! Comparing two national runs: 34,868 communes × 5 services, the 2016 and
//! mid-2025 networks (with France Services and conseillers numériques).
//! The in-memory comparison is measured beside what the CLI does in the same
//! run: reading both runs back from `coverage.csv`, then comparing.
//!
//! `cargo bench --bench compare` (reads `$MAILLAGE_DATA`, default `../shared/data`).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use maillage::compare::Comparison;
use maillage::coverage::Outcome;
use maillage::coverage::read_coverage;
use maillage::load::Sources;
use maillage::read::read_communes;
use maillage::{CommuneSources, Coverage, Service, ServiceNetwork};

mod common;

use common::data_dir;

fn benches(c: &mut Criterion) {
    let dir = data_dir();
    let (communes, _) = read_communes(&CommuneSources::in_dir(&dir)).expect("communes");
    let run = |la_poste: &str| -> Vec<Outcome> {
        let (points, _) = Sources::new()
            .points(dir.join(la_poste))
            .partners(dir.join("france_services_2024-08.csv"))
            .partners(dir.join("conseillers_numeriques_structures_2021.geojson"))
            .load_points()
            .expect("points");
        let network = ServiceNetwork::new(points);
        let report = Coverage::new(&network, &communes)
            .services(Service::ALL)
            .run()
            .expect("coverage");
        let out = std::env::temp_dir().join(format!("maillage-bench-{la_poste}.csv"));
        report.write_csv(&out).expect("written");
        report.iter().map(|r| r.to_outcome(false)).collect()
    };
    let before = run("laposte_points_contact_2016.csv");
    let after = run("laposte_points_contact_2025.csv");
    assert_eq!(before.len(), 34_868 * 5);

    let mut g = c.benchmark_group("compare/34,868 communes × 5 services");
    g.sample_size(10);
    g.bench_function("in memory", |b| {
        b.iter(|| black_box(Comparison::new(&before, &after).expect("comparable")))
    });
    let files = [
        "laposte_points_contact_2016.csv",
        "laposte_points_contact_2025.csv",
    ]
    .map(|f| std::env::temp_dir().join(format!("maillage-bench-{f}.csv")));
    g.bench_function("CLI path: read both coverage.csv, then compare", |b| {
        b.iter(|| {
            let (b_rows, _) = read_coverage(&files[0]).expect("before");
            let (a_rows, _) = read_coverage(&files[1]).expect("after");
            black_box(Comparison::new(&b_rows, &a_rows).expect("comparable"))
        })
    });
    g.finish();
}

criterion_group!(compare, benches);
criterion_main!(compare);
