#![no_main]
//! Point GeoJSON (conseillers numériques host structures).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((points, report)) = maillage::read::read_conseillers_numeriques_from("fuzz.geojson", data) {
        assert_eq!(points.len(), report.kept);
        assert_eq!(report.read, report.kept + report.skipped_total());
    }
});
