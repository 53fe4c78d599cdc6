//! `permissions`: the AD DS connector account's writeback rights per domain, OU and
//! user in scope, and with `User` the diagnosis of one user (USER-VERDICT first).
//!
//! Options: `SnapshotPath` or `Snapshot` (exactly one), `ServerConfigPath` (a
//! `Get-ADSyncServerConfiguration -Path` export whose selected partitions give the sync
//! scope), `User` (a sAMAccountName, UPN or DN), `Now` (the evaluation time, ISO 8601;
//! default the snapshot's `CollectedAt`, else the current time).

use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use crate::api::CheckResult;
use crate::control::Control;
use crate::error::{ErrorCode, WbdError};
use crate::permissions::{account, domain, user, users};
use crate::rules::{server_config, Ctx};
use crate::serverconfig;
use crate::snapshot::{self, Node, Timestamp};

/// Options of the `permissions` command.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Options {
    /// Path of a snapshot file.
    pub snapshot_path: Option<String>,
    /// The snapshot object itself.
    pub snapshot: Option<Value>,
    /// A `Get-ADSyncServerConfiguration -Path` export folder.
    pub server_config_path: Option<String>,
    /// The user to diagnose: sAMAccountName, UPN or DN.
    pub user: Option<String>,
    /// Evaluation time (ISO 8601 or `/Date(ms)/`).
    pub now: Option<String>,
}

fn options_of(options: &Value) -> Result<Options, WbdError> {
    serde_json::from_value(options.clone())
        .map_err(|e| WbdError::invalid(format!("permissions options: {e}")))
}

fn load(opts: &Options) -> Result<snapshot::Snapshot, WbdError> {
    match (&opts.snapshot_path, &opts.snapshot) {
        (Some(_), Some(v)) if !v.is_null() => Err(WbdError::invalid(
            "permissions options: give either SnapshotPath or Snapshot, not both",
        )),
        (Some(path), _) if path.trim().is_empty() => {
            Err(WbdError::invalid("SnapshotPath is empty"))
        }
        (Some(path), _) => snapshot::load_file(Path::new(path)),
        (None, Some(v)) if !v.is_null() => snapshot::decode(v),
        _ => Err(WbdError::invalid(
            "permissions options: SnapshotPath (a file) or Snapshot (an object) is required",
        )),
    }
}

fn parse_now(text: &str) -> Result<Timestamp, WbdError> {
    let v = Value::String(text.to_string());
    Timestamp::decode(&Node::at(&v, "Now"))
}

/// Runs the permission rules (or the user diagnosis) named by `options`.
pub fn run(options: &Value, control: &Control) -> Result<Vec<CheckResult>, WbdError> {
    let opts = options_of(options)?;
    control.set_progress(0, "Reading the environment snapshot");
    let snap = load(&opts)?;
    let now = opts.now.as_deref().map(parse_now).transpose()?;
    let config = match opts.server_config_path.as_deref() {
        Some(p) if p.trim().is_empty() => {
            return Err(WbdError::invalid("ServerConfigPath is empty"))
        }
        Some(p) => {
            control.set_progress(5, "Reading the Connect configuration export");
            Some(serverconfig::load(Path::new(p))?)
        }
        None => None,
    };
    let mut ctx = Ctx::new(&snap);
    if let Some(now) = now {
        ctx.now = now;
    }
    if let Some(config) = &config {
        ctx.server_config = server_config::Export::Loaded(config);
    }
    if let Some(who) = opts.user.as_deref() {
        if who.trim().is_empty() {
            return Err(WbdError::invalid("User is empty"));
        }
        control.set_progress(20, format!("Diagnosing {who}"));
        let out = user::evaluate(&ctx, who.trim())?;
        control.set_progress(100, "Done");
        return Ok(out);
    }
    type Step = (&'static str, fn(&Ctx) -> Vec<CheckResult>);
    let steps: [Step; 3] = [
        ("the connector accounts", account::evaluate),
        ("the domain roots, OUs and AdminSDHolder", domain::evaluate),
        ("the users in scope", users::evaluate),
    ];
    let mut out = Vec::new();
    for (i, (what, f)) in steps.iter().enumerate() {
        if control.is_cancelled() {
            return Err(WbdError::new(
                ErrorCode::Cancelled,
                "the permissions check was cancelled",
            ));
        }
        control.set_progress(
            u8::try_from(10 + i * 30).unwrap_or(90),
            format!("Checking {what}"),
        );
        out.extend(f(&ctx));
    }
    control.set_progress(100, "Done");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rejects_bad_options() {
        for (opts, needle) in [
            (json!({}), "is required"),
            (json!({"SnapshotPath": "a", "Snapshot": {}}), "not both"),
            (json!({"SnapshotPath": " "}), "empty"),
            (
                json!({"Snapshot": {"SchemaVersion": 1}, "Bogus": 1}),
                "unknown field",
            ),
            (
                json!({"Snapshot": {"SchemaVersion": 1}, "Now": "later"}),
                "Now: expected a date",
            ),
            (
                json!({"Snapshot": {"SchemaVersion": 1}, "User": ""}),
                "User is empty",
            ),
        ] {
            let e = run(&opts, &Control::new()).expect_err("rejected");
            assert_eq!(e.code, ErrorCode::InvalidInput, "{opts}");
            assert!(e.message.contains(needle), "{opts}: {}", e.message);
        }
    }
}
