//! What each suite of `all` gets: the options of its command, a saved report to take as it
//! is, or the reason it does not run.

use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};

use super::suite::{Skip, Suite};
use super::Options;
use crate::bundle::{self, Bundle, ItemStatus};
use crate::error::WbdError;

/// What one suite does in this run.
#[derive(Debug)]
pub enum Plan {
    /// Run the suite's command with these options.
    Run(Value),
    /// Take the results of a saved connectivity report.
    Saved(PathBuf),
    /// Do not run; report why and how to supply the input.
    Skip(Skip),
    /// The input is unusable; report the error as the suite's result.
    Fail(WbdError),
}

const SNAPSHOT_HOWTO: &str = "On the Connect server run Get-WritebackEnvironment | ConvertTo-Json -Depth 20 > env.json and pass --snapshot env.json (Options.SnapshotPath)";

const EVENTS_HOWTO: &str = "On the Connect server run Get-WinEvent -FilterHashtable @{LogName='Application'; StartTime=(Get-Date).AddDays(-7)} | Select-Object Id,ProviderName,TimeCreated,LevelDisplayName,Message | ConvertTo-Json > events.json (or save the Application log as .evtx) and pass --events events.json (Options.EventsPath).";

const CONNECTIVITY_HOWTO: &str = "On the Connect server run Test-WritebackConnectivity | ConvertTo-Json -Depth 20 > connectivity.json (or wbdiag connectivity --json > connectivity.json) and add it to the bundle, or run that test there directly.";

/// Sets `path`'s modification time to `created` (best effort: when the file system refuses,
/// the events command falls back to the newest event and says so).
fn stamp_created(path: &Path, created: crate::snapshot::Timestamp) {
    let Ok(ms) = u64::try_from(created.0) else {
        return;
    };
    let when = std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms);
    if let Ok(file) = std::fs::OpenOptions::new().write(true).open(path) {
        let _ = file.set_modified(when);
    }
}

fn no_input(message: &str, remediation: String) -> Plan {
    Plan::Skip(Skip {
        outcome: "NoInput",
        message: message.to_string(),
        remediation,
        reason: None,
    })
}

fn with_now(mut options: Map<String, Value>, now: Option<&str>) -> Value {
    if let Some(now) = now {
        options.insert("Now".into(), Value::from(now));
    }
    Value::Object(options)
}

/// The plan of `suite` from the paths and objects in the options.
pub fn direct(suite: Suite, opts: &Options) -> Plan {
    let mut snapshot = Map::new();
    if let Some(p) = &opts.snapshot_path {
        snapshot.insert("SnapshotPath".into(), Value::from(p.as_str()));
    }
    if let Some(s) = opts.snapshot.as_ref().filter(|s| !s.is_null()) {
        snapshot.insert("Snapshot".into(), s.clone());
    }
    let has_snapshot = !snapshot.is_empty();
    let mut with_config = snapshot.clone();
    if let Some(p) = &opts.server_config_path {
        with_config.insert("ServerConfigPath".into(), Value::from(p.as_str()));
    }
    match suite {
        Suite::Prerequisites if has_snapshot || opts.server_config_path.is_some() => {
            Plan::Run(Value::Object(with_config))
        }
        Suite::Prerequisites => no_input(
            "No snapshot or Connect configuration export was supplied; the prerequisite rules did not run.",
            format!("{SNAPSHOT_HOWTO}; add --server-config DIR (Options.ServerConfigPath) for a Get-ADSyncServerConfiguration -Path DIR export."),
        ),
        Suite::Permissions if has_snapshot => Plan::Run(with_now(with_config, opts.now.as_deref())),
        Suite::Permissions => no_input(
            "No snapshot was supplied; the connector account's writeback rights were not evaluated.",
            format!("{SNAPSHOT_HOWTO}; the snapshot includes the permission data unless -SkipPermissions is given."),
        ),
        Suite::Events => match &opts.events_path {
            Some(p) => {
                let mut o = Map::new();
                o.insert("Path".into(), Value::from(p.as_str()));
                Plan::Run(with_now(o, opts.now.as_deref()))
            }
            None => no_input(
                "No Application log export was supplied; the event-log diagnosis did not run.",
                EVENTS_HOWTO.to_string(),
            ),
        },
        Suite::Connectivity => Plan::Run(opts.connectivity.clone().unwrap_or_else(|| json!({}))),
    }
}

/// What the bundle says about one item: its path when there, else why not.
enum Found {
    Here(PathBuf),
    Missing(Plan),
}

fn find(bundle: &Bundle, item: &str, entry: &str, suite: Suite, howto: &str) -> Found {
    let listed = bundle.manifest.item(item);
    let here = bundle.existing(entry);
    let computer = bundle
        .manifest
        .computer_name
        .as_deref()
        .map(|c| format!(" on {c}"))
        .unwrap_or_default();
    match (listed.map(|i| i.status), here) {
        (Some(ItemStatus::Unavailable), _) => {
            let reason = listed.and_then(|i| i.reason.clone());
            Found::Missing(Plan::Skip(Skip {
                outcome: "NotCollected",
                message: format!(
                    "The bundle's manifest says {item} could not be collected{computer}: {}.",
                    reason.as_deref().unwrap_or("no reason given").trim_end_matches('.')
                ),
                remediation: format!(
                    "Fix what the reason names on the Connect server and create the bundle again; for the {} suite alone: {howto}",
                    suite.name()
                ),
                reason,
            }))
        }
        (_, Some(path)) => Found::Here(path),
        (Some(ItemStatus::Collected), None) => {
            Found::Missing(Plan::Fail(WbdError::invalid(format!(
                "the bundle's manifest lists {item} as collected, but the bundle has no {entry}"
            ))))
        }
        (None, None) => Found::Missing(Plan::Skip(Skip {
            outcome: "NotInBundle",
            message: format!("The bundle holds no {entry} and its manifest does not list {item}."),
            remediation: format!("Create the bundle again with {item}; {howto}"),
            reason: None,
        })),
    }
}

fn path_value(p: &Path) -> Value {
    Value::from(p.to_string_lossy().into_owned())
}

/// The plan of `suite` from an extracted bundle.
pub fn from_bundle(suite: Suite, bundle: &Bundle, now: Option<&str>) -> Plan {
    let env_howto = format!("{SNAPSHOT_HOWTO}.");
    let environment = find(
        bundle,
        "environment",
        bundle::ENVIRONMENT,
        suite,
        &env_howto,
    );
    let config = find(
        bundle,
        "server-config",
        bundle::SERVER_CONFIG,
        suite,
        "run Get-ADSyncServerConfiguration -Path DIR on the Connect server.",
    );
    match suite {
        Suite::Prerequisites => {
            let mut o = Map::new();
            if let Found::Here(p) = &environment {
                o.insert("SnapshotPath".into(), path_value(p));
            }
            match &config {
                Found::Here(p) => {
                    o.insert("ServerConfigPath".into(), path_value(p));
                }
                Found::Missing(Plan::Skip(skip)) => {
                    let why = skip.reason.as_deref().unwrap_or(&skip.message);
                    o.insert("ServerConfigError".into(), Value::from(why));
                }
                Found::Missing(_) => {}
            }
            match (environment, config) {
                (Found::Missing(Plan::Fail(e)), _) | (_, Found::Missing(Plan::Fail(e))) => {
                    Plan::Fail(e)
                }
                (Found::Missing(plan), Found::Missing(_)) => plan,
                _ => Plan::Run(Value::Object(o)),
            }
        }
        Suite::Permissions => match environment {
            Found::Here(p) => {
                let mut o = Map::new();
                o.insert("SnapshotPath".into(), path_value(&p));
                if let Found::Here(c) = &config {
                    o.insert("ServerConfigPath".into(), path_value(c));
                }
                Plan::Run(with_now(o, now))
            }
            Found::Missing(plan) => plan,
        },
        Suite::Events => match find(bundle, "events", bundle::EVENTS, suite, EVENTS_HOWTO) {
            Found::Here(p) => {
                let mut o = Map::new();
                o.insert("Path".into(), path_value(&p));
                // The events command measures the heartbeat against the export time the
                // file records, else the file's modification time; unpacking made that the
                // time of unpacking, so it becomes the time the bundle was created.
                stamp_created(&p, bundle.manifest.created_at);
                Plan::Run(with_now(o, now))
            }
            Found::Missing(plan) => plan,
        },
        Suite::Connectivity => {
            match find(
                bundle,
                "connectivity",
                bundle::CONNECTIVITY,
                suite,
                CONNECTIVITY_HOWTO,
            ) {
                Found::Here(p) => Plan::Saved(p),
                Found::Missing(Plan::Skip(mut skip)) => {
                    skip.message.push_str(" Connectivity is not probed from this machine: its probes would test this machine's network, not the Connect server's.");
                    Plan::Skip(skip)
                }
                Found::Missing(plan) => plan,
            }
        }
    }
}
