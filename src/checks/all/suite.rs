//! The four suites `all` runs, their `SUITE-*` results, and running one of them under a
//! share of the overall progress.

use std::path::Path;
use std::time::Duration;

use serde_json::{Map, Value};

use crate::api::{CheckResult, Status};
use crate::checks;
use crate::control::Control;
use crate::error::{ErrorCode, WbdError};

/// Page behind the `SUITE-*` results.
const SUITE_DOC: &str =
    "https://learn.microsoft.com/entra/identity/authentication/troubleshoot-sspr-writeback";

/// How often the suite's own progress is copied into the overall one.
const FORWARD_EVERY: Duration = Duration::from_millis(25);

/// One suite of checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suite {
    /// `prerequisites`: the snapshot's and the configuration export's rules.
    Prerequisites,
    /// `permissions`: the connector account's rights.
    Permissions,
    /// `events`: the Application log.
    Events,
    /// `connectivity`: the network path.
    Connectivity,
}

/// A suite's entry point: the existing command.
type SuiteFn = fn(&Value, &Control) -> Result<Vec<CheckResult>, WbdError>;

impl Suite {
    /// The order `all` runs them in.
    pub const ORDER: [Suite; 4] = [
        Suite::Prerequisites,
        Suite::Permissions,
        Suite::Events,
        Suite::Connectivity,
    ];

    /// The name in `Suites`, `Evidence.Suite` and messages.
    pub fn name(self) -> &'static str {
        match self {
            Suite::Prerequisites => "prerequisites",
            Suite::Permissions => "permissions",
            Suite::Events => "events",
            Suite::Connectivity => "connectivity",
        }
    }

    /// The Id of its `SUITE-*` result.
    pub fn id(self) -> &'static str {
        match self {
            Suite::Prerequisites => "SUITE-PREREQUISITES",
            Suite::Permissions => "SUITE-PERMISSIONS",
            Suite::Events => "SUITE-EVENTS",
            Suite::Connectivity => "SUITE-CONNECTIVITY",
        }
    }

    /// The suite a `Suites` entry names (any case).
    pub fn parse(text: &str) -> Option<Suite> {
        Suite::ORDER
            .into_iter()
            .find(|s| s.name().eq_ignore_ascii_case(text.trim()))
    }

    fn entry(self) -> SuiteFn {
        match self {
            Suite::Prerequisites => checks::prerequisites::run,
            Suite::Permissions => checks::permissions::run,
            Suite::Events => checks::events::run,
            Suite::Connectivity => checks::connectivity::run,
        }
    }

    fn title(self) -> &'static str {
        match self {
            Suite::Prerequisites => "Prerequisites",
            Suite::Permissions => "Permissions",
            Suite::Events => "Event log",
            Suite::Connectivity => "Connectivity",
        }
    }
}

/// Why a suite did not run, for its `SUITE-*` Skipped result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    /// `Evidence.Outcome`: `NoInput`, `NotCollected`, `NotInBundle` or `NotProbedOffline`.
    pub outcome: &'static str,
    /// What was not supplied.
    pub message: String,
    /// How to supply it.
    pub remediation: String,
    /// The collector's reason, when the bundle's manifest gives one.
    pub reason: Option<String>,
}

fn suite_result(suite: Suite, status: Status, title: String, message: String) -> CheckResult {
    let mut evidence = Map::new();
    evidence.insert("Suite".into(), Value::from(suite.name()));
    CheckResult {
        id: suite.id().into(),
        check: "Suite".into(),
        target: suite.name().into(),
        status,
        title,
        message,
        remediation: String::new(),
        docs_url: SUITE_DOC.into(),
        evidence,
        duration_ms: 0,
    }
}

/// The Skipped result of a suite that had no input.
pub fn skipped(suite: Suite, skip: Skip) -> CheckResult {
    let mut r = suite_result(
        suite,
        Status::Skipped,
        format!("{} not checked", suite.title()),
        skip.message,
    );
    r.remediation = skip.remediation;
    r.evidence
        .insert("Outcome".into(), Value::from(skip.outcome));
    if let Some(reason) = skip.reason {
        r.evidence.insert("Reason".into(), Value::from(reason));
    }
    r
}

/// The Error result of a suite whose input could not be used.
pub fn failed(suite: Suite, error: &WbdError) -> CheckResult {
    let mut r = suite_result(
        suite,
        Status::Error,
        format!("{} could not run", suite.title()),
        format!(
            "The {} suite could not run: {}",
            suite.name(),
            error.message
        ),
    );
    r.remediation = format!(
        "Fix the input the message names and run again; wbdiag {} with the same file shows the same error on its own.",
        suite.name()
    );
    r.evidence
        .insert("Outcome".into(), Value::from("InputError"));
    r.evidence
        .insert("ErrorCode".into(), Value::from(error.code.to_string()));
    r
}

/// Marks each result with the suite it came from.
pub fn tag(results: &mut [CheckResult], suite: Suite, from_bundle: bool) {
    for r in results {
        r.evidence.insert("Suite".into(), Value::from(suite.name()));
        if from_bundle {
            r.evidence.insert("FromBundle".into(), Value::from(true));
        }
    }
}

/// Names the bundle's files by their place in the bundle (`case.zip/events.json`) instead
/// of the temporary folder they were unpacked to, which is gone when the report is read:
/// in each result's target, message and top-level text evidence.
pub fn relabel(results: &mut [CheckResult], root: &Path, bundle: &Path) {
    let Some(root) = root.to_str() else {
        return;
    };
    let name = bundle
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "bundle".into());
    let swap = |text: &mut String| {
        if text.contains(root) {
            *text = text.replace(root, &name);
        }
    };
    for r in results {
        swap(&mut r.target);
        swap(&mut r.message);
        for value in r.evidence.values_mut() {
            if let Value::String(text) = value {
                swap(text);
            }
        }
    }
}

/// Where a suite's progress goes in the overall progress.
#[derive(Debug, Clone, Copy)]
pub struct Share {
    /// 1-based position among the suites that run.
    pub index: usize,
    /// Number of suites that run.
    pub count: usize,
    /// Overall percent at which the suites start (after unpacking a bundle).
    pub start: u8,
}

impl Share {
    /// The overall percent for the suite's own `pct`.
    pub fn percent(&self, pct: u8) -> u8 {
        let span = 100usize.saturating_sub(usize::from(self.start));
        let count = self.count.max(1);
        let done = self.index.saturating_sub(1) * span / count;
        let within = usize::from(pct.min(100)) * span / (count * 100);
        u8::try_from(usize::from(self.start) + done + within).unwrap_or(100)
    }

    /// The overall activity text for the suite's own `activity`.
    pub fn activity(&self, suite: Suite, activity: &str) -> String {
        let head = format!("Suite {} of {}: {}", self.index, self.count, suite.name());
        if activity.is_empty() {
            head
        } else {
            format!("{head} \u{2014} {activity}")
        }
    }
}

/// Runs `suite` with `options` under its `share` of `control`'s progress. The suite gets
/// a control of its own: its progress is copied into the overall one while it runs, and a
/// cancellation of `control` is passed on to it.
pub fn run(
    suite: Suite,
    options: &Value,
    share: Share,
    control: &Control,
) -> Result<Vec<CheckResult>, WbdError> {
    let own = Control::new();
    control.set_progress(share.percent(0), share.activity(suite, ""));
    let entry = suite.entry();
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name(format!("wbd-all-{}", suite.name()))
            .spawn_scoped(scope, || entry(options, &own))
            .map_err(|e| {
                WbdError::new(
                    ErrorCode::Internal,
                    format!("cannot start the {} suite: {e}", suite.name()),
                )
            })?;
        let mut shown = own.progress();
        loop {
            if control.is_cancelled() {
                own.cancel();
            }
            let now = own.progress();
            if now != shown {
                control.set_progress(
                    share.percent(now.percent),
                    share.activity(suite, &now.activity),
                );
                shown = now;
            }
            if worker.is_finished() {
                break;
            }
            std::thread::sleep(FORWARD_EVERY);
        }
        worker.join().unwrap_or_else(|payload| {
            Err(WbdError::new(
                ErrorCode::Panic,
                crate::panic_message(payload.as_ref()),
            ))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_split_the_progress_in_order() {
        let second = Share {
            index: 2,
            count: 4,
            start: 0,
        };
        assert_eq!(second.percent(0), 25);
        assert_eq!(second.percent(100), 50);
        assert_eq!(
            second.activity(Suite::Permissions, "Checking the users in scope"),
            "Suite 2 of 4: permissions \u{2014} Checking the users in scope"
        );
        let after_unpacking = Share {
            index: 1,
            count: 1,
            start: 5,
        };
        assert_eq!(after_unpacking.percent(0), 5);
        assert_eq!(after_unpacking.percent(100), 100);
    }

    #[test]
    fn names_ids_and_parsing_agree() {
        for s in Suite::ORDER {
            assert_eq!(Suite::parse(&s.name().to_ascii_uppercase()), Some(s));
            assert_eq!(s.id(), format!("SUITE-{}", s.name().to_ascii_uppercase()));
        }
        assert_eq!(Suite::parse("everything"), None);
    }
}
