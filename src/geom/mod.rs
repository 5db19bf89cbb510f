//! Geometry: coordinate reference systems, French land, placement of input
//! coordinates, polygon validity and repair.
//!
//! The lowest layer of maillage but for its plain data, errors and text
//! helpers: nothing here knows about points de contact, services or
//! territories.

pub mod crs;
pub mod land;
pub(crate) mod place;
pub mod repair;
pub(crate) mod valid;
