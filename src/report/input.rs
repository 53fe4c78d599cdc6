//! Reading the reports an HTML report is made from: what `wbdiag <command> --json`
//! prints, the `{"Ok": true, "Report": ...}` envelope the C ABI and the module return,
//! or an array of either. Every error names the JSON path of the value at fault.
//!
//! Member names match without regard to case (as in snapshots); members this module
//! does not know are ignored, so reports of a newer engine still render. The summary
//! is recounted from the results rather than trusted.

use std::io::Read;
use std::path::Path;

use serde_json::{Map, Value};

use crate::api::{CheckResult, Report, Status, Summary};
use crate::error::WbdError;
use crate::snapshot::Node;

/// Largest report file accepted (64 MiB).
pub const MAX_REPORT_BYTES: u64 = 64 * 1024 * 1024;

/// Reads a report file (UTF-8 with or without BOM, or UTF-16 with BOM as Windows
/// PowerShell 5.1's `Out-File` writes it) and decodes the reports in it.
pub fn read_file(path: &Path) -> Result<Vec<Report>, WbdError> {
    let shown = path.display().to_string();
    let cannot = |e: std::io::Error| WbdError::invalid(format!("cannot read '{shown}': {e}"));
    let file = std::fs::File::open(path).map_err(cannot)?;
    let meta = file.metadata().map_err(cannot)?;
    if meta.is_dir() {
        return Err(WbdError::invalid(format!(
            "'{shown}' is a directory, not a report file"
        )));
    }
    let too_large = |len: u64| {
        WbdError::invalid(format!(
            "'{shown}' is {len} bytes or more; the limit is {MAX_REPORT_BYTES} bytes (64 MiB)"
        ))
    };
    if meta.len() > MAX_REPORT_BYTES {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::new();
    file.take(MAX_REPORT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_REPORT_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    let what = format!("report file '{shown}'");
    let text = crate::text::decode_text(&bytes, &what)?;
    drop(bytes);
    let value = crate::snapshot::load::parse_json(&text, &what)?;
    decode(&Node::at(&value, "$"))
        .map_err(|e| WbdError::new(e.code, format!("{what}: {}", e.message)))
}

/// Decodes one report, one envelope, or an array of them (at least one).
pub fn decode(node: &Node) -> Result<Vec<Report>, WbdError> {
    let reports = match node.value() {
        Value::Array(_) => node
            .items()
            .iter()
            .map(one)
            .collect::<Result<Vec<_>, _>>()?,
        Value::Object(_) => vec![one(node)?],
        _ => return Err(node.mismatch("a report object, an envelope or an array of them")),
    };
    if reports.is_empty() {
        return Err(node.invalid("holds no report"));
    }
    Ok(reports)
}

/// One report, unwrapping the envelope.
fn one(node: &Node) -> Result<Report, WbdError> {
    node.object()?;
    let Some(ok) = node.get("Ok") else {
        return report(node);
    };
    if !ok.boolean()? {
        let why = node
            .get("Error")
            .and_then(|e| e.get("Message"))
            .and_then(|m| m.str().ok().map(str::to_string))
            .unwrap_or_else(|| "no message".into());
        return Err(node.invalid(&format!(
            "is an error envelope (Ok is false: {why}), not a report"
        )));
    }
    match node.get("Report") {
        Some(inner) => report(&inner),
        None => Err(node.invalid("Ok is true but there is no Report")),
    }
}

fn report(node: &Node) -> Result<Report, WbdError> {
    node.object()?;
    let results_node = node
        .get("Results")
        .ok_or_else(|| node.invalid("missing Results (is this a report?)"))?;
    let results = match results_node.value() {
        Value::Array(_) => results_node
            .items()
            .iter()
            .map(result)
            .collect::<Result<Vec<_>, _>>()?,
        _ => return Err(results_node.mismatch("a list of results")),
    };
    Ok(Report {
        tool: text_or(node, "Tool", "WritebackDiagnostics")?,
        version: text_or(node, "Version", "")?,
        command: required_text(node, "Command")?,
        started_at: text_or(node, "StartedAt", "")?,
        duration_ms: node.opt("DurationMs", |n| n.uint())?.unwrap_or(0),
        summary: Summary::of(&results),
        results,
    })
}

fn result(node: &Node) -> Result<CheckResult, WbdError> {
    node.object()?;
    let status_node = node
        .get("Status")
        .ok_or_else(|| node.invalid("missing Status"))?;
    Ok(CheckResult {
        id: required_text(node, "Id")?,
        check: text_or(node, "Check", "")?,
        target: text_or(node, "Target", "")?,
        status: status(&status_node)?,
        title: text_or(node, "Title", "")?,
        message: text_or(node, "Message", "")?,
        remediation: text_or(node, "Remediation", "")?,
        docs_url: text_or(node, "DocsUrl", "")?,
        evidence: match node.get("Evidence") {
            Some(e) => e.object()?.clone(),
            None => Map::new(),
        },
        duration_ms: node.opt("DurationMs", |n| n.uint())?.unwrap_or(0),
    })
}

fn status(node: &Node) -> Result<Status, WbdError> {
    let expected = "one of Pass, Warning, Fail, Skipped, Error";
    let text = node.str().map_err(|_| node.mismatch(expected))?;
    [
        Status::Pass,
        Status::Warning,
        Status::Fail,
        Status::Skipped,
        Status::Error,
    ]
    .into_iter()
    .find(|s| format!("{s:?}").eq_ignore_ascii_case(text.trim()))
    .ok_or_else(|| node.mismatch(expected))
}

fn required_text(node: &Node, key: &str) -> Result<String, WbdError> {
    match node.get(key) {
        Some(n) => n.str().map(str::to_string),
        None => Err(node.invalid(&format!("missing {key}"))),
    }
}

fn text_or(node: &Node, key: &str, default: &str) -> Result<String, WbdError> {
    match node.get(key) {
        Some(n) => n.str().map(str::to_string),
        None => Ok(default.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn result_json(id: &str, status: &str) -> Value {
        json!({"Id": id, "Check": "C", "Target": "t", "Status": status, "Title": "T",
               "Message": "m", "Remediation": "", "DocsUrl": "", "Evidence": {}, "DurationMs": 1})
    }

    fn report_json(results: Vec<Value>) -> Value {
        json!({"Tool": "WritebackDiagnostics", "Version": "0.1.0", "Command": "events",
               "StartedAt": "2026-01-01T00:00:00Z", "DurationMs": 5, "Results": results,
               "Summary": {"Pass": 99, "Warning": 0, "Fail": 0, "Skipped": 0, "Error": 0}})
    }

    #[test]
    fn accepts_reports_envelopes_and_arrays() {
        let r = report_json(vec![result_json("A", "Pass"), result_json("B", "fail")]);
        let one = decode(&Node::at(&r, "Report")).expect("report");
        assert_eq!(one.len(), 1);
        assert_eq!(
            one[0].summary,
            Summary {
                pass: 1,
                fail: 1,
                ..Summary::default()
            },
            "recounted, not trusted"
        );
        let env = json!({"Ok": true, "Report": r});
        let both = decode(&Node::at(&json!([env, r]), "Report")).expect("array");
        assert_eq!(both.len(), 2);
        assert_eq!(both[1].results[1].status, Status::Fail);
    }

    #[test]
    fn errors_name_the_json_path() {
        let msg = |v: Value| {
            decode(&Node::at(&v, "Report"))
                .map(|_| String::new())
                .unwrap_or_else(|e| e.message)
        };
        let bad_status = report_json(vec![result_json("A", "Pass"), result_json("B", "Meh")]);
        assert!(
            msg(bad_status).starts_with("Report.Results[1].Status: expected one of Pass"),
            "status"
        );
        let mut no_id = result_json("A", "Pass");
        no_id.as_object_mut().map(|o| o.remove("Id"));
        assert_eq!(
            msg(json!([report_json(vec![no_id])])),
            "Report[0].Results[0]: missing Id"
        );
        let bad_evidence = {
            let mut r = result_json("A", "Pass");
            r["Evidence"] = json!("x");
            report_json(vec![r])
        };
        assert!(msg(bad_evidence).starts_with("Report.Results[0].Evidence: expected an object"));
        assert_eq!(
            msg(json!({"Ok": false, "Error": {"Code": "InvalidInput", "Message": "no file"}})),
            "Report: is an error envelope (Ok is false: no file), not a report"
        );
        assert_eq!(msg(json!([])), "Report: holds no report");
        assert_eq!(
            msg(json!({"Command": "x"})),
            "Report: missing Results (is this a report?)"
        );
        assert!(msg(json!(5)).starts_with("Report: expected a report object"));
    }
}
