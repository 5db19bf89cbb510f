//! The grid's scanline before it kept its active edges: every edge tested
//! on every row. The reference the grid's cells are checked against
//! (`tests/national_fast_paths.rs`) and the baseline of the grid bench
//! (`benches/national.rs`, which includes this file).

use geo::BoundingRect;
use geo_types::Coord;

/// The cell centres a scan of every edge on every row finds in `geometry`
/// (the grid's scanline before it kept its active edges), into `out`.
pub fn every_edge_every_row(
    geometry: &geo_types::MultiPolygon<f64>,
    cell_m: f64,
    out: &mut Vec<Coord<f64>>,
) {
    let Some(bbox) = geometry.bounding_rect() else {
        return;
    };
    let edges: Vec<(Coord<f64>, Coord<f64>)> = geometry
        .0
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .flat_map(|ring| ring.lines().map(|l| (l.start, l.end)))
        .filter(|(a, b)| a.y != b.y)
        .collect();
    let row0 = (bbox.min().y / cell_m - 0.5).ceil() as i64;
    let row1 = (bbox.max().y / cell_m - 0.5).floor() as i64;
    let mut xs: Vec<f64> = Vec::new();
    for row in row0..=row1 {
        let y = (row as f64 + 0.5) * cell_m;
        xs.clear();
        for (a, b) in &edges {
            let (lo, hi) = if a.y < b.y { (a, b) } else { (b, a) };
            if lo.y <= y && y < hi.y {
                xs.push(lo.x + (y - lo.y) * (hi.x - lo.x) / (hi.y - lo.y));
            }
        }
        xs.sort_by(f64::total_cmp);
        for pair in xs.chunks_exact(2) {
            let first = (pair[0] / cell_m - 0.5).ceil() as i64;
            let end = (pair[1] / cell_m - 0.5).ceil() as i64;
            for col in first..end {
                out.push(Coord {
                    x: (col as f64 + 0.5) * cell_m,
                    y,
                });
            }
        }
    }
}
