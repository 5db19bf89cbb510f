#![no_main]
//! Lieux de médiation numérique (CSV and JSON forms, with and without
//! commune centroids) and the programme rules parser.
use std::collections::HashMap;

use libfuzzer_sys::fuzz_target;
use maillage::read::{LieuxOptions, read_lieux_from};

fuzz_target!(|data: &[u8]| {
    let centroids = LieuxOptions {
        commune_centroids: Some(HashMap::from([("75056".to_owned(), (2.342, 48.857))])),
    };
    for options in [LieuxOptions::default(), centroids] {
        if let Ok((lieux, report)) = read_lieux_from("fuzz.csv", data, &options) {
            assert_eq!(lieux.len(), report.kept);
            assert_eq!(report.read, report.kept + report.skipped_total());
            for l in &lieux {
                assert!(l.siret.as_ref().is_none_or(|s| s.len() == 14));
            }
        }
    }
    let _ = maillage::read::read_partners_from("fuzz.csv", data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = maillage::programmes::ProgrammeRules::with_overrides("fuzz.txt", text);
    }
});
