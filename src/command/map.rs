//! `maillage map`: a gap map (SVG, PNG or HTML) drawn from the output
//! folder of a coverage run; and that folder read back.

use std::path::{Path, PathBuf};

use super::Observer;
use super::out::Output;
use crate::coverage::Outcome;
use crate::error::{Error, Result};
use crate::map::{GapMap, View};
use crate::model::Service;
use crate::programmes::ProgrammeSource;
use crate::read::{self, FieldMap};
use crate::report::LoadReport;

/// The file a map is drawn from in a coverage folder: `coverage.geojson`
/// (every result, written with `all_geojson`) when present, else
/// `gaps.geojson`.
pub fn map_source(coverage: &Path) -> PathBuf {
    let all = coverage.join("coverage.geojson");
    if all.is_file() {
        all
    } else {
        coverage.join("gaps.geojson")
    }
}

/// The results of a coverage folder read back.
#[derive(Debug, Clone, PartialEq)]
pub struct CoverageRun {
    /// Every result, from `coverage.csv`.
    pub outcomes: Vec<Outcome>,
    /// The results with their geometry, from `coverage.geojson`, else
    /// `gaps.geojson` (empty when neither is there).
    pub shapes: Vec<Outcome>,
    /// One report per file read.
    pub reports: Vec<LoadReport>,
}

/// Reads back the coverage folder `dir`: `coverage.csv`, and the
/// territories' geometry from `coverage.geojson` or `gaps.geojson` when present.
pub fn read_run(dir: &Path) -> Result<CoverageRun> {
    let (outcomes, report) = crate::coverage::read_coverage(dir.join("coverage.csv"))?;
    let mut reports = vec![report];
    let mut shapes = Vec::new();
    for name in ["coverage.geojson", "gaps.geojson"] {
        let path = dir.join(name);
        if path.is_file() {
            let (o, report) = crate::coverage::read_coverage(&path)?;
            reports.push(report);
            shapes = o;
            break;
        }
    }
    Ok(CoverageRun {
        outcomes,
        shapes,
        reports,
    })
}

/// The options of a map; every default is documented on its field.
#[derive(Debug, Clone, PartialEq)]
pub struct MapOptions {
    /// Output folder of a coverage run (read as [`map_source`] says).
    pub coverage: PathBuf,
    /// Outlines drawn over the map. Default none.
    pub territories: Vec<PathBuf>,
    /// La Poste points drawn (a points de contact CSV): the postal ones,
    /// or with `programmes` the ones offering the service mapped. Default `None`.
    pub points: Option<PathBuf>,
    /// The programmes' hosts applied to `points` (as
    /// [`Sites::programmes`](crate::command::Sites::programmes); `auto`
    /// derives them from `points` alone: its labels). Default `None`.
    pub programmes: Option<ProgrammeSource>,
    /// Service mapped. Default `None`: the first in the file.
    pub service: Option<Service>,
    /// Part of France drawn. Default national.
    pub view: View,
    /// Map title. Default `None`: the map's own.
    pub title: Option<String>,
    /// The file written: `.svg`, `.png` or `.html`, added to its folder
    /// ([`Stage::file`](super::out::Stage::file)).
    pub out: Output,
}

/// What a map run wrote and read.
#[derive(Debug, Clone, PartialEq)]
pub struct MapOutcome {
    /// The map file (as named in the options).
    pub file: PathBuf,
    /// One report per file read.
    pub reports: Vec<LoadReport>,
}

impl MapOptions {
    /// A national map of the coverage folder `coverage` into `out`.
    pub fn new(coverage: impl Into<PathBuf>, out: impl Into<PathBuf>) -> Self {
        MapOptions {
            coverage: coverage.into(),
            territories: Vec::new(),
            points: None,
            programmes: None,
            service: None,
            view: View::National,
            title: None,
            out: Output::new(out),
        }
    }

    /// Runs silently.
    pub fn run(&self) -> Result<MapOutcome> {
        self.run_with(&mut ())
    }

    /// Reads, draws and writes the map, telling `observer`.
    pub fn run_with(&self, observer: &mut dyn Observer) -> Result<MapOutcome> {
        let source = map_source(&self.coverage);
        if self.programmes.is_some() && self.points.is_none() {
            return Err(Error::invalid(
                "map",
                "--programmes applies to the points drawn: give --points <csv>",
            ));
        }
        let inputs = std::iter::once(source.as_path())
            .chain(self.territories.iter().map(PathBuf::as_path))
            .chain(self.points.as_deref())
            .chain(self.programmes.as_ref().and_then(ProgrammeSource::file));
        let mut stage = self.out.file("map", inputs)?;
        let (outcomes, report) = crate::coverage::read_coverage(&source)?;
        observer.loaded(std::slice::from_ref(&report));
        let mut reports = vec![report];
        let mut outlines = Vec::new();
        for path in &self.territories {
            let (t, report) = read::read_territories(path, &FieldMap::outlines())?;
            observer.loaded(std::slice::from_ref(&report));
            reports.push(report);
            outlines.extend(t);
        }
        let mut map = GapMap::from_outcomes(&outcomes, self.service)?.with_outlines(&outlines);
        let points;
        if let Some(path) = &self.points {
            let (mut p, report) = read::read_la_poste(path)?;
            observer.loaded(std::slice::from_ref(&report));
            reports.push(report);
            let drawn = match &self.programmes {
                Some(programmes) => {
                    let sources = crate::load::Sources::new().points(path);
                    let applied = programmes.apply(&sources, &mut p)?;
                    observer.loaded(&applied.reports);
                    reports.extend(applied.reports);
                    self.service
                        .or_else(|| outcomes.first().map(|o| o.service))
                        .unwrap_or(Service::Postal)
                }
                None => Service::Postal,
            };
            points = p;
            map = map.with_points(&points, drawn);
        }
        if let Some(t) = &self.title {
            map.title.clone_from(t);
        }
        let name = self
            .out
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        map.write(&self.view, stage.path(&name)?)?;
        stage.commit()?;
        Ok(MapOutcome {
            file: self.out.path.clone(),
            reports,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::Sites;
    use crate::command::coverage::CoverageOptions;
    use crate::model::TerritoryKind;

    #[test]
    fn a_map_joins_its_coverage_folder_and_goes_with_the_next_run() {
        let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo");
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("cov");
        let mut cov = CoverageOptions::new(Sites::new(demo.join("points.csv")), &out);
        cov.territories.push(demo.join("qpv.geojson"));
        cov.kind = Some(TerritoryKind::Qpv);
        cov.all_geojson = true;
        cov.run().unwrap();
        assert_eq!(map_source(&out), out.join("coverage.geojson"));
        let run = read_run(&out).unwrap();
        // 4 QPV × the two services the demo's points offer (postal, and
        // point_poste_ess at its two Points Poste ESS).
        assert_eq!((run.outcomes.len(), run.shapes.len()), (8, 8));

        let map = MapOptions::new(&out, out.join("map.svg")).run().unwrap();
        assert_eq!(map.file, out.join("map.svg"));
        assert!(
            std::fs::read_to_string(out.join("map.svg"))
                .unwrap()
                .starts_with("<svg")
        );
        // The next coverage run (without --all-geojson) clears coverage.geojson and the map.
        cov.all_geojson = false;
        cov.run().unwrap();
        assert!(!out.join("map.svg").exists() && !out.join("coverage.geojson").exists());
        assert_eq!(map_source(&out), out.join("gaps.geojson"));
    }
}
