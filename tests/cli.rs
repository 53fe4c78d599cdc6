//! The `wbdiag` binary: exit codes, table and JSON output, bad input, defaults.
//!
//! Every run is bounded by a watchdog that kills the process and fails the test.

mod support;
mod wbdiag_run;

use std::net::ToSocketAddrs;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::{closed_port, write_machine_config, LeafKind, Pki, Server};
use wbdiag_run::{wbdiag, Run};

const LIMIT: Duration = Duration::from_secs(20);

fn describe(r: &Run) -> String {
    format!(
        "exit {}\n--- stdout\n{}\n--- stderr\n{}",
        r.code, r.stdout, r.stderr
    )
}

/// Table rows (`Status Check Target Message`) for `target`, as (status, check).
fn table_rows(stdout: &str, target: &str) -> Vec<(String, String)> {
    stdout
        .lines()
        .filter_map(|line| {
            let cols: Vec<&str> = line.split_whitespace().collect();
            (cols.len() >= 3 && cols[2] == target)
                .then(|| (cols[0].to_string(), cols[1].to_string()))
        })
        .collect()
}

#[test]
fn good_endpoint_exits_0_with_a_table_row_per_stage() {
    let pki = Pki::new();
    let server = Server::https_401(&pki.leaf(LeafKind::Good));
    let target = server.endpoint();
    let ca = pki.ca_file_str();
    let r = wbdiag(
        &[
            "connectivity",
            "--no-default-endpoints",
            "--endpoint",
            &target,
            "--ca-file",
            &ca,
            "--timeout-ms",
            "3000",
        ],
        LIMIT,
    );
    assert_eq!(r.code, 0, "{}", describe(&r));
    let rows = table_rows(&r.stdout, &target);
    let checks: Vec<&str> = rows.iter().map(|(_, c)| c.as_str()).collect();
    assert_eq!(
        checks,
        ["Dns", "Tcp", "Tls", "Http"],
        "one row per stage: {}",
        describe(&r)
    );
    assert!(
        rows.iter().all(|(s, _)| s == "Pass"),
        "every row passes: {}",
        describe(&r)
    );
}

#[test]
fn closed_port_exits_1_and_table_names_each_stage() {
    let pki = Pki::new();
    let server = Server::https_401(&pki.leaf(LeafKind::Good));
    let good = server.endpoint();
    let closed = format!("localhost:{}", closed_port());
    let ca = pki.ca_file_str();
    let r = wbdiag(
        &[
            "connectivity",
            "--no-default-endpoints",
            "--endpoint",
            &good,
            "--endpoint",
            &closed,
            "--ca-file",
            &ca,
            "--timeout-ms",
            "2000",
        ],
        LIMIT,
    );
    assert_eq!(r.code, 1, "{}", describe(&r));
    let good_rows = table_rows(&r.stdout, &good);
    let closed_rows = table_rows(&r.stdout, &closed);
    let checks = |rows: &[(String, String)]| -> Vec<String> {
        rows.iter().map(|(_, c)| c.clone()).collect()
    };
    assert_eq!(
        checks(&good_rows),
        ["Dns", "Tcp", "Tls", "Http"],
        "{}",
        describe(&r)
    );
    assert_eq!(
        checks(&closed_rows),
        ["Dns", "Tcp", "Tls", "Http"],
        "{}",
        describe(&r)
    );
    let statuses: Vec<&str> = closed_rows.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(statuses[0], "Pass", "{}", describe(&r));
    assert_ne!(statuses[1], "Pass", "Tcp must not pass: {}", describe(&r));
    assert_eq!(&statuses[2..], ["Skipped", "Skipped"], "{}", describe(&r));
}

#[test]
fn json_output_is_the_report() {
    let closed = format!("localhost:{}", closed_port());
    let r = wbdiag(
        &[
            "connectivity",
            "--no-default-endpoints",
            "--endpoint",
            &closed,
            "--timeout-ms",
            "2000",
            "--json",
        ],
        LIMIT,
    );
    assert_eq!(r.code, 1, "{}", describe(&r));
    let report: Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("--json output is not JSON ({e}): {}", describe(&r)));
    for key in [
        "Tool",
        "Version",
        "Command",
        "StartedAt",
        "DurationMs",
        "Results",
        "Summary",
    ] {
        assert!(
            report.get(key).is_some(),
            "report lacks {key}: {}",
            r.stdout
        );
    }
    assert_eq!(report["Command"], json!("connectivity"));
    let results = report["Results"].as_array().expect("Results");
    let checks: Vec<&str> = results
        .iter()
        .filter(|x| x["Target"] == closed.as_str())
        .map(|x| x["Check"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(checks, ["Dns", "Tcp", "Tls", "Http"], "{}", r.stdout);
    let tcp = results
        .iter()
        .find(|x| x["Check"] == "Tcp")
        .expect("Tcp result");
    assert_eq!(tcp["Status"], json!("Fail"));
    assert_eq!(tcp["Evidence"]["Outcome"], json!("Refused"));
    assert!(report["Summary"]["Fail"].as_u64().unwrap_or(0) >= 1);
}

/// Checks exit code 2, a one-line reason on stderr and nothing on stdout. Returns the
/// reason, or what was wrong.
#[test]
fn idle_adds_a_row_with_the_checkpoints() {
    let pki = Pki::new();
    let server = Server::tls(
        &pki.leaf(LeafKind::Good),
        support::Behavior::IdleServer { close_after: None },
    );
    let target = server.endpoint();
    let ca = pki.ca_file_str();
    let args = [
        "connectivity",
        "--no-default-endpoints",
        "--endpoint",
        &target,
        "--ca-file",
        &ca,
        "--idle",
        "--idle-checkpoints",
        "1,0.5",
    ];
    let r = wbdiag(&args, LIMIT);
    // Checkpoints shorter than the 360 s requirement give a Warning, which is not a failure.
    assert_eq!(r.code, 0, "{}", describe(&r));
    let rows = table_rows(&r.stdout, &target);
    assert_eq!(
        rows.last().map(|(s, c)| (s.as_str(), c.as_str())),
        Some(("Warning", "IdleTimeout")),
        "{}",
        describe(&r)
    );
    let mut json_args = args.to_vec();
    json_args.push("--json");
    let r = wbdiag(&json_args, LIMIT);
    let report: Value = serde_json::from_str(&r.stdout).expect("JSON report");
    let idle = report["Results"]
        .as_array()
        .and_then(|rows| rows.iter().find(|row| row["Id"] == "CONN-IDLE"))
        .cloned()
        .unwrap_or_default();
    let seconds: Vec<f64> = idle["Evidence"]["Checkpoints"]
        .as_array()
        .map(|c| c.iter().filter_map(|p| p["Seconds"].as_f64()).collect())
        .unwrap_or_default();
    assert_eq!(seconds, [0.5, 1.0], "{}", describe(&r));
}

/// On a terminal the CLI shows the engine's progress, including the idle test's time left.
#[test]
fn a_terminal_shows_the_idle_time_left() {
    let script = support::require_binary("script", "bsdutils");
    let pki = Pki::new();
    let server = Server::tls(
        &pki.leaf(LeafKind::Good),
        support::Behavior::IdleServer { close_after: None },
    );
    let command = format!(
        "{} connectivity --no-default-endpoints --endpoint {} --ca-file {} --idle --idle-checkpoints 2.5",
        env!("CARGO_BIN_EXE_wbdiag"),
        server.endpoint(),
        pki.ca_file_str()
    );
    let started = Instant::now();
    let out = Command::new(script)
        .args(["-q", "-e", "-c", &command, "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .expect("run script");
    assert!(started.elapsed() < LIMIT, "took {:?}", started.elapsed());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Idle test: 3 s left") || text.contains("Idle test: 2 s left"),
        "no idle progress on the terminal: {text}"
    );
    assert!(text.contains("IdleTimeout"), "{text}");
}

fn usage_error(args: &[&str], what: &str) -> Result<String, String> {
    let r = wbdiag(args, LIMIT);
    let reason = r.stderr.trim();
    if r.code != 2 {
        return Err(format!("{what}: expected exit 2; {}", describe(&r)));
    }
    if reason.is_empty() || reason.lines().count() != 1 {
        return Err(format!(
            "{what}: expected a one-line reason on stderr; {}",
            describe(&r)
        ));
    }
    if !r.stdout.trim().is_empty() {
        return Err(format!(
            "{what}: expected nothing on stdout; {}",
            describe(&r)
        ));
    }
    Ok(reason.to_string())
}

fn with<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["connectivity", "--no-default-endpoints"];
    v.extend_from_slice(extra);
    v
}

/// Runs every case and fails once, listing every case that was wrong.
fn all_usage_errors(cases: &[(&str, Vec<&str>)]) {
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(what, args)| usage_error(args, what).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases wrong:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

#[test]
fn bad_endpoint_values_exit_2_with_a_one_line_reason() {
    all_usage_errors(&[
        ("empty host", with(&["--endpoint", ":443"])),
        ("empty endpoint", with(&["--endpoint", ""])),
        (
            "port out of range",
            with(&["--endpoint", "localhost:70000"]),
        ),
        ("port 0", with(&["--endpoint", "localhost:0"])),
        ("non-numeric port", with(&["--endpoint", "localhost:https"])),
        ("no endpoint at all", with(&[])),
    ]);
}

#[test]
fn bad_numbers_cloud_and_options_exit_2_with_a_one_line_reason() {
    all_usage_errors(&[
        (
            "non-numeric --timeout-ms",
            with(&["--endpoint", "localhost:1", "--timeout-ms", "soon"]),
        ),
        (
            "negative --timeout-ms",
            with(&["--endpoint", "localhost:1", "--timeout-ms=-5"]),
        ),
        (
            "non-numeric --overall-timeout-ms",
            with(&["--endpoint", "localhost:1", "--overall-timeout-ms", "1.5s"]),
        ),
        (
            "unknown cloud",
            vec!["connectivity", "--cloud", "mars", "--timeout-ms", "500"],
        ),
        (
            "unknown option",
            with(&["--endpoint", "localhost:1", "--frobnicate"]),
        ),
        ("unknown command", vec!["teleport"]),
        (
            "--idle-checkpoints without --idle",
            with(&["--endpoint", "localhost:1", "--idle-checkpoints", "60"]),
        ),
        (
            "non-numeric --idle-checkpoints",
            with(&[
                "--endpoint",
                "localhost:1",
                "--idle",
                "--idle-checkpoints",
                "1m",
            ]),
        ),
        (
            "zero idle checkpoint",
            with(&[
                "--endpoint",
                "localhost:1",
                "--idle",
                "--idle-checkpoints",
                "0,60",
            ]),
        ),
    ]);
}

#[test]
fn unusable_files_exit_2_with_a_one_line_reason_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.pem");
    let missing = missing.to_str().unwrap();
    let malformed = dir.path().join("machine.config");
    std::fs::write(&malformed, "<configuration><system.net><defaultProxy>").unwrap();
    let malformed = malformed.to_str().unwrap();
    let reason = usage_error(
        &with(&["--endpoint", "localhost:1", "--ca-file", missing]),
        "unreadable --ca-file",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(reason.contains("missing.pem"), "name the file: {reason}");
    let reason = usage_error(
        &with(&["--endpoint", "localhost:1", "--machine-config", malformed]),
        "malformed --machine-config",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(reason.contains("machine.config"), "name the file: {reason}");
}

#[test]
fn valid_machine_config_is_accepted() {
    // Counterpart of the malformed case above: a well-formed file is not a usage error.
    let pki = Pki::new();
    let server = Server::https_401(&pki.leaf(LeafKind::Good));
    let dir = tempfile::tempdir().unwrap();
    let config = write_machine_config(
        dir.path(),
        r#"<defaultProxy enabled="false"><proxy proxyaddress="http://127.0.0.1:1" /></defaultProxy>"#,
    );
    let target = server.endpoint();
    let ca = pki.ca_file_str();
    let r = wbdiag(
        &[
            "connectivity",
            "--no-default-endpoints",
            "--endpoint",
            &target,
            "--ca-file",
            &ca,
            "--machine-config",
            config.to_str().unwrap(),
            "--timeout-ms",
            "3000",
        ],
        LIMIT,
    );
    assert_eq!(r.code, 0, "{}", describe(&r));
}

/// Resolves `host` with the system resolver, giving up after `limit`.
fn resolves(host: &str, limit: Duration) -> bool {
    let host = format!("{host}:443");
    let (tx, rx) = std::sync::mpsc::channel();
    thread::spawn(move || {
        let ok = host.to_socket_addrs().map(|mut a| a.next().is_some());
        let _ = tx.send(matches!(ok, Ok(true)));
    });
    rx.recv_timeout(limit).unwrap_or(false)
}

const DEFAULT_PUBLIC_HOSTS: [&str; 3] = [
    "passwordreset.microsoftonline.com",
    "ssprdedicatedsbprodscu.servicebus.windows.net",
    "ssprdedicatedsbprodncu.servicebus.windows.net",
];

#[test]
fn default_endpoints_fail_without_internet_and_finish_in_time() {
    // This is the only test that names non-loopback hosts, and it only resolves them.
    // Where the resolver does answer, the run goes through a proxy on a closed loopback
    // port, so nothing ever connects past this machine.
    let online = DEFAULT_PUBLIC_HOSTS
        .iter()
        .any(|h| resolves(h, Duration::from_secs(5)));
    let dead_proxy = format!("http://127.0.0.1:{}", closed_port());
    let mut args = vec![
        "connectivity",
        "--timeout-ms",
        "2000",
        "--overall-timeout-ms",
        "8000",
        "--json",
    ];
    if online {
        args.extend_from_slice(&["--proxy", &dead_proxy]);
    }
    let r = wbdiag(&args, LIMIT);
    assert_eq!(r.code, 1, "{}", describe(&r));
    assert!(
        r.elapsed < Duration::from_secs(10),
        "took {:?} with an 8 s overall deadline",
        r.elapsed
    );
    let report: Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("--json output is not JSON ({e}): {}", describe(&r)));
    let results = report["Results"].as_array().expect("Results");
    for host in DEFAULT_PUBLIC_HOSTS {
        let mine: Vec<&Value> = results
            .iter()
            .filter(|x| {
                x["Target"]
                    .as_str()
                    .is_some_and(|t| t.starts_with(&format!("{host}:")))
            })
            .collect();
        assert!(
            !mine.is_empty(),
            "default host {host} was not tested: {}",
            r.stdout
        );
        if online {
            assert!(
                mine.iter().any(|x| x["Status"] == "Fail"),
                "{host} should fail at the dead proxy: {}",
                r.stdout
            );
        } else {
            let dns = mine
                .iter()
                .find(|x| x["Id"] == "CONN-DNS")
                .unwrap_or_else(|| panic!("no CONN-DNS for {host}: {}", r.stdout));
            assert_eq!(dns["Status"], json!("Fail"), "{host}: {}", r.stdout);
            assert!(
                mine.iter()
                    .filter(|x| x["Id"] != "CONN-DNS")
                    .all(|x| x["Status"] == "Skipped"),
                "{host}: stages after a failed DNS are skipped: {}",
                r.stdout
            );
        }
    }
}
