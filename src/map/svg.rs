//! SVG rendering of a [`GapMap`](super::GapMap).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use geo::{BoundingRect, Centroid, Simplify};
use geo_types::MultiPolygon;

use super::view::Frame;
use super::{GapMap, Status};
use crate::error::{Error, Result};
use crate::model::PointKind;

const FONT: &str = "Ubuntu, 'DejaVu Sans', Arial, sans-serif";

/// A character XML 1.0 allows in a document, or U+FFFD in place of one it
/// forbids: the controls below U+0020 but tab, LF and CR, and U+FFFE,
/// U+FFFF (a Rust string holds no lone surrogate). Not even a character
/// reference can carry those.
pub(super) fn xml_char(c: char) -> char {
    match c {
        '\t' | '\n' | '\r' => c,
        c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
        c => c,
    }
}

/// Text for XML (SVG) text or a quoted attribute: markup characters as
/// entities; tab, LF and CR as character references (an attribute would
/// read them as spaces); what XML forbids as U+FFFD ([`xml_char`]).
pub(super) fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(xml_char(c)),
        }
    }
    out
}

/// Fails unless `svg` is a well-formed XML document: every SVG maillage
/// writes goes through here, so an unreadable map is an error, never a
/// file.
fn check_xml(svg: &str) -> Result<()> {
    resvg::usvg::roxmltree::Document::parse(svg)
        .map(|_| ())
        .map_err(|e| Error::encode("SVG", e))
}

pub(super) fn kind_colour(kind: PointKind) -> &'static str {
    match kind {
        PointKind::BureauDePoste => "#08519c",
        PointKind::AgencePostaleCommunale => "#3182bd",
        PointKind::AgencePostaleIntercommunale => "#6baed6",
        PointKind::RelaisPosteCommercant => "#807dba",
        PointKind::PointPosteEss => "#238b45",
        PointKind::AgencePostaleMilitaire => "#525252",
        PointKind::FranceServices => "#e6550d",
        PointKind::ConseillerNumerique => "#ae017e",
        PointKind::Other => "#969696",
    }
}

pub(super) fn kind_label(kind: PointKind) -> &'static str {
    match kind {
        PointKind::BureauDePoste => "bureau de poste",
        PointKind::AgencePostaleCommunale => "agence postale communale",
        PointKind::AgencePostaleIntercommunale => "agence postale intercommunale",
        PointKind::RelaisPosteCommercant => "relais poste commerçant",
        PointKind::PointPosteEss => "Point Poste ESS",
        PointKind::AgencePostaleMilitaire => "agence postale militaire",
        PointKind::FranceServices => "France Services",
        PointKind::ConseillerNumerique => "conseillers numériques",
        PointKind::Other => "other partner",
    }
}

/// SVG path data of a multipolygon in a frame, simplified to half a pixel.
/// Empty when everything collapses below a pixel.
fn path(frame: &Frame, mp: &MultiPolygon<f64>) -> String {
    let simplified = mp.simplify(frame.scale * 0.5);
    let mut d = String::new();
    for poly in &simplified.0 {
        for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
            let mut pts: Vec<(f64, f64)> = Vec::with_capacity(ring.0.len());
            for c in &ring.0 {
                let (x, y) = frame.px(*c);
                let p = ((x * 10.0).round() / 10.0, (y * 10.0).round() / 10.0);
                if pts.last() != Some(&p) {
                    pts.push(p);
                }
            }
            if pts.len() < 4 {
                continue;
            }
            for (i, (x, y)) in pts.iter().enumerate() {
                let _ = write!(d, "{}{x} {y}", if i == 0 { "M" } else { "L" });
            }
            d.push('Z');
        }
    }
    d
}

pub(super) fn render(map: &GapMap<'_>, frames: &[Frame]) -> Result<String> {
    let width = map.width_px;
    let height = frames.iter().map(|f| f.y + f.h).fold(0.0, f64::max) + 22.0;
    let mut s = String::with_capacity(1 << 20);
    header(map, frames, width, height, &mut s);
    areas(map, frames, &mut s);
    let outlines = map.outlines.iter().map(|(z, g)| (*z, g.as_ref()));
    stroked(
        "<g id=\"outlines\" fill=\"none\" stroke=\"#333333\" stroke-width=\"0.7\">",
        outlines,
        frames,
        &mut s,
    );
    let buffers = map.buffers.iter().map(|(z, g)| (*z, g));
    stroked(
        "<g id=\"buffers\" fill=\"none\" stroke=\"#225ea8\" stroke-width=\"1.2\" stroke-dasharray=\"5 3\">",
        buffers,
        frames,
        &mut s,
    );
    points(map, frames, &mut s);
    let main = frames.first();
    let legend_box = main
        .filter(|_| map.legend)
        .map(|f| legend(map, f, frames, &mut String::new()));
    labels(map, frames, legend_box, &mut s);
    if let Some(f) = main {
        if map.legend {
            let mut l = String::new();
            legend(map, f, frames, &mut l);
            s.push_str(&l);
        }
        scale_bar(f, &mut s);
        north_arrow(f, &mut s);
        let _ = writeln!(
            s,
            "<text id=\"credits\" x=\"12\" y=\"{:.0}\" font-size=\"9\" fill=\"#777\">Projection: {} ({}){}. Made with maillage.</text>",
            height - 4.0,
            f.zone.epsg(),
            f.zone,
            if frames.len() > 1 {
                "; insets in their own CRS and scale"
            } else {
                ""
            }
        );
    }
    s.push_str("</svg>\n");
    check_xml(&s)?;
    Ok(s)
}

/// The document, title, subtitle, clip paths and frame boxes.
fn header(map: &GapMap<'_>, frames: &[Frame], width: f64, height: f64, s: &mut String) {
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"{FONT}\">"
    );
    let _ = writeln!(s, "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>");
    let _ = writeln!(
        s,
        "<text id=\"title\" x=\"12\" y=\"26\" font-size=\"20\" fill=\"#111\">{}</text>",
        xml(&map.title)
    );
    let _ = writeln!(
        s,
        "<text id=\"subtitle\" x=\"12\" y=\"46\" font-size=\"12\" fill=\"#444\">{}</text>",
        xml(&map.subtitle)
    );
    s.push_str("<defs>\n");
    for (i, f) in frames.iter().enumerate() {
        let _ = writeln!(
            s,
            "<clipPath id=\"frame{i}\"><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\"/></clipPath>",
            f.x, f.y, f.w, f.h
        );
    }
    s.push_str("</defs>\n<g id=\"frames\">\n");
    for f in frames {
        let _ = writeln!(
            s,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#f4f8fb\" stroke=\"#9aa\" stroke-width=\"0.6\"/>",
            f.x, f.y, f.w, f.h
        );
        if let Some(t) = &f.title {
            let _ = writeln!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" fill=\"#333\">{}</text>",
                f.x,
                f.y - 4.0,
                xml(t)
            );
        }
    }
    s.push_str("</g>\n");
}

/// Filled areas: grouped by status so each colour is written once, or,
/// for areas that name their territory, one element each.
fn areas(map: &GapMap<'_>, frames: &[Frame], s: &mut String) {
    s.push_str("<g id=\"areas\" stroke=\"#ffffff\" stroke-width=\"0.15\" fill-rule=\"evenodd\">\n");
    for (i, f) in frames.iter().enumerate() {
        let mut by_status: BTreeMap<Status, (String, Vec<(f64, f64)>)> = BTreeMap::new();
        let mut own = String::new();
        for a in &map.areas {
            let Some(r) = a.geometry.bounding_rect() else {
                continue;
            };
            if !f.sees(a.zone, &r) {
                continue;
            }
            let d = path(f, &a.geometry);
            if let Some((id, layer)) = &a.territory {
                let (css, fill, _) = map.style(a.status);
                let attrs = format!(
                    "data-territory-id=\"{}\" data-layer=\"{}\" class=\"{}\" fill=\"{}\"",
                    xml(id),
                    xml(layer),
                    xml(&css),
                    xml(fill)
                );
                // Smaller than 3 pixels (a QPV on the national map): a dot
                // that can be seen, hovered and clicked.
                let tiny = r.width().max(r.height()) / f.scale < 3.0;
                if d.is_empty() || tiny {
                    if let Some(c) = a.geometry.centroid() {
                        let (x, y) = f.px(c.0);
                        let _ = writeln!(
                            own,
                            "<circle {attrs} cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"2.2\" stroke=\"#555\" stroke-width=\"0.4\"/>"
                        );
                    }
                } else {
                    let _ = writeln!(own, "<path {attrs} d=\"{d}\"/>");
                }
                continue;
            }
            let entry = by_status.entry(a.status).or_default();
            if d.is_empty() {
                // Smaller than a pixel: keep gaps visible as dots (not
                // served areas, nor those without data).
                if !matches!(a.status, Status::Served | Status::NoData)
                    && let Some(c) = a.geometry.centroid()
                {
                    entry.1.push(f.px(c.0));
                }
            } else {
                entry.0.push_str(&d);
            }
        }
        let _ = writeln!(s, "<g clip-path=\"url(#frame{i})\">");
        for (status, (d, dots)) in &by_status {
            let (css, fill, _) = map.style(*status);
            let _ = write!(s, "<g class=\"{}\" fill=\"{}\">", xml(&css), xml(fill));
            if !d.is_empty() {
                let _ = write!(s, "<path d=\"{d}\"/>");
            }
            for (x, y) in dots {
                let _ = write!(s, "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"1.6\"/>");
            }
            s.push_str("</g>\n");
        }
        s.push_str(&own);
        s.push_str("</g>\n");
    }
    s.push_str("</g>\n");
}

/// A layer of stroked shapes (outlines, buffers), one path per frame.
fn stroked<'g>(
    open: &str,
    shapes: impl Iterator<Item = (crate::geom::crs::Zone, &'g MultiPolygon<f64>)> + Clone,
    frames: &[Frame],
    s: &mut String,
) {
    s.push_str(open);
    s.push('\n');
    for (i, f) in frames.iter().enumerate() {
        let mut d = String::new();
        for (zone, g) in shapes.clone() {
            if g.bounding_rect().is_some_and(|r| f.sees(zone, &r)) {
                d.push_str(&path(f, g));
            }
        }
        if !d.is_empty() {
            let _ = writeln!(s, "<path clip-path=\"url(#frame{i})\" d=\"{d}\"/>");
        }
    }
    s.push_str("</g>\n");
}

/// Points, grouped by kind.
fn points(map: &GapMap<'_>, frames: &[Frame], s: &mut String) {
    s.push_str("<g id=\"points\" stroke=\"#ffffff\" stroke-width=\"0.4\">\n");
    for (i, f) in frames.iter().enumerate() {
        let r = (600.0 / f.scale).clamp(1.1, 4.0);
        let mut by_kind: BTreeMap<PointKind, String> = BTreeMap::new();
        for p in &map.points {
            let b = geo_types::Rect::new(p.xy, p.xy);
            if f.sees(p.zone, &b) {
                let (x, y) = f.px(p.xy);
                let data = p
                    .index
                    .map_or(String::new(), |i| format!(" data-i=\"{i}\""));
                let _ = write!(
                    by_kind.entry(p.kind).or_default(),
                    "<circle{data} cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r:.1}\"/>"
                );
            }
        }
        let _ = writeln!(s, "<g clip-path=\"url(#frame{i})\">");
        for (kind, circles) in &by_kind {
            let _ = writeln!(
                s,
                "<g class=\"{}\" data-kind=\"{0}\" fill=\"{}\">{circles}</g>",
                kind.as_str(),
                kind_colour(*kind)
            );
        }
        s.push_str("</g>\n");
    }
    s.push_str("</g>\n");
}

type PxRect = (f64, f64, f64, f64);

fn overlaps(a: PxRect, b: PxRect) -> bool {
    a.0 < b.0 + b.2 && b.0 < a.0 + a.2 && a.1 < b.1 + b.3 && b.1 < a.1 + a.3
}

fn labels(map: &GapMap<'_>, frames: &[Frame], avoid: Option<PxRect>, s: &mut String) {
    let size = 11.0;
    let mut placed: Vec<PxRect> = avoid.into_iter().collect();
    let mut candidates: Vec<_> = map.labels.iter().collect();
    candidates.sort_by(|a, b| b.priority.total_cmp(&a.priority));
    s.push_str(&format!(
        "<g id=\"labels\" font-size=\"{size}\" fill=\"#111\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\" stroke-linejoin=\"round\">\n"
    ));
    let mut count = 0;
    for c in candidates {
        if count >= map.max_labels {
            break;
        }
        let Some(f) = frames
            .iter()
            .find(|f| f.sees(c.zone, &geo_types::Rect::new(c.at, c.at)))
        else {
            continue;
        };
        let (ax, ay) = f.px(c.at);
        let w = c.text.chars().count() as f64 * size * 0.56;
        let h = size + 2.0;
        let options = [
            (6.0, -4.0),
            (6.0, h + 2.0),
            (-w - 6.0, -4.0),
            (-w / 2.0, -10.0),
            (-w / 2.0, h + 8.0),
        ];
        for (dx, dy) in options {
            let (x, y) = (ax + dx, ay + dy);
            let bx: PxRect = (x - 1.0, y - size, w + 2.0, h);
            let inside =
                bx.0 >= f.x && bx.1 >= f.y && bx.0 + bx.2 <= f.x + f.w && bx.1 + bx.3 <= f.y + f.h;
            if inside && !placed.iter().any(|p| overlaps(*p, bx)) {
                placed.push(bx);
                let _ = writeln!(
                    s,
                    "<circle cx=\"{ax:.1}\" cy=\"{ay:.1}\" r=\"2\" fill=\"#111\" stroke-width=\"1\"/><text x=\"{x:.1}\" y=\"{y:.1}\">{}</text>",
                    xml(&c.text)
                );
                count += 1;
                break;
            }
        }
    }
    s.push_str("</g>\n");
}

/// Writes the legend into `s`, in the corner of the main frame `f`, listing
/// what any frame shows; returns its box.
fn legend(map: &GapMap<'_>, f: &Frame, frames: &[Frame], s: &mut String) -> PxRect {
    let visible = |zone, r: Option<geo_types::Rect<f64>>| {
        r.is_some_and(|r| frames.iter().any(|f| f.sees(zone, &r)))
    };
    let mut statuses: Vec<Status> = map
        .areas
        .iter()
        .filter(|a| visible(a.zone, a.geometry.bounding_rect()))
        .map(|a| a.status)
        .collect();
    statuses.sort();
    statuses.dedup();
    let mut kinds: Vec<PointKind> = map
        .points
        .iter()
        .filter(|p| visible(p.zone, Some(geo_types::Rect::new(p.xy, p.xy))))
        .map(|p| p.kind)
        .collect();
    kinds.sort();
    kinds.dedup();
    let rows = statuses.len() + kinds.len() + usize::from(!map.buffers.is_empty());
    let (w, line) = (210.0, 16.0);
    let h = rows as f64 * line + 12.0;
    let (x, y) = (f.x + 8.0, f.y + f.h - h - 8.0);
    let _ = writeln!(s, "<g id=\"legend\" font-size=\"11\" fill=\"#222\">");
    let _ = writeln!(
        s,
        "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w}\" height=\"{h:.1}\" fill=\"#ffffff\" fill-opacity=\"0.9\" stroke=\"#999\" stroke-width=\"0.5\"/>"
    );
    let mut row = y + 8.0;
    for st in &statuses {
        let _ = writeln!(
            s,
            "<rect x=\"{:.1}\" y=\"{row:.1}\" width=\"14\" height=\"10\" fill=\"{}\" stroke=\"#888\" stroke-width=\"0.3\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            x + 8.0,
            xml(map.style(*st).1),
            x + 28.0,
            row + 9.0,
            xml(&map.style(*st).2)
        );
        row += line;
    }
    for k in &kinds {
        let _ = writeln!(
            s,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"{}\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            x + 15.0,
            row + 5.0,
            kind_colour(*k),
            x + 28.0,
            row + 9.0,
            xml(kind_label(*k))
        );
        row += line;
    }
    if !map.buffers.is_empty() {
        let _ = writeln!(
            s,
            "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#225ea8\" stroke-width=\"1.2\" stroke-dasharray=\"5 3\"/><text x=\"{:.1}\" y=\"{:.1}\">walking buffer</text>",
            x + 6.0,
            row + 5.0,
            x + 24.0,
            row + 5.0,
            x + 28.0,
            row + 9.0
        );
    }
    s.push_str("</g>\n");
    (x, y, w, h)
}

fn scale_bar(f: &Frame, s: &mut String) {
    let target_m = f.w / 5.0 * f.scale;
    let magnitude = 10f64.powf(target_m.log10().floor());
    let nice = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .filter(|m| *m <= target_m)
        .fold(magnitude, f64::max);
    let px = nice / f.scale;
    let (x, y) = (f.x + f.w - px - 20.0, f.y + f.h - 22.0);
    let label = |m: f64| {
        if nice >= 1000.0 {
            format!("{}", m / 1000.0)
        } else {
            format!("{m}")
        }
    };
    let unit = if nice >= 1000.0 { "km" } else { "m" };
    let _ = writeln!(s, "<g id=\"scalebar\" font-size=\"10\" fill=\"#222\">");
    let _ = writeln!(
        s,
        "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"5\" fill=\"#222\"/><rect x=\"{:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"5\" fill=\"#ffffff\" stroke=\"#222\" stroke-width=\"0.8\"/>",
        px / 2.0,
        x + px / 2.0,
        px / 2.0
    );
    let _ = writeln!(
        s,
        "<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">0</text><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{} {unit}</text>",
        y + 16.0,
        x + px / 2.0,
        y + 16.0,
        label(nice / 2.0),
        x + px,
        y + 16.0,
        label(nice)
    );
    s.push_str("</g>\n");
}

fn north_arrow(f: &Frame, s: &mut String) {
    let (x, y) = (f.x + f.w - 24.0, f.y + 14.0);
    let _ = writeln!(
        s,
        "<g id=\"north-arrow\"><path d=\"M{x:.1} {y:.1}L{:.1} {:.1}L{x:.1} {:.1}L{:.1} {:.1}Z\" fill=\"#222\"/><text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#222\">N</text></g>",
        x + 7.0,
        y + 22.0,
        y + 17.0,
        x - 7.0,
        y + 22.0,
        y + 34.0
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_markup_and_replaces_what_xml_forbids() {
        assert_eq!(
            xml("a<b>&\"'\u{b}\t\u{ffff}"),
            "a&lt;b&gt;&amp;&quot;&apos;\u{fffd}&#9;\u{fffd}"
        );
        let svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" data-x=\"{0}\"><text>{0}</text></svg>",
            xml("\u{0}<!--]]>\u{1f}\r\n")
        );
        assert!(check_xml(&svg).is_ok(), "{svg}");
    }

    #[test]
    fn an_svg_that_is_not_xml_is_an_error() {
        for bad in [
            "<svg><text>\u{b}</text></svg>",
            "<svg><text>a < b</text></svg>",
            "<svg><text>unclosed</svg>",
        ] {
            let err = check_xml(bad).unwrap_err().to_string();
            assert!(err.starts_with("encoding SVG"), "{err}");
        }
    }
}
