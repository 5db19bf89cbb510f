//! Services: what a point offers and what a territory may be served by.

use std::fmt;
use std::str::FromStr;

/// A service whose coverage maillage measures.
///
/// A point can offer several (see [`ServiceSet`]). New programmes are added as
/// new variants; the enum is `non_exhaustive` so that adding one is not a
/// breaking change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[non_exhaustive]
pub enum Service {
    /// Postal service: every La Poste point de contact offers it.
    #[cfg_attr(feature = "cli", value(name = "postal", alias = "poste"))]
    Postal,
    /// Mediation by a neighbourhood association inside the post office.
    #[cfg_attr(feature = "cli", value(name = "mediation", alias = "médiation"))]
    Mediation,
    /// A Point Poste run in the premises of a social and solidarity economy actor.
    #[cfg_attr(feature = "cli", value(name = "point_poste_ess", alias = "ess"))]
    PointPosteEss,
    /// Help for people in digital precarity (La Poste's plan with its partners,
    /// conseillers numériques).
    #[cfg_attr(
        feature = "cli",
        value(name = "digital_inclusion", alias = "inclusion_numerique")
    )]
    DigitalInclusion,
    /// A France Services site (one-stop shop for public services).
    #[cfg_attr(feature = "cli", value(name = "france_services"))]
    FranceServices,
}

impl Service {
    /// Every service, in a fixed order.
    pub const ALL: [Service; 5] = [
        Service::Postal,
        Service::Mediation,
        Service::PointPosteEss,
        Service::DigitalInclusion,
        Service::FranceServices,
    ];

    /// The identifier used in files and on the command line, e.g. `"point_poste_ess"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Service::Postal => "postal",
            Service::Mediation => "mediation",
            Service::PointPosteEss => "point_poste_ess",
            Service::DigitalInclusion => "digital_inclusion",
            Service::FranceServices => "france_services",
        }
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of [`Service::from_str`]: the unknown name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown service {0:?} (expected one of: postal, mediation, point_poste_ess, digital_inclusion, france_services)"
)]
pub struct UnknownService(pub String);

impl FromStr for Service {
    type Err = UnknownService;

    /// Parses a service name. Case, accents, spaces and dashes are ignored,
    /// and the French names are accepted too (`médiation`,
    /// `inclusion numérique`, `Point Poste ESS`, `France Services`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = crate::key::normalize_key(s);
        Ok(match key.as_str() {
            "postal" | "poste" | "la_poste" | "point_de_contact" => Service::Postal,
            "mediation" => Service::Mediation,
            "point_poste_ess" | "pointposteess" | "ess" | "pp_ess" => Service::PointPosteEss,
            "digital_inclusion" | "inclusion_numerique" | "numerique" | "digital" => {
                Service::DigitalInclusion
            }
            "france_services" | "franceservices" | "fs" => Service::FranceServices,
            _ => return Err(UnknownService(s.to_owned())),
        })
    }
}

/// A small set of [`Service`]s, stored as bits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ServiceSet(u16);

impl ServiceSet {
    /// The empty set.
    pub const EMPTY: ServiceSet = ServiceSet(0);

    /// A set with one service.
    pub fn only(service: Service) -> Self {
        ServiceSet(service.bit())
    }

    /// Adds a service.
    pub fn insert(&mut self, service: Service) {
        self.0 |= service.bit();
    }

    /// True if the set holds `service`.
    pub fn contains(self, service: Service) -> bool {
        self.0 & service.bit() != 0
    }

    /// True if the set holds no service.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The services in the set, in [`Service::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Service> {
        Service::ALL.into_iter().filter(move |s| self.contains(*s))
    }
}

impl FromIterator<Service> for ServiceSet {
    fn from_iter<I: IntoIterator<Item = Service>>(iter: I) -> Self {
        let mut set = ServiceSet::EMPTY;
        for s in iter {
            set.insert(s);
        }
        set
    }
}

impl fmt::Display for ServiceSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.iter().map(Service::as_str).collect();
        f.write_str(&names.join("|"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_french_names_parse() {
        for s in Service::ALL {
            assert_eq!(s.as_str().parse::<Service>(), Ok(s));
        }
        assert_eq!("Médiation".parse::<Service>(), Ok(Service::Mediation));
        assert_eq!(
            "Point Poste ESS".parse::<Service>(),
            Ok(Service::PointPosteEss)
        );
        assert_eq!(
            "inclusion numérique".parse::<Service>(),
            Ok(Service::DigitalInclusion)
        );
        assert_eq!(
            "France Services".parse::<Service>(),
            Ok(Service::FranceServices)
        );
        assert_eq!(
            "bakery".parse::<Service>(),
            Err(UnknownService("bakery".into()))
        );
    }

    #[test]
    fn set_operations() {
        let mut set = ServiceSet::only(Service::Postal);
        set.insert(Service::Mediation);
        assert!(set.contains(Service::Postal));
        assert!(set.contains(Service::Mediation));
        assert!(!set.contains(Service::FranceServices));
        assert_eq!(set.to_string(), "postal|mediation");
        assert_eq!(set.iter().count(), 2);
        assert!(ServiceSet::EMPTY.is_empty());
    }
}
