//! `maillage compare`: what changed between two `coverage` runs (per
//! territory × service, per département, on maps) and between two networks
//! of sites (opened, closed, moved, changed kind, ambiguous).
//!
//! ```no_run
//! use maillage::command::compare::{CompareOptions, run};
//! let options = CompareOptions {
//!     points_before: Some("laposte_points_contact_2016.csv".into()),
//!     points_after: Some("laposte_points_contact_2025.csv".into()),
//!     ..CompareOptions::new("out/network")
//! };
//! let done = run(&options)?;
//! if let Some(sites) = &done.sites {
//!     println!("{} sites before, {} after", sites.before, sites.after);
//! }
//! # Ok::<(), maillage::Error>(())
//! ```

use std::path::{Path, PathBuf};

use crate::command::out::{Output, Stage};
use crate::compare::{Comparison, SiteChange, SiteChangeRow, compare_sites};
use crate::coverage::Outcome;
use crate::error::{Error, Result};
use crate::load::require_some;
use crate::map::{GapMap, Table, View, html_report};
use crate::model::Service;
use crate::read;
use crate::report::LoadReport;

/// What to compare and where to write.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareOptions {
    /// Output folder of the earlier `coverage` run.
    pub before: Option<PathBuf>,
    /// Output folder of the later `coverage` run.
    pub after: Option<PathBuf>,
    /// The earlier network (La Poste points de contact or a partner file).
    pub points_before: Option<PathBuf>,
    /// The later network.
    pub points_after: Option<PathBuf>,
    /// Sites farther apart than this have moved; sites with different ids
    /// closer than this are matched by position.
    pub tolerance_m: f64,
    /// View of the change maps.
    pub view: View,
    /// Also write every table as Parquet (feature `geoparquet`):
    /// `changes.parquet` (GeoParquet, each territory's polygons),
    /// `departements_changes.parquet`, `points_changes.parquet`
    /// (GeoParquet, the sites as points).
    pub geoparquet: bool,
    /// The output folder (staged: see [`Stage`]).
    pub out: Output,
}

impl CompareOptions {
    /// Nothing to compare yet, a 100 m tolerance, the national view, and
    /// the output folder `out`.
    pub fn new(out: impl Into<PathBuf>) -> Self {
        CompareOptions {
            before: None,
            after: None,
            points_before: None,
            points_after: None,
            tolerance_m: 100.0,
            view: View::National,
            geoparquet: false,
            out: Output::new(out),
        }
    }

    /// Every input given, in argument order.
    pub fn inputs(&self) -> impl Iterator<Item = &PathBuf> {
        [
            &self.before,
            &self.after,
            &self.points_before,
            &self.points_after,
        ]
        .into_iter()
        .flatten()
    }
}

/// The two networks of sites, compared.
#[derive(Debug, Clone, PartialEq)]
pub struct SitesCompared {
    /// Sites read before.
    pub before: usize,
    /// Sites read after.
    pub after: usize,
    /// The sites that changed.
    pub rows: Vec<SiteChangeRow>,
}

impl SitesCompared {
    /// How many sites changed so.
    pub fn count(&self, change: SiteChange) -> usize {
        self.rows.iter().filter(|r| r.change == change).count()
    }
}

/// What [`run`] read, found and wrote.
#[derive(Debug, Clone)]
pub struct Compared {
    /// The load report of every file read, in reading order.
    pub reports: Vec<LoadReport>,
    /// The comparison of the two coverage runs, when given.
    pub changes: Option<Comparison>,
    /// Changed rows with no geometry in either folder, left out of
    /// `changes.geojson`.
    pub without_geometry: usize,
    /// The services with no change map, and why.
    pub no_map: Vec<(Service, String)>,
    /// The comparison of the two networks, when given.
    pub sites: Option<SitesCompared>,
    /// Every file written.
    pub written: Vec<PathBuf>,
}

/// Compares what `options` names and writes into its output folder:
/// `changes.csv`, `departements_changes.csv`, `changes.geojson`, one
/// `changes_<service>.svg` per service with a change to draw and
/// `report.html` for two coverage runs; `points_changes.csv` for two
/// networks.
///
/// # Errors
/// When neither pair is given, the tolerance is not a finite number ≥ 0, a
/// file cannot be read, a coverage file or a network gives nothing usable
/// (the same rule as every other input: [`Error::NothingKept`]), the runs
/// cannot be compared ([`Comparison::new`]), or an output cannot be written.
pub fn run(options: &CompareOptions) -> Result<Compared> {
    let runs = options.before.as_ref().zip(options.after.as_ref());
    let networks = options
        .points_before
        .as_ref()
        .zip(options.points_after.as_ref());
    if runs.is_none() && networks.is_none() {
        return Err(Error::invalid(
            "arguments",
            "give --before and --after (coverage folders) and/or --points-before and --points-after",
        ));
    }
    if !(options.tolerance_m.is_finite() && options.tolerance_m >= 0.0) {
        return Err(Error::invalid(
            "tolerance",
            format!(
                "must be a finite number of metres ≥ 0, got {}",
                options.tolerance_m
            ),
        ));
    }
    let mut done = Compared {
        reports: Vec::new(),
        changes: None,
        without_geometry: 0,
        no_map: Vec::new(),
        sites: None,
        written: Vec::new(),
    };
    let mut stage = options
        .out
        .folder("compare", options.inputs().map(PathBuf::as_path))?;
    if let Some((before, after)) = runs {
        compare_runs(options, before, after, &mut done, &mut stage)?;
    }
    if let Some((before, after)) = networks {
        let (b, report) = read::read_sites(before)?;
        require_some(&report)?;
        done.reports.push(report);
        let (a, report) = read::read_sites(after)?;
        require_some(&report)?;
        done.reports.push(report);
        let rows = compare_sites(&b, &a, options.tolerance_m)?;
        crate::write::write_site_changes_csv(&rows, stage.path("points_changes.csv")?)?;
        if options.geoparquet {
            points_parquet(&mut stage)?;
        }
        done.sites = Some(SitesCompared {
            before: b.len(),
            after: a.len(),
            rows,
        });
    }
    done.written = stage.commit()?;
    Ok(done)
}

/// `changes.parquet` (GeoParquet) and `departements_changes.parquet`
/// beside their CSV files.
#[cfg(feature = "geoparquet")]
fn changes_parquet(changes: &Comparison, stage: &mut Stage) -> Result<()> {
    let csv = stage.path("changes.csv")?;
    changes.write_geoparquet(&csv, stage.path("changes.parquet")?)?;
    super::out::parquet_beside(stage, "departements_changes.csv", &["departement"], None)
}

/// `points_changes.parquet` (GeoParquet, the sites as points) beside its CSV.
#[cfg(feature = "geoparquet")]
fn points_parquet(stage: &mut Stage) -> Result<()> {
    let text = ["id_before", "id_after", "name"];
    super::out::parquet_beside(stage, "points_changes.csv", &text, Some(("lon", "lat")))
}

#[cfg(not(feature = "geoparquet"))]
fn changes_parquet(_: &Comparison, _: &mut Stage) -> Result<()> {
    Err(Error::invalid(
        "format",
        "Parquet output needs the `geoparquet` feature",
    ))
}

#[cfg(not(feature = "geoparquet"))]
fn points_parquet(_: &mut Stage) -> Result<()> {
    Err(Error::invalid(
        "format",
        "Parquet output needs the `geoparquet` feature",
    ))
}

fn compare_runs(
    options: &CompareOptions,
    before: &Path,
    after: &Path,
    done: &mut Compared,
    stage: &mut Stage,
) -> Result<()> {
    let (b, b_shapes) = read_run(before, &mut done.reports)?;
    let (a, a_shapes) = read_run(after, &mut done.reports)?;
    let mut changes = Comparison::new(&b, &a)?;
    changes.fill_geometry(&a_shapes);
    changes.fill_geometry(&b_shapes);
    changes.write_csv(stage.path("changes.csv")?)?;
    changes.write_departements_csv(stage.path("departements_changes.csv")?)?;
    done.without_geometry = changes.write_geojson(stage.path("changes.geojson")?)?;
    if options.geoparquet {
        changes_parquet(&changes, stage)?;
    }
    let mut services: Vec<Service> = changes.rows().iter().map(|r| r.outcome().service).collect();
    services.sort();
    services.dedup();
    let mut first_map = None;
    for service in services {
        match GapMap::from_changes(&changes, service) {
            Ok(map) => {
                let svg = map.to_svg(&options.view)?;
                let path = stage.path(&format!("changes_{service}.svg"))?;
                crate::outfile::write_bytes(&path, svg.as_bytes())?;
                if first_map.is_none() {
                    first_map = Some((map.title.clone(), svg));
                }
            }
            Err(e) => done.no_map.push((service, e.to_string())),
        }
    }
    if let Some((title, svg)) = first_map {
        html_report(&title, &svg, &[Table::changes(&changes)]).write(stage.path("report.html")?)?;
    }
    done.changes = Some(changes);
    Ok(())
}

/// Every result of a `coverage` output folder ([`read_run`](crate::command::map::read_run)),
/// whose `coverage.csv` must give something.
fn read_run(dir: &Path, reports: &mut Vec<LoadReport>) -> Result<(Vec<Outcome>, Vec<Outcome>)> {
    let run = crate::command::map::read_run(dir)?;
    if let Some(first) = run.reports.first() {
        require_some(first)?;
    }
    reports.extend(run.reports);
    Ok((run.outcomes, run.shapes))
}
