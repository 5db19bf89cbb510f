//! The presolve, the swaps, the kicks and the Lagrangian bound of maximal
//! coverage on one région:
//! the 200 m population grid of Bretagne (départements 22, 29, 35, 56) ×
//! its bureaux de poste, 5 km, k = 30, for mediation.
//!
//! `cargo bench --bench presolve --features exact` (reads `$MAILLAGE_DATA`, default
//! `../shared/data`).

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use maillage::load::Sources;
use maillage::plan::{
    Demand, Plan, Reach, candidates, greedy_on, kick_iterate, lagrangian, swap_improve,
};
use maillage::population::PopulationModel;
use maillage::{CommuneSources, PointKind, Service, ServiceNetwork};

mod common;

use common::data_dir;

const BRETAGNE: [&str; 4] = ["22", "29", "35", "56"];

fn benches(c: &mut Criterion) {
    let dir = data_dir();
    let inputs = Sources::new()
        .points(dir.join("laposte_points_contact_2025.csv"))
        .communes(CommuneSources::in_dir(&dir))
        .load()
        .expect("inputs");
    let in_region = |d: Option<&str>| d.is_some_and(|d| BRETAGNE.contains(&d));
    let communes: Vec<_> = inputs
        .communes
        .iter()
        .filter(|t| in_region(t.departement.as_deref()))
        .cloned()
        .collect();
    let network = ServiceNetwork::new(inputs.points);
    let bureaux: Vec<_> =
        candidates::of_kinds(&network, &[PointKind::BureauDePoste], Service::Mediation)
            .into_iter()
            .filter(|c| in_region(c.departement.as_deref()))
            .collect();
    let grid = PopulationModel::grid();
    let demand = Demand::population(&communes, &grid, &Reach::within(5000.0)).expect("demand");
    let k = 30;
    let plan = Plan::new(&network, &demand, Service::Mediation)
        .candidates(bureaux)
        .add(k);
    let full = plan.instance().expect("instance");
    let (pre, sizes) = full.presolve();
    eprintln!("Bretagne: {sizes:?}");
    let (greedy, value, _) = greedy_on(&pre, k);

    let mut g = c.benchmark_group("plan/Bretagne 200 m grid × bureaux de poste, 5 km, k = 30");
    g.sample_size(10);
    g.bench_function("presolve", |b| b.iter(|| black_box(full.presolve())));
    g.bench_function("greedy on the presolved instance", |b| {
        b.iter(|| black_box(greedy_on(&pre, k)))
    });
    g.bench_function("Lagrangian bound (≤ 6000 iterations, ≤ 10 s)", |b| {
        b.iter(|| {
            let deadline = Instant::now() + Duration::from_secs(10);
            black_box(lagrangian(&pre, k, &greedy, value, deadline, 6000))
        })
    });
    g.bench_function("swap descent from the greedy", |b| {
        b.iter(|| {
            let deadline = Instant::now() + Duration::from_secs(10);
            black_box(swap_improve(&pre, &greedy, deadline))
        })
    });
    let swapped = swap_improve(&pre, &greedy, Instant::now() + Duration::from_secs(10));
    g.bench_function(
        "kicks from the swapped answer (until patience, ≤ 10 s)",
        |b| {
            b.iter(|| {
                let deadline = Instant::now() + Duration::from_secs(10);
                black_box(kick_iterate(
                    &pre,
                    &swapped.chosen,
                    swapped.value,
                    f64::INFINITY,
                    deadline,
                ))
            })
        },
    );
    g.bench_function(
        "whole plan (sets, presolve, greedy, swaps, kicks, bound)",
        |b| b.iter(|| black_box(plan.run().expect("plan"))),
    );
    g.finish();
}

criterion_group!(presolve, benches);
criterion_main!(presolve);
