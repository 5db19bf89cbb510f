#![no_main]
//! Partner CSVs: the France Services layout and the plain partner layout.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((points, report)) = maillage::read::read_france_services_from("fuzz.csv", data) {
        assert_eq!(points.len(), report.kept);
    }
    if let Ok((points, report)) = maillage::read::read_partner_csv_from("fuzz.csv", data) {
        assert_eq!(points.len(), report.kept);
        assert_eq!(report.read, report.kept + report.skipped_total());
    }
});
