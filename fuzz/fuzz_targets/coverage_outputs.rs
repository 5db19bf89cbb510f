#![no_main]
//! maillage's own coverage outputs read back (CSV or GeoJSON, told apart by content).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((outcomes, report)) = maillage::coverage::read_coverage_from("fuzz.out", data) {
        assert_eq!(report.kept, outcomes.len());
        assert_eq!(report.read, report.kept + report.skipped_total());
    }
});
