//! The national run's fast paths give what the plain computations give, bit
//! for bit: the grid scanline with its active edges against a scan of every
//! edge on every row, and the distance-only accessibility totals against the
//! general loop (forced by grouping the communes).

mod common;

use common::{point, rect, star, territory};
use geo_types::{Coord, LineString, MultiPolygon, Polygon};
use maillage::access::Accessibility;
use maillage::population::{PopulationModel, grid_cells};
use maillage::{Service, ServiceNetwork, TerritoryKind, Zone};
use proptest::prelude::*;

const M: Zone = Zone::Metropole;

/// The reference scan's cells ([`common::scanline`]).
fn every_edge(geometry: &MultiPolygon<f64>, cell_m: f64) -> Vec<Coord<f64>> {
    let mut out = Vec::new();
    common::scanline::every_edge_every_row(geometry, cell_m, &mut out);
    out
}

fn bits(cells: &[Coord<f64>]) -> Vec<(u64, u64)> {
    cells
        .iter()
        .map(|c| (c.x.to_bits(), c.y.to_bits()))
        .collect()
}

#[test]
fn a_square_with_a_hole_by_hand() {
    // 1 km square at (0, 0), 200 m cells: 25 centres (100 to 900 m). The
    // hole spans 300–700 m: the centres at 300 and 500 m fall in it (on its
    // west and south edges they are inside the hole), those at 700 m do not
    // (its east and north edges are outside it): 25 − 2 × 2 = 21 cells.
    let hole = LineString::from(vec![
        (300.0, 300.0),
        (700.0, 300.0),
        (700.0, 700.0),
        (300.0, 700.0),
        (300.0, 300.0),
    ]);
    let square = Polygon::new(
        rect(0.0, 0.0, 1000.0, 1000.0).exterior().clone(),
        vec![hole],
    );
    let mp = MultiPolygon(vec![square]);
    let mut cells = Vec::new();
    grid_cells(&mp, 200.0, &mut cells);
    assert_eq!(cells.len(), 21);
    assert!(!cells.contains(&Coord { x: 300.0, y: 300.0 }));
    assert!(cells.contains(&Coord { x: 700.0, y: 700.0 }));
    assert_eq!(bits(&cells), bits(&every_edge(&mp, 200.0)));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Star polygons (self-crossing when the radii jump), two parts that
    /// may overlap, a hole: the same centres in the same order.
    #[test]
    fn the_active_edge_scanline_is_the_scan_of_every_edge(
        cx in 0.0f64..2000.0,
        cy in 0.0f64..2000.0,
        radii in prop::collection::vec(50.0f64..3000.0, 3..40),
        second in prop::collection::vec(50.0f64..1500.0, 3..12),
        cell in prop::sample::select(vec![100.0, 200.0, 333.3]),
    ) {
        let mut outer = star(cx, cy, &radii);
        let hole = star(cx, cy, &[30.0, 40.0, 35.0, 45.0]);
        outer.interiors_push(hole.exterior().clone());
        let mp = MultiPolygon(vec![outer, star(cx + 1000.0, cy - 500.0, &second)]);
        let mut cells = Vec::new();
        grid_cells(&mp, cell, &mut cells);
        prop_assert_eq!(bits(&cells), bits(&every_edge(&mp, cell)));
    }
}

#[test]
fn distance_only_totals_are_those_of_the_general_loop() {
    // Three communes around two post offices, 200 m grid: cells beyond 5 km
    // and beyond 10 km in each, and a commune with its own population split.
    let mut communes = vec![
        territory(
            "a",
            TerritoryKind::Commune,
            Some(1234),
            M,
            vec![rect(0.0, 0.0, 8000.0, 6000.0)],
        ),
        territory(
            "b",
            TerritoryKind::Commune,
            Some(987),
            M,
            vec![rect(8000.0, 0.0, 23_000.0, 4000.0)],
        ),
        territory(
            "c",
            TerritoryKind::Commune,
            Some(55),
            M,
            vec![star(
                4000.0,
                12_000.0,
                &[900.0, 1500.0, 700.0, 1800.0, 1200.0],
            )],
        ),
    ];
    for c in &mut communes {
        c.departement = Some("42".into());
    }
    let network = ServiceNetwork::new(vec![
        point("p1", M, 1000.0, 1000.0, &[Service::Postal]),
        point("p2", M, 3000.0, 5000.0, &[Service::Postal]),
    ]);
    let model = PopulationModel::grid();
    let fast = Accessibility::new(&network, &communes, &model)
        .run()
        .unwrap();
    // Grouping the communes (one territory over them all) takes the general
    // loop for every cell.
    let all = vec![territory(
        "all",
        TerritoryKind::Departement,
        None,
        M,
        vec![rect(-1000.0, -1000.0, 30_000.0, 20_000.0)],
    )];
    let general = Accessibility::new(&network, &communes, &model)
        .also_by(&all)
        .run()
        .unwrap();
    let fast: Vec<_> = fast.communes().map(|(_, t)| *t).collect();
    let general: Vec<_> = general.communes().map(|(_, t)| *t).collect();
    assert_eq!(fast, general);
    // The figures are not trivial: everyone is counted, and some are far.
    let populations: Vec<f64> = fast.iter().map(|t| t.population).collect();
    assert_eq!(populations, vec![1234.0, 987.0, 55.0]);
    assert!(fast.iter().any(|t| t.beyond_distance > 0.0));
    assert!(fast.iter().any(|t| t.beyond_decree > 0.0));
    assert!(fast.iter().all(|t| t.no_point == 0.0));
    // Commune b spans 8 to 23 km east: its cells past 10 km from p2 are
    // beyond the decree, those past 5 km beyond the law.
    let b = fast.get(1).unwrap();
    assert!(b.beyond_decree > 0.0 && b.beyond_decree < b.beyond_distance);
    assert_eq!(b.beyond, b.beyond_distance);
    assert_eq!(b.units, (15_000 / 200) * (4000 / 200));
}
