//! Tenant-side settings: whether the SSPR policy lets the test user reset (Graph
//! `userRegistrationDetails`; the policy itself has no documented Graph source), the
//! writeback toggle (no documented Graph source, so Skipped with the portal page to check),
//! SSPR for administrators, and directory sync.

use super::test_user::{registration_evidence, registration_unreadable};
use super::{docs, fail, pass, skipped, warn, Ctx, Rule};
use crate::api::CheckResult;

/// PRE-SSPR-TENANT.
pub const SSPR: Rule = Rule {
    id: "PRE-SSPR-TENANT",
    check: "Tenant",
    summary: "self-service password reset enabled for users",
    docs: docs::TUTORIAL,
};

/// PRE-WRITEBACK-TENANT.
pub const WRITEBACK: Rule = Rule {
    id: "PRE-WRITEBACK-TENANT",
    check: "Tenant",
    summary: "password writeback enabled in the tenant",
    docs: docs::TUTORIAL,
};

/// PRE-SSPR-ADMINS.
pub const ADMIN_SSPR: Rule = Rule {
    id: "PRE-SSPR-ADMINS",
    check: "Tenant",
    summary: "self-service password reset for administrators",
    docs: docs::SSPR_009,
};

/// PRE-TENANT-DIRSYNC.
pub const DIRSYNC: Rule = Rule {
    id: "PRE-TENANT-DIRSYNC",
    check: "Tenant",
    summary: "directory synchronization in the tenant",
    docs: docs::PREREQUISITES,
};

/// Hours without a sync after which the tenant's last sync counts as stale.
pub const STALE_SYNC_HOURS: i64 = 24;

/// Evaluates the tenant-setting rules.
pub fn evaluate(ctx: &Ctx) -> Vec<CheckResult> {
    let target = ctx.tenant();
    vec![
        sspr_policy(ctx, &target),
        writeback_toggle(ctx, &target),
        admin_sspr(ctx, &target),
        dirsync(ctx, &target),
    ]
}

fn portal_only(rule: &Rule, target: &str, why: &str, portal: &str) -> CheckResult {
    rule.emit(
        target,
        skipped(
            "NoDocumentedSource",
            format!("{}: check in the portal", capitalise(rule.summary)),
            format!("{why} {portal}"),
        )
        .with("PortalCheck", portal),
    )
}

const SSPR_PORTAL: &str = "In the Microsoft Entra admin center open Protection > Password reset > Properties: \"Self service password reset enabled\" must be All, or Selected with the test user in the selected group.";

/// Whether the SSPR policy lets the test user reset: `isSsprEnabled` of the user's
/// `userRegistrationDetails` ("allowed to perform self-service password reset by policy",
/// Graph userRegistrationDetails resource, read 2026-12-02). The policy itself (scope None,
/// Selected or All) has no documented Graph API (writeback-facts.md §5). The SSPR_00xx codes
/// are those of "Troubleshoot SSPR" (troubleshoot-sspr, ms.date 2025-06-06, as listed in
/// writeback-facts.md §4.4, read 2026-12-02).
fn sspr_policy(ctx: &Ctx, target: &str) -> CheckResult {
    let (t, notes) = match ctx.snapshot.tenant.get() {
        Ok(v) => v,
        Err(reason) => return SSPR.unavailable(target, "Tenant", reason),
    };
    let Some(user) = &t.test_user else {
        return portal_only(
            &SSPR,
            target,
            "Microsoft Graph has no documented API for the self-service password reset policy itself; what it shows is, per user, whether the policy lets that user reset. Name a test user (-TestUser <UPN>, Graph scope AuditLog.Read.All) to have that checked.",
            SSPR_PORTAL,
        );
    };
    let who = user.label();
    let Some(r) = &user.registration else {
        let f =
            registration_unreadable(&SSPR, target, notes, &who).with("PortalCheck", SSPR_PORTAL);
        return SSPR.emit(target, f);
    };
    let f = match (r.is_sspr_enabled, r.is_admin) {
        (None, _) => {
            return SSPR.not_collected(
                target,
                &format!("the userRegistrationDetails of {who} have no isSsprEnabled"),
            )
        }
        (Some(_), Some(true)) => skipped(
            "TestUserIsAdmin",
            "Self-service password reset for users: not checked",
            format!("Not checked: the test user {who} holds an admin role, and administrators follow the administrator SSPR policy, not the user policy, so its isSsprEnabled says nothing about ordinary users. Test with a user who holds no admin role. {SSPR_PORTAL}"),
        )
        .with("PortalCheck", SSPR_PORTAL),
        (Some(true), _) => pass(
            "EnabledForTestUser",
            "Self-service password reset is enabled for the test user",
            format!("The tenant's SSPR policy allows {who} to reset their password (userRegistrationDetails.isSsprEnabled is true)."),
        ),
        (Some(false), _) => fail(
            "NotEnabledForTestUser",
            "Self-service password reset is not enabled for the test user",
            format!("The tenant's SSPR policy does not allow {who} to reset their password (userRegistrationDetails.isSsprEnabled is false): SSPR is off, or limited to a group the user is not in (SSPR_0009, SSPR_0011, SSPR_0013)."),
            SSPR_PORTAL,
        ),
    };
    SSPR.emit(target, registration_evidence(f, &who, r))
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn writeback_toggle(ctx: &Ctx, target: &str) -> CheckResult {
    let mut r = portal_only(
        &WRITEBACK,
        target,
        "No documented Microsoft Graph API exposes the writeback switch (onPremisesSynchronization's passwordWritebackEnabled is documented as not in use), so the snapshot cannot show it.",
        "In the Microsoft Entra admin center open Protection > Password reset > On-premises integration: \"Enable password write back for synced users\" must be on, and the page should report that the on-premises writeback client is up and running.",
    );
    let flag = ctx
        .snapshot
        .tenant
        .data()
        .and_then(|t| t.on_premises_synchronization.as_ref())
        .and_then(|s| s.password_writeback_flag);
    if let Some(flag) = flag {
        r.evidence
            .insert("GraphPasswordWritebackEnabledNotInUse".into(), flag.into());
    }
    r
}

fn admin_sspr(ctx: &Ctx, target: &str) -> CheckResult {
    let (t, notes) = match ctx.snapshot.tenant.get() {
        Ok(v) => v,
        Err(reason) => return ADMIN_SSPR.unavailable(target, "Tenant", reason),
    };
    let Some(allowed) = t
        .authorization_policy
        .as_ref()
        .and_then(|p| p.allowed_to_use_sspr)
    else {
        return ADMIN_SSPR.not_collected(target, &notes.why_missing("AuthorizationPolicy"));
    };
    let f = if allowed {
        pass(
            "AdminSsprEnabled",
            "Administrators may use self-service password reset",
            "authorizationPolicy.allowedToUseSSPR is true, so administrators (including synced users who hold an Entra admin role) can reset their own passwords.",
        )
    } else {
        warn(
            "AdminSsprDisabled",
            "Self-service password reset is turned off for administrators",
            "authorizationPolicy.allowedToUseSSPR is false: users who hold an Entra admin role cannot reset their own password (SSPR_009), even when writeback works for everyone else. Do not test writeback with such an account.",
            "If administrators should reset their own passwords, run Update-MgPolicyAuthorizationPolicy -AllowedToUseSSPR:$true (scope Policy.ReadWrite.Authorization); changes take up to an hour.",
        )
    };
    ADMIN_SSPR.emit(target, f.with("AllowedToUseSSPR", allowed))
}

fn dirsync(ctx: &Ctx, target: &str) -> CheckResult {
    let (t, notes) = match ctx.snapshot.tenant.get() {
        Ok(v) => v,
        Err(reason) => return DIRSYNC.unavailable(target, "Tenant", reason),
    };
    let Some(org) = &t.organization else {
        return DIRSYNC.not_collected(target, &notes.why_missing("Organization"));
    };
    let last = org.on_premises_last_sync;
    let f = match org.on_premises_sync_enabled {
        Some(true) => match last {
            Some(at) if ctx.now.hours_since(at) > STALE_SYNC_HOURS => warn(
                "SyncStale",
                "The tenant has not received a sync for a day or more",
                format!("Directory synchronization is on, but the last sync reached the tenant at {at}, {} hours before the snapshot was taken. Writeback depends on the sync engine being healthy.", ctx.now.hours_since(at)),
                "Check the ADSync service, the scheduler and the run history on the Connect server (Get-ADSyncScheduler, Get-ADSyncRunProfileResult), then run Start-ADSyncSyncCycle -PolicyType Delta.",
            ),
            _ => pass(
                "SyncEnabled",
                "Directory synchronization is on",
                match last {
                    Some(at) => format!("onPremisesSyncEnabled is true; the last sync reached the tenant at {at}."),
                    None => "onPremisesSyncEnabled is true.".to_string(),
                },
            ),
        },
        _ => fail(
            "SyncNotEnabled",
            "Directory synchronization is not on in the tenant",
            "organization.onPremisesSyncEnabled is not true: the tenant receives no users from on-premises AD, so there is nothing for writeback to write back to.",
            "Install and configure Microsoft Entra Connect Sync, then run a first synchronization cycle.",
        ),
    };
    DIRSYNC.emit(
        target,
        f.with(
            "OnPremisesSyncEnabled",
            org.on_premises_sync_enabled
                .map_or(serde_json::Value::Null, Into::into),
        )
        .with(
            "LastSync",
            last.map_or(serde_json::Value::Null, |t| t.to_string().into()),
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Status;
    use crate::snapshot;
    use serde_json::{json, Value};

    /// PRE-SSPR-TENANT on a tenant collected 2026-11-25 whose test user carries `registration`
    /// (no date is read; the snapshot is dated so nothing depends on the calendar).
    fn sspr_result(registration: Option<Value>, errors: Value) -> CheckResult {
        let mut user = json!({
            "id": "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d",
            "userPrincipalName": "alex.wilber@contoso.com",
            "onPremisesSyncEnabled": true,
        });
        if let Some(r) = registration {
            user["UserRegistrationDetails"] = r;
        }
        let doc = json!({
            "SchemaVersion": 1,
            "CollectedAt": "2026-11-25T09:30:00Z",
            "Tenant": {
                "Status": "Collected",
                "Errors": errors,
                "Organization": [{"displayName": "Contoso Ltd", "onPremisesSyncEnabled": true}],
                "TestUser": user,
            },
        });
        let snap = snapshot::decode(&doc).expect("snapshot");
        evaluate(&Ctx::new(&snap))
            .into_iter()
            .find(|r| r.id == SSPR.id)
            .expect("PRE-SSPR-TENANT")
    }

    fn registration(enabled: bool, admin: bool) -> Value {
        json!({"id": "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d", "isAdmin": admin, "isSsprEnabled": enabled,
               "isSsprRegistered": true, "isSsprCapable": enabled, "methodsRegistered": ["mobilePhone"]})
    }

    #[test]
    fn sspr_enabled_for_the_test_user_passes() {
        let r = sspr_result(Some(registration(true, false)), json!({}));
        assert_eq!(r.status, Status::Pass, "{r:#?}");
        assert_eq!(r.evidence["Outcome"], "EnabledForTestUser");
        assert_eq!(r.target, "Contoso Ltd");
        assert_eq!(r.evidence["User"], "alex.wilber@contoso.com");
    }

    #[test]
    fn sspr_not_enabled_for_the_test_user_fails() {
        // Before userRegistrationDetails this was always Skipped (no documented source).
        let r = sspr_result(Some(registration(false, false)), json!({}));
        assert_eq!(r.status, Status::Fail, "{r:#?}");
        assert_eq!(r.evidence["Outcome"], "NotEnabledForTestUser");
        assert!(r.message.contains("isSsprEnabled is false"), "{r:#?}");
        assert!(
            r.remediation.contains("Password reset > Properties"),
            "{r:#?}"
        );
    }

    #[test]
    fn an_admin_test_user_says_nothing_about_the_user_policy() {
        let r = sspr_result(Some(registration(true, true)), json!({}));
        assert_eq!(r.status, Status::Skipped, "{r:#?}");
        assert_eq!(r.evidence["Outcome"], "TestUserIsAdmin");
    }

    #[test]
    fn a_refused_read_is_skipped_naming_the_permission_never_failed() {
        let r = sspr_result(
            None,
            json!({"TestUser.UserRegistrationDetails": "Invoke-MgGraphRequest: Response status code does not indicate success: Forbidden (Forbidden)."}),
        );
        assert_eq!(r.status, Status::Skipped, "{r:#?}");
        assert_eq!(r.evidence["Outcome"], "NotCollected");
        assert_eq!(r.evidence["RequiredScope"], "AuditLog.Read.All");
        assert!(r.message.contains("Forbidden"), "{r:#?}");
        assert!(r.evidence.contains_key("PortalCheck"), "{r:#?}");
    }

    #[test]
    fn without_a_test_user_it_points_at_the_portal_and_at_test_user() {
        let doc = json!({"SchemaVersion": 1, "CollectedAt": "2026-11-25T09:30:00Z", "Tenant": {"Status": "Collected"}});
        let snap = snapshot::decode(&doc).expect("snapshot");
        let r = evaluate(&Ctx::new(&snap))
            .into_iter()
            .find(|r| r.id == SSPR.id)
            .expect("PRE-SSPR-TENANT");
        assert_eq!(r.status, Status::Skipped, "{r:#?}");
        assert_eq!(r.evidence["Outcome"], "NoDocumentedSource");
        assert!(r.message.contains("-TestUser"), "{r:#?}");
        assert!(r.message.contains("Password reset > Properties"), "{r:#?}");
    }
}
