//! Projections against PROJ: reference values from pyproj 3.7.2 / PROJ 9.5.1
//! (`Transformer.from_crs(4326, EPSG, always_xy=True)`).

use maillage::{Projector, Zone};

const PROJ_REFERENCE: [(Zone, f64, f64, f64, f64); 15] = [
    (
        Zone::Metropole,
        2.3522,
        48.8566,
        652469.022709,
        6862035.259420,
    ),
    (Zone::Metropole, 9.45, 42.7, 1228546.045316, 6199420.643975),
    (
        Zone::Metropole,
        -4.486,
        48.39,
        146636.139515,
        6836217.364661,
    ),
    (Zone::Metropole, 7.75, 48.58, 1050163.943557, 6841622.715488),
    (Zone::Metropole, 3.0, 46.5, 700000.000000, 6600000.000000),
    (Zone::Antilles, -61.53, 16.24, 657103.136532, 1796046.838971),
    (Zone::Antilles, -61.07, 14.6, 707904.646997, 1614967.882436),
    (Zone::Antilles, -62.85, 17.9, 515888.334356, 1979128.379676),
    (Zone::Antilles, -63.05, 18.07, 494708.960803, 1997930.814258),
    (Zone::Guyane, -52.33, 4.93, 352535.037563, 545073.719282),
    (Zone::Guyane, -54.0, 5.5, 167551.605335, 608768.739142),
    (Zone::Reunion, 55.45, -20.88, 338767.167364, 7690355.572357),
    (Zone::Reunion, 55.7, -21.3, 365155.780347, 7644094.199739),
    (Zone::Mayotte, 45.23, -12.78, 524963.360565, 8587181.961135),
    (
        Zone::SaintPierreEtMiquelon,
        -56.17,
        46.78,
        563359.637979,
        5181051.220758,
    ),
];

#[test]
fn agrees_with_proj_to_a_millimetre() {
    let p = Projector::new().unwrap();
    for (zone, lon, lat, x, y) in PROJ_REFERENCE {
        assert_eq!(Zone::of_lonlat(lon, lat), Some(zone), "{lon},{lat}");
        let c = p.project(zone, lon, lat).unwrap();
        assert!(
            (c.x - x).abs() < 1e-3 && (c.y - y).abs() < 1e-3,
            "{zone} {lon},{lat}: got {c:?}, PROJ ({x}, {y})"
        );
    }
}

#[test]
fn inverse_returns_the_input() {
    let p = Projector::new().unwrap();
    for (zone, lon, lat, x, y) in PROJ_REFERENCE {
        let back = p.unproject(zone, x, y).unwrap();
        assert!(
            (back.x - lon).abs() < 1e-8 && (back.y - lat).abs() < 1e-8,
            "{zone}: {back:?}"
        );
    }
}

/// RGF93 / CC42 … CC50 (EPSG:3942–3950) against PROJ: reference values
/// from pyproj 3.7.2 / PROJ 9.5.1 (`Transformer.from_crs(4326, EPSG,
/// always_xy=True)`), one point or more per zone, the origin of CC42 among
/// them.
const CC_REFERENCE: [(u32, f64, f64, f64, f64); 12] = [
    (3942, 3.0, 42.0, 1700000.000000, 1200000.000000),
    (3942, 2.9, 42.7, 1691806.437671, 1277756.127915),
    (3943, 3.9, 43.6, 1772665.137108, 2267043.906314),
    (3944, 4.83, 43.95, 1846876.005633, 3196074.373151),
    (3945, 4.85, 45.76, 1843913.258799, 4286104.038629),
    (3946, 1.44, 46.0, 1579175.298291, 5201183.281952),
    (3947, -1.55, 47.22, 1355588.887141, 6234460.588194),
    (3948, 2.35, 48.86, 1652304.449156, 7295827.327867),
    (3949, 3.1, 49.25, 1707279.931480, 8227805.545434),
    (3950, 2.3, 50.6, 1650442.587760, 9266968.321799),
    (3944, 1.44, 43.6, 1574055.989657, 3156751.190440),
    (3949, 7.75, 48.58, 2050229.876707, 8164257.636002),
];

#[test]
fn conic_conformal_zones_agree_with_proj_to_a_millimetre() {
    use maillage::Crs;
    let p = Projector::new().unwrap();
    for (code, lon, lat, x, y) in CC_REFERENCE {
        let crs = Crs::from_epsg(code).unwrap();
        assert_eq!(crs.epsg(), code);
        assert_eq!(Crs::parse(&format!("EPSG:{code}")).unwrap(), crs);
        let c = p.from_lonlat(crs, lon, lat).unwrap();
        assert!(
            (c.x - x).abs() < 1e-3 && (c.y - y).abs() < 1e-3,
            "{crs} {lon},{lat}: got {c:?}, PROJ ({x}, {y})"
        );
        let back = p.to_lonlat(crs, x, y).unwrap();
        assert!(
            (back.x - lon).abs() < 1e-8 && (back.y - lat).abs() < 1e-8,
            "{crs}: {back:?}"
        );
    }
    assert_eq!(Crs::cc(41), None);
    assert_eq!(Crs::cc(51), None);
    assert!(Crs::parse("EPSG:3941").is_err());
    assert!(Crs::parse("EPSG:3951").is_err());
}
