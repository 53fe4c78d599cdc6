//! `events`: diagnoses password writeback from the Entra Connect server's Application log.
//!
//! Options:
//! - `Path` (required): an exported `.evtx` file, or the JSON written by
//!   `Get-WinEvent ... | Select-Object Id,ProviderName,TimeCreated,LevelDisplayName,Message |
//!   ConvertTo-Json` (Windows PowerShell 5.1 or PowerShell 7; UTF-8 or UTF-16);
//! - `Since`: skip older events; an ISO 8601 time, or a span before `Now` such as `7d`,
//!   `24h`, `90m`, `2w`;
//! - `Now`: the time the heartbeat's age is measured against (ISO 8601; for reproducible
//!   runs and live runs). Without it the newest event in the file is used, which suits an
//!   export analysed later;
//! - `MaxEvents`: stop after this many events (those passing `Since`), in file order.

use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use crate::api::CheckResult;
use crate::control::Control;
use crate::error::{ErrorCode, WbdError};
use crate::events::diagnose::{Diagnosis, Settings};
use crate::events::input::{self, Flow};
use crate::snapshot::{Node, Timestamp};

/// Options of the `events` command.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Options {
    /// The event file.
    pub path: Option<String>,
    /// Oldest event to take into account (ISO 8601 or `<n>[smhdw]`).
    pub since: Option<String>,
    /// Reference time (ISO 8601).
    pub now: Option<String>,
    /// Largest number of events to read.
    pub max_events: Option<u64>,
}

fn time(name: &str, text: &str) -> Result<Timestamp, WbdError> {
    let v = Value::String(text.to_string());
    Timestamp::decode(&Node::root(&v)).map_err(|_| {
        WbdError::invalid(format!(
            "{name} '{text}' is not a time (use ISO 8601, for example 2024-06-01T10:00:00Z)"
        ))
    })
}

/// Parses `Since`: an ISO 8601 time, or `<n>s|m|h|d|w` before `now`.
pub fn parse_since(text: &str, now: Timestamp) -> Result<Timestamp, WbdError> {
    let t = text.trim();
    let unit = t.chars().last().map(|c| c.to_ascii_lowercase());
    let digits = &t[..t.len().saturating_sub(1)];
    let ms = match unit {
        Some('s') => Some(1_000),
        Some('m') => Some(60_000),
        Some('h') => Some(3_600_000),
        Some('d') => Some(86_400_000),
        Some('w') => Some(7 * 86_400_000),
        _ => None,
    };
    if let (Some(ms), false) = (ms, digits.is_empty()) {
        if digits.bytes().all(|b| b.is_ascii_digit()) {
            let n: i64 = digits
                .parse()
                .map_err(|_| WbdError::invalid(format!("Since '{text}' is too large")))?;
            let span = n
                .checked_mul(ms)
                .filter(|s| *s <= 100 * 365 * 86_400_000)
                .ok_or_else(|| WbdError::invalid(format!("Since '{text}' is too large")))?;
            return Ok(Timestamp(now.0 - span));
        }
    }
    time("Since", t).map_err(|_| {
        WbdError::invalid(format!(
            "Since '{text}' is neither a time (ISO 8601) nor a span such as 7d, 24h or 30m"
        ))
    })
}

/// Validated options.
struct Plan {
    path: String,
    settings: Settings,
}

fn plan(options: &Value) -> Result<Plan, WbdError> {
    let opts: Options = serde_json::from_value(options.clone())
        .map_err(|e| WbdError::invalid(format!("events options: {e}")))?;
    let path = match opts.path {
        Some(p) if !p.trim().is_empty() => p,
        Some(_) => return Err(WbdError::invalid("Path is empty")),
        None => {
            return Err(WbdError::invalid(
                "events options: Path (an .evtx file or Get-WinEvent JSON) is required",
            ))
        }
    };
    let now = opts.now.as_deref().map(|n| time("Now", n)).transpose()?;
    let since = opts
        .since
        .as_deref()
        .map(|s| parse_since(s, now.unwrap_or_else(Timestamp::now)))
        .transpose()?;
    if opts.max_events == Some(0) {
        return Err(WbdError::invalid("MaxEvents must be at least 1"));
    }
    Ok(Plan {
        path,
        settings: Settings {
            since,
            now,
            max_events: opts.max_events,
        },
    })
}

/// Runs the event-log diagnosis.
pub fn run(options: &Value, control: &Control) -> Result<Vec<CheckResult>, WbdError> {
    let plan = plan(options)?;
    control.set_progress(0, "Reading the event log");
    let mut diagnosis = Diagnosis::new(plan.settings);
    let mut n = 0u64;
    let report = input::read_file(
        Path::new(&plan.path),
        &mut |e| {
            n += 1;
            if n.is_multiple_of(1024) && control.is_cancelled() {
                return Flow::Stop;
            }
            diagnosis.add(e)
        },
        &mut |pct| control.set_progress(pct, "Reading the event log"),
    )?;
    if control.is_cancelled() {
        return Err(WbdError::new(
            ErrorCode::Cancelled,
            "the events check was cancelled",
        ));
    }
    control.set_progress(99, "Diagnosing");
    let results = diagnosis.finish(&report, &plan.path);
    control.set_progress(100, "Done");
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rejects_bad_options() {
        for (opts, needle) in [
            (json!({}), "is required"),
            (json!({"Path": " "}), "empty"),
            (json!({"Path": 5}), "events options"),
            (json!({"Path": "x", "Bogus": 1}), "unknown field"),
            (json!({"Path": "x", "Since": "soon"}), "neither a time"),
            (json!({"Path": "x", "Since": "7y"}), "neither a time"),
            (
                json!({"Path": "x", "Since": "99999999999999d"}),
                "too large",
            ),
            (json!({"Path": "x", "Now": "today"}), "not a time"),
            (json!({"Path": "x", "MaxEvents": 0}), "at least 1"),
            (json!({"Path": "x", "MaxEvents": -1}), "events options"),
        ] {
            let e = plan(&opts)
                .err()
                .unwrap_or_else(|| panic!("{opts} accepted"));
            assert_eq!(e.code, ErrorCode::InvalidInput, "{opts}");
            assert!(e.message.contains(needle), "{opts}: {}", e.message);
        }
        let e = run(&json!({"Path": "/nonexistent/x.evtx"}), &Control::new()).expect_err("missing");
        assert!(e.message.contains("cannot read"), "{}", e.message);
    }

    #[test]
    fn reports_progress_and_honours_cancel() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/events/healthy.ps51.json"
        );
        let control = Control::new();
        let out = run(&json!({"Path": path}), &control).expect("runs");
        assert!(out.iter().any(|r| r.id == "EVT-HEARTBEAT"));
        assert_eq!(control.progress().percent, 100);
        let cancelled = Control::new();
        cancelled.cancel();
        let e = run(&json!({"Path": path}), &cancelled).expect_err("cancelled");
        assert_eq!(e.code, ErrorCode::Cancelled);
    }

    #[test]
    fn since_accepts_spans_and_times() {
        let now = Timestamp(1_700_000_000_000);
        assert_eq!(
            parse_since("7d", now).ok(),
            Some(Timestamp(now.0 - 7 * 86_400_000))
        );
        assert_eq!(
            parse_since("24H", now).ok(),
            Some(Timestamp(now.0 - 86_400_000))
        );
        assert_eq!(
            parse_since("30m", now).ok(),
            Some(Timestamp(now.0 - 1_800_000))
        );
        assert_eq!(
            parse_since("2023-11-14T21:13:20Z", now).ok(),
            Some(Timestamp(now.0 - 3_600_000))
        );
        assert!(parse_since("d", now).is_err());
    }
}
