//! The thin `maillage` binary over `maillage::command`: the same bytes as
//! the binary before the commands moved into the library, and output
//! folders that never mix two runs.
//!
//! The expected FNV-1a 64 hashes and sizes were recorded from the outputs
//! of the binary before the move (the same commands on the embedded data);
//! stdout and stderr are compared with the output folder written `OUT` and
//! the repository `REPO`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const REPO: &str = env!("CARGO_MANIFEST_DIR");

fn maillage(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_maillage"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// What `maillage` wrote before its commands moved into the library
/// (`bdr_cov/report.html` left out: its polygons' starting vertices vary
/// from run to run, before the move as after; see the test), since
/// changed only by the `status` column of the coverage outputs, the
/// reports' script (a `no_data` result, text cells in numeric sorts), and
/// the evidence line of each service (coverage's printed summary and the
/// report's summary table), and the reports' tables (numbers for French
/// readers with their values kept, a CSV download button) and style sheet.
const EXPECTED: &[(&str, u64, usize)] = &[
    ("bdr_acc.stderr", 0xa3f7c622c63b9bbe, 705),
    ("bdr_acc.stdout", 0x0534ad2570f2ef65, 554),
    ("bdr_acc/communes.csv", 0xa8f8d64d8a7ac615, 8474),
    ("bdr_acc/departements.csv", 0x908d434506407690, 345),
    ("bdr_acc/report.html", 0xff4ee7425e58362f, 50138),
    ("bdr_acc/territories.csv", 0x1f89a901387429f8, 4636),
    ("bdr_cov.stderr", 0xf86ca9b20e3d0576, 1220),
    ("bdr_cov.stdout", 0xf55d3c64870efe67, 2559),
    ("bdr_cov/coverage.csv", 0xe2195f1d7774e771, 55173),
    ("bdr_cov/gaps.csv", 0xae8fbe57e45ea072, 14892),
    ("bdr_cov/gaps.geojson", 0x122c815ad7e13728, 157952),
    ("bdr_map.html", 0x08f52f09c5ac6c1d, 36244),
    ("bdr_map.png", 0xbb68e79824649b8d, 223934),
    ("bdr_map.stderr", 0x9a01e609e25e3daf, 340),
    ("bdr_map.stdout", 0x153d114f8cda984d, 22),
    ("bdr_map_html.stderr", 0x555ef7feeaaa0e0a, 54),
    ("bdr_map_html.stdout", 0xb0152239de5adcd7, 23),
    ("demo_acc.stderr", 0xf9617c95cb6f6967, 329),
    ("demo_acc.stdout", 0xe7f92bd2b5a0591f, 555),
    ("demo_acc/communes.csv", 0x68177be174e921e6, 4148),
    ("demo_acc/departements.csv", 0x05c285c9fa8efc7a, 323),
    ("demo_acc/report.html", 0x9dc01a9b8f930927, 35297),
    ("demo_acc/territories.csv", 0xbea57da561ac6e41, 401),
    ("demo_cov.stderr", 0x76c2a65ae92bc2df, 490),
    ("demo_cov.stdout", 0x375fbd2862ff34fc, 837),
    ("demo_cov/coverage.csv", 0x09882f904df7f29f, 1260),
    ("demo_cov/coverage.geojson", 0xfee34463be94f3ca, 4348),
    ("demo_cov/gaps.csv", 0x35998c35ef9005ce, 736),
    ("demo_cov/gaps.geojson", 0x84026d96587a4a38, 2240),
    ("demo_cov/report.html", 0xf94261de11375a19, 35753),
    ("demo_files.stderr", 0xcbf29ce484222325, 0),
    ("demo_files.stdout", 0xede1ab52c2244707, 55),
    ("demo_files/README.md", 0x8e9a006268673d2b, 1276),
    ("demo_files/assignments.csv", 0x4b4a34391b11217f, 109),
    ("demo_files/communes.csv", 0xee4d78d463fa1e60, 2436),
    ("demo_files/communes.geojson", 0xa660d713770c0132, 17385),
    ("demo_files/departement.geojson", 0xf1705cd8ed7c404b, 843),
    ("demo_files/partners.csv", 0x74fcb583e5c42756, 701),
    ("demo_files/points.csv", 0x5cd12819489272a8, 4131),
    ("demo_files/qpv.geojson", 0x808f15d0b9f98805, 1155),
    ("demo_map.stderr", 0x6bfa819c018ba7f9, 322),
    ("demo_map.stdout", 0xa56261b54a7fc4e1, 23),
    ("demo_map.svg", 0x68407f1efc485dfb, 5203),
];

/// Runs `args` (with `{D}` the demo folder, `{M}` the Bouches-du-Rhône
/// extract, `{O}` the output folder), keeping stdout and stderr as
/// `{O}/<name>.stdout` and `.stderr` with the paths normalised.
fn record(out: &Path, name: &str, args: &[&str]) {
    let d = format!("{REPO}/data/demo");
    let m = format!("{REPO}/data/bouches-du-rhone");
    let o = out.display().to_string();
    let args: Vec<String> = args
        .iter()
        .map(|a| a.replace("{D}", &d).replace("{M}", &m).replace("{O}", &o))
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = maillage(&args);
    assert!(
        run.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    for (ext, bytes) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        let text = String::from_utf8_lossy(bytes)
            .replace(&o, "OUT")
            .replace(REPO, "REPO");
        std::fs::write(out.join(format!("{name}.{ext}")), text).unwrap();
    }
}

/// Every visible file under `dir` (relative path → bytes).
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut all = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                all.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    all
}

#[test]
fn coverage_access_map_and_demo_write_the_bytes_they_wrote_before() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    record(
        out,
        "demo_cov",
        &[
            "coverage",
            "--points",
            "{D}/points.csv",
            "--partners",
            "{D}/partners.csv",
            "--assignments",
            "{D}/assignments.csv",
            "--territories",
            "{D}/qpv.geojson",
            "--kind",
            "qpv",
            "--service",
            "postal",
            "--service",
            "mediation",
            "--all-geojson",
            "--out",
            "{O}/demo_cov",
        ],
    );
    record(
        out,
        "demo_acc",
        &[
            "access",
            "--points",
            "{D}/points.csv",
            "--communes",
            "{D}/communes.geojson",
            "--population",
            "{D}/communes.csv",
            "--model",
            "grid:200",
            "--minutes",
            "20",
            "--by",
            "{D}/qpv.geojson",
            "--out",
            "{O}/demo_acc",
        ],
    );
    record(
        out,
        "demo_map",
        &[
            "map",
            "--coverage",
            "{O}/demo_cov",
            "--territories",
            "{D}/departement.geojson",
            "--points",
            "{D}/points.csv",
            "--service",
            "mediation",
            "--view",
            "dep:99",
            "--out",
            "{O}/demo_map.svg",
        ],
    );
    record(out, "demo_files", &["demo", "--out", "{O}/demo_files"]);
    record(
        out,
        "bdr_cov",
        &[
            "coverage",
            "--points",
            "{M}/points_de_contact.csv",
            "--partners",
            "{M}/france_services.csv",
            "--partners",
            "{M}/conseillers_numeriques.geojson",
            "--territories",
            "{M}/qpv.geojson",
            "--kind",
            "qpv",
            "--communes",
            "{M}/communes.geojson",
            "--commune-table",
            "{M}/communes.csv",
            "--frr",
            "{M}/frr.csv",
            "--service",
            "postal",
            "--service",
            "france_services",
            "--view",
            "dep:13",
            "--outlines",
            "{M}/departement.geojson",
            "--out",
            "{O}/bdr_cov",
        ],
    );
    record(
        out,
        "bdr_acc",
        &[
            "access",
            "--points",
            "{M}/points_de_contact.csv",
            "--communes",
            "{M}/communes.geojson",
            "--population",
            "{M}/communes.csv",
            "--frr",
            "{M}/frr.csv",
            "--model",
            "grid",
            "--minutes",
            "20",
            "--by",
            "{M}/qpv.geojson",
            "--out",
            "{O}/bdr_acc",
        ],
    );
    record(
        out,
        "bdr_map",
        &[
            "map",
            "--coverage",
            "{O}/bdr_cov",
            "--territories",
            "{M}/departement.geojson",
            "--points",
            "{M}/points_de_contact.csv",
            "--view",
            "dep:13",
            "--title",
            "Bouches-du-Rhone",
            "--out",
            "{O}/bdr_map.png",
        ],
    );
    record(
        out,
        "bdr_map_html",
        &[
            "map",
            "--coverage",
            "{O}/bdr_cov",
            "--service",
            "france_services",
            "--out",
            "{O}/bdr_map.html",
        ],
    );
    let mut got = files(out);
    // The one file whose bytes vary between runs of the same binary: the
    // same 384 territories drawn, with rings that start at another vertex.
    let report = got.remove("bdr_cov/report.html").unwrap();
    assert_eq!(
        String::from_utf8_lossy(&report)
            .matches("data-territory-id=")
            .count(),
        384
    );
    let manifests: Vec<String> = got
        .keys()
        .filter(|k| k.ends_with(".maillage-run.json"))
        .cloned()
        .collect();
    assert_eq!(manifests.len(), 6, "{manifests:?}: one per folder written");
    for m in &manifests {
        got.remove(m);
    }
    let got: Vec<(String, u64, usize)> = got
        .iter()
        .map(|(k, v)| (k.clone(), fnv1a(v), v.len()))
        .collect();
    let expected: Vec<(String, u64, usize)> = EXPECTED
        .iter()
        .map(|(k, h, n)| ((*k).to_owned(), *h, *n))
        .collect();
    // On a change, the message lists every file as an EXPECTED line.
    let listing: String = got
        .iter()
        .map(|(k, h, n)| format!("    (\"{k}\", {h:#018x}, {n}),\n"))
        .collect();
    for (g, e) in got.iter().zip(&expected) {
        assert_eq!(
            g, e,
            "{} differs from the earlier binary's; now:\n{listing}",
            g.0
        );
    }
    assert_eq!(got.len(), expected.len());
}

fn coverage(out: &Path, extra: &[&str]) -> Output {
    let d = PathBuf::from(REPO).join("data/demo");
    let mut args = vec![
        "coverage".to_owned(),
        "--points".into(),
        d.join("points.csv").display().to_string(),
        "--territories".into(),
        d.join("qpv.geojson").display().to_string(),
        "--kind".into(),
        "qpv".into(),
        "--out".into(),
        out.display().to_string(),
    ];
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    maillage(&args)
}

fn access(out: &Path) -> Output {
    let d = PathBuf::from(REPO).join("data/demo");
    let (p, c, t) = (
        d.join("points.csv"),
        d.join("communes.geojson"),
        d.join("communes.csv"),
    );
    maillage(&[
        "access",
        "--points",
        p.to_str().unwrap(),
        "--communes",
        c.to_str().unwrap(),
        "--population",
        t.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}

fn names(dir: &Path) -> Vec<String> {
    let mut n: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    n.sort();
    n
}

#[test]
fn a_failed_run_leaves_the_folder_exactly_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    assert!(coverage(&out, &["--all-geojson"]).status.success());
    let before = files(&out);
    // Outlines are read after coverage.csv, gaps.csv and the GeoJSON are
    // written: the run fails half-way through its outputs.
    let broken = dir.path().join("outlines.geojson");
    std::fs::write(&broken, "{\"type\": \"FeatureCollection\", \"features\": [").unwrap();
    let o = coverage(
        &out,
        &["--radius-m", "800", "--outlines", broken.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("outlines.geojson"));
    assert_eq!(files(&out), before, "same files, same bytes");
    assert_eq!(
        names(dir.path()),
        ["out", "outlines.geojson"],
        "no staging folder left"
    );
    // A failed first run leaves no folder at all.
    let fresh = dir.path().join("fresh");
    assert_eq!(
        coverage(&fresh, &["--outlines", broken.to_str().unwrap()])
            .status
            .code(),
        Some(1)
    );
    assert!(!fresh.exists());
}

#[test]
fn a_later_run_of_another_command_removes_the_earlier_runs_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    assert!(coverage(&out, &["--all-geojson"]).status.success());
    let map = out.join("map.svg");
    let o = maillage(&[
        "map",
        "--coverage",
        out.to_str().unwrap(),
        "--out",
        map.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        names(&out),
        [
            ".maillage-run.json",
            "coverage.csv",
            "coverage.geojson",
            "gaps.csv",
            "gaps.geojson",
            "map.svg",
            "report.html"
        ]
    );
    // coverage again without --all-geojson: its stale coverage.geojson and the map go.
    assert!(coverage(&out, &[]).status.success());
    assert_eq!(
        names(&out),
        [
            ".maillage-run.json",
            "coverage.csv",
            "gaps.csv",
            "gaps.geojson",
            "report.html"
        ]
    );
    // access into the same folder: only access's files remain.
    let o = access(&out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        names(&out),
        [
            ".maillage-run.json",
            "communes.csv",
            "departements.csv",
            "report.html"
        ]
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join(".maillage-run.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["runs"][0]["command"], "access");
    assert_eq!(manifest["runs"].as_array().unwrap().len(), 1);
}

#[test]
fn a_folder_with_a_foreign_file_is_refused_with_the_file_named() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("budget.xlsx"), "mine").unwrap();
    std::fs::write(out.join("gaps.csv"), "an older run, before manifests").unwrap();
    let o = coverage(&out, &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("budget.xlsx, gaps.csv") && err.contains("--force"),
        "{err}"
    );
    assert!(
        !err.contains("── loading"),
        "refused before any work: {err}"
    );
    assert_eq!(names(&out), ["budget.xlsx", "gaps.csv"]);
    assert_eq!(
        std::fs::read_to_string(out.join("gaps.csv")).unwrap(),
        "an older run, before manifests"
    );
    // A map refuses to overwrite a foreign file of its name, not the others.
    let svg = out.join("budget.xlsx");
    let o = maillage(&[
        "map",
        "--coverage",
        out.to_str().unwrap(),
        "--out",
        svg.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("budget.xlsx"));
    // --force clears them.
    let o = coverage(&out, &["--force"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        names(&out),
        [
            ".maillage-run.json",
            "coverage.csv",
            "gaps.csv",
            "gaps.geojson",
            "report.html"
        ]
    );
}

/// A plan's files (its map and page among them) do not survive a later
/// coverage run into the same folder, and a plan into a coverage folder
/// replaces the coverage files: every command writes through the staged,
/// manifest-keeping folder.
#[test]
fn plan_and_coverage_runs_into_one_folder_do_not_mix() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let d = PathBuf::from(REPO).join("data/demo");
    let plan = |out: &Path| {
        let args = [
            "plan".to_owned(),
            "--points".into(),
            d.join("points.csv").display().to_string(),
            "--assignments".into(),
            d.join("assignments.csv").display().to_string(),
            "--territories".into(),
            d.join("qpv.geojson").display().to_string(),
            "--kind".into(),
            "qpv".into(),
            "--service".into(),
            "mediation".into(),
            "--candidates".into(),
            "bureau_de_poste".into(),
            "--add".into(),
            "2".into(),
            "--weight".into(),
            "count".into(),
            "--out".into(),
            out.display().to_string(),
        ];
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        maillage(&args)
    };
    let o = plan(&out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let planned = names(&out);
    for f in [
        "impact.csv",
        "plan.html",
        "plan.json",
        "plan.svg",
        "sites.csv",
    ] {
        assert!(planned.iter().any(|n| n == f), "{f} not in {planned:?}");
    }
    let o = coverage(&out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let after = names(&out);
    for f in [
        "plan.html",
        "plan.svg",
        "sites.csv",
        "impact.csv",
        "plan.json",
    ] {
        assert!(!after.iter().any(|n| n == f), "{f} survived: {after:?}");
    }
    assert!(after.iter().any(|n| n == "coverage.csv"), "{after:?}");
    let o = plan(&out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let again = names(&out);
    assert!(!again.iter().any(|n| n == "coverage.csv"), "{again:?}");
    assert_eq!(again, planned);
}
