//! Size limits on every input (issue 14, "Limits"): each is refused with `InvalidInput`
//! (or `RequestTooLarge` for the request itself) before it is parsed, and no value of any
//! width panics the table renderer.
//!
//! Inputs and their documented limits, and where each is tested:
//!
//! | Input | Limit | Test |
//! |---|---|---|
//! | Host of `--endpoint` / `Endpoints`, proxy URL host, `--namespace` host | 253 characters, labels 1–63 of letters, digits, hyphens (RFC 1035 §2.3.4, RFC 1123 §2.1; `endpoints::validate_host`); endpoint text read at most `MAX_ENDPOINT_TEXT` (300) characters | here |
//! | Port of an endpoint / proxy / `--dns-server` | 1–65535 | here, `src/endpoints.rs` unit tests |
//! | `--dns-server` | an IP literal, optionally with a port; at most 300 characters | here |
//! | Request JSON (`run_json`, C ABI) | `request::MAX_REQUEST_BYTES` (16 MiB) → `RequestTooLarge` | here, `src/request.rs`, `tests/ffi_abi.rs` |
//! | Snapshot file | `snapshot::load::MAX_SNAPSHOT_BYTES` (64 MiB), 2,000,000 values | `tests/prerequisites.rs` (sparse file) |
//! | Report input file (`report` `ReportPath`) | `report::input::MAX_REPORT_BYTES` (64 MiB) | here (sparse file) |
//! | Server config files | `serverconfig::MAX_FILE_BYTES` (16 MiB), `MAX_FILES`, `MAX_NODES` | `tests/serverconfig.rs` |
//! | SDDL text | `sddl::parse::MAX_LEN` (64 KiB), `MAX_DEPTH` (32) | `src/sddl/parse.rs` unit tests |
//! | Binary security descriptor | `sddl::binary::MAX_BINARY_LEN` (64 KiB) | `tests/sddl_binary.rs` |
//! | Support bundle | `bundle::MAX_BUNDLE_BYTES` (1 GiB), `MAX_ENTRIES`, `MAX_TOTAL_BYTES`, `MAX_ENTRY_BYTES`, `MAX_RATIO` | `tests/bundle.rs` |
//! | Events file (.evtx / JSON) | read as a stream in 64 KiB chunks; counts capped (`MAX_WARNING_TEXTS`, `MAX_DISTINCT_*`, `MAX_RELAYS`) rather than a byte limit | `tests/events*.rs` |
//! | `--namespace` count | `relay_path::MAX_NAMESPACES` (16) | `tests/connectivity_namespaces.rs` |
//! | Table values (check, target, message from a server) | none needed: any width renders in at most `render::WIDTH` (120) columns | here (proptest) |

use std::process::Command;

use proptest::prelude::*;
use serde_json::{json, Map, Value};
use writeback_diagnostics::api::{CheckResult, Report, Status, Summary};
use writeback_diagnostics::endpoints::{self, Cloud, Endpoint};
use writeback_diagnostics::error::ErrorCode;
use writeback_diagnostics::{render, request};

/// Runs wbdiag offline (no default endpoints) and returns (exit code, stdout, stderr).
fn wbdiag(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_wbdiag"))
        .args(args)
        .output()
        .expect("run wbdiag");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Asserts a usage error: exit 2, one short line on stderr naming `needle`, no panic.
fn usage_error(args: &[&str], needle: &str) {
    let (code, stdout, stderr) = wbdiag(args);
    let shown: String = stderr.chars().take(400).collect();
    assert_eq!(code, 2, "exit code; stderr: {shown}");
    assert!(!stderr.contains("panicked"), "{shown}");
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {shown}");
    assert!(stderr.len() < 300, "short line: {shown}");
    assert!(stderr.contains(needle), "'{needle}' in: {shown}");
    assert!(stdout.is_empty(), "no probe ran: {stdout}");
}

fn name_of(len: usize) -> String {
    // Labels of 63 characters joined by dots, cut to `len` and not ending in a dot.
    let mut s = String::new();
    while s.len() < len {
        if !s.is_empty() {
            s.push('.');
        }
        s.push_str(&"a".repeat(63));
    }
    s.truncate(len);
    while s.ends_with('.') {
        s.pop();
        s.push('b');
    }
    s
}

#[test]
fn a_100000_character_endpoint_is_a_usage_error() {
    let huge = "a".repeat(100_000);
    usage_error(
        &[
            "connectivity",
            "--no-default-endpoints",
            "--endpoint",
            &huge,
        ],
        "100000 characters",
    );
}

#[test]
fn host_names_longer_than_dns_allows_are_usage_errors() {
    let long = "a".repeat(300);
    usage_error(
        &[
            "connectivity",
            "--no-default-endpoints",
            "--endpoint",
            &long,
        ],
        "host name is 300 characters; DNS allows at most 253",
    );
    let n254 = name_of(254);
    usage_error(
        &[
            "connectivity",
            "--no-default-endpoints",
            "--endpoint",
            &format!("{n254}:443"),
        ],
        "DNS allows at most 253",
    );
    let label = format!("{}.example.com", "a".repeat(64));
    usage_error(
        &[
            "connectivity",
            "--no-default-endpoints",
            "--endpoint",
            &label,
        ],
        "label of 64 characters; DNS allows at most 63",
    );
    usage_error(
        &[
            "connectivity",
            "--no-default-endpoints",
            "--endpoint=-bad.example.com",
        ],
        "hyphen",
    );
    usage_error(
        &[
            "connectivity",
            "--no-default-endpoints",
            "--endpoint",
            "a..example.com",
        ],
        "empty label",
    );
    usage_error(
        &[
            "connectivity",
            "--no-default-endpoints",
            "--endpoint",
            "host.example.com:0",
        ],
        "1 to 65535",
    );
    usage_error(
        &[
            "connectivity",
            "--no-default-endpoints",
            "--endpoint",
            "host.example.com:65536",
        ],
        "1 to 65535",
    );
}

#[test]
fn proxy_namespace_and_dns_server_follow_the_same_rules() {
    let long = "a".repeat(300);
    usage_error(
        &[
            "connectivity",
            "--no-default-endpoints",
            "--endpoint",
            "127.0.0.1:1",
            "--proxy",
            &format!("http://{long}:8080"),
        ],
        "at most 253",
    );
    // A bare namespace gets the Service Bus suffix; together they must still fit.
    let bare = "a".repeat(63);
    let fits = endpoints::namespace_host(Cloud::Public, &bare).expect("63 fits");
    assert!(fits.len() <= 253);
    let label = "a".repeat(64);
    usage_error(
        &[
            "connectivity",
            "--no-default-endpoints",
            "--endpoint",
            "127.0.0.1:1",
            "--namespace",
            &label,
        ],
        "label of 64 characters; DNS allows at most 63",
    );
    usage_error(
        &[
            "connectivity",
            "--no-default-endpoints",
            "--endpoint",
            "127.0.0.1:1",
            "--namespace",
            &long,
        ],
        "DNS allows at most",
    );
    let huge = "a".repeat(100_000);
    usage_error(
        &[
            "connectivity",
            "--no-default-endpoints",
            "--endpoint",
            "127.0.0.1:1",
            "--namespace",
            &huge,
        ],
        "100000 characters",
    );
    usage_error(
        &[
            "connectivity",
            "--no-default-endpoints",
            "--endpoint",
            "127.0.0.1:1",
            "--dns-server",
            &huge,
        ],
        "DnsServer",
    );
    usage_error(
        &[
            "connectivity",
            "--no-default-endpoints",
            "--endpoint",
            "127.0.0.1:1",
            "--dns-server",
            "127.0.0.1:0",
        ],
        "port 0",
    );
}

#[test]
fn a_253_character_name_and_ip_literals_pass_validation() {
    let n253 = name_of(253);
    assert_eq!(n253.len(), 253);
    assert_eq!(endpoints::validate_host(&n253), Ok(()));
    assert_eq!(endpoints::validate_host(&format!("{n253}.")), Ok(()));
    let e = Endpoint::parse(&format!("{n253}:9350")).expect("253 characters is allowed");
    assert_eq!((e.host.len(), e.port), (253, 9350));
    let e = Endpoint::parse(&format!("https://{n253}:65535/")).expect("with scheme and port");
    assert_eq!(e.port, 65535);
    assert_eq!(
        endpoints::namespace_host(Cloud::Public, &n253).map(|h| h.len()),
        Ok(253)
    );
    let v6 = Endpoint::parse("[::1]:8443").expect("IPv6 literal");
    assert_eq!((v6.host.as_str(), v6.port), ("::1", 8443));
    assert!(Endpoint::parse("192.0.2.1:1").is_ok());
    assert!(
        endpoints::validate_host("1.2.3.4.5").is_ok(),
        "digits are letters of a name"
    );
    assert!(endpoints::validate_host("a:b").is_err());
    assert!(endpoints::validate_host("bad_name.example").is_err());
}

#[test]
fn a_request_over_max_request_bytes_is_request_too_large() {
    let big = format!(
        "{{\"Command\":\"connectivity\",\"Options\":{{\"Pad\":\"{}\"}}}}",
        "a".repeat(request::MAX_REQUEST_BYTES)
    );
    let err = request::parse(&big).expect_err("too large");
    assert_eq!(err.code, ErrorCode::RequestTooLarge);
    let out: Value = serde_json::from_str(&writeback_diagnostics::run_json(&big)).expect("JSON");
    assert_eq!(out["Error"]["Code"], json!("RequestTooLarge"), "{out}");
}

#[test]
fn a_report_file_over_64_mib_is_refused_before_reading() {
    let dir = tempfile::tempdir().expect("tempdir");
    let big = dir.path().join("report.json");
    std::fs::File::create(&big)
        .and_then(|f| f.set_len(writeback_diagnostics::report::input::MAX_REPORT_BYTES + 1))
        .expect("sparse file");
    let html = dir.path().join("out.html");
    let started = std::time::Instant::now();
    let request = json!({
        "Command": "report",
        "Options": { "ReportPath": big, "Path": html },
    })
    .to_string();
    let out: Value =
        serde_json::from_str(&writeback_diagnostics::run_json(&request)).expect("JSON");
    assert_eq!(out["Ok"], json!(false), "{out}");
    assert_eq!(out["Error"]["Code"], json!("InvalidInput"), "{out}");
    assert!(
        out["Error"]["Message"]
            .as_str()
            .unwrap_or_default()
            .contains("the limit is"),
        "{out}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert!(!html.exists());
}

fn result(
    check: String,
    target: String,
    status: Status,
    message: String,
    extra: String,
) -> CheckResult {
    CheckResult {
        id: "LIMITS-TEST".into(),
        check,
        target,
        status,
        title: extra.clone(),
        message,
        remediation: extra,
        docs_url: String::new(),
        evidence: Map::new(),
        duration_ms: 0,
    }
}

fn report(results: Vec<CheckResult>) -> Report {
    Report {
        tool: "WritebackDiagnostics".into(),
        version: "0".into(),
        command: "connectivity".into(),
        started_at: "2026-12-02T00:00:00Z".into(),
        duration_ms: 1,
        summary: Summary::of(&results),
        results,
    }
}

/// Table lines (header, rule, rows) fit `render::WIDTH` display columns and hold no control
/// character; the "What to fix" lines are free text but also hold no control character.
fn check_rendered(text: &str, rows: usize) {
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("Status"), "{text}");
    for line in &lines[..rows + 2] {
        let w = comfy_width(line);
        assert!(w <= render::WIDTH as usize, "{w} columns: {line:?}");
    }
    assert_eq!(lines[rows + 2], "", "blank line before the summary: {text}");
    assert!(lines[rows + 3].contains(" pass, "), "{text}");
    for line in &lines {
        assert!(
            !line.chars().any(|c| c.is_control()),
            "control character in {line:?}"
        );
    }
}

/// Display width as a terminal shows it (wide characters count 2, combining marks 0).
fn comfy_width(line: &str) -> usize {
    // The renderer lays out with unicode-width; a cell's char count bounds its width from
    // below, and wide characters at most double it. Measure by laying out again.
    let mut t = comfy_table::Table::new();
    t.load_style(comfy_table::TableStyle::new())
        .add_row(vec![line.to_string()]);
    t.column_max_content_widths()[0] as usize
}

#[test]
fn hostile_values_render_on_one_line_each() {
    let values = [
        "a".repeat(100_000),
        "é".repeat(5_000),
        "e\u{301}".repeat(5_000),
        "表".repeat(5_000),
        "line one\nline two\r\n\tthree".into(),
        "\u{1b}[2J\u{1b}]0;owned\u{7}red \u{1b}[31mtext\u{9b}31m".into(),
        "\u{202e}reversed".into(),
        String::new(),
    ];
    let results: Vec<CheckResult> = values
        .iter()
        .map(|v| result(v.clone(), v.clone(), Status::Fail, v.clone(), v.clone()))
        .collect();
    let n = results.len();
    let text = render::table(&report(results));
    check_rendered(&text, n);
    assert!(!text.contains('\u{1b}'));
    assert!(
        text.contains("\\u{1b}[31m"),
        "escapes are shown, not obeyed"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_strings_never_panic_the_renderer(
        rows in proptest::collection::vec(
            (any::<String>(), any::<String>(), any::<String>(), any::<String>(), 0u8..5),
            0..6,
        ),
        long in 0usize..3000,
    ) {
        let results: Vec<CheckResult> = rows
            .into_iter()
            .map(|(c, t, m, x, s)| {
                let status = [Status::Pass, Status::Warning, Status::Fail, Status::Skipped, Status::Error][s as usize];
                result(c, t, status, format!("{m}{}", "x".repeat(long)), x)
            })
            .collect();
        let n = results.len();
        let text = render::table(&report(results));
        check_rendered(&text, n);
    }
}
