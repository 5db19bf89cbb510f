//! Gap maps: SVG for reports, PNG for slides, and a self-contained HTML report.
//!
//! A [`GapMap`] holds plain map layers — filled areas with a status, outlines,
//! buffers, points, label candidates — in projected coordinates. Build it
//! from a [`CoverageReport`] with [`GapMap::from_coverage`] (or from results
//! read back from files with [`GapMap::from_outcomes`], or layer by layer),
//! choose a [`View`], and render:
//!
//! - [`View::National`]: metropolitan France, with Guadeloupe, Martinique,
//!   Guyane, La Réunion and Mayotte as insets (each at its own scale);
//! - [`View::Departement`]: zoomed on one département's territories;
//! - [`View::Bbox`] / [`View::around`]: any box, e.g. a QPV and its 500 m buffer.
//!
//! Gaps are coloured by the distance class of their nearest point, with
//! classes that start at the rule's radius ([`GapClasses`]). Geometry is
//! simplified to half a pixel for the view, so a national map of 35,000
//! communes stays a few megabytes; areas smaller than a pixel that are
//! unserved are still drawn, as dots.
//!
//! ```
//! use maillage::map::{GapMap, View};
//! use maillage::{Coverage, Service};
//! let demo = maillage::demo::load("data/demo")?;
//! let report = Coverage::new(&demo.network, &demo.communes).run()?;
//! let map = GapMap::from_coverage(&report, Service::Postal).with_outlines(&demo.qpv);
//! let svg = map.to_svg(&View::Departement("99".into()))?;
//! assert!(svg.contains("gap, nearest 5–10 km")); // the 5 km rule's first class
//! # Ok::<(), maillage::Error>(())
//! ```

mod assets;
mod html;
mod interactive;
mod raster;
mod status;
mod svg;
mod view;

pub use html::{HtmlReport, Table, html_report};
pub use interactive::{InteractiveReport, MAX_INTERACTIVE_TERRITORIES};

pub use raster::svg_to_png;
pub use status::{GapClasses, Status};
pub use view::View;

use std::borrow::Cow;

use geo::Buffer;
use geo_types::{Coord, MultiPolygon};

use crate::compare::Comparison;
use crate::coverage::{CoverageReport, Outcome};
use crate::error::{Error, Result};
use crate::geom::crs::Zone;
use crate::model::{PointKind, Service, ServicePoint, Territory};
use crate::plan::demand::Shapes;
use crate::plan::{Demand, PlanReport};

/// A filled area.
#[derive(Debug, Clone)]
pub struct Area<'a> {
    /// Zone of the geometry.
    pub zone: Zone,
    /// Geometry in the zone's CRS.
    pub geometry: Cow<'a, MultiPolygon<f64>>,
    /// How it is drawn.
    pub status: Status,
    /// Département code, for département views.
    pub departement: Option<String>,
    /// The territory's id and layer name: when set, the area is drawn as its
    /// own element carrying `data-territory-id` and `data-layer` (the
    /// interactive report finds it by them); otherwise areas of one status
    /// share one path.
    pub territory: Option<(String, String)>,
}

impl<'a> Area<'a> {
    /// A territory's outline drawn as `status`, in the shared path of its
    /// status (no `data-territory-id`).
    pub fn of_territory(t: &'a Territory, status: Status) -> Self {
        Area {
            zone: t.zone,
            geometry: Cow::Borrowed(&t.geometry),
            status,
            departement: t.departement.clone(),
            territory: None,
        }
    }
}

/// A point to draw.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MapPoint {
    /// Zone.
    pub zone: Zone,
    /// Position in the zone's CRS.
    pub xy: Coord<f64>,
    /// Kind (sets the symbol colour).
    pub kind: PointKind,
    /// Index of the point in its source list, written as `data-i` (the
    /// interactive report shows its details on hover).
    pub index: Option<u32>,
}

/// A label to place if it fits: the largest gaps, by priority.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelCandidate {
    /// Zone.
    pub zone: Zone,
    /// Anchor in the zone's CRS.
    pub at: Coord<f64>,
    /// Text.
    pub text: String,
    /// Higher goes first.
    pub priority: f64,
}

/// A map: layers in projected coordinates, a title, and rendering options.
#[derive(Debug, Clone)]
pub struct GapMap<'a> {
    /// Title, top left.
    pub title: String,
    /// Subtitle (service, rule, data vintage).
    pub subtitle: String,
    /// The distance classes gaps are coloured by.
    pub classes: GapClasses,
    /// The map's own categories, for [`Status::Category`] areas: `(legend
    /// text, CSS class, fill colour)`.
    pub categories: Vec<(String, String, &'static str)>,
    /// Filled areas.
    pub areas: Vec<Area<'a>>,
    /// Outlines drawn over the areas (e.g. départements).
    pub outlines: Vec<(Zone, Cow<'a, MultiPolygon<f64>>)>,
    /// Dashed buffers (e.g. 500 m around QPV).
    pub buffers: Vec<(Zone, MultiPolygon<f64>)>,
    /// Points.
    pub points: Vec<MapPoint>,
    /// Label candidates.
    pub labels: Vec<LabelCandidate>,
    /// Width of the image in pixels (height follows the view).
    pub width_px: f64,
    /// How many labels to place at most.
    pub max_labels: usize,
    /// Whether the SVG draws its legend (the interactive report draws its
    /// own, per service).
    pub legend: bool,
}

/// One result to draw: a territory's shape with its outcome.
struct Drawn<'a, 'b> {
    zone: Zone,
    geometry: Cow<'a, MultiPolygon<f64>>,
    name: &'b str,
    departement: Option<&'b str>,
    population: Option<u64>,
    status: crate::coverage::Status,
    nearest_m: Option<f64>,
    radius_m: f64,
}

impl<'a> GapMap<'a> {
    /// An empty map.
    pub fn new(title: impl Into<String>) -> Self {
        GapMap {
            title: title.into(),
            subtitle: String::new(),
            classes: GapClasses::default(),
            categories: Vec::new(),
            areas: Vec::new(),
            outlines: Vec::new(),
            buffers: Vec::new(),
            points: Vec::new(),
            labels: Vec::new(),
            width_px: 1200.0,
            max_labels: 12,
            legend: true,
        }
    }

    /// The map of one service of a coverage report: territories coloured by
    /// status (served, or the distance class of the nearest point; "no data",
    /// grey, when no site offers the service), the points offering the
    /// service, and labels for the largest gaps by population.
    pub fn from_coverage(report: &CoverageReport<'a>, service: Service) -> Self {
        let drawn = report
            .iter()
            .filter(|r| r.service == service)
            .map(|r| Drawn {
                zone: r.territory.zone,
                geometry: Cow::Borrowed(&r.territory.geometry),
                name: &r.territory.name,
                departement: r.territory.departement.as_deref(),
                population: r.territory.population,
                status: r.status(),
                nearest_m: r.nearest_m(),
                radius_m: r.rule.radius_m(),
            });
        let mut map = GapMap::from_drawn(drawn.collect(), service);
        map.points = points_of(report.network().points(), service);
        let rules: Vec<String> = report
            .summary()
            .iter()
            .filter(|s| s.service == service)
            .map(|s| {
                if s.has_data {
                    format!("{}: {} of {} unserved", s.kind, s.unserved, s.territories)
                } else {
                    format!("{}: no data ({} territories)", s.kind, s.territories)
                }
            })
            .collect();
        map.subtitle = rules.join(" · ");
        map
    }

    /// The map of one service of results read back from files
    /// ([`read_coverage`](crate::coverage::read_coverage)), drawn by their
    /// [`status`](Outcome::status) (a `no_data` result in grey, never as a
    /// gap); results without geometry (read from CSV) are left out. With
    /// `service` `None`, the service of the first result. Fails when no result of the service has
    /// a geometry: an empty map is never drawn.
    pub fn from_outcomes(outcomes: &'a [Outcome], service: Option<Service>) -> Result<Self> {
        let service = service
            .or_else(|| outcomes.first().map(|o| o.service))
            .ok_or_else(|| Error::invalid("map", "there are no results to draw"))?;
        let drawn: Vec<Drawn<'a, 'a>> = outcomes
            .iter()
            .filter(|o| o.service == service)
            .filter_map(|o| {
                let (zone, geometry) = o.geometry.as_ref()?;
                Some(Drawn {
                    zone: *zone,
                    geometry: Cow::Borrowed(geometry),
                    name: &o.name,
                    departement: o.departement.as_deref(),
                    population: o.population,
                    status: o.status,
                    nearest_m: o.nearest_m(),
                    radius_m: o.rule.radius_m(),
                })
            })
            .collect();
        if drawn.is_empty() {
            return Err(Error::invalid(
                "map",
                format!("no result for {service} has a geometry to draw"),
            ));
        }
        Ok(GapMap::from_drawn(drawn, service))
    }

    /// Areas and gap labels; the classes follow the smallest radius drawn.
    fn from_drawn(drawn: Vec<Drawn<'a, '_>>, service: Service) -> Self {
        let mut map = GapMap::new(format!("Gaps in {} coverage", service_label(service)));
        let radius = drawn
            .iter()
            .map(|d| d.radius_m)
            .fold(f64::INFINITY, f64::min);
        map.classes = GapClasses::for_radius(if radius.is_finite() { radius } else { 0.0 });
        let mut gaps: Vec<(u64, LabelCandidate)> = Vec::new();
        for d in drawn {
            if let (crate::coverage::Status::Unserved, Some(p), Some(at)) = (
                d.status,
                d.population,
                crate::population::representative_point(&d.geometry),
            ) {
                gaps.push((
                    p,
                    LabelCandidate {
                        zone: d.zone,
                        at,
                        text: format!("{} ({})", d.name, thousands(p)),
                        priority: p as f64,
                    },
                ));
            }
            map.areas.push(Area {
                zone: d.zone,
                status: map.classes.status_of(d.status, d.nearest_m),
                departement: d.departement.map(str::to_owned),
                geometry: d.geometry,
                territory: None,
            });
        }
        gaps.sort_by_key(|g| std::cmp::Reverse(g.0));
        map.labels = gaps.into_iter().take(50).map(|(_, l)| l).collect();
        map
    }

    /// The map of population accessibility: each commune coloured by the
    /// share of its population farther than the report's thresholds (the
    /// law's yardstick: at most 10 % per département). Communes are their
    /// own elements (`data-territory-id`) up to
    /// [`MAX_INTERACTIVE_TERRITORIES`].
    pub fn from_access(report: &crate::access::AccessReport<'a>) -> Self {
        let mut map = GapMap::new(format!(
            "Population farther than the thresholds ({})",
            report.model_label()
        ));
        map.categories = [
            ("nobody beyond", "beyond-none", "#cfe8cf"),
            ("under 10 % beyond", "beyond-10", "#fdd49e"),
            ("10–50 % beyond", "beyond-50", "#ef6548"),
            ("over 50 % beyond", "beyond-most", "#7f0000"),
            ("no population", "no-data", "#eeeeee"),
        ]
        .iter()
        .map(|(l, c, f)| ((*l).to_owned(), (*c).to_owned(), *f))
        .collect();
        let own = report.communes().count() <= MAX_INTERACTIVE_TERRITORIES;
        for (t, totals) in report.communes() {
            let category = if totals.population <= 0.0 {
                4
            } else {
                match totals.share_beyond() {
                    s if s <= 0.0 => 0,
                    s if s < crate::access::LAW_MAX_SHARE_BEYOND => 1,
                    s if s < 0.50 => 2,
                    _ => 3,
                }
            };
            map.areas.push(Area {
                territory: own.then(|| (t.id.clone(), "communes".to_owned())),
                ..Area::of_territory(t, Status::Category(category))
            });
        }
        map
    }

    /// The map of what changed for one service between two runs: each
    /// territory that changed, coloured by its change (unchanged ones are
    /// left out). Fails when no changed territory of the service has a
    /// geometry.
    pub fn from_changes(changes: &'a Comparison, service: Service) -> Result<Self> {
        use crate::compare::Change;
        let palette = [
            (Change::Gained, "#1a9850"),
            (Change::Lost, "#d73027"),
            (Change::Closer, "#a6d96a"),
            (Change::Farther, "#fdae61"),
            (Change::Added, "#4575b4"),
            (Change::Removed, "#999999"),
            (Change::NoData, "#eeeeee"),
        ];
        let mut map = GapMap::new(format!(
            "What changed in {} coverage",
            service_label(service)
        ));
        map.categories = palette
            .iter()
            .map(|(c, colour)| (c.as_str().to_owned(), format!("change-{c}"), *colour))
            .collect();
        for r in changes
            .rows()
            .iter()
            .filter(|r| r.outcome().service == service)
        {
            let (Some(i), Some((zone, geometry))) = (
                palette.iter().position(|(c, _)| *c == r.change()),
                r.geometry(),
            ) else {
                continue;
            };
            let o = r.outcome();
            map.areas.push(Area {
                zone: *zone,
                geometry: Cow::Borrowed(geometry),
                status: Status::Category(u8::try_from(i).unwrap_or(u8::MAX)),
                departement: o.departement.clone(),
                territory: Some((o.territory_id.clone(), o.kind.to_string())),
            });
        }
        if map.areas.is_empty() {
            return Err(Error::invalid(
                "map",
                format!("no changed territory for {service} has a geometry to draw"),
            ));
        }
        map.subtitle = palette
            .iter()
            .map(|(c, _)| {
                let n = changes
                    .rows()
                    .iter()
                    .filter(|r| r.outcome().service == service && r.change() == *c)
                    .count();
                format!("{c}: {n}")
            })
            .collect::<Vec<_>>()
            .join(" · ");
        Ok(map)
    }

    /// The map of a plan over territories, before and after: each territory
    /// reached by the existing hosts, reached only by the new sites, or not
    /// reached; the new sites drawn as points. Fails for a population demand
    /// (units, not territories: nothing to fill).
    pub fn from_plan(plan: &PlanReport, demand: &'a Demand<'a>) -> Result<Self> {
        let Shapes::Areas(territories) = &demand.shapes else {
            return Err(Error::invalid(
                "map",
                "a plan map fills territories; this plan's demand is population units",
            ));
        };
        let palette = [
            ("reached by the existing sites", "plan-before", "#cfe8cf"),
            ("reached by the new sites", "plan-new", "#1a9850"),
            ("not reached", "plan-none", "#d7301f"),
        ];
        let mut map = GapMap::new(format!(
            "{} new site(s) for {}",
            plan.sites().len(),
            service_label(plan.service)
        ));
        map.categories = palette
            .iter()
            .map(|(l, c, f)| ((*l).to_owned(), (*c).to_owned(), *f))
            .collect();
        let hosts = plan.base_items;
        let before = plan.covered_before();
        for (i, t) in territories.iter().enumerate() {
            let category = match (before.get(i).copied(), plan.covered.get(i).copied()) {
                (Some(true), _) => 0,
                (_, Some(true)) => 1,
                _ => 2,
            };
            map.areas
                .push(Area::of_territory(t, Status::Category(category)));
        }
        map.points = plan
            .sites()
            .iter()
            .map(|s| MapPoint {
                zone: s.candidate.zone,
                xy: s.candidate.xy,
                kind: s.candidate.kind.unwrap_or(PointKind::Other),
                index: None,
            })
            .collect();
        map.subtitle = format!(
            "reached: {} before, {} after, of {}",
            hosts,
            plan.sites().last().map_or(hosts, |s| s.covered),
            plan.total_items
        );
        Ok(map)
    }

    /// How an area of this status is drawn: CSS class, fill colour, legend text.
    pub fn style(&self, status: Status) -> (String, &'static str, String) {
        match status {
            Status::Category(i) => match self.categories.get(usize::from(i)) {
                Some((label, css, colour)) => (css.clone(), *colour, label.clone()),
                None => ("no-data".into(), "#eeeeee", "no data".into()),
            },
            other => (
                self.classes.css(other),
                self.classes.colour(other),
                self.classes.label(other),
            ),
        }
    }

    /// Adds outlines (e.g. départements).
    pub fn with_outlines(mut self, territories: &'a [Territory]) -> Self {
        self.outlines.extend(
            territories
                .iter()
                .map(|t| (t.zone, Cow::Borrowed(&t.geometry))),
        );
        self
    }

    /// Adds a dashed buffer of `metres` around each territory (e.g. the 500 m walk around QPV).
    pub fn with_buffers(mut self, territories: &[Territory], metres: f64) -> Self {
        for t in territories {
            self.buffers.push((t.zone, t.geometry.buffer(metres)));
        }
        self
    }

    /// Replaces the points with those of `points` offering `service` (e.g.
    /// the points de contact of another file).
    pub fn with_points(mut self, points: &[ServicePoint], service: Service) -> Self {
        self.points = points_of(points, service);
        self
    }

    /// Renders the map as SVG.
    pub fn to_svg(&self, view: &View) -> Result<String> {
        svg::render(self, &view.frames(&self.areas, self.width_px)?)
    }

    /// Renders the map as PNG (rasterised with resvg, fonts embedded: no system font needed).
    pub fn to_png(&self, view: &View) -> Result<Vec<u8>> {
        svg_to_png(&self.to_svg(view)?)
    }

    /// Writes SVG, PNG or HTML (a map-only page) depending on the extension of `path`.
    pub fn write(&self, view: &View, path: impl AsRef<std::path::Path>) -> Result<()> {
        let path = path.as_ref();
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        let bytes = match ext.as_str() {
            "svg" => self.to_svg(view)?.into_bytes(),
            "png" => self.to_png(view)?,
            "html" | "htm" => html_report(&self.title, &self.to_svg(view)?, &[])
                .into_string()
                .into_bytes(),
            other => {
                return Err(Error::invalid(
                    "map output",
                    format!(
                        "{}: the name must end in .svg, .png or .html, not {other:?}",
                        path.display()
                    ),
                ));
            }
        };
        crate::outfile::write_bytes(path, &bytes)
    }
}

fn points_of(points: &[ServicePoint], service: Service) -> Vec<MapPoint> {
    points
        .iter()
        .filter(|p| p.services.contains(service))
        .map(|p| MapPoint {
            zone: p.zone,
            xy: p.xy,
            kind: p.kind,
            index: None,
        })
        .collect()
}

pub(super) fn service_label(service: Service) -> &'static str {
    match service {
        Service::Postal => "postal (points de contact)",
        Service::Mediation => "mediation",
        Service::PointPosteEss => "Point Poste ESS",
        Service::DigitalInclusion => "digital inclusion",
        Service::FranceServices => "France Services",
    }
}

/// `12345` → `12 345` (French thousands separator, narrow no-break space).
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(ch);
    }
    out
}
