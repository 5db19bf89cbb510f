//! From the demo territory to a gap map and a report — the README's main job.
//!
//! ```sh
//! cargo run --release --example gap_map
//! ```
//!
//! It reads the synthetic département in `data/demo/` (regenerate it with
//! `maillage demo --out data/demo`), measures which communes and QPV are
//! served, and writes `out/gap_map.svg`, `out/gap_map.png` and
//! `out/report.html`. Point it at another folder with the same file names
//! by passing the folder as the first argument.

use std::path::PathBuf;

use maillage::access::Accessibility;
use maillage::map::{GapMap, Table, View, html_report};
use maillage::population::PopulationModel;
use maillage::read::{
    apply_assignments, read_assignments, read_communes, read_la_poste, read_partner_csv,
    read_territories,
};
use maillage::{CommuneSources, Coverage, FieldMap, Service, ServiceNetwork};

fn main() -> maillage::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("data/demo"));
    let out = PathBuf::from("out");

    // 1. Where the services are: La Poste's points de contact, the partner
    //    sites, and which offices run which programme. Every reader says what
    //    it kept and what it skipped.
    let (mut points, report) = read_la_poste(dir.join("points.csv"))?;
    println!("{report}");
    let (partners, report) = read_partner_csv(dir.join("partners.csv"))?;
    println!("{report}");
    points.extend(partners);
    let (assignments, report) = read_assignments(dir.join("assignments.csv"))?;
    println!("{report}");
    println!("{}", apply_assignments(&mut points, &assignments));
    let network = ServiceNetwork::new(points);

    // 2. The territories: communes with their population, the QPV, the département.
    let sources = CommuneSources {
        polygons: dir.join("communes.geojson"),
        table: Some(dir.join("communes.csv")),
        frr: None,
    };
    let (communes, reports) = read_communes(&sources)?;
    reports.iter().for_each(|r| println!("{r}"));
    let (qpv, report) = read_territories(dir.join("qpv.geojson"), &FieldMap::qpv())?;
    println!("{report}");
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
    std::fs::create_dir_all(&out).map_err(|e| maillage::Error::Io {
        path: out.clone(),
        source: e,
    })?;
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
    let html = html_report(&map.title, &svg, &tables);
    std::fs::write(out.join("report.html"), html).map_err(|e| maillage::Error::Io {
        path: out.join("report.html"),
        source: e,
    })?;

    println!("\nwrote out/gap_map.svg, out/gap_map.png and out/report.html");
    Ok(())
}
