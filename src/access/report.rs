//! The result of an accessibility analysis.

use std::collections::BTreeMap;

use super::Thresholds;

use crate::model::{Service, Territory};

/// Population totals of one commune, département, territory or the nation.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct AccessTotals {
    /// Population units counted.
    pub units: u64,
    /// Population.
    pub population: f64,
    /// Population farther than the distance threshold.
    pub beyond_distance: f64,
    /// Population farther than the time threshold (0 when time is not measured).
    pub beyond_minutes: f64,
    /// Population beyond under the combined rule (distance alone when time
    /// is not measured).
    pub beyond: f64,
    /// Population farther than the decree's distance (10 km).
    pub beyond_decree: f64,
    /// Population in a zone where no point offers the service at all.
    pub no_point: f64,
    /// Population whose travel time is a crow-flies estimate because the
    /// road model had no answer for it.
    pub time_estimated: f64,
    /// Sum over the population timed on the road model of its snap distance
    /// (person-metres): divided by the population so timed, the mean snap.
    pub snap_person_m: f64,
    /// Population timed on the road model.
    pub snapped: f64,
    /// Largest snap distance of a population unit, in metres.
    pub max_snap_m: f64,
}

impl AccessTotals {
    /// Adds another total to this one.
    pub fn add(&mut self, other: &AccessTotals) {
        self.units += other.units;
        self.population += other.population;
        self.beyond_distance += other.beyond_distance;
        self.beyond_minutes += other.beyond_minutes;
        self.beyond += other.beyond;
        self.beyond_decree += other.beyond_decree;
        self.no_point += other.no_point;
        self.time_estimated += other.time_estimated;
        self.snap_person_m += other.snap_person_m;
        self.snapped += other.snapped;
        self.max_snap_m = self.max_snap_m.max(other.max_snap_m);
    }

    /// Population-weighted mean snap distance onto the road network, in
    /// metres, when a road model timed anyone.
    pub fn mean_snap_m(&self) -> Option<f64> {
        (self.snapped > 0.0).then(|| self.snap_person_m / self.snapped)
    }

    fn share(&self, part: f64) -> f64 {
        if self.population > 0.0 {
            part / self.population
        } else {
            0.0
        }
    }

    /// Share of the population beyond under the combined rule.
    pub fn share_beyond(&self) -> f64 {
        self.share(self.beyond)
    }

    /// Share of the population within the decree's distance.
    pub fn share_within_decree(&self) -> f64 {
        if self.population > 0.0 {
            1.0 - self.share(self.beyond_decree)
        } else {
            1.0
        }
    }
}

/// Totals of one département and its compliance.
#[derive(Debug, Clone, PartialEq)]
pub struct DepartementAccess {
    /// Département code (`"?"` for communes without one).
    pub code: String,
    /// Totals.
    pub totals: AccessTotals,
    /// Share beyond ≤ the law's maximum (10 %).
    pub law_compliant: bool,
    /// Share within the decree's distance ≥ its minimum (95 %).
    pub decree_compliant: bool,
}

/// The result of [`Accessibility::run`](super::Accessibility::run).
#[derive(Debug, Clone)]
pub struct AccessReport<'a> {
    pub(super) communes: &'a [Territory],
    pub(super) per_commune: Vec<AccessTotals>,
    pub(super) groups: Option<(&'a [Territory], Vec<AccessTotals>)>,
    pub(super) service: Service,
    pub(super) thresholds: Thresholds,
    pub(super) model_label: String,
    pub(super) travel_label: Option<String>,
}

impl<'a> AccessReport<'a> {
    /// The service measured.
    pub fn service(&self) -> Service {
        self.service
    }

    /// The thresholds applied.
    pub fn thresholds(&self) -> &Thresholds {
        &self.thresholds
    }

    /// How the population was placed.
    pub fn model_label(&self) -> &str {
        &self.model_label
    }

    /// How travel times were obtained, when measured.
    pub fn travel_label(&self) -> Option<&str> {
        self.travel_label.as_deref()
    }

    /// Totals per commune, with the commune.
    pub fn communes(&self) -> impl Iterator<Item = (&'a Territory, &AccessTotals)> + '_ {
        self.communes.iter().zip(&self.per_commune)
    }

    /// Totals per territory of [`also_by`](super::Accessibility::also_by).
    pub fn territories(&self) -> Option<impl Iterator<Item = (&'a Territory, &AccessTotals)> + '_> {
        self.groups.as_ref().map(|(t, totals)| t.iter().zip(totals))
    }

    /// National totals.
    pub fn national(&self) -> AccessTotals {
        let mut n = AccessTotals::default();
        self.per_commune.iter().for_each(|t| n.add(t));
        n
    }

    /// True when the national share within the decree distance reaches its minimum (99 %).
    pub fn national_decree_compliant(&self) -> bool {
        self.national().share_within_decree() >= self.thresholds.min_national_share_within_decree
    }

    /// Totals per département, in code order.
    pub fn by_departement(&self) -> Vec<DepartementAccess> {
        let mut deps: BTreeMap<String, AccessTotals> = BTreeMap::new();
        for (commune, totals) in self.communes() {
            let code = commune
                .departement
                .clone()
                .unwrap_or_else(|| "?".to_owned());
            deps.entry(code).or_default().add(totals);
        }
        deps.into_iter()
            .map(|(code, totals)| DepartementAccess {
                law_compliant: totals.share_beyond() <= self.thresholds.max_share_beyond,
                decree_compliant: totals.share_within_decree()
                    >= self.thresholds.min_share_within_decree,
                code,
                totals,
            })
            .collect()
    }
}

/// The verdicts of an accessibility analysis in words: the rule, the
/// départements that fail the law, and the national line (law, decree,
/// how times were obtained). Returned by [`AccessReport::compliance`].
#[derive(Debug, Clone, Copy)]
pub struct Compliance<'r, 'a>(&'r AccessReport<'a>);

impl<'a> AccessReport<'a> {
    /// The verdicts, worded by `Display`.
    pub fn compliance(&self) -> Compliance<'_, 'a> {
        Compliance(self)
    }
}

impl std::fmt::Display for Compliance<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let report = self.0;
        let t = report.thresholds();
        let rule = match t.minutes {
            None => format!("farther than {} m", t.distance_m),
            Some(m) => format!(
                "farther than {} m {} {} min",
                t.distance_m,
                match t.combine {
                    super::Combine::And => "and",
                    super::Combine::Or => "or",
                },
                m
            ),
        };
        writeln!(
            f,
            "── accessibility to {} ({rule}), population: {}",
            report.service(),
            report.model_label()
        )?;
        if let Some(label) = report.travel_label() {
            writeln!(f, "travel time: {label}")?;
        }
        let deps = report.by_departement();
        let failing: Vec<_> = deps.iter().filter(|d| !d.law_compliant).collect();
        writeln!(
            f,
            "── départements with more than {:.0} % of their population beyond",
            100.0 * t.max_share_beyond
        )?;
        for d in &failing {
            writeln!(
                f,
                "{:>4}: {:5.1} % beyond ({:.0} of {:.0})",
                d.code,
                100.0 * d.totals.share_beyond(),
                d.totals.beyond,
                d.totals.population
            )?;
        }
        let decree_failing: Vec<&str> = deps
            .iter()
            .filter(|d| !d.decree_compliant)
            .map(|d| d.code.as_str())
            .collect();
        let n = report.national();
        write!(
            f,
            "France: population {:.0}, beyond {:.0} ({:.2} %); {} of {} départements over {:.0} %; within {} km: {:.2} % (decree {}: {}); départements under {:.0} % within {} km: {}",
            n.population,
            n.beyond,
            100.0 * n.share_beyond(),
            failing.len(),
            deps.len(),
            100.0 * t.max_share_beyond,
            t.decree_distance_m / 1000.0,
            100.0 * n.share_within_decree(),
            100.0 * t.min_national_share_within_decree,
            if report.national_decree_compliant() {
                "met"
            } else {
                "not met"
            },
            100.0 * t.min_share_within_decree,
            t.decree_distance_m / 1000.0,
            if decree_failing.is_empty() {
                "none".to_owned()
            } else {
                decree_failing.join(", ")
            }
        )?;
        if let Some(mean) = n.mean_snap_m() {
            write!(
                f,
                "\nroad snaps of homes: population-weighted mean {mean:.0} m, largest {:.0} m, for {:.0} inhabitants timed on the roads",
                n.max_snap_m, n.snapped
            )?;
        }
        if n.time_estimated > 0.0 {
            write!(
                f,
                "\ntravel time estimated crow-flies for {:.0} inhabitants outside the road extract",
                n.time_estimated
            )?;
        }
        Ok(())
    }
}
