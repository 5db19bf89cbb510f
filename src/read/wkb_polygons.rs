//! Polygons from Well-Known Binary (features `geopackage`, `geoparquet`),
//! decoded by the `wkb` crate and converted to geo-types through
//! `geo-traits`.

use geo_traits::to_geo::ToGeoGeometry;
use geo_types::{Geometry, MultiPolygon};

use crate::geom::place::Problem;
use crate::skip::SkipReason;

/// A Polygon or MultiPolygon (or a GeometryCollection of them) read from
/// WKB (feature `wkb`); anything else is the reason to count it as a skip,
/// with a detail for the load report.
///
/// # Errors
/// Unreadable WKB ([`SkipReason::InvalidCoordinates`]), an empty geometry
/// ([`SkipReason::EmptyGeometry`]), or a geometry that is not a polygon
/// ([`SkipReason::WrongGeometryType`]).
pub fn multipolygon_of_wkb(bytes: &[u8]) -> Result<MultiPolygon<f64>, (SkipReason, String)> {
    let wkb = wkb::reader::read_wkb(bytes).map_err(|e| {
        (
            SkipReason::InvalidCoordinates,
            format!("unreadable WKB: {e}"),
        )
    })?;
    let geometry = wkb
        .try_to_geometry()
        .ok_or_else(|| (SkipReason::EmptyGeometry, "empty geometry".to_owned()))?;
    multipolygon_of(geometry)
}

fn multipolygon_of(geometry: Geometry<f64>) -> Result<MultiPolygon<f64>, Problem> {
    match geometry {
        Geometry::Polygon(p) => Ok(MultiPolygon(vec![p])),
        Geometry::MultiPolygon(mp) if mp.0.is_empty() => {
            Err((SkipReason::EmptyGeometry, "empty MultiPolygon".to_owned()))
        }
        Geometry::MultiPolygon(mp) => Ok(mp),
        Geometry::GeometryCollection(gc) => {
            let n = gc.0.len();
            let mut parts = Vec::new();
            for (i, g) in gc.0.into_iter().enumerate() {
                match multipolygon_of(g) {
                    Ok(mp) => parts.extend(mp.0),
                    Err((SkipReason::EmptyGeometry, _)) => {}
                    Err((reason, detail)) => {
                        return Err((
                            reason,
                            format!("GeometryCollection member {} of {n}: {detail}", i + 1),
                        ));
                    }
                }
            }
            if parts.is_empty() {
                Err((
                    SkipReason::EmptyGeometry,
                    "empty GeometryCollection".to_owned(),
                ))
            } else {
                Ok(MultiPolygon(parts))
            }
        }
        other => Err((
            SkipReason::WrongGeometryType,
            format!(
                "expected Polygon or MultiPolygon, found {}",
                type_name(&other)
            ),
        )),
    }
}

fn type_name(g: &Geometry<f64>) -> &'static str {
    match g {
        Geometry::Point(_) => "Point",
        Geometry::Line(_) => "Line",
        Geometry::LineString(_) => "LineString",
        Geometry::Polygon(_) => "Polygon",
        Geometry::MultiPoint(_) => "MultiPoint",
        Geometry::MultiLineString(_) => "MultiLineString",
        Geometry::MultiPolygon(_) => "MultiPolygon",
        Geometry::GeometryCollection(_) => "GeometryCollection",
        Geometry::Rect(_) => "Rect",
        Geometry::Triangle(_) => "Triangle",
    }
}

/// The WKB (little-endian) of a geometry.
#[cfg(any(test, feature = "geoparquet"))]
pub(crate) fn wkb_of(
    geometry: &impl geo_traits::GeometryTrait<T = f64>,
) -> Result<Vec<u8>, wkb::error::WkbError> {
    let mut out = Vec::new();
    wkb::writer::write_geometry(&mut out, geometry, &wkb::writer::WriteOptions::default())?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{LineString, polygon};

    #[test]
    fn polygons_round_trip_and_other_types_are_named() {
        let p = polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 0.0)];
        let mp = MultiPolygon(vec![p]);
        let bytes = wkb_of(&mp).unwrap();
        assert_eq!(multipolygon_of_wkb(&bytes).unwrap(), mp);
        let line: LineString<f64> = vec![(0.0, 0.0), (1.0, 1.0)].into();
        let mut out = Vec::new();
        wkb::writer::write_geometry(&mut out, &line, &wkb::writer::WriteOptions::default())
            .unwrap();
        let (reason, detail) = multipolygon_of_wkb(&out).unwrap_err();
        assert_eq!(reason, SkipReason::WrongGeometryType);
        assert!(detail.contains("LineString"), "{detail}");
        let (reason, _) = multipolygon_of_wkb(&[1, 3, 0]).unwrap_err();
        assert_eq!(reason, SkipReason::InvalidCoordinates);
    }
}
