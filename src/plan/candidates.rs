//! Candidates: where a plan may put a site.

use std::path::PathBuf;
use std::str::FromStr;

use geo::InteriorPoint;
use geo_types::Coord;

use crate::crs::{Projector, Zone};
use crate::error::{Error, Result};
use crate::model::{PointKind, Service, ServicePoint, Territory};
use crate::network::ServiceNetwork;

/// A place a plan may choose.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Id (the site's, `commune:<code>`, or `grid:<x>_<y>`).
    pub id: String,
    /// Name.
    pub name: String,
    /// Kind, for existing sites.
    pub kind: Option<PointKind>,
    /// Département code, when known.
    pub departement: Option<String>,
    /// Zone.
    pub zone: Zone,
    /// Position in metres in the zone's CRS.
    pub xy: Coord<f64>,
    /// WGS84 position.
    pub lonlat: Coord<f64>,
}

/// Where candidates come from, parsed from `<kind>[,<kind>...]`,
/// `communes`, `grid:<metres>` or a path to a CSV of sites.
#[derive(Debug, Clone, PartialEq)]
pub enum CandidateSpec {
    /// Existing points of these kinds (`bureau_de_poste`, ...).
    Kinds(Vec<PointKind>),
    /// One candidate per commune, at an interior point.
    Communes,
    /// Free locations: the centres of a grid of this cell size inside the communes.
    Grid {
        /// Cell size in metres.
        cell_m: f64,
    },
    /// Sites of a CSV file (`id,name,latitude,longitude`).
    File(PathBuf),
}

impl FromStr for CandidateSpec {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        if text == "communes" {
            return Ok(CandidateSpec::Communes);
        }
        if let Some(m) = text.strip_prefix("grid:") {
            let cell_m: f64 = m.parse().map_err(|_| {
                Error::invalid(
                    "candidates",
                    format!("grid cell size {m:?} is not a number"),
                )
            })?;
            if !(cell_m.is_finite() && cell_m >= 100.0) {
                return Err(Error::invalid(
                    "candidates",
                    format!("grid cells must be at least 100 m, got {cell_m}"),
                ));
            }
            return Ok(CandidateSpec::Grid { cell_m });
        }
        let kinds: Option<Vec<PointKind>> =
            text.split(',').map(PointKind::from_identifier).collect();
        match kinds {
            Some(k) if !k.is_empty() => Ok(CandidateSpec::Kinds(k)),
            _ if text.ends_with(".csv") || std::path::Path::new(text).is_file() => {
                Ok(CandidateSpec::File(PathBuf::from(text)))
            }
            _ => Err(Error::invalid(
                "candidates",
                format!(
                    "{text:?} is not a list of point kinds (bureau_de_poste, agence_postale_communale, ...), communes, grid:<metres> or a CSV file"
                ),
            )),
        }
    }
}

pub(crate) use crate::key::departement_of;

fn of_point(p: &ServicePoint) -> Candidate {
    Candidate {
        id: p.id.clone(),
        name: p.name.clone(),
        kind: Some(p.kind),
        departement: p.commune.as_deref().and_then(departement_of),
        zone: p.zone,
        xy: p.xy,
        lonlat: p.lonlat,
    }
}

/// Existing points of `kinds` that do not offer `service` yet (those that
/// do are existing hosts, never candidates).
pub fn of_kinds(network: &ServiceNetwork, kinds: &[PointKind], service: Service) -> Vec<Candidate> {
    network
        .points()
        .iter()
        .filter(|p| kinds.contains(&p.kind) && !p.services.contains(service))
        .map(of_point)
        .collect()
}

/// Sites read from a file, as candidates (those offering `service` are left out).
pub fn of_sites(sites: &[ServicePoint], service: Service) -> Vec<Candidate> {
    sites
        .iter()
        .filter(|p| !p.services.contains(service))
        .map(of_point)
        .collect()
}

/// One candidate per commune, at an interior point of its polygon.
pub fn of_communes(communes: &[Territory]) -> Result<Vec<Candidate>> {
    let projector = Projector::shared()?;
    let mut out = Vec::with_capacity(communes.len());
    for c in communes {
        // Every placed commune has an interior point; a territory without
        // geometry has none and cannot host a site.
        let Some(p) = c.geometry.interior_point() else {
            return Err(Error::invalid(
                "candidates",
                format!("commune {} has no geometry to put a site in", c.id),
            ));
        };
        out.push(Candidate {
            id: format!("commune:{}", c.id),
            name: c.name.clone(),
            kind: None,
            departement: c.departement.clone(),
            zone: c.zone,
            xy: p.0,
            lonlat: projector.unproject(c.zone, p.0.x, p.0.y)?,
        });
    }
    Ok(out)
}

/// Most grid candidates a plan takes (each is a site with an id and a
/// coverage set): 2 million, a 500 m grid of all France.
pub const MAX_GRID_CANDIDATES: f64 = 2e6;

/// The centres of a grid of `cell_m` cells inside the communes. A grid of
/// more than [`MAX_GRID_CANDIDATES`] cells is refused before it is built.
pub fn of_grid(communes: &[Territory], cell_m: f64) -> Result<Vec<Candidate>> {
    let cells: f64 = communes
        .iter()
        .map(|c| geo::Area::unsigned_area(&c.geometry))
        .sum::<f64>()
        / (cell_m * cell_m);
    if !(cell_m.is_finite() && cell_m > 0.0) || cells > MAX_GRID_CANDIDATES {
        return Err(Error::invalid(
            "candidates",
            format!(
                "grid:{cell_m} would give about {:.1} million candidates; the limit is {:.0} million: use cells of at least {:.0} m",
                cells / 1e6,
                MAX_GRID_CANDIDATES / 1e6,
                (cells / MAX_GRID_CANDIDATES).sqrt() * cell_m + 1.0
            ),
        ));
    }
    let projector = Projector::shared()?;
    let mut out = Vec::new();
    let mut cells = Vec::new();
    for c in communes {
        cells.clear();
        crate::population::grid_cells(&c.geometry, cell_m, &mut cells);
        for xy in &cells {
            out.push(Candidate {
                id: format!("grid:{:.0}_{:.0}", xy.x, xy.y),
                name: format!("{} (grid cell)", c.name),
                kind: None,
                departement: c.departement.clone(),
                zone: c.zone,
                xy: *xy,
                lonlat: projector.unproject(c.zone, xy.x, xy.y)?,
            });
        }
    }
    Ok(out)
}
