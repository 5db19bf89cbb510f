//! What changed between two runs: per territory and service, whether it
//! gained or lost service, or its nearest point moved closer or farther;
//! per département, the totals; and between two networks, the sites opened,
//! closed, moved or changed kind.
//!
//! ```
//! use maillage::compare::{Change, Comparison};
//! use maillage::{Coverage, Service, ServiceNetwork};
//! let demo = maillage::demo::load("data/demo")?;
//! let before = Coverage::new(&demo.network, &demo.communes).run()?;
//! // The same communes after every site but the first ten closed:
//! let kept: Vec<_> = demo.network.points().iter().take(10).cloned().collect();
//! let network = ServiceNetwork::new(kept);
//! let after = Coverage::new(&network, &demo.communes).run()?;
//! let changes = after.compare(&before)?;
//! assert!(changes.count(Change::Lost) > 0);
//! for row in changes.rows().iter().filter(|r| r.change() == Change::Lost) {
//!     let o = row.outcome();
//!     println!("{} lost {} (nearest now {:?} m)", o.name, o.service, row.nearest_after_m());
//! }
//! # Ok::<(), maillage::Error>(())
//! ```

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use geo_types::{Coord, MultiPolygon};
use rstar::RTree;
use rstar::primitives::GeomWithData;

use crate::coverage::{CoverageReport, Outcome, Rule, Status};
use crate::error::{Error, Result};
use crate::geom::crs::Zone;
use crate::model::{PointKind, Service, ServicePoint, TerritoryKind};

/// Nearest distances closer than this (metres) count as unchanged: the
/// outputs round distances to the centimetre, and a geocoding fix of a few
/// centimetres is not a change.
pub const DISTANCE_TOLERANCE_M: f64 = 1.0;

/// How one territory × service changed between two runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Change {
    /// Unserved before, served after.
    Gained,
    /// Served before, unserved after.
    Lost,
    /// Same status; the nearest point is closer (or exists only after).
    Closer,
    /// Same status; the nearest point is farther (or exists only before).
    Farther,
    /// Same status, nearest distance within [`DISTANCE_TOLERANCE_M`].
    Unchanged,
    /// In the after run only.
    Added,
    /// In the before run only.
    Removed,
    /// One run or both have no data for the service (no site offers it):
    /// nothing can be said, neither a gain nor a loss.
    NoData,
}

impl Change {
    /// Every change, in output order.
    pub const ALL: [Change; 8] = [
        Change::Gained,
        Change::Lost,
        Change::Closer,
        Change::Farther,
        Change::Unchanged,
        Change::Added,
        Change::Removed,
        Change::NoData,
    ];

    /// The identifier used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Gained => "gained",
            Change::Lost => "lost",
            Change::Closer => "closer",
            Change::Farther => "farther",
            Change::Unchanged => "unchanged",
            Change::NoData => "no_data",
            Change::Added => "added",
            Change::Removed => "removed",
        }
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One territory × service, before and after: the runs' own
/// [`Outcome`]s and how it changed.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeRow {
    change: Change,
    /// The after run's outcome, else the before run's; it carries the
    /// geometry when either run did.
    latest: Outcome,
    /// The before run's outcome when the after run has one too (without
    /// geometry).
    earlier: Option<Outcome>,
}

impl ChangeRow {
    /// The change.
    pub fn change(&self) -> Change {
        self.change
    }

    /// The territory × service as the after run has it, else as the before
    /// run has it: its id, name, kind, département, population, service,
    /// and its geometry when either run carried it (from
    /// [`CoverageReport::compare`]: for the rows that changed).
    pub fn outcome(&self) -> &Outcome {
        &self.latest
    }

    /// The before run's outcome (`None`: not in it, [`Change::Added`]).
    pub fn before(&self) -> Option<&Outcome> {
        match self.change {
            Change::Added => None,
            Change::Removed => Some(&self.latest),
            _ => self.earlier.as_ref(),
        }
    }

    /// The after run's outcome (`None`: not in it, [`Change::Removed`]).
    pub fn after(&self) -> Option<&Outcome> {
        (self.change != Change::Removed).then_some(&self.latest)
    }

    /// The territory's zone and geometry, when known.
    pub fn geometry(&self) -> Option<&(Zone, MultiPolygon<f64>)> {
        self.latest.geometry.as_ref()
    }

    /// Served in the before run (`None`: not in it).
    pub fn served_before(&self) -> Option<bool> {
        self.before().map(|o| o.served)
    }

    /// Served in the after run (`None`: not in it).
    pub fn served_after(&self) -> Option<bool> {
        self.after().map(|o| o.served)
    }

    /// Nearest distance before, in metres.
    pub fn nearest_before_m(&self) -> Option<f64> {
        self.before().and_then(Outcome::nearest_m)
    }

    /// Nearest distance after, in metres.
    pub fn nearest_after_m(&self) -> Option<f64> {
        self.after().and_then(Outcome::nearest_m)
    }
}

/// Totals of one département and service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepartementChanges {
    /// Département code (`?` when unknown).
    pub departement: String,
    /// The service.
    pub service: Service,
    /// Rows per change, in [`Change::ALL`] order.
    pub counts: [usize; Change::ALL.len()],
    /// Population of the territories that gained service.
    pub population_gained: u64,
    /// Population of the territories that lost service.
    pub population_lost: u64,
}

/// The comparison of two runs: one row per territory × service present in
/// either, sorted by territory id then service.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    rows: Vec<ChangeRow>,
}

fn centimetres(m: f64) -> f64 {
    (m * 100.0).round() / 100.0
}

/// The outcomes of one territory × service in the before and after runs.
type Pair<'o> = (Option<&'o Outcome>, Option<&'o Outcome>);

fn classify(before: Option<&Outcome>, after: Option<&Outcome>) -> Change {
    match (before, after) {
        (None, _) => Change::Added,
        (_, None) => Change::Removed,
        (Some(b), Some(a)) if b.status == Status::NoData || a.status == Status::NoData => {
            Change::NoData
        }
        (Some(b), Some(a)) => match (b.served, a.served) {
            (false, true) => Change::Gained,
            (true, false) => Change::Lost,
            // Distances as the outputs write them (to the centimetre), so
            // that runs compared in memory and read back from files agree.
            _ => match (
                b.nearest_m().map(centimetres),
                a.nearest_m().map(centimetres),
            ) {
                (None, Some(_)) => Change::Closer,
                (Some(_), None) => Change::Farther,
                (Some(x), Some(y)) if y < x - DISTANCE_TOLERANCE_M => Change::Closer,
                (Some(x), Some(y)) if y > x + DISTANCE_TOLERANCE_M => Change::Farther,
                _ => Change::Unchanged,
            },
        },
    }
}

/// The rule of each territory kind × service in a run; an error when one
/// run applied two rules to the same kind and service.
fn rules_of(outcomes: &[Outcome], run: &str) -> Result<BTreeMap<(TerritoryKind, Service), Rule>> {
    let mut rules = BTreeMap::new();
    for o in outcomes {
        let rule = *rules.entry((o.kind, o.service)).or_insert(o.rule);
        if rule != o.rule {
            return Err(Error::invalid(
                "comparison",
                format!(
                    "the {run} run applies two rules to {} × {}: {rule} and {}",
                    o.kind, o.service, o.rule
                ),
            ));
        }
    }
    Ok(rules)
}

impl Comparison {
    /// Compares two runs' results. Fails when the runs applied different
    /// rules to the same territory kind and service (the error names both),
    /// or have no territory × service in common.
    pub fn new(before: &[Outcome], after: &[Outcome]) -> Result<Comparison> {
        let (rb, ra) = (rules_of(before, "before")?, rules_of(after, "after")?);
        for (key, b) in &rb {
            if let Some(a) = ra.get(key).filter(|a| *a != b) {
                return Err(Error::invalid(
                    "comparison",
                    format!(
                        "{} × {} is measured with different rules: before {b}, after {a}",
                        key.0, key.1
                    ),
                ));
            }
        }
        let key = |o: &Outcome| (o.territory_id.clone(), o.service);
        let mut pairs: BTreeMap<(String, Service), Pair<'_>> = BTreeMap::new();
        for o in before {
            pairs.entry(key(o)).or_default().0 = Some(o);
        }
        for o in after {
            pairs.entry(key(o)).or_default().1 = Some(o);
        }
        if !pairs.values().any(|(b, a)| b.is_some() && a.is_some()) {
            return Err(Error::invalid(
                "comparison",
                format!(
                    "the runs have no territory × service in common ({} before, {} after)",
                    before.len(),
                    after.len()
                ),
            ));
        }
        let rows = pairs
            .into_values()
            .filter_map(|(b, a)| {
                let change = classify(b, a);
                let (latest, other) = match (a, b) {
                    (Some(a), b) => (a, b),
                    (None, Some(b)) => (b, None),
                    (None, None) => return None,
                };
                let mut row = ChangeRow {
                    change,
                    latest: Outcome::without_geometry(latest),
                    earlier: other.map(Outcome::without_geometry),
                };
                row.latest.geometry = latest
                    .geometry
                    .clone()
                    .or_else(|| other.and_then(|o| o.geometry.clone()));
                Some(row)
            })
            .collect();
        Ok(Comparison { rows })
    }

    /// Gives rows without geometry the geometry of `outcomes` with the same
    /// territory id (e.g. read from another output of the same runs).
    pub fn fill_geometry(&mut self, outcomes: &[Outcome]) {
        let by_id: HashMap<&str, &(Zone, MultiPolygon<f64>)> = outcomes
            .iter()
            .filter_map(|o| o.geometry.as_ref().map(|g| (o.territory_id.as_str(), g)))
            .collect();
        for row in self.rows.iter_mut().filter(|r| r.latest.geometry.is_none()) {
            row.latest.geometry = by_id
                .get(row.latest.territory_id.as_str())
                .map(|g| (*g).clone());
        }
    }

    /// Every row.
    pub fn rows(&self) -> &[ChangeRow] {
        &self.rows
    }

    /// How many rows have `change`.
    pub fn count(&self, change: Change) -> usize {
        self.rows.iter().filter(|r| r.change == change).count()
    }

    /// Totals per département and service, in code then service order.
    pub fn by_departement(&self) -> Vec<DepartementChanges> {
        let mut deps: BTreeMap<(String, Service), DepartementChanges> = BTreeMap::new();
        for r in &self.rows {
            let o = &r.latest;
            let code = o.departement.clone().unwrap_or_else(|| "?".into());
            let d = deps
                .entry((code.clone(), o.service))
                .or_insert_with(|| DepartementChanges {
                    departement: code,
                    service: o.service,
                    counts: [0; Change::ALL.len()],
                    population_gained: 0,
                    population_lost: 0,
                });
            if let Some(i) = Change::ALL.iter().position(|c| *c == r.change)
                && let Some(n) = d.counts.get_mut(i)
            {
                *n += 1;
            }
            match r.change {
                Change::Gained => d.population_gained += o.population.unwrap_or(0),
                Change::Lost => d.population_lost += o.population.unwrap_or(0),
                _ => {}
            }
        }
        deps.into_values().collect()
    }
}

impl CoverageReport<'_> {
    /// Compares this run (after) with an earlier one (before): see
    /// [`Comparison::new`]. The rows that changed carry their territory's
    /// geometry (the unchanged ones are neither written nor drawn, so their
    /// geometry is not copied).
    pub fn compare(&self, before: &CoverageReport<'_>) -> Result<Comparison> {
        let outcomes = |r: &CoverageReport<'_>| -> Vec<Outcome> {
            r.iter().map(|rec| rec.to_outcome(false)).collect()
        };
        let mut comparison = Comparison::new(&outcomes(before), &outcomes(self))?;
        let mut shapes: HashMap<&str, &crate::model::Territory> = HashMap::new();
        for t in self.territories().iter().chain(before.territories()) {
            shapes.entry(t.id.as_str()).or_insert(t);
        }
        for row in comparison
            .rows
            .iter_mut()
            .filter(|r| r.change != Change::Unchanged)
        {
            row.latest.geometry = shapes
                .get(row.latest.territory_id.as_str())
                .map(|t| (t.zone, t.geometry.clone()));
        }
        Ok(comparison)
    }
}

/// How a site changed between two networks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SiteChange {
    /// In the after network only.
    Opened,
    /// In the before network only.
    Closed,
    /// Moved more than the tolerance.
    Moved,
    /// Changed kind (e.g. bureau de poste → agence postale communale).
    KindChanged,
    /// Moved and changed kind.
    MovedAndKindChanged,
    /// Matched by position to one of several sites equally close and
    /// equally alike (same name and kind, or not): the row shows one
    /// pairing, which says nothing sure about a move or a kind change.
    Ambiguous,
}

impl SiteChange {
    /// The identifier used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            SiteChange::Opened => "opened",
            SiteChange::Closed => "closed",
            SiteChange::Moved => "moved",
            SiteChange::KindChanged => "kind_changed",
            SiteChange::MovedAndKindChanged => "moved_and_kind_changed",
            SiteChange::Ambiguous => "ambiguous",
        }
    }

    /// Every change, in output order.
    pub const ALL: [SiteChange; 6] = [
        SiteChange::Opened,
        SiteChange::Closed,
        SiteChange::Moved,
        SiteChange::KindChanged,
        SiteChange::MovedAndKindChanged,
        SiteChange::Ambiguous,
    ];
}

/// One site that changed between two networks.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteChangeRow {
    /// The change.
    pub change: SiteChange,
    /// Id in the before network.
    pub id_before: Option<String>,
    /// Id in the after network.
    pub id_after: Option<String>,
    /// How the two were matched: `id`, `position` (ids differ), or empty.
    pub matched_by: &'static str,
    /// Name (after, else before).
    pub name: String,
    /// Kind before.
    pub kind_before: Option<PointKind>,
    /// Kind after.
    pub kind_after: Option<PointKind>,
    /// Distance between the two positions, in metres.
    pub moved_m: Option<f64>,
    /// WGS84 position (after, else before).
    pub lonlat: Coord<f64>,
}

/// The changes between two networks of sites. Sites are matched by id
/// first; the sites left over are matched by position (France Services
/// ids, for one, are not stable across years): each pair in the same zone
/// within `tolerance_m`, the most alike first — same name and kind, then
/// same name, then same kind, then neither — and among those the closest
/// (to the centimetre), so that two sites at one address under new ids are
/// not swapped. A pairing with an equally close, equally alike rival
/// is [`SiteChange::Ambiguous`] when it would report a change (when it
/// would not, every rival would not either). Matched sites farther apart
/// than `tolerance_m` have moved. Sites that did not change are not listed.
///
/// # Errors
/// When either network has no site (a file that gave nothing usable is
/// refused, not read as every site closed or opened), or `tolerance_m` is
/// not a finite number ≥ 0.
pub fn compare_sites(
    before: &[ServicePoint],
    after: &[ServicePoint],
    tolerance_m: f64,
) -> Result<Vec<SiteChangeRow>> {
    for (run, sites) in [("before", before), ("after", after)] {
        if sites.is_empty() {
            return Err(Error::invalid(
                "site comparison",
                format!("the {run} network has no site: nothing to compare"),
            ));
        }
    }
    if !(tolerance_m.is_finite() && tolerance_m >= 0.0) {
        return Err(Error::invalid(
            "tolerance",
            format!("must be a finite number of metres ≥ 0, got {tolerance_m}"),
        ));
    }
    let by_id: HashMap<&str, &ServicePoint> = before.iter().map(|p| (p.id.as_str(), p)).collect();
    let after_ids: std::collections::HashSet<&str> = after.iter().map(|p| p.id.as_str()).collect();
    let mut rows = Vec::new();
    let mut unmatched: Vec<&ServicePoint> = Vec::new();
    for a in after {
        match by_id.get(a.id.as_str()) {
            Some(b) => rows.extend(matched(b, a, "id", tolerance_m)),
            None => unmatched.push(a),
        }
    }
    let leftover: Vec<&ServicePoint> = before
        .iter()
        .filter(|b| !after_ids.contains(b.id.as_str()))
        .collect();
    let mut trees: HashMap<Zone, RTree<GeomWithData<[f64; 2], usize>>> = HashMap::new();
    for (i, b) in leftover.iter().enumerate() {
        trees
            .entry(b.zone)
            .or_default()
            .insert(GeomWithData::new([b.xy.x, b.xy.y], i));
    }
    let mut pairs: Vec<Pairing> = Vec::new();
    for (ai, a) in unmatched.iter().enumerate() {
        let Some(tree) = trees.get(&a.zone) else {
            continue;
        };
        for hit in tree.locate_within_distance([a.xy.x, a.xy.y], tolerance_m * tolerance_m) {
            let Some(b) = leftover.get(hit.data) else {
                continue;
            };
            let d = (a.xy.x - b.xy.x).hypot(a.xy.y - b.xy.y);
            pairs.push(Pairing {
                unlike: unlikeness(b, a),
                cm: (d * 100.0).round() as u64,
                a: ai,
                b: hit.data,
            });
        }
    }
    pairs.sort_unstable_by_key(|p| (p.unlike, p.cm, p.a, p.b));
    let mut a_taken = vec![false; unmatched.len()];
    let mut b_taken = vec![false; leftover.len()];
    let free = |p: &Pairing, a_taken: &[bool], b_taken: &[bool]| {
        !a_taken.get(p.a).copied().unwrap_or(true) && !b_taken.get(p.b).copied().unwrap_or(true)
    };
    for (i, p) in pairs.iter().enumerate() {
        if !free(p, &a_taken, &b_taken) {
            continue;
        }
        let (Some(a), Some(b)) = (unmatched.get(p.a), leftover.get(p.b)) else {
            continue;
        };
        let rival = pairs
            .iter()
            .skip(i + 1)
            .take_while(|q| (q.unlike, q.cm) == (p.unlike, p.cm))
            .any(|q| (q.a == p.a || q.b == p.b) && free(q, &a_taken, &b_taken));
        if let Some(t) = a_taken.get_mut(p.a) {
            *t = true;
        }
        if let Some(t) = b_taken.get_mut(p.b) {
            *t = true;
        }
        if let Some(mut row) = matched(b, a, "position", tolerance_m) {
            if rival {
                row.change = SiteChange::Ambiguous;
            }
            rows.push(row);
        }
    }
    for (a, _) in unmatched.iter().zip(&a_taken).filter(|(_, t)| !**t) {
        rows.push(alone(a, SiteChange::Opened));
    }
    for (b, _) in leftover.iter().zip(&b_taken).filter(|(_, t)| !**t) {
        rows.push(alone(b, SiteChange::Closed));
    }
    Ok(rows)
}

/// A candidate pairing by position of an unmatched after site (`a`) and a
/// leftover before site (`b`), by index.
#[derive(Debug, Clone, Copy)]
struct Pairing {
    unlike: u8,
    cm: u64,
    a: usize,
    b: usize,
}

/// 0: same name and kind; 1: same name; 2: same kind; 3: neither. Names
/// compare without case and with runs of spaces as one; an empty name is
/// like no other.
fn unlikeness(b: &ServicePoint, a: &ServicePoint) -> u8 {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let (nb, na) = (norm(&b.name), norm(&a.name));
    let name = !nb.is_empty() && nb == na;
    match (name, a.kind == b.kind) {
        (true, true) => 0,
        (true, false) => 1,
        (false, true) => 2,
        (false, false) => 3,
    }
}

fn matched(
    b: &ServicePoint,
    a: &ServicePoint,
    by: &'static str,
    tolerance_m: f64,
) -> Option<SiteChangeRow> {
    let distance = if a.zone == b.zone {
        (a.xy.x - b.xy.x).hypot(a.xy.y - b.xy.y)
    } else {
        f64::INFINITY
    };
    let moved = distance > tolerance_m;
    let kind = a.kind != b.kind;
    let change = match (moved, kind) {
        // The same site (under a new id, when matched by position).
        (false, false) => return None,
        (false, true) => SiteChange::KindChanged,
        (true, false) => SiteChange::Moved,
        (true, true) => SiteChange::MovedAndKindChanged,
    };
    Some(SiteChangeRow {
        change,
        id_before: Some(b.id.clone()),
        id_after: Some(a.id.clone()),
        matched_by: by,
        name: a.name.clone(),
        kind_before: Some(b.kind),
        kind_after: Some(a.kind),
        moved_m: distance.is_finite().then_some(distance),
        lonlat: a.lonlat,
    })
}

fn alone(p: &ServicePoint, change: SiteChange) -> SiteChangeRow {
    let after = change == SiteChange::Opened;
    SiteChangeRow {
        change,
        id_before: (!after).then(|| p.id.clone()),
        id_after: after.then(|| p.id.clone()),
        matched_by: "",
        name: p.name.clone(),
        kind_before: (!after).then_some(p.kind),
        kind_after: after.then_some(p.kind),
        moved_m: None,
        lonlat: p.lonlat,
    }
}
