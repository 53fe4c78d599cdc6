//! Benchmark: one full connectivity check (DNS, TCP, TLS, HTTP) against a loopback TLS
//! server, compared with curl doing the same request in the same run. Prints medians and
//! the ratio; absolute numbers drift between machines, the ratio is what to watch.
//! Also times a silent endpoint against the stage deadline, the case Test-NetConnection
//! makes admins wait ~21 s for.
//!
//! Run: `cargo bench --bench connectivity`.

#[path = "../tests/support/mod.rs"]
mod support;

use std::process::Command;
use std::time::{Duration, Instant};

use support::{LeafKind, Pki, Server};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        println!("connectivity: bench");
        return;
    }
    // `cargo bench` passes --bench; `cargo test --all-targets` runs a quick smoke round.
    let rounds = if std::env::args().any(|a| a == "--bench") {
        25
    } else {
        2
    };
    let pki = Pki::new();
    let leaf = pki.leaf(LeafKind::Good);
    let ca = pki.ca_file_str();

    let ours_server = Server::https_401(&leaf);
    let request = serde_json::json!({
        "Command": "connectivity",
        "Options": {"Endpoints": [ours_server.endpoint()], "NoDefaultEndpoints": true, "CaFile": ca, "TimeoutMs": 5000}
    })
    .to_string();
    let mut ours = Vec::new();
    for _ in 0..rounds {
        let t = Instant::now();
        let out = writeback_diagnostics::run_json(&request);
        ours.push(t.elapsed());
        // The four stages and the run's allow-list row.
        assert!(out.contains("\"Pass\":5"), "check did not pass: {out}");
    }

    let curl_server = Server::https_401(&leaf);
    let url = format!("https://{}/", curl_server.endpoint());
    let mut curl = Vec::new();
    for _ in 0..rounds {
        let t = Instant::now();
        let status = Command::new("curl")
            .args([
                "-s",
                "-o",
                "/dev/null",
                "--max-time",
                "5",
                "--cacert",
                &ca,
                &url,
            ])
            .status()
            .expect("curl runs (apt-get install curl)");
        curl.push(t.elapsed());
        assert!(status.success(), "curl failed");
    }

    let (o, c) = (median(ours), median(curl));
    println!(
        "full check, median of {rounds}: wbdiag engine {o:?}, curl {c:?}, ratio {:.2}",
        o.as_secs_f64() / c.as_secs_f64()
    );

    let silent = Server::silent();
    let stage = Duration::from_millis(1000);
    let silent_req = serde_json::json!({
        "Command": "connectivity",
        "Options": {"Endpoints": [silent.endpoint()], "NoDefaultEndpoints": true, "CaFile": ca, "TimeoutMs": stage.as_millis() as u64}
    })
    .to_string();
    let t = Instant::now();
    let out = writeback_diagnostics::run_json(&silent_req);
    let took = t.elapsed();
    assert!(out.contains("HandshakeTimeout"), "{out}");
    println!(
        "silent endpoint: answered in {took:?} with a {stage:?} stage deadline, ratio {:.2}",
        took.as_secs_f64() / stage.as_secs_f64()
    );
}
