//! The user writeback is tested with: synchronized from on-premises AD, and registered for
//! self-service password reset (Graph `userRegistrationDetails`).

use super::{docs, fail, pass, skipped, strings, warn, Ctx, Rule};
use crate::api::CheckResult;
use crate::probe::Finding;
use crate::snapshot::tenant::{GraphUser, UserRegistrationDetails};
use crate::snapshot::Notes;

/// PRE-TESTUSER-SYNCED.
pub const SYNCED: Rule = Rule {
    id: "PRE-TESTUSER-SYNCED",
    check: "Tenant",
    summary: "test user synchronized from on-premises AD",
    docs: docs::TROUBLESHOOT,
};

/// PRE-TESTUSER-SSPR.
pub const SSPR: Rule = Rule {
    id: "PRE-TESTUSER-SSPR",
    check: "Tenant",
    summary: "test user registered for self-service password reset",
    docs: docs::TROUBLESHOOT_SSPR,
};

/// The Graph permission `GET /reports/authenticationMethods/userRegistrationDetails/{id}`
/// needs (delegated and application), per Graph's "Get userRegistrationDetails" page
/// (microsoftgraph/microsoft-graph-docs-contrib
/// api-reference/v1.0/api/userregistrationdetails-get.md, read 2026-12-02).
pub const REGISTRATION_SCOPE: &str = "AuditLog.Read.All";

/// Why Graph may refuse the registration details: the scope above, or a tenant without
/// Microsoft Entra ID P1/P2, which the authentication methods usage reports require
/// (Graph "Working with the authentication methods usage report API",
/// authenticationmethods-usage-insights-overview.md, ms.date 2024-01-18, read 2026-12-02).
pub const REGISTRATION_NEEDS: &str = "Reading it needs the Microsoft Graph permission AuditLog.Read.All (Connect-MgGraph -Scopes ..., AuditLog.Read.All) and a tenant with Microsoft Entra ID P1 or P2, which Graph requires for the authentication methods reports";

const NO_TEST_USER: &str = "no test user was given (run with -TestUser <UPN>)";

/// The collector's key for a failed read of the test user's registration details.
pub const REGISTRATION_ERROR_KEY: &str = "TestUser.UserRegistrationDetails";

/// Evaluates the test-user rules.
pub fn evaluate(ctx: &Ctx) -> Vec<CheckResult> {
    let fallback = ctx.tenant();
    let (t, notes) = match ctx.snapshot.tenant.get() {
        Ok(v) => v,
        Err(reason) => {
            return [&SYNCED, &SSPR]
                .iter()
                .map(|r| r.unavailable(&fallback, "Tenant", reason))
                .collect()
        }
    };
    let Some(user) = &t.test_user else {
        return [&SYNCED, &SSPR]
            .iter()
            .map(|r| r.not_collected(&fallback, NO_TEST_USER))
            .collect();
    };
    vec![synced(user), registered(notes, user)]
}

fn synced(user: &GraphUser) -> CheckResult {
    let who = user.label();
    let Some(state) = user.on_premises_sync_enabled else {
        return SYNCED.not_collected(
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
    SYNCED.emit(&who, f.with("User", who.clone()))
}

/// Skipped because the registration details were refused or not collected, naming the
/// permission and licence they need; never a failure.
pub fn registration_unreadable(rule: &Rule, target: &str, notes: &Notes, who: &str) -> Finding {
    let why = match notes.error(REGISTRATION_ERROR_KEY) {
        Some(_) => notes.why_missing(REGISTRATION_ERROR_KEY),
        None => format!("the snapshot has no userRegistrationDetails for {who}"),
    };
    skipped(
        "NotCollected",
        format!("{}: not checked", rule.summary),
        format!(
            "Not checked for {target}: {}. {REGISTRATION_NEEDS}.",
            super::trim_stop(&why)
        ),
    )
    .with("Reason", why)
    .with("RequiredScope", REGISTRATION_SCOPE)
}

/// The evidence every registration-based result carries.
pub fn registration_evidence(f: Finding, who: &str, r: &UserRegistrationDetails) -> Finding {
    let opt = |b: Option<bool>| b.map_or(serde_json::Value::Null, Into::into);
    f.with("User", who)
        .with("IsSsprEnabled", opt(r.is_sspr_enabled))
        .with("IsSsprRegistered", opt(r.is_sspr_registered))
        .with("IsSsprCapable", opt(r.is_sspr_capable))
        .with("IsAdmin", opt(r.is_admin))
        .with("MethodsRegistered", strings(&r.methods_registered))
        .with(
            "LastUpdated",
            r.last_updated
                .clone()
                .map_or(serde_json::Value::Null, Into::into),
        )
}

/// Registration, from `isSsprRegistered` ("registered the required number of
/// authentication methods for self-service password reset", Graph userRegistrationDetails
/// resource, read 2026-12-02). A user without the required security info gets SSPR_0014
/// (troubleshoot-sspr, ms.date 2025-06-06, per shared/reference/writeback-facts.md §4.4).
fn registered(notes: &Notes, user: &GraphUser) -> CheckResult {
    let who = user.label();
    let Some(r) = &user.registration else {
        return SSPR.emit(&who, registration_unreadable(&SSPR, &who, notes, &who));
    };
    let Some(is_registered) = r.is_sspr_registered else {
        return SSPR.not_collected(
            &who,
            &format!("the userRegistrationDetails of {who} have no isSsprRegistered"),
        );
    };
    let methods = if r.methods_registered.is_empty() {
        "none".to_string()
    } else {
        super::join_list(&r.methods_registered)
    };
    let f = if !is_registered {
        fail(
            "NotRegistered",
            "The test user is not registered for self-service password reset",
            format!("{who} has not registered the authentication methods the SSPR policy requires (isSsprRegistered is false; methods registered: {methods}). Password reset stops such a user for missing security info (SSPR_0014), so a reset test with this account does not reach writeback."),
            "Have the user register their security info at https://aka.ms/mysecurityinfo (or https://aka.ms/ssprsetup) with the methods and number of methods the SSPR policy asks for, then test again.",
        )
    } else if r.is_admin == Some(true) {
        warn(
            "TestUserIsAdmin",
            "The test user holds an admin role",
            format!("{who} is registered for self-service password reset, but holds an admin role (isAdmin is true): the administrator SSPR policy applies to it, not the user policy the rest of the organisation gets (see PRE-SSPR-ADMINS), and a synced admin in a protected AD group cannot reset through writeback at all."),
            "Test writeback with an ordinary synced user who holds no Entra admin role and is not in an AD protected group.",
        )
    } else {
        pass(
            "Registered",
            "The test user is registered for self-service password reset",
            format!(
                "{who} has registered the authentication methods SSPR requires (methods registered: {methods}){}.",
                match r.is_sspr_capable {
                    Some(false) => "; it is not SSPR-capable because the SSPR policy does not enable it (see PRE-SSPR-TENANT)",
                    _ => "",
                }
            ),
        )
    };
    SSPR.emit(&who, registration_evidence(f, &who, r))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Status;
    use crate::snapshot;
    use serde_json::{json, Value};

    const UPN: &str = "alex.wilber@contoso.com";

    /// The test-user rules on a tenant collected 2026-11-25 (no rule here reads a date; the
    /// snapshot is dated so nothing depends on the calendar).
    fn results(registration: Option<Value>, errors: Value) -> Vec<CheckResult> {
        let mut user = json!({
            "id": "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d",
            "userPrincipalName": UPN,
            "onPremisesSyncEnabled": true,
        });
        if let Some(r) = registration {
            user["UserRegistrationDetails"] = r;
        }
        let doc = json!({
            "SchemaVersion": 1,
            "CollectedAt": "2026-11-25T09:30:00Z",
            "Tenant": {"Status": "Collected", "Errors": errors, "TestUser": user},
        });
        let snap = snapshot::decode(&doc).expect("snapshot");
        evaluate(&Ctx::new(&snap))
    }

    fn details(enabled: bool, registered: bool, admin: bool) -> Value {
        json!({
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#reports/authenticationMethods/userRegistrationDetails/$entity",
            "id": "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d",
            "userPrincipalName": UPN,
            "isAdmin": admin,
            "isSsprEnabled": enabled,
            "isSsprRegistered": registered,
            "isSsprCapable": enabled && registered,
            "methodsRegistered": if registered { json!(["mobilePhone", "microsoftAuthenticatorPush"]) } else { json!([]) },
            "lastUpdatedDateTime": "2026-11-24T19:15:41.6195833Z",
        })
    }

    fn sspr(all: &[CheckResult]) -> &CheckResult {
        all.iter()
            .find(|r| r.id == SSPR.id)
            .expect("PRE-TESTUSER-SSPR")
    }

    #[test]
    fn a_registered_user_passes() {
        let r = results(Some(details(true, true, false)), json!({}));
        let s = sspr(&r);
        assert_eq!(s.status, Status::Pass, "{s:#?}");
        assert_eq!(s.evidence["Outcome"], "Registered");
        assert_eq!(s.target, UPN);
        assert_eq!(
            s.evidence["MethodsRegistered"],
            json!(["mobilePhone", "microsoftAuthenticatorPush"])
        );
        assert_eq!(r[0].evidence["Outcome"], "Synced");
    }

    #[test]
    fn a_user_who_has_not_registered_fails() {
        let r = results(Some(details(true, false, false)), json!({}));
        let s = sspr(&r);
        assert_eq!(s.status, Status::Fail, "{s:#?}");
        assert_eq!(s.evidence["Outcome"], "NotRegistered");
        assert!(s.message.contains("SSPR_0014"), "{s:#?}");
        assert!(s.remediation.contains("aka.ms/mysecurityinfo"), "{s:#?}");
    }

    #[test]
    fn the_example_response_shape_with_a_value_wrapper_is_read() {
        let wrapped = json!({"value": details(false, true, false)});
        let s = results(Some(wrapped), json!({}));
        let s = sspr(&s);
        assert_eq!(s.evidence["Outcome"], "Registered", "{s:#?}");
        assert!(s.message.contains("see PRE-SSPR-TENANT"), "{s:#?}");
        assert_eq!(s.evidence["IsSsprEnabled"], false);
    }

    #[test]
    fn an_admin_test_user_is_a_warning() {
        let r = results(Some(details(true, true, true)), json!({}));
        let s = sspr(&r);
        assert_eq!(s.status, Status::Warning, "{s:#?}");
        assert_eq!(s.evidence["Outcome"], "TestUserIsAdmin");
    }

    #[test]
    fn a_refused_read_is_skipped_naming_the_permission() {
        let r = results(
            None,
            json!({REGISTRATION_ERROR_KEY: "Invoke-MgGraphRequest: Response status code does not indicate success: Forbidden (Forbidden)."}),
        );
        let s = sspr(&r);
        assert_eq!(s.status, Status::Skipped, "{s:#?}");
        assert_eq!(s.evidence["Outcome"], "NotCollected");
        assert_eq!(s.evidence["RequiredScope"], "AuditLog.Read.All");
        assert!(s.message.contains("Forbidden"), "{s:#?}");
        assert!(s.message.contains("AuditLog.Read.All"), "{s:#?}");
        assert!(s.message.contains("P1 or P2"), "{s:#?}");
    }

    #[test]
    fn an_older_snapshot_is_skipped_too() {
        let r = results(None, json!({}));
        let s = sspr(&r);
        assert_eq!(s.status, Status::Skipped, "{s:#?}");
        assert!(s.message.contains("AuditLog.Read.All"), "{s:#?}");
    }

    #[test]
    fn without_a_test_user_both_rules_say_how_to_name_one() {
        let doc = json!({"SchemaVersion": 1, "CollectedAt": "2026-11-25T09:30:00Z", "Tenant": {"Status": "Collected"}});
        let snap = snapshot::decode(&doc).expect("snapshot");
        let r = evaluate(&Ctx::new(&snap));
        assert_eq!(r.len(), 2);
        for one in &r {
            assert_eq!(one.status, Status::Skipped);
            assert!(one.message.contains("-TestUser"), "{one:#?}");
        }
    }
}
