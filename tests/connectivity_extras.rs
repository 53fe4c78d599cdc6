//! The run-level connectivity rows against real loopback servers: revocation reachability
//! (`CONN-REVOCATION`), clock skew (`CONN-CLOCK`) and the exact host names
//! (`CONN-ALLOWLIST`).
//!
//! Each test provokes one outcome and asserts `Status` and `Evidence.Outcome` together, so
//! a wrong classification fails even where the status happens to match.

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::dnsmasq::{DnsConfig, Dnsmasq};
use support::{
    closed_port, http_date, http_response, pretty, run_connectivity, write_machine_config,
    Behavior, Pki, ProxyMode, Server, ServerCert, Tinyproxy, RESPONSE_401,
};

/// Options probing only `endpoints`, trusting the test CA.
fn options(pki: &Pki, endpoints: &[String], timeout_ms: u64) -> Value {
    json!({
        "Endpoints": endpoints,
        "NoDefaultEndpoints": true,
        "CaFile": pki.ca_file_str(),
        "TimeoutMs": timeout_ms,
    })
}

fn rows<'a>(report: &'a Value, id: &str) -> Vec<&'a Value> {
    report["Results"]
        .as_array()
        .expect("Results")
        .iter()
        .filter(|r| r["Id"] == id)
        .collect()
}

/// The single row with this Id and target.
fn row<'a>(report: &'a Value, id: &str, target: &str) -> &'a Value {
    let found: Vec<&Value> = rows(report, id)
        .into_iter()
        .filter(|r| r["Target"] == target)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one {id} row for {target}: {}",
        pretty(report)
    );
    found[0]
}

/// The single row with this Id.
fn only<'a>(report: &'a Value, id: &str) -> &'a Value {
    let found = rows(report, id);
    assert_eq!(found.len(), 1, "expected one {id} row: {}", pretty(report));
    found[0]
}

fn expect(r: &Value, status: &str, outcome: &str) {
    assert_eq!(
        (r["Status"].as_str(), r["Evidence"]["Outcome"].as_str()),
        (Some(status), Some(outcome)),
        "wrong status/outcome: {}",
        pretty(r)
    );
}

/// A plain-HTTP server answering every request with `bytes`.
fn plain(bytes: Vec<u8>) -> Server {
    Server::plain(Behavior::PlainRespond(bytes))
}

fn crl_server(pki: &Pki) -> Server {
    plain(http_response(
        "200 OK",
        &[("Content-Type", "application/pkix-crl".into())],
        &pki.crl_der(),
    ))
}

fn url(server_port: u16, path: &str) -> String {
    format!("http://127.0.0.1:{server_port}{path}")
}

fn https(cert: &ServerCert) -> Server {
    Server::https_401(cert)
}

// ---------------------------------------------------------------------------------------
// Revocation
// ---------------------------------------------------------------------------------------

#[test]
fn reachable_crl_and_ocsp_servers_pass() {
    let pki = Pki::new();
    let crl = crl_server(&pki);
    let ocsp = plain(http_response("405 Method Not Allowed", &[], b""));
    let crl_url = url(crl.port(), "/test-ca.crl");
    let ocsp_url = url(ocsp.port(), "/ocsp");
    let ldap = "ldap://ldap.example/CN=Test%20CA,CN=CDP?certificateRevocationList".to_string();
    let cert = pki.leaf_with_revocation(&[crl_url.clone(), ldap], std::slice::from_ref(&ocsp_url));
    let server = https(&cert);
    let (report, _) = run_connectivity(options(&pki, &[server.endpoint()], 3000));

    let c = row(
        &report,
        "CONN-REVOCATION",
        &format!("127.0.0.1:{}", crl.port()),
    );
    expect(c, "Pass", "Answered");
    let ev = &c["Evidence"];
    assert_eq!(ev["Route"], json!("Direct"), "{}", pretty(c));
    assert_eq!(ev["UsedBy"], json!([server.endpoint()]), "{}", pretty(c));
    assert_eq!(ev["Urls"][0]["Url"], json!(crl_url), "{}", pretty(c));
    assert_eq!(ev["Urls"][0]["Kind"], json!("Crl"), "{}", pretty(c));
    assert_eq!(ev["Urls"][0]["LooksLikeCrl"], json!(true), "{}", pretty(c));
    assert_eq!(ev["Urls"][0]["StatusCode"], json!(200), "{}", pretty(c));
    assert!(
        crl.requests()
            .iter()
            .any(|r| r.starts_with("GET /test-ca.crl HTTP/1.1\r\n")),
        "the CRL server saw no GET of the CRL: {:?}",
        crl.requests()
    );

    let o = row(
        &report,
        "CONN-REVOCATION",
        &format!("127.0.0.1:{}", ocsp.port()),
    );
    expect(o, "Pass", "Answered");
    assert_eq!(
        o["Evidence"]["Urls"][0]["Kind"],
        json!("Ocsp"),
        "{}",
        pretty(o)
    );
    assert_eq!(
        o["Evidence"]["Urls"][0]["StatusCode"],
        json!(405),
        "{}",
        pretty(o)
    );

    // The ldap:// distribution point is named as not tested, on the run-level row.
    let skipped = row(&report, "CONN-REVOCATION", "revocation");
    expect(skipped, "Skipped", "NotTested");
    assert!(
        skipped["Message"]
            .as_str()
            .is_some_and(|m| m.contains("ldap://ldap.example")),
        "{}",
        pretty(skipped)
    );

    let allow = only(&report, "CONN-ALLOWLIST");
    expect(allow, "Pass", "Listed");
    assert_eq!(
        allow["Evidence"]["HostPorts"],
        json!([
            server.endpoint(),
            format!("127.0.0.1:{}", crl.port()),
            format!("127.0.0.1:{}", ocsp.port())
        ]),
        "{}",
        pretty(allow)
    );
}

#[test]
fn a_revocation_host_is_looked_up_through_the_runs_dns_server() {
    // The CRL is named by a host only the test's dnsmasq knows, so it is reached only if the
    // fetch asks the run's DnsServer rather than the system's resolver.
    let pki = Pki::new();
    let crl = crl_server(&pki);
    let crl_url = format!("http://crl.wbd.test:{}/test-ca.crl", crl.port());
    let cert = pki.leaf_with_revocation(std::slice::from_ref(&crl_url), &[]);
    let server = https(&cert);
    let dns = Dnsmasq::start(
        &DnsConfig::new()
            .local("wbd.test")
            .host("crl.wbd.test", "127.0.0.1".parse().expect("ip")),
    );
    let mut o = options(&pki, &[server.endpoint()], 3000);
    o["DnsServer"] = json!(dns.server());
    let (report, _) = run_connectivity(o);
    let c = row(
        &report,
        "CONN-REVOCATION",
        &format!("crl.wbd.test:{}", crl.port()),
    );
    expect(c, "Pass", "Answered");
    assert!(
        crl.requests()
            .iter()
            .any(|r| r.starts_with("GET /test-ca.crl HTTP/1.1\r\n")),
        "the CRL server saw no GET: {:?}",
        crl.requests()
    );
}

#[test]
fn hanging_revocation_server_is_a_warning_within_the_deadline() {
    let pki = Pki::new();
    let hang = Server::silent();
    let cert = pki.leaf_with_revocation(&[url(hang.port(), "/slow.crl")], &[]);
    let server = https(&cert);
    let (report, elapsed) = run_connectivity(options(&pki, &[server.endpoint()], 1500));
    let r = row(
        &report,
        "CONN-REVOCATION",
        &format!("127.0.0.1:{}", hang.port()),
    );
    expect(r, "Warning", "Timeout");
    assert!(
        r["Title"]
            .as_str()
            .is_some_and(|t| t.contains(&format!("127.0.0.1:{}", hang.port()))),
        "the warning names the host: {}",
        pretty(r)
    );
    assert!(
        elapsed < Duration::from_secs(8),
        "a hanging CRL server held the run for {elapsed:?} with TimeoutMs 1500"
    );
    let allow = only(&report, "CONN-ALLOWLIST");
    expect(allow, "Warning", "NotAllReached");
}

#[test]
fn refused_revocation_server_is_a_warning_naming_it() {
    let pki = Pki::new();
    let port = closed_port();
    let cert = pki.leaf_with_revocation(&[], &[url(port, "/")]);
    let server = https(&cert);
    let (report, _) = run_connectivity(options(&pki, &[server.endpoint()], 2000));
    let target = format!("127.0.0.1:{port}");
    let r = row(&report, "CONN-REVOCATION", &target);
    expect(r, "Warning", "Refused");
    assert!(
        r["Remediation"]
            .as_str()
            .is_some_and(|t| t.contains("127.0.0.1 on TCP")),
        "{}",
        pretty(r)
    );
    // The endpoint itself still passes: a blocked revocation server is not a Fail.
    assert_eq!(report["Summary"]["Fail"], json!(0), "{}", pretty(&report));
    let allow = only(&report, "CONN-ALLOWLIST");
    expect(allow, "Warning", "NotAllReached");
    assert!(
        allow["Message"]
            .as_str()
            .is_some_and(|m| m.contains(&format!("Not reached in this run: {target}"))),
        "{}",
        pretty(allow)
    );
}

#[test]
fn a_large_crl_is_read_only_up_to_the_cap() {
    let pki = Pki::new();
    let mut body = vec![0x30u8, 0x84];
    body.resize(200 * 1024, 0);
    let big = plain(http_response("200 OK", &[], &body));
    let cert = pki.leaf_with_revocation(&[url(big.port(), "/big.crl")], &[]);
    let server = https(&cert);
    let (report, _) = run_connectivity(options(&pki, &[server.endpoint()], 3000));
    let r = row(
        &report,
        "CONN-REVOCATION",
        &format!("127.0.0.1:{}", big.port()),
    );
    expect(r, "Pass", "Answered");
    let u = &r["Evidence"]["Urls"][0];
    assert_eq!(
        (u["BytesRead"].as_u64(), u["Truncated"].as_bool()),
        (Some(64 * 1024), Some(true)),
        "{}",
        pretty(r)
    );
}

#[test]
fn a_revocation_server_that_resets_is_a_warning() {
    let pki = Pki::new();
    let rst = Server::plain(Behavior::TcpResetOnData);
    let cert = pki.leaf_with_revocation(&[], &[url(rst.port(), "/ocsp")]);
    let server = https(&cert);
    let (report, _) = run_connectivity(options(&pki, &[server.endpoint()], 2000));
    let r = row(
        &report,
        "CONN-REVOCATION",
        &format!("127.0.0.1:{}", rst.port()),
    );
    expect(r, "Warning", "Reset");
}

#[test]
fn a_page_instead_of_a_crl_is_a_warning() {
    let pki = Pki::new();
    let page = plain(http_response(
        "200 OK",
        &[("Content-Type", "text/html".into())],
        b"<html><body>This site is blocked by policy.</body></html>",
    ));
    let cert = pki.leaf_with_revocation(&[url(page.port(), "/ca.crl")], &[]);
    let server = https(&cert);
    let (report, _) = run_connectivity(options(&pki, &[server.endpoint()], 2000));
    let r = row(
        &report,
        "CONN-REVOCATION",
        &format!("127.0.0.1:{}", page.port()),
    );
    expect(r, "Warning", "NotACrl");
}

#[test]
fn a_crl_named_by_two_endpoints_is_fetched_once() {
    let pki = Pki::new();
    let crl = crl_server(&pki);
    let crl_url = url(crl.port(), "/shared.crl");
    let a = https(&pki.leaf_with_revocation(std::slice::from_ref(&crl_url), &[]));
    let b = https(&pki.leaf_with_revocation(std::slice::from_ref(&crl_url), &[]));
    let (report, _) = run_connectivity(options(&pki, &[a.endpoint(), b.endpoint()], 3000));
    let r = row(
        &report,
        "CONN-REVOCATION",
        &format!("127.0.0.1:{}", crl.port()),
    );
    expect(r, "Pass", "Answered");
    let mut used_by: Vec<String> = r["Evidence"]["UsedBy"]
        .as_array()
        .expect("UsedBy")
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    used_by.sort();
    let mut both = vec![a.endpoint(), b.endpoint()];
    both.sort();
    assert_eq!(used_by, both, "{}", pretty(r));
    assert_eq!(
        crl.accepted(),
        1,
        "the shared CRL was fetched {} times",
        crl.accepted()
    );
}

#[test]
fn revocation_fetches_go_through_the_proxy() {
    let pki = Pki::new();
    let proxy = Tinyproxy::start(ProxyMode::AllowAll);
    let crl = crl_server(&pki);
    let refused = closed_port();
    let cert = pki.leaf_with_revocation(
        &[url(crl.port(), "/via-proxy.crl"), url(refused, "/gone.crl")],
        &[],
    );
    let server = https(&cert);
    let mut o = options(&pki, &[server.endpoint()], 3000);
    o["Proxy"] = json!(proxy.url());
    let (report, _) = run_connectivity(o);
    let ok = row(
        &report,
        "CONN-REVOCATION",
        &format!("127.0.0.1:{}", crl.port()),
    );
    expect(ok, "Pass", "Answered");
    assert_eq!(ok["Evidence"]["Route"], json!("Proxy"), "{}", pretty(ok));
    assert!(
        crl.requests()
            .iter()
            .any(|r| r.starts_with("GET /via-proxy.crl ")),
        "the proxy did not forward the GET (server saw {:?}; proxy log:\n{})",
        crl.requests(),
        proxy.log()
    );
    let blocked = row(&report, "CONN-REVOCATION", &format!("127.0.0.1:{refused}"));
    expect(blocked, "Warning", "ProxyRefused");
}

#[test]
fn each_revocation_host_gets_its_own_route_from_machine_config() {
    // machine.config sends everything but localhost to a proxy demanding authentication:
    // the endpoint (localhost) goes direct, the CRL (127.0.0.1) through the proxy.
    let pki = Pki::new();
    let proxy = Tinyproxy::start(ProxyMode::BasicAuth("user", "secret"));
    let crl = crl_server(&pki);
    let cert = pki.leaf_with_revocation(&[url(crl.port(), "/auth.crl")], &[]);
    let server = https(&cert);
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_machine_config(
        dir.path(),
        &format!(
            r#"<defaultProxy enabled="true"><proxy proxyaddress="{}" bypassonlocal="false"/><bypasslist><add address="localhost" /></bypasslist></defaultProxy>"#,
            proxy.url()
        ),
    );
    let mut o = options(&pki, &[server.endpoint()], 3000);
    o["MachineConfigPath"] = json!(config.to_str().expect("utf-8 path"));
    let (report, _) = run_connectivity(o);
    let http = rows(&report, "CONN-HTTP");
    assert_eq!(
        http[0]["Evidence"]["Route"],
        json!("Direct"),
        "{}",
        pretty(http[0])
    );
    let r = row(
        &report,
        "CONN-REVOCATION",
        &format!("127.0.0.1:{}", crl.port()),
    );
    expect(r, "Warning", "ProxyAuthRequired");
    assert_eq!(r["Evidence"]["Route"], json!("Proxy"), "{}", pretty(r));
    assert!(
        r["Evidence"]["RouteReason"]
            .as_str()
            .is_some_and(|m| m.contains("machine.config")),
        "{}",
        pretty(r)
    );
    assert_eq!(
        crl.accepted(),
        0,
        "the CRL server was reached past the proxy"
    );
}

#[test]
fn the_run_deadline_cuts_a_hanging_revocation_fetch() {
    let pki = Pki::new();
    let hang = Server::silent();
    let cert = pki.leaf_with_revocation(&[url(hang.port(), "/slow.crl")], &[]);
    let server = https(&cert);
    let mut o = options(&pki, &[server.endpoint()], 5000);
    o["OverallTimeoutMs"] = json!(1500);
    let (report, elapsed) = run_connectivity(o);
    let r = row(
        &report,
        "CONN-REVOCATION",
        &format!("127.0.0.1:{}", hang.port()),
    );
    expect(r, "Warning", "OverallDeadline");
    assert!(
        elapsed < Duration::from_secs(4),
        "OverallTimeoutMs 1500, yet the run took {elapsed:?}"
    );
}

#[test]
fn no_revocation_addresses_and_no_handshake_are_skipped() {
    let pki = Pki::new();
    let server = https(&pki.leaf(support::LeafKind::Good));
    let (report, _) = run_connectivity(options(&pki, &[server.endpoint()], 2000));
    expect(only(&report, "CONN-REVOCATION"), "Skipped", "NoneNamed");

    let (report, _) = run_connectivity(options(
        &pki,
        &[format!("127.0.0.1:{}", closed_port())],
        1000,
    ));
    expect(only(&report, "CONN-REVOCATION"), "Skipped", "NotRun");
}

// ---------------------------------------------------------------------------------------
// Clock
// ---------------------------------------------------------------------------------------

/// Runs against one HTTPS endpoint whose answers carry `Date` = now + `skew` (none when
/// `skew` is `None`); returns the report.
fn clock_report(skew: Option<time::Duration>) -> Value {
    let pki = Pki::new();
    let answer = match skew {
        Some(s) => http_response(
            "401 Unauthorized",
            &[("Date", http_date(time::OffsetDateTime::now_utc() + s))],
            b"",
        ),
        None => RESPONSE_401.as_bytes().to_vec(),
    };
    let server = Server::tls(
        &pki.leaf(support::LeafKind::Good),
        Behavior::Respond(answer),
    );
    let (report, _) = run_connectivity(options(&pki, &[server.endpoint()], 3000));
    report
}

fn offset_of(clock: &Value) -> i64 {
    clock["Evidence"]["MedianOffsetSeconds"]
        .as_i64()
        .unwrap_or_else(|| panic!("no MedianOffsetSeconds: {}", pretty(clock)))
}

#[test]
fn a_clock_ten_minutes_off_fails() {
    let report = clock_report(Some(time::Duration::minutes(10)));
    let clock = only(&report, "CONN-CLOCK");
    expect(clock, "Fail", "Skewed");
    let offset = offset_of(clock);
    assert!(
        (590..=610).contains(&offset),
        "offset {offset}: {}",
        pretty(clock)
    );
    let http = rows(&report, "CONN-HTTP");
    assert!(
        http[0]["Evidence"]["ClockOffsetSeconds"].as_i64().is_some()
            && http[0]["Evidence"]["ServerDate"].is_string()
            && http[0]["Evidence"]["LocalTime"].is_string(),
        "the HTTP row carries the sample: {}",
        pretty(http[0])
    );
}

#[test]
fn a_clock_two_minutes_off_warns() {
    let report = clock_report(Some(-time::Duration::minutes(2)));
    let clock = only(&report, "CONN-CLOCK");
    expect(clock, "Warning", "Drifting");
    let offset = offset_of(clock);
    assert!(
        (-130..=-110).contains(&offset),
        "offset {offset}: {}",
        pretty(clock)
    );
}

#[test]
fn a_correct_clock_passes() {
    let report = clock_report(Some(time::Duration::ZERO));
    let clock = only(&report, "CONN-CLOCK");
    expect(clock, "Pass", "InSync");
    assert!(offset_of(clock).abs() <= 5, "{}", pretty(clock));
}

#[test]
fn no_date_header_is_skipped_not_failed() {
    let report = clock_report(None);
    expect(only(&report, "CONN-CLOCK"), "Skipped", "NoDate");
}

#[test]
fn revocation_answers_count_for_the_clock() {
    let pki = Pki::new();
    let skewed_crl = plain(http_response(
        "200 OK",
        &[
            ("Content-Type", "application/pkix-crl".into()),
            (
                "Date",
                http_date(time::OffsetDateTime::now_utc() + time::Duration::minutes(10)),
            ),
        ],
        &pki.crl_der(),
    ));
    let cert = pki.leaf_with_revocation(&[url(skewed_crl.port(), "/c.crl")], &[]);
    let server = https(&cert);
    let (report, _) = run_connectivity(options(&pki, &[server.endpoint()], 3000));
    let clock = only(&report, "CONN-CLOCK");
    expect(clock, "Fail", "Skewed");
    assert_eq!(
        clock["Evidence"]["Samples"][0]["Target"],
        json!(url(skewed_crl.port(), "/c.crl")),
        "{}",
        pretty(clock)
    );
}

// ---------------------------------------------------------------------------------------
// Exact host names
// ---------------------------------------------------------------------------------------

#[test]
fn the_allow_list_names_the_password_reset_host_itself() {
    // The host is never contacted: the proxy is a closed loopback port, so the run stops
    // at the proxy and the row still lists what this server must reach.
    let pki = Pki::new();
    let mut o = options(
        &pki,
        &["passwordreset.microsoftonline.com".to_string()],
        1000,
    );
    o["Proxy"] = json!(format!("http://127.0.0.1:{}", closed_port()));
    let (report, _) = run_connectivity(o);
    let allow = only(&report, "CONN-ALLOWLIST");
    expect(allow, "Warning", "NotAllReached");
    let ev = &allow["Evidence"];
    assert_eq!(
        ev["HostPorts"],
        json!(["passwordreset.microsoftonline.com:443"]),
        "{}",
        pretty(allow)
    );
    assert_eq!(
        ev["Hosts"][0]["Rule"],
        json!("*.passwordreset.microsoftonline.com"),
        "{}",
        pretty(allow)
    );
    assert_eq!(
        ev["Hosts"][0]["RuleCoversHost"],
        json!(false),
        "{}",
        pretty(allow)
    );
    assert_eq!(ev["Hosts"][0]["Reached"], json!(false), "{}", pretty(allow));
    assert_eq!(
        ev["ApexNotCoveredByWildcard"],
        json!(["passwordreset.microsoftonline.com"]),
        "{}",
        pretty(allow)
    );
    assert!(
        allow["Remediation"]
            .as_str()
            .is_some_and(|r| r.contains("Allow passwordreset.microsoftonline.com as exact name")),
        "{}",
        pretty(allow)
    );
}
