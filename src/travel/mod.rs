//! Travel time by car to the nearest service point.
//!
//! Two models implement [`TravelTime`]:
//! - [`RoadTravelTime`]: shortest times on a real road network read from an
//!   OpenStreetMap extract ([`read_roads`](osm::read_roads)), by a
//!   multi-source Dijkstra search from the service points;
//! - [`CrowFlies`]: an estimate from the straight-line distance, a detour
//!   factor and an average speed by INSEE density class, for when no road
//!   data is given. Outputs always say which model produced the times.

#[cfg(feature = "osm")]
mod osm;
mod roads;

#[cfg(feature = "osm")]
pub use osm::{read_roads, read_roads_from};
pub use roads::{RoadNetwork, RoadTravelTime, SpeedTable};

use geo_types::Coord;

use crate::geom::crs::Zone;
use crate::model::Territory;

/// What a travel-time model is asked.
#[derive(Debug, Clone, Copy)]
pub struct TravelQuery<'a> {
    /// The zone of the origin.
    pub zone: Zone,
    /// The origin, in metres in the zone's CRS.
    pub origin: Coord<f64>,
    /// Straight-line distance to the nearest point offering the service, if any.
    pub nearest_m: Option<f64>,
    /// The commune the origin lies in, when known (for its density class).
    pub commune: Option<&'a Territory>,
}

/// A model's answer: the time, and how far the origin was moved onto the
/// model's network to get it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Travel {
    /// Minutes by car to the nearest service point.
    pub minutes: f64,
    /// Distance in metres from the origin to where the model picked it up
    /// (a road node), for models that snap origins; `None` otherwise.
    pub snap_m: Option<f64>,
}

/// A model of car travel time from a place to the nearest service point.
pub trait TravelTime: Send + Sync {
    /// How the times are obtained, written into outputs.
    fn label(&self) -> String;

    /// Time by car from the query's origin to the nearest service point, with
    /// the snap it took, or `None` when the model cannot tell (origin outside
    /// its road network, no reachable point).
    fn travel(&self, query: &TravelQuery<'_>) -> Option<Travel>;

    /// Minutes by car from the query's origin to the nearest service point
    /// (the time of [`travel`](Self::travel)).
    fn minutes(&self, query: &TravelQuery<'_>) -> Option<f64> {
        self.travel(query).map(|t| t.minutes)
    }
}

/// Crow-flies estimate: `minutes = distance × detour ÷ speed`.
///
/// The speed depends on the origin commune's INSEE 4-level density grid
/// ([`DensityClass::four_level`](crate::model::DensityClass::four_level)): the defaults are 25 km/h in dense
/// communes (1), 40 km/h in intermediate ones (2), 55 km/h in low-density
/// ones (3), 65 km/h in very-low-density ones (4), 45 km/h when unknown, with
/// a detour factor of 1.3 (road distance over straight-line distance, a
/// usual figure for French road networks). These are assumptions, not
/// measurements: results carry the label "crow-flies estimate".
#[derive(Debug, Clone, PartialEq)]
pub struct CrowFlies {
    /// Road distance over straight-line distance.
    pub detour: f64,
    /// Average speed in km/h for density classes 1 to 4.
    pub kmh_by_density: [f64; 4],
    /// Average speed in km/h when the class is unknown.
    pub kmh_unknown: f64,
}

impl Default for CrowFlies {
    fn default() -> Self {
        CrowFlies {
            detour: 1.3,
            kmh_by_density: [25.0, 40.0, 55.0, 65.0],
            kmh_unknown: 45.0,
        }
    }
}

impl CrowFlies {
    /// The speed used for a commune.
    pub fn kmh(&self, commune: Option<&Territory>) -> f64 {
        commune
            .and_then(|c| c.density)
            .and_then(|d| {
                let i = usize::from(d.four_level()).checked_sub(1)?;
                self.kmh_by_density.get(i).copied()
            })
            .unwrap_or(self.kmh_unknown)
    }
}

impl TravelTime for CrowFlies {
    fn label(&self) -> String {
        format!(
            "crow-flies estimate (detour ×{}, {}/{}/{}/{} km/h by density class, {} km/h unknown)",
            self.detour,
            self.kmh_by_density[0],
            self.kmh_by_density[1],
            self.kmh_by_density[2],
            self.kmh_by_density[3],
            self.kmh_unknown
        )
    }

    fn travel(&self, query: &TravelQuery<'_>) -> Option<Travel> {
        let d = query.nearest_m?;
        Some(Travel {
            minutes: d * self.detour / 1000.0 / self.kmh(query.commune) * 60.0,
            snap_m: None,
        })
    }
}
