//! French land: whether a WGS84 coordinate lies on (or just off) French
//! territory, not merely in a zone's box.
//!
//! A zone's longitude/latitude box ([`Zone::of_lonlat`]) decides the CRS; it
//! also holds London, Brussels, Geneva, Barcelona and Milan. Membership is
//! therefore tested against an embedded outline of French land derived from
//! the official département polygons (ANCT/IGN, COG 2025, Licence Ouverte
//! 2.0) by `tools/outline/make_outline.py`: per zone, the union of its
//! départements buffered by 2 km (coastal points, generalised boundaries)
//! and simplified with a 200 m tolerance, so every point within 1.8 km of a
//! département is on land. `data/outline/SOURCES.md` gives the source and
//! the figures.
//!
//! Saint-Martin, Saint-Barthélemy and Saint-Pierre-et-Miquelon are
//! collectivités, not départements, and the official file has no polygon for
//! them: they keep a box each ([`COLLECTIVITE_BOXES`]). The box of
//! Saint-Martin holds the Dutch half of the island, Sint Maarten.
//!
//! What a 2 km buffer cannot tell apart: places within 2 km of the border,
//! such as Monaco and the centre of Basel.

use std::sync::OnceLock;

use geo_types::{Coord, Line, MultiPolygon, Point};
use rstar::{AABB, RTree};

use crate::geom::crs::Zone;

/// The outline, as written by `tools/outline/make_outline.py`.
const OUTLINE: &str = include_str!("../../data/outline/france_land.geojson");

/// Buffer around the département polygons, in metres (see the script).
pub const BUFFER_M: f64 = 2_000.0;

/// Territories without a polygon in the official département file:
/// `(zone, min lon, min lat, max lon, max lat)`, each a box around the
/// island(s) with about 2 km of margin.
pub const COLLECTIVITE_BOXES: [(Zone, f64, f64, f64, f64); 3] = [
    // Saint-Martin (with Sint Maarten: one island).
    (Zone::Antilles, -63.18, 17.99, -62.95, 18.15),
    // Saint-Barthélemy.
    (Zone::Antilles, -62.92, 17.85, -62.77, 17.99),
    // Saint-Pierre-et-Miquelon.
    (Zone::SaintPierreEtMiquelon, -56.45, 46.72, -56.08, 47.16),
];

/// One zone's outline: its boundary segments in an R-tree, for the
/// even–odd ray test.
struct ZoneLand {
    zone: Zone,
    edges: RTree<Line<f64>>,
}

impl ZoneLand {
    fn contains(&self, lon: f64, lat: f64) -> bool {
        let far = self.edges.root().envelope().upper().x();
        if lon > far {
            return false;
        }
        let ray = AABB::from_corners(Point::new(lon, lat), Point::new(far, lat));
        // A ray towards +x crosses an edge when the edge straddles the ray's
        // latitude (half-open, so a shared vertex counts once) and the
        // crossing lies east of the point.
        let crossings = self
            .edges
            .locate_in_envelope_intersecting(&ray)
            .filter(|e| {
                let (a, b) = (e.start, e.end);
                (a.y > lat) != (b.y > lat) && lon < a.x + (lat - a.y) * (b.x - a.x) / (b.y - a.y)
            })
            .count();
        crossings % 2 == 1
    }
}

fn outline() -> &'static Result<Vec<ZoneLand>, String> {
    static LAND: OnceLock<Result<Vec<ZoneLand>, String>> = OnceLock::new();
    LAND.get_or_init(|| parse(OUTLINE))
}

fn parse(text: &str) -> Result<Vec<ZoneLand>, String> {
    let collection: geojson::FeatureCollection = text
        .parse()
        .map_err(|e| format!("embedded land outline: {e}"))?;
    let mut zones = Vec::new();
    for feature in collection.features {
        let name = feature
            .property("zone")
            .and_then(|v| v.as_str())
            .ok_or("embedded land outline: a feature has no zone")?
            .to_owned();
        let zone = Zone::ALL
            .into_iter()
            .find(|z| z.name() == name)
            .ok_or_else(|| format!("embedded land outline: unknown zone {name:?}"))?;
        let geometry = feature
            .geometry
            .ok_or("embedded land outline: a feature has no geometry")?;
        let shape: geo_types::Geometry<f64> = geometry
            .try_into()
            .map_err(|e| format!("embedded land outline: {e}"))?;
        let polygons: MultiPolygon<f64> = match shape {
            geo_types::Geometry::Polygon(p) => MultiPolygon(vec![p]),
            geo_types::Geometry::MultiPolygon(mp) => mp,
            _ => return Err(format!("embedded land outline: {name} is not a polygon")),
        };
        let edges: Vec<Line<f64>> = polygons
            .iter()
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
            .flat_map(|ring| ring.lines())
            .collect();
        zones.push(ZoneLand {
            zone,
            edges: RTree::bulk_load(edges),
        });
    }
    Ok(zones)
}

/// Whether a WGS84 lon/lat lies on French land of `zone` (the outline with
/// its 2 km buffer, or a collectivité's box).
///
/// # Errors
/// Only if the embedded outline cannot be read, which a unit test rules out.
pub fn is_on_land(zone: Zone, lon: f64, lat: f64) -> Result<bool, String> {
    let in_box = COLLECTIVITE_BOXES.iter().any(|(z, x0, y0, x1, y1)| {
        *z == zone && lon >= *x0 && lon <= *x1 && lat >= *y0 && lat <= *y1
    });
    if in_box {
        return Ok(true);
    }
    let zones = outline().as_ref().map_err(Clone::clone)?;
    Ok(zones
        .iter()
        .any(|land| land.zone == zone && land.contains(lon, lat)))
}

/// Whether any of `coords` (WGS84 lon/lat in `zone`) lies on French land.
pub(crate) fn any_on_land(
    zone: Zone,
    mut coords: impl Iterator<Item = Coord<f64>>,
) -> Result<bool, String> {
    coords.try_fold(false, |found, c| {
        if found {
            Ok(true)
        } else {
            is_on_land(zone, c.x, c.y)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on_land(lon: f64, lat: f64) -> bool {
        let zone = Zone::of_lonlat(lon, lat).expect("in a zone's box");
        is_on_land(zone, lon, lat).expect("outline reads")
    }

    #[test]
    fn the_outline_reads_and_covers_every_zone_with_departements() {
        let zones = outline().as_ref().expect("outline reads");
        let names: Vec<&str> = zones.iter().map(|z| z.zone.name()).collect();
        assert_eq!(
            names,
            ["metropole", "antilles", "guyane", "reunion", "mayotte"]
        );
    }

    #[test]
    fn foreign_cities_in_the_metropole_box_are_not_french_land() {
        for (city, lon, lat) in [
            ("London", -0.1276, 51.5072),
            ("Brussels", 4.3517, 50.8503),
            ("Geneva", 6.1432, 46.2044),
            ("Barcelona", 2.1734, 41.3851),
            ("Milan", 9.19, 45.4642),
            ("Luxembourg", 6.1296, 49.6116),
            ("Andorra la Vella", 1.5218, 42.5063),
            ("St Helier, Jersey", -2.1049, 49.1868),
            ("Ventimiglia", 7.6083, 43.7906),
        ] {
            assert!(!on_land(lon, lat), "{city} taken for French land");
        }
    }

    #[test]
    fn french_places_at_the_edges_are_land() {
        for (place, lon, lat) in [
            ("Paris", 2.3522, 48.8566),
            ("Île de Sein", -4.8497, 48.0386),
            ("Ouessant, Lampaul", -5.0967, 48.4575),
            ("Bonifacio", 9.1590, 41.3870),
            ("Menton", 7.4977, 43.7747),
            ("Saint-Louis (next to Basel)", 7.5600, 47.5900),
            ("Annemasse (next to Geneva)", 6.2346, 46.1934),
            ("Pointe-à-Pitre", -61.5331, 16.2411),
            ("Marigot, Saint-Martin", -63.0822, 18.0708),
            ("Gustavia, Saint-Barthélemy", -62.8500, 17.8962),
            ("Saint-Pierre", -56.1773, 46.7811),
            ("Maripasoula", -54.0333, 3.6406),
            ("Saint-Denis de La Réunion", 55.4504, -20.8821),
            ("Mamoudzou", 45.2279, -12.7806),
        ] {
            assert!(on_land(lon, lat), "{place} not taken for French land");
        }
    }

    #[test]
    fn the_sea_between_zones_is_not_land() {
        // In the Channel, 30 km off Cherbourg; between Guadeloupe and
        // Martinique; in the Atlantic off Guyane.
        assert!(!on_land(-1.6, 49.95));
        assert!(!on_land(-61.2, 15.4));
        assert!(!on_land(-51.5, 5.8));
    }
}
