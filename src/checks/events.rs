//! `events`: diagnoses password writeback from the Entra Connect server's Application log.
//!
//! Options:
//! - `Path` (required): an exported `.evtx` file, or the JSON written by
//!   `Get-WinEvent ... | Select-Object Id,ProviderName,TimeCreated,LevelDisplayName,Message |
//!   ConvertTo-Json` (Windows PowerShell 5.1 or PowerShell 7; UTF-8 or UTF-16);
//! - `Since`: skip older events; an ISO 8601 time, or a span before `Now` such as `7d`,
//!   `24h`, `90m`, `2w`. Without `Now` a span counts back from the newest event in the
//!   file (found by a first pass over it), so `7d` means the export's last 7 days
//!   however long ago it was saved or copied, not "nothing" for an old export;
//! - `Now`: the time the heartbeat's age is measured against (ISO 8601; for reproducible
//!   runs and live runs). Without it, the export time the file records (`ExportedAt` of
//!   the module's export), else the file's modification time (when an export was written),
//!   else the newest event; the result says which and why ([`crate::events::reference`]);
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

/// What `Since` says: a time, or a span back from the reference time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SinceSpec {
    /// An absolute time.
    At(Timestamp),
    /// This many milliseconds before `Now` (or, without `Now`, the newest event).
    Before(i64),
}

impl SinceSpec {
    /// The time it names, counting a span back from `reference`.
    pub fn resolve(self, reference: Timestamp) -> Timestamp {
        match self {
            SinceSpec::At(t) => t,
            SinceSpec::Before(span) => Timestamp(reference.0.saturating_sub(span)),
        }
    }
}

/// Parses `Since`: an ISO 8601 time, or `<n>s|m|h|d|w` (a span back from the reference).
pub fn parse_since_spec(text: &str) -> Result<SinceSpec, WbdError> {
    let t = text.trim();
    // The unit is the last character, which need not be ASCII (so split on a char
    // boundary, never at `len - 1`).
    let (digits, unit) = match t.char_indices().last() {
        Some((i, c)) => (&t[..i], Some(c.to_ascii_lowercase())),
        None => (t, None),
    };
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
            return Ok(SinceSpec::Before(span));
        }
    }
    time("Since", t).map(SinceSpec::At).map_err(|_| {
        WbdError::invalid(format!(
            "Since '{text}' is neither a time (ISO 8601) nor a span such as 7d, 24h or 30m"
        ))
    })
}

/// Parses `Since`: an ISO 8601 time, or `<n>s|m|h|d|w` before `now`.
pub fn parse_since(text: &str, now: Timestamp) -> Result<Timestamp, WbdError> {
    parse_since_spec(text).map(|s| s.resolve(now))
}

/// Validated options.
struct Plan {
    path: String,
    settings: Settings,
    /// A `Since` span to count back from the newest event in the file (no `Now` given).
    since_from_newest: Option<i64>,
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
    let spec = opts.since.as_deref().map(parse_since_spec).transpose()?;
    // A span counts back from `Now`; without it, from the newest event in the file (the
    // same reference the heartbeat's age uses), never from this machine's clock, which
    // would skip every event of an export saved some time ago.
    let (since, since_from_newest) = match (spec, now) {
        (Some(SinceSpec::Before(span)), None) => (None, Some(span)),
        (Some(s), Some(n)) => (Some(s.resolve(n)), None),
        (Some(SinceSpec::At(t)), None) => (Some(t), None),
        (None, _) => (None, None),
    };
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
        since_from_newest,
    })
}

/// The newest event time in `path` (a first pass for a relative `Since` without `Now`);
/// `None` for a file without events.
fn newest_in_file(path: &Path, control: &Control) -> Result<Option<Timestamp>, WbdError> {
    let mut newest: Option<Timestamp> = None;
    input::read_file_cancellable(
        path,
        control,
        &mut |e| {
            newest = Some(newest.map_or(e.time, |t| t.max(e.time)));
            Flow::Continue
        },
        &mut |pct| control.set_progress(pct / 2, "Finding the newest event"),
    )?;
    Ok(newest)
}

/// Runs the event-log diagnosis.
pub fn run(options: &Value, control: &Control) -> Result<Vec<CheckResult>, WbdError> {
    let mut plan = plan(options)?;
    let path = Path::new(&plan.path);
    let mut first_pass = false;
    if let Some(span) = plan.since_from_newest {
        control.set_progress(0, "Finding the newest event");
        first_pass = true;
        plan.settings.since =
            newest_in_file(path, control)?.map(|t| SinceSpec::Before(span).resolve(t));
        if control.is_cancelled() {
            return Err(WbdError::new(
                ErrorCode::Cancelled,
                "the events check was cancelled",
            ));
        }
    }
    let scale = |pct: u8| if first_pass { 50 + pct / 2 } else { pct };
    control.set_progress(scale(0), "Reading the event log");
    let mut diagnosis = Diagnosis::new(plan.settings);
    let report =
        input::read_file_cancellable(path, control, &mut |e| diagnosis.add(e), &mut |pct| {
            control.set_progress(scale(pct), "Reading the event log")
        })?;
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
        // A non-ASCII last character is an error, not a panic (it used to slice inside it).
        for text in ["7ä", "ä", "5µ", "1\u{1F600}", "d\u{e9}"] {
            let e = parse_since(text, now).expect_err(text);
            assert!(
                e.message.contains("neither a time"),
                "{text}: {}",
                e.message
            );
        }
        assert!(matches!(
            parse_since_spec(" 2w "),
            Ok(SinceSpec::Before(ms)) if ms == 14 * 86_400_000
        ));
    }

    #[test]
    fn a_span_without_now_counts_back_from_the_newest_event() {
        let p = plan(&json!({"Path": "x", "Since": "24h"})).expect("plan");
        assert_eq!(p.settings.since, None);
        assert_eq!(p.since_from_newest, Some(86_400_000));
        let p = plan(&json!({"Path": "x", "Since": "24h", "Now": "2024-06-03T12:00:00Z"}))
            .expect("plan");
        assert_eq!(p.since_from_newest, None);
        assert_eq!(
            p.settings.since.map(|t| t.to_string()).as_deref(),
            Some("2024-06-02T12:00:00Z")
        );
        let p = plan(&json!({"Path": "x", "Since": "2024-06-03T10:00:00Z"})).expect("plan");
        assert_eq!(p.since_from_newest, None);
        assert!(p.settings.since.is_some());
    }
}
