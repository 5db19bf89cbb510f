//! The accessibility files: `departements.csv`, `communes.csv` and the
//! totals by territory (columns in docs/SCHEMAS.md).

use std::path::Path;

use super::table::csv_file;
#[cfg(feature = "geoparquet")]
use super::table::csv_into;
use crate::access::{AccessReport, AccessTotals};
use crate::error::{Error, Result};
use crate::model::Territory;

/// The columns of `departements.csv`.
const DEPARTEMENT_COLUMNS: [&str; 12] = [
    "dep",
    "population",
    "population_beyond",
    "share_beyond",
    "compliant",
    "population_beyond_distance",
    "population_beyond_minutes",
    "population_beyond_decree",
    "share_within_decree",
    "decree_compliant",
    "population_no_point",
    "population_time_estimated",
];

/// The columns of `communes.csv` and of the totals by territory.
const TOTALS_COLUMNS: [&str; 12] = [
    "id",
    "name",
    "dep",
    "population",
    "population_beyond",
    "share_beyond",
    "population_beyond_distance",
    "population_beyond_minutes",
    "population_beyond_decree",
    "grille_densite",
    "classement_frr",
    "classee_frr",
];

impl AccessReport<'_> {
    /// Writes one row per département, then a row `FR` for the nation:
    /// `dep, population, population_beyond, share_beyond, compliant,
    /// population_beyond_distance, population_beyond_minutes,
    /// population_beyond_decree, share_within_decree, decree_compliant,
    /// population_no_point, population_time_estimated`. On the `FR` row,
    /// `compliant` applies the 10 % rule to the nation and `decree_compliant`
    /// the national 99 %.
    pub fn write_departements_csv(&self, path: impl AsRef<Path>) -> Result<()> {
        let national = self.national();
        let rows = self
            .by_departement()
            .into_iter()
            .map(|d| (d.code, d.totals, d.law_compliant, d.decree_compliant))
            .chain(std::iter::once((
                "FR".to_owned(),
                national,
                national.share_beyond() <= self.thresholds().max_share_beyond,
                self.national_decree_compliant(),
            )))
            .map(|(code, t, law, decree)| {
                vec![
                    code,
                    format!("{:.0}", t.population),
                    format!("{:.0}", t.beyond),
                    format!("{:.6}", t.share_beyond()),
                    law.to_string(),
                    format!("{:.0}", t.beyond_distance),
                    format!("{:.0}", t.beyond_minutes),
                    format!("{:.0}", t.beyond_decree),
                    format!("{:.6}", t.share_within_decree()),
                    decree.to_string(),
                    format!("{:.0}", t.no_point),
                    format!("{:.0}", t.time_estimated),
                ]
            });
        csv_file(path.as_ref(), &DEPARTEMENT_COLUMNS, rows)
    }

    /// Writes one row per commune: `id, name, dep, population,
    /// population_beyond, share_beyond, population_beyond_distance,
    /// population_beyond_minutes, population_beyond_decree`, then the
    /// commune's density class and FRR rural zoning when known
    /// (`grille_densite`, `classement_frr`, `classee_frr`).
    pub fn write_communes_csv(&self, path: impl AsRef<Path>) -> Result<()> {
        let rows = self.communes().map(|(t, a)| totals_row(t, a));
        csv_file(path.as_ref(), &TOTALS_COLUMNS, rows)
    }

    /// Writes one row per territory of
    /// [`also_by`](crate::access::Accessibility::also_by), with the columns of
    /// [`write_communes_csv`](Self::write_communes_csv). Fails when the
    /// analysis had no such territories.
    pub fn write_territories_csv(&self, path: impl AsRef<Path>) -> Result<()> {
        let rows = self.territories().ok_or_else(|| {
            Error::invalid(
                "output",
                "the analysis was not totalled by territories (see Accessibility::also_by)",
            )
        })?;
        csv_file(
            path.as_ref(),
            &TOTALS_COLUMNS,
            rows.map(|(t, a)| totals_row(t, a)),
        )
    }
}

/// The rows of [`AccessReport::write_communes_csv`] as CSV into `out`.
#[cfg(feature = "geoparquet")]
pub(crate) fn totals_csv<'t>(
    out: impl std::io::Write,
    rows: impl Iterator<Item = (&'t Territory, &'t AccessTotals)>,
) -> Result<()> {
    csv_into(out, &TOTALS_COLUMNS, rows.map(|(t, a)| totals_row(t, a)))
}

fn totals_row(t: &Territory, a: &AccessTotals) -> Vec<String> {
    let frr = t.frr;
    vec![
        t.id.clone(),
        t.name.clone(),
        t.departement.clone().unwrap_or_default(),
        format!("{:.0}", a.population),
        format!("{:.1}", a.beyond),
        format!("{:.6}", a.share_beyond()),
        format!("{:.1}", a.beyond_distance),
        format!("{:.1}", a.beyond_minutes),
        format!("{:.1}", a.beyond_decree),
        t.density.map(|d| d.level().to_string()).unwrap_or_default(),
        frr.map(|f| f.label().to_owned()).unwrap_or_default(),
        frr.and_then(|f| f.classified())
            .map(|c| u8::from(c).to_string())
            .unwrap_or_default(),
    ]
}
