//! Many closure scenarios in one run: for each scenario (one site, or
//! several closed together), the demand newly beyond reach in every
//! département, and the legal test before and after.
//!
//! The sweep is exact for scenarios of any size. Each demand item counts
//! the sites within its reach once (up to one more than the largest
//! scenario: an item more sites reach than a scenario closes cannot fall
//! beyond); each site keeps the items it reaches among those few-reached
//! ones. A scenario walks the items its sites reach and counts how many of
//! them reach each: an item falls beyond when every site reaching it is
//! closed. Scenarios run in parallel.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::Path;

use rayon::prelude::*;

use super::Demand;
use super::sets::SiteTrees;
use crate::error::{Error, Result};
use crate::model::{Service, ServicePoint};
use crate::network::ServiceNetwork;
use crate::outfile::spreadsheet_safe;
use crate::read::text::CsvTable;
use crate::report::LoadReport;
use crate::skip::{Location, SkipReason};

/// The columns of `scenarios.csv`, in order (docs/SCHEMAS.md).
pub const SCENARIO_COLUMNS: [&str; 12] = [
    "scenario_id",
    "sites_closed",
    "departement",
    "population",
    "beyond_now",
    "beyond_after",
    "newly_beyond",
    "units_newly_beyond",
    "share_beyond_now",
    "share_beyond_after",
    "complies_now",
    "complies_after",
];

/// Sites closed together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    /// The scenario's id.
    pub id: String,
    /// The ids of the sites it closes (each once).
    pub sites: Vec<String>,
}

impl Scenario {
    /// The closure of one site alone, named by the site's id.
    pub fn single(site_id: impl Into<String>) -> Scenario {
        let id = site_id.into();
        Scenario {
            sites: vec![id.clone()],
            id,
        }
    }
}

/// One scenario per site offering `service`: every single closure, in the
/// network's order, each named by its site's id.
pub fn each_site(network: &ServiceNetwork, service: Service) -> Vec<Scenario> {
    network
        .points()
        .iter()
        .filter(|p| p.services.contains(service))
        .map(|p| Scenario::single(p.id.clone()))
        .collect()
}

/// Reads a CSV of scenarios: a `scenario_id` (or `scenario`) column and a
/// `site_id` (or `id`) column, one row per site closed, several rows per
/// scenario; the scenarios keep the order of their first row.
///
/// A missing column is an error naming the file. A row with a blank
/// scenario or site id ([`SkipReason::MissingId`]), naming a site the
/// network does not hold ([`SkipReason::UnknownSiteId`]) or repeating a
/// site of its scenario ([`SkipReason::DuplicateId`]) is a counted skip;
/// a scenario left with no site is one more, [`SkipReason::EmptyScenario`]
/// (the report's `read` and `kept` count rows). A file giving no scenario
/// at all is an error.
pub fn read_scenarios(
    path: &Path,
    network: &ServiceNetwork,
) -> Result<(Vec<Scenario>, LoadReport)> {
    let mut table = CsvTable::open(path)?;
    let scenario_col = table.require(&["scenario_id", "scenario"])?;
    let site_col = table.require(&["site_id", "id"])?;
    let known: HashSet<&str> = network.points().iter().map(|p| p.id.as_str()).collect();
    let mut report = LoadReport::new(path.display().to_string());
    let mut order: Vec<(String, u64)> = Vec::new();
    let mut sites: HashMap<String, Vec<String>> = HashMap::new();
    let mut record = csv::ByteRecord::new();
    while let Some(line) = table.next_record(&mut record)? {
        report.read += 1;
        let scenario = table.field(&record, scenario_col).trim().to_owned();
        let site = table.field(&record, site_col).trim().to_owned();
        let at = Location::Line(line);
        if scenario.is_empty() {
            let detail = Some("blank scenario_id".to_owned());
            report.skip(SkipReason::MissingId, at, Some(&site), detail);
            continue;
        }
        let list = match sites.get_mut(&scenario) {
            Some(list) => list,
            None => {
                order.push((scenario.clone(), line));
                sites.entry(scenario.clone()).or_default()
            }
        };
        let detail = || Some(format!("scenario {scenario}"));
        if site.is_empty() {
            report.skip(SkipReason::MissingId, at, None, detail());
        } else if !known.contains(site.as_str()) {
            report.skip(SkipReason::UnknownSiteId, at, Some(&site), detail());
        } else if list.contains(&site) {
            report.skip(SkipReason::DuplicateId, at, Some(&site), detail());
        } else {
            report.kept += 1;
            list.push(site);
        }
    }
    table.finish(&mut report);
    let mut out = Vec::with_capacity(order.len());
    for (id, line) in order {
        let list = sites.remove(&id).unwrap_or_default();
        if list.is_empty() {
            report.skip(
                SkipReason::EmptyScenario,
                Location::Line(line),
                Some(&id),
                Some("no known site left to close".into()),
            );
        } else {
            out.push(Scenario { id, sites: list });
        }
    }
    if out.is_empty() {
        return Err(Error::invalid(
            "closure scenarios",
            format!("{}: no scenario to run ({report})", path.display()),
        ));
    }
    Ok((out, report))
}

/// A département's demand today.
#[derive(Debug, Clone, PartialEq)]
pub struct DepartementBase {
    /// Département code (`?` for items of unknown département).
    pub code: String,
    /// Its demand weight (the legal test's population).
    pub total: f64,
    /// The weight beyond reach today.
    pub beyond: f64,
}

impl DepartementBase {
    /// Share of the weight beyond reach today (0 when the total is 0).
    pub fn share_beyond(&self) -> f64 {
        self.share_with(0.0)
    }

    /// The share beyond reach with `extra` more weight beyond.
    pub fn share_with(&self, extra: f64) -> f64 {
        if self.total > 0.0 {
            (self.beyond + extra) / self.total
        } else {
            0.0
        }
    }
}

/// What one scenario does.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioImpact {
    /// The scenario's id.
    pub id: String,
    /// The sites it names.
    pub sites: usize,
    /// Those of them offering the service (the others change nothing).
    pub hosts_closed: usize,
    /// Per département it changes (index into [`Sweep::departements`],
    /// in that order): the weight and the items newly beyond reach.
    pub newly: Vec<(usize, f64, usize)>,
}

impl ScenarioImpact {
    /// Weight newly beyond reach in département `d` (index into
    /// [`Sweep::departements`]), and its items.
    pub fn newly_in(&self, d: usize) -> (f64, usize) {
        self.newly
            .iter()
            .find(|(k, _, _)| *k == d)
            .map_or((0.0, 0), |&(_, w, n)| (w, n))
    }

    /// Total weight newly beyond reach.
    pub fn newly_total(&self) -> f64 {
        self.newly.iter().map(|(_, w, _)| w).sum::<f64>() + 0.0
    }
}

/// One row of `scenarios.csv`: one scenario in one département.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepRow<'a> {
    /// The scenario.
    pub scenario_id: &'a str,
    /// The sites it closes that offer the service.
    pub sites_closed: usize,
    /// The département.
    pub departement: &'a str,
    /// Its demand weight.
    pub population: f64,
    /// Weight beyond reach today.
    pub beyond_now: f64,
    /// Weight beyond reach once the scenario's sites closed.
    pub beyond_after: f64,
    /// The difference: weight only the closed sites reached.
    pub newly_beyond: f64,
    /// The demand items (grid cells, commune centroids) newly beyond.
    pub units_newly_beyond: usize,
    /// Share beyond today.
    pub share_beyond_now: f64,
    /// Share beyond after.
    pub share_beyond_after: f64,
    /// Share today ≤ the maximum.
    pub complies_now: bool,
    /// Share after ≤ the maximum.
    pub complies_after: bool,
}

/// The impact of many closure scenarios (see [`sweep`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Sweep {
    /// The départements measured, by code.
    pub departements: Vec<DepartementBase>,
    /// Every scenario, in the order given.
    pub scenarios: Vec<ScenarioImpact>,
    /// The largest share beyond that complies (the law: 0.10).
    pub max_share_beyond: f64,
    /// Demand items measured (those of the départements kept).
    pub items: usize,
}

impl Sweep {
    /// Every (scenario, département) row, scenarios in order, départements
    /// by code: `scenarios × départements` rows.
    pub fn rows(&self) -> impl Iterator<Item = SweepRow<'_>> + '_ {
        self.scenarios
            .iter()
            .flat_map(move |s| (0..self.departements.len()).filter_map(move |d| self.row(s, d)))
    }

    /// Only the rows a scenario changes (weight newly beyond > 0).
    pub fn changed_rows(&self) -> impl Iterator<Item = SweepRow<'_>> + '_ {
        self.scenarios.iter().flat_map(move |s| {
            s.newly
                .iter()
                .filter(|(_, w, _)| *w > 0.0)
                .filter_map(move |&(d, _, _)| self.row(s, d))
        })
    }

    fn row<'s>(&'s self, s: &'s ScenarioImpact, d: usize) -> Option<SweepRow<'s>> {
        let base = self.departements.get(d)?;
        let (newly, units) = s.newly_in(d);
        let (now, after) = (base.share_beyond(), base.share_with(newly));
        Some(SweepRow {
            scenario_id: &s.id,
            sites_closed: s.hosts_closed,
            departement: &base.code,
            population: base.total,
            beyond_now: base.beyond,
            beyond_after: base.beyond + newly,
            newly_beyond: newly,
            units_newly_beyond: units,
            share_beyond_now: now,
            share_beyond_after: after,
            complies_now: now <= self.max_share_beyond,
            complies_after: after <= self.max_share_beyond,
        })
    }

    /// The scenarios that make a complying département fail, with the
    /// codes of those départements.
    pub fn failing(&self) -> Vec<(&str, Vec<&str>)> {
        self.scenarios
            .iter()
            .filter_map(|s| {
                let codes: Vec<&str> = s
                    .newly
                    .iter()
                    .filter_map(|&(d, w, _)| {
                        let b = self.departements.get(d)?;
                        (b.share_beyond() <= self.max_share_beyond
                            && b.share_with(w) > self.max_share_beyond)
                            .then_some(b.code.as_str())
                    })
                    .collect();
                (!codes.is_empty()).then_some((s.id.as_str(), codes))
            })
            .collect()
    }

    /// Writes the rows (all, or with `changed_only` the rows a scenario
    /// changes) as CSV with [`SCENARIO_COLUMNS`] into `out`.
    pub fn write_csv_to(&self, out: impl Write, changed_only: bool) -> Result<()> {
        let mut w = csv::Writer::from_writer(out);
        let err = |e: csv::Error| Error::encode("CSV", e);
        w.write_record(SCENARIO_COLUMNS).map_err(err)?;
        let mut write = |r: SweepRow<'_>| -> Result<()> {
            let cells = [
                spreadsheet_safe(r.scenario_id).into_owned(),
                r.sites_closed.to_string(),
                spreadsheet_safe(r.departement).into_owned(),
                format!("{:.1}", r.population),
                format!("{:.1}", r.beyond_now),
                format!("{:.1}", r.beyond_after),
                format!("{:.1}", r.newly_beyond),
                r.units_newly_beyond.to_string(),
                format!("{:.6}", r.share_beyond_now),
                format!("{:.6}", r.share_beyond_after),
                r.complies_now.to_string(),
                r.complies_after.to_string(),
            ];
            w.write_record(&cells).map_err(err)
        };
        if changed_only {
            self.changed_rows().try_for_each(&mut write)?;
        } else {
            self.rows().try_for_each(&mut write)?;
        }
        w.flush().map_err(|e| Error::encode("CSV", e))
    }

    /// Writes `scenarios.csv` at `path` (see [`write_csv_to`](Self::write_csv_to)).
    pub fn write_csv(&self, path: impl AsRef<Path>, changed_only: bool) -> Result<()> {
        crate::outfile::write_file(path.as_ref(), |f| self.write_csv_to(f, changed_only))
    }
}

/// Runs every scenario on `demand` (the legal test's population: see
/// [`Demand::population`]) for the sites of `network` offering `service`.
/// With `departements`, only the items of those départements are measured
/// (every site still counts, wherever it is). A scenario's site that does
/// not offer the service changes nothing. `max_share_beyond` decides the
/// compliance columns (the law: [`LAW_MAX_SHARE_BEYOND`](crate::access::LAW_MAX_SHARE_BEYOND)).
pub fn sweep(
    network: &ServiceNetwork,
    demand: &Demand<'_>,
    service: Service,
    scenarios: &[Scenario],
    max_share_beyond: f64,
    departements: Option<&[String]>,
) -> Result<Sweep> {
    if !(max_share_beyond.is_finite() && (0.0..=1.0).contains(&max_share_beyond)) {
        return Err(Error::invalid(
            "closure scenarios",
            format!("the maximum share beyond must be in [0, 1], got {max_share_beyond}"),
        ));
    }
    let hosts: Vec<&ServicePoint> = network
        .points()
        .iter()
        .filter(|p| p.services.contains(service))
        .collect();
    let host_of: HashMap<&str, u32> = hosts
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), u32::try_from(i).unwrap_or(u32::MAX)))
        .collect();
    // Each scenario's hosts, once each.
    let closed: Vec<Vec<u32>> = scenarios
        .iter()
        .map(|s| {
            let mut v: Vec<u32> = s
                .sites
                .iter()
                .filter_map(|id| host_of.get(id.as_str()).copied())
                .collect();
            v.sort_unstable();
            v.dedup();
            v
        })
        .collect();
    let largest = closed.iter().map(Vec::len).max().unwrap_or(0);
    // The départements kept, by code, and each demand département's slot.
    let mut codes: Vec<(usize, &String)> = demand
        .departements
        .iter()
        .enumerate()
        .filter(|(_, c)| departements.is_none_or(|keep| keep.contains(c)))
        .collect();
    codes.sort_by(|a, b| a.1.cmp(b.1));
    let mut slot = vec![usize::MAX; demand.departements.len()];
    for (k, (d, _)) in codes.iter().enumerate() {
        if let Some(s) = slot.get_mut(*d) {
            *s = k;
        }
    }
    let slot_of = |i: usize| -> Option<usize> {
        let d = *demand.departement.get(i)? as usize;
        slot.get(d).copied().filter(|&s| s != usize::MAX)
    };
    let trees = SiteTrees::new(hosts.iter().map(|p| (p.zone, [p.xy.x, p.xy.y])));
    // Per item: how many sites reach it, counted up to one more than the
    // largest scenario closes (an item more sites reach cannot fall beyond).
    let cap = largest.saturating_add(1);
    let reach_count: Vec<u32> = (0..demand.len())
        .into_par_iter()
        .map(|i| match slot_of(i) {
            Some(_) => {
                u32::try_from(trees.reaching(demand, i).take(cap).count()).unwrap_or(u32::MAX - 1)
            }
            None => u32::MAX,
        })
        .collect();
    let largest = u32::try_from(largest).unwrap_or(u32::MAX - 1);
    let mut bases: Vec<DepartementBase> = codes
        .iter()
        .map(|(_, c)| DepartementBase {
            code: (*c).clone(),
            total: 0.0,
            beyond: 0.0,
        })
        .collect();
    let mut items = 0;
    for (i, &n) in reach_count.iter().enumerate() {
        let Some(b) = slot_of(i).and_then(|s| bases.get_mut(s)) else {
            continue;
        };
        items += 1;
        let w = demand.weight.get(i).copied().unwrap_or(0.0);
        b.total += w;
        if n == 0 {
            b.beyond += w;
        }
    }
    // The (host, item) pairs of the items a scenario could leave beyond,
    // in compressed rows by host.
    let pairs: Vec<(u32, u32)> = (0..demand.len())
        .into_par_iter()
        .filter(|&i| {
            reach_count
                .get(i)
                .is_some_and(|n| (1..=largest).contains(n))
        })
        .flat_map_iter(|i| {
            let item = u32::try_from(i).unwrap_or(u32::MAX);
            trees
                .reaching(demand, i)
                .map(move |s| (s, item))
                .collect::<Vec<_>>()
        })
        .collect();
    let mut offsets = vec![0usize; hosts.len() + 1];
    for &(s, _) in &pairs {
        if let Some(o) = offsets.get_mut(s as usize + 1) {
            *o += 1;
        }
    }
    for k in 1..offsets.len() {
        let prev = offsets.get(k - 1).copied().unwrap_or(0);
        if let Some(o) = offsets.get_mut(k) {
            *o += prev;
        }
    }
    let mut next = offsets.clone();
    let mut cover = vec![0u32; pairs.len()];
    for (s, item) in pairs {
        if let Some(at) = next.get_mut(s as usize)
            && let Some(dst) = cover.get_mut(*at)
        {
            *dst = item;
            *at += 1;
        }
    }
    let set = |s: u32| -> &[u32] {
        match (offsets.get(s as usize), offsets.get(s as usize + 1)) {
            (Some(&a), Some(&b)) => cover.get(a..b).unwrap_or_default(),
            _ => &[],
        }
    };
    let impacts: Vec<ScenarioImpact> = scenarios
        .par_iter()
        .zip(closed.par_iter())
        .map(|(scenario, sites)| {
            let mut lost: Vec<u32> = Vec::new();
            match sites.as_slice() {
                [one] => lost.extend(
                    set(*one)
                        .iter()
                        .filter(|&&i| reach_count.get(i as usize) == Some(&1)),
                ),
                many => {
                    let mut hits: Vec<u32> = many.iter().flat_map(|&s| set(s)).copied().collect();
                    hits.sort_unstable();
                    let mut k = 0;
                    while let Some(&item) = hits.get(k) {
                        let run = hits
                            .get(k..)
                            .map_or(0, |rest| rest.iter().take_while(|&&x| x == item).count());
                        if reach_count.get(item as usize).map(|&n| n as usize) == Some(run) {
                            lost.push(item);
                        }
                        k += run.max(1);
                    }
                }
            }
            let mut by: Vec<(usize, f64, usize)> = Vec::new();
            for i in lost {
                let i = i as usize;
                let (Some(d), Some(&w)) = (slot_of(i), demand.weight.get(i)) else {
                    continue;
                };
                match by.iter_mut().find(|(k, _, _)| *k == d) {
                    Some(e) => {
                        e.1 += w;
                        e.2 += 1;
                    }
                    None => by.push((d, w, 1)),
                }
            }
            by.sort_by_key(|e| e.0);
            ScenarioImpact {
                id: scenario.id.clone(),
                sites: scenario.sites.len(),
                hosts_closed: sites.len(),
                newly: by,
            }
        })
        .collect();
    Ok(Sweep {
        departements: bases,
        scenarios: impacts,
        max_share_beyond,
        items,
    })
}
