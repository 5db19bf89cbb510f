//! All of France, from the raw files to every output, with a timing breakdown.
//!
//! ```sh
//! cargo run --release --example national_run
//! ```
//!
//! Reads `$MAILLAGE_DATA` (default `../shared/data`) and writes into
//! `out/national/`:
//! 1. coverage of every commune for postal service and France Services
//!    within 5 km, and of every QPV for every service within 500 m, the
//!    programme hosts (mediation, Points Poste ESS, digital inclusion)
//!    derived from open evidence (`maillage::programmes`), each service's
//!    figures with their evidence line, and a service without any site
//!    reported as "no data", never as unserved territories;
//! 2. per-département accessibility on the 200 m dasymetric population grid
//!    of all France (every cell's distance to the nearest point de contact;
//!    shares beyond 5 km and 10 km);
//! 3. CSV tables and GeoJSON of the gaps.
//!
//! Reading includes projecting every coordinate (projection happens as
//! features are read). The last line gives the process's peak memory.

// The command-line tool's allocator: reading allocates many small vectors
// from both threads, which mimalloc serves faster than the system's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;
use std::time::Instant;

use rayon::prelude::*;

use maillage::access::Accessibility;
use maillage::load::Sources;
use maillage::population::PopulationModel;
use maillage::programmes::ProgrammeFiles;
use maillage::read::{CommuneSources, FieldMap};
use maillage::write::Features;
use maillage::{Coverage, Service, ServiceNetwork, TerritoryKind};

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

fn main() -> maillage::Result<()> {
    let data = std::env::var_os("MAILLAGE_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/data"));
    let out = PathBuf::from("out/national");
    let start = Instant::now();
    let mut lap = Instant::now();
    let mut timings: Vec<(&str, f64)> = Vec::new();
    let mut mark = |name: &'static str, lap: &mut Instant| {
        timings.push((name, lap.elapsed().as_secs_f64()));
        *lap = Instant::now();
    };

    // Read and project: every file at once (`Sources::load` reads them
    // concurrently, and each reader places its polygons in parallel). The
    // programme hosts are derived from open evidence at the same time: the
    // derivation reads the points de contact and the partner files itself.
    let sources = Sources::new()
        .points(data.join("laposte_points_contact_2025.csv"))
        .partners(data.join("france_services_2024-08.csv"))
        .partners(data.join("conseillers_numeriques_lieux_2022.csv"))
        .territories(data.join("qpv_2024_national.geojson"), FieldMap::qpv())
        .territories(
            data.join("departements_2025.geojson"),
            FieldMap::departements(),
        )
        .communes(CommuneSources::in_dir(&data));
    let derivation = ProgrammeFiles::new()
        .points(data.join("laposte_points_contact_2025.csv"))
        .partners(data.join("conseillers_numeriques_lieux_2022.csv"))
        .partners(data.join("france_services_2024-08.csv"));
    let (inputs, programmes) = rayon::join(|| sources.load(), || derivation.run());
    let (inputs, programmes) = (inputs?, programmes?);
    let (qpv, departements): (Vec<_>, Vec<_>) = inputs
        .territories
        .into_iter()
        .partition(|t| t.kind == TerritoryKind::Qpv);
    let (mut points, communes) = (inputs.points, inputs.communes);
    mark(
        "read everything (25,718 points, 35,357 commune polygons + tables, 1,584 QPV, 101 départements) and derive the programme hosts",
        &mut lap,
    );

    // The programme hosts, added to the points de contact.
    let applied = programmes.apply(&mut points);
    let marked = programmes.mark_partners(&mut points);
    mark("programme hosts applied", &mut lap);

    // Index.
    let network = ServiceNetwork::new(points);
    mark("index (R-trees per zone and service)", &mut lap);
    let evidence = programmes.network_evidence(&network);

    // Coverage.
    let by_commune = Coverage::new(&network, &communes)
        .services([Service::Postal, Service::FranceServices])
        .evidence(evidence.clone())
        .run()?;
    let by_qpv = Coverage::new(&network, &qpv)
        .services(Service::ALL)
        .evidence(evidence.clone())
        .run()?;
    mark("coverage (communes × 2 services, QPV × 5)", &mut lap);

    // Population grid and accessibility (cells are generated and measured commune by commune).
    let grid = PopulationModel::grid();
    let access = Accessibility::new(&network, &communes, &grid).run()?;
    mark("population grid 200 m + accessibility", &mut lap);

    // Write: the files are independent, so they are written concurrently.
    let writes: [&(dyn Fn() -> maillage::Result<()> + Sync); 6] = [
        &|| by_commune.write_csv(out.join("communes_coverage.csv")),
        &|| by_commune.write_geojson(out.join("communes_gaps.geojson"), Features::Gaps),
        &|| by_qpv.write_csv(out.join("qpv_coverage.csv")),
        &|| by_qpv.write_geojson(out.join("qpv_gaps.geojson"), Features::Gaps),
        &|| access.write_departements_csv(out.join("departements.csv")),
        &|| access.write_communes_csv(out.join("communes_access.csv")),
    ];
    writes
        .par_iter()
        .map(|write| write())
        .collect::<maillage::Result<Vec<()>>>()?;
    mark("write outputs", &mut lap);

    let total = start.elapsed().as_secs_f64();
    let n = access.national();
    println!(
        "national run: {} communes, {} QPV, {} départements, {} points",
        communes.len(),
        qpv.len(),
        departements.len(),
        network.points().len()
    );
    println!(
        "grid: {} cells, population {:.0}; beyond 5 km: {:.3} %; within 10 km: {:.3} %; départements over 10 %: {}",
        n.units,
        n.population,
        100.0 * n.share_beyond(),
        100.0 * n.share_within_decree(),
        access
            .by_departement()
            .iter()
            .filter(|d| !d.law_compliant)
            .map(|d| d.code.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    print!("{programmes}");
    println!("{applied}");
    println!("{marked} mediation partner sites marked as offering mediation");
    for s in by_commune.summary().iter().chain(by_qpv.summary().iter()) {
        println!("{s}");
    }
    println!("── timing ({} threads)", rayon::current_num_threads());
    for (name, secs) in &timings {
        println!("{secs:>8.3} s  {name}");
    }
    println!("{total:>8.3} s  total");
    println!("peak memory: {:.0} MiB", peak_rss_mib());
    Ok(())
}
