//! Maps, the HTML report and the demo generator.

mod common;

use std::path::Path;

use maillage::map::{GapMap, Table, View, html_report, svg_to_png};
use maillage::read::{read_communes, read_la_poste, read_partner_csv, read_territories};
use maillage::{CommuneSources, Coverage, FieldMap, Service, ServiceNetwork, Territory};

fn demo_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo")
}

#[test]
fn the_demo_is_regenerated_byte_for_byte_from_its_seed() {
    let files = maillage::demo::generate(maillage::demo::DEFAULT_SEED);
    assert_eq!(files.files.len(), 8);
    for (name, content) in &files.files {
        let committed = std::fs::read_to_string(demo_dir().join(name)).unwrap();
        assert!(
            committed == *content,
            "data/demo/{name} differs from a fresh generation: run `maillage demo --out data/demo`"
        );
    }
    assert_ne!(
        maillage::demo::generate(7).files,
        files.files,
        "another seed gives another territory"
    );
}

struct Demo {
    network: ServiceNetwork,
    communes: Vec<Territory>,
    qpv: Vec<Territory>,
    departement: Vec<Territory>,
}

fn demo() -> Demo {
    let dir = demo_dir();
    let (mut points, _) = read_la_poste(dir.join("points.csv")).unwrap();
    points.extend(read_partner_csv(dir.join("partners.csv")).unwrap().0);
    let sources = CommuneSources::new(dir.join("communes.geojson")).table(dir.join("communes.csv"));
    let (communes, _) = read_communes(&sources).unwrap();
    let (qpv, _) = read_territories(dir.join("qpv.geojson"), &FieldMap::qpv()).unwrap();
    let (departement, _) =
        read_territories(dir.join("departement.geojson"), &FieldMap::departements()).unwrap();
    Demo {
        network: ServiceNetwork::new(points),
        communes,
        qpv,
        departement,
    }
}

#[test]
fn demo_gap_map_has_every_layer_and_a_real_png() {
    let d = demo();
    let report = Coverage::new(&d.network, &d.communes).run().unwrap();
    let map = GapMap::from_coverage(&report, Service::Postal)
        .with_outlines(&d.departement)
        .with_buffers(&d.qpv, 500.0);
    let svg = map.to_svg(&View::Departement("99".into())).unwrap();

    let doc = roxmltree::Document::parse(&svg).expect("the SVG is well-formed XML");
    let ids: Vec<&str> = doc
        .descendants()
        .filter_map(|n| n.attribute("id"))
        .collect();
    for layer in [
        "title",
        "frames",
        "areas",
        "outlines",
        "buffers",
        "points",
        "labels",
        "legend",
        "scalebar",
        "north-arrow",
        "credits",
    ] {
        assert!(ids.contains(&layer), "layer {layer} missing; ids: {ids:?}");
    }
    let class_count = |class: &str| {
        doc.descendants()
            .filter(|n| n.attribute("class") == Some(class))
            .count()
    };
    assert_eq!(class_count("served"), 1);
    assert_eq!(
        class_count("gap-10km"),
        1,
        "the one unserved commune of the demo (nearest 5–10 km)"
    );
    assert_eq!(class_count("bureau_de_poste"), 1);
    let labels = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("labels"))
        .unwrap();
    assert!(
        labels
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .count()
            >= 1
    );
    assert!(
        svg.contains("Champfleury-sur-Maille (730)"),
        "the gap is labelled with its population"
    );
    let buffers = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("buffers"))
        .unwrap();
    assert_eq!(
        buffers
            .children()
            .filter(|n| n.has_tag_name("path"))
            .count(),
        1
    );

    let png = svg_to_png(&svg).unwrap();
    let pixmap = resvg::tiny_skia::Pixmap::decode_png(&png).unwrap();
    let height: f64 = doc
        .root_element()
        .attribute("height")
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!((pixmap.width(), f64::from(pixmap.height())), (1200, height));
    let pixels = pixmap.pixels();
    let white = pixels
        .iter()
        .filter(|p| p.red() > 250 && p.green() > 250 && p.blue() > 250)
        .count();
    assert!(
        white < pixels.len() / 2,
        "the image is mostly drawn, not blank"
    );
    // The gap's fill colour (#ef6548: under the 5 km rule, the first class, 5–10 km) is there.
    assert!(
        pixels
            .iter()
            .any(|p| (p.red(), p.green(), p.blue()) == (0xef, 0x65, 0x48))
    );
}

#[test]
fn html_report_is_self_contained_and_sortable() {
    let d = demo();
    let report = Coverage::new(&d.network, &d.qpv)
        .services([Service::Postal, Service::Mediation])
        .run()
        .unwrap();
    let map = GapMap::from_coverage(&report, Service::Mediation);
    let svg = map.to_svg(&View::Departement("99".into())).unwrap();
    let html = html_report(
        "Demo",
        &svg,
        &[
            Table::coverage_summary(&report),
            Table::gaps(&report, Service::Mediation),
        ],
    )
    .into_string();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(html.matches("<table class=\"sortable\"").count(), 2);
    assert_eq!(html.matches("<input class=\"filter\"").count(), 2);
    assert!(html.contains("<th data-numeric=\"1\">population</th>"));
    assert!(
        !html.contains("src=") && !html.contains("href=") && !html.contains("@import"),
        "no external resource"
    );
    assert_eq!(html.matches("http").count(), 1, "only the SVG namespace");
    let gaps = Table::gaps(&report, Service::Mediation);
    let populations: Vec<u64> = gaps.rows.iter().map(|r| r[5].parse().unwrap()).collect();
    assert!(
        populations.windows(2).all(|w| w[0] >= w[1]),
        "ranked by population: {populations:?}"
    );
}

#[test]
fn views_parse() {
    assert_eq!(View::parse("national").unwrap(), View::National);
    assert_eq!(
        View::parse("dep:2A").unwrap(),
        View::Departement("2A".into())
    );
    match View::parse("bbox:1.40,43.55,1.50,43.65").unwrap() {
        View::Bbox { zone, rect } => {
            assert_eq!(zone, maillage::Zone::Metropole);
            // The corners' Lambert-93 offsets according to pyproj: 8,293.505 m east, 10,953.349 m north.
            assert!((rect.width() - 8_293.505).abs() < 0.01, "{}", rect.width());
            assert!(
                (rect.height() - 10_953.349).abs() < 0.01,
                "{}",
                rect.height()
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(View::parse("bbox:1,2,3").is_err());
    assert!(View::parse("mars").is_err());
}

/// The national map of all real communes: metropolitan France and five insets.
#[test]
fn national_map_of_the_real_communes() {
    let dir = common::data_dir();
    let (points, _) = read_la_poste(dir.join("laposte_points_contact_2016.csv")).unwrap();
    let network = ServiceNetwork::new(points);
    let mut sources = CommuneSources::in_dir(&dir);
    sources.frr = None;
    let (communes, _) = read_communes(&sources).unwrap();
    let report = Coverage::new(&network, &communes).run().unwrap();
    let mut map = GapMap::from_coverage(&report, Service::Postal);
    map.points.clear();
    let svg = map.to_svg(&View::National).unwrap();
    assert!(svg.len() < 15 << 20, "{} bytes", svg.len());
    let doc = roxmltree::Document::parse(&svg).unwrap();
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("clipPath"))
            .count(),
        6
    );
    for inset in [
        "Guadeloupe",
        "Martinique",
        "Guyane",
        "La Réunion",
        "Mayotte",
    ] {
        assert!(svg.contains(&format!(">{inset}</text>")), "{inset}");
    }
    // 439 unserved communes: their groups are drawn, far ones included (Guyane).
    assert!(
        doc.descendants()
            .any(|n| n.attribute("class") == Some("gap-10km"))
    );
    assert!(
        doc.descendants()
            .any(|n| n.attribute("class") == Some("gap-far"))
    );
    // The legend lists classes shown only in an inset (Guyane's far gaps).
    let legend = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("legend"))
        .unwrap();
    let entries: Vec<&str> = legend.descendants().filter_map(|n| n.text()).collect();
    assert!(
        entries.contains(&"gap, nearest > 20 km or none"),
        "{entries:?}"
    );
}

#[test]
fn interactive_report_draws_each_territory_once_with_its_row() {
    use maillage::map::InteractiveReport;
    let d = demo();
    let services = [Service::Postal, Service::Mediation];
    let communes = Coverage::new(&d.network, &d.communes)
        .services(services)
        .run()
        .unwrap();
    let qpv = Coverage::new(&d.network, &d.qpv)
        .services(services)
        .run()
        .unwrap();
    let html = InteractiveReport::new("Demo <&>")
        .layer("communes", &communes)
        .layer("QPV", &qpv)
        .note("synthetic")
        .view(View::Departement("99".into()))
        .build()
        .unwrap()
        .into_string();
    let drawn = html.matches(" data-territory-id=\"").count();
    // Each territory once on the map and once in its layer's table.
    assert_eq!(drawn, 2 * (d.communes.len() + d.qpv.len()), "{drawn}");
    assert_eq!(html.matches("data-layer=\"QPV\"").count(), d.qpv.len());
    assert!(html.contains("<title>Demo &lt;&amp;&gt;</title>"));
    assert!(
        !html.contains("src=") && !html.contains("href=") && !html.contains("@import"),
        "no external resource"
    );
    // The data names every service of both layers, and the JSON cannot
    // close the script early.
    let json_start = html.find("const DATA = ").unwrap();
    let script = &html[json_start..];
    assert!(script.contains("\"mediation\"") && script.contains("\"postal\""));
    assert!(!script[..script.find(";\n").unwrap()].contains("</"));
    // No layer: an error, not an empty page.
    assert!(InteractiveReport::new("empty").build().is_err());
}
