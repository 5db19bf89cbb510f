//! The embedded Bouches-du-Rhône extract (`data/bouches-du-rhone/`, made by
//! `tools/extract/make_extract.py`) gives the same figures as a run on the
//! full national files, territory by territory: its points reach far enough
//! that every nearest point is in it.

mod common;

use std::path::Path;

use maillage::access::Accessibility;
use maillage::load::{Inputs, TerritoryFiles};
use maillage::population::PopulationModel;
use maillage::{Coverage, CoverageReport, Rule, Service, ServiceNetwork, Territory, TerritoryKind};

const SERVICES: [Service; 3] = [
    Service::Postal,
    Service::FranceServices,
    Service::DigitalInclusion,
];

fn load(files: TerritoryFiles) -> Inputs {
    files.sources().load().expect("inputs load")
}

fn in_13(ts: Vec<Territory>) -> Vec<Territory> {
    ts.into_iter()
        .filter(|t| t.departement.as_deref() == Some("13"))
        .collect()
}

/// One result: territory, service, served, inside, within, nearest id, distance.
type Row = (String, Service, bool, u32, u32, Option<String>, Option<f64>);

/// Every result, in a fixed order.
fn rows(report: &CoverageReport<'_>) -> Vec<Row> {
    let mut v: Vec<_> = report
        .iter()
        .map(|r| {
            (
                r.territory.id.clone(),
                r.service,
                r.served,
                r.points_inside,
                r.points_within,
                r.nearest.map(|(p, _)| p.id.clone()),
                r.nearest_m(),
            )
        })
        .collect();
    v.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    v
}

#[test]
fn the_extract_gives_the_figures_of_the_full_files() {
    let extract = load(TerritoryFiles::extract(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data/bouches-du-rhone"),
    ));
    let full = load(TerritoryFiles::official(common::data_dir()));
    let runs: Vec<_> = [extract, full]
        .into_iter()
        .map(|inputs| {
            let communes = in_13(inputs.communes);
            let qpv = in_13(inputs.territories);
            (ServiceNetwork::new(inputs.points), communes, qpv)
        })
        .collect();
    let (ex, fu) = (&runs[0], &runs[1]);
    assert_eq!((ex.1.len(), ex.2.len()), (119, 71));
    assert_eq!((fu.1.len(), fu.2.len()), (119, 71));
    for (kind, rule, pick) in [
        (TerritoryKind::Commune, Rule::WithinDistance(5_000.0), 1),
        (TerritoryKind::Qpv, Rule::WithinDistance(500.0), 2),
    ] {
        let run = |(network, communes, qpv): &(ServiceNetwork, Vec<Territory>, Vec<Territory>)| {
            let territories = if pick == 1 { communes } else { qpv };
            rows(
                &Coverage::new(network, territories)
                    .services(SERVICES)
                    .rule(kind, rule)
                    .run()
                    .expect("coverage"),
            )
        };
        let (a, b) = (run(ex), run(fu));
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x, y, "{kind:?}");
        }
    }
    // Figures stated in the README: all 119 communes have a point de
    // contact within 5 km; 53 of the 71 QPV within 500 m.
    let qpv = Coverage::new(&ex.0, &ex.2)
        .services([Service::Postal])
        .rule(TerritoryKind::Qpv, Rule::WithinDistance(500.0))
        .run()
        .expect("coverage");
    assert_eq!(qpv.iter().filter(|r| r.served).count(), 53);

    // The legal yardstick on the 200 m grid: the same population beyond
    // 5 km and 20 minutes, and within 10 km.
    let grid = PopulationModel::grid();
    let totals: Vec<_> = [ex, fu]
        .iter()
        .map(|(network, communes, _)| {
            let access = Accessibility::new(network, communes, &grid)
                .minutes(20.0)
                .run()
                .expect("access");
            let d = access.by_departement();
            assert_eq!(d.len(), 1);
            (
                d[0].totals.population,
                d[0].totals.beyond,
                d[0].totals.share_within_decree(),
                d[0].law_compliant,
            )
        })
        .collect();
    assert_eq!(totals[0], totals[1]);
    assert_eq!(totals[0].0, 2_087_658.0);
    assert!(
        (100.0 * totals[0].1 / totals[0].0 - 0.22).abs() < 0.005,
        "{:?}",
        totals[0]
    );
}
