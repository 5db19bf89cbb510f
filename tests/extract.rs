//! The embedded extracts (`data/bouches-du-rhone/`, `data/loire/`, made by
//! `tools/extract/make_extract.py`) give the same figures as a run on the
//! full national files, territory by territory: their points reach far
//! enough that every nearest point is in them.

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

fn in_dep(ts: Vec<Territory>, dep: &str) -> Vec<Territory> {
    ts.into_iter()
        .filter(|t| t.departement.as_deref() == Some(dep))
        .collect()
}

/// One extract and the figures it must give.
struct Case {
    /// Folder under `data/`.
    folder: &'static str,
    /// Département code.
    dep: &'static str,
    /// Communes and QPV of the département.
    communes: usize,
    qpv: usize,
    /// QPV with a point de contact, and with a France Services site, within
    /// 500 m (tools/crosscheck/main_job_programmes.py).
    qpv_postal: usize,
    qpv_france_services: usize,
    /// Population of the 200 m grid, and the share (%) beyond 5 km and
    /// 20 minutes when an independent figure is known.
    population: f64,
    beyond_pct: Option<f64>,
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

fn the_extract_gives_the_figures_of_the_full_files(case: &Case) {
    let extract = load(TerritoryFiles::extract(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("data")
            .join(case.folder),
    ));
    let full = load(TerritoryFiles::official(common::data_dir()));
    let runs: Vec<_> = [extract, full]
        .into_iter()
        .map(|inputs| {
            let communes = in_dep(inputs.communes, case.dep);
            let qpv = in_dep(inputs.territories, case.dep);
            (ServiceNetwork::new(inputs.points), communes, qpv)
        })
        .collect();
    let (ex, fu) = (&runs[0], &runs[1]);
    assert_eq!((ex.1.len(), ex.2.len()), (case.communes, case.qpv));
    assert_eq!((fu.1.len(), fu.2.len()), (case.communes, case.qpv));
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
            assert_eq!(x, y, "{} {kind:?}", case.folder);
        }
    }
    // QPV served within 500 m, as the independent cross-check counts them
    // (for Bouches-du-Rhône, the README's 53 of the 71 QPV).
    let qpv = Coverage::new(&ex.0, &ex.2)
        .services([Service::Postal, Service::FranceServices])
        .rule(TerritoryKind::Qpv, Rule::WithinDistance(500.0))
        .run()
        .expect("coverage");
    let served = |s: Service| qpv.iter().filter(|r| r.served && r.service == s).count();
    assert_eq!(
        (served(Service::Postal), served(Service::FranceServices)),
        (case.qpv_postal, case.qpv_france_services),
        "{}",
        case.folder
    );

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
    assert_eq!(totals[0], totals[1], "{}", case.folder);
    assert_eq!(totals[0].0, case.population, "{}", case.folder);
    if let Some(pct) = case.beyond_pct {
        assert!(
            (100.0 * totals[0].1 / totals[0].0 - pct).abs() < 0.005,
            "{:?}",
            totals[0]
        );
    }
}

#[test]
fn the_bouches_du_rhone_extract_gives_the_figures_of_the_full_files() {
    the_extract_gives_the_figures_of_the_full_files(&Case {
        folder: "bouches-du-rhone",
        dep: "13",
        communes: 119,
        qpv: 71,
        qpv_postal: 53,
        qpv_france_services: 23,
        population: 2_087_658.0,
        beyond_pct: Some(0.22),
    });
}

#[test]
fn the_loire_extract_gives_the_figures_of_the_full_files() {
    the_extract_gives_the_figures_of_the_full_files(&Case {
        folder: "loire",
        dep: "42",
        communes: 320,
        qpv: 24,
        qpv_postal: 21,
        qpv_france_services: 8,
        population: 774_133.0,
        beyond_pct: None,
    });
}

/// The lieux of 2022 are in the Loire extract (230 rows within 30 km, as
/// the full file's rows), not in the older Bouches-du-Rhône one.
#[test]
fn only_the_newer_extract_has_the_lieux() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    assert_eq!(
        TerritoryFiles::extract(root.join("bouches-du-rhone")).lieux,
        None
    );
    let lieux = TerritoryFiles::extract(root.join("loire"))
        .lieux
        .expect("data/loire/lieux.csv");
    let text = std::fs::read_to_string(&lieux).expect("lieux.csv");
    let full = std::fs::read_to_string(common::data("conseillers_numeriques_lieux_2022.csv"))
        .expect("the full lieux file");
    let mut lines = text.split_inclusive("\r\n");
    assert_eq!(
        lines.next(),
        full.split_inclusive("\r\n").next(),
        "same header"
    );
    let rows: Vec<_> = lines.collect();
    assert_eq!(rows.len(), 230);
    assert!(
        rows.iter().all(|row| full.contains(row)),
        "rows copied unchanged"
    );
}
