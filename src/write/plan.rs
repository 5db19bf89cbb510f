//! The plan's files: `sites.csv`, `impact.csv` and `plan.json` (columns in
//! docs/SCHEMAS.md).

use std::path::Path;

use serde_json::Value;

use super::table::csv_file;
#[cfg(feature = "geoparquet")]
use super::table::csv_into;
use crate::error::Result;
use crate::model::Service;
use crate::plan::{ClosureImpact, PlanReport, PlannedSite};

/// The columns of `sites.csv`.
const SITES_COLUMNS: [&str; 11] = [
    "rank",
    "site_id",
    "name",
    "kind",
    "departement",
    "lon",
    "lat",
    "gain",
    "covered",
    "objective",
    "services",
];

/// The columns of `impact.csv`.
const IMPACT_COLUMNS: [&str; 11] = [
    "site_id",
    "name",
    "kind",
    "departement",
    "population_alone",
    "items_alone",
    "departement_share_beyond_now",
    "departement_share_beyond_after",
    "departement_would_fail",
    "departements_changed",
    "departements_failing",
];

impl PlanReport {
    /// Writes `sites.csv`: `rank, site_id, name, kind, departement, lon,
    /// lat, gain, covered, objective, services`. Longitudes and latitudes
    /// are written exactly (the shortest decimals that read back as the
    /// same number), so that the written sites, read again, reach what the
    /// plan says; `services` names the planned service, so that the file
    /// is a plain sites CSV `access` and `coverage` read as `--partners`.
    pub fn write_sites_csv(&self, path: impl AsRef<Path>) -> Result<()> {
        write_sites_csv(&self.sites, self.service, path)
    }
}

/// Writes planned sites (e.g. those of several compliance plans) as
/// `sites.csv` ([`PlanReport::write_sites_csv`]).
pub fn write_sites_csv(
    sites: &[PlannedSite],
    service: Service,
    path: impl AsRef<Path>,
) -> Result<()> {
    csv_file(
        path.as_ref(),
        &SITES_COLUMNS,
        sites.iter().map(|s| site_row(s, service)),
    )
}

/// The rows of `sites.csv` as CSV into `out`.
#[cfg(feature = "geoparquet")]
pub(crate) fn sites_csv<'s>(
    out: impl std::io::Write,
    sites: impl Iterator<Item = &'s PlannedSite>,
    service: Service,
) -> Result<()> {
    csv_into(out, &SITES_COLUMNS, sites.map(|s| site_row(s, service)))
}

fn site_row(s: &PlannedSite, service: Service) -> Vec<String> {
    let c = &s.candidate;
    vec![
        s.rank.to_string(),
        c.id.clone(),
        c.name.clone(),
        c.kind.map(|k| k.as_str().to_owned()).unwrap_or_default(),
        c.departement.clone().unwrap_or_default(),
        // Shortest round-trip decimals: read back, the same f64.
        c.lonlat.x.to_string(),
        c.lonlat.y.to_string(),
        format!("{:.1}", s.gain),
        s.covered.to_string(),
        format!("{:.1}", s.objective),
        service.as_str().to_owned(),
    ]
}

/// Writes `impact.csv`: `site_id, name, kind, departement, population_alone,
/// items_alone, departement_share_beyond_now, departement_share_beyond_after,
/// departement_would_fail, departements_changed, departements_failing`.
/// The shares are those of the site's own département;
/// `departement_would_fail` is true when any département would fail;
/// `departements_changed` lists every département the closure changes as
/// `code:share_now>share_after` separated by spaces, and
/// `departements_failing` the codes of those that would fail.
pub fn write_impact_csv(rows: &[ClosureImpact], path: impl AsRef<Path>) -> Result<()> {
    let share = |v: Option<f64>| v.map(|s| format!("{s:.6}")).unwrap_or_default();
    let row = |r: &ClosureImpact| {
        let changed: Vec<String> = r
            .changes
            .iter()
            .map(|c| format!("{}:{:.6}>{:.6}", c.code, c.share_now, c.share_after))
            .collect();
        vec![
            r.site_id.clone(),
            r.name.clone(),
            r.kind.as_str().to_owned(),
            r.departement.clone().unwrap_or_default(),
            format!("{:.1}", r.weight_alone),
            r.items_alone.to_string(),
            share(r.departement_share_now),
            share(r.departement_share_after),
            r.departement_would_fail.to_string(),
            changed.join(" "),
            r.failing().join(" "),
        ]
    };
    csv_file(path.as_ref(), &IMPACT_COLUMNS, rows.iter().map(row))
}

/// Writes `plan.json`.
pub fn write_plan_json(json: &Value, path: impl AsRef<Path>) -> Result<()> {
    crate::outfile::write_json(path.as_ref(), json)
}
