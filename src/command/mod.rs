//! The library side of the command-line tool's commands: each takes an
//! options struct, does the work, writes the outputs and returns what it
//! found; the binary parses arguments and prints.

#[cfg(feature = "map")]
pub mod compare;
