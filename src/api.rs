//! Wire types shared by the C ABI, the CLI and the PowerShell module.
//!
//! Every key is PascalCase so that `ConvertFrom-Json` yields PowerShell-native objects.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::WbdError;

/// Outcome of one check on one target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    /// The check succeeded.
    Pass,
    /// The check succeeded with a caveat worth reading.
    Warning,
    /// The check found a problem that breaks writeback.
    Fail,
    /// The check did not run; the message says why.
    Skipped,
    /// The check could not be carried out (tool-side problem, not a finding).
    Error,
}

/// One check on one target, as runbooks filter and display it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CheckResult {
    /// Stable identifier, for example `CONN-TLS`.
    pub id: String,
    /// Short check name (`Dns`, `Tcp`, `Proxy`, `Tls`, `Http`, ...).
    pub check: String,
    /// What was checked, for example `host:443`.
    pub target: String,
    /// Outcome.
    pub status: Status,
    /// One-line headline.
    pub title: String,
    /// What was observed, in a sentence or two.
    pub message: String,
    /// What to do about it; empty when nothing needs doing.
    pub remediation: String,
    /// Documentation page that explains the requirement.
    pub docs_url: String,
    /// Machine-readable facts behind the result.
    pub evidence: Map<String, Value>,
    /// Time spent on this check.
    pub duration_ms: u64,
}

/// Count of results per status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Summary {
    /// Results with status `Pass`.
    pub pass: u32,
    /// Results with status `Warning`.
    pub warning: u32,
    /// Results with status `Fail`.
    pub fail: u32,
    /// Results with status `Skipped`.
    pub skipped: u32,
    /// Results with status `Error`.
    pub error: u32,
}

impl Summary {
    /// Counts the statuses of `results`.
    pub fn of(results: &[CheckResult]) -> Self {
        let mut s = Summary::default();
        for r in results {
            match r.status {
                Status::Pass => s.pass += 1,
                Status::Warning => s.warning += 1,
                Status::Fail => s.fail += 1,
                Status::Skipped => s.skipped += 1,
                Status::Error => s.error += 1,
            }
        }
        s
    }

    /// True when no result failed or errored.
    pub fn healthy(&self) -> bool {
        self.fail == 0 && self.error == 0
    }
}

/// The full answer to one request.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Report {
    /// Always `WritebackDiagnostics`.
    pub tool: String,
    /// Crate version.
    pub version: String,
    /// The command that produced this report.
    pub command: String,
    /// Start time, RFC 3339 UTC.
    pub started_at: String,
    /// Wall-clock duration of the whole command.
    pub duration_ms: u64,
    /// One entry per check and target.
    pub results: Vec<CheckResult>,
    /// Status counts over `results`.
    pub summary: Summary,
}

/// Error body of a failed envelope.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ErrorBody {
    /// Stable code from [`crate::error::ErrorCode`].
    pub code: String,
    /// Human-readable reason.
    pub message: String,
}

impl From<&WbdError> for ErrorBody {
    fn from(e: &WbdError) -> Self {
        ErrorBody {
            code: e.code.to_string(),
            message: e.message.clone(),
        }
    }
}

/// `{"Ok": true, "Report": ...}` or `{"Ok": false, "Error": ...}`.
pub fn envelope(result: &Result<Report, WbdError>) -> Value {
    match result {
        Ok(report) => serde_json::json!({ "Ok": true, "Report": report }),
        Err(e) => error_envelope(e),
    }
}

/// [`envelope`] as JSON text, serialized straight from the report: the same text as
/// `envelope(result).to_string()` (`Value` keeps insertion order here) without building
/// and dropping the intermediate `Value` tree, which was most of a small `wbd_run`'s
/// time (callgrind on `benches/engine.rs`).
pub fn envelope_text(result: &Result<Report, WbdError>) -> String {
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct OkEnvelope<'a> {
        ok: bool,
        report: &'a Report,
    }
    match result {
        Ok(report) => serde_json::to_string(&OkEnvelope { ok: true, report }).unwrap_or_else(|e| {
            error_envelope(&WbdError::new(
                crate::error::ErrorCode::Internal,
                format!("the report could not be written as JSON: {e}"),
            ))
            .to_string()
        }),
        Err(e) => error_envelope(e).to_string(),
    }
}

/// `{"Ok": false, "Error": {"Code", "Message"}}`.
pub fn error_envelope(e: &WbdError) -> Value {
    serde_json::json!({ "Ok": false, "Error": ErrorBody::from(e) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_text_is_the_envelope_value_written_out() {
        let control = crate::control::Control::new();
        let request = crate::request::parse(
            r#"{"Command":"prerequisites","Options":{"Snapshot":{"SchemaVersion":1}}}"#,
        )
        .expect("valid request");
        let ok = crate::engine::run(&request, &control);
        assert!(ok.is_ok(), "{ok:?}");
        let text = envelope_text(&ok);
        assert!(
            text.starts_with(r#"{"Ok":true,"Report":{"Tool":"#),
            "{text}"
        );
        assert_eq!(text, envelope(&ok).to_string());
        let err: Result<Report, WbdError> = Err(WbdError::invalid("bad"));
        assert_eq!(envelope_text(&err), envelope(&err).to_string());
    }
}
