//! The connectivity check probes its endpoints concurrently, never more than
//! `ENDPOINT_CONCURRENCY` at once: shown by counting, at the loopback server, the
//! connections in service at the same time (a timing-free proof).
//!
//! Every endpoint is a distinct name served by dnsmasq, all pointing at one TLS server
//! that holds each answer for a while. The server's gauge counts a connection from its
//! accept until just before its answer is written, so a connection the engine opens on
//! reading an answer can never overlap the one it replaces: the peak is the engine's
//! real concurrency.

mod support;

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use serde_json::{json, Value};
use support::dnsmasq::{DnsConfig, Dnsmasq};
use support::gauge::Gauge;
use support::{pretty, run_connectivity, Behavior, LeafKind, Pki, Server, RESPONSE_401};
use writeback_diagnostics::checks::connectivity::ENDPOINT_CONCURRENCY;

const ZONE: &str = "conc.wbd.test";

/// The rows with `id`.
fn rows<'a>(report: &'a Value, id: &str) -> Vec<&'a Value> {
    report["Results"]
        .as_array()
        .map(|rs| rs.iter().filter(|r| r["Id"] == id).collect())
        .unwrap_or_default()
}

#[test]
fn endpoints_are_probed_at_once_up_to_the_bound() {
    // More endpoints than the bound, so that both a missing bound (peak = all of them)
    // and sequential probing (peak = 1) fail.
    let count = ENDPOINT_CONCURRENCY + 8;
    let pki = Pki::new();
    let cert = pki.leaf_for(LeafKind::Good, &[&format!("*.{ZONE}")]);
    let gauge = Gauge::new();
    // Long enough that the first answer comes after the bound's worth of connections
    // is open even on a loaded machine; the stage deadline is far longer still.
    let hold = Duration::from_millis(1500);
    let bind: SocketAddr = (Ipv4Addr::LOCALHOST, 0).into();
    let server = Server::tls_gauged(
        bind,
        &cert,
        Behavior::RespondAfter(hold, RESPONSE_401.as_bytes().to_vec()),
        &gauge,
    )
    .expect("bind 127.0.0.1:0");
    let names: Vec<String> = (0..count).map(|i| format!("ep{i}.{ZONE}")).collect();
    let config = names.iter().fold(DnsConfig::new().local(ZONE), |c, n| {
        c.host(n, Ipv4Addr::LOCALHOST.into())
    });
    let dns = Dnsmasq::start(&config);
    let endpoints: Vec<String> = names
        .iter()
        .map(|n| format!("{n}:{}", server.port()))
        .collect();
    let (report, _) = run_connectivity(json!({
        "Endpoints": endpoints,
        "NoDefaultEndpoints": true,
        "CaFile": pki.ca_file_str(),
        "DnsServer": dns.server(),
        "TimeoutMs": 10_000,
    }));

    let http = rows(&report, "CONN-HTTP");
    assert_eq!(http.len(), count, "{}", pretty(&report));
    assert!(
        http.iter().all(|r| r["Status"] == "Pass"),
        "every endpoint answers 401 and passes: {}",
        pretty(&report)
    );
    assert_eq!(gauge.total(), count, "one connection per endpoint");
    assert_eq!(
        gauge.peak(),
        ENDPOINT_CONCURRENCY,
        "connections in service at once (bound {ENDPOINT_CONCURRENCY}, {count} endpoints)"
    );
}

#[test]
fn a_gauge_counts_overlapping_connections_and_forgets_closed_ones() {
    // The counting the test above relies on, checked against connections opened by hand.
    let pki = Pki::new();
    let gauge = Gauge::new();
    let bind: SocketAddr = (Ipv4Addr::LOCALHOST, 0).into();
    let server = Server::tls_gauged(
        bind,
        &pki.leaf(LeafKind::Good),
        Behavior::HoldAfterHandshake,
        &gauge,
    )
    .expect("bind 127.0.0.1:0");
    let connect = || {
        std::net::TcpStream::connect_timeout(&server.addr(), Duration::from_secs(5))
            .expect("connect to the loopback server")
    };
    let wait_total = |n: usize| {
        for _ in 0..200 {
            if gauge.total() >= n {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("the server accepted {} of {n} connections", gauge.total());
    };
    let (a, b) = (connect(), connect());
    wait_total(2);
    assert_eq!(gauge.peak(), 2, "two open connections");
    // Closed before the next connect: not counted, even if the server thread lags.
    drop(a);
    drop(b);
    let c = connect();
    wait_total(3);
    assert_eq!(gauge.peak(), 2, "closed connections still counted");
    drop(c);
}
