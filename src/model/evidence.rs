//! Evidence: why maillage believes a site offers a programme's service, and
//! how far that can be trusted. Shared by [`programmes`](crate::programmes)
//! (each derived host carries its evidence) and [`coverage`](crate::coverage)
//! (each service's figures say what they rest on).

use std::fmt;
use std::str::FromStr;

use super::service::Service;

/// How much a piece of evidence can be trusted, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Strength {
    /// The programme's own list (an assignments file the user supplies).
    Listed,
    /// An identifier ties the site to the programme (a partner lieu whose
    /// SIRET is La Poste's, at the point de contact).
    Strong,
    /// Names or labels tie them (a lieu named "La Poste" next to a point de
    /// contact; a relais poste whose label names an ESS host).
    Moderate,
    /// Only position ties them (a partner in the same building).
    Weak,
}

impl Strength {
    /// The identifier used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Strength::Listed => "listed",
            Strength::Strong => "strong",
            Strength::Moderate => "moderate",
            Strength::Weak => "weak",
        }
    }
}

impl fmt::Display for Strength {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kind of evidence that a site offers a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Evidence {
    /// A row of the user's assignments list.
    UserList,
    /// A partner lieu whose SIRET starts with the host's SIREN (La Poste's
    /// 356000000), matched to the nearest point de contact.
    HostedPartnerSiret,
    /// A partner lieu whose name names the host ("La Poste", "bureau de
    /// poste"), matched to the nearest point de contact.
    HostedPartnerName,
    /// The site's own label (`libellé du site`) names the programme's host
    /// ("… LPR ESS RP", "… PIMMS RP").
    Label,
    /// A partner of the programme (a Pimms, a mediation structure) within a
    /// few metres: the same building.
    CoLocatedPartner,
    /// The site's kind says it (a La Poste `Point Poste ESS`).
    Kind,
}

impl Evidence {
    /// Every kind of evidence.
    pub const ALL: [Evidence; 6] = [
        Evidence::UserList,
        Evidence::HostedPartnerSiret,
        Evidence::HostedPartnerName,
        Evidence::Label,
        Evidence::CoLocatedPartner,
        Evidence::Kind,
    ];

    /// The identifier used in outputs (the `evidence` column of `programmes.csv`).
    pub fn as_str(self) -> &'static str {
        match self {
            Evidence::UserList => "user_list",
            Evidence::HostedPartnerSiret => "hosted_partner_siret",
            Evidence::HostedPartnerName => "hosted_partner_name",
            Evidence::Label => "label",
            Evidence::CoLocatedPartner => "co_located_partner",
            Evidence::Kind => "kind",
        }
    }

    /// How much it can be trusted.
    pub fn strength(self) -> Strength {
        match self {
            Evidence::UserList => Strength::Listed,
            Evidence::HostedPartnerSiret | Evidence::Kind => Strength::Strong,
            Evidence::HostedPartnerName | Evidence::Label => Strength::Moderate,
            Evidence::CoLocatedPartner => Strength::Weak,
        }
    }
}

impl fmt::Display for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Evidence {
    type Err = String;

    /// Parses an identifier written by [`as_str`](Evidence::as_str).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = crate::key::normalize_key(s);
        Evidence::ALL
            .into_iter()
            .find(|e| e.as_str() == key)
            .ok_or_else(|| format!("unknown evidence {s:?}"))
    }
}

/// What one service's sites rest on: shown next to its coverage figures, so
/// that partial evidence is never read as the whole programme.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ServiceEvidence {
    /// The service.
    pub service: Service,
    /// Sites known to offer it.
    pub sites: usize,
    /// The weakest evidence among them (the figures are no stronger).
    pub strength: Strength,
    /// Where they come from, in words ("conseillers numériques 2022").
    pub source: String,
    /// What the figures are not, in words ("a 2022 snapshot, not the
    /// programme's list"); may be empty.
    pub note: String,
}

impl fmt::Display for ServiceEvidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} sites known ({}; {} evidence)",
            self.service, self.sites, self.source, self.strength
        )?;
        if !self.note.is_empty() {
            write!(f, ", {}", self.note)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_names_round_trip_and_strengths_order() {
        for e in Evidence::ALL {
            assert_eq!(e.as_str().parse::<Evidence>(), Ok(e));
        }
        assert!("rumour".parse::<Evidence>().is_err());
        assert!(Strength::Listed < Strength::Strong && Strength::Moderate < Strength::Weak);
        assert_eq!(Evidence::CoLocatedPartner.strength(), Strength::Weak);
        let line = ServiceEvidence {
            service: Service::DigitalInclusion,
            sites: 139,
            strength: Strength::Moderate,
            source: "conseillers numériques 2022".into(),
            note: "a 2022 snapshot, not the programme's list".into(),
        };
        assert_eq!(
            line.to_string(),
            "digital_inclusion: 139 sites known (conseillers numériques 2022; moderate evidence), a 2022 snapshot, not the programme's list"
        );
    }
}
