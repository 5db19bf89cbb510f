//! What a territory file's records become: the [`FieldMap`] that says which
//! field holds what, and the [`TerritorySink`] every territory reader
//! (GeoJSON, Shapefile, GeoPackage, GeoParquet) hands its records to —
//! ids, duplicates, population, attributes, counts and notes. The format
//! readers import from here; [`territories`](super::territories) dispatches
//! to them.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::error::{Error, Result};
use crate::geom::crs::Crs;
use crate::geom::place::{PlacedPolygon, Problem};
use crate::key::{normalize_key, parse_number};
use crate::model::{Territory, TerritoryKind};
use crate::read::geojson::GeometryFixes;
use crate::report::{LoadReport, Note};
use crate::skip::Location;
use crate::skip::SkipReason;

/// Which properties of a territory file hold what.
///
/// Each field lists candidate property names, tried in order (an exact match
/// first, then a case-insensitive one). Presets cover the files maillage
/// knows; [`FieldMap::new`] starts a mapping for any other file.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldMap {
    /// The kind given to every territory of the file.
    pub kind: TerritoryKind,
    /// Identifier candidates (required).
    pub id: Vec<String>,
    /// Name candidates.
    pub name: Vec<String>,
    /// Population candidates.
    pub population: Vec<String>,
    /// Département code candidates.
    pub departement: Vec<String>,
    /// Properties copied into [`Territory::attributes`] when present.
    pub attributes: Vec<String>,
    /// The CRS of the file's coordinates when the file does not say (a
    /// GeoJSON without `crs`, a Shapefile without `.prj`); `None` means
    /// lon/lat. A file that declares another CRS is an error.
    pub crs: Option<Crs>,
    /// The layer to read in a file that holds several (a GeoPackage).
    pub layer: Option<String>,
    /// When true, features that share an id are parts of one territory:
    /// they are dissolved into it ([`repair::dissolve`](crate::geom::repair::dissolve),
    /// counted in a [`Note::Dissolved`]), its fields taken from the first.
    /// When false (the default), a repeated id is skipped as a duplicate.
    /// Commune polygons of an older vintage keyed by the current code need
    /// it (communes merged since come as several features).
    pub dissolve: bool,
}

fn strings(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| (*s).to_owned()).collect()
}

impl FieldMap {
    /// A mapping with only an id field.
    pub fn new(kind: TerritoryKind, id_field: &str) -> Self {
        FieldMap {
            kind,
            id: vec![id_field.to_owned()],
            name: Vec::new(),
            population: Vec::new(),
            departement: Vec::new(),
            attributes: Vec::new(),
            crs: None,
            layer: None,
            dissolve: false,
        }
    }

    /// Sets the CRS of files that do not declare theirs (e.g. a Lambert-93
    /// GeoJSON without a `crs` member): see [`crs`](Self::crs).
    pub fn crs(mut self, crs: Crs) -> Self {
        self.crs = Some(crs);
        self
    }

    /// Sets the layer to read in a file that holds several (a GeoPackage).
    pub fn layer(mut self, name: &str) -> Self {
        self.layer = Some(name.to_owned());
        self
    }

    /// Dissolves the features that share an id into one territory instead
    /// of skipping the repeats: see [`dissolve`](Self::dissolve).
    pub fn dissolve_duplicates(mut self) -> Self {
        self.dissolve = true;
        self
    }

    /// Sets the name field.
    pub fn name(mut self, field: &str) -> Self {
        self.name = vec![field.to_owned()];
        self
    }

    /// Sets the population field.
    pub fn population(mut self, field: &str) -> Self {
        self.population = vec![field.to_owned()];
        self
    }

    /// Sets the département field.
    pub fn departement(mut self, field: &str) -> Self {
        self.departement = vec![field.to_owned()];
        self
    }

    /// Adds a property to copy into the attributes.
    pub fn attribute(mut self, field: &str) -> Self {
        self.attributes.push(field.to_owned());
        self
    }

    /// QPV polygons: the 2015 list (`code_qp`, `nom_qp`, `pop_mun` or `pop`,
    /// `code_departement`) and the official 2024 layout (`code_qp`, `lib_qp`,
    /// `insee_dep`, and a population column when one is joined).
    pub fn qpv() -> Self {
        FieldMap {
            kind: TerritoryKind::Qpv,
            id: strings(&["code_qp", "code_quartier"]),
            name: strings(&["nom_qp", "lib_qp", "nom_quartier"]),
            population: strings(&["pop_mun", "pop", "popmuni", "population", "pop_qp"]),
            departement: strings(&["code_departement", "insee_dep", "dep", "code_dep"]),
            attributes: strings(&["code_commune", "insee_com", "commune_qp", "lib_com", "tp60"]),
            crs: None,
            layer: None,
            dissolve: false,
        }
    }

    /// The mapping for a file of territories of `kind` whose id is in
    /// `id_field`. Without a kind, it is inferred from the id field's name
    /// (`code_qp` → QPV, `insee_dep` → département, `code_insee` → commune,
    /// anything else → custom). QPV and départements have known field names,
    /// so `id_field` may be left out for them; for other kinds it is required.
    pub fn for_kind(kind: Option<TerritoryKind>, id_field: Option<&str>) -> Result<FieldMap> {
        let kind = kind.unwrap_or_else(|| match id_field.map(normalize_key).as_deref() {
            Some("code_qp" | "code_quartier") => TerritoryKind::Qpv,
            Some("insee_dep" | "code_dep" | "code_departement") => TerritoryKind::Departement,
            Some("code_insee" | "insee_com" | "codgeo" | "code_insee_2026") => {
                TerritoryKind::Commune
            }
            _ => TerritoryKind::Custom,
        });
        let preset = match kind {
            TerritoryKind::Qpv => Some(FieldMap::qpv()),
            TerritoryKind::Departement => Some(FieldMap::departements()),
            _ => None,
        };
        match (id_field, preset) {
            (Some(id), Some(mut p)) => {
                p.id = vec![id.to_owned()];
                Ok(p)
            }
            (Some(id), None) => Ok(FieldMap::new(kind, id)),
            (None, Some(p)) => Ok(p),
            (None, None) => Err(Error::invalid(
                "field mapping",
                format!("territories of kind {kind} need the name of their id field"),
            )),
        }
    }

    /// Any polygon layer to draw as outlines: the id is the first of the
    /// usual id fields found (`insee_dep`, `code`, `code_insee`, `code_qp`,
    /// `id`, `nom`, `name`).
    pub fn outlines() -> Self {
        let mut fields = FieldMap::departements();
        fields.kind = TerritoryKind::Custom;
        fields
            .id
            .extend(["code_qp", "id", "nom", "name"].map(String::from));
        fields
    }

    /// Département polygons (`insee_dep`/`code`, `lib_dep`/`nom`).
    pub fn departements() -> Self {
        FieldMap {
            kind: TerritoryKind::Departement,
            id: strings(&["insee_dep", "code", "code_insee", "dep"]),
            name: strings(&["lib_dep", "nom", "name"]),
            population: strings(&["population"]),
            departement: strings(&["insee_dep", "code", "code_insee", "dep"]),
            attributes: Vec::new(),
            crs: None,
            layer: None,
            dissolve: false,
        }
    }
}

/// Parses a population value: a non-negative number, rounded to the unit.
pub(crate) fn parse_population(text: &str) -> Option<u64> {
    parse_number(text)
        .filter(|v| *v >= 0.0 && *v < 1e12)
        .map(|v| v.round() as u64)
}

/// What every territory reader does with a record once it has its id and
/// its placed polygon: duplicates, name, population, département and
/// attributes by the [`FieldMap`], counts and notes. The record's fields
/// come through `get(names)`: the first of `names` it has, as text.
pub(crate) struct TerritorySink<'f> {
    fields: &'f FieldMap,
    pub report: LoadReport,
    pub fixes: GeometryFixes,
    out: Vec<Territory>,
    /// Where each id kept is in `out`.
    seen: HashMap<String, usize>,
    /// Territories of several features (with [`FieldMap::dissolve`]): their
    /// place in `out` and how many features they have.
    merged: BTreeMap<usize, usize>,
    no_population: usize,
    bad_population: usize,
    /// Records read whose polygon is not placed yet.
    pending: Vec<PendingRecord>,
}

/// A record waiting for its polygon to be placed (see [`TerritorySink::record`]).
struct PendingRecord {
    location: Location,
    fields: RecordFields,
    geometry: std::result::Result<geo_types::MultiPolygon<f64>, Problem>,
    crs: Crs,
}

/// What a territory takes from its record besides its polygon.
struct RecordFields {
    id: String,
    population: Option<String>,
    name: Option<String>,
    departement: Option<String>,
    attributes: std::collections::BTreeMap<String, String>,
}

impl<'f> TerritorySink<'f> {
    pub fn new(path: &Path, fields: &'f FieldMap) -> Self {
        TerritorySink {
            fields,
            report: LoadReport::new(path.display().to_string()),
            fixes: GeometryFixes::default(),
            out: Vec::new(),
            seen: HashMap::new(),
            merged: BTreeMap::new(),
            no_population: 0,
            bad_population: 0,
            pending: Vec::new(),
        }
    }

    /// One record of a file read row by row (Shapefile, GeoPackage,
    /// GeoParquet): counted, its id checked (a first record without any of
    /// the id fields means the mapping is wrong for this file: an error
    /// naming them), its polygon — read lazily by `geometry`, in `crs` —
    /// placed, and the territory kept or skipped.
    #[cfg(any(feature = "shapefile", feature = "geopackage", feature = "geoparquet"))]
    pub fn record(
        &mut self,
        path: &Path,
        index: u64,
        get: &dyn Fn(&[String]) -> Option<String>,
        geometry: impl FnOnce() -> std::result::Result<geo_types::MultiPolygon<f64>, Problem>,
        crs: Crs,
    ) -> Result<()> {
        self.report.read += 1;
        let location = Location::Feature(index);
        if index == 1 && get(&self.fields.id).is_none() {
            return Err(Error::MissingField {
                path: path.to_path_buf(),
                location,
                field: self.fields.id.join(" or "),
            });
        }
        let Some(id) = self.id(location, get) else {
            return Ok(());
        };
        // Placing (projection, land check, validity, repair) is most of the
        // work: records wait in a batch that is placed in parallel.
        let fields = self.snapshot(id, get);
        self.pending.push(PendingRecord {
            location,
            fields,
            geometry: geometry(),
            crs,
        });
        if self.pending.len() >= crate::read::BATCH {
            self.place_pending();
        }
        Ok(())
    }

    /// Places the waiting records in parallel and keeps them in file order.
    fn place_pending(&mut self) {
        use rayon::prelude::*;
        let placed: Vec<(
            Location,
            RecordFields,
            std::result::Result<PlacedPolygon, Problem>,
        )> = std::mem::take(&mut self.pending)
            .into_par_iter()
            .map(|r| {
                let placed = r
                    .geometry
                    .and_then(|mp| crate::geom::place::place_in(mp, r.crs));
                (r.location, r.fields, placed)
            })
            .collect();
        for (location, fields, placed) in placed {
            self.keep_fields(location, fields, placed);
        }
    }

    /// The record's id, or a counted skip.
    pub fn id(
        &mut self,
        location: Location,
        get: &dyn Fn(&[String]) -> Option<String>,
    ) -> Option<String> {
        let id = get(&self.fields.id);
        if id.is_none() {
            self.report
                .skip(SkipReason::MissingId, location, None, None);
        }
        id
    }

    /// Keeps the territory of a record whose polygon was placed (or skips it
    /// with the reason placing gave).
    pub fn keep(
        &mut self,
        location: Location,
        id: String,
        placed: std::result::Result<PlacedPolygon, Problem>,
        get: &dyn Fn(&[String]) -> Option<String>,
    ) {
        let fields = self.snapshot(id, get);
        self.keep_fields(location, fields, placed);
    }

    /// What the [`FieldMap`] takes from a record, read through `get`.
    fn snapshot(&self, id: String, get: &dyn Fn(&[String]) -> Option<String>) -> RecordFields {
        let fields = self.fields;
        RecordFields {
            id,
            population: get(&fields.population),
            name: get(&fields.name),
            departement: get(&fields.departement),
            attributes: fields
                .attributes
                .iter()
                .filter_map(|k| get(std::slice::from_ref(k)).map(|v| (k.clone(), v)))
                .collect(),
        }
    }

    /// Keeps the territory of a record (see [`keep`](Self::keep)).
    fn keep_fields(
        &mut self,
        location: Location,
        record: RecordFields,
        placed: std::result::Result<PlacedPolygon, Problem>,
    ) {
        let RecordFields {
            id,
            population,
            name,
            departement,
            attributes,
        } = record;
        let placed = match placed {
            Ok(p) => p,
            Err((reason, detail)) => {
                self.report.skip(reason, location, Some(&id), Some(detail));
                return;
            }
        };
        self.fixes.record(&id, placed.repair);
        if let Some(&at) = self.seen.get(&id) {
            self.add_part(location, &id, at, placed);
            return;
        }
        self.seen.insert(id.clone(), self.out.len());
        let fields = self.fields;
        let population = match population {
            Some(text) => {
                let p = parse_population(&text);
                self.bad_population += usize::from(p.is_none());
                p
            }
            None => {
                self.no_population += usize::from(!fields.population.is_empty());
                None
            }
        };
        let name = name.unwrap_or_else(|| id.clone());
        let mut territory =
            Territory::projected(id, name, fields.kind, placed.zone, placed.geometry);
        territory.lonlat = placed.lonlat;
        territory.population = population;
        territory.departement = departement;
        territory.attributes = attributes;
        self.out.push(territory);
        self.report.kept += 1;
    }

    /// A feature whose id was kept before: a part of that territory with
    /// [`FieldMap::dissolve`], else a duplicate (skipped).
    fn add_part(&mut self, location: Location, id: &str, at: usize, placed: PlacedPolygon) {
        let Some(territory) = self.out.get_mut(at).filter(|_| self.fields.dissolve) else {
            self.report
                .skip(SkipReason::DuplicateId, location, Some(id), None);
            return;
        };
        if territory.zone != placed.zone {
            self.report.skip(
                SkipReason::SpansZones,
                location,
                Some(id),
                Some(format!(
                    "parts of one territory in two zones ({} and {})",
                    territory.zone, placed.zone
                )),
            );
            return;
        }
        territory.geometry.0.extend(placed.geometry.0);
        territory.lonlat = None;
        *self.merged.entry(at).or_insert(1) += 1;
        self.report.kept += 1;
    }

    pub fn finish(mut self) -> (Vec<Territory>, LoadReport) {
        use rayon::prelude::*;
        if !self.pending.is_empty() {
            self.place_pending();
        }
        if !self.merged.is_empty() {
            // Territories of several features are dissolved, in parallel.
            let merged = &self.merged;
            self.out
                .par_iter_mut()
                .enumerate()
                .filter(|(i, _)| merged.contains_key(i))
                .for_each(|(_, t)| t.geometry = crate::geom::repair::dissolve(&t.geometry.0));
            self.report.note(Note::Dissolved {
                polygons: self.merged.values().sum(),
                communes: self.merged.len(),
            });
        }
        self.fixes.add_notes(&mut self.report);
        if self.no_population > 0 {
            self.report.note(Note::NoPopulation(self.no_population));
        }
        if self.bad_population > 0 {
            self.report
                .note(Note::UnreadablePopulation(self.bad_population));
        }
        (self.out, self.report)
    }
}
