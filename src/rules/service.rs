//! The ADSync service, the sync scheduler and staging mode.

use super::{docs, fail, pass, warn, Ctx, Rule};
use crate::api::CheckResult;
use crate::snapshot::connect::{parameter, Connect, Fact};

/// PRE-ADSYNC-RUNNING.
pub const RUNNING: Rule = Rule {
    id: "PRE-ADSYNC-RUNNING",
    check: "Service",
    summary: "ADSync service running",
    docs: docs::TROUBLESHOOT,
};

/// PRE-SCHEDULER.
pub const SCHEDULER: Rule = Rule {
    id: "PRE-SCHEDULER",
    check: "Scheduler",
    summary: "sync scheduler active",
    docs: docs::SCHEDULER,
};

/// PRE-STAGING-MODE.
pub const STAGING: Rule = Rule {
    id: "PRE-STAGING-MODE",
    check: "Scheduler",
    summary: "server not in staging mode",
    docs: docs::STAGING,
};

/// Evaluates the service, scheduler and staging-mode rules.
pub fn evaluate(ctx: &Ctx) -> Vec<CheckResult> {
    let target = ctx.server();
    let (c, notes) = match ctx.snapshot.connect.get() {
        Ok(v) => v,
        Err(reason) => {
            return [&RUNNING, &SCHEDULER, &STAGING]
                .iter()
                .map(|r| r.unavailable(&target, "Connect", reason))
                .collect()
        }
    };
    let running = match &c.service {
        Fact::NotCollected => RUNNING.not_collected(&target, &notes.why_missing("Service")),
        Fact::Absent => RUNNING.emit(
            &target,
            fail(
                "ServiceMissing",
                "The ADSync service does not exist",
                "There is no ADSync (Microsoft Azure AD Sync) service on this server, so nothing listens for password writeback requests.",
                "Install Microsoft Entra Connect Sync on this server, or run the collector on the server where it is installed.",
            ),
        ),
        Fact::Present(s) => {
            let status = s.status.as_ref().map(|v| v.name.clone());
            let start = s.start_type.as_ref().map(|v| v.name.clone());
            let is_running = s.status.as_ref().is_some_and(|v| v.is("Running"));
            let f = if !is_running {
                fail(
                    "NotRunning",
                    "The ADSync service is not running",
                    format!(
                        "The ADSync service is {}. The writeback listener runs inside it, so no reset or change reaches AD while it is stopped.",
                        status.as_deref().unwrap_or("in an unknown state")
                    ),
                    "Start it (Start-Service ADSync) and set it to start automatically; if it stops again, read the ADSync and PasswordResetService events in the Application log (for example 6800 and 31016).",
                )
            } else if s.start_type.as_ref().is_some_and(|v| v.is("Disabled") || v.is("Manual")) {
                warn(
                    "NotAutomatic",
                    "The ADSync service does not start automatically",
                    format!(
                        "The ADSync service is running but its start type is {}, so writeback stops after the next restart.",
                        start.as_deref().unwrap_or("unknown")
                    ),
                    "Set-Service ADSync -StartupType Automatic",
                )
            } else {
                pass("Running", "The ADSync service is running", "The ADSync service is running.")
            };
            RUNNING.emit(
                &target,
                f.with("ServiceStatus", status.unwrap_or_default())
                    .with("StartType", start.unwrap_or_default()),
            )
        }
    };
    vec![
        running,
        scheduler(c, notes, &target),
        staging(c, notes, &target),
    ]
}

fn global_flag(c: &Connect, name: &str) -> Option<bool> {
    let p = parameter(c.global_settings.as_deref()?, name)?;
    match p.value.as_deref()?.trim().to_ascii_lowercase().as_str() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

fn scheduler(c: &Connect, notes: &crate::snapshot::Notes, target: &str) -> CheckResult {
    let suspended = c
        .scheduler
        .as_ref()
        .and_then(|s| s.scheduler_suspended)
        .or_else(|| global_flag(c, "Microsoft.Synchronize.SchedulerSuspended"));
    let Some(suspended) = suspended else {
        return SCHEDULER.not_collected(target, &notes.why_missing("Scheduler"));
    };
    let cycle = c.scheduler.as_ref().and_then(|s| s.sync_cycle_enabled);
    let f = if suspended {
        fail(
            "SchedulerSuspended",
            "The sync scheduler is suspended",
            "SchedulerSuspended is true: no sync cycles run. An automatic upgrade that did not finish leaves the scheduler suspended, and writeback or password hash sync may have been turned off with it.",
            "Finish or repeat the upgrade, then run Set-ADSyncScheduler -SchedulerSuspended $false and check in the wizard (Customize synchronization options) that password writeback is still selected.",
        )
    } else if cycle == Some(false) {
        warn(
            "SyncCycleDisabled",
            "Scheduled sync cycles are turned off",
            "SyncCycleEnabled is false: changes in AD and new users no longer reach Entra ID, so users drift out of step with what writeback expects.",
            "Run Set-ADSyncScheduler -SyncCycleEnabled $true unless sync was paused on purpose.",
        )
    } else {
        pass(
            "SchedulerActive",
            "The sync scheduler is active",
            "The scheduler is not suspended and sync cycles are enabled.",
        )
    };
    SCHEDULER.emit(
        target,
        f.with("SchedulerSuspended", suspended).with(
            "SyncCycleEnabled",
            cycle.map_or(serde_json::Value::Null, Into::into),
        ),
    )
}

fn staging(c: &Connect, notes: &crate::snapshot::Notes, target: &str) -> CheckResult {
    let staging = c
        .scheduler
        .as_ref()
        .and_then(|s| s.staging_mode_enabled)
        .or_else(|| global_flag(c, "Microsoft.Synchronize.StagingMode"));
    let Some(staging) = staging else {
        return STAGING.not_collected(target, &notes.why_missing("Scheduler"));
    };
    let f = if staging {
        fail(
            "StagingMode",
            "This server is in staging mode",
            "A Connect server in staging mode imports and synchronizes but exports nothing, and it does not run password writeback even when writeback is selected.",
            "Test writeback against the active Connect server, or take this server out of staging mode in the wizard (Configure staging mode) once the other server is switched to staging.",
        )
    } else {
        pass(
            "Active",
            "This server is not in staging mode",
            "The server is the active Connect server, so it runs writeback.",
        )
    };
    STAGING.emit(target, f.with("StagingModeEnabled", staging))
}
