//! The one schema of the coverage outputs: CSV columns, GeoJSON properties
//! and DataFrame columns are all generated from [`COVERAGE_COLUMNS`], and
//! [`read_coverage`](crate::coverage::read_coverage) reads them back by the same
//! names, so they cannot drift apart (a test checks that every writer agrees).

use std::borrow::Cow;

use super::{Record, Rule};

/// The type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// Text (empty or null when absent).
    Text,
    /// A non-negative whole number.
    Integer,
    /// A number, written with this many decimals in text outputs (as
    /// short as exact when `None`).
    Float {
        /// Decimals kept in CSV and GeoJSON.
        decimals: Option<u8>,
    },
    /// `true` or `false`.
    Bool,
}

/// A column of the coverage outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// Its name in every output.
    pub name: &'static str,
    /// Its type.
    pub kind: ColumnType,
}

const fn col(name: &'static str, kind: ColumnType) -> Column {
    Column { name, kind }
}

/// The columns of one territory × service result, in order. The ranked gap
/// outputs put a `rank` column (integer, 1 = largest gap of its service)
/// before them. `status` is `served`, `unserved` or `no_data`
/// ([`Status`](super::Status)): `no_data` when no site in the inputs offers
/// the service (then `served` is `false`, but the territory is not a gap).
pub const COVERAGE_COLUMNS: [Column; 16] = [
    col("territory_id", ColumnType::Text),
    col("name", ColumnType::Text),
    col("kind", ColumnType::Text),
    col("departement", ColumnType::Text),
    col("population", ColumnType::Integer),
    col("service", ColumnType::Text),
    col("rule", ColumnType::Text),
    col("radius_m", ColumnType::Float { decimals: None }),
    col("points_inside", ColumnType::Integer),
    col("points_within_radius", ColumnType::Integer),
    col("nearest_m", ColumnType::Float { decimals: Some(2) }),
    col("nearest_id", ColumnType::Text),
    col("nearest_name", ColumnType::Text),
    col("nearest_kind", ColumnType::Text),
    col("served", ColumnType::Bool),
    col("status", ColumnType::Text),
];

/// The `rank` column of the gap outputs.
pub const RANK: Column = col("rank", ColumnType::Integer);

/// One value of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    /// Text, `None` when absent.
    Text(Option<Cow<'a, str>>),
    /// Whole number, `None` when unknown.
    Integer(Option<u64>),
    /// Number, `None` when absent.
    Float(Option<f64>),
    /// Boolean.
    Bool(bool),
}

impl Cell<'_> {
    /// The cell as CSV text (empty when absent), with `decimals` for numbers.
    pub fn to_text(&self, kind: ColumnType) -> Cow<'_, str> {
        match (self, kind) {
            (Cell::Text(t), _) => t.as_deref().map_or(Cow::Borrowed(""), Cow::Borrowed),
            (Cell::Integer(v), _) => v.map_or(Cow::Borrowed(""), |v| Cow::Owned(v.to_string())),
            (Cell::Float(v), ColumnType::Float { decimals: Some(d) }) => v
                .map_or(Cow::Borrowed(""), |v| {
                    Cow::Owned(format!("{v:.*}", usize::from(d)))
                }),
            (Cell::Float(v), _) => v.map_or(Cow::Borrowed(""), |v| Cow::Owned(v.to_string())),
            (Cell::Bool(b), _) => Cow::Borrowed(if *b { "true" } else { "false" }),
        }
    }

    /// The cell as a JSON value, numbers rounded to `decimals`.
    pub fn to_json(&self, kind: ColumnType) -> serde_json::Value {
        use serde_json::Value;
        match (self, kind) {
            (Cell::Text(t), _) => t.as_deref().map_or(Value::Null, Value::from),
            (Cell::Integer(v), _) => v.map_or(Value::Null, Value::from),
            (Cell::Float(v), ColumnType::Float { decimals: Some(d) }) => {
                v.map_or(Value::Null, |v| {
                    let scale = 10f64.powi(i32::from(d));
                    Value::from((v * scale).round() / scale)
                })
            }
            (Cell::Float(v), _) => v.map_or(Value::Null, Value::from),
            (Cell::Bool(b), _) => Value::from(*b),
        }
    }
}

/// The text of a rule in the `rule` column.
pub fn rule_name(rule: Rule) -> &'static str {
    match rule {
        Rule::Inside => "inside",
        Rule::WithinDistance(_) => "within_distance",
    }
}

/// The cells of one result, in [`COVERAGE_COLUMNS`] order.
pub fn cells<'a>(r: &Record<'a>) -> [Cell<'a>; 16] {
    let t = r.territory;
    let text = |s: &'a str| Cell::Text(Some(Cow::Borrowed(s)));
    let nearest = r.nearest;
    [
        text(&t.id),
        text(&t.name),
        text(t.kind.as_str()),
        Cell::Text(t.departement.as_deref().map(Cow::Borrowed)),
        Cell::Integer(t.population),
        text(r.service.as_str()),
        text(rule_name(r.rule)),
        Cell::Float(Some(r.rule.radius_m())),
        Cell::Integer(Some(u64::from(r.points_inside))),
        Cell::Integer(Some(u64::from(r.points_within))),
        Cell::Float(nearest.map(|(_, d)| d)),
        Cell::Text(nearest.map(|(p, _)| Cow::Borrowed(p.id.as_str()))),
        Cell::Text(nearest.map(|(p, _)| Cow::Borrowed(p.name.as_str()))),
        Cell::Text(nearest.map(|(p, _)| Cow::Borrowed(p.kind.as_str()))),
        Cell::Bool(r.served),
        text(r.status().as_str()),
    ]
}
