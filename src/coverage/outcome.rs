//! Owned results: one territory × service outcome as the outputs hold it,
//! for results read back from files ([`read_coverage`](crate::coverage::read_coverage))
//! and compared across runs.

use geo_types::MultiPolygon;

use super::{Record, Rule, Status};
use crate::geom::crs::Zone;
use crate::model::{Service, TerritoryKind};

/// The nearest point of an outcome, as written in the outputs.
#[derive(Debug, Clone, PartialEq)]
pub struct NearestPoint {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its kind, as written (`bureau_de_poste`...).
    pub kind: String,
    /// Distance in metres from the territory (0 inside).
    pub distance_m: f64,
}

/// One territory × service result with every value owned: the columns of
/// the [coverage schema](super::schema), plus the geometry when it was
/// read from GeoJSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Territory id.
    pub territory_id: String,
    /// Territory name.
    pub name: String,
    /// Territory kind.
    pub kind: TerritoryKind,
    /// Département code.
    pub departement: Option<String>,
    /// Population, when known.
    pub population: Option<u64>,
    /// The service.
    pub service: Service,
    /// The rule applied.
    pub rule: Rule,
    /// Points inside.
    pub points_inside: u32,
    /// Points within the rule's radius.
    pub points_within: u32,
    /// The nearest point, if the zone has one.
    pub nearest: Option<NearestPoint>,
    /// Served under the rule.
    pub served: bool,
    /// Served, unserved, or no data (no site of the run offered the
    /// service): a [`Status::NoData`] result is not a gap, though `served`
    /// is `false`. Read from the `status` column; files written before it
    /// existed give `Served` or `Unserved`, from `served`.
    pub status: Status,
    /// The territory's zone and geometry (metres in the zone's CRS), when known.
    pub geometry: Option<(Zone, MultiPolygon<f64>)>,
}

impl Outcome {
    /// Distance to the nearest point in metres, if there is one.
    pub fn nearest_m(&self) -> Option<f64> {
        self.nearest.as_ref().map(|n| n.distance_m)
    }
}

impl Record<'_> {
    /// This result as owned values; the geometry is copied when `with_geometry`.
    pub fn to_outcome(&self, with_geometry: bool) -> Outcome {
        let t = self.territory;
        Outcome {
            territory_id: t.id.clone(),
            name: t.name.clone(),
            kind: t.kind,
            departement: t.departement.clone(),
            population: t.population,
            service: self.service,
            rule: self.rule,
            points_inside: self.points_inside,
            points_within: self.points_within,
            nearest: self.nearest.map(|(p, d)| NearestPoint {
                id: p.id.clone(),
                name: p.name.clone(),
                kind: p.kind.as_str().to_owned(),
                distance_m: d,
            }),
            served: self.served,
            status: self.status(),
            geometry: with_geometry.then(|| (t.zone, t.geometry.clone())),
        }
    }
}

impl Outcome {
    /// This result without its geometry (the geometry is not cloned).
    pub fn without_geometry(&self) -> Outcome {
        let Outcome {
            territory_id,
            name,
            kind,
            departement,
            population,
            service,
            rule,
            points_inside,
            points_within,
            nearest,
            served,
            status,
            geometry: _,
        } = self;
        Outcome {
            territory_id: territory_id.clone(),
            name: name.clone(),
            kind: *kind,
            departement: departement.clone(),
            population: *population,
            service: *service,
            rule: *rule,
            points_inside: *points_inside,
            points_within: *points_within,
            nearest: nearest.clone(),
            served: *served,
            status: *status,
            geometry: None,
        }
    }
}
