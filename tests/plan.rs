//! Site planning against brute force on small random instances, closure
//! impact against a full recomputation, and bad input.

mod common;

use common::{point, rect, territory};
use geo_types::Coord;
use maillage::plan::{Candidate, Demand, Plan, Reach, Weight, closure_impact};
use maillage::population::PopulationModel;
use maillage::{Service, ServiceNetwork, Territory, TerritoryKind, Zone};
use proptest::prelude::*;

const M: Zone = Zone::Metropole;
const X0: f64 = 700_000.0;
const Y0: f64 = 6_600_000.0;

/// One big commune holding the supplied population units.
fn commune() -> Vec<Territory> {
    common::big_commune(X0, Y0)
}

fn units(people: &[(f64, f64, f64)]) -> PopulationModel {
    common::population_units(X0, Y0, people)
}

fn candidate(i: usize, x: f64, y: f64) -> Candidate {
    Candidate {
        id: format!("c{i}"),
        name: format!("candidate {i}"),
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

/// The best weight any `k` of `cands` reach (with the hosts' reach), by enumeration.
fn brute_force(
    people: &[(f64, f64, f64)],
    hosts: &[(f64, f64)],
    cands: &[(f64, f64)],
    k: usize,
    r: f64,
) -> f64 {
    let reached = |sites: &[(f64, f64)]| -> f64 {
        people
            .iter()
            .filter(|(x, y, _)| sites.iter().any(|(sx, sy)| (x - sx).hypot(y - sy) <= r))
            .map(|p| p.2)
            .sum()
    };
    let n = cands.len();
    let mut best = 0.0f64;
    for mask in 0u32..(1 << n) {
        if mask.count_ones() as usize != k {
            continue;
        }
        let mut sites: Vec<(f64, f64)> = hosts.to_vec();
        sites.extend((0..n).filter(|i| mask & (1 << i) != 0).map(|i| cands[i]));
        best = best.max(reached(&sites));
    }
    best
}

/// Existing hosts of mediation at these offsets.
fn hosts_of_mediation(hosts: &[(f64, f64)]) -> ServiceNetwork {
    ServiceNetwork::new(
        hosts
            .iter()
            .enumerate()
            .map(|(i, (x, y))| point(&format!("h{i}"), M, X0 + x, Y0 + y, &[Service::Mediation]))
            .collect(),
    )
}

/// Candidates at these offsets.
fn candidates_at(offsets: &[(f64, f64)]) -> Vec<Candidate> {
    offsets
        .iter()
        .enumerate()
        .map(|(i, (x, y))| candidate(i, *x, *y))
        .collect()
}

/// People (x, y, population), existing hosts, candidates, k.
type Instance = (
    Vec<(f64, f64, f64)>,
    Vec<(f64, f64)>,
    Vec<(f64, f64)>,
    usize,
);

fn instance() -> impl Strategy<Value = Instance> {
    let coord = || -10_000.0..10_000.0f64;
    (
        prop::collection::vec((coord(), coord(), 1.0..100.0f64), 5..30),
        prop::collection::vec((coord(), coord()), 0..3),
        prop::collection::vec((coord(), coord()), 4..11),
        1usize..4,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Greedy ≥ (1 − 1/e)·OPT on what the new sites add, and the bound ≥ OPT.
    #[test]
    fn greedy_is_within_its_guarantee_and_the_bound_holds((people, hosts, cands, k) in instance()) {
        let communes = commune();
        let model = units(&people);
        let r = 3_000.0;
        let demand = Demand::population(&communes, &model, &Reach::within(r)).unwrap();
        let network = hosts_of_mediation(&hosts);
        let candidates = candidates_at(&cands);
        let k = k.min(candidates.len());
        let plan = Plan::new(&network, &demand, Service::Mediation).candidates(candidates).add(k).run().unwrap();
        let opt = brute_force(&people, &hosts, &cands, k, r);
        let base = plan.base_weight;
        let tol = 1e-6;
        prop_assert!(plan.objective() - base >= (1.0 - (-1.0f64).exp()) * (opt - base) - tol,
            "greedy {} base {} opt {}", plan.objective(), base, opt);
        prop_assert!(plan.objective() <= opt + tol);
        prop_assert!(plan.upper_bound().unwrap() >= opt - tol, "bound {:?} < opt {}", plan.upper_bound(), opt);
        if plan.optimal {
            prop_assert!((plan.objective() - opt).abs() < tol, "claimed optimal but {} < {}", plan.objective(), opt);
        }
    }

    /// The exact solver finds the brute-force optimum, and adding a
    /// candidate never lowers it.
    #[cfg(feature = "exact")]
    #[test]
    fn exact_equals_brute_force_and_more_candidates_never_hurt((people, hosts, cands, k) in instance()) {
        let communes = commune();
        let model = units(&people);
        let r = 3_000.0;
        let demand = Demand::population(&communes, &model, &Reach::within(r)).unwrap();
        let network = hosts_of_mediation(&hosts);
        let run = |cs: &[(f64, f64)]| {
            let candidates = candidates_at(cs);
            Plan::new(&network, &demand, Service::Mediation)
                .candidates(candidates).add(k.min(cs.len())).exact(30.0).run().unwrap()
        };
        let plan = run(&cands);
        let opt = brute_force(&people, &hosts, &cands, k.min(cands.len()), r);
        prop_assert!(plan.optimal);
        prop_assert!((plan.objective() - opt).abs() < 1e-6, "exact {} opt {}", plan.objective(), opt);
        let fewer = run(&cands[..cands.len() - 1]);
        prop_assert!(fewer.objective() <= plan.objective() + 1e-6);
    }
}

/// What only one site reaches falls beyond when it closes: the impact of
/// each site equals a full recomputation without it.
#[test]
fn closure_impact_equals_a_full_recomputation() {
    let people: Vec<(f64, f64, f64)> = (0..60)
        .map(|i| {
            let a = i as f64 * 0.7;
            (
                8_000.0 * a.cos() * (i % 7) as f64 / 7.0,
                8_000.0 * a.sin() * (i % 5) as f64 / 5.0,
                10.0 + i as f64,
            )
        })
        .collect();
    let sites = [
        (0.0, 0.0),
        (4_000.0, 0.0),
        (-5_000.0, 3_000.0),
        (2_000.0, -6_000.0),
        (4_500.0, 500.0),
    ];
    let communes = commune();
    let model = units(&people);
    let reach = Reach::within(3_000.0);
    let demand = Demand::population(&communes, &model, &reach).unwrap();
    let network_of = |skip: Option<usize>| {
        ServiceNetwork::new(
            sites
                .iter()
                .enumerate()
                .filter(|(i, _)| Some(*i) != skip)
                .map(|(i, (x, y))| point(&format!("s{i}"), M, X0 + x, Y0 + y, &[Service::Postal]))
                .collect(),
        )
    };
    let beyond = |network: &ServiceNetwork| {
        let plan = Plan::new(network, &demand, Service::Postal)
            .candidates(vec![candidate(0, 1e9, 1e9)])
            .add(1)
            .run()
            .unwrap();
        plan.total_weight - plan.base_weight
    };
    let all = network_of(None);
    let now = beyond(&all);
    let impact = closure_impact(&all, &demand, Service::Postal, 0.10);
    assert_eq!(impact.len(), sites.len());
    let mut nonzero = 0;
    for (i, _) in sites.iter().enumerate() {
        let id = format!("s{i}");
        let row = impact.iter().find(|r| r.site_id == id).unwrap();
        let recomputed = beyond(&network_of(Some(i))) - now;
        assert!(
            (row.weight_alone - recomputed).abs() < 1e-9,
            "{id}: {} vs {recomputed}",
            row.weight_alone
        );
        nonzero += usize::from(row.weight_alone > 0.0);
    }
    assert!(nonzero >= 2, "the instance exercises closures");
    // Sorted most critical first.
    assert!(
        impact
            .windows(2)
            .all(|w| w[0].weight_alone >= w[1].weight_alone)
    );
}

/// A hand-computed instance: three QPV squares, two hosts-to-be.
#[test]
fn maximal_coverage_by_hand() {
    let qpv: Vec<Territory> = [0.0, 1_000.0, 5_000.0]
        .iter()
        .enumerate()
        .map(|(i, x)| {
            territory(
                &format!("Q{i}"),
                TerritoryKind::Qpv,
                Some(100 * (i as u64 + 1)),
                M,
                vec![rect(X0 + x, Y0, X0 + x + 200.0, Y0 + 200.0)],
            )
        })
        .collect();
    let demand = Demand::territories(&qpv, &Reach::within(500.0), Weight::Population).unwrap();
    let network = ServiceNetwork::new(vec![]);
    // c0, 400 m from Q0 and from Q1, reaches both (100 + 200); c1, inside Q2,
    // reaches Q2 (300); c2, 400 m below Q0, reaches Q0 (100).
    let cands = vec![
        candidate(0, 600.0, 100.0),
        candidate(1, 5_100.0, 100.0),
        candidate(2, 0.0, -400.0),
    ];
    let plan = Plan::new(&network, &demand, Service::Mediation)
        .candidates(cands.clone())
        .add(1)
        .run()
        .unwrap();
    assert_eq!(plan.sites()[0].gain, 300.0);
    assert_eq!(
        plan.sites()[0].candidate.id,
        "c0",
        "c0 and c1 tie at 300: the first candidate wins"
    );
    let plan2 = Plan::new(&network, &demand, Service::Mediation)
        .candidates(cands)
        .add(2)
        .run()
        .unwrap();
    assert_eq!(plan2.objective(), 600.0);
    assert_eq!(plan2.sites()[1].covered, 3);
    assert!(plan2.optimal, "{:?}", plan2.upper_bound());
}

#[test]
fn plans_that_cannot_run_are_errors() {
    let communes = commune();
    let model = units(&[(0.0, 0.0, 10.0)]);
    let demand = Demand::population(&communes, &model, &Reach::within(1000.0)).unwrap();
    let network = ServiceNetwork::new(vec![]);
    let err = |plan: Plan<'_>| plan.run().unwrap_err().to_string();
    let one = || vec![candidate(0, 0.0, 0.0)];
    assert!(
        err(Plan::new(&network, &demand, Service::Postal)
            .candidates(one())
            .add(0))
        .contains("at least 1")
    );
    assert!(
        err(Plan::new(&network, &demand, Service::Postal)
            .candidates(one())
            .add(2))
        .contains("only 1 candidates")
    );
    assert!(err(Plan::new(&network, &demand, Service::Postal).add(1)).contains("no candidate"));
    assert!(
        err(Plan::new(&network, &demand, Service::Postal)
            .candidates(one())
            .target_share(1.5))
        .contains("(0, 1]")
    );
    for bad in [0.0, -5.0, f64::NAN, f64::INFINITY] {
        let e = Demand::population(&communes, &model, &Reach::within(bad))
            .unwrap_err()
            .to_string();
        assert!(e.contains("must be finite and > 0"), "{e}");
    }
    #[cfg(feature = "exact")]
    for bad in [f64::NAN, f64::INFINITY, -1.0] {
        let e = err(Plan::new(&network, &demand, Service::Postal)
            .candidates(one())
            .add(1)
            .exact(bad));
        assert!(e.contains("time limit of the exact solver"), "{e}");
    }
    let e = Demand::territories(&[], &Reach::within(500.0), Weight::Count)
        .unwrap_err()
        .to_string();
    assert!(e.contains("no territories"), "{e}");
    let empty = PopulationModel::units(vec![]);
    let e = Demand::population(&communes, &empty, &Reach::within(500.0))
        .unwrap_err()
        .to_string();
    assert!(e.contains("no population"), "{e}");
}
