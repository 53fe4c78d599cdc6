//! The user in the sync engine and in the cloud: joined to a metaverse object that the
//! Entra connector shares (USER-JOIN), registered for SSPR (USER-SSPR), and what its
//! latest SSPR attempts logged (USER-AUDIT). A 403 from Graph is Skipped with the
//! permission it needs, never a Fail.

use super::docs;
use super::user::{Found, Part};
use crate::rules::{fail, join_list, pass, skipped, warn, Rule};
use crate::snapshot::targets::{Cloud, TargetFacts};
use crate::snapshot::{Notes, Section};

/// USER-JOIN.
pub const JOIN: Rule = Rule {
    id: "USER-JOIN",
    check: "UserJoin",
    summary: "user joined across the AD and Entra connectors",
    docs: docs::TROUBLESHOOT,
};

/// USER-SSPR.
pub const SSPR: Rule = Rule {
    id: "USER-SSPR",
    check: "UserSspr",
    summary: "user enabled and registered for SSPR",
    docs: docs::REGISTRATION_DETAILS,
};

/// USER-AUDIT.
pub const AUDIT: Rule = Rule {
    id: "USER-AUDIT",
    check: "UserAudit",
    summary: "the user's latest SSPR attempts",
    docs: docs::TROUBLESHOOT_SSPR,
};

/// The Graph permission the per-user reads need (facts, corrections of 2026-12-01).
const AUDIT_PERMISSION: &str = "AuditLog.Read.All";

fn facts<'a>(rule: &Rule, f: &'a Found) -> Result<(&'a TargetFacts, &'a Notes), Box<Part>> {
    let Some(t) = f.target else {
        return Err(Box::new((rule.not_collected(&f.label, &format!("the snapshot has no UserTargets entry for {} (Test-WritebackUser -Identity collects one)", f.label)), None)));
    };
    match t.section.get() {
        Ok(x) => Ok(x),
        Err(reason) => Err(Box::new((
            rule.unavailable(
                &f.label,
                &format!("UserTargets entry {}", t.identity),
                reason,
            ),
            None,
        ))),
    }
}

fn cloud<'a>(rule: &Rule, f: &'a Found) -> Result<(&'a Cloud, &'a Notes), Box<Part>> {
    let (t, notes) = facts(rule, f)?;
    match &t.cloud {
        None => Err(Box::new((
            rule.not_collected(&f.label, &notes.why_missing("Cloud")),
            None,
        ))),
        Some(Section::Unavailable { reason }) => Err(Box::new((
            rule.unavailable(&f.label, "Cloud", reason),
            None,
        ))),
        Some(Section::Collected { data, notes }) => Ok((data, notes)),
    }
}

/// The permission named in a Graph error, else the one the reads need.
fn permission_in(error: &str) -> String {
    error
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
        .find(|w| w.matches('.').count() >= 2 && w.ends_with("All"))
        .unwrap_or(AUDIT_PERMISSION)
        .to_string()
}

/// A read the collector recorded as failed: Skipped, naming the permission on a 403.
fn read_failed(rule: &Rule, f: &Found, notes: &Notes, field: &str) -> Option<Part> {
    let err = notes.error(field)?;
    let forbidden = err.contains("403") || err.to_ascii_lowercase().contains("forbidden");
    let finding = if forbidden {
        let perm = permission_in(err);
        skipped(
            "PermissionMissing",
            format!("{}: not checked", rule.summary),
            format!("Not checked: Microsoft Graph refused to read {field} (403). The account that collected the snapshot needs {perm}. ({err})"),
        )
        .with("Permission", perm)
    } else {
        skipped(
            "ReadFailed",
            format!("{}: not checked", rule.summary),
            format!("Not checked: reading {field} failed ({err})."),
        )
    };
    Some((rule.emit(&f.label, finding.with("Error", err)), None))
}

/// Evaluates USER-JOIN.
pub fn join(f: &Found) -> Part {
    let (t, notes) = match facts(&JOIN, f) {
        Ok(x) => x,
        Err(p) => return *p,
    };
    let Some(cs) = &t.connector_space else {
        return (
            JOIN.not_collected(&f.label, &notes.why_missing("ConnectorSpace")),
            None,
        );
    };
    let ad: Vec<_> = cs
        .iter()
        .filter(|o| !o.connector_name.to_ascii_lowercase().ends_with(" - aad"))
        .collect();
    let joined: Vec<_> = ad
        .iter()
        .filter(|o| o.is_connector != Some(false) && o.connected_mv_object_id.is_some())
        .collect();
    let label = &f.label;
    let (finding, cause) = if ad.is_empty() {
        (
            fail("NotInConnectorSpace", format!("{label} is not in the AD connector space"), "The sync engine has no AD connector-space object for the user, so writeback has nothing to write to (\"Object could not be found\").", "Check that the user's OU is in scope and run a full import and sync on the AD connector (Start-ADSyncSyncCycle -PolicyType Initial)."),
            Some("the user is not in the AD connector space".to_string()),
        )
    } else if joined.is_empty() {
        (
            fail("NotJoined", format!("{label} is not joined to a metaverse object"), "The user's AD connector-space object is a disconnector: it is joined to no metaverse object, so no cloud user is linked to it.", "Run a sync cycle and check the object in Synchronization Service Manager (Metaverse Search / connector space search) for join errors."),
            Some("the user's connector-space object is not joined to a metaverse object".to_string()),
        )
    } else {
        match &t.metaverse {
            None => {
                return (
                    JOIN.not_collected(label, &notes.why_missing("Metaverse")),
                    None,
                )
            }
            Some(mv) => {
                let ad_lineage: Vec<&str> = mv
                    .lineage
                    .iter()
                    .filter(|l| !l.is_entra())
                    .map(|l| l.connector_name.as_str())
                    .collect();
                let entra = mv.lineage.iter().any(|l| l.is_entra());
                if ad_lineage.len() >= 2 {
                    (
                        fail("MultipleMatches", format!("{label} is joined to AD objects in more than one connector"), format!("The metaverse object is joined to {} AD objects ({}): writeback does not support one cloud user matched to enabled accounts in two forests (\"Multiple matches found\").", ad_lineage.len(), join_list(&ad_lineage)), "Disable or remove the duplicate account in the other forest, or change the join rules so that only one AD object joins; then run a sync cycle."),
                        Some(format!("the metaverse object is joined to AD objects in {} connectors (multiple matches)", ad_lineage.len())),
                    )
                } else if !entra {
                    (
                        fail("NotInEntra", format!("{label} is not linked to a cloud user"), "The metaverse object has no object of the Microsoft Entra connector in its lineage, so the cloud user is not the one this AD account syncs to.", "Check the export to Entra ID (Synchronization Service Manager > Operations) for errors on this user and run a sync cycle."),
                        Some("the metaverse object has no Microsoft Entra connector object".to_string()),
                    )
                } else {
                    (pass("Joined", format!("{label} is joined to its cloud user"), format!("The AD object in {} is joined to metaverse object {}, which the Microsoft Entra connector shares.", ad_lineage.first().copied().unwrap_or("the AD connector"), mv.object_id.clone().unwrap_or_default())), None)
                }
            }
        }
    };
    let lineage: Vec<String> = t
        .metaverse
        .iter()
        .flat_map(|m| m.lineage.iter())
        .map(|l| {
            format!(
                "{} ({})",
                l.connector_name,
                if l.is_entra() { "Entra" } else { "AD" }
            )
        })
        .collect();
    (
        JOIN.emit(
            label,
            finding
                .with("ConnectorSpaceObjects", ad.len())
                .with("Lineage", crate::rules::strings(&lineage)),
        ),
        cause,
    )
}

/// Evaluates USER-SSPR.
pub fn sspr(f: &Found) -> Part {
    let (c, notes) = match cloud(&SSPR, f) {
        Ok(x) => x,
        Err(p) => return *p,
    };
    if let Some(p) = read_failed(&SSPR, f, notes, "RegistrationDetails") {
        return p;
    }
    let Some(r) = &c.registration else {
        return (
            SSPR.not_collected(&f.label, &notes.why_missing("RegistrationDetails")),
            None,
        );
    };
    let label = &f.label;
    let (finding, cause) = match (r.is_sspr_enabled, r.is_sspr_registered) {
        (Some(false), _) => (
            fail("SsprNotEnabled", format!("SSPR is not enabled for {label}"), "userRegistrationDetails says isSsprEnabled is false: the user is not in the scope of the SSPR policy (SSPR_0013 if a group scopes it).", "Add the user to the group SSPR is enabled for (Entra admin center > Protection > Password reset > Properties)."),
            Some("SSPR is not enabled for the user".to_string()),
        ),
        (_, Some(false)) => (
            fail("NotRegistered", format!("{label} has not registered for SSPR"), "userRegistrationDetails says isSsprRegistered is false: the user has not set up the methods SSPR requires (SSPR_0014).", "Ask the user to register at https://aka.ms/ssprsetup (or enforce registration at sign-in)."),
            Some("the user has not registered for SSPR".to_string()),
        ),
        (Some(true), Some(true)) => (pass("Registered", format!("{label} is enabled and registered for SSPR"), "userRegistrationDetails says isSsprEnabled and isSsprRegistered are true."), None),
        _ => return (SSPR.not_collected(label, "RegistrationDetails lacks isSsprEnabled or isSsprRegistered"), None),
    };
    let opt = |b: Option<bool>| b.map_or(serde_json::Value::Null, serde_json::Value::from);
    (
        SSPR.emit(
            label,
            finding
                .with("IsSsprEnabled", opt(r.is_sspr_enabled))
                .with("IsSsprRegistered", opt(r.is_sspr_registered))
                .with("IsSsprCapable", opt(r.is_sspr_capable)),
        ),
        cause,
    )
}

fn hint(reason: &str) -> &'static str {
    match reason {
        "OnPremisesConnectivityError" => " That is SSPR_0030: the cloud could not reach the writeback client; run wbdiag connectivity (Test-WritebackConnectivity) on the Connect server.",
        "OnPremisesAdminActionRequired" => " That is SSPR_0029: an on-premises problem; the other USER-* rows and the Connect server's events 33004/6329 tell which.",
        _ => "",
    }
}

/// Evaluates USER-AUDIT.
pub fn audit(f: &Found) -> Part {
    let (c, notes) = match cloud(&AUDIT, f) {
        Ok(x) => x,
        Err(p) => return *p,
    };
    if let Some(p) = read_failed(&AUDIT, f, notes, "SsprAudits") {
        return p;
    }
    let Some(audits) = &c.audits else {
        return (
            AUDIT.not_collected(&f.label, &notes.why_missing("SsprAudits")),
            None,
        );
    };
    let label = &f.label;
    let latest = audits
        .iter()
        .filter(|a| a.at.is_some())
        .max_by_key(|a| a.at);
    let failure = audits
        .iter()
        .filter(|a| a.failed() && a.at.is_some())
        .max_by_key(|a| a.at);
    let finding = match (latest, failure) {
        (None, _) => pass(
            "NoAttempts",
            format!("No SSPR attempts of {label} are logged"),
            "The audit log holds no dated SSPR record for the user.",
        ),
        (Some(_), None) => pass(
            "NoFailures",
            format!("No SSPR attempt of {label} failed"),
            format!("{} SSPR records, none failed.", audits.len()),
        ),
        (Some(l), Some(fl)) => {
            let reason = fl
                .result_reason
                .clone()
                .unwrap_or_else(|| "no reason given".into());
            let when = fl.at.map(|t| t.to_string()).unwrap_or_default();
            let activity = fl.activity.clone().unwrap_or_else(|| "SSPR".into());
            if l.at > fl.at && !l.failed() {
                pass("SucceededSinceFailure", format!("The latest SSPR attempt of {label} succeeded"), format!("An earlier attempt failed ({activity} at {when}: {reason}), a later one succeeded."))
            } else {
                warn("LatestFailed", format!("The latest SSPR attempt of {label} failed: {reason}"), format!("{activity} failed at {when} with {reason}.{}", hint(&reason)), "Fix the causes the other USER-* rows name and have the user try again; the Connect server's PasswordResetService events for that time tell more (wbdiag events).")
                    .with("LatestFailureReason", reason.clone())
                    .with("LatestFailureAt", when.clone())
            }
        }
    };
    (
        AUDIT.emit(label, finding.with("Records", audits.len())),
        None,
    )
}
