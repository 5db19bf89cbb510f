//! The output folder of a run: staged, then moved into place, with a
//! manifest of which command wrote which files.
//!
//! # The rule
//!
//! Every run writes its files into a **staging folder** beside its output
//! folder (`<parent>/.<name>.maillage-staging`, so on the same filesystem),
//! through [`Stage::path`]. Nothing in the output folder changes until
//! [`Stage::commit`], which moves the files into place and records them in
//! the folder's manifest, **`.maillage-run.json`**:
//!
//! ```json
//! {"maillage": "0.1.0", "runs": [{"command": "coverage", "files": ["coverage.csv", "gaps.csv"]}]}
//! ```
//!
//! - A run that **owns its folder** ([`Stage::folder`]: coverage, access,
//!   demo; plan, compare, programmes) leaves in it exactly the files it
//!   wrote: files that the manifest lists and that this run does not write
//!   again (an earlier run's `plan.svg`, a `coverage.geojson` of a run with
//!   `--all-geojson`) are removed, and the manifest then lists this run
//!   alone.
//! - A run that **adds one file** ([`Stage::file`]: map) replaces that file
//!   and adds it to the manifest, leaving every other file alone; a later
//!   run that owns the folder removes it with the rest (a map drawn from a
//!   coverage folder into it is stale once coverage runs again).
//! - A file of the folder that **no manifest lists** (written by hand, by
//!   another program, or by a maillage that kept no manifest) is never
//!   deleted nor overwritten: the run is refused before any work, with an
//!   error naming the files, unless the options say to clear them
//!   ([`Output::clear_foreign`], the command line's `--force`). Hidden files
//!   (names starting with `.`: a spreadsheet's lock file, `.DS_Store`) and
//!   sub-folders are neither foreign nor touched; for a folder-owning run,
//!   foreign files are the folder's other files, for a file-adding run only
//!   the file it writes.
//! - A **failed run** (an error before or during the commit) leaves the
//!   folder as it was: the staging folder is removed, and a commit that fails
//!   half-way moves the earlier files back.
//! - **Two runs at once** into one folder cannot mix: the staging folder is
//!   the lock (created atomically; it holds the run's process id). A staging
//!   folder left by a run that was killed is taken over when that process is
//!   gone (checked through `/proc`; elsewhere the error names the folder to
//!   remove).
//!
//! An output folder must not be an existing file nor hold an input
//! ([`Stage::folder`] checks both before any work).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The manifest's file name in an output folder.
pub const MANIFEST: &str = ".maillage-run.json";

/// Where a run writes and what it may clear: the part of every command's
/// options that names its output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// The output folder (for [`Stage::file`], the file).
    pub path: PathBuf,
    /// Clear (or overwrite) files that no manifest lists instead of
    /// refusing the run. Default `false`.
    pub clear_foreign: bool,
}

impl Output {
    /// Output to `path`, refusing foreign files.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Output {
            path: path.into(),
            clear_foreign: false,
        }
    }

    /// A staged run owning the folder [`path`](Self::path) (see [`Stage::folder`]).
    pub fn folder<'p>(
        &self,
        command: &str,
        inputs: impl IntoIterator<Item = &'p Path>,
    ) -> Result<Stage> {
        Stage::folder(&self.path, command, inputs, self.clear_foreign)
    }

    /// A staged run adding the file [`path`](Self::path) to its folder (see [`Stage::file`]).
    pub fn file<'p>(
        &self,
        command: &str,
        inputs: impl IntoIterator<Item = &'p Path>,
    ) -> Result<Stage> {
        Stage::file(&self.path, command, inputs, self.clear_foreign)
    }
}

/// One run's record in a manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRecord {
    /// The command that wrote the files (`coverage`, `map`...).
    pub command: String,
    /// The files' names in the folder.
    pub files: Vec<String>,
}

/// The manifest of an output folder: which command wrote which files.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The version of maillage that wrote it.
    pub maillage: String,
    /// The runs whose files the folder holds.
    pub runs: Vec<RunRecord>,
}

impl Manifest {
    /// The manifest of `folder`: empty when it has none.
    pub fn read(folder: &Path) -> Result<Manifest> {
        let path = folder.join(MANIFEST);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| Error::Format {
                path: path.clone(),
                location: None,
                message: "not a maillage run manifest; remove it to let a run clear the folder"
                    .into(),
                source: Some(Box::new(e)),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Manifest::default()),
            Err(e) => Err(Error::Io { path, source: e }),
        }
    }

    /// Every file the manifest lists.
    pub fn files(&self) -> BTreeSet<&str> {
        self.runs
            .iter()
            .flat_map(|r| r.files.iter().map(String::as_str))
            .collect()
    }
}

/// Whether a run owns its folder or adds one file to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Folder,
    File,
}

/// A run being written: its files go to the staging folder until
/// [`commit`](Self::commit). Dropped without a commit, it removes the
/// staging folder and the output folder stays as it was.
#[derive(Debug)]
pub struct Stage {
    target: PathBuf,
    /// The output as the caller named it: the folder, or the file of a file-adding run.
    given: PathBuf,
    staging: PathBuf,
    command: String,
    mode: Mode,
    clear_foreign: bool,
    files: Vec<String>,
    done: bool,
}

fn invalid(message: String) -> Error {
    Error::Invalid {
        what: "output folder",
        message,
    }
}

/// `path` made absolute, without resolving what does not exist yet.
fn absolute(path: &Path) -> Result<PathBuf> {
    match path.canonicalize() {
        Ok(p) => Ok(p),
        Err(_) => std::path::absolute(path).map_err(|e| Error::Io {
            path: path.to_path_buf(),
            source: e,
        }),
    }
}

/// Whether a process with this id runs (known only where `/proc` is).
fn process_alive(pid: u32) -> Option<bool> {
    let proc = Path::new("/proc");
    proc.is_dir().then(|| proc.join(pid.to_string()).exists())
}

/// The folder's visible files (not folders, not hidden names).
fn visible_files(folder: &Path) -> Result<BTreeSet<String>> {
    let mut files = BTreeSet::new();
    let entries = match std::fs::read_dir(folder) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(files),
        Err(e) => {
            return Err(Error::Io {
                path: folder.to_path_buf(),
                source: e,
            });
        }
    };
    for entry in entries {
        let entry = entry.map_err(|e| Error::Io {
            path: folder.to_path_buf(),
            source: e,
        })?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if !is_dir && !name.starts_with('.') {
            files.insert(name);
        }
    }
    Ok(files)
}

/// Refuses an output folder that is an existing file or holds one of
/// `inputs` (its outputs could overwrite them), before any work is done.
pub fn check_folder<'p>(out: &Path, inputs: impl IntoIterator<Item = &'p Path>) -> Result<()> {
    if out.exists() && !out.is_dir() {
        return Err(invalid(format!(
            "{} exists and is not a folder",
            out.display()
        )));
    }
    let Ok(canonical) = out.canonicalize() else {
        return Ok(()); // not created yet: it holds nothing
    };
    for input in inputs {
        if input
            .canonicalize()
            .is_ok_and(|i| i.starts_with(&canonical))
        {
            return Err(invalid(format!(
                "{} holds the input {}: its outputs could overwrite it",
                canonical.display(),
                input.display()
            )));
        }
    }
    Ok(())
}

impl Stage {
    /// A run owning the folder `out`: refuses, before any work, an `out`
    /// that is a file, holds one of `inputs`, or holds files no manifest
    /// lists (unless `clear_foreign`); then takes the staging folder.
    pub fn folder<'p>(
        out: &Path,
        command: &str,
        inputs: impl IntoIterator<Item = &'p Path>,
        clear_foreign: bool,
    ) -> Result<Stage> {
        check_folder(out, inputs)?;
        Stage::open(out, out, command, Mode::Folder, clear_foreign)
    }

    /// A run adding the one file `file` to its folder (created if need
    /// be): refuses an existing `file` that is a folder, one of `inputs`,
    /// or a file no manifest lists (unless `clear_foreign`). Write it at
    /// [`path`](Self::path) of its file name.
    pub fn file<'p>(
        file: &Path,
        command: &str,
        inputs: impl IntoIterator<Item = &'p Path>,
        clear_foreign: bool,
    ) -> Result<Stage> {
        if file.is_dir() {
            return Err(invalid(format!(
                "{} is a folder, not a file",
                file.display()
            )));
        }
        let absolute = absolute(file)?;
        let (Some(folder), Some(_)) = (absolute.parent(), absolute.file_name()) else {
            return Err(invalid(format!("{} names no file", file.display())));
        };
        if let Ok(canonical) = file.canonicalize() {
            for input in inputs {
                if input.canonicalize().is_ok_and(|i| i == canonical) {
                    return Err(invalid(format!(
                        "{} is an input of this run",
                        file.display()
                    )));
                }
            }
        }
        Stage::open(folder, file, command, Mode::File, clear_foreign)
    }

    fn open(
        folder: &Path,
        shown: &Path,
        command: &str,
        mode: Mode,
        clear_foreign: bool,
    ) -> Result<Stage> {
        let target = absolute(folder)?;
        let (Some(parent), Some(name)) = (target.parent(), target.file_name()) else {
            return Err(invalid(format!(
                "{} has no parent folder to stage the run in",
                target.display()
            )));
        };
        let staging = parent.join(format!(".{}.maillage-staging", name.to_string_lossy()));
        let mut stage = Stage {
            target: target.clone(),
            given: shown.to_path_buf(),
            staging,
            command: command.to_owned(),
            mode,
            clear_foreign,
            files: Vec::new(),
            done: true, // nothing to clean until the staging folder is ours
        };
        if mode == Mode::File
            && let Some(file) = shown.file_name()
        {
            // The file-adding run's one file, known now for the foreign check.
            stage.files.push(file.to_string_lossy().into_owned());
        }
        stage.refuse_foreign()?;
        stage.files.clear();
        std::fs::create_dir_all(parent).map_err(|e| Error::write(parent, e))?;
        stage.lock()?;
        stage.done = false;
        Ok(stage)
    }

    /// Takes the staging folder, or says who holds it.
    fn lock(&self) -> Result<()> {
        let pid_file = self.staging.join("pid");
        for attempt in 0..2 {
            match std::fs::create_dir(&self.staging) {
                Ok(()) => {
                    return std::fs::write(&pid_file, std::process::id().to_string())
                        .map_err(|e| Error::write(&pid_file, e));
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt == 0 => {
                    let pid = std::fs::read_to_string(&pid_file)
                        .ok()
                        .and_then(|t| t.trim().parse::<u32>().ok());
                    let gone = match pid {
                        Some(pid) => process_alive(pid) == Some(false),
                        // No pid yet: a run is creating it, or died at once.
                        None => false,
                    };
                    if !gone {
                        return Err(invalid(format!(
                            "another run is writing to {} (its staging folder {} exists{}); remove that folder if no run is under way",
                            self.target.display(),
                            self.staging.display(),
                            pid.map_or(String::new(), |p| format!(", process {p}"))
                        )));
                    }
                    std::fs::remove_dir_all(&self.staging)
                        .map_err(|e| Error::write(&self.staging, e))?;
                }
                Err(e) => return Err(Error::write(&self.staging, e)),
            }
        }
        Err(invalid(format!(
            "cannot take the staging folder {}",
            self.staging.display()
        )))
    }

    /// The files of the folder this run would clear or overwrite that no
    /// manifest lists.
    fn foreign(&self) -> Result<Vec<String>> {
        let manifest = Manifest::read(&self.target)?;
        let listed = manifest.files();
        let present = visible_files(&self.target)?;
        Ok(present
            .into_iter()
            .filter(|f| !listed.contains(f.as_str()))
            .filter(|f| self.mode == Mode::Folder || self.files.contains(f))
            .collect())
    }

    fn refuse_foreign(&self) -> Result<()> {
        if self.clear_foreign {
            return Ok(());
        }
        let foreign = self.foreign()?;
        if foreign.is_empty() {
            return Ok(());
        }
        let what = match self.mode {
            Mode::Folder => "holds files that no maillage run recorded",
            Mode::File => "holds a file of that name that no maillage run recorded",
        };
        Err(invalid(format!(
            "{} {what} ({MANIFEST} does not list them): {}; move them away, or clear them with --force",
            self.target.display(),
            foreign.join(", ")
        )))
    }

    /// The output folder (absolute).
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Where to write the output `name` (a plain file name): a path in the
    /// staging folder. The name is recorded as one of this run's files.
    pub fn path(&mut self, name: &str) -> Result<PathBuf> {
        let plain = Path::new(name)
            .file_name()
            .is_some_and(|n| n == std::ffi::OsStr::new(name));
        if !plain || name.starts_with('.') || name == "pid" {
            return Err(invalid(format!("{name:?} is not a plain output file name")));
        }
        if self.mode == Mode::File
            && !self.files.is_empty()
            && !self.files.iter().any(|f| f == name)
        {
            return Err(invalid(format!(
                "a {} run adds one file to its folder",
                self.command
            )));
        }
        if !self.files.iter().any(|f| f == name) {
            self.files.push(name.to_owned());
        }
        Ok(self.staging.join(name))
    }

    /// Moves the written files into the output folder, clears what the
    /// rule says, writes the manifest; returns the files' final paths (in
    /// the folder as the caller named it) in the order they were first
    /// asked for. On error the folder is left as it was.
    pub fn commit(mut self) -> Result<Vec<PathBuf>> {
        self.refuse_foreign()?;
        for name in &self.files {
            let staged = self.staging.join(name);
            if !staged.is_file() {
                return Err(invalid(format!(
                    "{} was to be written by this run but was not",
                    self.target.join(name).display()
                )));
            }
        }
        let manifest = Manifest::read(&self.target)?;
        let present = visible_files(&self.target)?;
        let listed: BTreeSet<String> = manifest.files().into_iter().map(str::to_owned).collect();
        let new: BTreeSet<&str> = self.files.iter().map(String::as_str).collect();
        // Files that leave the folder or are replaced: moved aside first.
        let aside: Vec<String> = present
            .iter()
            .filter(|f| {
                new.contains(f.as_str())
                    || (self.mode == Mode::Folder && (listed.contains(*f) || self.clear_foreign))
            })
            .cloned()
            .collect();
        let mut runs = match self.mode {
            Mode::Folder => Vec::new(),
            Mode::File => manifest.runs.clone(),
        };
        for run in &mut runs {
            run.files
                .retain(|f| !new.contains(f.as_str()) && present.contains(f));
        }
        match runs.iter_mut().find(|r| r.command == self.command) {
            Some(run) => run.files.extend(self.files.iter().cloned()),
            None => runs.push(RunRecord {
                command: self.command.clone(),
                files: self.files.clone(),
            }),
        }
        runs.retain(|r| !r.files.is_empty());
        let record = Manifest {
            maillage: env!("CARGO_PKG_VERSION").to_owned(),
            runs,
        };
        let manifest_staged = self.staging.join(MANIFEST);
        let text = serde_json::to_string_pretty(&record)
            .map_err(|e| Error::encode("the run manifest", e))?;
        std::fs::write(&manifest_staged, text + "\n")
            .map_err(|e| Error::write(&manifest_staged, e))?;

        let mut moves = Moves::default();
        let result = self.swap(&aside, &mut moves);
        if let Err(e) = result {
            moves.undo(&self.target);
            return Err(e);
        }
        let _ = std::fs::remove_dir_all(&self.staging);
        self.done = true;
        Ok(match self.mode {
            Mode::Folder => self.files.iter().map(|f| self.given.join(f)).collect(),
            Mode::File => vec![self.given.clone()],
        })
    }

    fn swap(&self, aside: &[String], moves: &mut Moves) -> Result<()> {
        let previous = self.staging.join(".previous");
        std::fs::create_dir(&previous).map_err(|e| Error::write(&previous, e))?;
        if !self.target.exists() {
            std::fs::create_dir(&self.target).map_err(|e| Error::write(&self.target, e))?;
            moves.created = true;
        }
        let mut aside: Vec<&str> = aside.iter().map(String::as_str).collect();
        if self.target.join(MANIFEST).is_file() {
            aside.push(MANIFEST);
        }
        for name in aside {
            let (from, to) = (self.target.join(name), previous.join(name));
            std::fs::rename(&from, &to).map_err(|e| Error::write(&from, e))?;
            moves.aside.push((from, to));
        }
        for name in self.files.iter().map(String::as_str).chain([MANIFEST]) {
            let (from, to) = (self.staging.join(name), self.target.join(name));
            std::fs::rename(&from, &to).map_err(|e| Error::write(&to, e))?;
            moves.placed.push((from, to));
        }
        Ok(())
    }
}

/// The renames of a commit, to undo them when it fails half-way.
#[derive(Default)]
struct Moves {
    created: bool,
    /// (place in the folder, place in `.previous`)
    aside: Vec<(PathBuf, PathBuf)>,
    /// (place in staging, place in the folder)
    placed: Vec<(PathBuf, PathBuf)>,
}

impl Moves {
    fn undo(&self, target: &Path) {
        for (staged, placed) in self.placed.iter().rev() {
            let _ = std::fs::rename(placed, staged);
        }
        for (original, aside) in self.aside.iter().rev() {
            let _ = std::fs::rename(aside, original);
        }
        if self.created {
            let _ = std::fs::remove_dir(target);
        }
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

/// Writes the staged CSV `csv` (already written by this run) again as
/// Parquet beside it, with the same name and `.parquet`
/// ([`write_csv_as_parquet`](crate::write::write_csv_as_parquet): points
/// from its `lonlat` columns as GeoParquet, else a plain table).
#[cfg(feature = "geoparquet")]
pub(crate) fn parquet_beside(
    stage: &mut Stage,
    csv: &str,
    text: &[&str],
    lonlat: Option<(&str, &str)>,
) -> Result<()> {
    let source = stage.path(csv)?;
    let name = format!("{}.parquet", csv.trim_end_matches(".csv"));
    crate::write::write_csv_as_parquet(&source, stage.path(&name)?, text, lonlat)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut n: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        n.sort();
        n
    }

    fn write(stage: &mut Stage, name: &str, text: &str) {
        std::fs::write(stage.path(name).unwrap(), text).unwrap();
    }

    #[test]
    fn a_run_replaces_the_files_of_the_last_and_clears_its_stale_ones() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let mut s = Stage::folder(&out, "plan", [], false).unwrap();
        write(&mut s, "plan.svg", "old map");
        write(&mut s, "sites.csv", "old");
        assert!(!out.exists(), "nothing in place before the commit");
        let written = s.commit().unwrap();
        assert_eq!(written, [out.join("plan.svg"), out.join("sites.csv")]);
        assert_eq!(names(&out), [MANIFEST, "plan.svg", "sites.csv"]);

        let mut s = Stage::folder(&out, "plan", [], false).unwrap();
        write(&mut s, "sites.csv", "new");
        s.commit().unwrap();
        assert_eq!(names(&out), [MANIFEST, "sites.csv"]);
        assert_eq!(
            std::fs::read_to_string(out.join("sites.csv")).unwrap(),
            "new"
        );
        let m = Manifest::read(&out).unwrap();
        assert_eq!(
            m.runs,
            [RunRecord {
                command: "plan".into(),
                files: vec!["sites.csv".into()]
            }]
        );
        assert_eq!(names(dir.path()), ["out"], "no staging folder left");
    }

    #[test]
    fn an_uncommitted_run_leaves_the_folder_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let mut s = Stage::folder(&out, "coverage", [], false).unwrap();
        write(&mut s, "coverage.csv", "first");
        s.commit().unwrap();
        let mut s = Stage::folder(&out, "access", [], false).unwrap();
        write(&mut s, "departements.csv", "half");
        drop(s); // the run failed
        assert_eq!(names(&out), [MANIFEST, "coverage.csv"]);
        assert_eq!(names(dir.path()), ["out"]);
        // A run that never creates its folder leaves none.
        let fresh = dir.path().join("fresh");
        drop(Stage::folder(&fresh, "coverage", [], false).unwrap());
        assert!(!fresh.exists());
    }

    #[test]
    fn foreign_files_are_refused_by_name_or_cleared_on_request() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("notes.txt"), "mine").unwrap();
        std::fs::write(out.join(".~lock.coverage.csv#"), "lock").unwrap();
        std::fs::create_dir(out.join("old")).unwrap();
        let e = Stage::folder(&out, "coverage", [], false)
            .unwrap_err()
            .to_string();
        assert!(e.contains("notes.txt") && e.contains("--force"), "{e}");
        assert!(
            e.contains("list them): notes.txt; move"),
            "only notes.txt: {e}"
        );
        let mut s = Stage::folder(&out, "coverage", [], true).unwrap();
        write(&mut s, "coverage.csv", "x");
        s.commit().unwrap();
        assert_eq!(
            names(&out),
            [MANIFEST, ".~lock.coverage.csv#", "coverage.csv", "old"]
        );
    }

    #[test]
    fn a_file_run_adds_its_file_and_a_folder_run_clears_it() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let mut s = Stage::folder(&out, "coverage", [], false).unwrap();
        write(&mut s, "gaps.geojson", "{}");
        s.commit().unwrap();
        let map = out.join("map.svg");
        let mut s = Stage::file(&map, "map", [], false).unwrap();
        write(&mut s, "map.svg", "<svg/>");
        assert!(s.path("other.svg").is_err(), "one file per map run");
        s.commit().unwrap();
        assert_eq!(names(&out), [MANIFEST, "gaps.geojson", "map.svg"]);
        assert_eq!(Manifest::read(&out).unwrap().runs.len(), 2);
        // A foreign file of the map's name is refused; others are left alone.
        std::fs::write(out.join("mine.svg"), "mine").unwrap();
        let e = Stage::file(&out.join("mine.svg"), "map", [], false).unwrap_err();
        assert!(e.to_string().contains("mine.svg"), "{e}");
        Stage::file(&map, "map", [], false).unwrap();
        // coverage again: the map of the last run goes, the foreign file is refused.
        let e = Stage::folder(&out, "coverage", [], false).unwrap_err();
        assert!(e.to_string().contains("mine.svg") && !e.to_string().contains("map.svg"));
        std::fs::remove_file(out.join("mine.svg")).unwrap();
        let mut s = Stage::folder(&out, "coverage", [], false).unwrap();
        write(&mut s, "gaps.geojson", "{}");
        s.commit().unwrap();
        assert_eq!(names(&out), [MANIFEST, "gaps.geojson"]);
    }

    #[test]
    fn two_runs_at_once_do_not_mix_and_a_dead_run_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let first = Stage::folder(&out, "coverage", [], false).unwrap();
        let e = Stage::folder(&out, "access", [], false).unwrap_err();
        assert!(e.to_string().contains("another run is writing"), "{e}");
        drop(first);
        // A staging folder whose process is gone (pid beyond the kernel's maximum).
        let staging = dir.path().join(".out.maillage-staging");
        std::fs::create_dir(&staging).unwrap();
        std::fs::write(staging.join("pid"), "4294967295").unwrap();
        std::fs::write(staging.join("half.csv"), "x").unwrap();
        if Path::new("/proc").is_dir() {
            let mut s = Stage::folder(&out, "coverage", [], false).unwrap();
            write(&mut s, "coverage.csv", "x");
            s.commit().unwrap();
            assert_eq!(names(&out), [MANIFEST, "coverage.csv"]);
        }
    }

    #[test]
    fn a_folder_holding_an_input_or_a_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("points.csv");
        std::fs::write(&input, "x").unwrap();
        let e = Stage::folder(dir.path(), "coverage", [input.as_path()], true).unwrap_err();
        assert!(e.to_string().contains("holds the input"), "{e}");
        let e = Stage::folder(&input, "coverage", [], false).unwrap_err();
        assert!(e.to_string().contains("is not a folder"), "{e}");
        let e = Stage::file(&input, "map", [input.as_path()], true).unwrap_err();
        assert!(e.to_string().contains("is an input"), "{e}");
    }

    #[test]
    fn names_are_plain() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Stage::folder(&dir.path().join("o"), "x", [], false).unwrap();
        for bad in ["../x.csv", "a/b.csv", MANIFEST, "pid", ""] {
            assert!(s.path(bad).is_err(), "{bad}");
        }
    }
}
