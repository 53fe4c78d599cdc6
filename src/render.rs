//! The human-readable table `wbdiag` prints without `--json`.

use std::fmt::Write;

use crate::api::{Report, Status};

/// Longest message shown in the table; the JSON keeps the whole text.
const MESSAGE_WIDTH: usize = 110;

fn status_text(s: Status) -> &'static str {
    match s {
        Status::Pass => "Pass",
        Status::Warning => "Warning",
        Status::Fail => "FAIL",
        Status::Skipped => "Skipped",
        Status::Error => "ERROR",
    }
}

fn shorten(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(width.saturating_sub(3)).collect();
        s.push_str("...");
        s
    }
}

/// Renders one row per result, the summary, and the fixes for what failed.
pub fn table(report: &Report) -> String {
    let mut out = String::new();
    let target_w = report
        .results
        .iter()
        .map(|r| r.target.chars().count())
        .max()
        .unwrap_or(6)
        .max(6);
    let check_w = report
        .results
        .iter()
        .map(|r| r.check.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    let _ = writeln!(
        out,
        "{:<7}  {:<check_w$}  {:<target_w$}  Message",
        "Status", "Check", "Target"
    );
    let _ = writeln!(
        out,
        "{:-<7}  {:-<check_w$}  {:-<target_w$}  {:-<7}",
        "", "", "", ""
    );
    for r in &report.results {
        let _ = writeln!(
            out,
            "{:<7}  {:<check_w$}  {:<target_w$}  {}",
            status_text(r.status),
            r.check,
            r.target,
            shorten(&r.message, MESSAGE_WIDTH)
        );
    }
    let s = &report.summary;
    let _ = writeln!(
        out,
        "\n{} pass, {} warning, {} fail, {} skipped, {} error in {} ms",
        s.pass, s.warning, s.fail, s.skipped, s.error, report.duration_ms
    );
    let mut fixes: Vec<(String, &str)> = Vec::new();
    for r in report
        .results
        .iter()
        .filter(|r| matches!(r.status, Status::Fail | Status::Error | Status::Warning))
    {
        if !r.remediation.is_empty() && !fixes.iter().any(|(_, f)| *f == r.remediation) {
            fixes.push((
                format!("{} {} ({})", r.target, r.check, r.title),
                &r.remediation,
            ));
        }
    }
    if !fixes.is_empty() {
        let _ = writeln!(out, "\nWhat to fix:");
        for (what, fix) in fixes {
            let _ = writeln!(out, "- {what}\n  {fix}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortens_long_messages() {
        assert_eq!(shorten("abc", 5), "abc");
        assert_eq!(shorten("abcdefgh", 5), "ab...");
    }
}
