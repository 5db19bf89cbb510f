//! Gap maps: SVG for reports, PNG for slides, and a self-contained HTML report.
//!
//! A [`GapMap`] holds plain map layers — filled areas with a status, outlines,
//! buffers, points, label candidates — in projected coordinates. Build it
//! from a [`CoverageReport`] with [`GapMap::from_coverage`] (or layer by
//! layer), choose a [`View`], and render:
//!
//! - [`View::National`]: metropolitan France, with Guadeloupe, Martinique,
//!   Guyane, La Réunion and Mayotte as insets (each at its own scale);
//! - [`View::Departement`]: zoomed on one département's territories;
//! - [`View::Bbox`]: any box, e.g. a QPV and its 500 m buffer.
//!
//! Geometry is simplified to half a pixel for the view, so a national map
//! of 35,000 communes stays a few megabytes; areas smaller than a pixel
//! that are unserved are still drawn, as dots.

mod html;
mod svg;

pub use html::{Table, html_report};

use std::borrow::Cow;

use geo::{BoundingRect, Buffer};
use geo_types::{Coord, MultiPolygon, Rect};

use crate::coverage::CoverageReport;
use crate::crs::{Projector, Zone};
use crate::error::{Error, Result};
use crate::model::{PointKind, Service, Territory};

/// How a filled area is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Served under the coverage rule.
    Served,
    /// Not served; nearest point within 1 km.
    Gap1Km,
    /// Not served; nearest point 1–2 km away.
    Gap2Km,
    /// Not served; nearest point 2–5 km away.
    Gap5Km,
    /// Not served; nearest point 5–10 km away.
    Gap10Km,
    /// Not served; nearest point beyond 10 km, or none in the zone.
    GapFar,
    /// No data.
    NoData,
}

impl Status {
    /// The status of an unserved area whose nearest point is `nearest_m` away.
    pub fn gap(nearest_m: Option<f64>) -> Status {
        match nearest_m {
            Some(d) if d <= 1000.0 => Status::Gap1Km,
            Some(d) if d <= 2000.0 => Status::Gap2Km,
            Some(d) if d <= 5000.0 => Status::Gap5Km,
            Some(d) if d <= 10_000.0 => Status::Gap10Km,
            _ => Status::GapFar,
        }
    }

    /// Fill colour.
    pub fn colour(self) -> &'static str {
        match self {
            Status::Served => "#cfe8cf",
            Status::Gap1Km => "#fdd49e",
            Status::Gap2Km => "#fc8d59",
            Status::Gap5Km => "#ef6548",
            Status::Gap10Km => "#d7301f",
            Status::GapFar => "#7f0000",
            Status::NoData => "#eeeeee",
        }
    }

    /// Legend text.
    pub fn label(self) -> &'static str {
        match self {
            Status::Served => "served",
            Status::Gap1Km => "gap, nearest ≤ 1 km",
            Status::Gap2Km => "gap, nearest 1–2 km",
            Status::Gap5Km => "gap, nearest 2–5 km",
            Status::Gap10Km => "gap, nearest 5–10 km",
            Status::GapFar => "gap, nearest > 10 km or none",
            Status::NoData => "no data",
        }
    }

    /// CSS class name.
    pub fn css(self) -> &'static str {
        match self {
            Status::Served => "served",
            Status::Gap1Km => "gap-1km",
            Status::Gap2Km => "gap-2km",
            Status::Gap5Km => "gap-5km",
            Status::Gap10Km => "gap-10km",
            Status::GapFar => "gap-far",
            Status::NoData => "no-data",
        }
    }
}

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

/// What part of France a map shows.
#[derive(Debug, Clone, PartialEq)]
pub enum View {
    /// Metropolitan France with the five overseas départements as insets.
    National,
    /// The territories of one département.
    Departement(String),
    /// A box in a zone's CRS.
    Bbox {
        /// Zone.
        zone: Zone,
        /// Box in metres.
        rect: Rect<f64>,
    },
}

impl View {
    /// Parses `national`, `dep:<code>` or `bbox:<min lon>,<min lat>,<max lon>,<max lat>` (WGS84).
    pub fn parse(text: &str) -> Result<View> {
        let bad = || {
            Error::InvalidArgument(format!(
                "--view takes national, dep:<code> or bbox:<min lon>,<min lat>,<max lon>,<max lat>, not {text:?}"
            ))
        };
        if text == "national" {
            return Ok(View::National);
        }
        if let Some(code) = text.strip_prefix("dep:") {
            return Ok(View::Departement(code.to_owned()));
        }
        let nums: Vec<f64> = text
            .strip_prefix("bbox:")
            .ok_or_else(bad)?
            .split(',')
            .map(|v| v.trim().parse::<f64>())
            .collect::<std::result::Result<_, _>>()
            .map_err(|_| bad())?;
        let &[x0, y0, x1, y1] = nums.as_slice() else {
            return Err(bad());
        };
        let zone = Zone::of_lonlat((x0 + x1) / 2.0, (y0 + y1) / 2.0).ok_or_else(bad)?;
        let p = Projector::shared()?;
        let a = p.project(zone, x0, y0)?;
        let b = p.project(zone, x1, y1)?;
        Ok(View::Bbox {
            zone,
            rect: Rect::new(a, b),
        })
    }
}

/// A map: layers in projected coordinates, a title, and rendering options.
#[derive(Debug, Clone)]
pub struct GapMap<'a> {
    /// Title, top left.
    pub title: String,
    /// Subtitle (service, rule, data vintage).
    pub subtitle: String,
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
}

impl<'a> GapMap<'a> {
    /// An empty map.
    pub fn new(title: impl Into<String>) -> Self {
        GapMap {
            title: title.into(),
            subtitle: String::new(),
            areas: Vec::new(),
            outlines: Vec::new(),
            buffers: Vec::new(),
            points: Vec::new(),
            labels: Vec::new(),
            width_px: 1200.0,
            max_labels: 12,
        }
    }

    /// The map of one service of a coverage report: territories coloured by
    /// status (served, or the distance class of the nearest point), the points
    /// offering the service, and labels for the largest gaps by population.
    pub fn from_coverage(report: &CoverageReport<'a>, service: Service) -> Self {
        let mut map = GapMap::new(format!("Gaps in {} coverage", service_label(service)));
        for r in report.iter().filter(|r| r.service == service) {
            let status = if r.served {
                Status::Served
            } else {
                Status::gap(r.nearest_m())
            };
            map.areas.push(Area {
                zone: r.territory.zone,
                geometry: Cow::Borrowed(&r.territory.geometry),
                status,
                departement: r.territory.departement.clone(),
            });
        }
        map.points = report
            .network()
            .points()
            .iter()
            .filter(|p| p.services.contains(service))
            .map(|p| MapPoint {
                zone: p.zone,
                xy: p.xy,
                kind: p.kind,
            })
            .collect();
        for gap in report.gaps(service).iter().take(50) {
            let Some(population) = gap.territory.population else {
                continue;
            };
            if let Some(at) = crate::population::representative_point(&gap.territory.geometry) {
                map.labels.push(LabelCandidate {
                    zone: gap.territory.zone,
                    at,
                    text: format!("{} ({})", gap.territory.name, thousands(population)),
                    priority: population as f64,
                });
            }
        }
        let rules: Vec<String> = report
            .summary()
            .iter()
            .filter(|s| s.service == service)
            .map(|s| format!("{}: {} of {} unserved", s.kind, s.unserved, s.territories))
            .collect();
        map.subtitle = rules.join(" · ");
        map
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

    /// The frames of a view: where each zone's box goes on the page.
    fn frames(&self, view: &View) -> Result<Vec<Frame>> {
        let w = self.width_px;
        let top = 64.0;
        match view {
            View::National => {
                let p = Projector::shared()?;
                let lonlat_box =
                    |zone: Zone, x0: f64, y0: f64, x1: f64, y1: f64| -> Result<Rect<f64>> {
                        Ok(Rect::new(
                            p.project(zone, x0, y0)?,
                            p.project(zone, x1, y1)?,
                        ))
                    };
                // Metropolitan France from Brest to Menton and Dunkerque to Bonifacio.
                let metro = Rect::new(
                    Coord {
                        x: 90_000.0,
                        y: 6_030_000.0,
                    },
                    Coord {
                        x: 1_250_000.0,
                        y: 7_130_000.0,
                    },
                );
                let inset_w = w * 0.17;
                let main = Frame::fit(
                    Zone::Metropole,
                    metro,
                    inset_w + 20.0,
                    top,
                    w - inset_w - 30.0,
                    None,
                );
                let mut frames = vec![main];
                let insets = [
                    (
                        "Guadeloupe",
                        Zone::Antilles,
                        lonlat_box(Zone::Antilles, -61.85, 15.82, -60.95, 16.55)?,
                    ),
                    (
                        "Martinique",
                        Zone::Antilles,
                        lonlat_box(Zone::Antilles, -61.25, 14.37, -60.78, 14.90)?,
                    ),
                    (
                        "Guyane",
                        Zone::Guyane,
                        lonlat_box(Zone::Guyane, -54.65, 2.10, -51.55, 5.85)?,
                    ),
                    (
                        "La Réunion",
                        Zone::Reunion,
                        lonlat_box(Zone::Reunion, 55.20, -21.42, 55.85, -20.85)?,
                    ),
                    (
                        "Mayotte",
                        Zone::Mayotte,
                        lonlat_box(Zone::Mayotte, 44.98, -13.02, 45.32, -12.62)?,
                    ),
                ];
                // Stack the insets beside the main frame, shrunk to its height if needed.
                let gap = 20.0;
                let natural: f64 = insets
                    .iter()
                    .map(|(_, _, r)| r.height() / r.width() * inset_w)
                    .sum();
                let budget = main_h(&frames) - gap * (insets.len() as f64 - 1.0) - 14.0;
                let shrink = (budget / natural).min(1.0);
                let mut y = top + 14.0;
                for (name, zone, rect) in insets {
                    let f =
                        Frame::fit(zone, rect, 10.0, y, inset_w * shrink, Some(name.to_owned()));
                    y += f.h + gap;
                    frames.push(f);
                }
                Ok(frames)
            }
            View::Departement(code) => {
                let mut rect: Option<(Zone, Rect<f64>)> = None;
                for a in self
                    .areas
                    .iter()
                    .filter(|a| a.departement.as_deref() == Some(code.as_str()))
                {
                    if let Some(r) = a.geometry.bounding_rect() {
                        rect = Some(match rect {
                            None => (a.zone, r),
                            Some((z, acc)) => (z, union(acc, r)),
                        });
                    }
                }
                let (zone, rect) = rect.ok_or_else(|| {
                    Error::InvalidArgument(format!(
                        "no territory of département {code:?} on this map"
                    ))
                })?;
                Ok(vec![Frame::fit(
                    zone,
                    grow(rect, 0.04),
                    10.0,
                    top,
                    w - 20.0,
                    None,
                )])
            }
            View::Bbox { zone, rect } => {
                Ok(vec![Frame::fit(*zone, *rect, 10.0, top, w - 20.0, None)])
            }
        }
    }

    /// Renders the map as SVG.
    pub fn to_svg(&self, view: &View) -> Result<String> {
        svg::render(self, &self.frames(view)?)
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
            "html" | "htm" => html_report(&self.title, &self.to_svg(view)?, &[]).into_bytes(),
            other => {
                return Err(Error::InvalidArgument(format!(
                    "map output must end in .svg, .png or .html, not {other:?}"
                )));
            }
        };
        let mut w = crate::write::create(path)?;
        std::io::Write::write_all(&mut w, &bytes).map_err(|e| Error::write(path, e))?;
        std::io::Write::flush(&mut w).map_err(|e| Error::write(path, e))
    }
}

/// Rasterises an SVG document with resvg, using the embedded Ubuntu font.
pub fn svg_to_png(svg: &str) -> Result<Vec<u8>> {
    use resvg::{tiny_skia, usvg};
    let mut options = usvg::Options {
        font_family: "Ubuntu".to_owned(),
        ..Default::default()
    };
    options
        .fontdb_mut()
        .load_font_data(epaint_default_fonts::UBUNTU_LIGHT.to_vec());
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| {
        Error::write(
            std::path::Path::new("<png>"),
            format!("SVG not readable: {e}"),
        )
    })?;
    let size = tree.size().to_int_size();
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| Error::write(std::path::Path::new("<png>"), "empty image"))?;
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    pixmap
        .encode_png()
        .map_err(|e| Error::write(std::path::Path::new("<png>"), e))
}

/// A box of the page showing a box of one zone.
#[derive(Debug, Clone)]
struct Frame {
    zone: Zone,
    world: Rect<f64>,
    x: f64,
    y: f64,
    w: f64,
    h: f64,
    /// Metres per pixel.
    scale: f64,
    title: Option<String>,
}

impl Frame {
    /// Fits `world` into a box `width` pixels wide at (x, y), keeping proportions.
    fn fit(
        zone: Zone,
        world: Rect<f64>,
        x: f64,
        y: f64,
        width: f64,
        title: Option<String>,
    ) -> Frame {
        let scale = (world.width() / width).max(1e-6);
        Frame {
            zone,
            world,
            x,
            y,
            w: width,
            h: world.height() / scale,
            scale,
            title,
        }
    }

    fn px(&self, c: Coord<f64>) -> (f64, f64) {
        (
            self.x + (c.x - self.world.min().x) / self.scale,
            self.y + (self.world.max().y - c.y) / self.scale,
        )
    }

    fn sees(&self, zone: Zone, r: &Rect<f64>) -> bool {
        zone == self.zone
            && r.min().x <= self.world.max().x
            && r.max().x >= self.world.min().x
            && r.min().y <= self.world.max().y
            && r.max().y >= self.world.min().y
    }
}

fn main_h(frames: &[Frame]) -> f64 {
    frames.first().map_or(0.0, |f| f.h)
}

fn union(a: Rect<f64>, b: Rect<f64>) -> Rect<f64> {
    Rect::new(
        Coord {
            x: a.min().x.min(b.min().x),
            y: a.min().y.min(b.min().y),
        },
        Coord {
            x: a.max().x.max(b.max().x),
            y: a.max().y.max(b.max().y),
        },
    )
}

fn grow(r: Rect<f64>, share: f64) -> Rect<f64> {
    let (dx, dy) = (r.width() * share, r.height() * share);
    Rect::new(
        Coord {
            x: r.min().x - dx,
            y: r.min().y - dy,
        },
        Coord {
            x: r.max().x + dx,
            y: r.max().y + dy,
        },
    )
}

fn service_label(service: Service) -> &'static str {
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

impl GapMap<'static> {
    /// A map from a GeoJSON written by
    /// [`CoverageReport::write_geojson`](crate::CoverageReport::write_geojson)
    /// (`coverage.geojson` with every result, or `gaps.geojson` with the gaps
    /// only), for one service (default: the first found).
    pub fn from_coverage_geojson(
        path: impl AsRef<std::path::Path>,
        service: Option<Service>,
    ) -> Result<(GapMap<'static>, crate::LoadReport)> {
        use crate::read::geojson::{
            GeometryStats, for_each_feature, multipolygon_lonlat, place_multipolygon, property_text,
        };
        let path = path.as_ref();
        let mut report = crate::LoadReport::new(path.display().to_string());
        let mut map = GapMap::new("Coverage gaps");
        let mut chosen = service;
        let mut stats = GeometryStats::default();
        let mut other_services = 0usize;
        for_each_feature(path, |f| {
            report.read += 1;
            let loc = crate::Location::Feature(f.index);
            let Some(s) =
                property_text(&f.properties, "service").and_then(|s| s.parse::<Service>().ok())
            else {
                report.skip(
                    crate::SkipReason::MalformedRow,
                    loc,
                    None,
                    Some("no known `service` property".into()),
                );
                return;
            };
            if *chosen.get_or_insert(s) != s {
                other_services += 1;
                return;
            }
            let placed = multipolygon_lonlat(&f.geometry, &mut stats)
                .and_then(|mp| place_multipolygon(mp, &mut stats));
            let (zone, geometry, _) = match placed {
                Ok(p) => p,
                Err((reason, detail)) => {
                    report.skip(
                        reason,
                        loc,
                        property_text(&f.properties, "territory_id").as_deref(),
                        Some(detail),
                    );
                    return;
                }
            };
            let served = f
                .properties
                .get("served")
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(false);
            let nearest = f
                .properties
                .get("nearest_m")
                .and_then(serde_json::Value::as_f64);
            let status = if served {
                Status::Served
            } else {
                Status::gap(nearest)
            };
            let population = f
                .properties
                .get("population")
                .and_then(serde_json::Value::as_u64);
            if let (false, Some(p), Some(at)) = (
                served,
                population,
                crate::population::representative_point(&geometry),
            ) {
                let name = property_text(&f.properties, "name").unwrap_or_default();
                map.labels.push(LabelCandidate {
                    zone,
                    at,
                    text: format!("{name} ({})", thousands(p)),
                    priority: p as f64,
                });
            }
            map.areas.push(Area {
                zone,
                geometry: Cow::Owned(geometry),
                status,
                departement: property_text(&f.properties, "departement"),
            });
            report.kept += 1;
        })?;
        if other_services > 0 {
            report.note(format!(
                "{other_services} feature(s) of other services left out"
            ));
        }
        if let Some(s) = chosen {
            map.title = format!("Gaps in {} coverage", service_label(s));
        }
        Ok((map, report))
    }
}
