//! Readers: one module per input format. Each returns its data and a
//! [`LoadReport`](crate::LoadReport) saying what was read, kept and skipped.

pub(crate) mod geojson;
pub mod text;

mod assignments;
mod communes;
mod conseillers;
mod filosofi;
mod france_services;
mod laposte;
mod osm;
mod partners;
mod territories;

pub use assignments::{Assignment, apply_assignments, read_assignments, read_assignments_from};
pub use communes::{CommuneSources, read_communes};
pub use conseillers::{read_conseillers_numeriques, read_conseillers_numeriques_from};
pub use filosofi::read_filosofi;
pub use france_services::{read_france_services, read_france_services_from};
pub use laposte::{read_la_poste, read_la_poste_from};
pub use osm::{read_roads, read_roads_from};
pub use partners::{read_partner_csv, read_partner_csv_from, read_partners};
pub use territories::{FieldMap, read_territories, read_territories_from};

use geo_types::Coord;

use crate::crs::{Projector, Zone, looks_projected};
use crate::report::SkipReason;
use geojson::GeometryProblem;

/// A point placed in its zone.
pub(crate) struct Placed {
    pub zone: Zone,
    pub lonlat: Coord<f64>,
    pub xy: Coord<f64>,
}

/// The last two checks of every point row: usable coordinates, then an id
/// not seen before (the first occurrence is kept). Counts the skip in
/// `report` and returns `None` when a check fails.
pub(crate) fn accept_point(
    report: &mut crate::LoadReport,
    seen: &mut std::collections::HashSet<String>,
    location: crate::Location,
    id: &str,
    placed: Result<Placed, GeometryProblem>,
) -> Option<Placed> {
    let placed = match placed {
        Ok(p) => p,
        Err((reason, detail)) => {
            report.skip(reason, location, Some(id), Some(detail));
            return None;
        }
    };
    if !seen.insert(id.to_owned()) {
        report.skip(SkipReason::DuplicateId, location, Some(id), None);
        return None;
    }
    Some(placed)
}

/// Parses and places a lon/lat given as text (decimal point or comma).
pub(crate) fn place_text(lon: &str, lat: &str) -> Result<Placed, GeometryProblem> {
    if lon.trim().is_empty() || lat.trim().is_empty() {
        return Err((
            SkipReason::MissingCoordinates,
            "latitude or longitude is empty".to_owned(),
        ));
    }
    match (text::parse_number(lon), text::parse_number(lat)) {
        (Some(x), Some(y)) => place_lonlat(x, y),
        _ => Err((
            SkipReason::InvalidCoordinates,
            format!("lon {lon:?}, lat {lat:?} are not numbers"),
        )),
    }
}

/// Checks a WGS84 lon/lat and projects it to the CRS of its zone.
pub(crate) fn place_lonlat(lon: f64, lat: f64) -> Result<Placed, GeometryProblem> {
    if !lon.is_finite() || !lat.is_finite() {
        return Err((
            SkipReason::InvalidCoordinates,
            format!("lon {lon}, lat {lat}"),
        ));
    }
    if lon.abs() > 180.0 || lat.abs() > 90.0 {
        let reason = if looks_projected(lon, lat) {
            SkipReason::ProjectedCoordinates
        } else {
            SkipReason::InvalidCoordinates
        };
        return Err((reason, format!("lon {lon}, lat {lat}")));
    }
    let Some(zone) = Zone::of_lonlat(lon, lat) else {
        let reason = if Zone::of_lonlat(lat, lon).is_some() {
            SkipReason::LatLonSwapped
        } else {
            SkipReason::OutsideFrance
        };
        return Err((reason, format!("lon {lon}, lat {lat}")));
    };
    let projector =
        Projector::shared().map_err(|e| (SkipReason::InvalidCoordinates, e.to_string()))?;
    let xy = projector
        .project(zone, lon, lat)
        .map_err(|e| (SkipReason::InvalidCoordinates, e.to_string()))?;
    Ok(Placed {
        zone,
        lonlat: Coord { x: lon, y: lat },
        xy,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(r: Result<Placed, GeometryProblem>) -> SkipReason {
        match r {
            Ok(_) => panic!("expected a skip"),
            Err((reason, _)) => reason,
        }
    }

    #[test]
    fn placing_points_reports_each_problem() {
        assert_eq!(
            reason(place_text("", "48.8")),
            SkipReason::MissingCoordinates
        );
        assert_eq!(
            reason(place_text("2,35", "abc")),
            SkipReason::InvalidCoordinates
        );
        assert_eq!(
            reason(place_text("652469", "6862035")),
            SkipReason::ProjectedCoordinates
        );
        assert_eq!(
            reason(place_text("48.8566", "2.3522")),
            SkipReason::LatLonSwapped
        );
        assert_eq!(
            reason(place_text("-0.1276", "51.9")),
            SkipReason::OutsideFrance
        );
        assert_eq!(
            reason(place_text("200", "20")),
            SkipReason::InvalidCoordinates
        );
        let p = place_text("2,3522", "48,8566").expect("Paris is placed");
        assert_eq!(p.zone, Zone::Metropole);
        assert!((p.xy.x - 652469.022709).abs() < 0.01);
    }
}
