//! The admin account that configures writeback: cloud-only, not federated, and holding
//! Global Administrator or Hybrid Identity Administrator.

use super::{docs, fail, join_list, pass, strings, warn, Ctx, Rule};
use crate::api::CheckResult;
use crate::snapshot::tenant::{GraphUser, Tenant};
use crate::snapshot::Notes;

/// Role template id of Global Administrator.
pub const GLOBAL_ADMIN: &str = "62e90394-69f5-4237-9190-012177145e10";
/// Role template id of Hybrid Identity Administrator.
pub const HYBRID_IDENTITY_ADMIN: &str = "8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2";

/// PRE-ADMIN-CLOUDONLY.
pub const CLOUD_ONLY: Rule = Rule {
    id: "PRE-ADMIN-CLOUDONLY",
    check: "Admin",
    summary: "cloud-only admin account",
    docs: docs::PREREQUISITES,
};

/// PRE-ADMIN-FEDERATED.
pub const FEDERATED: Rule = Rule {
    id: "PRE-ADMIN-FEDERATED",
    check: "Admin",
    summary: "admin account in a managed (not federated) domain",
    docs: docs::TROUBLESHOOT,
};

/// PRE-ADMIN-ROLE.
pub const ROLE: Rule = Rule {
    id: "PRE-ADMIN-ROLE",
    check: "Admin",
    summary: "admin account role",
    docs: docs::PREREQUISITES,
};

const USE_CLOUD_ADMIN: &str = "Configure writeback (Connect wizard > Optional features > Password writeback) with a cloud-only account in a managed domain, for example admin@<tenant>.onmicrosoft.com, that holds Global Administrator or Hybrid Identity Administrator assigned directly.";

/// Evaluates the admin-account rules.
pub fn evaluate(ctx: &Ctx) -> Vec<CheckResult> {
    let fallback = ctx.tenant();
    let (t, notes) = match ctx.snapshot.tenant.get() {
        Ok(v) => v,
        Err(reason) => {
            return [&CLOUD_ONLY, &FEDERATED, &ROLE]
                .iter()
                .map(|r| r.unavailable(&fallback, "Tenant", reason))
                .collect()
        }
    };
    let Some(admin) = &t.admin_user else {
        let why = notes.why_missing("AdminUser");
        return [&CLOUD_ONLY, &FEDERATED, &ROLE]
            .iter()
            .map(|r| r.not_collected(&fallback, &why))
            .collect();
    };
    vec![cloud_only(admin), federated(t, notes, admin), role(admin)]
}

fn cloud_only(admin: &GraphUser) -> CheckResult {
    let who = admin.label();
    let Some(state) = admin.on_premises_sync_enabled else {
        return CLOUD_ONLY.not_collected(
            &who,
            &format!(
                "the snapshot does not say whether {who} is synced (select onPremisesSyncEnabled)"
            ),
        );
    };
    let f = match state {
        Some(true) => fail(
            "SyncedAdmin",
            "The admin account is synchronized from on-premises AD",
            format!("{who} is a synced account. Microsoft recommends a cloud-only account for configuring writeback; a synced account that signs in through federation cannot get the token the setup needs (events 32009, 31014, 32011)."),
            USE_CLOUD_ADMIN,
        ),
        _ => pass(
            "CloudOnly",
            "The admin account is cloud-only",
            format!("{who} is not synchronized from on-premises AD."),
        ),
    };
    CLOUD_ONLY.emit(
        &who,
        f.with(
            "OnPremisesSyncEnabled",
            state.map_or(serde_json::Value::Null, Into::into),
        ),
    )
}

fn federated(t: &Tenant, notes: &Notes, admin: &GraphUser) -> CheckResult {
    let who = admin.label();
    let Some(upn) = &admin.user_principal_name else {
        return FEDERATED.not_collected(
            &who,
            "the admin account has no userPrincipalName in the snapshot",
        );
    };
    let domain = upn
        .rsplit_once('@')
        .map(|(_, d)| d.to_ascii_lowercase())
        .unwrap_or_default();
    let initial = domain.ends_with(".onmicrosoft.com")
        || domain.ends_with(".onmicrosoft.us")
        || domain.ends_with(".partner.onmschina.cn");
    let auth = t
        .domains
        .as_ref()
        .and_then(|ds| ds.iter().find(|d| d.id.eq_ignore_ascii_case(&domain)))
        .and_then(|d| d.authentication_type.clone());
    let f = match auth.as_deref() {
        Some(a) if a.eq_ignore_ascii_case("Federated") => fail(
            "FederatedAdmin",
            "The admin account is in a federated domain",
            format!("{who} belongs to {domain}, which is federated. Writeback setup cannot get a token for a federated account: it fails with \"Error getting auth token\" (event 32009), and on- or offboarding fails (31014, 32011)."),
            USE_CLOUD_ADMIN,
        ),
        Some(a) => pass(
            "ManagedDomain",
            "The admin account is in a managed domain",
            format!("{who} belongs to {domain} ({a} authentication)."),
        ),
        None if initial => pass(
            "ManagedDomain",
            "The admin account is in the initial onmicrosoft domain",
            format!("{who} belongs to the tenant's initial domain, which is always managed."),
        ),
        None if t.domains.is_none() => {
            return FEDERATED.not_collected(&who, &notes.why_missing("Domains"))
        }
        None => warn(
            "DomainUnknown",
            "The admin account's domain is not among the tenant's domains",
            format!("{who} belongs to {domain}, which the tenant's domain list does not contain, so whether it is federated is unknown."),
            USE_CLOUD_ADMIN,
        ),
    };
    FEDERATED.emit(
        &who,
        f.with("Domain", domain.clone()).with(
            "AuthenticationType",
            auth.map_or(serde_json::Value::Null, Into::into),
        ),
    )
}

fn role(admin: &GraphUser) -> CheckResult {
    let who = admin.label();
    let Some(roles) = &admin.directory_roles else {
        return ROLE.not_collected(
            &who,
            &format!("the snapshot has no DirectoryRoles for {who}"),
        );
    };
    let names: Vec<String> = roles
        .iter()
        .map(|r| {
            r.display_name
                .clone()
                .or_else(|| r.template_id.clone())
                .unwrap_or_else(|| "(unnamed role)".into())
        })
        .collect();
    let suitable = roles.iter().find(|r| {
        let by_id = r
            .template_id
            .as_deref()
            .is_some_and(|id| id == GLOBAL_ADMIN || id == HYBRID_IDENTITY_ADMIN);
        let by_name = r.display_name.as_deref().is_some_and(|n| {
            [
                "Global Administrator",
                "Company Administrator",
                "Hybrid Identity Administrator",
            ]
            .iter()
            .any(|x| n.eq_ignore_ascii_case(x))
        });
        by_id || by_name
    });
    let f = match suitable {
        Some(r) => pass(
            "SuitableRole",
            "The admin account holds a role that can configure writeback",
            format!(
                "{who} holds {}. The role must be assigned to the account directly, not through a group.",
                r.display_name.as_deref().unwrap_or("a suitable role")
            ),
        ),
        None => fail(
            "NoSuitableRole",
            "The admin account cannot configure writeback",
            format!(
                "{who} holds {}, but configuring writeback needs Global Administrator or Hybrid Identity Administrator.",
                if names.is_empty() { "no directory role".to_string() } else { join_list(&names) }
            ),
            "Assign Hybrid Identity Administrator (or Global Administrator) to the account directly (Entra admin center > Roles and administrators), or use another cloud-only account that holds it.",
        ),
    };
    ROLE.emit(&who, f.with("Roles", strings(&names)))
}
