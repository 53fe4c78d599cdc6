//! The Connect version: installed, new enough (a dated version table), and the configured
//! version equal to the installed one.

use super::{docs, fail, pass, warn, Ctx, Rule};
use crate::api::{CheckResult, Status};
use crate::snapshot::connect::{parameter, AdSyncModule, Fact};
use crate::snapshot::values::Version;
use crate::snapshot::Timestamp;

/// PRE-CONNECT-VERSION.
pub const VERSION: Rule = Rule {
    id: "PRE-CONNECT-VERSION",
    check: "Version",
    summary: "Entra Connect installed and supported",
    docs: docs::VERSION_HISTORY,
};

/// PRE-CONNECT-CONFIGVERSION.
pub const CONFIG_VERSION: Rule = Rule {
    id: "PRE-CONNECT-CONFIGVERSION",
    check: "Version",
    summary: "configured version equal to the installed version",
    docs: docs::AUTO_UPGRADE,
};

/// When the version table below was last checked against Microsoft's pages.
pub const VERSION_TABLE_DATE: (i32, u8, u8) = (2026, 11, 25);

/// Age after which the table itself is called out as possibly out of date.
pub const VERSION_TABLE_MAX_AGE_DAYS: i64 = 180;

/// The oldest version that keeps working after [`FLOOR_DEADLINE`].
pub const SUPPORT_FLOOR: &str = "2.5.79.0";

/// Last day versions older than [`SUPPORT_FLOOR`] work (30 September 2026).
pub const FLOOR_DEADLINE: (i32, u8, u8) = (2026, 9, 30);

/// Milestones relevant to writeback, oldest first: (version, what it brought).
pub const MILESTONES: &[(&str, &str)] = &[
    (
        "1.1.443.0",
        "the current password-reset and Service Bus endpoints over port 443",
    ),
    (
        "1.1.553.0",
        "the fix for the writeback elevation-of-privilege advisory 4033453",
    ),
    ("1.1.614.0", "TLS 1.2 by default"),
    (
        "2.0.0.0",
        "TLS 1.2 required; TLS 1.0/1.1 no longer supported",
    ),
    (
        SUPPORT_FLOOR,
        "the minimum version whose sync services keep running after 30 September 2026",
    ),
];

/// The evidence sentence for a snapshot whose ADSync objects came through Windows
/// PowerShell compatibility.
pub const THROUGH_WINDOWS_POWERSHELL: &str = "The collector ran in PowerShell 7 and imported the ADSync module through Windows PowerShell 5.1 compatibility (Import-Module -UseWindowsPowerShell), so the ADSync objects it read (global settings, scheduler, connectors, run history) are deserialized copies returned by a Windows PowerShell 5.1 session, not the live objects.";

/// Adds to a Connect result how the collector loaded the ADSync module (`AdSyncModule`)
/// and, when that was through Windows PowerShell compatibility, a sentence saying so
/// (`AdSyncModuleNote`). Nothing is added when the snapshot does not say.
pub fn with_ad_sync_module(mut result: CheckResult, module: Option<&AdSyncModule>) -> CheckResult {
    if let Some(m) = module {
        result
            .evidence
            .insert("AdSyncModule".into(), m.as_str().into());
        if *m == AdSyncModule::ImportedThroughWindowsPowerShell {
            result
                .evidence
                .insert("AdSyncModuleNote".into(), THROUGH_WINDOWS_POWERSHELL.into());
        }
    }
    result
}

/// The global-settings parameter holding the configured version.
pub const CONFIG_VERSION_PARAMETER: &str = "Microsoft.Synchronize.ServerConfigurationVersion";

fn version(text: &str) -> Version {
    Version::parse(text).unwrap_or(Version(vec![0]))
}

fn ymd((y, m, d): (i32, u8, u8)) -> Timestamp {
    Timestamp::from_ymd(y, m, d).unwrap_or(Timestamp(0))
}

/// Evaluates the version rules.
pub fn evaluate(ctx: &Ctx) -> Vec<CheckResult> {
    let target = ctx.server();
    let (c, notes) = match ctx.snapshot.connect.get() {
        Ok(v) => v,
        Err(reason) => {
            return vec![
                VERSION.unavailable(&target, "Connect", reason),
                CONFIG_VERSION.unavailable(&target, "Connect", reason),
            ]
        }
    };
    let installed = match &c.sync_engine {
        Fact::Present(e) => e.version.clone(),
        _ => None,
    };
    let version_result = match &c.sync_engine {
        Fact::NotCollected => VERSION.not_collected(&target, &notes.why_missing("SyncEngine")),
        Fact::Absent => VERSION.emit(
            &target,
            fail(
                "NotInstalled",
                "Entra Connect is not installed on this server",
                "The sync engine (miiserver.exe) was not found, so this server cannot run password writeback.",
                "Install Microsoft Entra Connect Sync (the installer is available from the Microsoft Entra admin center), or run the collector on the server where it is installed.",
            ),
        ),
        Fact::Present(_) => match &installed {
            None => VERSION.not_collected(&target, "the sync engine's file version is not in the snapshot"),
            Some(v) => version_verdict(ctx, &target, v),
        },
    };
    let configured = c
        .global_settings
        .as_deref()
        .and_then(|p| parameter(p, CONFIG_VERSION_PARAMETER))
        .and_then(|p| p.value.as_deref())
        .and_then(Version::parse);
    let config_result = match (&installed, &configured) {
        (None, _) => CONFIG_VERSION.not_collected(&target, "the installed version is not known"),
        (_, None) if c.global_settings.is_none() => {
            CONFIG_VERSION.not_collected(&target, &notes.why_missing("GlobalSettings"))
        }
        (_, None) => CONFIG_VERSION.not_collected(
            &target,
            &format!("Get-ADSyncGlobalSettings has no {CONFIG_VERSION_PARAMETER}"),
        ),
        (Some(i), Some(cfg)) if i == cfg => CONFIG_VERSION.emit(
            &target,
            pass(
                "VersionsMatch",
                "The configured version matches the installed version",
                format!("Both the sync engine and {CONFIG_VERSION_PARAMETER} are {i}."),
            )
            .with("Installed", i.to_string())
            .with("Configured", cfg.to_string()),
        ),
        (Some(i), Some(cfg)) => CONFIG_VERSION.emit(
            &target,
            fail(
                "VersionMismatch",
                "The configuration was not upgraded with the sync engine",
                format!("The sync engine is {i} but the configuration says {cfg}: an upgrade did not finish, which can leave writeback (and password hash sync) disabled."),
                "Run the Entra Connect installer again to finish the upgrade (back up custom sync rules first), check %ProgramData%\\AADConnect for the upgrade log, then re-enable writeback in the wizard under Optional features if it was turned off.",
            )
            .with("Installed", i.to_string())
            .with("Configured", cfg.to_string()),
        ),
    };
    let module = c.ad_sync_module.as_ref();
    vec![
        with_ad_sync_module(version_result, module),
        with_ad_sync_module(config_result, module),
    ]
}

fn version_verdict(ctx: &Ctx, target: &str, v: &Version) -> CheckResult {
    let floor = version(SUPPORT_FLOOR);
    let deadline = ymd(FLOOR_DEADLINE);
    let retired = ctx.now.days_since(deadline) >= 1;
    let table_age = ctx.now.days_since(ymd(VERSION_TABLE_DATE));
    let missing: Vec<String> = MILESTONES
        .iter()
        .filter(|(m, _)| *v < version(m))
        .map(|(m, what)| format!("{m} ({what})"))
        .collect();
    let mut f = if *v >= floor {
        pass(
            "Supported",
            format!("Entra Connect {v} is supported"),
            format!("Entra Connect {v} is at or above {SUPPORT_FLOOR}, the oldest version that keeps working after 30 September 2026."),
        )
    } else if retired {
        fail(
            "Retired",
            format!("Entra Connect {v} has stopped working"),
            format!("Entra Connect {v} is older than {SUPPORT_FLOOR}; Microsoft stopped the sync services of such versions on 30 September 2026, so neither sync nor writeback runs."),
            format!("Upgrade to Entra Connect {SUPPORT_FLOOR} or later (download it from the Microsoft Entra admin center > Entra Connect), then re-check that writeback is enabled."),
        )
    } else if *v < version("1.1.443.0") {
        fail(
            "EndpointsOutdated",
            format!("Entra Connect {v} predates the current writeback endpoints"),
            format!("Entra Connect {v} is older than 1.1.443.0 and uses writeback endpoints and ports that are no longer current; it also stops working on 30 September 2026."),
            format!("Upgrade to Entra Connect {SUPPORT_FLOOR} or later."),
        )
    } else {
        warn(
            "RetiresSoon",
            format!("Entra Connect {v} stops working on 30 September 2026"),
            format!("Entra Connect {v} is older than {SUPPORT_FLOOR}; Microsoft stops the sync services of older versions on 30 September 2026."),
            format!("Upgrade to Entra Connect {SUPPORT_FLOOR} or later before 30 September 2026."),
        )
    };
    if table_age > VERSION_TABLE_MAX_AGE_DAYS {
        let note = format!(
            " This tool's version table was last checked on {} ({table_age} days before the snapshot), so newer releases or retirements may be missing from it.",
            ymd(VERSION_TABLE_DATE).date_text()
        );
        f.message.push_str(&note);
        if f.status == Status::Pass {
            f.status = Status::Warning;
            f.outcome = "VersionTableOld";
            f.remediation = format!(
                "Compare {v} with the newest release on Microsoft's Entra Connect version history page, and update WritebackDiagnostics."
            );
        }
    }
    VERSION.emit(
        target,
        f.with("Installed", v.to_string())
            .with("SupportFloor", SUPPORT_FLOOR)
            .with("FloorDeadline", ymd(FLOOR_DEADLINE).date_text())
            .with("VersionTableDate", ymd(VERSION_TABLE_DATE).date_text())
            .with("VersionTableAgeDays", table_age)
            .with("MissingMilestones", super::strings(&missing)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot;
    use serde_json::json;

    fn results(connect: serde_json::Value) -> Vec<CheckResult> {
        let doc = json!({
            "SchemaVersion": 1,
            "CollectedAt": "2026-11-25T09:30:00Z",
            "ComputerName": "SYNC01",
            "Connect": connect,
        });
        let snap = snapshot::decode(&doc).expect("snapshot");
        evaluate(&Ctx::new(&snap))
    }

    fn connect(module: Option<&str>) -> serde_json::Value {
        let mut c = json!({
            "Status": "Collected",
            "Reason": null,
            "Errors": {},
            "SyncEngine": {"FileName": "miiserver.exe", "FileVersion": "2.5.79.0"},
            "GlobalSettings": {"Parameters": [
                {"Name": CONFIG_VERSION_PARAMETER, "Value": "2.5.79.0"}
            ]},
        });
        if let Some(m) = module {
            c["AdSyncModule"] = m.into();
        }
        c
    }

    #[test]
    fn evidence_says_the_adsync_objects_came_through_windows_powershell() {
        let r = results(connect(Some("ImportedThroughWindowsPowerShell")));
        assert_eq!(r.len(), 2);
        for result in &r {
            assert_eq!(
                result.evidence["AdSyncModule"], "ImportedThroughWindowsPowerShell",
                "{result:?}"
            );
            let note = result.evidence["AdSyncModuleNote"]
                .as_str()
                .unwrap_or_default();
            assert!(
                note.contains("Windows PowerShell 5.1 compatibility"),
                "{note}"
            );
            assert!(note.contains("deserialized copies"), "{note}");
        }
        assert_eq!(r[0].id, VERSION.id);
        assert_eq!(r[0].status, Status::Pass, "{:?}", r[0]);
        assert_eq!(r[1].id, CONFIG_VERSION.id);
        assert_eq!(r[1].status, Status::Pass, "{:?}", r[1]);
    }

    #[test]
    fn evidence_names_a_plain_load_without_the_note() {
        for module in ["AlreadyAvailable", "Imported", "SomethingNewer"] {
            for result in results(connect(Some(module))) {
                assert_eq!(result.evidence["AdSyncModule"], module, "{result:?}");
                assert!(
                    !result.evidence.contains_key("AdSyncModuleNote"),
                    "{result:?}"
                );
            }
        }
    }

    #[test]
    fn older_snapshots_without_adsync_module_add_nothing() {
        for result in results(connect(None)) {
            assert!(!result.evidence.contains_key("AdSyncModule"), "{result:?}");
            assert!(
                !result.evidence.contains_key("AdSyncModuleNote"),
                "{result:?}"
            );
        }
        let unavailable = json!({"Status": "Unavailable", "Reason": "no ADSync module"});
        for result in results(unavailable) {
            assert_eq!(result.status, Status::Skipped);
            assert!(!result.evidence.contains_key("AdSyncModule"), "{result:?}");
        }
    }
}
