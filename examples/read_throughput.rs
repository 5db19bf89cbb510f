//! Reading throughput per format: the commune layer as distributed in each
//! format, read into territories (parsed, placed, projected, checked,
//! repaired), best of three.
//!
//! ```sh
//! cargo run --release --features shapefile,geopackage --example read_throughput -- <file>...
//! ```
//!
//! `benches/peer/read_formats.py` writes the files with GDAL (pyogrio) and
//! runs this beside GeoPandas/pyogrio reading the same files. Each line:
//! `file<TAB>bytes<TAB>features<TAB>seconds` (the id is `code_insee`).

use std::time::Instant;

// The command-line tool's allocator, as in `national_run`.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use maillage::{FieldMap, TerritoryKind};

fn main() -> maillage::Result<()> {
    let fields = FieldMap::new(TerritoryKind::Commune, "code_insee");
    for path in std::env::args().skip(1) {
        let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0)
            + ["dbf", "shx"]
                .iter()
                .filter(|_| path.ends_with(".shp"))
                .filter_map(|ext| std::fs::metadata(path.replace(".shp", &format!(".{ext}"))).ok())
                .map(|m| m.len())
                .sum::<u64>();
        let mut best = f64::INFINITY;
        let mut features = 0;
        for _ in 0..3 {
            let t = Instant::now();
            let (territories, report) = maillage::read::read_territories(&path, &fields)?;
            best = best.min(t.elapsed().as_secs_f64());
            features = report.read;
            assert_eq!(territories.len(), report.kept);
        }
        println!("{path}\t{bytes}\t{features}\t{best:.4}");
    }
    Ok(())
}
