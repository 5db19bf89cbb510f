//! Writers: one module per output format. Each adds methods to
//! [`CoverageReport`](crate::CoverageReport); the columns of every format
//! come from one [schema](crate::coverage::schema).

mod csv;
mod geojson;
#[cfg(feature = "polars")]
mod polars;

pub use geojson::Features;
