//! Reading one full-resolution polygon: a million vertices (IGN and ANCT
//! contours have that many). The validity check is an R-tree of segments
//! past 5,000 vertices (geo's quadratic check took 47 s on 100,000). The
//! baseline measured in the same run is parsing the JSON alone.
//!
//! `cargo bench --bench read`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use maillage::read::{FieldMap, read_territories_from};

/// A ring of `n` vertices around Paris, about 35 km long with wiggles at
/// two scales (vertices 3.5 cm apart, like an over-densified contour), as a
/// FeatureCollection.
fn polygon(n: usize) -> String {
    let mut coords = String::with_capacity(n * 40);
    for i in 0..=n {
        let k = i % n;
        let a = std::f64::consts::TAU * k as f64 / n as f64;
        let r = 0.05 * (1.0 + 0.02 * (40.0 * a).sin() + 0.002 * (3000.0 * a).sin());
        if i > 0 {
            coords.push(',');
        }
        coords.push_str(&format!(
            "[{:.7},{:.7}]",
            2.35 + r * a.cos(),
            48.85 + r * a.sin() * 0.66
        ));
    }
    format!(
        "{{\"type\":\"FeatureCollection\",\"features\":[{{\"type\":\"Feature\",\"properties\":{{\"id\":\"big\"}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[[{coords}]]}}}}]}}"
    )
}

fn benches(c: &mut Criterion) {
    let text = polygon(1_000_000);
    let fields = FieldMap::new(maillage::TerritoryKind::Custom, "id");
    let mut g = c.benchmark_group("read/one polygon of 1,000,000 vertices");
    g.sample_size(10);
    g.bench_function("maillage: parse, check, project, validity", |b| {
        b.iter(|| {
            let (t, r) =
                read_territories_from("big.geojson", text.as_bytes(), &fields).expect("read");
            assert_eq!(r.kept, 1);
            black_box(t)
        })
    });
    g.bench_function("baseline: parse the JSON alone", |b| {
        b.iter(|| black_box(serde_json::from_str::<serde_json::Value>(&text).expect("json")))
    });
    g.finish();
}

criterion_group!(read, benches);
criterion_main!(read);
