//! Nearest-point throughput on 1M real population cells, and the files the
//! GeoPandas peer (`benches/peer/compare.py`) measures itself on.
//!
//! ```sh
//! cargo run --release --example nearest_throughput
//! ```
//!
//! Writes `out/peer/cells.csv` (the 1M cells: the 200 m cells of
//! metropolitan communes in commune order), `out/peer/points.csv` (the
//! metropolitan points de contact) and `out/peer/distances.csv` (maillage's
//! distances), all in Lambert-93 metres, and prints queries per second.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use geo_types::Coord;
use maillage::population::grid_cells;
use maillage::read::{read_communes, read_la_poste};
use maillage::{CommuneSources, Service, ServiceNetwork, Zone};
use rayon::prelude::*;

fn main() -> std::io::Result<()> {
    let data = std::env::var_os("MAILLAGE_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/data"));
    let out = PathBuf::from("out/peer");
    std::fs::create_dir_all(&out)?;
    let (points, _) = read_la_poste(data.join("laposte_points_contact_2016.csv"))
        .map_err(std::io::Error::other)?;
    let mut sources = CommuneSources::in_dir(&data);
    sources.frr = None;
    let (communes, _) = read_communes(&sources).map_err(std::io::Error::other)?;
    let network = ServiceNetwork::new(points);

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
    let n = cells.len() as f64;

    let t = Instant::now();
    let per_cell: Vec<f64> = cells
        .iter()
        .map(|xy| {
            network
                .nearest(Zone::Metropole, Service::Postal, *xy)
                .map_or(f64::INFINITY, |(_, d)| d)
        })
        .collect();
    let rtree_1 = n / t.elapsed().as_secs_f64();

    let mut blocks = Vec::new();
    let t = Instant::now();
    network.nearest_distances(Zone::Metropole, Service::Postal, &cells, &mut blocks);
    let blocks_1 = n / t.elapsed().as_secs_f64();

    let t = Instant::now();
    let parallel: Vec<f64> = cells
        .par_chunks(65_536)
        .flat_map_iter(|chunk| {
            let mut d = Vec::new();
            network.nearest_distances(Zone::Metropole, Service::Postal, chunk, &mut d);
            d
        })
        .collect();
    let blocks_n = n / t.elapsed().as_secs_f64();

    let worst = per_cell
        .iter()
        .zip(&blocks)
        .chain(per_cell.iter().zip(&parallel))
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    println!("cells: {n}");
    println!("rtree_per_cell_1_thread_per_s: {rtree_1:.0}");
    println!("blocks_1_thread_per_s: {blocks_1:.0}");
    println!(
        "blocks_{}_threads_per_s: {blocks_n:.0}",
        rayon::current_num_threads()
    );
    println!("max_difference_m: {worst:e}");

    let mut w = std::io::BufWriter::new(std::fs::File::create(out.join("cells.csv"))?);
    writeln!(w, "x,y")?;
    for c in &cells {
        writeln!(w, "{},{}", c.x, c.y)?;
    }
    let mut w = std::io::BufWriter::new(std::fs::File::create(out.join("points.csv"))?);
    writeln!(w, "x,y")?;
    for p in network
        .points()
        .iter()
        .filter(|p| p.zone == Zone::Metropole)
    {
        writeln!(w, "{},{}", p.xy.x, p.xy.y)?;
    }
    let mut w = std::io::BufWriter::new(std::fs::File::create(out.join("distances.csv"))?);
    writeln!(w, "d")?;
    for d in &blocks {
        writeln!(w, "{d}")?;
    }
    Ok(())
}
