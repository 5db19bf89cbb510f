#![no_main]
//! Any bytes as a `.parquet` territory file (feature `geoparquet`): the
//! reader tells the format from the first bytes, reads the footer and the
//! `geo` metadata through polars, decodes WKB. Territories and a report that
//! adds up, or an error; never a panic.
use libfuzzer_sys::fuzz_target;
use maillage::{FieldMap, TerritoryKind};

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("f.parquet");
    std::fs::write(&path, data).expect("write");
    if let Ok((territories, report)) =
        maillage::read::read_territories(&path, &FieldMap::new(TerritoryKind::Custom, "id"))
    {
        assert_eq!(territories.len(), report.kept);
        assert_eq!(report.read, report.kept + report.skipped_total());
    }
});
