//! Which QPV have no La Poste point de contact within a 500 m walk?
//!
//! A short tutorial on the real open data (`$MAILLAGE_DATA`, default `../shared/data`):
//!
//! ```sh
//! cargo run --release --example qpv_postal
//! ```

use std::path::PathBuf;

use maillage::read::{read_la_poste, read_territories};
use maillage::write::Features;
use maillage::{Coverage, FieldMap, Rule, Service, ServiceNetwork, TerritoryKind};

fn main() -> maillage::Result<()> {
    let data = std::env::var_os("MAILLAGE_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/data"));

    // 1. The mid-2025 points de contact. The load report says what was kept
    //    and what was skipped, with the line numbers: the 7 offices in Andorra
    //    are skipped, one site with latitude and longitude swapped is repaired.
    let (points, report) = read_la_poste(data.join("laposte_points_contact_2025.csv"))?;
    println!("{report}\n");

    // 2. The QPV of the 2024 list. `FieldMap::qpv()` knows the usual column
    //    names (code_qp, lib_qp, insee_dep...). The 88 QPV of French Polynesia
    //    lie outside La Poste's zones and are skipped, counted.
    let (qpv, report) = read_territories(data.join("qpv_2024_national.geojson"), &FieldMap::qpv())?;
    println!("{report}");

    // 3. Index the points (one R-tree per zone and service) and measure. A QPV
    //    is served when a point lies within 500 m of its boundary: that is the
    //    default rule for QPV, written out here to show how to change it.
    let network = ServiceNetwork::new(points);
    let report = Coverage::new(&network, &qpv)
        .services([Service::Postal])
        .rule(TerritoryKind::Qpv, Rule::WithinDistance(500.0))
        .run()?;

    // 4. Look at the result: totals, then the unserved QPV, largest first.
    println!();
    for summary in report.summary() {
        println!("{summary}");
    }
    // The 2024 list carries no population: the gaps are ranked by distance,
    // farthest first (join INSEE's populations with Sources::population_table).
    println!("\nThe 20 QPV farthest from a point de contact (of those with none within 500 m):");
    for (rank, gap) in report.gaps(Service::Postal).iter().take(20).enumerate() {
        let population = gap
            .territory
            .population
            .map_or("unknown".into(), |p| p.to_string());
        let (nearest, distance) = gap
            .nearest
            .map_or(("none", f64::NAN), |(p, d)| (p.name.as_str(), d));
        println!(
            "{:>2}. {} {} — {population} inhabitants — nearest: {nearest} at {distance:.0} m",
            rank + 1,
            gap.territory.id,
            gap.territory.name
        );
    }

    // 5. Write the results for a spreadsheet and for QGIS.
    report.write_csv("out/qpv_postal/coverage.csv")?;
    report.write_geojson("out/qpv_postal/gaps.geojson", Features::Gaps)?;
    println!("\nwrote out/qpv_postal/coverage.csv and out/qpv_postal/gaps.geojson");
    Ok(())
}
