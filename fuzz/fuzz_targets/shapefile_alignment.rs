#![no_main]
//! A Shapefile of squares (record `i`: the 500 m square at
//! x = 600 000 + 1 000·i in Lambert-93, id `Q{i}`) damaged by the fuzzer's
//! bytes, read through `read_territories`. The first byte picks the record
//! count; then every 4 bytes are one edit: a file (`.shp`, `.shx`, `.dbf`),
//! an offset and a byte written there, or a cut of the file there. Edits to
//! the `.shp` leave the coordinates alone and edits to the `.dbf` its ids
//! and its field descriptor (a header that lies consistently about its
//! field widths and record length cannot be told from the truth), so that
//! any territory kept can be checked against its record: an error,
//! or territories that each sit on their own square and a report that adds
//! up; never a panic, never attributes on another record's polygon.
//! With the `raw` first byte (0xFF) the rest is split into three files as
//! they are, for the parsers alone.
use libfuzzer_sys::fuzz_target;
use maillage::FieldMap;

const LAMBERT_93_PRJ: &str = r#"PROJCS["RGF_1993_Lambert_93",GEOGCS["GCS_RGF_1993",DATUM["D_RGF_1993",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",700000.0],PARAMETER["False_Northing",6600000.0],PARAMETER["Central_Meridian",3.0],PARAMETER["Standard_Parallel_1",44.0],PARAMETER["Standard_Parallel_2",49.0],PARAMETER["Latitude_Of_Origin",46.5],UNIT["Meter",1.0]]"#;

/// Bytes of one polygon record's content before its points.
const BEFORE_POINTS: usize = 44 + 4;
const POINTS: usize = 5;
const CONTENT: usize = BEFORE_POINTS + 16 * POINTS;

fn x_of(i: usize) -> f64 {
    600_000.0 + 1_000.0 * i as f64
}

fn header(code_len_words: usize, bbox: [f64; 4]) -> Vec<u8> {
    let mut h = vec![0u8; 100];
    h[0..4].copy_from_slice(&9994i32.to_be_bytes());
    h[24..28].copy_from_slice(&(code_len_words as i32).to_be_bytes());
    h[28..32].copy_from_slice(&1000i32.to_le_bytes());
    h[32..36].copy_from_slice(&5i32.to_le_bytes());
    for (k, v) in bbox.iter().enumerate() {
        h[36 + 8 * k..44 + 8 * k].copy_from_slice(&v.to_le_bytes());
    }
    h
}

/// The three files of `n` squares, and the byte ranges of the `.shp` that
/// hold coordinates and of the `.dbf` that hold ids.
fn base(n: usize) -> ([Vec<u8>; 3], Vec<std::ops::Range<usize>>, Vec<std::ops::Range<usize>>) {
    let bbox = [x_of(0), 6_860_000.0, x_of(n) + 500.0, 6_860_500.0];
    let shp_len = 100 + n * (8 + CONTENT);
    let mut shp = header(shp_len / 2, bbox);
    let mut shx = header((100 + 8 * n) / 2, bbox);
    let mut coords = Vec::new();
    for i in 0..n {
        let (x, y) = (x_of(i), 6_860_000.0);
        shx.extend_from_slice(&((shp.len() / 2) as i32).to_be_bytes());
        shx.extend_from_slice(&((CONTENT / 2) as i32).to_be_bytes());
        shp.extend_from_slice(&((i + 1) as i32).to_be_bytes());
        shp.extend_from_slice(&((CONTENT / 2) as i32).to_be_bytes());
        shp.extend_from_slice(&5i32.to_le_bytes());
        let start = shp.len();
        for v in [x, y, x + 500.0, y + 500.0] {
            shp.extend_from_slice(&v.to_le_bytes());
        }
        shp.extend_from_slice(&1i32.to_le_bytes());
        shp.extend_from_slice(&(POINTS as i32).to_le_bytes());
        shp.extend_from_slice(&0i32.to_le_bytes());
        coords.push(start..start + 32);
        let start = shp.len();
        for (px, py) in [(x, y), (x, y + 500.0), (x + 500.0, y + 500.0), (x + 500.0, y), (x, y)] {
            shp.extend_from_slice(&f64::to_le_bytes(px));
            shp.extend_from_slice(&f64::to_le_bytes(py));
        }
        coords.push(start..shp.len());
    }
    // .dbf: one character field code_qp of 8 bytes.
    let header_len = 32 + 32 + 1;
    let record_len = 1 + 8;
    let mut dbf = vec![0u8; 32];
    dbf[0] = 0x03;
    dbf[4..8].copy_from_slice(&(n as u32).to_le_bytes());
    dbf[8..10].copy_from_slice(&(header_len as u16).to_le_bytes());
    dbf[10..12].copy_from_slice(&(record_len as u16).to_le_bytes());
    let mut field = [0u8; 32];
    field[..7].copy_from_slice(b"code_qp");
    field[11] = b'C';
    field[16] = 8;
    dbf.extend_from_slice(&field);
    dbf.push(0x0D);
    let mut ids = Vec::new();
    for i in 0..n {
        dbf.push(b' ');
        let start = dbf.len();
        let mut id = format!("Q{i}").into_bytes();
        id.resize(8, b' ');
        dbf.extend_from_slice(&id);
        ids.push(start..dbf.len());
    }
    dbf.push(0x1A);
    ([shp, shx, dbf], coords, ids)
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, ops)) = data.split_first() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let shp = dir.path().join("t.shp");
    let (files, n) = if first == 0xFF {
        // Raw: three files cut from the input as they are.
        let a = usize::from(*ops.first().unwrap_or(&0)) * 4;
        let b = usize::from(*ops.get(1).unwrap_or(&0)) * 4;
        let rest = ops.get(2..).unwrap_or_default();
        let (shp_bytes, rest) = rest.split_at(a.min(rest.len()));
        let (shx_bytes, dbf_bytes) = rest.split_at(b.min(rest.len()));
        let mut shp_bytes = shp_bytes.to_vec();
        // The magic that makes read_territories take it for a Shapefile.
        if shp_bytes.len() >= 4 {
            shp_bytes[..4].copy_from_slice(&[0, 0, 0x27, 0x0A]);
        }
        ([shp_bytes, shx_bytes.to_vec(), dbf_bytes.to_vec()], None)
    } else {
        let n = usize::from(first % 12) + 1;
        let (mut files, coords, ids) = base(n);
        for op in ops.chunks_exact(4) {
            let which = usize::from(op[0] % 3);
            let at = usize::from(u16::from_le_bytes([op[1], op[2]]));
            let file = &mut files[which];
            if op[0] & 0x80 != 0 {
                // A cut.
                file.truncate(at);
                continue;
            }
            let protected = match which {
                0 => coords.iter().any(|r| r.contains(&at)),
                2 => (32..64).contains(&at) || ids.iter().any(|r| r.contains(&at)),
                _ => false,
            };
            if !protected && let Some(b) = file.get_mut(at) {
                *b = op[3];
            }
        }
        (files, Some(n))
    };
    let [shp_bytes, shx_bytes, dbf_bytes] = files;
    std::fs::write(&shp, shp_bytes).expect("shp");
    std::fs::write(shp.with_extension("shx"), shx_bytes).expect("shx");
    std::fs::write(shp.with_extension("dbf"), dbf_bytes).expect("dbf");
    std::fs::write(shp.with_extension("prj"), LAMBERT_93_PRJ).expect("prj");
    let Ok((territories, report)) = maillage::read::read_territories(&shp, &FieldMap::qpv()) else {
        return;
    };
    assert_eq!(territories.len(), report.kept);
    assert_eq!(report.read, report.kept + report.skipped_total());
    if n.is_none() {
        return;
    }
    for t in &territories {
        let i: usize = t
            .id
            .strip_prefix('Q')
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("id {:?} is no record's", t.id));
        for c in t.geometry.0.iter().flat_map(|p| p.exterior().0.iter()) {
            assert!(
                c.x >= x_of(i) - 1e-6 && c.x <= x_of(i) + 500.0 + 1e-6,
                "{} has a vertex at x = {}, its square is at {}",
                t.id,
                c.x,
                x_of(i)
            );
        }
    }
});
