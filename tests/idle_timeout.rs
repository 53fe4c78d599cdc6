//! The idle-survival test (`Idle`/`IdleCheckpoints` of the connectivity command) against
//! real loopback paths: a TLS server reached directly, through a relay that ends idle
//! flows by RST, FIN or silence, through a server that closes idle sessions itself, and
//! through tinyproxy with its own idle timeout. Checkpoints are a few seconds long.

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::relay::{IdleKill, IdleRelay};
use support::{
    closed_port, pretty, run_connectivity as run, Behavior, LeafKind, Pki, ProxyMode, Server,
    Tinyproxy,
};

fn idle_options(pki: &Pki, endpoint: &str, checkpoints: &[f64]) -> Value {
    json!({
        "Endpoints": [endpoint],
        "NoDefaultEndpoints": true,
        "CaFile": pki.ca_file_str(),
        "TimeoutMs": 1500,
        "IdleCheckpoints": checkpoints,
    })
}

/// The single CONN-IDLE row of a report, after checking the other rows passed.
fn idle_row(report: &Value) -> Value {
    let rows = report["Results"].as_array().expect("results");
    let idle: Vec<&Value> = rows.iter().filter(|r| r["Id"] == "CONN-IDLE").collect();
    assert_eq!(idle.len(), 1, "{}", pretty(report));
    let row = idle[0].clone();
    assert_eq!(row["Check"], "IdleTimeout");
    assert_eq!(row["Evidence"]["RequirementSeconds"], 360);
    row
}

fn checkpoint(row: &Value, i: usize) -> &Value {
    &row["Evidence"]["Checkpoints"][i]
}

fn ended_after(row: &Value, i: usize) -> f64 {
    checkpoint(row, i)["EndedAfterSeconds"]
        .as_f64()
        .unwrap_or_else(|| panic!("checkpoint {i} has no end time: {}", pretty(row)))
}

fn idle_server(pki: &Pki, close_after: Option<Duration>) -> Server {
    Server::tls(
        &pki.leaf(LeafKind::Good),
        Behavior::IdleServer { close_after },
    )
}

#[test]
fn a_clean_path_keeps_every_checkpoint_alive() {
    let pki = Pki::new();
    let server = idle_server(&pki, None);
    let (report, elapsed) = run(idle_options(&pki, &server.endpoint(), &[0.5, 1.5]));
    let row = idle_row(&report);
    // Checkpoints shorter than the requirement cannot prove it: a Warning that says so.
    assert_eq!(row["Status"], "Warning", "{}", pretty(&row));
    assert_eq!(row["Evidence"]["Outcome"], "SurvivesShortTest");
    assert_eq!(row["Evidence"]["SurvivedSeconds"], 1.5);
    for i in 0..2 {
        assert_eq!(checkpoint(&row, i)["Outcome"], "Alive", "{}", pretty(&row));
        assert_eq!(checkpoint(&row, i)["HttpStatus"], 200);
    }
    assert_eq!(row["Evidence"]["Route"], "Direct");
    // The checkpoints run in parallel: the whole run takes about the longest one.
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
    assert!(elapsed >= Duration::from_millis(1500), "took {elapsed:?}");
    // One regular HTTP probe plus one HEAD per checkpoint reached the server.
    let heads = server.requests();
    assert_eq!(
        heads
            .iter()
            .filter(|h| h.starts_with("HEAD / HTTP/1.1"))
            .count(),
        2,
        "{heads:?}"
    );
}

#[test]
fn a_middlebox_reset_is_classified_and_bracketed() {
    let pki = Pki::new();
    let server = idle_server(&pki, None);
    let relay = IdleRelay::start(server.port(), IdleKill::Reset(Duration::from_secs(2)));
    let (report, _) = run(idle_options(&pki, &relay.endpoint(), &[1.0, 3.5]));
    let row = idle_row(&report);
    assert_eq!(row["Status"], "Fail", "{}", pretty(&row));
    assert_eq!(row["Evidence"]["Outcome"], "Reset");
    assert_eq!(checkpoint(&row, 0)["Outcome"], "Alive");
    assert_eq!(checkpoint(&row, 1)["Outcome"], "Reset");
    let t = ended_after(&row, 1);
    assert!((1.8..3.4).contains(&t), "ended after {t} s");
    let title = row["Title"].as_str().unwrap_or_default();
    assert!(
        title.contains("survive 1 s and are cut by 3.5 s"),
        "{title}"
    );
    assert_eq!(row["Evidence"]["CutBySeconds"], 3.5);
    assert!(row["Remediation"]
        .as_str()
        .unwrap_or_default()
        .contains("at least 6 minutes"));
    assert!(relay.ended_idle() >= 1);
}

#[test]
fn a_silent_drop_is_told_apart_from_a_reset() {
    let pki = Pki::new();
    let server = idle_server(&pki, None);
    let relay = IdleRelay::start(server.port(), IdleKill::Drop(Duration::from_secs(2)));
    let (report, elapsed) = run(idle_options(&pki, &relay.endpoint(), &[1.0, 3.0]));
    let row = idle_row(&report);
    assert_eq!(row["Status"], "Fail", "{}", pretty(&row));
    assert_eq!(row["Evidence"]["Outcome"], "Dropped");
    assert_eq!(checkpoint(&row, 0)["Outcome"], "Alive");
    assert_eq!(checkpoint(&row, 1)["Outcome"], "Dropped");
    // Nothing marks a silent drop while idle: it shows only when the request goes unanswered.
    assert_eq!(checkpoint(&row, 1)["EndedAfterSeconds"], Value::Null);
    // The unanswered request waits one stage deadline (1.5 s), no more.
    assert!(elapsed < Duration::from_secs(7), "took {elapsed:?}");
}

#[test]
fn a_middlebox_close_is_closed_by_peer() {
    let pki = Pki::new();
    let server = idle_server(&pki, None);
    let relay = IdleRelay::start(server.port(), IdleKill::Close(Duration::from_secs(2)));
    let (report, _) = run(idle_options(&pki, &relay.endpoint(), &[1.0, 3.5]));
    let row = idle_row(&report);
    assert_eq!(row["Status"], "Fail", "{}", pretty(&row));
    assert_eq!(row["Evidence"]["Outcome"], "ClosedByPeer");
    assert_eq!(checkpoint(&row, 1)["Outcome"], "ClosedByPeer");
    let t = ended_after(&row, 1);
    assert!((1.8..3.4).contains(&t), "ended after {t} s");
    assert!(row["Message"]
        .as_str()
        .unwrap_or_default()
        .contains("without a TLS close_notify"));
}

#[test]
fn a_server_keep_alive_limit_is_not_blamed_on_the_network() {
    let pki = Pki::new();
    let server = idle_server(&pki, Some(Duration::from_secs(2)));
    let (report, _) = run(idle_options(&pki, &server.endpoint(), &[1.0, 3.5]));
    let row = idle_row(&report);
    assert_eq!(row["Status"], "Warning", "{}", pretty(&row));
    assert_eq!(row["Evidence"]["Outcome"], "ClosedByServer");
    assert_eq!(checkpoint(&row, 0)["Outcome"], "Alive");
    assert_eq!(checkpoint(&row, 1)["Outcome"], "ClosedByServer");
    let t = ended_after(&row, 1);
    assert!((1.8..3.4).contains(&t), "ended after {t} s");
    let message = row["Message"].as_str().unwrap_or_default();
    assert!(message.contains("not a firewall or proxy"), "{message}");
    assert!(
        message.contains("says nothing about longer idle times"),
        "{message}"
    );
    assert!(row["Remediation"]
        .as_str()
        .unwrap_or_default()
        .contains("directly"));
}

#[test]
fn a_proxy_idle_timeout_cuts_tunnels() {
    let pki = Pki::new();
    let server = idle_server(&pki, None);
    let proxy = Tinyproxy::start(ProxyMode::IdleTimeout(2));
    let mut options = idle_options(&pki, &server.endpoint(), &[1.0, 4.0]);
    options["Proxy"] = json!(proxy.url());
    let (report, _) = run(options);
    let row = idle_row(&report);
    assert_eq!(row["Evidence"]["Route"], "Proxy", "{}", pretty(&row));
    assert_eq!(row["Status"], "Fail", "{}", pretty(&row));
    assert_eq!(checkpoint(&row, 0)["Outcome"], "Alive", "{}", pretty(&row));
    // tinyproxy closes both sides of an idle tunnel: a FIN without close_notify.
    assert_eq!(
        checkpoint(&row, 1)["Outcome"],
        "ClosedByPeer",
        "{}",
        pretty(&row)
    );
    assert!(row["Message"]
        .as_str()
        .unwrap_or_default()
        .contains("through proxy"));
}

#[test]
fn an_endpoint_that_fails_earlier_is_not_idle_tested() {
    let pki = Pki::new();
    let endpoint = format!("localhost:{}", closed_port());
    let (report, elapsed) = run(idle_options(&pki, &endpoint, &[30.0]));
    let row = idle_row(&report);
    assert_eq!(row["Status"], "Skipped", "{}", pretty(&row));
    assert_eq!(row["Evidence"]["Outcome"], "NotRun");
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
}

#[test]
fn bad_checkpoints_are_rejected() {
    for bad in [
        json!([]),
        json!([0]),
        json!([4000]),
        json!(["60"]),
        json!(60),
    ] {
        let request = json!({"Command": "connectivity", "Options": {
            "Endpoints": ["localhost:1"], "NoDefaultEndpoints": true, "IdleCheckpoints": bad}})
        .to_string();
        let envelope: Value =
            serde_json::from_str(&writeback_diagnostics::run_json(&request)).expect("json");
        assert_eq!(envelope["Ok"], false, "{bad} accepted");
        assert_eq!(envelope["Error"]["Code"], "InvalidInput", "{bad}");
    }
}
