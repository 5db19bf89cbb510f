//! Projection zones and coordinate transformation.
//!
//! Inputs are WGS84 longitude/latitude. maillage measures every distance in
//! metres in the official projected CRS of the zone the data lies in, and
//! never across zones:
//!
//! | zone | territories | CRS |
//! |---|---|---|
//! | [`Zone::Metropole`] | metropolitan France and Corsica | Lambert-93, EPSG:2154 |
//! | [`Zone::Antilles`] | Guadeloupe, Martinique, Saint-Martin, Saint-Barthélemy | RGAF09 / UTM 20N, EPSG:5490 |
//! | [`Zone::Guyane`] | Guyane | RGFG95 / UTM 22N, EPSG:2972 |
//! | [`Zone::Reunion`] | La Réunion | RGR92 / UTM 40S, EPSG:2975 |
//! | [`Zone::Mayotte`] | Mayotte | RGM04 / UTM 38S, EPSG:4471 |
//! | [`Zone::SaintPierreEtMiquelon`] | Saint-Pierre-et-Miquelon | RGSPM06 / UTM 21N, EPSG:4467 |
//!
//! The transformations use the pure-Rust [`proj4rs`]; all six CRS sit on
//! GRS80-based datums that coincide with WGS84 at this precision (the EPSG
//! transformations are null), so the result is the projection alone. Tests
//! compare with PROJ outputs to better than 1 cm.

use std::fmt;
use std::sync::OnceLock;

use geo_types::{Coord, MultiPolygon};
use proj4rs::proj::Proj;

use crate::error::{Error, Result};

/// A projection zone: a part of France with its own metric CRS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum Zone {
    /// Metropolitan France and Corsica (EPSG:2154).
    Metropole,
    /// Guadeloupe, Martinique, Saint-Martin, Saint-Barthélemy (EPSG:5490).
    Antilles,
    /// Guyane (EPSG:2972).
    Guyane,
    /// La Réunion (EPSG:2975).
    Reunion,
    /// Mayotte (EPSG:4471).
    Mayotte,
    /// Saint-Pierre-et-Miquelon (EPSG:4467).
    SaintPierreEtMiquelon,
}

/// Longitude/latitude boxes that decide the zone of a coordinate:
/// `(zone, min lon, min lat, max lon, max lat)`. They hold each zone's land
/// with a margin of a few kilometres and do not overlap.
const ZONE_BOXES: [(Zone, f64, f64, f64, f64); 6] = [
    (Zone::Metropole, -5.8, 41.0, 10.0, 51.6),
    (Zone::Antilles, -63.5, 14.0, -60.5, 18.6),
    (Zone::Guyane, -54.8, 1.9, -51.0, 6.0),
    (Zone::Reunion, 55.0, -21.6, 56.0, -20.6),
    (Zone::Mayotte, 44.8, -13.2, 45.5, -12.4),
    (Zone::SaintPierreEtMiquelon, -56.7, 46.6, -55.9, 47.3),
];

impl Zone {
    /// Every zone, in a fixed order.
    pub const ALL: [Zone; 6] = [
        Zone::Metropole,
        Zone::Antilles,
        Zone::Guyane,
        Zone::Reunion,
        Zone::Mayotte,
        Zone::SaintPierreEtMiquelon,
    ];

    /// The zone a WGS84 lon/lat falls in, or `None` outside every zone.
    pub fn of_lonlat(lon: f64, lat: f64) -> Option<Zone> {
        ZONE_BOXES
            .iter()
            .find(|(_, x0, y0, x1, y1)| lon >= *x0 && lon <= *x1 && lat >= *y0 && lat <= *y1)
            .map(|(z, ..)| *z)
    }

    /// The EPSG code of the zone's CRS, e.g. `"EPSG:2154"`.
    pub fn epsg(self) -> &'static str {
        match self {
            Zone::Metropole => "EPSG:2154",
            Zone::Antilles => "EPSG:5490",
            Zone::Guyane => "EPSG:2972",
            Zone::Reunion => "EPSG:2975",
            Zone::Mayotte => "EPSG:4471",
            Zone::SaintPierreEtMiquelon => "EPSG:4467",
        }
    }

    /// A short name, e.g. `"metropole"`.
    pub fn name(self) -> &'static str {
        match self {
            Zone::Metropole => "metropole",
            Zone::Antilles => "antilles",
            Zone::Guyane => "guyane",
            Zone::Reunion => "reunion",
            Zone::Mayotte => "mayotte",
            Zone::SaintPierreEtMiquelon => "saint-pierre-et-miquelon",
        }
    }

    /// The zone whose CRS has this EPSG number (e.g. 2154).
    pub fn from_epsg(code: u32) -> Option<Zone> {
        Zone::ALL.into_iter().find(|z| {
            z.epsg()
                .strip_prefix("EPSG:")
                .and_then(|c| c.parse::<u32>().ok())
                == Some(code)
        })
    }

    fn index(self) -> usize {
        self as usize
    }

    fn proj_string(self) -> &'static str {
        match self {
            Zone::Metropole => {
                "+proj=lcc +lat_0=46.5 +lon_0=3 +lat_1=49 +lat_2=44 +x_0=700000 +y_0=6600000 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs"
            }
            Zone::Antilles => {
                "+proj=utm +zone=20 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs"
            }
            Zone::Guyane => {
                "+proj=utm +zone=22 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs"
            }
            Zone::Reunion => {
                "+proj=utm +zone=40 +south +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs"
            }
            Zone::Mayotte => {
                "+proj=utm +zone=38 +south +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs"
            }
            Zone::SaintPierreEtMiquelon => {
                "+proj=utm +zone=21 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs"
            }
        }
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// True when a pair read as lon/lat is out of the lon/lat range and large
/// enough to be projected metres (Lambert-93, UTM, Web Mercator...).
pub fn looks_projected(x: f64, y: f64) -> bool {
    x.is_finite() && y.is_finite() && (x.abs() > 1000.0 || y.abs() > 1000.0)
}

/// Transforms WGS84 lon/lat to and from each zone's CRS.
pub struct Projector {
    wgs84: Proj,
    laea_europe: Proj,
    zones: Vec<Proj>,
}

impl fmt::Debug for Projector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Projector").finish_non_exhaustive()
    }
}

fn proj_err(zone: Zone, e: impl fmt::Display) -> Error {
    Error::Projection {
        crs: zone.epsg(),
        message: e.to_string(),
    }
}

impl Projector {
    /// Builds the projector (parses the six CRS definitions).
    pub fn new() -> Result<Self> {
        let wgs84 = Proj::from_proj_string("+proj=longlat +ellps=WGS84 +datum=WGS84 +no_defs")
            .map_err(|e| proj_err(Zone::Metropole, e))?;
        let laea_europe = Proj::from_proj_string(
            "+proj=laea +lat_0=52 +lon_0=10 +x_0=4321000 +y_0=3210000 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs",
        )
        .map_err(|e| proj_err(Zone::Metropole, e))?;
        let zones = Zone::ALL
            .iter()
            .map(|z| Proj::from_proj_string(z.proj_string()).map_err(|e| proj_err(*z, e)))
            .collect::<Result<Vec<_>>>()?;
        Ok(Projector {
            wgs84,
            laea_europe,
            zones,
        })
    }

    /// A process-wide projector, built on first use.
    pub fn shared() -> Result<&'static Projector> {
        static SHARED: OnceLock<std::result::Result<Projector, String>> = OnceLock::new();
        SHARED
            .get_or_init(|| Projector::new().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|m| Error::Projection {
                crs: "EPSG:4326",
                message: m.clone(),
            })
    }

    fn zone_proj(&self, zone: Zone) -> Result<&Proj> {
        self.zones
            .get(zone.index())
            .ok_or_else(|| proj_err(zone, "zone CRS not initialised"))
    }

    /// Projects one WGS84 lon/lat (degrees) to `zone`'s CRS (metres).
    pub fn project(&self, zone: Zone, lon: f64, lat: f64) -> Result<Coord<f64>> {
        let mut p = (lon.to_radians(), lat.to_radians());
        proj4rs::transform::transform(&self.wgs84, self.zone_proj(zone)?, &mut p)
            .map_err(|e| proj_err(zone, e))?;
        finite(zone, p)
    }

    /// Projects a WGS84 lon/lat to the CRS of the zone it falls in.
    /// `None` when the coordinate lies in no zone.
    pub fn project_auto(&self, lon: f64, lat: f64) -> Option<Result<(Zone, Coord<f64>)>> {
        let zone = Zone::of_lonlat(lon, lat)?;
        Some(self.project(zone, lon, lat).map(|c| (zone, c)))
    }

    /// Back from `zone`'s CRS (metres) to WGS84 lon/lat (degrees).
    pub fn unproject(&self, zone: Zone, x: f64, y: f64) -> Result<Coord<f64>> {
        let mut p = (x, y);
        proj4rs::transform::transform(self.zone_proj(zone)?, &self.wgs84, &mut p)
            .map_err(|e| proj_err(zone, e))?;
        finite(zone, (p.0.to_degrees(), p.1.to_degrees()))
    }

    /// ETRS89-LAEA Europe (EPSG:3035, the CRS of INSEE's Filosofi grid) to WGS84 lon/lat.
    pub fn from_laea_europe(&self, x: f64, y: f64) -> Result<Coord<f64>> {
        let mut p = (x, y);
        proj4rs::transform::transform(&self.laea_europe, &self.wgs84, &mut p).map_err(|e| {
            Error::Projection {
                crs: "EPSG:3035",
                message: e.to_string(),
            }
        })?;
        finite(Zone::Metropole, (p.0.to_degrees(), p.1.to_degrees()))
    }

    /// Projects every vertex of a lon/lat multipolygon in place.
    pub fn project_multipolygon(&self, zone: Zone, mp: &mut MultiPolygon<f64>) -> Result<()> {
        use geo::MapCoordsInPlace;
        mp.map_coords_in_place(|c| Coord {
            x: c.x.to_radians(),
            y: c.y.to_radians(),
        });
        proj4rs::transform::transform(&self.wgs84, self.zone_proj(zone)?, mp)
            .map_err(|e| proj_err(zone, e))?;
        check_finite(zone, mp)
    }

    /// Transforms every vertex of a projected multipolygon back to lon/lat, in place.
    pub fn unproject_multipolygon(&self, zone: Zone, mp: &mut MultiPolygon<f64>) -> Result<()> {
        use geo::MapCoordsInPlace;
        proj4rs::transform::transform(self.zone_proj(zone)?, &self.wgs84, mp)
            .map_err(|e| proj_err(zone, e))?;
        mp.map_coords_in_place(|c| Coord {
            x: c.x.to_degrees(),
            y: c.y.to_degrees(),
        });
        check_finite(zone, mp)
    }
}

fn finite(zone: Zone, (x, y): (f64, f64)) -> Result<Coord<f64>> {
    if x.is_finite() && y.is_finite() {
        Ok(Coord { x, y })
    } else {
        Err(proj_err(zone, "non-finite result"))
    }
}

fn check_finite(zone: Zone, mp: &MultiPolygon<f64>) -> Result<()> {
    use geo::CoordsIter;
    if mp.coords_iter().all(|c| c.x.is_finite() && c.y.is_finite()) {
        Ok(())
    } else {
        Err(proj_err(zone, "non-finite result"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_of_known_places() {
        assert_eq!(Zone::of_lonlat(2.3522, 48.8566), Some(Zone::Metropole)); // Paris
        assert_eq!(Zone::of_lonlat(9.45, 42.70), Some(Zone::Metropole)); // Bastia
        assert_eq!(Zone::of_lonlat(-61.53, 16.24), Some(Zone::Antilles)); // Pointe-à-Pitre
        assert_eq!(Zone::of_lonlat(-62.85, 17.90), Some(Zone::Antilles)); // Gustavia
        assert_eq!(Zone::of_lonlat(-52.33, 4.93), Some(Zone::Guyane)); // Cayenne
        assert_eq!(Zone::of_lonlat(55.45, -20.88), Some(Zone::Reunion)); // Saint-Denis
        assert_eq!(Zone::of_lonlat(45.23, -12.78), Some(Zone::Mayotte)); // Mamoudzou
        assert_eq!(
            Zone::of_lonlat(-56.17, 46.78),
            Some(Zone::SaintPierreEtMiquelon)
        );
        assert_eq!(Zone::of_lonlat(48.8566, 2.3522), None); // swapped Paris
        assert_eq!(Zone::of_lonlat(-0.12, 51.7), None); // north of London
    }

    #[test]
    fn zone_boxes_do_not_overlap() {
        for (i, a) in ZONE_BOXES.iter().enumerate() {
            for b in ZONE_BOXES.iter().skip(i + 1) {
                let overlap = a.1 <= b.3 && b.1 <= a.3 && a.2 <= b.4 && b.2 <= a.4;
                assert!(!overlap, "{:?} overlaps {:?}", a.0, b.0);
            }
        }
    }

    #[test]
    fn projected_metres_are_detected() {
        assert!(looks_projected(652469.0, 6862035.0));
        assert!(!looks_projected(2.35, 48.85));
        assert!(!looks_projected(f64::NAN, 1e7));
    }
}
