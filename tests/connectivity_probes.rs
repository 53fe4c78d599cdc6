//! The connectivity command against real servers on loopback, through `run_json`.
//!
//! Each test provokes one outcome and asserts both the `Status` and the stable
//! `Evidence.Outcome` token, so a wrong classification fails even when the status
//! happens to match. Servers come from `tests/support` and stop by themselves.

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::{
    closed_port, pretty, run_connectivity, squid_error_page, write_machine_config, Behavior,
    Blackhole, LeafKind, OpensslServer, Pki, ProxyMode, Server, Tinyproxy, ROGUE_CA_CN, TEST_CA_CN,
};

const DIRECT: [&str; 4] = ["Dns", "Tcp", "Tls", "Http"];
const VIA_PROXY: [&str; 4] = ["Dns", "Proxy", "Tls", "Http"];

/// Runs one connectivity request and returns the report and the wall time it took.
fn run(options: Value) -> (Value, Duration) {
    let (report, elapsed) = run_connectivity(options);
    check_report_shape(&report);
    (report, elapsed)
}

/// Runs a request that must be rejected and returns the error body.
fn run_err(options: Value) -> Value {
    let request = json!({ "Command": "connectivity", "Options": options }).to_string();
    let out = writeback_diagnostics::run_json(&request);
    let envelope: Value = serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("run_json returned invalid JSON ({e}): {out}"));
    assert_eq!(
        envelope["Ok"],
        json!(false),
        "expected an error envelope: {out}"
    );
    envelope["Error"].clone()
}

/// Options for probing `endpoints` only, trusting the test CA.
fn options(pki: &Pki, endpoints: &[String], timeout_ms: u64) -> Value {
    json!({
        "Endpoints": endpoints,
        "NoDefaultEndpoints": true,
        "CaFile": pki.ca_file_str(),
        "TimeoutMs": timeout_ms,
    })
}

/// Contract checks that hold for every report.
fn check_report_shape(report: &Value) {
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
            pretty(report)
        );
    }
    assert_eq!(report["Command"], json!("connectivity"));
    let results = report["Results"].as_array().expect("Results is an array");
    for r in results {
        for key in [
            "Id",
            "Check",
            "Target",
            "Status",
            "Title",
            "Message",
            "Remediation",
            "DocsUrl",
            "Evidence",
            "DurationMs",
        ] {
            assert!(r.get(key).is_some(), "result lacks {key}: {}", pretty(r));
        }
        let status = r["Status"].as_str().unwrap_or_default();
        assert!(
            ["Pass", "Warning", "Fail", "Skipped", "Error"].contains(&status),
            "bad Status: {}",
            pretty(r)
        );
        let ev = &r["Evidence"];
        assert!(
            ev["Outcome"].as_str().is_some_and(|s| !s.is_empty()),
            "Evidence.Outcome missing: {}",
            pretty(r)
        );
        // Rows about the whole run (clock, allow-list, ...) say so and have no route.
        if ev["Scope"] != "Run" {
            assert!(
                matches!(ev["Route"].as_str(), Some("Direct" | "Proxy")),
                "Evidence.Route missing or not Direct/Proxy: {}",
                pretty(r)
            );
            assert!(
                ev["RouteReason"].as_str().is_some_and(|s| !s.is_empty()),
                "Evidence.RouteReason missing: {}",
                pretty(r)
            );
        }
        let id = r["Id"].as_str().unwrap_or_default();
        let check = r["Check"].as_str().unwrap_or_default();
        let expected_id = format!("CONN-{}", check.to_ascii_uppercase());
        assert_eq!(id, expected_id, "Id does not match Check: {}", pretty(r));
    }
    // Summary counts agree with the results.
    for status in ["Pass", "Warning", "Fail", "Skipped", "Error"] {
        let n = results.iter().filter(|r| r["Status"] == status).count();
        assert_eq!(
            report["Summary"][status].as_u64(),
            Some(n as u64),
            "Summary.{status} disagrees with Results: {}",
            pretty(report)
        );
    }
}

/// The results for `target`, in report order.
fn results_for<'a>(report: &'a Value, target: &str) -> Vec<&'a Value> {
    report["Results"]
        .as_array()
        .expect("Results")
        .iter()
        .filter(|r| r["Target"] == target)
        .collect()
}

/// Asserts the stages of `target` come in this order and returns them.
fn stages<'a>(report: &'a Value, target: &str, expected: &[&str]) -> Vec<&'a Value> {
    let rs = results_for(report, target);
    let checks: Vec<&str> = rs
        .iter()
        .map(|r| r["Check"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        checks,
        expected,
        "stages of {target} in wrong order or missing: {}",
        pretty(report)
    );
    rs
}

/// The single result of stage `check` for `target`.
fn stage<'a>(report: &'a Value, target: &str, check: &str) -> &'a Value {
    let found: Vec<&Value> = results_for(report, target)
        .into_iter()
        .filter(|r| r["Check"] == check)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one {check} result for {target}: {}",
        pretty(report)
    );
    found[0]
}

/// Asserts status and outcome of a stage and returns it.
fn expect<'a>(
    report: &'a Value,
    target: &str,
    check: &str,
    status: &str,
    outcome: &str,
) -> &'a Value {
    let r = stage(report, target, check);
    assert_eq!(
        (r["Status"].as_str(), r["Evidence"]["Outcome"].as_str()),
        (Some(status), Some(outcome)),
        "{check} on {target}: wrong status/outcome: {}",
        pretty(r)
    );
    r
}

/// Asserts the listed stages of `target` were skipped.
fn expect_skipped(report: &Value, target: &str, checks: &[&str]) {
    for check in checks {
        let r = stage(report, target, check);
        assert_eq!(
            r["Status"],
            json!("Skipped"),
            "{check} on {target} should be Skipped after an earlier failure: {}",
            pretty(r)
        );
    }
}

fn assert_route(report: &Value, target: &str, route: &str) {
    for r in results_for(report, target) {
        assert_eq!(
            r["Evidence"]["Route"],
            json!(route),
            "expected Route {route}: {}",
            pretty(r)
        );
    }
}

fn text_of(r: &Value) -> String {
    format!(
        "{} {} {}",
        r["Title"].as_str().unwrap_or(""),
        r["Message"].as_str().unwrap_or(""),
        r["Remediation"].as_str().unwrap_or("")
    )
    .to_lowercase()
}

fn message_of(r: &Value) -> String {
    r["Message"].as_str().unwrap_or("").to_lowercase()
}

// ---------------------------------------------------------------------------------------
// Direct route: TLS and HTTP
// ---------------------------------------------------------------------------------------

#[test]
fn good_endpoint_passes_every_stage() {
    let pki = Pki::new();
    let server = Server::https_401(&pki.leaf(LeafKind::Good));
    let target = server.endpoint();
    let (report, _) = run(options(&pki, std::slice::from_ref(&target), 3000));

    assert_eq!(report["Tool"], json!("WritebackDiagnostics"));
    let rs = stages(&report, &target, &DIRECT);
    assert!(
        rs.iter().all(|r| r["Status"] == "Pass"),
        "every stage should pass: {}",
        pretty(&report)
    );
    assert_route(&report, &target, "Direct");

    let dns = expect(&report, &target, "Dns", "Pass", "Resolved");
    let addrs = dns["Evidence"]["Addresses"].as_array().expect("Addresses");
    assert!(
        addrs.iter().any(|a| a == "127.0.0.1"),
        "localhost should resolve to 127.0.0.1: {}",
        pretty(dns)
    );

    let tcp = expect(&report, &target, "Tcp", "Pass", "Connected");
    assert!(
        tcp["Evidence"]["Address"]
            .as_str()
            .is_some_and(|a| a.contains("127.0.0.1")),
        "Tcp Address: {}",
        pretty(tcp)
    );
    let attempts = tcp["Evidence"]["Attempts"].as_array().expect("Attempts");
    assert!(!attempts.is_empty(), "Attempts empty: {}", pretty(tcp));
    let last = attempts.last().unwrap();
    assert_eq!(last["Outcome"], json!("Connected"), "{}", pretty(tcp));
    assert!(
        last["Address"].is_string() && last["Ms"].is_u64(),
        "{}",
        pretty(tcp)
    );

    let tls = expect(&report, &target, "Tls", "Pass", "Established");
    let ev = &tls["Evidence"];
    assert_eq!(ev["ProtocolVersion"], json!("TLSv1_3"), "{}", pretty(tls));
    assert!(
        ev["CipherSuite"].as_str().is_some_and(|s| !s.is_empty()),
        "CipherSuite: {}",
        pretty(tls)
    );
    let chain = ev["Chain"].as_array().expect("Chain");
    assert!(!chain.is_empty(), "Chain empty: {}", pretty(tls));
    assert!(
        chain[0]["Subject"]
            .as_str()
            .is_some_and(|s| s.contains("localhost")),
        "leaf Subject: {}",
        pretty(tls)
    );
    assert!(
        chain[0]["Issuer"]
            .as_str()
            .is_some_and(|s| s.contains(TEST_CA_CN)),
        "leaf Issuer: {}",
        pretty(tls)
    );
    assert!(
        chain[0]["NotAfter"].is_string(),
        "NotAfter: {}",
        pretty(tls)
    );
    let days = ev["DaysToExpiry"].as_i64().expect("DaysToExpiry");
    assert!(
        (85..=90).contains(&days),
        "leaf expires in 90 days, got {days}"
    );

    let http = expect(&report, &target, "Http", "Pass", "Responded");
    assert_eq!(
        http["Evidence"]["StatusCode"],
        json!(401),
        "{}",
        pretty(http)
    );

    let requests = server.requests();
    assert!(
        requests.iter().any(|r| r.ends_with("\r\n\r\n")),
        "server saw no complete HTTP request: {requests:?}"
    );
    assert_eq!(report["Summary"]["Fail"], json!(0));
}

#[test]
fn ip_literal_endpoint_skips_resolution() {
    let pki = Pki::new();
    let server = Server::https_401(&pki.leaf(LeafKind::Good));
    let target = format!("127.0.0.1:{}", server.port());
    let (report, _) = run(options(&pki, std::slice::from_ref(&target), 3000));
    stages(&report, &target, &DIRECT);
    expect(&report, &target, "Dns", "Pass", "Literal");
    expect(&report, &target, "Tcp", "Pass", "Connected");
    expect(&report, &target, "Tls", "Pass", "Established");
    expect(&report, &target, "Http", "Pass", "Responded");
}

#[test]
fn untrusted_issuer_names_the_inspecting_ca() {
    let pki = Pki::new();
    let server = Server::https_401(&pki.leaf(LeafKind::Untrusted));
    let target = server.endpoint();
    let (report, _) = run(options(&pki, std::slice::from_ref(&target), 3000));
    stages(&report, &target, &DIRECT);
    expect(&report, &target, "Tcp", "Pass", "Connected");
    let tls = expect(&report, &target, "Tls", "Fail", "UntrustedIssuer");
    assert_eq!(
        tls["Evidence"]["IssuerCN"],
        json!(ROGUE_CA_CN),
        "{}",
        pretty(tls)
    );
    let msg = message_of(tls);
    assert!(
        msg.contains("inspect") || msg.contains("root"),
        "Message should point at TLS inspection or a missing root: {}",
        pretty(tls)
    );
    expect_skipped(&report, &target, &["Http"]);
}

#[test]
fn expired_certificate() {
    let pki = Pki::new();
    let server = Server::https_401(&pki.leaf(LeafKind::Expired));
    let target = server.endpoint();
    let (report, _) = run(options(&pki, std::slice::from_ref(&target), 3000));
    expect(&report, &target, "Tls", "Fail", "Expired");
    expect_skipped(&report, &target, &["Http"]);
}

#[test]
fn not_yet_valid_certificate() {
    let pki = Pki::new();
    let server = Server::https_401(&pki.leaf(LeafKind::NotYetValid));
    let target = server.endpoint();
    let (report, _) = run(options(&pki, std::slice::from_ref(&target), 3000));
    expect(&report, &target, "Tls", "Fail", "NotYetValid");
    expect_skipped(&report, &target, &["Http"]);
}

#[test]
fn certificate_for_another_name() {
    let pki = Pki::new();
    let server = Server::https_401(&pki.leaf(LeafKind::WrongName));
    let target = server.endpoint();
    let (report, _) = run(options(&pki, std::slice::from_ref(&target), 3000));
    expect(&report, &target, "Tls", "Fail", "NameMismatch");
    expect_skipped(&report, &target, &["Http"]);
}

#[test]
fn server_offering_only_tls_1_1() {
    let pki = Pki::new();
    let server = OpensslServer::tls11_only(&pki.leaf(LeafKind::Good));
    let target = server.endpoint();
    let (report, _) = run(options(&pki, std::slice::from_ref(&target), 3000));
    expect(&report, &target, "Tcp", "Pass", "Connected");
    expect(&report, &target, "Tls", "Fail", "ProtocolTooOld");
    expect_skipped(&report, &target, &["Http"]);
}

#[test]
fn silent_server_times_out_the_handshake() {
    let pki = Pki::new();
    let server = Server::silent();
    let target = server.endpoint();
    let (report, elapsed) = run(options(&pki, std::slice::from_ref(&target), 1000));
    expect(&report, &target, "Tcp", "Pass", "Connected");
    expect(&report, &target, "Tls", "Fail", "HandshakeTimeout");
    expect_skipped(&report, &target, &["Http"]);
    assert!(
        elapsed < Duration::from_millis(2500),
        "run took {elapsed:?}; TimeoutMs was 1000"
    );
}

#[test]
fn reset_during_handshake() {
    let pki = Pki::new();
    let server = Server::plain(Behavior::TcpResetOnData);
    let target = server.endpoint();
    let (report, _) = run(options(&pki, std::slice::from_ref(&target), 3000));
    expect(&report, &target, "Tcp", "Pass", "Connected");
    expect(&report, &target, "Tls", "Fail", "Reset");
    expect_skipped(&report, &target, &["Http"]);
}

#[test]
fn plain_http_where_tls_was_expected() {
    let pki = Pki::new();
    let server = Server::plain(Behavior::PlainRespond(
        b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec(),
    ));
    let target = server.endpoint();
    let (report, _) = run(options(&pki, std::slice::from_ref(&target), 3000));
    expect(&report, &target, "Tls", "Fail", "Failed");
    expect_skipped(&report, &target, &["Http"]);
}

#[test]
fn reset_after_handshake() {
    let pki = Pki::new();
    let server = Server::tls(&pki.leaf(LeafKind::Good), Behavior::ResetAfterRequest);
    let target = server.endpoint();
    let (report, _) = run(options(&pki, std::slice::from_ref(&target), 3000));
    expect(&report, &target, "Tls", "Pass", "Established");
    expect(&report, &target, "Http", "Fail", "Reset");
}

#[test]
fn closed_without_a_response() {
    let pki = Pki::new();
    let server = Server::tls(&pki.leaf(LeafKind::Good), Behavior::CloseAfterRequest);
    let target = server.endpoint();
    let (report, _) = run(options(&pki, std::slice::from_ref(&target), 3000));
    expect(&report, &target, "Tls", "Pass", "Established");
    expect(&report, &target, "Http", "Fail", "Closed");
}

#[test]
fn tls_ok_but_no_http_answer() {
    let pki = Pki::new();
    let server = Server::tls(&pki.leaf(LeafKind::Good), Behavior::HoldAfterHandshake);
    let target = server.endpoint();
    let (report, elapsed) = run(options(&pki, std::slice::from_ref(&target), 1000));
    expect(&report, &target, "Tls", "Pass", "Established");
    expect(&report, &target, "Http", "Fail", "Timeout");
    assert!(
        elapsed < Duration::from_millis(2500),
        "run took {elapsed:?}; TimeoutMs was 1000"
    );
}

#[test]
fn garbage_instead_of_http() {
    let pki = Pki::new();
    let server = Server::tls(
        &pki.leaf(LeafKind::Good),
        Behavior::Respond(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\nnonsense\r\n\r\n".to_vec()),
    );
    let target = server.endpoint();
    let (report, _) = run(options(&pki, std::slice::from_ref(&target), 3000));
    expect(&report, &target, "Tls", "Pass", "Established");
    expect(&report, &target, "Http", "Fail", "Malformed");
}

#[test]
fn proxy_error_page_instead_of_the_service() {
    let pki = Pki::new();
    let server = Server::tls(
        &pki.leaf(LeafKind::Good),
        Behavior::Respond(squid_error_page().into_bytes()),
    );
    let target = server.endpoint();
    let (report, _) = run(options(&pki, std::slice::from_ref(&target), 3000));
    expect(&report, &target, "Tls", "Pass", "Established");
    let http = expect(&report, &target, "Http", "Fail", "ProxyErrorPage");
    assert!(
        text_of(http).contains("proxy"),
        "the result should say a proxy answered: {}",
        pretty(http)
    );
}

// ---------------------------------------------------------------------------------------
// Direct route: DNS and TCP
// ---------------------------------------------------------------------------------------

#[test]
fn closed_port_is_refused() {
    let pki = Pki::new();
    let target = format!("localhost:{}", closed_port());
    let (report, _) = run(options(&pki, std::slice::from_ref(&target), 2000));
    stages(&report, &target, &DIRECT);
    expect(&report, &target, "Dns", "Pass", "Resolved");
    let tcp = expect(&report, &target, "Tcp", "Fail", "Refused");
    let attempts = tcp["Evidence"]["Attempts"].as_array().expect("Attempts");
    assert!(
        !attempts.is_empty() && attempts.iter().all(|a| a["Outcome"] == "Refused"),
        "every attempt should be Refused: {}",
        pretty(tcp)
    );
    expect_skipped(&report, &target, &["Tls", "Http"]);
}

#[test]
fn connect_that_gets_no_answer_times_out() {
    let pki = Pki::new();
    let hole = Blackhole::new();
    let target = hole.endpoint();
    let (report, elapsed) = run(options(&pki, std::slice::from_ref(&target), 1000));
    expect(&report, &target, "Tcp", "Fail", "TimedOut");
    expect_skipped(&report, &target, &["Tls", "Http"]);
    assert!(
        elapsed < Duration::from_millis(2500),
        "run took {elapsed:?}; TimeoutMs was 1000"
    );
}

#[test]
fn unresolvable_name_fails_at_dns() {
    let pki = Pki::new();
    let target = "nonexistent.invalid:443".to_string();
    let (report, elapsed) = run(options(&pki, std::slice::from_ref(&target), 2000));
    stages(&report, &target, &DIRECT);
    let dns = stage(&report, &target, "Dns");
    assert_eq!(dns["Status"], json!("Fail"), "{}", pretty(dns));
    // getaddrinfo says EAI_NONAME here (NxDomain); a CI resolver may time out or fail.
    let outcome = dns["Evidence"]["Outcome"].as_str().unwrap_or("");
    assert!(
        ["NxDomain", "NoAnswer", "Timeout", "Failed"].contains(&outcome),
        "unexpected Dns outcome: {}",
        pretty(dns)
    );
    expect_skipped(&report, &target, &["Tcp", "Tls", "Http"]);
    assert!(
        elapsed < Duration::from_millis(3500),
        "run took {elapsed:?}; TimeoutMs was 2000"
    );
}

// ---------------------------------------------------------------------------------------
// Proxy route
// ---------------------------------------------------------------------------------------

fn proxy_options(pki: &Pki, target: &str, proxy: &str, timeout_ms: u64) -> Value {
    let mut o = options(pki, &[target.to_string()], timeout_ms);
    o["Proxy"] = json!(proxy);
    o
}

#[test]
fn tunnel_through_tinyproxy() {
    let pki = Pki::new();
    let server = Server::https_401(&pki.leaf(LeafKind::Good));
    let proxy = Tinyproxy::start(ProxyMode::AllowAll);
    let target = server.endpoint();
    let (report, _) = run(proxy_options(&pki, &target, &proxy.url(), 3000));
    let rs = stages(&report, &target, &VIA_PROXY);
    assert!(
        rs.iter().all(|r| r["Status"] == "Pass"),
        "every stage should pass through the proxy: {}\ntinyproxy log:\n{}",
        pretty(&report),
        proxy.log()
    );
    assert_route(&report, &target, "Proxy");
    let dns = stage(&report, &target, "Dns");
    assert!(
        matches!(
            dns["Evidence"]["Outcome"].as_str(),
            Some("Literal" | "Resolved")
        ),
        "Dns resolves the proxy host 127.0.0.1: {}",
        pretty(dns)
    );
    let p = expect(&report, &target, "Proxy", "Pass", "Tunnelled");
    assert!(
        p["Evidence"]["Proxy"]
            .as_str()
            .is_some_and(|s| s.contains(&format!("127.0.0.1:{}", proxy.port()))),
        "Evidence.Proxy names the proxy: {}",
        pretty(p)
    );
    assert_eq!(p["Evidence"]["StatusCode"], json!(200), "{}", pretty(p));
    expect(&report, &target, "Tls", "Pass", "Established");
    let http = expect(&report, &target, "Http", "Pass", "Responded");
    assert_eq!(http["Evidence"]["StatusCode"], json!(401));
    assert!(
        server.accepted() >= 1,
        "the service never saw the tunnelled connection"
    );
}

#[test]
fn proxy_refusing_connect_is_forbidden() {
    let pki = Pki::new();
    let server = Server::https_401(&pki.leaf(LeafKind::Good));
    let proxy = Tinyproxy::start(ProxyMode::RefuseConnect);
    let target = server.endpoint();
    let (report, _) = run(proxy_options(&pki, &target, &proxy.url(), 3000));
    stages(&report, &target, &VIA_PROXY);
    let p = expect(&report, &target, "Proxy", "Fail", "Forbidden");
    assert_eq!(p["Evidence"]["StatusCode"], json!(403), "{}", pretty(p));
    expect_skipped(&report, &target, &["Tls", "Http"]);
    assert_eq!(server.accepted(), 0, "the proxy should not have connected");
}

#[test]
fn proxy_demanding_authentication() {
    let pki = Pki::new();
    let server = Server::https_401(&pki.leaf(LeafKind::Good));
    let proxy = Tinyproxy::start(ProxyMode::BasicAuth("writeback", "s3cret"));
    let target = server.endpoint();
    let (report, _) = run(proxy_options(&pki, &target, &proxy.url(), 3000));
    let p = expect(&report, &target, "Proxy", "Fail", "AuthRequired");
    assert_eq!(p["Evidence"]["StatusCode"], json!(407), "{}", pretty(p));
    let msg = message_of(p);
    assert!(
        msg.contains("adsync") && msg.contains("authenticat"),
        "Message should say the ADSync service cannot authenticate to the proxy: {}",
        pretty(p)
    );
    expect_skipped(&report, &target, &["Tls", "Http"]);
}

#[test]
fn proxy_that_is_not_listening() {
    let pki = Pki::new();
    let server = Server::https_401(&pki.leaf(LeafKind::Good));
    let target = server.endpoint();
    let proxy = format!("http://127.0.0.1:{}", closed_port());
    let (report, _) = run(proxy_options(&pki, &target, &proxy, 2000));
    stages(&report, &target, &VIA_PROXY);
    let p = expect(&report, &target, "Proxy", "Fail", "ProxyUnreachable");
    assert!(
        p["Evidence"]["Proxy"]
            .as_str()
            .is_some_and(|s| s.contains("127.0.0.1")),
        "{}",
        pretty(p)
    );
    expect_skipped(&report, &target, &["Tls", "Http"]);
}

#[test]
fn proxy_that_cannot_reach_the_service() {
    let pki = Pki::new();
    let proxy = Tinyproxy::start(ProxyMode::AllowAll);
    // tinyproxy answers "500 Unable to connect" when the target port is closed.
    let target = format!("localhost:{}", closed_port());
    let (report, _) = run(proxy_options(&pki, &target, &proxy.url(), 3000));
    let p = expect(&report, &target, "Proxy", "Fail", "ProxyError");
    assert_eq!(p["Evidence"]["StatusCode"], json!(500), "{}", pretty(p));
    expect_skipped(&report, &target, &["Tls", "Http"]);
}

#[test]
fn proxy_that_never_answers_connect() {
    let pki = Pki::new();
    let server = Server::https_401(&pki.leaf(LeafKind::Good));
    let silent = Server::silent();
    let target = server.endpoint();
    let proxy = format!("http://127.0.0.1:{}", silent.port());
    let (report, elapsed) = run(proxy_options(&pki, &target, &proxy, 1000));
    expect(&report, &target, "Proxy", "Fail", "Timeout");
    expect_skipped(&report, &target, &["Tls", "Http"]);
    assert!(
        elapsed < Duration::from_millis(2500),
        "run took {elapsed:?}; TimeoutMs was 1000"
    );
}

#[test]
fn proxy_that_resets_connect() {
    let pki = Pki::new();
    let server = Server::https_401(&pki.leaf(LeafKind::Good));
    let resetter = Server::plain(Behavior::TcpResetOnData);
    let target = server.endpoint();
    let proxy = format!("http://127.0.0.1:{}", resetter.port());
    let (report, _) = run(proxy_options(&pki, &target, &proxy, 3000));
    expect(&report, &target, "Proxy", "Fail", "Reset");
    expect_skipped(&report, &target, &["Tls", "Http"]);
}

#[test]
fn unresolvable_proxy_fails_at_dns() {
    // On the proxy route, the DNS stage resolves the proxy's host, not the endpoint's.
    let pki = Pki::new();
    let server = Server::https_401(&pki.leaf(LeafKind::Good));
    let target = server.endpoint();
    let (report, _) = run(proxy_options(
        &pki,
        &target,
        "http://nonexistent.invalid:3128",
        2000,
    ));
    stages(&report, &target, &VIA_PROXY);
    assert_route(&report, &target, "Proxy");
    let dns = stage(&report, &target, "Dns");
    assert_eq!(dns["Status"], json!("Fail"), "{}", pretty(dns));
    let outcome = dns["Evidence"]["Outcome"].as_str().unwrap_or("");
    assert!(
        ["NxDomain", "NoAnswer", "Timeout", "Failed"].contains(&outcome),
        "unexpected Dns outcome: {}",
        pretty(dns)
    );
    expect_skipped(&report, &target, &["Proxy", "Tls", "Http"]);
    assert_eq!(server.accepted(), 0, "nothing should reach the service");
}

#[test]
fn explicit_proxy_overrides_machine_config() {
    let pki = Pki::new();
    let server = Server::https_401(&pki.leaf(LeafKind::Good));
    let proxy = Tinyproxy::start(ProxyMode::AllowAll);
    let dir = tempfile::tempdir().unwrap();
    let config = write_machine_config(
        dir.path(),
        &format!(
            r#"<defaultProxy enabled="true"><proxy proxyaddress="http://127.0.0.1:{}" bypassonlocal="false"/></defaultProxy>"#,
            closed_port()
        ),
    );
    let target = server.endpoint();
    let mut o = proxy_options(&pki, &target, &proxy.url(), 3000);
    o["MachineConfigPath"] = json!(config.to_str().unwrap());
    let (report, _) = run(o);
    let p = expect(&report, &target, "Proxy", "Pass", "Tunnelled");
    assert!(
        p["Evidence"]["Proxy"]
            .as_str()
            .is_some_and(|s| s.contains(&format!("127.0.0.1:{}", proxy.port()))),
        "the explicit proxy should be used: {}",
        pretty(p)
    );
    expect(&report, &target, "Http", "Pass", "Responded");
}

// ---------------------------------------------------------------------------------------
// machine.config
// ---------------------------------------------------------------------------------------

fn machine_config_options(pki: &Pki, target: &str, config: &std::path::Path) -> Value {
    let mut o = options(pki, &[target.to_string()], 3000);
    o["MachineConfigPath"] = json!(config.to_str().expect("utf-8 path"));
    o
}

#[test]
fn machine_config_proxy_is_used() {
    let pki = Pki::new();
    let server = Server::https_401(&pki.leaf(LeafKind::Good));
    let proxy = Tinyproxy::start(ProxyMode::AllowAll);
    let dir = tempfile::tempdir().unwrap();
    let config = write_machine_config(
        dir.path(),
        &format!(
            r#"<defaultProxy enabled="true"><proxy proxyaddress="{}" bypassonlocal="false"/></defaultProxy>"#,
            proxy.url()
        ),
    );
    let target = server.endpoint();
    let (report, _) = run(machine_config_options(&pki, &target, &config));
    stages(&report, &target, &VIA_PROXY);
    assert_route(&report, &target, "Proxy");
    let p = expect(&report, &target, "Proxy", "Pass", "Tunnelled");
    assert!(
        p["Evidence"]["RouteReason"]
            .as_str()
            .is_some_and(|s| s.to_lowercase().contains("machine.config")),
        "RouteReason should name machine.config: {}",
        pretty(p)
    );
    expect(&report, &target, "Tls", "Pass", "Established");
    expect(&report, &target, "Http", "Pass", "Responded");
}

/// A machine.config proxy that must not be used: it points at a closed port, so using
/// it would fail the run.
fn bypassed_proxy_config(dir: &std::path::Path, default_proxy: &str) -> std::path::PathBuf {
    let dead = format!("http://127.0.0.1:{}", closed_port());
    write_machine_config(dir, &default_proxy.replace("PROXY", &dead))
}

fn assert_direct_pass(report: &Value, target: &str) {
    let rs = stages(report, target, &DIRECT);
    assert_route(report, target, "Direct");
    assert!(
        rs.iter().all(|r| r["Status"] == "Pass"),
        "direct route should pass: {}",
        pretty(report)
    );
}

#[test]
fn machine_config_bypass_list_goes_direct() {
    let pki = Pki::new();
    let server = Server::https_401(&pki.leaf(LeafKind::Good));
    let dir = tempfile::tempdir().unwrap();
    let config = bypassed_proxy_config(
        dir.path(),
        r#"<defaultProxy enabled="true"><proxy proxyaddress="PROXY" bypassonlocal="false"/><bypasslist><add address="localhost" /></bypasslist></defaultProxy>"#,
    );
    let target = server.endpoint();
    let (report, _) = run(machine_config_options(&pki, &target, &config));
    assert_direct_pass(&report, &target);
}

#[test]
fn machine_config_disabled_proxy_goes_direct() {
    let pki = Pki::new();
    let server = Server::https_401(&pki.leaf(LeafKind::Good));
    let dir = tempfile::tempdir().unwrap();
    let config = bypassed_proxy_config(
        dir.path(),
        r#"<defaultProxy enabled="false"><proxy proxyaddress="PROXY" bypassonlocal="false"/></defaultProxy>"#,
    );
    let target = server.endpoint();
    let (report, _) = run(machine_config_options(&pki, &target, &config));
    assert_direct_pass(&report, &target);
}

#[test]
fn machine_config_bypass_on_local_goes_direct_for_localhost() {
    // .NET treats a dotless host name (and loopback) as local.
    let pki = Pki::new();
    let server = Server::https_401(&pki.leaf(LeafKind::Good));
    let dir = tempfile::tempdir().unwrap();
    let config = bypassed_proxy_config(
        dir.path(),
        r#"<defaultProxy enabled="true"><proxy proxyaddress="PROXY" bypassonlocal="true"/></defaultProxy>"#,
    );
    let target = server.endpoint();
    let (report, _) = run(machine_config_options(&pki, &target, &config));
    assert_direct_pass(&report, &target);
}

// ---------------------------------------------------------------------------------------
// Deadlines and concurrency
// ---------------------------------------------------------------------------------------

#[test]
fn overall_deadline_cuts_every_endpoint_short() {
    let pki = Pki::new();
    let servers: Vec<Server> = (0..3).map(|_| Server::silent()).collect();
    let targets: Vec<String> = servers.iter().map(Server::endpoint).collect();
    let mut o = options(&pki, &targets, 5000);
    o["OverallTimeoutMs"] = json!(2000);
    let (report, elapsed) = run(o);
    assert!(
        elapsed < Duration::from_secs(3),
        "run took {elapsed:?}; OverallTimeoutMs was 2000"
    );
    for t in &targets {
        stages(&report, t, &DIRECT);
        expect(&report, t, "Tcp", "Pass", "Connected");
        expect(&report, t, "Tls", "Fail", "OverallDeadline");
        expect_skipped(&report, t, &["Http"]);
    }
}

#[test]
fn endpoints_are_probed_concurrently() {
    let pki = Pki::new();
    let servers: Vec<Server> = (0..4).map(|_| Server::silent()).collect();
    let targets: Vec<String> = servers.iter().map(Server::endpoint).collect();
    let (report, elapsed) = run(options(&pki, &targets, 1500));
    assert!(
        elapsed < Duration::from_secs(3),
        "4 silent endpoints with TimeoutMs 1500 took {elapsed:?}: not concurrent"
    );
    for t in &targets {
        expect(&report, t, "Tls", "Fail", "HandshakeTimeout");
    }
}

// ---------------------------------------------------------------------------------------
// Bad input
// ---------------------------------------------------------------------------------------

#[test]
fn invalid_options_are_rejected() {
    let pki = Pki::new();
    let dir = tempfile::tempdir().unwrap();
    let malformed = dir.path().join("machine.config");
    std::fs::write(&malformed, "<configuration><system.net><defaultProxy>").unwrap();
    let base = || options(&pki, &["localhost:443".to_string()], 1000);
    let cases: Vec<(&str, Value)> = vec![
        ("port out of range", {
            let mut o = base();
            o["Endpoints"] = json!(["localhost:70000"]);
            o
        }),
        ("empty host", {
            let mut o = base();
            o["Endpoints"] = json!([":443"]);
            o
        }),
        ("TimeoutMs not a number", {
            let mut o = base();
            o["TimeoutMs"] = json!("soon");
            o
        }),
        ("unreadable CaFile", {
            let mut o = base();
            o["CaFile"] = json!(dir.path().join("missing.pem").to_str().unwrap());
            o
        }),
        ("malformed machine.config", {
            let mut o = base();
            o["MachineConfigPath"] = json!(malformed.to_str().unwrap());
            o
        }),
        ("unknown cloud", {
            let mut o = base();
            o["Cloud"] = json!("mars");
            o
        }),
    ];
    for (what, o) in cases {
        let err = run_err(o);
        assert_eq!(
            err["Code"],
            json!("InvalidInput"),
            "{what}: {}",
            pretty(&err)
        );
        assert!(
            err["Message"].as_str().is_some_and(|m| !m.is_empty()),
            "{what}: empty message"
        );
    }
}
