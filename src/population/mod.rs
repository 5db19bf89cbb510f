//! Population surfaces: where people live, as weighted points.
//!
//! Accessibility is measured on population units, each a point with a
//! population and the commune it belongs to. Three models produce them:
//!
//! - [`PopulationModel::Centroid`]: one unit per commune, at the centroid of
//!   its polygon, holding the whole population.
//! - [`PopulationModel::Grid`]: a dasymetric grid. Each commune's population
//!   is spread over the cells of a regular grid (default 200 m, aligned on
//!   multiples of the cell size in the zone's CRS) whose centres fall inside
//!   the commune polygon. Cell populations are whole numbers summing exactly
//!   to the commune's population (cell *k* of *n* holds
//!   ⌊(k+1)·P/n⌋ − ⌊k·P/n⌋). A commune too small to contain a cell centre
//!   gets one unit at an interior point: no population ever vanishes.
//! - [`PopulationModel::Units`]: units the caller supplies, e.g. the INSEE
//!   Filosofi 200 m cells read by [`read_filosofi`].
//!
//! Grid cells are generated commune by commune and never stored for the
//! whole country, so memory stays flat.

use geo::{BoundingRect, Centroid, InteriorPoint};
use geo_types::{Coord, MultiPolygon};

mod filosofi;

pub use filosofi::{read_filosofi, read_filosofi_from};

use crate::error::{Error, Result};
use crate::model::Territory;

/// Most cells of a population grid one commune may hold: Maripasoula
/// (18,360 km², the largest commune) in 200 m cells holds 0.46 million, and
/// at this limit (29 m cells) its accessibility run peaks at 1.6 GiB
/// resident, against 99 MiB without a grid (`benches/grid_memory.rs`).
pub const MAX_CELLS_PER_COMMUNE: f64 = 25e6;

/// A point holding some population.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PopulationUnit {
    /// Index of the commune (in the communes slice of the analysis) it belongs to.
    pub commune: u32,
    /// Position in metres in the commune's zone CRS.
    pub xy: Coord<f64>,
    /// Population.
    pub population: f64,
}

/// How population is placed on the ground.
#[derive(Debug, Clone, PartialEq)]
pub enum PopulationModel {
    /// One unit per commune at the centroid of its polygon.
    Centroid,
    /// Dasymetric grid with cells of this many metres.
    Grid {
        /// Cell size in metres (200 for INSEE's grid).
        cell_m: f64,
    },
    /// Units supplied by the caller, sorted by commune (see [`PopulationModel::units`]).
    Units(Vec<PopulationUnit>),
}

impl PopulationModel {
    /// The dasymetric grid with 200 m cells.
    pub fn grid() -> Self {
        PopulationModel::Grid { cell_m: 200.0 }
    }

    /// A model from supplied units (sorted here by commune).
    pub fn units(mut units: Vec<PopulationUnit>) -> Self {
        units.sort_by_key(|u| u.commune);
        PopulationModel::Units(units)
    }

    /// A short description for reports, e.g. `"dasymetric grid 200 m"`.
    pub fn label(&self) -> String {
        match self {
            PopulationModel::Centroid => "commune centroids".to_owned(),
            PopulationModel::Grid { cell_m } => format!("dasymetric grid {cell_m} m"),
            PopulationModel::Units(u) => format!("{} supplied population units", u.len()),
        }
    }

    /// Checks the model's parameters.
    pub fn validate(&self) -> Result<()> {
        match self {
            PopulationModel::Grid { cell_m } if !(cell_m.is_finite() && *cell_m >= 1.0) => {
                Err(Error::invalid(
                    "grid cell size",
                    format!("must be at least 1 m, got {cell_m}"),
                ))
            }
            _ => Ok(()),
        }
    }

    /// Checks that a grid's cells stay within memory: cells are generated
    /// one commune at a time, so no commune may hold more than
    /// [`MAX_CELLS_PER_COMMUNE`]; an analysis that keeps every unit (a plan)
    /// asks for `max_total` cells at most. The error names the commune and
    /// the smallest cell size that fits. Other models always fit.
    pub fn check_budget(&self, communes: &[Territory], max_total: Option<f64>) -> Result<()> {
        let PopulationModel::Grid { cell_m } = self else {
            return Ok(());
        };
        let cell_area = cell_m * cell_m;
        let mut total = 0.0;
        for c in communes {
            let cells = geo::Area::unsigned_area(&c.geometry) / cell_area;
            total += cells;
            if cells > MAX_CELLS_PER_COMMUNE {
                return Err(Error::invalid(
                    "grid cell size",
                    format!(
                        "commune {} ({}) would hold about {:.0} million cells of {cell_m} m; the limit is {:.0} million per commune: use cells of at least {:.0} m",
                        c.id,
                        c.name,
                        cells / 1e6,
                        MAX_CELLS_PER_COMMUNE / 1e6,
                        (cells / MAX_CELLS_PER_COMMUNE).sqrt() * cell_m + 1.0
                    ),
                ));
            }
        }
        if let Some(max) = max_total.filter(|m| total > *m) {
            return Err(Error::invalid(
                "grid cell size",
                format!(
                    "the communes would hold about {:.0} million cells of {cell_m} m; this analysis keeps every cell in memory and allows {:.0} million: use cells of at least {:.0} m",
                    total / 1e6,
                    max / 1e6,
                    (total / max).sqrt() * cell_m + 1.0
                ),
            ));
        }
        Ok(())
    }

    /// Writes the units of commune `index` into `out` (cleared first).
    /// A commune without population yields no unit.
    pub fn units_of(&self, communes: &[Territory], index: usize, out: &mut Vec<PopulationUnit>) {
        out.clear();
        let Some(commune) = communes.get(index) else {
            return;
        };
        let id = u32::try_from(index).unwrap_or(u32::MAX);
        match self {
            PopulationModel::Units(units) => {
                let start = units.partition_point(|u| u.commune < id);
                let end = units.partition_point(|u| u.commune <= id);
                out.extend(units.get(start..end).unwrap_or_default());
            }
            PopulationModel::Centroid => {
                if let (Some(p), Some(c)) =
                    (commune.population, representative_point(&commune.geometry))
                {
                    out.push(PopulationUnit {
                        commune: id,
                        xy: c,
                        population: p as f64,
                    });
                }
            }
            PopulationModel::Grid { cell_m } => {
                // Cells are written straight into `out` (no buffer per
                // commune), then given their shares.
                let Some(population) = commune.population else {
                    return;
                };
                out.reserve(cells_hint(commune, *cell_m));
                for_each_grid_cell(&commune.geometry, *cell_m, |xy| {
                    out.push(PopulationUnit {
                        commune: id,
                        xy,
                        population: 0.0,
                    });
                });
                if out.is_empty() {
                    let Some(xy) = lone_point(commune) else {
                        return;
                    };
                    out.push(PopulationUnit {
                        commune: id,
                        xy,
                        population: 0.0,
                    });
                }
                let shares = GridShares::new(population, out.len() as u64);
                for (unit, p) in out.iter_mut().zip(shares) {
                    unit.population = p;
                }
            }
        }
    }
}

/// Room for as many cells as a commune's bounding box holds (capped).
fn cells_hint(commune: &Territory, cell_m: f64) -> usize {
    commune.geometry.bounding_rect().map_or(0, |b| {
        let cells = (b.width() / cell_m + 1.0) * (b.height() / cell_m + 1.0);
        cells.clamp(0.0, MAX_CELLS_PER_COMMUNE) as usize
    })
}

/// The one unit of a commune in which no cell centre falls: an interior
/// point (the centroid when there is none).
fn lone_point(commune: &Territory) -> Option<Coord<f64>> {
    commune
        .geometry
        .interior_point()
        .map(|p| p.0)
        .or_else(|| representative_point(&commune.geometry))
}

/// The populations of a commune's grid cells, in their order: cell k of n
/// holds ⌊(k+1)·P/n⌋ − ⌊k·P/n⌋ inhabitants — P/n, plus one each time the
/// running remainder of k·P/n wraps past n (exact, and no division per
/// cell).
#[derive(Debug, Clone)]
pub(crate) struct GridShares {
    base: u64,
    step: u64,
    n: u64,
    remainder: u64,
    left: u64,
}

impl GridShares {
    fn new(population: u64, n: u64) -> Self {
        let n = n.max(1);
        GridShares {
            base: population / n,
            step: population % n,
            n,
            remainder: 0,
            left: n,
        }
    }
}

impl Iterator for GridShares {
    type Item = f64;
    #[inline]
    fn next(&mut self) -> Option<f64> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        // remainder < n and step < n: the sum cannot overflow.
        self.remainder += self.step;
        let carry = u64::from(self.remainder >= self.n);
        self.remainder -= carry * self.n;
        Some((self.base + carry) as f64)
    }
}

/// The positions of a commune's units under the grid model (its cell
/// centres, or one interior point when no centre falls inside) written into
/// `xys`, with their populations; `None` (and no positions) for a commune
/// without population. What [`PopulationModel::units_of`] gives, without
/// the units.
pub(crate) fn grid_positions(
    commune: &Territory,
    cell_m: f64,
    xys: &mut Vec<Coord<f64>>,
) -> Option<GridShares> {
    xys.clear();
    let population = commune.population?;
    xys.reserve(cells_hint(commune, cell_m));
    for_each_grid_cell(&commune.geometry, cell_m, |xy| xys.push(xy));
    if xys.is_empty() {
        xys.push(lone_point(commune)?);
    }
    Some(GridShares::new(population, xys.len() as u64))
}

/// The centroid of a (multi)polygon.
pub fn representative_point(geometry: &MultiPolygon<f64>) -> Option<Coord<f64>> {
    geometry.centroid().map(|p| p.0)
}

/// Centres of the grid cells (size `cell_m`, aligned on multiples of
/// `cell_m`) that fall inside `geometry`, in row-major order (south to
/// north, west to east). Exact even-odd scanline over every ring: holes and
/// multipolygons are handled; a centre on a boundary is inside on the
/// west and south edges and outside on the east and north edges.
pub fn grid_cells(geometry: &MultiPolygon<f64>, cell_m: f64, out: &mut Vec<Coord<f64>>) {
    for_each_grid_cell(geometry, cell_m, |c| out.push(c));
}

/// Calls `cell` with each centre [`grid_cells`] gives, in its order.
fn for_each_grid_cell(geometry: &MultiPolygon<f64>, cell_m: f64, mut cell: impl FnMut(Coord<f64>)) {
    let Some(bbox) = geometry.bounding_rect() else {
        return;
    };
    if !(cell_m.is_finite() && cell_m > 0.0) {
        return;
    }
    // Each edge (not horizontal) from its south end to its north end, sorted
    // by its south end: rows go north, so an edge joins the active edges at
    // the first row it reaches and leaves them after its last one, and each
    // row meets only the edges it crosses (`lo.y <= y < hi.y`, the same test
    // and the same crossing abscissa as a scan of every edge per row).
    let mut edges: Vec<(Coord<f64>, Coord<f64>)> = geometry
        .0
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .flat_map(|ring| ring.lines().map(|l| (l.start, l.end)))
        .filter(|(a, b)| a.y != b.y)
        .map(|(a, b)| if a.y < b.y { (a, b) } else { (b, a) })
        // An edge with a NaN end meets no row (both tests fail).
        .filter(|(lo, hi)| !lo.y.is_nan() && !hi.y.is_nan())
        .collect();
    edges.sort_unstable_by(|a, b| a.0.y.total_cmp(&b.0.y));
    let row0 = (bbox.min().y / cell_m - 0.5).ceil() as i64;
    let row1 = (bbox.max().y / cell_m - 0.5).floor() as i64;
    let mut xs: Vec<f64> = Vec::new();
    let mut active: Vec<(Coord<f64>, Coord<f64>)> = Vec::new();
    let mut next = 0;
    for row in row0..=row1 {
        let y = (row as f64 + 0.5) * cell_m;
        while let Some(&edge) = edges.get(next)
            && edge.0.y <= y
        {
            active.push(edge);
            next += 1;
        }
        active.retain(|(_, hi)| y < hi.y);
        xs.clear();
        xs.extend(
            active
                .iter()
                .map(|(lo, hi)| lo.x + (y - lo.y) * (hi.x - lo.x) / (hi.y - lo.y)),
        );
        xs.sort_by(f64::total_cmp);
        for pair in xs.chunks_exact(2) {
            let &[x0, x1] = pair else { continue };
            let first = (x0 / cell_m - 0.5).ceil() as i64;
            let end = (x1 / cell_m - 0.5).ceil() as i64;
            for col in first..end {
                cell(Coord {
                    x: (col as f64 + 0.5) * cell_m,
                    y,
                });
            }
        }
    }
}
