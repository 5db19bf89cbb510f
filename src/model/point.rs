//! Service points: La Poste points de contact and partner sites.

use std::fmt;

use geo_types::Coord;

use super::service::{Service, ServiceSet};
use crate::geom::crs::Zone;

/// What kind of site a point is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[non_exhaustive]
pub enum PointKind {
    /// A bureau de poste, run by La Poste staff.
    BureauDePoste,
    /// An agence postale communale (APC), run by a commune.
    AgencePostaleCommunale,
    /// An agence postale intercommunale (API), run by an intercommunality.
    AgencePostaleIntercommunale,
    /// A relais poste commerçant (RPC), run by a shopkeeper.
    RelaisPosteCommercant,
    /// A Point Poste run by a social and solidarity economy (ESS) actor.
    PointPosteEss,
    /// An agence postale militaire.
    AgencePostaleMilitaire,
    /// A France Services site.
    FranceServices,
    /// A structure hosting conseillers numériques.
    ConseillerNumerique,
    /// Anything else (an unrecognised kind is kept, not dropped).
    Other,
}

impl PointKind {
    /// The identifier used in outputs, e.g. `"bureau_de_poste"`.
    pub fn as_str(self) -> &'static str {
        match self {
            PointKind::BureauDePoste => "bureau_de_poste",
            PointKind::AgencePostaleCommunale => "agence_postale_communale",
            PointKind::AgencePostaleIntercommunale => "agence_postale_intercommunale",
            PointKind::RelaisPosteCommercant => "relais_poste_commercant",
            PointKind::PointPosteEss => "point_poste_ess",
            PointKind::AgencePostaleMilitaire => "agence_postale_militaire",
            PointKind::FranceServices => "france_services",
            PointKind::ConseillerNumerique => "conseiller_numerique",
            PointKind::Other => "other",
        }
    }

    /// Every kind.
    pub const ALL: [PointKind; 9] = [
        PointKind::BureauDePoste,
        PointKind::AgencePostaleCommunale,
        PointKind::AgencePostaleIntercommunale,
        PointKind::RelaisPosteCommercant,
        PointKind::PointPosteEss,
        PointKind::AgencePostaleMilitaire,
        PointKind::FranceServices,
        PointKind::ConseillerNumerique,
        PointKind::Other,
    ];

    /// Parses an identifier as written by [`as_str`](Self::as_str) (case and accents ignored).
    pub fn from_identifier(s: &str) -> Option<PointKind> {
        let key = crate::key::normalize_key(s);
        PointKind::ALL.into_iter().find(|k| k.as_str() == key)
    }
}

impl fmt::Display for PointKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How precisely a point was geocoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum GeocodePrecision {
    /// At the street number.
    AddressNumber,
    /// In the middle of the street.
    Street,
    /// In the middle of a block (îlot).
    Block,
    /// At the centre of the commune: can be kilometres off.
    CommuneCentre,
    /// Not given or not recognised.
    Unknown,
}

impl GeocodePrecision {
    /// The identifier used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            GeocodePrecision::AddressNumber => "address_number",
            GeocodePrecision::Street => "street",
            GeocodePrecision::Block => "block",
            GeocodePrecision::CommuneCentre => "commune_centre",
            GeocodePrecision::Unknown => "unknown",
        }
    }
}

/// A place that offers one or more [`Service`]s.
///
/// Build one with [`ServicePoint::at_lonlat`], which runs the readers'
/// checks, or read them with the [`read`](crate::read) functions.
#[derive(Debug, Clone, PartialEq)]
pub struct ServicePoint {
    /// Identifier, unique within its source (La Poste site id, `id_fs`...).
    pub id: String,
    /// Name as given by the source.
    pub name: String,
    /// What kind of site it is.
    pub kind: PointKind,
    /// INSEE code of the commune, in the source's vintage (La Poste 2016: COG 2016).
    pub commune: Option<String>,
    /// Geocoding precision.
    pub precision: GeocodePrecision,
    /// WGS84 longitude/latitude, degrees.
    pub lonlat: Coord<f64>,
    /// The projection zone it lies in.
    pub zone: Zone,
    /// Coordinates in metres in the zone's CRS.
    pub xy: Coord<f64>,
    /// The services offered here.
    pub services: ServiceSet,
    /// True for a partner site located in a La Poste office (e.g. a France
    /// Services run by La Poste).
    pub at_la_poste: bool,
}

impl ServicePoint {
    /// A point where a reader placed it, with nothing else known yet: no
    /// name, kind [`PointKind::Other`], no commune, precision unknown, no
    /// service, not in a post office. Readers set the rest with struct
    /// update syntax.
    pub(crate) fn placed(id: String, placed: &crate::geom::place::Placed) -> Self {
        ServicePoint {
            id,
            name: String::new(),
            kind: PointKind::Other,
            commune: None,
            precision: GeocodePrecision::Unknown,
            lonlat: placed.lonlat,
            zone: placed.zone,
            xy: placed.xy,
            services: ServiceSet::EMPTY,
            at_la_poste: false,
        }
    }

    /// A point at a WGS84 lon/lat, with the readers' checks: finite, in the
    /// lon/lat range, not projected metres, inside a supported zone and on
    /// French land ([`crate::geom::land`]; it is then projected to the zone's CRS). It offers no service and is of kind
    /// [`PointKind::Other`] until set with the `with_` methods.
    ///
    /// ```
    /// use maillage::{PointKind, Service, ServicePoint, Zone};
    /// let office = ServicePoint::at_lonlat("75101-A", 2.3414, 48.8637)?
    ///     .with_name("Paris Louvre")
    ///     .with_kind(PointKind::BureauDePoste)
    ///     .offering(Service::Postal);
    /// assert_eq!(office.zone, Zone::Metropole);
    /// assert!(ServicePoint::at_lonlat("london", -0.1276, 51.5072).is_err());
    /// # Ok::<(), maillage::Error>(())
    /// ```
    pub fn at_lonlat(
        id: impl Into<String>,
        lon: f64,
        lat: f64,
    ) -> crate::error::Result<ServicePoint> {
        let id = id.into();
        let placed = crate::geom::place::place_lonlat(lon, lat).map_err(|(reason, detail)| {
            crate::error::Error::Geometry {
                id: id.clone(),
                reason,
                detail,
            }
        })?;
        Ok(ServicePoint {
            name: id.clone(),
            ..ServicePoint::placed(id, &placed)
        })
    }

    /// Sets the name.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Sets the kind; a La Poste kind (bureau, agence, relais, Point Poste
    /// ESS, agence militaire) also marks the point as run by La Poste.
    pub fn with_kind(mut self, kind: PointKind) -> Self {
        self.kind = kind;
        self.at_la_poste = !matches!(
            kind,
            PointKind::FranceServices | PointKind::ConseillerNumerique | PointKind::Other
        );
        self
    }

    /// Sets the INSEE code of its commune.
    pub fn with_commune(mut self, code: impl Into<String>) -> Self {
        self.commune = Some(code.into());
        self
    }

    /// Adds a service it offers.
    pub fn offering(mut self, service: Service) -> Self {
        self.services.insert(service);
        self
    }
}
