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

/// The lines of `text` (numbered from 1) that declare a lazy static, comments left out.
fn lazy_statics_in(text: &str) -> Vec<(usize, String)> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim_start().starts_with("//"))
        .filter(|(_, line)| LAZY_STATICS.iter().any(|k| line.contains(k)))
        .map(|(n, line)| (n + 1, line.trim().to_string()))
        .collect()
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
        if ALLOWED.iter().any(|(path, _)| *path == rel) {
            continue;
        }
        let text = std::fs::read_to_string(f).unwrap_or_default();
        for (n, line) in lazy_statics_in(&text) {
            found.push(format!("{rel}:{n}: {line}"));
        }
    }
    assert!(
        found.is_empty(),
        "lazy statics outside writeback_diagnostics::cache (use Cached, or list it in ALLOWED with why it frees itself): {found:#?}"
    );
}

#[test]
fn the_scan_finds_lazy_statics_and_skips_comments() {
    let text = "use std::sync::OnceLock;\n\
                // a OnceLock<Regex> in a comment\n\
                fn f() {\n    static RE: OnceLock<Regex> = OnceLock::new();\n}\n\
                thread_local! { static X: u8 = 0; }\n";
    assert_eq!(
        lazy_statics_in(text),
        vec![
            (
                4,
                "static RE: OnceLock<Regex> = OnceLock::new();".to_string()
            ),
            (6, "thread_local! { static X: u8 = 0; }".to_string()),
        ]
    );
}
