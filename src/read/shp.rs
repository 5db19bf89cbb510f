//! ESRI Shapefiles as territories (feature `shapefile`): `.shp` with its
//! `.dbf` attributes (paired by record index, deleted records skipped with
//! their shapes, the three files' counts checked; see [`super::dbf`] for the
//! encoding) and its `.prj` CRS — WGS84 lon/lat or the official CRS of a French zone (Lambert-93 as
//! IGN ships it, the overseas UTM-based CRS). A file without `.dbf` or
//! `.prj`, or with another CRS, is an error that names the problem.

use std::collections::HashMap;
use std::path::Path;

use geo_types::MultiPolygon;
use shapefile::Shape;

use super::dbf::{Dbf, DbfRecord};
use super::fields::{FieldMap, TerritorySink};
use crate::error::{Error, Result};
use crate::geom::crs::{Crs, Zone};
use crate::geom::place::Problem;
use crate::model::Territory;
use crate::report::{LoadReport, Note};
use crate::skip::Location;
use crate::skip::SkipReason;

/// True when `head` (the first bytes of a file) is a Shapefile's main file.
pub(crate) fn is_shapefile(head: &[u8]) -> bool {
    head.starts_with(&[0x00, 0x00, 0x27, 0x0A])
}

/// The CRS of the coordinates: the `.prj`'s, else `given` (the user's
/// `--crs`); an error when neither says, when the `.prj` names a CRS
/// maillage does not read, or when the two disagree.
fn crs_of_prj(path: &Path, given: Option<Crs>) -> Result<Crs> {
    let prj = path.with_extension("prj");
    let wkt = match std::fs::read_to_string(&prj) {
        Ok(wkt) => wkt,
        Err(_) if given.is_some() => return Ok(given.unwrap_or(Crs::LonLat)),
        Err(e) => {
            return Err(Error::format(
                path,
                None,
                format!(
                    "cannot read {} ({e}): without it the CRS of the coordinates is unknown (give it with --crs EPSG:<code>, or --communes-crs for commune polygons)",
                    prj.display()
                ),
            ));
        }
    };
    let declared = crs_of_wkt(&wkt).map_err(|name| {
        Error::format(
            path,
            None,
            format!(
                "{} declares a CRS maillage does not read (unsupported CRS {name:?}): it reads WGS84, Lambert-93, the conic conformal zones CC42–CC50, the overseas UTM-based CRS, Web Mercator and LAEA Europe; reproject first, e.g. `ogr2ogr -t_srs EPSG:4326 out.shp in.shp`",
                prj.display()
            ),
        )
    })?;
    match given {
        Some(g) if g != declared => Err(Error::format(
            path,
            None,
            format!(
                "{} declares {declared}, but the CRS was given as {g} (--crs): drop one",
                prj.display()
            ),
        )),
        _ => Ok(declared),
    }
}

/// The value of the WKT parameter `name` (normalized upper case, e.g.
/// `FALSE_EASTING`) in the normalized WKT `w`.
fn wkt_parameter(w: &str, name: &str) -> Option<f64> {
    let key = format!("PARAMETER[\"{name}\",");
    let at = w.find(&key)? + key.len();
    let rest = w.get(at..)?;
    let end = rest.find([']', ','])?;
    rest.get(..end)?.trim().parse().ok()
}

/// The first quoted name after `keyword[` in the WKT, as written.
fn wkt_name<'a>(wkt: &'a str, keyword: &str) -> Option<&'a str> {
    let at = wkt.to_ascii_uppercase().find(&format!("{keyword}[\""))? + keyword.len() + 2;
    let rest = wkt.get(at..)?;
    rest.get(..rest.find('"')?)
}

/// The conic conformal zone a normalized CRS name names (`RGF93_CC42`,
/// `RGF93_V1_/_CC42`, `RGF_1993_CC42`...).
fn cc_of_name(w: &str) -> Option<u8> {
    let bytes = w.as_bytes();
    (0..bytes.len().saturating_sub(3)).find_map(|i| {
        let before = i.checked_sub(1).and_then(|j| bytes.get(j)).copied();
        let after = bytes.get(i + 4).copied();
        let is_word_edge = |b: Option<u8>| b.is_none_or(|b| !b.is_ascii_alphanumeric());
        if bytes.get(i..i + 2) == Some(b"CC") && is_word_edge(before) && is_word_edge(after) {
            let zone: u8 = std::str::from_utf8(bytes.get(i + 2..i + 4)?)
                .ok()?
                .parse()
                .ok()?;
            Crs::cc(zone).map(|_| zone)
        } else {
            None
        }
    })
}

/// The CRS an ESRI (or OGC) WKT names, among those maillage reads; else the
/// CRS's name as the WKT gives it. A projected CRS is recognised by its name
/// and checked against its parameters where they tell the zones apart (a
/// CC zone is never taken for Lambert-93).
fn crs_of_wkt(wkt: &str) -> std::result::Result<Crs, String> {
    let w = wkt.to_ascii_uppercase().replace([' ', '-'], "_");
    let near = |v: Option<f64>, want: f64| v.is_some_and(|v| (v - want).abs() < 1e-6);
    if !w.contains("PROJCS") && !w.contains("PROJCRS") {
        if w.contains("WGS_1984")
            || w.contains("WGS84")
            || w.contains("WGS_84")
            || w.contains("RGF_1993")
            || w.contains("RGF93")
            || w.contains("ETRS_1989")
            || w.contains("ETRS89")
        {
            return Ok(Crs::LonLat);
        }
        return Err(wkt_name(wkt, "GEOGCS")
            .or_else(|| wkt_name(wkt, "GEOGCRS"))
            .unwrap_or("unnamed")
            .to_owned());
    }
    let name = wkt_name(wkt, "PROJCS")
        .or_else(|| wkt_name(wkt, "PROJCRS"))
        .unwrap_or("unnamed")
        .to_owned();
    let norm = name.to_ascii_uppercase().replace([' ', '-'], "_");
    let lcc = w.contains("LAMBERT_CONFORMAL_CONIC");
    let rgf = w.contains("RGF");
    let lat0 = wkt_parameter(&w, "LATITUDE_OF_ORIGIN");
    let east = wkt_parameter(&w, "FALSE_EASTING");
    if let Some(zone) = cc_of_name(&norm) {
        // The name says CC: the parameters, when given, must agree.
        let agrees = lcc
            && (lat0.is_none() || near(lat0, f64::from(zone)))
            && (east.is_none() || near(east, 1_700_000.0));
        return Crs::cc(zone).filter(|_| agrees).ok_or(name);
    }
    if lcc && rgf {
        if near(east, 1_700_000.0)
            && let Some(zone) = lat0
                .filter(|l| l.fract() == 0.0)
                .and_then(|l| Crs::cc(l as u8))
        {
            return Ok(zone);
        }
        let lambert93_name = norm.contains("LAMBERT_93")
            || norm.contains("LAMBERT93")
            || w.contains("\"2154\"")
            || w.contains(",2154]");
        let lambert93_params =
            (east.is_none() || near(east, 700_000.0)) && (lat0.is_none() || near(lat0, 46.5));
        if (lambert93_name || (east.is_some() && lat0.is_some())) && lambert93_params {
            return Ok(Crs::Zone(Zone::Metropole));
        }
        return Err(name);
    }
    if w.contains("PSEUDO_MERCATOR")
        || w.contains("MERCATOR_AUXILIARY_SPHERE")
        || w.contains("POPULAR_VISUALISATION")
    {
        return Ok(Crs::WebMercator);
    }
    if w.contains("LAEA") || w.contains("LAMBERT_AZIMUTHAL_EQUAL_AREA") {
        return Ok(Crs::LaeaEurope);
    }
    if w.contains("UTM") {
        let zones = [
            ("ZONE_20N", Zone::Antilles),
            ("ZONE_22N", Zone::Guyane),
            ("ZONE_40S", Zone::Reunion),
            ("ZONE_38S", Zone::Mayotte),
            ("ZONE_21N", Zone::SaintPierreEtMiquelon),
        ];
        if let Some((_, z)) = zones.iter().find(|(k, _)| norm.contains(k)) {
            return Ok(Crs::Zone(*z));
        }
    }
    Err(name)
}

/// Where a record lies in the `.shp`: the byte offset of its content (after
/// its 8-byte header) and its length in bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
struct ShpRecord {
    offset: u64,
    len: usize,
}

/// The records of a `.shp`, found by walking it from its header: those
/// complete in the file, and whether the file ends inside one (a short
/// `.shp`).
struct ShpWalk {
    records: Vec<ShpRecord>,
    /// The file ends before what its header or its last record says.
    truncated: bool,
}

fn be32(b: &[u8]) -> i64 {
    let a: [u8; 4] = b.get(..4).and_then(|s| s.try_into().ok()).unwrap_or([0; 4]);
    i64::from(i32::from_be_bytes(a))
}

/// Walks the `.shp` record headers (the record contents are skipped).
fn walk_shp(path: &Path) -> Result<ShpWalk> {
    use std::io::{Read, Seek, SeekFrom};
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let size = file.metadata().map_err(|e| Error::io(path, e))?.len();
    let mut r = std::io::BufReader::new(file);
    let mut header = [0u8; 100];
    if r.read_exact(&mut header).is_err() {
        return Err(Error::format(
            path,
            None,
            format!("{size} bytes: shorter than a Shapefile's 100-byte header"),
        ));
    }
    let declared = be32(header.get(24..).unwrap_or_default()).max(0) as u64 * 2;
    let end = declared.min(size);
    let mut records = Vec::new();
    let mut pos = 100u64;
    let mut truncated = declared > size;
    while pos < end {
        let mut rh = [0u8; 8];
        if pos + 8 > end || r.read_exact(&mut rh).is_err() {
            truncated = true;
            break;
        }
        let number = be32(&rh);
        let words = be32(rh.get(4..).unwrap_or_default());
        if number != records.len() as i64 + 1 {
            // Records are numbered from 1 in order: another number means
            // the previous record's length was wrong, and reading on would
            // pair shapes with the wrong attributes.
            return Err(Error::format(
                path,
                Some(Location::Feature(records.len() as u64 + 1)),
                format!(
                    "record {} (byte {pos}) is numbered {number}: the .shp is damaged after {} readable record(s)",
                    records.len() + 1,
                    records.len()
                ),
            ));
        }
        if words < 2 {
            return Err(Error::format(
                path,
                Some(Location::Feature(records.len() as u64 + 1)),
                format!(
                    "record {} (byte {pos}) has a content length of {words} words: the .shp is damaged after {} readable record(s)",
                    records.len() + 1,
                    records.len()
                ),
            ));
        }
        let len = words as u64 * 2;
        if pos + 8 + len > end {
            truncated = true;
            break;
        }
        records.push(ShpRecord {
            offset: pos + 8,
            len: len as usize,
        });
        pos += 8 + len;
        r.seek(SeekFrom::Start(pos))
            .map_err(|e| Error::io(path, e))?;
    }
    Ok(ShpWalk { records, truncated })
}

/// Checks the `.shx` (when there is one) against the walk of the `.shp`:
/// the same records at the same offsets, or more entries only when the
/// `.shp` is short. A stale index is an error naming both counts. Returns
/// the number of entries.
fn check_shx(path: &Path, walk: &ShpWalk) -> Result<Option<usize>> {
    let shx = path.with_extension("shx");
    let bytes = match std::fs::read(&shx) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(&shx, e)),
    };
    let declared = be32(bytes.get(24..).unwrap_or_default()).max(0) as usize * 2;
    let body = bytes
        .get(100..declared.min(bytes.len()))
        .unwrap_or_default();
    let entries: Vec<ShpRecord> = body
        .chunks_exact(8)
        .map(|c| ShpRecord {
            offset: (be32(c).max(0) as u64 * 2) + 8,
            len: be32(c.get(4..).unwrap_or_default()).max(0) as usize * 2,
        })
        .collect();
    let n = walk.records.len();
    let stale = |detail: String| {
        Error::format(
            path,
            None,
            format!(
                "{} is out of step with it ({detail}; the .shx indexes {} record(s), the .shp holds {n}): rebuild the index (e.g. `ogr2ogr out.shp in.shp`) or remove the .shx — maillage reads the .shp in order without it",
                shx.display(),
                entries.len()
            ),
        )
    };
    if let Some(i) = (0..n.min(entries.len())).find(|&i| entries.get(i) != walk.records.get(i)) {
        return Err(stale(format!(
            "record {} is not where the .shx puts it",
            i + 1
        )));
    }
    if entries.len() < n {
        return Err(stale(format!(
            "records {}–{n} are not in the .shx",
            entries.len() + 1
        )));
    }
    if entries.len() > n && !walk.truncated {
        return Err(stale(format!(
            "the .shx lists {} record(s) past the end of the .shp",
            entries.len() - n
        )));
    }
    Ok(Some(entries.len()))
}

/// Reads the polygon of one `.shp` record's content.
fn polygon_of(content: &[u8]) -> std::result::Result<MultiPolygon<f64>, Problem> {
    use shapefile::ReadableShape;
    let le32 = |at: usize| {
        content
            .get(at..at + 4)
            .and_then(|b| b.try_into().ok())
            .map(i32::from_le_bytes)
    };
    let invalid = |why: String| (SkipReason::InvalidCoordinates, why);
    let shape_type = le32(0).ok_or_else(|| invalid("record too short".to_owned()))?;
    if matches!(shape_type, 5 | 15 | 25) {
        // Counts checked against the record before anything is allocated.
        let (Some(parts), Some(points)) = (le32(36), le32(40)) else {
            return Err(invalid("polygon record too short".to_owned()));
        };
        let need = 44 + 4 * i64::from(parts) + 16 * i64::from(points);
        if parts < 0 || points < 0 || need > content.len() as i64 {
            return Err(invalid(format!(
                "polygon of {parts} part(s) and {points} point(s) does not fit its {} bytes",
                content.len()
            )));
        }
    }
    let len = i32::try_from(content.len()).map_err(|_| invalid("record too long".to_owned()))?;
    let shape = Shape::read_from(&mut std::io::Cursor::new(content), len)
        .map_err(|e| invalid(format!("unreadable shape ({e})")))?;
    match shape {
        Shape::Polygon(p) => MultiPolygon::try_from(p).map_err(|e| invalid(format!("{e:?}"))),
        Shape::NullShape => Err((SkipReason::NullGeometry, "null shape".to_owned())),
        other => Err((
            SkipReason::WrongGeometryType,
            format!("expected a polygon, found {}", other.shapetype()),
        )),
    }
}

/// The first of `names` the record has, case ignored.
fn field(texts: &HashMap<String, String>, names: &[String]) -> Option<String> {
    names
        .iter()
        .find_map(|n| texts.get(&n.to_ascii_lowercase()).cloned())
}

/// Reads polygon territories from a Shapefile, with the checks of
/// [`read_territories`](super::read_territories).
///
/// The `.shp` and the `.dbf` are paired by record index (as every GIS
/// does). A record flagged deleted in the `.dbf` is skipped with its shape
/// ([`SkipReason::DeletedRecord`]); when the files hold different numbers
/// of records, those of one without the other are skipped
/// ([`SkipReason::UnpairedRecord`]) and the counts noted
/// ([`Note::RecordCounts`]); a `.shx` that disagrees with the `.shp` is an
/// error. The text encoding is told from the `.cpg`, the `.dbf`'s language
/// driver and its bytes, and noted ([`Note::DbfEncoding`]).
pub(crate) fn read_shapefile_territories(
    path: &Path,
    fields: &FieldMap,
) -> Result<(Vec<Territory>, LoadReport)> {
    use std::io::{Read, Seek, SeekFrom};
    let crs = crs_of_prj(path, fields.crs)?;
    let walk = walk_shp(path)?;
    let shx = check_shx(path, &walk)?;
    let dbf_path = path.with_extension("dbf");
    let dbf = Dbf::open(path, &dbf_path)?;
    if !dbf
        .field_names()
        .any(|n| fields.id.iter().any(|id| id.eq_ignore_ascii_case(n)))
    {
        return Err(Error::MissingField {
            path: path.to_path_buf(),
            location: Location::Feature(1),
            field: fields.id.join(" or "),
        });
    }
    let mut sink = TerritorySink::new(path, fields);
    let n_shp = walk.records.len();
    let counts = format!(
        ".shp {n_shp} record(s){}{}, .dbf {}{}",
        if walk.truncated {
            " (the file ends inside the next)"
        } else {
            ""
        },
        shx.map(|n| format!(", .shx {n}")).unwrap_or_default(),
        dbf.declared,
        if dbf.present < dbf.declared {
            format!(" ({} present)", dbf.present)
        } else {
            String::new()
        }
    );
    let mut shp =
        std::io::BufReader::new(std::fs::File::open(path).map_err(|e| Error::io(path, e))?);
    let mut content = Vec::new();
    // Records the .dbf header counts that are in neither file are counted
    // at once below (a header may claim four billion).
    for i in 0..n_shp.max(dbf.present) {
        let location = Location::Feature(i as u64 + 1);
        let record = if i < dbf.present { dbf.record(i) } else { None };
        let Some(shape_at) = walk.records.get(i) else {
            sink.report.read += 1;
            sink.report.skip(
                SkipReason::UnpairedRecord,
                location,
                None,
                Some(format!("a .dbf record without a shape ({counts})")),
            );
            continue;
        };
        let record = match record {
            None => {
                sink.report.read += 1;
                sink.report.skip(
                    SkipReason::UnpairedRecord,
                    location,
                    None,
                    Some(format!("a shape without a .dbf record ({counts})")),
                );
                continue;
            }
            Some(DbfRecord::Deleted) => {
                sink.report.read += 1;
                sink.report
                    .skip(SkipReason::DeletedRecord, location, None, None);
                continue;
            }
            Some(DbfRecord::BadFlag(b)) => {
                sink.report.read += 1;
                sink.report.skip(
                    SkipReason::MalformedRow,
                    location,
                    None,
                    Some(format!(
                        "its .dbf record starts with 0x{b:02X}, neither ' ' (live) nor '*' (deleted)"
                    )),
                );
                continue;
            }
            Some(DbfRecord::Live(values)) => values,
        };
        content.resize(shape_at.len, 0);
        shp.seek(SeekFrom::Start(shape_at.offset))
            .and_then(|_| shp.read_exact(&mut content))
            .map_err(|e| Error::io(path, e))?;
        let get = |names: &[String]| field(&record, names);
        let geometry = || polygon_of(&content);
        sink.record(path, i as u64 + 1, &get, geometry, crs)?;
    }
    let absent = dbf.declared.saturating_sub(n_shp.max(dbf.present));
    if absent > 0 {
        let first = n_shp.max(dbf.present) as u64 + 1;
        sink.report.skip(
            SkipReason::UnpairedRecord,
            Location::Feature(first),
            None,
            Some(format!(
                "records {first}–{} are counted by the .dbf header but in neither file ({counts})",
                dbf.declared
            )),
        );
        sink.report.read += absent;
        if let Some(tally) = sink.report.skipped.get_mut(&SkipReason::UnpairedRecord) {
            tally.count += absent - 1;
        }
    }
    if n_shp != dbf.declared || dbf.present < dbf.declared || shx.is_some_and(|n| n != n_shp) {
        sink.report.note(Note::RecordCounts {
            shp: n_shp,
            shx,
            dbf: dbf.declared,
            dbf_present: dbf.present,
        });
    }
    if let Some((encoding, reason)) = dbf.encoding_note.clone() {
        sink.report.note(Note::DbfEncoding { encoding, reason });
    }
    Ok(sink.finish())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// As pyproj 3.7.2 writes EPSG:3944 in ESRI WKT.
    const CC44_ESRI: &str = r#"PROJCS["RGF_1993_CC44",GEOGCS["GCS_RGF_1993",DATUM["D_RGF_1993",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",1700000.0],PARAMETER["False_Northing",3200000.0],PARAMETER["Central_Meridian",3.0],PARAMETER["Standard_Parallel_1",43.25],PARAMETER["Standard_Parallel_2",44.75],PARAMETER["Latitude_Of_Origin",44.0],UNIT["Meter",1.0]]"#;
    /// As pyproj 3.7.2 writes EPSG:3942 in GDAL's WKT 1.
    const CC42_GDAL: &str = r#"PROJCS["RGF93 v1 / CC42",GEOGCS["RGF93 v1",DATUM["Reseau_Geodesique_Francais_1993_v1",SPHEROID["GRS 1980",6378137,298.257222101,AUTHORITY["EPSG","7019"]],AUTHORITY["EPSG","6171"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4171"]],PROJECTION["Lambert_Conformal_Conic_2SP"],PARAMETER["latitude_of_origin",42],PARAMETER["central_meridian",3],PARAMETER["standard_parallel_1",41.25],PARAMETER["standard_parallel_2",42.75],PARAMETER["false_easting",1700000],PARAMETER["false_northing",1200000],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","3942"]]"#;
    /// Lambert-93 as IGN ships it.
    const L93_ESRI: &str = r#"PROJCS["RGF_1993_Lambert_93",GEOGCS["GCS_RGF_1993",DATUM["D_RGF_1993",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",700000.0],PARAMETER["False_Northing",6600000.0],PARAMETER["Central_Meridian",3.0],PARAMETER["Standard_Parallel_1",44.0],PARAMETER["Standard_Parallel_2",49.0],PARAMETER["Latitude_Of_Origin",46.5],UNIT["Meter",1.0]]"#;

    #[test]
    fn cc_zones_are_told_from_lambert_93() {
        assert_eq!(crs_of_wkt(CC44_ESRI), Ok(Crs::Cc(44)));
        assert_eq!(crs_of_wkt(CC42_GDAL), Ok(Crs::Cc(42)));
        assert_eq!(crs_of_wkt(L93_ESRI), Ok(Crs::Zone(Zone::Metropole)));
        // CC parameters under another name are still CC47.
        let renamed = CC44_ESRI
            .replace("RGF_1993_CC44", "RGF93_custom")
            .replace("Latitude_Of_Origin\",44.0", "Latitude_Of_Origin\",47.0");
        assert_eq!(crs_of_wkt(&renamed), Ok(Crs::Cc(47)));
        // A name that says CC44 with CC47's parameters is not guessed.
        let lying = CC44_ESRI.replace("Latitude_Of_Origin\",44.0", "Latitude_Of_Origin\",47.0");
        assert_eq!(crs_of_wkt(&lying), Err("RGF_1993_CC44".to_owned()));
    }

    #[test]
    fn an_unknown_projected_crs_is_named_never_taken_for_lambert_93() {
        let lambert2 = r#"PROJCS["NTF_Paris_Lambert_II_etendu",GEOGCS["GCS_NTF_Paris",DATUM["D_NTF",SPHEROID["Clarke_1880_IGN",6378249.2,293.4660212936269]],PRIMEM["Paris",2.337229166666667],UNIT["Grad",0.01570796326794897]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",600000.0],PARAMETER["False_Northing",2200000.0],PARAMETER["Central_Meridian",0.0],PARAMETER["Standard_Parallel_1",45.898918964419],PARAMETER["Standard_Parallel_2",47.69601443321],PARAMETER["Latitude_Of_Origin",46.8],UNIT["Meter",1.0]]"#;
        assert_eq!(
            crs_of_wkt(lambert2),
            Err("NTF_Paris_Lambert_II_etendu".to_owned())
        );
        // An RGF93 conic with other parameters is not Lambert-93.
        let other = L93_ESRI
            .replace("RGF_1993_Lambert_93", "RGF93_local")
            .replace("700000.0", "800000.0");
        assert_eq!(crs_of_wkt(&other), Err("RGF93_local".to_owned()));
        assert_eq!(
            crs_of_wkt(r#"GEOGCS["GCS_NTF",DATUM["D_NTF"]]"#),
            Err("GCS_NTF".to_owned())
        );
        assert_eq!(
            crs_of_wkt(r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984"]]"#),
            Ok(Crs::LonLat)
        );
    }
}
