//! Coverage on small cases computed by hand.

mod common;

use common::{point, rect, territory};
use maillage::{Coverage, Rule, Service, ServiceNetwork, TerritoryKind, Zone};

const M: Zone = Zone::Metropole;

/// A 1 km square QPV at (700000..701000, 6600000..6601000), in Lambert-93 metres.
fn square() -> Vec<maillage::Territory> {
    vec![territory(
        "SQ",
        TerritoryKind::Qpv,
        Some(1000),
        M,
        vec![rect(700_000.0, 6_600_000.0, 701_000.0, 6_601_000.0)],
    )]
}

#[test]
fn points_inside_on_the_edge_and_outside() {
    let points = vec![
        point("in", M, 700_500.0, 6_600_500.0, &[Service::Postal]),
        point("edge", M, 701_000.0, 6_600_200.0, &[Service::Postal]),
        // 300 m east of the east edge.
        point("east300", M, 701_300.0, 6_600_500.0, &[Service::Postal]),
        // Beyond the north-east corner by (300, 400): 500 m from the corner.
        point("ne500", M, 701_300.0, 6_601_400.0, &[Service::Postal]),
        // 800 m south.
        point("south800", M, 700_500.0, 6_599_200.0, &[Service::Postal]),
    ];
    let network = ServiceNetwork::new(points);
    let t = square();
    for (radius, within) in [
        (0.0, 2),
        (299.9, 2),
        (300.0, 3),
        (500.0, 4),
        (799.0, 4),
        (800.0, 5),
    ] {
        let report = Coverage::new(&network, &t)
            .rule_all(Rule::WithinDistance(radius))
            .run()
            .unwrap();
        let r = report.get("SQ", Service::Postal).unwrap();
        assert_eq!(
            r.points_inside, 2,
            "inside and on the edge both count as inside"
        );
        assert_eq!(r.points_within, within, "radius {radius}");
        assert_eq!(r.nearest_m(), Some(0.0));
        assert!(r.served);
    }
}

#[test]
fn nearest_distance_is_to_the_polygon_not_its_centre() {
    let network = ServiceNetwork::new(vec![
        point("ne500", M, 701_300.0, 6_601_400.0, &[Service::Postal]),
        point("south800", M, 700_500.0, 6_599_200.0, &[Service::Postal]),
        point("far", M, 720_000.0, 6_600_500.0, &[Service::Postal]),
    ]);
    let t = square();
    let report = Coverage::new(&network, &t).run().unwrap(); // QPV default: 500 m
    let r = report.get("SQ", Service::Postal).unwrap();
    assert_eq!(r.rule, Rule::WithinDistance(500.0));
    assert_eq!(r.points_inside, 0);
    assert_eq!(r.points_within, 1);
    let (p, d) = r.nearest.unwrap();
    assert_eq!(p.id, "ne500");
    assert!((d - 500.0).abs() < 1e-9);
    assert!(r.served);

    let strict = Coverage::new(&network, &t)
        .rule(TerritoryKind::Qpv, Rule::WithinDistance(499.0))
        .run()
        .unwrap();
    let r = strict.get("SQ", Service::Postal).unwrap();
    assert!(!r.served);
    assert_eq!(r.points_within, 0);
    assert_eq!(r.nearest.unwrap().0.id, "ne500");
}

#[test]
fn nearest_found_far_away_and_exact_for_elongated_polygons() {
    // A 10 km × 100 m strip; the only point is 2 km beyond its west end,
    // while a decoy lies 2.5 km north of its centre (nearer the bbox centre).
    let strip = vec![territory(
        "strip",
        TerritoryKind::Commune,
        Some(50),
        M,
        vec![rect(700_000.0, 6_600_000.0, 710_000.0, 6_600_100.0)],
    )];
    let network = ServiceNetwork::new(vec![
        point("west", M, 698_000.0, 6_600_050.0, &[Service::Postal]),
        point("decoy", M, 705_000.0, 6_602_600.0, &[Service::Postal]),
    ]);
    let report = Coverage::new(&network, &strip)
        .rule_all(Rule::WithinDistance(1000.0))
        .run()
        .unwrap();
    let r = report.get("strip", Service::Postal).unwrap();
    let (p, d) = r.nearest.unwrap();
    assert_eq!(p.id, "west");
    assert!((d - 2000.0).abs() < 1e-9);
    assert!(!r.served);
}

#[test]
fn multipolygon_and_hole() {
    // Two 1 km squares 3 km apart; the second has a 400 m hole in its middle.
    let mut with_hole = rect(704_000.0, 6_600_000.0, 705_000.0, 6_601_000.0);
    with_hole.interiors_push(
        common::rect(704_300.0, 6_600_300.0, 704_700.0, 6_600_700.0)
            .exterior()
            .clone(),
    );
    let t = vec![territory(
        "MP",
        TerritoryKind::Qpv,
        Some(10),
        M,
        vec![
            rect(700_000.0, 6_600_000.0, 701_000.0, 6_601_000.0),
            with_hole,
        ],
    )];
    // The point in the hole is 200 m from the hole's edge: not inside.
    let network = ServiceNetwork::new(vec![point(
        "hole",
        M,
        704_500.0,
        6_600_500.0,
        &[Service::Postal],
    )]);
    let report = Coverage::new(&network, &t)
        .rule_all(Rule::Inside)
        .run()
        .unwrap();
    let r = report.get("MP", Service::Postal).unwrap();
    assert_eq!(r.points_inside, 0);
    assert!((r.nearest_m().unwrap() - 200.0).abs() < 1e-9);
    assert!(!r.served);

    let network = ServiceNetwork::new(vec![
        point("second", M, 704_100.0, 6_600_100.0, &[Service::Postal]),
        point("between", M, 702_000.0, 6_600_500.0, &[Service::Postal]),
    ]);
    let report = Coverage::new(&network, &t)
        .rule_all(Rule::WithinDistance(1000.0))
        .run()
        .unwrap();
    let r = report.get("MP", Service::Postal).unwrap();
    assert_eq!(r.points_inside, 1);
    assert_eq!(r.points_within, 2, "1 km from the first square's east edge");
    assert!(r.served);
}

#[test]
fn points_of_another_zone_never_count() {
    // A Réunion point whose projected metres happen to fall inside a
    // metropolitan square must not be seen by it.
    let t = square();
    let network = ServiceNetwork::new(vec![point(
        "run",
        Zone::Reunion,
        700_500.0,
        6_600_500.0,
        &[Service::Postal],
    )]);
    let report = Coverage::new(&network, &t).run().unwrap();
    let r = report.get("SQ", Service::Postal).unwrap();
    assert_eq!(r.points_inside, 0);
    assert_eq!(r.nearest, None);
    assert!(!r.served);

    let overseas = vec![territory(
        "974",
        TerritoryKind::Commune,
        Some(5),
        Zone::Reunion,
        vec![rect(700_000.0, 6_600_000.0, 701_000.0, 6_601_000.0)],
    )];
    let report = Coverage::new(&network, &overseas).run().unwrap();
    assert_eq!(report.get("974", Service::Postal).unwrap().points_inside, 1);
}

#[test]
fn services_are_measured_separately_and_gaps_are_ranked() {
    let t = vec![
        territory(
            "small",
            TerritoryKind::Qpv,
            Some(100),
            M,
            vec![rect(700_000.0, 6_600_000.0, 700_100.0, 6_600_100.0)],
        ),
        territory(
            "big",
            TerritoryKind::Qpv,
            Some(9000),
            M,
            vec![rect(710_000.0, 6_600_000.0, 710_100.0, 6_600_100.0)],
        ),
        territory(
            "unknown",
            TerritoryKind::Qpv,
            None,
            M,
            vec![rect(720_000.0, 6_600_000.0, 720_100.0, 6_600_100.0)],
        ),
        territory(
            "served",
            TerritoryKind::Qpv,
            Some(500),
            M,
            vec![rect(730_000.0, 6_600_000.0, 730_100.0, 6_600_100.0)],
        ),
    ];
    let network = ServiceNetwork::new(vec![
        point(
            "p1",
            M,
            730_050.0,
            6_600_050.0,
            &[Service::Postal, Service::Mediation],
        ),
        point("p2", M, 700_050.0, 6_600_050.0, &[Service::Postal]),
    ]);
    let report = Coverage::new(&network, &t)
        .services([Service::Postal, Service::Mediation])
        .run()
        .unwrap();
    assert_eq!(report.rows().len(), 8);
    let gaps: Vec<&str> = report
        .gaps(Service::Mediation)
        .iter()
        .map(|g| g.territory.id.as_str())
        .collect();
    assert_eq!(gaps, ["big", "small", "unknown"]);
    let gaps: Vec<&str> = report
        .gaps(Service::Postal)
        .iter()
        .map(|g| g.territory.id.as_str())
        .collect();
    assert_eq!(gaps, ["big", "unknown"]);

    let summary = report.summary();
    assert_eq!(summary.len(), 2);
    let postal = &summary[0];
    assert_eq!(
        (
            postal.service,
            postal.territories,
            postal.served,
            postal.unserved
        ),
        (Service::Postal, 4, 2, 2)
    );
    assert_eq!(postal.population, 9600);
    assert_eq!(postal.population_unserved, 9000);
    assert_eq!(postal.unserved_without_population, 1);
    let mediation = &summary[1];
    assert_eq!(
        (
            mediation.served,
            mediation.unserved,
            mediation.population_unserved
        ),
        (1, 3, 9100)
    );
}

#[test]
fn a_service_nobody_offers_leaves_every_territory_unserved() {
    let t = square();
    let network = ServiceNetwork::new(vec![point(
        "p",
        M,
        700_500.0,
        6_600_500.0,
        &[Service::Postal],
    )]);
    let report = Coverage::new(&network, &t)
        .services([Service::PointPosteEss])
        .run()
        .unwrap();
    let r = report.get("SQ", Service::PointPosteEss).unwrap();
    assert_eq!((r.points_inside, r.nearest, r.served), (0, None, false));
}

#[test]
fn invalid_radius_is_an_error() {
    let t = square();
    let network = ServiceNetwork::new(vec![]);
    let err = Coverage::new(&network, &t)
        .rule_all(Rule::WithinDistance(-5.0))
        .run()
        .unwrap_err();
    assert!(err.to_string().contains("radius"), "{err}");
}

#[test]
fn csv_output_has_the_documented_columns_and_values() {
    let network = ServiceNetwork::new(vec![point(
        "ne500",
        M,
        701_300.0,
        6_601_400.0,
        &[Service::Postal],
    )]);
    let t = square();
    let report = Coverage::new(&network, &t).run().unwrap();
    let mut buf = Vec::new();
    report.to_csv(&mut buf).unwrap();
    let text = String::from_utf8(buf).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "territory_id,name,kind,departement,population,service,rule,radius_m,points_inside,points_within_radius,nearest_m,nearest_id,nearest_name,nearest_kind,served,status"
    );
    assert_eq!(
        lines.next().unwrap(),
        "SQ,territory SQ,qpv,,1000,postal,within_distance,500,0,1,500.00,ne500,point ne500,bureau_de_poste,true,served"
    );
    assert_eq!(lines.next(), None);
}
