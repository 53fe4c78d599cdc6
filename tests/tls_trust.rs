//! Certificate validation can never be turned off (issue 14, item 5).
//!
//! No option exists to skip it: an extra CA file (`--ca-file` / `CaFile`) is the only
//! trust change. These tests pin that: the CLI help, the request schema, a loopback TLS
//! server whose CA is not trusted, and the shape of the rustls set-up in src/probe/tls.rs.

mod support;

use std::process::Command;

use serde_json::{json, Value};
use support::{pretty, run_connectivity, LeafKind, Pki, Server};

const FORBIDDEN: [&str; 6] = [
    "insecure",
    "no-verify",
    "skip",
    "accept-invalid",
    "danger",
    "noverify",
];

#[test]
fn connectivity_help_offers_no_way_to_skip_validation() {
    let out = Command::new(env!("CARGO_BIN_EXE_wbdiag"))
        .args(["connectivity", "--help"])
        .output()
        .expect("run wbdiag");
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout).to_lowercase();
    assert!(help.contains("--ca-file"), "{help}");
    for line in help.lines().filter(|l| l.trim_start().starts_with('-')) {
        for word in FORBIDDEN {
            assert!(
                !line.contains(word),
                "option line mentions '{word}': {line}"
            );
        }
    }
}

fn error_of(options: Value) -> Value {
    let request = json!({ "Command": "connectivity", "Options": options }).to_string();
    let out = writeback_diagnostics::run_json(&request);
    let envelope: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(envelope["Ok"], json!(false), "{out}");
    envelope["Error"].clone()
}

#[test]
fn request_options_to_skip_validation_are_unknown_keys() {
    for key in [
        "Insecure",
        "SkipCertificateCheck",
        "AcceptInvalidCerts",
        "DangerAcceptInvalidCertificates",
        "NoVerify",
    ] {
        let err = error_of(json!({ "NoDefaultEndpoints": true, key: true }));
        assert_eq!(
            err["Code"],
            json!("InvalidInput"),
            "{key}: {}",
            pretty(&err)
        );
        assert!(
            err["Message"].as_str().unwrap_or_default().contains(key),
            "{key}: {}",
            pretty(&err)
        );
    }
}

fn tls_row(report: &Value, target: &str) -> Value {
    report["Results"]
        .as_array()
        .expect("Results")
        .iter()
        .find(|r| r["Check"] == "Tls" && r["Target"] == target)
        .cloned()
        .unwrap_or_else(|| panic!("no Tls row for {target}: {}", pretty(report)))
}

#[test]
fn a_private_ca_fails_tls_unless_given_as_ca_file() {
    let pki = Pki::new();
    let server = Server::https_401(&pki.leaf(LeafKind::Good));
    let target = server.endpoint();
    let base = json!({ "Endpoints": [target], "NoDefaultEndpoints": true, "TimeoutMs": 3000 });

    let (report, _) = run_connectivity(base.clone());
    let row = tls_row(&report, &target);
    assert_eq!(row["Status"], json!("Fail"), "{}", pretty(&row));
    assert_eq!(
        row["Evidence"]["Outcome"],
        json!("UntrustedIssuer"),
        "{}",
        pretty(&row)
    );

    let mut with_ca = base;
    with_ca["CaFile"] = json!(pki.ca_file_str());
    let (report, _) = run_connectivity(with_ca);
    let row = tls_row(&report, &target);
    assert_eq!(row["Status"], json!("Pass"), "{}", pretty(&row));
}

fn sources(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
    for e in std::fs::read_dir(dir).expect("read src") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push((
                p.display().to_string(),
                std::fs::read_to_string(&p).expect("read"),
            ));
        }
    }
}

#[test]
fn the_only_custom_verifier_delegates_to_webpki() {
    let mut files = Vec::new();
    sources(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    for (path, text) in &files {
        for bad in [
            "danger_accept_invalid",
            "ServerCertVerified::assertion",
            "HandshakeSignatureValid::assertion",
            "NoCertificateVerification",
        ] {
            assert!(!text.contains(bad), "{path} contains {bad}");
        }
        let dangerous = text.matches(".dangerous()").count();
        if !path.ends_with("probe/tls.rs") {
            assert_eq!(dangerous, 0, "{path} overrides the rustls verifier");
        }
    }
    let (_, tls) = files
        .iter()
        .find(|(p, _)| p.ends_with("probe/tls.rs"))
        .expect("src/probe/tls.rs");
    assert_eq!(tls.matches(".dangerous()").count(), 1);
    assert!(
        tls.contains(".dangerous()\n        .with_custom_certificate_verifier(verifier.clone())")
    );
    assert!(tls.contains("WebPkiServerVerifier::builder_with_provider(trust.roots.clone()"));
    // Every verifier method hands the decision to webpki.
    for call in [
        "self.inner\n            .verify_server_cert(",
        "self.inner.verify_tls12_signature(",
        "self.inner.verify_tls13_signature(",
    ] {
        assert!(
            tls.contains(call),
            "RecordingVerifier must delegate: {call}"
        );
    }
}
