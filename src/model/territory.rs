//! Territories: QPV, communes, rural zones, départements, custom areas.

use std::collections::BTreeMap;
use std::fmt;

use geo_types::MultiPolygon;

use crate::crs::Zone;

/// What kind of territory this is. Each kind has its own default coverage rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum TerritoryKind {
    /// Quartier prioritaire de la politique de la ville.
    Qpv,
    /// A commune.
    Commune,
    /// A rural zone (e.g. an FRR area or a grouping of rural communes).
    RuralZone,
    /// A département.
    Departement,
    /// Any other area the user brings.
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
    type Err = crate::Error;
    fn from_str(s: &str) -> crate::Result<Self> {
        TerritoryKind::ALL
            .into_iter()
            .find(|k| k.as_str() == crate::read::text::normalize_key(s))
            .ok_or_else(|| {
                crate::Error::InvalidArgument(format!(
                    "unknown territory kind {s:?} (expected qpv, commune, rural_zone, departement or custom)"
                ))
            })
    }
}

/// An area whose access to services is measured.
#[derive(Debug, Clone, PartialEq)]
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
    /// Further attributes (density grid, rural typology, FRR class...), as text.
    pub attributes: BTreeMap<String, String>,
    /// The projection zone it lies in.
    pub zone: Zone,
    /// Boundary, in metres in the zone's CRS.
    pub geometry: MultiPolygon<f64>,
}

impl Territory {
    /// An attribute's value, if set.
    pub fn attribute(&self, key: &str) -> Option<&str> {
        self.attributes.get(key).map(String::as_str)
    }
}
