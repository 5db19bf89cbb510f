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
//! for row in changes.rows().iter().filter(|r| r.change == Change::Lost) {
//!     println!("{} lost {} (nearest now {:?} m)", row.name, row.service, row.nearest_after_m);
//! }
//! # Ok::<(), maillage::Error>(())
//! ```

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::Path;

use geo::MapCoordsInPlace;
use geo_types::{Coord, MultiPolygon};
use rstar::RTree;
use rstar::primitives::GeomWithData;
use serde_json::json;

use crate::coverage::{CoverageReport, Outcome, Rule};
use crate::crs::{Projector, Zone};
use crate::error::{Error, Result};
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
}

impl Change {
    /// Every change, in output order.
    pub const ALL: [Change; 7] = [
        Change::Gained,
        Change::Lost,
        Change::Closer,
        Change::Farther,
        Change::Unchanged,
        Change::Added,
        Change::Removed,
    ];

    /// The identifier used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Gained => "gained",
            Change::Lost => "lost",
            Change::Closer => "closer",
            Change::Farther => "farther",
            Change::Unchanged => "unchanged",
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

/// One territory × service, before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeRow {
    /// Territory id.
    pub territory_id: String,
    /// Territory name (after, else before).
    pub name: String,
    /// Territory kind.
    pub kind: TerritoryKind,
    /// Département code.
    pub departement: Option<String>,
    /// Population (after, else before).
    pub population: Option<u64>,
    /// The service.
    pub service: Service,
    /// Served in the before run (`None`: not in it).
    pub served_before: Option<bool>,
    /// Served in the after run (`None`: not in it).
    pub served_after: Option<bool>,
    /// The change.
    pub change: Change,
    /// Nearest distance before, in metres.
    pub nearest_before_m: Option<f64>,
    /// Nearest distance after, in metres.
    pub nearest_after_m: Option<f64>,
    /// The territory's zone and geometry, when either run carried it
    /// (from [`CoverageReport::compare`]: for the rows that changed).
    pub geometry: Option<(Zone, MultiPolygon<f64>)>,
}

/// Totals of one département and service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepartementChanges {
    /// Département code (`?` when unknown).
    pub departement: String,
    /// The service.
    pub service: Service,
    /// Rows per change, in [`Change::ALL`] order.
    pub counts: [usize; 7],
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
            .into_iter()
            .filter_map(|((territory_id, service), (b, a))| {
                let latest = a.or(b)?;
                Some(ChangeRow {
                    territory_id,
                    name: latest.name.clone(),
                    kind: latest.kind,
                    departement: latest.departement.clone(),
                    population: latest.population,
                    service,
                    served_before: b.map(|o| o.served),
                    served_after: a.map(|o| o.served),
                    change: classify(b, a),
                    nearest_before_m: b.and_then(Outcome::nearest_m),
                    nearest_after_m: a.and_then(Outcome::nearest_m),
                    geometry: a
                        .and_then(|o| o.geometry.clone())
                        .or_else(|| b.and_then(|o| o.geometry.clone())),
                })
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
        for row in self.rows.iter_mut().filter(|r| r.geometry.is_none()) {
            row.geometry = by_id.get(row.territory_id.as_str()).map(|g| (*g).clone());
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
            let code = r.departement.clone().unwrap_or_else(|| "?".into());
            let d = deps
                .entry((code.clone(), r.service))
                .or_insert_with(|| DepartementChanges {
                    departement: code,
                    service: r.service,
                    counts: [0; 7],
                    population_gained: 0,
                    population_lost: 0,
                });
            if let Some(i) = Change::ALL.iter().position(|c| *c == r.change)
                && let Some(n) = d.counts.get_mut(i)
            {
                *n += 1;
            }
            match r.change {
                Change::Gained => d.population_gained += r.population.unwrap_or(0),
                Change::Lost => d.population_lost += r.population.unwrap_or(0),
                _ => {}
            }
        }
        deps.into_values().collect()
    }

    /// Writes `changes.csv`: `territory_id, name, kind, departement,
    /// population, service, served_before, served_after, change,
    /// nearest_before_m, nearest_after_m`.
    pub fn write_csv(&self, path: impl AsRef<Path>) -> Result<()> {
        let opt = |v: Option<f64>| v.map(|d| format!("{d:.2}")).unwrap_or_default();
        let flag = |v: Option<bool>| v.map(|b| b.to_string()).unwrap_or_default();
        write_table(
            path.as_ref(),
            &[
                "territory_id",
                "name",
                "kind",
                "departement",
                "population",
                "service",
                "served_before",
                "served_after",
                "change",
                "nearest_before_m",
                "nearest_after_m",
            ],
            self.rows.iter().map(|r| {
                vec![
                    r.territory_id.clone(),
                    r.name.clone(),
                    r.kind.to_string(),
                    r.departement.clone().unwrap_or_default(),
                    r.population.map(|p| p.to_string()).unwrap_or_default(),
                    r.service.to_string(),
                    flag(r.served_before),
                    flag(r.served_after),
                    r.change.to_string(),
                    opt(r.nearest_before_m),
                    opt(r.nearest_after_m),
                ]
            }),
        )
    }

    /// Writes the per-département totals: `departement, service`, one
    /// column per change, `population_gained, population_lost`.
    pub fn write_departements_csv(&self, path: impl AsRef<Path>) -> Result<()> {
        let mut header = vec!["departement", "service"];
        header.extend(Change::ALL.map(Change::as_str));
        header.extend(["population_gained", "population_lost"]);
        write_table(
            path.as_ref(),
            &header,
            self.by_departement().into_iter().map(|d| {
                let mut row = vec![d.departement, d.service.to_string()];
                row.extend(d.counts.iter().map(usize::to_string));
                row.push(d.population_gained.to_string());
                row.push(d.population_lost.to_string());
                row
            }),
        )
    }

    /// Writes the rows that changed (not [`Change::Unchanged`]) and have a
    /// geometry as a GeoJSON FeatureCollection (WGS84); returns how many
    /// changed rows had no geometry and were left out.
    pub fn write_geojson(&self, path: impl AsRef<Path>) -> Result<usize> {
        let projector = Projector::shared()?;
        let mut features = Vec::new();
        let mut without = 0;
        for r in self.rows.iter().filter(|r| r.change != Change::Unchanged) {
            let Some((zone, geometry)) = &r.geometry else {
                without += 1;
                continue;
            };
            let mut g = geometry.clone();
            projector.unproject_multipolygon(*zone, &mut g)?;
            g.map_coords_in_place(|c| Coord {
                x: (c.x * 1e7).round() / 1e7,
                y: (c.y * 1e7).round() / 1e7,
            });
            features.push(json!({
                "type": "Feature",
                "properties": {
                    "territory_id": r.territory_id, "name": r.name, "kind": r.kind.as_str(),
                    "departement": r.departement, "population": r.population,
                    "service": r.service.as_str(), "served_before": r.served_before,
                    "served_after": r.served_after, "change": r.change.as_str(),
                    "nearest_before_m": r.nearest_before_m, "nearest_after_m": r.nearest_after_m,
                },
                "geometry": geojson::Geometry::from(&g),
            }));
        }
        let doc = json!({"type": "FeatureCollection", "features": features});
        let path = path.as_ref();
        crate::outfile::write_file(path, |file| {
            serde_json::to_writer(file, &doc).map_err(|e| Error::encode("GeoJSON", e))
        })?;
        Ok(without)
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
            row.geometry = shapes
                .get(row.territory_id.as_str())
                .map(|t| (t.zone, t.geometry.clone()));
        }
        Ok(comparison)
    }
}

fn write_table(
    path: &Path,
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<()> {
    crate::outfile::write_file(path, |file| {
        let mut w = csv::Writer::from_writer(file);
        let err = |e: csv::Error| Error::encode("CSV", e);
        w.write_record(header).map_err(err)?;
        for row in rows {
            let safe = row
                .iter()
                .map(|c| crate::outfile::spreadsheet_safe(c).into_owned());
            w.write_record(safe).map_err(err)?;
        }
        w.flush().map_err(|e| Error::encode("CSV", e))
    })
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
        }
    }
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
/// first; the sites left over are matched by position (nearest in the same
/// zone, within `tolerance_m`: France Services ids, for one, are not stable
/// across years). Matched sites farther apart than `tolerance_m` have moved.
/// Sites that did not change are not listed.
pub fn compare_sites(
    before: &[ServicePoint],
    after: &[ServicePoint],
    tolerance_m: f64,
) -> Vec<SiteChangeRow> {
    let by_id: HashMap<&str, &ServicePoint> = before.iter().map(|p| (p.id.as_str(), p)).collect();
    let after_ids: std::collections::HashSet<&str> = after.iter().map(|p| p.id.as_str()).collect();
    let mut rows = Vec::new();
    let mut unmatched_after = Vec::new();
    for a in after {
        match by_id.get(a.id.as_str()) {
            Some(b) => rows.extend(matched(b, a, "id", tolerance_m)),
            None => unmatched_after.push(a),
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
    let mut taken = vec![false; leftover.len()];
    for a in unmatched_after {
        let found = trees.get_mut(&a.zone).and_then(|tree| {
            let hit = tree
                .nearest_neighbor_iter_with_distance_2(&[a.xy.x, a.xy.y])
                .next()
                .filter(|(_, d2)| d2.sqrt() <= tolerance_m)
                .map(|(p, _)| *p)?;
            tree.remove(&hit).map(|p| p.data)
        });
        match found.and_then(|i| leftover.get(i).map(|b| (i, b))) {
            Some((i, b)) => {
                if let Some(t) = taken.get_mut(i) {
                    *t = true;
                }
                rows.extend(matched(b, a, "position", tolerance_m));
            }
            None => rows.push(alone(a, SiteChange::Opened)),
        }
    }
    for (b, _) in leftover.iter().zip(&taken).filter(|(_, t)| !**t) {
        rows.push(alone(b, SiteChange::Closed));
    }
    rows
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

/// Writes `points_changes.csv`: `change, id_before, id_after, matched_by,
/// name, kind_before, kind_after, moved_m, lon, lat`.
pub fn write_site_changes_csv(rows: &[SiteChangeRow], path: impl AsRef<Path>) -> Result<()> {
    let kind = |k: Option<PointKind>| k.map(|k| k.as_str().to_owned()).unwrap_or_default();
    write_table(
        path.as_ref(),
        &[
            "change",
            "id_before",
            "id_after",
            "matched_by",
            "name",
            "kind_before",
            "kind_after",
            "moved_m",
            "lon",
            "lat",
        ],
        rows.iter().map(|r| {
            vec![
                r.change.as_str().to_owned(),
                r.id_before.clone().unwrap_or_default(),
                r.id_after.clone().unwrap_or_default(),
                r.matched_by.to_owned(),
                r.name.clone(),
                kind(r.kind_before),
                kind(r.kind_after),
                r.moved_m.map(|m| format!("{m:.1}")).unwrap_or_default(),
                format!("{:.6}", r.lonlat.x),
                format!("{:.6}", r.lonlat.y),
            ]
        }),
    )
}
