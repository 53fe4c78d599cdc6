//! Report helpers shared by the tests that read `prerequisites` reports: one result by Id
//! and target, and the shape every result must have.
#![allow(dead_code)]

use serde_json::Value;

/// The one result of `id` (for `target` when given); fails unless exactly one matches.
pub fn result<'a>(report: &'a Value, id: &str, target: Option<&str>) -> &'a Value {
    let found: Vec<&Value> = report["Results"]
        .as_array()
        .expect("Results")
        .iter()
        .filter(|r| r["Id"] == id && target.is_none_or(|t| r["Target"] == t))
        .collect();
    assert_eq!(found.len(), 1, "{id} {target:?}: {:#}", report["Results"]);
    found[0]
}

/// Asserts status and outcome together, and the fields every result has: non-empty Title,
/// Message, DocsUrl, Check and Target, and a remediation on a Fail or Warning.
pub fn assert_result(r: &Value, id: &str, status: &str, outcome: &str) {
    assert_eq!(r["Id"], id);
    assert_eq!(
        (r["Status"].as_str(), r["Evidence"]["Outcome"].as_str()),
        (Some(status), Some(outcome)),
        "{r:#}"
    );
    for key in ["Title", "Message", "DocsUrl", "Check", "Target"] {
        assert!(
            r[key].as_str().is_some_and(|s| !s.is_empty()),
            "{id}: empty {key}: {r:#}"
        );
    }
    if matches!(status, "Fail" | "Warning") {
        assert!(
            r["Remediation"].as_str().is_some_and(|s| s.len() > 20),
            "{id}: no remediation: {r:#}"
        );
    }
}
