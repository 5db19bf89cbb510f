//! One schema for every output: CSV, GeoJSON (and DataFrame, in
//! `polars_output.rs`) carry the same columns with the same values, and
//! `read_coverage` reads each back to the results that were written.

mod common;

use common::{point, rect, territory};
use maillage::coverage::Outcome;
use maillage::coverage::read_coverage_from;
use maillage::coverage::schema::COVERAGE_COLUMNS;
use maillage::write::Features;
use maillage::{Coverage, Rule, Service, ServiceNetwork, TerritoryKind, Zone};

fn report_inputs() -> (ServiceNetwork, Vec<maillage::Territory>) {
    let mut a = territory(
        "=A",
        TerritoryKind::Qpv,
        Some(1200),
        Zone::Metropole,
        vec![rect(700_000.0, 6_600_000.0, 701_000.0, 6_601_000.0)],
    );
    a.name = "=HYPERLINK(\"http://x\")".into();
    a.departement = Some("75".into());
    let b = territory(
        "B",
        TerritoryKind::Commune,
        None,
        Zone::Metropole,
        vec![rect(720_000.0, 6_600_000.0, 721_000.0, 6_601_000.0)],
    );
    let network = ServiceNetwork::new(vec![
        point(
            "p",
            Zone::Metropole,
            700_500.0,
            6_600_500.0,
            &[Service::Postal],
        ),
        point(
            "q",
            Zone::Metropole,
            701_300.0,
            6_600_500.0,
            &[Service::Postal, Service::Mediation],
        ),
    ]);
    (network, vec![a, b])
}

fn without_geometry(mut o: Outcome) -> Outcome {
    o.geometry = None;
    o
}

#[test]
fn csv_and_geojson_carry_the_same_results_and_read_back() {
    let (network, territories) = report_inputs();
    let report = Coverage::new(&network, &territories)
        .services([Service::Postal, Service::Mediation])
        .rule(TerritoryKind::Commune, Rule::WithinDistance(5000.0))
        .run()
        .unwrap();
    let written: Vec<Outcome> = report.iter().map(|r| r.to_outcome(false)).collect();

    let mut csv = Vec::new();
    report.to_csv(&mut csv).unwrap();
    let text = String::from_utf8(csv.clone()).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let names: Vec<&str> = COVERAGE_COLUMNS.iter().map(|c| c.name).collect();
    assert_eq!(header, names);
    assert!(
        text.contains("'=A,\"'=HYPERLINK(\"\"http://x\"\")\""),
        "formulas are neutralised: {text}"
    );

    let mut geojson = Vec::new();
    report.to_geojson(&mut geojson, Features::All).unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&geojson).unwrap();
    for f in doc["features"].as_array().unwrap() {
        let keys: Vec<&str> = f["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut sorted_names = names.clone();
        sorted_names.sort_unstable();
        let mut sorted_keys = keys.clone();
        sorted_keys.sort_unstable();
        assert_eq!(sorted_keys, sorted_names);
    }

    let (from_csv, r) = read_coverage_from("coverage.csv", csv.as_slice()).unwrap();
    assert_eq!((r.read, r.kept), (4, 4), "{r}");
    assert_eq!(from_csv, written);
    let (from_geojson, r) = read_coverage_from("coverage.geojson", geojson.as_slice()).unwrap();
    assert_eq!((r.read, r.kept), (4, 4), "{r}");
    assert!(from_geojson.iter().all(|o| o.geometry.is_some()));
    let from_geojson: Vec<Outcome> = from_geojson.into_iter().map(without_geometry).collect();
    assert_eq!(from_geojson, written);

    // Spot values, by hand: A holds p (inside) and is 300 m from q; B starts 18.7 km east of q.
    let a = &written[0];
    assert_eq!((a.points_inside, a.points_within, a.served), (1, 2, true));
    let b_mediation = &written[3];
    assert_eq!(b_mediation.territory_id, "B");
    assert_eq!(b_mediation.nearest_m(), Some(18_700.0));
    assert!(!b_mediation.served);
}

#[test]
fn unreadable_rows_of_a_coverage_file_are_counted() {
    let csv = "territory_id,name,kind,service,served,nearest_m\n\
               A,a,qpv,postal,true,12.5\n\
               ,b,qpv,postal,false,\n\
               C,c,qpv,bakery,false,\n\
               D,d,planet,postal,false,\n\
               E,e,qpv,postal,maybe,\n\
               F,f,qpv,postal,false,far\n";
    let (outcomes, r) = read_coverage_from("c.csv", csv.as_bytes()).unwrap();
    assert_eq!(outcomes.len(), 1);
    assert_eq!((r.read, r.kept, r.skipped_total()), (6, 1, 5), "{r}");
    assert_eq!(r.skipped_for(maillage::SkipReason::UnknownService), 1);
    assert_eq!(r.skipped_for(maillage::SkipReason::MalformedRow), 4);
    let err = read_coverage_from("c.csv", "id,x\n1,2\n".as_bytes()).unwrap_err();
    assert!(err.to_string().contains("territory_id"), "{err}");
}
