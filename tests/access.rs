//! Population surfaces, accessibility and travel times.

mod common;

use common::{point, rect, star, territory};
use geo_types::{Coord, LineString, MultiPolygon, Polygon};
use maillage::access::{Accessibility, Combine};
use maillage::population::{PopulationModel, grid_cells};
use maillage::read::{read_communes, read_la_poste};
use maillage::travel::read_roads;
use maillage::travel::{
    CrowFlies, RoadNetwork, RoadTravelTime, SpeedTable, TravelQuery, TravelTime,
};
use maillage::{
    CommuneSources, DensityClass, Service, ServiceNetwork, Territory, TerritoryKind, Zone,
};
use proptest::prelude::*;

const M: Zone = Zone::Metropole;

fn commune(id: &str, dep: &str, pop: u64, [x0, y0, x1, y1]: [f64; 4], density: &str) -> Territory {
    let mut t = territory(
        id,
        TerritoryKind::Commune,
        Some(pop),
        M,
        vec![rect(x0, y0, x1, y1)],
    );
    t.departement = Some(dep.into());
    // The 4-level grid, as the densest level of each class of the 7-level one.
    t.density = match density {
        "1" => Some(DensityClass::GrandsCentresUrbains),
        "2" => Some(DensityClass::CentresUrbainsIntermediaires),
        "3" => Some(DensityClass::BourgsRuraux),
        "4" => Some(DensityClass::RuralTresDisperse),
        _ => None,
    };
    t
}

/// Two communes of département 99, a point de contact at (700 000, 6 600 000):
/// A (1,000 inhabitants) has its centroid 3 km east of it, B (500) 7 km east;
/// C (200, département 98) 12 km north.
fn two_departements() -> (ServiceNetwork, Vec<Territory>) {
    let network = ServiceNetwork::new(vec![point(
        "p",
        M,
        700_000.0,
        6_600_000.0,
        &[Service::Postal],
    )]);
    let communes = vec![
        commune(
            "A",
            "99",
            1000,
            [702_000.0, 5_599_000.0 + 1_000_000.0, 704_000.0, 6_601_000.0],
            "2",
        ),
        commune(
            "B",
            "99",
            500,
            [706_000.0, 6_599_000.0, 708_000.0, 6_601_000.0],
            "4",
        ),
        commune(
            "C",
            "98",
            200,
            [699_000.0, 6_611_000.0, 701_000.0, 6_613_000.0],
            "4",
        ),
    ];
    (network, communes)
}

#[test]
fn centroid_model_shares_by_hand() {
    let (network, communes) = two_departements();
    let model = PopulationModel::Centroid;
    let report = Accessibility::new(&network, &communes, &model)
        .run()
        .unwrap();
    let deps = report.by_departement();
    assert_eq!(deps.len(), 2);
    let (d98, d99) = (&deps[0], &deps[1]);
    assert_eq!((d98.code.as_str(), d99.code.as_str()), ("98", "99"));
    // 99: B (500 of 1,500) is 7 km away: 33.3 % beyond 5 km, all within 10 km.
    assert_eq!(d99.totals.population, 1500.0);
    assert_eq!(d99.totals.beyond, 500.0);
    assert!((d99.totals.share_beyond() - 1.0 / 3.0).abs() < 1e-12);
    assert!(!d99.law_compliant);
    assert_eq!(d99.totals.beyond_decree, 0.0);
    assert!(d99.decree_compliant);
    // 98: C is 12 km away: beyond both.
    assert_eq!(
        (d98.totals.beyond, d98.totals.beyond_decree),
        (200.0, 200.0)
    );
    assert!(!d98.decree_compliant);
    let n = report.national();
    assert_eq!(
        (n.population, n.beyond, n.beyond_decree),
        (1700.0, 700.0, 200.0)
    );
    assert!(!report.national_decree_compliant());
}

#[test]
fn distance_and_time_combine_with_and_or_or() {
    let (network, communes) = two_departements();
    let model = PopulationModel::Centroid;
    // Crow-flies: B is 7 km at 65 km/h × 1.3 = 8.4 min; C is 12 km: 14.4 min. Nobody is beyond 20 min.
    let and = Accessibility::new(&network, &communes, &model)
        .minutes(20.0)
        .combine(Combine::And)
        .run()
        .unwrap();
    let n = and.national();
    assert_eq!(
        (n.beyond_distance, n.beyond_minutes, n.beyond),
        (700.0, 0.0, 0.0)
    );
    assert!(
        and.travel_label()
            .unwrap()
            .starts_with("crow-flies estimate")
    );
    let or = Accessibility::new(&network, &communes, &model)
        .minutes(10.0)
        .combine(Combine::Or)
        .run()
        .unwrap();
    // With 10 min: C (14.4 min) is beyond in time; B (8.4 min) is not, but is beyond 5 km.
    let n = or.national();
    assert_eq!(
        (n.beyond_distance, n.beyond_minutes, n.beyond),
        (700.0, 200.0, 700.0)
    );
    let crow = CrowFlies::default();
    let q = TravelQuery {
        zone: M,
        origin: Coord { x: 0.0, y: 0.0 },
        nearest_m: Some(7000.0),
        commune: Some(&communes[1]),
    };
    assert!((crow.minutes(&q).unwrap() - 8.4).abs() < 1e-9);
}

#[test]
fn a_zone_without_any_point_is_entirely_beyond() {
    let network = ServiceNetwork::new(vec![point(
        "p",
        M,
        700_000.0,
        6_600_000.0,
        &[Service::Postal],
    )]);
    let mut far = territory(
        "R",
        TerritoryKind::Commune,
        Some(300),
        Zone::Reunion,
        vec![rect(340_000.0, 7_690_000.0, 341_000.0, 7_691_000.0)],
    );
    far.departement = Some("974".into());
    let communes = vec![far];
    let model = PopulationModel::Centroid;
    let r = Accessibility::new(&network, &communes, &model)
        .run()
        .unwrap()
        .national();
    assert_eq!(
        (r.beyond, r.no_point, r.beyond_decree),
        (300.0, 300.0, 300.0)
    );
}

#[test]
fn grid_cells_by_hand() {
    let mut cells = Vec::new();
    // A 1 km square aligned on the grid: 5 × 5 cells of 200 m.
    let square = MultiPolygon(vec![rect(700_000.0, 6_600_000.0, 701_000.0, 6_601_000.0)]);
    grid_cells(&square, 200.0, &mut cells);
    assert_eq!(cells.len(), 25);
    assert_eq!(
        cells[0],
        Coord {
            x: 700_100.0,
            y: 6_600_100.0
        }
    );
    assert_eq!(
        cells[24],
        Coord {
            x: 700_900.0,
            y: 6_600_900.0
        }
    );
    // With a 400 m hole in the middle: 4 cells fewer.
    let mut holed = rect(700_000.0, 6_600_000.0, 701_000.0, 6_601_000.0);
    holed.interiors_push(LineString::from(vec![
        (700_200.0, 6_600_200.0),
        (700_600.0, 6_600_200.0),
        (700_600.0, 6_600_600.0),
        (700_200.0, 6_600_600.0),
        (700_200.0, 6_600_200.0),
    ]));
    cells.clear();
    grid_cells(&MultiPolygon(vec![holed]), 200.0, &mut cells);
    assert_eq!(cells.len(), 21);
    assert!(!cells.contains(&Coord {
        x: 700_300.0,
        y: 6_600_300.0
    }));
    // A right triangle with legs of 1 km: centres strictly below the diagonal, 10 of them.
    let tri = Polygon::new(
        LineString::from(vec![(0.0, 0.0), (1000.0, 0.0), (0.0, 1000.0), (0.0, 0.0)]),
        vec![],
    );
    cells.clear();
    grid_cells(&MultiPolygon(vec![tri]), 200.0, &mut cells);
    // Centres (100 + 200i, 100 + 200j) with x + y < 1000, i.e. i + j ≤ 3: 10 of them.
    // The 5 with i + j = 4 lie on the hypotenuse, a north-east edge: outside.
    assert_eq!(cells.len(), 10);
}

#[test]
fn grid_model_spreads_whole_numbers_and_keeps_tiny_communes() {
    let communes = vec![
        commune(
            "big",
            "99",
            1000,
            [700_000.0, 6_600_000.0, 701_000.0, 6_601_000.0],
            "3",
        ),
        commune(
            "odd",
            "99",
            7,
            [710_000.0, 6_600_000.0, 711_000.0, 6_601_000.0],
            "3",
        ),
        // 50 m wide: no cell centre inside.
        commune(
            "tiny",
            "99",
            42,
            [720_010.0, 6_600_010.0, 720_060.0, 6_600_060.0],
            "3",
        ),
    ];
    let model = PopulationModel::grid();
    let mut units = Vec::new();
    model.units_of(&communes, 0, &mut units);
    assert_eq!(units.len(), 25);
    assert!(units.iter().all(|u| u.population == 40.0));
    model.units_of(&communes, 1, &mut units);
    assert_eq!(units.iter().map(|u| u.population).sum::<f64>(), 7.0);
    assert!(
        units
            .iter()
            .all(|u| u.population == 0.0 || u.population == 1.0)
    );
    model.units_of(&communes, 2, &mut units);
    assert_eq!(units.len(), 1);
    assert_eq!(units[0].population, 42.0);
    assert!((units[0].xy.x - 720_035.0).abs() < 1e-6);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn the_grid_conserves_every_communes_population_exactly(
        radii in prop::collection::vec(10.0..6_000.0f64, 3..20),
        population in 0u64..5_000_000,
        cell in prop::sample::select(vec![50.0, 100.0, 200.0, 1000.0]),
        cx in 600_000.0..800_000.0f64,
    ) {
        let mut c = territory("S", TerritoryKind::Commune, Some(population), M, vec![star(cx, 6_600_000.0, &radii)]);
        c.departement = Some("99".into());
        let communes = vec![c];
        let mut units = Vec::new();
        PopulationModel::Grid { cell_m: cell }.units_of(&communes, 0, &mut units);
        prop_assert!(!units.is_empty());
        prop_assert_eq!(units.iter().map(|u| u.population).sum::<f64>(), population as f64);
        prop_assert!(units.iter().all(|u| u.population >= 0.0 && u.population.fract() == 0.0));
        // Cell k of n holds ⌊(k+1)·P/n⌋ − ⌊k·P/n⌋ (the documented rule).
        let (n, p) = (units.len() as u128, u128::from(population));
        for (k, u) in units.iter().enumerate() {
            let k = k as u128;
            prop_assert_eq!(u.population, ((k + 1) * p / n - k * p / n) as f64);
        }
    }
}

// ── roads ──────────────────────────────────────────────────────────────────

#[test]
fn road_times_on_a_small_synthetic_graph() {
    // 0 ──1 km @ 60 km/h (1 min)── 1 ──2 km @ 30 km/h (4 min)── 2
    // and a one-way shortcut 2 → 0 taking 2 min.
    let nodes = vec![
        Coord { x: 0.0, y: 0.0 },
        Coord { x: 1000.0, y: 0.0 },
        Coord { x: 3000.0, y: 0.0 },
    ];
    let edges = [
        (0, 1, 1.0),
        (1, 0, 1.0),
        (1, 2, 4.0),
        (2, 1, 4.0),
        (2, 0, 2.0),
        (9, 0, 1.0),
        (0, 2, f32::NAN),
    ];
    let roads = RoadNetwork::new(M, nodes, &edges);
    assert_eq!(
        roads.edge_count(),
        5,
        "edges to unknown nodes or with NaN times are ignored"
    );
    // Times to node 0: from 1 → 1 min; from 2 → 2 min by the one-way.
    assert_eq!(roads.minutes_to_nearest(&[(0, 0.0)]), vec![0.0, 1.0, 2.0]);
    // Times to node 2: from 0 → 5 min (the shortcut runs the other way); from 1 → 4.
    assert_eq!(roads.minutes_to_nearest(&[(2, 0.0)]), vec![5.0, 4.0, 0.0]);
    // Two sources with a head start.
    assert_eq!(
        roads.minutes_to_nearest(&[(0, 3.0), (2, 0.0)]),
        vec![3.0, 4.0, 0.0]
    );

    // A destination 100 m off node 2, an origin 200 m off node 0, snaps at 20 km/h (0.3 and 0.6 min).
    let t = RoadTravelTime::to_destinations(
        &roads,
        [Coord {
            x: 3000.0,
            y: 100.0,
        }],
        20.0,
        1000.0,
    );
    let (minutes, node, snap) = t.minutes_from(Coord { x: 0.0, y: -200.0 }).unwrap();
    assert_eq!((node, snap), (0, 200.0));
    assert!((minutes - (5.0 + 0.3 + 0.6)).abs() < 1e-5, "{minutes}");
    assert!(
        t.minutes_from(Coord { x: 0.0, y: 5000.0 }).is_none(),
        "too far from any road"
    );
    let q = TravelQuery {
        zone: Zone::Reunion,
        origin: Coord { x: 0.0, y: 0.0 },
        nearest_m: Some(1.0),
        commune: None,
    };
    assert_eq!(t.minutes(&q), None, "another zone");
}

#[test]
fn speed_table_defaults_and_overrides() {
    let mut speeds = SpeedTable::default();
    assert_eq!(speeds.kmh("primary"), Some(70.0));
    assert_eq!(speeds.kmh("footway"), None);
    speeds.set("track", 15.0);
    speeds.set("service", 0.0);
    assert_eq!(
        (speeds.kmh("track"), speeds.kmh("service")),
        (Some(15.0), None)
    );
}

fn data(name: &str) -> std::path::PathBuf {
    common::data(name)
}

/// Minutes to the nearest 2016 point de contact, from networkx on the same
/// rules (tools/crosscheck/saint_barthelemy_roads.py).
#[test]
fn saint_barthelemy_roads_match_an_independent_computation() {
    let (roads, report) = read_roads(
        data("osm/saint_barthelemy_2014.osm.pbf"),
        &SpeedTable::default(),
    )
    .unwrap();
    assert_eq!(roads.zone(), Zone::Antilles);
    assert_eq!(
        roads.node_count(),
        3_723,
        "car-way nodes, as counted with pyosmium"
    );
    assert_eq!(report.read, 625, "ways in the extract");
    let (points, _) = read_la_poste(data("laposte_points_contact_2016.csv")).unwrap();
    let network = ServiceNetwork::new(points);
    let times = RoadTravelTime::new(&roads, &network, Service::Postal);
    assert_eq!(times.destinations(), 3, "Lorient, Gustavia, Saint-Jean");
    let p = maillage::Projector::shared().unwrap();
    for (name, lon, lat, expected) in [
        ("Colombier", -62.8650, 17.9220, 5.1133),
        ("Grand Cul-de-Sac", -62.8045, 17.9090, 2.2898),
        ("Toiny", -62.7960, 17.8960, 4.5385),
        ("Gustavia", -62.8490, 17.8960, 0.9403),
        ("Flamands", -62.8600, 17.9180, 4.3544),
    ] {
        let origin = p.project(Zone::Antilles, lon, lat).unwrap();
        let (minutes, _, _) = times.minutes_from(origin).unwrap();
        assert!(
            (minutes - expected).abs() < 0.001,
            "{name}: {minutes} vs networkx {expected}"
        );
        // Plausibility: never faster than the crow flies at 70 km/h.
        let crow = network
            .nearest(Zone::Antilles, Service::Postal, origin)
            .unwrap()
            .1;
        assert!(minutes >= crow / 1000.0 / 70.0 * 60.0, "{name}");
    }
}

// ── real data ──────────────────────────────────────────────────────────────

/// Figures from tools/crosscheck/departements_access.py (GeoPandas, centroids
/// of the dissolved 2018 polygons, STRtree nearest).
#[test]
fn national_centroid_model_matches_geopandas() {
    let (points, _) = read_la_poste(data("laposte_points_contact_2016.csv")).unwrap();
    let network = ServiceNetwork::new(points);
    let mut sources = CommuneSources::in_dir(common::data_dir());
    sources.frr = None;
    let (communes, _) = read_communes(&sources).unwrap();
    let model = PopulationModel::Centroid;
    let report = Accessibility::new(&network, &communes, &model)
        .run()
        .unwrap();
    let n = report.national();
    assert_eq!(n.population, 68_345_553.0);
    assert!(
        (100.0 * n.share_beyond() - 1.8267).abs() < 0.0001,
        "{}",
        100.0 * n.share_beyond()
    );
    assert!((100.0 * n.share_within_decree() - 99.7865).abs() < 0.0001);
    let deps = report.by_departement();
    assert_eq!(deps.len(), 101);
    let over: Vec<&str> = deps
        .iter()
        .filter(|d| !d.law_compliant)
        .map(|d| d.code.as_str())
        .collect();
    assert_eq!(over, ["973", "974"]);
    for (code, population, beyond) in [
        ("01", 679_344.0, 8_972.0),
        ("2A", 168_306.0, 11_295.0),
        ("48", 76_486.0, 4_645.0),
        ("976", 256_518.0, 0.0),
    ] {
        let d = deps.iter().find(|d| d.code == code).unwrap();
        assert_eq!(
            (d.totals.population, d.totals.beyond),
            (population, beyond),
            "{code}"
        );
    }

    // The 200 m grid places exactly the same population, département by département
    // (two here, to keep an unoptimised test build fast; the national run does them all).
    let some: Vec<Territory> = communes
        .iter()
        .filter(|c| matches!(c.departement.as_deref(), Some("48" | "2A")))
        .cloned()
        .collect();
    let expected: u64 = some.iter().filter_map(|c| c.population).sum();
    assert_eq!(expected, 76_486 + 168_306);
    let grid = PopulationModel::grid();
    let by_grid = Accessibility::new(&network, &some, &grid).run().unwrap();
    let deps = by_grid.by_departement();
    assert_eq!(
        deps.iter().map(|d| d.totals.population).collect::<Vec<_>>(),
        [168_306.0, 76_486.0]
    );
    // Lozère: about 5,170 km² / 0.04 km² per cell.
    let lozere = &deps[1].totals;
    assert!(
        lozere.units > 120_000 && lozere.units < 135_000,
        "{} cells",
        lozere.units
    );
}

/// Cell ids computed with pyproj (EPSG:4326 → 3035, floored to 200 m) for
/// points inside three demo communes, plus one in the Atlantic.
#[test]
fn filosofi_cells_are_placed_in_their_communes() {
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo");
    let sources =
        CommuneSources::new(demo.join("communes.geojson")).table(demo.join("communes.csv"));
    let (communes, _) = read_communes(&sources).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("filosofi.csv");
    std::fs::write(
        &path,
        "Idcar_200m;I_est_200;Ind;Men\n\
         CRS3035RES200mN2644200E3703400;0;120.5;50\n\
         CRS3035RES200mN2630400E3686600;0;30;12\n\
         CRS3035RES200mN2657600E3724800;0;8,5;3\n\
         CRS3035RES200mN2630800E3318400;0;4;2\n\
         not-a-cell;0;3;1\n\
         CRS3035RES200mN2644200E3703600;0;;1\n",
    )
    .unwrap();
    let (units, report) = maillage::population::read_filosofi(&path, &communes).unwrap();
    assert_eq!((report.read, report.kept), (6, 3));
    let commune_of = |i: usize| communes[units[i].commune as usize].id.as_str();
    assert_eq!(
        (commune_of(0), commune_of(1), commune_of(2)),
        ("99001", "99002", "99069")
    );
    assert_eq!(units.iter().map(|u| u.population).sum::<f64>(), 159.0);
    // The Atlantic cell is in the metropolitan zone but in no commune.
    assert_eq!(
        report.skipped_for(maillage::SkipReason::OutsideTerritories),
        1
    );
    assert_eq!(report.skipped_for(maillage::SkipReason::MalformedRow), 2);
    assert!(
        report.notes.contains(&maillage::Note::PopulationPlaced {
            placed: 159.0,
            lost: 7.0
        }),
        "{report}"
    );

    // Used as a population model, the units keep their populations.
    let network = ServiceNetwork::new(vec![]);
    let model = PopulationModel::units(units);
    let r = Accessibility::new(&network, &communes, &model)
        .run()
        .unwrap()
        .national();
    assert_eq!((r.population, r.no_point), (159.0, 159.0));
}

/// The synthetic road of `road_times_on_a_small_synthetic_graph`, placed in
/// Lambert-93: a commune whose centroid is 200 m off node 0, a point de
/// contact 100 m off node 2. By road: 0.6 (snap) + 5 (nodes 0 → 2) + 0.3
/// (snap) = 5.9 min; crow-flies distance hypot(3000, 300) = 3,015 m.
#[test]
fn road_travel_times_flow_into_accessibility_with_their_snaps() {
    let (x0, y0) = (700_000.0, 6_600_000.0);
    let nodes = vec![
        Coord { x: x0, y: y0 },
        Coord {
            x: x0 + 1000.0,
            y: y0,
        },
        Coord {
            x: x0 + 3000.0,
            y: y0,
        },
    ];
    let roads = RoadNetwork::new(
        M,
        nodes,
        &[
            (0, 1, 1.0),
            (1, 0, 1.0),
            (1, 2, 4.0),
            (2, 1, 4.0),
            (2, 0, 2.0),
        ],
    );
    let network = ServiceNetwork::new(vec![
        point("p", M, x0 + 3000.0, y0 + 100.0, &[Service::Postal]),
        point(
            "far",
            M,
            x0 + 9000.0,
            y0 + 5000.0,
            &[Service::FranceServices],
        ),
    ]);
    let times = RoadTravelTime::new(&roads, &network, Service::Postal);
    assert_eq!(
        (times.destinations(), times.unsnapped_destinations()),
        (1, 0)
    );
    let (mean, max) = times.destination_snaps_m();
    assert!((mean - 100.0).abs() < 1e-9 && (max - 100.0).abs() < 1e-9);
    let far = RoadTravelTime::new(&roads, &network, Service::FranceServices);
    assert_eq!(
        (far.destinations(), far.unsnapped_destinations()),
        (0, 1),
        "6 km from any road node"
    );

    let mut c = territory(
        "C",
        TerritoryKind::Commune,
        Some(10),
        M,
        vec![rect(x0 - 50.0, y0 - 250.0, x0 + 50.0, y0 - 150.0)],
    );
    c.departement = Some("99".into());
    let communes = vec![c];
    let model = PopulationModel::Centroid;
    let run = |combine| {
        Accessibility::new(&network, &communes, &model)
            .minutes(5.5)
            .combine(combine)
            .travel_time(&times)
            .run()
            .unwrap()
            .national()
    };
    let and = run(Combine::And);
    assert_eq!(
        (and.beyond_distance, and.beyond_minutes, and.beyond),
        (0.0, 10.0, 0.0)
    );
    assert_eq!(
        (
            and.mean_snap_m(),
            and.max_snap_m,
            and.snapped,
            and.time_estimated
        ),
        (Some(200.0), 200.0, 10.0, 0.0)
    );
    let or = run(Combine::Or);
    assert_eq!(or.beyond, 10.0, "5.9 min > 5.5 min");
}

/// A cell given twice counts once; a population no cell can hold is a defect.
#[test]
fn filosofi_duplicates_and_implausible_populations_are_skipped() {
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo");
    let (communes, _) = read_communes(
        &CommuneSources::new(demo.join("communes.geojson")).table(demo.join("communes.csv")),
    )
    .unwrap();
    let csv = "Idcar_200m;Ind\n\
               CRS3035RES200mN2644200E3703400;120\n\
               CRS3035RES200mN2644200E3703400;120\n\
               CRS3035RES200mN2630400E3686600;1e300\n\
               CRS3035RES200mN2657600E3724800;8000\n";
    let (units, r) =
        maillage::population::read_filosofi_from("cells.csv", csv.as_bytes(), &communes).unwrap();
    assert_eq!((r.read, r.kept), (4, 2), "{r}");
    assert_eq!(r.skipped_for(maillage::SkipReason::DuplicateId), 1);
    assert_eq!(
        r.skipped_for(maillage::SkipReason::MalformedRow),
        1,
        "1e300"
    );
    assert_eq!(units.iter().map(|u| u.population).sum::<f64>(), 8_120.0);
}
