#![no_main]
//! Territory GeoJSON (also with features sharing an id dissolved), then
//! coverage of whatever was read against a small network.
use libfuzzer_sys::fuzz_target;
use maillage::{Coverage, FieldMap, Service, ServiceNetwork, TerritoryKind};

fuzz_target!(|data: &[u8]| {
    // The same bytes as features sharing ids dissolved: every feature is
    // read, kept (as a part) or skipped; never more territories than kept.
    let dissolving = FieldMap::new(TerritoryKind::Custom, "id").dissolve_duplicates();
    if let Ok((parts, report)) = maillage::read::read_territories_from("fuzz.geojson", data, &dissolving) {
        assert!(parts.len() <= report.kept);
        assert_eq!(report.read, report.kept + report.skipped_total());
    }
    let fields = FieldMap::new(TerritoryKind::Qpv, "id").population("pop");
    let Ok((territories, report)) = maillage::read::read_territories_from("fuzz.geojson", data, &fields) else {
        return;
    };
    assert_eq!(territories.len(), report.kept);
    if territories.is_empty() {
        return;
    }
    let points = maillage::read::read_partner_csv_from(
        "points.csv",
        &b"id,latitude,longitude,services\na,48.85,2.35,postal\nb,46.0,2.0,postal\nc,-21.0,55.5,postal\n"[..],
    )
    .map(|(p, _)| p)
    .unwrap_or_default();
    let network = ServiceNetwork::new(points);
    if let Ok(result) = Coverage::new(&network, &territories).services([Service::Postal]).run() {
        for r in result.iter() {
            assert!(r.nearest_m().is_none_or(|d| d >= 0.0));
        }
        let _ = result.gaps(Service::Postal);
        let mut sink = Vec::new();
        let _ = result.to_geojson(&mut sink, maillage::write::Features::All);
    }
});
