//! Connectors: writeback enabled on the Entra connector, and a successful full import and
//! full synchronization on every connector (from the run history).

use super::{docs, fail, join_list, pass, strings, warn, Ctx, Rule};
use crate::api::{CheckResult, Status};
use crate::snapshot::connect::{Connect, RunProfileResult, SyncConnector};

/// PRE-WRITEBACK-ENABLED.
pub const WRITEBACK_ENABLED: Rule = Rule {
    id: "PRE-WRITEBACK-ENABLED",
    check: "Connector",
    summary: "password writeback enabled on the Entra connector",
    docs: docs::TUTORIAL,
};

/// PRE-CONNECTOR-RUNS.
pub const RUNS: Rule = Rule {
    id: "PRE-CONNECTOR-RUNS",
    check: "Connector",
    summary: "successful full import and full synchronization",
    docs: docs::ADSYNC,
};

/// Evaluates the connector rules.
pub fn evaluate(ctx: &Ctx) -> Vec<CheckResult> {
    let server = ctx.server();
    let (c, notes) = match ctx.snapshot.connect.get() {
        Ok(v) => v,
        Err(reason) => {
            return vec![
                WRITEBACK_ENABLED.unavailable(&server, "Connect", reason),
                RUNS.unavailable(&server, "Connect", reason),
            ]
        }
    };
    let mut out = vec![writeback_enabled(c, notes, &server)];
    match &c.run_profile_results {
        None => out.push(RUNS.not_collected(&server, &notes.why_missing("RunProfileResults"))),
        Some(runs) => out.extend(run_history(c, runs)),
    }
    out
}

fn entra_connector(c: &Connect) -> Option<&SyncConnector> {
    c.connectors.as_ref()?.iter().find(|k| k.is_entra())
}

fn writeback_enabled(c: &Connect, notes: &crate::snapshot::Notes, server: &str) -> CheckResult {
    let name = entra_connector(c).map(|k| k.name.clone());
    let Some(configs) = &c.password_reset_configuration else {
        return WRITEBACK_ENABLED.not_collected(
            name.as_deref().unwrap_or(server),
            &notes.why_missing("PasswordResetConfiguration"),
        );
    };
    let target = name
        .clone()
        .or_else(|| configs.iter().find_map(|k| k.connector.clone()))
        .unwrap_or_else(|| server.to_string());
    let states: Vec<bool> = configs.iter().filter_map(|k| k.enabled).collect();
    let f = if states.is_empty() {
        return WRITEBACK_ENABLED.not_collected(
            &target,
            "Get-ADSyncAADPasswordResetConfiguration output has no Enabled value",
        );
    } else if states.iter().any(|e| *e) {
        pass(
            "Enabled",
            "Password writeback is enabled on the Entra connector",
            format!(
                "Get-ADSyncAADPasswordResetConfiguration reports writeback enabled for {target}."
            ),
        )
    } else {
        fail(
            "Disabled",
            "Password writeback is disabled on the Entra connector",
            format!("Get-ADSyncAADPasswordResetConfiguration reports writeback disabled for {target}: the server does not accept reset or change requests from the cloud (SSPR_0010)."),
            format!("Enable it in the Connect wizard (Customize synchronization options > Optional features > Password writeback), or run Set-ADSyncAADPasswordResetConfiguration -Connector '{target}' -Enable $true signed in as a managed (cloud-only or password-synchronized) account that holds Global Administrator or Hybrid Administrator directly."),
        )
    };
    WRITEBACK_ENABLED.emit(&target, f.with("Enabled", states.iter().any(|e| *e)))
}

/// How a run's `Result` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum RunClass {
    Ok,
    Errors,
    Failed,
}

fn classify(result: &str) -> RunClass {
    let r = result.trim().to_ascii_lowercase();
    match r.as_str() {
        "success" | "completed-no-objects" | "completed-warnings" | "in-progress" => RunClass::Ok,
        _ if r.starts_with("completed-") => RunClass::Errors,
        _ => RunClass::Failed,
    }
}

fn belongs(run: &RunProfileResult, k: &SyncConnector) -> bool {
    match (&run.connector_id, &k.identifier) {
        (Some(a), Some(b)) => a == b,
        _ => run
            .connector_name
            .as_deref()
            .is_some_and(|n| n.eq_ignore_ascii_case(&k.name)),
    }
}

/// The most recent run among `runs` (by start date; without dates, the first listed,
/// since Get-ADSyncRunProfileResult lists the newest first).
fn latest<'a>(runs: &[&'a RunProfileResult]) -> Option<&'a RunProfileResult> {
    if runs.iter().all(|r| r.start.is_some()) {
        runs.iter().max_by_key(|r| r.start).copied()
    } else {
        runs.first().copied()
    }
}

fn run_history(c: &Connect, runs: &[RunProfileResult]) -> Vec<CheckResult> {
    let connectors: Vec<SyncConnector> = match &c.connectors {
        Some(list) if !list.is_empty() => list.clone(),
        _ => {
            let mut names: Vec<(Option<String>, String)> = Vec::new();
            for r in runs {
                let name = r
                    .connector_name
                    .clone()
                    .or_else(|| r.connector_id.clone())
                    .unwrap_or_default();
                if !names.iter().any(|(_, n)| n.eq_ignore_ascii_case(&name)) {
                    names.push((r.connector_id.clone(), name));
                }
            }
            names
                .into_iter()
                .map(|(id, name)| SyncConnector {
                    identifier: id,
                    name,
                    ..SyncConnector::default()
                })
                .collect()
        }
    };
    connectors.iter().map(|k| connector_runs(k, runs)).collect()
}

fn connector_runs(k: &SyncConnector, all: &[RunProfileResult]) -> CheckResult {
    let mine: Vec<&RunProfileResult> = all.iter().filter(|r| belongs(r, k)).collect();
    let of_profile = |name: &str| -> Vec<&RunProfileResult> {
        mine.iter()
            .copied()
            .filter(|r| r.run_profile_name.trim().eq_ignore_ascii_case(name))
            .collect()
    };
    let full_import = latest(&of_profile("Full Import"));
    let full_sync = latest(&of_profile("Full Synchronization"));
    let last = latest(&mine);
    let mut problems: Vec<(Status, &'static str, String)> = Vec::new();
    if let Some(r) = last.filter(|r| classify(&r.result) == RunClass::Failed) {
        problems.push((
            Status::Fail,
            "LatestRunFailed",
            format!(
                "the latest run ({}) ended with {}",
                r.run_profile_name, r.result
            ),
        ));
    }
    for (what, run, token_failed, token_errors) in [
        (
            "full import",
            full_import,
            "FullImportFailed",
            "FullImportErrors",
        ),
        (
            "full synchronization",
            full_sync,
            "FullSyncFailed",
            "FullSyncErrors",
        ),
    ] {
        match run.map(|r| (r, classify(&r.result))) {
            None => problems.push((
                Status::Warning,
                "NoFullRunInHistory",
                format!("the run history holds no {what}"),
            )),
            Some((r, RunClass::Failed)) => problems.push((
                Status::Fail,
                token_failed,
                format!("the latest {what} ended with {}", r.result),
            )),
            Some((r, RunClass::Errors)) => problems.push((
                Status::Warning,
                token_errors,
                format!("the latest {what} ended with {}", r.result),
            )),
            Some((_, RunClass::Ok)) => {}
        }
    }
    if let Some(r) = last.filter(|r| classify(&r.result) == RunClass::Errors) {
        problems.push((
            Status::Warning,
            "LatestRunErrors",
            format!(
                "the latest run ({}) ended with {}",
                r.run_profile_name, r.result
            ),
        ));
    }
    let worst = problems
        .iter()
        .find(|(s, _, _)| *s == Status::Fail)
        .or_else(|| problems.first());
    let texts: Vec<&str> = problems.iter().map(|(_, _, t)| t.as_str()).collect();
    let fix = "Run a full import and a full synchronization on this connector before testing writeback (Start-ADSyncSyncCycle -PolicyType Initial, or Synchronization Service Manager > Connectors > Run), and fix what the failed run reports in Synchronization Service Manager > Operations (for connection errors: the connector account's credentials and a reachable domain controller).";
    let f = match worst {
        None => pass(
            "FullRunsSucceeded",
            "Full import and full synchronization succeeded",
            format!(
                "The latest full import and full synchronization of {} succeeded.",
                k.name
            ),
        ),
        Some((status, token, _)) => {
            let summary = format!("For connector {}: {}.", k.name, join_list(&texts));
            let history_note = if problems.iter().any(|(_, t, _)| *t == "NoFullRunInHistory") {
                " The run history is purged after a few days (PurgeRunHistoryInterval), so a missing full run may only mean it is older than the history."
            } else {
                ""
            };
            if *status == Status::Fail {
                fail(
                    token,
                    "A connector run failed",
                    format!("{summary}{history_note}"),
                    fix,
                )
            } else {
                warn(
                    token,
                    "No clean full import and synchronization on record",
                    format!("{summary}{history_note}"),
                    fix,
                )
            }
        }
    };
    let describe = |r: Option<&RunProfileResult>| -> serde_json::Value {
        r.map_or(serde_json::Value::Null, |r| {
            serde_json::json!({
                "RunProfileName": r.run_profile_name,
                "Result": r.result,
                "StartDate": r.start.map(|t| t.to_string()),
            })
        })
    };
    RUNS.emit(
        &k.name,
        f.with("Connector", k.name.clone())
            .with("RunsInHistory", mine.len())
            .with("LatestFullImport", describe(full_import))
            .with("LatestFullSynchronization", describe(full_sync))
            .with("LatestRun", describe(last))
            .with("Problems", strings(&texts)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_run_results() {
        assert_eq!(classify("success"), RunClass::Ok);
        assert_eq!(classify("completed-sync-errors"), RunClass::Errors);
        assert_eq!(classify("no-start-connection"), RunClass::Failed);
        assert_eq!(classify("stopped-server-down"), RunClass::Failed);
    }
}
