//! Load reports: what a reader read, kept and skipped, and why.
//!
//! maillage never drops input silently. Every reader returns a [`LoadReport`]
//! next to its data; every skipped row or feature is counted under a
//! [`SkipReason`], with the first few locations kept as examples.

use std::collections::BTreeMap;
use std::fmt;

use crate::error::Location;

/// How many example locations a report keeps per skip reason.
pub const MAX_EXAMPLES: usize = 5;

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
    /// A table row (e.g. a commune) with no polygon to place it.
    NoPolygon,
    /// A point (e.g. a population cell) inside no territory polygon.
    OutsideTerritories,
}

impl SkipReason {
    /// A short human label.
    pub fn label(self) -> &'static str {
        match self {
            SkipReason::MissingCoordinates => "missing coordinates",
            SkipReason::InvalidCoordinates => "invalid coordinates",
            SkipReason::ProjectedCoordinates => "projected (metre) coordinates in a lon/lat input",
            SkipReason::OutsideFrance => "outside the supported French zones",
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
            SkipReason::NoPolygon => "no polygon",
            SkipReason::OutsideTerritories => "outside every territory polygon",
        }
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
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
    /// Things done to the data that did not drop it (decoding, repairs, merges), in plain words.
    pub notes: Vec<String>,
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
    pub fn note(&mut self, note: impl Into<String>) {
        self.notes.push(note.into());
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
