//! Outputs and comparisons under hostile input: names that try to end the
//! report's script or break the SVG's XML, coverage files with contradicting
//! copies, networks that give nothing, and sites that share a position.

mod common;

use std::path::Path;

use common::data;
use maillage::command::compare::{CompareOptions, run};
use maillage::compare::{SiteChange, compare_sites};
use maillage::coverage::read_coverage_from;
use maillage::map::{GapMap, InteractiveReport, View};
use maillage::read::read_la_poste;
use maillage::{Coverage, Error, PointKind, ServicePoint, SkipReason};

const SCRIPT_BREAKERS: [&str; 4] = [
    "<!--<script>",
    "</script><script>alert(1)</script>",
    "ligne\u{2028}séparée\u{2029}fin",
    "A & B <i>\"cités\"</i> 'l'",
];

fn demo() -> maillage::demo::Demo {
    maillage::demo::load(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo")).unwrap()
}

/// The JSON after `const DATA = ` in the page's inline script.
fn inline_data(html: &str) -> &str {
    let start = html.find("<script>const DATA = ").unwrap() + "<script>const DATA = ".len();
    let end = start + html[start..].find(";\n").unwrap();
    &html[start..end]
}

#[test]
fn names_cannot_end_or_change_the_reports_script() {
    let mut demo = demo();
    for (t, name) in demo.communes.iter_mut().zip(SCRIPT_BREAKERS) {
        t.name = name.to_owned();
    }
    let report = Coverage::new(&demo.network, &demo.communes).run().unwrap();
    let page = InteractiveReport::new("</script><!--")
        .layer("communes</script>", &report)
        .view(View::Departement("99".into()))
        .build()
        .unwrap()
        .into_string();
    // One script element, opened and closed once.
    assert_eq!(page.matches("<script").count(), 1, "a name opened a script");
    assert_eq!(page.matches("</script>").count(), 1);
    assert!(!page.contains("<!--"));
    let json = inline_data(&page);
    for bad in ['<', '>', '&', '\u{2028}', '\u{2029}'] {
        assert!(!json.contains(bad), "{bad:?} in the inline JSON");
    }
    assert!(json.contains(r"\u003c!--\u003cscript\u003e"), "{json:.300}");
    // The escapes mean the same names.
    let data: serde_json::Value = serde_json::from_str(json).unwrap();
    let rows = &data["layers"][0]["rows"];
    for (t, name) in demo.communes.iter().zip(SCRIPT_BREAKERS) {
        assert_eq!(rows[&t.id]["name"], name);
    }
    assert_eq!(data["layers"][0]["name"], "communes</script>");
    // In the tables, the names are text.
    assert!(page.contains("<td>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</td>"));
    assert!(page.contains("<td>A &amp; B &lt;i&gt;\"cités\"&lt;/i&gt; 'l'</td>"));
    assert!(page.contains("<title>&lt;/script&gt;&lt;!--</title>"));
}

/// Every character XML 1.0 forbids, in a name, a title and an id.
const CONTROLS: &str = "V\u{0}\u{1}\u{b}\u{c}\u{1b}\u{1f}\u{fffe}\u{ffff}ille\ttab\r\nend";

#[test]
fn control_characters_leave_every_svg_valid_xml() {
    let mut demo = demo();
    // Unserved communes have their name as a label.
    for t in &mut demo.communes {
        t.name = format!("{CONTROLS} {}", t.id);
    }
    demo.communes[0].id = format!("{CONTROLS}-id");
    // Two sites left: gaps, with labels.
    let network =
        maillage::ServiceNetwork::new(demo.network.points().iter().take(2).cloned().collect());
    let report = Coverage::new(&network, &demo.communes).run().unwrap();
    let service = *report
        .services()
        .iter()
        .max_by_key(|s| report.gaps(**s).len())
        .unwrap();
    assert!(report.gaps(service).len() >= 2);
    let mut map = GapMap::from_coverage(&report, service);
    map.title = CONTROLS.to_owned();
    map.subtitle = "<]]>&".to_owned();
    let svg = map.to_svg(&View::Departement("99".into())).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let title = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("title"))
        .unwrap();
    // Forbidden characters become U+FFFD; tab, CR, LF survive.
    assert_eq!(
        title.text(),
        Some("V\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}ille\ttab\r\nend")
    );
    let labels = doc
        .descendants()
        .filter(|n| n.has_tag_name("text") && n.text().is_some_and(|t| t.contains("ille")))
        .count();
    assert!(labels >= 2, "{labels} labels with the name");
    // The PNG renders too (it failed on the invalid SVG).
    let png = map.to_png(&View::Departement("99".into())).unwrap();
    assert_eq!(&png[1..4], b"PNG");

    // The interactive report: the id is an attribute of the map and a key
    // of the data; both carry the same replacement, so they still match.
    let page = InteractiveReport::new(CONTROLS)
        .layer("communes", &report)
        .view(View::Departement("99".into()))
        .build()
        .unwrap()
        .into_string();
    let svg_start = page.find("<svg").unwrap();
    let svg_end = page.find("</svg>").unwrap() + "</svg>".len();
    let doc = roxmltree::Document::parse(&page[svg_start..svg_end]).unwrap();
    let clean_id: String = format!("{CONTROLS}-id")
        .chars()
        .map(|c| match c {
            '\t' | '\r' | '\n' => c,
            c if c < ' ' || c == '\u{fffe}' || c == '\u{ffff}' => '\u{fffd}',
            c => c,
        })
        .collect();
    assert!(
        doc.descendants()
            .any(|n| n.attribute("data-territory-id") == Some(clean_id.as_str())),
        "no element for {clean_id:?}"
    );
    let data: serde_json::Value = serde_json::from_str(inline_data(&page)).unwrap();
    assert!(data["layers"][0]["rows"].get(&clean_id).is_some());
    assert!(!page.chars().any(|c| c < ' ' && !"\t\r\n".contains(c)));
}

const HEADER: &str = "territory_id,name,kind,departement,population,service,rule,radius_m,points_inside,points_within_radius,served,nearest_id,nearest_name,nearest_kind,nearest_m";

#[test]
fn a_coverage_file_with_copies_of_a_row() {
    let a = "13055,Marseille,commune,13,873076,postal,within_distance,5000,120,300,true,p1,Marseille BP,bureau_de_poste,120.50";
    let b = "13001,Aix,commune,13,147000,postal,within_distance,5000,20,40,true,p2,Aix BP,bureau_de_poste,80.00";
    // An exact copy: skipped and counted, the first kept.
    let text = format!("{HEADER}\n{a}\n{b}\n{a}\n");
    let (outcomes, report) = read_coverage_from("coverage.csv", text.as_bytes()).unwrap();
    assert_eq!(outcomes.len(), 2);
    assert_eq!((report.read, report.kept), (3, 2));
    assert_eq!(report.skipped_for(SkipReason::DuplicateId), 1);
    let worded = report.to_string();
    assert!(
        worded.contains("line 4") && worded.contains("same values as line 2"),
        "{worded}"
    );
    // The same service of another territory, or another service of the
    // same territory, is no copy.
    let other = a.replace(",postal,", ",france_services,");
    let (outcomes, _) = read_coverage_from(
        "coverage.csv",
        format!("{HEADER}\n{a}\n{other}\n").as_bytes(),
    )
    .unwrap();
    assert_eq!(outcomes.len(), 2);
    // A contradicting copy: refused, naming both rows.
    let lost = a.replace(",true,", ",false,");
    let err = read_coverage_from(
        "coverage.csv",
        format!("{HEADER}\n{a}\n{b}\n{lost}\n").as_bytes(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("line 4")
            && err
                .contains("13055 × postal is given twice with different results (first at line 2)"),
        "{err}"
    );
}

#[test]
fn a_coverage_geojson_with_contradicting_features() {
    let feature = |served: bool| {
        format!(
            r#"{{"type":"Feature","properties":{{"territory_id":"13055","name":"Marseille","kind":"commune","service":"postal","rule":"within_distance","radius_m":5000,"served":{served}}},"geometry":{{"type":"Polygon","coordinates":[[[5.36,43.29],[5.37,43.29],[5.37,43.30],[5.36,43.29]]]}}}}"#
        )
    };
    let doc =
        |a: String, b: String| format!(r#"{{"type":"FeatureCollection","features":[{a},{b}]}}"#);
    let (outcomes, report) = read_coverage_from(
        "coverage.geojson",
        doc(feature(true), feature(true)).as_bytes(),
    )
    .unwrap();
    assert_eq!((outcomes.len(), report.kept), (1, 1));
    assert_eq!(report.skipped_for(SkipReason::DuplicateId), 1);
    let err = read_coverage_from(
        "coverage.geojson",
        doc(feature(true), feature(false)).as_bytes(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("feature #2") && err.contains("first at feature #1"),
        "{err}"
    );
}

const LA_POSTE: &str =
    "identifiant_du_site;libelle_du_site;caracteristique_du_site;code_insee;latitude;longitude\n";

#[test]
fn a_network_that_gives_no_site_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let before = dir.path().join("before.csv");
    std::fs::write(
        &before,
        format!("{LA_POSTE}A1;MARSEILLE BP;Bureau de Poste;13055;43.2965;5.3698\n"),
    )
    .unwrap();
    for (name, after) in [
        ("empty.csv", LA_POSTE.to_owned()),
        (
            "no_coordinates.csv",
            format!(
                "{LA_POSTE}B1;AIX BP;Bureau de Poste;13001;;\nB2;GAP BP;Bureau de Poste;05061;;\n"
            ),
        ),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, after).unwrap();
        let options = CompareOptions {
            points_before: Some(before.clone()),
            points_after: Some(path.clone()),
            ..CompareOptions::new(dir.path().join("out"))
        };
        let err = run(&options).unwrap_err();
        assert!(matches!(err, Error::NothingKept { .. }), "{name}: {err}");
        assert!(err.to_string().contains(name), "{err}");
        // Either way round.
        let options = CompareOptions {
            points_before: Some(path),
            points_after: Some(before.clone()),
            ..CompareOptions::new(dir.path().join("out"))
        };
        assert!(matches!(run(&options), Err(Error::NothingKept { .. })));
    }
    assert!(!dir.path().join("out/points_changes.csv").exists());
    // The library refuses an empty network too.
    let site = ServicePoint::at_lonlat("A1", 5.3698, 43.2965).unwrap();
    let err = compare_sites(&[site], &[], 100.0).unwrap_err().to_string();
    assert!(err.contains("the after network has no site"), "{err}");
}

fn site(id: &str, name: &str, kind: PointKind, lon: f64) -> ServicePoint {
    let mut p = ServicePoint::at_lonlat(id, lon, 43.2965).unwrap();
    p.name = name.to_owned();
    p.kind = kind;
    p
}

#[test]
fn sites_at_one_position_under_new_ids_are_not_swapped() {
    let before = [
        site(
            "A1",
            "Marseille Colbert BP",
            PointKind::BureauDePoste,
            5.3698,
        ),
        site(
            "A2",
            "Tabac Colbert",
            PointKind::RelaisPosteCommercant,
            5.3698,
        ),
    ];
    // The same two sites, listed the other way round, under new ids.
    let after = [
        site(
            "B2",
            "TABAC  colbert",
            PointKind::RelaisPosteCommercant,
            5.3698,
        ),
        site(
            "B1",
            "Marseille Colbert BP",
            PointKind::BureauDePoste,
            5.3698,
        ),
    ];
    let rows = compare_sites(&before, &after, 100.0).unwrap();
    assert!(rows.is_empty(), "{rows:#?}");
    // A kind change is still one: the names decide the pairing, the bureau 4 m off.
    let after = [
        site(
            "B2",
            "Tabac Colbert",
            PointKind::AgencePostaleCommunale,
            5.3698,
        ),
        site(
            "B1",
            "Marseille Colbert BP",
            PointKind::BureauDePoste,
            5.36985,
        ),
    ];
    let rows = compare_sites(&before, &after, 100.0).unwrap();
    assert_eq!(rows.len(), 1, "{rows:#?}");
    assert_eq!(rows[0].change, SiteChange::KindChanged);
    assert_eq!(
        (rows[0].id_before.as_deref(), rows[0].id_after.as_deref()),
        (Some("A2"), Some("B2"))
    );
    // One new site where two stood, like neither: which one it replaced is
    // unknowable; the other closed.
    let after = [site(
        "C1",
        "Point Poste",
        PointKind::AgencePostaleCommunale,
        5.3698,
    )];
    let rows = compare_sites(&before, &after, 100.0).unwrap();
    let changes: Vec<SiteChange> = rows.iter().map(|r| r.change).collect();
    assert_eq!(changes, [SiteChange::Ambiguous, SiteChange::Closed]);
}

/// The 2025 network against itself with every id new: every site is
/// matched by position and nothing changed. Matching on the nearest site
/// alone paired co-located sites of different kinds the wrong way round.
#[test]
fn the_2025_network_under_new_ids_is_unchanged() {
    let (sites, _) = read_la_poste(data("laposte_points_contact_2025.csv")).unwrap();
    let renamed: Vec<ServicePoint> = sites
        .iter()
        .rev()
        .map(|p| ServicePoint {
            id: format!("new-{}", p.id),
            ..p.clone()
        })
        .collect();
    let rows = compare_sites(&sites, &renamed, 100.0).unwrap();
    let count = |c: SiteChange| rows.iter().filter(|r| r.change == c).count();
    assert_eq!(count(SiteChange::KindChanged), 0, "kind changes");
    assert_eq!(count(SiteChange::Opened), 0);
    assert_eq!(count(SiteChange::Closed), 0);
    assert_eq!(rows.len(), count(SiteChange::Ambiguous));
    assert_eq!(rows.len(), 0, "{:#?}", &rows[..rows.len().min(5)]);
}
