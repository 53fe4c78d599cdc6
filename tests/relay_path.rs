//! The relay path (`CONN-RELAY-CLUSTER`, `CONN-RELAY-GATEWAYS`, `CONN-RELAY-PORTS`)
//! against real servers on loopback: dnsmasq serves the namespaces' CNAME chains and the
//! gateway names, TLS servers and silent listeners on 127.77.x.y stand in for gateways.
//!
//! Each test asserts the `Status` and the `Evidence.Outcome` token (and the per-gateway
//! outcomes), so a wrong classification fails. Test names under `servicebus.wbd.test`
//! keep the TLS inspection heuristic for Microsoft hosts out of the way; the derivation
//! takes the parent domain from the namespace, as GetNamespaceInfo.ps1 does.

mod support;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use serde_json::{json, Value};
use support::dnsmasq::{DnsConfig, Dnsmasq};
use support::{pretty, run_connectivity, Behavior, LeafKind, Pki, ProxyMode, Server, Tinyproxy};

const PARENT: &str = "servicebus.wbd.test";
const WILDCARD: &str = "*.servicebus.wbd.test";
const LEGACY: [u16; 5] = [9350, 9351, 9352, 9353, 9354];

/// 127.77.`net`.`host`: each test has its own `net`, so parallel tests never share one.
fn ip(net: u8, host: u8) -> Ipv4Addr {
    Ipv4Addr::new(127, 77, net, host)
}

fn ns(name: &str) -> String {
    format!("{name}.{PARENT}")
}

/// What one stand-in gateway does.
#[derive(Clone, Copy)]
enum Gw {
    /// TLS with a certificate for `*.servicebus.wbd.test` from the trusted test CA.
    Good,
    /// TLS with a certificate from the CA the client does not trust.
    Untrusted,
    /// Accepts TCP and never answers the TLS handshake.
    Silent,
}

/// Starts one server per (address, kind), all on one port; retries with a fresh port
/// when one of the addresses cannot take it.
fn gateways(pki: &Pki, specs: &[(Ipv4Addr, Gw)]) -> (u16, Vec<Server>) {
    let good = pki.leaf_for(LeafKind::Good, &[WILDCARD]);
    let rogue = pki.leaf_for(LeafKind::Untrusted, &[WILDCARD]);
    let start = |addr: SocketAddr, kind: Gw| match kind {
        Gw::Good => Server::tls_at(addr, &good, Behavior::HoldAfterHandshake),
        Gw::Untrusted => Server::tls_at(addr, &rogue, Behavior::HoldAfterHandshake),
        Gw::Silent => Server::silent_at(addr),
    };
    for _ in 0..10 {
        let Some((first_ip, first_kind)) = specs.first().copied() else {
            return (support::closed_port(), Vec::new());
        };
        let Some(first) = start((first_ip, 0).into(), first_kind) else {
            continue;
        };
        let port = first.port();
        let mut servers = vec![first];
        for (addr, kind) in &specs[1..] {
            match start((*addr, port).into(), *kind) {
                Some(s) => servers.push(s),
                None => break,
            }
        }
        if servers.len() == specs.len() {
            return (port, servers);
        }
    }
    panic!("could not bind the gateway servers on one port");
}

/// Options for a relay-only run.
fn options(dns: &Dnsmasq, pki: &Pki, namespaces: &[String], port: u16, timeout_ms: u64) -> Value {
    json!({
        "NoDefaultEndpoints": true,
        "Namespaces": namespaces,
        "DnsServer": dns.server(),
        "RelayPort": port,
        "CaFile": pki.ca_file_str(),
        "TimeoutMs": timeout_ms,
    })
}

/// The row with `id` for `target`.
fn row<'a>(report: &'a Value, id: &str, target: &str) -> &'a Value {
    report["Results"]
        .as_array()
        .and_then(|rs| rs.iter().find(|r| r["Id"] == id && r["Target"] == target))
        .unwrap_or_else(|| panic!("no {id} row for {target}: {}", pretty(report)))
}

fn expect(r: &Value, status: &str, outcome: &str) {
    assert_eq!(
        (r["Status"].as_str(), r["Evidence"]["Outcome"].as_str()),
        (Some(status), Some(outcome)),
        "{}",
        pretty(r)
    );
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// (host, stage, outcome) of every failed gateway.
fn failures(r: &Value) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = r["Evidence"]["Failed"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| {
                    let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
                    (s("Host"), s("Stage"), s("Outcome"))
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

const CLUSTER: &str = "ns-prod-bn-vaz0001.eastus2.cloudapp.azure.com";
const DEP: &str = "prod-bn-vaz0001";

fn gw(prefix: &str, n: u32) -> String {
    format!("{prefix}{n}-{DEP}-sb.{PARENT}")
}

fn zones() -> DnsConfig {
    DnsConfig::new()
        .local("wbd.test")
        .local("azure.com")
        .local("cloudapp.net")
}

#[test]
fn direct_chain_gives_cluster_gateways_and_allow_list() {
    let pki = Pki::new();
    let n = 1;
    let (port, servers) = gateways(
        &pki,
        &[
            (ip(n, 2), Gw::Good),
            (ip(n, 3), Gw::Good),
            (ip(n, 4), Gw::Good),
        ],
    );
    let namespace = ns("wbddirect");
    let dns = Dnsmasq::start(
        &zones()
            .cname(&namespace, CLUSTER)
            .host(CLUSTER, ip(n, 1).into())
            .host(&gw("g", 0), ip(n, 2).into())
            .host(&gw("g", 7), ip(n, 3).into())
            .host(&gw("gv", 0), ip(n, 4).into()),
    );
    let (report, _) = run_connectivity(options(
        &dns,
        &pki,
        std::slice::from_ref(&namespace),
        port,
        3000,
    ));

    let c = row(&report, "CONN-RELAY-CLUSTER", &namespace);
    expect(c, "Pass", "Derived");
    let e = &c["Evidence"];
    assert_eq!(strings(&e["Chain"]), [namespace.as_str(), CLUSTER]);
    assert_eq!(e["Cluster"], CLUSTER);
    assert_eq!(e["Deployment"], "PROD-BN-VAZ0001");
    assert_eq!(e["Region"], "eastus2");
    assert_eq!(e["PrivateLink"], Value::Null);
    assert_eq!(e["DerivationRule"], "GetNamespaceInfo2025");
    assert_eq!(e["DnsServer"], dns.server());

    let g = row(&report, "CONN-RELAY-GATEWAYS", &namespace);
    expect(g, "Pass", "Reachable");
    let e = &g["Evidence"];
    assert_eq!(e["Candidates"], 200);
    assert_eq!(
        strings(&e["ResolvedNames"]),
        [gw("g", 0), gw("g", 7), gw("gv", 0)]
    );
    assert_eq!(
        (e["Tested"].as_u64(), e["Passed"].as_u64()),
        (Some(3), Some(3))
    );
    assert_eq!(
        strings(&e["AllowList"]),
        [
            namespace.clone(),
            format!("g*-{DEP}-sb.{PARENT}"),
            format!("gv*-{DEP}-sb.{PARENT}")
        ]
    );
    assert_eq!(e["AllowListWildcard"], WILDCARD);
    assert_eq!(e["Route"], "Direct");
    for s in &servers {
        assert!(
            s.accepted() >= 1,
            "gateway {} was never contacted",
            s.addr()
        );
    }
}

#[test]
fn privatelink_step_is_followed_and_a_private_zone_is_named() {
    let pki = Pki::new();
    let n = 2;
    let (port, _servers) = gateways(&pki, &[(ip(n, 2), Gw::Good)]);
    let linked = ns("wbdlinked");
    let pl = format!("wbdlinked.privatelink.{PARENT}");
    let private = ns("wbdprivate");
    let private_pl = format!("wbdprivate.privatelink.{PARENT}");
    let dns = Dnsmasq::start(
        &zones()
            .cname(&linked, &pl)
            .cname(&pl, CLUSTER)
            .host(CLUSTER, ip(n, 1).into())
            .host(&gw("g", 3), ip(n, 2).into())
            .cname(&private, &private_pl)
            .host(&private_pl, ip(n, 9).into()),
    );
    let (report, _) = run_connectivity(options(
        &dns,
        &pki,
        &[linked.clone(), private.clone()],
        port,
        3000,
    ));

    let c = row(&report, "CONN-RELAY-CLUSTER", &linked);
    expect(c, "Pass", "Derived");
    assert_eq!(
        strings(&c["Evidence"]["Chain"]),
        [linked.as_str(), &pl, CLUSTER]
    );
    assert_eq!(c["Evidence"]["PrivateLink"], pl.as_str());
    assert_eq!(c["Evidence"]["Cluster"], CLUSTER);
    let g = row(&report, "CONN-RELAY-GATEWAYS", &linked);
    expect(g, "Pass", "Reachable");
    assert_eq!(strings(&g["Evidence"]["ResolvedNames"]), [gw("g", 3)]);

    let c = row(&report, "CONN-RELAY-CLUSTER", &private);
    expect(c, "Warning", "PrivateLinkNoCluster");
    assert_eq!(c["Evidence"]["PrivateLink"], private_pl.as_str());
    expect(
        row(&report, "CONN-RELAY-GATEWAYS", &private),
        "Skipped",
        "NotDerived",
    );
}

#[test]
fn broken_chains_are_reported_not_guessed() {
    let pki = Pki::new();
    let dangling = ns("wbddangling");
    let foreign = ns("wbdforeign");
    let flat = ns("wbdflat");
    let missing = ns("wbdmissing");
    let dns = Dnsmasq::start(
        &zones()
            .cname(&dangling, "ns-gone-bn-001.eastus2.cloudapp.azure.com")
            .cname(&foreign, "www.contoso.wbd.test")
            .host("www.contoso.wbd.test", ip(3, 1).into())
            .host(&flat, ip(3, 2).into()),
    );
    let all = [
        dangling.clone(),
        foreign.clone(),
        flat.clone(),
        missing.clone(),
    ];
    let (report, _) = run_connectivity(options(&dns, &pki, &all, support::closed_port(), 2000));

    let c = row(&report, "CONN-RELAY-CLUSTER", &dangling);
    expect(c, "Fail", "BrokenChain");
    assert_eq!(
        c["Evidence"]["MissingName"],
        "ns-gone-bn-001.eastus2.cloudapp.azure.com"
    );
    let c = row(&report, "CONN-RELAY-CLUSTER", &foreign);
    expect(c, "Warning", "NotAClusterName");
    assert_eq!(c["Evidence"]["Target"], "www.contoso.wbd.test");
    expect(
        row(&report, "CONN-RELAY-CLUSTER", &flat),
        "Warning",
        "NoCname",
    );
    expect(
        row(&report, "CONN-RELAY-CLUSTER", &missing),
        "Fail",
        "NxDomain",
    );
    for name in &all {
        let g = row(&report, "CONN-RELAY-GATEWAYS", name);
        expect(g, "Skipped", "NotDerived");
        assert_eq!(
            strings(&g["Evidence"]["AllowList"]),
            [name.clone(), WILDCARD.to_string()]
        );
    }
    expect(
        row(&report, "CONN-RELAY-PORTS", &missing),
        "Skipped",
        "NotResolved",
    );
}

#[test]
fn refused_silent_and_untrusted_gateways_are_told_apart() {
    let pki = Pki::new();
    let n = 4;
    let (port, _servers) = gateways(
        &pki,
        &[
            (ip(n, 2), Gw::Good),
            (ip(n, 4), Gw::Silent),
            (ip(n, 5), Gw::Untrusted),
        ],
    );
    let namespace = ns("wbdblocked");
    let dns = Dnsmasq::start(
        &zones()
            .cname(&namespace, CLUSTER)
            .host(CLUSTER, ip(n, 1).into())
            .host(&gw("g", 0), ip(n, 2).into())
            .host(&gw("g", 1), ip(n, 3).into()) // nothing listens there: refused
            .host(&gw("gv", 2), ip(n, 4).into())
            .host(&gw("gv", 3), ip(n, 5).into()),
    );
    let (report, _) = run_connectivity(options(
        &dns,
        &pki,
        std::slice::from_ref(&namespace),
        port,
        800,
    ));
    let g = row(&report, "CONN-RELAY-GATEWAYS", &namespace);
    expect(g, "Fail", "Blocked");
    assert_eq!(
        failures(g),
        [
            (gw("g", 1), "Tcp".into(), "Refused".into()),
            (gw("gv", 2), "Tls".into(), "HandshakeTimeout".into()),
            (gw("gv", 3), "Tls".into(), "UntrustedIssuer".into()),
        ]
    );
    let e = &g["Evidence"];
    assert_eq!(
        (e["Tested"].as_u64(), e["Passed"].as_u64()),
        (Some(4), Some(1))
    );
    let message = g["Message"].as_str().unwrap_or_default();
    assert!(message.contains(&gw("g", 1)), "{message}");
    assert!(!g["Remediation"].as_str().unwrap_or_default().is_empty());
}

#[test]
fn two_hundred_gateways_half_silent_stay_inside_the_deadline() {
    let pki = Pki::new();
    let n = 5;
    // Four TLS servers and four silent listeners, 25 names each (a server takes 64).
    let specs: Vec<(Ipv4Addr, Gw)> = (0..8)
        .map(|i| (ip(n, 10 + i), if i < 4 { Gw::Good } else { Gw::Silent }))
        .collect();
    let (port, _servers) = gateways(&pki, &specs);
    let namespace = ns("wbdbusy");
    let mut config = zones()
        .cname(&namespace, CLUSTER)
        .host(CLUSTER, ip(n, 1).into());
    for i in 0..100u32 {
        let slot = u8::try_from(i % 4).expect("slot");
        config = config
            .host(&gw("g", i), ip(n, 10 + slot).into())
            .host(&gw("gv", i), ip(n, 14 + slot).into());
    }
    let dns = Dnsmasq::start(&config);
    let overall_ms = 4000;
    let mut opts = options(&dns, &pki, std::slice::from_ref(&namespace), port, 1500);
    opts["OverallTimeoutMs"] = json!(overall_ms);
    let (report, elapsed) = run_connectivity(opts);
    assert!(
        elapsed < Duration::from_millis(overall_ms + 1500),
        "the run took {elapsed:?} with an overall deadline of {overall_ms} ms"
    );
    let g = row(&report, "CONN-RELAY-GATEWAYS", &namespace);
    expect(g, "Fail", "Blocked");
    let e = &g["Evidence"];
    assert_eq!(e["Resolved"], 200, "{}", pretty(g));
    assert_eq!(e["Passed"], 100, "{}", pretty(g));
    let failed = failures(g);
    assert!(
        failed
            .iter()
            .all(|(h, s, o)| h.starts_with("gv") && s == "Tls" && o == "HandshakeTimeout"),
        "{failed:?}"
    );
    let not_tested = e["NotTested"].as_u64().unwrap_or_default();
    assert!(
        failed.len() >= 16,
        "not even one round of silent gateways: {failed:?}"
    );
    assert!(
        not_tested > 0,
        "100 silent gateways cannot all time out in {overall_ms} ms"
    );
    assert_eq!(failed.len() as u64 + not_tested, 100, "{}", pretty(g));
}

#[test]
fn legacy_ports_are_information_unless_443_fails_too() {
    let pki = Pki::new();
    let n = 6;
    let (port, _https) = gateways(&pki, &[(ip(n, 1), Gw::Good), (ip(n, 2), Gw::Good)]);
    let mut listeners: Vec<Server> = Vec::new();
    let mut listen = |addr: Ipv4Addr, p: u16| {
        let s = Server::silent_at((addr, p).into())
            .unwrap_or_else(|| panic!("cannot listen on {addr}:{p}"));
        listeners.push(s);
    };
    for p in LEGACY {
        listen(ip(n, 1), p); // all open, 443 open
    }
    listen(ip(n, 4), 9350); // only a legacy port open
    let names: Vec<String> = ["wbdallopen", "wbdlegacyshut", "wbdnothing", "wbdlegacyonly"]
        .iter()
        .map(|s| ns(s))
        .collect();
    let mut config = zones();
    for (i, name) in names.iter().enumerate() {
        let cluster = format!("ns-prod-bn-p{i:03}.eastus2.cloudapp.azure.com");
        let host = u8::try_from(i + 1).expect("host");
        config = config
            .cname(name, &cluster)
            .host(&cluster, IpAddr::V4(ip(n, host)));
    }
    let dns = Dnsmasq::start(&config);
    let (report, _) = run_connectivity(options(&dns, &pki, &names, port, 1500));
    let p = row(&report, "CONN-RELAY-PORTS", &names[0]);
    expect(p, "Pass", "AllOpen");
    assert_eq!(p["Evidence"]["LegacyOpen"], json!(LEGACY));
    let p = row(&report, "CONN-RELAY-PORTS", &names[1]);
    expect(p, "Pass", "LegacyBlocked");
    assert_eq!(p["Evidence"]["LegacyClosed"], json!(LEGACY));
    assert_eq!(p["Evidence"]["Port443Open"], true);
    expect(
        row(&report, "CONN-RELAY-PORTS", &names[2]),
        "Warning",
        "AllBlocked",
    );
    let p = row(&report, "CONN-RELAY-PORTS", &names[3]);
    expect(p, "Warning", "OnlyLegacyOpen");
    assert_eq!(p["Evidence"]["LegacyOpen"], json!([9350]));
    // No gateway name resolves for these clusters: said, not hidden.
    expect(
        row(&report, "CONN-RELAY-GATEWAYS", &names[0]),
        "Warning",
        "NoneResolved",
    );
}

#[test]
fn an_ns_sb2_cluster_falls_back_to_the_2024_rule_only_when_needed() {
    let pki = Pki::new();
    let n = 7;
    let (port, _servers) = gateways(&pki, &[(ip(n, 2), Gw::Good)]);
    let namespace = ns("wbdold");
    let old = "ns-sb2-prod-by-003.cloudapp.net";
    let dns = Dnsmasq::start(
        &zones()
            .cname(&namespace, old)
            .host(old, ip(n, 1).into())
            .host(&format!("g120-prod-by-003-sb.{PARENT}"), ip(n, 2).into()),
    );
    let (report, _) = run_connectivity(options(
        &dns,
        &pki,
        std::slice::from_ref(&namespace),
        port,
        2000,
    ));
    let c = row(&report, "CONN-RELAY-CLUSTER", &namespace);
    expect(c, "Pass", "Derived");
    assert_eq!(c["Evidence"]["Region"], Value::Null);
    let g = row(&report, "CONN-RELAY-GATEWAYS", &namespace);
    expect(g, "Pass", "Reachable");
    let e = &g["Evidence"];
    assert_eq!(e["DerivationRule"], "GetNamespaceInfo2024");
    assert_eq!(
        strings(&e["RulesTried"]),
        ["GetNamespaceInfo2025", "GetNamespaceInfo2024"]
    );
    assert_eq!(e["Deployment"], "PROD-BY-003");
    assert_eq!(e["Candidates"], 256);
    assert_eq!(
        strings(&e["ResolvedNames"]),
        [format!("g120-prod-by-003-sb.{PARENT}")]
    );
}

#[test]
fn gateways_go_through_the_proxy_when_the_route_is_a_proxy() {
    let pki = Pki::new();
    let n = 8;
    let proxy = Tinyproxy::start(ProxyMode::RefuseConnect);
    let namespace = ns("wbdproxied");
    let dns = Dnsmasq::start(
        &zones()
            .cname(&namespace, CLUSTER)
            .host(CLUSTER, ip(n, 1).into())
            .host(&gw("g", 0), ip(n, 2).into()),
    );
    let mut opts = options(&dns, &pki, std::slice::from_ref(&namespace), 8443, 2000);
    opts["Proxy"] = json!(proxy.url());
    let (report, _) = run_connectivity(opts);
    let g = row(&report, "CONN-RELAY-GATEWAYS", &namespace);
    expect(g, "Fail", "Blocked");
    assert_eq!(g["Evidence"]["Route"], "Proxy");
    assert_eq!(
        failures(g),
        [(gw("g", 0), "Proxy".into(), "Forbidden".into())],
        "{}",
        proxy.log()
    );
    expect(
        row(&report, "CONN-RELAY-PORTS", &namespace),
        "Pass",
        "ViaProxy",
    );
}

#[test]
fn wbdiag_takes_namespace_dns_server_and_relay_port() {
    let pki = Pki::new();
    let n = 9;
    let (port, _servers) = gateways(&pki, &[(ip(n, 2), Gw::Good)]);
    let namespace = ns("wbdcli");
    let dns = Dnsmasq::start(
        &zones()
            .cname(&namespace, CLUSTER)
            .host(CLUSTER, ip(n, 1).into())
            .host(&gw("gv", 42), ip(n, 2).into()),
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wbdiag"))
        .args(["connectivity", "--no-default-endpoints", "--json"])
        .args(["--namespace", "wbdcli.servicebus.wbd.test"])
        .args(["--dns-server", &dns.server()])
        .args(["--relay-port", &port.to_string()])
        .args(["--ca-file", &pki.ca_file_str(), "--timeout-ms", "2000"])
        .output()
        .expect("run wbdiag");
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let g = row(&report, "CONN-RELAY-GATEWAYS", &namespace);
    expect(g, "Pass", "Reachable");
    assert_eq!(strings(&g["Evidence"]["ResolvedNames"]), [gw("gv", 42)]);
    // The namespace is also tested as an endpoint, through the same DNS server: it resolves
    // to the cluster's address, where nothing listens on 443, so that check fails (exit 1).
    let dns_row = row(&report, "CONN-DNS", &format!("{namespace}:443"));
    expect(dns_row, "Pass", "Resolved");
    assert_eq!(dns_row["Evidence"]["Resolver"], dns.server());
    expect(
        row(&report, "CONN-TCP", &format!("{namespace}:443")),
        "Fail",
        "Refused",
    );
    // The gateway that resolved is on the run's allow-list by its exact name, reached.
    let allow = row(&report, "CONN-ALLOWLIST", "public");
    let gateway = format!("{}:443", gw("gv", 42));
    assert!(
        strings(&allow["Evidence"]["HostPorts"]).contains(&gateway),
        "{}",
        pretty(allow)
    );
    let entry = allow["Evidence"]["Hosts"]
        .as_array()
        .and_then(|hs| hs.iter().find(|h| h["Host"] == gw("gv", 42)))
        .unwrap_or_else(|| panic!("{}", pretty(allow)));
    assert_eq!(entry["Reached"], true, "{}", pretty(allow));
    assert_eq!(out.status.code(), Some(1), "{}", pretty(&report));
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_wbdiag"))
        .args(["connectivity", "--help"])
        .output()
        .expect("help");
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(
        help.contains("--namespace") && help.contains("--dns-server"),
        "{help}"
    );
    assert!(
        !help.contains("--relay-port"),
        "the test-only flag is hidden: {help}"
    );
}
