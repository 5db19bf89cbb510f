//! `compare`: every change value on hand-built runs, the errors, and the
//! real 2016 → 2025 figures (cross-checked in `tools/crosscheck/network_change.py`).

mod common;

use common::data;
use maillage::compare::{Change, Comparison, SiteChange, compare_sites};
use maillage::coverage::{NearestPoint, Outcome, Rule, Status};
use maillage::read::read_la_poste;
use maillage::{Service, TerritoryKind};

fn outcome(id: &str, served: bool, nearest_m: Option<f64>) -> Outcome {
    Outcome {
        territory_id: id.into(),
        name: format!("QPV {id}"),
        kind: TerritoryKind::Qpv,
        departement: Some(if id < "E" { "31" } else { "34" }.into()),
        population: Some(1000),
        service: Service::Postal,
        rule: Rule::WithinDistance(500.0),
        points_inside: 0,
        points_within: u32::from(served),
        nearest: nearest_m.map(|d| NearestPoint {
            id: "p".into(),
            name: "p".into(),
            kind: "bureau_de_poste".into(),
            distance_m: d,
        }),
        served,
        status: if served {
            Status::Served
        } else {
            Status::Unserved
        },
        geometry: None,
    }
}

#[test]
fn every_change_on_hand_built_runs() {
    let before = vec![
        outcome("A", false, Some(800.0)), // → served: gained
        outcome("B", true, Some(100.0)),  // → unserved: lost
        outcome("C", false, Some(900.0)), // → 700 m: closer
        outcome("D", false, Some(700.0)), // → 900 m: farther
        outcome("E", true, Some(300.0)),  // → 300.4 m: unchanged (within 1 m)
        outcome("F", false, None),        // → a point in the zone: closer
        outcome("G", true, Some(0.0)),    // gone: removed
    ];
    let after = vec![
        outcome("A", true, Some(400.0)),
        outcome("B", false, Some(600.0)),
        outcome("C", false, Some(700.0)),
        outcome("D", false, Some(900.0)),
        outcome("E", true, Some(300.4)),
        outcome("F", false, Some(5000.0)),
        outcome("H", true, Some(10.0)), // new: added
    ];
    let c = Comparison::new(&before, &after).unwrap();
    let got: Vec<(&str, Change)> = c
        .rows()
        .iter()
        .map(|r| (r.outcome().territory_id.as_str(), r.change()))
        .collect();
    assert_eq!(
        got,
        [
            ("A", Change::Gained),
            ("B", Change::Lost),
            ("C", Change::Closer),
            ("D", Change::Farther),
            ("E", Change::Unchanged),
            ("F", Change::Closer),
            ("G", Change::Removed),
            ("H", Change::Added),
        ]
    );
    let g = &c.rows()[6];
    assert_eq!((g.served_before(), g.served_after()), (Some(true), None));
    let deps = c.by_departement();
    assert_eq!(deps.len(), 2);
    assert_eq!(deps[0].departement, "31");
    assert_eq!(deps[0].counts, [1, 1, 1, 1, 0, 0, 0, 0]);
    assert_eq!(
        (deps[0].population_gained, deps[0].population_lost),
        (1000, 1000)
    );
    assert_eq!(deps[1].counts, [0, 0, 1, 0, 1, 1, 1, 0]);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("changes.csv");
    c.write_csv(&path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        text.lines().next().unwrap(),
        "territory_id,name,kind,departement,population,service,served_before,served_after,change,nearest_before_m,nearest_after_m"
    );
    assert!(
        text.contains("\nG,QPV G,qpv,34,1000,postal,true,,removed,0.00,\n"),
        "{text}"
    );
}

#[test]
fn runs_that_cannot_be_compared_are_errors() {
    let before = vec![outcome("A", true, Some(10.0))];
    let mut wider = outcome("A", true, Some(10.0));
    wider.rule = Rule::WithinDistance(1000.0);
    let err = Comparison::new(&before, &[wider]).unwrap_err().to_string();
    assert!(
        err.contains("qpv × postal is measured with different rules: before within 500 m, after within 1000 m"),
        "{err}"
    );
    let err = Comparison::new(&before, &[outcome("Z", true, None)])
        .unwrap_err()
        .to_string();
    assert!(err.contains("no territory × service in common"), "{err}");
    let mut mixed = vec![outcome("A", true, Some(1.0)), outcome("B", true, Some(1.0))];
    mixed[1].rule = Rule::Inside;
    let err = Comparison::new(&mixed, &before).unwrap_err().to_string();
    assert!(
        err.contains("the before run applies two rules to qpv × postal"),
        "{err}"
    );
}

/// The network of 2016 against mid-2025: every count equals
/// `tools/crosscheck/network_change.py` (pandas + pyproj), and the kind
/// changes under the same id equal those of the data's SOURCES.md.
#[test]
fn the_2016_and_2025_networks() {
    let (before, _) = read_la_poste(data("laposte_points_contact_2016.csv")).unwrap();
    let (after, _) = read_la_poste(data("laposte_points_contact_2025.csv")).unwrap();
    let rows = compare_sites(&before, &after, 100.0).unwrap();
    let count = |c: SiteChange, by: &str| {
        rows.iter()
            .filter(|r| r.change == c && r.matched_by == by)
            .count()
    };
    assert_eq!(count(SiteChange::Opened, ""), 2_517);
    assert_eq!(count(SiteChange::Closed, ""), 1_740);
    assert_eq!(count(SiteChange::Moved, "id"), 1_963);
    assert_eq!(count(SiteChange::KindChanged, "id"), 601);
    assert_eq!(count(SiteChange::MovedAndKindChanged, "id"), 114);
    assert_eq!(count(SiteChange::KindChanged, "position"), 839);
    assert_eq!(count(SiteChange::Ambiguous, "position"), 0);
    let bdp_to = |k: maillage::PointKind| {
        rows.iter()
            .filter(|r| {
                r.matched_by == "id"
                    && r.kind_before == Some(maillage::PointKind::BureauDePoste)
                    && r.kind_after == Some(k)
            })
            .count()
    };
    assert_eq!(bdp_to(maillage::PointKind::AgencePostaleCommunale), 304);
    assert_eq!(bdp_to(maillage::PointKind::RelaisPosteCommercant), 99);
}
