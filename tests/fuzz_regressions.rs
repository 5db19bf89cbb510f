//! Inputs found by `cargo fuzz` that once crashed maillage, kept as regression tests.
//! Crashers derived from the shared open data are stored as byte patches against
//! the original file, so that no copy of the data enters the repository.

mod common;

use maillage::travel::SpeedTable;

/// `osm_pbf` target, 2026-11-27: five bytes changed in the Le Mans extract make
/// a dense-node block whose offset and granularity overflow in osmpbf's
/// coordinate arithmetic (`lat_offset + granularity × lat`), which panics in
/// builds with overflow checks. maillage must answer with an error instead.
#[test]
fn osm_pbf_with_overflowing_coordinates_is_an_error_not_a_panic() {
    let mut bytes = std::fs::read(common::data("osm/le_mans_centre_2020.osm.pbf")).unwrap();
    for (offset, from, to) in [
        (4749, 229, 165),
        (22892, 163, 59),
        (22915, 161, 33),
        (37385, 253, 33),
        (58061, 216, 248),
    ] {
        assert_eq!(bytes[offset], from, "the shared file changed");
        bytes[offset] = to;
    }
    match maillage::travel::read_roads_from("patched.osm.pbf", &bytes, &SpeedTable::default()) {
        // Depending on the deflate backend linked in, the patched blob is
        // rejected as corrupt, or decoded up to the overflowing arithmetic,
        // which maillage turns into an error: either way, an error naming the file.
        Err(e) => assert!(e.to_string().starts_with("patched.osm.pbf: "), "{e}"),
        // In builds without overflow checks the arithmetic wraps; the reader
        // must then still return normally.
        Ok((roads, report)) => assert!(roads.node_count() <= report.read * 2000, "{report}"),
    }
}

#[test]
fn the_unpatched_extract_reads() {
    let bytes = std::fs::read(common::data("osm/le_mans_centre_2020.osm.pbf")).unwrap();
    let (roads, report) =
        maillage::travel::read_roads_from("le_mans.osm.pbf", &bytes, &SpeedTable::default())
            .unwrap();
    assert_eq!(roads.zone(), maillage::Zone::Metropole);
    assert_eq!(report.read, 892, "ways in the extract (SOURCES.md)");
    assert_eq!(report.kept, 89, "car ways (SOURCES.md)");
}

#[test]
fn an_empty_pbf_says_so() {
    let err = maillage::travel::read_roads_from("empty.osm.pbf", &[], &SpeedTable::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("empty file: not an OSM PBF extract"), "{err}");
}
