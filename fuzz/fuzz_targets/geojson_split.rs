#![no_main]
//! The GeoJSON scanner against serde_json: maillage splits a
//! FeatureCollection into features with a byte scanner and parses them
//! apart, so it must accept exactly the documents serde_json accepts whole,
//! and count the same features.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let ours = maillage::read::read_conseillers_numeriques_from("fuzz.geojson", data);
    let text = data.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(data);
    let whole: Result<serde_json::Value, _> = serde_json::from_slice(text);
    match (&ours, &whole) {
        (Ok((points, report)), Ok(doc)) => {
            assert_eq!(points.len(), report.kept);
            // A repeated "features" member is read twice by maillage and
            // kept once (the last) by serde_json: compare only single ones.
            let members = doc.as_object().map_or(0, |o| o.len());
            let once = text.windows(10).filter(|w| *w == b"\"features\"").count() == 1;
            if once && members > 0 {
                let n = doc["features"].as_array().map(Vec::len);
                assert_eq!(n, Some(report.read as usize), "feature count");
            }
        }
        (Ok(_), Err(e)) => panic!("accepted a document serde_json refuses: {e}"),
        (Err(_), _) => {}
    }
});
