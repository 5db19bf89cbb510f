//! Bouches-du-Rhône: which communes and QPV are served, and where the gaps
//! are — the README's main job, on real open data embedded in the repository.
//!
//! ```sh
//! cargo run --release --features map --example gap_map
//! ```
//!
//! It reads `data/bouches-du-rhone/` (an extract of the official files made
//! by `tools/extract/make_extract.py`: the département's 119 communes with
//! their population, its 71 QPV of the 2024 list, and the points de contact
//! of mid-2025, France Services sites and conseillers numériques within
//! 30 km), measures coverage for three services, applies the legal
//! yardstick on a 200 m population grid, and writes `out/gap_map.svg`,
//! `out/gap_map.png` and the interactive `out/report.html`.
//!
//! The same program runs on the full national files (`TerritoryFiles`
//! knows both sets of names): pass their folder and a département code, e.g.
//! `cargo run --release --features map --example gap_map -- ../shared/data 31`.

use std::path::PathBuf;

use maillage::access::Accessibility;
use maillage::load::TerritoryFiles;
use maillage::map::{GapMap, InteractiveReport, Table, View};
use maillage::population::PopulationModel;
use maillage::read::read_territories;
use maillage::{Coverage, FieldMap, Rule, Service, ServiceNetwork, TerritoryKind};

fn main() -> maillage::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .map_or_else(|| PathBuf::from("data/bouches-du-rhone"), PathBuf::from);
    let dep = args.next().unwrap_or_else(|| "13".to_owned());
    let out = PathBuf::from("out");

    // 1. The points (La Poste's points de contact, France Services sites,
    //    conseillers numériques structures) and the territories (QPV of the
    //    2024 list; communes with population, density and FRR class). Every
    //    file's load report says what it kept and what it skipped.
    let files = TerritoryFiles::in_dir(&dir);
    let inputs = files.sources().load()?;
    inputs.reports.iter().for_each(|r| println!("{r}"));
    let in_dep = |t: &maillage::Territory| t.departement.as_deref() == Some(dep.as_str());
    let qpv: Vec<_> = inputs.territories.into_iter().filter(in_dep).collect();
    let communes: Vec<_> = inputs.communes.into_iter().filter(in_dep).collect();
    let network = ServiceNetwork::new(inputs.points);
    let (departements, _) = read_territories(&files.departements, &FieldMap::departements())?;
    let departements: Vec<_> = departements.into_iter().filter(|d| d.id == dep).collect();

    // 2. Coverage: a commune is served when a point lies within 5 km, a QPV
    //    within 500 m (a walk).
    let services = [
        Service::Postal,
        Service::FranceServices,
        Service::DigitalInclusion,
    ];
    let by_commune = Coverage::new(&network, &communes)
        .services(services)
        .rule(TerritoryKind::Commune, Rule::WithinDistance(5_000.0))
        .run()?;
    let by_qpv = Coverage::new(&network, &qpv)
        .services(services)
        .rule(TerritoryKind::Qpv, Rule::WithinDistance(500.0))
        .run()?;
    println!();
    for s in by_commune.summary().iter().chain(by_qpv.summary().iter()) {
        println!("{s}");
    }

    // 3. The legal yardstick on a 200 m population grid: the share of the
    //    département's population farther than 5 km and 20 minutes from a
    //    point de contact (at most 10 %), and within 10 km (at least 95 %).
    let grid = PopulationModel::grid();
    let access = Accessibility::new(&network, &communes, &grid)
        .minutes(20.0)
        .run()?;
    for d in access.by_departement() {
        println!(
            "\ndépartement {}: {:.2} % beyond 5 km and 20 min (law: {}), {:.2} % within 10 km (decree: {})",
            d.code,
            100.0 * d.totals.share_beyond(),
            if d.law_compliant { "met" } else { "NOT MET" },
            100.0 * d.totals.share_within_decree(),
            if d.decree_compliant { "met" } else { "NOT MET" },
        );
    }

    // 4. The static map: communes by distance to the nearest point de
    //    contact, QPV outlined with their 500 m walk, largest gaps labelled.
    let view = View::Departement(dep.clone());
    let mut map = GapMap::from_coverage(&by_commune, Service::Postal)
        .with_outlines(&departements)
        .with_outlines(&qpv)
        .with_buffers(&qpv, 500.0);
    map.title = format!("Département {dep}: access to a point de contact (La Poste, 2025)");
    map.write(&view, out.join("gap_map.svg"))?;
    map.write(&view, out.join("gap_map.png"))?;

    // 5. The interactive report: switch services, hover or click a
    //    territory, search, sort and filter the tables.
    InteractiveReport::new(format!("Département {dep}: access to postal and public services"))
        .note("Real open data: La Poste points de contact (mid-2025), France Services (August 2024), conseillers numériques structures (2021–2022), QPV of the 2024 list (ANCT), communes (IGN Admin Express, INSEE populations 2022). Licence Ouverte 2.0.")
        .note("Not shown: mediation, Points Poste ESS and La Poste's digital-inclusion offices, which no open data lists ('digital inclusion' here is the conseillers numériques structures). The synthetic demo illustrates them: cargo run --release --features map --example demo_map.")
        .layer("communes", &by_commune)
        .layer("QPV", &by_qpv)
        .outlines(&departements)
        .view(view)
        .table(Table::coverage_summary(&by_commune))
        .table(Table::coverage_summary(&by_qpv))
        .table(Table::departements(&access))
        .table(Table::gaps(&by_qpv, Service::Postal))
        .build()?
        .write(out.join("report.html"))?;

    println!("\nwrote out/gap_map.svg, out/gap_map.png and out/report.html");
    Ok(())
}
