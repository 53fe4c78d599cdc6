//! A live prerequisites run (`ProbePdc`) probes each PDC emulator on the AD ports with the
//! engine's own TCP probe. Loopback addresses stand in for the PDC.

use std::net::TcpListener;
use std::path::PathBuf;

use serde_json::{json, Value};
use writeback_diagnostics::run_json;

fn healthy_with_pdc(pdc: &str) -> Value {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/prerequisites/healthy.json");
    let mut doc: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("JSON");
    *doc.pointer_mut("/ActiveDirectory/Forests/0/Domains/0/Domain/PDCEmulator")
        .expect("PDC field") = json!(pdc);
    doc
}

fn pdc_result(snapshot: &Value, probe: bool) -> Value {
    let request = json!({"Command": "prerequisites", "Options": {"Snapshot": snapshot, "ProbePdc": probe, "TimeoutMs": 2000}});
    let envelope: Value = serde_json::from_str(&run_json(&request.to_string())).expect("JSON");
    assert_eq!(envelope["Ok"], true, "{envelope:#}");
    envelope["Report"]["Results"]
        .as_array()
        .expect("Results")
        .iter()
        .find(|r| r["Id"] == "PRE-PDC-REACHABLE")
        .cloned()
        .expect("PRE-PDC-REACHABLE result")
}

#[test]
fn saved_snapshot_without_probe_is_skipped() {
    let r = pdc_result(&healthy_with_pdc("127.0.0.78"), false);
    assert_eq!(r["Status"], "Skipped");
    assert_eq!(r["Evidence"]["Outcome"], "SavedSnapshot");
}

#[test]
fn closed_ad_ports_fail() {
    // Nothing listens on 127.0.0.78, so every AD port is refused.
    let r = pdc_result(&healthy_with_pdc("127.0.0.78"), true);
    assert_eq!(r["Status"], "Fail", "{r:#}");
    assert_eq!(r["Evidence"]["Outcome"], "PdcPortsBlocked");
    let msg = r["Message"].as_str().unwrap_or_default();
    assert!(msg.contains("389 (LDAP): Refused"), "{msg}");
}

#[test]
fn unresolvable_pdc_fails() {
    let r = pdc_result(&healthy_with_pdc("dc01.nonexistent.invalid"), true);
    assert_eq!(r["Status"], "Fail", "{r:#}");
    assert!(
        r["Message"]
            .as_str()
            .unwrap_or_default()
            .contains("NotResolved"),
        "{r:#}"
    );
}

#[test]
fn open_ad_ports_pass() {
    // Binding ports below 1024 needs root, which CI (and .ci/run) has.
    let listeners: Vec<TcpListener> = [88u16, 135, 389, 445]
        .iter()
        .map(|p| {
            TcpListener::bind(("127.0.0.77", *p))
                .unwrap_or_else(|e| panic!("bind 127.0.0.77:{p} (needs root): {e}"))
        })
        .collect();
    let r = pdc_result(&healthy_with_pdc("127.0.0.77"), true);
    drop(listeners);
    assert_eq!(r["Status"], "Pass", "{r:#}");
    assert_eq!(r["Evidence"]["Outcome"], "PdcReachable");
}

#[test]
fn cli_probe_flag_reaches_the_engine() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("snap.json");
    std::fs::write(&file, healthy_with_pdc("127.0.0.78").to_string()).expect("write");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wbdiag"))
        .args(["prerequisites", "--snapshot"])
        .arg(&file)
        .args(["--probe-pdc", "--timeout-ms", "2000", "--json"])
        .output()
        .expect("run wbdiag");
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let r = report["Results"]
        .as_array()
        .and_then(|a| a.iter().find(|r| r["Id"] == "PRE-PDC-REACHABLE"))
        .expect("result");
    assert_eq!(r["Evidence"]["Outcome"], "PdcPortsBlocked");
}
