//! Site planning at national scale, where a dense demand × candidate matrix
//! is out of reach: the QPV instance beside the dense distance matrix that
//! PySAL spopt builds first (measured in the same run), the 34,868 communes ×
//! every commune as a candidate, and the per-département compliance plans on
//! the 200 m population grid of all France (16 M cells).
//!
//! `cargo bench --bench plan` (reads `$MAILLAGE_DATA`, default `../shared/data`).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use maillage::coverage::distance_to_polygon;
use maillage::load::Sources;
use maillage::plan::{Demand, Plan, Reach, Weight, candidates, comply};
use maillage::population::PopulationModel;
use maillage::{CommuneSources, FieldMap, PointKind, Service, ServiceNetwork};

mod common;

use common::data_dir;

fn benches(c: &mut Criterion) {
    let dir = data_dir();
    let inputs = Sources::new()
        .points(dir.join("laposte_points_contact_2025.csv"))
        .territories(dir.join("qpv_2024_national.geojson"), FieldMap::qpv())
        .communes(CommuneSources::in_dir(&dir))
        .load()
        .expect("inputs");
    let network = ServiceNetwork::new(inputs.points);
    let qpv = Demand::territories(&inputs.territories, &Reach::within(500.0), Weight::Count)
        .expect("QPV demand");
    let bureaux = candidates::of_kinds(&network, &[PointKind::BureauDePoste], Service::Mediation);

    let mut g = c.benchmark_group("plan/1,496 QPV × 6,845 bureaux de poste, k = 50");
    g.sample_size(10);
    g.bench_function("maillage (sparse sets, lazy greedy, bound)", |b| {
        b.iter(|| {
            black_box(
                Plan::new(&network, &qpv, Service::Mediation)
                    .candidates(bureaux.clone())
                    .add(50)
                    .run()
                    .expect("plan"),
            )
        })
    });
    g.bench_function("baseline: the dense distance matrix alone", |b| {
        b.iter(|| {
            let mut reached = 0usize;
            for t in &inputs.territories {
                for s in bureaux.iter().filter(|s| s.zone == t.zone) {
                    reached +=
                        usize::from(distance_to_polygon(&t.geometry, [s.xy.x, s.xy.y]) <= 500.0);
                }
            }
            black_box(reached)
        })
    });
    g.finish();

    let communes = &inputs.communes;
    let everywhere = candidates::of_communes(communes).expect("commune candidates");
    let mut g = c.benchmark_group("plan/national");
    g.sample_size(10);
    g.bench_function(
        "34,868 communes × 34,868 commune candidates, 100 France Services",
        |b| {
            let demand =
                Demand::territories(communes, &Reach::within(10_000.0), Weight::Population)
                    .expect("demand");
            b.iter(|| {
                black_box(
                    Plan::new(&network, &demand, Service::FranceServices)
                        .candidates(everywhere.clone())
                        .add(100)
                        .run()
                        .expect("plan"),
                )
            })
        },
    );
    g.bench_function(
        "compliance per département, 200 m grid of all France (16 M cells)",
        |b| {
            let grid = PopulationModel::grid();
            let demand =
                Demand::population(communes, &grid, &Reach::within(5000.0)).expect("demand");
            b.iter(|| {
                black_box(
                    comply(&network, &demand, Service::Postal, &everywhere, 0.10).expect("plans"),
                )
            })
        },
    );
    g.finish();
}

criterion_group!(plan, benches);
criterion_main!(plan);
