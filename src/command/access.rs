//! `maillage access`: population-weighted accessibility per département,
//! against the law's 5 km / 20 min and the decree's 10 km.

use std::path::{Path, PathBuf};

use super::out::Output;
use super::{CommuneFile, Observer, Sites, step};
use crate::access::{Accessibility, Combine, LAW_DISTANCE_M};
use crate::error::Result;
use crate::load::PopulationSpec;
use crate::map::{GapMap, Table, View};
use crate::model::{Service, ServiceEvidence};
use crate::network::ServiceNetwork;
use crate::read::FieldMap;
use crate::report::LoadReport;

/// Communes listed in `report.html`'s table.
pub const COMMUNES_LISTED: usize = 500;

/// The options of an accessibility run; every default is documented on its field.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessOptions {
    /// Where the services are.
    pub sites: Sites,
    /// Commune polygons.
    pub communes: PathBuf,
    /// How to read them.
    pub commune_file: CommuneFile,
    /// Commune table with `code_insee`, `population`, `dep`.
    pub population: PathBuf,
    /// FRR zoning table, carried into `communes.csv`. Default `None`.
    pub frr: Option<PathBuf>,
    /// Population model. Default centroid.
    pub model: PopulationSpec,
    /// Service measured. Default postal.
    pub service: Service,
    /// Distance threshold in metres. Default the law's [`LAW_DISTANCE_M`].
    pub radius_m: f64,
    /// Time threshold in minutes (road times with `roads`, else the
    /// crow-flies estimate). Default `None`: distance alone.
    pub minutes: Option<f64>,
    /// OpenStreetMap extract for road travel times. Default `None`.
    #[cfg(feature = "osm")]
    pub roads: Option<PathBuf>,
    /// How distance and time combine. Default [`Combine::And`].
    pub combine: Combine,
    /// Territories to total the population by (e.g. QPV). Default none.
    pub by: Vec<PathBuf>,
    /// Id property of the `by` territories. Default `None`: QPV fields.
    pub by_id_field: Option<String>,
    /// Also write `communes.parquet` (GeoParquet). Default `false`.
    #[cfg(feature = "geoparquet")]
    pub geoparquet: bool,
    /// The output folder.
    pub out: Output,
}

/// What an accessibility run wrote and found.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessOutcome {
    /// The files written ([`AccessOptions::files`], in the folder).
    pub files: Vec<PathBuf>,
    /// One report per file read (and the population model's, if any).
    pub reports: Vec<LoadReport>,
    /// The verdicts in words ([`AccessReport::compliance`](crate::access::AccessReport::compliance)).
    pub compliance: String,
    /// What the measured service's sites rest on, with
    /// [`Sites::programmes`].
    pub evidence: Option<ServiceEvidence>,
}

impl AccessOptions {
    /// Accessibility of `sites` for the communes of `communes` (polygons)
    /// and `population` (table), with the defaults.
    pub fn new(
        sites: Sites,
        communes: impl Into<PathBuf>,
        population: impl Into<PathBuf>,
        out: impl Into<PathBuf>,
    ) -> Self {
        AccessOptions {
            sites,
            communes: communes.into(),
            commune_file: CommuneFile::default(),
            population: population.into(),
            frr: None,
            model: PopulationSpec::Centroid,
            service: Service::Postal,
            radius_m: LAW_DISTANCE_M,
            minutes: None,
            #[cfg(feature = "osm")]
            roads: None,
            combine: Combine::And,
            by: Vec::new(),
            by_id_field: None,
            #[cfg(feature = "geoparquet")]
            geoparquet: false,
            out: Output::new(out),
        }
    }

    /// The files a run with these options writes, in this order:
    /// `departements.csv`, `communes.csv`, `departements.parquet` and
    /// `communes.parquet` (with `geoparquet`), `territories.csv` (with
    /// `by`; and `territories.parquet` with `geoparquet`), `report.html`.
    pub fn files(&self) -> Vec<&'static str> {
        let mut files = vec!["departements.csv", "communes.csv"];
        #[cfg(feature = "geoparquet")]
        if self.geoparquet {
            files.extend(["departements.parquet", "communes.parquet"]);
        }
        if !self.by.is_empty() {
            files.push("territories.csv");
            #[cfg(feature = "geoparquet")]
            if self.geoparquet {
                files.push("territories.parquet");
            }
        }
        files.push("report.html");
        files
    }

    /// Every input file named.
    pub fn inputs(&self) -> Vec<&Path> {
        let inputs = self
            .sites
            .inputs()
            .chain([self.communes.as_path(), self.population.as_path()])
            .chain(self.frr.as_deref())
            .chain(self.by.iter().map(PathBuf::as_path));
        #[cfg(feature = "osm")]
        let inputs = inputs.chain(self.roads.as_deref());
        inputs.collect()
    }

    /// Runs silently.
    pub fn run(&self) -> Result<AccessOutcome> {
        self.run_with(&mut ())
    }

    /// Loads, measures, writes the [files](Self::files), telling `observer`.
    pub fn run_with(&self, observer: &mut dyn Observer) -> Result<AccessOutcome> {
        let mut stage = self.out.folder("access", self.inputs())?;
        observer.note("── loading");
        let mut communes = self
            .commune_file
            .sources(&self.communes)
            .table(&self.population);
        if let Some(frr) = &self.frr {
            communes = communes.frr(frr);
        }
        let mut sources = self.sites.sources().communes(communes);
        if !self.by.is_empty() {
            let fields = match &self.by_id_field {
                Some(id) => FieldMap::for_kind(None, Some(id))?,
                None => FieldMap::qpv(),
            };
            for path in &self.by {
                sources = sources.territories(path, fields.clone());
            }
        }
        let mut inputs = step(observer, "reading the inputs", || sources.load())?;
        observer.loaded(&inputs.reports);
        let evidence = self
            .sites
            .apply_programmes(&mut inputs, observer)?
            .and_then(|lines| lines.into_iter().find(|e| e.service == self.service));
        let mut reports = inputs.reports;
        let (model, report) = step(observer, "building the population model", || {
            self.model.model(&inputs.communes)
        })?;
        observer.loaded(report.as_slice());
        reports.extend(report);
        let network = ServiceNetwork::new(inputs.points);
        #[cfg(feature = "osm")]
        let roads = match &self.roads {
            Some(path) => {
                let (roads, report) =
                    crate::travel::read_roads(path, &crate::travel::SpeedTable::default())?;
                observer.loaded(std::slice::from_ref(&report));
                reports.push(report);
                Some(roads)
            }
            None => None,
        };
        #[cfg(feature = "osm")]
        let road_times = roads
            .as_ref()
            .map(|r| crate::travel::RoadTravelTime::new(r, &network, self.service));

        let mut analysis = Accessibility::new(&network, &inputs.communes, &model)
            .service(self.service)
            .distance_m(self.radius_m)
            .combine(self.combine);
        if let Some(m) = self.minutes {
            analysis = analysis.minutes(m);
        }
        #[cfg(feature = "osm")]
        if let Some(t) = &road_times {
            analysis = analysis.travel_time(t);
        }
        if !inputs.territories.is_empty() {
            analysis = analysis.also_by(&inputs.territories);
        }
        let report = step(observer, "measuring accessibility", || analysis.run())?;

        report.write_departements_csv(stage.path("departements.csv")?)?;
        report.write_communes_csv(stage.path("communes.csv")?)?;
        #[cfg(feature = "geoparquet")]
        if self.geoparquet {
            super::out::parquet_beside(&mut stage, "departements.csv", &["dep"], None)?;
            report.write_communes_geoparquet(stage.path("communes.parquet")?)?;
        }
        if !inputs.territories.is_empty() {
            report.write_territories_csv(stage.path("territories.csv")?)?;
            #[cfg(feature = "geoparquet")]
            if self.geoparquet {
                super::out::parquet_beside(
                    &mut stage,
                    "territories.csv",
                    &["id", "name", "dep", "classement_frr"],
                    None,
                )?;
            }
        }
        let map = GapMap::from_access(&report);
        crate::map::html_report(
            &map.title,
            &map.to_svg(&View::National)?,
            &[
                Table::departements(&report),
                Table::communes_access(&report, COMMUNES_LISTED),
            ],
        )
        .write(stage.path("report.html")?)?;
        let compliance = report.compliance().to_string();
        let files = stage.commit()?;
        Ok(AccessOutcome {
            files,
            reports,
            compliance,
            evidence,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::tests::demo;

    #[test]
    fn the_file_list_is_what_a_run_writes_and_a_failed_run_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("o");
        let mut o = AccessOptions::new(
            Sites::new(demo("points.csv")),
            demo("communes.geojson"),
            demo("communes.csv"),
            &out,
        );
        o.by.push(demo("qpv.geojson"));
        let outcome = o.run().unwrap();
        let expected: Vec<PathBuf> = o.files().iter().map(|f| out.join(f)).collect();
        assert_eq!(outcome.files, expected);
        assert_eq!(o.files().len(), 4);
        assert!(outcome.compliance.contains("farther than 5000 m"));
        let before = std::fs::read(out.join("departements.csv")).unwrap();
        // The same run with a model that cannot be built: the folder is untouched.
        o.model = PopulationSpec::Filosofi(dir.path().join("missing.csv"));
        o.by.clear();
        assert!(o.run().is_err());
        assert_eq!(std::fs::read(out.join("departements.csv")).unwrap(), before);
        assert!(out.join("territories.csv").is_file());
    }
}
