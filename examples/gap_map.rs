//! From the demo territory to a gap map and a report — the README's main job.
//!
//! ```sh
//! cargo run --release --features map --example gap_map
//! ```
//!
//! It reads the synthetic département in `data/demo/` (regenerate it with
//! `maillage demo --out data/demo`), measures which communes and QPV are
//! served, and writes `out/gap_map.svg`, `out/gap_map.png` and
//! `out/report.html`. Point it at another folder with the same file names
//! by passing the folder as the first argument.

use std::path::PathBuf;

use maillage::access::Accessibility;
use maillage::load::Sources;
use maillage::map::{GapMap, Table, View, html_report};
use maillage::population::PopulationModel;
use maillage::read::read_territories;
use maillage::{CommuneSources, Coverage, FieldMap, Service, ServiceNetwork};

fn main() -> maillage::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("data/demo"));
    let out = PathBuf::from("out");

    // 1. Where the services are (La Poste's points de contact, the partner
    //    sites, which offices run which programme) and the territories
    //    (the QPV, the communes with their population). Every file's load
    //    report says what it kept and what it skipped.
    let inputs = Sources::new()
        .points(dir.join("points.csv"))
        .partners(dir.join("partners.csv"))
        .assignments(dir.join("assignments.csv"))
        .territories(dir.join("qpv.geojson"), FieldMap::qpv())
        .communes(CommuneSources::new(dir.join("communes.geojson")).table(dir.join("communes.csv")))
        .load()?;
    inputs.reports.iter().for_each(|r| println!("{r}"));
    let (qpv, communes) = (inputs.territories, inputs.communes);
    let network = ServiceNetwork::new(inputs.points);
    let (departements, _) =
        read_territories(dir.join("departement.geojson"), &FieldMap::departements())?;

    // 3. Coverage: a commune is served when a point lies within 5 km, a QPV within 500 m.
    let services = [
        Service::Postal,
        Service::Mediation,
        Service::DigitalInclusion,
    ];
    let by_commune = Coverage::new(&network, &communes)
        .services(services)
        .run()?;
    let by_qpv = Coverage::new(&network, &qpv).services(services).run()?;
    println!();
    for s in by_commune.summary().iter().chain(by_qpv.summary().iter()) {
        println!("{s}");
    }

    // 4. The legal yardstick, on a 200 m population grid: share of each
    //    département's population farther than 5 km and 20 minutes.
    let grid = PopulationModel::grid();
    let access = Accessibility::new(&network, &communes, &grid)
        .minutes(20.0)
        .run()?;

    // 5. The map: communes coloured by their distance to the nearest point
    //    de contact, the QPV with their 500 m walking buffer, the largest gaps labelled.
    let mut map = GapMap::from_coverage(&by_commune, Service::Postal)
        .with_outlines(&departements)
        .with_outlines(&qpv)
        .with_buffers(&qpv, 500.0);
    map.title = "Val-de-Maille (synthetic demo): access to a point de contact".into();
    let view = View::Departement("99".into());
    let svg = map.to_svg(&view)?;
    map.write(&view, out.join("gap_map.svg"))?;
    map.write(&view, out.join("gap_map.png"))?;

    // 6. The report: the map, the totals, the legal test, and the ranked gaps.
    let tables = [
        Table::coverage_summary(&by_commune),
        Table::coverage_summary(&by_qpv),
        Table::departements(&access),
        Table::gaps(&by_commune, Service::Postal),
        Table::gaps(&by_qpv, Service::Mediation),
        Table::gaps(&by_qpv, Service::DigitalInclusion),
    ];
    html_report(&map.title, &svg, &tables).write(out.join("report.html"))?;

    println!("\nwrote out/gap_map.svg, out/gap_map.png and out/report.html");
    Ok(())
}
