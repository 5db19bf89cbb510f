//! Property: whatever is done to a Shapefile's three files (records flagged
//! deleted, `.shp` or `.dbf` cut anywhere, a wrong `.dbf` record count, a
//! stale or missing `.shx`), maillage never pairs a record's attributes
//! with another record's polygon. Record `i` is the square at
//! x = 600 000 + 1 000·i (Lambert-93, in Île-de-France) with id `Q{i}`:
//! every territory kept must sit at the x its id says, and every record
//! read is kept or counted as skipped.
#![cfg(feature = "shapefile")]

use std::path::{Path, PathBuf};

use geo::BoundingRect;
use maillage::FieldMap;
use proptest::prelude::*;
use shapefile::dbase::{FieldValue, Record, TableWriterBuilder};

const LAMBERT_93_PRJ: &str = r#"PROJCS["RGF_1993_Lambert_93",GEOGCS["GCS_RGF_1993",DATUM["D_RGF_1993",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",700000.0],PARAMETER["False_Northing",6600000.0],PARAMETER["Central_Meridian",3.0],PARAMETER["Standard_Parallel_1",44.0],PARAMETER["Standard_Parallel_2",49.0],PARAMETER["Latitude_Of_Origin",46.5],UNIT["Meter",1.0]]"#;

fn x_of(i: usize) -> f64 {
    600_000.0 + 1_000.0 * i as f64
}

/// `n` squares, record `i` at x = 600 000 + 1 000·i, id `Q{i}`.
fn write(dir: &Path, name: &str, n: usize) -> PathBuf {
    let shp = dir.join(format!("{name}.shp"));
    let builder = TableWriterBuilder::new().add_character_field("code_qp".try_into().unwrap(), 8);
    let mut writer = shapefile::Writer::from_path(&shp, builder).unwrap();
    for i in 0..n {
        let (x, y) = (x_of(i), 6_860_000.0);
        let square = geo_types::Polygon::new(
            geo_types::LineString::from(vec![
                (x, y),
                (x, y + 500.0),
                (x + 500.0, y + 500.0),
                (x + 500.0, y),
                (x, y),
            ]),
            vec![],
        );
        let mut record = Record::default();
        record.insert(
            "code_qp".into(),
            FieldValue::Character(Some(format!("Q{i}"))),
        );
        writer
            .write_shape_and_record(
                &shapefile::Polygon::from(geo_types::MultiPolygon(vec![square])),
                &record,
            )
            .unwrap();
    }
    drop(writer);
    std::fs::write(shp.with_extension("prj"), LAMBERT_93_PRJ).unwrap();
    shp
}

#[derive(Debug, Clone)]
enum Shx {
    Kept,
    Removed,
    /// The `.shx` of a file of this many records.
    Stale(usize),
}

#[derive(Debug, Clone)]
struct Damage {
    n: usize,
    deleted: Vec<usize>,
    dbf_count: Option<usize>,
    /// Fractions of the file kept (1.0: whole).
    shp_cut: f64,
    dbf_cut: f64,
    shx: Shx,
}

fn damage() -> impl Strategy<Value = Damage> {
    (1usize..24).prop_flat_map(|n| {
        (
            Just(n),
            proptest::collection::vec(0..n, 0..4),
            proptest::option::of(0..n + 4),
            prop_oneof![Just(1.0), 0.0..1.0f64],
            prop_oneof![Just(1.0), 0.0..1.0f64],
            prop_oneof![
                Just(Shx::Kept),
                Just(Shx::Removed),
                (1..n + 4).prop_map(Shx::Stale)
            ],
        )
            .prop_map(|(n, deleted, dbf_count, shp_cut, dbf_cut, shx)| Damage {
                n,
                deleted,
                dbf_count,
                shp_cut,
                dbf_cut,
                shx,
            })
    })
}

fn cut(path: &Path, fraction: f64) {
    let bytes = std::fs::read(path).unwrap();
    let keep = (bytes.len() as f64 * fraction) as usize;
    std::fs::write(path, &bytes[..keep.min(bytes.len())]).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]
    #[test]
    fn damaged_shapefiles_never_misalign_attributes(d in damage()) {
        let dir = tempfile::tempdir().unwrap();
        let shp = write(dir.path(), "t", d.n);
        let dbf = shp.with_extension("dbf");
        let mut bytes = std::fs::read(&dbf).unwrap();
        let header = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
        let len = u16::from_le_bytes([bytes[10], bytes[11]]) as usize;
        for &i in &d.deleted {
            bytes[header + i * len] = b'*';
        }
        if let Some(c) = d.dbf_count {
            bytes[4..8].copy_from_slice(&(c as u32).to_le_bytes());
        }
        std::fs::write(&dbf, &bytes).unwrap();
        cut(&dbf, d.dbf_cut);
        cut(&shp, d.shp_cut);
        match d.shx {
            Shx::Kept => {}
            Shx::Removed => std::fs::remove_file(shp.with_extension("shx")).unwrap(),
            Shx::Stale(m) => {
                let other = write(dir.path(), "other", m);
                std::fs::copy(other.with_extension("shx"), shp.with_extension("shx")).unwrap();
            }
        }
        let Ok((kept, r)) = maillage::read::read_territories(&shp, &FieldMap::qpv()) else {
            return Ok(());
        };
        prop_assert_eq!(r.read, r.kept + r.skipped_total(), "{}", r);
        prop_assert_eq!(kept.len(), r.kept);
        for t in &kept {
            let i: usize = t.id.trim_start_matches('Q').parse().unwrap();
            let x = t.geometry.bounding_rect().unwrap().min().x;
            prop_assert!((x - x_of(i)).abs() < 1e-6, "{} at x = {} ({})", t.id, x, r);
            prop_assert!(!d.deleted.contains(&i), "{} was deleted", t.id);
        }
        // Nothing damaged: everything kept.
        if d.deleted.is_empty() && d.dbf_count.is_none_or(|c| c == d.n) && d.shp_cut == 1.0
            && d.dbf_cut == 1.0 && !matches!(d.shx, Shx::Stale(m) if m != d.n)
        {
            prop_assert_eq!(r.kept, d.n, "{}", r);
        }
    }
}
