//! Closure scenarios in one run on a département-sized instance: every
//! single closure of the points de contact of 2025 in the
//! Finistère (29), and every pair of neighbours in the file's order (at most
//! 500), on its 200 m population grid (the legal test's 5 km). Measured: 252
//! single closures × 163,937 cells in 47 ms, 251 pairs in 73 ms (2 cores
//! shared with other jobs).
//!
//! `cargo bench --bench sweep` (reads `$MAILLAGE_DATA`, default `../shared/data`).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use maillage::load::Sources;
use maillage::plan::sweep::{self, Scenario};
use maillage::plan::{Demand, Reach};
use maillage::population::PopulationModel;
use maillage::{CommuneSources, Service, ServiceNetwork};

mod common;

use common::data_dir;

const DEP: &str = "29";

fn benches(c: &mut Criterion) {
    let dir = data_dir();
    let mut inputs = Sources::new()
        .points(dir.join("laposte_points_contact_2025.csv"))
        .communes(CommuneSources::in_dir(&dir))
        .load()
        .expect("inputs");
    inputs
        .communes
        .retain(|c| c.departement.as_deref() == Some(DEP));
    let network = ServiceNetwork::new(inputs.points);
    let demand = Demand::population(
        &inputs.communes,
        &PopulationModel::Grid { cell_m: 200.0 },
        &Reach::within(5_000.0),
    )
    .expect("demand");
    let inside: Vec<&maillage::ServicePoint> = network
        .points()
        .iter()
        .filter(|p| p.commune.as_deref().is_some_and(|c| c.starts_with(DEP)))
        .collect();
    let singles: Vec<Scenario> = inside
        .iter()
        .map(|p| Scenario::single(p.id.clone()))
        .collect();
    let pairs: Vec<Scenario> = inside
        .windows(2)
        .take(500)
        .map(|w| Scenario {
            id: format!("{}+{}", w[0].id, w[1].id),
            sites: vec![w[0].id.clone(), w[1].id.clone()],
        })
        .collect();
    let label = |what: &str, n: usize| {
        format!(
            "{what}: {n} scenarios × {} grid cells of the {DEP}",
            demand.len()
        )
    };
    let mut g = c.benchmark_group("sweep");
    g.sample_size(10);
    g.bench_function(label("single closures", singles.len()), |b| {
        b.iter(|| {
            black_box(
                sweep::sweep(&network, &demand, Service::Postal, &singles, 0.10, None)
                    .expect("sweep"),
            )
        })
    });
    g.bench_function(label("pairs of neighbours", pairs.len()), |b| {
        b.iter(|| {
            black_box(
                sweep::sweep(&network, &demand, Service::Postal, &pairs, 0.10, None)
                    .expect("sweep"),
            )
        })
    });
    g.finish();
}

criterion_group!(sweep_benches, benches);
criterion_main!(sweep_benches);
