//! The same layers as distributed in other shapes — Lambert-93 GeoJSON that
//! declares its CRS, gzip-compressed GeoJSON and CSV — give the same
//! coverage as the originals. Fixtures are generated here from the shared
//! data; nothing is stored in the repository.

mod common;

use std::io::Write;

use common::{data, reprojected};
use maillage::load::Sources;
use maillage::{Coverage, Crs, FieldMap, ServiceNetwork, Zone};

/// The `.prj` of a Lambert-93 Shapefile, as ArcGIS and GDAL write it.
#[cfg(feature = "shapefile")]
const LAMBERT_93_PRJ: &str = "PROJCS[\"RGF93_v1_Lambert-93\",GEOGCS[\"GCS_RGF93_v1\",DATUM[\"D_RGF_1993\",SPHEROID[\"GRS_1980\",6378137.0,298.257222101]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]],PROJECTION[\"Lambert_Conformal_Conic\"],PARAMETER[\"False_Easting\",700000.0],PARAMETER[\"False_Northing\",6600000.0],PARAMETER[\"Central_Meridian\",3.0],PARAMETER[\"Standard_Parallel_1\",49.0],PARAMETER[\"Standard_Parallel_2\",44.0],PARAMETER[\"Latitude_Of_Origin\",46.5],UNIT[\"Meter\",1.0]]";

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn to_lambert93(geojson: &[u8]) -> Vec<u8> {
    reprojected(geojson, Crs::Zone(Zone::Metropole), true)
}

#[test]
fn lambert93_and_gzip_inputs_give_identical_coverage() {
    let dir = tempfile::tempdir().unwrap();
    let qpv = std::fs::read(data("qpv_2015_occitanie.geojson")).unwrap();
    let points = std::fs::read(data("laposte_points_contact_2016.csv")).unwrap();
    let files = [
        ("qpv.geojson.gz", gzip(&qpv)),
        ("qpv_l93.geojson", to_lambert93(&qpv)),
        ("qpv_l93.geojson.gz", gzip(&to_lambert93(&qpv))),
        ("points.csv.gz", gzip(&points)),
        (
            "qpv_3857.geojson",
            reprojected(&qpv, Crs::WebMercator, true),
        ),
        ("qpv_3035.geojson", reprojected(&qpv, Crs::LaeaEurope, true)),
        (
            "qpv_l93_bare.geojson",
            reprojected(&qpv, Crs::Zone(Zone::Metropole), false),
        ),
    ];
    for (name, bytes) in &files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let run_with = |points: std::path::PathBuf, qpv: std::path::PathBuf, fields: FieldMap| {
        let inputs = Sources::new()
            .points(points)
            .territories(qpv, fields)
            .load()
            .unwrap();
        assert_eq!(inputs.reports[0].kept, 17_188);
        assert_eq!(inputs.reports[1].kept, 105);
        let network = ServiceNetwork::new(inputs.points);
        let report = Coverage::new(&network, &inputs.territories).run().unwrap();
        report
            .iter()
            .map(|r| {
                (
                    r.territory.id.clone(),
                    r.points_inside,
                    r.points_within,
                    r.nearest_m().unwrap(),
                )
            })
            .collect::<Vec<_>>()
    };
    let run = |points, qpv| run_with(points, qpv, FieldMap::qpv());
    let original = run(
        data("laposte_points_contact_2016.csv"),
        data("qpv_2015_occitanie.geojson"),
    );
    let l93 = Crs::Zone(Zone::Metropole);
    for (qpv, fields) in [
        ("qpv.geojson.gz", FieldMap::qpv()),
        ("qpv_l93.geojson", FieldMap::qpv()),
        ("qpv_l93.geojson.gz", FieldMap::qpv()),
        ("qpv_3857.geojson", FieldMap::qpv()),
        ("qpv_3035.geojson", FieldMap::qpv()),
        // No `crs` member: the CRS given by the user (`--crs EPSG:2154`).
        ("qpv_l93_bare.geojson", FieldMap::qpv().crs(l93)),
        // A declared CRS the user confirms.
        ("qpv_l93.geojson", FieldMap::qpv().crs(l93)),
    ] {
        let other = run_with(
            dir.path().join("points.csv.gz"),
            dir.path().join(qpv),
            fields,
        );
        assert_eq!(other.len(), original.len());
        for (a, b) in original.iter().zip(&other) {
            assert_eq!((&a.0, a.1, a.2), (&b.0, b.1, b.2), "{qpv}");
            assert!(
                (a.3 - b.3).abs() < 0.01,
                "{qpv} {}: {} vs {}",
                a.0,
                a.3,
                b.3
            );
        }
    }
}

#[test]
fn a_projected_file_without_its_crs_is_an_error_that_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let qpv = std::fs::read(data("qpv_2015_occitanie.geojson")).unwrap();
    let bare = dir.path().join("qpv_l93.geojson");
    std::fs::write(&bare, reprojected(&qpv, Crs::Zone(Zone::Metropole), false)).unwrap();
    let load = |path: &std::path::Path, fields: FieldMap| {
        Sources::new()
            .points(data("laposte_points_contact_2016.csv"))
            .territories(path, fields)
            .load()
            .map(|_| ())
            .unwrap_err()
            .to_string()
    };
    let err = load(&bare, FieldMap::qpv());
    assert!(
        err.contains("105 read, 0 kept")
            && err.contains("nothing usable")
            && err.contains("--crs EPSG:2154"),
        "{err}"
    );
    // Declared Lambert-93, said to be Web Mercator: the two disagree.
    let declared = dir.path().join("declared.geojson");
    std::fs::write(&declared, to_lambert93(&qpv)).unwrap();
    let err = load(&declared, FieldMap::qpv().crs(Crs::WebMercator));
    assert!(
        err.contains("declares EPSG:2154, but its CRS was given as EPSG:3857"),
        "{err}"
    );
    // A CRS maillage does not read (NTF Lambert II étendu).
    let text = String::from_utf8(to_lambert93(&qpv))
        .unwrap()
        .replace("EPSG::2154", "EPSG::27572");
    let other = dir.path().join("ntf.geojson");
    std::fs::write(&other, text).unwrap();
    let err = load(&other, FieldMap::qpv());
    assert!(
        err.contains("declares CRS \"urn:ogc:def:crs:EPSG::27572\"") && err.contains("3857"),
        "{err}"
    );
}

#[test]
fn a_gzip_stream_that_ends_early_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let points = std::fs::read(data("laposte_points_contact_2016.csv")).unwrap();
    let gz = gzip(&points);
    let path = dir.path().join("cut.csv.gz");
    std::fs::write(&path, &gz[..gz.len() / 2]).unwrap();
    let err = maillage::read::read_la_poste(&path)
        .unwrap_err()
        .to_string();
    assert!(err.contains("cut.csv.gz"), "{err}");
}

/// Records of a Shapefile (as of a GeoPackage or GeoParquet) are placed in
/// parallel batches of 256: a file of three batches keeps its file order,
/// and a skip in a later batch names its own record.
#[cfg(feature = "shapefile")]
#[test]
fn a_shapefile_of_several_batches_keeps_file_order_and_skip_locations() {
    use maillage::{Location, SkipReason};
    use shapefile::dbase::{FieldValue, Record, TableWriterBuilder};
    let (qpv, _) =
        maillage::read::read_territories(data("qpv_2015_occitanie.geojson"), &FieldMap::qpv())
            .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let shp = dir.path().join("many.shp");
    let builder = TableWriterBuilder::new().add_character_field("code_qp".try_into().unwrap(), 16);
    let mut writer = shapefile::Writer::from_path(&shp, builder).unwrap();
    // 630 records: the 105 QPV six times under ids of their own, except
    // record 400, which repeats the id of record 1.
    let mut ids: Vec<String> = Vec::new();
    for k in 0..630 {
        let t = &qpv[k % qpv.len()];
        let id = if k == 399 {
            ids[0].clone()
        } else {
            format!("{}-{k}", t.id)
        };
        let mut record = Record::default();
        record.insert("code_qp".into(), FieldValue::Character(Some(id.clone())));
        writer
            .write_shape_and_record(&shapefile::Polygon::from(t.geometry.clone()), &record)
            .unwrap();
        ids.push(id);
    }
    drop(writer);
    std::fs::write(shp.with_extension("prj"), LAMBERT_93_PRJ).unwrap();
    let (read, r) = maillage::read::read_territories(&shp, &FieldMap::qpv()).unwrap();
    assert_eq!((r.read, r.kept), (630, 629), "{r}");
    let duplicates: Vec<Location> = r.skipped[&SkipReason::DuplicateId]
        .examples
        .iter()
        .map(|e| e.location)
        .collect();
    assert_eq!(duplicates, [Location::Feature(400)]);
    let expected: Vec<&String> = ids
        .iter()
        .enumerate()
        .filter(|(k, _)| *k != 399)
        .map(|(_, id)| id)
        .collect();
    let got: Vec<&String> = read.iter().map(|t| &t.id).collect();
    assert_eq!(got, expected);
    // The same polygon, whichever batch it was placed in.
    assert_eq!(read[0].geometry, read[105].geometry);
    // Record 526 (the 525th kept: record 400 was skipped) is the first QPV again.
    assert_eq!(read[0].geometry, read[524].geometry);
}

/// The Occitanie QPV written as a Lambert-93 Shapefile (as IGN and ANCT
/// ship them) read back: the same coverage as the GeoJSON; a Shapefile
/// without its `.dbf` or `.prj`, or in another CRS, is an error.
#[cfg(feature = "shapefile")]
#[test]
fn a_lambert93_shapefile_gives_identical_coverage() {
    use shapefile::dbase::{FieldValue, Record, TableWriterBuilder};
    let (qpv, _) =
        maillage::read::read_territories(data("qpv_2015_occitanie.geojson"), &FieldMap::qpv())
            .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let shp = dir.path().join("qpv.shp");
    let builder = TableWriterBuilder::new()
        .add_character_field("code_qp".try_into().unwrap(), 10)
        .add_numeric_field("pop_mun".try_into().unwrap(), 10, 0);
    let mut writer = shapefile::Writer::from_path(&shp, builder).unwrap();
    for t in &qpv {
        let polygon = shapefile::Polygon::from(t.geometry.clone());
        let mut record = Record::default();
        record.insert("code_qp".into(), FieldValue::Character(Some(t.id.clone())));
        record.insert(
            "pop_mun".into(),
            FieldValue::Numeric(t.population.map(|p| p as f64)),
        );
        writer.write_shape_and_record(&polygon, &record).unwrap();
    }
    drop(writer);
    let lambert93 = LAMBERT_93_PRJ;
    std::fs::write(shp.with_extension("prj"), lambert93).unwrap();

    let (from_shp, r) = maillage::read::read_territories(&shp, &FieldMap::qpv()).unwrap();
    assert_eq!((r.read, r.kept), (105, 105), "{r}");
    let (points, _) =
        maillage::read::read_la_poste(data("laposte_points_contact_2016.csv")).unwrap();
    let network = ServiceNetwork::new(points);
    let measure = |t: &[maillage::Territory]| {
        Coverage::new(&network, t)
            .run()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r.territory.id.clone(),
                    r.territory.population,
                    r.points_inside,
                    r.points_within,
                    r.nearest_m().unwrap(),
                )
            })
            .collect::<Vec<_>>()
    };
    let (a, b) = (measure(&qpv), measure(&from_shp));
    for (x, y) in a.iter().zip(&b) {
        assert_eq!((&x.0, x.1, x.2, x.3), (&y.0, y.1, y.2, y.3));
        assert!((x.4 - y.4).abs() < 0.01, "{}: {} vs {}", x.0, x.4, y.4);
    }
    assert_eq!(a.len(), b.len());

    std::fs::write(
        shp.with_extension("prj"),
        "PROJCS[\"NTF_Paris_Lambert_II_etendu\",PROJECTION[\"Lambert_Conformal_Conic\"]]",
    )
    .unwrap();
    let err = maillage::read::read_territories(&shp, &FieldMap::qpv())
        .unwrap_err()
        .to_string();
    assert!(err.contains("does not read"), "{err}");
    // Said to be Web Mercator by its .prj, to be Lambert-93 by the user.
    std::fs::write(
        shp.with_extension("prj"),
        "PROJCS[\"WGS_84_Pseudo_Mercator\",PROJECTION[\"Mercator_Auxiliary_Sphere\"]]",
    )
    .unwrap();
    let err =
        maillage::read::read_territories(&shp, &FieldMap::qpv().crs(Crs::Zone(Zone::Metropole)))
            .unwrap_err()
            .to_string();
    assert!(
        err.contains("declares EPSG:3857, but the CRS was given as EPSG:2154"),
        "{err}"
    );
    std::fs::remove_file(shp.with_extension("prj")).unwrap();
    let err = maillage::read::read_territories(&shp, &FieldMap::qpv())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("the CRS of the coordinates is unknown") && err.contains("--crs"),
        "{err}"
    );
    // Without .prj, the CRS given by the user.
    let (given, r) =
        maillage::read::read_territories(&shp, &FieldMap::qpv().crs(Crs::Zone(Zone::Metropole)))
            .unwrap();
    assert_eq!(r.kept, 105);
    assert_eq!(measure(&given), b);
    std::fs::write(shp.with_extension("prj"), lambert93).unwrap();
    std::fs::remove_file(shp.with_extension("dbf")).unwrap();
    let err = maillage::read::read_territories(&shp, &FieldMap::qpv())
        .unwrap_err()
        .to_string();
    assert!(err.contains("qpv.dbf next to it"), "{err}");
}

/// The Occitanie QPV as the test writes them in other containers.
#[cfg(any(feature = "geopackage", feature = "geoparquet"))]
mod containers {
    use super::*;

    pub fn qpv() -> Vec<maillage::Territory> {
        maillage::read::read_territories(data("qpv_2015_occitanie.geojson"), &FieldMap::qpv())
            .unwrap()
            .0
    }

    /// The territory's geometry in Lambert-93, as WKB.
    pub fn wkb_l93(t: &maillage::Territory) -> Vec<u8> {
        assert_eq!(t.zone, Zone::Metropole);
        let mut out = Vec::new();
        wkb::writer::write_geometry(&mut out, &t.geometry, &wkb::writer::WriteOptions::default())
            .unwrap();
        out
    }

    /// `(id, population, inside, within, nearest m)` of every QPV against
    /// the 2016 network.
    pub fn measure(t: &[maillage::Territory]) -> Vec<(String, Option<u64>, u32, u32, f64)> {
        let (points, _) =
            maillage::read::read_la_poste(data("laposte_points_contact_2016.csv")).unwrap();
        let network = ServiceNetwork::new(points);
        let mut v: Vec<_> = Coverage::new(&network, t)
            .run()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r.territory.id.clone(),
                    r.territory.population,
                    r.points_inside,
                    r.points_within,
                    r.nearest_m().unwrap(),
                )
            })
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }

    pub fn same(
        a: &[(String, Option<u64>, u32, u32, f64)],
        b: &[(String, Option<u64>, u32, u32, f64)],
        what: &str,
    ) {
        assert_eq!(a.len(), b.len(), "{what}");
        for (x, y) in a.iter().zip(b) {
            assert_eq!((&x.0, x.1, x.2, x.3), (&y.0, y.1, y.2, y.3), "{what}");
            assert!(
                (x.4 - y.4).abs() < 0.01,
                "{what} {}: {} vs {}",
                x.0,
                x.4,
                y.4
            );
        }
    }
}

/// The QPV in a Lambert-93 GeoPackage with a second layer, as GDAL writes
/// them (`gpkg_contents`, `gpkg_geometry_columns`, `gpkg_spatial_ref_sys`,
/// GP blobs with an envelope): the same coverage as the GeoJSON; two layers
/// need `--layer`; an undefined CRS needs `--crs`.
#[cfg(feature = "geopackage")]
#[test]
fn a_lambert93_geopackage_gives_identical_coverage() {
    use containers::*;
    let qpv = qpv();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("qpv.gpkg");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY, organization TEXT, organization_coordsys_id INTEGER, definition TEXT, description TEXT);
         INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined', 0, 'NONE', 0, 'undefined', NULL);
         INSERT INTO gpkg_spatial_ref_sys VALUES ('RGF93 v1 / Lambert-93', 2154, 'EPSG', 2154, '', NULL);
         CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT, identifier TEXT, srs_id INTEGER);
         CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT, geometry_type_name TEXT, srs_id INTEGER, z INTEGER, m INTEGER);
         INSERT INTO gpkg_contents VALUES ('qpv', 'features', 'qpv', 2154), ('other', 'features', 'other', 0);
         INSERT INTO gpkg_geometry_columns VALUES ('qpv', 'geom', 'MULTIPOLYGON', 2154, 0, 0), ('other', 'shape', 'MULTIPOLYGON', 0, 0, 0);
         CREATE TABLE qpv (fid INTEGER PRIMARY KEY, geom BLOB, code_qp TEXT, pop_mun INTEGER);
         CREATE TABLE other (fid INTEGER PRIMARY KEY, shape BLOB, code_qp TEXT);",
    )
    .unwrap();
    for t in &qpv {
        // Header: GP, version 0, flags 0b0000_0011 (little-endian, 32-byte envelope), srs_id.
        let mut blob = vec![b'G', b'P', 0, 0b0000_0011];
        blob.extend(2154i32.to_le_bytes());
        let r = geo::BoundingRect::bounding_rect(&t.geometry).unwrap();
        for v in [r.min().x, r.max().x, r.min().y, r.max().y] {
            blob.extend(v.to_le_bytes());
        }
        blob.extend(wkb_l93(t));
        conn.execute(
            "INSERT INTO qpv (geom, code_qp, pop_mun) VALUES (?1, ?2, ?3)",
            rusqlite::params![blob, t.id, t.population.map(|p| p as i64)],
        )
        .unwrap();
        let mut bare = vec![b'G', b'P', 0, 0b0000_0001];
        bare.extend(0i32.to_le_bytes());
        bare.extend(wkb_l93(t));
        conn.execute(
            "INSERT INTO other (shape, code_qp) VALUES (?1, ?2)",
            rusqlite::params![bare, t.id],
        )
        .unwrap();
    }
    drop(conn);
    let read = |fields: FieldMap| maillage::read::read_territories(&path, &fields);
    let err = read(FieldMap::qpv()).unwrap_err().to_string();
    assert!(
        err.contains("has 2 feature layers: choose one with --layer") && err.contains("other, qpv"),
        "{err}"
    );
    let err = read(FieldMap::qpv().layer("nope")).unwrap_err().to_string();
    assert!(err.contains("no feature layer \"nope\""), "{err}");
    let (from_gpkg, r) = read(FieldMap::qpv().layer("qpv")).unwrap();
    assert_eq!((r.read, r.kept), (105, 105), "{r}");
    same(&measure(&qpv), &measure(&from_gpkg), "GeoPackage");
    // The layer of undefined CRS: an error, unless the CRS is given.
    let err = read(FieldMap::qpv().layer("other"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("undefined CRS") && err.contains("--crs"),
        "{err}"
    );
    let (given, _) = read(
        FieldMap::qpv()
            .layer("other")
            .crs(Crs::Zone(Zone::Metropole)),
    )
    .unwrap();
    assert_eq!(given.len(), 105);
    // Not a GeoPackage after all: the error names the file.
    let fake = dir.path().join("fake.gpkg");
    std::fs::write(&fake, b"SQLite format 3\0 and then nothing").unwrap();
    let err = maillage::read::read_territories(&fake, &FieldMap::qpv())
        .unwrap_err()
        .to_string();
    assert!(err.contains("fake.gpkg"), "{err}");
}

/// GeoParquet in: the QPV in Lambert-93 (PROJJSON id EPSG:2154), and the
/// GeoParquet maillage writes (lon/lat), read back as territories: the same
/// coverage. A corrupted footer is an error naming the file.
// Read back (or written) by polars: an independent Parquet implementation.
#[cfg(all(feature = "geoparquet", feature = "polars"))]
#[test]
fn geoparquet_in_and_out_gives_identical_coverage() {
    use containers::*;
    use polars::prelude::*;
    let qpv = qpv();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("qpv_l93.parquet");
    let blobs: Vec<Vec<u8>> = qpv.iter().map(wkb_l93).collect();
    let slices: Vec<&[u8]> = blobs.iter().map(Vec::as_slice).collect();
    let mut df = DataFrame::new_infer_height(vec![
        Column::new(
            "code_qp".into(),
            qpv.iter().map(|t| t.id.clone()).collect::<Vec<_>>(),
        ),
        Column::new(
            "pop_mun".into(),
            qpv.iter().map(|t| t.population).collect::<Vec<_>>(),
        ),
        Column::new("geometry".into(), slices),
    ])
    .unwrap();
    let geo = serde_json::json!({"version": "1.1.0", "primary_column": "geometry",
        "columns": {"geometry": {"encoding": "WKB", "geometry_types": ["MultiPolygon"],
            "crs": {"id": {"authority": "EPSG", "code": 2154}}}}});
    ParquetWriter::new(std::fs::File::create(&path).unwrap())
        .with_key_value_metadata(Some(KeyValueMetadata::from_static(vec![(
            "geo".to_owned(),
            geo.to_string(),
        )])))
        .finish(&mut df)
        .unwrap();
    let (from_parquet, r) = maillage::read::read_territories(&path, &FieldMap::qpv()).unwrap();
    assert_eq!((r.read, r.kept), (105, 105), "{r}");
    let original = measure(&qpv);
    same(
        &original,
        &measure(&from_parquet),
        "GeoParquet in Lambert-93",
    );

    // maillage's own GeoParquet output, read back.
    let (points, _) =
        maillage::read::read_la_poste(data("laposte_points_contact_2016.csv")).unwrap();
    let network = ServiceNetwork::new(points);
    let report = Coverage::new(&network, &qpv).run().unwrap();
    let out = dir.path().join("coverage.parquet");
    report
        .write_geoparquet(&out, maillage::write::Features::All)
        .unwrap();
    let fields =
        FieldMap::new(maillage::TerritoryKind::Qpv, "territory_id").population("population");
    let (back, r) = maillage::read::read_territories(&out, &fields).unwrap();
    assert_eq!(r.kept, 105, "{r}");
    same(&original, &measure(&back), "maillage's GeoParquet");
    let gaps = dir.path().join("gaps.parquet");
    report
        .write_geoparquet(&gaps, maillage::write::Features::Gaps)
        .unwrap();
    let df = ParquetReader::new(std::fs::File::open(&gaps).unwrap())
        .finish()
        .unwrap();
    assert_eq!(df.height(), report.gaps(maillage::Service::Postal).len());
    assert_eq!(df.get_column_names()[0].as_str(), "rank");

    // A corrupted footer.
    let mut bytes = std::fs::read(&path).unwrap();
    let n = bytes.len();
    bytes[n - 12..n - 4].fill(0xFF);
    let bad = dir.path().join("bad.parquet");
    std::fs::write(&bad, bytes).unwrap();
    let err = maillage::read::read_territories(&bad, &FieldMap::qpv())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("bad.parquet") && err.contains("Parquet"),
        "{err}"
    );
}

/// The commune polygons of Deux-Sèvres (290 features of the 2018 vintage
/// keyed by their 2026 code: 252 current communes, 18 of them merged from
/// 56 polygons) written as a Lambert-93 Shapefile with ADMIN EXPRESS's
/// columns (`INSEE_COM`, `NOM`, `INSEE_DEP`): the same communes as from the
/// GeoJSON, dissolved alike.
/// The Shapefile's outer rings are clockwise, the GeoJSON's
/// counter-clockwise.
#[cfg(feature = "shapefile")]
#[test]
fn communes_from_a_lambert93_shapefile_are_those_of_the_geojson() {
    use geo::Area;
    use maillage::CommuneSources;
    use maillage::Note;
    use serde_json::Value;
    use shapefile::dbase::{FieldValue, Record, TableWriterBuilder};
    let doc: Value =
        serde_json::from_slice(&std::fs::read(data("communes_2018_simplified.geojson")).unwrap())
            .unwrap();
    let features: Vec<Value> = doc["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["properties"]["dep"] == "79")
        .cloned()
        .collect();
    let subset =
        serde_json::to_vec(&serde_json::json!({"type": "FeatureCollection", "features": features}))
            .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let geojson = dir.path().join("communes_79.geojson");
    std::fs::write(&geojson, &subset).unwrap();

    let l93: geojson::FeatureCollection =
        serde_json::from_slice(&reprojected(&subset, Crs::Zone(Zone::Metropole), false)).unwrap();
    let shp = dir.path().join("communes_79.shp");
    let field = |name: &str| name.try_into().unwrap();
    // ADMIN EXPRESS's column names (a .dbf name has at most 10 bytes):
    // the current code in INSEE_COM.
    let builder = TableWriterBuilder::new()
        .add_character_field(field("INSEE_COM"), 5)
        .add_character_field(field("NOM"), 80)
        .add_character_field(field("INSEE_DEP"), 3);
    let mut writer = shapefile::Writer::from_path(&shp, builder).unwrap();
    for f in &l93.features {
        let geometry: geo_types::Geometry<f64> = f.geometry.clone().unwrap().try_into().unwrap();
        let geo_types::Geometry::Polygon(p) = geometry else {
            panic!("the 2018 communes are polygons");
        };
        let mut record = Record::default();
        for (column, key) in [
            ("INSEE_COM", "code_insee_2026"),
            ("NOM", "nom"),
            ("INSEE_DEP", "dep"),
        ] {
            let value = f.property(key).and_then(|v| v.as_str()).map(String::from);
            record.insert(column.into(), FieldValue::Character(value));
        }
        let polygon = shapefile::Polygon::from(geo_types::MultiPolygon(vec![p]));
        writer.write_shape_and_record(&polygon, &record).unwrap();
    }
    drop(writer);
    std::fs::write(shp.with_extension("prj"), LAMBERT_93_PRJ).unwrap();
    std::fs::write(shp.with_extension("cpg"), "UTF-8").unwrap();

    let (a, ra) = maillage::read::read_communes(&CommuneSources::new(&geojson)).unwrap();
    let (b, rb) = maillage::read::read_communes(&CommuneSources::new(&shp)).unwrap();
    let dissolved = Note::Dissolved {
        polygons: 56,
        communes: 18,
    };
    for r in [&ra[0], &rb[0]] {
        assert_eq!((r.read, r.kept), (290, 290), "{r}");
        assert!(r.notes.contains(&dissolved), "{r}");
    }
    assert_eq!(a.len(), 252);
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(
            (&x.id, &x.name, &x.departement),
            (&y.id, &y.name, &y.departement)
        );
        assert_eq!(x.geometry.0.len(), y.geometry.0.len(), "{}", x.id);
        let (ax, ay) = (x.geometry.unsigned_area(), y.geometry.unsigned_area());
        assert!((ax - ay).abs() < 1e-6 * ax, "{}: {ax} vs {ay}", x.id);
    }
    // Names with accents came through the .dbf (UTF-8 by its .cpg).
    assert!(b.iter().any(|c| c.name == "Niort"));
    assert!(
        b.iter()
            .any(|c| c.name.contains('è') || c.name.contains('é'))
    );
}
