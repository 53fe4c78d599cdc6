//! `all`: every suite in one run (prerequisites, permissions, events, connectivity, in
//! that order), each through its own command, under one progress.
//!
//! Options:
//! - `SnapshotPath` or `Snapshot` (not both): the environment snapshot, for
//!   prerequisites and permissions;
//! - `ServerConfigPath`: a `Get-ADSyncServerConfiguration -Path` export, for prerequisites
//!   (PRE-CONFIG-*) and as the permissions' sync scope;
//! - `EventsPath`: an `.evtx` file or `Get-WinEvent` JSON, for events;
//! - `Connectivity`: the `connectivity` command's options object, passed through
//!   (default `{}`: the public cloud's endpoints);
//! - `BundlePath`: a support bundle ([`crate::bundle`]) instead of the four above;
//! - `Suites`: the suites to consider, any of `prerequisites`, `connectivity`,
//!   `permissions`, `events` (default all four); the others are not mentioned;
//! - `Now`: the evaluation time (ISO 8601) for permissions and events; with a bundle,
//!   events default to the export time `events.json` records, else the manifest's
//!   `CreatedAt` (the unpacked file's modification time is set to it);
//! - `TempPath`: the folder a bundle is extracted under (default: the system's temporary
//!   folder).
//!
//! A suite without its input gives one `SUITE-<NAME>` result, Skipped, saying what was not
//! supplied and how to supply it; connectivity always has input (the cloud's endpoints)
//! except from a bundle, which brings a saved report instead (its results are kept as they
//! are, with `Evidence.FromBundle`). A suite whose input cannot be used (an unreadable
//! file, a bad snapshot, an endpoint the connectivity command refuses) gives a `SUITE-*`
//! Error result with the reason, and the other suites still run. Options that do not
//! parse (an unknown key, a wrong type, an unknown suite, a bad `Now`, conflicting keys,
//! connectivity options of the wrong shape) and a bundle that cannot be opened safely are
//! an error of the whole request, as is cancellation. Every other result keeps its Id and
//! gets `Evidence.Suite`.

mod plan;
mod suite;

use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use crate::api::CheckResult;
use crate::bundle;
use crate::control::Control;
use crate::endpoints::{self, Cloud, Endpoint};
use crate::error::{ErrorCode, WbdError};
use crate::snapshot::{Node, Timestamp};

use plan::Plan;
pub use suite::Suite;

/// Options of the `all` command.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Options {
    /// Path of a snapshot file.
    pub snapshot_path: Option<String>,
    /// The snapshot object itself.
    pub snapshot: Option<Value>,
    /// A `Get-ADSyncServerConfiguration -Path` export folder.
    pub server_config_path: Option<String>,
    /// An `.evtx` file or `Get-WinEvent` JSON.
    pub events_path: Option<String>,
    /// A support bundle zip.
    pub bundle_path: Option<String>,
    /// The `connectivity` command's options.
    pub connectivity: Option<Value>,
    /// The suites to consider (default all four).
    pub suites: Option<Vec<String>>,
    /// Evaluation time (ISO 8601).
    pub now: Option<String>,
    /// Folder to extract a bundle under.
    pub temp_path: Option<String>,
}

/// Overall percent at which the suites of a bundle run start (unpacking comes first).
const UNPACKED_AT: u8 = 5;

fn cancelled() -> WbdError {
    WbdError::new(ErrorCode::Cancelled, "the run of all suites was cancelled")
}

/// Parses and checks the options; every error here is an error of the whole request.
fn options_of(value: &Value) -> Result<(Options, Vec<Suite>), WbdError> {
    let opts: Options = serde_json::from_value(value.clone())
        .map_err(|e| WbdError::invalid(format!("all options: {e}")))?;
    for (key, v) in [
        ("SnapshotPath", &opts.snapshot_path),
        ("ServerConfigPath", &opts.server_config_path),
        ("EventsPath", &opts.events_path),
        ("BundlePath", &opts.bundle_path),
        ("TempPath", &opts.temp_path),
        ("Now", &opts.now),
    ] {
        if v.as_deref().is_some_and(|s| s.trim().is_empty()) {
            return Err(WbdError::invalid(format!("{key} is empty")));
        }
    }
    let has_inline = opts.snapshot.as_ref().is_some_and(|s| !s.is_null());
    if opts.snapshot_path.is_some() && has_inline {
        return Err(WbdError::invalid(
            "all options: give either SnapshotPath or Snapshot, not both",
        ));
    }
    if opts.bundle_path.is_some() {
        let direct = [
            ("SnapshotPath", opts.snapshot_path.is_some()),
            ("Snapshot", has_inline),
            ("ServerConfigPath", opts.server_config_path.is_some()),
            ("EventsPath", opts.events_path.is_some()),
            ("Connectivity", opts.connectivity.is_some()),
        ];
        if let Some((key, _)) = direct.iter().find(|(_, given)| *given) {
            return Err(WbdError::invalid(format!(
                "all options: BundlePath brings its own inputs; {key} cannot be given with it"
            )));
        }
    }
    if let Some(now) = &opts.now {
        let v = Value::String(now.clone());
        Timestamp::decode(&Node::at(&v, "Now")).map_err(|_| {
            WbdError::invalid(format!(
                "Now '{now}' is not a time (use ISO 8601, for example 2024-06-01T10:00:00Z)"
            ))
        })?;
    }
    if let Some(c) = &opts.connectivity {
        check_connectivity(c)?;
    }
    Ok((opts.clone(), suites_of(opts.suites.as_deref())?))
}

/// The selected suites, in run order.
fn suites_of(names: Option<&[String]>) -> Result<Vec<Suite>, WbdError> {
    let Some(names) = names else {
        return Ok(Suite::ORDER.to_vec());
    };
    if names.is_empty() {
        return Err(WbdError::invalid(
            "Suites is empty; name at least one of prerequisites, connectivity, permissions, events",
        ));
    }
    let mut chosen = Vec::new();
    for name in names {
        let s = Suite::parse(name).ok_or_else(|| {
            WbdError::invalid(format!(
                "unknown suite '{name}'; known suites: prerequisites, connectivity, permissions, events"
            ))
        })?;
        chosen.push(s);
    }
    Ok(Suite::ORDER
        .into_iter()
        .filter(|s| chosen.contains(s))
        .collect())
}

/// The parts of the connectivity options that are usage rather than input: their shape,
/// the cloud, the endpoint texts and the deadlines.
fn check_connectivity(value: &Value) -> Result<(), WbdError> {
    if !value.is_object() {
        return Err(WbdError::invalid("Connectivity must be a JSON object"));
    }
    let c: crate::checks::connectivity::Options = serde_json::from_value(value.clone())
        .map_err(|e| WbdError::invalid(format!("Connectivity options: {e}")))?;
    let cloud = Cloud::parse(c.cloud.as_deref().unwrap_or("public"))?;
    for e in &c.endpoints {
        Endpoint::parse(e)?;
    }
    let other_sources =
        !c.namespaces.is_empty() || c.relays_from_events.is_some() || c.live_event_log.is_some();
    if !other_sources {
        endpoints::plan(cloud, &c.endpoints, c.no_default_endpoints)?;
    }
    let max = crate::checks::connectivity::MAX_TIMEOUT_MS;
    for (key, v) in [
        ("TimeoutMs", c.timeout_ms),
        ("OverallTimeoutMs", c.overall_timeout_ms),
    ] {
        if let Some(v) = v.filter(|v| !(1..=max).contains(v)) {
            return Err(WbdError::invalid(format!(
                "Connectivity {key} is {v}; it must be 1..={max} ms"
            )));
        }
    }
    Ok(())
}

/// Runs every selected suite that has input.
pub fn run(options: &Value, control: &Control) -> Result<Vec<CheckResult>, WbdError> {
    let (opts, suites) = options_of(options)?;
    control.set_progress(0, "Planning the suites");
    let opened = match &opts.bundle_path {
        Some(path) => {
            control.set_progress(0, "Unpacking the support bundle");
            let b = bundle::open(
                Path::new(path),
                opts.temp_path.as_deref().map(Path::new),
                control,
                &mut |pct| {
                    control.set_progress(
                        u8::try_from(usize::from(pct) * usize::from(UNPACKED_AT) / 100)
                            .unwrap_or(UNPACKED_AT),
                        "Unpacking the support bundle",
                    )
                },
            )?;
            Some(b)
        }
        None => None,
    };
    let plans: Vec<(Suite, Plan)> = suites
        .iter()
        .map(|&s| {
            let p = match &opened {
                Some(b) => plan::from_bundle(s, b, opts.now.as_deref()),
                None => plan::direct(s, &opts),
            };
            (s, p)
        })
        .collect();
    let count = plans
        .iter()
        .filter(|(_, p)| matches!(p, Plan::Run(_) | Plan::Saved(_)))
        .count();
    let start = if opened.is_some() { UNPACKED_AT } else { 0 };
    let mut index = 0;
    let mut out = Vec::new();
    for (s, p) in plans {
        if control.is_cancelled() {
            return Err(cancelled());
        }
        match p {
            Plan::Run(o) => {
                index += 1;
                let share = suite::Share {
                    index,
                    count,
                    start,
                };
                match suite::run(s, &o, share, control) {
                    Ok(mut results) => {
                        suite::tag(&mut results, s, false);
                        if let (Some(b), Some(path)) = (&opened, &opts.bundle_path) {
                            suite::relabel(&mut results, b.root(), Path::new(path));
                        }
                        out.extend(results);
                    }
                    Err(e) if matches!(e.code, ErrorCode::Cancelled | ErrorCode::Panic) => {
                        return Err(if control.is_cancelled() {
                            cancelled()
                        } else {
                            e
                        });
                    }
                    Err(e) => out.push(suite::failed(s, &e)),
                }
            }
            Plan::Saved(path) => {
                index += 1;
                let share = suite::Share {
                    index,
                    count,
                    start,
                };
                control.set_progress(
                    share.percent(0),
                    share.activity(s, "Reading the saved connectivity report"),
                );
                match bundle::saved::read(&path) {
                    Ok(saved) => {
                        let mut results = saved.results;
                        suite::tag(&mut results, s, true);
                        out.extend(results);
                    }
                    Err(e) => out.push(suite::failed(s, &e)),
                }
            }
            Plan::Skip(skip) => out.push(suite::skipped(s, skip)),
            Plan::Fail(e) => out.push(suite::failed(s, &e)),
        }
    }
    if control.is_cancelled() {
        return Err(cancelled());
    }
    drop(opened);
    control.set_progress(100, "Done");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rejects_bad_options_as_a_whole() {
        for (opts, needle) in [
            (json!({"Bogus": 1}), "unknown field"),
            (json!({"Suites": []}), "Suites is empty"),
            (json!({"Suites": ["network"]}), "unknown suite 'network'"),
            (json!({"Suites": "events"}), "all options"),
            (json!({"Now": "later"}), "not a time"),
            (json!({"EventsPath": " "}), "EventsPath is empty"),
            (json!({"SnapshotPath": "a", "Snapshot": {}}), "not both"),
            (
                json!({"BundlePath": "b.zip", "EventsPath": "e.json"}),
                "EventsPath cannot be given",
            ),
            (
                json!({"BundlePath": "b.zip", "Connectivity": {}}),
                "Connectivity cannot be given",
            ),
            (json!({"Connectivity": []}), "must be a JSON object"),
            (
                json!({"Connectivity": {"Bogus": 1}}),
                "Connectivity options",
            ),
            (json!({"Connectivity": {"Cloud": "mars"}}), "mars"),
            (json!({"Connectivity": {"Endpoints": [":443"]}}), ""),
            (
                json!({"Connectivity": {"NoDefaultEndpoints": true}}),
                "no endpoints",
            ),
            (json!({"Connectivity": {"TimeoutMs": 0}}), "TimeoutMs is 0"),
        ] {
            let e = run(&opts, &Control::new()).expect_err("rejected");
            assert_eq!(e.code, ErrorCode::InvalidInput, "{opts}");
            assert!(e.message.contains(needle), "{opts}: {}", e.message);
        }
    }

    #[test]
    fn suites_run_in_their_fixed_order() {
        let names: Vec<String> = ["connectivity", "Events", "prerequisites", "events"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            suites_of(Some(&names)).expect("valid"),
            [Suite::Prerequisites, Suite::Events, Suite::Connectivity]
        );
    }

    #[test]
    fn without_input_every_suite_is_skipped_and_says_how_to_supply_it() {
        let control = Control::new();
        let out = run(
            &json!({"Suites": ["prerequisites", "permissions", "events"]}),
            &control,
        )
        .expect("runs");
        let ids: Vec<&str> = out.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(
            ids,
            ["SUITE-PREREQUISITES", "SUITE-PERMISSIONS", "SUITE-EVENTS"]
        );
        for r in &out {
            assert_eq!(r.status, crate::api::Status::Skipped);
            assert!(r.remediation.contains("On the Connect server run"), "{r:?}");
            assert_eq!(r.evidence.get("Outcome"), Some(&json!("NoInput")));
        }
        assert_eq!(control.progress().percent, 100);
    }

    #[test]
    fn cancellation_ends_the_whole_run() {
        let control = Control::new();
        control.cancel();
        let snapshot = json!({"Snapshot": {"SchemaVersion": 1}, "Suites": ["prerequisites"]});
        let e = run(&snapshot, &control).expect_err("cancelled");
        assert_eq!(e.code, ErrorCode::Cancelled);
    }

    #[test]
    fn a_bad_input_file_is_the_suites_error_and_the_others_run() {
        let out = run(
            &json!({"Snapshot": {"SchemaVersion": 1}, "EventsPath": "/nonexistent/events.json",
                    "Suites": ["prerequisites", "events"]}),
            &Control::new(),
        )
        .expect("runs");
        let events = out
            .iter()
            .find(|r| r.id == "SUITE-EVENTS")
            .expect("SUITE-EVENTS");
        assert_eq!(events.status, crate::api::Status::Error);
        assert!(events.message.contains("cannot read"), "{}", events.message);
        assert!(out.iter().any(|r| r.id.starts_with("PRE-")
            && r.evidence.get("Suite") == Some(&json!("prerequisites"))));
    }
}
