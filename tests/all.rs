//! The `all` command: every suite from files, SUITE-* rows for what has no input, the
//! `wbdiag all` CLI (exit codes, JSON, runbook mode), and `docs/checks.md` listing every
//! check Id the engine can emit.
//!
//! Connectivity runs only against a closed loopback port (`NoDefaultEndpoints`), never the
//! internet.

#[path = "common/ids.rs"]
mod ids;

use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use regex::Regex;
use serde_json::{json, Value};
use writeback_diagnostics::control::Control;
use writeback_diagnostics::events::catalog;
use writeback_diagnostics::{engine, request};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    l.local_addr().expect("local addr").port()
}

fn loopback() -> Value {
    json!({"NoDefaultEndpoints": true, "Endpoints": [format!("127.0.0.1:{}", closed_port())],
           "TimeoutMs": 500})
}

fn run(options: Value) -> Value {
    let control = Control::new();
    let text = json!({"Command": "all", "Options": options}).to_string();
    let report = request::parse(&text)
        .and_then(|r| engine::run(&r, &control))
        .unwrap_or_else(|e| panic!("all failed: {e}"));
    assert_eq!(control.progress().percent, 100);
    serde_json::to_value(report).expect("report JSON")
}

fn results(report: &Value) -> &Vec<Value> {
    report["Results"].as_array().expect("Results")
}

fn ids_of(report: &Value, prefix: &str) -> Vec<String> {
    results(report)
        .iter()
        .filter_map(|r| r["Id"].as_str())
        .filter(|id| id.starts_with(prefix))
        .map(str::to_string)
        .collect()
}

#[test]
fn every_suite_runs_on_its_input_and_tags_its_results() {
    let report = run(json!({
        "SnapshotPath": fixture("permissions/contoso.json"),
        "ServerConfigPath": fixture("serverconfig/contoso"),
        "EventsPath": fixture("events/healthy.ps7.json"),
        "Now": "2024-06-03T11:05:00Z",
        "Connectivity": loopback(),
    }));
    assert_eq!(report["Command"], "all");
    assert!(
        ids_of(&report, "SUITE-").is_empty(),
        "{:#}",
        report["Results"]
    );
    for (prefix, suite) in [
        ("PRE-", "prerequisites"),
        ("PERM-", "permissions"),
        ("EVT-", "events"),
        ("CONN-", "connectivity"),
    ] {
        let mine: Vec<&Value> = results(&report)
            .iter()
            .filter(|r| r["Id"].as_str().is_some_and(|id| id.starts_with(prefix)))
            .collect();
        assert!(!mine.is_empty(), "no {prefix} results");
        assert!(
            mine.iter().all(|r| r["Evidence"]["Suite"] == suite),
            "{prefix}: {mine:#?}"
        );
    }
    // The suites come in their fixed order.
    let order: Vec<&str> = results(&report)
        .iter()
        .filter_map(|r| r["Evidence"]["Suite"].as_str())
        .collect();
    let mut firsts: Vec<&str> = Vec::new();
    for s in order {
        if firsts.last() != Some(&s) {
            firsts.push(s);
        }
    }
    assert_eq!(
        firsts,
        ["prerequisites", "permissions", "events", "connectivity"]
    );
}

#[test]
fn with_only_the_network_the_others_say_how_to_supply_their_input() {
    let report = run(json!({"Connectivity": loopback()}));
    let suites = ids_of(&report, "SUITE-");
    assert_eq!(
        suites,
        ["SUITE-PREREQUISITES", "SUITE-PERMISSIONS", "SUITE-EVENTS"]
    );
    for r in results(&report)
        .iter()
        .filter(|r| r["Id"].as_str().is_some_and(|i| i.starts_with("SUITE-")))
    {
        assert_eq!(r["Status"], "Skipped", "{r:#}");
        assert!(
            r["Remediation"].as_str().is_some_and(|t| t.contains("--")),
            "{r:#}"
        );
    }
    let conn = ids_of(&report, "CONN-");
    assert!(conn.contains(&"CONN-TCP".to_string()), "{conn:?}");
    let tcp = results(&report)
        .iter()
        .find(|r| r["Id"] == "CONN-TCP")
        .expect("CONN-TCP");
    assert_eq!(tcp["Status"], "Fail");
}

#[test]
fn the_suite_list_leaves_the_others_out() {
    let report = run(json!({"Connectivity": loopback(), "Suites": ["connectivity"]}));
    assert!(
        ids_of(&report, "SUITE-").is_empty(),
        "{:#}",
        report["Results"]
    );
    assert_eq!(ids_of(&report, "CONN-").len(), results(&report).len());
}

/// What one run of `wbdiag` did.
struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `wbdiag ARGS` as a runbook would: stdin closed, no TERM, pipes for output.
fn wbdiag(args: &[&str]) -> Out {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wbdiag"))
        .args(args)
        .env_remove("TERM")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn wbdiag");
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("wbdiag {args:?} still running after 30 s");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let mut stderr = String::new();
    let _ = err.read_to_string(&mut stderr);
    let out = Out {
        code: status.code().expect("exit code"),
        stdout: reader.join().expect("stdout thread"),
        stderr,
    };
    assert!(
        !out.stdout.contains('\x1b') && !out.stderr.contains('\x1b'),
        "escape codes without a terminal: {args:?}"
    );
    out
}

#[test]
fn the_cli_prints_a_table_or_json_with_the_contract_exit_codes() {
    let endpoint = format!("127.0.0.1:{}", closed_port());
    let conn = [
        "--no-default-endpoints",
        "--endpoint",
        &endpoint,
        "--timeout-ms",
        "500",
    ];
    let mut args = vec!["all", "--json"];
    args.extend(conn);
    let r = wbdiag(&args);
    assert_eq!(r.code, 1, "a refused port fails: {}", r.stderr);
    let report: Value = serde_json::from_str(&r.stdout).expect("--json is JSON");
    assert_eq!(report["Command"], "all");
    assert_eq!(ids_of(&report, "SUITE-").len(), 3);
    let mut args = vec!["all"];
    args.extend(conn);
    let table = wbdiag(&args);
    assert_eq!(table.code, 1);
    assert!(table.stdout.contains("Skipped  Suite"), "{}", table.stdout);
    assert!(
        table.stdout.contains("To run the skipped suites:"),
        "{}",
        table.stdout
    );
    assert!(
        table.stdout.contains("--snapshot env.json"),
        "{}",
        table.stdout
    );
    let skipped = wbdiag(&["all", "--suite", "events", "--suite", "permissions"]);
    assert_eq!(skipped.code, 0, "only skipped rows: {}", skipped.stdout);
    let events = wbdiag(&[
        "all",
        "--suite",
        "events",
        "--events",
        &fixture("events/healthy.ps7.json").to_string_lossy(),
        "--now",
        "2024-06-03T11:05:00Z",
        "--json",
    ]);
    assert_eq!(events.code, 0, "{}", events.stdout);
    let report: Value = serde_json::from_str(&events.stdout).expect("JSON");
    assert!(
        ids_of(&report, "EVT-HEARTBEAT").len() == 1,
        "{}",
        events.stdout
    );
}

#[test]
fn cli_usage_and_input_errors_exit_2_with_one_line() {
    let missing = fixture("bundle/no-such-bundle.zip");
    let missing = missing.to_string_lossy();
    for args in [
        vec!["all", "--suite", "network"],
        vec!["all", "--bundle", "b.zip", "--snapshot", "env.json"],
        vec!["all", "--bundle", "b.zip", "--endpoint", "127.0.0.1:1"],
        vec!["all", "--now", "later", "--suite", "events"],
        vec!["all", "--no-default-endpoints", "--suite", "connectivity"],
        vec!["all", "--bundle", &missing],
    ] {
        let r = wbdiag(&args);
        assert_eq!(r.code, 2, "{args:?}: {} {}", r.stdout, r.stderr);
        assert_eq!(r.stderr.trim().lines().count(), 1, "{args:?}: {}", r.stderr);
        assert!(r.stdout.trim().is_empty(), "{args:?}: {}", r.stdout);
    }
}

#[test]
fn docs_checks_md_lists_every_check_id_the_engine_can_emit() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = ids::read(&root.join("docs/checks.md"));
    let literal =
        Regex::new(r#""((?:PRE|CONN|EVT|PERM|USER|SUITE)-[A-Z0-9-]*[A-Z0-9])""#).expect("regex");
    let mut all = ids::ids_in_src(&literal);
    let catalog_file = "src/events/catalog.rs".to_string();
    for e in catalog::EVENTS {
        all.push((e.result_id(), catalog_file.clone()));
    }
    for h in catalog::HR_CODES {
        all.push((format!("EVT-HR-{:08X}", h.code), catalog_file.clone()));
    }
    for prefix in ["PRE-", "CONN-", "EVT-", "PERM-", "USER-", "SUITE-"] {
        assert!(
            all.iter().any(|(id, _)| id.starts_with(prefix)),
            "no {prefix} id found in src/"
        );
    }
    assert!(all.len() >= 150, "found only {} ids", all.len());
    let missing = ids::missing_from(&doc, &all);
    assert!(
        missing.is_empty(),
        "ids missing from docs/checks.md: {missing:?}"
    );
}

#[test]
fn cancelling_inside_a_suite_stops_the_whole_run_and_progress_names_the_suite() {
    // Accepts connections and never answers, so the TLS stage waits for its deadline.
    let silent = TcpListener::bind("127.0.0.1:0").expect("bind");
    let endpoint = format!("127.0.0.1:{}", silent.local_addr().expect("addr").port());
    let options = json!({"Suites": ["events", "connectivity"],
        "EventsPath": fixture("events/healthy.ps7.json"), "Now": "2024-06-03T11:05:00Z",
        "Connectivity": {"NoDefaultEndpoints": true, "Endpoints": [endpoint], "TimeoutMs": 20000}});
    let text = json!({"Command": "all", "Options": options}).to_string();
    let req = request::parse(&text).expect("request");
    let control = Control::new();
    let started = Instant::now();
    let (outcome, seen) = std::thread::scope(|s| {
        let worker = s.spawn(|| engine::run(&req, &control));
        let mut seen = String::new();
        while !worker.is_finished() && started.elapsed() < Duration::from_secs(15) {
            let p = control.progress();
            if p.activity.starts_with("Suite 2 of 2: connectivity") {
                seen = p.activity;
                std::thread::sleep(Duration::from_millis(200));
                control.cancel();
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        (worker.join().expect("no panic"), seen)
    });
    assert!(
        !seen.is_empty(),
        "progress never named the connectivity suite"
    );
    let e = outcome.expect_err("cancelled");
    assert_eq!(
        e.code,
        writeback_diagnostics::error::ErrorCode::Cancelled,
        "{e}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "cancellation took {:?}",
        started.elapsed()
    );
    drop(silent);
}
