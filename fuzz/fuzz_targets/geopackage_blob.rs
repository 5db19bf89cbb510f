#![no_main]
//! A GeoPackage whose one feature carries the fuzzer's bytes as its
//! geometry blob (GP header, envelope, WKB) and as its id: territories and
//! a report that adds up, or an error; never a panic.
use libfuzzer_sys::fuzz_target;
use maillage::{FieldMap, TerritoryKind};

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("f.gpkg");
    let conn = rusqlite::Connection::open(&path).expect("sqlite");
    conn.execute_batch(
        "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY, organization TEXT, organization_coordsys_id INTEGER, definition TEXT);
         INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84', 4326, 'EPSG', 4326, '');
         CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT, srs_id INTEGER);
         CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT, srs_id INTEGER);
         INSERT INTO gpkg_contents VALUES ('t', 'features', 4326);
         INSERT INTO gpkg_geometry_columns VALUES ('t', 'geom', 4326);
         CREATE TABLE t (geom BLOB, id TEXT);",
    )
    .expect("schema");
    let id = String::from_utf8_lossy(data.get(..8).unwrap_or(data)).into_owned();
    conn.execute("INSERT INTO t VALUES (?1, ?2)", rusqlite::params![data, id])
        .expect("row");
    drop(conn);
    if let Ok((territories, report)) =
        maillage::read::read_territories(&path, &FieldMap::new(TerritoryKind::Custom, "id"))
    {
        assert_eq!(territories.len(), report.kept);
        assert_eq!(report.read, report.kept + report.skipped_total());
    }
});
