//! Checks: each turns options into probes and probe findings into check results.

pub mod all;
pub mod allowlist;
pub mod clock;
pub mod connectivity;
pub mod events;
pub mod idle;
pub mod pdc_probe;
pub mod permissions;
pub mod prerequisites;
pub mod relay_path;
pub mod report;
pub mod revocation;
pub mod tenant_relays;

use serde_json::Value;

use crate::api::CheckResult;
use crate::probe::Finding;

/// Builds a [`CheckResult`] from a finding; `Outcome` is always part of the evidence.
pub fn result_from(
    id: &str,
    check: &str,
    target: &str,
    docs_url: &str,
    finding: Finding,
    duration_ms: u64,
) -> CheckResult {
    let mut evidence = finding.evidence;
    evidence.insert("Outcome".into(), Value::from(finding.outcome));
    CheckResult {
        id: id.to_string(),
        check: check.to_string(),
        target: target.to_string(),
        status: finding.status,
        title: finding.title,
        message: finding.message,
        remediation: finding.remediation,
        docs_url: docs_url.to_string(),
        evidence,
        duration_ms,
    }
}
