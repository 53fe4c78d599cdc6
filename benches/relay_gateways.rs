//! Benchmark (issue 14, speed item 1, the relay path): the relay-path check over a
//! cluster whose 200 gateway names (`g0..g99`, `gv0..gv99`) all resolve, against a plain
//! sequential loop in this file doing the same work one gateway after another.
//!
//! dnsmasq on loopback serves the namespace's CNAME chain and the 200 names; 8 TLS
//! servers on 127.79.0.10-17 (one port) stand in for the gateways, 25 names each. Each
//! waits [`DEFAULT_DELAY_MS`] after the accept before its handshake, as the round trips
//! to a distant gateway cost (`WBD_BENCH_GATEWAY_DELAY_MS=0` measures CPU alone).
//!
//! The baseline, per name: one A query to dnsmasq (UDP, blocking), a TCP connect, a TLS
//! handshake with the name as SNI against the test CA (rustls, blocking), close. The
//! engine also asks AAAA for each name; the baseline does not. A gauge at the servers
//! counts the connections open at once, to confirm the engine's bound
//! (`gateways::CONNECT_CONCURRENCY`). Prints the ratio last.
//!
//! Run: `cargo bench --bench relay_gateways`.

#[path = "../tests/support/mod.rs"]
mod support;

use std::io::BufReader;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream, UdpSocket};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use support::dnsmasq::{DnsConfig, Dnsmasq};
use support::gauge::Gauge;
use support::{run_connectivity, Behavior, LeafKind, Pki, Server};
use writeback_diagnostics::relay::gateways::CONNECT_CONCURRENCY;

const PARENT: &str = "servicebus.wbd.test";
const CLUSTER: &str = "ns-prod-bn-vaz0001.eastus2.cloudapp.azure.com";
const DEP: &str = "prod-bn-vaz0001";
/// Wait before each gateway's handshake (our choice: a nearby region's round trips).
const DEFAULT_DELAY_MS: u64 = 30;
/// Gateway servers; each takes 64 connections in its life, so 25 names per round.
const SERVERS: u8 = 8;
/// Deadline of each network operation, engine and baseline.
const TIMEOUT: Duration = Duration::from_secs(5);

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ip(host: u8) -> Ipv4Addr {
    Ipv4Addr::new(127, 79, 0, host)
}

/// The 200 candidate names of `Rule::Current`, in the engine's order.
fn names() -> Vec<String> {
    let g = (0..100).map(|n| format!("g{n}-{DEP}-sb.{PARENT}"));
    let gv = (0..100).map(|n| format!("gv{n}-{DEP}-sb.{PARENT}"));
    g.chain(gv).collect()
}

/// Starts the gateway servers, all on one port (retrying with a fresh one).
fn gateways(pki: &Pki, gauge: &Gauge, delay: Duration) -> (u16, Vec<Server>) {
    let cert = pki.leaf_for(LeafKind::Good, &[&format!("*.{PARENT}")]);
    let behavior = Behavior::HoldAfterSlowHandshake(delay);
    let start = |addr: SocketAddr| Server::tls_gauged(addr, &cert, behavior.clone(), gauge);
    for _ in 0..10 {
        let Some(first) = start((ip(10), 0).into()) else {
            continue;
        };
        let port = first.port();
        let mut servers = vec![first];
        for h in 11..10 + SERVERS {
            match start((ip(h), port).into()) {
                Some(s) => servers.push(s),
                None => break,
            }
        }
        if servers.len() == usize::from(SERVERS) {
            return (port, servers);
        }
    }
    panic!("could not bind the gateway servers on one port");
}

/// One A query; the first answer's address. Blocking, with [`TIMEOUT`].
fn resolve_a(server: SocketAddr, name: &str, id: u16) -> Option<Ipv4Addr> {
    let sock = UdpSocket::bind("127.0.0.1:0").ok()?;
    sock.set_read_timeout(Some(TIMEOUT)).ok()?;
    // RFC 1035 §4.1: header (id, RD set, one question), QNAME, QTYPE A, QCLASS IN.
    let mut q = id.to_be_bytes().to_vec();
    q.extend_from_slice(&[0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
    for label in name.split('.') {
        q.push(u8::try_from(label.len()).ok()?);
        q.extend_from_slice(label.as_bytes());
    }
    q.extend_from_slice(&[0, 0, 1, 0, 1]);
    sock.send_to(&q, server).ok()?;
    let mut buf = [0u8; 512];
    let (n, _) = sock.recv_from(&mut buf).ok()?;
    let r = &buf[..n];
    let answers = u16::from_be_bytes([*r.get(6)?, *r.get(7)?]);
    if r.get(..2)? != &q[..2] || answers == 0 {
        return None;
    }
    // The question comes back as sent; the first answer follows: a 2-byte name pointer,
    // TYPE, CLASS, TTL, RDLENGTH, then 4 bytes of address for type A.
    let a = r.get(q.len()..q.len() + 16)?;
    (a[0] & 0xC0 == 0xC0 && a[2..4] == [0, 1] && a[10..12] == [0, 4])
        .then(|| Ipv4Addr::new(a[12], a[13], a[14], a[15]))
}

fn client_config(pki: &Pki) -> Arc<rustls::ClientConfig> {
    let pem = std::fs::read(pki.ca_file()).expect("read ca.pem");
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_pemfile::certs(&mut BufReader::new(&pem[..])) {
        roots.add(cert.expect("CA PEM")).expect("CA certificate");
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Arc::new(
        rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_root_certificates(roots)
            .with_no_client_auth(),
    )
}

/// The baseline for one gateway: resolve, connect, handshake; true when all worked.
fn sequential_one(
    dns: SocketAddr,
    name: &str,
    id: u16,
    port: u16,
    tls: &Arc<rustls::ClientConfig>,
) -> bool {
    let Some(addr) = resolve_a(dns, name, id) else {
        return false;
    };
    let Ok(mut sock) = TcpStream::connect_timeout(&(addr, port).into(), TIMEOUT) else {
        return false;
    };
    let _ = sock.set_read_timeout(Some(TIMEOUT));
    let _ = sock.set_write_timeout(Some(TIMEOUT));
    let Ok(server_name) = rustls::pki_types::ServerName::try_from(name.to_string()) else {
        return false;
    };
    let Ok(mut conn) = rustls::ClientConnection::new(tls.clone(), server_name) else {
        return false;
    };
    let until = Instant::now() + TIMEOUT;
    while conn.is_handshaking() && Instant::now() < until {
        if conn.complete_io(&mut sock).is_err() {
            return false;
        }
    }
    !conn.is_handshaking()
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        println!("relay_gateways: bench");
        return;
    }
    let bench = std::env::args().any(|a| a == "--bench");
    // `cargo bench` passes --bench; `cargo test --all-targets` runs a quick smoke round
    // in which only 16 of the 200 names resolve.
    let (rounds, resolving) = if bench { (3, 200) } else { (1, 16) };
    let delay_ms = std::env::var("WBD_BENCH_GATEWAY_DELAY_MS")
        .map(|v| v.parse::<u64>().expect("WBD_BENCH_GATEWAY_DELAY_MS: ms"))
        .unwrap_or(DEFAULT_DELAY_MS);
    let delay = Duration::from_millis(delay_ms);
    let pki = Pki::new();
    let tls = client_config(&pki);
    let namespace = format!("wbdbench.{PARENT}");
    let names = names();
    let mut config = DnsConfig::new()
        .local("wbd.test")
        .local("azure.com")
        .cname(&namespace, CLUSTER)
        .host(CLUSTER, ip(1).into());
    for (i, name) in names.iter().take(resolving).enumerate() {
        let slot = u8::try_from(i % usize::from(SERVERS)).expect("slot");
        config = config.host(name, IpAddr::from(ip(10 + slot)));
    }
    let dns = Dnsmasq::start(&config);
    let dns_addr: SocketAddr = dns.server().parse().expect("dnsmasq address");

    let (mut engine, mut baseline, mut peaks) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        // Fresh servers each round: one engine run and one baseline pass fit their life.
        let gauge = Gauge::new();
        let (port, servers) = gateways(&pki, &gauge, delay);
        let (report, took) = run_connectivity(json!({
            "NoDefaultEndpoints": true,
            "Namespaces": [namespace],
            "DnsServer": dns.server(),
            "RelayPort": port,
            "CaFile": pki.ca_file_str(),
            "TimeoutMs": TIMEOUT.as_millis() as u64,
        }));
        let g = report["Results"]
            .as_array()
            .and_then(|rs| rs.iter().find(|r| r["Id"] == "CONN-RELAY-GATEWAYS"))
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            (
                g["Evidence"]["Resolved"].as_u64(),
                g["Evidence"]["Passed"].as_u64()
            ),
            (Some(resolving as u64), Some(resolving as u64)),
            "{}",
            serde_json::to_string_pretty(&g).unwrap_or_default()
        );
        engine.push(took);
        peaks.push(gauge.peak());
        gauge.reset();
        let started = Instant::now();
        let mut ok = 0;
        for (i, name) in names.iter().enumerate() {
            let id = u16::try_from(i).expect("200 names");
            // Names that do not resolve are asked too, as the engine asks all 200.
            if i < resolving {
                ok += usize::from(sequential_one(dns_addr, name, id, port, &tls));
            } else {
                let _ = resolve_a(dns_addr, name, id);
            }
        }
        baseline.push(started.elapsed());
        assert_eq!(ok, resolving, "the baseline reached every gateway");
        assert_eq!(gauge.peak(), 1, "the baseline is sequential");
        drop(servers);
    }
    let (engine, baseline) = (median(engine), median(baseline));
    let per = |d: Duration| d.as_secs_f64() * 1000.0 / resolving as f64;
    println!(
        "relay gateways: {} candidate names, {resolving} resolving to loopback TLS servers that wait {delay_ms} ms before the handshake, median of {rounds} round(s)",
        names.len()
    );
    println!(
        "  engine gateway connections open at once: at most {} (bound CONNECT_CONCURRENCY = {CONNECT_CONCURRENCY})",
        peaks.iter().max().copied().unwrap_or_default()
    );
    println!(
        "  engine, relay-path check (CNAME chain, 200 queries, {resolving} TCP+TLS, legacy ports): {:.1} ms total, {:.2} ms per resolving gateway",
        engine.as_secs_f64() * 1000.0,
        per(engine)
    );
    println!(
        "  baseline, one gateway after another (A query, TCP, TLS with SNI): {:.1} ms total, {:.2} ms per resolving gateway",
        baseline.as_secs_f64() * 1000.0,
        per(baseline)
    );
    println!(
        "ratio sequential/engine {:.2}",
        baseline.as_secs_f64() / engine.as_secs_f64()
    );
}
