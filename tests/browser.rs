//! The main job's report in a real browser: the system Chromium, driven
//! headless through the DevTools protocol (`headless_chrome`).
//!
//! The test runs the README's main job (the `gap_map` binary, built by
//! `cargo test` with the `map` feature) in a temporary folder, opens its
//! `out/report.html`, and checks: no JavaScript error; the map renders (the
//! screenshot is not blank); one `data-territory-id` element per territory;
//! hovering shows a territory's row; clicking one shows its details; the
//! service switch recolours the map; a table row selects its territory.
//!
//! Chromium must be installed (`apt-get install -y chromium`; `.ci/run`
//! does it) or named by `MAILLAGE_CHROMIUM`.
//!
//! With `MAILLAGE_SCREENSHOTS=<dir>`, the ignored test `screenshots` writes
//! the README's pictures (`tools/screenshots/make_screenshots.sh`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use headless_chrome::protocol::cdp::Page::CaptureScreenshotFormatOption;
use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::{Browser, LaunchOptions, Tab};

/// 268 rural communes and 24 QPV of the Loire extract.
const TERRITORIES: u64 = 292;

fn chromium() -> PathBuf {
    if let Some(p) = std::env::var_os("MAILLAGE_CHROMIUM") {
        return PathBuf::from(p);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    panic!("no Chromium found: install it (apt-get install -y chromium) or set MAILLAGE_CHROMIUM");
}

/// Runs the main job in a fresh folder; returns the folder and its report.
fn main_job() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/loire");
    let out = Command::new(env!("CARGO_BIN_EXE_gap_map"))
        .arg(&data)
        .current_dir(dir.path())
        .output()
        .expect("gap_map runs");
    assert!(
        out.status.success(),
        "gap_map failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = dir.path().join("out/report.html");
    assert!(report.is_file());
    (dir, report)
}

fn browser() -> Browser {
    Browser::new(
        LaunchOptions::default_builder()
            .path(Some(chromium()))
            .sandbox(false)
            .window_size(Some((1400, 1000)))
            .idle_browser_timeout(std::time::Duration::from_secs(120))
            .build()
            .expect("launch options"),
    )
    .expect("Chromium starts")
}

/// Opens `page`, collecting JavaScript errors (exceptions, console.error,
/// browser log errors) from before the first script runs.
fn open(browser: &Browser, page: &Path) -> (Arc<Tab>, Arc<Mutex<Vec<String>>>) {
    let tab = browser.new_tab().expect("tab");
    let errors = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&errors);
    tab.enable_log()
        .expect("log")
        .enable_runtime()
        .expect("runtime");
    tab.add_event_listener(Arc::new(move |event: &Event| {
        let line = match event {
            Event::RuntimeExceptionThrown(e) => Some(format!(
                "exception: {} {:?}",
                e.params.exception_details.text,
                e.params
                    .exception_details
                    .exception
                    .as_ref()
                    .and_then(|x| x.description.clone())
            )),
            Event::RuntimeConsoleAPICalled(e) if format!("{:?}", e.params.Type) == "Error" => {
                Some(format!("console.error: {:?}", e.params.args))
            }
            Event::LogEntryAdded(e) if format!("{:?}", e.params.entry.level) == "Error" => {
                Some(format!("log: {}", e.params.entry.text))
            }
            _ => None,
        };
        if let Some(l) = line {
            sink.lock().expect("errors").push(l);
        }
    }))
    .expect("listener");
    tab.navigate_to(&format!("file://{}", page.display()))
        .expect("navigate")
        .wait_until_navigated()
        .expect("loaded");
    (tab, errors)
}

fn eval(tab: &Tab, js: &str) -> serde_json::Value {
    tab.evaluate(js, false)
        .unwrap_or_else(|e| panic!("{js}: {e}"))
        .value
        .unwrap_or(serde_json::Value::Null)
}

/// The centre of a territory of `layer` that is on top at its centre (no
/// point symbol over it), as `(id, x, y)` in page pixels.
fn clickable(tab: &Tab, layer: &str) -> (String, f64, f64) {
    let found = eval(
        tab,
        &format!(
            "(function () {{
              document.getElementById('mapbox').scrollIntoView();
              var els = document.querySelectorAll('svg [data-layer=\"{layer}\"]');
              for (var i = 0; i < els.length; i++) {{
                var r = els[i].getBoundingClientRect();
                var x = r.left + r.width / 2, y = r.top + r.height / 2;
                if (r.width > 4 && document.elementFromPoint(x, y) === els[i]) {{
                  return JSON.stringify([els[i].dataset.territoryId, x, y]);
                }}
              }}
              return null;
            }}())"
        ),
    );
    let parsed: Option<serde_json::Value> =
        found.as_str().and_then(|t| serde_json::from_str(t).ok());
    let a = parsed.as_ref().and_then(|v| v.as_array()).unwrap_or_else(|| {
        panic!(
            "no {layer} territory on top at its centre (viewport {}; at the first: {})",
            eval(tab, "innerWidth + ' × ' + innerHeight"),
            eval(tab, &format!("(function () {{ var e = document.querySelector('svg [data-layer=\\\"{layer}\\\"]'); var r = e.getBoundingClientRect(); var t = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2); return JSON.stringify([r.left, r.top, r.width, r.height]) + ' ' + (t ? t.outerHTML.slice(0, 200) : 'null'); }}())"))
        )
    });
    (
        a[0].as_str().unwrap_or_default().to_owned(),
        a[1].as_f64().unwrap_or_default(),
        a[2].as_f64().unwrap_or_default(),
    )
}

fn png_is_not_blank(png: &[u8]) {
    let pixmap = resvg::tiny_skia::Pixmap::decode_png(png).expect("a PNG");
    let pixels = pixmap.pixels();
    let white = pixels
        .iter()
        .filter(|p| p.red() > 245 && p.green() > 245 && p.blue() > 245)
        .count();
    let mut colours: Vec<u32> = pixels
        .iter()
        .map(|p| u32::from_be_bytes([0, p.red(), p.green(), p.blue()]))
        .collect();
    colours.sort_unstable();
    colours.dedup();
    let share_white = white as f64 / pixels.len() as f64;
    assert!(
        share_white < 0.8,
        "{:.0} % of the screenshot is white",
        100.0 * share_white
    );
    assert!(colours.len() > 50, "only {} colours", colours.len());
}

#[test]
fn the_main_jobs_report_works_in_a_real_browser() {
    let (_dir, report) = main_job();
    let browser = browser();
    let (tab, errors) = open(&browser, &report);
    assert_eq!(eval(&tab, "document.body.dataset.ready"), "1");

    // One element per territory, each with its row in the page's data.
    assert_eq!(
        eval(
            &tab,
            "document.querySelectorAll('svg [data-territory-id]').length"
        ),
        TERRITORIES
    );
    assert_eq!(
        eval(
            &tab,
            "DATA.layers.reduce(function (n, l) { return n + Object.keys(l.rows).length; }, 0)"
        ),
        TERRITORIES
    );
    assert_eq!(
        eval(
            &tab,
            "document.querySelectorAll('svg [data-layer=\"QPV\"]').length"
        ),
        24
    );

    // The map renders.
    let png = tab
        .capture_screenshot(CaptureScreenshotFormatOption::Png, None, None, true)
        .expect("screenshot");
    png_is_not_blank(&png);

    // Hover: the tooltip shows the territory's row.
    let (id, x, y) = clickable(&tab, "rural communes");
    tab.move_mouse_to_point(headless_chrome::browser::tab::point::Point { x, y })
        .expect("hover");
    let tip = eval(&tab, "document.getElementById('tip').textContent");
    let name = eval(&tab, &format!("DATA.layers[0].rows['{id}'].name"));
    let name = name.as_str().expect("a name");
    assert!(tip.as_str().is_some_and(|t| t.contains(name)), "{tip}");

    // Click: the details panel shows every service for that territory.
    tab.click_point(headless_chrome::browser::tab::point::Point { x, y })
        .expect("click");
    assert_eq!(
        eval(
            &tab,
            "document.getElementById('details').dataset.territoryId"
        ),
        id.as_str()
    );
    let details = eval(&tab, "document.getElementById('details').textContent");
    let details = details.as_str().unwrap_or_default();
    for needle in [name, "postal", "France Services", "nearest", "population"] {
        assert!(details.contains(needle), "{needle:?} not in {details}");
    }
    assert_eq!(
        eval(&tab, "document.querySelectorAll('svg .sel').length"),
        1
    );

    // The service switch recolours: digital inclusion serves fewer rural
    // communes than the postal network (203 of 268, against all 268).
    let served_fill = "#cfe8cf";
    let count_served = format!(
        "Array.prototype.filter.call(document.querySelectorAll('svg [data-layer=\"rural communes\"]'), function (e) {{ return e.getAttribute('fill') === '{served_fill}'; }}).length"
    );
    assert_eq!(eval(&tab, &count_served), 268);
    eval(
        &tab,
        "document.querySelector('input[name=service][value=digital_inclusion]').click()",
    );
    assert_eq!(eval(&tab, &count_served), 203);

    // A table row selects and zooms to its territory.
    let before = eval(
        &tab,
        "document.querySelector('#mapbox svg').getAttribute('viewBox')",
    );
    // The first gap of the tables: a QPV without mediation within 500 m.
    let row = eval(
        &tab,
        "document.querySelector('tr[data-territory-id]').dataset.territoryId",
    );
    let row = row
        .as_str()
        .expect("a table row with a territory")
        .to_owned();
    eval(
        &tab,
        &format!("document.querySelector('tr[data-territory-id=\"{row}\"]').click()"),
    );
    assert_eq!(
        eval(
            &tab,
            "document.getElementById('details').dataset.territoryId"
        ),
        row.as_str()
    );
    assert_ne!(
        eval(
            &tab,
            "document.querySelector('#mapbox svg').getAttribute('viewBox')"
        ),
        before
    );

    // Search by code.
    eval(
        &tab,
        "(function () { var s = document.getElementById('search'); s.value = '42001'; s.dispatchEvent(new Event('change')); }())",
    );
    assert_eq!(
        eval(
            &tab,
            "document.getElementById('details').dataset.territoryId"
        ),
        "42001"
    );

    let errors = errors.lock().expect("errors");
    assert!(errors.is_empty(), "JavaScript errors: {errors:?}");
}

/// The report reads well when zoomed: markers keep their size on screen,
/// outlines their width; the legend names the service, the statuses and the
/// point kinds; numbers are written for French readers; a table downloads
/// as CSV, with its values as numbers, without any network.
#[test]
fn the_report_reads_well_at_every_zoom() {
    let (_dir, report) = main_job();
    let browser = browser();
    let (tab, errors) = open(&browser, &report);
    assert_eq!(eval(&tab, "document.body.dataset.ready"), "1");

    let size = "(function () { var c = document.querySelector('#points circle'); var r = c.getBoundingClientRect(); return r.width; }())";
    let whole = eval(&tab, size).as_f64().expect("a point's width");
    assert!(whole > 1.0 && whole < 12.0, "{whole} px");
    // The map at both zooms, seen: each screenshot is not blank, and with
    // MAILLAGE_SCREENSHOTS=<dir> is kept for the guide.
    let map_shot = |name: &str| {
        eval(&tab, "document.getElementById('mapbox').scrollIntoView()");
        let png = tab
            .capture_screenshot(CaptureScreenshotFormatOption::Png, None, None, true)
            .expect("screenshot");
        png_is_not_blank(&png);
        if let Some(dir) = std::env::var_os("MAILLAGE_SCREENSHOTS") {
            std::fs::write(PathBuf::from(dir).join(name), &png).expect("write screenshot");
        }
    };
    map_shot("report_zoom_whole.png");
    for _ in 0..4 {
        eval(&tab, "document.getElementById('zin').click()");
    }
    map_shot("report_zoom_in.png");
    let zoomed = eval(&tab, size).as_f64().expect("a point's width");
    let viewbox = |t: &Tab| {
        eval(
            t,
            "document.querySelector('#mapbox svg').viewBox.baseVal.width",
        )
        .as_f64()
        .unwrap_or_default()
    };
    let zoomed_width = viewbox(&tab);
    eval(&tab, "document.getElementById('zreset').click()");
    assert!(
        zoomed_width < viewbox(&tab) / 7.0,
        "zoomed in 7× or more: {zoomed_width} of {}",
        viewbox(&tab)
    );
    assert!(
        (zoomed - whole).abs() < 0.05 * whole,
        "a marker of {whole} px at the whole map is {zoomed} px zoomed in"
    );
    assert_eq!(
        eval(
            &tab,
            "getComputedStyle(document.querySelector('#areas path[data-territory-id]')).vectorEffect"
        ),
        "non-scaling-stroke"
    );
    assert_eq!(
        eval(
            &tab,
            "getComputedStyle(document.querySelector('#outlines path')).vectorEffect"
        ),
        "non-scaling-stroke"
    );

    // The legend: the service, each layer's statuses, the point kinds.
    let legend = eval(&tab, "document.getElementById('legend').textContent");
    let legend = legend.as_str().unwrap_or_default();
    for needle in [
        "postal (points de contact)",
        "served",
        "gap, nearest 0.5–1 km",
        "points",
        "bureau de poste (292)",
        "France Services (105)",
    ] {
        assert!(
            legend.contains(needle),
            "{needle:?} not in the legend: {legend}"
        );
    }

    // Numbers for French readers: the département's 774,133 inhabitants.
    let cells = eval(
        &tab,
        "JSON.stringify(Array.prototype.filter.call(document.querySelectorAll('td[data-v]'), function (c) { return c.dataset.v === '774133'; }).map(function (c) { return c.textContent; }))",
    );
    let cells: Vec<String> = serde_json::from_str(cells.as_str().unwrap_or("[]")).expect("cells");
    assert!(
        !cells.is_empty() && cells.iter().all(|c| c == "774\u{202f}133"),
        "{cells:?}"
    );
    let percent = eval(
        &tab,
        "(function () { var c = document.querySelector('td[data-v*=\".\"]'); return c ? c.textContent : null; }())",
    );
    let percent = percent.as_str().unwrap_or_default();
    assert!(percent.contains(',') && !percent.contains('.'), "{percent}");

    // The first summary table as CSV: built in the page, values as numbers.
    let csv = tab
        .evaluate(
            "(async function () {
               var blob = null, make = URL.createObjectURL;
               URL.createObjectURL = function (b) { blob = b; return make.call(URL, b); };
               document.querySelector('button.csv[data-name=\"summary\"]').click();
               URL.createObjectURL = make;
               return blob ? await blob.text() : null;
             }())",
            true,
        )
        .expect("the CSV")
        .value
        .and_then(|v| v.as_str().map(str::to_owned))
        .expect("a CSV was made");
    let mut lines = csv.trim_start_matches('\u{feff}').lines();
    assert_eq!(
        lines.next(),
        Some(
            "territories,service,count,served,unserved,population unserved,share unserved (%),evidence"
        )
    );
    let first = lines.next().expect("a row");
    assert!(
        first.starts_with("commune,postal,268,268,0,0,0.0,"),
        "{first}"
    );
    assert_eq!(
        eval(
            &tab,
            "document.querySelector('button.csv[data-name=\"summary\"]').dataset.rows"
        ),
        eval(
            &tab,
            "String(document.getElementById(document.querySelector('button.csv[data-name=\"summary\"]').dataset.table).tBodies[0].rows.length)"
        )
    );

    let errors = errors.lock().expect("errors");
    assert!(errors.is_empty(), "JavaScript errors: {errors:?}");
}

/// The pictures of the README and the guide, from the main job (the
/// `gap_map` example on `data/loire/`): the interactive report of the Loire,
/// a hovered QPV of Saint-Étienne (Montreynaud, zoomed from its table row),
/// the mediation gap map the job writes, and the national view of the QPV
/// 2024 (made by the CLI when `MAILLAGE_NATIONAL_REPORT` names its
/// report.html). `tools/screenshots/make_screenshots.sh`.
#[test]
#[ignore = "writes the README's screenshots: tools/screenshots/make_screenshots.sh"]
fn screenshots() {
    let target =
        PathBuf::from(std::env::var_os("MAILLAGE_SCREENSHOTS").expect("MAILLAGE_SCREENSHOTS"));
    std::fs::create_dir_all(&target).expect("screenshot folder");
    let (dir, report) = main_job();
    let browser = browser();
    let shot = |tab: &Tab, name: &str| {
        let png = tab
            .capture_screenshot(CaptureScreenshotFormatOption::Png, None, None, true)
            .expect("screenshot");
        png_is_not_blank(&png);
        std::fs::write(target.join(name), png).expect("write screenshot");
    };
    let (tab, errors) = open(&browser, &report);
    assert_eq!(eval(&tab, "document.body.dataset.ready"), "1");
    shot(&tab, "report_departement.png");
    // Zoom on Montreynaud from its table row, then hover it.
    let qpv = "QN04213M";
    eval(
        &tab,
        &format!("document.querySelector('tr[data-territory-id=\"{qpv}\"]').click()"),
    );
    eval(&tab, "window.scrollTo(0, 0)");
    let centre = eval(
        &tab,
        &format!(
            "(function () {{
              document.getElementById('mapbox').scrollIntoView();
              var e = document.querySelector('svg [data-territory-id=\"{qpv}\"]');
              var r = e.getBoundingClientRect();
              for (var i = 1; i < 8; i++) {{
                for (var j = 1; j < 8; j++) {{
                  var x = r.left + r.width * i / 8, y = r.top + r.height * j / 8;
                  var top = document.elementFromPoint(x, y);
                  if (top && top.closest('[data-territory-id]') === e) {{ return JSON.stringify([x, y]); }}
                }}
              }}
              return JSON.stringify(['none', r.left, r.top, r.width, r.height]);
            }}())"
        ),
    );
    let (x, y) = match centre
        .as_str()
        .and_then(|t| serde_json::from_str::<(f64, f64)>(t).ok())
    {
        Some(xy) => xy,
        // A point symbol over its centre: the first QPV on top at its own.
        None => {
            let (_, x, y) = clickable(&tab, "QPV");
            (x, y)
        }
    };
    tab.move_mouse_to_point(headless_chrome::browser::tab::point::Point { x, y })
        .expect("hover");
    let tip = eval(&tab, "document.getElementById('tip').textContent");
    assert!(tip.as_str().is_some_and(|t| !t.is_empty()), "no tooltip");
    shot(&tab, "report_qpv_hover.png");
    assert!(
        errors.lock().expect("errors").is_empty(),
        "JavaScript errors"
    );
    // The static map the job writes for mediation, as the README shows it.
    let png = std::fs::read(dir.path().join("out/gap_map_mediation.png")).expect("the job's map");
    png_is_not_blank(&png);
    std::fs::write(target.join("gap_map_mediation.png"), png).expect("write the map");
    if let Some(national) = std::env::var_os("MAILLAGE_NATIONAL_REPORT") {
        let (tab, _) = open(&browser, Path::new(&national));
        shot(&tab, "report_national.png");
    }
}

/// Territory names that try to end or change the page's script stay text:
/// the report's script runs to its end (`data-ready`), no other script
/// element appears, no JavaScript error, and the names show as written in
/// the tables, the tooltip data and the details panel.
#[test]
fn hostile_names_stay_text_in_a_real_browser() {
    let names = [
        "<!--<script>",
        "</script><script>alert(1)</script>",
        "ligne\u{2028}séparée",
    ];
    let mut demo =
        maillage::demo::load(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo")).unwrap();
    for (t, name) in demo.communes.iter_mut().zip(names) {
        t.name = name.to_owned();
    }
    let ids: Vec<String> = demo
        .communes
        .iter()
        .take(names.len())
        .map(|t| t.id.clone())
        .collect();
    let report = maillage::Coverage::new(&demo.network, &demo.communes)
        .run()
        .unwrap();
    let dir = tempfile::tempdir().expect("temp dir");
    let page = dir.path().join("report.html");
    maillage::map::InteractiveReport::new("<!--<script> report")
        .layer("communes", &report)
        .view(maillage::map::View::Departement("99".into()))
        .build()
        .unwrap()
        .write(&page)
        .unwrap();
    let browser = browser();
    let (tab, errors) = open(&browser, &page);
    assert_eq!(eval(&tab, "document.body.dataset.ready"), "1");
    assert_eq!(eval(&tab, "document.scripts.length"), 1);
    assert_eq!(eval(&tab, "document.title"), "<!--<script> report");
    for (id, name) in ids.iter().zip(names) {
        assert_eq!(
            eval(&tab, &format!("DATA.layers[0].rows['{id}'].name")),
            name
        );
        let cell = eval(
            &tab,
            &format!(
                "document.querySelector('tr[data-territory-id=\"{id}\"]').cells[1].textContent"
            ),
        );
        assert_eq!(cell, name);
        // Selecting it writes the name into the details panel as text.
        eval(
            &tab,
            &format!("document.querySelector('tr[data-territory-id=\"{id}\"]').click()"),
        );
        let details = eval(&tab, "document.querySelector('#details b').textContent");
        assert_eq!(details, name);
    }
    assert_eq!(
        eval(&tab, "document.querySelectorAll('#details script').length"),
        0
    );
    let errors = errors.lock().expect("errors");
    assert!(errors.is_empty(), "JavaScript errors: {errors:?}");
}
