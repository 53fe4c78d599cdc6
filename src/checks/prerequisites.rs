//! `prerequisites`: evaluates every writeback prerequisite rule against a snapshot.
//!
//! Options (exactly one of the two):
//! - `SnapshotPath`: a snapshot file (at most 64 MiB; UTF-8 with or without BOM, or
//!   UTF-16 with BOM as Windows PowerShell 5.1's `Out-File` writes it);
//! - `Snapshot`: the snapshot object inline.
//!
//! `ProbePdc: true` (a live run on the Connect server) probes each PDC emulator on the AD
//! ports with the engine's TCP probe when the snapshot has no `Live` section;
//! `TimeoutMs` bounds each attempt (default 3000).
//!
//! `ServerConfigPath`: a folder written by `Get-ADSyncServerConfiguration -Path`, which the
//! PRE-CONFIG-* rules evaluate (see [`crate::serverconfig`]); without a snapshot, only those
//! rules run. `ServerConfigError`: why the collector could not write one (the PRE-CONFIG-*
//! rules are then Skipped with it). Without either they are Skipped with how to supply one.

use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use crate::api::CheckResult;
use crate::control::Control;
use crate::error::{ErrorCode, WbdError};
use crate::rules::{server_config, Ctx, AREAS};
use crate::serverconfig;
use crate::snapshot::{self, Snapshot};

/// Options of the `prerequisites` command.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Options {
    /// Path of a snapshot file written by `Get-WritebackEnvironment | ConvertTo-Json -Depth 20`.
    pub snapshot_path: Option<String>,
    /// The snapshot object itself.
    pub snapshot: Option<Value>,
    /// Probe the PDC emulators from this machine (live runs only).
    #[serde(default)]
    pub probe_pdc: bool,
    /// Deadline of each live probe, in milliseconds.
    pub timeout_ms: Option<u64>,
    /// A `Get-ADSyncServerConfiguration -Path` export folder.
    pub server_config_path: Option<String>,
    /// Why the collector could not export the configuration.
    pub server_config_error: Option<String>,
}

/// Default deadline of each live PDC probe.
const DEFAULT_PROBE_MS: u64 = 3_000;

fn options_of(options: &Value) -> Result<Options, WbdError> {
    serde_json::from_value(options.clone())
        .map_err(|e| WbdError::invalid(format!("prerequisites options: {e}")))
}

/// Reads the snapshot the options name.
pub fn load(options: &Value) -> Result<Snapshot, WbdError> {
    let opts = options_of(options)?;
    match (opts.snapshot_path, opts.snapshot) {
        (Some(_), Some(_)) => Err(WbdError::invalid(
            "prerequisites options: give either SnapshotPath or Snapshot, not both",
        )),
        (None, None) | (None, Some(Value::Null)) => Err(WbdError::invalid(
            "prerequisites options: SnapshotPath (a file), Snapshot (an object) or ServerConfigPath (a folder) is required",
        )),
        (Some(path), None) => {
            if path.trim().is_empty() {
                return Err(WbdError::invalid("SnapshotPath is empty"));
            }
            snapshot::load_file(Path::new(&path))
        }
        (None, Some(value)) => snapshot::decode(&value),
    }
}

/// Runs every prerequisite rule on the snapshot named by `options`.
pub fn run(options: &Value, control: &Control) -> Result<Vec<CheckResult>, WbdError> {
    control.set_progress(0, "Reading the environment snapshot");
    let opts = options_of(options)?;
    let stage = match opts.timeout_ms.unwrap_or(DEFAULT_PROBE_MS) {
        ms @ 1..=600_000 => std::time::Duration::from_millis(ms),
        ms => {
            return Err(WbdError::invalid(format!(
                "TimeoutMs {ms} is outside 1..=600000"
            )))
        }
    };
    let server_config = match opts.server_config_path.as_deref() {
        Some(p) if p.trim().is_empty() => {
            return Err(WbdError::invalid("ServerConfigPath is empty"))
        }
        Some(p) => {
            control.set_progress(2, "Reading the Connect configuration export");
            Some(serverconfig::load(Path::new(p))?)
        }
        None => None,
    };
    let config_only = server_config.is_some()
        && opts.snapshot_path.is_none()
        && matches!(opts.snapshot, None | Some(Value::Null));
    let mut snap = if config_only {
        // No snapshot: only the configuration rules run, so an empty one stands in.
        snapshot::decode(&serde_json::json!({"SchemaVersion": 1}))?
    } else {
        load(options)?
    };
    if opts.probe_pdc && snap.live.is_none() && !config_only {
        snap.live = Some(crate::checks::pdc_probe::probe(&snap, stage, control)?);
    }
    let mut ctx = Ctx::new(&snap);
    ctx.server_config = match (&server_config, &opts.server_config_error) {
        (Some(config), _) => server_config::Export::Loaded(config),
        (None, Some(reason)) => server_config::Export::Failed(reason),
        (None, None) => server_config::Export::NotGiven,
    };
    if config_only {
        control.set_progress(50, "Checking the Connect configuration export");
        let results = server_config::evaluate(&ctx);
        control.set_progress(100, "Done");
        return Ok(results);
    }
    let mut results = Vec::new();
    for (i, (area, evaluate)) in AREAS.iter().enumerate() {
        if control.is_cancelled() {
            return Err(WbdError::new(
                ErrorCode::Cancelled,
                "the prerequisites check was cancelled",
            ));
        }
        let pct = 5 + i * 95 / AREAS.len();
        control.set_progress(u8::try_from(pct).unwrap_or(99), format!("Checking {area}"));
        results.extend(evaluate(&ctx));
    }
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
            (json!({"Snapshot": null}), "is required"),
            (json!({"SnapshotPath": "a", "Snapshot": {}}), "not both"),
            (json!({"SnapshotPath": ""}), "empty"),
            (json!({"SnapshotPath": 5}), "prerequisites options"),
            (
                json!({"Snapshot": {"SchemaVersion": 1}, "Bogus": 1}),
                "unknown field",
            ),
            (
                json!({"SnapshotPath": "/nonexistent/snap.json"}),
                "cannot read snapshot",
            ),
        ] {
            let e = load(&opts).expect_err("rejected");
            assert_eq!(e.code, ErrorCode::InvalidInput, "{opts}");
            assert!(e.message.contains(needle), "{opts}: {}", e.message);
        }
    }

    #[test]
    fn reports_progress_and_honours_cancel() {
        let control = Control::new();
        let out = run(&json!({"Snapshot": {"SchemaVersion": 1}}), &control).expect("runs");
        assert!(!out.is_empty());
        assert_eq!(control.progress().percent, 100);
        let cancelled = Control::new();
        cancelled.cancel();
        let e = run(&json!({"Snapshot": {"SchemaVersion": 1}}), &cancelled).expect_err("cancelled");
        assert_eq!(e.code, ErrorCode::Cancelled);
    }
}
