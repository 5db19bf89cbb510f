//! The `maillage` command: a thin layer over the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use maillage::read::{
    self, apply_assignments, read_assignments, read_communes, read_la_poste, read_partners,
};
use maillage::write::Features;
use maillage::{
    CommuneSources, Coverage, FieldMap, LoadReport, Rule, Service, ServiceNetwork, Territory,
    TerritoryKind,
};

#[derive(Parser)]
#[command(
    name = "maillage",
    version,
    about = "Coverage and gaps of the French postal network and its ESS partners"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Which territories are served by each service, how far the nearest point is, and the ranked gaps.
    Coverage(CoverageArgs),
}

#[derive(Args)]
struct CoverageArgs {
    /// La Poste points de contact CSV (2016 or current open-data layout).
    #[arg(long, value_name = "CSV")]
    points: PathBuf,
    /// Partner sites: France Services CSV, conseillers numériques GeoJSON, or a
    /// plain `id,name,latitude,longitude,services` CSV. Repeatable.
    #[arg(long, value_name = "FILE")]
    partners: Vec<PathBuf>,
    /// Programme assignments CSV (`site_id,service`): which offices host
    /// mediation, a Point Poste ESS or digital inclusion.
    #[arg(long, value_name = "CSV")]
    assignments: Option<PathBuf>,
    /// Territory polygons (GeoJSON, WGS84). Repeatable (e.g. two QPV files).
    #[arg(long, value_name = "GEOJSON")]
    territories: Vec<PathBuf>,
    /// Kind of the --territories (sets the default rule: qpv 500 m; commune,
    /// rural_zone 5 km; departement, custom: inside). Inferred from the id
    /// field when omitted (code_qp → qpv, insee_dep → departement, code_insee → commune).
    #[arg(long, value_name = "KIND")]
    kind: Option<TerritoryKind>,
    /// Property holding the territory id. Optional for --kind qpv and departement.
    #[arg(long, value_name = "FIELD")]
    id_field: Option<String>,
    /// Property holding the territory name.
    #[arg(long, value_name = "FIELD")]
    name_field: Option<String>,
    /// Property holding the territory population.
    #[arg(long, value_name = "FIELD")]
    population_field: Option<String>,
    /// Property holding the département code.
    #[arg(long, value_name = "FIELD")]
    departement_field: Option<String>,
    /// Commune polygons (e.g. communes_2018_simplified.geojson), as communes
    /// with current codes; combine with --commune-table and --frr.
    #[arg(long, value_name = "GEOJSON")]
    communes: Option<PathBuf>,
    /// Commune table with population and typologies (communes_france.csv).
    #[arg(long, value_name = "CSV", requires = "communes")]
    commune_table: Option<PathBuf>,
    /// FRR zoning table (frr_communes.csv).
    #[arg(long, value_name = "CSV", requires = "communes")]
    frr: Option<PathBuf>,
    /// Service to measure. Repeatable; default: postal.
    #[arg(long = "service", value_name = "SERVICE")]
    services: Vec<Service>,
    /// Served when a point lies within this many metres (overrides the per-kind defaults).
    #[arg(long, value_name = "METRES", conflicts_with = "inside")]
    radius_m: Option<f64>,
    /// Served only when a point lies inside the territory.
    #[arg(long)]
    inside: bool,
    /// Also write every result (not only gaps) as GeoJSON.
    #[arg(long)]
    all_geojson: bool,
    /// Also write the results as Parquet (built with the `polars` feature).
    #[cfg(feature = "polars")]
    #[arg(long)]
    parquet: bool,
    /// Output folder.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Coverage(args) => coverage(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("maillage: error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn infer_kind(id_field: Option<&str>) -> TerritoryKind {
    match id_field.map(maillage::read::text::normalize_key).as_deref() {
        Some("code_qp" | "code_quartier") => TerritoryKind::Qpv,
        Some("insee_dep" | "code_dep" | "code_departement") => TerritoryKind::Departement,
        Some("code_insee" | "insee_com" | "codgeo" | "code_insee_2026") => TerritoryKind::Commune,
        _ => TerritoryKind::Custom,
    }
}

fn field_map(args: &CoverageArgs) -> maillage::Result<FieldMap> {
    let kind = args
        .kind
        .unwrap_or_else(|| infer_kind(args.id_field.as_deref()));
    let preset = match kind {
        TerritoryKind::Qpv => Some(FieldMap::qpv()),
        TerritoryKind::Departement => Some(FieldMap::departements()),
        _ => None,
    };
    let mut map = match (&args.id_field, preset) {
        (Some(id), Some(mut p)) => {
            p.id = vec![id.clone()];
            p
        }
        (Some(id), None) => FieldMap::new(kind, id),
        (None, Some(p)) => p,
        (None, None) => {
            return Err(maillage::Error::InvalidArgument(format!(
                "--id-field is required for territories of kind {kind}"
            )));
        }
    };
    if let Some(f) = &args.name_field {
        map = map.name(f);
    }
    if let Some(f) = &args.population_field {
        map = map.population(f);
    }
    if let Some(f) = &args.departement_field {
        map = map.departement(f);
    }
    Ok(map)
}

fn show(report: &LoadReport) {
    eprintln!("{report}");
}

fn coverage(args: CoverageArgs) -> maillage::Result<()> {
    if args.territories.is_empty() && args.communes.is_none() {
        return Err(maillage::Error::InvalidArgument(
            "give territories with --territories <geojson> and/or --communes <geojson>".into(),
        ));
    }
    let rule = match (args.inside, args.radius_m) {
        (true, _) => Some(Rule::Inside),
        (false, Some(m)) => Some(Rule::WithinDistance(m).validate()?),
        (false, None) => None,
    };

    eprintln!("── loading");
    let (mut points, report) = read_la_poste(&args.points)?;
    show(&report);
    for path in &args.partners {
        let (partners, report) = read_partners(path)?;
        show(&report);
        points.extend(partners);
    }
    if let Some(path) = &args.assignments {
        let (assignments, report) = read_assignments(path)?;
        show(&report);
        show(&apply_assignments(&mut points, &assignments));
    }

    let mut territories: Vec<Territory> = Vec::new();
    if !args.territories.is_empty() {
        let fields = field_map(&args)?;
        for path in &args.territories {
            let (t, report) = read::read_territories(path, &fields)?;
            show(&report);
            territories.extend(t);
        }
    }
    if let Some(polygons) = &args.communes {
        let sources = CommuneSources {
            polygons: polygons.clone(),
            table: args.commune_table.clone(),
            frr: args.frr.clone(),
        };
        let (communes, reports) = read_communes(&sources)?;
        reports.iter().for_each(show);
        territories.extend(communes);
    }

    let services = if args.services.is_empty() {
        vec![Service::Postal]
    } else {
        args.services.clone()
    };
    let network = ServiceNetwork::new(points);
    for &s in &services {
        eprintln!("{} point(s) offer {s}", network.count(s));
    }
    let mut analysis = Coverage::new(&network, &territories).services(services.iter().copied());
    if let Some(rule) = rule {
        analysis = analysis.rule_all(rule);
    }
    let report = analysis.run()?;

    let coverage_csv = args.out.join("coverage.csv");
    let gaps_csv = args.out.join("gaps.csv");
    let gaps_geojson = args.out.join("gaps.geojson");
    report.write_csv(&coverage_csv)?;
    report.write_gaps_csv(&gaps_csv)?;
    report.write_geojson(&gaps_geojson, Features::Gaps)?;
    let mut written = vec![coverage_csv, gaps_csv, gaps_geojson];
    if args.all_geojson {
        let all = args.out.join("coverage.geojson");
        report.write_geojson(&all, Features::All)?;
        written.push(all);
    }

    #[cfg(feature = "polars")]
    if args.parquet {
        let path = args.out.join("coverage.parquet");
        report.write_parquet(&path)?;
        written.push(path);
    }

    println!("── summary");
    for s in report.summary() {
        println!("{s}");
    }
    for &service in report.services() {
        let gaps = report.gaps(service);
        if gaps.is_empty() {
            continue;
        }
        println!("── largest gaps for {service}");
        for (i, g) in gaps.iter().take(10).enumerate() {
            let pop = g
                .territory
                .population
                .map_or("?".to_owned(), |p| p.to_string());
            let nearest = match g.nearest {
                Some((p, d)) => format!("nearest {} at {:.0} m", p.id, d),
                None => "no point in this zone".to_owned(),
            };
            println!(
                "{:>3}. {} {} (pop. {pop}): {nearest}",
                i + 1,
                g.territory.id,
                g.territory.name
            );
        }
    }
    println!("── written");
    for path in written {
        println!("{}", path.display());
    }
    Ok(())
}
