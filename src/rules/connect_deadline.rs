//! Microsoft's dated requirements for the Connect server: the minimum versions announced
//! with a date ([`super::connect_releases::DEADLINES`]), and application-based
//! authentication of the Entra connector, which the 2027-04-07 deadline also requires.

use super::connect_releases::{self as releases, day, day_text, Deadline};
use super::connect_version::with_ad_sync_module;
use super::{docs, fail, pass, warn, Ctx, Rule};
use crate::api::CheckResult;
use crate::probe::Finding;
use crate::snapshot::connect::{ConnectorCredential, Fact};
use crate::snapshot::values::Version;
use crate::snapshot::Timestamp;

/// PRE-CONNECT-DEADLINE: the dated minimum versions.
pub const DEADLINE: Rule = Rule {
    id: "PRE-CONNECT-DEADLINE",
    check: "Version",
    summary: "Entra Connect at or above every dated minimum version",
    docs: docs::PREREQUISITES,
};

/// PRE-CONNECT-AUTH: how the Entra connector authenticates to Entra ID.
pub const AUTH: Rule = Rule {
    id: "PRE-CONNECT-AUTH",
    check: "Version",
    summary: "Entra connector using application-based authentication",
    docs: docs::APPLICATION_AUTH,
};

/// Where the authentication types and their check come from.
pub const AUTH_SOURCE: &str = "\"Authenticate to Microsoft Entra ID by using application identity\" (https://learn.microsoft.com/entra/identity/hybrid/connect/authenticate-application-id): Get-ADSyncEntraConnectorCredential shows ConnectorIdentityType ServiceAccount or Application; read 2026-12-02";

/// The deadline that also requires application-based authentication.
pub fn auth_deadline() -> Option<&'static Deadline> {
    releases::DEADLINES.iter().find(|d| d.also.is_some())
}

fn version(text: &str) -> Version {
    Version::parse(text).unwrap_or(Version(vec![0]))
}

/// Evaluates the dated rules.
pub fn evaluate(ctx: &Ctx) -> Vec<CheckResult> {
    let target = ctx.server();
    let (c, notes) = match ctx.snapshot.connect.get() {
        Ok(v) => v,
        Err(reason) => {
            return vec![
                DEADLINE.unavailable(&target, "Connect", reason),
                AUTH.unavailable(&target, "Connect", reason),
            ]
        }
    };
    let deadline = match &c.sync_engine {
        Fact::Present(e) => match &e.version {
            Some(v) => DEADLINE.emit(&target, deadline_verdict(ctx.now, v)),
            None => DEADLINE.not_collected(
                &target,
                "the sync engine's file version is not in the snapshot",
            ),
        },
        Fact::Absent => DEADLINE.not_collected(&target, "Entra Connect is not installed"),
        Fact::NotCollected => DEADLINE.not_collected(&target, &notes.why_missing("SyncEngine")),
    };
    let auth = match &c.entra_connector_credential {
        Fact::NotCollected => {
            AUTH.not_collected(&target, &notes.why_missing("EntraConnectorIdentity"))
        }
        Fact::Absent => AUTH.emit(&target, auth_verdict(ctx.now, None)),
        Fact::Present(cred) => AUTH.emit(&target, auth_verdict(ctx.now, Some(cred))),
    };
    let module = c.ad_sync_module.as_ref();
    vec![
        with_ad_sync_module(deadline, module),
        with_ad_sync_module(auth, module),
    ]
}

fn deadline_text(d: &Deadline) -> String {
    match d.also {
        Some(also) => format!("{} or later and {also} by {}", d.minimum, day_text(d.date)),
        None => format!("{} or later by {}", d.minimum, day_text(d.date)),
    }
}

fn deadline_verdict(now: Timestamp, v: &Version) -> Finding {
    let missed: Vec<&Deadline> = releases::DEADLINES
        .iter()
        .filter(|d| *v < version(d.minimum))
        .collect();
    let passed = missed.iter().rev().find(|d| now >= day(d.date));
    let ahead = missed.iter().find(|d| now < day(d.date));
    let upgrade = format!(
        "Upgrade to Entra Connect Sync {} or later (the installer is in the Microsoft Entra admin center > Entra Connect) and switch the Entra connector to application-based authentication (see PRE-CONNECT-AUTH).",
        releases::newest().version
    );
    let f = if let Some(d) = passed {
        fail(
            "DeadlinePassed",
            format!("Entra Connect {v} is below the {} minimum that applied from {}", d.minimum, day_text(d.date)),
            format!("Microsoft required {}; {v} is older, and from that day on {} for older versions, so neither sync nor writeback runs.", deadline_text(d), d.consequence),
            upgrade,
        )
        .with("Deadline", day_text(d.date))
        .with("Minimum", d.minimum)
        .with("DeadlineSource", d.source)
    } else if let Some(d) = ahead {
        let days = day(d.date).days_since(now);
        warn(
            "DeadlineAhead",
            format!("Entra Connect {v} must be upgraded to {} by {}", d.minimum, day_text(d.date)),
            format!("Microsoft requires {}; {v} is older, and from that day on {} ({days} days after this snapshot).", deadline_text(d), d.consequence),
            upgrade,
        )
        .with("Deadline", day_text(d.date))
        .with("DaysLeft", days)
        .with("Minimum", d.minimum)
        .with("DeadlineSource", d.source)
    } else {
        let met: Vec<String> = releases::DEADLINES.iter().map(deadline_text).collect();
        pass(
            "MeetsDeadlines",
            format!("Entra Connect {v} meets every dated minimum version"),
            format!(
                "Microsoft requires {}; {v} meets the version part of each.",
                met.join("; ")
            ),
        )
    };
    f.with("Installed", v.to_string()).with(
        "Deadlines",
        super::strings(
            &releases::DEADLINES
                .iter()
                .map(deadline_text)
                .collect::<Vec<_>>(),
        ),
    )
}

fn auth_verdict(now: Timestamp, cred: Option<&ConnectorCredential>) -> Finding {
    let Some(deadline) = auth_deadline() else {
        return pass(
            "NoDeadline",
            "No authentication deadline is known",
            "This tool's table has no deadline for application-based authentication.",
        );
    };
    let due = day_text(deadline.date);
    let passed = now >= day(deadline.date);
    let kind = cred.and_then(|c| c.identity_type.as_ref());
    let (basis, identity) = match (cred, kind) {
        (None, _) => (
            "This ADSync module has no Get-ADSyncEntraConnectorCredential, so this Connect version predates application-based authentication and the connector signs in with a service account (an inference from the missing command).",
            "ServiceAccount",
        ),
        (Some(_), Some(k)) if k.is("Application") => ("", "Application"),
        (Some(_), Some(k)) if k.is("ServiceAccount") => ("", "ServiceAccount"),
        (Some(_), _) => ("", "Unknown"),
    };
    let switch = format!(
        "Upgrade to Entra Connect Sync {} or later and switch the Entra connector to application-based authentication: the upgrade wizard offers it, or on the Connect server disable the scheduler, run Add-EntraApplicationRegistration and Add-ADSyncApplicationRegistration, and check that Get-ADSyncEntraConnectorCredential shows ConnectorIdentityType Application.",
        deadline.minimum
    );
    let f = match identity {
        "Application" => pass(
            "Application",
            "The Entra connector uses application-based authentication",
            format!("Get-ADSyncEntraConnectorCredential shows ConnectorIdentityType Application, which Microsoft requires by {due}."),
        ),
        "ServiceAccount" if passed => fail(
            "ServiceAccountAfterDeadline",
            "The Entra connector still signs in with a service account",
            format!("{basis} Microsoft required application-based authentication by {due}; from that day on synchronization services stop working with a service account.").trim_start().to_string(),
            switch,
        ),
        "ServiceAccount" => warn(
            "ServiceAccount",
            format!("The Entra connector signs in with a service account; switch by {due}"),
            format!("{basis} Microsoft requires application-based authentication by {due} ({} days after this snapshot); after that synchronization services stop working.", day(deadline.date).days_since(now)).trim_start().to_string(),
            switch,
        ),
        _ => warn(
            "UnknownIdentityType",
            "The Entra connector's authentication type is not recognised",
            format!(
                "Get-ADSyncEntraConnectorCredential shows ConnectorIdentityType {}, neither ServiceAccount nor Application.",
                kind.map_or_else(|| "(none)".to_string(), ToString::to_string)
            ),
            format!("Check with Get-ADSyncEntraConnectorCredential on the Connect server that the connector uses application-based authentication before {due}."),
        ),
    };
    f.with("ConnectorIdentityType", identity)
        .with("Deadline", due)
        .with("DeadlineSource", deadline.source)
        .with("Source", AUTH_SOURCE)
        .with(
            "Basis",
            if cred.is_none() {
                "Inference: Get-ADSyncEntraConnectorCredential is missing"
            } else {
                "Get-ADSyncEntraConnectorCredential"
            },
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Status;
    use crate::snapshot;
    use serde_json::json;

    fn results(
        collected_at: &str,
        version: &str,
        credential: Option<serde_json::Value>,
    ) -> Vec<CheckResult> {
        let mut connect = json!({
            "Status": "Collected",
            "Errors": {},
            "SyncEngine": {"FileName": "miiserver.exe", "FileVersion": version},
        });
        if let Some(c) = credential {
            connect["EntraConnectorIdentity"] = c;
        }
        let doc = json!({
            "SchemaVersion": 1,
            "CollectedAt": collected_at,
            "ComputerName": "SYNC01",
            "Connect": connect,
        });
        let snap = snapshot::decode(&doc).expect("snapshot");
        evaluate(&Ctx::new(&snap))
    }

    fn outcome(r: &CheckResult) -> &str {
        r.evidence["Outcome"].as_str().unwrap_or_default()
    }

    #[test]
    fn a_version_below_the_2027_minimum_is_a_warning_before_and_a_fail_after() {
        let app = Some(json!({"ConnectorIdentityType": "Application"}));
        let before = results("2026-12-02T09:00:00Z", "2.6.3.0", app.clone());
        assert_eq!(before[0].id, DEADLINE.id);
        assert_eq!(before[0].status, Status::Warning, "{:?}", before[0]);
        assert_eq!(outcome(&before[0]), "DeadlineAhead");
        assert_eq!(before[0].evidence["Deadline"], "2027-04-07");
        assert_eq!(before[0].evidence["DaysLeft"], 125);
        let after = results("2027-04-07T00:00:00Z", "2.6.3.0", app.clone());
        assert_eq!(after[0].status, Status::Fail, "{:?}", after[0]);
        assert_eq!(outcome(&after[0]), "DeadlinePassed");
        let ok = results("2027-05-01T00:00:00Z", "2.6.84.0", app);
        assert_eq!(ok[0].status, Status::Pass, "{:?}", ok[0]);
        assert_eq!(outcome(&ok[0]), "MeetsDeadlines");
    }

    #[test]
    fn a_version_below_the_2026_minimum_has_already_stopped() {
        let r = results("2026-12-02T09:00:00Z", "2.5.76.0", None);
        assert_eq!(r[0].status, Status::Fail, "{:?}", r[0]);
        assert_eq!(r[0].evidence["Minimum"], "2.5.79.0");
        assert_eq!(r[0].evidence["Deadline"], "2026-09-30");
        let earlier = results("2026-06-01T09:00:00Z", "2.5.76.0", None);
        assert_eq!(earlier[0].status, Status::Warning, "{:?}", earlier[0]);
        assert_eq!(earlier[0].evidence["Minimum"], "2.5.79.0");
    }

    #[test]
    fn a_service_account_connector_is_a_warning_until_the_deadline_then_a_fail() {
        let sa = Some(json!({"ConnectorIdentityType": "ServiceAccount", "ApplicationId": null}));
        let before = results("2026-12-02T09:00:00Z", "2.6.84.0", sa.clone());
        assert_eq!(before[1].id, AUTH.id);
        assert_eq!(before[1].status, Status::Warning, "{:?}", before[1]);
        assert_eq!(outcome(&before[1]), "ServiceAccount");
        let after = results("2027-04-08T09:00:00Z", "2.6.84.0", sa);
        assert_eq!(after[1].status, Status::Fail, "{:?}", after[1]);
        assert_eq!(outcome(&after[1]), "ServiceAccountAfterDeadline");
        let app = results(
            "2027-04-08T09:00:00Z",
            "2.6.84.0",
            Some(json!([{"ConnectorIdentityType": "Application"}])),
        );
        assert_eq!(app[1].status, Status::Pass, "{:?}", app[1]);
    }

    #[test]
    fn a_missing_cmdlet_is_judged_as_a_service_account_and_says_it_is_an_inference() {
        let r = results(
            "2026-12-02T09:00:00Z",
            "2.4.131.0",
            Some(serde_json::Value::Null),
        );
        assert_eq!(r[1].status, Status::Warning, "{:?}", r[1]);
        assert_eq!(r[1].evidence["ConnectorIdentityType"], "ServiceAccount");
        let basis = r[1].evidence["Basis"].as_str().unwrap_or_default();
        assert!(basis.starts_with("Inference"), "{basis}");
        assert!(r[1].message.contains("inference"), "{}", r[1].message);
        let not_read = results("2026-12-02T09:00:00Z", "2.6.84.0", None);
        assert_eq!(not_read[1].status, Status::Skipped, "{:?}", not_read[1]);
        let odd = results(
            "2026-12-02T09:00:00Z",
            "2.6.84.0",
            Some(json!({"ConnectorIdentityType": "Certificate"})),
        );
        assert_eq!(outcome(&odd[1]), "UnknownIdentityType");
    }
}
