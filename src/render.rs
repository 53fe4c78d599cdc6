//! The human-readable table `wbdiag` prints without `--json`.
//!
//! The table is laid out by `comfy-table`, so no value of any width or content can
//! panic it. Every value is cleaned first: control characters (ANSI escapes, newlines,
//! tabs from a server's message) become visible `\u{..}` text or a space, so a remote
//! message cannot drive the terminal. Each table row is one line of at most [`WIDTH`]
//! columns; a value too long is cut with `...`. The JSON keeps the whole text.

use std::fmt::Write;

use comfy_table::{ContentArrangement, LineStyle, Row, Table, TableStyle};

use crate::api::{Report, Status};

/// Widest line of the table (the summary and the "What to fix" text are free text).
pub const WIDTH: u16 = 120;

/// Longest text kept in one cell before layout; the layout then cuts it to fit.
const CELL_CHARS: usize = 400;

fn status_text(s: Status) -> &'static str {
    match s {
        Status::Pass => "Pass",
        Status::Warning => "Warning",
        Status::Fail => "FAIL",
        Status::Skipped => "Skipped",
        Status::Error => "ERROR",
    }
}

/// Makes a value safe to print: whitespace controls (newline, tab, ...) become one
/// space, other control characters (ESC, BEL, C1, DEL) become `\u{..}`, and bidi
/// overrides are escaped the same way.
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(4 * CELL_CHARS));
    for c in text.chars() {
        if c.is_whitespace() && c != ' ' {
            out.push(' ');
        } else if c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

/// At most `max` characters of `text`, cleaned, ending in `...` when cut.
fn shorten(text: &str, max: usize) -> String {
    let head: String = text.chars().take(max + 1).collect();
    let mut s = clean(&head);
    if s.chars().count() > max {
        s = s.chars().take(max.saturating_sub(3)).collect();
        s.push_str("...");
    }
    s
}

fn style() -> TableStyle {
    TableStyle::new().header_separator(LineStyle::none().fill('-').junction(' '))
}

/// Renders one row per result, the summary, and the fixes for what failed.
pub fn table(report: &Report) -> String {
    let mut t = Table::new();
    t.load_style(style())
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(WIDTH)
        .set_truncation_indicator("...")
        .set_header(vec!["Status", "Check", "Target", "Message"]);
    for r in &report.results {
        let mut row = Row::from(vec![
            status_text(r.status).to_string(),
            shorten(&r.check, 40),
            shorten(&r.target, 60),
            shorten(&r.message, CELL_CHARS),
        ]);
        row.max_height(1);
        t.add_row(row);
    }
    for c in t.column_iter_mut() {
        c.set_padding((0, 1));
    }
    let mut out = String::new();
    for line in t.lines() {
        let _ = writeln!(out, "{}", line.trim_end());
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
                format!(
                    "{} {} ({})",
                    shorten(&r.target, 200),
                    shorten(&r.check, 200),
                    shorten(&r.title, 400)
                ),
                &r.remediation,
            ));
        }
    }
    if !fixes.is_empty() {
        let _ = writeln!(out, "\nWhat to fix:");
        for (what, fix) in fixes {
            let _ = writeln!(out, "- {what}\n  {}", clean(fix));
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

    #[test]
    fn cleans_control_characters() {
        assert_eq!(clean("a\x1b[31mb\nc"), "a\\u{1b}[31mb c");
    }
}
