//! The `maillage` binary on the demo data, and its error messages.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn demo(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/demo")
        .join(name)
}

fn maillage(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_maillage"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn coverage_on_the_demo_writes_the_documented_outputs() {
    let out = tempfile::tempdir().unwrap();
    let o = maillage(&[
        "coverage",
        "--points",
        demo("points.csv").to_str().unwrap(),
        "--partners",
        demo("partners.csv").to_str().unwrap(),
        "--assignments",
        demo("assignments.csv").to_str().unwrap(),
        "--territories",
        demo("qpv.geojson").to_str().unwrap(),
        "--kind",
        "qpv",
        "--service",
        "postal",
        "--service",
        "mediation",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    let stderr = text(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    // stderr is a pipe here: no progress spinner, no carriage return.
    assert!(
        !stderr.contains('\r') && !stderr.contains("reading the inputs"),
        "{stderr}"
    );
    assert!(out.path().join("report.html").is_file());
    // The demo's points.csv has 41 rows, the last one without coordinates;
    // assignments.csv names one site that does not exist, on its line 5.
    assert!(
        stderr.contains("points.csv: 41 read, 40 kept, 1 skipped"),
        "{stderr}"
    );
    assert!(
        stderr.contains("missing coordinates: line 42 [DEMO041]"),
        "{stderr}"
    );
    assert!(
        stderr.contains("unknown site id: line 5 [DEMO-INCONNU]"),
        "{stderr}"
    );
    let stdout = text(&o.stdout);
    assert!(
        stdout.contains("qpv × postal: 4 territories, 3 served, 1 unserved"),
        "{stdout}"
    );

    let csv = std::fs::read_to_string(out.path().join("coverage.csv")).unwrap();
    let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(
        &rows[0][..8],
        [
            "territory_id",
            "name",
            "kind",
            "departement",
            "population",
            "service",
            "rule",
            "radius_m"
        ]
    );
    assert_eq!(rows.len(), 1 + 4 * 2, "one row per QPV and service");
    let get = |id: &str, service: &str| {
        rows.iter()
            .find(|r| r[0] == id && r[5] == service)
            .unwrap()
            .clone()
    };
    // Les Tilleuls holds the office assigned mediation (DEMO002) and the mediation association.
    let tilleuls = get("QN09901M", "mediation");
    assert_eq!(
        (tilleuls[8], tilleuls[10], tilleuls[14]),
        ("2", "0.00", "true")
    );
    // Le Moulin has no office within 500 m: the nearest is the city's north office.
    let moulin = get("QN09903M", "postal");
    assert_eq!(
        (moulin[8], moulin[11], moulin[14]),
        ("0", "DEMO004", "false")
    );
    let d: f64 = moulin[10].parse().unwrap();
    assert!(d > 1000.0 && d < 2000.0, "{d}");

    let gaps: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("gaps.geojson")).unwrap())
            .unwrap();
    let features = gaps["features"].as_array().unwrap();
    assert_eq!(features.len(), 4, "1 postal gap + 3 mediation gaps");
    assert_eq!(features[0]["properties"]["territory_id"], "QN09903M");
    assert_eq!(features[0]["properties"]["rank"], 1);
    // Geometry is written back in lon/lat: the first vertex is the input's, to 1e-7°.
    let input: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(demo("qpv.geojson")).unwrap()).unwrap();
    let moulin_in = input["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["code_qp"] == "QN09903M")
        .unwrap();
    for k in 0..2 {
        let expected = moulin_in["geometry"]["coordinates"][0][0][k]
            .as_f64()
            .unwrap();
        let got = features[0]["geometry"]["coordinates"][0][0][0][k]
            .as_f64()
            .unwrap();
        assert!((got - expected).abs() <= 1e-7, "{got} vs {expected}");
    }
}

#[test]
fn unreadable_file_is_a_one_line_error_naming_it() {
    let out = tempfile::tempdir().unwrap();
    let o = maillage(&[
        "coverage",
        "--points",
        "/nonexistent/points.csv",
        "--territories",
        demo("qpv.geojson").to_str().unwrap(),
        "--kind",
        "qpv",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = text(&o.stderr);
    assert_eq!(stderr.lines().count(), 2, "{stderr}"); // "── loading" then the error
    assert!(
        stderr.contains("maillage: error: /nonexistent/points.csv: No such file"),
        "{stderr}"
    );
}

#[test]
fn wrong_id_field_is_named() {
    let out = tempfile::tempdir().unwrap();
    let o = maillage(&[
        "coverage",
        "--points",
        demo("points.csv").to_str().unwrap(),
        "--territories",
        demo("qpv.geojson").to_str().unwrap(),
        "--id-field",
        "code_iris",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = text(&o.stderr);
    assert!(
        stderr.contains("feature #1: missing required property \"code_iris\""),
        "{stderr}"
    );
}

#[test]
fn bad_arguments_are_usage_errors() {
    let o = maillage(&[
        "coverage",
        "--points",
        "x.csv",
        "--service",
        "bakery",
        "--out",
        "o",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("invalid value 'bakery' for '--service <SERVICE>'"),
        "{}",
        text(&o.stderr)
    );

    let out = tempfile::tempdir().unwrap();
    let o = maillage(&[
        "coverage",
        "--points",
        demo("points.csv").to_str().unwrap(),
        "--territories",
        demo("qpv.geojson").to_str().unwrap(),
        "--kind",
        "qpv",
        "--radius-m=-5",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("invalid coverage radius: must be a finite number of metres"));

    let o = maillage(&["coverage", "--points", "x.csv", "--out", "o"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("--territories"));
}

#[test]
fn access_on_the_demo_writes_departements_with_a_national_row() {
    let out = tempfile::tempdir().unwrap();
    let o = maillage(&[
        "access",
        "--points",
        demo("points.csv").to_str().unwrap(),
        "--communes",
        demo("communes.geojson").to_str().unwrap(),
        "--population",
        demo("communes.csv").to_str().unwrap(),
        "--model",
        "grid:200",
        "--minutes",
        "20",
        "--by",
        demo("qpv.geojson").to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    let stdout = text(&o.stdout);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        stdout.contains("farther than 5000 m and 20 min"),
        "{stdout}"
    );
    assert!(stdout.contains("crow-flies estimate"), "{stdout}");
    // The report: every demo commune drawn as its own element, the tables
    // sortable and filterable.
    let html = std::fs::read_to_string(out.path().join("report.html")).unwrap();
    let communes = std::fs::read_to_string(demo("communes.csv"))
        .unwrap()
        .lines()
        .count()
        - 1;
    assert_eq!(html.matches("data-layer=\"communes\"").count(), communes);
    assert_eq!(html.matches("<input class=\"filter\"").count(), 2);
    let csv = std::fs::read_to_string(out.path().join("departements.csv")).unwrap();
    let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(
        &rows[0][..5],
        [
            "dep",
            "population",
            "population_beyond",
            "share_beyond",
            "compliant"
        ]
    );
    assert_eq!(rows.len(), 3, "header, département 99, FR");
    let table = std::fs::read_to_string(demo("communes.csv")).unwrap();
    let total: u64 = table
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(3).unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(
        (rows[1][0], rows[1][1].parse::<u64>().unwrap()),
        ("99", total),
        "every inhabitant of the table is placed"
    );
    assert_eq!(rows[2][0], "FR");
    let territories = std::fs::read_to_string(out.path().join("territories.csv")).unwrap();
    assert_eq!(territories.lines().count(), 5, "header and one row per QPV");

    let o = maillage(&[
        "access",
        "--points",
        demo("points.csv").to_str().unwrap(),
        "--communes",
        demo("communes.geojson").to_str().unwrap(),
        "--population",
        demo("communes.csv").to_str().unwrap(),
        "--model",
        "voronoi",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "a bad value is a usage error");
    assert!(
        text(&o.stderr)
            .contains("\"voronoi\" is not centroid, grid, grid:<metres> or filosofi:<csv>"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn access_communes_csv_carries_density_and_frr_classes() {
    let dir = tempfile::tempdir().unwrap();
    let frr = dir.path().join("frr.csv");
    let out = tempfile::tempdir().unwrap();
    std::fs::write(
        &frr,
        "code_insee,codefrr,classement_frr,classee_frr\n99002,4,FRR,1\n",
    )
    .unwrap();
    let o = maillage(&[
        "access",
        "--points",
        demo("points.csv").to_str().unwrap(),
        "--communes",
        demo("communes.geojson").to_str().unwrap(),
        "--population",
        demo("communes.csv").to_str().unwrap(),
        "--frr",
        frr.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let csv = std::fs::read_to_string(out.path().join("communes.csv")).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    assert_eq!(
        &header[9..],
        ["grille_densite", "classement_frr", "classee_frr"]
    );
    let row = csv.lines().find(|l| l.starts_with("99002,")).unwrap();
    assert!(row.ends_with(",FRR,1"), "{row}");
    let city = csv.lines().find(|l| l.starts_with("99001,")).unwrap();
    assert!(
        city.ends_with(",2,,"),
        "the city: density class 2, no FRR row: {city}"
    );
}

fn plan_args<'a>(out: &'a str, extra: &[&'a str]) -> Vec<String> {
    let mut args: Vec<String> = [
        "plan",
        "--points",
        demo("points.csv").to_str().unwrap(),
        "--assignments",
        demo("assignments.csv").to_str().unwrap(),
        "--territories",
        demo("qpv.geojson").to_str().unwrap(),
        "--kind",
        "qpv",
        "--service",
        "mediation",
        "--out",
        out,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

fn run(args: &[String]) -> Output {
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    maillage(&refs)
}

#[test]
fn plan_on_the_demo_writes_sites_plan_and_impact() {
    let out = tempfile::tempdir().unwrap();
    let o = run(&plan_args(
        out.path().to_str().unwrap(),
        &[
            "--candidates",
            "bureau_de_poste",
            "--add",
            "2",
            "--weight",
            "count",
        ],
    ));
    assert!(o.status.success(), "{}", text(&o.stderr));
    let sites = std::fs::read_to_string(out.path().join("sites.csv")).unwrap();
    let mut lines = sites.lines();
    assert_eq!(
        lines.next().unwrap(),
        "rank,site_id,name,kind,departement,lon,lat,gain,covered,objective,services"
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0][0], "1");
    assert_eq!(rows[0][3], "bureau_de_poste");
    assert_ne!(
        rows[0][1], "DEMO002",
        "an existing host is never a candidate"
    );
    let plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("plan.json")).unwrap())
            .unwrap();
    let objective = plan["objective"].as_f64().unwrap();
    assert!(plan["upper_bound"].as_f64().unwrap() >= objective);
    assert_eq!(plan["existing_hosts"], 1, "DEMO002 runs mediation");
    assert!(plan["load_reports"].as_array().unwrap().len() >= 3);
    assert!(out.path().join("impact.csv").is_file());
    let svg = std::fs::read_to_string(out.path().join("plan.svg")).unwrap();
    assert!(
        svg.contains("reached by the new sites"),
        "before and after in the legend"
    );
    let html = std::fs::read_to_string(out.path().join("plan.html")).unwrap();
    assert!(html.contains("New sites for mediation"));
}

#[test]
fn plans_that_cannot_run_say_why() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().to_str().unwrap();
    let cases: [(&[&str], &str); 6] = [
        (
            &["--candidates", "bureau_de_poste", "--add", "0"],
            "at least 1",
        ),
        (
            &["--candidates", "bureau_de_poste", "--add", "99"],
            "there are only",
        ),
        (
            &["--candidates", "agence_postale_militaire", "--add", "1"],
            "no candidate: agence_postale_militaire",
        ),
        (
            &[
                "--candidates",
                "bureau_de_poste",
                "--add",
                "1",
                "--radius-m",
                "0",
            ],
            "must be finite and > 0",
        ),
        (
            &[
                "--candidates",
                "bureau_de_poste",
                "--add",
                "1",
                "--radius-m",
                "NaN",
            ],
            "must be finite and > 0",
        ),
        (
            &["--candidates", "bakeries", "--add", "1"],
            "is not a list of point kinds",
        ),
    ];
    for (extra, message) in cases {
        let o = run(&plan_args(dir, extra));
        assert!(!o.status.success(), "{extra:?} succeeded");
        assert!(
            text(&o.stderr).contains(message),
            "{extra:?}: {}",
            text(&o.stderr)
        );
    }
    let close = out.path().join("in").join("close.csv");
    std::fs::create_dir_all(close.parent().unwrap()).unwrap();
    std::fs::write(&close, "site_id\nDEMO001\nNOPE9\n").unwrap();
    let o = run(&plan_args(
        out.path().join("o").to_str().unwrap(),
        &[
            "--candidates",
            "bureau_de_poste",
            "--add",
            "1",
            "--close",
            close.to_str().unwrap(),
        ],
    ));
    assert!(
        text(&o.stderr).contains("1 unknown site id(s) of 2: NOPE9"),
        "{}",
        text(&o.stderr)
    );
    let o = run(&plan_args(dir, &["--candidates", "bureau_de_poste"]));
    assert!(
        text(&o.stderr).contains("give a goal"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn comply_when_every_departement_complies_says_so() {
    let out = tempfile::tempdir().unwrap();
    let o = maillage(&[
        "plan",
        "--points",
        demo("points.csv").to_str().unwrap(),
        "--communes",
        demo("communes.geojson").to_str().unwrap(),
        "--population",
        demo("communes.csv").to_str().unwrap(),
        "--model",
        "centroid",
        "--service",
        "postal",
        "--candidates",
        "communes",
        "--comply",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("every département already complies"),
        "{}",
        text(&o.stdout)
    );
    let sites = std::fs::read_to_string(out.path().join("sites.csv")).unwrap();
    assert_eq!(sites.lines().count(), 1, "the header only");
}

#[test]
fn a_grid_too_fine_for_memory_is_refused_before_any_work() {
    let out = tempfile::tempdir().unwrap();
    let (points, communes, table) = (
        demo("points.csv"),
        demo("communes.geojson"),
        demo("communes.csv"),
    );
    for (command, model) in [("access", "grid:1"), ("plan", "grid:4")] {
        let mut args = vec![
            command,
            "--points",
            points.to_str().unwrap(),
            "--communes",
            communes.to_str().unwrap(),
            "--population",
            table.to_str().unwrap(),
            "--model",
            model,
            "--out",
            out.path().to_str().unwrap(),
        ];
        if command == "plan" {
            args.extend([
                "--service",
                "postal",
                "--candidates",
                "communes",
                "--add",
                "1",
            ]);
        }
        let o = maillage(&args);
        assert_eq!(o.status.code(), Some(1), "{command} {model}");
        let err = text(&o.stderr);
        assert!(
            err.contains("invalid grid cell size") && err.contains("use cells of at least"),
            "{err}"
        );
    }
}

fn coverage_run(out: &Path, radius: &str) {
    let o = maillage(&[
        "coverage",
        "--points",
        demo("points.csv").to_str().unwrap(),
        "--territories",
        demo("qpv.geojson").to_str().unwrap(),
        "--kind",
        "qpv",
        "--service",
        "postal",
        "--radius-m",
        radius,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
}

#[test]
fn compare_writes_the_changes_and_refuses_what_cannot_be_compared() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        dir.path().join("a"),
        dir.path().join("b"),
        dir.path().join("c"),
    );
    coverage_run(&a, "500");
    coverage_run(&b, "500");
    coverage_run(&c, "800");
    let out = dir.path().join("out");
    let args = |before: &Path, after: &Path| {
        vec![
            "compare".to_owned(),
            "--before".into(),
            before.display().to_string(),
            "--after".into(),
            after.display().to_string(),
            "--out".into(),
            out.display().to_string(),
        ]
    };
    let o = run(&args(&a, &b));
    assert!(o.status.success(), "{}", text(&o.stderr));
    let changes = std::fs::read_to_string(out.join("changes.csv")).unwrap();
    assert_eq!(changes.lines().count(), 5, "header and the 4 QPV");
    assert!(
        text(&o.stdout).contains("unchanged: 4"),
        "{}",
        text(&o.stdout)
    );

    let o = run(&args(&a, &c));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr)
            .contains("measured with different rules: before within 500 m, after within 800 m"),
        "{}",
        text(&o.stderr)
    );
    let o = run(&args(&a, &dir.path().join("nowhere")));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("coverage.csv"),
        "{}",
        text(&o.stderr)
    );
    let o = maillage(&["compare", "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("give --before and --after"),
        "{}",
        text(&o.stderr)
    );
    let o = maillage(&["compare", "--before", a.to_str().unwrap(), "--out", "x"]);
    assert_eq!(o.status.code(), Some(2), "--before needs --after");
}

#[test]
fn a_population_table_without_its_column_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("pop.csv");
    std::fs::write(&table, "code_qp,habitants\nDEMO-QPV-1,100\n").unwrap();
    let o = maillage(&[
        "coverage",
        "--points",
        demo("points.csv").to_str().unwrap(),
        "--territories",
        demo("qpv.geojson").to_str().unwrap(),
        "--kind",
        "qpv",
        "--population-table",
        table.to_str().unwrap(),
        "--out",
        dir.path().join("out").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("missing required column \"population\""),
        "{}",
        text(&o.stderr)
    );
}

/// A Lambert-93 GeoJSON without its `crs` member: an error that says to
/// give the CRS; with `--crs EPSG:2154`, the same summary as the original.
/// Writes to `to` the GeoJSON at `path` with every position in Lambert-93
/// metres, and no `crs` member to say so.
fn write_lambert93_without_crs(path: &Path, to: &Path) {
    let crs = maillage::Crs::Zone(maillage::Zone::Metropole);
    let text = common::reprojected(&std::fs::read(path).unwrap(), crs, false);
    std::fs::write(to, text).unwrap();
}

/// Commune polygons in Lambert-93 that do not say so: an error naming
/// `--communes-crs`; with it, the same départements as from the lon/lat
/// original.
#[test]
fn access_takes_the_crs_of_commune_polygons_that_do_not_declare_it() {
    let dir = tempfile::tempdir().unwrap();
    let bare = dir.path().join("communes_l93.geojson");
    write_lambert93_without_crs(&demo("communes.geojson"), &bare);
    let access = |communes: &Path, crs: Option<&str>, out: &str| {
        let mut a = vec![
            "access".to_owned(),
            "--points".into(),
            demo("points.csv").display().to_string(),
            "--communes".into(),
            communes.display().to_string(),
            "--population".into(),
            demo("communes.csv").display().to_string(),
            "--out".into(),
            dir.path().join(out).display().to_string(),
        ];
        if let Some(c) = crs {
            a.extend(["--communes-crs".to_owned(), c.to_owned()]);
        }
        run(&a)
    };
    let o = access(&bare, None, "bare");
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.contains("communes_l93.geojson") && err.contains("--communes-crs"),
        "{err}"
    );
    let given = access(&bare, Some("EPSG:2154"), "given");
    assert!(given.status.success(), "{}", text(&given.stderr));
    let original = access(&demo("communes.geojson"), None, "original");
    assert!(original.status.success(), "{}", text(&original.stderr));
    let table =
        |out: &str| std::fs::read_to_string(dir.path().join(out).join("departements.csv")).unwrap();
    assert_eq!(table("given"), table("original"));
    assert!(table("given").lines().count() > 1);
}

#[test]
fn coverage_takes_the_crs_of_a_file_that_does_not_declare_it() {
    let dir = tempfile::tempdir().unwrap();
    let bare = dir.path().join("qpv_l93.geojson");
    write_lambert93_without_crs(&demo("qpv.geojson"), &bare);
    let args = |territories: &Path, crs: Option<&str>| {
        let mut a = vec![
            "coverage".to_owned(),
            "--points".into(),
            demo("points.csv").display().to_string(),
            "--territories".into(),
            territories.display().to_string(),
            "--kind".into(),
            "qpv".into(),
            "--out".into(),
            dir.path().join("out").display().to_string(),
        ];
        if let Some(c) = crs {
            a.extend(["--crs".to_owned(), c.to_owned()]);
        }
        a
    };
    let o = run(&args(&bare, None));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("give the CRS (`--crs EPSG:2154`"),
        "{}",
        text(&o.stderr)
    );
    let given = run(&args(&bare, Some("EPSG:2154")));
    assert!(given.status.success(), "{}", text(&given.stderr));
    let original = run(&args(&demo("qpv.geojson"), None));
    let summary = |o: &Output| {
        text(&o.stdout)
            .lines()
            .filter(|l| l.starts_with("qpv ×"))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert!(!summary(&original).is_empty());
    assert_eq!(summary(&given), summary(&original));
    let o = run(&args(&bare, Some("EPSG:27572")));
    assert_eq!(o.status.code(), Some(2), "clap refuses an unknown CRS");
    assert!(text(&o.stderr).contains("is not a CRS maillage reads"));
}

/// GeoParquet outputs of coverage, access and plan: the CSV's columns (codes
/// kept as text), then a WKB `geometry` column described by `geo`
/// metadata, one row per CSV row.
// Read back (or written) by polars: an independent Parquet implementation.
#[cfg(all(feature = "geoparquet", feature = "polars"))]
#[test]
fn geoparquet_outputs_carry_the_csv_columns_and_a_geometry() {
    use polars::prelude::*;
    let read = |path: &Path| {
        let mut reader = ParquetReader::new(std::fs::File::open(path).unwrap());
        let geo = reader
            .get_metadata()
            .unwrap()
            .key_value_metadata()
            .as_ref()
            .and_then(|kv| {
                kv.iter()
                    .find(|k| k.key == "geo")
                    .and_then(|k| k.value.clone())
            })
            .expect("geo metadata");
        (reader.finish().unwrap(), geo)
    };
    let csv_header = |path: &Path| {
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .split(',')
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let columns = |df: &DataFrame| {
        df.get_column_names()
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
    };
    let out = tempfile::tempdir().unwrap();
    let access = out.path().join("access");
    let o = maillage(&[
        "access",
        "--points",
        demo("points.csv").to_str().unwrap(),
        "--communes",
        demo("communes.geojson").to_str().unwrap(),
        "--population",
        demo("communes.csv").to_str().unwrap(),
        "--geoparquet",
        "--out",
        access.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let (df, geo) = read(&access.join("communes.parquet"));
    let mut expected = csv_header(&access.join("communes.csv"));
    // Polygons carry their box as a GeoParquet 1.1 `bbox` covering column.
    expected.push("geometry".into());
    expected.push("bbox".into());
    assert_eq!(columns(&df), expected);
    let rows = std::fs::read_to_string(access.join("communes.csv"))
        .unwrap()
        .lines()
        .count()
        - 1;
    assert_eq!(df.height(), rows);
    assert_eq!(df.column("dep").unwrap().dtype(), &DataType::String);
    assert!(
        geo.contains("\"MultiPolygon\"") && geo.contains("\"WKB\""),
        "{geo}"
    );
    // The communes read back as territories: every one, in the demo's place.
    let (back, _) = maillage::read::read_territories(
        access.join("communes.parquet"),
        &maillage::FieldMap::new(maillage::TerritoryKind::Commune, "id"),
    )
    .unwrap();
    assert_eq!(back.len(), rows);

    let plan = out.path().join("plan");
    let o = run(&plan_args(
        plan.to_str().unwrap(),
        &[
            "--candidates",
            "bureau_de_poste",
            "--add",
            "2",
            "--geoparquet",
        ],
    ));
    assert!(o.status.success(), "{}", text(&o.stderr));
    let (df, geo) = read(&plan.join("sites.parquet"));
    let mut expected = csv_header(&plan.join("sites.csv"));
    expected.push("geometry".into());
    assert_eq!(columns(&df), expected);
    assert_eq!(df.height(), 2);
    assert!(geo.contains("\"Point\""), "{geo}");
}
