//! The one error type of maillage, with the context needed to find the problem:
//! which file, which line or feature, which field.

use std::path::{Path, PathBuf};

use crate::skip::{Location, SkipReason};

/// Everything that can go wrong in maillage.
///
/// Whole-file problems (unreadable file, missing column, broken JSON) are errors.
/// Problems with one row or one feature are not errors: the reader skips the
/// row, counts it in its [`LoadReport`](crate::report::LoadReport) and goes on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file could not be opened or read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// A required column is absent from a CSV header.
    #[error("{}: missing required column {column:?} (header has {found})", path.display())]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The column that was looked for (and its accepted aliases).
        column: String,
        /// A description of the header that was found.
        found: String,
    },
    /// A required property is absent from every feature of a GeoJSON file.
    #[error("{}: {location}: missing required property {field:?}", path.display())]
    MissingField {
        /// The file.
        path: PathBuf,
        /// The first feature that lacked it.
        location: Location,
        /// The property that was looked for.
        field: String,
    },
    /// The file is not in the expected format (not CSV, not GeoJSON, empty, wrong CRS...).
    #[error("{}: {location_text}{message}", path.display(), location_text = fmt_location(location))]
    Format {
        /// The file.
        path: PathBuf,
        /// Where, when known.
        location: Option<Location>,
        /// What is wrong, in plain words.
        message: String,
        /// The parser's own error, when there is one.
        #[source]
        source: Option<BoxError>,
    },
    /// A value given by the caller (not read from a file) is unusable.
    #[error("invalid {what}: {message}")]
    Invalid {
        /// What the value is (e.g. "radius", "population model", "map view").
        what: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// A geometry given to a constructor fails the readers' checks.
    #[error("{id}: {reason} ({detail})")]
    Geometry {
        /// The id it was given.
        id: String,
        /// The check it failed.
        reason: SkipReason,
        /// The offending value.
        detail: String,
    },
    /// A coordinate transformation failed.
    #[error("projection to {crs} failed: {message}")]
    Projection {
        /// The target CRS, e.g. `EPSG:2154`.
        crs: &'static str,
        /// What the projection library said.
        message: String,
    },
    /// Encoding an output (CSV, GeoJSON, PNG, DataFrame...) failed before it
    /// reached a file.
    #[error("encoding {format}: {source}")]
    Encode {
        /// The output format.
        format: &'static str,
        /// What the encoder said.
        #[source]
        source: BoxError,
    },
    /// Writing an output file failed.
    #[error("writing {}: {source}", path.display())]
    Write {
        /// The output file.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: BoxError,
    },
    /// An input was read but nothing in it could be used: every row or
    /// feature was skipped (the load report says why).
    #[error("{report}\nnothing usable in {source_name}: every row or feature was skipped{hint}")]
    NothingKept {
        /// The input.
        source_name: String,
        /// Its load report, worded.
        report: String,
        /// What to do about it, when the report makes it clear (e.g. a
        /// projected file that does not declare its CRS); empty otherwise.
        hint: String,
    },
}

/// A boxed error from a dependency, kept as the source of an [`Error`].
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

fn fmt_location(location: &Option<Location>) -> String {
    match location {
        Some(l) => format!("{l}: "),
        None => String::new(),
    }
}

impl Error {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    pub(crate) fn format(
        path: &Path,
        location: Option<Location>,
        message: impl Into<String>,
    ) -> Self {
        Error::Format {
            path: path.to_path_buf(),
            location,
            message: message.into(),
            source: None,
        }
    }

    pub(crate) fn invalid(what: &'static str, message: impl Into<String>) -> Self {
        Error::Invalid {
            what,
            message: message.into(),
        }
    }

    pub(crate) fn encode(
        format: &'static str,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Error::Encode {
            format,
            source: Box::new(source),
        }
    }

    pub(crate) fn write(
        path: &Path,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Error::Write {
            path: path.to_path_buf(),
            source: Box::new(source),
        }
    }

    /// Attaches `path` to an encoding error raised while writing it.
    pub(crate) fn at(self, path: &Path) -> Self {
        match self {
            Error::Encode { source, .. } => Error::Write {
                path: path.to_path_buf(),
                source,
            },
            other => other,
        }
    }
}

/// `Result` with maillage's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
