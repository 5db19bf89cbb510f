//! Demand weights from data, and priorities between kinds of demand.
//!
//! A weights table is any CSV (UTF-8 or Windows-1252, `;` or `,`) holding
//! a territory id column and numeric columns: QPV populations, a poverty
//! rate, people aged 75 or more... [`read_weights`] reads one column of it,
//! and [`Demand::weigh_by`](super::Demand::weigh_by) joins it to the
//! territories of a demand by their id (a QPV code, an INSEE commune code).
//!
//! A demand of several kinds (the QPV and the FRR communes, say) gives each
//! kind a priority ([`Priorities`]): a demand item weighs its weight times
//! its kind's priority, and the plan maximises the sum; [`parts_reached`]
//! tells what each kind gets, without the priority.

use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;

use serde_json::{Value, json};

use super::Demand;
use crate::error::{Error, Result};
use crate::read::text::{CsvTable, normalize_key, parse_number};
use crate::report::LoadReport;
use crate::skip::{Location, SkipReason};

/// Columns tried, in this order, for the territory id of a weights table
/// when none is named.
pub const ID_COLUMNS: [&str; 10] = [
    "id",
    "code",
    "code_qp",
    "code_quartier",
    "code_insee",
    "codgeo",
    "insee_com",
    "code_commune",
    "com",
    "territory_id",
];

/// How the territories of a demand are weighted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WeightSpec {
    /// By their population (0 when unknown, counted).
    Population,
    /// Each weighs 1.
    Count,
    /// By a column of a weights table (`column:<name>`, with `--weights`).
    Column(String),
}

impl FromStr for WeightSpec {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.trim() {
            "population" => Ok(WeightSpec::Population),
            "count" => Ok(WeightSpec::Count),
            other => match other.strip_prefix("column:") {
                Some(name) if !name.trim().is_empty() => {
                    Ok(WeightSpec::Column(name.trim().to_owned()))
                }
                _ => Err(Error::invalid(
                    "weight",
                    format!(
                        "{s:?}: expected population, count or column:<name> (a column of --weights)"
                    ),
                )),
            },
        }
    }
}

/// One numeric column of a weights table, by territory id.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightTable {
    /// The file, as named in reports.
    pub source: String,
    /// The column read.
    pub column: String,
    /// The value of each id (finite, ≥ 0).
    pub values: HashMap<String, f64>,
}

/// Reads `column` of the weights table at `path`, keyed by `id_column`
/// (default: the first of [`ID_COLUMNS`] present). A missing column is an
/// error listing the table's columns; a row whose value is blank, not a
/// number, negative or infinite is a counted skip (with its line and
/// field), as is a blank or repeated id (the first row is kept).
pub fn read_weights(
    path: &Path,
    column: &str,
    id_column: Option<&str>,
) -> Result<(WeightTable, LoadReport)> {
    let mut table = CsvTable::open(path)?;
    let c_id = match id_column {
        Some(name) => table.require(&[&normalize_key(name)])?,
        None => table.require(&ID_COLUMNS)?,
    };
    let c_value = table.require(&[&normalize_key(column)])?;
    let mut report = LoadReport::new(path.display().to_string());
    let mut values = HashMap::new();
    let mut record = csv::ByteRecord::new();
    while let Some(line) = table.next_record(&mut record)? {
        report.read += 1;
        let id = table.field(&record, c_id).into_owned();
        if id.is_empty() {
            report.skip(SkipReason::MissingId, Location::Line(line), None, None);
            continue;
        }
        let text = table.field(&record, c_value);
        let Some(v) = parse_number(&text).filter(|v| *v >= 0.0) else {
            report.skip(
                SkipReason::MalformedRow,
                Location::Line(line),
                Some(&id),
                Some(format!(
                    "field {column:?}: {:?} is not a number ≥ 0",
                    text.as_ref()
                )),
            );
            continue;
        };
        if values.contains_key(&id) {
            report.skip(
                SkipReason::DuplicateId,
                Location::Line(line),
                Some(&id),
                None,
            );
            continue;
        }
        values.insert(id, v + 0.0);
        report.kept += 1;
    }
    table.finish(&mut report);
    Ok((
        WeightTable {
            source: path.display().to_string(),
            column: column.to_owned(),
            values,
        },
        report,
    ))
}

/// The kinds a priority may name: the territory kinds, and `frr` (the
/// communes classified FRR or FRR+).
pub const PRIORITY_KINDS: [&str; 6] = [
    "qpv",
    "commune",
    "rural_zone",
    "departement",
    "custom",
    "frr",
];

/// A priority per kind of demand, e.g. `qpv=2,frr=1.5`: each is finite and
/// > 0, and a kind is named once.
#[derive(Debug, Clone, PartialEq)]
pub struct Priorities(pub Vec<(String, f64)>);

impl Priorities {
    /// The priority of `kind`, when given.
    pub fn get(&self, kind: &str) -> Option<f64> {
        self.0.iter().find(|(k, _)| k == kind).map(|(_, p)| *p)
    }
}

impl FromStr for Priorities {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let bad = |m: String| Error::invalid("priority", m);
        let mut out: Vec<(String, f64)> = Vec::new();
        for item in s.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let Some((kind, value)) = item.split_once('=') else {
                return Err(bad(format!(
                    "{item:?}: expected <kind>=<priority>, e.g. qpv=2,frr=1.5"
                )));
            };
            let kind = kind.trim().to_ascii_lowercase();
            if !PRIORITY_KINDS.contains(&kind.as_str()) {
                return Err(bad(format!(
                    "unknown kind {kind:?}: expected one of {}",
                    PRIORITY_KINDS.join(", ")
                )));
            }
            let p = value
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|p| p.is_finite() && *p > 0.0)
                .ok_or_else(|| {
                    bad(format!(
                        "{kind}: {:?} is not a finite number > 0",
                        value.trim()
                    ))
                })?;
            if out.iter().any(|(k, _)| *k == kind) {
                return Err(bad(format!("{kind} is given twice")));
            }
            out.push((kind, p));
        }
        if out.is_empty() {
            return Err(bad("no priority given: e.g. qpv=2,frr=1.5".into()));
        }
        Ok(Priorities(out))
    }
}

/// What one kind of a demand reaches, without its priority.
#[derive(Debug, Clone, PartialEq)]
pub struct PartReached {
    /// The kind (`qpv`, `frr`...; `territories` or `population` for a
    /// demand of one kind without priorities).
    pub kind: String,
    /// Its priority (1 without priorities).
    pub priority: f64,
    /// Its items.
    pub items: usize,
    /// Its longest reach, in metres (with a time, the reach varies with the
    /// commune's crow-flies speed).
    pub reach_m: f64,
    /// Its items without a known weight (weighing 0).
    pub unweighted: usize,
    /// Its total weight, before the priority.
    pub total: f64,
    /// Weight the existing hosts reach, before the priority.
    pub before: f64,
    /// Weight reached at the end, before the priority.
    pub reached: f64,
}

impl PartReached {
    /// Share of its weight reached at the end.
    pub fn share(&self) -> f64 {
        if self.total > 0.0 {
            self.reached / self.total
        } else {
            0.0
        }
    }

    /// Its contribution to the objective: reached × priority.
    pub fn weighted(&self) -> f64 {
        self.reached * self.priority
    }

    /// As JSON (the `parts` of `plan.json`).
    pub fn to_json(&self) -> Value {
        json!({
            "kind": self.kind,
            "priority": self.priority,
            "items": self.items,
            "reach_m": self.reach_m,
            "unweighted_items": self.unweighted,
            "total_weight": self.total,
            "base_weight": self.before,
            "reached_weight": self.reached,
            "share": self.share(),
            "objective": self.weighted(),
        })
    }

    /// As a line of the printed outcome.
    pub fn line(&self) -> String {
        format!(
            "  {} (reach {} m): {:.1} of {:.1} reached ({:.2} %; existing hosts {:.1}) × priority {} = {:.1}",
            self.kind,
            self.reach_m,
            self.reached,
            self.total,
            100.0 * self.share(),
            self.before,
            self.priority,
            self.weighted()
        )
    }
}

/// What each kind of `demand` reaches: `before[i]` when the existing
/// hosts reach item `i`, and `served[i]` the share of item `i` served at
/// the end (1 or 0 for an uncapacitated plan, a fraction with capacities).
pub fn parts_reached(demand: &Demand<'_>, before: &[bool], served: &[f64]) -> Vec<PartReached> {
    let mut parts: Vec<PartReached> = demand
        .parts
        .iter()
        .map(|p| PartReached {
            kind: p.name.clone(),
            priority: p.priority,
            items: 0,
            reach_m: 0.0,
            unweighted: p.unweighted,
            total: 0.0,
            before: 0.0,
            reached: 0.0,
        })
        .collect();
    for i in 0..demand.len() {
        let Some(part) = parts.get_mut(demand.part_of(i)) else {
            continue;
        };
        let w = demand.base_weight(i);
        part.items += 1;
        part.reach_m = part
            .reach_m
            .max(demand.reach_m.get(i).copied().unwrap_or(0.0));
        part.total += w;
        if before.get(i).copied().unwrap_or(false) {
            part.before += w;
        }
        part.reached += w * served.get(i).copied().unwrap_or(0.0);
    }
    parts
}

/// The share served of each item of an uncapacitated plan: 1 when reached.
pub fn served_of(covered: &[bool]) -> Vec<f64> {
    covered.iter().map(|&c| f64::from(u8::from(c))).collect()
}
