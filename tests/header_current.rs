//! The committed C header must be exactly what cbindgen generates from the sources now,
//! and its version macros must match Cargo.toml.

use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn generate() -> String {
    let config =
        cbindgen::Config::from_file(root().join("cbindgen.toml")).expect("cbindgen.toml parses");
    let bindings = cbindgen::Builder::new()
        .with_crate(root())
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header");
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).expect("header is UTF-8")
}

#[test]
fn header_is_current() {
    let path = root().join("include/writeback_diagnostics.h");
    let fresh = generate();
    if std::env::var_os("WBD_BLESS_HEADER").is_some() {
        std::fs::write(&path, &fresh).expect("write header");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "include/writeback_diagnostics.h is stale; regenerate with WBD_BLESS_HEADER=1 cargo test --test header_current"
    );
    for f in [
        "wbd_version",
        "wbd_run",
        "wbd_job_start",
        "wbd_job_poll",
        "wbd_job_cancel",
        "wbd_job_free",
        "wbd_string_free",
    ] {
        assert!(fresh.contains(&format!("{f}(")), "header lacks {f}");
    }
}

#[test]
fn version_macros_match_cargo() {
    let text = std::fs::read_to_string(root().join("cbindgen.toml")).expect("cbindgen.toml");
    let parts: Vec<&str> = env!("CARGO_PKG_VERSION").split('.').collect();
    for (name, value) in ["MAJOR", "MINOR", "PATCH"].iter().zip(parts) {
        let want = format!("#define WBD_VERSION_{name} {value}");
        assert!(text.contains(&want), "cbindgen.toml lacks '{want}'");
    }
}
