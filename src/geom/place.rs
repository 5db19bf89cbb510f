//! Placing WGS84 input in its zone: the checks every point and polygon goes
//! through before maillage measures anything, shared by the readers and by
//! the public constructors ([`ServicePoint::at_lonlat`](crate::model::ServicePoint::at_lonlat),
//! [`Territory::from_lonlat`](crate::model::Territory::from_lonlat)).
//!
//! A coordinate must be finite, in the lon/lat range, not projected metres,
//! and inside one of the supported zones; a polygon must have all its
//! vertices in one zone. The result is projected to the zone's CRS, and an
//! invalid polygon is repaired ([`repair`](crate::geom::repair)).

use geo::{BoundingRect, CoordsIter};
#[cfg(test)]
use geo_types::Polygon;
use geo_types::{Coord, MultiPolygon};

use crate::geom::valid::is_valid;

use crate::geom::crs::{Crs, Projector, Zone, looks_projected};
use crate::geom::land::{any_on_land, is_on_land};
use crate::key::parse_number;
use crate::skip::SkipReason;

/// Why a geometry could not be used, with a detail for the report.
pub(crate) type Problem = (SkipReason, String);

/// A point placed in its zone.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Placed {
    pub zone: Zone,
    pub lonlat: Coord<f64>,
    pub xy: Coord<f64>,
    /// True when latitude and longitude were given the wrong way round and
    /// were exchanged (see [`place_text`]).
    pub swapped: bool,
}

/// What placing a polygon did to make it valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Repair {
    /// Valid as read.
    None,
    /// Invalid parts were repaired ([`repair`](crate::geom::repair)).
    Repaired,
    /// An invalid part could not be repaired and is kept as read.
    Failed,
}

/// A polygon placed in its zone: projected, repaired if needed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PlacedPolygon {
    pub zone: Zone,
    pub geometry: MultiPolygon<f64>,
    pub repair: Repair,
    /// The lon/lat polygon `geometry` is the projection of, vertex for
    /// vertex ([`Territory::lonlat`](crate::model::Territory::lonlat)):
    /// `None` when it was read in metres or repaired.
    pub lonlat: Option<MultiPolygon<f64>>,
}

/// Parses and places a lon/lat given as text (decimal point or comma), as
/// the readers do. A pair given the wrong way round is repaired when that
/// is certain — as given it lies in no French zone, exchanged it lies in
/// one — and flagged [`Placed::swapped`] so that the reader counts it.
pub(crate) fn place_text(lon: &str, lat: &str) -> Result<Placed, Problem> {
    if lon.trim().is_empty() || lat.trim().is_empty() {
        return Err((
            SkipReason::MissingCoordinates,
            "latitude or longitude is empty".to_owned(),
        ));
    }
    match (parse_number(lon), parse_number(lat)) {
        (Some(x), Some(y)) => place_repairing_swap(x, y),
        _ => Err((
            SkipReason::InvalidCoordinates,
            format!("lon {lon:?}, lat {lat:?} are not numbers"),
        )),
    }
}

fn projector() -> Result<&'static Projector, Problem> {
    Projector::shared().map_err(|e| (SkipReason::InvalidCoordinates, e.to_string()))
}

/// Like [`place_lonlat`], exchanging a pair given the wrong way round when
/// that is certain (see [`place_text`]).
pub(crate) fn place_repairing_swap(lon: f64, lat: f64) -> Result<Placed, Problem> {
    match place_lonlat(lon, lat) {
        Err((SkipReason::LatLonSwapped, _)) => {
            place_lonlat(lat, lon).map(|p| Placed { swapped: true, ..p })
        }
        other => other,
    }
}

/// Checks a WGS84 lon/lat and projects it to the CRS of its zone.
pub(crate) fn place_lonlat(lon: f64, lat: f64) -> Result<Placed, Problem> {
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
    if !is_on_land(zone, lon, lat).map_err(|e| (SkipReason::InvalidCoordinates, e))? {
        return Err((
            SkipReason::OutsideFrance,
            format!("lon {lon}, lat {lat} is in the {zone} box but not on French land"),
        ));
    }
    let xy = projector()?
        .project(zone, lon, lat)
        .map_err(|e| (SkipReason::InvalidCoordinates, e.to_string()))?;
    Ok(Placed {
        zone,
        lonlat: Coord { x: lon, y: lat },
        xy,
        swapped: false,
    })
}

/// Takes a multipolygon of an input in `crs` (a file that declares it, or
/// the user's `--crs`) to WGS84 lon/lat.
pub(crate) fn to_lonlat(mut mp: MultiPolygon<f64>, crs: Crs) -> Result<MultiPolygon<f64>, Problem> {
    projector()?
        .multipolygon_to_lonlat(crs, &mut mp)
        .map_err(|e| (SkipReason::InvalidCoordinates, e.to_string()))?;
    Ok(mp)
}

/// The one zone every vertex lies in.
fn zone_of_vertices(mp: &MultiPolygon<f64>) -> Result<Zone, Problem> {
    let mut zone: Option<Zone> = None;
    let mut outside: Option<Coord<f64>> = None;
    let mut swapped_inside = true;
    for c in mp.coords_iter() {
        match Zone::of_lonlat(c.x, c.y) {
            Some(z) => match zone {
                None => zone = Some(z),
                Some(first) if first != z => {
                    return Err((
                        SkipReason::SpansZones,
                        format!("vertices in {first} and in {z}"),
                    ));
                }
                Some(_) => {}
            },
            None => {
                outside.get_or_insert(c);
                swapped_inside &= Zone::of_lonlat(c.y, c.x).is_some();
            }
        }
    }
    match (zone, outside) {
        (Some(z), None) => {
            if any_on_land(z, mp.coords_iter()).map_err(|e| (SkipReason::InvalidCoordinates, e))? {
                Ok(z)
            } else {
                Err((
                    SkipReason::OutsideFrance,
                    format!("no vertex on French land (in the {z} box)"),
                ))
            }
        }
        (None, Some(_)) if swapped_inside => Err((
            SkipReason::LatLonSwapped,
            "coordinates are (lat, lon)".to_owned(),
        )),
        (_, Some(c)) => Err((
            SkipReason::OutsideFrance,
            format!("vertex ({:.4}, {:.4}) is outside every zone", c.x, c.y),
        )),
        (None, None) => Err((SkipReason::EmptyGeometry, "no coordinates".to_owned())),
    }
}

/// Checks that a lon/lat multipolygon lies in one zone and projects it to
/// that zone's CRS, repairing it when it is invalid.
///
/// Each part is checked on its own: parts of a multipolygon that merely
/// touch (merged communes) are not a defect worth repairing. An invalid
/// part is replaced by its even-odd polygons ([`repair`](crate::geom::repair::repair)); a part whose repair
/// comes out empty is kept as read ([`Repair::Failed`]), since distances
/// and point tests still work on it.
pub(crate) fn place_multipolygon(mut mp: MultiPolygon<f64>) -> Result<PlacedPolygon, Problem> {
    let Some(rect) = mp.bounding_rect() else {
        return Err((SkipReason::EmptyGeometry, "no coordinates".to_owned()));
    };
    for c in [rect.min(), rect.max()] {
        if !c.x.is_finite() || !c.y.is_finite() || c.x.abs() > 180.0 || c.y.abs() > 90.0 {
            let reason = if looks_projected(c.x, c.y) {
                SkipReason::ProjectedCoordinates
            } else {
                SkipReason::InvalidCoordinates
            };
            return Err((reason, format!("vertex ({}, {}) is not lon/lat", c.x, c.y)));
        }
    }
    let zone = zone_of_vertices(&mp)?;
    let lonlat = mp.clone();
    projector()?
        .project_multipolygon(zone, &mut mp)
        .map_err(|e| (SkipReason::InvalidCoordinates, e.to_string()))?;
    let mut placed = repaired(mp, zone);
    if placed.repair == Repair::None {
        placed.lonlat = Some(lonlat);
    }
    Ok(placed)
}

/// Places a multipolygon of an input in `crs`: lon/lat inputs by
/// [`place_multipolygon`]; inputs in a zone's own CRS (a Lambert-93
/// Shapefile or GeoPackage) stay in their metres, without the round trip
/// through lon/lat: only the vertices needed to find one on French land are
/// taken back to lon/lat. Other projected inputs go through lon/lat.
pub(crate) fn place_in(mp: MultiPolygon<f64>, crs: Crs) -> Result<PlacedPolygon, Problem> {
    let Crs::Zone(zone) = crs else {
        return to_lonlat(mp, crs).and_then(place_multipolygon);
    };
    if mp.0.is_empty() {
        return Err((SkipReason::EmptyGeometry, "no coordinates".to_owned()));
    }
    if let Some(c) = mp
        .coords_iter()
        .find(|c| !c.x.is_finite() || !c.y.is_finite())
    {
        return Err((
            SkipReason::InvalidCoordinates,
            format!("vertex ({}, {}) is not finite", c.x, c.y),
        ));
    }
    let p = projector()?;
    let mut on_land = false;
    for c in mp.coords_iter() {
        let ll = p
            .unproject(zone, c.x, c.y)
            .map_err(|e| (SkipReason::InvalidCoordinates, e.to_string()))?;
        if Zone::of_lonlat(ll.x, ll.y) == Some(zone)
            && is_on_land(zone, ll.x, ll.y).map_err(|e| (SkipReason::InvalidCoordinates, e))?
        {
            on_land = true;
            break;
        }
    }
    if !on_land {
        return Err((
            SkipReason::OutsideFrance,
            format!(
                "no vertex on French land of the {zone} zone its CRS ({}) covers",
                zone.epsg()
            ),
        ));
    }
    Ok(repaired(mp, zone))
}

/// The multipolygon with its invalid parts repaired ([`repair`](crate::geom::repair)), and
/// what that did.
fn repaired(mut mp: MultiPolygon<f64>, zone: Zone) -> PlacedPolygon {
    let mut repair = Repair::None;
    if mp.0.iter().any(|p| !is_valid(p)) {
        let mut parts = Vec::with_capacity(mp.0.len());
        repair = Repair::Repaired;
        for p in mp.0 {
            if is_valid(&p) {
                parts.push(p);
                continue;
            }
            match crate::geom::repair::repair(std::slice::from_ref(&p)) {
                Some(fixed) => parts.extend(fixed.0),
                None => {
                    repair = Repair::Failed;
                    parts.push(p);
                }
            }
        }
        mp = MultiPolygon(parts);
    }
    PlacedPolygon {
        zone,
        geometry: mp,
        repair,
        lonlat: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::valid::tests::star;

    fn reason(r: Result<Placed, Problem>) -> SkipReason {
        match r {
            Ok(_) => panic!("expected a skip"),
            Err((reason, _)) => reason,
        }
    }

    #[test]
    fn a_large_self_crossing_polygon_is_repaired() {
        // 20,000 vertices (past the exact check), with two vertices swapped: a crossing.
        let mut ring = star(20_000, 2.35, 48.85)
            .into_iter()
            .map(|(x, y)| (2.35 + (x - 2.35) * 1e-5, 48.85 + (y - 48.85) * 1e-5))
            .collect::<Vec<_>>();
        ring.swap(100, 102);
        let mp = MultiPolygon(vec![Polygon::new(ring.into(), vec![])]);
        let placed = place_multipolygon(mp).unwrap();
        assert_eq!(placed.repair, Repair::Repaired);
        let fine = MultiPolygon(vec![Polygon::new(
            star(20_000, 2.35, 48.85)
                .into_iter()
                .map(|(x, y)| (2.35 + (x - 2.35) * 1e-5, 48.85 + (y - 48.85) * 1e-5))
                .collect::<Vec<_>>()
                .into(),
            vec![],
        )]);
        assert_eq!(place_multipolygon(fine).unwrap().repair, Repair::None);
    }

    #[test]
    fn placing_points_reports_each_problem() {
        for (lon, lat, want) in [
            ("", "48.8", SkipReason::MissingCoordinates),
            ("2,35", "abc", SkipReason::InvalidCoordinates),
            ("652469", "6862035", SkipReason::ProjectedCoordinates),
            ("-0.1276", "51.9", SkipReason::OutsideFrance),
            ("200", "20", SkipReason::InvalidCoordinates),
        ] {
            assert_eq!(reason(place_text(lon, lat)), want, "{lon}, {lat}");
        }
        assert_eq!(
            reason(place_lonlat(48.8566, 2.3522)),
            SkipReason::LatLonSwapped
        );
        let repaired = place_text("48.8566", "2.3522").expect("a certain swap is repaired");
        assert!(repaired.swapped);
        assert_eq!(
            repaired.lonlat,
            Coord {
                x: 2.3522,
                y: 48.8566
            }
        );
        let p = place_text("2,3522", "48,8566").expect("Paris is placed");
        assert_eq!(p.zone, Zone::Metropole);
        assert!((p.xy.x - 652469.022709).abs() < 0.01);
    }
}
