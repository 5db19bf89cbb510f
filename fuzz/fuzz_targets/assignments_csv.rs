#![no_main]
//! Programme assignments CSV, then applying them to a point list.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((assignments, report)) = maillage::read::read_assignments_from("fuzz.csv", data) {
        assert_eq!(assignments.len(), report.kept);
        let applied = maillage::read::apply_assignments(&mut [], &assignments);
        assert_eq!(applied.skipped_total(), assignments.len());
    }
});
