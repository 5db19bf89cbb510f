//! Bad input: every case gets a clear error naming the file and place, or a
//! counted skip with its reason. Fixtures are written by the tests.

use std::path::PathBuf;

use maillage::read::{
    read_assignments, read_la_poste, read_partner_csv, read_territories, read_territories_from,
};
use maillage::{Error, FieldMap, Location, Note, SkipReason, TerritoryKind};

struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Self {
        Dir(tempfile::tempdir().unwrap())
    }
    fn file(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.0.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }
}

const LA_POSTE_HEADER: &str = "#Identifiant_du_site;Libellé_du_site;Caractéristique_du_site;Code_INSEE;Latitude;Longitude;Précision_du_géocodage\n";

fn la_poste(dir: &Dir, rows: &str) -> PathBuf {
    dir.file("points.csv", format!("{LA_POSTE_HEADER}{rows}"))
}

fn skipped_at(report: &maillage::LoadReport, reason: SkipReason) -> Vec<Location> {
    report
        .skipped
        .get(&reason)
        .map(|t| t.examples.iter().map(|e| e.location).collect())
        .unwrap_or_default()
}

// ── CSV ──────────────────────────────────────────────────────────────────────

#[test]
fn csv_every_bad_row_is_skipped_with_its_reason_and_line() {
    let dir = Dir::new();
    let path = la_poste(
        &dir,
        "A1;OK;Bureau de Poste;75056;48.8566;2.3522;Géocodé au numéro\n\
         A2;no coords;Bureau de Poste;75056;;;\n\
         A3;text;Bureau de Poste;75056;abc;2.35;\n\
         A4;range;Bureau de Poste;75056;95.0;2.35;\n\
         A5;swapped;Bureau de Poste;75056;2.3522;48.8566;\n\
         A6;lambert;Bureau de Poste;75056;6862035.26;652469.02;\n\
         A7;london;Bureau de Poste;75056;51.9;-0.12;\n\
         A1;duplicate;Bureau de Poste;75056;48.85;2.35;\n\
         ;no id;Bureau de Poste;75056;48.85;2.35;\n\
         A8;comma;Agence Postale Communale;75056;48,8566;2,3522;\n\
         A9;short\n",
    );
    let (points, r) = read_la_poste(&path).unwrap();
    assert_eq!((r.read, r.kept, r.skipped_total()), (11, 3, 8));
    assert_eq!(
        points.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
        ["A1", "A5", "A8"]
    );
    // A5's pair lies in no zone as given and in Paris exchanged: repaired, counted.
    assert_eq!(points[1].lonlat, points[0].lonlat);
    assert!(r.notes.contains(&Note::SwappedRepaired(vec!["A5".into()])));
    assert_eq!(
        skipped_at(&r, SkipReason::MissingCoordinates),
        [Location::Line(3)]
    );
    assert_eq!(
        skipped_at(&r, SkipReason::InvalidCoordinates),
        [Location::Line(4), Location::Line(5)]
    );
    assert_eq!(
        skipped_at(&r, SkipReason::ProjectedCoordinates),
        [Location::Line(7)]
    );
    assert_eq!(
        skipped_at(&r, SkipReason::OutsideFrance),
        [Location::Line(8)]
    );
    assert_eq!(skipped_at(&r, SkipReason::DuplicateId), [Location::Line(9)]);
    assert_eq!(skipped_at(&r, SkipReason::MissingId), [Location::Line(10)]);
    assert_eq!(
        skipped_at(&r, SkipReason::MalformedRow),
        [Location::Line(12)]
    );
    let text = r.to_string();
    assert!(text.contains("line 7 [A6]"), "{text}");
    assert!(
        text.contains("1 point(s) had latitude and longitude swapped and were repaired: A5"),
        "{text}"
    );
}

#[test]
fn csv_missing_column_is_named() {
    let dir = Dir::new();
    let path = dir.file(
        "p.csv",
        "identifiant_du_site;libelle_du_site;longitude\nA;B;2.3\n",
    );
    let err = read_la_poste(&path).unwrap_err();
    assert!(
        matches!(&err, Error::MissingColumn { column, .. } if column == "latitude or lat"),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(msg.starts_with(&path.display().to_string()), "{msg}");
    assert!(
        msg.contains("identifiant_du_site, libelle_du_site, longitude"),
        "{msg}"
    );
}

#[test]
fn csv_wrong_separator_gets_a_hint() {
    let dir = Dir::new();
    let path = dir.file(
        "p.csv",
        "identifiant_du_site|latitude|longitude\nA|48.8|2.3\n",
    );
    let err = read_la_poste(&path).unwrap_err();
    assert!(matches!(err, Error::MissingColumn { .. }));
    assert!(
        err.to_string()
            .contains("is the separator something other than ','"),
        "{err}"
    );
}

#[test]
fn csv_latin1_and_bom_and_comma_separator() {
    let dir = Dir::new();
    let mut bytes =
        b"\xEF\xBB\xBFidentifiant_du_site,libelle_du_site,latitude,longitude\n".to_vec();
    bytes.extend_from_slice(b"C1,CR\xC9TEIL PRINCIPAL,48.7904,2.4556\n");
    bytes.extend_from_slice("C2,SAINT-ÉTIENNE,45.4397,4.3872\n".as_bytes());
    let path = dir.file("latin1.csv", bytes);
    let (points, r) = read_la_poste(&path).unwrap();
    assert_eq!(r.kept, 2);
    assert_eq!(points[0].name, "CRÉTEIL PRINCIPAL");
    assert_eq!(points[1].name, "SAINT-ÉTIENNE");
    assert!(r.notes.contains(&Note::Latin1Rows(1)), "{r}");
}

#[test]
fn csv_quoted_newlines_keep_line_numbers_right() {
    let dir = Dir::new();
    let path = dir.file(
        "partners.csv",
        "id,name,latitude,longitude,services\n\
         P1,\"Maison\nde quartier\",48.85,2.35,mediation\n\
         P2,Bad,,2.35,mediation\n\
         P3,Unknown service,48.85,2.35,bakery\n\
         P4,Two services,48.85,2.35,mediation|inclusion numérique\n",
    );
    let (points, r) = read_partner_csv(&path).unwrap();
    assert_eq!(points[0].name, "Maison\nde quartier");
    assert_eq!(
        skipped_at(&r, SkipReason::MissingCoordinates),
        [Location::Line(4)]
    );
    assert_eq!(
        skipped_at(&r, SkipReason::UnknownService),
        [Location::Line(5)]
    );
    assert_eq!(
        points[1].services.to_string(),
        "mediation|digital_inclusion"
    );
}

#[test]
fn csv_empty_header_only_utf16_and_binary() {
    let dir = Dir::new();
    let err = read_la_poste(dir.file("empty.csv", "")).unwrap_err();
    assert!(
        matches!(err, Error::Format { .. }) && err.to_string().ends_with("empty.csv: empty file"),
        "{err}"
    );

    let (points, r) = read_la_poste(dir.file("header.csv", LA_POSTE_HEADER)).unwrap();
    assert!(points.is_empty());
    assert_eq!(r.read, 0);
    assert!(r.notes.contains(&Note::NoDataRows));

    let err = read_la_poste(dir.file("u16.csv", b"\xFF\xFEi\0d\0")).unwrap_err();
    assert!(err.to_string().contains("UTF-16"), "{err}");
    let err = read_la_poste(dir.file("bin.csv", b"PK\x03\x04\0\0\0")).unwrap_err();
    assert!(err.to_string().contains("binary"), "{err}");
}

#[test]
fn assignments_unknown_service_and_missing_id() {
    let dir = Dir::new();
    let path = dir.file(
        "a.csv",
        "site_id;service\nX1;Médiation\n;mediation\nX2;boulangerie\nX3;Point Poste ESS\n",
    );
    let (a, r) = read_assignments(&path).unwrap();
    assert_eq!(a.len(), 2);
    assert_eq!(skipped_at(&r, SkipReason::MissingId), [Location::Line(3)]);
    assert_eq!(
        skipped_at(&r, SkipReason::UnknownService),
        [Location::Line(4)]
    );
}

// ── GeoJSON ──────────────────────────────────────────────────────────────────

fn fc(features: &[String]) -> String {
    format!(
        "{{\"type\":\"FeatureCollection\",\"features\":[{}]}}",
        features.join(",")
    )
}

fn feature(id: &str, geometry: &str) -> String {
    format!(
        "{{\"type\":\"Feature\",\"properties\":{{\"code\":\"{id}\",\"pop\":\"1 234\"}},\"geometry\":{geometry}}}"
    )
}

fn square_lonlat(x: f64, y: f64, d: f64) -> String {
    format!(
        "{{\"type\":\"Polygon\",\"coordinates\":[[[{x},{y}],[{},{y}],[{},{}],[{x},{}],[{x},{y}]]]}}",
        x + d,
        x + d,
        y + d,
        y + d
    )
}

fn map() -> FieldMap {
    FieldMap::new(TerritoryKind::Custom, "code").population("pop")
}

#[test]
fn geojson_every_bad_feature_is_skipped_with_its_reason() {
    let dir = Dir::new();
    let features = [
        feature("ok", &square_lonlat(2.0, 47.0, 0.01)),
        feature("null", "null"),
        feature("point", "{\"type\":\"Point\",\"coordinates\":[2.0,47.0]}"),
        feature("empty", "{\"type\":\"Polygon\",\"coordinates\":[]}"),
        feature("lambert", &square_lonlat(652_469.0, 6_862_035.0, 100.0)),
        feature("swapped", &square_lonlat(47.0, 2.0, 0.01)),
        feature("atlantic", &square_lonlat(-30.0, 40.0, 0.01)),
        // From Paris to La Réunion.
        feature(
            "spans",
            "{\"type\":\"Polygon\",\"coordinates\":[[[2.3,48.8],[55.5,-21.0],[55.6,-21.0],[2.3,48.8]]]}",
        ),
        feature("ok", &square_lonlat(3.0, 47.0, 0.01)),
        "{\"type\":\"Feature\",\"properties\":{\"code\":null},\"geometry\":null}".to_owned(),
        feature("short", "{\"type\":\"Polygon\",\"coordinates\":[[[2.0]]]}"),
        feature(
            "degenerate",
            "{\"type\":\"Polygon\",\"coordinates\":[[[2.0,47.0],[2.1,47.0],[2.0,47.0]]]}",
        ),
    ];
    let path = dir.file("t.geojson", fc(&features));
    let (t, r) = read_territories(&path, &map()).unwrap();
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].population, Some(1234));
    assert_eq!((r.read, r.kept), (12, 1));
    let at = |reason| skipped_at(&r, reason);
    assert_eq!(at(SkipReason::NullGeometry), [Location::Feature(2)]);
    assert_eq!(at(SkipReason::WrongGeometryType), [Location::Feature(3)]);
    assert_eq!(
        at(SkipReason::EmptyGeometry),
        [Location::Feature(4), Location::Feature(12)]
    );
    assert_eq!(at(SkipReason::ProjectedCoordinates), [Location::Feature(5)]);
    assert_eq!(at(SkipReason::LatLonSwapped), [Location::Feature(6)]);
    assert_eq!(at(SkipReason::OutsideFrance), [Location::Feature(7)]);
    assert_eq!(at(SkipReason::SpansZones), [Location::Feature(8)]);
    assert_eq!(at(SkipReason::DuplicateId), [Location::Feature(9)]);
    assert_eq!(at(SkipReason::MissingId), [Location::Feature(10)]);
    assert_eq!(at(SkipReason::InvalidCoordinates), [Location::Feature(11)]);
}

#[test]
fn geojson_truncated_and_invalid_json_give_a_position() {
    let dir = Dir::new();
    let whole = fc(&[feature("a", &square_lonlat(2.0, 47.0, 0.01))]);
    let path = dir.file("cut.geojson", &whole[..whole.len() - 30]);
    let err = read_territories(&path, &map()).unwrap_err();
    match &err {
        Error::Format {
            location: Some(Location::Position { line: 1, .. }),
            message,
            ..
        } => {
            assert!(message.starts_with("truncated JSON"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    assert!(
        err.to_string().contains("cut.geojson: line 1, column"),
        "{err}"
    );

    // Python's json.dump writes NaN, which is not JSON.
    let nan = "{\"type\":\"FeatureCollection\",\"features\":[\n{\"type\":\"Feature\",\"properties\":{\"code\":\"a\"},\n\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[NaN,47]]]}}]}";
    let err = read_territories(dir.file("nan.geojson", nan), &map()).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Format {
                location: Some(Location::Position { line: 3, .. }),
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("invalid JSON"), "{err}");

    let err = read_territories(dir.file("csv.geojson", "code;lat;lon\n"), &map()).unwrap_err();
    assert!(err.to_string().contains("invalid JSON"), "{err}");
}

#[test]
fn geojson_errors_far_into_the_file_point_at_their_line() {
    // 600 features, one per line: the reader parses them in batches of 256
    // while it scans ahead; an error in the third batch still names its
    // own line and column, and every feature before it was read.
    let dir = Dir::new();
    let mut lines: Vec<String> = (0..600)
        .map(|i| feature(&format!("f{i}"), &square_lonlat(2.0, 47.0, 0.01)))
        .collect();
    // Line 1 is the header; feature i is on line i + 2. Break feature 555.
    lines[555] = lines[555].replace("47.01]", "47.01,]");
    let text = format!(
        "{{\"type\":\"FeatureCollection\",\"features\":[\n{}\n]}}",
        lines.join(",\n")
    );
    let err = read_territories(dir.file("far.geojson", &text), &map()).unwrap_err();
    match &err {
        Error::Format {
            location: Some(Location::Position { line, column }),
            message,
            ..
        } => {
            assert_eq!(*line, 557, "{message}");
            let at = lines[555].find("47.01,]").unwrap() + "47.01,".len() + 1;
            assert_eq!(*column as usize, at, "{message}");
            assert!(message.starts_with("invalid JSON"), "{message}");
        }
        other => panic!("{other:?}"),
    }

    // The same file whole reads all 600.
    lines[555] = feature("f555", &square_lonlat(2.0, 47.0, 0.01));
    let text = format!(
        "{{\"type\":\"FeatureCollection\",\"features\":[\n{}\n]}}",
        lines.join(",\n")
    );
    let (t, r) = read_territories(dir.file("whole.geojson", &text), &map()).unwrap();
    assert_eq!((t.len(), r.read, r.kept), (600, 600, 600));
    assert_eq!(t[599].id, "f599");
}

#[test]
fn geojson_a_feature_that_is_not_an_object_or_a_broken_outer_level_is_an_error() {
    let dir = Dir::new();
    let ok = feature("a", &square_lonlat(2.0, 47.0, 0.01));
    // (text, line, column, what the message says); columns are 1-based bytes.
    let col_of = |text: &str, pat: &str| text.rfind(pat).unwrap() + 1;
    let two = format!("{{\"type\":\"FeatureCollection\",\"features\":[{ok} {ok}]}}");
    let key = format!("{{\"features\":[{ok}], 7: 1}}");
    let cases = [
        (
            format!("{{\"type\":\"FeatureCollection\",\"features\":[{ok},\n 42]}}"),
            2,
            2,
            "feature #2 is not a JSON object",
        ),
        (
            two.clone(),
            1,
            col_of(&two, " {") + 1,
            "expected `,` or `]`",
        ),
        (
            format!("{{\"features\":[{ok}]}}\n{{}}"),
            2,
            1,
            "trailing characters",
        ),
        (key.clone(), 1, col_of(&key, "7"), "key must be a string"),
    ];
    for (i, (text, line, column, what)) in cases.iter().enumerate() {
        let err = read_territories(dir.file(&format!("c{i}.geojson"), text), &map()).unwrap_err();
        match &err {
            Error::Format {
                location: Some(Location::Position { line: l, column: c }),
                message,
                ..
            } => {
                assert_eq!((*l, *c as usize), (*line, *column), "case {i}: {message}");
                assert!(message.contains(what), "case {i}: {message}");
            }
            other => panic!("case {i}: {other:?}"),
        }
    }
}

#[test]
fn geojson_read_a_few_bytes_at_a_time_gives_the_same_territories() {
    // A reader that hands out 1 to 7 bytes per call (a pipe, a slow
    // network): the scanner's refills fall inside strings, escapes,
    // numbers and keys.
    struct Trickle<'a>(&'a [u8], usize);
    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.1 = self.1 % 7 + 1;
            let n = self.1.min(buf.len()).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }
    let features: Vec<String> = (0..300)
        .map(|i| {
            feature(
                &format!("f\\\"{i}\\u00e9"),
                &square_lonlat(2.0 + f64::from(i) * 1e-3, 47.0, 0.01),
            )
        })
        .collect();
    let text = fc(&features);
    let (whole, r1) = read_territories_from("whole.geojson", text.as_bytes(), &map()).unwrap();
    let (trickled, r2) =
        read_territories_from("trickle.geojson", Trickle(text.as_bytes(), 0), &map()).unwrap();
    assert_eq!((r1.kept, r2.kept), (300, 300));
    assert_eq!(whole, trickled);
    assert_eq!(whole[7].id, "f\"7é");
}

#[test]
fn geojson_not_a_collection_or_declared_projected_is_an_error() {
    let dir = Dir::new();
    let err = read_territories(
        dir.file("f.geojson", feature("a", &square_lonlat(2.0, 47.0, 0.01))),
        &map(),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("expected a GeoJSON FeatureCollection, found type \"Feature\""),
        "{err}"
    );

    // A file in Lambert-93 that says so is read: maillage knows that CRS.
    let crs = |name: &str| {
        format!("\"crs\":{{\"type\":\"name\",\"properties\":{{\"name\":\"{name}\"}}}}")
    };
    let square = feature("a", &square_lonlat(652_469.0, 6_862_035.0, 100.0));
    let lambert = format!(
        "{{\"type\":\"FeatureCollection\",{},\"features\":[{square}]}}",
        crs("urn:ogc:def:crs:EPSG::2154")
    );
    let (t, r) = read_territories(dir.file("l93.geojson", lambert), &map()).unwrap();
    assert_eq!(r.kept, 1, "{r}");
    let area = geo::Area::unsigned_area(&t[0].geometry);
    assert!(
        (area - 100.0 * 100.0).abs() < 1.0,
        "a 100 m square stays one: {area}"
    );
    // Lambert-93 metres declared as Web Mercator land in the Netherlands:
    // skipped as outside France, never taken for French land.
    let mercator = format!(
        "{{\"type\":\"FeatureCollection\",{},\"features\":[{square}]}}",
        crs("EPSG:3857")
    );
    let (t, r) = read_territories(dir.file("m.geojson", mercator), &map()).unwrap();
    assert_eq!((t.len(), r.skipped_for(SkipReason::OutsideFrance)), (0, 1));
    // A CRS maillage does not know is an error that says what to do.
    let ntf = format!(
        "{{\"type\":\"FeatureCollection\",{},\"features\":[{square}]}}",
        crs("EPSG:27572")
    );
    let err = read_territories(dir.file("ntf.geojson", ntf), &map()).unwrap_err();
    assert!(
        err.to_string().contains("declares CRS \"EPSG:27572\""),
        "{err}"
    );
    assert!(err.to_string().contains("ogr2ogr"), "{err}");
    // Declared after the features, which were read as lon/lat: an error, not an empty success.
    let late = format!(
        "{{\"type\":\"FeatureCollection\",\"features\":[{square}],{}}}",
        crs("EPSG:2154")
    );
    let err = read_territories(dir.file("late.geojson", late), &map()).unwrap_err();
    assert!(err.to_string().contains("after its features"), "{err}");

    let err = read_territories(dir.file("empty.geojson", ""), &map()).unwrap_err();
    assert!(err.to_string().ends_with("empty file"), "{err}");
    let err = read_territories(
        dir.file("nofeatures.geojson", "{\"type\":\"FeatureCollection\"}"),
        &map(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("no \"features\" array"), "{err}");
}

#[test]
fn geojson_unclosed_ring_is_closed_and_bowtie_repaired() {
    let dir = Dir::new();
    let unclosed = feature(
        "open",
        "{\"type\":\"Polygon\",\"coordinates\":[[[2.0,47.0],[2.01,47.0],[2.01,47.01],[2.0,47.01]]]}",
    );
    let bowtie = feature(
        "bowtie",
        "{\"type\":\"Polygon\",\"coordinates\":[[[3.0,47.0],[3.0,47.01],[3.01,47.0],[3.01,47.01],[3.0,47.0]]]}",
    );
    let path = dir.file("t.geojson", fc(&[unclosed, bowtie]));
    let (t, r) = read_territories(&path, &map()).unwrap();
    assert_eq!(r.kept, 2);
    assert!(r.notes.contains(&Note::UnclosedRings(1)), "{r}");
    assert!(
        r.notes.contains(&Note::Repaired(vec!["bowtie".into()])),
        "{r}"
    );
    let open = &t[0].geometry.0[0];
    assert_eq!(open.exterior().0.first(), open.exterior().0.last());
    assert_eq!(
        t[1].geometry.0.len(),
        2,
        "a bowtie becomes its two triangles"
    );
    use geo::Validation;
    assert!(t[1].geometry.is_valid());
}

#[test]
fn geojson_wrong_id_field_fails_fast_and_missing_population_is_noted() {
    let dir = Dir::new();
    let path = dir.file(
        "t.geojson",
        fc(&[feature("a", &square_lonlat(2.0, 47.0, 0.01))]),
    );
    let err = read_territories(&path, &FieldMap::new(TerritoryKind::Qpv, "code_qp")).unwrap_err();
    assert!(
        matches!(&err, Error::MissingField { location: Location::Feature(1), field, .. } if field == "code_qp")
    );

    let (t, r) = read_territories(
        &path,
        &FieldMap::new(TerritoryKind::Qpv, "code").population("population"),
    )
    .unwrap();
    assert_eq!(t[0].population, None);
    assert!(r.notes.contains(&Note::NoPopulation(1)), "{r}");
}

#[test]
fn a_clearly_wrong_large_file_fails_fast() {
    // 32 MB of CSV given as GeoJSON: the parser stops at the first byte.
    let dir = Dir::new();
    let mut big = String::from("code;lat;lon\n");
    while big.len() < 32 << 20 {
        big.push_str("75056;48.8566;2.3522\n");
    }
    let path = dir.file("big.geojson", &big);
    let err = read_territories(&path, &map()).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Format {
                location: Some(Location::Position { line: 1, column: 1 }),
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn population_table_join_counts_every_row_and_every_uncovered_territory() {
    use maillage::load::Sources;
    let dir = Dir::new();
    let qpv = dir.file(
        "qpv.geojson",
        format!(
            "{{\"type\":\"FeatureCollection\",\"features\":[{},{},{}]}}",
            feature("QN1", &square_lonlat(2.30, 48.85, 0.01)),
            feature("QN2", &square_lonlat(2.40, 48.85, 0.01)),
            feature("QN3", &square_lonlat(2.50, 48.85, 0.01)),
        ),
    );
    let table = dir.file(
        "pop.csv",
        "CODE QP;Population municipale\nQN1;1 200\nQN2;abc\nQN1;99\nQN9;40\n;7\n",
    );
    let inputs = Sources::new()
        .territories(&qpv, map())
        .population_table(&table, "code_qp", "population municipale")
        .load()
        .unwrap();
    let t = &inputs.territories;
    assert_eq!(
        t.iter().map(|t| t.population).collect::<Vec<_>>(),
        [Some(1200), Some(1234), Some(1234)],
        "the table replaces QN1's population; the others keep the file's"
    );
    let read = &inputs.reports[1];
    assert_eq!((read.read, read.kept), (5, 2), "{read}");
    assert_eq!(read.skipped_for(SkipReason::MalformedRow), 1, "QN2: abc");
    assert_eq!(read.skipped_for(SkipReason::DuplicateId), 1, "QN1 again");
    assert_eq!(read.skipped_for(SkipReason::MissingId), 1);
    let join = &inputs.reports[2];
    assert_eq!((join.read, join.kept), (2, 1), "{join}");
    assert_eq!(join.skipped_for(SkipReason::UnknownTerritory), 1, "QN9");
    assert!(
        join.notes
            .contains(&Note::NotInTable(vec!["QN2".into(), "QN3".into()]))
    );

    let err = Sources::new()
        .territories(&qpv, map())
        .population_table(&table, "code_qp", "pop_2020")
        .load()
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("missing required column \"pop_2020\""),
        "{err}"
    );
}

#[test]
fn outputs_never_follow_a_planted_symlink_and_never_leave_half_files() {
    use maillage::{Coverage, ServiceNetwork};
    let dir = Dir::new();
    let victim = dir.file("precious.txt", "keep me");
    let out = dir.0.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::os::unix::fs::symlink(&victim, out.join("coverage.csv")).unwrap();
    let network = ServiceNetwork::new(vec![]);
    let territories: Vec<maillage::Territory> = vec![];
    let report = Coverage::new(&network, &territories).run().unwrap();
    let err = report
        .write_csv(out.join("coverage.csv"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("symbolic link"), "{err}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    report.write_csv(out.join("fresh.csv")).unwrap();
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.ends_with(".tmp")), "{names:?}");
}

#[test]
fn commune_table_departements_are_checked_against_the_codes() {
    use maillage::read::read_communes_from;
    let polygons = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/demo/communes.geojson"
    ))
    .unwrap();
    let read = |table: &str| {
        read_communes_from(
            ("communes.geojson", polygons.as_slice()),
            Some(("table.csv", table.as_bytes())),
            None::<(&str, &[u8])>,
        )
        .unwrap()
    };
    // No dep column: the département comes from the code when it is a known one.
    let (_, reports) = read("code_insee,population\n75056,2000\n99001,100\n20004,10\n");
    let table = &reports[1];
    assert!(
        table.notes.contains(&Note::DepartementFromCode(1)),
        "{table}"
    );
    let bad = &table.skipped[&SkipReason::MalformedRow];
    assert_eq!(
        bad.count, 2,
        "99 (the demo's) and 20 (old Corsica) are not known départements"
    );
    // A dep that contradicts the code is refused, not trusted.
    let (communes, reports) = read("code_insee,dep,population\n99001,98,100\n99002,99,50\n");
    let table = &reports[1];
    assert_eq!((table.read, table.kept), (2, 1), "{table}");
    let c = communes.iter().find(|c| c.id == "99002").unwrap();
    assert_eq!(c.departement.as_deref(), Some("99"));
    assert_eq!(c.population, Some(50));
}

#[test]
fn a_geojson_with_a_byte_order_mark_is_read() {
    let dir = Dir::new();
    let text = format!(
        "\u{feff}{{\"type\":\"FeatureCollection\",\"features\":[{}]}}",
        feature("a", &square_lonlat(2.0, 47.0, 0.01))
    );
    let (t, r) = read_territories(dir.file("bom.geojson", text), &map()).unwrap();
    assert_eq!((t.len(), r.kept), (1, 1));
}

#[test]
fn a_point_on_a_territory_edge_is_inside_and_at_distance_zero_alike() {
    use geo_types::{MultiPolygon, polygon};
    use maillage::locate::TerritoryIndex;
    use maillage::{Coverage, Rule, Service, ServiceNetwork, ServicePoint, Territory, Zone};
    // A projected triangle with slanted edges and one north–south edge:
    // points interpolated along an edge are on it up to rounding, a few
    // nanometres either side. Each must be inside, at distance 0, and
    // located in the territory, all three or none.
    let (a, b, c) = (
        (652_469.022_709, 6_862_035.259_42),
        (652_469.022_709, 6_864_901.77),
        (655_000.5, 6_863_000.25),
    );
    let triangle = MultiPolygon(vec![polygon![
        (x: a.0, y: a.1), (x: b.0, y: b.1), (x: c.0, y: c.1), (x: a.0, y: a.1)
    ]]);
    let territories = vec![Territory::projected(
        "t",
        "triangle",
        TerritoryKind::Qpv,
        Zone::Metropole,
        triangle,
    )];
    let index = TerritoryIndex::new(&territories);
    let template = ServicePoint::at_lonlat("p", 2.3522, 48.8566)
        .unwrap()
        .offering(Service::Postal);
    let mut points = Vec::new();
    for (p, q) in [(a, b), (b, c), (c, a)] {
        for i in 0..=2_000 {
            let t = f64::from(i) / 2_000.0;
            let mut point = template.clone();
            point.id = format!("p{}", points.len());
            point.xy = geo_types::Coord {
                x: p.0 + t * (q.0 - p.0),
                y: p.1 + t * (q.1 - p.1),
            };
            points.push(point);
        }
    }
    let n = points.len();
    let located = points
        .iter()
        .filter(|p| index.locate(p.zone, p.xy).is_some())
        .count();
    let network = ServiceNetwork::new(points);
    let report = Coverage::new(&network, &territories)
        .rule_all(Rule::Inside)
        .services([Service::Postal])
        .run()
        .unwrap();
    let row = &report.rows()[0];
    assert_eq!(row.points_inside as usize, n);
    assert_eq!(located, n);
    assert_eq!(row.nearest.map(|m| m.distance_m), Some(0.0));
    // 1 cm off the north–south edge is outside, and so reported.
    let mut off = template.clone();
    off.xy = geo_types::Coord {
        x: a.0 - 0.01,
        y: 6_863_000.0,
    };
    assert_eq!(index.locate(off.zone, off.xy), None);
    let network = ServiceNetwork::new(vec![off]);
    let report = Coverage::new(&network, &territories)
        .rule_all(Rule::Inside)
        .services([Service::Postal])
        .run()
        .unwrap();
    let row = &report.rows()[0];
    assert_eq!(row.points_inside, 0);
    let d = row.nearest.map(|m| m.distance_m).unwrap();
    assert!((d - 0.01).abs() < 1e-6, "{d}");
}

#[test]
fn foreign_polygons_and_collection_members_are_named_as_such() {
    let dir = Dir::new();
    let line = "{\"type\":\"LineString\",\"coordinates\":[[2.0,47.0],[2.1,47.1]]}";
    let features = [
        // London and Geneva lie in the metropole's box, not on French land.
        feature("london", &square_lonlat(-0.13, 51.5, 0.01)),
        feature("geneva", &square_lonlat(6.14, 46.2, 0.005)),
        feature(
            "collection",
            &format!(
                "{{\"type\":\"GeometryCollection\",\"geometries\":[{},{line}]}}",
                square_lonlat(2.0, 47.0, 0.01)
            ),
        ),
        feature(
            "collection-ok",
            &format!(
                "{{\"type\":\"GeometryCollection\",\"geometries\":[{},{{\"type\":\"Polygon\",\"coordinates\":[]}}]}}",
                square_lonlat(2.0, 47.0, 0.01)
            ),
        ),
    ];
    let (t, r) = read_territories(dir.file("t.geojson", fc(&features)), &map()).unwrap();
    assert_eq!(t.len(), 1, "{r}");
    assert_eq!(t[0].id, "collection-ok");
    assert_eq!(
        skipped_at(&r, SkipReason::OutsideFrance),
        [Location::Feature(1), Location::Feature(2)]
    );
    let detail = |reason| {
        r.skipped[&reason].examples[0]
            .detail
            .clone()
            .unwrap_or_default()
    };
    let wrong = detail(SkipReason::WrongGeometryType);
    assert!(
        wrong.contains("GeometryCollection member 2 of 2") && wrong.contains("LineString"),
        "{wrong}"
    );
    assert!(
        detail(SkipReason::OutsideFrance).contains("French land"),
        "{r}"
    );
}

#[test]
fn points_abroad_inside_a_zone_box_are_skipped_as_outside_france() {
    let dir = Dir::new();
    let rows = "A1;PARIS;Bureau de Poste;75101;48.8566;2.3522;\n\
                A2;BRUXELLES;Bureau de Poste;75101;50.8503;4.3517;\n\
                A3;GENEVE;Bureau de Poste;75101;46.2044;6.1432;\n\
                A4;BARCELONA;Bureau de Poste;75101;41.3851;2.1734;\n\
                A5;MILANO;Bureau de Poste;75101;45.4642;9.19;\n\
                A6;LONDON;Bureau de Poste;75101;51.5072;-0.1276;\n\
                A7;MARIGOT;Bureau de Poste;97801;18.0708;-63.0822;\n";
    let (points, r) = read_la_poste(la_poste(&dir, rows)).unwrap();
    assert_eq!(points.len(), 2, "{r}");
    assert_eq!(
        skipped_at(&r, SkipReason::OutsideFrance),
        [2, 3, 4, 5, 6].map(|i| Location::Line(i + 1))
    );
}

/// A feature of commune 36001: a 0.01° square from (`west`, `south`),
/// its ring wound clockwise or not.
fn commune_part(west: f64, south: f64, clockwise: bool) -> String {
    let mut ring = [
        (west, south),
        (west + 0.01, south),
        (west + 0.01, south + 0.01),
        (west, south + 0.01),
        (west, south),
    ];
    if clockwise {
        ring.reverse();
    }
    let coords: Vec<String> = ring.iter().map(|(x, y)| format!("[{x},{y}]")).collect();
    format!(
        "{{\"type\":\"Feature\",\"properties\":{{\"code_insee\":\"36001\",\"nom\":\"Deux-Moitiés\"}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[[{}]]}}}}",
        coords.join(",")
    )
}

/// A commune split over two features whose rings are wound in opposite
/// directions (RFC 7946 asks for counter-clockwise outer rings; many files
/// do not care): both halves are kept in the dissolved commune. A union
/// that took the first ring's winding for all (geo's `unary_union`) kept
/// only the west half.
#[test]
fn commune_parts_wound_either_way_are_dissolved_whole() {
    use geo::Area;
    use maillage::read::read_communes_from;
    let half = |west: f64, clockwise: bool| commune_part(west, 46.0, clockwise);
    let read = |features: [String; 2]| {
        let text = fc(&features);
        let (communes, reports) = read_communes_from(
            ("communes.geojson", text.as_bytes()),
            None::<(&str, &[u8])>,
            None::<(&str, &[u8])>,
        )
        .unwrap();
        assert_eq!(communes.len(), 1);
        assert!(
            reports[0].notes.contains(&Note::Dissolved {
                polygons: 2,
                communes: 1
            }),
            "{}",
            reports[0]
        );
        communes[0].geometry.unsigned_area()
    };
    let both_ccw = read([half(2.0, false), half(2.01, false)]);
    let mixed = read([half(2.0, false), half(2.01, true)]);
    // 0.02° × 0.01° at 46° N in Lambert-93: 1,718,747.160 m² (pyproj and
    // Shapely on the same six vertices; the union's grid moves vertices by
    // micrometres); the west half alone is about half of it.
    assert!((both_ccw - 1_718_747.160).abs() < 0.01, "{both_ccw}");
    assert!((mixed - both_ccw).abs() < 1e-3, "{mixed} vs {both_ccw}");
}

/// Parts of one commune in two zones (a metropolitan square and one in
/// Réunion under the same code): the first is kept, the other skipped as
/// spanning two zones at its feature; nothing is dissolved.
#[test]
fn commune_parts_in_two_zones_are_a_counted_skip() {
    use maillage::read::read_communes_from;
    let text = fc(&[
        commune_part(2.0, 46.0, false),
        commune_part(55.45, -20.95, false),
    ]);
    let (communes, reports) = read_communes_from(
        ("communes.geojson", text.as_bytes()),
        None::<(&str, &[u8])>,
        None::<(&str, &[u8])>,
    )
    .unwrap();
    let r = &reports[0];
    assert_eq!(communes.len(), 1);
    assert_eq!(communes[0].zone, maillage::Zone::Metropole);
    assert_eq!((r.read, r.kept), (2, 1), "{r}");
    assert_eq!(
        skipped_at(r, SkipReason::SpansZones),
        [Location::Feature(2)]
    );
    let detail = r.skipped[&SkipReason::SpansZones].examples[0]
        .detail
        .clone();
    assert!(
        detail.as_deref().is_some_and(|d| d.contains("two zones")),
        "{detail:?}"
    );
    assert!(
        !r.notes.iter().any(|n| matches!(n, Note::Dissolved { .. })),
        "{r}"
    );
}
