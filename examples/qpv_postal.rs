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

    // 1. The points de contact. The load report says what was kept and what was
    //    skipped, with the line numbers: the 2016 file has 18 rows without coordinates.
    let (points, report) = read_la_poste(data.join("laposte_points_contact_2016.csv"))?;
    println!("{report}\n");

    // 2. The QPV polygons we have (Occitanie and Ille-et-Vilaine, 2015 list).
    //    `FieldMap::qpv()` knows the usual column names (code_qp, nom_qp, pop_mun...).
    let mut qpv = Vec::new();
    for file in [
        "qpv_2015_occitanie.geojson",
        "qpv_2015_ille_et_vilaine.geojson",
    ] {
        let (territories, report) = read_territories(data.join(file), &FieldMap::qpv())?;
        println!("{report}");
        qpv.extend(territories);
    }

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
    println!("\nQPV with no point de contact within 500 m:");
    for (rank, gap) in report.gaps(Service::Postal).iter().enumerate() {
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
