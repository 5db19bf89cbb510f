//! The `maillage` command: a thin layer over the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use maillage::access::{Accessibility, Combine};
use maillage::population::PopulationModel;
use maillage::read::{
    self, apply_assignments, read_assignments, read_communes, read_la_poste, read_partners,
};
use maillage::travel::{RoadTravelTime, SpeedTable};
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
    /// Population-weighted accessibility per département: the legal 5 km / 20 min and 10 km tests.
    Access(AccessArgs),
    /// Draws a gap map (SVG, PNG or HTML) from the output folder of `coverage`.
    Map(MapArgs),
    /// Writes the synthetic demo territory (the files of data/demo/).
    Demo {
        /// Generator seed (data/demo/ uses the default).
        #[arg(long, default_value_t = maillage::demo::DEFAULT_SEED)]
        seed: u64,
        /// Output folder.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

#[derive(Args)]
struct MapArgs {
    /// Output folder of `maillage coverage` (reads coverage.geojson, written with
    /// --all-geojson, else gaps.geojson).
    #[arg(long, value_name = "DIR")]
    coverage: PathBuf,
    /// Outlines to draw over the map (e.g. departements_2025.geojson). Repeatable.
    #[arg(long, value_name = "GEOJSON")]
    territories: Vec<PathBuf>,
    /// Points to draw (a La Poste points de contact CSV).
    #[arg(long, value_name = "CSV")]
    points: Option<PathBuf>,
    /// Service to map (default: the first in the file).
    #[arg(long, value_name = "SERVICE")]
    service: Option<Service>,
    /// national, dep:<code> or bbox:<min lon>,<min lat>,<max lon>,<max lat>.
    #[arg(long, default_value = "national")]
    view: String,
    /// Map title.
    #[arg(long)]
    title: Option<String>,
    /// Output file: .svg, .png or .html.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

#[derive(Args)]
struct AccessArgs {
    #[command(flatten)]
    sites: SiteArgs,
    /// Commune polygons (GeoJSON, WGS84; `code_insee_2026` or `code_insee`).
    #[arg(long, value_name = "GEOJSON")]
    communes: PathBuf,
    /// Commune table with `code_insee`, `population`, `dep` (communes_france.csv).
    #[arg(long, value_name = "CSV")]
    population: PathBuf,
    /// FRR zoning table, to carry FRR classes into communes.csv.
    #[arg(long, value_name = "CSV")]
    frr: Option<PathBuf>,
    /// Population model: centroid, grid, grid:<metres>, or filosofi:<csv>.
    #[arg(long, value_name = "MODEL", default_value = "centroid")]
    model: String,
    /// Service measured (default postal).
    #[arg(long, value_name = "SERVICE", default_value = "postal")]
    service: Service,
    /// Distance threshold in metres.
    #[arg(long, value_name = "METRES", default_value_t = 5000.0)]
    radius_m: f64,
    /// Time threshold in minutes (measures travel time: on --roads, else crow-flies estimate).
    #[arg(long, value_name = "MINUTES")]
    minutes: Option<f64>,
    /// OpenStreetMap extract (.osm.pbf) for road travel times.
    #[arg(long, value_name = "PBF", requires = "minutes")]
    roads: Option<PathBuf>,
    /// How distance and time combine: and (both exceeded) or or (either).
    #[arg(long, value_name = "and|or", default_value = "and")]
    combine: Combine,
    /// Also total the population by these territories (e.g. QPV polygons).
    #[arg(long, value_name = "GEOJSON")]
    by: Vec<PathBuf>,
    /// Id property of the --by territories (QPV fields are known).
    #[arg(long, value_name = "FIELD")]
    by_id_field: Option<String>,
    /// Output folder.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

/// Where the services are: the arguments `coverage` and `access` share.
#[derive(Args)]
struct SiteArgs {
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
}

#[derive(Args)]
struct CoverageArgs {
    #[command(flatten)]
    sites: SiteArgs,
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
        Command::Access(args) => access(args),
        Command::Map(args) => map(args),
        Command::Demo { seed, out } => maillage::demo::generate(seed).write(&out).map(|()| {
            println!(
                "wrote the demo territory (seed {seed}) to {}",
                out.display()
            );
        }),
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

/// Loads La Poste points, partners and assignments into one list.
fn load_points(sites: &SiteArgs) -> maillage::Result<Vec<maillage::ServicePoint>> {
    let (mut all, report) = read_la_poste(&sites.points)?;
    show(&report);
    for path in &sites.partners {
        let (p, report) = read_partners(path)?;
        show(&report);
        all.extend(p);
    }
    if let Some(path) = &sites.assignments {
        let (a, report) = read_assignments(path)?;
        show(&report);
        show(&apply_assignments(&mut all, &a));
    }
    Ok(all)
}

fn access(args: AccessArgs) -> maillage::Result<()> {
    eprintln!("── loading");
    let points = load_points(&args.sites)?;
    let sources = CommuneSources {
        polygons: args.communes.clone(),
        table: Some(args.population.clone()),
        frr: args.frr.clone(),
    };
    let (communes, reports) = read_communes(&sources)?;
    reports.iter().for_each(show);
    let model = match args.model.split_once(':') {
        None if args.model == "centroid" => PopulationModel::Centroid,
        None if args.model == "grid" => PopulationModel::grid(),
        Some(("grid", m)) => PopulationModel::Grid {
            cell_m: m.parse().map_err(|_| {
                maillage::Error::InvalidArgument(format!(
                    "--model grid:<metres>: {m:?} is not a number"
                ))
            })?,
        },
        Some(("filosofi", path)) => {
            let (units, report) = read::read_filosofi(path, &communes)?;
            show(&report);
            PopulationModel::units(units)
        }
        _ => {
            return Err(maillage::Error::InvalidArgument(format!(
                "--model takes centroid, grid, grid:<metres> or filosofi:<csv>, not {:?}",
                args.model
            )));
        }
    };
    let mut by = Vec::new();
    if !args.by.is_empty() {
        let fields = match &args.by_id_field {
            Some(id) => FieldMap::new(infer_kind(Some(id)), id),
            None => FieldMap::qpv(),
        };
        for path in &args.by {
            let (t, report) = read::read_territories(path, &fields)?;
            show(&report);
            by.extend(t);
        }
    }
    let network = ServiceNetwork::new(points);
    let roads = match &args.roads {
        Some(path) => {
            let (roads, report) = read::read_roads(path, &SpeedTable::default())?;
            show(&report);
            Some(roads)
        }
        None => None,
    };
    let road_times = roads
        .as_ref()
        .map(|r| RoadTravelTime::new(r, &network, args.service));

    let mut analysis = Accessibility::new(&network, &communes, &model)
        .service(args.service)
        .distance_m(args.radius_m)
        .combine(args.combine);
    if let Some(m) = args.minutes {
        analysis = analysis.minutes(m);
    }
    if let Some(t) = &road_times {
        analysis = analysis.travel_time(t);
    }
    if !by.is_empty() {
        analysis = analysis.also_by(&by);
    }
    let report = analysis.run()?;

    let deps_csv = args.out.join("departements.csv");
    let communes_csv = args.out.join("communes.csv");
    report.write_departements_csv(&deps_csv)?;
    report.write_territories_csv(&communes_csv, false)?;
    let mut written = vec![deps_csv, communes_csv];
    if !by.is_empty() {
        let path = args.out.join("territories.csv");
        report.write_territories_csv(&path, true)?;
        written.push(path);
    }

    let t = report.thresholds();
    let rule = match t.minutes {
        None => format!("farther than {} m", t.distance_m),
        Some(m) => format!(
            "farther than {} m {} {} min",
            t.distance_m,
            if t.combine == Combine::And {
                "and"
            } else {
                "or"
            },
            m
        ),
    };
    println!(
        "── accessibility to {} ({}), population: {}",
        report.service(),
        rule,
        report.model_label()
    );
    if let Some(label) = report.travel_label() {
        println!("travel time: {label}");
    }
    let deps = report.by_departement();
    let failing: Vec<_> = deps.iter().filter(|d| !d.law_compliant).collect();
    println!(
        "── départements with more than {:.0} % of their population beyond",
        100.0 * t.max_share_beyond
    );
    for d in &failing {
        println!(
            "{:>4}: {:5.1} % beyond ({:.0} of {:.0})",
            d.code,
            100.0 * d.totals.share_beyond(),
            d.totals.beyond,
            d.totals.population
        );
    }
    let decree_failing: Vec<&str> = deps
        .iter()
        .filter(|d| !d.decree_compliant)
        .map(|d| d.code.as_str())
        .collect();
    let n = report.national();
    println!(
        "France: population {:.0}, beyond {:.0} ({:.2} %); {} of {} départements over {:.0} %; within {} km: {:.2} % (decree {}: {}); départements under {:.0} % within {} km: {}",
        n.population,
        n.beyond,
        100.0 * n.share_beyond(),
        failing.len(),
        deps.len(),
        100.0 * t.max_share_beyond,
        t.decree_distance_m / 1000.0,
        100.0 * n.share_within_decree(),
        100.0 * t.min_national_share_within_decree,
        if report.national_decree_compliant() {
            "met"
        } else {
            "not met"
        },
        100.0 * t.min_share_within_decree,
        t.decree_distance_m / 1000.0,
        if decree_failing.is_empty() {
            "none".to_owned()
        } else {
            decree_failing.join(", ")
        }
    );
    if let Some(mean) = n.mean_snap_m() {
        println!(
            "road snaps of homes: population-weighted mean {mean:.0} m, largest {:.0} m, for {:.0} inhabitants timed on the roads",
            n.max_snap_m, n.snapped
        );
    }
    if n.time_estimated > 0.0 {
        println!(
            "travel time estimated crow-flies for {:.0} inhabitants outside the road extract",
            n.time_estimated
        );
    }
    println!("── written");
    for path in written {
        println!("{}", path.display());
    }
    Ok(())
}

fn map(args: MapArgs) -> maillage::Result<()> {
    let all = args.coverage.join("coverage.geojson");
    let source = if all.is_file() {
        all
    } else {
        args.coverage.join("gaps.geojson")
    };
    let view = maillage::map::View::parse(&args.view)?;
    let (mut map, report) = maillage::map::GapMap::from_coverage_geojson(&source, args.service)?;
    show(&report);
    let mut outlines = Vec::new();
    for path in &args.territories {
        let mut fields = FieldMap::departements();
        fields.kind = TerritoryKind::Custom;
        fields
            .id
            .extend(["code_qp", "id", "nom", "name"].map(String::from));
        let (t, report) = read::read_territories(path, &fields)?;
        show(&report);
        outlines.extend(t);
    }
    if let Some(path) = &args.points {
        let (points, report) = read_la_poste(path)?;
        show(&report);
        map.points = points
            .iter()
            .map(|p| maillage::map::MapPoint {
                zone: p.zone,
                xy: p.xy,
                kind: p.kind,
            })
            .collect();
    }
    let mut map = map.with_outlines(&outlines);
    if let Some(t) = args.title {
        map.title = t;
    }
    map.write(&view, &args.out)?;
    println!("wrote {}", args.out.display());
    Ok(())
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
    let points = load_points(&args.sites)?;

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
