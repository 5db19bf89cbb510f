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

/// The coordinate reference system of an input file's coordinates.
///
/// maillage measures in each zone's official CRS; inputs may come in any of
/// these, read from the file (GeoJSON `crs`, Shapefile `.prj`) or given by
/// the user ([`FieldMap::crs`](crate::read::FieldMap::crs), `--crs EPSG:<code>`),
/// and are taken to WGS84 lon/lat first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Crs {
    /// Longitude/latitude in degrees: WGS84 (EPSG:4326, OGC CRS84), and
    /// ETRS89 (4258) and RGF93 (4171), which coincide with it at this
    /// precision.
    LonLat,
    /// The official projected CRS of a zone (Lambert-93 EPSG:2154, 5490,
    /// 2972, 2975, 4471, 4467).
    Zone(Zone),
    /// Web Mercator (EPSG:3857), the CRS of web maps and of many exports.
    WebMercator,
    /// ETRS89-LAEA Europe (EPSG:3035), the CRS of INSEE's and Eurostat's grids.
    LaeaEurope,
    /// RGF93 / CC42 … CC50 (EPSG:3942–3950), the nine conic conformal
    /// zones of metropolitan France (Lambert conformal conic on GRS80,
    /// latitude of origin 42° to 50°, standard parallels ±0.75° around it,
    /// central meridian 3° E, false easting 1 700 000 m, false northing
    /// (zone − 41) × 1 000 000 + 200 000 m), used by many local
    /// authorities. The number is the zone, 42 to 50; see [`Crs::cc`].
    Cc(u8),
}

/// The conic conformal zones of [`Crs::Cc`].
const CC_ZONES: std::ops::RangeInclusive<u8> = 42..=50;

/// The PROJ definition of the conic conformal zone `zone` (42–50).
fn cc_proj_string(zone: u8) -> String {
    let lat0 = f64::from(zone);
    format!(
        "+proj=lcc +lat_0={lat0} +lon_0=3 +lat_1={} +lat_2={} +x_0=1700000 +y_0={} +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs",
        lat0 - 0.75,
        lat0 + 0.75,
        (u32::from(zone) - 41) * 1_000_000 + 200_000
    )
}

impl Crs {
    /// The CRS of an EPSG code maillage reads, if any.
    pub fn from_epsg(code: u32) -> Option<Crs> {
        match code {
            4326 | 4258 | 4171 => Some(Crs::LonLat),
            3857 | 900_913 => Some(Crs::WebMercator),
            3035 => Some(Crs::LaeaEurope),
            3942..=3950 => Crs::cc(u8::try_from(code - 3900).ok()?),
            other => Zone::from_epsg(other).map(Crs::Zone),
        }
    }

    /// The conic conformal zone CC`zone` (42 to 50), `None` for another number.
    pub fn cc(zone: u8) -> Option<Crs> {
        CC_ZONES.contains(&zone).then_some(Crs::Cc(zone))
    }

    /// Parses a CRS name as files and users write it: `EPSG:2154`, `2154`,
    /// `urn:ogc:def:crs:EPSG::2154`, `http://www.opengis.net/def/crs/EPSG/0/2154`,
    /// `CRS84`, `urn:ogc:def:crs:OGC:1.3:CRS84`.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the CRS maillage reads.
    pub fn parse(text: &str) -> Result<Crs> {
        let t = text.trim();
        let upper = t.to_ascii_uppercase();
        if upper.ends_with("CRS84") || upper.ends_with("CRS:84") {
            return Ok(Crs::LonLat);
        }
        let digits: String = t
            .chars()
            .rev()
            .take_while(char::is_ascii_digit)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        digits
            .parse::<u32>()
            .ok()
            .and_then(Crs::from_epsg)
            .ok_or_else(|| Error::Invalid {
                what: "CRS",
                message: format!(
                    "{t:?} is not a CRS maillage reads: EPSG:4326 (or CRS84), the zones' 2154, 5490, 2972, 2975, 4471, 4467, the conic conformal zones CC42–CC50 3942–3950, Web Mercator 3857 and LAEA Europe 3035"
                ),
            })
    }

    /// The EPSG code.
    pub fn epsg(self) -> u32 {
        match self {
            Crs::LonLat => 4326,
            Crs::WebMercator => 3857,
            Crs::LaeaEurope => 3035,
            Crs::Cc(zone) => 3900 + u32::from(zone),
            Crs::Zone(z) => z
                .epsg()
                .strip_prefix("EPSG:")
                .and_then(|c| c.parse().ok())
                .unwrap_or(0),
        }
    }

    /// Whether coordinates are degrees (no transformation needed).
    pub fn is_lonlat(self) -> bool {
        self == Crs::LonLat
    }
}

impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EPSG:{}", self.epsg())
    }
}

impl std::str::FromStr for Crs {
    type Err = Error;
    fn from_str(s: &str) -> Result<Crs> {
        Crs::parse(s)
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
    /// Longitude/latitude on GRS80: the geographic end of the French CRS
    /// and LAEA (see [`Projector::geographic`]).
    lonlat_grs80: Proj,
    laea_europe: Proj,
    web_mercator: Proj,
    zones: Vec<Proj>,
    /// The conic conformal zones CC42 … CC50, in order.
    cc: Vec<Proj>,
}

impl fmt::Debug for Projector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Projector").finish_non_exhaustive()
    }
}

/// A projection error of the CRS named `crs` (`zone.epsg()`, `crs_name(crs)`).
fn proj_err(crs: &'static str, e: impl fmt::Display) -> Error {
    Error::Projection {
        crs,
        message: e.to_string(),
    }
}

impl Projector {
    /// Builds the projector (parses the six CRS definitions).
    pub fn new() -> Result<Self> {
        let wgs84 = Proj::from_proj_string("+proj=longlat +ellps=WGS84 +datum=WGS84 +no_defs")
            .map_err(|e| proj_err(Zone::Metropole.epsg(), e))?;
        let lonlat_grs80 =
            Proj::from_proj_string("+proj=longlat +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +no_defs")
                .map_err(|e| proj_err(Zone::Metropole.epsg(), e))?;
        let laea_europe = Proj::from_proj_string(
            "+proj=laea +lat_0=52 +lon_0=10 +x_0=4321000 +y_0=3210000 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs",
        )
        .map_err(|e| proj_err(Zone::Metropole.epsg(), e))?;
        let web_mercator = Proj::from_proj_string(
            "+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +no_defs",
        )
        .map_err(|e| proj_err(Zone::Metropole.epsg(), e))?;
        let zones = Zone::ALL
            .iter()
            .map(|z| Proj::from_proj_string(z.proj_string()).map_err(|e| proj_err(z.epsg(), e)))
            .collect::<Result<Vec<_>>>()?;
        let cc = CC_ZONES
            .map(|z| {
                Proj::from_proj_string(&cc_proj_string(z))
                    .map_err(|e| proj_err(crs_name(Crs::Cc(z)), e))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Projector {
            cc,
            wgs84,
            lonlat_grs80,
            laea_europe,
            web_mercator,
            zones,
        })
    }

    /// A process-wide projector, built on first use.
    pub fn shared() -> Result<&'static Projector> {
        static SHARED: OnceLock<std::result::Result<Projector, String>> = OnceLock::new();
        SHARED
            .get_or_init(|| Projector::new().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|m| proj_err("EPSG:4326", m))
    }

    fn zone_proj(&self, zone: Zone) -> Result<&Proj> {
        self.zones
            .get(zone.index())
            .ok_or_else(|| proj_err(zone.epsg(), "zone CRS not initialised"))
    }

    /// Projects one WGS84 lon/lat (degrees) to `zone`'s CRS (metres).
    pub fn project(&self, zone: Zone, lon: f64, lat: f64) -> Result<Coord<f64>> {
        let mut p = (lon.to_radians(), lat.to_radians());
        proj4rs::transform::transform(&self.lonlat_grs80, self.zone_proj(zone)?, &mut p)
            .map_err(|e| proj_err(zone.epsg(), e))?;
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
        proj4rs::transform::transform(self.zone_proj(zone)?, &self.lonlat_grs80, &mut p)
            .map_err(|e| proj_err(zone.epsg(), e))?;
        finite(zone, (p.0.to_degrees(), p.1.to_degrees()))
    }

    /// ETRS89-LAEA Europe (EPSG:3035, the CRS of INSEE's Filosofi grid) to WGS84 lon/lat.
    pub fn from_laea_europe(&self, x: f64, y: f64) -> Result<Coord<f64>> {
        let mut p = (x, y);
        proj4rs::transform::transform(&self.laea_europe, &self.lonlat_grs80, &mut p)
            .map_err(|e| proj_err("EPSG:3035", e))?;
        finite(Zone::Metropole, (p.0.to_degrees(), p.1.to_degrees()))
    }

    /// The geographic CRS `crs` is taken to and from. The French CRS and
    /// LAEA Europe are on GRS80 (RGF93 and its overseas counterparts,
    /// ETRS89), which EPSG ties to WGS84 by a null transformation: PROJ's
    /// pipeline for EPSG:2154 ↔ 4326 is the projection alone, with no change
    /// of ellipsoid, and so is this one (a change of ellipsoid through
    /// geocentric coordinates moves points by a tenth of a millimetre and
    /// costs more than the projection). Web Mercator is on WGS84's sphere.
    fn geographic(&self, crs: Crs) -> &Proj {
        match crs {
            Crs::WebMercator => &self.wgs84,
            Crs::LonLat | Crs::Zone(_) | Crs::LaeaEurope | Crs::Cc(_) => &self.lonlat_grs80,
        }
    }

    /// The projection of a projected input CRS (`None` for lon/lat).
    fn source(&self, crs: Crs) -> Result<Option<&Proj>> {
        Ok(match crs {
            Crs::LonLat => None,
            Crs::Zone(z) => Some(self.zone_proj(z)?),
            Crs::WebMercator => Some(&self.web_mercator),
            Crs::LaeaEurope => Some(&self.laea_europe),
            Crs::Cc(zone) => Some(
                zone.checked_sub(*CC_ZONES.start())
                    .and_then(|i| self.cc.get(usize::from(i)))
                    .ok_or_else(|| {
                        proj_err(
                            "EPSG:3942-3950",
                            format!("CC{zone} is not a conic conformal zone (42 to 50)"),
                        )
                    })?,
            ),
        })
    }

    /// One coordinate of an input in `crs` to WGS84 lon/lat (degrees).
    pub fn to_lonlat(&self, crs: Crs, x: f64, y: f64) -> Result<Coord<f64>> {
        let Some(from) = self.source(crs)? else {
            return Ok(Coord { x, y });
        };
        let mut p = (x, y);
        proj4rs::transform::transform(from, self.geographic(crs), &mut p)
            .map_err(|e| proj_err(crs_name(crs), e))?;
        finite(Zone::Metropole, (p.0.to_degrees(), p.1.to_degrees()))
    }

    /// One WGS84 lon/lat (degrees) to `crs` (the inverse of [`to_lonlat`](Self::to_lonlat)).
    pub fn from_lonlat(&self, crs: Crs, lon: f64, lat: f64) -> Result<Coord<f64>> {
        let Some(to) = self.source(crs)? else {
            return Ok(Coord { x: lon, y: lat });
        };
        let mut p = (lon.to_radians(), lat.to_radians());
        proj4rs::transform::transform(self.geographic(crs), to, &mut p)
            .map_err(|e| proj_err(crs_name(crs), e))?;
        finite(Zone::Metropole, p)
    }

    /// Every vertex of a multipolygon of an input in `crs` to WGS84 lon/lat, in place.
    pub fn multipolygon_to_lonlat(&self, crs: Crs, mp: &mut MultiPolygon<f64>) -> Result<()> {
        use geo::MapCoordsInPlace;
        let Some(from) = self.source(crs)? else {
            return Ok(());
        };
        proj4rs::transform::transform(from, self.geographic(crs), mp)
            .map_err(|e| proj_err(crs_name(crs), e))?;
        mp.map_coords_in_place(|c| Coord {
            x: c.x.to_degrees(),
            y: c.y.to_degrees(),
        });
        check_finite(Zone::Metropole, mp)
    }

    /// Projects every vertex of a lon/lat multipolygon in place.
    pub fn project_multipolygon(&self, zone: Zone, mp: &mut MultiPolygon<f64>) -> Result<()> {
        use geo::MapCoordsInPlace;
        mp.map_coords_in_place(|c| Coord {
            x: c.x.to_radians(),
            y: c.y.to_radians(),
        });
        proj4rs::transform::transform(&self.lonlat_grs80, self.zone_proj(zone)?, mp)
            .map_err(|e| proj_err(zone.epsg(), e))?;
        check_finite(zone, mp)
    }

    /// Transforms every vertex of a projected multipolygon back to lon/lat, in place.
    pub fn unproject_multipolygon(&self, zone: Zone, mp: &mut MultiPolygon<f64>) -> Result<()> {
        use geo::MapCoordsInPlace;
        proj4rs::transform::transform(self.zone_proj(zone)?, &self.lonlat_grs80, mp)
            .map_err(|e| proj_err(zone.epsg(), e))?;
        mp.map_coords_in_place(|c| Coord {
            x: c.x.to_degrees(),
            y: c.y.to_degrees(),
        });
        check_finite(zone, mp)
    }
}

/// The EPSG names of the conic conformal zones, CC42 first.
const CC_NAMES: [&str; 9] = [
    "EPSG:3942",
    "EPSG:3943",
    "EPSG:3944",
    "EPSG:3945",
    "EPSG:3946",
    "EPSG:3947",
    "EPSG:3948",
    "EPSG:3949",
    "EPSG:3950",
];

fn crs_name(crs: Crs) -> &'static str {
    match crs {
        Crs::LonLat => "EPSG:4326",
        Crs::WebMercator => "EPSG:3857",
        Crs::LaeaEurope => "EPSG:3035",
        Crs::Cc(zone) => zone
            .checked_sub(*CC_ZONES.start())
            .and_then(|i| CC_NAMES.get(usize::from(i)))
            .copied()
            .unwrap_or("EPSG:3942-3950"),
        Crs::Zone(z) => z.epsg(),
    }
}

fn finite(zone: Zone, (x, y): (f64, f64)) -> Result<Coord<f64>> {
    if x.is_finite() && y.is_finite() {
        Ok(Coord { x, y })
    } else {
        Err(proj_err(zone.epsg(), "non-finite result"))
    }
}

fn check_finite(zone: Zone, mp: &MultiPolygon<f64>) -> Result<()> {
    use geo::CoordsIter;
    if mp.coords_iter().all(|c| c.x.is_finite() && c.y.is_finite()) {
        Ok(())
    } else {
        Err(proj_err(zone.epsg(), "non-finite result"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_mercator_and_laea_europe_agree_with_pyproj() {
        // pyproj 3 (PROJ 9): EPSG:4326 → 3857 and 3035 of Paris, Pointe-à-Pitre, Saint-Denis.
        let cases = [
            (
                Crs::WebMercator,
                261_845.706_244,
                6_250_564.349_543,
                2.3522,
                48.8566,
            ),
            (
                Crs::WebMercator,
                -6_849_833.358_932,
                1_832_660.438_217,
                -61.5331,
                16.2411,
            ),
            (
                Crs::WebMercator,
                6_172_710.292_283,
                -2_377_825.812_129,
                55.4504,
                -20.8821,
            ),
            (
                Crs::LaeaEurope,
                3_760_771.864_838,
                2_889_484.801_901,
                2.3522,
                48.8566,
            ),
            (
                Crs::LaeaEurope,
                -2_601_729.820_176,
                2_698_490.297_835,
                -61.5331,
                16.2411,
            ),
        ];
        let p = Projector::new().unwrap();
        for (crs, x, y, lon, lat) in cases {
            let c = p.to_lonlat(crs, x, y).unwrap();
            // 1e-7 degree is about 1 cm.
            assert!(
                (c.x - lon).abs() < 1e-7 && (c.y - lat).abs() < 1e-7,
                "{crs}: {c:?}"
            );
        }
    }

    #[test]
    fn crs_names_parse() {
        for (text, crs) in [
            ("EPSG:2154", Crs::Zone(Zone::Metropole)),
            ("2154", Crs::Zone(Zone::Metropole)),
            ("urn:ogc:def:crs:EPSG::3857", Crs::WebMercator),
            (
                "http://www.opengis.net/def/crs/EPSG/0/3035",
                Crs::LaeaEurope,
            ),
            ("urn:ogc:def:crs:OGC:1.3:CRS84", Crs::LonLat),
            ("EPSG:4326", Crs::LonLat),
        ] {
            assert_eq!(Crs::parse(text).unwrap(), crs, "{text}");
        }
        let err = Crs::parse("EPSG:27572").unwrap_err().to_string();
        assert!(
            err.contains("\"EPSG:27572\" is not a CRS maillage reads"),
            "{err}"
        );
        assert_eq!(Crs::Zone(Zone::Reunion).to_string(), "EPSG:2975");
    }

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
