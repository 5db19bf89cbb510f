//! The `maillage` command: a thin layer over the library.

// mimalloc: reading allocates many small vectors from every thread, which
// the system allocator serves more slowly (README, "Performance").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use maillage::access::Combine;
use maillage::command::access::AccessOptions;
use maillage::command::compare;
use maillage::command::coverage::CoverageOptions;
use maillage::command::demo::DemoOptions;
use maillage::command::map::MapOptions;
use maillage::command::out::Output;
use maillage::command::{CommuneFile, Observer, Sites};
use maillage::compare::{Change, SiteChange};
use maillage::load::{PopulationSpec, Sources};
use maillage::map::View;
use maillage::plan::{CandidateSpec, Weight};
use maillage::read::{CommuneSources, FieldMap};
use maillage::{Crs, LoadReport, Service, TerritoryKind};

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
        /// Clear the files of the output folder that no maillage run
        /// recorded (refused otherwise).
        #[arg(long)]
        force: bool,
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
    /// Clear files in the output folder that no maillage run wrote (refused otherwise).
    #[arg(long)]
    force: bool,
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
    /// Clear files in the output folder that no maillage run wrote (refused otherwise).
    #[arg(long)]
    force: bool,
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
    /// Clear files in the output folder that no maillage run wrote (refused otherwise).
    #[arg(long)]
    force: bool,
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
    /// Overwrite an output file that no maillage run recorded (refused otherwise).
    #[arg(long)]
    force: bool,
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
    #[arg(long, value_name = "METRES", default_value_t = maillage::access::LAW_DISTANCE_M)]
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
    /// Clear the files of the output folder that no maillage run recorded
    /// (refused otherwise).
    #[arg(long)]
    force: bool,
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
    fn commune_file(&self) -> CommuneFile {
        CommuneFile {
            crs: self.communes_crs,
            layer: self.communes_layer.clone(),
        }
    }

    /// The commune sources of `polygons`, read as these arguments say.
    fn sources(&self, polygons: &Path) -> CommuneSources {
        self.commune_file().sources(polygons)
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
        default_value = maillage::command::coverage::POPULATION_ID,
        requires = "population_table"
    )]
    population_id: String,
    /// Column of the population table holding the population.
    #[arg(
        long,
        value_name = "COLUMN",
        default_value = maillage::command::coverage::POPULATION_COLUMN,
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
    /// Clear the files of the output folder that no maillage run recorded
    /// (refused otherwise).
    #[arg(long)]
    force: bool,
}

impl CoverageArgs {
    fn options(self) -> CoverageOptions {
        CoverageOptions {
            sites: self.sites.sites(),
            territories: self.territories,
            kind: self.kind,
            crs: self.crs,
            layer: self.layer,
            id_field: self.id_field,
            name_field: self.name_field,
            population_field: self.population_field,
            departement_field: self.departement_field,
            population_table: self.population_table,
            population_id: self.population_id,
            population_column: self.population_column,
            communes: self.communes,
            commune_file: self.commune_file.commune_file(),
            commune_table: self.commune_table,
            frr: self.frr,
            services: self.services,
            radius_m: self.radius_m,
            inside: self.inside,
            all_geojson: self.all_geojson,
            #[cfg(feature = "polars")]
            parquet: self.parquet,
            #[cfg(feature = "geoparquet")]
            geoparquet: self.geoparquet,
            view: self.view,
            outlines: self.outlines,
            out: output(self.out, self.force),
        }
    }
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
        Command::Demo { seed, out, force } => DemoOptions {
            seed,
            out: output(out.clone(), force),
        }
        .run()
        .map(|_| {
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
    fn sites(&self) -> Sites {
        Sites {
            points: self.points.clone(),
            partners: self.partners.clone(),
            assignments: self.assignments.clone(),
        }
    }

    fn sources(&self) -> Sources {
        self.sites().sources()
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

/// The field mapping of `--territories` files (`maillage::command::territory_fields`).
fn territory_fields(
    kind: Option<TerritoryKind>,
    id_field: Option<&str>,
    crs: Option<Crs>,
    layer: Option<&str>,
) -> maillage::Result<FieldMap> {
    maillage::command::territory_fields(kind, id_field, crs, layer)
}

fn show(reports: &[LoadReport]) {
    for r in reports {
        eprintln!("{r}");
    }
}

/// Refuses an output folder that is an existing file or holds an input,
/// before any work is done (`maillage::command::out::check_folder`).
fn check_out<'p>(
    out: &Path,
    inputs: impl IntoIterator<Item = &'p PathBuf>,
) -> maillage::Result<()> {
    maillage::command::out::check_folder(out, inputs.into_iter().map(PathBuf::as_path))
}

/// The output of a command: its folder (or file), and whether `--force` clears foreign files.
fn output(path: PathBuf, force: bool) -> Output {
    Output {
        path,
        clear_foreign: force,
    }
}

/// Prints what a command tells while it runs: notes and load reports on
/// stderr, a spinner for each long step.
#[derive(Default)]
struct Printer(Option<Progress>);

impl Observer for Printer {
    fn note(&mut self, line: &str) {
        eprintln!("{line}");
    }
    fn step(&mut self, name: &str) {
        self.0 = Some(Progress::start(name));
    }
    fn step_done(&mut self) {
        self.0 = None;
    }
    fn loaded(&mut self, reports: &[LoadReport]) {
        show(reports);
    }
}

fn access(args: AccessArgs) -> maillage::Result<()> {
    let options = AccessOptions {
        sites: args.sites.sites(),
        communes: args.communes,
        commune_file: args.commune_file.commune_file(),
        population: args.population,
        frr: args.frr,
        model: args.model,
        service: args.service,
        radius_m: args.radius_m,
        minutes: args.minutes,
        roads: args.roads,
        combine: args.combine.unwrap_or(Combine::And),
        by: args.by,
        by_id_field: args.by_id_field,
        #[cfg(feature = "geoparquet")]
        geoparquet: args.geoparquet,
        out: output(args.out, args.force),
    };
    let outcome = options.run_with(&mut Printer::default())?;
    println!("{}", outcome.compliance);
    print_written(&outcome.files);
    Ok(())
}

fn print_written(paths: &[PathBuf]) {
    println!("── written");
    for path in paths {
        println!("{}", path.display());
    }
}

fn map(args: MapArgs) -> maillage::Result<()> {
    let options = MapOptions {
        coverage: args.coverage,
        territories: args.territories,
        points: args.points,
        service: args.service,
        view: args.view,
        title: args.title,
        out: output(args.out, args.force),
    };
    let outcome = options.run_with(&mut Printer::default())?;
    println!("wrote {}", outcome.file.display());
    Ok(())
}

fn coverage(args: CoverageArgs) -> maillage::Result<()> {
    let outcome = args.options().run_with(&mut Printer::default())?;
    println!("── summary");
    for s in &outcome.summary {
        println!("{s}");
        if s.population == 0 && s.unserved > 0 {
            println!(
                "   no population known for {}: gaps are ranked by distance to the nearest point, not by people (join one with --population-table)",
                s.kind
            );
        }
    }
    for (service, gaps) in &outcome.gaps {
        println!("── largest gaps for {service}");
        for (i, g) in gaps.iter().enumerate() {
            let pop = g.population.map_or("?".to_owned(), |p| p.to_string());
            let nearest = match &g.nearest {
                Some(p) => format!("nearest {} at {:.0} m", p.id, p.distance_m),
                None => "no point in this zone".to_owned(),
            };
            println!(
                "{:>3}. {} {} (pop. {pop}): {nearest}",
                i + 1,
                g.territory_id,
                g.name
            );
        }
    }
    print_written(&outcome.files);
    Ok(())
}

fn compare(args: CompareArgs) -> maillage::Result<()> {
    let options = compare::CompareOptions {
        before: args.before,
        after: args.after,
        points_before: args.points_before,
        points_after: args.points_after,
        tolerance_m: args.tolerance_m,
        view: args.view,
        out: output(args.out, args.force),
    };
    check_out(&options.out.path, options.inputs())?;
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
    let (report, written) =
        maillage::command::programmes::run(&files, &output(args.out, args.force))?;
    for load in report.loads() {
        println!("{load}");
    }
    print!("{report}");
    print_written(&written);
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
        out: output(args.out.clone(), args.force),
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
