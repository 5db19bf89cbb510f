//! Load reports: what a reader read, kept and skipped, and why.
//!
//! maillage never drops input silently. Every reader returns a [`LoadReport`]
//! next to its data; every skipped row or feature is counted under a
//! [`SkipReason`], with the first few locations kept as examples.

use std::collections::BTreeMap;
use std::fmt;

use crate::geom::crs::Zone;
use crate::skip::{Location, SkipReason};

/// How many example locations a report keeps per skip reason.
pub const MAX_EXAMPLES: usize = 5;

/// How many ids a note lists at most.
const NOTE_IDS: usize = 10;

/// Something a reader did to the data without dropping it, with its counts.
/// [`Display`](fmt::Display) words it for people; code matches the variant.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Note {
    /// Rows that were not valid UTF-8 and were decoded as Windows-1252 (Latin-1).
    Latin1Rows(usize),
    /// The file has a header but no data rows.
    NoDataRows,
    /// Rows whose kind label is not recognised, kept as `other`.
    UnknownKind {
        /// The label as written.
        label: String,
        /// How many rows carry it.
        rows: usize,
    },
    /// Ids of the points whose latitude and longitude were given the wrong
    /// way round and were exchanged (as given they lie in no French zone,
    /// exchanged they lie in one).
    SwappedRepaired(Vec<String>),
    /// Partner sites run in a La Poste office.
    AtLaPoste(usize),
    /// Itinerant sites (buses) placed at their base address.
    ItinerantAtBase(usize),
    /// Structures the source flags as located in a QPV.
    FlaggedQpv(usize),
    /// Unclosed rings that were closed.
    UnclosedRings(usize),
    /// Holes with fewer than 3 distinct vertices, dropped.
    DegenerateHoles(usize),
    /// Ids of the invalid polygons repaired (even-odd rule, as geo's `MakeValid`).
    Repaired(Vec<String>),
    /// Ids of the invalid polygons whose repair failed: kept as read.
    RepairFailed(Vec<String>),
    /// Territories without population (null or absent).
    NoPopulation(usize),
    /// Territories or rows whose population could not be read, left unknown.
    UnreadablePopulation(usize),
    /// Polygons sharing an id dissolved into one territory each: current
    /// communes merged since the polygons' vintage, or any layer read with
    /// [`FieldMap::dissolve`](crate::read::FieldMap::dissolve).
    Dissolved {
        /// Polygons read.
        polygons: usize,
        /// Territories (current communes) they make.
        communes: usize,
    },
    /// Population of table rows that have no polygon: placed nowhere.
    PopulationNotPlaced(u64),
    /// Ids of the polygons that have no table row (and so no population).
    PolygonsWithoutRow(Vec<String>),
    /// Ids of the territories a joined table has no row for (their
    /// population stays as read: often unknown).
    NotInTable(Vec<String>),
    /// Ids of the demand territories a weights table has no value for
    /// (they weigh 0 in the plan).
    NoWeight(Vec<String>),
    /// Rows whose département was empty or absent, taken from the commune code.
    DepartementFromCode(usize),
    /// Rows of a table keyed by commune that match no commune polygon.
    UnmatchedRows(usize),
    /// Features of other services left out.
    OtherServices(usize),
    /// Lieux whose SIRET (`pivot`) is not 14 digits: kept, but never
    /// matched by SIRET.
    MalformedSiret(usize),
    /// Rows without coordinates placed at their commune's centroid
    /// (precision `commune_centre`).
    PlacedAtCommuneCentroid(usize),
    /// Population placed and population in skipped cells (population grids).
    PopulationPlaced {
        /// Population of the kept cells.
        placed: f64,
        /// Population of the skipped cells.
        lost: f64,
    },
    /// OSM ways that are not car roads or have fewer than 2 nodes.
    NonCarWays(usize),
    /// Nodes referenced by roads but absent from the extract.
    MissingNodes(usize),
    /// Nodes outside the extract's zone, left out.
    NodesOutsideZone {
        /// How many.
        nodes: usize,
        /// The extract's zone.
        zone: Zone,
    },
    /// Road segments touching missing or outside nodes, left out.
    DroppedSegments(usize),
    /// The encoding a `.dbf`'s text was decoded with, and why (its `.cpg`,
    /// its language driver byte, or its bytes).
    DbfEncoding {
        /// The encoding used (`UTF-8`, `windows-1252`...).
        encoding: String,
        /// What it was told from.
        reason: String,
    },
    /// A Shapefile whose files hold different numbers of records: the
    /// records of one without the other are skipped
    /// ([`SkipReason::UnpairedRecord`]).
    RecordCounts {
        /// Complete records in the `.shp`.
        shp: usize,
        /// Entries in the `.shx` (when there is one).
        shx: Option<usize>,
        /// Records in the `.dbf` (its header's count).
        dbf: usize,
        /// Records the `.dbf` really holds, when fewer than its header says.
        dbf_present: usize,
    },
    /// The road network built.
    RoadNetwork {
        /// Its zone.
        zone: Zone,
        /// Nodes.
        nodes: usize,
        /// Directed edges.
        edges: usize,
    },
}

fn ids(list: &[String]) -> String {
    let shown: Vec<&str> = list.iter().take(NOTE_IDS).map(String::as_str).collect();
    let more = if list.len() > shown.len() {
        ", …"
    } else {
        ""
    };
    format!("{}{more}", shown.join(", "))
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::Latin1Rows(n) => write!(
                f,
                "{n} row(s) were not valid UTF-8 and were decoded as Windows-1252 (Latin-1)"
            ),
            Note::NoDataRows => f.write_str("the file has a header but no data rows"),
            Note::UnknownKind { label, rows } => write!(
                f,
                "{rows} row(s) of unrecognised kind {label:?} kept as \"other\""
            ),
            Note::SwappedRepaired(list) => write!(
                f,
                "{} point(s) had latitude and longitude swapped and were repaired: {}",
                list.len(),
                ids(list)
            ),
            Note::AtLaPoste(n) => write!(f, "{n} site(s) run in a La Poste office"),
            Note::ItinerantAtBase(n) => {
                write!(f, "{n} itinerant site(s) placed at their base address")
            }
            Note::FlaggedQpv(n) => write!(f, "{n} structure(s) flagged qpv = oui by the source"),
            Note::UnclosedRings(n) => write!(f, "{n} unclosed ring(s) were closed"),
            Note::DegenerateHoles(n) => write!(
                f,
                "{n} degenerate hole(s) with fewer than 3 distinct vertices were dropped"
            ),
            Note::Repaired(list) => write!(
                f,
                "{} invalid polygon(s) (self-intersections, bad rings) were repaired (even-odd rule): {}",
                list.len(),
                ids(list)
            ),
            Note::RepairFailed(list) => write!(
                f,
                "{} invalid polygon(s) could not be repaired and are kept as read: {}",
                list.len(),
                ids(list)
            ),
            Note::NoPopulation(n) => {
                write!(f, "{n} territory(ies) without population (null or absent)")
            }
            Note::UnreadablePopulation(n) => {
                write!(f, "{n} row(s) with an unreadable population, left unknown")
            }
            Note::Dissolved { polygons, communes } => write!(
                f,
                "{polygons} polygons sharing an id dissolved into {communes} territories (communes merged since the polygons' vintage)"
            ),
            Note::PopulationNotPlaced(p) => write!(
                f,
                "population not placed on any polygon (communes without polygon): {p}"
            ),
            Note::PolygonsWithoutRow(list) => write!(
                f,
                "{} polygon(s) have no table row and no population: {}",
                list.len(),
                ids(list)
            ),
            Note::NotInTable(list) => write!(
                f,
                "{} territory(ies) have no row in the table (population left as read): {}",
                list.len(),
                ids(list)
            ),
            Note::NoWeight(list) => write!(
                f,
                "{} territory(ies) of the demand have no value in the table and weigh 0: {}",
                list.len(),
                ids(list)
            ),
            Note::DepartementFromCode(n) => write!(
                f,
                "{n} row(s) without a département: taken from the commune code"
            ),
            Note::UnmatchedRows(n) => write!(f, "{n} row(s) match no commune polygon"),
            Note::OtherServices(n) => write!(f, "{n} feature(s) of other services left out"),
            Note::MalformedSiret(n) => write!(
                f,
                "{n} row(s) with a malformed SIRET (not 14 digits): kept, never matched by SIRET"
            ),
            Note::PlacedAtCommuneCentroid(n) => write!(
                f,
                "{n} row(s) without coordinates placed at their commune's centroid"
            ),
            Note::PopulationPlaced { placed, lost } => write!(
                f,
                "population placed: {placed:.1}; population in skipped cells: {lost:.1}"
            ),
            Note::NonCarWays(n) => write!(
                f,
                "{n} way(s) are not car roads (or have < 2 nodes) and were left out"
            ),
            Note::MissingNodes(n) => write!(
                f,
                "{n} node(s) referenced by roads are absent from the extract"
            ),
            Note::NodesOutsideZone { nodes, zone } => write!(
                f,
                "{nodes} node(s) lie outside the {zone} zone and were left out"
            ),
            Note::DroppedSegments(n) => {
                write!(f, "{n} road segment(s) touching such nodes were left out")
            }
            Note::DbfEncoding { encoding, reason } => {
                write!(f, "text decoded as {encoding} ({reason})")
            }
            Note::RecordCounts {
                shp,
                shx,
                dbf,
                dbf_present,
            } => {
                write!(f, "files out of step: .shp {shp} record(s)")?;
                if let Some(shx) = shx {
                    write!(f, ", .shx {shx}")?;
                }
                write!(f, ", .dbf {dbf}")?;
                if dbf_present < dbf {
                    write!(f, " ({dbf_present} present)")?;
                }
                f.write_str(": records of one without the other skipped")
            }
            Note::RoadNetwork { zone, nodes, edges } => write!(
                f,
                "car network in zone {zone} ({}): {nodes} nodes, {edges} directed edges",
                zone.epsg()
            ),
        }
    }
}

/// One example of a skipped row or feature.
#[derive(Debug, Clone, PartialEq)]
pub struct SkipExample {
    /// Where it was.
    pub location: Location,
    /// Its id, when it had one.
    pub id: Option<String>,
    /// Extra detail (the offending value, a parser message...).
    pub detail: Option<String>,
}

/// Skips of one reason: a count and the first [`MAX_EXAMPLES`] examples.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SkipTally {
    /// How many rows or features were skipped for this reason.
    pub count: usize,
    /// The first few of them.
    pub examples: Vec<SkipExample>,
}

/// What a reader did with its input.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoadReport {
    /// The input, usually a file path.
    pub source: String,
    /// Data rows or features read (header excluded).
    pub read: usize,
    /// Rows or features kept.
    pub kept: usize,
    /// Skips, by reason.
    pub skipped: BTreeMap<SkipReason, SkipTally>,
    /// Things done to the data that did not drop it (decoding, repairs,
    /// merges), with their counts; `Display` words them.
    pub notes: Vec<Note>,
}

impl LoadReport {
    /// An empty report for `source`.
    pub fn new(source: impl Into<String>) -> Self {
        LoadReport {
            source: source.into(),
            ..Default::default()
        }
    }

    /// Counts one skip.
    pub fn skip(
        &mut self,
        reason: SkipReason,
        location: Location,
        id: Option<&str>,
        detail: Option<String>,
    ) {
        let tally = self.skipped.entry(reason).or_default();
        tally.count += 1;
        if tally.examples.len() < MAX_EXAMPLES {
            tally.examples.push(SkipExample {
                location,
                id: id.map(str::to_owned),
                detail,
            });
        }
    }

    /// Number of rows or features skipped for `reason`.
    pub fn skipped_for(&self, reason: SkipReason) -> usize {
        self.skipped.get(&reason).map_or(0, |t| t.count)
    }

    /// Number of rows or features skipped, all reasons together.
    pub fn skipped_total(&self) -> usize {
        self.skipped.values().map(|t| t.count).sum()
    }

    /// Adds a note.
    pub fn note(&mut self, note: Note) {
        self.notes.push(note);
    }

    /// Counts a table joined to territories by id: `read` its rows
    /// (`ids`), `kept` those that matched a territory (`matched`), and one
    /// [`SkipReason::UnknownTerritory`] per row that matched none, in id
    /// order.
    pub(crate) fn joined<'k>(
        &mut self,
        ids: impl Iterator<Item = &'k String>,
        matched: &std::collections::HashSet<&str>,
    ) {
        let mut unknown: Vec<&String> = Vec::new();
        let mut read = 0;
        for id in ids {
            read += 1;
            if !matched.contains(id.as_str()) {
                unknown.push(id);
            }
        }
        self.read = read;
        self.kept = matched.len();
        unknown.sort();
        for id in unknown {
            self.skip(
                SkipReason::UnknownTerritory,
                Location::AcrossFiles,
                Some(id),
                None,
            );
        }
    }

    /// True when every row was skipped (or none was read): nothing to measure.
    pub fn kept_nothing(&self) -> bool {
        self.kept == 0
    }
}

impl fmt::Display for LoadReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} read, {} kept, {} skipped",
            self.source,
            self.read,
            self.kept,
            self.skipped_total()
        )?;
        for (reason, tally) in &self.skipped {
            write!(f, "\n  skipped {} × {reason}", tally.count)?;
            let examples: Vec<String> = tally
                .examples
                .iter()
                .map(|e| {
                    let mut s = e.location.to_string();
                    if let Some(id) = &e.id {
                        s.push_str(&format!(" [{id}]"));
                    }
                    if let Some(d) = &e.detail {
                        s.push_str(&format!(" ({d})"));
                    }
                    s
                })
                .collect();
            if !examples.is_empty() {
                let more = if tally.count > examples.len() {
                    ", …"
                } else {
                    ""
                };
                write!(f, ": {}{more}", examples.join(", "))?;
            }
        }
        for note in &self.notes {
            write!(f, "\n  note: {note}")?;
        }
        Ok(())
    }
}
