//! `connectivity.json`: a connectivity report saved on the Connect server.
//!
//! Accepted shapes: the report (`{"Tool", "Command": "connectivity", ..., "Results": [...]}`),
//! its envelope (`{"Ok": true, "Report": {...}}`), or the bare list of results that
//! `Test-WritebackConnectivity | ConvertTo-Json` writes. Its results are taken as they
//! are: the network they describe is the Connect server's, which this machine cannot
//! probe again.

use std::io::Read;
use std::path::Path;

use serde_json::Value;

use crate::api::CheckResult;
use crate::error::WbdError;

/// Largest saved report read (64 MiB).
const MAX_SAVED_BYTES: u64 = 64 * 1024 * 1024;

/// What the saved report holds.
#[derive(Debug, Clone)]
pub struct SavedReport {
    /// When the saved run started (`StartedAt`), when the file says.
    pub started_at: Option<String>,
    /// Its results, unchanged.
    pub results: Vec<CheckResult>,
}

/// Reads a saved connectivity report.
pub fn read(path: &Path) -> Result<SavedReport, WbdError> {
    let cannot =
        |e: std::io::Error| WbdError::invalid(format!("cannot read connectivity.json: {e}"));
    let file = std::fs::File::open(path).map_err(cannot)?;
    let mut bytes = Vec::new();
    file.take(MAX_SAVED_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_SAVED_BYTES {
        return Err(WbdError::invalid(format!(
            "connectivity.json is larger than {MAX_SAVED_BYTES} bytes"
        )));
    }
    let text = crate::text::decode_text(&bytes, "connectivity.json")?;
    let value = crate::snapshot::load::parse_json(&text, "connectivity.json")?;
    parse(value)
}

/// Interprets the JSON of a saved connectivity report.
pub fn parse(value: Value) -> Result<SavedReport, WbdError> {
    let report = match value {
        Value::Object(mut o) if o.contains_key("Ok") => {
            if o.get("Ok") != Some(&Value::Bool(true)) {
                let why = o
                    .get("Error")
                    .and_then(|e| e.get("Message"))
                    .and_then(Value::as_str)
                    .unwrap_or("no message");
                return Err(WbdError::invalid(format!(
                    "connectivity.json holds a failed run, not a report: {why}"
                )));
            }
            o.remove("Report")
                .ok_or_else(|| WbdError::invalid("connectivity.json: the envelope has no Report"))?
        }
        other => other,
    };
    let (started_at, results) = match report {
        Value::Array(list) => (None, Value::Array(list)),
        Value::Object(mut o) => {
            if let Some(command) = o.get("Command").and_then(Value::as_str) {
                if !command.eq_ignore_ascii_case("connectivity") {
                    return Err(WbdError::invalid(format!(
                        "connectivity.json holds a '{command}' report, not a connectivity one"
                    )));
                }
            }
            let started = o
                .get("StartedAt")
                .and_then(Value::as_str)
                .map(str::to_string);
            let results = o
                .remove("Results")
                .ok_or_else(|| WbdError::invalid("connectivity.json has no Results"))?;
            (started, results)
        }
        _ => {
            return Err(WbdError::invalid(
                "connectivity.json is neither a report nor a list of results",
            ))
        }
    };
    let results = match results {
        Value::Array(list) => list,
        single @ Value::Object(_) => vec![single],
        _ => {
            return Err(WbdError::invalid(
                "connectivity.json: Results is not a list",
            ))
        }
    };
    let results = results
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            serde_json::from_value::<CheckResult>(r)
                .map_err(|e| WbdError::invalid(format!("connectivity.json: Results[{i}]: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(SavedReport {
        started_at,
        results,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn result(id: &str) -> Value {
        json!({"Id": id, "Check": "Tcp", "Target": "h:443", "Status": "Fail", "Title": "t",
               "Message": "m", "Remediation": "r", "DocsUrl": "u", "Evidence": {}, "DurationMs": 3})
    }

    #[test]
    fn reads_every_saved_shape() {
        let report = json!({"Tool": "WritebackDiagnostics", "Command": "connectivity",
            "StartedAt": "2026-11-25T09:31:00Z", "Results": [result("CONN-TCP")]});
        for value in [
            report.clone(),
            json!({"Ok": true, "Report": report}),
            json!([result("CONN-TCP")]),
            json!(result("CONN-TCP")),
        ] {
            let v = if value.get("Id").is_some() {
                json!({"Results": value})
            } else {
                value
            };
            let saved = parse(v).expect("reads");
            assert_eq!(saved.results.len(), 1);
            assert_eq!(saved.results[0].id, "CONN-TCP");
        }
    }

    #[test]
    fn refuses_other_content() {
        for (value, needle) in [
            (
                json!({"Ok": false, "Error": {"Code": "InvalidInput", "Message": "bad"}}),
                "failed run",
            ),
            (json!({"Ok": true}), "no Report"),
            (
                json!({"Command": "events", "Results": []}),
                "'events' report",
            ),
            (json!({"Command": "connectivity"}), "no Results"),
            (json!("text"), "neither"),
            (json!({"Results": [{"Id": "CONN-TCP"}]}), "Results[0]"),
        ] {
            let e = parse(value.clone()).expect_err(needle);
            assert!(e.message.contains(needle), "{value}: {}", e.message);
        }
    }
}
