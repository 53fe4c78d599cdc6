//! Benchmark (issue 14, speed item 1): one connectivity run over 8 loopback TLS endpoints
//! against curl probing the same 8 one after another, as an admin's script does.
//!
//! Each endpoint is a distinct name (`ep<i>.bench.wbd.test`) that dnsmasq on loopback
//! resolves, so the engine runs DNS (to `--dns-server`), TCP, TLS and HTTP for each. The 8
//! servers hold their answer for different times, [`DEFAULT_DELAYS_MS`] (80 to 150 ms, a
//! spread of real service latencies), so the run's wall time can be compared with its
//! slowest endpoint. With delays d_i no tool can beat sum(d_i) / max(d_i) by running
//! concurrently: 6.1 for the defaults, 4.0 for an even 0..150 ms spread. Other delays:
//! `WBD_BENCH_DELAYS_MS=0,21,43,64,86,107,129,150`.
//!
//! curl gets `--dns-servers` when its build has c-ares; otherwise (Debian's curl uses the
//! threaded resolver) it gets `--resolve` and does no DNS lookup at all, which favours the
//! baseline. Every curl run loads only the test CA (`--cacert`); the engine loads the OS
//! roots too, on every run. Medians of the rounds; engine and curl alternate within each
//! round so that load from other processes hits both. Prints the ratios last.
//!
//! Run: `cargo bench --bench connectivity`.

#[path = "../tests/support/mod.rs"]
mod support;

use std::net::{Ipv4Addr, SocketAddr};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::dnsmasq::{DnsConfig, Dnsmasq};
use support::gauge::Gauge;
use support::{run_connectivity, Behavior, LeafKind, Pki, Server, RESPONSE_401};

const ZONE: &str = "bench.wbd.test";
/// Answer delays of the 8 servers (our choice; see the module comment).
const DEFAULT_DELAYS_MS: [u64; 8] = [80, 90, 100, 110, 120, 130, 140, 150];
/// Stage deadline of the engine runs and `--max-time` of curl: never reached here.
const TIMEOUT: Duration = Duration::from_secs(5);

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn delays() -> Vec<u64> {
    match std::env::var("WBD_BENCH_DELAYS_MS") {
        Ok(text) => text
            .split(',')
            .map(|d| {
                d.trim()
                    .parse::<u64>()
                    .expect("WBD_BENCH_DELAYS_MS: ms,ms,...")
            })
            .collect(),
        Err(_) => DEFAULT_DELAYS_MS.to_vec(),
    }
}

/// How curl learns the endpoints' addresses.
enum CurlDns {
    /// `--dns-servers` (curl built with c-ares): curl asks dnsmasq, as the engine does.
    Servers(String),
    /// `--resolve NAME:PORT:127.0.0.1`: no lookup.
    Resolve,
}

struct Target {
    name: String,
    port: u16,
}

impl Target {
    fn endpoint(&self) -> String {
        format!("{}:{}", self.name, self.port)
    }
}

fn curl_once(t: &Target, ca: &str, dns: &CurlDns) -> Duration {
    let mut cmd = Command::new("curl");
    cmd.args([
        "-sS",
        "-o",
        "/dev/null",
        "-w",
        "%{http_code}",
        "--cacert",
        ca,
    ])
    .args(["--max-time", &TIMEOUT.as_secs().to_string()]);
    match dns {
        CurlDns::Servers(server) => cmd.args(["--dns-servers", server]),
        CurlDns::Resolve => cmd.args(["--resolve", &format!("{}:127.0.0.1", t.endpoint())]),
    };
    cmd.arg(format!("https://{}/", t.endpoint()));
    let started = Instant::now();
    let out = cmd.output().expect("curl runs (apt-get install curl)");
    let took = started.elapsed();
    let code = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        code,
        "401",
        "curl {}: {}",
        t.endpoint(),
        String::from_utf8_lossy(&out.stderr)
    );
    took
}

fn engine_once(targets: &[&Target], ca: &str, dns: &Dnsmasq) -> Duration {
    let endpoints: Vec<String> = targets.iter().map(|t| t.endpoint()).collect();
    let (report, took) = run_connectivity(json!({
        "Endpoints": endpoints,
        "NoDefaultEndpoints": true,
        "CaFile": ca,
        "DnsServer": dns.server(),
        "TimeoutMs": TIMEOUT.as_millis() as u64,
    }));
    let passed = report["Results"]
        .as_array()
        .map(|rs| {
            rs.iter()
                .filter(|r| r["Id"] == "CONN-HTTP" && r["Status"] == "Pass")
                .count()
        })
        .unwrap_or_default();
    assert_eq!(passed, targets.len(), "{}", report_text(&report));
    took
}

fn report_text(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        println!("connectivity: bench");
        return;
    }
    // `cargo bench` passes --bench; `cargo test --all-targets` runs a quick smoke round.
    let rounds = if std::env::args().any(|a| a == "--bench") {
        15
    } else {
        1
    };
    let delays = delays();
    let pki = Pki::new();
    let ca = pki.ca_file_str();
    let cert = pki.leaf_for(LeafKind::Good, &[&format!("*.{ZONE}")]);
    let gauge = Gauge::new();
    let bind: SocketAddr = (Ipv4Addr::LOCALHOST, 0).into();
    // A server takes 64 connections in its life: 3 per round (engine, slowest alone, curl).
    assert!(rounds * 3 <= 64, "too many rounds for one server set");
    let servers: Vec<Server> = delays
        .iter()
        .map(|d| {
            let answer = RESPONSE_401.as_bytes().to_vec();
            let behavior = Behavior::RespondAfter(Duration::from_millis(*d), answer);
            Server::tls_gauged(bind, &cert, behavior, &gauge).expect("bind 127.0.0.1:0")
        })
        .collect();
    let targets: Vec<Target> = servers
        .iter()
        .enumerate()
        .map(|(i, s)| Target {
            name: format!("ep{i}.{ZONE}"),
            port: s.port(),
        })
        .collect();
    let config = targets.iter().fold(DnsConfig::new().local(ZONE), |c, t| {
        c.host(&t.name, Ipv4Addr::LOCALHOST.into())
    });
    let dns = Dnsmasq::start(&config);
    let version = Command::new("curl")
        .arg("-V")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .expect("curl runs (apt-get install curl)");
    let curl_dns = if version.to_ascii_lowercase().contains("c-ares") {
        CurlDns::Servers(dns.server())
    } else {
        CurlDns::Resolve
    };
    let slowest = delays
        .iter()
        .enumerate()
        .max_by_key(|(_, d)| **d)
        .map(|(i, _)| i)
        .expect("at least one delay");
    let all: Vec<&Target> = targets.iter().collect();

    let (mut engine, mut engine_slowest, mut curl_seq) = (Vec::new(), Vec::new(), Vec::new());
    let mut per_endpoint: Vec<Vec<Duration>> = vec![Vec::new(); targets.len()];
    let mut peaks = Vec::new();
    for _ in 0..rounds {
        gauge.reset();
        engine.push(engine_once(&all, &ca, &dns));
        peaks.push(gauge.peak());
        engine_slowest.push(engine_once(&[&targets[slowest]], &ca, &dns));
        let started = Instant::now();
        for (i, t) in targets.iter().enumerate() {
            per_endpoint[i].push(curl_once(t, &ca, &curl_dns));
        }
        curl_seq.push(started.elapsed());
    }
    let per_endpoint: Vec<Duration> = per_endpoint.into_iter().map(median).collect();
    let (engine, engine_slowest, curl_seq) =
        (median(engine), median(engine_slowest), median(curl_seq));
    let sum: Duration = per_endpoint.iter().sum();

    println!(
        "connectivity: {} loopback TLS endpoints (DNS, TCP, TLS, HTTP 401), server delays {delays:?} ms, median of {rounds} round(s)",
        targets.len()
    );
    println!(
        "  curl: {}",
        match curl_dns {
            CurlDns::Servers(_) => "built with c-ares, asks dnsmasq (--dns-servers)",
            CurlDns::Resolve =>
                "built without c-ares, so --resolve: curl does no DNS lookup (the engine does)",
        }
    );
    println!(
        "  connections in service at once during the engine run: {} (of {})",
        peaks.iter().max().copied().unwrap_or_default(),
        targets.len()
    );
    println!("  engine, one run over all endpoints:       {}", ms(engine));
    println!(
        "  curl, the endpoints one after another:    {}",
        ms(curl_seq)
    );
    println!(
        "  slowest endpoint alone ({} ms server delay): engine {}, curl {}",
        delays[slowest],
        ms(engine_slowest),
        ms(per_endpoint[slowest])
    );
    println!("  sum of the single curl times:             {}", ms(sum));
    println!(
        "ratio curl-sequential/engine {:.2} (target >= 4); engine/slowest-endpoint-alone {:.2} (1 = no cost for the other endpoints)",
        curl_seq.as_secs_f64() / engine.as_secs_f64(),
        engine.as_secs_f64() / engine_slowest.as_secs_f64()
    );
}
