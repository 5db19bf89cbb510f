//! `--format geoparquet` on every command: each CSV table a run writes has a
//! Parquet twin with the same rows and columns (typed), GeoParquet 1.1 with
//! WKB geometry where the table has a place (territories' polygons, sites'
//! points), a plain Parquet table where it has none.
//!
//! The files are also left in `$CARGO_TARGET_TMPDIR/geoparquet-samples`
//! with a `manifest.json` (file → rows, columns, geometry types), where the
//! Python tests (`python/tests/test_geoparquet.py`) open them with pyarrow
//! and GeoPandas and check their CRS.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde_json::{Value, json};

fn maillage(args: &[&str]) {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_maillage"))
        .args(args)
        .output()
        .expect("the binary runs");
    assert!(
        o.status.success(),
        "maillage {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&o.stderr)
    );
}

fn demo(f: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/demo")
        .join(f)
        .display()
        .to_string()
}

/// The rows and header of a CSV maillage wrote.
fn csv_shape(path: &Path) -> (usize, Vec<String>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(str::to_owned).collect();
    (r.records().count(), header)
}

/// The rows, column names and `geo` metadata of a Parquet file.
fn parquet_shape(path: &Path) -> (usize, Vec<String>, Option<Value>) {
    let file = std::fs::File::open(path).unwrap();
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
    let geo = builder
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .and_then(|kv| kv.iter().find(|k| k.key == "geo"))
        .and_then(|k| k.value.as_deref())
        .map(|v| serde_json::from_str(v).unwrap());
    let names = builder
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    let rows = builder
        .build()
        .unwrap()
        .map(|b| b.unwrap().num_rows())
        .sum();
    (rows, names, geo)
}

#[test]
fn every_table_of_every_command_has_its_parquet_twin() {
    let samples = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("geoparquet-samples");
    let _ = std::fs::remove_dir_all(&samples);
    let out = |name: &str| samples.join(name).display().to_string();
    let gp = ["--format", "geoparquet", "--force"];
    let common = |cmd: &str, more: &[&str], dir: &str| {
        let mut args: Vec<String> = vec![cmd.into()];
        args.extend(more.iter().map(|s| s.to_string()));
        args.extend(gp.iter().map(|s| s.to_string()));
        args.extend(["--out".into(), out(dir)]);
        maillage(&args.iter().map(String::as_str).collect::<Vec<_>>());
    };
    let (points, qpv, communes, table) = (
        demo("points.csv"),
        demo("qpv.geojson"),
        demo("communes.geojson"),
        demo("communes.csv"),
    );
    let partners = demo("partners.csv");
    let args = ["--points", &points, "--territories", &qpv, "--kind", "qpv"];
    common("coverage", &args, "coverage_before");
    let mut with_partners = args.to_vec();
    with_partners.extend(["--partners", &partners]);
    common("coverage", &with_partners, "coverage_after");
    let access = [
        "--points",
        &points,
        "--communes",
        &communes,
        "--population",
        &table,
        "--by",
        &qpv,
    ];
    common("access", &access, "access");
    let assignments = demo("assignments.csv");
    let plan = [
        "--points",
        &points,
        "--assignments",
        &assignments,
        "--territories",
        &qpv,
        "--kind",
        "qpv",
        "--weight",
        "count",
        "--service",
        "mediation",
        "--candidates",
        "bureau_de_poste",
        "--add",
        "1",
    ];
    common("plan", &plan, "plan");
    let comply = [
        "--points",
        &points,
        "--communes",
        &communes,
        "--population",
        &table,
        "--service",
        "postal",
        "--candidates",
        "communes",
        "--comply",
    ];
    common("plan", &comply, "plan_comply");
    let before = out("coverage_before");
    let after = out("coverage_after");
    let compare = [
        "--before",
        &before,
        "--after",
        &after,
        "--points-before",
        &points,
        "--points-after",
        &partners,
    ];
    common("compare", &compare, "compare");
    common(
        "programmes",
        &["--points", &points, "--partners", &partners],
        "programmes",
    );

    // (folder, table, geometry types: None for a plain table)
    let polygons = Some(vec!["Polygon", "MultiPolygon"]);
    let points_only = Some(vec!["Point"]);
    let expected: Vec<(&str, &str, Option<Vec<&str>>)> = vec![
        ("coverage_before", "coverage", polygons.clone()),
        ("access", "departements", None),
        ("access", "territories", None),
        ("plan", "sites", points_only.clone()),
        ("plan", "impact", None),
        ("plan_comply", "sites", points_only.clone()),
        ("plan_comply", "impact", None),
        ("compare", "changes", polygons.clone()),
        ("compare", "departements_changes", None),
        ("compare", "points_changes", points_only.clone()),
        ("programmes", "programmes", None),
    ];
    let mut manifest = BTreeMap::new();
    for (dir, table, types) in expected {
        let csv = samples.join(dir).join(format!("{table}.csv"));
        let parquet = samples.join(dir).join(format!("{table}.parquet"));
        let (rows, header) = csv_shape(&csv);
        let (p_rows, names, geo) = parquet_shape(&parquet);
        let label = format!("{dir}/{table}");
        assert_eq!(p_rows, rows, "{label}: rows");
        assert_eq!(names[..header.len()], header[..], "{label}: columns");
        match &types {
            None => {
                assert!(geo.is_none(), "{label}: a plain table has no geo metadata");
                assert_eq!(names.len(), header.len(), "{label}");
            }
            Some(t) => {
                let geo = geo.unwrap_or_else(|| panic!("{label}: no geo metadata"));
                assert_eq!(geo["version"], "1.1.0", "{label}");
                assert_eq!(geo["columns"]["geometry"]["encoding"], "WKB", "{label}");
                assert_eq!(geo["columns"]["geometry"]["geometry_types"], json!(t));
                // No `crs` key: OGC:CRS84 (lon/lat WGS84) by the specification.
                assert!(geo["columns"]["geometry"].get("crs").is_none(), "{label}");
                assert_eq!(names[header.len()], "geometry", "{label}");
            }
        }
        assert!(rows > 0 || dir == "plan_comply", "{label}: an empty sample");
        manifest.insert(
            label,
            json!({"rows": rows, "columns": header, "geometry_types": types}),
        );
    }
    // The gaps layer of coverage, ranked, is GeoParquet too.
    let (gap_rows, names, geo) = parquet_shape(&samples.join("coverage_before/gaps.parquet"));
    assert_eq!(names.first().map(String::as_str), Some("rank"));
    assert!(geo.is_some());
    assert_eq!(
        gap_rows,
        csv_shape(&samples.join("coverage_before/gaps.csv")).0
    );
    std::fs::write(
        samples.join("manifest.json"),
        serde_json::to_string_pretty(&manifest).unwrap(),
    )
    .unwrap();
}
