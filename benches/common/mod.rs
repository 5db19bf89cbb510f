//! What the benches share.

use std::path::PathBuf;

/// The real open data: `$MAILLAGE_DATA`, else `../shared/data` next to the crate.
pub fn data_dir() -> PathBuf {
    std::env::var_os("MAILLAGE_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data"))
}
