//! The commands of the `maillage` tool as library calls: each an options
//! struct with a `run()`, so that the binary only parses, calls and prints.

#[cfg(feature = "map")]
pub mod compare;
pub mod plan;
