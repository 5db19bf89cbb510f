//! ARCHITECTURE.md's layer table is true: no module of `src/` imports from
//! a module of a higher layer, or of its own layer, and none goes through the
//! crate root's re-exports (`crate::Error` instead of `crate::error::Error`).
//! Every module of `src/` has a layer in the table, and every module in the
//! table exists.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layer table of ARCHITECTURE.md: rows `| N | `a`, `b` | … |`.
fn layers() -> BTreeMap<String, u32> {
    let text = std::fs::read_to_string("ARCHITECTURE.md").expect("ARCHITECTURE.md");
    let mut table = BTreeMap::new();
    for line in text.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let (Some(n), Some(modules)) = (cells.get(1), cells.get(2)) else {
            continue;
        };
        let Ok(n) = n.parse::<u32>() else { continue };
        for m in modules.split(',') {
            let m = m.trim().trim_matches('`');
            assert!(
                table.insert(m.to_owned(), n).is_none(),
                "{m} has two layers in ARCHITECTURE.md"
            );
        }
    }
    assert!(table.len() > 10, "no layer table found in ARCHITECTURE.md");
    table
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src readable") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file of `src/` belongs to (`None` for the crate
/// root and the binary, which stand above every layer).
fn module_of(path: &Path) -> Option<String> {
    let rel = path.strip_prefix("src").expect("under src");
    let first = rel.components().next()?.as_os_str().to_str()?.to_owned();
    match first.as_str() {
        "lib.rs" | "bin" => None,
        f => Some(f.trim_end_matches(".rs").to_owned()),
    }
}

/// The names that follow `crate::` on a line of code (comments and doc
/// comments left out), with a `{` group expanded one level.
fn crate_paths(line: &str) -> Vec<String> {
    let code = line.split("//").next().unwrap_or_default();
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = group.split('}').next().unwrap_or_default();
            for part in group.split(',') {
                let name: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    found.push(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.push(name);
            }
        }
    }
    found
}

#[test]
fn no_module_imports_from_its_own_layer_or_above_or_through_the_root() {
    let table = layers();
    let mut files = Vec::new();
    rust_files(Path::new("src"), &mut files);
    files.sort();
    let modules: BTreeSet<String> = files.iter().filter_map(|f| module_of(f)).collect();
    let listed: BTreeSet<String> = table.keys().cloned().collect();
    assert_eq!(
        modules, listed,
        "the modules of src/ and the layer table of ARCHITECTURE.md differ"
    );
    let mut wrong = Vec::new();
    for file in &files {
        let Some(own) = module_of(file) else { continue };
        let own_layer = table[&own];
        let text = std::fs::read_to_string(file).expect("readable");
        for (n, line) in text.lines().enumerate() {
            let trimmed = line.trim_start();
            if trimmed.starts_with("//") {
                continue;
            }
            for name in crate_paths(line) {
                if name == own {
                    continue;
                }
                match table.get(&name) {
                    Some(&layer) if layer < own_layer => {}
                    Some(&layer) => wrong.push(format!(
                        "{}:{}: {own} (layer {own_layer}) uses {name} (layer {layer})",
                        file.display(),
                        n + 1
                    )),
                    None => wrong.push(format!(
                        "{}:{}: crate::{name} goes through the crate root; import from its module",
                        file.display(),
                        n + 1
                    )),
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} upward imports:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn the_path_reader_sees_groups_and_skips_comments() {
    assert_eq!(
        crate_paths("use crate::{error::Error, key::normalize_key};"),
        ["error", "key"]
    );
    assert_eq!(
        crate_paths("let x = crate::geom::crs::Zone::Metropole; // crate::map"),
        ["geom"]
    );
    assert!(crate_paths("// use crate::map;").is_empty());
}
