//! Peak memory of the population grid on the largest commune.
//!
//! Maripasoula (Guyane, 97353) is France's largest commune: 18,360 km².
//! Each case runs in a child process of this bench, so that each peak
//! resident set size (`VmHWM` of `/proc/self/status`) is its own:
//!
//! - **baseline**: the commune read and the network built, no grid;
//! - **grid:200**: the default cell size (0.46 million cells);
//! - **grid at the limit**: the smallest cell size the budget accepts
//!   (`MAX_CELLS_PER_COMMUNE` cells);
//! - **grid:1**: 18 billion cells, which used to abort at 4–6 GB: now an
//!   error before any cell is made.
//!
//! Figures are printed as peak RSS and as the ratio to the baseline of the
//! same run. Linux only (`/proc`).
//!
//! `cargo bench --bench grid_memory` (reads `$MAILLAGE_DATA`).

use std::process::Command;

use maillage::access::Accessibility;
use maillage::population::{MAX_CELLS_PER_COMMUNE, PopulationModel};
use maillage::read::{read_communes, read_la_poste};
use maillage::{CommuneSources, ServiceNetwork, Territory};

mod common;

const MARIPASOULA: &str = "97353";

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn commune() -> (ServiceNetwork, Vec<Territory>) {
    let dir = common::data_dir();
    let (points, _) = read_la_poste(dir.join("laposte_points_contact_2025.csv")).expect("points");
    let mut sources = CommuneSources::in_dir(&dir);
    sources.frr = None;
    let (communes, _) = read_communes(&sources).expect("communes");
    let one: Vec<Territory> = communes
        .into_iter()
        .filter(|c| c.id == MARIPASOULA)
        .collect();
    assert_eq!(one.len(), 1, "Maripasoula in the commune files");
    (ServiceNetwork::new(points), one)
}

/// Runs one case in this process and prints `case cells peak_kib outcome`.
fn child(case: &str) {
    let (network, communes) = commune();
    let area = geo::Area::unsigned_area(&communes[0].geometry);
    let cell_m = match case {
        "baseline" => None,
        "grid:200" => Some(200.0),
        "limit" => Some((area / MAX_CELLS_PER_COMMUNE).sqrt().ceil() + 1.0),
        "grid:1" => Some(1.0),
        other => panic!("unknown case {other}"),
    };
    let (cells, outcome) = match cell_m {
        None => (0.0, "no grid".to_owned()),
        Some(cell) => {
            let model = PopulationModel::Grid { cell_m: cell };
            match Accessibility::new(&network, &communes, &model).run() {
                Ok(r) => (
                    area / (cell * cell),
                    format!(
                        "ran, {:.2} % beyond 5 km",
                        100.0 * r.national().share_beyond()
                    ),
                ),
                Err(e) => (0.0, format!("refused: {e}")),
            }
        }
    };
    println!(
        "{case}\t{}\t{cells:.0}\t{}\t{outcome}",
        cell_m.map_or("-".to_owned(), |c| format!("{c} m")),
        peak_rss_kib()
    );
}

fn main() {
    if let Ok(case) = std::env::var("MAILLAGE_GRID_MEMORY_CASE") {
        child(&case);
        return;
    }
    let me = std::env::current_exe().expect("own path");
    println!("peak RSS of the population grid on Maripasoula (18,360 km²), one process per case");
    println!(
        "{:<10} {:>9} {:>14} {:>12} {:>8}  outcome",
        "case", "cell", "cells", "peak MiB", "× base"
    );
    let mut base = None;
    for case in ["baseline", "grid:200", "limit", "grid:1"] {
        let out = Command::new(&me)
            .env("MAILLAGE_GRID_MEMORY_CASE", case)
            .output()
            .expect("child runs");
        let text = String::from_utf8_lossy(&out.stdout);
        let Some(line) = text.lines().find(|l| l.starts_with(case)) else {
            println!(
                "{case}: the child failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            );
            continue;
        };
        let f: Vec<&str> = line.split('\t').collect();
        let kib: f64 = f[3].parse().unwrap_or(0.0);
        let base_kib = *base.get_or_insert(kib);
        println!(
            "{:<10} {:>9} {:>14} {:>12.0} {:>8.2}  {}",
            f[0],
            f[1],
            f[2],
            kib / 1024.0,
            kib / base_kib,
            f[4]
        );
    }
}
