//! The synthetic demo territory: every service, including the La Poste
//! programmes no open data lists (mediation, digital inclusion, Points
//! Poste ESS). The real territory is the README's main job, `gap_map`.
//!
//! ```sh
//! cargo run --release --features map --example demo_map
//! ```
//!
//! It reads the synthetic département in `data/demo/` (regenerate it with
//! `maillage demo --out data/demo`), measures which communes and QPV are
//! served, and writes `out/demo/gap_map.svg`, `out/demo/gap_map.png` and
//! `out/demo/report.html`. Point it at another folder with the same file names
//! by passing the folder as the first argument.

use std::path::PathBuf;

use maillage::access::Accessibility;
use maillage::load::Sources;
use maillage::map::{GapMap, InteractiveReport, Table, View};
use maillage::population::PopulationModel;
use maillage::read::read_territories;
use maillage::{CommuneSources, Coverage, FieldMap, Service, ServiceNetwork};

fn main() -> maillage::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("data/demo"));
    let out = PathBuf::from("out/demo");

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
    map.write(&view, out.join("gap_map.svg"))?;
    map.write(&view, out.join("gap_map.png"))?;

    // 6. The interactive report: every service on the map (switch between
    //    them), the totals, the legal test, and the ranked gaps.
    InteractiveReport::new("Val-de-Maille (synthetic demo): access to services")
        .note("Illustrative only: Val-de-Maille is invented (département 99), to show the services no open data lists — mediation, digital inclusion, Points Poste ESS.")
        .layer("communes", &by_commune)
        .layer("QPV", &by_qpv)
        .outlines(&departements)
        .view(view)
        .table(Table::coverage_summary(&by_commune))
        .table(Table::coverage_summary(&by_qpv))
        .table(Table::departements(&access))
        .table(Table::gaps(&by_qpv, Service::Mediation))
        .build()?
        .write(out.join("report.html"))?;
    println!("\nwrote out/demo/gap_map.svg, out/demo/gap_map.png and out/demo/report.html");
    Ok(())
}
