//! The command line of the `maillage` tool (feature `cli`): one clap
//! argument struct per command, each turned into the command's options
//! struct. The binary parses a [`Cli`], turns it into options with the
//! `options` methods here, runs them and prints.
//!
//! The help text of every argument is its doc comment here.

mod access;
mod closures;
mod compare;
mod coverage;
mod map;
mod plan;
mod programmes;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

pub use access::AccessArgs;
pub use closures::ClosuresArgs;
pub use compare::CompareArgs;
pub use coverage::CoverageArgs;
pub use map::MapArgs;
pub use plan::PlanArgs;
pub use programmes::ProgrammesArgs;

use super::coverage::{POPULATION_COLUMN, POPULATION_ID};
use super::demo::DemoOptions;
use super::out::Output;
use crate::access::Combine;
use crate::geom::crs::Crs;
use crate::model::TerritoryKind;

/// The `maillage` command line.
#[derive(Debug, Parser)]
#[command(
    name = "maillage",
    version,
    about = "Coverage and gaps of the French postal network and its ESS partners"
)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
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
    /// Many closure scenarios at once (every single closure, or a CSV of
    /// sites closed together): each one's effect on every département's legal test.
    Closures(ClosuresArgs),
    /// Which points de contact host mediation, Points Poste ESS and digital
    /// inclusion, derived from open data (programmes.csv, a valid --assignments file).
    Programmes(ProgrammesArgs),
    /// Writes the synthetic demo territory (the files of data/demo/).
    Demo(DemoArgs),
}

/// `maillage demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Generator seed (data/demo/ uses the default).
    #[arg(long, default_value_t = crate::demo::DEFAULT_SEED)]
    pub seed: u64,
    /// Output folder.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Clear the files of the output folder that no maillage run
    /// recorded (refused otherwise).
    #[arg(long)]
    pub force: bool,
}

impl DemoArgs {
    /// The options of this demo run.
    pub fn options(&self) -> DemoOptions {
        DemoOptions {
            seed: self.seed,
            out: output(&self.out, self.force),
        }
    }
}

/// Territory files and the population table joined to them: the
/// arguments `coverage` and `plan` share.
#[derive(Debug, Args)]
pub struct TerritoryArgs {
    /// Territory polygons (GeoJSON, Shapefile, GeoPackage or GeoParquet):
    /// QPV, communes, any polygons. Repeatable (e.g. two QPV files).
    #[arg(long, value_name = "FILE")]
    pub territories: Vec<PathBuf>,
    /// Kind of the --territories (sets the default rule: qpv 500 m; commune,
    /// rural_zone 5 km; departement, custom: inside). Inferred from the id
    /// field when omitted (code_qp → qpv, insee_dep → departement, code_insee → commune).
    #[arg(long, value_name = "KIND")]
    pub kind: Option<TerritoryKind>,
    /// CRS of the --territories files that do not declare theirs (a GeoJSON
    /// without `crs`, a Shapefile without `.prj`), e.g. `EPSG:2154`.
    #[arg(long, value_name = "EPSG:<code>", value_parser = Crs::parse)]
    pub crs: Option<Crs>,
    /// Layer of the --territories files that hold several (a GeoPackage).
    #[arg(long, value_name = "NAME")]
    pub layer: Option<String>,
    /// Property holding the territory id. Optional for --kind qpv and departement.
    #[arg(long, value_name = "FIELD")]
    pub id_field: Option<String>,
    /// Population table joined to the --territories (e.g. QPV populations).
    #[arg(long, value_name = "CSV", requires = "territories")]
    pub population_table: Option<PathBuf>,
    /// Column of the population table holding the territory id.
    #[arg(long, value_name = "COLUMN", default_value = POPULATION_ID, requires = "population_table")]
    pub population_id: String,
    /// Column of the population table holding the population.
    #[arg(long, value_name = "COLUMN", default_value = POPULATION_COLUMN, requires = "population_table")]
    pub population_column: String,
}

/// The time threshold and how it combines with the distance: the
/// arguments `access` and `plan` share.
#[derive(Debug, Args)]
pub struct TimeArgs {
    /// Time threshold in car minutes, besides the distance: road times on
    /// --roads (`access`), else the crow-flies estimate.
    #[arg(long, value_name = "MINUTES")]
    pub minutes: Option<f64>,
    /// How distance and minutes combine: and (beyond both) or or (beyond either).
    #[arg(
        long,
        value_name = "and|or",
        default_value = "and",
        requires = "minutes"
    )]
    pub combine: Combine,
}

/// `--format`: the format of the tables and layers written beside the
/// CSV and GeoJSON files, which are always written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The CSV and GeoJSON files alone (the default).
    Csv,
    /// Also every table and layer as GeoParquet 1.1 (`coverage.parquet`,
    /// `gaps.parquet`, `communes.parquet`, `sites.parquet`), as
    /// `--geoparquet` does.
    Geoparquet,
}

/// Whether `--geoparquet` or `--format geoparquet` asks for GeoParquet.
fn geoparquet(flag: bool, format: Option<Format>) -> bool {
    flag || format == Some(Format::Geoparquet)
}

/// The output of a command: its folder (or file), and whether `--force`
/// clears the files no maillage run recorded.
fn output(path: &std::path::Path, force: bool) -> Output {
    Output {
        path: path.to_path_buf(),
        clear_foreign: force,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn shared_arguments_parse_into_options() {
        let cli = Cli::try_parse_from([
            "maillage",
            "coverage",
            "--points",
            "p.csv",
            "--partners",
            "a.csv",
            "--partners",
            "b.json",
            "--territories",
            "qpv.geojson",
            "--kind",
            "qpv",
            "--out",
            "o",
        ])
        .unwrap();
        let Command::Coverage(args) = cli.command else {
            panic!("not coverage")
        };
        let options = args.options();
        assert_eq!(options.sites.partners.len(), 2);
        assert_eq!(options.kind, Some(TerritoryKind::Qpv));
        assert_eq!(options.population_id, "code_qp");
        assert!(!options.out.clear_foreign);
    }
}
