//! Territories: QPV, communes, rural zones, départements, custom areas.

use std::collections::BTreeMap;
use std::fmt;

use geo_types::MultiPolygon;

use crate::geom::crs::Zone;

/// What kind of territory this is. Each kind has its own default coverage rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum TerritoryKind {
    /// Quartier prioritaire de la politique de la ville.
    #[cfg_attr(feature = "cli", value(name = "qpv"))]
    Qpv,
    /// A commune.
    #[cfg_attr(feature = "cli", value(name = "commune"))]
    Commune,
    /// A rural zone (e.g. an FRR area or a grouping of rural communes).
    #[cfg_attr(feature = "cli", value(name = "rural_zone"))]
    RuralZone,
    /// A département.
    #[cfg_attr(feature = "cli", value(name = "departement", alias = "département"))]
    Departement,
    /// Any other area the user brings.
    #[cfg_attr(feature = "cli", value(name = "custom"))]
    Custom,
}

impl TerritoryKind {
    /// Every kind.
    pub const ALL: [TerritoryKind; 5] = [
        TerritoryKind::Qpv,
        TerritoryKind::Commune,
        TerritoryKind::RuralZone,
        TerritoryKind::Departement,
        TerritoryKind::Custom,
    ];

    /// The identifier used in outputs and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            TerritoryKind::Qpv => "qpv",
            TerritoryKind::Commune => "commune",
            TerritoryKind::RuralZone => "rural_zone",
            TerritoryKind::Departement => "departement",
            TerritoryKind::Custom => "custom",
        }
    }
}

impl fmt::Display for TerritoryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for TerritoryKind {
    type Err = crate::error::Error;
    fn from_str(s: &str) -> crate::error::Result<Self> {
        TerritoryKind::ALL
            .into_iter()
            .find(|k| k.as_str() == crate::key::normalize_key(s))
            .ok_or_else(|| {
                crate::error::Error::invalid(
                    "territory kind",
                    format!("{s:?} is not one of qpv, commune, rural_zone, departement, custom"),
                )
            })
    }
}

/// The INSEE *grille communale de densité* in 7 levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum DensityClass {
    /// 1 — grands centres urbains.
    GrandsCentresUrbains = 1,
    /// 2 — centres urbains intermédiaires.
    CentresUrbainsIntermediaires = 2,
    /// 3 — petites villes.
    PetitesVilles = 3,
    /// 4 — ceintures urbaines.
    CeinturesUrbaines = 4,
    /// 5 — bourgs ruraux.
    BourgsRuraux = 5,
    /// 6 — rural à habitat dispersé.
    RuralDisperse = 6,
    /// 7 — rural à habitat très dispersé.
    RuralTresDisperse = 7,
}

impl DensityClass {
    /// Every class, densest first.
    pub const ALL: [DensityClass; 7] = [
        DensityClass::GrandsCentresUrbains,
        DensityClass::CentresUrbainsIntermediaires,
        DensityClass::PetitesVilles,
        DensityClass::CeinturesUrbaines,
        DensityClass::BourgsRuraux,
        DensityClass::RuralDisperse,
        DensityClass::RuralTresDisperse,
    ];

    /// The level, 1 (densest) to 7.
    pub fn level(self) -> u8 {
        self as u8
    }

    /// The class of a level 1–7.
    pub fn from_level(level: u8) -> Option<DensityClass> {
        DensityClass::ALL.into_iter().find(|c| c.level() == level)
    }

    /// The INSEE 4-level grid: 1 dense; 2 intermediate (levels 2–4); 3 low
    /// density (5–6); 4 very low density (7).
    pub fn four_level(self) -> u8 {
        match self.level() {
            1 => 1,
            2..=4 => 2,
            5 | 6 => 3,
            _ => 4,
        }
    }

    /// True for the rural levels in the INSEE sense (5–7).
    pub fn is_rural(self) -> bool {
        self.level() >= 5
    }
}

/// A commune's class in the *France Ruralités Revitalisation* zoning, as
/// coded by the Observatoire des territoires (0–5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum FrrClass {
    /// 0 — not classified.
    NonClassee,
    /// 1 — former ZRR keeping the benefits transitionally (not FRR).
    BeneficiaireTransitoire,
    /// 2 or 3 — codes the source publishes without a label (communes
    /// nouvelles, La Réunion), perhaps partial classifications.
    Unlabelled(u8),
    /// 4 — FRR (socle).
    Frr,
    /// 5 — FRR+.
    FrrPlus,
}

impl FrrClass {
    /// The class of a code 0–5.
    pub fn from_code(code: u8) -> Option<FrrClass> {
        Some(match code {
            0 => FrrClass::NonClassee,
            1 => FrrClass::BeneficiaireTransitoire,
            2 | 3 => FrrClass::Unlabelled(code),
            4 => FrrClass::Frr,
            5 => FrrClass::FrrPlus,
            _ => return None,
        })
    }

    /// The code, 0–5.
    pub fn code(self) -> u8 {
        match self {
            FrrClass::NonClassee => 0,
            FrrClass::BeneficiaireTransitoire => 1,
            FrrClass::Unlabelled(c) => c,
            FrrClass::Frr => 4,
            FrrClass::FrrPlus => 5,
        }
    }

    /// A label (the labels are not official: see the data's SOURCES.md).
    pub fn label(self) -> &'static str {
        match self {
            FrrClass::NonClassee => "Non classée",
            FrrClass::BeneficiaireTransitoire => "Bénéficiaire transitoire (ex-ZRR)",
            FrrClass::Unlabelled(_) => "",
            FrrClass::Frr => "FRR",
            FrrClass::FrrPlus => "FRR+",
        }
    }

    /// Whether the commune is classified FRR or FRR+; `None` for the
    /// unlabelled codes.
    pub fn classified(self) -> Option<bool> {
        match self {
            FrrClass::Frr | FrrClass::FrrPlus => Some(true),
            FrrClass::NonClassee | FrrClass::BeneficiaireTransitoire => Some(false),
            FrrClass::Unlabelled(_) => None,
        }
    }
}

/// An area whose access to services is measured.
///
/// Build one from your own lon/lat polygon with [`Territory::from_lonlat`],
/// which runs the readers' checks, or read them with
/// [`read_territories`](crate::read::read_territories) and
/// [`read_communes`](crate::read::read_communes).
///
/// Two territories are equal when every field but [`lonlat`](Self::lonlat)
/// is: that field is the source's form of the same boundary.
#[derive(Debug, Clone)]
pub struct Territory {
    /// Identifier (QPV code, INSEE commune code, département code...).
    pub id: String,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: TerritoryKind,
    /// Resident population, when known.
    pub population: Option<u64>,
    /// Code of the département it belongs to, when known.
    pub departement: Option<String>,
    /// INSEE density class (communes), when known.
    pub density: Option<DensityClass>,
    /// ANCT rural typology (communes), as labelled by the source.
    pub rural_typology: Option<String>,
    /// FRR rural zoning class (communes), when known.
    pub frr: Option<FrrClass>,
    /// Further attributes carried from the input (e.g. a QPV's main commune), as text.
    pub attributes: BTreeMap<String, String>,
    /// The projection zone it lies in.
    pub zone: Zone,
    /// Boundary, in metres in the zone's CRS.
    pub geometry: MultiPolygon<f64>,
    /// The boundary as read, in WGS84 lon/lat, when [`geometry`](Self::geometry)
    /// is its projection vertex for vertex: set by the readers and
    /// [`from_lonlat`](Self::from_lonlat) for a polygon that needed no
    /// repair; `None` for one read in metres, repaired or built with
    /// [`projected`](Self::projected). Geometry outputs write it as it is
    /// instead of taking `geometry` back to lon/lat (which is slower and
    /// moves vertices by the round trip). They check first that it still
    /// matches `geometry` (the same rings, vertex counts and first vertices),
    /// so a territory whose `geometry` was replaced is written from
    /// `geometry`; set this to `None` when changing `geometry` all the same.
    pub lonlat: Option<MultiPolygon<f64>>,
}

impl PartialEq for Territory {
    fn eq(&self, other: &Self) -> bool {
        // Every field named, so that a new one cannot be forgotten here.
        let Territory {
            id,
            name,
            kind,
            population,
            departement,
            density,
            rural_typology,
            frr,
            attributes,
            zone,
            geometry,
            lonlat: _,
        } = self;
        *id == other.id
            && *name == other.name
            && *kind == other.kind
            && *population == other.population
            && *departement == other.departement
            && *density == other.density
            && *rural_typology == other.rural_typology
            && *frr == other.frr
            && *attributes == other.attributes
            && *zone == other.zone
            && *geometry == other.geometry
    }
}

impl Territory {
    /// A territory from a WGS84 lon/lat (multi)polygon, with the readers'
    /// checks: every vertex in one supported zone, projected to the zone's
    /// CRS, repaired (even-odd rule) when invalid.
    ///
    /// ```
    /// use geo_types::polygon;
    /// use maillage::{Territory, TerritoryKind, Zone};
    /// let square = polygon![(x: 2.35, y: 48.85), (x: 2.36, y: 48.85), (x: 2.36, y: 48.86), (x: 2.35, y: 48.86)];
    /// let t = Territory::from_lonlat("paris-1", "A square in Paris", TerritoryKind::Custom, square)?
    ///     .with_population(1200);
    /// assert_eq!(t.zone, Zone::Metropole);
    /// assert!((geo::Area::unsigned_area(&t.geometry) - 814_000.0).abs() < 10_000.0); // m², Lambert-93
    /// # Ok::<(), maillage::Error>(())
    /// ```
    pub fn from_lonlat(
        id: impl Into<String>,
        name: impl Into<String>,
        kind: TerritoryKind,
        lonlat: impl Into<MultiPolygon<f64>>,
    ) -> crate::error::Result<Territory> {
        let id = id.into();
        let placed =
            crate::geom::place::place_multipolygon(lonlat.into()).map_err(|(reason, detail)| {
                crate::error::Error::Geometry {
                    id: id.clone(),
                    reason,
                    detail,
                }
            })?;
        let mut territory = Territory::projected(id, name, kind, placed.zone, placed.geometry);
        territory.lonlat = placed.lonlat;
        Ok(territory)
    }

    /// A territory from a geometry already in metres in `zone`'s CRS
    /// (no check: the caller vouches for it).
    pub fn projected(
        id: impl Into<String>,
        name: impl Into<String>,
        kind: TerritoryKind,
        zone: Zone,
        geometry: MultiPolygon<f64>,
    ) -> Territory {
        Territory {
            id: id.into(),
            name: name.into(),
            kind,
            population: None,
            departement: None,
            density: None,
            rural_typology: None,
            frr: None,
            attributes: BTreeMap::new(),
            zone,
            geometry,
            lonlat: None,
        }
    }

    /// Sets the population.
    pub fn with_population(mut self, population: u64) -> Self {
        self.population = Some(population);
        self
    }

    /// Sets the département code.
    pub fn with_departement(mut self, code: impl Into<String>) -> Self {
        self.departement = Some(code.into());
        self
    }

    /// Sets the density class.
    pub fn with_density(mut self, density: DensityClass) -> Self {
        self.density = Some(density);
        self
    }

    /// An attribute's value, if set.
    pub fn attribute(&self, key: &str) -> Option<&str> {
        self.attributes.get(key).map(String::as_str)
    }
}

/// Below this distance (1 mm, finer than any input's precision) a point is
/// on the boundary of a polygon: its distance is 0 and it is inside.
///
/// A point given exactly on an edge in lon/lat is rarely exactly on the
/// projected edge: its computed distance is a few nanometres either way.
/// One tolerance for both answers keeps "inside" and "at distance 0" the
/// same statement everywhere (coverage, point location, maps).
pub const ON_BOUNDARY_M: f64 = 1e-3;

/// Distance in metres from the point `xy` to a projected multipolygon: 0
/// inside it or within [`ON_BOUNDARY_M`] of its boundary.
///
/// One pass over the segments gives both answers: the smallest squared
/// distance to a segment (one square root at the end) and, polygon by
/// polygon, the parity of the rings' crossings of a ray going east (odd:
/// inside the shell and outside its holes). Points this test could place
/// wrongly lie within a rounding error of an edge, where the distance is 0
/// either way. Equal to geo's `Euclidean` distance to the nanometre (a
/// property test checks it), several times faster on the coverage of every
/// commune.
pub fn distance_to_polygon(geometry: &MultiPolygon<f64>, xy: [f64; 2]) -> f64 {
    let [px, py] = xy;
    let mut best = f64::INFINITY;
    let mut inside = false;
    for polygon in &geometry.0 {
        let mut odd = false;
        for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
            for line in ring.lines() {
                let (a, b) = (line.start, line.end);
                let (dx, dy) = (b.x - a.x, b.y - a.y);
                let (ax, ay) = (px - a.x, py - a.y);
                let len2 = dx * dx + dy * dy;
                let t = if len2 > 0.0 {
                    ((ax * dx + ay * dy) / len2).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                let (ex, ey) = (ax - t * dx, ay - t * dy);
                best = best.min(ex * ex + ey * ey);
                if (a.y > py) != (b.y > py) && px < a.x + (py - a.y) * dx / dy {
                    odd = !odd;
                }
            }
        }
        inside |= odd;
    }
    let d = best.sqrt();
    if inside || d <= ON_BOUNDARY_M { 0.0 } else { d }
}
