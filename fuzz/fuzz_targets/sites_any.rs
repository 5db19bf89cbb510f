#![no_main]
//! Any file of sites, its format told from its content (La Poste, France
//! Services, conseillers numériques, plain partner CSV): points and a
//! report that adds up, or an error; never a panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((points, report)) = maillage::read::read_sites_from("fuzz.sites", data) {
        assert_eq!(points.len(), report.kept);
        assert_eq!(report.read, report.kept + report.skipped_total());
    }
});
