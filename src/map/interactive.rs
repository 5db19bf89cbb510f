//! The interactive report: one self-contained HTML file that opens offline.
//!
//! The map is inline SVG drawn by the same renderer as the static maps, with
//! each territory its own element carrying `data-territory-id` and
//! `data-layer`, and each point `data-i`. The results of every service ride
//! along as JSON, and about 200 lines of hand-written JavaScript (no
//! library, no network) give:
//!
//! - pan (drag) and zoom (wheel, buttons), by moving the SVG `viewBox`;
//! - details of a territory on hover, pinned on click: for each service,
//!   served, not served or no data, the nearest point and its distance,
//!   points inside and within the rule's radius, population;
//! - a service switch that recolours the map and its legend, and toggles
//!   for each territory layer and each kind of point;
//! - a search box by name or code;
//! - tables that sort (click a header) and filter (type in the box above),
//!   whose rows select and zoom to their territory.
//!
//! Above [`MAX_INTERACTIVE_TERRITORIES`] territories (the national view of
//! 35,000 communes) the page degrades gracefully: the static map of the first
//! layer and service, with the same tables, and a sentence that says so.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{Value, json};

use super::assets::{SCRIPT, STYLE};
use super::html::{HtmlReport, Table, esc, script_json, write_table};
use super::svg::{kind_colour, kind_label};
use super::{Area, GapClasses, GapMap, MapPoint, Status, View, service_label};
use crate::coverage::CoverageReport;
use crate::error::{Error, Result};
use crate::model::{PointKind, Service, Territory};

/// Most territories the interactive map draws one by one; above, the report
/// shows the static map (a national view of every commune would weigh tens
/// of megabytes and pan slowly).
pub const MAX_INTERACTIVE_TERRITORIES: usize = 6_000;

/// Builder of the interactive report.
///
/// ```no_run
/// # fn demo(communes: &maillage::CoverageReport<'_>, qpv: &maillage::CoverageReport<'_>,
/// #         departements: &[maillage::Territory]) -> maillage::Result<()> {
/// use maillage::map::{InteractiveReport, Table, View};
/// InteractiveReport::new("Bouches-du-Rhône: access to services")
///     .layer("communes", communes)
///     .layer("QPV", qpv)
///     .outlines(departements)
///     .note("Real data: La Poste 2025, ANCT, IGN, INSEE.")
///     .table(Table::coverage_summary(communes))
///     .view(View::Departement("13".into()))
///     .build()?
///     .write("out/report.html")
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct InteractiveReport<'a> {
    title: String,
    notes: Vec<String>,
    layers: Vec<(String, &'a CoverageReport<'a>)>,
    outlines: Vec<&'a [Territory]>,
    tables: Vec<Table>,
    view: View,
    width_px: f64,
}

impl<'a> InteractiveReport<'a> {
    /// A report with a title, the national view, and nothing else yet.
    pub fn new(title: impl Into<String>) -> Self {
        InteractiveReport {
            title: title.into(),
            notes: Vec::new(),
            layers: Vec::new(),
            outlines: Vec::new(),
            tables: Vec::new(),
            view: View::National,
            width_px: 1000.0,
        }
    }

    /// Adds a layer of territories with their results (drawn in the order
    /// added: add communes before QPV so that QPV lie on top). Its results
    /// also give a table of every territory of the layer.
    pub fn layer(mut self, name: impl Into<String>, report: &'a CoverageReport<'a>) -> Self {
        self.layers.push((name.into(), report));
        self
    }

    /// Adds outlines drawn over the layers (e.g. départements).
    pub fn outlines(mut self, territories: &'a [Territory]) -> Self {
        self.outlines.push(territories);
        self
    }

    /// Adds a paragraph under the title (e.g. which parts are real data and
    /// which are illustrative).
    pub fn note(mut self, text: impl Into<String>) -> Self {
        self.notes.push(text.into());
        self
    }

    /// Adds a table after the layers' own.
    pub fn table(mut self, table: Table) -> Self {
        self.tables.push(table);
        self
    }

    /// The part of France shown.
    pub fn view(mut self, view: View) -> Self {
        self.view = view;
        self
    }

    /// Width of the map in pixels before any zoom (default 1000).
    pub fn width_px(mut self, width: f64) -> Self {
        self.width_px = width;
        self
    }

    /// Builds the page.
    ///
    /// # Errors
    /// When there is no layer, or the view cannot be drawn.
    pub fn build(&self) -> Result<HtmlReport> {
        let Some((_, first)) = self.layers.first() else {
            return Err(Error::invalid("report", "no layer of results to show"));
        };
        let mut services: Vec<Service> = Vec::new();
        for (_, r) in &self.layers {
            for s in r.services() {
                if !services.contains(s) {
                    services.push(*s);
                }
            }
        }
        let Some(&service) = services.first() else {
            return Err(Error::invalid("report", "the results hold no service"));
        };
        let count: usize = self.layers.iter().map(|(_, r)| r.territories().len()).sum();
        let interactive = count <= MAX_INTERACTIVE_TERRITORIES;
        let mut map = if interactive {
            self.interactive_map(service)
        } else {
            GapMap::from_coverage(first, service)
        };
        map.width_px = self.width_px;
        for t in &self.outlines {
            map = map.with_outlines(t);
        }
        let svg = map.to_svg(&self.view)?;
        let data = if interactive {
            self.data(&services)
        } else {
            Value::Null
        };
        let mut tables: Vec<Table> = self
            .layers
            .iter()
            .map(|(name, r)| layer_table(name, r, &services))
            .collect();
        tables.extend(self.tables.iter().cloned());
        Ok(page(self, &svg, &data, &tables, interactive, count))
    }

    /// Every layer, coloured for `service`, each territory its own element;
    /// every point of the first layer's network with its index.
    fn interactive_map(&self, service: Service) -> GapMap<'a> {
        let mut map = GapMap::new("");
        map.legend = false;
        map.max_labels = 0;
        for (name, report) in &self.layers {
            for r in report.iter().filter(|r| r.service == service) {
                let classes = GapClasses::for_radius(r.rule.radius_m());
                let status = classes.status_of(r.status(), r.nearest_m());
                // Layers have their own classes (5 km for communes, 500 m
                // for QPV): each distinct class is a category of the map.
                let style = (
                    classes.label(status),
                    classes.css(status),
                    classes.colour(status),
                );
                let at = match map.categories.iter().position(|c| *c == style) {
                    Some(i) => i,
                    None => {
                        map.categories.push(style);
                        map.categories.len() - 1
                    }
                };
                let category = u8::try_from(at).unwrap_or(u8::MAX);
                map.areas.push(Area {
                    zone: r.territory.zone,
                    geometry: std::borrow::Cow::Borrowed(&r.territory.geometry),
                    status: if category == u8::MAX {
                        status
                    } else {
                        Status::Category(category)
                    },
                    departement: r.territory.departement.clone(),
                    territory: Some((r.territory.id.clone(), name.clone())),
                });
            }
        }
        if let Some((_, report)) = self.layers.first() {
            map.points = report
                .network()
                .points()
                .iter()
                .enumerate()
                .map(|(i, p)| MapPoint {
                    zone: p.zone,
                    xy: p.xy,
                    kind: p.kind,
                    index: u32::try_from(i).ok(),
                })
                .collect();
        }
        map
    }

    /// The results of every layer and service, the legends and the points,
    /// as the page's JSON.
    fn data(&self, services: &[Service]) -> Value {
        let mut layers = Vec::new();
        for (name, report) in &self.layers {
            let mut rows: BTreeMap<&str, (&Territory, serde_json::Map<String, Value>)> =
                BTreeMap::new();
            let mut legends = serde_json::Map::new();
            let mut rules = serde_json::Map::new();
            for r in report.iter() {
                let classes = GapClasses::for_radius(r.rule.radius_m());
                let status = classes.status_of(r.status(), r.nearest_m());
                let key = r.service.as_str();
                let has_data = report.has_data(r.service);
                legends.entry(key).or_insert_with(|| {
                    // No site offers the service: every territory is "no
                    // data" (class 0 of a one-entry legend), never a gap.
                    if !has_data {
                        return json!([[
                            classes.label(Status::NoData),
                            classes.colour(Status::NoData)
                        ]]);
                    }
                    let mut entries = vec![json!([
                        classes.label(Status::Served),
                        classes.colour(Status::Served)
                    ])];
                    for c in 0..classes.len() {
                        let s = Status::Gap(u8::try_from(c).unwrap_or(u8::MAX));
                        entries.push(json!([classes.label(s), classes.colour(s)]));
                    }
                    Value::Array(entries)
                });
                rules
                    .entry(key)
                    .or_insert_with(|| json!(r.rule.to_string()));
                let row = rows
                    .entry(r.territory.id.as_str())
                    .or_insert_with(|| (r.territory, serde_json::Map::new()));
                let class = match status {
                    Status::Gap(c) => usize::from(c) + 1,
                    _ => 0,
                };
                let nearest = r.nearest.map(|(p, _)| {
                    format!(
                        "{} ({}, {})",
                        if p.name.is_empty() { &p.id } else { &p.name },
                        kind_label(p.kind),
                        p.id
                    )
                });
                row.1.insert(
                    key.to_owned(),
                    json!({
                        "served": r.served,
                        "status": r.status().as_str(),
                        "class": class,
                        "distance_m": r.nearest_m().map(|d| (d * 10.0).round() / 10.0),
                        "nearest": nearest,
                        "inside": r.points_inside,
                        "within": r.points_within,
                    }),
                );
            }
            let rows: serde_json::Map<String, Value> = rows
                .into_iter()
                .map(|(id, (t, results))| {
                    let row = json!({
                        "name": t.name,
                        "kind": t.kind.as_str(),
                        "population": t.population,
                        "departement": t.departement,
                        "results": results,
                    });
                    (id.to_owned(), row)
                })
                .collect();
            layers.push(json!({
                "name": name,
                "legend": legends,
                "rules": rules,
                "rows": rows,
            }));
        }
        let points: Vec<Value> = self
            .layers
            .first()
            .map(|(_, r)| r.network().points())
            .unwrap_or_default()
            .iter()
            .map(|p| {
                let offers: Vec<&str> = p.services.iter().map(|s| s.as_str()).collect();
                json!([p.name, kind_label(p.kind), p.id, offers.join(", ")])
            })
            .collect();
        let mut kinds: BTreeMap<PointKind, usize> = BTreeMap::new();
        if let Some((_, r)) = self.layers.first() {
            for p in r.network().points() {
                *kinds.entry(p.kind).or_default() += 1;
            }
        }
        let kinds: Vec<Value> = kinds
            .iter()
            .map(|(k, n)| json!({"id": k.as_str(), "label": kind_label(*k), "colour": kind_colour(*k), "count": n}))
            .collect();
        let services: Vec<Value> = services
            .iter()
            .map(|s| json!({"id": s.as_str(), "label": service_label(*s)}))
            .collect();
        json!({"services": services, "layers": layers, "points": points, "kinds": kinds})
    }
}

/// A table of every territory of a layer: for each service, served (`yes`,
/// `no`, or `no data` when no site offers it) and the distance to the
/// nearest point; rows linked to the map.
fn layer_table(name: &str, report: &CoverageReport<'_>, services: &[Service]) -> Table {
    let own: Vec<Service> = services
        .iter()
        .copied()
        .filter(|s| report.services().contains(s))
        .collect();
    let mut columns: Vec<String> = ["id", "name", "population"].map(String::from).to_vec();
    let mut numeric = vec![false, false, true];
    for s in &own {
        columns.push(format!("{s}: served"));
        columns.push(format!("{s}: nearest (m)"));
        numeric.extend([false, true]);
    }
    let mut rows = Vec::new();
    let mut row_ids = Vec::new();
    for (i, t) in report.territories().iter().enumerate() {
        let mut row = vec![
            t.id.clone(),
            t.name.clone(),
            t.population.map_or(String::new(), |p| p.to_string()),
        ];
        for s in &own {
            let r = report
                .rows()
                .iter()
                .find(|r| r.territory == i && r.service == *s);
            row.push(match r {
                Some(_) if !report.has_data(*s) => "no data".into(),
                Some(r) if r.served => "yes".into(),
                Some(_) => "no".into(),
                None => String::new(),
            });
            row.push(
                r.and_then(|r| r.nearest)
                    .map_or(String::new(), |n| format!("{:.0}", n.distance_m)),
            );
        }
        rows.push(row);
        row_ids.push(t.id.clone());
    }
    Table {
        caption: format!("{name}: every territory"),
        columns,
        numeric,
        rows,
        row_ids,
    }
}

fn page(
    report: &InteractiveReport<'_>,
    svg: &str,
    data: &Value,
    tables: &[Table],
    interactive: bool,
    count: usize,
) -> HtmlReport {
    let mut s = String::with_capacity(svg.len() + 262_144);
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n<title>{t}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{t}</h1>\n",
        t = esc(&report.title)
    );
    for n in &report.notes {
        let _ = writeln!(s, "<p class=\"note\">{}</p>", esc(n));
    }
    if interactive {
        s.push_str("<div id=\"controls\"><fieldset id=\"services\"><legend>service</legend></fieldset><fieldset id=\"layers\"><legend>territories</legend></fieldset><fieldset id=\"kinds\"><legend>points</legend></fieldset><label>find <input id=\"search\" list=\"names\" placeholder=\"name or code\" size=\"24\"></label><datalist id=\"names\"></datalist></div>\n");
    } else {
        let _ = writeln!(
            s,
            "<p class=\"note\"><b>{count} territories: too many for the interactive map (more than {MAX_INTERACTIVE_TERRITORIES}).</b> This is the static map of the first layer and service; the tables below sort and filter. Make a report per département (<code>--view dep:&lt;code&gt;</code>) to explore one interactively.</p>"
        );
    }
    let _ = write!(
        s,
        "<div id=\"main\"><div id=\"mapbox\">{svg}<div id=\"zoom\"><button id=\"zin\" title=\"zoom in\">+</button><button id=\"zout\" title=\"zoom out\">−</button><button id=\"zreset\" title=\"whole map\">⌂</button></div></div>\n<div id=\"side\"><div id=\"legend\"></div><div id=\"details\">Hover over a territory for its results; click to keep them here.</div></div></div>\n<div id=\"tip\"></div>\n"
    );
    for (i, table) in tables.iter().enumerate() {
        write_table(&mut s, table, Some(i));
    }
    let json = script_json(data);
    let _ = write!(
        s,
        "<p style=\"font-size:11px;color:#666\">Made with maillage. Data: La Poste, INSEE, IGN, ANCT open data (Licence Ouverte 2.0).</p>\n<script>const DATA = {json};\n{SCRIPT}</script>\n</body>\n</html>\n"
    );
    HtmlReport::from_string(s)
}
