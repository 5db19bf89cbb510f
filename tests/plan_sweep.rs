//! Closure scenarios in one run (`plan::sweep`, `maillage closures`): a
//! hand-computed instance with single and pair closures, the bad inputs of
//! a scenario file, and on real data the single and pair closures equal to
//! `access` rerun with those sites removed.

mod common;

use std::collections::HashSet;
use std::io::Write as _;

use common::{data, point, rect, territory};
use geo_types::Coord;
use maillage::access::Accessibility;
use maillage::command::Sites;
use maillage::command::closures::{ClosuresOptions, Scenarios};
use maillage::plan::sweep::{self, SCENARIO_COLUMNS, Scenario, Sweep};
use maillage::plan::{Demand, Reach};
use maillage::population::{PopulationModel, PopulationUnit};
use maillage::{Error, Service, ServiceNetwork, SkipReason, Territory, TerritoryKind, Zone};

const M: Zone = Zone::Metropole;
const X0: f64 = 650_000.0;
const Y0: f64 = 6_650_000.0;

fn commune(id: &str, dep: &str, x0: f64) -> Territory {
    let mut t = territory(
        id,
        TerritoryKind::Commune,
        Some(0),
        M,
        vec![rect(X0 + x0, Y0 - 5e4, X0 + x0 + 5e4, Y0 + 5e4)],
    );
    t.departement = Some(dep.into());
    t
}

/// Two communes (départements 99 and 98) and seven population units.
fn tiny() -> (Vec<Territory>, PopulationModel) {
    let communes = vec![commune("99001", "99", -1e4), commune("98001", "98", 8e3)];
    let u = |commune: u32, x: f64, y: f64, population: f64| PopulationUnit {
        commune,
        xy: Coord {
            x: X0 + x,
            y: Y0 + y,
        },
        population,
    };
    let units = vec![
        u(0, 0.0, 500.0, 10.0),    // A only
        u(0, 750.0, 0.0, 20.0),    // A and B
        u(0, 1500.0, 500.0, 30.0), // B only
        u(0, 5000.0, 0.0, 40.0),   // none
        u(1, 10000.0, 300.0, 50.0),
        u(1, 9500.0, 0.0, 5.0),  // C only, both
        u(1, 20000.0, 0.0, 1.0), // none
    ];
    (communes, PopulationModel::units(units))
}

/// Hosts A (0, 0), B (1500, 0), C (10000, 0) offer postal; D does not.
fn tiny_network() -> ServiceNetwork {
    let p = |id: &str, x: f64, services: &[Service]| point(id, M, X0 + x, Y0, services);
    ServiceNetwork::new(vec![
        p("A", 0.0, &[Service::Postal]),
        p("B", 1500.0, &[Service::Postal]),
        p("C", 10000.0, &[Service::Postal]),
        p("D", 0.0, &[Service::Mediation]),
    ])
}

fn scenario(id: &str, sites: &[&str]) -> Scenario {
    Scenario {
        id: id.into(),
        sites: sites.iter().map(|s| s.to_string()).collect(),
    }
}

fn row<'a>(s: &'a Sweep, scenario: &str, dep: &str) -> maillage::plan::sweep::SweepRow<'a> {
    s.rows()
        .find(|r| r.scenario_id == scenario && r.departement == dep)
        .unwrap_or_else(|| panic!("no row {scenario} × {dep}"))
}

#[test]
fn single_and_pair_closures_by_hand() {
    let (communes, model) = tiny();
    let network = tiny_network();
    let demand = Demand::population(&communes, &model, &Reach::within(1000.0)).unwrap();
    let scenarios = vec![
        scenario("A", &["A"]),
        scenario("B", &["B"]),
        scenario("C", &["C"]),
        scenario("AB", &["A", "B"]),
        scenario("AC", &["A", "C"]),
        scenario("D", &["D"]),
    ];
    let s = sweep::sweep(&network, &demand, Service::Postal, &scenarios, 0.10, None).unwrap();
    let codes: Vec<&str> = s.departements.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["98", "99"]);
    assert_eq!(s.items, 7);
    assert_eq!(s.rows().count(), 6 * 2);
    // Today: 99 has 40 of 100 beyond, 98 has 1 of 56.
    let a99 = row(&s, "A", "99");
    assert_eq!((a99.population, a99.beyond_now), (100.0, 40.0));
    assert_eq!((a99.newly_beyond, a99.units_newly_beyond), (10.0, 1));
    assert_eq!(a99.beyond_after, 50.0);
    assert_eq!((a99.share_beyond_now, a99.share_beyond_after), (0.4, 0.5));
    assert!(!a99.complies_now && !a99.complies_after);
    assert_eq!(row(&s, "A", "98").newly_beyond, 0.0);
    // B alone: the 30 it alone reaches; the 20 A also reaches stay.
    assert_eq!(row(&s, "B", "99").newly_beyond, 30.0);
    // C: 55 of 56 in the 98 fall beyond, which complied (1/56) and fails.
    let c98 = row(&s, "C", "98");
    assert_eq!((c98.newly_beyond, c98.units_newly_beyond), (55.0, 2));
    assert_eq!(c98.share_beyond_now, 1.0 / 56.0);
    assert_eq!(c98.share_beyond_after, 1.0);
    assert!(c98.complies_now && !c98.complies_after);
    // A and B together: the 20 both reach fall too (10 + 20 + 30).
    let ab = row(&s, "AB", "99");
    assert_eq!((ab.newly_beyond, ab.units_newly_beyond), (60.0, 3));
    assert_eq!(ab.sites_closed, 2);
    assert_eq!(ab.share_beyond_after, 1.0);
    // A and C: each its own, nothing shared.
    assert_eq!(row(&s, "AC", "99").newly_beyond, 10.0);
    assert_eq!(row(&s, "AC", "98").newly_beyond, 55.0);
    // D offers no postal service: it closes no host and changes nothing.
    let d = row(&s, "D", "99");
    assert_eq!((d.sites_closed, d.newly_beyond), (0, 0.0));
    let failing = s.failing();
    assert_eq!(failing, vec![("C", vec!["98"]), ("AC", vec!["98"])]);
    assert_eq!(s.changed_rows().count(), 6);
    // The table: every row, or the changed ones.
    let mut all = Vec::new();
    s.write_csv_to(&mut all, false).unwrap();
    let all = String::from_utf8(all).unwrap();
    assert_eq!(all.lines().next().unwrap(), SCENARIO_COLUMNS.join(","));
    assert_eq!(all.lines().count(), 1 + 12);
    assert!(
        all.contains("\nC,1,98,56.0,1.0,56.0,55.0,2,0.017857,1.000000,true,false\n"),
        "{all}"
    );
    let mut changed = Vec::new();
    s.write_csv_to(&mut changed, true).unwrap();
    assert_eq!(String::from_utf8(changed).unwrap().lines().count(), 1 + 6);
    // Only the 98: one row per scenario.
    let only = sweep::sweep(
        &network,
        &demand,
        Service::Postal,
        &scenarios,
        0.10,
        Some(&["98".to_owned()]),
    )
    .unwrap();
    assert_eq!(only.items, 3);
    assert_eq!(only.rows().count(), 6);
    assert_eq!(row(&only, "C", "98"), row(&s, "C", "98"));
}

#[test]
fn a_pair_counts_a_unit_reached_by_a_third_site_as_still_reached() {
    // Three sites reach the one unit: closing two leaves it reached; all three, beyond.
    let (communes, _) = tiny();
    let model = PopulationModel::units(vec![PopulationUnit {
        commune: 0,
        xy: Coord { x: X0, y: Y0 },
        population: 7.0,
    }]);
    let p = |id: &str, x: f64| point(id, M, X0 + x, Y0, &[Service::Postal]);
    let network = ServiceNetwork::new(vec![p("a", 100.0), p("b", -100.0), p("c", 200.0)]);
    let demand = Demand::population(&communes, &model, &Reach::within(1000.0)).unwrap();
    let scenarios = vec![
        scenario("ab", &["a", "b"]),
        scenario("abc", &["a", "b", "c"]),
        scenario("a", &["a"]),
    ];
    let s = sweep::sweep(&network, &demand, Service::Postal, &scenarios, 0.10, None).unwrap();
    assert_eq!(row(&s, "ab", "99").newly_beyond, 0.0);
    assert_eq!(row(&s, "abc", "99").newly_beyond, 7.0);
    assert_eq!(row(&s, "a", "99").newly_beyond, 0.0);
}

fn write(dir: &std::path::Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    path
}

#[test]
fn a_scenario_file_counts_unknown_blank_repeated_and_empty() {
    let dir = tempfile::tempdir().unwrap();
    let network = tiny_network();
    let path = write(
        dir.path(),
        "scenarios.csv",
        "scenario_id,site_id\ns1,A\ns1,B\ns1,A\ns2,ZZ\ns3,C\n,B\ns3,\ns4,Q1\ns4,Q2\ns3,D\n",
    );
    let (list, report) = sweep::read_scenarios(&path, &network).unwrap();
    assert_eq!(
        list,
        vec![scenario("s1", &["A", "B"]), scenario("s3", &["C", "D"])]
    );
    assert_eq!(report.read, 10);
    assert_eq!(report.kept, 4);
    assert_eq!(report.skipped_for(SkipReason::UnknownSiteId), 3, "{report}");
    assert_eq!(report.skipped_for(SkipReason::DuplicateId), 1);
    assert_eq!(report.skipped_for(SkipReason::MissingId), 2);
    assert_eq!(report.skipped_for(SkipReason::EmptyScenario), 2);
    let text = report.to_string();
    assert!(
        text.contains("scenario with no known site to close"),
        "{text}"
    );
    let empty = &report.skipped[&SkipReason::EmptyScenario].examples;
    let ids: Vec<_> = empty.iter().map(|e| e.id.as_deref().unwrap()).collect();
    assert_eq!(ids, ["s2", "s4"]);

    // No column naming the scenario: an error naming the file.
    let bad = write(dir.path(), "noscenario.csv", "site,id\nx,A\n");
    let e = sweep::read_scenarios(&bad, &network).unwrap_err();
    assert!(matches!(e, Error::MissingColumn { .. }), "{e}");
    let message = e.to_string();
    assert!(
        message.contains("noscenario.csv") && message.contains("scenario_id"),
        "{message}"
    );
    let bad = write(dir.path(), "nosite.csv", "scenario_id,other\nx,A\n");
    let message = sweep::read_scenarios(&bad, &network)
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("nosite.csv") && message.contains("site_id"),
        "{message}"
    );
    // Every scenario empty: an error, with the counts.
    let bad = write(dir.path(), "allbad.csv", "scenario_id,site_id\nx,ZZ\n");
    let message = sweep::read_scenarios(&bad, &network)
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("allbad.csv") && message.contains("no scenario"),
        "{message}"
    );
}

// ── real data ─────────────────────────────────────────────────────────

/// Per département (by code), the share beyond of `access` on `network`.
fn access_shares(
    network: &ServiceNetwork,
    communes: &[Territory],
    model: &PopulationModel,
) -> Vec<(String, f64, f64)> {
    let report = Accessibility::new(network, communes, model)
        .service(Service::Postal)
        .distance_m(5000.0)
        .run()
        .unwrap();
    let mut v: Vec<(String, f64, f64)> = report
        .by_departement()
        .into_iter()
        .map(|d| (d.code, d.totals.population, d.totals.share_beyond()))
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

fn without(network: &ServiceNetwork, ids: &[String]) -> ServiceNetwork {
    let closed: HashSet<&str> = ids.iter().map(String::as_str).collect();
    ServiceNetwork::new(
        network
            .points()
            .iter()
            .filter(|p| !closed.contains(p.id.as_str()))
            .cloned()
            .collect(),
    )
}

#[test]
fn real_closures_equal_access_rerun_without_the_sites() {
    let inputs = maillage::load::Sources::new()
        .points(data("laposte_points_contact_2025.csv"))
        .communes(maillage::CommuneSources::in_dir(common::data_dir()))
        .load()
        .unwrap();
    let model = PopulationModel::Centroid;
    let network = ServiceNetwork::new(inputs.points.clone());
    let demand = Demand::population(&inputs.communes, &model, &Reach::within(5000.0)).unwrap();
    let each = sweep::each_site(&network, Service::Postal);
    assert_eq!(
        each.len(),
        17_965,
        "every point de contact of 2025 offers postal"
    );
    let all = sweep::sweep(&network, &demand, Service::Postal, &each, 0.10, None).unwrap();
    assert_eq!(all.scenarios.len(), 17_965);
    assert_eq!(all.rows().count(), 17_965 * all.departements.len());
    // The sample: a closure that makes a département fail (if any), the
    // costliest, two that change nothing, one in the middle; and a pair.
    let failing = all.failing();
    let mut by_cost: Vec<&maillage::plan::sweep::ScenarioImpact> = all.scenarios.iter().collect();
    by_cost.sort_by(|a, b| {
        b.newly_total()
            .total_cmp(&a.newly_total())
            .then(a.id.cmp(&b.id))
    });
    let mut sample: Vec<String> = Vec::new();
    if let Some((id, _)) = failing.first() {
        sample.push(id.to_string());
    }
    sample.push(by_cost[0].id.clone());
    sample.push(by_cost[by_cost.len() / 50].id.clone());
    sample.push(by_cost[by_cost.len() / 2].id.clone());
    sample.push(by_cost[by_cost.len() - 1].id.clone());
    sample.dedup();
    let pair = vec![by_cost[0].id.clone(), by_cost[1].id.clone()];
    let mut scenarios: Vec<Scenario> = sample.iter().map(Scenario::single).collect();
    scenarios.push(Scenario {
        id: "pair".into(),
        sites: pair.clone(),
    });
    let some = sweep::sweep(&network, &demand, Service::Postal, &scenarios, 0.10, None).unwrap();
    let now = access_shares(&network, &inputs.communes, &model);
    assert_eq!(now.len(), some.departements.len());
    for (base, (code, population, share)) in some.departements.iter().zip(&now) {
        assert_eq!(&base.code, code);
        assert!((base.total - population).abs() < 1e-6, "{code}");
        assert!((base.share_beyond() - share).abs() < 1e-12, "{code}");
    }
    let mut changed = 0;
    for s in &scenarios {
        let after = access_shares(&without(&network, &s.sites), &inputs.communes, &model);
        for (code, _, share) in &after {
            let r = some
                .rows()
                .find(|r| r.scenario_id == s.id && r.departement == code)
                .unwrap();
            assert!(
                (r.share_beyond_after - share).abs() < 1e-12,
                "{} × {code}: sweep {} vs access {share}",
                s.id,
                r.share_beyond_after
            );
            if r.newly_beyond > 0.0 {
                changed += 1;
            }
        }
        // The single closures agree with the full sweep too.
        if let Some(full) = all.scenarios.iter().find(|x| x.id == s.id) {
            let mine = some.scenarios.iter().find(|x| x.id == s.id).unwrap();
            assert_eq!(full.newly, mine.newly);
        }
    }
    assert!(changed >= 2, "the sample must change something: {changed}");
    if let Some((id, codes)) = failing.first() {
        let after = access_shares(
            &without(&network, &[id.to_string()]),
            &inputs.communes,
            &model,
        );
        for code in codes {
            let (_, _, share) = after.iter().find(|(c, _, _)| c == code).unwrap();
            assert!(*share > 0.10, "{id} makes {code} fail: access says {share}");
        }
    }
}

#[test]
fn the_command_writes_one_row_per_scenario_and_departement() {
    let dir = tempfile::tempdir().unwrap();
    let scenarios = write(
        dir.path(),
        "s.csv",
        "scenario_id,site_id\nx,nope\ntwo,06402B\ntwo,03313A\n",
    );
    let mut o = ClosuresOptions::new(
        Sites::new(data("laposte_points_contact_2025.csv")),
        data("communes_2018_simplified.geojson"),
        data("communes_france.csv"),
        dir.path().join("out"),
    );
    o.scenarios = Scenarios::File(scenarios);
    o.departements = Some(vec!["48".into(), "2A".into()]);
    let run = o.run().unwrap();
    let report = run.reports.last().unwrap();
    assert_eq!(report.skipped_for(SkipReason::UnknownSiteId), 1, "{report}");
    assert_eq!(report.skipped_for(SkipReason::EmptyScenario), 1, "{report}");
    let text = std::fs::read_to_string(dir.path().join("out/scenarios.csv")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1 + 2, "{text}");
    assert!(lines[1].starts_with("two,"), "{text}");
    assert_eq!(run.sweep.departements.len(), 2);
    // A partition naming a scenario the file does not hold is an error.
    o.only_scenarios = Some(vec!["two".into(), "three".into()]);
    let message = o.run().unwrap_err().to_string();
    assert!(message.contains("three"), "{message}");
    o.only_scenarios = None;
    // An unknown département is an error.
    o.departements = Some(vec!["00".into()]);
    let message = o.run().unwrap_err().to_string();
    assert!(message.contains("00"), "{message}");
}

#[cfg(feature = "cli")]
#[test]
fn the_command_line_runs_a_scenario_file_and_names_a_bad_one() {
    let dir = tempfile::tempdir().unwrap();
    let run = |scenarios: &std::path::Path, out: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_maillage"))
            .arg("closures")
            .arg("--points")
            .arg(data("laposte_points_contact_2025.csv"))
            .arg("--communes")
            .arg(data("communes_2018_simplified.geojson"))
            .arg("--population")
            .arg(data("communes_france.csv"))
            .arg("--scenarios")
            .arg(scenarios)
            .args(["--departements", "48,2A", "--changed-only", "--out"])
            .arg(dir.path().join(out))
            .output()
            .unwrap()
    };
    let good = write(
        dir.path(),
        "good.csv",
        "scenario_id,site_id\ntwo,06402B\ntwo,03313A\nghost,nope\n",
    );
    let out = run(&good, "good");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("── 1 scenario(s) over 2 département(s)"),
        "{stdout}"
    );
    assert!(stderr.contains("unknown site id"), "{stderr}");
    let table = std::fs::read_to_string(dir.path().join("good/scenarios.csv")).unwrap();
    // Only the row the pair changes: 99 people of the 48 only its sites reach.
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 2, "{table}");
    assert!(
        lines[1].starts_with("two,2,48,76486.0,5226.0,5325.0,99.0,1,"),
        "{table}"
    );
    let bad = write(dir.path(), "bad.csv", "site_id\n06402B\n");
    let out = run(&bad, "bad");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("bad.csv") && stderr.contains("scenario_id"),
        "{stderr}"
    );
    assert!(!dir.path().join("bad/scenarios.csv").exists());
}
