//! Renders reports into one self-contained HTML page: inline CSS, no scripts, no
//! external resources (a Content-Security-Policy in the page forbids them, too).
//!
//! Everything shown goes through the askama template `templates/report.html`, which
//! escapes every value; nothing here builds HTML by hand. Results pass through
//! [`super::sanitize`] first, so masked evidence and credential-free URLs are all the
//! page ever sees.

use askama::Template;
use serde_json::Value;

use super::order::{self, AREAS};
use super::sanitize;
use crate::api::{CheckResult, Report, Status, Summary};
use crate::error::{ErrorCode, WbdError};

/// Facts about the page itself rather than the checks.
#[derive(Debug, Clone)]
pub struct PageInfo {
    /// The server the checks ran on (shown in the header and the title).
    pub computer_name: String,
    /// When the page was generated, RFC 3339.
    pub generated_at: String,
}

/// A rendered page and what it holds.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The HTML document.
    pub html: String,
    /// Number of findings (results) on the page.
    pub findings: usize,
    /// Number of findings in the blocking list (every Fail and Error).
    pub blocking: usize,
}

struct SourceView {
    command: String,
    tool: String,
    version: String,
    started_at: String,
    duration_ms: u64,
    results: usize,
}

struct CountView {
    key: &'static str,
    label: &'static str,
    value: u32,
}

struct EvidenceView {
    key: String,
    value: String,
    structured: bool,
}

struct FindingView {
    anchor: String,
    id: String,
    check: String,
    target: String,
    status_key: &'static str,
    status_label: &'static str,
    title: String,
    message: String,
    remediation: String,
    docs_url: String,
    docs_href: Option<String>,
    command: String,
    duration_ms: u64,
    evidence: Vec<EvidenceView>,
}

struct BlockingView {
    anchor: String,
    id: String,
    status_key: &'static str,
    status_label: &'static str,
    area: &'static str,
    title: String,
    target: String,
    fix: String,
    message: String,
}

struct AreaView {
    key: &'static str,
    title: &'static str,
    findings: Vec<FindingView>,
    counts: String,
}

#[derive(Template)]
#[template(path = "report.html")]
struct Page {
    tool: &'static str,
    version: &'static str,
    computer_name: String,
    generated_at: String,
    sources: Vec<SourceView>,
    counts: Vec<CountView>,
    total: usize,
    blocking: Vec<BlockingView>,
    areas: Vec<AreaView>,
}

/// The key used in classes and ids (`status-fail`, `count-fail`).
pub fn status_key(s: Status) -> &'static str {
    match s {
        Status::Pass => "pass",
        Status::Warning => "warning",
        Status::Fail => "fail",
        Status::Skipped => "skipped",
        Status::Error => "error",
    }
}

fn status_label(s: Status) -> &'static str {
    match s {
        Status::Pass => "Pass",
        Status::Warning => "Warning",
        Status::Fail => "Fail",
        Status::Skipped => "Skipped",
        Status::Error => "Error",
    }
}

fn counts(s: &Summary) -> Vec<CountView> {
    let c = |key, label, value| CountView { key, label, value };
    vec![
        c("fail", "Fail", s.fail),
        c("error", "Error", s.error),
        c("warning", "Warning", s.warning),
        c("pass", "Pass", s.pass),
        c("skipped", "Skipped", s.skipped),
    ]
}

fn area_counts(findings: &[FindingView]) -> String {
    let mut parts = Vec::new();
    for s in [
        Status::Fail,
        Status::Error,
        Status::Warning,
        Status::Pass,
        Status::Skipped,
    ] {
        let n = findings
            .iter()
            .filter(|f| f.status_key == status_key(s))
            .count();
        if n > 0 {
            parts.push(format!("{n} {}", status_label(s).to_ascii_lowercase()));
        }
    }
    parts.join(", ")
}

/// Only web links become links; anything else (a `javascript:` URL, a file path) is
/// shown as text.
fn docs_href(url: &str) -> Option<String> {
    let lower = url.trim().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")).then(|| url.trim().to_string())
}

fn evidence(r: &CheckResult) -> Vec<EvidenceView> {
    r.evidence
        .iter()
        .map(|(k, v)| {
            let (value, structured) = match v {
                Value::String(s) => (s.clone(), false),
                Value::Null => ("null".to_string(), false),
                Value::Bool(_) | Value::Number(_) => (v.to_string(), false),
                Value::Array(_) | Value::Object(_) => (v.to_string(), true),
            };
            EvidenceView {
                key: k.clone(),
                value,
                structured,
            }
        })
        .collect()
}

fn finding(r: &CheckResult, command: &str, anchor: String) -> FindingView {
    FindingView {
        anchor,
        id: r.id.clone(),
        check: r.check.clone(),
        target: r.target.clone(),
        status_key: status_key(r.status),
        status_label: status_label(r.status),
        title: r.title.clone(),
        message: r.message.clone(),
        remediation: r.remediation.clone(),
        docs_href: docs_href(&r.docs_url),
        docs_url: r.docs_url.clone(),
        command: command.to_string(),
        duration_ms: r.duration_ms,
        evidence: evidence(r),
    }
}

/// Renders `reports` (at least one) into one HTML page.
pub fn render(reports: &[Report], info: &PageInfo) -> Result<Rendered, WbdError> {
    let mut rows: Vec<(CheckResult, String)> = Vec::new();
    for report in reports {
        let command = sanitize::strip_url_credentials(&report.command);
        for r in &report.results {
            rows.push((sanitize::result(r), command.clone()));
        }
    }
    let ids: Vec<&str> = rows.iter().map(|(r, _)| r.id.as_str()).collect();
    let order = order::sorted_indices(&ids);
    let mut areas: Vec<AreaView> = AREAS
        .iter()
        .map(|a| AreaView {
            key: a.key,
            title: a.title,
            findings: Vec::new(),
            counts: String::new(),
        })
        .collect();
    let mut blocking = Vec::new();
    for (n, &i) in order.iter().enumerate() {
        let (r, command) = &rows[i];
        let anchor = format!("finding-{}", n + 1);
        let (area, _) = order::place(&r.id);
        if matches!(r.status, Status::Fail | Status::Error) {
            blocking.push(BlockingView {
                anchor: anchor.clone(),
                id: r.id.clone(),
                status_key: status_key(r.status),
                status_label: status_label(r.status),
                area: AREAS[area].title,
                title: r.title.clone(),
                target: r.target.clone(),
                fix: r.remediation.clone(),
                message: r.message.clone(),
            });
        }
        areas[area].findings.push(finding(r, command, anchor));
    }
    areas.retain(|a| !a.findings.is_empty());
    for a in &mut areas {
        a.counts = area_counts(&a.findings);
    }
    let all: Vec<CheckResult> = rows.into_iter().map(|(r, _)| r).collect();
    let page = Page {
        tool: "WritebackDiagnostics",
        version: env!("CARGO_PKG_VERSION"),
        computer_name: sanitize::strip_url_credentials(&info.computer_name),
        generated_at: info.generated_at.clone(),
        sources: reports
            .iter()
            .map(|r| SourceView {
                command: sanitize::strip_url_credentials(&r.command),
                tool: sanitize::strip_url_credentials(&r.tool),
                version: sanitize::strip_url_credentials(&r.version),
                started_at: sanitize::strip_url_credentials(&r.started_at),
                duration_ms: r.duration_ms,
                results: r.results.len(),
            })
            .collect(),
        counts: counts(&Summary::of(&all)),
        total: all.len(),
        blocking,
        areas,
    };
    let findings = page.total;
    let blocking = page.blocking.len();
    let html = page.render().map_err(|e| {
        WbdError::new(
            ErrorCode::Internal,
            format!("cannot render the HTML report: {e}"),
        )
    })?;
    Ok(Rendered {
        html,
        findings,
        blocking,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Map};

    fn result(id: &str, status: Status, target: &str, fix: &str) -> CheckResult {
        CheckResult {
            id: id.into(),
            check: "Check".into(),
            target: target.into(),
            status,
            title: format!("title of {id}"),
            message: "message".into(),
            remediation: fix.into(),
            docs_url: "javascript:alert(3)".into(),
            evidence: Map::new(),
            duration_ms: 1,
        }
    }

    fn report(results: Vec<CheckResult>) -> Report {
        Report {
            tool: "WritebackDiagnostics".into(),
            version: "0.1.0".into(),
            command: "prerequisites".into(),
            started_at: "2026-01-01T00:00:00Z".into(),
            duration_ms: 3,
            summary: Summary::of(&results),
            results,
        }
    }

    fn info() -> PageInfo {
        PageInfo {
            computer_name: "CONNECT01".into(),
            generated_at: "2026-01-01T00:00:01Z".into(),
        }
    }

    #[test]
    fn blocking_list_is_in_fix_order_and_escaped() {
        let mut user = result("USER-RIGHTS", Status::Fail, "<b>jdoe</b>", "grant & retry");
        user.evidence = json!({"Nested": {"a": "<i>"}, "ApiKey": "k-123"})
            .as_object()
            .cloned()
            .unwrap_or_default();
        let reports = [report(vec![
            user,
            result("CONN-TLS", Status::Error, "host:443", "fix tls"),
            result("PRE-LICENSE-TENANT", Status::Fail, "tenant", "buy P1"),
            result("PRE-OS", Status::Pass, "server", ""),
        ])];
        let page = render(&reports, &info()).expect("renders");
        assert_eq!((page.findings, page.blocking), (4, 3));
        let html = &page.html;
        let at = |s: &str| html.find(s).unwrap_or(usize::MAX);
        assert!(at("buy P1") < at("fix tls") && at("fix tls") < at("grant &amp; retry"));
        assert!(html.contains("&#60;b&#62;jdoe&#60;/b&#62;") || html.contains("&lt;b&gt;jdoe"));
        assert!(!html.contains("<b>jdoe"), "target is escaped");
        assert!(!html.contains("<i>") && !html.contains("k-123"));
        assert!(!html.contains("href=\"javascript"), "no script links");
        assert!(!html.to_ascii_lowercase().contains("<script"), "no scripts");
    }

    #[test]
    fn nothing_blocking_says_so() {
        let page = render(
            &[report(vec![result("PRE-OS", Status::Pass, "s", "")])],
            &info(),
        )
        .expect("ok");
        assert_eq!(page.blocking, 0);
        assert!(page.html.contains("id=\"nothing-blocks\""));
        assert!(page.html.contains("<dd id=\"count-pass\">1</dd>"));
    }
}
