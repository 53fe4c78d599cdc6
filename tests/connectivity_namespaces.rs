//! The tenant's own relay namespaces in `connectivity`: `--namespace`, the live event log
//! the module passes (`LiveEventLog`), their order before the generic hosts and the
//! `EndpointSource` of every result. Every endpoint goes through a proxy on a closed
//! loopback port, so no relay host is looked up or contacted: each gets its DNS row (of the
//! proxy) and a failed proxy row.

mod wbdiag_run;

use std::time::Duration;

use serde_json::{json, Value};
use wbdiag_run::wbdiag;
use writeback_diagnostics::run_json;

fn closed_proxy() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    format!("http://127.0.0.1:{port}")
}

/// A loopback DNS server address where nothing listens, so that the relay path's direct
/// DNS queries stay on this machine and fail at once.
fn closed_dns() -> String {
    let port = std::net::UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .expect("free port")
        .port();
    format!("127.0.0.1:{port}")
}

fn results(report: &Value) -> &Vec<Value> {
    report["Results"].as_array().expect("Results")
}

/// The endpoint targets in the order their first row appears.
fn target_order(report: &Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in results(report) {
        let t = r["Target"].as_str().unwrap_or_default().to_string();
        if r["Id"] == "CONN-DNS" && !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

fn rows_of<'a>(report: &'a Value, target: &str) -> Vec<&'a Value> {
    results(report)
        .iter()
        .filter(|r| r["Target"] == target)
        .collect()
}

#[test]
fn wbdiag_tests_namespaces_first_and_marks_the_generic_relays() {
    let proxy = closed_proxy();
    let dns = closed_dns();
    let r = wbdiag(
        &[
            "connectivity",
            "--dns-server",
            &dns,
            "--namespace",
            "ssprdedicatedsbwbdtest-1",
            "--namespace",
            "sb://SSPRDedicatedSBWbdTest-2.servicebus.windows.net/",
            "--proxy",
            &proxy,
            "--timeout-ms",
            "2000",
            "--json",
        ],
        Duration::from_secs(20),
    );
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    let report: Value = serde_json::from_str(&r.stdout).expect("--json is JSON");
    assert_eq!(
        target_order(&report),
        [
            "ssprdedicatedsbwbdtest-1.servicebus.windows.net:443",
            "ssprdedicatedsbwbdtest-2.servicebus.windows.net:443",
            "passwordreset.microsoftonline.com:443",
            "ssprdedicatedsbprodscu.servicebus.windows.net:443",
            "ssprdedicatedsbprodncu.servicebus.windows.net:443",
        ]
    );
    for (target, source) in [
        (
            "ssprdedicatedsbwbdtest-1.servicebus.windows.net:443",
            "CommandLine",
        ),
        ("passwordreset.microsoftonline.com:443", "Generic"),
        (
            "ssprdedicatedsbprodscu.servicebus.windows.net:443",
            "Generic",
        ),
    ] {
        let rows = rows_of(&report, target);
        assert_eq!(rows.len(), 4, "{target}: one row per stage");
        for row in rows {
            assert_eq!(row["Evidence"]["EndpointSource"], json!(source), "{row}");
            let example = target.starts_with("ssprdedicatedsbprodscu");
            assert_eq!(
                row["Message"]
                    .as_str()
                    .is_some_and(|m| m.contains("may not be this tenant's relay")),
                example,
                "{row}"
            );
        }
    }
    // The module's live-log result appears only when the module read the log.
    assert!(results(&report)
        .iter()
        .all(|r| r["Id"] != "CONN-TENANT-RELAYS"));
    // A bad namespace is bad usage, with a one-line reason.
    let r = wbdiag(
        &["connectivity", "--namespace", "bad_name"],
        Duration::from_secs(20),
    );
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("namespace 'bad_name'") && r.stderr.trim().lines().count() == 1,
        "{}",
        r.stderr
    );
    let help = wbdiag(&["connectivity", "--help"], Duration::from_secs(20));
    assert!(
        help.stdout.contains("--namespace <NAME>"),
        "{}",
        help.stdout
    );
}

#[test]
fn the_live_log_s_relays_come_first_and_are_reported() {
    let proxy = closed_proxy();
    let endpoint = "6f0d3f8e-9a51-4c55-8d3e-2b7c1f4a9e01_3d02a091-a6d3-5b37-9700-000000000001";
    let request = |log: Value| {
        let out = run_json(
            &json!({"Command": "connectivity", "Options": {
                "Proxy": proxy, "TimeoutMs": 2000, "LiveEventLog": log,
                "DnsServer": closed_dns()}})
            .to_string(),
        );
        let v: Value = serde_json::from_str(&out).expect("JSON");
        assert_eq!(v["Ok"], json!(true), "{out}");
        v["Report"].clone()
    };
    let report = request(
        json!({"State": "Read", "Since": "2026-11-25T00:00:00Z", "MaxEvents": 200, "Events": [
            {"Id": 31019, "TimeCreated": "2026-12-01T10:05:00+01:00",
             "Message": format!("ServiceBusHeartBeat, Details: namespace ssprdedicatedsbwbdtest-1, endpoint {endpoint}")},
            {"Id": 31019, "TimeCreated": "/Date(1764579600000)/",
             "Message": format!("namespace ssprdedicatedsbprodscu, endpoint {endpoint}")}
        ]}),
    );
    // The tenant's scu relay is no longer a generic example: it moves up and is not doubled.
    assert_eq!(
        target_order(&report),
        [
            "ssprdedicatedsbwbdtest-1.servicebus.windows.net:443",
            "ssprdedicatedsbprodscu.servicebus.windows.net:443",
            "passwordreset.microsoftonline.com:443",
            "ssprdedicatedsbprodncu.servicebus.windows.net:443",
        ]
    );
    for row in rows_of(&report, "ssprdedicatedsbprodscu.servicebus.windows.net:443") {
        assert_eq!(row["Evidence"]["EndpointSource"], json!("TenantEvents"));
        assert!(!row["Message"]
            .as_str()
            .unwrap_or_default()
            .contains("may not be this tenant's"));
    }
    let note: Vec<&Value> = results(&report)
        .iter()
        .filter(|r| r["Id"] == "CONN-TENANT-RELAYS")
        .collect();
    assert_eq!(note.len(), 1, "one per run");
    assert_eq!(note[0]["Status"], json!("Pass"), "{}", note[0]);
    assert_eq!(
        note[0]["Evidence"]["Relays"][0]["Endpoints"],
        json!([endpoint])
    );
    assert_eq!(
        note[0]["Evidence"]["Relays"][0]["LastSeen"],
        json!("2026-12-01T09:05:00Z")
    );
    // No namespace in the log: a Warning that says how to find one; only generic hosts.
    let report = request(json!({"State": "Read", "Events": [
        {"Id": 32002, "TimeCreated": "2026-12-01T10:05:00Z", "Message": "Error Connecting to ServiceBus. The token provider was unable to provide a security token."}
    ]}));
    assert_eq!(target_order(&report).len(), 3);
    let note = results(&report)
        .iter()
        .find(|r| r["Id"] == "CONN-TENANT-RELAYS")
        .expect("note");
    assert_eq!(
        (note["Status"].clone(), note["Evidence"]["Outcome"].clone()),
        (json!("Warning"), json!("NoneInLog"))
    );
    assert!(
        note["Remediation"]
            .as_str()
            .is_some_and(|t| t.contains("ProviderName='PasswordResetService'; Id=31019,31034")),
        "{note}"
    );
}
