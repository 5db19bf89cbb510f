//! Plan demand weighted from data (`--weights`, `--weight column:<name>`)
//! and priorities between kinds of demand (`--priority qpv=2,frr=1.5`):
//! small instances computed by hand, bad input, and the 2015 QPV of
//! Occitanie weighted by their poverty rate (cross-checked by
//! `tools/crosscheck/plan_weights.py`).

mod common;

use std::path::Path;

use common::{point, rect, territory};
use geo_types::Coord;
use maillage::command::plan::{Outcome, PlanGoal, PlanOptions, Weighting};
use maillage::plan::weights::{Priorities, WeightSpec, parts_reached, read_weights, served_of};
use maillage::plan::{Candidate, Demand, DemandPart, Plan, Reach, Weight};
use maillage::{
    FrrClass, Location, Service, ServiceNetwork, SkipReason, Territory, TerritoryKind, Zone,
};

const M: Zone = Zone::Metropole;

fn candidate(id: &str, x: f64, y: f64) -> Candidate {
    Candidate {
        id: id.into(),
        name: id.into(),
        kind: None,
        departement: Some("99".into()),
        zone: M,
        xy: Coord { x, y },
        lonlat: Coord { x: 0.0, y: 0.0 },
    }
}

fn square(id: &str, kind: TerritoryKind, population: Option<u64>, x: f64, y: f64) -> Territory {
    let mut t = territory(
        id,
        kind,
        population,
        M,
        vec![rect(x, y, x + 100.0, y + 100.0)],
    );
    t.departement = Some("99".into());
    t
}

/// A Windows-1252, semicolon-separated weights table with a decimal
/// comma, bad values, a blank and a repeated id, and an id no territory has.
const TABLE: &[u8] = b"code_qp;nom;tp60\r\n\
QP1;Cit\xe9 des Fleurs;40,5\r\n\
QP2;B;abc\r\n\
QP3;C;-3\r\n\
QP9;Z;10\r\n\
;nobody;1\r\n\
QP1;again;7\r\n\
QP4;D;12\r\n";

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn a_latin1_weights_table_is_read_with_its_skips_counted() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "w.csv", TABLE);
    let (table, report) = read_weights(&path, "tp60", None).unwrap();
    let mut values: Vec<(&str, f64)> = table.values.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    values.sort_by(|a, b| a.0.cmp(b.0));
    assert_eq!(values, [("QP1", 40.5), ("QP4", 12.0), ("QP9", 10.0)]);
    assert_eq!((report.read, report.kept), (7, 3));
    assert_eq!(report.skipped_for(SkipReason::MalformedRow), 2);
    assert_eq!(report.skipped_for(SkipReason::MissingId), 1);
    assert_eq!(report.skipped_for(SkipReason::DuplicateId), 1);
    let bad = &report.skipped[&SkipReason::MalformedRow].examples;
    assert_eq!(bad[0].location, Location::Line(3));
    assert_eq!(bad[0].id.as_deref(), Some("QP2"));
    assert!(
        bad[0]
            .detail
            .as_deref()
            .unwrap()
            .contains("\"tp60\": \"abc\"")
    );
    assert_eq!(bad[1].location, Location::Line(4));
    // The id column is named, whatever its case.
    let (by_name, _) = read_weights(&path, "TP60", Some("Code_QP")).unwrap();
    assert_eq!(by_name.values, table.values);
}

#[test]
fn a_missing_column_is_an_error_listing_the_columns() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "w.csv", TABLE);
    let e = read_weights(&path, "pop_75_plus", None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("pop_75_plus"), "{e}");
    assert!(e.contains("code_qp, nom, tp60"), "{e}");
    let e = read_weights(&path, "tp60", Some("insee"))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("insee") && e.contains("code_qp, nom, tp60"),
        "{e}"
    );
    let no_id = write(dir.path(), "no_id.csv", b"name;tp60\nA;1\n");
    let e = read_weights(&no_id, "tp60", None).unwrap_err().to_string();
    assert!(e.contains("code_qp") && e.contains("name, tp60"), "{e}");
}

#[test]
fn weights_join_the_territories_and_weigh_the_plan() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "w.csv", TABLE);
    let (table, _) = read_weights(&path, "tp60", None).unwrap();
    let territories = vec![
        square("QP1", TerritoryKind::Qpv, Some(1000), 0.0, 0.0),
        square("QP2", TerritoryKind::Qpv, Some(5000), 3000.0, 0.0),
        square("QP3", TerritoryKind::Qpv, None, 6000.0, 0.0),
        square("QP4", TerritoryKind::Qpv, Some(10), 9000.0, 0.0),
    ];
    let mut demand =
        Demand::territories(&territories, &Reach::within(500.0), Weight::Population).unwrap();
    let join = demand.weigh_by(&table).unwrap();
    assert_eq!(demand.weights(), [40.5, 0.0, 0.0, 12.0]);
    assert_eq!(demand.unweighted(), 2);
    assert_eq!((join.read, join.kept), (3, 2));
    assert_eq!(join.skipped_for(SkipReason::UnknownTerritory), 1);
    assert_eq!(
        join.skipped[&SkipReason::UnknownTerritory].examples[0]
            .id
            .as_deref(),
        Some("QP9")
    );
    assert!(join.to_string().contains("QP2") && join.to_string().contains("QP3"));
    // One site: the candidate by QP1 (40.5) beats those by QP2 (0, by
    // population it would weigh 5000) and QP4 (12).
    let network = ServiceNetwork::new(vec![point("h", M, 1e6, 1e6, &[Service::Mediation])]);
    let cands = vec![
        candidate("by_qp2", 3050.0, 300.0),
        candidate("by_qp1", 50.0, 300.0),
        candidate("by_qp4", 9050.0, 300.0),
    ];
    let plan = Plan::new(&network, &demand, Service::Mediation)
        .candidates(cands.clone())
        .add(1)
        .run()
        .unwrap();
    assert_eq!(plan.sites()[0].candidate.id, "by_qp1");
    assert_eq!(plan.objective(), 40.5);
    assert_eq!(plan.total_weight, 52.5);
    assert!(
        plan.warnings.iter().any(|w| w
            .starts_with("2 of 4 demand items have no value in column tp60 of")
            && w.contains("weigh 0")),
        "{:?}",
        plan.warnings
    );
    let two = Plan::new(&network, &demand, Service::Mediation)
        .candidates(cands)
        .add(2)
        .run()
        .unwrap();
    assert_eq!(two.objective(), 52.5);
}

#[test]
fn priorities_parse_or_say_why_not() {
    let p: Priorities = "qpv=2, FRR=1.5".parse().unwrap();
    assert_eq!(p.0, [("qpv".to_owned(), 2.0), ("frr".to_owned(), 1.5)]);
    for (bad, why) in [
        ("qpv=0", "> 0"),
        ("qpv=NaN", "> 0"),
        ("qpv=inf", "> 0"),
        ("qpv=-1", "> 0"),
        ("town=1", "unknown kind"),
        ("qpv=1,qpv=2", "twice"),
        ("qpv", "<kind>=<priority>"),
        ("", "no priority"),
    ] {
        let e = bad.parse::<Priorities>().unwrap_err().to_string();
        assert!(e.contains(why), "{bad}: {e}");
    }
    assert_eq!(
        "column:tp60".parse::<WeightSpec>().unwrap(),
        WeightSpec::Column("tp60".into())
    );
    assert!("column:".parse::<WeightSpec>().is_err());
    assert!("people".parse::<WeightSpec>().is_err());
}

/// A QPV of 100 people by candidate `a`, an FRR commune of 150 by `b`
/// (a commune's reach, 5 km), and a QPV of 120 with an FRR commune of 40
/// by `c`. By hand:
/// - qpv=2, frr=1.5: a 200, b 225, c 2·120 + 1.5·40 = 300 → c, then b (225), then a;
/// - qpv=1, frr=3: a 100, b 450, c 240 → b, then c, then a.
#[test]
fn priorities_weigh_each_kind_and_each_part_is_reported() {
    let qpv = [
        square("q1", TerritoryKind::Qpv, Some(100), 0.0, 0.0),
        square("q2", TerritoryKind::Qpv, Some(120), 100_000.0, 0.0),
    ];
    let mut f1 = square("f1", TerritoryKind::Commune, Some(150), 50_000.0, 0.0);
    f1.frr = Some(FrrClass::Frr);
    let mut f2 = square("f2", TerritoryKind::Commune, Some(40), 102_000.0, 0.0);
    f2.frr = Some(FrrClass::FrrPlus);
    let frr = [f1, f2];
    let network = ServiceNetwork::new(vec![point("h", M, 1e7, 1e7, &[Service::Mediation])]);
    let cands = vec![
        candidate("a", 50.0, 300.0),
        candidate("b", 50_050.0, 3_000.0),
        candidate("c", 100_050.0, 300.0),
    ];
    let demand_of = |pq: f64, pf: f64| {
        Demand::of_parts(
            vec![
                DemandPart {
                    name: "qpv".into(),
                    territories: qpv.iter().collect(),
                    reach: Reach::within(500.0),
                    priority: pq,
                },
                DemandPart {
                    name: "frr".into(),
                    territories: frr.iter().collect(),
                    reach: Reach::within(5_000.0),
                    priority: pf,
                },
            ],
            Weight::Population,
        )
        .unwrap()
    };
    let demand = demand_of(2.0, 1.5);
    assert_eq!(demand.weights(), [200.0, 240.0, 225.0, 60.0]);
    let run = |demand: &Demand<'_>, k: usize| {
        Plan::new(&network, demand, Service::Mediation)
            .candidates(cands.clone())
            .add(k)
            .run()
            .unwrap()
    };
    let one = run(&demand, 1);
    assert_eq!(one.sites()[0].candidate.id, "c");
    assert_eq!(one.objective(), 300.0);
    let parts = parts_reached(&demand, one.covered_before(), &served_of(&one.covered));
    let figures: Vec<(&str, f64, f64, f64, f64)> = parts
        .iter()
        .map(|p| {
            (
                p.kind.as_str(),
                p.priority,
                p.total,
                p.reached,
                p.weighted(),
            )
        })
        .collect();
    assert_eq!(
        figures,
        [
            ("qpv", 2.0, 220.0, 120.0, 240.0),
            ("frr", 1.5, 190.0, 40.0, 60.0)
        ]
    );
    let two = run(&demand, 2);
    let ids: Vec<&str> = two
        .sites()
        .iter()
        .map(|s| s.candidate.id.as_str())
        .collect();
    assert_eq!(ids, ["c", "b"]);
    assert_eq!(two.objective(), 525.0);
    let other = demand_of(1.0, 3.0);
    let one = run(&other, 1);
    assert_eq!(one.sites()[0].candidate.id, "b");
    assert_eq!(one.objective(), 450.0);
    let parts = parts_reached(&other, one.covered_before(), &served_of(&one.covered));
    assert_eq!(parts[0].reached, 0.0);
    assert_eq!((parts[1].reached, parts[1].share()), (150.0, 150.0 / 190.0));
    // A part without territory, or a priority ≤ 0, is refused.
    let empty = Demand::of_parts(
        vec![DemandPart {
            name: "frr".into(),
            territories: Vec::new(),
            reach: Reach::within(5_000.0),
            priority: 1.0,
        }],
        Weight::Count,
    );
    assert!(
        empty
            .unwrap_err()
            .to_string()
            .contains("frr has no territory")
    );
}

/// The 2015 QPV of Occitanie with the 2016 network: where 5 bureaux de
/// poste should host mediation to reach the most QPV weighted by their
/// poverty rate (`tp60`, in %), from a Latin-1 semicolon table built from
/// the polygons' own attributes, with 5 QPV left out, 2 unknown ids and a
/// non-numeric value.
#[test]
fn occitanie_qpv_weighted_by_their_poverty_rate() {
    let dir = tempfile::tempdir().unwrap();
    let geojson: serde_json::Value =
        serde_json::from_slice(&std::fs::read(common::data("qpv_2015_occitanie.geojson")).unwrap())
            .unwrap();
    let features = geojson["features"].as_array().unwrap();
    assert_eq!(features.len(), 105);
    let mut csv: Vec<u8> = b"code_qp;nom_qp;tp60;pop_mun\n".to_vec();
    let mut expected: std::collections::HashMap<String, f64> = Default::default();
    for (n, f) in features.iter().enumerate() {
        let p = &f["properties"];
        let code = p["code_qp"].as_str().unwrap();
        if n < 5 {
            continue; // left out: weighs 0
        }
        let tp60 = p["tp60"].as_f64().unwrap();
        let pop = p["pop_mun"].as_u64().unwrap();
        let name: Vec<u8> = p["nom_qp"]
            .as_str()
            .unwrap()
            .chars()
            .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
            .collect();
        if n == 7 {
            csv.extend_from_slice(format!("{code};").as_bytes());
            csv.extend_from_slice(&name);
            csv.extend_from_slice(format!(";n.d.;{pop}\n").as_bytes());
            continue;
        }
        expected.insert(code.to_owned(), tp60);
        csv.extend_from_slice(format!("{code};").as_bytes());
        csv.extend_from_slice(&name);
        csv.extend_from_slice(
            format!(";{};{pop}\n", tp60.to_string().replace('.', ",")).as_bytes(),
        );
    }
    csv.extend_from_slice(b"QP999991;Nowhere;50;10\nQP999992;Nowhere;50;10\n");
    assert!(csv.iter().any(|&b| b >= 0x80), "Latin-1 names");
    let weights = write(dir.path(), "qpv_weights.csv", &csv);
    let options = |weight: Option<WeightSpec>, table: Option<&Path>, out: &str| PlanOptions {
        programmes: None,
        sources: maillage::load::Sources::new()
            .points(common::data("laposte_points_contact_2016.csv"))
            .territories(
                common::data("qpv_2015_occitanie.geojson"),
                maillage::FieldMap::qpv(),
            ),
        population: None,
        service: Service::Mediation,
        candidates: "bureau_de_poste".parse().unwrap(),
        goal: PlanGoal::Add(5),
        close: None,
        radius_m: None,
        minutes: None,
        combine: maillage::access::Combine::And,
        weight,
        weighting: Weighting {
            table: table.map(Path::to_path_buf),
            id_column: None,
            priorities: None,
        },
        capacity: None,
        exact_seconds: None,
        search_seconds: None,
        geoparquet: false,
        out: maillage::command::out::Output::new(dir.path().join(out)),
    };
    let run = options(
        Some(WeightSpec::Column("tp60".into())),
        Some(&weights),
        "tp60",
    )
    .run(&mut |_| {})
    .unwrap();
    let Outcome::Plan(measured) = &run.outcome else {
        panic!("one plan")
    };
    let report = &measured.report;
    assert_eq!(run.hosts, 0, "no point hosts mediation without assignments");
    assert_eq!(run.reach_m, 500.0);
    // The weight reached, summed here over the QPV the plan reaches.
    let inputs = maillage::load::Sources::new()
        .territories(
            common::data("qpv_2015_occitanie.geojson"),
            maillage::FieldMap::qpv(),
        )
        .load()
        .unwrap();
    let reached: f64 = inputs
        .territories
        .iter()
        .zip(&report.covered)
        .filter(|(_, c)| **c)
        .map(|(t, _)| expected.get(&t.id).copied().unwrap_or(0.0))
        .sum();
    assert!((report.objective() - reached).abs() < 1e-9);
    let total: f64 = expected.values().sum();
    assert!((report.total_weight - total).abs() < 1e-9);
    // The figures of tools/crosscheck/plan_weights.py on this plan's
    // sites.csv (GeoPandas, Lambert-93): 8 QPV within 500 m of the 5
    // sites, weighing 414.4.
    assert_eq!(report.covered.iter().filter(|c| **c).count(), 8);
    assert!(
        (report.objective() - 414.4).abs() < 1e-6,
        "{}",
        report.objective()
    );
    let json = &run.json;
    assert!((json["objective"].as_f64().unwrap() - 414.4).abs() < 1e-6);
    assert_eq!(json["unweighted_items"], 6);
    let warnings = json["warnings"].to_string();
    assert!(
        warnings.contains("6 of 105 demand items have no value in column tp60"),
        "{warnings}"
    );
    let loads = json["load_reports"].to_string();
    assert!(loads.contains("qpv_weights.csv"), "{loads}");
    assert!(
        loads.contains("n.d."),
        "the non-numeric value, named: {loads}"
    );
    assert!(loads.contains("QP999991"), "an unknown id, named: {loads}");
    let parts = json["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0]["unweighted_items"], 6);
    assert!(
        run.summary()
            .iter()
            .any(|l| l.contains("have no value in column tp60"))
    );
    // The population column of the table weighs as the polygons' own
    // population does (but for the 6 QPV it leaves without a value).
    let by_column = options(
        Some(WeightSpec::Column("pop_mun".into())),
        Some(&weights),
        "pop",
    )
    .run(&mut |_| {})
    .unwrap();
    let by_population = options(None, None, "population").run(&mut |_| {}).unwrap();
    let (Outcome::Plan(a), Outcome::Plan(b)) = (&by_column.outcome, &by_population.outcome) else {
        panic!("plans")
    };
    let (a, b) = (&a.report, &b.report);
    let left_out: f64 = inputs
        .territories
        .iter()
        .filter(|t| !expected.contains_key(&t.id) && !t.id.is_empty())
        .filter(|t| {
            // QP n = 7 has a population in the table, only its tp60 is bad.
            features[7]["properties"]["code_qp"].as_str() != Some(t.id.as_str())
        })
        .map(|t| t.population.unwrap() as f64)
        .sum();
    assert_eq!(b.total_weight, 358_011.0);
    assert!((a.total_weight - (358_011.0 - left_out)).abs() < 1e-9);
    // Bad combinations of options.
    let e = options(Some(WeightSpec::Column("tp60".into())), None, "x")
        .run(&mut |_| {})
        .unwrap_err()
        .to_string();
    assert!(e.contains("--weights"), "{e}");
    let e = options(None, Some(&weights), "x")
        .run(&mut |_| {})
        .unwrap_err()
        .to_string();
    assert!(e.contains("column:<name>"), "{e}");
    let e = options(
        Some(WeightSpec::Column("pop75".into())),
        Some(&weights),
        "x",
    )
    .run(&mut |_| {})
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("pop75") && e.contains("code_qp, nom_qp, tp60, pop_mun"),
        "{e}"
    );
}

/// The 2015 QPV of Occitanie (priority 2) and the communes classified FRR
/// or FRR+ (priority 1.5) in one plan of 5 bureaux de poste (2016) to host
/// mediation. `tools/crosscheck/plan_weights.py frr` finds the same FRR
/// part (GeoPandas): 17,765 FRR communes with a polygon, 11,028,003
/// residents, 360,267 of them in the 41 communes within 5 km of the sites.
#[test]
fn occitanie_qpv_and_the_frr_communes_with_priorities() {
    let dir = tempfile::tempdir().unwrap();
    let communes = maillage::CommuneSources::new(common::data("communes_2018_simplified.geojson"))
        .table(common::data("communes_france.csv"))
        .frr(common::data("frr_communes.csv"));
    let options = |priorities: &str| PlanOptions {
        programmes: None,
        sources: maillage::load::Sources::new()
            .points(common::data("laposte_points_contact_2016.csv"))
            .territories(
                common::data("qpv_2015_occitanie.geojson"),
                maillage::FieldMap::qpv(),
            )
            .communes(communes.clone()),
        population: None,
        service: Service::Mediation,
        candidates: "bureau_de_poste".parse().unwrap(),
        goal: PlanGoal::Add(5),
        close: None,
        radius_m: None,
        minutes: None,
        combine: maillage::access::Combine::And,
        weight: None,
        weighting: Weighting {
            table: None,
            id_column: None,
            priorities: Some(priorities.parse().unwrap()),
        },
        capacity: None,
        exact_seconds: None,
        search_seconds: None,
        geoparquet: false,
        out: maillage::command::out::Output::new(
            dir.path().join(priorities.replace(['=', ','], "_")),
        ),
    };
    let run = options("qpv=2,frr=1.5").run(&mut |_| {}).unwrap();
    let Outcome::Plan(measured) = &run.outcome else {
        panic!("one plan")
    };
    let report = &measured.report;
    let p = &run.parts;
    assert_eq!(p.len(), 2);
    assert_eq!(
        (p[0].kind.as_str(), p[0].items, p[0].total, p[0].reach_m),
        ("qpv", 105, 358_011.0, 500.0)
    );
    assert_eq!(
        (p[1].kind.as_str(), p[1].items, p[1].total, p[1].reach_m),
        ("frr", 17_765, 11_028_003.0, 5_000.0)
    );
    assert_eq!(p[1].reached, 360_267.0);
    assert_eq!(p[0].reached, 0.0, "the FRR communes weigh more at 5 km");
    let combined = 2.0 * p[0].reached + 1.5 * p[1].reached;
    assert_eq!(report.objective(), combined);
    assert_eq!(report.total_weight, 2.0 * 358_011.0 + 1.5 * 11_028_003.0);
    let json = &run.json["parts"];
    assert_eq!(json[1]["reached_weight"], 360_267.0);
    assert_eq!(json[1]["objective"], 540_400.5);
    assert_eq!(json[0]["priority"], 2.0);
    let summary = run.summary().join("\n");
    assert!(
        summary.contains("frr (reach 5000 m): 360267.0 of 11028003.0 reached"),
        "{summary}"
    );
    // Measured by coverage, the count of départements is of demand
    // weight, and says so: it is not the law's population test.
    assert!(
        summary.contains("départements over 10 % of their demand weight beyond reach"),
        "{summary}"
    );
    assert_eq!(
        run.json["after"]["failing_by"],
        "demand weight beyond reach over 10 % (not the law's population test)"
    );
    // A kind of the territories without a priority, or a priority for a
    // kind the demand lacks, is an error.
    let e = options("frr=1").run(&mut |_| {}).unwrap_err().to_string();
    assert!(e.contains("--priority qpv=<p>"), "{e}");
    let e = options("qpv=1,commune=2")
        .run(&mut |_| {})
        .unwrap_err()
        .to_string();
    assert!(e.contains("no commune territory"), "{e}");
}
