//! Loire: which QPV and rural communes are served by La Poste and by the
//! three programmes run with its social-economy partners — mediation,
//! Points Poste ESS, digital inclusion — and where the gaps are. The
//! README's main job, on real open data embedded in the repository.
//!
//! ```sh
//! cargo run --release --features map --bin gap_map
//! ```
//!
//! It reads `data/loire/` (an extract of the official files made by
//! `tools/extract/make_extract.py`: the département's 320 communes with
//! their population and rural classes, its 24 QPV of the 2024 list, and
//! the points de contact of mid-2025, France Services sites and lieux of
//! conseillers numériques (2022) within 30 km), derives which points de
//! contact host each programme from that open evidence, measures coverage
//! of the QPV (a 500 m walk) and of the rural communes (5 km) for every
//! service, applies the legal yardstick on a 200 m population grid, and
//! writes into `out/`: `gap_map.svg`/`.png` (postal), one map per programme
//! (`gap_map_mediation.svg`, …) and the interactive `report.html`.
//!
//! The same program runs on the full national files (`TerritoryFiles`
//! knows both sets of names): pass their folder and a département code, e.g.
//! `cargo run --release --features map --bin gap_map -- ../shared/data 13`.

use std::path::PathBuf;

use maillage::access::Accessibility;
use maillage::load::TerritoryFiles;
use maillage::map::{GapMap, InteractiveReport, Table, View};
use maillage::population::PopulationModel;
use maillage::programmes::{PROGRAMME_SERVICES, ProgrammeFiles};
use maillage::read::read_territories;
use maillage::{Coverage, FieldMap, Rule, Service, ServiceNetwork, Territory, TerritoryKind};

fn main() -> maillage::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .map_or_else(|| PathBuf::from("data/loire"), PathBuf::from);
    let dep = args.next().unwrap_or_else(|| "42".to_owned());
    let out = PathBuf::from("out");

    // 1. The points (La Poste's points de contact, France Services sites,
    //    conseillers numériques structures and the lieux where they worked)
    //    and the territories (QPV of the 2024 list; communes with
    //    population, density and FRR class). Every file's load report says
    //    what it kept and what it skipped.
    let files = TerritoryFiles::in_dir(&dir);
    let mut sources = files.sources();
    if let Some(lieux) = &files.lieux {
        sources = sources.partners(lieux);
    }
    let inputs = sources.load()?;
    inputs.reports.iter().for_each(|r| println!("{r}"));
    let in_dep = |t: &Territory| t.departement.as_deref() == Some(dep.as_str());
    let qpv: Vec<_> = inputs.territories.into_iter().filter(in_dep).collect();
    let communes: Vec<_> = inputs.communes.into_iter().filter(in_dep).collect();
    let rural: Vec<_> = communes
        .iter()
        .filter(|c| c.density.is_some_and(|d| d.is_rural()))
        .cloned()
        .collect();

    // 2. The programmes' hosts, from open evidence: lieux hosted by La Poste
    //    (digital inclusion), relais poste whose label names an ESS host
    //    (Points Poste ESS), Pimms and other mediation partners in the same
    //    building as a point de contact (mediation). The partners offer
    //    their service on their own too.
    let programmes = ProgrammeFiles::of_territory(&files).run()?;
    print!("\n{programmes}");
    let mut points = inputs.points;
    programmes.apply(&mut points);
    programmes.mark_partners(&mut points);
    let network = ServiceNetwork::new(points);
    let evidence = programmes.network_evidence(&network);
    let (departements, _) = read_territories(&files.departements, &FieldMap::departements())?;
    let departements: Vec<_> = departements.into_iter().filter(|d| d.id == dep).collect();

    // 3. Coverage of every service: a rural commune is served when a site
    //    lies within 5 km, a QPV within 500 m (a walk). A service no site
    //    offers is "no data", never a gap.
    let by_rural = Coverage::new(&network, &rural)
        .services(Service::ALL)
        .rule(TerritoryKind::Commune, Rule::WithinDistance(5_000.0))
        .evidence(evidence.clone())
        .run()?;
    let by_qpv = Coverage::new(&network, &qpv)
        .services(Service::ALL)
        .rule(TerritoryKind::Qpv, Rule::WithinDistance(500.0))
        .evidence(evidence)
        .run()?;
    println!("\nrural communes (INSEE density levels 5-7), 5 km:");
    by_rural.summary().iter().for_each(|s| println!("  {s}"));
    println!("QPV of the 2024 list, 500 m:");
    by_qpv.summary().iter().for_each(|s| println!("  {s}"));

    // 4. The legal yardstick on a 200 m population grid: the share of the
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

    // 5. The static maps: rural communes by distance to the nearest site,
    //    QPV outlined with their 500 m walk; one for postal service and one
    //    per programme.
    let view = View::Departement(dep.clone());
    let mut written = Vec::new();
    for service in std::iter::once(Service::Postal).chain(PROGRAMME_SERVICES) {
        let mut map = GapMap::from_coverage(&by_rural, service)
            .with_outlines(&departements)
            .with_outlines(&qpv)
            .with_buffers(&qpv, 500.0)
            .with_points(network.points(), service);
        map.title = format!("Département {dep}: rural communes within 5 km of {service}");
        let name = match service {
            Service::Postal => "gap_map".to_owned(),
            s => format!("gap_map_{s}"),
        };
        for ext in ["svg", "png"] {
            let path = out.join(format!("{name}.{ext}"));
            map.write(&view, &path)?;
            written.push(path);
        }
    }

    // 6. The interactive report: switch services, hover or click a
    //    territory, search, sort and filter the tables.
    let mut report =
        InteractiveReport::new(format!("Département {dep}: La Poste and its programmes"))
            .note("Real open data: La Poste points de contact (mid-2025), France Services (August 2024), conseillers numériques structures (2021) and the lieux where they worked (2022), QPV of the 2024 list (ANCT), communes (IGN Admin Express, INSEE populations 2022, ANCT density and FRR classes). Licence Ouverte 2.0.");
    for line in Service::ALL.iter().filter_map(|&s| by_qpv.evidence(s)) {
        report = report.note(line.to_string());
    }
    report
        .layer("rural communes", &by_rural)
        .layer("QPV", &by_qpv)
        // Faint context: every commune (the urban ones are not a layer) and
        // the département.
        .outlines(&communes)
        .outlines(&departements)
        .view(view)
        .table(Table::coverage_summary(&by_rural))
        .table(Table::coverage_summary(&by_qpv))
        .table(Table::departements(&access))
        .table(Table::gaps(&by_qpv, Service::Mediation))
        .table(Table::gaps(&by_rural, Service::DigitalInclusion))
        .build()?
        .write(out.join("report.html"))?;
    written.push(out.join("report.html"));

    println!();
    for path in written {
        println!("wrote {}", path.display());
    }
    Ok(())
}
