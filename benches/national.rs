//! National-scale pieces on the real data: nearest distance for 1M population
//! cells (one R-tree query per cell, the baseline, against the block method),
//! the 200 m grid of every commune (the scanline with active edges against a
//! scan of every edge on every row), accessibility on that grid, and reading
//! the commune GeoJSON.
//!
//! `cargo bench --bench national` (reads `$MAILLAGE_DATA`, default `../shared/data`).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use geo_types::Coord;
use maillage::access::Accessibility;
use maillage::population::{PopulationModel, grid_cells};
use maillage::read::{read_communes, read_la_poste, read_territories};
use maillage::{CommuneSources, FieldMap, Service, ServiceNetwork, TerritoryKind, Zone};

mod common;

use common::data_dir;

fn benches(c: &mut Criterion) {
    let dir = data_dir();
    let (points, _) = read_la_poste(dir.join("laposte_points_contact_2016.csv")).expect("points");
    let network = ServiceNetwork::new(points);
    let mut sources = CommuneSources::in_dir(&dir);
    sources.frr = None;
    let (communes, _) = read_communes(&sources).expect("communes");

    // 1M cells: the 200 m cells of metropolitan communes, in commune order.
    let mut cells: Vec<Coord<f64>> = Vec::with_capacity(1_000_000);
    let mut buf = Vec::new();
    for t in communes.iter().filter(|t| t.zone == Zone::Metropole) {
        grid_cells(&t.geometry, 200.0, &mut buf);
        cells.append(&mut buf);
        if cells.len() >= 1_000_000 {
            break;
        }
    }
    cells.truncate(1_000_000);

    let mut g = c.benchmark_group("nearest/1M population cells, one thread");
    g.sample_size(10);
    g.throughput(Throughput::Elements(cells.len() as u64));
    g.bench_function("baseline: one R-tree query per cell", |b| {
        b.iter(|| {
            let mut sum = 0.0;
            for xy in &cells {
                sum += network
                    .nearest(Zone::Metropole, Service::Postal, *xy)
                    .map_or(0.0, |(_, d)| d);
            }
            black_box(sum)
        })
    });
    let mut out = Vec::new();
    g.bench_function("maillage: blocks of compact cells", |b| {
        b.iter(|| {
            network.nearest_distances(Zone::Metropole, Service::Postal, &cells, &mut out);
            black_box(out.iter().sum::<f64>())
        })
    });
    g.finish();

    let mut g = c.benchmark_group("grid/200 m cells of all 34,868 communes");
    g.sample_size(10);
    g.bench_function("scanline over cell centres", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for t in &communes {
                buf.clear();
                grid_cells(&t.geometry, 200.0, &mut buf);
                n += buf.len();
            }
            black_box(n)
        })
    });
    g.bench_function("baseline: every edge tested on every row", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for t in &communes {
                buf.clear();
                every_edge_every_row(&t.geometry, 200.0, &mut buf);
                n += buf.len();
            }
            black_box(n)
        })
    });
    g.finish();

    let mut g = c.benchmark_group("access/200 m grid of all France, distance only");
    g.sample_size(10);
    let grid = PopulationModel::grid();
    g.bench_function("cells generated, measured and summed per commune", |b| {
        b.iter(|| {
            let report = Accessibility::new(&network, &communes, &grid)
                .run()
                .expect("access");
            black_box(report.national().beyond)
        })
    });
    g.finish();

    let mut g = c.benchmark_group("read/commune GeoJSON (20 MB, 35,357 polygons)");
    g.sample_size(10);
    g.bench_function("stream, check, project, repair", |b| {
        b.iter(|| {
            black_box(read_territories(
                dir.join("communes_2018_simplified.geojson"),
                &FieldMap::new(TerritoryKind::Commune, "code_insee"),
            ))
        })
    });
    g.finish();
}

/// The cell centres a scan of every edge on every row finds in `geometry`
/// (the grid's scanline before it kept its active edges), into `out`.
fn every_edge_every_row(
    geometry: &geo_types::MultiPolygon<f64>,
    cell_m: f64,
    out: &mut Vec<Coord<f64>>,
) {
    use geo::BoundingRect;
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

criterion_group!(national, benches);
criterion_main!(national);
