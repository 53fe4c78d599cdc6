//! Inputs the fuzz targets in `fuzz/` found, fed to the same public API as the target
//! that found them. Each must give a clean result or error, never a panic.
//!
//! `tests/fixtures/fuzz/<target>/<file>` holds the (minimised) inputs; the folder name is
//! the fuzz target's name, and `feed` below does what that target does.

use std::path::{Path, PathBuf};

use writeback_diagnostics::control::Control;
use writeback_diagnostics::events::input::{read_file, Flow};
use writeback_diagnostics::proxy::machine_config::MachineProxy;
use writeback_diagnostics::sddl::{self, rights, writeback_rights, Domains, Sid, Token};
use writeback_diagnostics::{bundle, request, serverconfig, snapshot};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz")
}

fn exercise_sd(sd: &sddl::SecurityDescriptor) {
    let domain = Sid::parse("S-1-5-21-1004336348-1177238915-682003330").expect("sid");
    let domains = Domains::single(domain);
    let token = Token::authenticated(
        domain.with_rid(1105).expect("rid"),
        &[domain.with_rid(513).expect("rid")],
    );
    for w in writeback_rights() {
        let _ = sddl::effective(sd, rights::CLASS_USER, &token, Some(&domains), &w.right);
        let _ = sddl::effective(sd, rights::CLASS_USER, &token, None, &w.right);
    }
    let _ = sddl::parse(&sd.to_string());
}

/// Does with `data` what fuzz target `target` does; `Err` carries the parser's error text.
fn feed(target: &str, data: &[u8]) -> Result<(), String> {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = || std::str::from_utf8(data).map_err(|e| e.to_string());
    match target {
        "request" => request::parse(text()?).map(drop).map_err(|e| e.to_string()),
        "snapshot_json" => {
            let v = snapshot::load::parse_json(text()?, "input").map_err(|e| e.to_string())?;
            snapshot::decode(&v).map(drop).map_err(|e| e.to_string())
        }
        "snapshot_file" => {
            let p = dir.path().join("snapshot.json");
            std::fs::write(&p, data).expect("write");
            snapshot::load_file(&p).map(drop).map_err(|e| e.to_string())
        }
        "machine_config" => MachineProxy::parse(text()?, "machine.config")
            .map(|m| {
                let _ = m.bypass_entry_for("ssprdedicatedsbprodncu.servicebus.windows.net", 443);
            })
            .map_err(|e| e.to_string()),
        "sddl_text" => sddl::parse(text()?)
            .map(|sd| exercise_sd(&sd))
            .map_err(|e| e.to_string()),
        "sddl_binary" => sddl::from_binary(data)
            .map(|sd| exercise_sd(&sd))
            .map_err(|e| e.to_string()),
        "events_json" | "events_evtx" => {
            let mut bytes = Vec::new();
            if target == "events_evtx" && !data.starts_with(b"ElfFile\0") {
                bytes.extend_from_slice(b"ElfFile\0");
            }
            bytes.extend_from_slice(data);
            let p = dir.path().join("events");
            std::fs::write(&p, &bytes).expect("write");
            read_file(&p, &mut |_| Flow::Continue, &mut |_| {})
                .map(drop)
                .map_err(|e| e.to_string())
        }
        "serverconfig" => {
            let sep: &[u8] = b"\n----\n";
            let mut parts = Vec::new();
            let mut rest = data;
            while parts.len() < 2 {
                match rest.windows(sep.len()).position(|w| w == sep) {
                    Some(i) => {
                        parts.push(&rest[..i]);
                        rest = &rest[i + sep.len()..];
                    }
                    None => break,
                }
            }
            parts.push(rest);
            for (part, folder) in
                parts
                    .iter()
                    .zip(["Connectors", "GlobalSettings", "SynchronizationRules"])
            {
                let f = dir.path().join(folder);
                std::fs::create_dir(&f).expect("mkdir");
                std::fs::write(f.join(format!("{folder}_1.xml")), part).expect("write");
            }
            serverconfig::load(dir.path())
                .map(drop)
                .map_err(|e| e.to_string())
        }
        "bundle" => {
            let zip = dir.path().join("bundle.zip");
            std::fs::write(&zip, data).expect("write");
            let temp = dir.path().join("tmp");
            std::fs::create_dir(&temp).expect("mkdir");
            bundle::open(&zip, Some(&temp), &Control::new(), &mut |_| {})
                .map(drop)
                .map_err(|e| e.to_string())
        }
        other => panic!("no fuzz target {other}"),
    }
}

/// Feeds every file of `root/<target>/` to `feed`; returns, per target, how many inputs
/// gave a result (not an error). None may panic.
fn feed_all(root: &Path) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    let Ok(targets) = std::fs::read_dir(root) else {
        return out;
    };
    for t in targets {
        let t = t.expect("entry").path();
        if !t.is_dir() {
            continue;
        }
        let target = t
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (mut fed, mut ok) = (0, 0);
        for f in std::fs::read_dir(&t).expect("read dir") {
            let f = f.expect("entry").path();
            let data = std::fs::read(&f).expect("read input");
            fed += 1;
            if feed(&target, &data).is_ok() {
                ok += 1;
            }
        }
        out.push((target, fed, ok));
    }
    out.sort();
    out
}

/// The seed corpus of every fuzz target goes through the same `feed` the regression inputs
/// use, and each target's seeds include valid inputs that parse: so `feed` reaches each
/// parser as its fuzz target does, and a crash input dropped into `tests/fixtures/fuzz/`
/// is tested the same way.
#[test]
fn every_fuzz_target_seed_corpus_is_fed_and_parses() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let seen = feed_all(&corpus);
    let names: Vec<&str> = seen.iter().map(|(t, _, _)| t.as_str()).collect();
    for target in [
        "bundle",
        "events_evtx",
        "events_json",
        "machine_config",
        "request",
        "sddl_binary",
        "sddl_text",
        "serverconfig",
        "snapshot_file",
        "snapshot_json",
    ] {
        assert!(
            names.contains(&target),
            "no seed corpus for {target}: {names:?}"
        );
    }
    for (target, fed, ok) in &seen {
        assert!(*ok > 0, "{target}: none of its {fed} seeds parsed");
    }
    // The inputs fuzzing found (none yet): any of them panicking fails here.
    for (target, fed, _) in feed_all(&fixtures()) {
        assert!(fed > 0, "{target}: empty folder under tests/fixtures/fuzz");
    }
}
