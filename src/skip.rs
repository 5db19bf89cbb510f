//! Where a problem sits in an input, and why a row or feature was skipped:
//! the two words every reader, error and load report shares (the lowest
//! layer of the crate: it imports nothing of maillage).

use std::fmt;

/// Where in an input a problem sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Location {
    /// A physical line of a text file (1-based; the header is line 1).
    Line(u64),
    /// A feature of a GeoJSON FeatureCollection (1-based, in file order).
    Feature(u64),
    /// Found when merging files (e.g. an id an earlier file already used).
    AcrossFiles,
    /// Line and column of a JSON document (1-based), as reported by the parser.
    Position {
        /// Line, 1-based.
        line: u64,
        /// Column, 1-based.
        column: u64,
    },
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Line(n) => write!(f, "line {n}"),
            Location::Feature(n) => write!(f, "feature #{n}"),
            Location::AcrossFiles => f.write_str("across files"),
            Location::Position { line, column } => write!(f, "line {line}, column {column}"),
        }
    }
}

/// Why a row or feature was not kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum SkipReason {
    /// Latitude or longitude empty.
    MissingCoordinates,
    /// Latitude or longitude not a finite number, or out of the lon/lat range.
    InvalidCoordinates,
    /// Coordinates look like projected metres (e.g. Lambert-93) in a lon/lat input.
    ProjectedCoordinates,
    /// Coordinates are valid lon/lat but fall in none of the supported French zones.
    OutsideFrance,
    /// A site the source places in another country (La Poste's `pays` is not
    /// FRANCE: the 7 offices of Andorra). The law measures presence on French
    /// territory, so they are not counted as points de contact.
    Abroad,
    /// Coordinates fall in France only once latitude and longitude are exchanged.
    LatLonSwapped,
    /// A geometry whose vertices fall in two different projection zones.
    SpansZones,
    /// The row has fewer fields than the header or cannot be parsed.
    MalformedRow,
    /// The identifier field is empty.
    MissingId,
    /// The identifier was already seen; the first occurrence is kept.
    DuplicateId,
    /// A feature with `"geometry": null`.
    NullGeometry,
    /// A geometry with no coordinates, or whose rings all collapse.
    EmptyGeometry,
    /// A geometry of the wrong type (e.g. a point where a polygon is expected).
    WrongGeometryType,
    /// A programme assignment naming a site id absent from the points.
    UnknownSiteId,
    /// A programme assignment naming a service maillage does not know.
    UnknownService,
    /// A programme assignment whose `evidence` is none maillage writes.
    UnknownEvidence,
    /// A row of a table joined to territories (e.g. a population table)
    /// whose id matches no territory.
    UnknownTerritory,
    /// A table row (e.g. a commune) with no polygon to place it.
    NoPolygon,
    /// A point (e.g. a population cell) inside no territory polygon.
    OutsideTerritories,
    /// A `.dbf` record flagged deleted (first byte `*`): its shape is
    /// skipped with it.
    DeletedRecord,
    /// A record present in one of a Shapefile's files (`.shp`, `.dbf`) and
    /// not in the other (the files are out of step: see
    /// [`Note::RecordCounts`]).
    UnpairedRecord,
    /// A closure scenario none of whose rows named a known site: there is
    /// nothing to close.
    EmptyScenario,
}

impl SkipReason {
    /// A short human label.
    pub fn label(self) -> &'static str {
        match self {
            SkipReason::MissingCoordinates => "missing coordinates",
            SkipReason::InvalidCoordinates => "invalid coordinates",
            SkipReason::ProjectedCoordinates => "projected (metre) coordinates in a lon/lat input",
            SkipReason::OutsideFrance => "outside French land (zone boxes and land outline)",
            SkipReason::Abroad => "site abroad (pays is not FRANCE)",
            SkipReason::LatLonSwapped => "latitude and longitude swapped",
            SkipReason::SpansZones => "geometry spans two projection zones",
            SkipReason::MalformedRow => "malformed row",
            SkipReason::MissingId => "missing id",
            SkipReason::DuplicateId => "duplicate id",
            SkipReason::NullGeometry => "null geometry",
            SkipReason::EmptyGeometry => "empty geometry",
            SkipReason::WrongGeometryType => "wrong geometry type",
            SkipReason::UnknownSiteId => "unknown site id",
            SkipReason::UnknownService => "unknown service",
            SkipReason::UnknownEvidence => "unknown evidence",
            SkipReason::UnknownTerritory => "matches no territory",
            SkipReason::NoPolygon => "no polygon",
            SkipReason::OutsideTerritories => "outside every territory polygon",
            SkipReason::DeletedRecord => "record flagged deleted in the .dbf",
            SkipReason::UnpairedRecord => "record in only one of the .shp and the .dbf",
            SkipReason::EmptyScenario => "scenario with no known site to close",
        }
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}
