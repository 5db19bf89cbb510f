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
