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
#[path = "../tests/common/scanline.rs"]
mod scanline;

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
                scanline::every_edge_every_row(&t.geometry, 200.0, &mut buf);
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

criterion_group!(national, benches);
criterion_main!(national);
