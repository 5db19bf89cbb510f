//! # maillage
//!
//! Which French territories are served by the postal network and its
//! social-economy partners, and where the gaps are.
//!
//! maillage loads territories (QPV, communes, rural zones, départements),
//! La Poste points de contact and partner sites, indexes the points with an
//! R-tree, and measures for every territory and service whether it is
//! served, how far the nearest service is, and which unserved territories
//! hold the most people.
//!
//! ## The domain, in one page
//!
//! - **Point de contact**: a place where La Poste offers postal service. About
//!   17,000 of them: *bureaux de poste* run by La Poste, *agences postales
//!   communales* (APC) and *intercommunales* (API) run by local
//!   authorities, and *relais poste commerçants* run by shopkeepers
//!   ([`PointKind`]).
//! - **QPV** (*quartier prioritaire de la politique de la ville*): a
//!   low-income urban neighbourhood targeted by city policy. About 1,500.
//! - **Commune**: the smallest French local authority (about 35,000), coded by
//!   INSEE (`code_insee`, e.g. `75056` for Paris, `2A004` for Ajaccio). Codes
//!   change when communes merge, so files of different years (COG vintages)
//!   disagree; maillage maps old codes to current ones where the data allows.
//! - **Département**: the administrative level at which the law measures
//!   postal presence (`01` … `95`, `2A`, `2B`, `971` … `976`).
//! - **FRR** (*France Ruralités Revitalisation*): the current rural zoning,
//!   replacing the ZRR.
//! - **ESS** (*économie sociale et solidaire*): associations and cooperatives
//!   with which La Poste runs **mediation** in post offices near QPV,
//!   **Points Poste ESS**, and **digital inclusion** work; **France
//!   Services** sites and **conseillers numériques** are related public offers
//!   ([`Service`]).
//! - **The legal yardstick** (loi 90-568, art. 6): no more than 10 % of a
//!   département's population may live farther than 5 km and 20 minutes by
//!   car from a point de contact.
//!
//! ## Coordinates
//!
//! Inputs are WGS84 longitude/latitude. Every distance is in metres in the
//! official projected CRS of the zone the data lies in (Lambert-93 for
//! metropolitan France, UTM-based CRS overseas: see [`crs`]). Distances are
//! never measured across zones.
//!
//! ## Example
//!
//! On the synthetic demo territory shipped in `data/demo`:
//!
//! ```
//! use maillage::load::Sources;
//! use maillage::{Coverage, FieldMap, Service, ServiceNetwork};
//!
//! let inputs = Sources::new()
//!     .points("data/demo/points.csv") // La Poste points de contact
//!     .partners("data/demo/partners.csv")
//!     .assignments("data/demo/assignments.csv") // which offices run mediation...
//!     .territories("data/demo/qpv.geojson", FieldMap::qpv())
//!     .load()?;
//! for load in &inputs.reports {
//!     println!("{load}"); // rows read, kept, skipped by reason
//! }
//! let network = ServiceNetwork::new(inputs.points); // one R-tree per zone and service
//! let report = Coverage::new(&network, &inputs.territories) // QPV: served within 500 m
//!     .services([Service::Postal, Service::Mediation])
//!     .run()?;
//! let gaps = report.gaps(Service::Mediation);
//! assert_eq!(gaps.len(), 3); // of the 4 QPV, 3 have no mediation within 500 m
//! println!("{}: nearest mediation {:.0} m", gaps[0].territory.name, gaps[0].nearest_m().unwrap_or(f64::NAN));
//! report.write_csv(std::env::temp_dir().join("maillage-doc/coverage.csv"))?;
//! # Ok::<(), maillage::Error>(())
//! ```
//!
//! ## Cargo features
//!
//! The default build is the library: readers, the R-tree engine,
//! population models and travel times, CSV and GeoJSON outputs.
//! - `map`: gap maps (`maillage::map`: SVG, PNG through resvg with an embedded font, HTML report);
//! - `osm`: OpenStreetMap road networks (`travel::read_roads`);
//! - `exact`: exact maximal-coverage plans (MILP, good_lp with the pure-Rust microlp);
//! - `shapefile`: ESRI Shapefiles as territories;
//! - `geopackage`: GeoPackage territories (SQLite compiled from its C source);
//! - `geoparquet`: GeoParquet territories in and results out (through the
//!   Apache Arrow `parquet` crate; in `cli`);
//! - `polars`: DataFrame and Parquet output;
//! - `cli`: the `maillage` command (turns on `map`, `osm`, `exact`,
//!   `shapefile` and `geopackage`).
//!
//! ## Layout
//!
//! Plain data in [`model`] (points, territories, services), readers in
//! [`read`] (invalid polygons mended by [`repair`](mod@repair)) and the
//! loading layer in [`load`], the analyses ([`coverage`],
//! [`access`], [`population`], [`travel`], [`plan`], [`compare`]), outputs
//! in [`write`](mod@write) and `map`.
//! `ARCHITECTURE.md` maps the modules and what each may use.
//!
//! ## Documentation
//!
//! Beside this API reference, the repository's `docs/` folder holds the
//! guide to every command (`docs/GUIDE.md`), the method (`docs/METHOD.md`:
//! rules, CRS, population models, legal thresholds, planning bounds), the
//! cross-checks of every figure (`docs/VALIDATION.md`), the benchmarks
//! (`docs/PERFORMANCE.md`), the data sources and licences (`docs/DATA.md`)
//! and the columns of every output (`docs/SCHEMAS.md`).
//!
//! ## Bad input
//!
//! Whole-file problems are an [`Error`] naming the file and the place.
//! Row- and feature-level problems are skipped, counted by
//! [`SkipReason`] in each reader's [`LoadReport`], never dropped silently.

#![deny(missing_docs)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod access;
pub mod command;
pub mod compare;
pub mod coverage;
pub mod demo;
mod error;
pub mod geom;
mod key;
pub mod load;
pub mod locate;
#[cfg(feature = "map")]
pub mod map;
pub mod model;
mod network;
mod outfile;
pub mod plan;
pub mod population;
pub mod programmes;
pub mod read;
mod report;
mod rng;
mod skip;
pub mod travel;
pub mod write;

// Former paths of the geometry modules, which live in `geom`.
pub use geom::{crs, land, repair};

pub use coverage::{Coverage, CoverageReport, Record, Rule, Rules, Summary};
pub use crs::{Crs, Projector, Zone};
pub use error::{BoxError, Error, Result};
pub use model::{
    DensityClass, FrrClass, GeocodePrecision, PointKind, Service, ServicePoint, ServiceSet,
    Territory, TerritoryKind,
};
pub use network::ServiceNetwork;
pub use read::{CommuneSources, FieldMap};
/// The README's Rust examples are compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

pub use report::{LoadReport, MAX_EXAMPLES, Note, SkipExample, SkipTally};
pub use skip::{Location, SkipReason};
