//! A self-contained HTML report: the map, the summary and sortable tables.
//! No external resource: it opens offline.

use std::fmt::Write as _;

use super::assets::{SCRIPT, STYLE};
use super::svg::xml_char;

use crate::access::AccessReport;
use crate::coverage::CoverageReport;
use crate::model::Service;

/// A table of the report. Columns flagged numeric sort by value.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Heading above the table.
    pub caption: String,
    /// Column names.
    pub columns: Vec<String>,
    /// Which columns are numeric.
    pub numeric: Vec<bool>,
    /// Cells, as displayed.
    pub rows: Vec<Vec<String>>,
    /// The territory id of each row, when rows are territories: the
    /// interactive report highlights the territory of a clicked row. Empty
    /// when rows are not linked to the map.
    pub row_ids: Vec<String>,
}

/// HTML text (element content, `<title>` included): `&`, `<` and `>` as
/// entities; what XML 1.0 forbids as U+FFFD (the inline SVG and the page
/// agree on every name).
pub(super) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(xml_char(c)),
        }
    }
    out
}

/// An HTML attribute value, double- or single-quoted: [`esc`] and the quotes
/// as entities.
pub(super) fn esc_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(xml_char(c)),
        }
    }
    out
}

/// JSON to inline in a `<script>` element: nothing in it can end the
/// script or change how the HTML parser reads it. Every `<` (`</script>`,
/// `<!--`, `<script`), `>` and `&` is written `\u003c`, `\u003e`, `\u0026`,
/// and U+2028/U+2029 (line ends to older JavaScript) `\u2028`/`\u2029`:
/// JSON has them only inside strings, where the escapes mean the same
/// characters. Strings (keys too) first get the same U+FFFD for what XML
/// 1.0 forbids as the page's text and attributes, so that the data's ids
/// match the map's `data-territory-id`.
pub(super) fn script_json(value: &serde_json::Value) -> String {
    let text = clean_strings(value).to_string();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// `value` with every string and key passed through [`xml_char`].
fn clean_strings(value: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    let clean = |s: &str| s.chars().map(xml_char).collect::<String>();
    match value {
        Value::String(s) => Value::String(clean(s)),
        Value::Array(items) => Value::Array(items.iter().map(clean_strings).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (clean(k), clean_strings(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

impl Table {
    /// Totals per territory kind and service; a service no site offers
    /// says "no data" instead of served and unserved counts. The last
    /// column says what the service's sites rest on, when the analysis
    /// was told ([`Coverage::evidence`](crate::coverage::Coverage::evidence)).
    pub fn coverage_summary(report: &CoverageReport<'_>) -> Table {
        Table {
            caption: "Summary".into(),
            columns: [
                "territories",
                "service",
                "count",
                "served",
                "unserved",
                "population unserved",
                "share unserved (%)",
                "evidence",
            ]
            .map(String::from)
            .to_vec(),
            numeric: vec![false, false, true, true, true, true, true, false],
            rows: report
                .summary()
                .iter()
                .map(|s| {
                    let evidence = s.evidence.as_ref().map_or_else(String::new, |e| {
                        format!("{} sites, {} evidence: {}", e.sites, e.strength, e.source)
                    });
                    if !s.has_data {
                        return vec![
                            s.kind.to_string(),
                            s.service.to_string(),
                            s.territories.to_string(),
                            "no data".into(),
                            "no data".into(),
                            String::new(),
                            String::new(),
                            evidence,
                        ];
                    }
                    let share = if s.population > 0 {
                        100.0 * s.population_unserved as f64 / s.population as f64
                    } else {
                        0.0
                    };
                    vec![
                        s.kind.to_string(),
                        s.service.to_string(),
                        s.territories.to_string(),
                        s.served.to_string(),
                        s.unserved.to_string(),
                        s.population_unserved.to_string(),
                        format!("{share:.1}"),
                        evidence,
                    ]
                })
                .collect(),
            row_ids: Vec::new(),
        }
    }

    /// The ranked gaps of a service. When no site offers the service the
    /// table has no row and its caption says "no data": no data is not a gap.
    pub fn gaps(report: &CoverageReport<'_>, service: Service) -> Table {
        let caption = if report.has_data(service) {
            format!("Gaps: territories not served for {service}, largest population first")
        } else {
            format!(
                "Gaps for {service}: no data (no site in the inputs offers {service}, so no territory is listed as a gap)"
            )
        };
        Table {
            caption,
            columns: [
                "rank",
                "id",
                "name",
                "kind",
                "dép.",
                "population",
                "nearest point",
                "nearest (m)",
            ]
            .map(String::from)
            .to_vec(),
            numeric: vec![true, false, false, false, false, true, false, true],
            rows: report
                .gaps(service)
                .iter()
                .enumerate()
                .map(|(i, g)| {
                    vec![
                        (i + 1).to_string(),
                        g.territory.id.clone(),
                        g.territory.name.clone(),
                        g.territory.kind.to_string(),
                        g.territory.departement.clone().unwrap_or_default(),
                        g.territory
                            .population
                            .map(|p| p.to_string())
                            .unwrap_or_default(),
                        g.nearest
                            .map(|(p, _)| format!("{} {}", p.id, p.name))
                            .unwrap_or_else(|| "none in zone".into()),
                        g.nearest_m().map(|d| format!("{d:.0}")).unwrap_or_default(),
                    ]
                })
                .collect(),
            row_ids: Vec::new(),
        }
    }

    /// The sites of a plan, in the order chosen, with the objective after each.
    pub fn plan(report: &crate::plan::PlanReport) -> Table {
        let bound = report.upper_bound().map_or(String::new(), |b| {
            format!(
                "; upper bound on the optimum {b:.0}{}",
                if report.optimal { " (optimal)" } else { "" }
            )
        });
        Table {
            caption: format!(
                "New sites for {}: {:.0} reached before, {:.0} after, of {:.0}{bound}",
                report.service,
                report.base_weight,
                report.objective(),
                report.total_weight
            ),
            columns: [
                "rank",
                "site",
                "name",
                "kind",
                "département",
                "gain",
                "reached",
            ]
            .map(String::from)
            .to_vec(),
            numeric: vec![true, false, false, false, false, true, true],
            rows: report
                .sites()
                .iter()
                .map(|s| {
                    vec![
                        s.rank.to_string(),
                        s.candidate.id.clone(),
                        s.candidate.name.clone(),
                        s.candidate
                            .kind
                            .map(|k| k.as_str().to_owned())
                            .unwrap_or_default(),
                        s.candidate.departement.clone().unwrap_or_default(),
                        format!("{:.0}", s.gain),
                        format!("{:.0}", s.objective),
                    ]
                })
                .collect(),
            row_ids: Vec::new(),
        }
    }

    /// Communes by share of their population beyond the thresholds,
    /// largest share first: the places that weigh on the legal test.
    pub fn communes_access(report: &AccessReport<'_>, limit: usize) -> Table {
        let mut communes: Vec<_> = report.communes().filter(|(_, t)| t.beyond > 0.0).collect();
        communes.sort_by(|a, b| {
            b.1.beyond
                .total_cmp(&a.1.beyond)
                .then_with(|| a.0.id.cmp(&b.0.id))
        });
        communes.truncate(limit);
        Table {
            caption: format!("Communes with the most people beyond the thresholds (first {limit})"),
            columns: [
                "commune",
                "name",
                "dép.",
                "population",
                "beyond",
                "share beyond (%)",
            ]
            .map(String::from)
            .to_vec(),
            numeric: vec![false, false, false, true, true, true],
            row_ids: communes.iter().map(|(t, _)| t.id.clone()).collect(),
            rows: communes
                .iter()
                .map(|(t, a)| {
                    vec![
                        t.id.clone(),
                        t.name.clone(),
                        t.departement.clone().unwrap_or_default(),
                        format!("{:.0}", a.population),
                        format!("{:.0}", a.beyond),
                        format!("{:.2}", 100.0 * a.share_beyond()),
                    ]
                })
                .collect(),
        }
    }

    /// What changed, per département and service.
    pub fn changes(changes: &crate::compare::Comparison) -> Table {
        use crate::compare::Change;
        let mut columns: Vec<String> = ["dép.", "service"].map(String::from).to_vec();
        columns.extend(Change::ALL.iter().map(|c| c.as_str().to_owned()));
        columns.extend(["population gained", "population lost"].map(String::from));
        let mut numeric = vec![false, false];
        numeric.extend(std::iter::repeat_n(true, Change::ALL.len() + 2));
        Table {
            caption: "What changed, per département".into(),
            columns,
            numeric,
            rows: changes
                .by_departement()
                .iter()
                .map(|d| {
                    let mut row = vec![d.departement.clone(), d.service.to_string()];
                    row.extend(d.counts.iter().map(ToString::to_string));
                    row.push(d.population_gained.to_string());
                    row.push(d.population_lost.to_string());
                    row
                })
                .collect(),
            row_ids: Vec::new(),
        }
    }

    /// Per-département accessibility with the legal tests.
    pub fn departements(report: &AccessReport<'_>) -> Table {
        let t = report.thresholds();
        Table {
            caption: format!(
                "Population beyond {} km{} of a {} point, per département (law: at most {:.0} %; decree: {:.0} % within {} km)",
                t.distance_m / 1000.0,
                t.minutes
                    .map(|m| format!(
                        " {} {m} min",
                        if t.combine == crate::access::Combine::And {
                            "and"
                        } else {
                            "or"
                        }
                    ))
                    .unwrap_or_default(),
                report.service(),
                100.0 * t.max_share_beyond,
                100.0 * t.min_share_within_decree,
                t.decree_distance_m / 1000.0
            ),
            columns: [
                "dép.",
                "population",
                "beyond",
                "share beyond (%)",
                "law",
                "within 10 km (%)",
                "decree",
            ]
            .map(String::from)
            .to_vec(),
            numeric: vec![false, true, true, true, false, true, false],
            rows: report
                .by_departement()
                .iter()
                .map(|d| {
                    vec![
                        d.code.clone(),
                        format!("{:.0}", d.totals.population),
                        format!("{:.0}", d.totals.beyond),
                        format!("{:.2}", 100.0 * d.totals.share_beyond()),
                        if d.law_compliant {
                            "met".into()
                        } else {
                            "NOT MET".into()
                        },
                        format!("{:.2}", 100.0 * d.totals.share_within_decree()),
                        if d.decree_compliant {
                            "met".into()
                        } else {
                            "NOT MET".into()
                        },
                    ]
                })
                .collect(),
            row_ids: Vec::new(),
        }
    }
}

/// A self-contained HTML page (no external resource): write it with
/// [`write`](Self::write), or take its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlReport(String);

impl HtmlReport {
    pub(super) fn from_string(html: String) -> Self {
        HtmlReport(html)
    }

    /// The page's HTML.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The page's HTML, owned.
    pub fn into_string(self) -> String {
        self.0
    }

    /// Writes the page to `path`, creating its folder.
    pub fn write(&self, path: impl AsRef<std::path::Path>) -> crate::error::Result<()> {
        crate::outfile::write_bytes(path.as_ref(), self.0.as_bytes())
    }
}

impl std::fmt::Display for HtmlReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Writes a table: a filter box and a "download CSV" button (when `index`
/// is given: the table's id is `t<index>`), then the table, sortable by
/// clicking a header; rows with a territory id carry `data-territory-id`.
/// Numeric cells are written for French readers ([`french_number`]:
/// 12 345 678, 97,1 %) and keep their value in `data-v`, which the sort
/// and the CSV download use.
pub(super) fn write_table(s: &mut String, table: &Table, index: Option<usize>) {
    let _ = writeln!(s, "<h2>{}</h2>", esc(&table.caption));
    let id = index.map(|i| format!("t{i}"));
    if let Some(id) = &id {
        let _ = writeln!(
            s,
            "<div class=\"tools\"><input class=\"filter\" data-table=\"{id}\" placeholder=\"filter {} rows\"> <button class=\"csv\" data-table=\"{id}\" data-name=\"{}\">download CSV</button></div>",
            table.rows.len(),
            esc_attr(&file_stem(&table.caption))
        );
    }
    let _ = write!(
        s,
        "<table class=\"sortable\"{}>\n<thead><tr>",
        id.map_or(String::new(), |i| format!(" id=\"{i}\""))
    );
    for (i, c) in table.columns.iter().enumerate() {
        let numeric = table.numeric.get(i).copied().unwrap_or(false);
        let _ = write!(
            s,
            "<th data-numeric=\"{}\">{}</th>",
            u8::from(numeric),
            esc(c)
        );
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    for (r, row) in table.rows.iter().enumerate() {
        match table.row_ids.get(r) {
            Some(id) => {
                let _ = write!(s, "<tr data-territory-id=\"{}\">", esc_attr(id));
            }
            None => s.push_str("<tr>"),
        }
        for (i, cell) in row.iter().enumerate() {
            let numeric = table.numeric.get(i).copied().unwrap_or(false);
            let percent = table.columns.get(i).is_some_and(|c| c.ends_with("(%)"));
            match numeric.then(|| french_number(cell)).flatten() {
                Some(shown) => {
                    let _ = write!(
                        s,
                        "<td class=\"n\" data-v=\"{}\">{}{}</td>",
                        esc_attr(cell),
                        esc(&shown),
                        if percent { "\u{a0}%" } else { "" }
                    );
                }
                None => {
                    let _ = write!(
                        s,
                        "<td{}>{}</td>",
                        if numeric { " class=\"n\"" } else { "" },
                        esc(cell)
                    );
                }
            }
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody></table>\n");
}

/// A number as French readers write it: thousands grouped by a narrow
/// no-break space (U+202F, as `toLocaleString('fr-FR')` does) and a decimal
/// comma, the decimals as given: `12345678` → `12 345 678`, `97.1` →
/// `97,1`, `-1234.50` → `-1 234,50`. `None` for anything that is not a
/// plain decimal number (`no data`, empty, `1e5`), which is shown as is.
pub(super) fn french_number(text: &str) -> Option<String> {
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let plain = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
    if !plain(int) || frac.is_some_and(|f| !plain(f)) {
        return None;
    }
    let mut out = String::with_capacity(text.len() + int.len() / 3 * 3);
    out.push_str(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push(',');
        out.push_str(f);
    }
    Some(out)
}

/// A file name for a table's CSV: its caption's letters and digits, `_`
/// between words, at most 60 characters.
fn file_stem(caption: &str) -> String {
    let mut stem = String::new();
    for word in caption
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if stem.len() + word.len() > 60 {
            break;
        }
        if !stem.is_empty() {
            stem.push('_');
        }
        stem.push_str(&word.to_lowercase());
    }
    if stem.is_empty() {
        "table".into()
    } else {
        stem
    }
}

/// The report page: a title, the map (inline SVG) that pans and zooms, then
/// each table, sortable by clicking a column header and filtered by the box
/// above it. The interactive report with territory details, service switch
/// and search is [`InteractiveReport`](super::InteractiveReport).
pub fn html_report(title: &str, svg: &str, tables: &[Table]) -> HtmlReport {
    let mut s = String::with_capacity(svg.len() + 65_536);
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n<title>{t}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{t}</h1>\n<div id=\"main\"><div id=\"mapbox\">{svg}<div id=\"zoom\"><button id=\"zin\" title=\"zoom in\">+</button><button id=\"zout\" title=\"zoom out\">−</button><button id=\"zreset\" title=\"whole map\">⌂</button></div></div></div>\n",
        t = esc(title),
    );
    for (i, table) in tables.iter().enumerate() {
        write_table(&mut s, table, Some(i));
    }
    let _ = write!(
        s,
        "<p style=\"font-size:11px;color:#666\">Made with maillage. Data: La Poste, INSEE, IGN, ANCT open data (Licence Ouverte).</p>\n<script>const DATA = null;\n{SCRIPT}</script>\n</body>\n</html>\n"
    );
    HtmlReport(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_for_french_readers() {
        let n = |s: &str| french_number(s).map(|f| f.replace('\u{202f}', " "));
        assert_eq!(n("12345678").as_deref(), Some("12 345 678"));
        assert_eq!(n("97.1").as_deref(), Some("97,1"));
        assert_eq!(n("-1234.50").as_deref(), Some("-1 234,50"));
        assert_eq!(n("999").as_deref(), Some("999"));
        assert_eq!(n("1000").as_deref(), Some("1 000"));
        assert_eq!(n("0.0").as_deref(), Some("0,0"));
        for not in [
            "", "no data", "1e5", "12.", ".5", "-", "1 000", "NaN", "inf",
        ] {
            assert_eq!(french_number(not), None, "{not:?}");
        }
    }

    #[test]
    fn a_numeric_cell_keeps_its_value_for_sorting_and_the_csv() {
        let table = Table {
            caption: "Summary: QPV × postal".into(),
            columns: vec!["id".into(), "population".into(), "share (%)".into()],
            numeric: vec![false, true, true],
            rows: vec![vec!["QN1".into(), "12345".into(), "97.1".into()]],
            row_ids: Vec::new(),
        };
        let mut s = String::new();
        write_table(&mut s, &table, Some(0));
        assert!(s.contains("<td>QN1</td>"), "{s}");
        assert!(
            s.contains("<td class=\"n\" data-v=\"12345\">12\u{202f}345</td>"),
            "{s}"
        );
        assert!(
            s.contains("<td class=\"n\" data-v=\"97.1\">97,1\u{a0}%</td>"),
            "{s}"
        );
        assert!(
            s.contains("<button class=\"csv\" data-table=\"t0\" data-name=\"summary_qpv_postal\">"),
            "{s}"
        );
        assert_eq!(file_stem("«»"), "table");
    }
}
