//! INSEE Filosofi gridded population ("données carroyées", 200 m or 1 km cells).

use std::path::Path;

use geo_types::Coord;

use super::PopulationUnit;
use crate::error::Result;
use crate::geom::crs::{Projector, Zone};
use crate::locate::TerritoryIndex;
use crate::model::Territory;
use crate::read::text::{CsvTable, parse_number};
use crate::report::LoadReport;
use crate::skip::Location;
use crate::skip::SkipReason;

/// A parsed cell id: CRS EPSG code, resolution and lower-left corner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CellId {
    /// EPSG code of the grid's CRS (3035 in metropolitan France).
    pub epsg: u32,
    /// Cell size in metres.
    pub resolution_m: f64,
    /// Northing of the lower-left corner.
    pub north: f64,
    /// Easting of the lower-left corner.
    pub east: f64,
}

impl CellId {
    /// Parses an INSPIRE cell id such as `CRS3035RES200mN2029800E4252400`.
    pub fn parse(id: &str) -> Option<CellId> {
        let rest = id.trim().strip_prefix("CRS")?;
        let (epsg, rest) = rest.split_once("RES")?;
        let (res, rest) = rest.split_once("mN")?;
        let (north, east) = rest.split_once('E')?;
        Some(CellId {
            epsg: epsg.parse().ok()?,
            resolution_m: res.parse().ok().filter(|r: &f64| *r > 0.0)?,
            north: north.parse().ok()?,
            east: east.parse().ok()?,
        })
    }

    /// The cell centre in the grid's CRS.
    pub fn centre(&self) -> Coord<f64> {
        Coord {
            x: self.east + self.resolution_m / 2.0,
            y: self.north + self.resolution_m / 2.0,
        }
    }
}

/// Densest population a cell may hold, per km²: four times the densest
/// arrondissement of Paris. A cell above it (`Ind=1e300`) is a defect.
const MAX_DENSITY_PER_KM2: f64 = 200_000.0;

/// Reads a Filosofi grid CSV (cell id column `Idcar_200m`, `Idcar_1km` or
/// `idINSPIRE`; population column `Ind`) as population units placed in
/// `communes`.
///
/// Cell centres in EPSG:3035 are taken to WGS84 and then to their zone's
/// CRS; cells given in a zone CRS (the overseas grids) are used as they are.
/// Each cell is assigned to the commune polygon containing its centre.
/// Cells whose id cannot be read, or whose centre is in no commune polygon
/// (coast, border, simplified boundaries), are skipped and counted, and the
/// population they held is named in the report.
pub fn read_filosofi(
    path: impl AsRef<Path>,
    communes: &[Territory],
) -> Result<(Vec<PopulationUnit>, LoadReport)> {
    let path = path.as_ref();
    filosofi_table(path, CsvTable::open(path)?, communes)
}

/// Like [`read_filosofi`], from any reader; `name` labels reports and errors.
pub fn read_filosofi_from(
    name: &str,
    reader: impl std::io::Read,
    communes: &[Territory],
) -> Result<(Vec<PopulationUnit>, LoadReport)> {
    let path = Path::new(name);
    filosofi_table(path, CsvTable::from_reader(path, reader)?, communes)
}

fn filosofi_table<R: std::io::Read>(
    path: &Path,
    mut table: CsvTable<R>,
    communes: &[Territory],
) -> Result<(Vec<PopulationUnit>, LoadReport)> {
    let c_id = table.require(&["idcar_200m", "idinspire", "idcar_1km", "idcar"])?;
    let c_pop = table.require(&["ind", "population"])?;
    let index = TerritoryIndex::new(communes);
    let projector = Projector::shared()?;
    let mut report = LoadReport::new(path.display().to_string());
    let mut units = Vec::new();
    let mut lost = 0.0f64;
    let mut placed = 0.0f64;
    let mut record = csv::ByteRecord::new();
    let mut seen = std::collections::HashSet::new();
    while let Some(line) = table.next_record(&mut record)? {
        report.read += 1;
        let loc = Location::Line(line);
        let id = table.field(&record, c_id).into_owned();
        let Some(population) = parse_number(&table.field(&record, c_pop)).filter(|p| *p >= 0.0)
        else {
            report.skip(
                SkipReason::MalformedRow,
                loc,
                Some(&id),
                Some("population is not a number ≥ 0".into()),
            );
            continue;
        };
        let Some(cell) = CellId::parse(&id) else {
            report.skip(
                SkipReason::MalformedRow,
                loc,
                Some(&id),
                Some("unreadable cell id".into()),
            );
            lost += population;
            continue;
        };
        if !seen.insert(id.clone()) {
            report.skip(SkipReason::DuplicateId, loc, Some(&id), None);
            continue;
        }
        let km2 = (cell.resolution_m / 1000.0).powi(2);
        if population > MAX_DENSITY_PER_KM2 * km2 {
            report.skip(
                SkipReason::MalformedRow,
                loc,
                Some(&id),
                Some(format!(
                    "population {population} is implausible for a cell of {} m (more than {MAX_DENSITY_PER_KM2} per km²)",
                    cell.resolution_m
                )),
            );
            continue;
        }
        let placed_in = if cell.epsg == 3035 {
            projector
                .from_laea_europe(cell.centre().x, cell.centre().y)
                .ok()
                .and_then(|ll| Zone::of_lonlat(ll.x, ll.y).map(|z| (z, ll)))
                .and_then(|(z, ll)| projector.project(z, ll.x, ll.y).ok().map(|xy| (z, xy)))
        } else {
            Zone::from_epsg(cell.epsg).map(|z| (z, cell.centre()))
        };
        let Some((zone, xy)) = placed_in else {
            report.skip(SkipReason::OutsideFrance, loc, Some(&id), None);
            lost += population;
            continue;
        };
        match index.locate(zone, xy) {
            Some(commune) => {
                units.push(PopulationUnit {
                    commune: u32::try_from(commune).unwrap_or(u32::MAX),
                    xy,
                    population,
                });
                placed += population;
                report.kept += 1;
            }
            None => {
                report.skip(SkipReason::OutsideTerritories, loc, Some(&id), None);
                lost += population;
            }
        }
    }
    report.note(crate::report::Note::PopulationPlaced { placed, lost });
    table.finish(&mut report);
    Ok((units, report))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_ids() {
        let c = CellId::parse("CRS3035RES200mN2029800E4252400").unwrap();
        assert_eq!(
            (c.epsg, c.resolution_m, c.north, c.east),
            (3035, 200.0, 2_029_800.0, 4_252_400.0)
        );
        assert_eq!(
            c.centre(),
            Coord {
                x: 4_252_500.0,
                y: 2_029_900.0
            }
        );
        assert_eq!(
            CellId::parse("CRS2975RES1000mN7650000E340000")
                .unwrap()
                .resolution_m,
            1000.0
        );
        assert_eq!(CellId::parse("N2029800E4252400"), None);
        assert_eq!(CellId::parse("CRS3035RES0mN1E2"), None);
    }
}
