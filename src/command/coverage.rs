//! `maillage coverage`: which territories each service serves, how far the
//! nearest point is, and the ranked gaps.

use std::path::{Path, PathBuf};

use super::out::Output;
use super::{CommuneFile, Observer, Sites, step, territory_fields};
use crate::coverage::{Coverage, Outcome, Rule, Summary};
use crate::error::{Error, Result};
use crate::geom::crs::Crs;
use crate::map::{InteractiveReport, Table, View};
use crate::model::{Service, ServiceEvidence, TerritoryKind};
use crate::network::ServiceNetwork;
use crate::read::{self, FieldMap};
use crate::report::LoadReport;
use crate::write::Features;

/// Default column of the population table holding the territory id.
pub const POPULATION_ID: &str = "code_qp";
/// Default column of the population table holding the population.
pub const POPULATION_COLUMN: &str = "population";
/// How many of each service's largest gaps an outcome lists.
pub const GAPS_LISTED: usize = 10;

/// The options of a coverage run. Build with [`CoverageOptions::new`] and
/// set the fields; every default is documented on its field.
#[derive(Debug, Clone, PartialEq)]
pub struct CoverageOptions {
    /// Where the services are.
    pub sites: Sites,
    /// Territory polygons (GeoJSON, Shapefile, GeoPackage, GeoParquet). Default none.
    pub territories: Vec<PathBuf>,
    /// Kind of the territories (sets the default rule); inferred from the
    /// id field when `None` (the default).
    pub kind: Option<TerritoryKind>,
    /// CRS of territory files that do not declare theirs. Default `None`.
    pub crs: Option<Crs>,
    /// Layer of territory files that hold several. Default `None`.
    pub layer: Option<String>,
    /// Property holding the territory id (optional for QPV and départements).
    pub id_field: Option<String>,
    /// Property holding the territory name.
    pub name_field: Option<String>,
    /// Property holding the territory population.
    pub population_field: Option<String>,
    /// Property holding the département code.
    pub departement_field: Option<String>,
    /// Population table joined to the territories. Default `None`.
    pub population_table: Option<PathBuf>,
    /// Its id column. Default [`POPULATION_ID`].
    pub population_id: String,
    /// Its population column. Default [`POPULATION_COLUMN`].
    pub population_column: String,
    /// Commune polygons, measured as communes. Default `None`.
    pub communes: Option<PathBuf>,
    /// How to read them.
    pub commune_file: CommuneFile,
    /// Commune table (population, typologies). Default `None`.
    pub commune_table: Option<PathBuf>,
    /// FRR zoning table. Default `None`.
    pub frr: Option<PathBuf>,
    /// Services measured. Empty (the default): every service some site
    /// offers, and with [`Sites::programmes`] every programme service
    /// (those without a site measured as "no data").
    pub services: Vec<Service>,
    /// Served within this many metres, for every kind. Default `None`: the
    /// per-kind rules of [`Rules::default`](crate::coverage::Rules::default).
    pub radius_m: Option<f64>,
    /// Served only by a point inside (wins over `radius_m`). Default `false`.
    pub inside: bool,
    /// Also write every result as `coverage.geojson`. Default `false`.
    pub all_geojson: bool,
    /// Also write `coverage.parquet` through polars. Default `false`.
    #[cfg(feature = "polars")]
    pub parquet: bool,
    /// Also write `coverage.parquet` (every result with its geometry) and
    /// `gaps.parquet` as GeoParquet. Default `false`.
    #[cfg(feature = "geoparquet")]
    pub geoparquet: bool,
    /// Part of France drawn in `report.html`. Default national.
    pub view: View,
    /// Outlines drawn over `report.html`'s map. Default none.
    pub outlines: Vec<PathBuf>,
    /// The output folder.
    pub out: Output,
}

/// What a coverage run wrote and found.
#[derive(Debug, Clone, PartialEq)]
pub struct CoverageOutcome {
    /// The files written ([`CoverageOptions::files`], in the folder).
    pub files: Vec<PathBuf>,
    /// One report per file read.
    pub reports: Vec<LoadReport>,
    /// How many points offer each service measured.
    pub offering: Vec<(Service, usize)>,
    /// One line per territory kind and service.
    pub summary: Vec<Summary>,
    /// The [`GAPS_LISTED`] largest gaps of each service measured (services
    /// without a gap left out).
    pub gaps: Vec<(Service, Vec<Outcome>)>,
}

impl CoverageOptions {
    /// Coverage of `sites` with the defaults; give territories or communes.
    pub fn new(sites: Sites, out: impl Into<PathBuf>) -> Self {
        CoverageOptions {
            sites,
            territories: Vec::new(),
            kind: None,
            crs: None,
            layer: None,
            id_field: None,
            name_field: None,
            population_field: None,
            departement_field: None,
            population_table: None,
            population_id: POPULATION_ID.to_owned(),
            population_column: POPULATION_COLUMN.to_owned(),
            communes: None,
            commune_file: CommuneFile::default(),
            commune_table: None,
            frr: None,
            services: Vec::new(),
            radius_m: None,
            inside: false,
            all_geojson: false,
            #[cfg(feature = "polars")]
            parquet: false,
            #[cfg(feature = "geoparquet")]
            geoparquet: false,
            view: View::National,
            outlines: Vec::new(),
            out: Output::new(out),
        }
    }

    /// The files a run with these options writes, in this order:
    /// `coverage.csv`, `gaps.csv`, `gaps.geojson`, `coverage.geojson`
    /// (with `all_geojson`), `coverage.parquet` (with `parquet` or
    /// `geoparquet`), `gaps.parquet` (with `geoparquet`), `report.html`.
    pub fn files(&self) -> Vec<&'static str> {
        let mut files = vec!["coverage.csv", "gaps.csv", "gaps.geojson"];
        if self.all_geojson {
            files.push("coverage.geojson");
        }
        #[cfg(feature = "polars")]
        if self.parquet {
            files.push("coverage.parquet");
        }
        #[cfg(feature = "geoparquet")]
        if self.geoparquet {
            if !files.contains(&"coverage.parquet") {
                files.push("coverage.parquet");
            }
            files.push("gaps.parquet");
        }
        files.push("report.html");
        files
    }

    /// The services measured: the ones given, else those of the `evidence`
    /// lines (every service some site offers, and with
    /// [`Sites::programmes`] every programme service), in
    /// [`Service::ALL`] order; postal when there is none.
    pub fn services(&self, evidence: &[ServiceEvidence]) -> Vec<Service> {
        if !self.services.is_empty() {
            return self.services.clone();
        }
        let offered: Vec<Service> = Service::ALL
            .into_iter()
            .filter(|&s| evidence.iter().any(|e| e.service == s))
            .collect();
        if offered.is_empty() {
            vec![Service::Postal]
        } else {
            offered
        }
    }

    /// Every input file named.
    pub fn inputs(&self) -> Vec<&Path> {
        self.sites
            .inputs()
            .chain(self.territories.iter().map(PathBuf::as_path))
            .chain(self.communes.as_deref())
            .chain(self.population_table.as_deref())
            .chain(self.commune_table.as_deref())
            .chain(self.frr.as_deref())
            .chain(self.outlines.iter().map(PathBuf::as_path))
            .collect()
    }

    /// Runs silently.
    pub fn run(&self) -> Result<CoverageOutcome> {
        self.run_with(&mut ())
    }

    /// Loads, measures, writes the [files](Self::files), telling `observer`.
    pub fn run_with(&self, observer: &mut dyn Observer) -> Result<CoverageOutcome> {
        if self.territories.is_empty() && self.communes.is_none() {
            return Err(Error::Invalid {
                what: "arguments",
                message:
                    "give territories with --territories <geojson> and/or --communes <geojson>"
                        .into(),
            });
        }
        let rule = match (self.inside, self.radius_m) {
            (true, _) => Some(Rule::Inside),
            (false, Some(m)) => Some(Rule::WithinDistance(m).validate()?),
            (false, None) => None,
        };
        let mut stage = self.out.folder("coverage", self.inputs())?;

        observer.note("── loading");
        let mut sources = self.sites.sources();
        if !self.territories.is_empty() {
            let fields = self.territory_fields()?;
            for path in &self.territories {
                sources = sources.territories(path, fields.clone());
            }
            if let Some(table) = &self.population_table {
                sources =
                    sources.population_table(table, &self.population_id, &self.population_column);
            }
        }
        if let Some(polygons) = &self.communes {
            let mut communes = self.commune_file.sources(polygons);
            communes.table.clone_from(&self.commune_table);
            communes.frr.clone_from(&self.frr);
            sources = sources.communes(communes);
        }
        let mut inputs = step(observer, "reading the inputs", || sources.load())?;
        observer.loaded(&inputs.reports);
        let evidence = match self.sites.apply_programmes(&mut inputs, observer)? {
            Some(lines) => lines,
            None => crate::programmes::sites_evidence(&inputs.points, Vec::new()),
        };
        let territories = inputs.all_territories();
        let mut reports = inputs.reports;

        let services = self.services(&evidence);
        let network = ServiceNetwork::new(inputs.points);
        let offering: Vec<(Service, usize)> =
            services.iter().map(|&s| (s, network.count(s))).collect();
        for (s, n) in &offering {
            observer.note(&format!("{n} point(s) offer {s}"));
        }
        let mut analysis = Coverage::new(&network, &territories)
            .services(services.iter().copied())
            .evidence(evidence);
        if let Some(rule) = rule {
            analysis = analysis.rule_all(rule);
        }
        let report = step(observer, "measuring coverage", || analysis.run())?;

        report.write_csv(stage.path("coverage.csv")?)?;
        report.write_gaps_csv(stage.path("gaps.csv")?)?;
        report.write_geojson(stage.path("gaps.geojson")?, Features::Gaps)?;
        if self.all_geojson {
            report.write_geojson(stage.path("coverage.geojson")?, Features::All)?;
        }
        #[cfg(feature = "polars")]
        if self.parquet {
            report.write_parquet(stage.path("coverage.parquet")?)?;
        }
        #[cfg(feature = "geoparquet")]
        if self.geoparquet {
            report.write_geoparquet(stage.path("coverage.parquet")?, Features::All)?;
            report.write_geoparquet(stage.path("gaps.parquet")?, Features::Gaps)?;
        }
        let mut outlines = Vec::new();
        for path in &self.outlines {
            let (t, load) = read::read_territories(path, &FieldMap::outlines())?;
            observer.loaded(std::slice::from_ref(&load));
            reports.push(load);
            outlines.extend(t);
        }
        InteractiveReport::new(format!("Coverage of {} territories", territories.len()))
            .layer("territories", &report)
            .outlines(&outlines)
            .view(self.view.clone())
            .table(Table::coverage_summary(&report))
            .build()?
            .write(stage.path("report.html")?)?;

        let summary = report.summary();
        let gaps = report
            .services()
            .iter()
            .map(|&s| {
                let gaps: Vec<Outcome> = report
                    .gaps(s)
                    .iter()
                    .take(GAPS_LISTED)
                    .map(|r| r.to_outcome(false))
                    .collect();
                (s, gaps)
            })
            .filter(|(_, g)| !g.is_empty())
            .collect();
        let files = stage.commit()?;
        Ok(CoverageOutcome {
            files,
            reports,
            offering,
            summary,
            gaps,
        })
    }

    /// The field mapping of the territory files.
    fn territory_fields(&self) -> Result<FieldMap> {
        let mut fields = territory_fields(
            self.kind,
            self.id_field.as_deref(),
            self.crs,
            self.layer.as_deref(),
        )?;
        if let Some(f) = &self.name_field {
            fields = fields.name(f);
        }
        if let Some(f) = &self.population_field {
            fields = fields.population(f);
        }
        if let Some(f) = &self.departement_field {
            fields = fields.departement(f);
        }
        Ok(fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::tests::demo;

    #[test]
    fn the_file_list_is_what_a_run_writes() {
        let dir = tempfile::tempdir().unwrap();
        let mut o = CoverageOptions::new(Sites::new(demo("points.csv")), dir.path().join("o"));
        o.territories.push(demo("qpv.geojson"));
        o.kind = Some(TerritoryKind::Qpv);
        o.all_geojson = true;
        o.services = vec![Service::Postal, Service::Mediation];
        let outcome = o.run().unwrap();
        let expected: Vec<PathBuf> = o
            .files()
            .iter()
            .map(|f| dir.path().join("o").join(f))
            .collect();
        assert_eq!(outcome.files, expected);
        assert_eq!(o.files().len(), 5);
        // The demo QPV: 4, 3 served by postal; no mediation without assignments.
        let postal = outcome
            .summary
            .iter()
            .find(|s| s.service == Service::Postal)
            .unwrap();
        assert_eq!((postal.territories, postal.served), (4, 3));
        assert_eq!(
            outcome.offering,
            [(Service::Postal, 40), (Service::Mediation, 0)]
        );
        // No site offers mediation: "no data", so no mediation gaps are listed.
        assert_eq!(outcome.gaps.len(), 1);
        assert!(outcome.gaps.iter().all(|g| g.0 != Service::Mediation));
        let mediation = outcome
            .summary
            .iter()
            .find(|s| s.service == Service::Mediation)
            .unwrap();
        assert!(!mediation.has_data);
        assert_eq!((mediation.served, mediation.unserved), (0, 0));
    }

    #[test]
    fn a_run_without_territories_is_refused_before_the_folder_is_touched() {
        let dir = tempfile::tempdir().unwrap();
        let o = CoverageOptions::new(Sites::new(demo("points.csv")), dir.path().join("o"));
        assert!(o.run().unwrap_err().to_string().contains("--territories"));
        assert!(!dir.path().join("o").exists());
    }
}
