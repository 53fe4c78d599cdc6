//! Benchmark (issue 14, speed item 2): what a blocked endpoint costs. The engine gives a
//! silent port its configured stage deadline; `Test-NetConnection -Port` on Windows waits
//! out TCP's SYN retransmissions instead.
//!
//! Two loopback endpoints, each probed alone: a port whose SYNs are never answered (a
//! listener with a full accept queue, `support::Blackhole`: what a dropping firewall
//! does) and a listener that accepts and never answers the TLS handshake (a firewall that
//! completes TCP, then drops). Test-NetConnection reports the second as a success, as it
//! only tests TCP; the model below is for the first.
//!
//! The model (Windows TCP connect to a host that never answers): the SYN goes out at 0 s;
//! it is retransmitted `TcpMaxConnectRetransmissions` = 2 times, the first after
//! `TcpInitialRTT` = 3 s, each wait doubling (3 s, then 6 s: SYNs at 0, 3 and 9 s), and
//! after the last one TCP waits double the last interval (12 s) and gives up: 21 s.
//! Source: Microsoft, Windows 2000 Server Resource Kit registry reference, pages
//! "TcpMaxConnectRetransmissions" (default 2) and "TcpInitialRTT" (default 3 s),
//! learn.microsoft.com/previous-versions/windows/it-pro/windows-2000-server/cc938209 and
//! cc938207 (read 2026-12-02). Later Windows names the setting `MaxSynRetransmissions`
//! (`netsh interface tcp show global`); the model assumes the same defaults, which give
//! the ~21 s the issue reports.
//!
//! Run: `cargo bench --bench blocked_endpoint`.

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::{run_connectivity, Blackhole, Pki, Server};
use writeback_diagnostics::checks::connectivity::DEFAULT_STAGE_MS;

/// Windows' default SYN retransmissions (`TcpMaxConnectRetransmissions`, source above).
const WINDOWS_SYN_RETRANSMISSIONS: u32 = 2;
/// Windows' default initial retransmission timeout (`TcpInitialRTT`, source above).
const WINDOWS_INITIAL_RTO: Duration = Duration::from_secs(3);

/// When each SYN goes out, and when the connect gives up, under the model above.
fn windows_connect_model() -> (Vec<Duration>, Duration) {
    let mut sent = vec![Duration::ZERO];
    let mut wait = WINDOWS_INITIAL_RTO;
    let mut at = Duration::ZERO;
    for _ in 0..WINDOWS_SYN_RETRANSMISSIONS {
        at += wait;
        sent.push(at);
        wait *= 2;
    }
    (sent, at + wait)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn secs(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

/// The Evidence.Outcome of `stage`'s row.
fn outcome(report: &Value, stage: &str) -> String {
    report["Results"]
        .as_array()
        .and_then(|rs| rs.iter().find(|r| r["Check"] == stage))
        .and_then(|r| r["Evidence"]["Outcome"].as_str())
        .unwrap_or_default()
        .to_string()
}

/// Probes `endpoint` alone `rounds` times; the median wall time. Asserts the stage and
/// outcome that ended it.
fn measure(
    endpoint: &str,
    pki: &Pki,
    stage: Duration,
    rounds: usize,
    expect: (&str, &str),
) -> Duration {
    let mut took = Vec::new();
    for _ in 0..rounds {
        let (report, t) = run_connectivity(json!({
            "Endpoints": [endpoint],
            "NoDefaultEndpoints": true,
            "CaFile": pki.ca_file_str(),
            "TimeoutMs": stage.as_millis() as u64,
        }));
        let (check, token) = expect;
        assert_eq!(outcome(&report, check), token, "{report}");
        took.push(t);
    }
    median(took)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        println!("blocked_endpoint: bench");
        return;
    }
    // `cargo bench` passes --bench: the product's default stage deadline, 3 rounds;
    // `cargo test --all-targets` runs one quick smoke round with a short deadline.
    let (stage, rounds) = if std::env::args().any(|a| a == "--bench") {
        (Duration::from_millis(DEFAULT_STAGE_MS), 3)
    } else {
        (Duration::from_millis(200), 1)
    };
    let pki = Pki::new();
    let hole = Blackhole::new();
    // An IP literal: one address, so one TCP attempt (a name with several addresses
    // gets one deadline per address, up to the engine's `MAX_ADDRESSES`).
    let dropped = measure(
        &format!("127.0.0.1:{}", hole.port()),
        &pki,
        stage,
        rounds,
        ("Tcp", "TimedOut"),
    );
    let silent = Server::silent();
    let mute = measure(
        &format!("127.0.0.1:{}", silent.port()),
        &pki,
        stage,
        rounds,
        ("Tls", "HandshakeTimeout"),
    );
    let (syns, give_up) = windows_connect_model();
    let syns: Vec<String> = syns.iter().map(|s| format!("{} s", s.as_secs())).collect();
    println!(
        "blocked endpoint: configured stage deadline {} (TimeoutMs), median of {rounds} round(s)",
        secs(stage)
    );
    println!(
        "  SYNs never answered: engine answered in {}, ratio measured/deadline {:.3}",
        secs(dropped),
        dropped.as_secs_f64() / stage.as_secs_f64()
    );
    println!(
        "  TCP accepted, TLS never answered: engine answered in {}, ratio measured/deadline {:.3} (Test-NetConnection reports this port as open)",
        secs(mute),
        mute.as_secs_f64() / stage.as_secs_f64()
    );
    println!(
        "  model, Test-NetConnection -Port on Windows defaults (TcpMaxConnectRetransmissions {WINDOWS_SYN_RETRANSMISSIONS}, TcpInitialRTT {} s): SYNs at {}, gives up at {}",
        WINDOWS_INITIAL_RTO.as_secs(),
        syns.join(", "),
        secs(give_up)
    );
    println!(
        "ratio model/engine {:.2} (Test-NetConnection's modelled {} over the engine's measured {} for the unanswered SYNs)",
        give_up.as_secs_f64() / dropped.as_secs_f64(),
        secs(give_up),
        secs(dropped)
    );
}
