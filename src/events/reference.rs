//! The time a log's heartbeat is measured against, and why that one.
//!
//! An export says nothing about the minutes after its newest event, so measuring against
//! that event makes a log whose heartbeats had long stopped look current (an export of
//! PasswordResetService alone, taken three hours after the last 31019, would pass). The
//! reference is therefore, in this order:
//!
//! 1. `Now` when given (a live run, or `--now` for a reproducible one);
//! 2. the export time the file records (`ExportedAt`, written by the module's own export);
//! 3. the file's modification time, which for an export is when it was written (an `.evtx`
//!    file records no export time, so this is its only one);
//! 4. the newest event, only when neither time is known or believable.
//!
//! A recorded or file time older than the newest event cannot be the export time (the file
//! would predate an event it holds), so it is passed over and the reason says so.

use crate::snapshot::Timestamp;

/// Which time a heartbeat's age was measured against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferenceKind {
    /// The `Now` option.
    Now,
    /// The export time the file records.
    ExportedAt,
    /// The file's modification time.
    FileModified,
    /// The newest event in the file.
    NewestEvent,
}

impl ReferenceKind {
    /// The token for the `ReferenceIs` evidence.
    pub fn token(self) -> &'static str {
        match self {
            ReferenceKind::Now => "Now",
            ReferenceKind::ExportedAt => "ExportedAt",
            ReferenceKind::FileModified => "FileModified",
            ReferenceKind::NewestEvent => "NewestEvent",
        }
    }
}

/// The chosen reference time with the sentence that explains the choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The time; `None` only for a log without events and without any other time.
    pub time: Option<Timestamp>,
    /// Which time it is.
    pub kind: ReferenceKind,
    /// Why this time was used, as a sentence for the result's message.
    pub reason: String,
}

impl Reference {
    /// What the time is, as a noun phrase ("the time the file was last written").
    pub fn noun(&self) -> &'static str {
        match self.kind {
            ReferenceKind::Now => "the reference time given (Now)",
            ReferenceKind::ExportedAt => "the export time the file records",
            ReferenceKind::FileModified => "the time the file was last written",
            ReferenceKind::NewestEvent => "the newest event in the file",
        }
    }
}

/// How to override the choice, for the reasons below.
const OVERRIDE: &str =
    "give the time the log was read as Now (wbdiag events --now, Test-WritebackEventLog -Now)";

/// Chooses the reference time (see the module documentation for the order).
pub fn choose(
    now: Option<Timestamp>,
    exported_at: Option<Timestamp>,
    modified: Option<Timestamp>,
    newest: Option<Timestamp>,
) -> Reference {
    if let Some(n) = now {
        return Reference {
            time: Some(n),
            kind: ReferenceKind::Now,
            reason: "Now was given, so the heartbeat's age is measured against it.".into(),
        };
    }
    let believable = |t: Timestamp| newest.is_none_or(|e| t >= e);
    let mut passed_over = Vec::new();
    if let Some(x) = exported_at {
        if believable(x) {
            return Reference {
                time: Some(x),
                kind: ReferenceKind::ExportedAt,
                reason: format!("No Now was given, so the heartbeat's age is measured against the export time the file records ({x}); to measure against another time, {OVERRIDE}."),
            };
        }
        passed_over.push(format!(
            "the export time the file records ({x}) is older than its newest event, so it is not when the log was read"
        ));
    }
    if let Some(m) = modified {
        if believable(m) {
            let mut reason = String::from("No Now was given");
            if passed_over.is_empty() {
                reason.push_str(" and the file records no export time");
            } else {
                reason.push_str(&format!(" and {}", passed_over.join("; ")));
            }
            reason.push_str(&format!(", so the heartbeat's age is measured against the time the file was last written ({m}), which for an export is when it was taken. If the file was copied or edited later, that time is too late: {OVERRIDE}."));
            return Reference {
                time: Some(m),
                kind: ReferenceKind::FileModified,
                reason,
            };
        }
        passed_over.push(format!(
            "the file's modification time ({m}) is older than its newest event"
        ));
    }
    let mut reason = String::from("No Now was given");
    if passed_over.is_empty() {
        reason.push_str(" and neither an export time nor the file's modification time is known");
    } else {
        reason.push_str(&format!(" and {}", passed_over.join("; ")));
    }
    reason.push_str(&format!(", so the heartbeat's age is measured against the newest event in the file, which cannot show heartbeats that stopped before the log was read: {OVERRIDE}."));
    Reference {
        time: newest,
        kind: ReferenceKind::NewestEvent,
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEWEST: Timestamp = Timestamp(1_717_408_800_000); // 2024-06-03T10:00:00Z
    const HOUR: i64 = 3_600_000;

    fn later(hours: i64) -> Option<Timestamp> {
        Some(Timestamp(NEWEST.0 + hours * HOUR))
    }

    #[test]
    fn now_wins_over_every_file_time() {
        let r = choose(later(5), later(3), later(2), Some(NEWEST));
        assert_eq!((r.kind, r.time), (ReferenceKind::Now, later(5)));
        assert!(r.reason.starts_with("Now was given"), "{}", r.reason);
    }

    #[test]
    fn a_recorded_export_time_wins_over_the_file_time() {
        let r = choose(None, later(3), later(30), Some(NEWEST));
        assert_eq!((r.kind, r.time), (ReferenceKind::ExportedAt, later(3)));
        assert!(r.reason.contains("2024-06-03T13:00:00Z"), "{}", r.reason);
    }

    #[test]
    fn the_modification_time_stands_in_for_an_export_time() {
        let r = choose(None, None, later(3), Some(NEWEST));
        assert_eq!((r.kind, r.time), (ReferenceKind::FileModified, later(3)));
        assert!(
            r.reason.contains("records no export time")
                && r.reason.contains("copied or edited later")
                && r.reason.contains("--now"),
            "{}",
            r.reason
        );
        assert_eq!(r.noun(), "the time the file was last written");
    }

    #[test]
    fn times_older_than_the_newest_event_are_passed_over_with_the_reason() {
        let r = choose(None, later(-1), later(2), Some(NEWEST));
        assert_eq!((r.kind, r.time), (ReferenceKind::FileModified, later(2)));
        assert!(
            r.reason.contains("older than its newest event"),
            "{}",
            r.reason
        );
        let r = choose(None, None, later(-2), Some(NEWEST));
        assert_eq!((r.kind, r.time), (ReferenceKind::NewestEvent, Some(NEWEST)));
        assert!(
            r.reason
                .contains("modification time (2024-06-03T08:00:00Z) is older"),
            "{}",
            r.reason
        );
        // The same instant as the newest event is believable.
        let r = choose(None, None, Some(NEWEST), Some(NEWEST));
        assert_eq!(r.kind, ReferenceKind::FileModified);
    }

    #[test]
    fn without_any_time_the_newest_event_is_used_and_said_to_be_weak() {
        let r = choose(None, None, None, Some(NEWEST));
        assert_eq!((r.kind, r.time), (ReferenceKind::NewestEvent, Some(NEWEST)));
        assert!(
            r.reason.contains("cannot show heartbeats that stopped"),
            "{}",
            r.reason
        );
        let r = choose(None, None, later(1), None);
        assert_eq!(r.kind, ReferenceKind::FileModified);
        assert_eq!(choose(None, None, None, None).time, None);
    }
}
