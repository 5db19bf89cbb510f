//! `maillage demo`: the synthetic demo territory written to a folder.

use std::path::PathBuf;

use super::out::Output;
use crate::demo::{DEFAULT_SEED, generate};
use crate::error::{Error, Result};

/// The options of a demo run.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoOptions {
    /// Generator seed. Default [`DEFAULT_SEED`] (the files of `data/demo/`).
    pub seed: u64,
    /// The output folder.
    pub out: Output,
}

impl DemoOptions {
    /// The demo of the default seed, into `out`.
    pub fn new(out: impl Into<PathBuf>) -> Self {
        DemoOptions {
            seed: DEFAULT_SEED,
            out: Output::new(out),
        }
    }

    /// The files a run writes (the generator's, in its order).
    pub fn files(&self) -> Vec<&'static str> {
        generate(self.seed).files.iter().map(|(n, _)| *n).collect()
    }

    /// Generates and writes the files; returns their paths.
    pub fn run(&self) -> Result<Vec<PathBuf>> {
        let mut stage = self.out.folder("demo", [])?;
        for (name, content) in &generate(self.seed).files {
            let path = stage.path(name)?;
            std::fs::write(&path, content).map_err(|e| Error::write(&path, e))?;
        }
        stage.commit()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_is_data_demo() {
        let dir = tempfile::tempdir().unwrap();
        let o = DemoOptions::new(dir.path().join("demo"));
        let files = o.run().unwrap();
        assert_eq!(files.len(), o.files().len());
        let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo");
        for (path, name) in files.iter().zip(o.files()) {
            assert_eq!(
                std::fs::read(path).unwrap(),
                std::fs::read(shipped.join(name)).unwrap(),
                "{name}"
            );
        }
    }
}
