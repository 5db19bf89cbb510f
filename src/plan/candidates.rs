//! Candidates: where a plan may put a site.

use std::path::PathBuf;
use std::str::FromStr;

use geo::InteriorPoint;
use geo_types::Coord;

use crate::error::{Error, Result};
use crate::geom::crs::{Projector, Zone};
use crate::model::{PointKind, Service, ServicePoint, Territory};
use crate::network::ServiceNetwork;
use crate::read::partners::{ServicesColumn, read_plain_sites};
use crate::report::LoadReport;
use crate::skip::Location;
use crate::skip::SkipReason;

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

/// Where a free candidate (a commune's interior point, a grid cell centre)
/// at `xy` of `zone` is put: at the position its written WGS84 coordinates
/// give back. `sites.csv` writes lon/lat exactly (shortest round-trip
/// decimals), and reading them projects them again; a site is therefore
/// measured where the file will put it, so that a tie at the threshold
/// (a cell exactly 5,000 m away) is decided the same way by the plan and by
/// `access` or `coverage` run on the written sites. `None` when the place
/// is off French land ([`crate::geom::land`]).
fn writable(
    projector: &Projector,
    zone: Zone,
    xy: Coord<f64>,
) -> Result<Option<(Coord<f64>, Coord<f64>)>> {
    let lonlat = projector.unproject(zone, xy.x, xy.y)?;
    match crate::geom::place::place_lonlat(lonlat.x, lonlat.y) {
        Ok(p) if p.zone == zone => Ok(Some((p.xy, p.lonlat))),
        _ => Ok(None),
    }
}

/// One candidate per commune, at an interior point of its polygon (those
/// off French land left out: see [`communes`]).
pub fn of_communes(communes: &[Territory]) -> Result<Vec<Candidate>> {
    Ok(self::communes(communes)?.0)
}

/// One candidate per commune, at an interior point of its polygon, with a
/// report counting the communes whose point lies off French land (skipped,
/// [`SkipReason::OutsideFrance`]).
pub fn communes(communes: &[Territory]) -> Result<(Vec<Candidate>, LoadReport)> {
    let projector = Projector::shared()?;
    let mut report = LoadReport::new("commune candidates");
    let mut out = Vec::with_capacity(communes.len());
    for (n, c) in communes.iter().enumerate() {
        report.read += 1;
        // Every placed commune has an interior point; a territory without
        // geometry has none and cannot host a site.
        let Some(p) = c.geometry.interior_point() else {
            return Err(Error::invalid(
                "candidates",
                format!("commune {} has no geometry to put a site in", c.id),
            ));
        };
        let Some((xy, lonlat)) = writable(projector, c.zone, p.0)? else {
            report.skip(
                SkipReason::OutsideFrance,
                Location::Feature(n as u64 + 1),
                Some(&c.id),
                Some("its interior point is off French land".into()),
            );
            continue;
        };
        report.kept += 1;
        out.push(Candidate {
            id: format!("commune:{}", c.id),
            name: c.name.clone(),
            kind: None,
            departement: c.departement.clone(),
            zone: c.zone,
            xy,
            lonlat,
        });
    }
    Ok((out, report))
}

/// Most grid candidates a plan takes (each is a site with an id and a
/// coverage set): 2 million, a 500 m grid of all France.
pub const MAX_GRID_CANDIDATES: f64 = 2e6;

/// The centres of a grid of `cell_m` cells inside the communes (those off
/// French land left out: see [`grid`]). A grid of more than
/// [`MAX_GRID_CANDIDATES`] cells is refused before it is built.
pub fn of_grid(communes: &[Territory], cell_m: f64) -> Result<Vec<Candidate>> {
    Ok(grid(communes, cell_m)?.0)
}

/// The centres of a grid of `cell_m` cells inside the communes, with a
/// report counting the cells off French land (skipped,
/// [`SkipReason::OutsideFrance`]). A grid of more than
/// [`MAX_GRID_CANDIDATES`] cells is refused before it is built.
pub fn grid(communes: &[Territory], cell_m: f64) -> Result<(Vec<Candidate>, LoadReport)> {
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
    let mut report = LoadReport::new(format!("grid:{cell_m} candidates"));
    let mut out = Vec::new();
    let mut cells = Vec::new();
    for (n, c) in communes.iter().enumerate() {
        cells.clear();
        crate::population::grid_cells(&c.geometry, cell_m, &mut cells);
        for xy in &cells {
            report.read += 1;
            let id = format!("grid:{:.0}_{:.0}", xy.x, xy.y);
            let Some((placed, lonlat)) = writable(projector, c.zone, *xy)? else {
                report.skip(
                    SkipReason::OutsideFrance,
                    Location::Feature(n as u64 + 1),
                    Some(&id),
                    Some(format!("cell of commune {} off French land", c.id)),
                );
                continue;
            };
            report.kept += 1;
            out.push(Candidate {
                id,
                name: format!("{} (grid cell)", c.name),
                kind: None,
                departement: c.departement.clone(),
                zone: c.zone,
                xy: placed,
                lonlat,
            });
        }
    }
    Ok((out, report))
}

/// Candidates read from a CSV of sites: `id,name,latitude,longitude` (the
/// documented layout; `site_id`, `lat`, `lon`, `nom` are accepted too),
/// with optional `kind`, `code_insee` and `services` columns. A site whose
/// `services` already hold `service` is read (kept in the report) but is an
/// existing host, not a candidate: it is left out of the list, so the
/// report's `kept` minus the list's length counts those. Rows without an
/// id, without usable coordinates, off French land or repeating an id are
/// counted skips (as every point reader does). Unknown names in `services`
/// are ignored: they only decide which sites are left out.
pub fn of_csv(path: &std::path::Path, service: Service) -> Result<(Vec<Candidate>, LoadReport)> {
    let (points, report) = read_plain_sites(path, ServicesColumn::Optional)?;
    Ok((of_sites(&points, service), report))
}
