//! Tenant-side settings: SSPR and the writeback toggle (no documented Graph source, so
//! Skipped with the portal page to check), SSPR for administrators, directory sync, and
//! whether the test user is a synced user at all.

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

/// PRE-TESTUSER-SYNCED.
pub const TEST_USER_SYNCED: Rule = Rule {
    id: "PRE-TESTUSER-SYNCED",
    check: "Tenant",
    summary: "test user synchronized from on-premises AD",
    docs: docs::TROUBLESHOOT,
};

/// Hours without a sync after which the tenant's last sync counts as stale.
pub const STALE_SYNC_HOURS: i64 = 24;

/// Evaluates the tenant-setting rules.
pub fn evaluate(ctx: &Ctx) -> Vec<CheckResult> {
    let target = ctx.tenant();
    vec![
        portal_only(
            &SSPR,
            &target,
            "Microsoft Graph has no documented API for the self-service password reset user policy, so the snapshot cannot show whether SSPR is on.",
            "In the Microsoft Entra admin center open Protection > Password reset > Properties: \"Self service password reset enabled\" must be All, or Selected with the test user in the selected group.",
        ),
        writeback_toggle(ctx, &target),
        admin_sspr(ctx, &target),
        dirsync(ctx, &target),
        test_user_synced(ctx, &target),
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

fn test_user_synced(ctx: &Ctx, fallback: &str) -> CheckResult {
    let (t, _) = match ctx.snapshot.tenant.get() {
        Ok(v) => v,
        Err(reason) => return TEST_USER_SYNCED.unavailable(fallback, "Tenant", reason),
    };
    let Some(user) = &t.test_user else {
        return TEST_USER_SYNCED.not_collected(
            fallback,
            "no test user was given (run with -TestUser <UPN>)",
        );
    };
    let who = user.label();
    let Some(state) = user.on_premises_sync_enabled else {
        return TEST_USER_SYNCED.not_collected(
            &who,
            &format!(
                "the snapshot does not say whether {who} is synced (select onPremisesSyncEnabled)"
            ),
        );
    };
    let f = match state {
        Some(true) => pass(
            "Synced",
            "The test user is synchronized from on-premises AD",
            format!("{who} is a synced user, so a password reset or change is written back to AD."),
        ),
        Some(false) => fail(
            "NoLongerSynced",
            "The test user is no longer synchronized",
            format!("{who} was synchronized once but is not any more (onPremisesSyncEnabled is false): its password lives only in the cloud and nothing is written back."),
            "Test with a user who is in sync scope; if this user should be synced, check its OU and the connector's sync scope, then run a sync cycle.",
        ),
        None => fail(
            "CloudOnly",
            "The test user is a cloud-only account",
            format!("{who} was never synchronized from on-premises AD, so its password is not written back; a test with it proves nothing about writeback."),
            "Test with a user that Entra Connect synchronizes from on-premises AD.",
        ),
    };
    TEST_USER_SYNCED.emit(&who, f.with("User", who.clone()))
}
