#![no_main]
//! Arbitrary territory names, ids and titles through the gap map and the
//! interactive report: the SVG must parse as XML, and the page's inline
//! script JSON must hold no `<` and no U+2028/U+2029 (nothing that can end
//! or change the script).
use geo_types::{Coord, LineString, MultiPolygon, Polygon};
use libfuzzer_sys::fuzz_target;
use maillage::map::{GapMap, InteractiveReport, View};
use maillage::{
    Coverage, GeocodePrecision, PointKind, Service, ServiceNetwork, ServicePoint, ServiceSet,
    Territory, TerritoryKind, Zone,
};

fn square(x: f64) -> MultiPolygon<f64> {
    let ring = vec![
        (x, 6_000_000.0),
        (x + 900.0, 6_000_000.0),
        (x + 900.0, 6_000_900.0),
        (x, 6_000_900.0),
        (x, 6_000_000.0),
    ];
    MultiPolygon(vec![Polygon::new(LineString::from(ring), vec![])])
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('\u{1}');
    let title = parts.next().unwrap_or_default().to_owned();
    let mut territories = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, part) in parts.take(12).enumerate() {
        let (id, name) = part.split_once('\u{2}').unwrap_or((part, part));
        let id = if id.is_empty() {
            format!("t{i}")
        } else {
            id.to_owned()
        };
        if !seen.insert(id.clone()) {
            continue;
        }
        let t = Territory::projected(
            id,
            name,
            TerritoryKind::Commune,
            Zone::Metropole,
            square(700_000.0 + 1000.0 * i as f64),
        )
        .with_population(100 + i as u64);
        territories.push(t);
    }
    if territories.is_empty() {
        return;
    }
    let point = ServicePoint {
        id: title.clone(),
        name: title.clone(),
        kind: PointKind::BureauDePoste,
        commune: None,
        precision: GeocodePrecision::AddressNumber,
        lonlat: Coord { x: 3.0, y: 46.0 },
        zone: Zone::Metropole,
        xy: Coord {
            x: 700_450.0,
            y: 6_000_450.0,
        },
        services: [Service::Postal].into_iter().collect::<ServiceSet>(),
        at_la_poste: true,
    };
    let network = ServiceNetwork::new(vec![point]);
    let Ok(report) = Coverage::new(&network, &territories).run() else {
        return;
    };
    let view = View::Bbox {
        zone: Zone::Metropole,
        rect: geo_types::Rect::new(
            Coord {
                x: 699_000.0,
                y: 5_999_000.0,
            },
            Coord {
                x: 714_000.0,
                y: 6_002_000.0,
            },
        ),
    };
    let mut map = GapMap::from_coverage(&report, Service::Postal);
    map.title = title.clone();
    map.subtitle = title.clone();
    let svg = map.to_svg(&view).expect("an SVG for any names");
    roxmltree::Document::parse(&svg).expect("the SVG is XML");
    let page = InteractiveReport::new(title.as_str())
        .layer(title.as_str(), &report)
        .note(title.as_str())
        .view(view)
        .build()
        .expect("a report for any names")
        .into_string();
    let start =
        page.find("<script>const DATA = ").expect("the data") + "<script>const DATA = ".len();
    let end = start + page[start..].find(";\n").expect("the data ends");
    let json = &page[start..end];
    assert!(!json.contains(['<', '\u{2028}', '\u{2029}']), "{json}");
    assert_eq!(page.matches("<script").count(), 1);
    assert_eq!(page.matches("</script>").count(), 1);
    let svg_start = page.find("<svg").expect("the map");
    let svg_end = page.find("</svg>").expect("the map ends") + "</svg>".len();
    roxmltree::Document::parse(&page[svg_start..svg_end]).expect("the report's SVG is XML");
});
