//! DataFrame and Parquet output (feature `polars`).
#![cfg(feature = "polars")]

mod common;

use common::{point, rect, territory};
use maillage::{Coverage, Service, ServiceNetwork, TerritoryKind, Zone};
use polars::prelude::*;

#[test]
fn dataframe_and_parquet_round_trip() {
    let t = vec![
        territory(
            "A",
            TerritoryKind::Commune,
            Some(120),
            Zone::Metropole,
            vec![rect(700_000.0, 6_600_000.0, 701_000.0, 6_601_000.0)],
        ),
        territory(
            "B",
            TerritoryKind::Commune,
            None,
            Zone::Metropole,
            vec![rect(720_000.0, 6_600_000.0, 721_000.0, 6_601_000.0)],
        ),
    ];
    let network = ServiceNetwork::new(vec![point(
        "p",
        Zone::Metropole,
        700_500.0,
        6_600_500.0,
        &[Service::Postal],
    )]);
    let report = Coverage::new(&network, &t).run().unwrap();
    let df = report.to_dataframe().unwrap();
    assert_eq!(
        df.shape(),
        (2, maillage::coverage::schema::COVERAGE_COLUMNS.len())
    );
    let served: Vec<Option<bool>> = {
        let c = df.column("served").unwrap().bool().unwrap();
        (0..2).map(|i| c.get(i)).collect()
    };
    assert_eq!(served, [Some(true), Some(false)]);
    let nearest: Vec<Option<f64>> = {
        let c = df.column("nearest_m").unwrap().f64().unwrap();
        (0..2).map(|i| c.get(i)).collect()
    };
    assert_eq!(nearest, [Some(0.0), Some(19_500.0)]);
    let pop: Vec<Option<u64>> = {
        let c = df.column("population").unwrap().u64().unwrap();
        (0..2).map(|i| c.get(i)).collect()
    };
    assert_eq!(pop, [Some(120), None]);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("coverage.parquet");
    report.write_parquet(&path).unwrap();
    let back = ParquetReader::new(std::fs::File::open(&path).unwrap())
        .finish()
        .unwrap();
    assert!(back.equals_missing(&df));
}
