//! The Connect version: installed, still supported by Microsoft's release table (see
//! [`super::connect_releases`]), and the configured version equal to the installed one.

use super::connect_releases::{self as releases, day, day_text};
use super::{docs, fail, pass, Ctx, Rule};
use crate::api::{CheckResult, Status};
use crate::snapshot::connect::{parameter, AdSyncModule, Fact};
use crate::snapshot::values::Version;

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

/// Age of the release table after which it is called out as possibly out of date. Our
/// choice, not Microsoft's: Connect releases have come every one to four months.
pub const VERSION_TABLE_MAX_AGE_DAYS: i64 = 180;

/// Below this version sync does not function at all: every 1.x version is unsupported
/// (version history page, read 2026-12-02).
pub const FIRST_2X: &str = "2.0.0.0";

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
    let newest = releases::newest();
    let as_of = day(releases::AS_OF);
    let table_age = ctx.now.days_since(as_of);
    let listed = releases::release(v).is_some();
    let retirement = releases::retirement(v);
    let upgrade = format!("Upgrade to the newest Entra Connect Sync ({} or later; the installer is in the Microsoft Entra admin center > Entra Connect), then check in the wizard that password writeback is still enabled.", newest.version);
    let mut f = if *v < Version::parse(FIRST_2X).unwrap_or(Version(vec![2])) {
        fail(
            "Version1Retired",
            format!("Entra Connect {v} is a 1.x version, which no longer synchronizes"),
            format!("Entra Connect {v}: Microsoft retired every 1.x version, and their synchronization no longer functions, so writeback cannot run."),
            upgrade.clone(),
        )
    } else {
        match &retirement {
            Some(r) if ctx.now >= day(r.end()) => fail(
                "Retired",
                format!("Entra Connect {v} retired on {}", day_text(r.end())),
                format!(
                    "Entra Connect {v} went out of support on {}: {} was released on {}, and Microsoft retires a 2.x release 12 months after a newer one ships{}. A retired version can stop working without warning and gets no fixes.",
                    day_text(r.end()),
                    r.superseded_by.version,
                    day_text(r.superseded_by.released),
                    stated_note(r),
                ),
                upgrade.clone(),
            ),
            Some(r) => pass(
                "Supported",
                format!("Entra Connect {v} is supported until {}", day_text(r.end())),
                format!(
                    "Entra Connect {v} is supported until {} (12 months after {} was released on {}{}); plan the upgrade to {} before then.",
                    day_text(r.end()),
                    r.superseded_by.version,
                    day_text(r.superseded_by.released),
                    stated_note(r),
                    newest.version,
                ),
            ),
            None if listed => pass(
                "Latest",
                format!("Entra Connect {v} is the newest release"),
                format!("Entra Connect {v} is the newest release in Microsoft's version history as of {}.", day_text(releases::AS_OF)),
            ),
            None => pass(
                "NewerThanTable",
                format!("Entra Connect {v} is newer than this tool's release table"),
                format!("Entra Connect {v} is newer than {}, the newest release this tool's table lists (as of {}), so no newer release can have retired it.", newest.version, day_text(releases::AS_OF)),
            ),
        }
    };
    if !listed && f.status != Status::Fail {
        f.message.push_str(" The build is not a release the version history lists; it was judged by the next listed release.");
    }
    if table_age > VERSION_TABLE_MAX_AGE_DAYS {
        let note = format!(
            " This tool's release table is as of {} ({table_age} days before the snapshot), so newer releases, and the retirements they start, may be missing from it.",
            day_text(releases::AS_OF)
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
    let mut f = f
        .with("Installed", v.to_string())
        .with("ListedRelease", listed)
        .with("NewestListed", newest.version)
        .with("VersionTableDate", day_text(releases::AS_OF))
        .with("VersionTableAgeDays", table_age)
        .with("VersionTableSource", releases::SOURCE)
        .with(
            "RetirementRule",
            "12 months after the next release (version history page)",
        );
    if let Some(r) = &retirement {
        f = f
            .with("SupersededBy", r.superseded_by.version)
            .with("SupersededOn", day_text(r.superseded_by.released))
            .with("RetiresOn", day_text(r.end()))
            .with("RetiresOnComputed", day_text(r.computed))
            .with(
                "RetiresOnStated",
                r.stated
                    .map_or(serde_json::Value::Null, |s| day_text(s).into()),
            );
    }
    VERSION.emit(target, f)
}

/// Says so when Microsoft's table states an earlier end than the 12-month rule gives.
fn stated_note(r: &releases::Retirement) -> String {
    match r.stated {
        Some(s) if day(s) < day(r.computed) => format!(
            ", and Microsoft's table states the earlier end {} instead of {}",
            day_text(s),
            day_text(r.computed)
        ),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot;
    use serde_json::json;

    fn results(connect: serde_json::Value) -> Vec<CheckResult> {
        results_at("2026-11-25T09:30:00Z", connect)
    }

    fn results_at(collected_at: &str, connect: serde_json::Value) -> Vec<CheckResult> {
        let doc = json!({
            "SchemaVersion": 1,
            "CollectedAt": collected_at,
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
            "SyncEngine": {"FileName": "miiserver.exe", "FileVersion": "2.6.92.0"},
            "GlobalSettings": {"Parameters": [
                {"Name": CONFIG_VERSION_PARAMETER, "Value": "2.6.92.0"}
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

    fn verdict(collected_at: &str, version: &str) -> CheckResult {
        let mut c = connect(None);
        c["SyncEngine"]["FileVersion"] = version.into();
        results_at(collected_at, c).remove(0)
    }

    fn outcome(r: &CheckResult) -> &str {
        r.evidence["Outcome"].as_str().unwrap_or_default()
    }

    #[test]
    fn a_release_superseded_more_than_twelve_months_ago_is_retired() {
        // The old table called 2.5.79.0 "Supported" on this date.
        let r = verdict("2026-11-25T09:30:00Z", "2.5.79.0");
        assert_eq!(r.status, Status::Fail, "{r:?}");
        assert_eq!(outcome(&r), "Retired");
        assert_eq!(r.evidence["RetiresOn"], "2026-10-23");
        assert_eq!(r.evidence["RetiresOnComputed"], "2026-11-19");
        assert_eq!(r.evidence["SupersededBy"], "2.5.190.0");
        assert!(
            r.message.contains("states the earlier end 2026-10-23"),
            "{}",
            r.message
        );
        let before = verdict("2026-10-22T09:30:00Z", "2.5.79.0");
        assert_eq!(before.status, Status::Pass, "{before:?}");
        assert!(
            before.title.contains("until 2026-10-23"),
            "{}",
            before.title
        );
    }

    #[test]
    fn supported_latest_newer_and_1x_builds() {
        let r = verdict("2026-12-02T09:00:00Z", "2.6.3.0");
        assert_eq!(outcome(&r), "Supported");
        assert_eq!(r.evidence["RetiresOn"], "2027-07-07");
        assert_eq!(r.evidence["VersionTableDate"], "2026-12-02");
        let latest = verdict("2026-12-02T09:00:00Z", "2.6.92.0");
        assert_eq!((latest.status, outcome(&latest)), (Status::Pass, "Latest"));
        let newer = verdict("2026-12-02T09:00:00Z", "2.7.5.0");
        assert_eq!(outcome(&newer), "NewerThanTable");
        assert_eq!(newer.evidence["ListedRelease"], false);
        let v1 = verdict("2026-12-02T09:00:00Z", "1.6.16.0");
        assert_eq!((v1.status, outcome(&v1)), (Status::Fail, "Version1Retired"));
        let unlisted = verdict("2026-01-10T09:00:00Z", "2.4.130.0");
        assert_eq!(unlisted.evidence["SupersededBy"], "2.4.131.0");
        assert!(unlisted
            .message
            .contains("not a release the version history lists"));
    }

    #[test]
    fn an_old_table_turns_a_pass_into_a_warning() {
        let r = verdict("2027-07-01T09:00:00Z", "2.6.92.0");
        assert_eq!(
            (r.status, outcome(&r)),
            (Status::Warning, "VersionTableOld")
        );
        assert!(r.message.contains("as of 2026-12-02"), "{}", r.message);
        assert!(
            r.evidence["VersionTableAgeDays"]
                .as_i64()
                .unwrap_or_default()
                > 180
        );
    }
}
