//! The legal 5 km indicator per département, on the real communes, with its national map.
//!
//! ```sh
//! cargo run --release --features map --example rural_access
//! ```
//!
//! Reads `$MAILLAGE_DATA` (default `../shared/data`) and writes
//! `out/rural_access/departements.csv`, `national.svg`, `national.png`
//! and `report.html`.

use std::path::PathBuf;

use maillage::access::Accessibility;
use maillage::load::Sources;
use maillage::map::{GapMap, Table, View, html_report};
use maillage::population::PopulationModel;
use maillage::read::read_territories;
use maillage::{CommuneSources, Coverage, FieldMap, FrrClass, Service, ServiceNetwork};

fn main() -> maillage::Result<()> {
    let data = std::env::var_os("MAILLAGE_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/data"));
    let out = PathBuf::from("out/rural_access");

    // The mid-2025 points de contact and the current communes with their population,
    // density class and FRR rural zoning.
    let inputs = Sources::new()
        .points(data.join("laposte_points_contact_2025.csv"))
        .communes(CommuneSources::in_dir(&data))
        .load()?;
    inputs.reports.iter().for_each(|r| println!("{r}"));
    let communes = inputs.communes;
    let (departements, _) = read_territories(
        data.join("departements_2025.geojson"),
        &FieldMap::departements(),
    )?;
    let network = ServiceNetwork::new(inputs.points);

    // Which communes have no point de contact within 5 km of their boundary?
    let coverage = Coverage::new(&network, &communes)
        .services([Service::Postal])
        .run()?;
    for s in coverage.summary() {
        println!("{s}");
    }
    // The law's yardstick: share of each département's population farther than
    // 5 km, on a 200 m population grid.
    let grid = PopulationModel::grid();
    let access = Accessibility::new(&network, &communes, &grid).run()?;
    access.write_departements_csv(out.join("departements.csv"))?;
    for d in access.by_departement().iter().filter(|d| !d.law_compliant) {
        println!(
            "département {} over 10 %: {:.1} % of {:.0} inhabitants beyond 5 km",
            d.code,
            100.0 * d.totals.share_beyond(),
            d.totals.population
        );
    }

    // FRR communes among the gaps.
    let frr_gaps = coverage
        .gaps(Service::Postal)
        .iter()
        .filter(|g| g.territory.frr.and_then(FrrClass::classified) == Some(true))
        .count();
    println!(
        "{frr_gaps} of the unserved communes are classified FRR (France Ruralités Revitalisation)"
    );

    // The national map: metropolitan France and the overseas insets.
    let mut map = GapMap::from_coverage(&coverage, Service::Postal).with_outlines(&departements);
    map.title = "Communes without a point de contact within 5 km (La Poste, mid-2025)".into();
    map.points.clear(); // 17,000 dots hide the gaps at national scale
    let view = View::National;
    let svg = map.to_svg(&view)?;
    map.write(&view, out.join("national.svg"))?;
    map.write(&view, out.join("national.png"))?;
    let tables = [
        Table::departements(&access),
        Table::gaps(&coverage, Service::Postal),
    ];
    html_report(&map.title, &svg, &tables).write(out.join("report.html"))?;
    println!(
        "wrote {}/departements.csv, national.svg ({} kB), national.png and report.html",
        out.display(),
        svg.len() / 1024
    );
    Ok(())
}
