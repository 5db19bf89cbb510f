//! Property tests: coverage invariants on random instances, checked against
//! brute force and closed-form distances; projection round trips.

mod common;

use common::{point, rect, star, territory};
use geo::{Distance, Euclidean};
use geo_types::{MultiPolygon, Point};
use maillage::{
    Coverage, Projector, Rule, Service, ServiceNetwork, ServicePoint, Territory, TerritoryKind,
    Zone,
};
use proptest::prelude::*;

const M: Zone = Zone::Metropole;
const X0: f64 = 700_000.0;
const Y0: f64 = 6_600_000.0;

/// Axis-aligned rectangles (x, y, w, h) in metres relative to (X0, Y0).
fn rects() -> impl Strategy<Value = Vec<(f64, f64, f64, f64)>> {
    prop::collection::vec(
        (0.0..20_000.0, 0.0..20_000.0, 1.0..3_000.0, 1.0..3_000.0),
        1..4,
    )
}

fn pts() -> impl Strategy<Value = Vec<(f64, f64)>> {
    prop::collection::vec((-5_000.0..25_000.0, -5_000.0..25_000.0), 0..40)
}

fn make_territory(rs: &[(f64, f64, f64, f64)]) -> Vec<Territory> {
    let parts = rs
        .iter()
        .map(|&(x, y, w, h)| rect(X0 + x, Y0 + y, X0 + x + w, Y0 + y + h))
        .collect();
    vec![territory("T", TerritoryKind::Commune, Some(100), M, parts)]
}

fn make_points(ps: &[(f64, f64)]) -> Vec<ServicePoint> {
    ps.iter()
        .enumerate()
        .map(|(i, &(x, y))| point(&format!("p{i}"), M, X0 + x, Y0 + y, &[Service::Postal]))
        .collect()
}

/// Closed-form distance from a point to a union of rectangles.
fn rect_distance(rs: &[(f64, f64, f64, f64)], (px, py): (f64, f64)) -> f64 {
    rs.iter()
        .map(|&(x, y, w, h)| {
            let dx = (x - px).max(0.0).max(px - (x + w));
            let dy = (y - py).max(0.0).max(py - (y + h));
            dx.hypot(dy)
        })
        .fold(f64::INFINITY, f64::min)
}

fn run(t: &[Territory], network: &ServiceNetwork, rule: Rule) -> (u32, u32, Option<f64>, bool) {
    let report = Coverage::new(network, t).rule_all(rule).run().unwrap();
    let r = report.get("T", Service::Postal).unwrap();
    (r.points_inside, r.points_within, r.nearest_m(), r.served)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn nearest_matches_closed_form_and_counts_match_brute_force(rs in rects(), ps in pts(), radius in 0.0..4_000.0f64) {
        let t = make_territory(&rs);
        let network = ServiceNetwork::new(make_points(&ps));
        let (inside, within, nearest, served) = run(&t, &network, Rule::WithinDistance(radius));
        let d: Vec<f64> = ps.iter().map(|p| rect_distance(&rs, *p)).collect();
        let min = d.iter().copied().fold(f64::INFINITY, f64::min);
        match nearest {
            None => prop_assert!(ps.is_empty()),
            Some(n) => prop_assert!((n - min).abs() < 1e-6, "nearest {n} vs brute force {min}"),
        }
        prop_assert_eq!(inside as usize, d.iter().filter(|&&x| x == 0.0).count());
        // Points at distance exactly `radius` are at the mercy of rounding; skip those instances.
        prop_assume!(d.iter().all(|x| (x - radius).abs() > 1e-6));
        prop_assert_eq!(within as usize, d.iter().filter(|&&x| x <= radius).count());
        prop_assert_eq!(served, within > 0);
    }

    #[test]
    fn nearest_matches_brute_force_on_concave_polygons(
        radii in prop::collection::vec(200.0..5_000.0f64, 3..24),
        ps in pts(),
    ) {
        let poly = star(X0 + 10_000.0, Y0 + 10_000.0, &radii);
        let t = vec![territory("T", TerritoryKind::Commune, None, M, vec![poly.clone()])];
        let network = ServiceNetwork::new(make_points(&ps));
        let (_, _, nearest, _) = run(&t, &network, Rule::WithinDistance(300.0));
        let mp = MultiPolygon(vec![poly]);
        let brute = ps
            .iter()
            .map(|&(x, y)| Euclidean.distance(&mp, &Point::new(X0 + x, Y0 + y)))
            .fold(f64::INFINITY, f64::min);
        match nearest {
            None => prop_assert!(ps.is_empty()),
            Some(n) => prop_assert!((n - brute).abs() < 1e-6, "{n} vs {brute}"),
        }
    }

    #[test]
    fn distance_to_polygon_equals_geo_with_holes_and_islands(
        radii in prop::collection::vec(2_000.0..5_000.0f64, 3..24),
        hole in prop::collection::vec(600.0..1_500.0f64, 3..12),
        island in prop::collection::vec(50.0..400.0f64, 3..8),
        ps in pts(),
    ) {
        let (cx, cy) = (X0 + 10_000.0, Y0 + 10_000.0);
        // A shell with a hole, and an island inside the hole.
        let shell = star(cx, cy, &radii).exterior().clone();
        let hole = star(cx, cy, &hole).exterior().clone();
        let mp = MultiPolygon(vec![
            geo_types::Polygon::new(shell, vec![hole]),
            star(cx, cy, &island),
        ]);
        for &(x, y) in &ps {
            let (x, y) = (X0 + x, Y0 + y);
            let ours = maillage::coverage::distance_to_polygon(&mp, [x, y]);
            let geo = Euclidean.distance(&mp, &Point::new(x, y));
            let geo = if geo <= maillage::model::ON_BOUNDARY_M { 0.0 } else { geo };
            prop_assert!((ours - geo).abs() < 1e-6, "({x}, {y}): {ours} vs {geo}");
        }
    }

    #[test]
    fn batched_nearest_distances_equal_brute_force(
        sites in prop::collection::vec((-50_000.0..50_000.0f64, -50_000.0..50_000.0f64), 1..60),
        cells in prop::collection::vec((-30_000.0..30_000.0f64, -30_000.0..30_000.0f64), 0..700),
    ) {
        let network = ServiceNetwork::new(make_points(&sites));
        let xys: Vec<geo_types::Coord<f64>> = cells.iter().map(|&(x, y)| geo_types::Coord { x: X0 + x, y: Y0 + y }).collect();
        let mut got = Vec::new();
        network.nearest_distances(M, Service::Postal, &xys, &mut got);
        prop_assert_eq!(got.len(), xys.len());
        for (c, d) in xys.iter().zip(&got) {
            let brute = sites
                .iter()
                .map(|&(x, y)| (X0 + x - c.x).hypot(Y0 + y - c.y))
                .fold(f64::INFINITY, f64::min);
            prop_assert!((d - brute).abs() < 1e-6, "{d} vs {brute}");
        }
        let mut none = Vec::new();
        network.nearest_distances(Zone::Reunion, Service::Postal, &xys, &mut none);
        prop_assert!(none.iter().all(|d| d.is_infinite()));
    }

    #[test]
    fn inside_implies_zero_distance_and_served_under_every_radius(rs in rects(), ps in pts(), radius in 0.0..4_000.0f64) {
        let t = make_territory(&rs);
        let network = ServiceNetwork::new(make_points(&ps));
        let (inside, _, nearest, served_inside) = run(&t, &network, Rule::Inside);
        prop_assert_eq!(served_inside, inside >= 1);
        if inside >= 1 {
            prop_assert_eq!(nearest, Some(0.0));
            prop_assert!(run(&t, &network, Rule::WithinDistance(radius)).3);
        }
    }

    #[test]
    fn coverage_is_monotonic_in_the_radius(rs in rects(), ps in pts(), a in 0.0..4_000.0f64, b in 0.0..4_000.0f64) {
        let (small, large) = if a <= b { (a, b) } else { (b, a) };
        let t = make_territory(&rs);
        let network = ServiceNetwork::new(make_points(&ps));
        let s = run(&t, &network, Rule::WithinDistance(small));
        let l = run(&t, &network, Rule::WithinDistance(large));
        prop_assert!(s.1 <= l.1);
        prop_assert!(!s.3 || l.3);
        prop_assert_eq!(s.2, l.2, "the nearest distance does not depend on the radius");
    }

    #[test]
    fn adding_a_point_never_unserves_and_removing_never_serves(
        rs in rects(), ps in pts(), extra in (-5_000.0..25_000.0f64, -5_000.0..25_000.0f64), radius in 0.0..4_000.0f64,
    ) {
        let t = make_territory(&rs);
        let before = run(&t, &ServiceNetwork::new(make_points(&ps)), Rule::WithinDistance(radius));
        let mut more = ps.clone();
        more.push(extra);
        let after = run(&t, &ServiceNetwork::new(make_points(&more)), Rule::WithinDistance(radius));
        prop_assert!(!before.3 || after.3, "adding a point unserved the territory");
        prop_assert!(after.1 >= before.1);
        if let (Some(b), Some(a)) = (before.2, after.2) {
            prop_assert!(a <= b);
        }
        if !ps.is_empty() {
            let fewer = &ps[1..];
            let removed = run(&t, &ServiceNetwork::new(make_points(fewer)), Rule::WithinDistance(radius));
            prop_assert!(before.3 || !removed.3, "removing a point served the territory");
        }
    }

    #[test]
    fn projection_round_trips_in_every_zone(zone_index in 0usize..6, u in 0.0..1.0f64, v in 0.0..1.0f64) {
        // Each zone's land extent, slightly inside the zone boxes.
        let extents = [
            (Zone::Metropole, -5.2, 41.3, 9.6, 51.1),
            (Zone::Antilles, -63.2, 14.3, -60.8, 18.2),
            (Zone::Guyane, -54.6, 2.1, -51.6, 5.8),
            (Zone::Reunion, 55.2, -21.4, 55.9, -20.8),
            (Zone::Mayotte, 44.95, -13.05, 45.35, -12.6),
            (Zone::SaintPierreEtMiquelon, -56.45, 46.7, -56.1, 47.15),
        ];
        let (zone, x0, y0, x1, y1) = extents[zone_index];
        let (lon, lat) = (x0 + u * (x1 - x0), y0 + v * (y1 - y0));
        prop_assert_eq!(Zone::of_lonlat(lon, lat), Some(zone));
        let p = Projector::shared().unwrap();
        let xy = p.project(zone, lon, lat).unwrap();
        let back = p.unproject(zone, xy.x, xy.y).unwrap();
        prop_assert!((back.x - lon).abs() < 1e-9 && (back.y - lat).abs() < 1e-9, "{lon},{lat} → {back:?}");
    }
}
