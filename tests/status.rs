//! "served | unserved | no_data" wherever a coverage result is written,
//! read back and drawn: a service that no site offers is "no data", never
//! a gap, in the CSV and GeoJSON outputs, in `read_coverage`, on the maps
//! and in the HTML report's tables.
//!
//! The case, by hand: two QPV of 1 km × 1 km, A at [700, 701] km × [6 600,
//! 6 601] km (Lambert-93) and B 2 km east of it, at [703, 704] km; one point
//! `p` in the middle of A offering only the postal service; a 500 m rule.
//! Postal: A served (p inside, nearest 0 m), B unserved (nearest 2 500 m).
//! Mediation: no site offers it, so both are `no_data`.

mod common;

use common::{point, rect, territory};
use maillage::compare::{Change, Comparison};
use maillage::coverage::{Outcome, Status, read_coverage_from};
use maillage::map::{GapMap, InteractiveReport, Table, View};
use maillage::write::Features;
use maillage::{
    Coverage, CoverageReport, Rule, Service, ServiceNetwork, SkipReason, Territory, TerritoryKind,
    Zone,
};

const SERVICES: [Service; 2] = [Service::Postal, Service::Mediation];

fn territories() -> Vec<Territory> {
    let qpv = |id: &str, population: u64, x0: f64| {
        let mut t = territory(
            id,
            TerritoryKind::Qpv,
            Some(population),
            Zone::Metropole,
            vec![rect(x0, 6_600_000.0, x0 + 1000.0, 6_601_000.0)],
        );
        t.departement = Some("75".into());
        t
    };
    vec![qpv("A", 1000, 700_000.0), qpv("B", 500, 703_000.0)]
}

/// Only `p`, postal only: mediation has no data.
fn postal_only() -> ServiceNetwork {
    ServiceNetwork::new(vec![point(
        "p",
        Zone::Metropole,
        700_500.0,
        6_600_500.0,
        &[Service::Postal],
    )])
}

fn run<'a>(network: &'a ServiceNetwork, territories: &'a [Territory]) -> CoverageReport<'a> {
    Coverage::new(network, territories)
        .services(SERVICES)
        .rule(TerritoryKind::Qpv, Rule::WithinDistance(500.0))
        .run()
        .unwrap()
}

const HEADER: &str = "territory_id,name,kind,departement,population,service,rule,radius_m,points_inside,points_within_radius,nearest_m,nearest_id,nearest_name,nearest_kind,served,status";

fn csv_of(report: &CoverageReport<'_>) -> String {
    let mut csv = Vec::new();
    report.to_csv(&mut csv).unwrap();
    String::from_utf8(csv).unwrap()
}

fn geojson_of(report: &CoverageReport<'_>, which: Features) -> serde_json::Value {
    let mut out = Vec::new();
    report.to_geojson(&mut out, which).unwrap();
    serde_json::from_slice(&out).unwrap()
}

fn statuses(outcomes: &[Outcome]) -> Vec<(&str, Service, Status)> {
    outcomes
        .iter()
        .map(|o| (o.territory_id.as_str(), o.service, o.status))
        .collect()
}

const EXPECTED: [(&str, Service, Status); 4] = [
    ("A", Service::Postal, Status::Served),
    ("A", Service::Mediation, Status::NoData),
    ("B", Service::Postal, Status::Unserved),
    ("B", Service::Mediation, Status::NoData),
];

#[test]
fn coverage_csv_says_no_data_for_a_service_no_site_offers() {
    let (network, territories) = (postal_only(), territories());
    let report = run(&network, &territories);
    assert_eq!(
        csv_of(&report),
        format!(
            "{HEADER}\n\
             A,territory A,qpv,75,1000,postal,within_distance,500,1,1,0.00,p,point p,bureau_de_poste,true,served\n\
             A,territory A,qpv,75,1000,mediation,within_distance,500,0,0,,,,,false,no_data\n\
             B,territory B,qpv,75,500,postal,within_distance,500,0,0,2500.00,p,point p,bureau_de_poste,false,unserved\n\
             B,territory B,qpv,75,500,mediation,within_distance,500,0,0,,,,,false,no_data\n"
        )
    );
}

#[test]
fn gaps_csv_lists_the_unserved_and_never_the_no_data() {
    let (network, territories) = (postal_only(), territories());
    let report = run(&network, &territories);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gaps.csv");
    report.write_gaps_csv(&path).unwrap();
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        format!(
            "rank,{HEADER}\n\
             1,B,territory B,qpv,75,500,postal,within_distance,500,0,0,2500.00,p,point p,bureau_de_poste,false,unserved\n"
        )
    );
}

#[test]
fn geojson_features_carry_the_status() {
    let (network, territories) = (postal_only(), territories());
    let report = run(&network, &territories);
    let all = geojson_of(&report, Features::All);
    let found: Vec<(String, String, bool, String)> = all["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = &f["properties"];
            (
                p["territory_id"].as_str().unwrap().to_owned(),
                p["service"].as_str().unwrap().to_owned(),
                p["served"].as_bool().unwrap(),
                p["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected: Vec<(String, String, bool, String)> = [
        ("A", "postal", true, "served"),
        ("A", "mediation", false, "no_data"),
        ("B", "postal", false, "unserved"),
        ("B", "mediation", false, "no_data"),
    ]
    .iter()
    .map(|(a, b, c, d)| ((*a).into(), (*b).into(), *c, (*d).into()))
    .collect();
    assert_eq!(found, expected);

    let gaps = geojson_of(&report, Features::Gaps);
    let gaps = gaps["features"].as_array().unwrap();
    assert_eq!(gaps.len(), 1);
    assert_eq!(gaps[0]["properties"]["territory_id"], "B");
    assert_eq!(gaps[0]["properties"]["rank"], 1);
    assert_eq!(gaps[0]["properties"]["status"], "unserved");
}

#[test]
fn read_coverage_gives_the_status_from_csv_and_geojson() {
    let (network, territories) = (postal_only(), territories());
    let report = run(&network, &territories);
    let written: Vec<Outcome> = report.iter().map(|r| r.to_outcome(false)).collect();
    assert_eq!(statuses(&written), EXPECTED);

    let csv = csv_of(&report);
    let (from_csv, r) = read_coverage_from("coverage.csv", csv.as_bytes()).unwrap();
    assert_eq!((r.read, r.kept, r.skipped_total()), (4, 4, 0), "{r}");
    assert_eq!(statuses(&from_csv), EXPECTED);
    assert_eq!(from_csv, written);

    let mut geojson = Vec::new();
    report.to_geojson(&mut geojson, Features::All).unwrap();
    let (from_geojson, r) = read_coverage_from("coverage.geojson", geojson.as_slice()).unwrap();
    assert_eq!((r.read, r.kept, r.skipped_total()), (4, 4, 0), "{r}");
    assert_eq!(statuses(&from_geojson), EXPECTED);
    let bare: Vec<Outcome> = from_geojson.iter().map(Outcome::without_geometry).collect();
    assert_eq!(bare, written);
}

/// Files written before the `status` column: the status follows `served`
/// (those runs wrote a no-data service as unserved, and nothing in the row
/// tells it apart).
#[test]
fn files_without_a_status_column_derive_it_from_served() {
    let (network, territories) = (postal_only(), territories());
    let report = run(&network, &territories);
    let old: String = csv_of(&report)
        .lines()
        .map(|l| format!("{}\n", l.rsplit_once(',').unwrap().0))
        .collect();
    assert!(old.starts_with("territory_id,") && !old.contains("status"));
    assert!(old.lines().nth(1).unwrap().ends_with(",true"));
    let (outcomes, r) = read_coverage_from("old.csv", old.as_bytes()).unwrap();
    assert_eq!((r.read, r.kept), (4, 4), "{r}");
    assert_eq!(
        statuses(&outcomes),
        [
            ("A", Service::Postal, Status::Served),
            ("A", Service::Mediation, Status::Unserved),
            ("B", Service::Postal, Status::Unserved),
            ("B", Service::Mediation, Status::Unserved),
        ]
    );

    let mut doc = geojson_of(&report, Features::All);
    for f in doc["features"].as_array_mut().unwrap() {
        f["properties"].as_object_mut().unwrap().remove("status");
    }
    let text = serde_json::to_vec(&doc).unwrap();
    let (outcomes, _) = read_coverage_from("old.geojson", text.as_slice()).unwrap();
    assert_eq!(
        outcomes.iter().map(|o| o.status).collect::<Vec<_>>(),
        [
            Status::Served,
            Status::Unserved,
            Status::Unserved,
            Status::Unserved
        ]
    );
}

#[test]
fn an_unknown_or_contradicting_status_is_a_counted_skip() {
    let csv = "territory_id,service,served,status\n\
               A,postal,true,served\n\
               B,postal,false,no_data\n\
               C,postal,false,\n\
               D,postal,false,maybe\n\
               E,postal,true,unserved\n\
               F,postal,false,served\n\
               G,postal,true,no_data\n";
    let (outcomes, r) = read_coverage_from("c.csv", csv.as_bytes()).unwrap();
    assert_eq!(
        outcomes
            .iter()
            .map(|o| (o.territory_id.as_str(), o.status))
            .collect::<Vec<_>>(),
        [
            ("A", Status::Served),
            ("B", Status::NoData),
            ("C", Status::Unserved)
        ]
    );
    assert_eq!((r.read, r.kept, r.skipped_total()), (7, 3, 4), "{r}");
    assert_eq!(r.skipped_for(SkipReason::MalformedRow), 4);
    let text = r.to_string();
    assert!(text.contains("not served, unserved or no_data"), "{text}");
    assert!(text.contains("contradicts served"), "{text}");
}

fn view() -> View {
    View::around(&territories()[0], 4000.0).unwrap()
}

fn classes(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
    let areas = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("areas"))
        .expect("an areas layer");
    let mut found: Vec<String> = areas
        .descendants()
        .filter_map(|n| n.attribute("class"))
        .map(str::to_owned)
        .collect();
    found.sort();
    found.dedup();
    found
}

fn legend_text(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .find(|n| n.attribute("id") == Some("legend"))
        .expect("a legend")
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_map_of_a_no_data_service_is_grey_never_a_gap() {
    let (network, territories) = (postal_only(), territories());
    let report = run(&network, &territories);

    let map = GapMap::from_coverage(&report, Service::Mediation);
    assert_eq!(map.subtitle, "qpv: no data (2 territories)");
    assert!(map.labels.is_empty(), "no gap to label");
    let svg = map.to_svg(&view()).unwrap();
    assert_eq!(classes(&svg), ["no-data"]);
    assert!(
        svg.contains("<g class=\"no-data\" fill=\"#eeeeee\">"),
        "{svg}"
    );
    assert_eq!(legend_text(&svg), ["no data"]);
    assert!(!svg.contains("gap, nearest"));

    // The postal map of the same run: A served, B a gap of 2–5 km.
    let map = GapMap::from_coverage(&report, Service::Postal);
    assert_eq!(map.subtitle, "qpv: 1 of 2 unserved");
    let svg = map.to_svg(&view()).unwrap();
    assert_eq!(classes(&svg), ["gap-5km", "served"]);
    assert_eq!(
        legend_text(&svg)[..2],
        ["served".to_owned(), "gap, nearest 2–5 km".to_owned()]
    );
}

#[test]
fn the_map_of_results_read_back_follows_their_status() {
    let (network, territories) = (postal_only(), territories());
    let report = run(&network, &territories);
    let mut geojson = Vec::new();
    report.to_geojson(&mut geojson, Features::All).unwrap();
    let (outcomes, _) = read_coverage_from("coverage.geojson", geojson.as_slice()).unwrap();
    let map = GapMap::from_outcomes(&outcomes, Some(Service::Mediation)).unwrap();
    let svg = map.to_svg(&view()).unwrap();
    assert_eq!(classes(&svg), ["no-data"]);
    assert_eq!(legend_text(&svg), ["no data"]);
    let map = GapMap::from_outcomes(&outcomes, Some(Service::Postal)).unwrap();
    assert_eq!(
        classes(&map.to_svg(&view()).unwrap()),
        ["gap-5km", "served"]
    );
}

/// The page's `DATA` JSON.
fn page_data(html: &str) -> serde_json::Value {
    let start = html.find("const DATA = ").unwrap() + "const DATA = ".len();
    let end = start + html[start..].find(";\n").unwrap();
    serde_json::from_str(&html[start..end]).unwrap()
}

/// The cells of the table whose caption starts with `caption`.
fn table_rows(html: &str, caption: &str) -> Vec<Vec<String>> {
    let at = html
        .find(&format!("<h2>{caption}"))
        .unwrap_or_else(|| panic!("no table {caption:?}"));
    let table = &html[at..];
    let table = &table[..table.find("</table>").unwrap()];
    table
        .split("<tr")
        .skip(2)
        .map(|row| {
            row.split("<td")
                .skip(1)
                .map(|c| {
                    let c = &c[c.find('>').unwrap() + 1..];
                    c[..c.find("</td>").unwrap()].to_owned()
                })
                .collect()
        })
        .collect()
}

#[test]
fn the_html_report_says_no_data_instead_of_listing_gaps() {
    let (network, territories) = (postal_only(), territories());
    let report = run(&network, &territories);

    let summary = Table::coverage_summary(&report);
    assert_eq!(
        summary.rows,
        [
            ["qpv", "postal", "2", "1", "1", "500", "33.3", ""],
            ["qpv", "mediation", "2", "no data", "no data", "", "", ""],
        ]
    );
    let gaps = Table::gaps(&report, Service::Mediation);
    assert!(gaps.rows.is_empty());
    assert!(gaps.caption.contains("no data"), "{}", gaps.caption);
    let postal_gaps = Table::gaps(&report, Service::Postal);
    assert_eq!(postal_gaps.rows.len(), 1);
    assert_eq!(postal_gaps.rows[0][1], "B");

    let html = InteractiveReport::new("status")
        .layer("QPV", &report)
        .view(view())
        .table(summary)
        .table(gaps)
        .build()
        .unwrap()
        .into_string();
    assert_eq!(
        table_rows(&html, "QPV: every territory"),
        [
            // Numbers for French readers (a narrow no-break space).
            [
                "A",
                "territory A",
                "1\u{202f}000",
                "yes",
                "0",
                "no data",
                ""
            ],
            [
                "B",
                "territory B",
                "500",
                "no",
                "2\u{202f}500",
                "no data",
                ""
            ],
        ]
    );
    assert!(html.contains("<h2>Gaps for mediation: no data"));

    let data = page_data(&html);
    let layer = &data["layers"][0];
    assert_eq!(
        layer["legend"]["mediation"],
        serde_json::json!([["no data", "#eeeeee"]])
    );
    assert_eq!(layer["legend"]["postal"][0][0], "served");
    for id in ["A", "B"] {
        let r = &layer["rows"][id]["results"]["mediation"];
        assert_eq!(r["status"], "no_data", "{id}");
        assert_eq!(r["class"], 0, "{id}");
        assert_eq!(r["served"], false, "{id}");
    }
    assert_eq!(layer["rows"]["A"]["results"]["postal"]["status"], "served");
    assert_eq!(
        layer["rows"]["B"]["results"]["postal"]["status"],
        "unserved"
    );
}

/// The interactive map of a layer whose first service has no data draws
/// its territories in the "no data" style.
#[test]
fn the_interactive_map_draws_no_data_grey() {
    let (network, territories) = (postal_only(), territories());
    let report = Coverage::new(&network, &territories)
        .services([Service::Mediation, Service::Postal])
        .run()
        .unwrap();
    let html = InteractiveReport::new("status")
        .layer("QPV", &report)
        .view(view())
        .build()
        .unwrap()
        .into_string();
    for id in ["A", "B"] {
        let at = html
            .find(&format!("data-territory-id=\"{id}\" data-layer=\"QPV\""))
            .unwrap();
        let element = &html[at..at + html[at..].find('>').unwrap()];
        assert!(
            element.contains("class=\"no-data\" fill=\"#eeeeee\""),
            "{element}"
        );
    }
}

/// A run without data for a service compared with one that has it: the
/// territories were not served before and are not served after, so no
/// loss (and no gain) is reported for them.
#[test]
fn no_data_then_unserved_is_not_a_loss() {
    let territories = territories();
    let before_network = postal_only();
    let mut points = before_network.points().to_vec();
    points.push(point(
        "m",
        Zone::Metropole,
        706_000.0,
        6_600_500.0,
        &[Service::Mediation],
    ));
    let after_network = ServiceNetwork::new(points);
    let before: Vec<Outcome> = run(&before_network, &territories)
        .iter()
        .map(|r| r.to_outcome(false))
        .collect();
    let after: Vec<Outcome> = run(&after_network, &territories)
        .iter()
        .map(|r| r.to_outcome(false))
        .collect();
    assert_eq!(
        after
            .iter()
            .filter(|o| o.service == Service::Mediation)
            .map(|o| (o.status, o.nearest_m()))
            .collect::<Vec<_>>(),
        [
            (Status::Unserved, Some(5000.0)),
            (Status::Unserved, Some(2000.0))
        ]
    );
    let changes = Comparison::new(&before, &after).unwrap();
    assert_eq!(changes.count(Change::Lost), 0);
    assert_eq!(changes.count(Change::Gained), 0);
    for r in changes
        .rows()
        .iter()
        .filter(|r| r.outcome().service == Service::Mediation)
    {
        assert_eq!(r.change(), Change::NoData, "{}", r.outcome().territory_id);
    }
    assert_eq!(changes.count(Change::NoData), 2);
    // The other way round, served or unserved then no data: no loss either.
    let back = Comparison::new(&after, &before).unwrap();
    assert_eq!(back.count(Change::Lost), 0);
    assert_eq!(back.count(Change::Farther), 0);
    assert_eq!(back.count(Change::NoData), 2);
}

/// The text column `name` of a DataFrame.
#[cfg(feature = "polars")]
fn text_column(df: &polars::prelude::DataFrame, name: &str) -> Vec<Option<String>> {
    let c = df.column(name).unwrap().str().unwrap();
    (0..df.height())
        .map(|i| c.get(i).map(str::to_owned))
        .collect()
}

#[cfg(feature = "polars")]
#[test]
fn the_dataframe_and_parquet_carry_the_status_after_served() {
    let (network, territories) = (postal_only(), territories());
    let report = run(&network, &territories);
    let df = report.to_dataframe().unwrap();
    let names: Vec<&str> = df.get_column_names().iter().map(|n| n.as_str()).collect();
    assert_eq!(names[names.len() - 2..], ["served", "status"]);
    let expected = ["served", "no_data", "unserved", "no_data"].map(|s| Some(s.to_owned()));
    assert_eq!(text_column(&df, "status"), expected);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("coverage.parquet");
    report.write_parquet(&path).unwrap();
    use polars::prelude::{ParquetReader, SerReader};
    let back = ParquetReader::new(std::fs::File::open(&path).unwrap())
        .finish()
        .unwrap();
    assert_eq!(text_column(&back, "status"), expected);
}

// Read back (or written) by polars: an independent Parquet implementation.
#[cfg(all(feature = "geoparquet", feature = "polars"))]
#[test]
fn geoparquet_carries_the_status_and_its_gaps_no_no_data() {
    use polars::prelude::{ParquetReader, SerReader};
    let (network, territories) = (postal_only(), territories());
    let report = run(&network, &territories);
    let dir = tempfile::tempdir().unwrap();
    let read = |name: &str, which: Features| {
        let path = dir.path().join(name);
        report.write_geoparquet(&path, which).unwrap();
        ParquetReader::new(std::fs::File::open(&path).unwrap())
            .finish()
            .unwrap()
    };
    let all = read("coverage.parquet", Features::All);
    assert_eq!(
        text_column(&all, "status"),
        ["served", "no_data", "unserved", "no_data"].map(|s| Some(s.to_owned()))
    );
    let gaps = read("gaps.parquet", Features::Gaps);
    assert_eq!(text_column(&gaps, "territory_id"), [Some("B".to_owned())]);
    assert_eq!(text_column(&gaps, "status"), [Some("unserved".to_owned())]);
}
