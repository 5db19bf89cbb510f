#![no_main]
//! The even-odd repair and the dissolve on any rings: polygons on a 1/8
//! grid (coincident vertices, shared edges, spikes and holes touching
//! shells on most inputs). Both return without a panic, and what the
//! repair returns is valid and non-empty. i_overlay 4.5 (geo 0.33's
//! boolean operations) panicked here binding holes.
//!
//! Bytes, two at a time: `255, _` starts a new polygon, `254, _` a new
//! hole in the current one, anything else is a vertex (x = a/8, y = b/8).
use geo::Validation;
use geo_types::{LineString, Polygon};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut parts: Vec<Vec<Vec<(f64, f64)>>> = vec![vec![Vec::new()]];
    for pair in data.chunks_exact(2) {
        match pair[0] {
            255 => parts.push(vec![Vec::new()]),
            254 => parts.last_mut().expect("a polygon").push(Vec::new()),
            a => parts
                .last_mut()
                .and_then(|p| p.last_mut())
                .expect("a ring")
                .push((f64::from(a) / 8.0, f64::from(pair[1]) / 8.0)),
        }
    }
    let polygons: Vec<Polygon<f64>> = parts
        .into_iter()
        .filter_map(|rings| {
            let mut rings = rings.into_iter().filter(|r| !r.is_empty()).map(|r| {
                let mut ring = LineString::from(r);
                ring.close();
                ring
            });
            let shell = rings.next()?;
            Some(Polygon::new(shell, rings.collect()))
        })
        .collect();
    let _ = maillage::repair::dissolve(&polygons);
    if let Some(fixed) = maillage::repair::repair(&polygons) {
        assert!(!fixed.0.is_empty());
        assert!(fixed.is_valid(), "{fixed:?}");
    }
});
