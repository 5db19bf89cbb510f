//! Coverage rules: when a territory counts as served.

use std::collections::BTreeMap;
use std::fmt;

use crate::error::{Error, Result};
use crate::model::{Service, TerritoryKind};

/// When is a territory served by a service?
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub enum Rule {
    /// At least one point lies inside the territory (its boundary included).
    Inside,
    /// At least one point lies within this many metres of the territory's
    /// boundary (or inside it).
    WithinDistance(f64),
}

impl Rule {
    /// The rule's radius in metres: 0 for [`Rule::Inside`].
    pub fn radius_m(self) -> f64 {
        match self {
            Rule::Inside => 0.0,
            Rule::WithinDistance(m) => m,
        }
    }

    /// Checks that a distance is a finite, non-negative number of metres.
    pub fn validate(self) -> Result<Self> {
        match self {
            Rule::WithinDistance(m) if !(m.is_finite() && m >= 0.0) => Err(Error::invalid(
                "coverage radius",
                format!("must be a finite number of metres ≥ 0, got {m}"),
            )),
            r => Ok(r),
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Inside => f.write_str("inside"),
            Rule::WithinDistance(m) => write!(f, "within {m} m"),
        }
    }
}

/// The rule for each territory kind, with optional per-service overrides.
///
/// Defaults: a QPV is served within 500 m (a walk), a commune or rural zone
/// within 5 km (the legal yardstick of loi 90-568 art. 6), a département or
/// custom area when a point lies inside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Rules {
    by_kind: BTreeMap<TerritoryKind, Rule>,
    by_kind_and_service: BTreeMap<(TerritoryKind, Service), Rule>,
}

impl Default for Rules {
    fn default() -> Self {
        let by_kind = BTreeMap::from([
            (TerritoryKind::Qpv, Rule::WithinDistance(500.0)),
            (TerritoryKind::Commune, Rule::WithinDistance(5000.0)),
            (TerritoryKind::RuralZone, Rule::WithinDistance(5000.0)),
            (TerritoryKind::Departement, Rule::Inside),
            (TerritoryKind::Custom, Rule::Inside),
        ]);
        Rules {
            by_kind,
            by_kind_and_service: BTreeMap::new(),
        }
    }
}

impl Rules {
    /// The rule for a territory kind and service.
    pub fn get(&self, kind: TerritoryKind, service: Service) -> Rule {
        self.by_kind_and_service
            .get(&(kind, service))
            .or_else(|| self.by_kind.get(&kind))
            .copied()
            .unwrap_or(Rule::Inside)
    }

    /// Sets the rule for every service of a territory kind.
    pub fn set(&mut self, kind: TerritoryKind, rule: Rule) {
        self.by_kind.insert(kind, rule);
        self.by_kind_and_service.retain(|(k, _), _| *k != kind);
    }

    /// Sets the rule for one service of one territory kind.
    pub fn set_for(&mut self, kind: TerritoryKind, service: Service, rule: Rule) {
        self.by_kind_and_service.insert((kind, service), rule);
    }

    /// Sets one rule for every kind and service.
    pub fn set_all(&mut self, rule: Rule) {
        for kind in TerritoryKind::ALL {
            self.set(kind, rule);
        }
    }

    /// Checks every rule.
    pub fn validate(&self) -> Result<()> {
        self.by_kind
            .values()
            .chain(self.by_kind_and_service.values())
            .try_for_each(|r| r.validate().map(|_| ()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let mut rules = Rules::default();
        assert_eq!(
            rules.get(TerritoryKind::Qpv, Service::Postal),
            Rule::WithinDistance(500.0)
        );
        assert_eq!(
            rules.get(TerritoryKind::Commune, Service::Mediation),
            Rule::WithinDistance(5000.0)
        );
        assert_eq!(
            rules.get(TerritoryKind::Departement, Service::Postal),
            Rule::Inside
        );
        rules.set_for(TerritoryKind::Qpv, Service::Mediation, Rule::Inside);
        assert_eq!(
            rules.get(TerritoryKind::Qpv, Service::Mediation),
            Rule::Inside
        );
        assert_eq!(
            rules.get(TerritoryKind::Qpv, Service::Postal),
            Rule::WithinDistance(500.0)
        );
        rules.set_all(Rule::WithinDistance(1000.0));
        assert_eq!(
            rules.get(TerritoryKind::Qpv, Service::Mediation),
            Rule::WithinDistance(1000.0)
        );
        assert!(rules.validate().is_ok());
        rules.set(TerritoryKind::Custom, Rule::WithinDistance(f64::NAN));
        assert!(rules.validate().is_err());
        assert!(Rule::WithinDistance(-1.0).validate().is_err());
    }
}
