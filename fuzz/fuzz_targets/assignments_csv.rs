#![no_main]
//! Programme assignments CSV (with its optional `evidence` column, as
//! `programmes.csv` and `--programmes <csv>` have it), then applying them
//! to a point list.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((assignments, report)) = maillage::read::read_assignments_from("fuzz.csv", data) {
        assert_eq!(assignments.len(), report.kept);
        assert_eq!(report.kept + report.skipped_total(), report.read);
        let applied = maillage::read::apply_assignments(&mut [], &assignments);
        assert_eq!(applied.skipped_total(), assignments.len());
    }
});
