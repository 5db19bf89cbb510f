//! GeoParquet through the Apache Arrow `parquet` crate (feature
//! `geoparquet`, in `cli`): maillage's own files read back give the same
//! coverage, carry GeoParquet 1.1 metadata with a `bbox` covering; and the
//! bad files a user meets are clear errors or counted skips. `--format
//! geoparquet` on the command line, and its bad uses.

mod common;

use std::path::Path;
use std::sync::Arc;

use arrow_array::{ArrayRef, BinaryArray, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use common::data;
use maillage::write::Features;
use maillage::{Coverage, FieldMap, ServiceNetwork, SkipReason, TerritoryKind};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;

/// Writes a one-batch Parquet file with `geo` metadata (when given).
fn write(path: &Path, columns: Vec<(&str, ArrayRef)>, geo: Option<serde_json::Value>) {
    let schema = Arc::new(Schema::new(
        columns
            .iter()
            .map(|(n, a)| Field::new(*n, a.data_type().clone(), true))
            .collect::<Vec<_>>(),
    ));
    let batch =
        RecordBatch::try_new(schema.clone(), columns.into_iter().map(|c| c.1).collect()).unwrap();
    let properties = WriterProperties::builder()
        .set_key_value_metadata(geo.map(|g| vec![KeyValue::new("geo".into(), g.to_string())]))
        .build();
    let mut w = ArrowWriter::try_new(
        std::fs::File::create(path).unwrap(),
        schema,
        Some(properties),
    )
    .unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

/// A little-endian WKB polygon: the square [x, x+1] × [y, y+1] in lon/lat.
fn square(x: f64, y: f64) -> Vec<u8> {
    let mut b = vec![1u8];
    b.extend(3u32.to_le_bytes());
    b.extend(1u32.to_le_bytes());
    b.extend(5u32.to_le_bytes());
    for (px, py) in [
        (x, y),
        (x + 0.01, y),
        (x + 0.01, y + 0.01),
        (x, y + 0.01),
        (x, y),
    ] {
        b.extend(px.to_le_bytes());
        b.extend(py.to_le_bytes());
    }
    b
}

fn wkb_geo() -> serde_json::Value {
    serde_json::json!({"version": "1.1.0", "primary_column": "geometry",
        "columns": {"geometry": {"encoding": "WKB", "geometry_types": ["Polygon"]}}})
}

#[test]
fn maillages_geoparquet_reads_back_to_the_same_coverage_with_its_metadata() {
    let (qpv, _) =
        maillage::read::read_territories(data("qpv_2015_occitanie.geojson"), &FieldMap::qpv())
            .unwrap();
    let (points, _) =
        maillage::read::read_la_poste(data("laposte_points_contact_2016.csv")).unwrap();
    let network = ServiceNetwork::new(points);
    let report = Coverage::new(&network, &qpv).run().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("coverage.parquet");
    report.write_geoparquet(&out, Features::All).unwrap();

    // Read back as territories: the same coverage, row by row.
    let fields = FieldMap::new(TerritoryKind::Qpv, "territory_id").population("population");
    let (back, r) = maillage::read::read_territories(&out, &fields).unwrap();
    assert_eq!((r.read, r.kept), (105, 105), "{r}");
    let again = Coverage::new(&network, &back).run().unwrap();
    let key = |rep: &maillage::CoverageReport<'_>| -> Vec<(String, bool, Option<i64>)> {
        rep.iter()
            .map(|x| {
                let o = x.to_outcome(false);
                (
                    o.territory_id.clone(),
                    o.served,
                    o.nearest_m().map(|d| (d * 10.0).round() as i64),
                )
            })
            .collect()
    };
    assert_eq!(key(&report), key(&again));
    assert_eq!(
        back.iter().map(|t| t.population).collect::<Vec<_>>(),
        qpv.iter().map(|t| t.population).collect::<Vec<_>>()
    );

    // GeoParquet 1.1: WKB, no CRS (OGC:CRS84), the file's box, a bbox covering.
    let builder =
        ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&out).unwrap()).unwrap();
    let geo: serde_json::Value = serde_json::from_str(
        builder
            .metadata()
            .file_metadata()
            .key_value_metadata()
            .and_then(|kv| kv.iter().find(|k| k.key == "geo"))
            .and_then(|k| k.value.as_deref())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(geo["version"], "1.1.0");
    let column = &geo["columns"]["geometry"];
    assert_eq!(column["encoding"], "WKB");
    assert!(column.get("crs").is_none(), "OGC:CRS84 by default");
    assert_eq!(
        column["covering"]["bbox"]["xmin"],
        serde_json::json!(["bbox", "xmin"])
    );
    let b: Vec<f64> = serde_json::from_value(column["bbox"].clone()).unwrap();
    assert!(
        b[0] > -1.0 && b[2] < 5.0 && b[1] > 42.0 && b[3] < 45.5,
        "{b:?}"
    );
    let schema = builder.schema().clone();
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    assert_eq!(names.first(), Some(&"territory_id"));
    assert_eq!(&names[names.len() - 2..], ["geometry", "bbox"]);
    let kind = |n: &str| schema.field_with_name(n).unwrap().data_type().clone();
    assert_eq!(kind("served"), DataType::Boolean);
    assert_eq!(kind("population"), DataType::UInt64);
    assert_eq!(kind("status"), DataType::Utf8);
    let rows: usize = builder
        .build()
        .unwrap()
        .map(|b| b.unwrap().num_rows())
        .sum();
    assert_eq!(rows, 105);

    // The gaps, ranked.
    let gaps = dir.path().join("gaps.parquet");
    report.write_geoparquet(&gaps, Features::Gaps).unwrap();
    let builder =
        ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&gaps).unwrap()).unwrap();
    assert_eq!(builder.schema().field(0).name(), "rank");
    let rows: usize = builder
        .build()
        .unwrap()
        .map(|b| b.unwrap().num_rows())
        .sum();
    assert_eq!(rows, report.gaps(maillage::Service::Postal).len());
}

#[test]
fn bad_geoparquet_files_are_clear_errors_or_counted_skips() {
    let dir = tempfile::tempdir().unwrap();
    let fields = FieldMap::new(TerritoryKind::Custom, "id");
    let ids = || Arc::new(StringArray::from(vec!["a", "b"])) as ArrayRef;
    let read = |name: &str| maillage::read::read_territories(dir.path().join(name), &fields);

    // No `geo` metadata.
    let p = dir.path().join("plain.parquet");
    let wkb = || {
        Arc::new(BinaryArray::from_iter_values([
            square(2.0, 46.0),
            square(3.0, 46.0),
        ]))
    };
    write(&p, vec![("id", ids()), ("geometry", wkb())], None);
    let e = read("plain.parquet").unwrap_err().to_string();
    assert!(
        e.contains("plain.parquet") && e.contains("`geo` metadata"),
        "{e}"
    );

    // An encoding maillage does not read.
    let mut geo = wkb_geo();
    geo["columns"]["geometry"]["encoding"] = "point".into();
    write(
        &dir.path().join("native.parquet"),
        vec![("id", ids()), ("geometry", wkb())],
        Some(geo),
    );
    let e = read("native.parquet").unwrap_err().to_string();
    assert!(e.contains("\"point\"") && e.contains("WKB"), "{e}");

    // A geometry column that is not bytes.
    write(
        &dir.path().join("numbers.parquet"),
        vec![
            ("id", ids()),
            ("geometry", Arc::new(Int64Array::from(vec![1, 2]))),
        ],
        Some(wkb_geo()),
    );
    let e = read("numbers.parquet").unwrap_err().to_string();
    assert!(e.contains("not WKB bytes"), "{e}");

    // The metadata names a column the file does not have.
    let geo = serde_json::json!({"version": "1.1.0", "primary_column": "geom",
        "columns": {"geom": {"encoding": "WKB", "geometry_types": []}}});
    write(
        &dir.path().join("elsewhere.parquet"),
        vec![("id", ids()), ("geometry", wkb())],
        Some(geo),
    );
    let e = read("elsewhere.parquet").unwrap_err().to_string();
    assert!(e.contains("geom") && e.contains("does not have"), "{e}");

    // A null geometry and bad WKB are counted skips; the good row is kept.
    let mixed = Arc::new(BinaryArray::from_opt_vec(vec![
        Some(square(2.0, 46.0).as_slice()),
        None,
        Some(b"\x01\x03junk".as_slice()),
    ])) as ArrayRef;
    write(
        &dir.path().join("mixed.parquet"),
        vec![
            ("id", Arc::new(StringArray::from(vec!["a", "b", "c"]))),
            ("geometry", mixed),
        ],
        Some(wkb_geo()),
    );
    let (t, r) = read("mixed.parquet").unwrap();
    assert_eq!((r.read, r.kept, t.len()), (3, 1, 1), "{r}");
    assert_eq!(r.skipped_for(SkipReason::NullGeometry), 1, "{r}");
    assert_eq!(r.skipped_total(), 2, "{r}");

    // Truncated: an error naming the file.
    let bytes = std::fs::read(&p).unwrap();
    std::fs::write(dir.path().join("cut.parquet"), &bytes[..bytes.len() / 2]).unwrap();
    let e = read("cut.parquet").unwrap_err().to_string();
    assert!(e.contains("cut.parquet") && e.contains("Parquet"), "{e}");
}

fn maillage(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_maillage"))
        .args(args)
        .output()
        .expect("the binary runs")
}

#[test]
fn format_geoparquet_writes_the_parquet_files_and_refuses_what_it_cannot() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo");
    let d = |f: &str| demo.join(f).display().to_string();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cov");
    let coverage = |format: &str, out: &Path| {
        maillage(&[
            "coverage",
            "--points",
            &d("points.csv"),
            "--territories",
            &d("qpv.geojson"),
            "--kind",
            "qpv",
            "--format",
            format,
            "--out",
            out.to_str().unwrap(),
        ])
    };
    let o = coverage("geoparquet", &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for f in ["coverage.csv", "coverage.parquet", "gaps.parquet"] {
        assert!(out.join(f).is_file(), "{f}");
    }
    let fields = FieldMap::new(TerritoryKind::Qpv, "territory_id");
    let (back, r) =
        maillage::read::read_territories(out.join("coverage.parquet"), &fields).unwrap();
    // 4 QPV × the demo's two services (postal, point_poste_ess): one row
    // each, and the same id twice is a counted duplicate, never lost.
    assert_eq!((r.read, back.len()), (8, 4), "{r}");
    assert_eq!(r.skipped_for(SkipReason::DuplicateId), 4, "{r}");

    // `csv` writes no Parquet; an unknown format is a usage error.
    let plain = dir.path().join("plain");
    assert!(coverage("csv", &plain).status.success());
    assert!(!plain.join("coverage.parquet").exists());
    let o = coverage("parquet", &dir.path().join("bad"));
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("parquet") && err.contains("geoparquet"),
        "{err}"
    );
}
