//! The commands of the `maillage` tool as library calls.
//!
//! A command is a plain options struct (paths, kinds, services, radius...,
//! each default documented and taken from the library where the library
//! has one) with a `run` method that loads the inputs, computes, writes the
//! outputs through a staged [`out::Stage`] and returns an outcome: the
//! files written, the load reports, and the figures the command line
//! prints. The `maillage` binary only parses arguments into these structs,
//! calls `run_with` and prints.
//!
//! While a command runs it tells an [`Observer`] what it does (the long
//! steps, the load reports as files are read); `run` is `run_with` a silent
//! observer.
//!
//! - [`coverage::CoverageOptions`]: `maillage coverage`;
//! - [`access::AccessOptions`]: `maillage access`;
//! - [`map::MapOptions`]: `maillage map` (and [`map::read_run`], a coverage
//!   folder read back);
//! - [`demo::DemoOptions`]: `maillage demo` (feature `demo`);
//! - `compare::CompareOptions`: `maillage compare`;
//! - [`plan::PlanOptions`]: `maillage plan`;
//! - [`programmes::run`]: `maillage programmes`;
//! - [`out`]: the output folder every command writes through;
//! - `args` (feature `cli`): the command line, one clap struct per command
//!   turned into its options.

#[cfg(feature = "map")]
pub mod access;
#[cfg(feature = "cli")]
pub mod args;
pub mod closures;
#[cfg(feature = "map")]
pub mod compare;
#[cfg(feature = "map")]
pub mod coverage;
#[cfg(feature = "demo")]
pub mod demo;
#[cfg(feature = "map")]
pub mod map;
pub mod out;
pub mod plan;
pub mod programmes;

use std::path::{Path, PathBuf};

use crate::coverage::{Rule, Rules};
use crate::error::Result;
use crate::geom::crs::Crs;
use crate::load::{Inputs, Sources};
use crate::model::{Service, ServiceEvidence, TerritoryKind};
use crate::programmes::ProgrammeSource;
use crate::read::{CommuneSources, FieldMap};
use crate::report::LoadReport;

/// What a running command tells: its long steps and its load reports.
/// Every method does nothing by default.
pub trait Observer {
    /// A line of progress (`── loading`, `12 point(s) offer postal`).
    fn note(&mut self, _line: &str) {}
    /// A long step starts (`reading the inputs`); it ends at [`step_done`](Self::step_done).
    fn step(&mut self, _name: &str) {}
    /// The step last started is over.
    fn step_done(&mut self) {}
    /// Files were read: their reports.
    fn loaded(&mut self, _reports: &[LoadReport]) {}
}

/// The silent observer.
impl Observer for () {}

/// Runs `f` as the long step `name`, telling `observer` when it starts and ends.
pub fn step<T>(observer: &mut dyn Observer, name: &str, f: impl FnOnce() -> T) -> T {
    observer.step(name);
    let t = f();
    observer.step_done();
    t
}

/// Where the services are: the inputs `coverage`, `access` and `plan` share
/// (and, with feature `cli`, their arguments).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct Sites {
    /// La Poste points de contact CSV (2016 or current open-data layout).
    #[cfg_attr(feature = "cli", arg(long, value_name = "CSV"))]
    pub points: PathBuf,
    /// Partner sites: France Services CSV, conseillers numériques GeoJSON,
    /// lieux de médiation numérique (CSV or JSON), or a plain
    /// `id,name,latitude,longitude,services` CSV. Repeatable.
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub partners: Vec<PathBuf>,
    /// Programme assignments CSV (`site_id,service`): which offices host
    /// mediation, a Point Poste ESS or digital inclusion.
    #[cfg_attr(feature = "cli", arg(long, value_name = "CSV"))]
    pub assignments: Option<PathBuf>,
    /// The programmes' hosts: `auto` derives them from these points and
    /// partners as `maillage programmes` does; a CSV is a `programmes.csv`
    /// it wrote (or any `site_id,service[,evidence]` list). Each service's
    /// figures then say what its sites rest on.
    #[cfg_attr(
        feature = "cli",
        arg(long, value_name = "auto|CSV", value_parser = clap::value_parser!(ProgrammeSource))
    )]
    pub programmes: Option<ProgrammeSource>,
}

impl Sites {
    /// The points alone (no partners, no assignments).
    pub fn new(points: impl Into<PathBuf>) -> Self {
        Sites {
            points: points.into(),
            partners: Vec::new(),
            assignments: None,
            programmes: None,
        }
    }

    /// The loading sources of these files.
    pub fn sources(&self) -> Sources {
        let mut sources = Sources::new().points(&self.points);
        for p in &self.partners {
            sources = sources.partners(p);
        }
        if let Some(a) = &self.assignments {
            sources = sources.assignments(a);
        }
        sources
    }

    /// Every file named.
    pub fn inputs(&self) -> impl Iterator<Item = &Path> {
        std::iter::once(self.points.as_path())
            .chain(self.partners.iter().map(PathBuf::as_path))
            .chain(self.assignments.as_deref())
            .chain(self.programmes.as_ref().and_then(ProgrammeSource::file))
    }

    /// Applies [`programmes`](Self::programmes) to the points loaded from
    /// these sites ([`apply_programmes`]).
    pub fn apply_programmes(
        &self,
        inputs: &mut Inputs,
        observer: &mut dyn Observer,
    ) -> Result<Option<Vec<ServiceEvidence>>> {
        apply_programmes(self.programmes.as_ref(), &self.sources(), inputs, observer)
    }
}

/// Applies `programmes` (when given) to the points of `inputs`, read from
/// `sources`: the hosts' services are added, the reports of what was read
/// and applied join `inputs.reports` (and go to `observer`). Returns one
/// evidence line per service ([`Applied::evidence`](crate::programmes::Applied::evidence)).
pub fn apply_programmes(
    programmes: Option<&ProgrammeSource>,
    sources: &Sources,
    inputs: &mut Inputs,
    observer: &mut dyn Observer,
) -> Result<Option<Vec<ServiceEvidence>>> {
    let Some(programmes) = programmes else {
        return Ok(None);
    };
    let applied = step(observer, "finding the programmes' hosts", || {
        programmes.apply(sources, &mut inputs.points)
    })?;
    observer.loaded(&applied.reports);
    inputs.reports.extend(applied.reports);
    Ok(Some(applied.evidence))
}

/// How to read commune polygons from a file that does not say it all.
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct CommuneFile {
    /// CRS of the --communes polygons when the file does not declare it.
    #[cfg_attr(
        feature = "cli",
        arg(id = "communes_crs", long = "communes-crs", value_name = "EPSG:<code>", value_parser = Crs::parse)
    )]
    pub crs: Option<Crs>,
    /// Layer of the --communes file when it holds several (ADMIN EXPRESS's
    /// GeoPackage: COMMUNE).
    #[cfg_attr(
        feature = "cli",
        arg(id = "communes_layer", long = "communes-layer", value_name = "NAME")
    )]
    pub layer: Option<String>,
}

impl CommuneFile {
    /// The commune sources of `polygons`, read as this says.
    pub fn sources(&self, polygons: &Path) -> CommuneSources {
        let mut communes = CommuneSources::new(polygons);
        communes.crs = self.crs;
        communes.layer.clone_from(&self.layer);
        communes
    }
}

/// The field mapping of territory files given on the command line: kind
/// and id field ([`FieldMap::for_kind`]: the kind inferred from the id
/// field when not given), and the CRS and layer for files that do not say.
pub fn territory_fields(
    kind: Option<TerritoryKind>,
    id_field: Option<&str>,
    crs: Option<Crs>,
    layer: Option<&str>,
) -> Result<FieldMap> {
    let mut fields = FieldMap::for_kind(kind, id_field)?;
    if let Some(crs) = crs {
        fields = fields.crs(crs);
    }
    if let Some(layer) = layer {
        fields = fields.layer(layer);
    }
    Ok(fields)
}

/// The default reach of a territory kind in metres: the radius of its
/// default coverage rule ([`Rules::default`]: 500 m for QPV, 5,000 m for
/// communes and rural zones); for kinds served only by a point inside
/// (départements, custom), the law's 5 km.
pub fn default_reach_m(kind: TerritoryKind) -> f64 {
    match Rules::default().get(kind, Service::Postal) {
        Rule::WithinDistance(m) => m,
        Rule::Inside => crate::access::LAW_DISTANCE_M,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A file of the demo territory (`data/demo/`).
    #[cfg(feature = "map")]
    pub(crate) fn demo(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("data/demo")
            .join(name)
    }

    #[test]
    fn default_reach_is_the_coverage_rule() {
        assert_eq!(default_reach_m(TerritoryKind::Qpv), 500.0);
        assert_eq!(default_reach_m(TerritoryKind::Commune), 5000.0);
        assert_eq!(default_reach_m(TerritoryKind::RuralZone), 5000.0);
        assert_eq!(default_reach_m(TerritoryKind::Departement), 5000.0);
    }

    #[test]
    fn territory_fields_take_the_crs_and_layer() {
        let f = territory_fields(Some(TerritoryKind::Qpv), None, None, Some("qpv")).unwrap();
        assert_eq!(f, FieldMap::qpv().layer("qpv"));
        assert!(territory_fields(None, None, None, None).is_err());
    }
}
