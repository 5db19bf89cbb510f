//! Demand: what a plan must reach — territories (QPV, communes...) or the
//! population units of a population model — each with a weight and a reach.

use geo::BoundingRect;
use geo_types::{Coord, MultiPolygon, Rect};

use std::collections::HashSet;

use crate::access::Combine;
use crate::error::{Error, Result};
use crate::geom::crs::Zone;
use crate::model::Territory;
use crate::population::{PopulationModel, PopulationUnit};
use crate::report::{LoadReport, Note};
use crate::travel::CrowFlies;

/// How demand items are weighted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Weight {
    /// By population (territories without a known population weigh 0, and
    /// are counted in the plan's report).
    Population,
    /// Each item weighs 1.
    Count,
}

/// When a site reaches an item: within a distance, and optionally within a
/// car time estimated crow-flies (the same rules as [`access`](crate::access)).
#[derive(Debug, Clone, PartialEq)]
pub struct Reach {
    /// Distance in metres (from a territory's boundary, or from a population unit).
    pub distance_m: f64,
    /// Time in minutes, when measured.
    pub minutes: Option<f64>,
    /// With a time: reached when within the distance **or** the time
    /// ([`Combine::And`]: beyond means beyond both), or within both ([`Combine::Or`]).
    pub combine: Combine,
    /// The crow-flies travel model giving times.
    pub travel: CrowFlies,
}

impl Reach {
    /// Within `distance_m` metres.
    pub fn within(distance_m: f64) -> Reach {
        Reach {
            distance_m,
            minutes: None,
            combine: Combine::And,
            travel: CrowFlies::default(),
        }
    }

    fn validate(&self) -> Result<()> {
        let ok = |v: f64| v.is_finite() && v > 0.0;
        if !ok(self.distance_m) || !self.minutes.is_none_or(ok) {
            return Err(Error::invalid(
                "plan reach",
                format!(
                    "the distance ({} m) and minutes ({:?}) must be finite and > 0",
                    self.distance_m, self.minutes
                ),
            ));
        }
        Ok(())
    }

    /// The distance in metres within which a site reaches an item of
    /// `commune` (time turned into distance by the crow-flies speed there).
    pub(crate) fn metres(&self, commune: Option<&Territory>) -> f64 {
        let Some(minutes) = self.minutes else {
            return self.distance_m;
        };
        let by_time = minutes / 60.0 * self.travel.kmh(commune) * 1000.0 / self.travel.detour;
        match self.combine {
            Combine::And => self.distance_m.max(by_time),
            Combine::Or => self.distance_m.min(by_time),
        }
    }
}

/// Where demand items are.
#[derive(Debug, Clone)]
pub(crate) enum Shapes<'a> {
    /// Territories: reached from their boundary.
    Areas(Vec<&'a Territory>),
    /// Population units: points.
    Points(Vec<Coord<f64>>),
}

/// The items a plan must reach. Build it with [`Demand::territories`] or
/// [`Demand::population`].
#[derive(Debug, Clone)]
pub struct Demand<'a> {
    pub(crate) shapes: Shapes<'a>,
    pub(crate) zone: Vec<Zone>,
    pub(crate) reach_m: Vec<f64>,
    pub(crate) weight: Vec<f64>,
    /// Index into `departements` of each item's département.
    pub(crate) departement: Vec<u32>,
    pub(crate) departements: Vec<String>,
    /// Items of unknown weight (territories without population under [`Weight::Population`]).
    pub(crate) unweighted: usize,
    /// Why the unweighted items have no weight, for messages.
    pub(crate) unweighted_why: String,
    pub(crate) label: String,
    /// The index into `parts` of each item's kind (empty: every item is of part 0).
    pub(crate) part: Vec<u8>,
    /// The kinds of demand, with their priorities (one, of priority 1, unless
    /// built by [`Demand::of_parts`]).
    pub(crate) parts: Vec<PartInfo>,
}

/// One kind of a demand: its name and priority.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PartInfo {
    pub name: String,
    pub priority: f64,
    /// Its items of unknown weight.
    pub unweighted: usize,
}

/// Territories of one kind of demand, with their reach and priority (see
/// [`Demand::of_parts`]).
#[derive(Debug, Clone)]
pub struct DemandPart<'a> {
    /// The kind, as reported (`qpv`, `frr`...).
    pub name: String,
    /// Its territories.
    pub territories: Vec<&'a Territory>,
    /// Their reach.
    pub reach: Reach,
    /// The factor each item's weight is multiplied by (finite, > 0).
    pub priority: f64,
}

const NO_POPULATION: &str = "no known population";

fn intern(codes: &mut Vec<String>, code: Option<&str>) -> u32 {
    let code = code.unwrap_or("?");
    let i = codes.iter().position(|c| c == code).unwrap_or_else(|| {
        codes.push(code.to_owned());
        codes.len() - 1
    });
    u32::try_from(i).unwrap_or(u32::MAX)
}

impl<'a> Demand<'a> {
    /// Territories as demand, each reached by a site within `reach` of its
    /// boundary (or inside it).
    pub fn territories(
        territories: &'a [Territory],
        reach: &Reach,
        weight: Weight,
    ) -> Result<Self> {
        reach.validate()?;
        if territories.is_empty() {
            return Err(Error::invalid("plan demand", "there are no territories"));
        }
        let mut departements = Vec::new();
        let mut d = Demand {
            shapes: Shapes::Areas(territories.iter().collect()),
            zone: territories.iter().map(|t| t.zone).collect(),
            reach_m: territories.iter().map(|t| reach.metres(Some(t))).collect(),
            weight: Vec::with_capacity(territories.len()),
            departement: territories
                .iter()
                .map(|t| intern(&mut departements, t.departement.as_deref()))
                .collect(),
            departements: Vec::new(),
            unweighted: 0,
            unweighted_why: NO_POPULATION.into(),
            label: format!("{} territories", territories.len()),
            part: Vec::new(),
            parts: Vec::new(),
        };
        d.departements = departements;
        for t in territories {
            d.weight.push(match (weight, t.population) {
                (Weight::Count, _) => 1.0,
                (Weight::Population, Some(p)) => p as f64,
                (Weight::Population, None) => {
                    d.unweighted += 1;
                    0.0
                }
            });
        }
        d.parts = vec![PartInfo {
            name: "territories".into(),
            priority: 1.0,
            unweighted: d.unweighted,
        }];
        Ok(d)
    }

    /// Territories of several kinds as one demand (the QPV and the FRR
    /// communes, say): each part with its own reach, each item weighing
    /// its `weight` times its part's priority. The parts keep their order;
    /// the items of each part keep theirs. A part with no territory, or a
    /// priority that is not finite and > 0, is an error.
    pub fn of_parts(parts: Vec<DemandPart<'a>>, weight: Weight) -> Result<Self> {
        if parts.is_empty() {
            return Err(Error::invalid("plan demand", "there is no part of demand"));
        }
        if parts.len() > usize::from(u8::MAX) {
            return Err(Error::invalid("plan demand", "at most 255 parts of demand"));
        }
        let mut all: Vec<&'a Territory> = Vec::new();
        let mut part = Vec::new();
        let mut infos = Vec::new();
        let mut reach_m = Vec::new();
        let mut names = Vec::new();
        for (p, dp) in parts.iter().enumerate() {
            dp.reach.validate()?;
            if dp.territories.is_empty() {
                return Err(Error::invalid(
                    "plan demand",
                    format!("the demand part {} has no territory", dp.name),
                ));
            }
            if !(dp.priority.is_finite() && dp.priority > 0.0) {
                return Err(Error::invalid(
                    "plan demand",
                    format!(
                        "the priority of {} must be finite and > 0, got {}",
                        dp.name, dp.priority
                    ),
                ));
            }
            let index = u8::try_from(p).unwrap_or(u8::MAX);
            for &t in &dp.territories {
                all.push(t);
                part.push(index);
                reach_m.push(dp.reach.metres(Some(t)));
            }
            infos.push(PartInfo {
                name: dp.name.clone(),
                priority: dp.priority,
                unweighted: 0,
            });
            names.push(format!(
                "{} {} ×{}",
                dp.territories.len(),
                dp.name,
                dp.priority
            ));
        }
        let mut departements = Vec::new();
        let departement = all
            .iter()
            .map(|t| intern(&mut departements, t.departement.as_deref()))
            .collect();
        let mut d = Demand {
            shapes: Shapes::Areas(Vec::new()),
            zone: all.iter().map(|t| t.zone).collect(),
            reach_m,
            weight: Vec::with_capacity(all.len()),
            departement,
            departements,
            unweighted: 0,
            unweighted_why: NO_POPULATION.into(),
            label: format!("{} territories ({})", all.len(), names.join(", ")),
            part,
            parts: infos,
        };
        for (i, t) in all.iter().enumerate() {
            let w = match (weight, t.population) {
                (Weight::Count, _) => 1.0,
                (Weight::Population, Some(p)) => p as f64,
                (Weight::Population, None) => {
                    d.unweighted += 1;
                    let p = d.part_of(i);
                    if let Some(info) = d.parts.get_mut(p) {
                        info.unweighted += 1;
                    }
                    0.0
                }
            };
            d.weight.push(w * d.priority_of(i));
        }
        d.shapes = Shapes::Areas(all);
        Ok(d)
    }

    /// Weighs the territories of this demand by `table` instead (each
    /// weight times its part's priority): a territory without a row weighs
    /// 0 and is counted (its ids noted in the report); a row naming no
    /// territory of the demand is a counted skip
    /// ([`SkipReason::UnknownTerritory`](crate::SkipReason::UnknownTerritory)).
    /// Returns the report of the join. A population demand cannot be
    /// weighted by a table: that is an error.
    pub fn weigh_by(&mut self, table: &super::weights::WeightTable) -> Result<LoadReport> {
        let Shapes::Areas(areas) = &self.shapes else {
            return Err(Error::invalid(
                "plan demand",
                "a population demand weighs by population: a weights table applies to territories",
            ));
        };
        let mut report = LoadReport::new(format!(
            "{} (column {}) → demand",
            table.source, table.column
        ));
        let mut matched: HashSet<&str> = HashSet::new();
        let mut missing = Vec::new();
        let mut weights = Vec::with_capacity(areas.len());
        let mut missing_per_part = vec![0usize; self.parts.len()];
        for (i, t) in areas.iter().enumerate() {
            match table.values.get_key_value(t.id.as_str()) {
                Some((id, v)) => {
                    matched.insert(id.as_str());
                    weights.push(*v);
                }
                None => {
                    missing.push(t.id.clone());
                    if let Some(m) = missing_per_part.get_mut(self.part_of(i)) {
                        *m += 1;
                    }
                    weights.push(0.0);
                }
            }
        }
        report.joined(table.values.keys(), &matched);
        self.unweighted = missing.len();
        self.unweighted_why = format!("no value in column {} of {}", table.column, table.source);
        if !missing.is_empty() {
            report.note(Note::NoWeight(missing));
        }
        for (info, m) in self.parts.iter_mut().zip(missing_per_part) {
            info.unweighted = m;
        }
        for (i, w) in weights.into_iter().enumerate() {
            let p = self.priority_of(i);
            if let Some(slot) = self.weight.get_mut(i) {
                *slot = w * p;
            }
        }
        Ok(report)
    }

    /// The index of item `i`'s part.
    pub(crate) fn part_of(&self, i: usize) -> usize {
        self.part.get(i).map_or(0, |&p| usize::from(p))
    }

    /// The priority of item `i`'s part (1 without priorities).
    pub(crate) fn priority_of(&self, i: usize) -> f64 {
        self.parts.get(self.part_of(i)).map_or(1.0, |p| p.priority)
    }

    /// Item `i`'s weight before its part's priority.
    pub(crate) fn base_weight(&self, i: usize) -> f64 {
        let w = self.weight.get(i).copied().unwrap_or(0.0);
        let p = self.priority_of(i);
        if p == 1.0 { w } else { w / p }
    }

    /// Why the items of unknown weight have none (for messages): no known
    /// population, or no value in a weights table.
    pub fn unweighted_why(&self) -> &str {
        &self.unweighted_why
    }

    /// How many items have no known weight (and weigh 0).
    pub fn unweighted(&self) -> usize {
        self.unweighted
    }

    /// Each item's weight (its part's priority included), in item order.
    pub fn weights(&self) -> &[f64] {
        &self.weight
    }

    /// The population of `communes` as placed by `model` (centroids, the
    /// dasymetric grid, Filosofi cells), each unit reached by a site within
    /// `reach` of it.
    pub fn population(
        communes: &'a [Territory],
        model: &PopulationModel,
        reach: &Reach,
    ) -> Result<Self> {
        reach.validate()?;
        model.validate()?;
        // A plan keeps every unit (about 40 bytes each): at most 60 million.
        model.check_budget(communes, Some(60e6))?;
        let mut departements = Vec::new();
        let dep_of: Vec<u32> = communes
            .iter()
            .map(|c| intern(&mut departements, c.departement.as_deref()))
            .collect();
        let mut xy = Vec::new();
        let mut d = Demand {
            shapes: Shapes::Points(Vec::new()),
            zone: Vec::new(),
            reach_m: Vec::new(),
            weight: Vec::new(),
            departement: Vec::new(),
            departements,
            unweighted: 0,
            unweighted_why: NO_POPULATION.into(),
            label: format!("population ({})", model.label()),
            part: Vec::new(),
            parts: vec![PartInfo {
                name: "population".into(),
                priority: 1.0,
                unweighted: 0,
            }],
        };
        let mut units: Vec<PopulationUnit> = Vec::new();
        for (i, commune) in communes.iter().enumerate() {
            model.units_of(communes, i, &mut units);
            let metres = reach.metres(Some(commune));
            for u in units.iter().filter(|u| u.population > 0.0) {
                xy.push(u.xy);
                d.zone.push(commune.zone);
                d.reach_m.push(metres);
                d.weight.push(u.population);
                d.departement.push(dep_of.get(i).copied().unwrap_or(0));
            }
        }
        if xy.is_empty() {
            return Err(Error::invalid(
                "plan demand",
                "the communes hold no population to place",
            ));
        }
        d.shapes = Shapes::Points(xy);
        Ok(d)
    }

    /// How many items.
    pub fn len(&self) -> usize {
        self.weight.len()
    }

    /// True when there is no item.
    pub fn is_empty(&self) -> bool {
        self.weight.is_empty()
    }

    /// Total weight.
    pub fn total_weight(&self) -> f64 {
        self.weight.iter().fold(0.0, |acc, w| acc + w)
    }

    /// What the demand is, for reports.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Keeps only the items of département `code` (for compliance plans).
    pub fn only_departement(&self, code: &str) -> Demand<'a> {
        let Some(dep) = self.departements.iter().position(|c| c == code) else {
            return self.subset(&[]);
        };
        let keep: Vec<usize> = (0..self.len())
            .filter(|&i| self.departement.get(i).is_some_and(|&d| d as usize == dep))
            .collect();
        self.subset(&keep)
    }

    fn subset(&self, keep: &[usize]) -> Demand<'a> {
        let pick = |v: &[f64]| keep.iter().filter_map(|&i| v.get(i).copied()).collect();
        Demand {
            shapes: match &self.shapes {
                Shapes::Areas(a) => {
                    Shapes::Areas(keep.iter().filter_map(|&i| a.get(i).copied()).collect())
                }
                Shapes::Points(p) => {
                    Shapes::Points(keep.iter().filter_map(|&i| p.get(i).copied()).collect())
                }
            },
            zone: keep
                .iter()
                .filter_map(|&i| self.zone.get(i).copied())
                .collect(),
            reach_m: pick(&self.reach_m),
            weight: pick(&self.weight),
            departement: keep
                .iter()
                .filter_map(|&i| self.departement.get(i).copied())
                .collect(),
            departements: self.departements.clone(),
            unweighted: 0,
            unweighted_why: self.unweighted_why.clone(),
            label: self.label.clone(),
            part: keep
                .iter()
                .filter_map(|&i| self.part.get(i).copied())
                .collect(),
            parts: self
                .parts
                .iter()
                .map(|p| PartInfo {
                    unweighted: 0,
                    ..p.clone()
                })
                .collect(),
        }
    }

    /// The box a site must fall in to reach item `i`.
    pub(crate) fn reach_box(&self, i: usize) -> Option<Rect<f64>> {
        let r = *self.reach_m.get(i)?;
        let b = match &self.shapes {
            Shapes::Areas(a) => a.get(i)?.geometry.bounding_rect()?,
            Shapes::Points(p) => {
                let c = *p.get(i)?;
                Rect::new(c, c)
            }
        };
        Some(crate::coverage::grown(b, r))
    }

    /// Distance in metres from item `i` to a site at `xy` (0 inside an area).
    pub(crate) fn distance(&self, i: usize, xy: Coord<f64>) -> f64 {
        match &self.shapes {
            Shapes::Areas(a) => a
                .get(i)
                .map_or(f64::INFINITY, |t| area_distance(&t.geometry, xy)),
            Shapes::Points(p) => p
                .get(i)
                .map_or(f64::INFINITY, |c| (c.x - xy.x).hypot(c.y - xy.y)),
        }
    }
}

fn area_distance(geometry: &MultiPolygon<f64>, xy: Coord<f64>) -> f64 {
    crate::coverage::distance_to_polygon(geometry, [xy.x, xy.y])
}
