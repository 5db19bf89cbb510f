//! Shapefiles (and gzip GeoJSON) under adversarial input: deleted `.dbf`
//! records, `.shp`/`.shx`/`.dbf` out of step, Latin-1 attributes, CRS the
//! `.prj` names, decompression bombs. Each case is a clear error or a
//! counted skip, and every territory kept has its own polygon.
#![cfg(feature = "shapefile")]

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use common::data;
use geo::{Area, BoundingRect, MapCoords};
use maillage::Note;
use maillage::read::{FieldMap, read_territories};
use maillage::{Crs, Projector, SkipReason, Territory, Zone};
use shapefile::dbase::{FieldValue, Record, TableWriterBuilder};

const LAMBERT_93_PRJ: &str = r#"PROJCS["RGF_1993_Lambert_93",GEOGCS["GCS_RGF_1993",DATUM["D_RGF_1993",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",700000.0],PARAMETER["False_Northing",6600000.0],PARAMETER["Central_Meridian",3.0],PARAMETER["Standard_Parallel_1",44.0],PARAMETER["Standard_Parallel_2",49.0],PARAMETER["Latitude_Of_Origin",46.5],UNIT["Meter",1.0]]"#;
/// EPSG:3943 as pyproj 3.7.2 writes it in ESRI WKT.
const CC43_PRJ: &str = r#"PROJCS["RGF_1993_CC43",GEOGCS["GCS_RGF_1993",DATUM["D_RGF_1993",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",1700000.0],PARAMETER["False_Northing",2200000.0],PARAMETER["Central_Meridian",3.0],PARAMETER["Standard_Parallel_1",42.25],PARAMETER["Standard_Parallel_2",43.75],PARAMETER["Latitude_Of_Origin",43.0],UNIT["Meter",1.0]]"#;
const LAMBERT_2_PRJ: &str = r#"PROJCS["NTF_Paris_Lambert_II_etendu",GEOGCS["GCS_NTF_Paris",DATUM["D_NTF",SPHEROID["Clarke_1880_IGN",6378249.2,293.4660212936269]],PRIMEM["Paris",2.337229166666667],UNIT["Grad",0.01570796326794897]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",600000.0],PARAMETER["False_Northing",2200000.0],PARAMETER["Central_Meridian",0.0],PARAMETER["Standard_Parallel_1",45.898918964419],PARAMETER["Standard_Parallel_2",47.69601443321],PARAMETER["Latitude_Of_Origin",46.8],UNIT["Meter",1.0]]"#;

/// The 105 Occitanie QPV of 2015, read from the GeoJSON.
fn occitanie() -> Vec<Territory> {
    let (qpv, r) = read_territories(data("qpv_2015_occitanie.geojson"), &FieldMap::qpv()).unwrap();
    assert_eq!(r.kept, 105, "{r}");
    qpv
}

/// Writes `qpv` as a Lambert-93 Shapefile `name.shp` in `dir` (code_qp and
/// nom_qp as UTF-8, with `.cpg`, `.shx` and `.prj`).
fn write_shapefile(dir: &Path, name: &str, qpv: &[Territory]) -> PathBuf {
    let shp = dir.join(format!("{name}.shp"));
    let builder = TableWriterBuilder::new()
        .add_character_field("code_qp".try_into().unwrap(), 16)
        .add_character_field("nom_qp".try_into().unwrap(), 200);
    let mut writer = shapefile::Writer::from_path(&shp, builder).unwrap();
    for t in qpv {
        let mut record = Record::default();
        record.insert("code_qp".into(), FieldValue::Character(Some(t.id.clone())));
        record.insert("nom_qp".into(), FieldValue::Character(Some(t.name.clone())));
        writer
            .write_shape_and_record(&shapefile::Polygon::from(t.geometry.clone()), &record)
            .unwrap();
    }
    drop(writer);
    std::fs::write(shp.with_extension("prj"), LAMBERT_93_PRJ).unwrap();
    shp
}

/// Each kept territory has the polygon of its own id in `truth`: same
/// area (to 1e-6) and same bounding box (to a centimetre).
fn assert_aligned(kept: &[Territory], truth: &[Territory]) {
    let truth: HashMap<&str, &Territory> = truth.iter().map(|t| (t.id.as_str(), t)).collect();
    for t in kept {
        let want = truth[t.id.as_str()];
        let (a, b) = (t.geometry.unsigned_area(), want.geometry.unsigned_area());
        assert!((a - b).abs() <= 1e-6 * b, "{}: area {a} ≠ {b}", t.id);
        let (r, s) = (
            t.geometry.bounding_rect().unwrap(),
            want.geometry.bounding_rect().unwrap(),
        );
        assert!(
            (r.min().x - s.min().x).abs() < 0.01 && (r.max().y - s.max().y).abs() < 0.01,
            "{}: box {r:?} ≠ {s:?}",
            t.id
        );
        assert_eq!(t.name, want.name, "{}", t.id);
    }
}

/// The `.dbf` header: (record count, header length, record length).
fn dbf_layout(dbf: &[u8]) -> (usize, usize, usize) {
    (
        u32::from_le_bytes(dbf[4..8].try_into().unwrap()) as usize,
        u16::from_le_bytes(dbf[8..10].try_into().unwrap()) as usize,
        u16::from_le_bytes(dbf[10..12].try_into().unwrap()) as usize,
    )
}

fn record_counts(r: &maillage::LoadReport) -> Option<(usize, Option<usize>, usize, usize)> {
    r.notes.iter().find_map(|n| match n {
        Note::RecordCounts {
            shp,
            shx,
            dbf,
            dbf_present,
        } => Some((*shp, *shx, *dbf, *dbf_present)),
        _ => None,
    })
}

#[test]
fn deleted_dbf_records_are_skipped_with_their_shapes() {
    let qpv = occitanie();
    let dir = tempfile::tempdir().unwrap();
    let shp = write_shapefile(dir.path(), "qpv", &qpv);
    let dbf_path = shp.with_extension("dbf");
    let mut dbf = std::fs::read(&dbf_path).unwrap();
    let (n, header, len) = dbf_layout(&dbf);
    assert_eq!(n, 105);
    let deleted = [0usize, 2, 10, 50, 104];
    for i in deleted {
        dbf[header + i * len] = b'*';
    }
    std::fs::write(&dbf_path, &dbf).unwrap();
    let (kept, r) = read_territories(&shp, &FieldMap::qpv()).unwrap();
    assert_eq!((r.read, r.kept), (105, 100), "{r}");
    assert_eq!(r.skipped_for(SkipReason::DeletedRecord), 5, "{r}");
    let skipped: Vec<maillage::Location> = r.skipped[&SkipReason::DeletedRecord]
        .examples
        .iter()
        .map(|e| e.location)
        .collect();
    assert_eq!(
        skipped,
        deleted.map(|i| maillage::Location::Feature(i as u64 + 1))
    );
    let ids: Vec<&str> = kept.iter().map(|t| t.id.as_str()).collect();
    let want: Vec<&str> = qpv
        .iter()
        .enumerate()
        .filter(|(i, _)| !deleted.contains(i))
        .map(|(_, t)| t.id.as_str())
        .collect();
    assert_eq!(ids, want);
    assert_aligned(&kept, &qpv);
}

#[test]
fn a_dbf_header_count_that_differs_skips_and_counts_the_unpaired_shapes() {
    let qpv = occitanie();
    let dir = tempfile::tempdir().unwrap();
    let shp = write_shapefile(dir.path(), "qpv", &qpv);
    let dbf_path = shp.with_extension("dbf");
    let mut dbf = std::fs::read(&dbf_path).unwrap();
    dbf[4..8].copy_from_slice(&50u32.to_le_bytes());
    std::fs::write(&dbf_path, &dbf).unwrap();
    let (kept, r) = read_territories(&shp, &FieldMap::qpv()).unwrap();
    // Not "50 read, 50 kept, 0 skipped": the 55 shapes without a record are counted.
    assert_eq!((r.read, r.kept), (105, 50), "{r}");
    assert_eq!(r.skipped_for(SkipReason::UnpairedRecord), 55, "{r}");
    assert_eq!(record_counts(&r), Some((105, Some(105), 50, 50)));
    let text = r.to_string();
    assert!(
        text.contains(".shp 105") && text.contains(".dbf 50"),
        "{text}"
    );
    assert_aligned(&kept, &qpv);
}

#[test]
fn a_short_shp_or_dbf_counts_what_it_lost() {
    let qpv = occitanie();
    let dir = tempfile::tempdir().unwrap();
    // The .shp cut in the middle (its .shx still lists 105 records).
    let shp = write_shapefile(dir.path(), "short_shp", &qpv);
    let bytes = std::fs::read(&shp).unwrap();
    std::fs::write(&shp, &bytes[..bytes.len() / 2]).unwrap();
    let (kept, r) = read_territories(&shp, &FieldMap::qpv()).unwrap();
    let (n_shp, shx, dbf, _) = record_counts(&r).unwrap();
    assert_eq!((shx, dbf), (Some(105), 105));
    assert!(n_shp > 10 && n_shp < 95, "{n_shp}");
    assert_eq!((r.read, r.kept), (105, n_shp), "{r}");
    assert_eq!(r.skipped_for(SkipReason::UnpairedRecord), 105 - n_shp);
    assert_aligned(&kept, &qpv);
    // The .dbf cut after 60 records (its header still says 105).
    let shp = write_shapefile(dir.path(), "short_dbf", &qpv);
    let dbf_path = shp.with_extension("dbf");
    let dbf_bytes = std::fs::read(&dbf_path).unwrap();
    let (_, header, len) = dbf_layout(&dbf_bytes);
    std::fs::write(&dbf_path, &dbf_bytes[..header + 60 * len + len / 2]).unwrap();
    let (kept, r) = read_territories(&shp, &FieldMap::qpv()).unwrap();
    assert_eq!((r.read, r.kept), (105, 60), "{r}");
    assert_eq!(r.skipped_for(SkipReason::UnpairedRecord), 45);
    assert_eq!(record_counts(&r), Some((105, Some(105), 105, 60)));
    assert_aligned(&kept, &qpv);
}

#[test]
fn a_stale_shx_is_an_error_with_both_counts() {
    let qpv = occitanie();
    let dir = tempfile::tempdir().unwrap();
    let shp = write_shapefile(dir.path(), "qpv", &qpv);
    // The index of another version of the file: its first 50 records.
    let old = write_shapefile(dir.path(), "old", &qpv[..50]);
    std::fs::copy(old.with_extension("shx"), shp.with_extension("shx")).unwrap();
    let err = read_territories(&shp, &FieldMap::qpv())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("qpv.shx") && err.contains("indexes 50") && err.contains("holds 105"),
        "{err}"
    );
    // The index of a file with the records in another order.
    let mut reordered = qpv.clone();
    reordered.swap(3, 4);
    let other = write_shapefile(dir.path(), "other", &reordered);
    std::fs::copy(other.with_extension("shx"), shp.with_extension("shx")).unwrap();
    let err = read_territories(&shp, &FieldMap::qpv())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("record 4 is not where the .shx puts it"),
        "{err}"
    );
    // Without the .shx the .shp is read in order.
    std::fs::remove_file(shp.with_extension("shx")).unwrap();
    let (kept, r) = read_territories(&shp, &FieldMap::qpv()).unwrap();
    assert_eq!((r.read, r.kept), (105, 105), "{r}");
    assert_aligned(&kept, &qpv);
}

/// Rewrites `shp`'s `.dbf` by hand: fields code_qp (16) and nom_qp (200),
/// the names encoded by `encode`, language driver `ldid`.
fn write_dbf(shp: &Path, qpv: &[Territory], ldid: u8, encode: impl Fn(&str) -> Vec<u8>) {
    let fields = [("code_qp", 16usize), ("nom_qp", 200usize)];
    let record_len = 1 + fields.iter().map(|f| f.1).sum::<usize>();
    let header_len = 32 + 32 * fields.len() + 1;
    let mut out = vec![0u8; 32];
    out[0] = 0x03;
    out[1..4].copy_from_slice(&[126, 1, 1]);
    out[4..8].copy_from_slice(&(qpv.len() as u32).to_le_bytes());
    out[8..10].copy_from_slice(&(header_len as u16).to_le_bytes());
    out[10..12].copy_from_slice(&(record_len as u16).to_le_bytes());
    out[29] = ldid;
    for (name, len) in fields {
        let mut d = [0u8; 32];
        d[..name.len()].copy_from_slice(name.as_bytes());
        d[11] = b'C';
        d[16] = len as u8;
        out.extend_from_slice(&d);
    }
    out.push(0x0D);
    for t in qpv {
        out.push(b' ');
        for (value, len) in [(t.id.as_bytes().to_vec(), 16), (encode(&t.name), 200)] {
            let mut v = value;
            v.resize(len, b' ');
            out.extend_from_slice(&v);
        }
    }
    out.push(0x1A);
    std::fs::write(shp.with_extension("dbf"), out).unwrap();
}

fn encoding_note(r: &maillage::LoadReport) -> (String, String) {
    r.notes
        .iter()
        .find_map(|n| match n {
            Note::DbfEncoding { encoding, reason } => Some((encoding.clone(), reason.clone())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no encoding note: {r}"))
}

#[test]
fn a_latin1_dbf_keeps_its_accents_and_says_how_it_was_read() {
    let qpv = occitanie();
    let accented = qpv.iter().filter(|t| !t.name.is_ascii()).count();
    assert!(accented > 10, "{accented}");
    let latin1 = |s: &str| encoding_rs::WINDOWS_1252.encode(s).0.into_owned();
    let dir = tempfile::tempdir().unwrap();
    let shp = write_shapefile(dir.path(), "qpv", &qpv);
    // No .cpg, language driver 0x57 (ANSI).
    std::fs::remove_file(shp.with_extension("cpg")).ok();
    write_dbf(&shp, &qpv, 0x57, latin1);
    let (kept, r) = read_territories(&shp, &FieldMap::qpv()).unwrap();
    assert_eq!(r.kept, 105, "{r}");
    assert_aligned(&kept, &qpv);
    assert!(kept.iter().all(|t| !t.name.contains('\u{fffd}')));
    let (encoding, reason) = encoding_note(&r);
    assert_eq!(encoding, "windows-1252");
    assert!(
        reason.contains("not valid UTF-8") && reason.contains("0x57"),
        "{reason}"
    );
    // A .cpg that says UTF-8 over Latin-1 bytes, and no language driver.
    std::fs::write(shp.with_extension("cpg"), "UTF-8").unwrap();
    write_dbf(&shp, &qpv, 0, latin1);
    let (kept, r) = read_territories(&shp, &FieldMap::qpv()).unwrap();
    assert_aligned(&kept, &qpv);
    let (encoding, reason) = encoding_note(&r);
    assert_eq!(encoding, "windows-1252");
    assert!(reason.contains("\"UTF-8\""), "{reason}");
    // UTF-8 bytes under a .cpg that says 1252: the bytes win.
    std::fs::write(shp.with_extension("cpg"), "1252").unwrap();
    write_dbf(&shp, &qpv, 0x57, |s| s.as_bytes().to_vec());
    let (kept, r) = read_territories(&shp, &FieldMap::qpv()).unwrap();
    assert_aligned(&kept, &qpv);
    assert_eq!(encoding_note(&r).0, "UTF-8");
    // DOS code page 850 told by the language driver 0x02.
    std::fs::remove_file(shp.with_extension("cpg")).unwrap();
    let cp850 = |s: &str| -> Vec<u8> {
        let upper = "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜø£Ø×ƒáíóúñÑªº¿®¬½¼¡«»░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐└┴┬├─┼ãÃ╚╔╩╦╠═╬¤ðÐÊËÈıÍÎÏ┘┌█▄¦Ì▀ÓßÔÒõÕµþÞÚÛÙýÝ¯´\u{ad}±‗¾¶§÷¸°¨·¹³²■\u{a0}";
        s.chars()
            .map(|c| match upper.chars().position(|u| u == c) {
                Some(i) => 0x80 + i as u8,
                None => c as u8,
            })
            .collect()
    };
    // (Code page 850 has no œ.)
    let qpv850: Vec<Territory> = qpv
        .iter()
        .map(|t| {
            let mut t = t.clone();
            t.name = t.name.replace('œ', "oe");
            t
        })
        .collect();
    write_dbf(&shp, &qpv850, 0x02, cp850);
    let (kept, r) = read_territories(&shp, &FieldMap::qpv()).unwrap();
    assert_aligned(&kept, &qpv850);
    assert_eq!(encoding_note(&r).0, "IBM850");
}

/// `qpv` (Lambert-93) in `crs`.
fn in_crs(qpv: &[Territory], crs: Crs) -> Vec<Territory> {
    let p = Projector::new().unwrap();
    qpv.iter()
        .map(|t| {
            let mut t = t.clone();
            t.geometry = t.geometry.map_coords(|c| {
                let ll = p.unproject(Zone::Metropole, c.x, c.y).unwrap();
                p.from_lonlat(crs, ll.x, ll.y).unwrap()
            });
            t
        })
        .collect()
}

#[test]
fn a_cc_zone_prj_is_read_as_its_zone_and_an_unknown_one_is_named() {
    let qpv = occitanie();
    let dir = tempfile::tempdir().unwrap();
    let shp = write_shapefile(dir.path(), "cc43", &in_crs(&qpv, Crs::Cc(43)));
    std::fs::write(shp.with_extension("prj"), CC43_PRJ).unwrap();
    let (kept, r) = read_territories(&shp, &FieldMap::qpv()).unwrap();
    assert_eq!((r.read, r.kept), (105, 105), "{r}");
    // Back in Lambert-93, the polygons are the GeoJSON's (to a centimetre).
    assert_aligned(&kept, &qpv);
    // Without its .prj, given as --crs EPSG:3943.
    std::fs::remove_file(shp.with_extension("prj")).unwrap();
    let given = FieldMap::qpv().crs(Crs::parse("EPSG:3943").unwrap());
    let (kept, r) = read_territories(&shp, &given).unwrap();
    assert_eq!(r.kept, 105, "{r}");
    assert_aligned(&kept, &qpv);
    // Read as Lambert-93, the CC43 coordinates are not in France: the
    // .prj decides, never a default.
    std::fs::write(shp.with_extension("prj"), LAMBERT_2_PRJ).unwrap();
    let err = read_territories(&shp, &FieldMap::qpv())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("unsupported CRS") && err.contains("NTF_Paris_Lambert_II_etendu"),
        "{err}"
    );
    // A GeoJSON that declares EPSG:3943.
    let geojson = std::fs::read(data("qpv_2015_occitanie.geojson")).unwrap();
    let cc = common::reprojected(&geojson, Crs::Cc(43), true);
    let (kept, r) =
        maillage::read::read_territories_from("cc43.geojson", cc.as_slice(), &FieldMap::qpv())
            .unwrap();
    assert_eq!(r.kept, 105, "{r}");
    assert_aligned(&kept, &qpv);
}

#[test]
fn a_gzip_bomb_is_an_error_naming_the_limit() {
    use std::io::Write;
    // One 256 MB string in a few hundred kilobytes of gzip.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.geojson.gz");
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&path).unwrap(),
        flate2::Compression::default(),
    );
    gz.write_all(br#"{"type":"FeatureCollection","name":""#)
        .unwrap();
    let block = vec![b'a'; 1 << 20];
    for _ in 0..256 {
        gz.write_all(&block).unwrap();
    }
    gz.write_all(br#"","features":[]}"#).unwrap();
    gz.finish().unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < 2 << 20);
    let err = read_territories(&path, &FieldMap::qpv())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("longer than 134217728 bytes") && err.contains("InputLimits"),
        "{err}"
    );
    // The decompressed size is bounded too (here with a 64 MiB limit,
    // which no other test of this file comes near).
    maillage::read::InputLimits {
        decompressed_bytes: 64 << 20,
        ..maillage::read::InputLimits::DEFAULT
    }
    .set();
    let err = read_territories(&path, &FieldMap::qpv())
        .unwrap_err()
        .to_string();
    maillage::read::InputLimits::DEFAULT.set();
    assert!(
        err.contains("more than 67108864 bytes") && err.contains("decompressed_bytes"),
        "{err}"
    );
}
