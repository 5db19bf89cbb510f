//! Readers: one module per input format. Each returns its data and a
//! [`LoadReport`] saying what was read, kept and skipped.

pub(crate) mod geojson;
mod json_scan;
pub(crate) mod text;

mod assignments;
mod communes;
mod conseillers;
#[cfg(feature = "shapefile")]
mod dbf;
mod fields;
mod france_services;
#[cfg(feature = "geoparquet")]
mod geoparquet;
#[cfg(feature = "geopackage")]
mod gpkg;
mod laposte;
mod lieux;
pub(crate) mod partners;
mod records;
#[cfg(feature = "shapefile")]
mod shp;
mod territories;
#[cfg(feature = "wkb")]
mod wkb_polygons;
#[cfg(feature = "wkb")]
pub use wkb_polygons::multipolygon_of_wkb;
#[cfg(feature = "geoparquet")]
pub(crate) use wkb_polygons::wkb_of;

pub use assignments::{Assignment, apply_assignments, read_assignments, read_assignments_from};
pub use communes::{CommuneSources, read_communes, read_communes_from};
pub use conseillers::{read_conseillers_numeriques, read_conseillers_numeriques_from};
pub use fields::FieldMap;
pub use france_services::{read_france_services, read_france_services_from};
pub use laposte::{read_la_poste, read_la_poste_from};
pub use lieux::{
    CommuneCentroids, LA_POSTE_SIREN, LIEUX_ID_PREFIX, Lieu, LieuxOptions, is_mediation_structure,
    names_la_poste, read_commune_centroids, read_lieux, read_lieux_from,
};
pub use partners::{
    PartnerSchema, partner_schema, read_partner_csv, read_partner_csv_from, read_partners,
    read_partners_from, read_sites, read_sites_from,
};
pub use territories::{
    join_population, read_population_table, read_territories, read_territories_from,
};

use std::collections::HashSet;

use crate::geom::crs::Crs;
use crate::geom::place::{Placed, PlacedPolygon, Problem};
use crate::model::ServicePoint;
use crate::report::{LoadReport, Note};
use crate::skip::Location;
use crate::skip::SkipReason;
use geojson::{GeometryFixes, RawFeature, multipolygon_of};

/// Bounds on what one input may make maillage read, so that a small
/// hostile file (a `.geojson.gz` that expands to gigabytes, a GeoJSON
/// feature that is one 256 MB string) is a clear error instead of an
/// exhausted memory. Process-wide: [`InputLimits::set`] changes them for
/// every reader that starts after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputLimits {
    /// The most bytes a compressed (gzip) input may expand to. Default
    /// 4 GiB, above the national full-resolution polygon files.
    pub decompressed_bytes: u64,
    /// The longest single JSON value the GeoJSON reader copies before
    /// parsing it: one feature, or one member of the collection (`crs`,
    /// `name`...). Default 128 MiB, some ten times the largest commune
    /// polygon at full resolution.
    pub json_value_bytes: usize,
}

static DECOMPRESSED_LIMIT: std::sync::atomic::AtomicU64 =
    std::sync::atomic::AtomicU64::new(InputLimits::DEFAULT.decompressed_bytes);
static JSON_VALUE_LIMIT: std::sync::atomic::AtomicUsize =
    std::sync::atomic::AtomicUsize::new(InputLimits::DEFAULT.json_value_bytes);

impl InputLimits {
    /// The defaults: 4 GiB decompressed, 128 MiB per JSON value.
    pub const DEFAULT: InputLimits = InputLimits {
        decompressed_bytes: 4 << 30,
        json_value_bytes: 128 << 20,
    };

    /// The limits in force.
    pub fn current() -> InputLimits {
        use std::sync::atomic::Ordering::Relaxed;
        InputLimits {
            decompressed_bytes: DECOMPRESSED_LIMIT.load(Relaxed),
            json_value_bytes: JSON_VALUE_LIMIT.load(Relaxed),
        }
    }

    /// Makes these the limits of every input opened from now on.
    pub fn set(self) {
        use std::sync::atomic::Ordering::Relaxed;
        DECOMPRESSED_LIMIT.store(self.decompressed_bytes, Relaxed);
        JSON_VALUE_LIMIT.store(self.json_value_bytes, Relaxed);
    }
}

impl Default for InputLimits {
    fn default() -> Self {
        InputLimits::DEFAULT
    }
}

/// A decompressing reader that fails once it has given `limit` bytes.
struct Bounded<R> {
    inner: R,
    given: u64,
    limit: u64,
}

impl<R: std::io::Read> std::io::Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.given += n as u64;
        if self.given > self.limit {
            return Err(std::io::Error::other(format!(
                "the gzip data expands to more than {} bytes, the limit of InputLimits::decompressed_bytes (default {} GiB): decompress it yourself, or raise the limit with maillage::read::InputLimits",
                self.limit,
                InputLimits::DEFAULT.decompressed_bytes >> 30
            )));
        }
        Ok(n)
    }
}

/// Opens an input file, decompressing it on the fly when it is gzip
/// (`.geojson.gz`, `.csv.gz`: told from its first bytes, not its name), at
/// most [`InputLimits::decompressed_bytes`] of it.
pub(crate) fn open_input(
    path: &std::path::Path,
) -> crate::error::Result<Box<dyn std::io::Read + Send>> {
    use std::io::BufRead;
    let file = std::fs::File::open(path).map_err(|e| crate::error::Error::io(path, e))?;
    let mut buf = std::io::BufReader::new(file);
    let head = buf
        .fill_buf()
        .map_err(|e| crate::error::Error::io(path, e))?;
    Ok(if head.starts_with(&[0x1f, 0x8b]) {
        Box::new(Bounded {
            inner: flate2::read::MultiGzDecoder::new(buf),
            given: 0,
            limit: InputLimits::current().decompressed_bytes,
        })
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
) -> crate::error::Result<Crs> {
    match (declared, given) {
        (Some(d), Some(g)) if d != g => Err(crate::error::Error::format(
            path,
            None,
            format!("{what} declares {d}, but the CRS was given as {g} (--crs): drop one"),
        )),
        (Some(d), _) => Ok(d),
        (None, Some(g)) => Ok(g),
        (None, None) => Err(crate::error::Error::format(
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
        multipolygon_of(geometry, &mut fixes).and_then(|mp| crate::geom::place::place_in(mp, crs));
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
) -> crate::error::Result<(std::collections::HashMap<String, V>, LoadReport)> {
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
