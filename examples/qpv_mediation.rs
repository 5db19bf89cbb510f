//! Which QPV have no mediation-capable site within walking distance?
//!
//! ```sh
//! cargo run --release --features map --example qpv_mediation [assignments.csv]
//! ```
//!
//! La Poste does not publish which offices host a mediation partnership
//! (about 800, mostly bureaux de poste in or near QPV). Without a list, this
//! tutorial counts as mediation-capable every **bureau de poste** (where the
//! partnerships run) and every **France Services** site (whose agents
//! accompany people through their procedures). Give the real list as an
//! assignments CSV (`site_id,service` with `mediation`) to use it instead.
//!
//! Reads `$MAILLAGE_DATA` (default `../shared/data`); writes
//! `out/qpv_mediation/coverage.csv`, `gaps.geojson` and a neighbourhood map
//! of the largest gap with its 500 m walking buffer.

use std::path::PathBuf;

use maillage::load::{Inputs, Sources};
use maillage::map::{GapMap, View};
use maillage::write::Features;
use maillage::{Coverage, FieldMap, PointKind, Rule, Service, ServiceNetwork, TerritoryKind};

fn main() -> maillage::Result<()> {
    let data = std::env::var_os("MAILLAGE_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/data"));
    let out = PathBuf::from("out/qpv_mediation");

    // 1. The mid-2025 points de contact, France Services sites, and the QPV
    //    of the 2024 list. Who offers mediation: the user's list if given,
    //    else the stand-in rule above.
    let list = std::env::args().nth(1);
    let mut sources = Sources::new()
        .points(data.join("laposte_points_contact_2025.csv"))
        .partners(data.join("france_services_2024-08.csv"))
        .territories(data.join("qpv_2024_national.geojson"), FieldMap::qpv());
    if let Some(list) = &list {
        sources = sources.assignments(list);
    }
    let Inputs {
        mut points,
        territories: qpv,
        reports,
        ..
    } = sources.load()?;
    reports.iter().for_each(|r| println!("{r}"));
    match list {
        Some(_) => {}
        None => {
            for p in &mut points {
                if matches!(p.kind, PointKind::BureauDePoste | PointKind::FranceServices) {
                    p.services.insert(Service::Mediation);
                }
            }
            println!(
                "no assignments given: bureaux de poste and France Services sites count as mediation-capable"
            );
        }
    }
    let network = ServiceNetwork::new(points);

    // 2. Served when a mediation-capable site lies within 500 m: a walk.
    let report = Coverage::new(&network, &qpv)
        .services([Service::Mediation, Service::Postal])
        .rule(TerritoryKind::Qpv, Rule::WithinDistance(500.0))
        .run()?;
    for s in report.summary() {
        println!("{s}");
    }
    let gaps = report.gaps(Service::Mediation);
    // The 2024 list carries no population: gaps are ranked farthest first.
    println!("\nQPV without a mediation-capable site within 500 m, farthest first:");
    for (i, g) in gaps.iter().take(15).enumerate() {
        let nearest = g.nearest.map_or("none".to_owned(), |(p, d)| {
            format!("{} ({}) at {d:.0} m", p.name, p.kind)
        });
        println!(
            "{:>2}. {} {} — {nearest}",
            i + 1,
            g.territory.id,
            g.territory.name
        );
    }
    report.write_csv(out.join("coverage.csv"))?;
    report.write_geojson(out.join("gaps.geojson"), Features::Gaps)?;

    // 3. A neighbourhood map around the largest gap: the QPV, its 500 m buffer, the sites.
    if let Some(largest) = gaps.first() {
        let mut map = GapMap::from_coverage(&report, Service::Mediation).with_buffers(&qpv, 500.0);
        map.title = format!(
            "{} ({}): no mediation-capable site within 500 m",
            largest.territory.name, largest.territory.id
        );
        let view = View::around(largest.territory, 1500.0)?;
        map.write(&view, out.join("largest_gap.svg"))?;
        map.write(&view, out.join("largest_gap.png"))?;
    }
    println!(
        "\nwrote {}/coverage.csv, gaps.geojson, largest_gap.svg and largest_gap.png",
        out.display()
    );
    Ok(())
}
