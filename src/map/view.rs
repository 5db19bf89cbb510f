//! What part of France a map shows, and where each zone goes on the page.

use geo::BoundingRect;
use geo_types::{Coord, Rect};

use super::Area;
use crate::error::{Error, Result};
use crate::geom::crs::{Projector, Zone};
use crate::model::Territory;

/// A box page is never taller or wider than this many times its other side:
/// a sliver box is widened rather than drawn as a ribbon of pixels.
const MAX_ASPECT: f64 = 3.0;

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

impl std::str::FromStr for View {
    type Err = Error;

    /// Parses `national`, `dep:<code>` or
    /// `bbox:<min lon>,<min lat>,<max lon>,<max lat>` (WGS84).
    fn from_str(text: &str) -> Result<View> {
        let bad = |why: &str| {
            Error::invalid(
                "map view",
                format!(
                    "{text:?}: {why} (expected national, dep:<code> or bbox:<min lon>,<min lat>,<max lon>,<max lat>)"
                ),
            )
        };
        if text == "national" {
            return Ok(View::National);
        }
        if let Some(code) = text.strip_prefix("dep:") {
            return Ok(View::Departement(code.to_owned()));
        }
        let nums: Vec<f64> = text
            .strip_prefix("bbox:")
            .ok_or_else(|| bad("unknown view"))?
            .split(',')
            .map(|v| v.trim().parse::<f64>())
            .collect::<std::result::Result<_, _>>()
            .map_err(|_| bad("the box is not four numbers"))?;
        let &[x0, y0, x1, y1] = nums.as_slice() else {
            return Err(bad("the box is not four numbers"));
        };
        if !(x0 < x1 && y0 < y1) {
            return Err(bad("the box is empty (min must be below max)"));
        }
        let zone = match (Zone::of_lonlat(x0, y0), Zone::of_lonlat(x1, y1)) {
            (Some(a), Some(b)) if a == b => a,
            (Some(a), Some(b)) => return Err(bad(&format!("the box spans {a} and {b}"))),
            _ => return Err(bad("a corner lies outside every French zone")),
        };
        let p = Projector::shared()?;
        let a = p.project(zone, x0, y0)?;
        let b = p.project(zone, x1, y1)?;
        Ok(View::Bbox {
            zone,
            rect: Rect::new(a, b),
        })
    }
}

impl View {
    /// Parses a view: see [`FromStr`](std::str::FromStr).
    pub fn parse(text: &str) -> Result<View> {
        text.parse()
    }

    /// A box around a territory with a margin in metres, e.g. a QPV with its
    /// 500 m walking buffer.
    pub fn around(territory: &Territory, margin_m: f64) -> Result<View> {
        let rect = territory.geometry.bounding_rect().ok_or_else(|| {
            Error::invalid(
                "map view",
                format!("territory {} has no geometry", territory.id),
            )
        })?;
        let m = if margin_m.is_finite() {
            margin_m.max(0.0)
        } else {
            0.0
        };
        Ok(View::Bbox {
            zone: territory.zone,
            rect: crate::coverage::grown(rect, m),
        })
    }

    /// The frames of this view on a page `width` pixels wide: where each
    /// zone's box goes. `areas` locate a département.
    pub(super) fn frames(&self, areas: &[Area<'_>], width: f64) -> Result<Vec<Frame>> {
        let top = 64.0;
        match self {
            View::National => national_frames(width, top),
            View::Departement(code) => {
                let mut rect: Option<(Zone, Rect<f64>)> = None;
                for a in areas
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
                    Error::invalid(
                        "map view",
                        format!("no territory of département {code:?} on this map"),
                    )
                })?;
                Ok(vec![Frame::fit(
                    zone,
                    bounded(grow(rect, 0.04)),
                    10.0,
                    top,
                    width - 20.0,
                    None,
                )])
            }
            View::Bbox { zone, rect } => Ok(vec![Frame::fit(
                *zone,
                bounded(*rect),
                10.0,
                top,
                width - 20.0,
                None,
            )]),
        }
    }
}

/// Metropolitan France from Brest to Menton and Dunkerque to Bonifacio,
/// with the five overseas départements stacked beside it.
fn national_frames(w: f64, top: f64) -> Result<Vec<Frame>> {
    let p = Projector::shared()?;
    let lonlat_box = |zone: Zone, x0: f64, y0: f64, x1: f64, y1: f64| -> Result<Rect<f64>> {
        Ok(Rect::new(
            p.project(zone, x0, y0)?,
            p.project(zone, x1, y1)?,
        ))
    };
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
    let main_h = main.h;
    let mut frames = vec![main];
    let insets = [
        ("Guadeloupe", Zone::Antilles, (-61.85, 15.82, -60.95, 16.55)),
        ("Martinique", Zone::Antilles, (-61.25, 14.37, -60.78, 14.90)),
        ("Guyane", Zone::Guyane, (-54.65, 2.10, -51.55, 5.85)),
        ("La Réunion", Zone::Reunion, (55.20, -21.42, 55.85, -20.85)),
        ("Mayotte", Zone::Mayotte, (44.98, -13.02, 45.32, -12.62)),
    ];
    let mut rects = Vec::with_capacity(insets.len());
    for (name, zone, (x0, y0, x1, y1)) in insets {
        rects.push((name, zone, lonlat_box(zone, x0, y0, x1, y1)?));
    }
    // Stack the insets beside the main frame, shrunk to its height if needed.
    let gap = 20.0;
    let natural: f64 = rects
        .iter()
        .map(|(_, _, r)| r.height() / r.width() * inset_w)
        .sum();
    let budget = main_h - gap * (rects.len() as f64 - 1.0) - 14.0;
    let shrink = (budget / natural).min(1.0);
    let mut y = top + 14.0;
    for (name, zone, rect) in rects {
        let f = Frame::fit(zone, rect, 10.0, y, inset_w * shrink, Some(name.to_owned()));
        y += f.h + gap;
        frames.push(f);
    }
    Ok(frames)
}

/// A box of the page showing a box of one zone.
#[derive(Debug, Clone)]
pub(super) struct Frame {
    pub zone: Zone,
    pub world: Rect<f64>,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    /// Metres per pixel.
    pub scale: f64,
    pub title: Option<String>,
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

    /// Page position of a coordinate.
    pub fn px(&self, c: Coord<f64>) -> (f64, f64) {
        (
            self.x + (c.x - self.world.min().x) / self.scale,
            self.y + (self.world.max().y - c.y) / self.scale,
        )
    }

    /// True when the frame shows part of `r` in `zone`.
    pub fn sees(&self, zone: Zone, r: &Rect<f64>) -> bool {
        zone == self.zone
            && r.min().x <= self.world.max().x
            && r.max().x >= self.world.min().x
            && r.min().y <= self.world.max().y
            && r.max().y >= self.world.min().y
    }
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

/// Widens the shorter side of a box so that neither side is more than
/// [`MAX_ASPECT`] times the other, and gives a point-like box 100 m sides:
/// the page stays bounded whatever box is asked for.
fn bounded(r: Rect<f64>) -> Rect<f64> {
    let (w, h) = (r.width().max(100.0), r.height().max(100.0));
    let (w, h) = (w.max(h / MAX_ASPECT), h.max(w / MAX_ASPECT));
    let c = r.center();
    Rect::new(
        Coord {
            x: c.x - w / 2.0,
            y: c.y - h / 2.0,
        },
        Coord {
            x: c.x + w / 2.0,
            y: c.y + h / 2.0,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sliver_box_gives_a_bounded_page() {
        let view: View = "bbox:2.30,48.80,2.31,49.60".parse().unwrap();
        let frames = view.frames(&[], 1200.0).unwrap();
        let f = &frames[0];
        assert!(f.h <= 1180.0 * MAX_ASPECT + 1.0, "height {}", f.h);
    }

    #[test]
    fn views_that_cannot_be_drawn_are_refused() {
        for bad in [
            "bbox:-74.1,40.6,-73.9,40.8", // New York
            "bbox:2,48,1,49",
            "bbox:1,2,3",
            "region:11",
        ] {
            let err = bad.parse::<View>().unwrap_err().to_string();
            assert!(err.starts_with("invalid map view"), "{err}");
        }
    }
}
