//! The presolve, the Lagrangian bound and the swap search of maximal
//! coverage: against brute force on small random instances, on a
//! hand-computed plan, and bad input.

mod common;

use common::point;
use geo_types::Coord;
use maillage::plan::{
    Candidate, Demand, Instance, InstanceSize, Plan, Reach, greedy_on, lagrangian, swap_improve,
};
use maillage::population::PopulationModel;
use maillage::{Service, ServiceNetwork, Territory, Zone};
use proptest::prelude::*;
use std::time::{Duration, Instant};

const M: Zone = Zone::Metropole;
const X0: f64 = 700_000.0;
const Y0: f64 = 6_600_000.0;

/// The best weight any `k` candidates of `inst` reach, by enumeration.
fn brute_force(inst: &Instance, k: usize) -> f64 {
    let m = inst.candidates();
    let k = k.min(m);
    let mut best = 0.0f64;
    for mask in 0u32..(1 << m) {
        if mask.count_ones() as usize != k {
            continue;
        }
        let chosen: Vec<usize> = (0..m).filter(|i| mask & (1 << i) != 0).collect();
        best = best.max(inst.value(&chosen));
    }
    best
}

/// Weights (some 0) of up to 14 units, the sets of up to 9 candidates, k.
fn instance() -> impl Strategy<Value = (Vec<f64>, Vec<Vec<u32>>, usize)> {
    (1usize..14).prop_flat_map(|n| {
        (
            prop::collection::vec(prop_oneof![1 => Just(0.0), 4 => 1.0..50.0f64], n),
            prop::collection::vec(
                prop::collection::vec(0..u32::try_from(n).unwrap_or(1), 0..6),
                1..10,
            ),
            1usize..5,
        )
    })
}

fn later() -> Instant {
    Instant::now() + Duration::from_secs(10)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// The presolved instance has the same optimum; its answers map back to
    /// original candidates reaching as much; every bound is ≥ the optimum;
    /// the swaps never lose and end at or below it.
    #[test]
    fn presolve_keeps_the_optimum_and_the_bounds_hold((weight, sets, k) in instance()) {
        let inst = Instance::from_sets(weight, &sets);
        let k = k.min(inst.candidates());
        let opt = brute_force(&inst, k);
        let (pre, sizes) = inst.presolve();
        prop_assert_eq!(sizes.after, pre.size());
        prop_assert!(sizes.after.units <= sizes.before.units);
        prop_assert!(sizes.after.candidates <= sizes.before.candidates);
        let pre_opt = brute_force(&pre, k);
        let tol = 1e-9 * opt.max(1.0);
        prop_assert!((pre_opt - opt).abs() <= tol, "presolved {} original {}", pre_opt, opt);
        // Every unit's weight is positive and every set non-empty.
        prop_assert!(pre.weight.iter().all(|w| *w > 0.0));
        prop_assert!((0..pre.candidates()).all(|c| !pre.set(c).is_empty()));
        let kk = k.min(pre.candidates());
        let (greedy, value, greedy_bound) = greedy_on(&pre, kk);
        prop_assert!(greedy_bound >= opt - tol, "greedy bound {} < {}", greedy_bound, opt);
        prop_assert!(value <= opt + tol);
        let mapped: Vec<usize> = greedy.iter().map(|&c| pre.original[c] as usize).collect();
        prop_assert!((inst.value(&mapped) - value).abs() <= tol);
        let s = swap_improve(&pre, &greedy, later());
        prop_assert!(s.value >= value - tol && s.value <= opt + tol, "swap {} greedy {} opt {}", s.value, value, opt);
        prop_assert!((pre.value(&s.chosen) - s.value).abs() <= tol);
        let l = lagrangian(&pre, kk, &s.chosen, s.value, later(), 1000);
        prop_assert!(l.bound >= opt - tol, "lagrangian {} < opt {}", l.bound, opt);
        prop_assert!(l.best_value <= opt + tol);
        prop_assert_eq!(l.best.len(), kk);
    }
}

/// Units of weight 1, 2, 3, 4; candidates A = {0, 1}, B = {0, 1, 2},
/// C = {3}. Units 0 and 1 see the same candidates {A, B}: merged (3). A ⊂ B:
/// A is dominated. Then units 0+1 and 2 both see {B} alone: merged (6).
#[test]
fn presolve_of_a_hand_computed_instance() {
    let inst = Instance::from_sets(
        vec![1.0, 2.0, 3.0, 4.0],
        &[vec![0, 1], vec![0, 1, 2], vec![3]],
    );
    let (pre, sizes) = inst.presolve();
    assert_eq!(
        sizes.before,
        InstanceSize {
            units: 4,
            candidates: 3,
            nonzeros: 6
        }
    );
    assert_eq!(
        sizes.after,
        InstanceSize {
            units: 2,
            candidates: 2,
            nonzeros: 2
        }
    );
    assert_eq!(sizes.dominated_candidates, 1);
    assert_eq!(sizes.empty_candidates, 0);
    assert_eq!(pre.original, vec![1, 2]);
    assert_eq!(pre.weight, vec![6.0, 4.0]);
    assert_eq!(pre.set(0), &[0]);
    assert_eq!(pre.set(1), &[1]);
    // k = 1: B (6); the Lagrangian bound proves it.
    let l = lagrangian(&pre, 1, &[0], 6.0, later(), 1000);
    assert!(l.bound >= 6.0 && l.bound <= 6.0 * 1.001, "{l:?}");
}

/// One big commune holding the supplied population units.
fn commune() -> Vec<Territory> {
    common::big_commune(X0, Y0)
}

fn units(people: &[(f64, f64, f64)]) -> PopulationModel {
    common::population_units(X0, Y0, people)
}

fn candidate(id: &str, x: f64, y: f64) -> Candidate {
    Candidate {
        id: id.into(),
        name: id.into(),
        kind: None,
        departement: Some("99".into()),
        zone: M,
        xy: Coord {
            x: X0 + x,
            y: Y0 + y,
        },
        lonlat: Coord { x: 0.0, y: 0.0 },
    }
}

/// 4 people units within 1 km: p0 (0, 0) weighs 1, p1 (100, 0) 2, p2
/// (600, 0) 3, p3 (−5000, 0) 4, which the host at (−5000, 500) reaches.
/// A at (−800, 0) reaches p0 and p1; B at (300, 0) p0, p1, p2; C at
/// (−5200, 0) only p3, already reached. So: p3 is the hosts', C reaches
/// nothing left (empty), A ⊂ B (dominated), and p0, p1, p2 all see B alone:
/// one unit of weight 6.
#[test]
fn a_plan_reports_its_presolve_and_maps_back() {
    let communes = commune();
    let model = units(&[
        (0.0, 0.0, 1.0),
        (100.0, 0.0, 2.0),
        (600.0, 0.0, 3.0),
        (-5000.0, 0.0, 4.0),
    ]);
    let demand = Demand::population(&communes, &model, &Reach::within(1000.0)).unwrap();
    let network = ServiceNetwork::new(vec![point(
        "h",
        M,
        X0 - 5000.0,
        Y0 + 500.0,
        &[Service::Mediation],
    )]);
    let cands = vec![
        candidate("A", -800.0, 0.0),
        candidate("B", 300.0, 0.0),
        candidate("C", -5200.0, 0.0),
    ];
    let plan = Plan::new(&network, &demand, Service::Mediation)
        .candidates(cands.clone())
        .add(1)
        .run()
        .unwrap();
    let solve = plan.solve.clone().unwrap();
    let p = solve.presolve;
    assert_eq!(
        (p.before.units, p.before.candidates, p.before.nonzeros),
        (4, 3, 5)
    );
    assert_eq!(
        (p.after.units, p.after.candidates, p.after.nonzeros),
        (1, 1, 1)
    );
    assert_eq!(p.reached_by_hosts, 1);
    assert_eq!(p.unreachable_or_weightless, 0);
    assert_eq!(p.empty_candidates, 1);
    assert_eq!(p.dominated_candidates, 1);
    assert_eq!(plan.sites().len(), 1);
    assert_eq!(plan.sites()[0].candidate.id, "B");
    assert_eq!(plan.objective(), 10.0);
    assert_eq!(plan.upper_bound(), Some(10.0));
    assert!(plan.optimal);
    let j = plan.to_json();
    assert_eq!(j["solve"]["presolve"]["after"]["units"], 1);
    assert_eq!(j["objective_method"], "greedy");
    // Two sites: B, then the first other candidate, adding nothing.
    let plan = Plan::new(&network, &demand, Service::Mediation)
        .candidates(cands)
        .add(2)
        .run()
        .unwrap();
    let ids: Vec<&str> = plan
        .sites()
        .iter()
        .map(|s| s.candidate.id.as_str())
        .collect();
    assert_eq!(ids, vec!["B", "A"]);
    assert_eq!(plan.sites()[1].gain, 0.0);
    assert_eq!(plan.sites()[1].covered, 4);
    assert_eq!(plan.objective(), 10.0);
    assert!(plan.optimal);
}

#[test]
fn a_time_budget_of_zero_or_less_is_an_error() {
    let communes = commune();
    let model = units(&[(0.0, 0.0, 1.0)]);
    let demand = Demand::population(&communes, &model, &Reach::within(1000.0)).unwrap();
    let network = ServiceNetwork::new(vec![]);
    let cands = vec![candidate("A", 0.0, 0.0)];
    for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        let e = Plan::new(&network, &demand, Service::Mediation)
            .candidates(cands.clone())
            .add(1)
            .search_seconds(bad)
            .run()
            .unwrap_err()
            .to_string();
        assert!(e.contains("time budget of the swap search"), "{e}");
    }
    #[cfg(feature = "exact")]
    {
        let e = Plan::new(&network, &demand, Service::Mediation)
            .candidates(cands.clone())
            .add(1)
            .exact(0.0)
            .run()
            .unwrap_err()
            .to_string();
        assert!(e.contains("time limit of the exact solver"), "{e}");
    }
    let ok = Plan::new(&network, &demand, Service::Mediation)
        .candidates(cands)
        .add(1)
        .search_seconds(0.5)
        .run()
        .unwrap();
    assert_eq!(ok.objective(), 1.0);
}
