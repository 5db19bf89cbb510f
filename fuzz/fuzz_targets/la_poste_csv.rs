#![no_main]
//! La Poste points de contact CSV: any bytes give points and a report, or an error; never a panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((points, report)) = maillage::read::read_la_poste_from("fuzz.csv", data) {
        assert_eq!(points.len(), report.kept);
        assert_eq!(report.read, report.kept + report.skipped_total());
        let _ = report.to_string();
    }
});
