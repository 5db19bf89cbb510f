//! What closing a site costs: the demand only that site reaches.

use std::collections::HashMap;

use rayon::prelude::*;

use super::Demand;
use super::candidates::departement_of;
use super::sets::SiteTrees;
use crate::model::{Service, ServicePoint};
use crate::network::ServiceNetwork;

/// The cost of closing one site alone.
#[derive(Debug, Clone, PartialEq)]
pub struct ClosureImpact {
    /// The site.
    pub site_id: String,
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: crate::model::PointKind,
    /// Its département (from its commune code), when known.
    pub departement: Option<String>,
    /// Demand weight that only this site reaches: it would fall beyond.
    pub weight_alone: f64,
    /// Demand items that only this site reaches.
    pub items_alone: usize,
    /// Share of its département's demand weight beyond reach today.
    pub departement_share_now: Option<f64>,
    /// The same if this site alone closed.
    pub departement_share_after: Option<f64>,
    /// True when a département (its own or a neighbour whose demand it
    /// reaches across the border) complies today (share ≤
    /// `max_share_beyond`) and would not once the site closed: see
    /// [`changes`](Self::changes).
    pub departement_would_fail: bool,
    /// Every département whose share beyond reach the closure changes (the
    /// demand it alone reaches lies there), its own first, then by code.
    pub changes: Vec<DepartementChange>,
}

impl ClosureImpact {
    /// The codes of the départements that comply today and would not once
    /// the site closed.
    pub fn failing(&self) -> Vec<&str> {
        self.changes
            .iter()
            .filter(|c| c.would_fail)
            .map(|c| c.code.as_str())
            .collect()
    }
}

/// How closing one site changes one département.
#[derive(Debug, Clone, PartialEq)]
pub struct DepartementChange {
    /// Département code (`?` for items of unknown département).
    pub code: String,
    /// Demand weight of the département that only the site reaches.
    pub weight_alone: f64,
    /// Share of the département's demand weight beyond reach today.
    pub share_now: f64,
    /// The same once the site closed.
    pub share_after: f64,
    /// True when the département complies today and would not after.
    pub would_fail: bool,
}

/// For every site offering `service`, the demand weight only it reaches —
/// computed in one pass: each item counts the sites within its reach,
/// stopping at two; an item with exactly one falls beyond when that one
/// closes. The result is sorted most critical first (weight, then id).
pub fn closure_impact(
    network: &ServiceNetwork,
    demand: &Demand<'_>,
    service: Service,
    max_share_beyond: f64,
) -> Vec<ClosureImpact> {
    let hosts: Vec<&ServicePoint> = network
        .points()
        .iter()
        .filter(|p| p.services.contains(service))
        .collect();
    let trees = SiteTrees::new(hosts.iter().map(|p| (p.zone, [p.xy.x, p.xy.y])));
    // Per item: 0, 1 (and which) or 2+ sites within reach.
    let reach: Vec<(u8, u32)> = (0..demand.len())
        .into_par_iter()
        .map(|i| {
            let mut it = trees.reaching(demand, i);
            match (it.next(), it.next()) {
                (None, _) => (0, 0),
                (Some(s), None) => (1, s),
                (Some(_), Some(_)) => (2, 0),
            }
        })
        .collect();
    let deps = demand.departements.len();
    let (mut dep_total, mut dep_beyond) = (vec![0.0; deps], vec![0.0; deps]);
    let mut alone: HashMap<u32, (f64, usize, HashMap<u32, f64>)> = HashMap::new();
    for (i, &(n, site)) in reach.iter().enumerate() {
        let w = demand.weight.get(i).copied().unwrap_or(0.0);
        let d = demand.departement.get(i).copied().unwrap_or(0);
        if let Some(t) = dep_total.get_mut(d as usize) {
            *t += w;
        }
        match n {
            0 => {
                if let Some(b) = dep_beyond.get_mut(d as usize) {
                    *b += w;
                }
            }
            1 => {
                let e = alone.entry(site).or_default();
                e.0 += w;
                e.1 += 1;
                *e.2.entry(d).or_default() += w;
            }
            _ => {}
        }
    }
    let mut out: Vec<ClosureImpact> = hosts
        .iter()
        .enumerate()
        .map(|(s, p)| {
            let site = u32::try_from(s).unwrap_or(u32::MAX);
            let (weight_alone, items_alone, by_dep) = alone.remove(&site).unwrap_or_default();
            let departement = p.commune.as_deref().and_then(departement_of);
            let own = departement
                .as_deref()
                .and_then(|code| demand.departements.iter().position(|c| c == code));
            let share = |d: usize, extra: f64| {
                let total = *dep_total.get(d)?;
                let beyond = *dep_beyond.get(d)?;
                (total > 0.0).then(|| (beyond + extra) / total)
            };
            let fails = |now: f64, after: f64| now <= max_share_beyond && after > max_share_beyond;
            let mut changes: Vec<DepartementChange> = by_dep
                .iter()
                .filter(|(_, w)| **w > 0.0)
                .filter_map(|(&d, &w)| {
                    let d = d as usize;
                    let (now, after) = (share(d, 0.0)?, share(d, w)?);
                    Some(DepartementChange {
                        code: demand.departements.get(d)?.clone(),
                        weight_alone: w,
                        share_now: now,
                        share_after: after,
                        would_fail: fails(now, after),
                    })
                })
                .collect();
            changes.sort_by(|a, b| {
                let elsewhere = |c: &DepartementChange| Some(&c.code) != departement.as_ref();
                elsewhere(a)
                    .cmp(&elsewhere(b))
                    .then_with(|| a.code.cmp(&b.code))
            });
            let lost_here = own
                .and_then(|d| by_dep.get(&u32::try_from(d).unwrap_or(u32::MAX)).copied())
                .unwrap_or(0.0);
            let (now, after) = (
                own.and_then(|d| share(d, 0.0)),
                own.and_then(|d| share(d, lost_here)),
            );
            ClosureImpact {
                site_id: p.id.clone(),
                name: p.name.clone(),
                kind: p.kind,
                departement,
                weight_alone,
                items_alone,
                departement_share_now: now,
                departement_share_after: after,
                departement_would_fail: changes.iter().any(|c| c.would_fail),
                changes,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.weight_alone
            .total_cmp(&a.weight_alone)
            .then_with(|| a.site_id.cmp(&b.site_id))
    });
    out
}
