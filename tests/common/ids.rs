//! Check Ids named in the engine's source, for the tests that hold a document to them
//! (`docs/sources.md`, `docs/checks.md`).
#![allow(dead_code)]

use std::path::Path;

use regex::Regex;

/// Reads a file of the repository, failing the test with its path.
pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every first capture of `pattern` in the `.rs` files under `src/`, with the file it is
/// in; sorted, without duplicates.
pub fn ids_in_src(pattern: &Regex) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    let mut dirs = vec![root.join("src")];
    while let Some(dir) = dirs.pop() {
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = read(&path);
                for c in pattern.captures_iter(&text) {
                    found.push((c[1].to_string(), path.display().to_string()));
                }
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

/// True when `id` appears in `doc` as a whole word (letters, digits and `-`).
pub fn listed(doc: &str, id: &str) -> bool {
    doc.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .any(|word| word == id)
}

/// The `(id, file)` pairs whose id `doc` does not list, as `ID (file)`.
pub fn missing_from(doc: &str, ids: &[(String, String)]) -> Vec<String> {
    ids.iter()
        .filter(|(id, _)| !listed(doc, id))
        .map(|(id, file)| format!("{id} ({file})"))
        .collect()
}
