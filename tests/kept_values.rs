//! The library must be unloadable without losing memory (scripts/valgrind.sh runs the C
//! ABI suite, which loads and unloads it): every value it builds once and keeps lives in
//! a `writeback_diagnostics::cache::Cached`, which its unload hook frees. A plain
//! `OnceLock`/`LazyLock` static is never freed, so one added later would leak on every
//! unload; this test finds them in `src/` before valgrind has to.

use std::path::{Path, PathBuf};

/// Statics allowed to use a plain lazy cell, each with the reason it frees itself.
const ALLOWED: &[(&str, &str)] = &[(
    "src/jobs.rs",
    "the job table: a Mutex<BTreeMap> whose last node goes with the last freed job",
)];

const LAZY_STATICS: &[&str] = &["OnceLock<", "LazyLock<", "lazy_static!", "thread_local!"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn no_kept_value_escapes_the_unload_hook() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    assert!(files.len() > 50, "found only {} source files", files.len());
    let mut found = Vec::new();
    for f in &files {
        let rel = f
            .strip_prefix(root)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        let text = std::fs::read_to_string(f).unwrap_or_default();
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            if LAZY_STATICS.iter().any(|k| line.contains(k))
                && !ALLOWED.iter().any(|(path, _)| *path == rel)
            {
                found.push(format!("{rel}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "lazy statics outside writeback_diagnostics::cache (use Cached, or list it in ALLOWED with why it frees itself): {found:#?}"
    );
}

#[test]
fn the_scan_sees_a_lazy_static() {
    let line = "    static RE: OnceLock<Regex> = OnceLock::new();";
    assert!(LAZY_STATICS.iter().any(|k| line.contains(k)));
}
