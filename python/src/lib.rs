//! The native half of the `maillage` Python package (`maillage._maillage`).
//!
//! Python hands over either paths (read by maillage's own readers, exactly
//! as the command line reads them) or the columns of a (Geo)DataFrame:
//! the WKB geometry column and the coordinate columns as the addresses of
//! their contiguous Arrow / NumPy buffers (read in place, never copied
//! through Python objects), the other columns as lists of text. Every
//! computation runs with the GIL released.

mod plan;

use std::collections::HashSet;
use std::path::PathBuf;

use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};
use rayon::prelude::*;

mod sweep;

use maillage::command::Sites;
use maillage::command::access::AccessOptions;
use maillage::command::coverage::CoverageOptions;
use maillage::command::out::Output;
use maillage::coverage::schema::{COVERAGE_COLUMNS, Cell, ColumnType, cells};
use maillage::load::{PopulationSpec, Sources};
use maillage::programmes::ProgrammeFiles;
use maillage::{
    Coverage, Error, FieldMap, LoadReport, Location, PointKind, Projector, Rule, Service,
    ServiceNetwork, ServicePoint, SkipReason, Territory, TerritoryKind,
};

create_exception!(
    _maillage,
    MaillageError,
    PyValueError,
    "An error of maillage: the same message as the command line's."
);

fn err(e: Error) -> PyErr {
    MaillageError::new_err(e.to_string())
}

fn invalid(what: &'static str, message: impl Into<String>) -> Error {
    Error::Invalid {
        what,
        message: message.into(),
    }
}

/// A contiguous buffer owned by a Python object (a pyarrow `Buffer` or a
/// NumPy array), read in place by its address and length.
struct Borrowed {
    /// Keeps the owner alive while the slice is used.
    _owner: Py<PyAny>,
    address: usize,
    len: usize,
}

impl Borrowed {
    fn bytes(&self) -> &[u8] {
        if self.len == 0 || self.address == 0 {
            return &[];
        }
        // SAFETY: the owner (an immutable pyarrow Buffer or a C-contiguous
        // NumPy array made for this call) is kept alive by `_owner` and
        // holds `len` bytes at `address`; nothing writes to it meanwhile.
        unsafe { std::slice::from_raw_parts(self.address as *const u8, self.len) }
    }
}

/// `(owner, address, byte length)` from Python.
fn borrowed(owner: &Bound<'_, PyAny>, address: usize, len: usize) -> Borrowed {
    Borrowed {
        _owner: owner.clone().unbind(),
        address,
        len,
    }
}

fn f64_at(bytes: &[u8], i: usize) -> Option<f64> {
    let b = bytes.get(i * 8..i * 8 + 8)?;
    Some(f64::from_ne_bytes(b.try_into().ok()?))
}

fn offset_at(bytes: &[u8], width: usize, i: usize) -> Option<usize> {
    let b = bytes.get(i * width..i * width + width)?;
    match width {
        4 => usize::try_from(i32::from_ne_bytes(b.try_into().ok()?)).ok(),
        8 => usize::try_from(i64::from_ne_bytes(b.try_into().ok()?)).ok(),
        _ => None,
    }
}

/// A text column of a frame: its name and its values (`None` for nulls).
type Column = (String, Vec<Option<String>>);

/// The first of `names` among the frame's columns: an exact match first,
/// then a case-insensitive one (as the readers match properties).
fn find<'c>(columns: &'c [Column], names: &[String]) -> Option<&'c [Option<String>]> {
    names
        .iter()
        .find_map(|n| columns.iter().find(|(c, _)| c == n))
        .or_else(|| {
            names
                .iter()
                .find_map(|n| columns.iter().find(|(c, _)| c.eq_ignore_ascii_case(n)))
        })
        .map(|(_, v)| v.as_slice())
}

fn value(column: Option<&[Option<String>]>, i: usize) -> Option<String> {
    column
        .and_then(|c| c.get(i))
        .and_then(|v| v.as_deref())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// The territories of a GeoDataFrame already in EPSG:4326: the WKB column
/// (Arrow binary: offsets + data) and the text columns.
struct TerritoryFrame {
    source: String,
    rows: usize,
    offsets: Borrowed,
    offset_width: usize,
    data: Borrowed,
    nulls: HashSet<usize>,
    columns: Vec<Column>,
}

fn parse_population(text: &str) -> Option<u64> {
    let v: f64 = text.replace(',', ".").parse().ok()?;
    (v.is_finite() && (0.0..1e12).contains(&v)).then(|| v.round() as u64)
}

impl TerritoryFrame {
    /// Territories by `fields`, through the readers' checks
    /// ([`Territory::from_lonlat`]: zone of every vertex, projection,
    /// repair), skips counted in the report as a reader counts them.
    fn territories(&self, fields: &FieldMap) -> maillage::Result<(Vec<Territory>, LoadReport)> {
        let path = PathBuf::from(&self.source);
        let Some(ids) = find(&self.columns, &fields.id) else {
            return Err(Error::MissingField {
                path,
                location: Location::Feature(1),
                field: fields.id.join(" or "),
            });
        };
        let names = find(&self.columns, &fields.name);
        let population = find(&self.columns, &fields.population);
        let departement = find(&self.columns, &fields.departement);
        let offsets = self.offsets.bytes();
        let data = self.data.bytes();
        let placed: Vec<Result<Territory, (SkipReason, String)>> = (0..self.rows)
            .into_par_iter()
            .map(|i| {
                if self.nulls.contains(&i) {
                    return Err((SkipReason::EmptyGeometry, "no geometry".to_owned()));
                }
                let range = offset_at(offsets, self.offset_width, i)
                    .zip(offset_at(offsets, self.offset_width, i + 1))
                    .and_then(|(a, b)| data.get(a..b))
                    .ok_or_else(|| {
                        (
                            SkipReason::InvalidCoordinates,
                            "WKB offsets out of range".to_owned(),
                        )
                    })?;
                let mp = maillage::read::multipolygon_of_wkb(range)?;
                let id = value(Some(ids), i).unwrap_or_default();
                Territory::from_lonlat(id, String::new(), fields.kind, mp).map_err(|e| match e {
                    Error::Geometry { reason, detail, .. } => (reason, detail),
                    other => (SkipReason::InvalidCoordinates, other.to_string()),
                })
            })
            .collect();
        let mut report = LoadReport::new(self.source.clone());
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        for (i, result) in placed.into_iter().enumerate() {
            report.read += 1;
            let location = Location::Feature(i as u64 + 1);
            let Some(id) = value(Some(ids), i) else {
                report.skip(SkipReason::MissingId, location, None, None);
                continue;
            };
            let mut t = match result {
                Ok(t) => t,
                Err((reason, detail)) => {
                    report.skip(reason, location, Some(&id), Some(detail));
                    continue;
                }
            };
            if !seen.insert(id.clone()) {
                report.skip(SkipReason::DuplicateId, location, Some(&id), None);
                continue;
            }
            t.name = value(names, i).unwrap_or_else(|| id.clone());
            t.population = value(population, i).and_then(|p| parse_population(&p));
            t.departement = value(departement, i);
            for a in &fields.attributes {
                if let Some(v) = value(find(&self.columns, std::slice::from_ref(a)), i) {
                    t.attributes.insert(a.clone(), v);
                }
            }
            out.push(t);
            report.kept += 1;
        }
        nothing_kept(&report)?;
        Ok((out, report))
    }
}

/// The loader's error when a source gave nothing usable.
fn nothing_kept(report: &LoadReport) -> maillage::Result<()> {
    if report.kept == 0 {
        return Err(Error::NothingKept {
            source_name: report.source.clone(),
            report: report.to_string(),
            hint: String::new(),
        });
    }
    Ok(())
}

/// Service points of a DataFrame: longitude/latitude as float64 buffers,
/// ids, names, kinds and services as text.
struct PointFrame {
    source: String,
    rows: usize,
    lon: Borrowed,
    lat: Borrowed,
    ids: Vec<Option<String>>,
    names: Option<Vec<Option<String>>>,
    kinds: Option<Vec<Option<String>>>,
    services: Option<Vec<Option<String>>>,
}

impl PointFrame {
    fn points(&self) -> maillage::Result<(Vec<ServicePoint>, LoadReport)> {
        let (lon, lat) = (self.lon.bytes(), self.lat.bytes());
        let mut report = LoadReport::new(self.source.clone());
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        for i in 0..self.rows {
            report.read += 1;
            let location = Location::Line(i as u64 + 1);
            let Some(id) = value(Some(&self.ids), i) else {
                report.skip(SkipReason::MissingId, location, None, None);
                continue;
            };
            let (Some(x), Some(y)) = (f64_at(lon, i), f64_at(lat, i)) else {
                report.skip(SkipReason::MissingCoordinates, location, Some(&id), None);
                continue;
            };
            if x.is_nan() || y.is_nan() {
                report.skip(SkipReason::MissingCoordinates, location, Some(&id), None);
                continue;
            }
            let mut p = match ServicePoint::at_lonlat(id.clone(), x, y) {
                Ok(p) => p,
                Err(Error::Geometry { reason, detail, .. }) => {
                    report.skip(reason, location, Some(&id), Some(detail));
                    continue;
                }
                Err(e) => return Err(e),
            };
            if !seen.insert(id.clone()) {
                report.skip(SkipReason::DuplicateId, location, Some(&id), None);
                continue;
            }
            if let Some(name) = value(self.names.as_deref(), i) {
                p = p.with_name(name);
            }
            if let Some(kind) = value(self.kinds.as_deref(), i) {
                let k = PointKind::from_identifier(&kind).ok_or_else(|| {
                    invalid(
                        "points",
                        format!(
                            "row {}: unknown point kind {kind:?} (expected one of: {})",
                            i + 1,
                            PointKind::ALL.map(PointKind::as_str).join(", ")
                        ),
                    )
                })?;
                p = p.with_kind(k);
            }
            match value(self.services.as_deref(), i) {
                Some(list) => {
                    for name in list.split([';', ',', '|']).map(str::trim) {
                        if !name.is_empty() {
                            let s: Service = name
                                .parse()
                                .map_err(|e| invalid("points", format!("row {}: {e}", i + 1)))?;
                            p = p.offering(s);
                        }
                    }
                }
                None if self.services.is_none() => p = p.offering(Service::Postal),
                None => {}
            }
            out.push(p);
            report.kept += 1;
        }
        nothing_kept(&report)?;
        Ok((out, report))
    }
}

fn text_column(obj: &Bound<'_, PyAny>) -> PyResult<Vec<Option<String>>> {
    obj.extract()
}

fn opt_text_column(d: &Bound<'_, PyDict>, key: &str) -> PyResult<Option<Vec<Option<String>>>> {
    match d.get_item(key)? {
        Some(v) if !v.is_none() => Ok(Some(text_column(&v)?)),
        _ => Ok(None),
    }
}

fn req<'py>(d: &Bound<'py, PyDict>, key: &str) -> PyResult<Bound<'py, PyAny>> {
    d.get_item(key)?
        .ok_or_else(|| MaillageError::new_err(format!("internal: missing {key}")))
}

/// A buffer described as `(owner, address, byte length)`.
fn buffer(d: &Bound<'_, PyDict>, key: &str) -> PyResult<Borrowed> {
    let (owner, address, len): (Bound<'_, PyAny>, usize, usize) = req(d, key)?.extract()?;
    Ok(borrowed(&owner, address, len))
}

fn territory_frame(d: &Bound<'_, PyDict>) -> PyResult<TerritoryFrame> {
    let columns: Vec<Column> = req(d, "columns")?.extract()?;
    Ok(TerritoryFrame {
        source: req(d, "source")?.extract()?,
        rows: req(d, "rows")?.extract()?,
        offsets: buffer(d, "offsets")?,
        offset_width: req(d, "offset_width")?.extract()?,
        data: buffer(d, "data")?,
        nulls: req(d, "nulls")?
            .extract::<Vec<usize>>()?
            .into_iter()
            .collect(),
        columns,
    })
}

fn point_frame(d: &Bound<'_, PyDict>) -> PyResult<PointFrame> {
    Ok(PointFrame {
        source: req(d, "source")?.extract()?,
        rows: req(d, "rows")?.extract()?,
        lon: buffer(d, "longitude")?,
        lat: buffer(d, "latitude")?,
        ids: text_column(&req(d, "ids")?)?,
        names: opt_text_column(d, "names")?,
        kinds: opt_text_column(d, "kinds")?,
        services: opt_text_column(d, "services")?,
    })
}

/// Points: a path (read as the CLI reads `--points`) or a frame.
enum Points {
    Path(PathBuf),
    Frame(PointFrame),
}

enum Territories {
    Path(PathBuf),
    Frame(TerritoryFrame),
}

fn points_of(obj: &Bound<'_, PyAny>) -> PyResult<Points> {
    if let Ok(d) = obj.cast::<PyDict>() {
        Ok(Points::Frame(point_frame(d)?))
    } else {
        Ok(Points::Path(obj.extract()?))
    }
}

fn territories_of(obj: &Bound<'_, PyAny>) -> PyResult<Territories> {
    if let Ok(d) = obj.cast::<PyDict>() {
        Ok(Territories::Frame(territory_frame(d)?))
    } else {
        Ok(Territories::Path(obj.extract()?))
    }
}

fn report_dict<'py>(py: Python<'py>, r: &LoadReport) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("source", &r.source)?;
    d.set_item("read", r.read)?;
    d.set_item("kept", r.kept)?;
    let skipped = PyDict::new(py);
    for (reason, tally) in &r.skipped {
        skipped.set_item(reason.to_string(), tally.count)?;
    }
    d.set_item("skipped", skipped)?;
    let notes: Vec<String> = r.notes.iter().map(ToString::to_string).collect();
    d.set_item("notes", notes)?;
    d.set_item("text", r.to_string())?;
    Ok(d)
}

fn reports_list<'py>(py: Python<'py>, reports: &[LoadReport]) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for r in reports {
        list.append(report_dict(py, r)?)?;
    }
    Ok(list)
}

/// A territory back in WGS84 lon/lat (7 decimals, valid: what every
/// geometry output of maillage writes), encoded as WKB.
fn lonlat_wkb(t: &Territory, projector: &Projector) -> maillage::Result<Vec<u8>> {
    let g = maillage::write::lonlat_geometry(t, projector)?;
    let mut out = Vec::new();
    wkb::writer::write_geometry(&mut out, &g, &wkb::writer::WriteOptions::default())
        .map_err(|e| invalid("geometry", format!("WKB: {e}")))?;
    Ok(out)
}

/// One column's values, typed.
enum Values {
    Text(Vec<Option<String>>),
    Integer(Vec<Option<u64>>),
    Float(Vec<Option<f64>>),
    Bool(Vec<bool>),
}

struct CoverageResult {
    columns: Vec<Values>,
    /// Per row, the index of its territory in `geometries`.
    territory: Vec<usize>,
    geometries: Vec<Vec<u8>>,
    reports: Vec<LoadReport>,
}

fn parse_services(names: &[String]) -> maillage::Result<Vec<Service>> {
    names
        .iter()
        .map(|n| {
            n.parse::<Service>()
                .map_err(|e| invalid("service", e.to_string()))
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn run_coverage(
    points: Points,
    territories: Territories,
    kind: Option<TerritoryKind>,
    services: Option<Vec<String>>,
    partners: Vec<PathBuf>,
    radius_m: Option<f64>,
) -> maillage::Result<CoverageResult> {
    let rule = radius_m
        .map(|m| Rule::WithinDistance(m).validate())
        .transpose()?;
    let services = parse_services(&services.unwrap_or_default())?;
    let fields = FieldMap::for_kind(kind, None)?;
    // Points and partners as the loader reads them (ids unique across files).
    let mut sources = Sources::new();
    if let Points::Path(p) = &points {
        sources = sources.points(p);
    }
    for p in &partners {
        sources = sources.partners(p);
    }
    let mut reports = Vec::new();
    let mut all_points = Vec::new();
    if let Points::Frame(frame) = &points {
        let (p, report) = frame.points()?;
        all_points = p;
        reports.push(report);
    }
    let (loaded, more) = sources.load_points()?;
    let mut seen: HashSet<String> = all_points.iter().map(|p| p.id.clone()).collect();
    for p in loaded {
        if seen.insert(p.id.clone()) {
            all_points.push(p);
        }
    }
    reports.extend(more);
    let territories = match &territories {
        Territories::Path(path) => {
            let (t, more) = Sources::new()
                .territories(path, fields.clone())
                .load_territories()?;
            reports.extend(more);
            t
        }
        Territories::Frame(frame) => {
            let (t, report) = frame.territories(&fields)?;
            reports.push(report);
            t
        }
    };
    let evidence = maillage::programmes::sites_evidence(&all_points, Vec::new());
    let services = CoverageOptions {
        services,
        ..CoverageOptions::new(Sites::new(""), "")
    }
    .services(&evidence);
    let network = ServiceNetwork::new(all_points);
    let mut analysis = Coverage::new(&network, &territories)
        .services(services)
        .evidence(evidence);
    if let Some(rule) = rule {
        analysis = analysis.rule_all(rule);
    }
    let report = analysis.run()?;

    let projector = Projector::shared()?;
    let geometries: Vec<Vec<u8>> = territories
        .par_iter()
        .map(|t| lonlat_wkb(t, projector))
        .collect::<maillage::Result<_>>()?;
    let index: std::collections::HashMap<&str, usize> = territories
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.as_str(), i))
        .collect();
    let mut columns: Vec<Values> = COVERAGE_COLUMNS
        .iter()
        .map(|c| match c.kind {
            ColumnType::Text => Values::Text(Vec::new()),
            ColumnType::Integer => Values::Integer(Vec::new()),
            ColumnType::Float { .. } => Values::Float(Vec::new()),
            ColumnType::Bool => Values::Bool(Vec::new()),
        })
        .collect();
    let mut territory = Vec::new();
    for r in report.iter() {
        territory.push(index.get(r.territory.id.as_str()).copied().unwrap_or(0));
        for (cell, values) in cells(&r).into_iter().zip(columns.iter_mut()) {
            match (cell, values) {
                (Cell::Text(t), Values::Text(v)) => v.push(t.map(|t| t.into_owned())),
                (Cell::Integer(n), Values::Integer(v)) => v.push(n),
                (Cell::Float(x), Values::Float(v)) => v.push(x),
                (Cell::Bool(b), Values::Bool(v)) => v.push(b),
                _ => return Err(invalid("coverage", "a cell does not match its column type")),
            }
        }
    }
    Ok(CoverageResult {
        columns,
        territory,
        geometries,
        reports,
    })
}

/// Coverage of territories by service points: the rows of `coverage.csv`.
///
/// Returns `(columns, geometry, load_reports)`: `columns` a dict of the
/// coverage.csv columns in order (lists), `geometry` one WKB (EPSG:4326)
/// per row, `load_reports` a list of dicts.
#[pyfunction]
#[pyo3(signature = (points, territories, *, kind=None, services=None, partners=Vec::new(), radius_m=None))]
fn coverage<'py>(
    py: Python<'py>,
    points: &Bound<'py, PyAny>,
    territories: &Bound<'py, PyAny>,
    kind: Option<String>,
    services: Option<Vec<String>>,
    partners: Vec<PathBuf>,
    radius_m: Option<f64>,
) -> PyResult<(Bound<'py, PyDict>, Bound<'py, PyList>, Bound<'py, PyList>)> {
    let kind = kind
        .map(|k| k.parse::<TerritoryKind>())
        .transpose()
        .map_err(|e| MaillageError::new_err(e.to_string()))?;
    let points = points_of(points)?;
    let territories = territories_of(territories)?;
    let result = py
        .detach(|| run_coverage(points, territories, kind, services, partners, radius_m))
        .map_err(err)?;
    let columns = PyDict::new(py);
    for (c, values) in COVERAGE_COLUMNS.iter().zip(result.columns) {
        match values {
            Values::Text(v) => columns.set_item(c.name, v)?,
            Values::Integer(v) => columns.set_item(c.name, v)?,
            Values::Float(v) => columns.set_item(c.name, v)?,
            Values::Bool(v) => columns.set_item(c.name, v)?,
        }
    }
    let shapes: Vec<Bound<'py, PyBytes>> = result
        .geometries
        .iter()
        .map(|g| PyBytes::new(py, g))
        .collect();
    let geometry = PyList::empty(py);
    for i in result.territory {
        match shapes.get(i) {
            Some(s) => geometry.append(s)?,
            None => geometry.append(py.None())?,
        }
    }
    Ok((columns, geometry, reports_list(py, &result.reports)?))
}

/// A temporary output folder, removed when dropped.
struct TempOut(PathBuf);

impl TempOut {
    fn new(what: &str) -> maillage::Result<TempOut> {
        use std::sync::atomic::{AtomicU64, Ordering};
        static COUNT: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "maillage-py-{what}-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        ));
        Ok(TempOut(dir))
    }
    fn file(&self, name: &str) -> maillage::Result<String> {
        let path = self.0.join(name);
        std::fs::read_to_string(&path)
            .map_err(|e| invalid("output", format!("{}: {e}", path.display())))
    }
}

impl Drop for TempOut {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn sites(points: PathBuf, partners: Vec<PathBuf>, assignments: Option<PathBuf>) -> Sites {
    let mut s = Sites::new(points);
    s.partners = partners;
    s.assignments = assignments;
    s
}

/// The legal test per département (`maillage access`): returns
/// `(departements.csv text, compliance text, load_reports)`.
#[pyfunction]
#[pyo3(signature = (points, communes, population, *, partners=Vec::new(), assignments=None, service="postal".to_owned(), radius_m=None, minutes=None, model="centroid".to_owned()))]
#[allow(clippy::too_many_arguments)]
fn access<'py>(
    py: Python<'py>,
    points: PathBuf,
    communes: PathBuf,
    population: PathBuf,
    partners: Vec<PathBuf>,
    assignments: Option<PathBuf>,
    service: String,
    radius_m: Option<f64>,
    minutes: Option<f64>,
    model: String,
) -> PyResult<(String, String, Bound<'py, PyList>)> {
    let run = || -> maillage::Result<(String, String, Vec<LoadReport>)> {
        let out = TempOut::new("access")?;
        let mut o = AccessOptions::new(
            sites(points, partners, assignments),
            communes,
            population,
            &out.0,
        );
        o.service = service
            .parse()
            .map_err(|e: maillage::model::UnknownService| invalid("service", e.to_string()))?;
        if let Some(m) = radius_m {
            o.radius_m = m;
        }
        o.minutes = minutes;
        o.model = model.parse::<PopulationSpec>()?;
        let outcome = o.run()?;
        Ok((
            out.file("departements.csv")?,
            outcome.compliance,
            outcome.reports,
        ))
    };
    let (csv, compliance, reports) = py.detach(run).map_err(err)?;
    Ok((csv, compliance, reports_list(py, &reports)?))
}

/// The programmes' hosts (`maillage programmes`): returns
/// `(programmes.csv text, load_reports)`.
#[pyfunction]
#[pyo3(signature = (points, *, partners=Vec::new(), assignments=None, rules=None))]
fn programmes<'py>(
    py: Python<'py>,
    points: PathBuf,
    partners: Vec<PathBuf>,
    assignments: Option<PathBuf>,
    rules: Option<PathBuf>,
) -> PyResult<(String, Bound<'py, PyList>)> {
    let run = || -> maillage::Result<(String, Vec<LoadReport>)> {
        let out = TempOut::new("programmes")?;
        let mut files = ProgrammeFiles::new().points(points);
        for p in partners {
            files = files.partners(p);
        }
        if let Some(a) = assignments {
            files = files.assignments(a);
        }
        if let Some(r) = rules {
            files = files.rules(r);
        }
        let (report, _) = maillage::command::programmes::run(&files, &Output::new(&out.0), false)?;
        Ok((out.file("programmes.csv")?, report.loads().to_vec()))
    };
    let (csv, reports) = py.detach(run).map_err(err)?;
    Ok((csv, reports_list(py, &reports)?))
}

/// What changed between two coverage runs (their output folders) and/or
/// two networks of sites (`maillage compare`): returns `(tables, counts,
/// load_reports)`, `tables` the text of every CSV written (`changes.csv`,
/// `departements_changes.csv`, `points_changes.csv`) by file name.
#[pyfunction]
#[pyo3(signature = (before=None, after=None, *, points_before=None, points_after=None, tolerance_m=100.0))]
#[allow(clippy::type_complexity)]
fn compare<'py>(
    py: Python<'py>,
    before: Option<PathBuf>,
    after: Option<PathBuf>,
    points_before: Option<PathBuf>,
    points_after: Option<PathBuf>,
    tolerance_m: f64,
) -> PyResult<(
    Vec<(String, String)>,
    Option<(usize, usize)>,
    Bound<'py, PyList>,
)> {
    let run = || -> maillage::Result<(Vec<(String, String)>, Option<(usize, usize)>, Vec<LoadReport>)> {
        let out = TempOut::new("compare")?;
        let options = maillage::command::compare::CompareOptions {
            before,
            after,
            points_before,
            points_after,
            tolerance_m,
            ..maillage::command::compare::CompareOptions::new(&out.0)
        };
        let done = maillage::command::compare::run(&options)?;
        let mut tables = Vec::new();
        for name in ["changes.csv", "departements_changes.csv", "points_changes.csv"] {
            if done.written.iter().any(|p| p.ends_with(name)) {
                tables.push((name.to_owned(), out.file(name)?));
            }
        }
        let counts = done.sites.as_ref().map(|s| (s.before, s.after));
        Ok((tables, counts, done.reports))
    };
    let (tables, counts, reports) = py.detach(run).map_err(err)?;
    Ok((tables, counts, reports_list(py, &reports)?))
}

/// The native module.
#[pymodule]
fn _maillage(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("MaillageError", m.py().get_type::<MaillageError>())?;
    m.add_function(wrap_pyfunction!(coverage, m)?)?;
    m.add_function(wrap_pyfunction!(access, m)?)?;
    m.add_function(wrap_pyfunction!(programmes, m)?)?;
    m.add_function(wrap_pyfunction!(compare, m)?)?;
    m.add_function(wrap_pyfunction!(plan::plan, m)?)?;
    sweep::register(m)?;
    Ok(())
}
