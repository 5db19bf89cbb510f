//! Plain data types: no I/O, no algorithms beyond small helpers.

mod evidence;
mod point;
mod service;
mod territory;

pub use evidence::{Evidence, ServiceEvidence, Strength};
pub use point::{GeocodePrecision, PointKind, ServicePoint};
pub use service::{Service, ServiceSet, UnknownService};
pub use territory::{
    DensityClass, FrrClass, ON_BOUNDARY_M, Territory, TerritoryKind, distance_to_polygon,
};
