//! Support bundles through the `all` command: the round trip gives what the suites give on
//! the unzipped files, every unsafe bundle is InvalidInput with nothing written outside
//! the extraction folder, and the folder goes away on success, error and cancellation.
//!
//! Bundles are built here with the `zip` crate from the other fixtures (see
//! `tests/fixtures/bundle/README.md`). Nothing here touches the network: the bundle's
//! connectivity results are a saved report.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use writeback_diagnostics::control::Control;
use writeback_diagnostics::error::{ErrorCode, WbdError};
use writeback_diagnostics::{api::Report, engine, request};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// One entry of a zip under construction.
enum Entry {
    File(Vec<u8>),
    Stored(Vec<u8>),
    Dir,
    Symlink(&'static str),
}

fn write_zip(path: &Path, entries: Vec<(String, Entry)>) {
    let mut zip = ZipWriter::new(File::create(path).expect("create zip"));
    let deflate = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    for (name, entry) in entries {
        match entry {
            Entry::File(bytes) => {
                zip.start_file(name, deflate).expect("start entry");
                zip.write_all(&bytes).expect("write entry");
            }
            Entry::Stored(bytes) => {
                zip.start_file(name, stored).expect("start entry");
                zip.write_all(&bytes).expect("write entry");
            }
            Entry::Dir => zip.add_directory(name, deflate).expect("add folder"),
            Entry::Symlink(target) => zip.add_symlink(name, target, deflate).expect("add link"),
        }
    }
    zip.finish().expect("finish zip");
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The entries of a complete bundle; `server-config/` alternates `\` and `/`.
fn complete_entries() -> Vec<(String, Entry)> {
    let mut entries = vec![
        (
            "manifest.json".to_string(),
            Entry::File(read(&fixture("bundle/manifest.json"))),
        ),
        (
            "environment.json".to_string(),
            Entry::File(read(&fixture("permissions/contoso.json"))),
        ),
        (
            "events.json".to_string(),
            Entry::File(read(&fixture("events/healthy.ps7.json"))),
        ),
        (
            "connectivity.json".to_string(),
            Entry::File(read(&fixture("bundle/connectivity.json"))),
        ),
        ("server-config/".to_string(), Entry::Dir),
    ];
    let root = fixture("serverconfig/contoso");
    let mut dirs = vec![root.clone()];
    let mut n = 0;
    while let Some(dir) = dirs.pop() {
        let mut list: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("read fixture folder")
            .map(|e| e.expect("entry").path())
            .collect();
        list.sort();
        for p in list {
            if p.is_dir() {
                dirs.push(p);
                continue;
            }
            let rel = p.strip_prefix(&root).expect("below root");
            let parts: Vec<String> = rel
                .iter()
                .map(|c| c.to_string_lossy().into_owned())
                .collect();
            n += 1;
            let sep = if n % 2 == 0 { "\\" } else { "/" };
            let name = format!("server-config{sep}{}", parts.join(sep));
            entries.push((name, Entry::File(read(&p))));
        }
    }
    entries
}

fn manifest_with(items: Value) -> Vec<u8> {
    let mut m: Value =
        serde_json::from_slice(&read(&fixture("bundle/manifest.json"))).expect("manifest JSON");
    m["Items"] = items;
    m.to_string().into_bytes()
}

fn run(options: Value, control: &Control) -> Result<Report, WbdError> {
    let text = json!({"Command": "all", "Options": options}).to_string();
    request::parse(&text).and_then(|r| engine::run(&r, control))
}

fn triples(report: &Report, suite: &str) -> Vec<(String, String, String)> {
    report
        .results
        .iter()
        .filter(|r| r.evidence.get("Suite") == Some(&json!(suite)))
        .map(|r| (r.id.clone(), r.target.clone(), format!("{:?}", r.status)))
        .collect()
}

/// Names of everything directly in `dir`.
fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("list folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn a_bundle_gives_what_the_suites_give_on_its_files() {
    let work = tempfile::tempdir().expect("tempdir");
    let scratch = work.path().join("scratch");
    std::fs::create_dir(&scratch).expect("scratch");
    let zip = work.path().join("bundle.zip");
    write_zip(&zip, complete_entries());
    let bundled = run(
        json!({"BundlePath": zip, "TempPath": scratch}),
        &Control::new(),
    )
    .expect("bundle runs");
    assert_eq!(bundled.command, "all");
    assert!(
        listing(&scratch).is_empty(),
        "left behind: {:?}",
        listing(&scratch)
    );
    assert!(
        !bundled.results.iter().any(|r| r.id.starts_with("SUITE-")),
        "{:#?}",
        bundled.results
    );
    let direct = run(
        json!({"SnapshotPath": fixture("permissions/contoso.json"),
               "ServerConfigPath": fixture("serverconfig/contoso"),
               "Suites": ["prerequisites", "permissions"]}),
        &Control::new(),
    )
    .expect("direct runs");
    let events = run(
        json!({"EventsPath": fixture("events/healthy.ps7.json"), "Now": "2024-06-03T11:05:00Z",
               "Suites": ["events"]}),
        &Control::new(),
    )
    .expect("events run");
    for (suite, expected) in [
        ("prerequisites", &direct),
        ("permissions", &direct),
        ("events", &events),
    ] {
        let got = triples(&bundled, suite);
        assert!(!got.is_empty(), "no {suite} results");
        let mut want = triples(expected, suite);
        // The events read result names the file it read: in the bundle, by its place there
        // rather than the temporary folder it was unpacked to.
        for w in &mut want {
            if w.0 == "EVT-READ" {
                w.1 = "bundle.zip/events.json".into();
            }
        }
        assert_eq!(got, want, "{suite} differs");
    }
    let saved: Value =
        serde_json::from_slice(&read(&fixture("bundle/connectivity.json"))).expect("saved report");
    let saved_ids: Vec<(String, String, String)> = saved["Results"]
        .as_array()
        .expect("Results")
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap_or_default().to_string();
            (s("Id"), s("Target"), s("Status"))
        })
        .collect();
    assert_eq!(triples(&bundled, "connectivity"), saved_ids);
    assert!(bundled
        .results
        .iter()
        .filter(|r| r.id.starts_with("CONN-"))
        .all(|r| r.evidence.get("FromBundle") == Some(&json!(true))));
    let heartbeat = bundled
        .results
        .iter()
        .find(|r| r.id == "EVT-HEARTBEAT")
        .expect("heartbeat");
    assert_eq!(format!("{:?}", heartbeat.status), "Pass", "{heartbeat:#?}");
}

#[test]
fn unavailable_and_missing_items_become_suite_results() {
    let work = tempfile::tempdir().expect("tempdir");
    let zip = work.path().join("partial.zip");
    let manifest = manifest_with(json!([
        {"Name": "environment", "Path": "environment.json", "Status": "Collected"},
        {"Name": "events", "Path": "events.json", "Status": "Unavailable",
         "Reason": "Get-WinEvent: access is denied"},
        {"Name": "server-config", "Path": "server-config/", "Status": "Unavailable",
         "Reason": "The ADSync module is not installed"},
        {"Name": "connectivity", "Path": "connectivity.json", "Status": "Collected"}
    ]));
    write_zip(
        &zip,
        vec![
            ("manifest.json".into(), Entry::File(manifest)),
            (
                "environment.json".into(),
                Entry::File(read(&fixture("permissions/contoso.json"))),
            ),
        ],
    );
    let report = run(
        json!({"BundlePath": zip, "TempPath": work.path()}),
        &Control::new(),
    )
    .expect("runs");
    let suite = |id: &str| {
        report
            .results
            .iter()
            .find(|r| r.id == id)
            .unwrap_or_else(|| panic!("no {id}: {:#?}", report.results))
    };
    let events = suite("SUITE-EVENTS");
    assert_eq!(format!("{:?}", events.status), "Skipped");
    assert!(
        events.message.contains("Get-WinEvent: access is denied"),
        "{}",
        events.message
    );
    assert_eq!(
        events.evidence.get("Reason"),
        Some(&json!("Get-WinEvent: access is denied"))
    );
    let conn = suite("SUITE-CONNECTIVITY");
    assert_eq!(format!("{:?}", conn.status), "Error");
    assert!(
        conn.message.contains("no connectivity.json"),
        "{}",
        conn.message
    );
    assert!(report.results.iter().any(|r| r.id.starts_with("PERM-")));
    let config = report
        .results
        .iter()
        .find(|r| r.id == "PRE-CONFIG-WRITEBACK")
        .expect("PRE-CONFIG-WRITEBACK");
    assert_eq!(format!("{:?}", config.status), "Skipped");
    assert!(
        config.message.contains("ADSync module is not installed"),
        "{}",
        config.message
    );
    assert_eq!(listing(work.path()), ["partial.zip"]);
}

#[test]
fn a_bundle_without_connectivity_says_why_it_is_not_probed_here() {
    let work = tempfile::tempdir().expect("tempdir");
    let zip = work.path().join("b.zip");
    let mut entries = complete_entries();
    entries.retain(|(n, _)| n != "connectivity.json");
    entries[0].1 = Entry::File(manifest_with(json!([])));
    write_zip(&zip, entries);
    let report = run(
        json!({"BundlePath": zip, "TempPath": work.path(), "Suites": ["connectivity"]}),
        &Control::new(),
    )
    .expect("runs");
    assert_eq!(report.results.len(), 1, "{:#?}", report.results);
    let r = &report.results[0];
    assert_eq!(
        (r.id.as_str(), format!("{:?}", r.status).as_str()),
        ("SUITE-CONNECTIVITY", "Skipped")
    );
    assert!(
        r.message.contains("not probed from this machine"),
        "{}",
        r.message
    );
}

/// Runs a bad bundle: InvalidInput naming the problem, nothing left in the scratch folder.
fn refused(work: &Path, zip: &Path, needle: &str) {
    let scratch = work.join("scratch");
    std::fs::create_dir_all(&scratch).expect("scratch");
    let e = run(
        json!({"BundlePath": zip, "TempPath": scratch}),
        &Control::new(),
    )
    .expect_err("refused");
    assert_eq!(e.code, ErrorCode::InvalidInput, "{e}");
    assert!(e.message.contains(needle), "{needle}: {}", e.message);
    assert!(
        listing(&scratch).is_empty(),
        "{needle}: left {:?}",
        listing(&scratch)
    );
}

#[test]
fn unsafe_names_and_links_are_refused_and_nothing_lands_outside() {
    let work = tempfile::tempdir().expect("tempdir");
    let outside = work.path().join("abs-evil");
    let manifest = || {
        (
            "manifest.json".to_string(),
            Entry::File(read(&fixture("bundle/manifest.json"))),
        )
    };
    for (name, entry, needle) in [
        ("../evil".to_string(), Entry::File(b"x".to_vec()), "'..'"),
        (
            "server-config\\..\\..\\evil".to_string(),
            Entry::File(b"x".to_vec()),
            "'..'",
        ),
        (
            outside.to_string_lossy().into_owned(),
            Entry::File(b"x".to_vec()),
            "absolute",
        ),
        (
            "C:\\x".to_string(),
            Entry::File(b"x".to_vec()),
            "drive letter",
        ),
        (
            "link".to_string(),
            Entry::Symlink("/etc/passwd"),
            "symbolic link",
        ),
    ] {
        let zip = work.path().join("bad.zip");
        write_zip(&zip, vec![manifest(), (name.clone(), entry)]);
        refused(work.path(), &zip, needle);
        assert!(!outside.exists(), "{name} wrote {}", outside.display());
        assert!(!work.path().join("evil").exists(), "{name} wrote ../evil");
        let mut left = listing(work.path());
        left.retain(|n| n != "bad.zip" && n != "scratch");
        assert!(left.is_empty(), "{name}: {left:?}");
    }
}

#[test]
fn a_zip_bomb_is_stopped_while_inflating() {
    let work = tempfile::tempdir().expect("tempdir");
    let zip = work.path().join("bomb.zip");
    let started = Instant::now();
    write_zip(
        &zip,
        vec![
            (
                "manifest.json".into(),
                Entry::File(read(&fixture("bundle/manifest.json"))),
            ),
            (
                "events.json".into(),
                Entry::File(vec![0u8; 300 * 1024 * 1024]),
            ),
        ],
    );
    let built = started.elapsed();
    let size = std::fs::metadata(&zip).expect("zip").len();
    assert!(size < 1024 * 1024, "the bomb is {size} bytes");
    eprintln!("built a {size}-byte bomb in {built:?}");
    refused(work.path(), &zip, "zip bomb");
    assert!(built < Duration::from_secs(120), "building took {built:?}");
}

#[test]
fn too_many_entries_no_manifest_and_not_a_zip_are_refused() {
    let work = tempfile::tempdir().expect("tempdir");
    let many = work.path().join("many.zip");
    let mut entries = vec![(
        "manifest.json".to_string(),
        Entry::File(read(&fixture("bundle/manifest.json"))),
    )];
    entries.extend((0..10_001).map(|i| (format!("f/{i}"), Entry::Stored(Vec::new()))));
    write_zip(&many, entries);
    refused(work.path(), &many, "10002 entries");
    let bare = work.path().join("bare.zip");
    write_zip(
        &bare,
        vec![("environment.json".into(), Entry::File(b"{}".to_vec()))],
    );
    refused(work.path(), &bare, "no manifest.json");
    let text = work.path().join("text.zip");
    std::fs::write(&text, b"this is not a zip").expect("write");
    refused(work.path(), &text, "not a zip archive");
    let big = work.path().join("big.zip");
    File::create(&big)
        .and_then(|f| f.set_len(1024 * 1024 * 1024 + 1))
        .expect("sparse file");
    refused(work.path(), &big, "the limit is 1073741824 bytes");
    let twice = work.path().join("twice.zip");
    write_zip(
        &twice,
        vec![
            (
                "manifest.json".into(),
                Entry::File(read(&fixture("bundle/manifest.json"))),
            ),
            ("a/events.json".into(), Entry::File(b"[]".to_vec())),
            ("a\\events.json".into(), Entry::File(b"[]".to_vec())),
        ],
    );
    refused(work.path(), &twice, "more than once");
}

#[test]
fn cancelling_a_bundle_run_removes_its_folder() {
    let work = tempfile::tempdir().expect("tempdir");
    let scratch = work.path().join("scratch");
    std::fs::create_dir(&scratch).expect("scratch");
    let zip = work.path().join("slow.zip");
    let mut entries = complete_entries();
    entries.push((
        "padding.bin".into(),
        Entry::Stored(vec![7u8; 48 * 1024 * 1024]),
    ));
    write_zip(&zip, entries);
    let control = Control::new();
    let seen_folder = std::thread::scope(|s| {
        let worker = s.spawn(|| run(json!({"BundlePath": zip, "TempPath": scratch}), &control));
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut seen = false;
        while !worker.is_finished() && Instant::now() < deadline {
            if !listing(&scratch).is_empty() {
                seen = true;
                control.cancel();
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        let e = worker.join().expect("no panic").expect_err("cancelled");
        assert_eq!(e.code, ErrorCode::Cancelled, "{e}");
        seen
    });
    assert!(seen_folder, "the extraction folder never appeared");
    assert!(
        listing(&scratch).is_empty(),
        "left behind: {:?}",
        listing(&scratch)
    );
}
