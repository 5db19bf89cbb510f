//! The `maillage` command: a thin layer over the library.

// mimalloc: reading allocates many small vectors from every thread, which
// the system allocator serves more slowly (README, "Performance").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use maillage::access::{Accessibility, Combine};
use maillage::command::compare;
use maillage::compare::{Change, SiteChange};
use maillage::load::{PopulationSpec, Sources};
use maillage::map::{GapMap, InteractiveReport, Table, View};
use maillage::plan::{CandidateSpec, Weight};
use maillage::read::{self, CommuneSources, FieldMap};
use maillage::travel::{RoadTravelTime, SpeedTable};
use maillage::write::Features;
use maillage::{Coverage, Crs, LoadReport, Rule, Service, ServiceNetwork, TerritoryKind};

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
    /// What changed between two runs of `coverage`, and/or between two networks of sites.
    Compare(CompareArgs),
    /// Where the next sites should go: maximal coverage, a target share, or
    /// compliance with the law per département; what closing a site costs.
    Plan(PlanArgs),
    /// Which points de contact host mediation, Points Poste ESS and digital
    /// inclusion, derived from open data (programmes.csv, a valid --assignments file).
    Programmes(ProgrammesArgs),
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
struct ProgrammesArgs {
    /// La Poste points de contact CSV.
    #[arg(long, value_name = "CSV")]
    points: PathBuf,
    /// Partner files: lieux de médiation numérique (CSV or JSON), France
    /// Services, any partner layout. Repeatable.
    #[arg(long, value_name = "FILE")]
    partners: Vec<PathBuf>,
    /// The user's `site_id,service` list: overrides and extends the derived hosts.
    #[arg(long, value_name = "CSV")]
    assignments: Option<PathBuf>,
    /// Rules file read on top of the built-in rules (`maillage::programmes::DEFAULT_RULES`).
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,
    /// Commune table with centroids (communes_france.csv): lieux without
    /// coordinates are placed at their commune's centroid.
    #[arg(long, value_name = "CSV")]
    commune_centroids: Option<PathBuf>,
    /// Output folder (programmes.csv, programmes_report.json).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

#[derive(Args)]
struct PlanArgs {
    #[command(flatten)]
    sites: SiteArgs,
    /// Territories as demand (QPV, communes, any polygons). Repeatable.
    #[arg(long, value_name = "GEOJSON", conflicts_with = "population")]
    territories: Vec<PathBuf>,
    /// Kind of the --territories (inferred from --id-field when omitted).
    #[arg(long, value_name = "KIND")]
    kind: Option<TerritoryKind>,
    /// CRS of the --territories files that do not declare theirs (a GeoJSON
    /// without `crs`, a Shapefile without `.prj`), e.g. `EPSG:2154`.
    #[arg(long, value_name = "EPSG:<code>", value_parser = Crs::parse)]
    crs: Option<Crs>,
    /// Layer of the --territories files that hold several (a GeoPackage).
    #[arg(long, value_name = "NAME")]
    layer: Option<String>,
    /// Property holding the territory id (optional for QPV and départements).
    #[arg(long, value_name = "FIELD")]
    id_field: Option<String>,
    /// Commune polygons (any format --territories reads): the demand's
    /// population (with --population) and the `communes` or `grid:`
    /// candidates.
    #[arg(long, value_name = "FILE")]
    communes: Option<PathBuf>,
    #[command(flatten)]
    commune_file: CommuneFileArgs,
    /// Commune table with population: the demand is the population, placed by --model.
    #[arg(long, value_name = "CSV", requires = "communes")]
    population: Option<PathBuf>,
    /// Population model of --population: centroid, grid (the default),
    /// grid:<metres>, or filosofi:<csv>.
    #[arg(long, value_name = "MODEL", requires = "population")]
    model: Option<PopulationSpec>,
    /// Population table joined to the --territories (e.g. QPV populations).
    #[arg(long, value_name = "CSV", requires = "territories")]
    population_table: Option<PathBuf>,
    /// Column of the population table holding the territory id.
    #[arg(
        long,
        value_name = "COLUMN",
        default_value = "code_qp",
        requires = "population_table"
    )]
    population_id: String,
    /// Column of the population table holding the population.
    #[arg(
        long,
        value_name = "COLUMN",
        default_value = "population",
        requires = "population_table"
    )]
    population_column: String,
    /// The service planned.
    #[arg(long, value_name = "SERVICE")]
    service: Service,
    /// Candidates: point kinds (bureau_de_poste[,agence_postale_communale...]),
    /// a CSV of sites, communes, or grid:<metres>.
    #[arg(long, value_name = "CANDIDATES")]
    candidates: CandidateSpec,
    /// Add this many sites, reaching the most demand.
    #[arg(long, value_name = "K", group = "goal")]
    add: Option<usize>,
    /// Add sites until this share (0–1] of the demand is reached.
    #[arg(long, value_name = "SHARE", group = "goal")]
    target_share: Option<f64>,
    /// For every département failing the law (more than 10 % beyond), the
    /// fewest sites that bring it back.
    #[arg(long, group = "goal")]
    comply: bool,
    /// Sites closed before planning (a CSV whose first column, or `site_id`, holds ids).
    #[arg(long, value_name = "CSV")]
    close: Option<PathBuf>,
    /// Reach in metres (default: 500 for QPV, 5,000 otherwise).
    #[arg(long, value_name = "METRES")]
    radius_m: Option<f64>,
    /// Reach in car minutes too (crow-flies estimate).
    #[arg(long, value_name = "MINUTES")]
    minutes: Option<f64>,
    /// How distance and minutes combine: and (beyond both) or or (beyond either).
    #[arg(
        long,
        value_name = "and|or",
        default_value = "and",
        requires = "minutes"
    )]
    combine: Option<Combine>,
    /// Weight of the --territories (population by default; a --population
    /// demand weighs by population).
    #[arg(long, value_name = "WEIGHT", conflicts_with = "population")]
    weight: Option<Weight>,
    /// Also solve exactly with a MILP solver, within this many seconds
    /// (> 0, at most 30 days; --add only). If the solver stops first, the
    /// greedy plan and its bound are written with the solver's status.
    #[cfg(feature = "exact")]
    #[arg(long, value_name = "SECONDS", conflicts_with_all = ["target_share", "comply"])]
    exact: Option<f64>,
    /// Also write the chosen sites as GeoParquet points (`sites.parquet`;
    /// built with the `geoparquet` feature).
    #[cfg(feature = "geoparquet")]
    #[arg(long, conflicts_with = "comply")]
    geoparquet: bool,
    /// Output folder.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

#[derive(Args)]
struct CompareArgs {
    /// Output folder of the earlier `coverage` run.
    #[arg(long, value_name = "DIR", requires = "after")]
    before: Option<PathBuf>,
    /// Output folder of the later `coverage` run.
    #[arg(long, value_name = "DIR", requires = "before")]
    after: Option<PathBuf>,
    /// The earlier network (La Poste points de contact or a partner file).
    #[arg(long, value_name = "FILE", requires = "points_after")]
    points_before: Option<PathBuf>,
    /// The later network.
    #[arg(long, value_name = "FILE", requires = "points_before")]
    points_after: Option<PathBuf>,
    /// Sites farther apart than this have moved; sites with different ids
    /// closer than this are matched by position.
    #[arg(long, value_name = "METRES", default_value_t = 100.0)]
    tolerance_m: f64,
    /// View of the change maps: national, dep:<code> or bbox:<...>.
    #[arg(long, default_value = "national")]
    view: View,
    /// Output folder.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
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
    view: View,
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
    /// Commune polygons (GeoJSON, Shapefile, GeoPackage or GeoParquet;
    /// `code_insee_2026`, `code_insee` or `insee_com`).
    #[arg(long, value_name = "FILE")]
    communes: PathBuf,
    #[command(flatten)]
    commune_file: CommuneFileArgs,
    /// Commune table with `code_insee`, `population`, `dep` (communes_france.csv).
    #[arg(long, value_name = "CSV")]
    population: PathBuf,
    /// FRR zoning table, to carry FRR classes into communes.csv.
    #[arg(long, value_name = "CSV")]
    frr: Option<PathBuf>,
    /// Population model: centroid, grid, grid:<metres>, or filosofi:<csv>.
    #[arg(long, value_name = "MODEL", default_value = "centroid")]
    model: PopulationSpec,
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
    #[arg(
        long,
        value_name = "and|or",
        default_value = "and",
        requires = "minutes"
    )]
    combine: Option<Combine>,
    /// Also total the population by these territories (e.g. QPV polygons).
    #[arg(long, value_name = "GEOJSON")]
    by: Vec<PathBuf>,
    /// Id property of the --by territories (QPV fields are known).
    #[arg(long, value_name = "FIELD")]
    by_id_field: Option<String>,
    /// Also write the communes' results with their polygons as GeoParquet
    /// (`communes.parquet`; built with the `geoparquet` feature).
    #[cfg(feature = "geoparquet")]
    #[arg(long)]
    geoparquet: bool,
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

/// How to read commune polygons given in a file that does not say it all.
#[derive(Args)]
struct CommuneFileArgs {
    /// CRS of the --communes polygons when the file does not declare it.
    #[arg(long, value_name = "EPSG:<code>", value_parser = Crs::parse)]
    communes_crs: Option<Crs>,
    /// Layer of the --communes file when it holds several (ADMIN EXPRESS's
    /// GeoPackage: COMMUNE).
    #[arg(long, value_name = "NAME")]
    communes_layer: Option<String>,
}

impl CommuneFileArgs {
    /// The commune sources of `polygons`, read as these arguments say.
    fn sources(&self, polygons: &Path) -> CommuneSources {
        let mut communes = CommuneSources::new(polygons);
        communes.crs = self.communes_crs;
        communes.layer.clone_from(&self.communes_layer);
        communes
    }
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
    /// CRS of the --territories files that do not declare theirs (a GeoJSON
    /// without `crs`, a Shapefile without `.prj`), e.g. `EPSG:2154`.
    #[arg(long, value_name = "EPSG:<code>", value_parser = Crs::parse)]
    crs: Option<Crs>,
    /// Layer of the --territories files that hold several (a GeoPackage).
    #[arg(long, value_name = "NAME")]
    layer: Option<String>,
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
    /// Population table joined to the --territories (e.g. QPV populations).
    #[arg(long, value_name = "CSV", requires = "territories")]
    population_table: Option<PathBuf>,
    /// Column of the population table holding the territory id.
    #[arg(
        long,
        value_name = "COLUMN",
        default_value = "code_qp",
        requires = "population_table"
    )]
    population_id: String,
    /// Column of the population table holding the population.
    #[arg(
        long,
        value_name = "COLUMN",
        default_value = "population",
        requires = "population_table"
    )]
    population_column: String,
    /// Commune polygons (e.g. communes_2018_simplified.geojson, or ADMIN
    /// EXPRESS as a Shapefile or GeoPackage), as communes with current
    /// codes; combine with --commune-table and --frr.
    #[arg(long, value_name = "FILE")]
    communes: Option<PathBuf>,
    #[command(flatten)]
    commune_file: CommuneFileArgs,
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
    /// Also write the results as GeoParquet (`coverage.parquet` with every
    /// result's geometry, `gaps.parquet`; built with the `geoparquet` feature).
    #[cfg(feature = "geoparquet")]
    #[arg(long)]
    geoparquet: bool,
    /// Part of France drawn in report.html: `national`, `dep:<code>` or
    /// `bbox:<min lon>,<min lat>,<max lon>,<max lat>`.
    #[arg(long, value_name = "VIEW", default_value = "national", value_parser = View::parse)]
    view: View,
    /// Outlines drawn over report.html's map (e.g. the départements); repeatable.
    #[arg(long = "outlines", value_name = "GEOJSON")]
    outlines: Vec<PathBuf>,
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
        Command::Compare(args) => compare(args),
        Command::Plan(args) => plan(args),
        Command::Programmes(args) => programmes(args),
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

impl SiteArgs {
    fn sources(&self) -> Sources {
        let mut sources = Sources::new().points(&self.points);
        for p in &self.partners {
            sources = sources.partners(p);
        }
        if let Some(a) = &self.assignments {
            sources = sources.assignments(a);
        }
        sources
    }

    fn inputs(&self) -> impl Iterator<Item = &PathBuf> {
        std::iter::once(&self.points)
            .chain(&self.partners)
            .chain(&self.assignments)
    }
}

/// A spinner with the step's name and elapsed time on stderr while a long
/// step runs (national reading, grids, planning). Drawn only when stderr is
/// a terminal, so that logs, pipes and tests stay clean.
struct Progress(indicatif::ProgressBar);

impl Progress {
    fn start(step: &str) -> Progress {
        use std::io::IsTerminal;
        let bar = if std::io::stderr().is_terminal() {
            let bar = indicatif::ProgressBar::new_spinner();
            if let Ok(style) =
                indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            {
                bar.set_style(style);
            }
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        } else {
            indicatif::ProgressBar::hidden()
        };
        bar.set_message(step.to_owned());
        Progress(bar)
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}

/// The field mapping of `--territories` files: kind and id field, and the
/// CRS and layer for files that do not say.
fn territory_fields(
    kind: Option<TerritoryKind>,
    id_field: Option<&str>,
    crs: Option<Crs>,
    layer: Option<&str>,
) -> maillage::Result<FieldMap> {
    let mut fields = FieldMap::for_kind(kind, id_field)?;
    if let Some(crs) = crs {
        fields = fields.crs(crs);
    }
    if let Some(layer) = layer {
        fields = fields.layer(layer);
    }
    Ok(fields)
}

fn show(reports: &[LoadReport]) {
    for r in reports {
        eprintln!("{r}");
    }
}

/// Refuses an output folder that is an existing file or holds an input,
/// before any work is done.
fn check_out<'p>(
    out: &Path,
    inputs: impl IntoIterator<Item = &'p PathBuf>,
) -> maillage::Result<()> {
    if out.exists() && !out.is_dir() {
        return Err(maillage::Error::Invalid {
            what: "output folder",
            message: format!("{} exists and is not a folder", out.display()),
        });
    }
    let Ok(out) = out.canonicalize() else {
        return Ok(()); // not created yet: it holds nothing
    };
    for input in inputs {
        if input.canonicalize().is_ok_and(|i| i.starts_with(&out)) {
            return Err(maillage::Error::Invalid {
                what: "output folder",
                message: format!(
                    "{} holds the input {}: its outputs could overwrite it",
                    out.display(),
                    input.display()
                ),
            });
        }
    }
    Ok(())
}

fn access(args: AccessArgs) -> maillage::Result<()> {
    let inputs: Vec<&PathBuf> = args
        .sites
        .inputs()
        .chain([&args.communes, &args.population])
        .chain(&args.frr)
        .chain(&args.by)
        .chain(&args.roads)
        .collect();
    check_out(&args.out, inputs)?;
    eprintln!("── loading");
    let mut communes = args
        .commune_file
        .sources(&args.communes)
        .table(&args.population);
    if let Some(frr) = &args.frr {
        communes = communes.frr(frr);
    }
    let mut sources = args.sites.sources().communes(communes);
    if !args.by.is_empty() {
        let fields = match &args.by_id_field {
            Some(id) => FieldMap::for_kind(None, Some(id))?,
            None => FieldMap::qpv(),
        };
        for path in &args.by {
            sources = sources.territories(path, fields.clone());
        }
    }
    let inputs = {
        let _progress = Progress::start("reading the inputs");
        sources.load()?
    };
    show(&inputs.reports);
    let (model, report) = {
        let _progress = Progress::start("building the population model");
        args.model.model(&inputs.communes)?
    };
    show(report.as_slice());
    let network = ServiceNetwork::new(inputs.points);
    let roads = match &args.roads {
        Some(path) => {
            let (roads, report) = read::read_roads(path, &SpeedTable::default())?;
            show(&[report]);
            Some(roads)
        }
        None => None,
    };
    let road_times = roads
        .as_ref()
        .map(|r| RoadTravelTime::new(r, &network, args.service));

    let mut analysis = Accessibility::new(&network, &inputs.communes, &model)
        .service(args.service)
        .distance_m(args.radius_m)
        .combine(args.combine.unwrap_or(Combine::And));
    if let Some(m) = args.minutes {
        analysis = analysis.minutes(m);
    }
    if let Some(t) = &road_times {
        analysis = analysis.travel_time(t);
    }
    if !inputs.territories.is_empty() {
        analysis = analysis.also_by(&inputs.territories);
    }
    let report = {
        let _progress = Progress::start("measuring accessibility");
        analysis.run()?
    };

    let mut written = vec![
        args.out.join("departements.csv"),
        args.out.join("communes.csv"),
    ];
    report.write_departements_csv(&written[0])?;
    report.write_communes_csv(&written[1])?;
    #[cfg(feature = "geoparquet")]
    if args.geoparquet {
        let path = args.out.join("communes.parquet");
        report.write_communes_geoparquet(&path)?;
        written.push(path);
    }
    if !inputs.territories.is_empty() {
        let path = args.out.join("territories.csv");
        report.write_territories_csv(&path)?;
        written.push(path);
    }
    let map = GapMap::from_access(&report);
    let path = args.out.join("report.html");
    maillage::map::html_report(
        &map.title,
        &map.to_svg(&View::National)?,
        &[
            Table::departements(&report),
            Table::communes_access(&report, 500),
        ],
    )
    .write(&path)?;
    written.push(path);
    println!("{}", report.compliance());
    print_written(&written);
    Ok(())
}

fn print_written(paths: &[PathBuf]) {
    println!("── written");
    for path in paths {
        println!("{}", path.display());
    }
}

fn map(args: MapArgs) -> maillage::Result<()> {
    let all = args.coverage.join("coverage.geojson");
    let source = if all.is_file() {
        all
    } else {
        args.coverage.join("gaps.geojson")
    };
    let (outcomes, report) = read::read_coverage(&source)?;
    show(&[report]);
    let mut outlines = Vec::new();
    for path in &args.territories {
        let (t, report) = read::read_territories(path, &FieldMap::outlines())?;
        show(&[report]);
        outlines.extend(t);
    }
    let mut map = GapMap::from_outcomes(&outcomes, args.service)?.with_outlines(&outlines);
    let points;
    if let Some(path) = &args.points {
        let (p, report) = read::read_la_poste(path)?;
        show(&[report]);
        points = p;
        map = map.with_points(&points, Service::Postal);
    }
    if let Some(t) = args.title {
        map.title = t;
    }
    map.write(&args.view, &args.out)?;
    println!("wrote {}", args.out.display());
    Ok(())
}

fn coverage(args: CoverageArgs) -> maillage::Result<()> {
    if args.territories.is_empty() && args.communes.is_none() {
        return Err(maillage::Error::Invalid {
            what: "arguments",
            message: "give territories with --territories <geojson> and/or --communes <geojson>"
                .into(),
        });
    }
    let rule = match (args.inside, args.radius_m) {
        (true, _) => Some(Rule::Inside),
        (false, Some(m)) => Some(Rule::WithinDistance(m).validate()?),
        (false, None) => None,
    };
    let inputs: Vec<&PathBuf> = args
        .sites
        .inputs()
        .chain(&args.territories)
        .chain(&args.communes)
        .chain(&args.population_table)
        .chain(&args.commune_table)
        .chain(&args.frr)
        .chain(&args.outlines)
        .collect();
    check_out(&args.out, inputs)?;

    eprintln!("── loading");
    let mut sources = args.sites.sources();
    if !args.territories.is_empty() {
        let mut fields = territory_fields(
            args.kind,
            args.id_field.as_deref(),
            args.crs,
            args.layer.as_deref(),
        )?;
        if let Some(f) = &args.name_field {
            fields = fields.name(f);
        }
        if let Some(f) = &args.population_field {
            fields = fields.population(f);
        }
        if let Some(f) = &args.departement_field {
            fields = fields.departement(f);
        }
        for path in &args.territories {
            sources = sources.territories(path, fields.clone());
        }
        if let Some(table) = &args.population_table {
            sources = sources.population_table(table, &args.population_id, &args.population_column);
        }
    }
    if let Some(polygons) = &args.communes {
        let mut communes = args.commune_file.sources(polygons);
        communes.table.clone_from(&args.commune_table);
        communes.frr.clone_from(&args.frr);
        sources = sources.communes(communes);
    }
    let inputs = {
        let _progress = Progress::start("reading the inputs");
        sources.load()?
    };
    show(&inputs.reports);
    let territories = inputs.all_territories();

    let services = if args.services.is_empty() {
        vec![Service::Postal]
    } else {
        args.services.clone()
    };
    let network = ServiceNetwork::new(inputs.points);
    for &s in &services {
        eprintln!("{} point(s) offer {s}", network.count(s));
    }
    let mut analysis = Coverage::new(&network, &territories).services(services.iter().copied());
    if let Some(rule) = rule {
        analysis = analysis.rule_all(rule);
    }
    let report = {
        let _progress = Progress::start("measuring coverage");
        analysis.run()?
    };

    let mut written = vec![
        args.out.join("coverage.csv"),
        args.out.join("gaps.csv"),
        args.out.join("gaps.geojson"),
    ];
    report.write_csv(&written[0])?;
    report.write_gaps_csv(&written[1])?;
    report.write_geojson(&written[2], Features::Gaps)?;
    let all = args.out.join("coverage.geojson");
    if args.all_geojson {
        report.write_geojson(&all, Features::All)?;
        written.push(all);
    } else if all.is_file() {
        // A coverage.geojson of an earlier run would be drawn by `map` instead of this run's gaps.
        std::fs::remove_file(&all).map_err(|e| maillage::Error::Io {
            path: all.clone(),
            source: e,
        })?;
    }

    #[cfg(feature = "polars")]
    if args.parquet {
        let path = args.out.join("coverage.parquet");
        report.write_parquet(&path)?;
        written.push(path);
    }
    #[cfg(feature = "geoparquet")]
    if args.geoparquet {
        for (name, which) in [
            ("coverage.parquet", Features::All),
            ("gaps.parquet", Features::Gaps),
        ] {
            let path = args.out.join(name);
            report.write_geoparquet(&path, which)?;
            written.push(path);
        }
    }
    let mut outlines = Vec::new();
    for path in &args.outlines {
        let (t, load) = read::read_territories(path, &FieldMap::outlines())?;
        show(&[load]);
        outlines.extend(t);
    }
    let path = args.out.join("report.html");
    InteractiveReport::new(format!("Coverage of {} territories", territories.len()))
        .layer("territories", &report)
        .outlines(&outlines)
        .view(args.view.clone())
        .table(Table::coverage_summary(&report))
        .build()?
        .write(&path)?;
    written.push(path);

    println!("── summary");
    for s in report.summary() {
        println!("{s}");
        if s.population == 0 && s.unserved > 0 {
            println!(
                "   no population known for {}: gaps are ranked by distance to the nearest point, not by people (join one with --population-table)",
                s.kind
            );
        }
    }
    for &service in report.services() {
        print_gaps(&report, service);
    }
    print_written(&written);
    Ok(())
}

/// The ten largest gaps of a service.
fn print_gaps(report: &maillage::CoverageReport<'_>, service: Service) {
    let gaps = report.gaps(service);
    if gaps.is_empty() {
        return;
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

fn compare(args: CompareArgs) -> maillage::Result<()> {
    let options = compare::CompareOptions {
        before: args.before,
        after: args.after,
        points_before: args.points_before,
        points_after: args.points_after,
        tolerance_m: args.tolerance_m,
        view: args.view,
        out: args.out,
    };
    check_out(&options.out, options.inputs())?;
    let done = compare::run(&options)?;
    show(&done.reports);
    if let Some(changes) = &done.changes {
        println!(
            "── changes ({} territory × service rows)",
            changes.rows().len()
        );
        for c in Change::ALL {
            println!("{:>10}: {}", c.as_str(), changes.count(c));
        }
        if done.without_geometry > 0 {
            println!(
                "{} changed row(s) have no geometry in either folder (run coverage with --all-geojson): left out of changes.geojson",
                done.without_geometry
            );
        }
        for (service, why) in &done.no_map {
            println!("no map for {service}: {why}");
        }
    }
    if let Some(sites) = &done.sites {
        println!("── sites ({} before, {} after)", sites.before, sites.after);
        for c in SiteChange::ALL {
            println!("{:>24}: {}", c.as_str(), sites.count(c));
        }
    }
    print_written(&done.written);
    Ok(())
}

fn programmes(args: ProgrammesArgs) -> maillage::Result<()> {
    let mut files = maillage::programmes::ProgrammeFiles::new().points(&args.points);
    for p in &args.partners {
        files = files.partners(p);
    }
    if let Some(a) = &args.assignments {
        files = files.assignments(a);
    }
    if let Some(r) = &args.rules {
        files = files.rules(r);
    }
    if let Some(c) = &args.commune_centroids {
        files = files.commune_centroids(c);
    }
    let report = files.run()?;
    report.write(&args.out)?;
    for load in report.loads() {
        println!("{load}");
    }
    print!("{report}");
    println!("wrote {}", args.out.join("programmes.csv").display());
    Ok(())
}

fn plan(args: PlanArgs) -> maillage::Result<()> {
    use maillage::command::plan::{PlanGoal, PlanOptions, Step};
    let goal = match (args.add, args.target_share, args.comply) {
        (Some(k), _, _) => PlanGoal::Add(k),
        (_, Some(s), _) => PlanGoal::TargetShare(s),
        (_, _, true) => PlanGoal::Comply,
        _ => {
            return Err(maillage::Error::Invalid {
                what: "plan",
                message: "give a goal: --add <k>, --target-share <share> or --comply".into(),
            });
        }
    };
    let inputs = args
        .sites
        .inputs()
        .chain(&args.territories)
        .chain(&args.communes);
    let inputs = inputs.chain(&args.population).chain(&args.population_table);
    check_out(&args.out, inputs.chain(&args.close))?;
    let mut sources = args.sites.sources();
    if !args.territories.is_empty() {
        let fields = territory_fields(
            args.kind,
            args.id_field.as_deref(),
            args.crs,
            args.layer.as_deref(),
        )?;
        for path in &args.territories {
            sources = sources.territories(path, fields.clone());
        }
    }
    if let Some(table) = &args.population_table {
        sources = sources.population_table(table, &args.population_id, &args.population_column);
    }
    if let Some(polygons) = &args.communes {
        let mut communes = args.commune_file.sources(polygons);
        communes.table.clone_from(&args.population);
        sources = sources.communes(communes);
    }
    let options = PlanOptions {
        sources,
        population: match (&args.population, &args.model) {
            (None, _) => None,
            (Some(_), Some(model)) => Some(model.clone()),
            (Some(_), None) => Some("grid".parse()?),
        },
        service: args.service,
        candidates: args.candidates.clone(),
        goal,
        close: args.close.clone(),
        radius_m: args.radius_m,
        minutes: args.minutes,
        combine: args.combine.unwrap_or(Combine::And),
        weight: args.weight,
        #[cfg(feature = "exact")]
        exact_seconds: args.exact,
        #[cfg(not(feature = "exact"))]
        exact_seconds: None,
        #[cfg(feature = "geoparquet")]
        geoparquet: args.geoparquet,
        #[cfg(not(feature = "geoparquet"))]
        geoparquet: false,
        out: args.out.clone(),
    };
    eprintln!("── loading");
    let mut spinner: Option<Progress> = None;
    let run = options.run(&mut |step| match step {
        Step::Stage(name) => spinner = Some(Progress::start(name)),
        Step::Loaded(reports) => show(reports),
    })?;
    drop(spinner);
    if !run.closed.is_empty() {
        eprintln!("{} site(s) closed before planning", run.closed.len());
    }
    for line in run.summary() {
        println!("{line}");
    }
    print_written(&run.written);
    Ok(())
}
