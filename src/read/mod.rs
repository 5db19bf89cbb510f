//! Readers: one module per input format. Each returns its data and a
//! [`LoadReport`] saying what was read, kept and skipped.

pub(crate) mod geojson;
mod json_scan;
pub(crate) mod text;

mod assignments;
mod communes;
mod conseillers;
mod coverage;
mod france_services;
#[cfg(feature = "geoparquet")]
mod geoparquet;
#[cfg(feature = "geopackage")]
mod gpkg;
mod laposte;
mod partners;
mod records;
#[cfg(feature = "shapefile")]
mod shp;
mod territories;
#[cfg(any(feature = "geopackage", feature = "geoparquet"))]
mod wkb_polygons;
#[cfg(feature = "geoparquet")]
pub(crate) use wkb_polygons::wkb_of;

pub use crate::population::filosofi::{read_filosofi, read_filosofi_from};
#[cfg(feature = "osm")]
pub use crate::travel::osm::{read_roads, read_roads_from};
pub use assignments::{Assignment, apply_assignments, read_assignments, read_assignments_from};
pub use communes::{CommuneSources, read_communes, read_communes_from};
pub use conseillers::{read_conseillers_numeriques, read_conseillers_numeriques_from};
pub use coverage::{read_coverage, read_coverage_from};
pub use france_services::{read_france_services, read_france_services_from};
pub use laposte::{read_la_poste, read_la_poste_from};
pub use partners::{
    read_partner_csv, read_partner_csv_from, read_partners, read_partners_from, read_sites,
    read_sites_from,
};
pub use territories::{
    FieldMap, join_population, read_population_table, read_territories, read_territories_from,
};

use std::collections::HashSet;

use crate::crs::Crs;
use crate::error::Location;
use crate::model::ServicePoint;
use crate::place::{Placed, PlacedPolygon, Problem};
use crate::report::{LoadReport, Note, SkipReason};
use geojson::{GeometryFixes, RawFeature, multipolygon_of};

/// Opens an input file, decompressing it on the fly when it is gzip
/// (`.geojson.gz`, `.csv.gz`: told from its first bytes, not its name).
pub(crate) fn open_input(path: &std::path::Path) -> crate::Result<Box<dyn std::io::Read + Send>> {
    use std::io::BufRead;
    let file = std::fs::File::open(path).map_err(|e| crate::Error::io(path, e))?;
    let mut buf = std::io::BufReader::new(file);
    let head = buf.fill_buf().map_err(|e| crate::Error::io(path, e))?;
    Ok(if head.starts_with(&[0x1f, 0x8b]) {
        Box::new(flate2::read::MultiGzDecoder::new(buf))
    } else {
        Box::new(buf)
    })
}

/// The skeleton every point reader shares: counts each row read, checks its
/// id and coordinates, refuses an id seen before (the first occurrence is
/// kept), and counts what it keeps. Each reader only maps its columns.
pub(crate) struct PointSink {
    pub report: LoadReport,
    pub points: Vec<ServicePoint>,
    seen: HashSet<String>,
    swapped: Vec<String>,
}

impl PointSink {
    pub fn new(source: &std::path::Path) -> Self {
        PointSink {
            report: LoadReport::new(source.display().to_string()),
            points: Vec::new(),
            seen: HashSet::new(),
            swapped: Vec::new(),
        }
    }

    /// Checks one row: a non-empty id, usable coordinates, an id not seen
    /// before. Counts the skip and returns `None` when a check fails.
    pub fn accept(
        &mut self,
        location: Location,
        id: &str,
        placed: Result<Placed, Problem>,
    ) -> Option<Placed> {
        if id.is_empty() {
            self.report
                .skip(SkipReason::MissingId, location, None, None);
            return None;
        }
        let placed = match placed {
            Ok(p) => p,
            Err((reason, detail)) => {
                self.report.skip(reason, location, Some(id), Some(detail));
                return None;
            }
        };
        if !self.seen.insert(id.to_owned()) {
            self.report
                .skip(SkipReason::DuplicateId, location, Some(id), None);
            return None;
        }
        if placed.swapped {
            self.swapped.push(id.to_owned());
        }
        Some(placed)
    }

    /// Keeps a point that passed [`accept`](Self::accept).
    pub fn keep(&mut self, point: ServicePoint) {
        self.points.push(point);
        self.report.kept += 1;
    }

    pub fn finish(mut self) -> (Vec<ServicePoint>, LoadReport) {
        if !self.swapped.is_empty() {
            self.report.note(Note::SwappedRepaired(self.swapped));
        }
        (self.points, self.report)
    }
}

/// The CRS of a file's coordinates: the one it declares, else the one the
/// user gave (`--crs`); an error when the two disagree or neither says.
/// `what` names the part of the file that declares it ("layer qpv").
#[cfg(any(feature = "geopackage", feature = "geoparquet"))]
pub(crate) fn resolve_crs(
    path: &std::path::Path,
    what: &str,
    declared: Option<Crs>,
    given: Option<Crs>,
) -> crate::Result<Crs> {
    match (declared, given) {
        (Some(d), Some(g)) if d != g => Err(crate::Error::format(
            path,
            None,
            format!("{what} declares {d}, but the CRS was given as {g} (--crs): drop one"),
        )),
        (Some(d), _) => Ok(d),
        (None, Some(g)) => Ok(g),
        (None, None) => Err(crate::Error::format(
            path,
            None,
            format!(
                "{what} has an undefined CRS: give it with --crs EPSG:<code> (--communes-crs for commune polygons)"
            ),
        )),
    }
}

/// Records gathered before their polygons are placed (and, for GeoJSON,
/// parsed) together, in parallel: enough to keep every core busy, few
/// enough to keep memory flat.
pub(crate) const BATCH: usize = 256;

/// Places one feature's polygon, taking its geometry (parsing, ring checks, projection, validity
/// and repair; readers run it on features in parallel), with the ring fixes
/// it made. The coordinates are in the CRS the document declares, else in
/// `default_crs`, else lon/lat.
pub(crate) fn place_polygon(
    feature: &mut RawFeature,
    default_crs: Option<Crs>,
) -> (Result<PlacedPolygon, Problem>, GeometryFixes) {
    let mut fixes = GeometryFixes::default();
    let crs = feature.crs.or(default_crs).unwrap_or(Crs::LonLat);
    let geometry = std::mem::take(&mut feature.geometry);
    let placed =
        multipolygon_of(geometry, &mut fixes).and_then(|mp| crate::place::place_in(mp, crs));
    (placed, fixes)
}

/// Reads the rows of a table keyed by a code (commune code, QPV code...),
/// calling `row` for each; rows without a code, with a code seen before
/// (the first occurrence is kept) or that `row` refuses are skipped and
/// counted.
pub(crate) fn read_keyed<V, R: std::io::Read>(
    path: &std::path::Path,
    mut table: text::CsvTable<R>,
    c_code: usize,
    mut row: impl FnMut(&text::CsvTable<R>, &csv::ByteRecord, u64) -> Result<V, Problem>,
) -> crate::Result<(std::collections::HashMap<String, V>, LoadReport)> {
    let mut report = LoadReport::new(path.display().to_string());
    let mut rows = std::collections::HashMap::new();
    let mut record = csv::ByteRecord::new();
    while let Some(line) = table.next_record(&mut record)? {
        report.read += 1;
        let loc = Location::Line(line);
        let code = table.field(&record, c_code).into_owned();
        if code.is_empty() {
            report.skip(SkipReason::MissingId, loc, None, None);
            continue;
        }
        if rows.contains_key(&code) {
            report.skip(SkipReason::DuplicateId, loc, Some(&code), None);
            continue;
        }
        match row(&table, &record, line) {
            Ok(value) => {
                rows.insert(code, value);
                report.kept += 1;
            }
            Err((reason, detail)) => report.skip(reason, loc, Some(&code), Some(detail)),
        }
    }
    table.finish(&mut report);
    Ok((rows, report))
}
