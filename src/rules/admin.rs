//! The admin account that configures writeback: a managed account (cloud-only preferred,
//! synced in a managed domain accepted with a warning, federated refused), holding Global
//! Administrator or Hybrid Administrator assigned to it directly at tenant scope.

use serde_json::Value;

use super::{docs, fail, join_list, pass, strings, warn, Ctx, Rule};
use crate::api::CheckResult;
use crate::probe::Finding;
use crate::snapshot::tenant::{DirectoryRole, GraphUser, RoleAssignment, Tenant};
use crate::snapshot::Notes;

// Role template ids and names: "Microsoft Entra built-in roles",
// https://learn.microsoft.com/entra/identity/role-based-access-control/permissions-reference
// (source docs/identity/role-based-access-control/permissions-reference.md in
// MicrosoftDocs/entra-docs, ms.date 2026-01-20, read 2026-12-02). For built-in roles a
// unifiedRoleAssignment's roleDefinitionId is the template id (Graph "List
// unifiedRoleAssignments" examples, rbacapplication-list-roleassignments.md, ms.date
// 2024-07-26, read 2026-12-02).

/// Role template id of Global Administrator.
pub const GLOBAL_ADMIN: &str = "62e90394-69f5-4237-9190-012177145e10";
/// Role template id of Hybrid Administrator, which the built-in roles reference still lists
/// as Hybrid Identity Administrator (same role, same id).
pub const HYBRID_IDENTITY_ADMIN: &str = "8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2";

/// The name the writeback pages use for [`HYBRID_IDENTITY_ADMIN`]: the troubleshooting page
/// (event 32009, stored Learn copy ms.date 2025-03-04, read 2026-12-02) and the cloud sync
/// pages write "Hybrid Administrator" and link it to the roles reference's
/// `#hybrid-identity-administrator` entry.
pub const HYBRID_ADMIN_NAME: &str = "Hybrid Administrator";

/// Display names that identify a suitable role when no template id was collected.
const SUITABLE_NAMES: &[&str] = &[
    "Global Administrator",
    "Company Administrator",
    "Hybrid Administrator",
    "Hybrid Identity Administrator",
];

/// `directoryScopeId` of an assignment that covers the whole tenant (Graph
/// unifiedRoleAssignment: `/` is tenant-wide, read 2026-12-02).
const TENANT_SCOPE: &str = "/";

/// PRE-ADMIN-CLOUDONLY.
pub const CLOUD_ONLY: Rule = Rule {
    id: "PRE-ADMIN-CLOUDONLY",
    check: "Admin",
    summary: "cloud-only admin account",
    docs: docs::TROUBLESHOOT,
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

const USE_CLOUD_ADMIN: &str = "Configure writeback (Connect wizard > Optional features > Password writeback) with a cloud-only account in a managed domain, for example admin@<tenant>.onmicrosoft.com, that holds Global Administrator or Hybrid Administrator (Hybrid Identity Administrator in the built-in roles reference) assigned to it directly.";

const ASSIGN_DIRECTLY: &str = "Assign Hybrid Administrator (or Global Administrator) to the account itself, not to a group it belongs to, at directory (tenant) scope: Entra admin center > Roles & admins > Hybrid Administrator > Add assignments, then pick the user. If the role is eligible through Privileged Identity Management, activate it before running the Connect wizard. Or use another cloud-only account that holds the role directly.";

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
    vec![
        cloud_only(t, admin),
        federated(t, notes, admin),
        role(notes, admin),
    ]
}

/// The admin's UPN domain and what the tenant's domain list says about it.
struct UpnDomain {
    domain: String,
    /// `authenticationType` of the matching tenant domain.
    auth: Option<String>,
    /// The tenant's initial `*.onmicrosoft.*` domain, which is always managed.
    initial: bool,
}

impl UpnDomain {
    fn of(t: &Tenant, admin: &GraphUser) -> Option<Self> {
        let upn = admin.user_principal_name.as_ref()?;
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
        Some(UpnDomain {
            domain,
            auth,
            initial,
        })
    }

    /// `Some(true)` federated, `Some(false)` managed, `None` unknown.
    fn federated(&self) -> Option<bool> {
        match &self.auth {
            Some(a) => Some(a.eq_ignore_ascii_case("Federated")),
            None if self.initial => Some(false),
            None => None,
        }
    }

    fn auth_evidence(&self) -> Value {
        self.auth.clone().map_or(Value::Null, Into::into)
    }
}

fn cloud_only(t: &Tenant, admin: &GraphUser) -> CheckResult {
    let who = admin.label();
    let Some(state) = admin.on_premises_sync_enabled else {
        return CLOUD_ONLY.not_collected(
            &who,
            &format!(
                "the snapshot does not say whether {who} is synced (select onPremisesSyncEnabled)"
            ),
        );
    };
    let upn = UpnDomain::of(t, admin);
    let f = if state == Some(true) {
        synced_admin(t, &who, upn.as_ref())
    } else {
        pass(
            "CloudOnly",
            "The admin account is cloud-only",
            format!("{who} is not synchronized from on-premises AD."),
        )
    };
    let mut f = f.with(
        "OnPremisesSyncEnabled",
        state.map_or(Value::Null, Into::into),
    );
    if let Some(u) = &upn {
        f = f
            .with("Domain", u.domain.clone())
            .with("AuthenticationType", u.auth_evidence());
    }
    CLOUD_ONLY.emit(&who, f)
}

/// A synced admin: the troubleshooting page's 32009 row asks for "a managed (cloud-only or
/// password-synchronized) account" (read 2026-12-02), so a synced account in a managed
/// domain can configure writeback; a federated one cannot get the setup token.
fn synced_admin(t: &Tenant, who: &str, upn: Option<&UpnDomain>) -> Finding {
    match upn.and_then(|u| u.federated().map(|fed| (u, fed))) {
        Some((u, true)) => fail(
            "SyncedFederatedAdmin",
            "The admin account is synced and federated",
            format!("{who} is synchronized from on-premises AD and belongs to {}, which is federated. Writeback setup cannot get a token for a federated account: it fails with \"Error getting auth token\" (event 32009), and on- or offboarding fails (31014, 32011).", u.domain),
            USE_CLOUD_ADMIN,
        ),
        Some((u, false)) => {
            let phs_off = t
                .on_premises_synchronization
                .as_ref()
                .and_then(|s| s.password_sync_enabled)
                == Some(false);
            let sign_in = if phs_off {
                " Password hash synchronization is off in the tenant, so this account signs in through pass-through authentication, which the page does not name; whether its token request succeeds is not documented."
            } else {
                ""
            };
            warn(
                "SyncedManagedAdmin",
                "The admin account is synced, in a managed domain",
                format!("{who} is synchronized from on-premises AD and belongs to the managed domain {}. Microsoft's writeback troubleshooting page asks for a managed (cloud-only or password-synchronized) admin for the setup (event 32009), so this account can configure writeback; a cloud-only account is still the safer choice, because a synced admin depends on on-premises AD and on synchronization to sign in.{sign_in}", u.domain),
                USE_CLOUD_ADMIN,
            )
        }
        None => warn(
            "SyncedDomainUnknown",
            "The admin account is synced, and its domain's sign-in type is unknown",
            format!("{who} is synchronized from on-premises AD, and the snapshot does not show whether its domain is managed or federated (see PRE-ADMIN-FEDERATED). A synced admin works only in a managed domain (cloud-only or password-synchronized, event 32009)."),
            USE_CLOUD_ADMIN,
        ),
    }
}

fn federated(t: &Tenant, notes: &Notes, admin: &GraphUser) -> CheckResult {
    let who = admin.label();
    let Some(u) = UpnDomain::of(t, admin) else {
        return FEDERATED.not_collected(
            &who,
            "the admin account has no userPrincipalName in the snapshot",
        );
    };
    let domain = &u.domain;
    let f = match u.auth.as_deref() {
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
        None if u.initial => pass(
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
        f.with("Domain", domain.clone())
            .with("AuthenticationType", u.auth_evidence()),
    )
}

fn is_suitable_id(id: &str) -> bool {
    id == GLOBAL_ADMIN || id == HYBRID_IDENTITY_ADMIN
}

fn is_suitable_role(r: &DirectoryRole) -> bool {
    let by_id = r.template_id.as_deref().is_some_and(is_suitable_id);
    let by_name = r
        .display_name
        .as_deref()
        .is_some_and(|n| SUITABLE_NAMES.iter().any(|x| n.eq_ignore_ascii_case(x)));
    by_id || by_name
}

fn role_label(r: &DirectoryRole) -> String {
    r.display_name
        .clone()
        .or_else(|| r.template_id.clone())
        .unwrap_or_else(|| "(unnamed role)".into())
}

/// The name of role `id`: the two suitable roles by their current names, others by the
/// display name the snapshot's DirectoryRoles give, else the id itself.
fn role_name(id: &str, roles: &[DirectoryRole]) -> String {
    match id {
        GLOBAL_ADMIN => "Global Administrator".into(),
        HYBRID_IDENTITY_ADMIN => HYBRID_ADMIN_NAME.into(),
        _ => roles
            .iter()
            .find(|r| r.template_id.as_deref() == Some(id))
            .and_then(|r| r.display_name.clone())
            .unwrap_or_else(|| id.to_string()),
    }
}

fn assignment_label(a: &RoleAssignment, roles: &[DirectoryRole]) -> String {
    let name = a.role_definition_id.as_deref().map_or_else(
        || "(no roleDefinitionId)".to_string(),
        |id| role_name(id, roles),
    );
    format!(
        "{name} at {}",
        a.directory_scope_id.as_deref().unwrap_or("(no scope)")
    )
}

fn role(notes: &Notes, admin: &GraphUser) -> CheckResult {
    let who = admin.label();
    let roles = admin.directory_roles.as_deref();
    let f = match (&admin.role_assignments, roles) {
        (Some(assignments), _) => direct_role(&who, admin, assignments, roles.unwrap_or(&[])),
        (None, Some(roles)) => undetermined_directness(&who, notes, roles),
        (None, None) => {
            return ROLE.not_collected(
                &who,
                &format!(
                    "the snapshot has neither RoleAssignments nor DirectoryRoles for {who} ({})",
                    notes.why_missing("AdminUser.RoleAssignments")
                ),
            )
        }
    };
    let names: Vec<String> = roles.unwrap_or(&[]).iter().map(role_label).collect();
    ROLE.emit(&who, f.with("Roles", strings(&names)))
}

/// Judged on the account's own assignments (`principalId` = the user): Microsoft's
/// prerequisites page says the Global Administrator or Hybrid Identity Administrator role
/// "must be assigned directly to the user" and "can't be granted through group membership"
/// (how-to-connect-install-prerequisites.md, ms.date 2025-09-29, read 2026-12-02).
fn direct_role(
    who: &str,
    admin: &GraphUser,
    assignments: &[RoleAssignment],
    roles: &[DirectoryRole],
) -> Finding {
    let user_id = admin.id.as_deref().map(str::to_ascii_lowercase);
    let own: Vec<&RoleAssignment> = assignments
        .iter()
        .filter(|a| match (&a.principal_id, &user_id) {
            (Some(p), Some(u)) => p == u,
            _ => true,
        })
        .collect();
    let suitable: Vec<&&RoleAssignment> = own
        .iter()
        .filter(|a| a.role_definition_id.as_deref().is_some_and(is_suitable_id))
        .collect();
    let tenant_wide = suitable
        .iter()
        .find(|a| a.directory_scope_id.as_deref() == Some(TENANT_SCOPE));
    let direct: Vec<String> = own.iter().map(|a| assignment_label(a, roles)).collect();
    let through_groups: Vec<String> = roles
        .iter()
        .filter(|r| is_suitable_role(r))
        .map(role_label)
        .collect();
    let held_through;
    let mut inference = None;
    let f = if let Some(a) = tenant_wide {
        held_through = Value::from("DirectAssignment");
        pass(
            "SuitableRole",
            "The admin account holds a role that can configure writeback, assigned directly",
            format!(
                "{who} holds {} through an assignment to the account itself at directory scope (/), as Microsoft's prerequisites require.",
                role_name(a.role_definition_id.as_deref().unwrap_or_default(), roles)
            ),
        )
    } else if let Some(a) = suitable.first() {
        held_through = Value::from("ScopedAssignment");
        fail(
            "RoleNotTenantWide",
            "The admin account's role does not cover the whole directory",
            format!(
                "{who} holds {} only at scope {}, not across the directory (/). Configuring Connect needs the role for the whole tenant (an inference: the prerequisites name the role without a scope, and a scoped assignment grants it only inside that scope).",
                role_name(a.role_definition_id.as_deref().unwrap_or_default(), roles),
                a.directory_scope_id.as_deref().unwrap_or("(no scope)")
            ),
            ASSIGN_DIRECTLY,
        )
    } else if !through_groups.is_empty() {
        held_through = Value::from("GroupMembership");
        inference = Some("DirectoryRoles lists the role but the account's own assignments (principalId = the user) do not; the other way to hold a role is an assignment to a role-assignable group the user is in.");
        fail(
            "RoleThroughGroup",
            "The admin account holds its role only through a group",
            format!(
                "{who} holds {} according to its DirectoryRoles, but none of the account's own role assignments grants it, so it comes through membership of a role-assignable group (an inference: a group assignment is the other way to hold a role){}. Microsoft requires Global Administrator or {HYBRID_ADMIN_NAME} to be assigned directly to the user for installing and configuring Connect; a role granted through a group does not count. The account's own assignments: {}.",
                join_list(&through_groups),
                match admin.role_assignable_groups.as_deref() {
                    Some([]) | None => String::new(),
                    Some(groups) => format!("; the account is in the role-assignable group{} {}", if groups.len() == 1 { "" } else { "s" }, join_list(groups)),
                },
                if direct.is_empty() { "none".to_string() } else { join_list(&direct) }
            ),
            ASSIGN_DIRECTLY,
        )
    } else {
        held_through = Value::Null;
        inference = Some("Eligible Privileged Identity Management assignments are separate eligibility schedules in Graph, so an eligible, not activated role is not among the role assignments.");
        fail(
            "NoSuitableRole",
            "The admin account cannot configure writeback",
            format!(
                "{who} has no active assignment of Global Administrator or {HYBRID_ADMIN_NAME} to the account itself (its own assignments: {}). Configuring writeback needs one of them, assigned directly. An assignment that is only eligible in Privileged Identity Management is not active, and Graph lists it among the role assignments only once it is activated (an inference from Graph's separate eligibility schedules).",
                if direct.is_empty() { "none".to_string() } else { join_list(&direct) }
            ),
            ASSIGN_DIRECTLY,
        )
    };
    let f = f
        .with("DirectnessChecked", true)
        .with("DirectAssignments", strings(&direct))
        .with("HeldThrough", held_through)
        .with(
            "RoleAssignableGroups",
            admin
                .role_assignable_groups
                .as_deref()
                .map_or(Value::Null, strings),
        );
    match inference {
        Some(why) => f.with("Inference", why),
        None => f,
    }
}

/// An older snapshot (or a refused read) without the account's own role assignments: the
/// roles are known, whether they are assigned directly is not.
fn undetermined_directness(who: &str, notes: &Notes, roles: &[DirectoryRole]) -> Finding {
    let why = notes.why_missing("AdminUser.RoleAssignments");
    let suitable: Vec<String> = roles
        .iter()
        .filter(|r| is_suitable_role(r))
        .map(role_label)
        .collect();
    let names: Vec<String> = roles.iter().map(role_label).collect();
    let f = if suitable.is_empty() {
        fail(
            "NoSuitableRole",
            "The admin account cannot configure writeback",
            format!(
                "{who} holds {}, but configuring writeback needs Global Administrator or {HYBRID_ADMIN_NAME}, assigned directly.",
                if names.is_empty() { "no directory role".to_string() } else { join_list(&names) }
            ),
            ASSIGN_DIRECTLY,
        )
    } else {
        warn(
            "DirectnessUnknown",
            "Whether the admin account's role is assigned directly is unknown",
            format!(
                "{who} holds {}, but the snapshot lacks the account's own role assignments ({}), so whether the role is assigned to the account directly or only through a group could not be checked. Microsoft requires a direct assignment.",
                join_list(&suitable),
                super::trim_stop(&why)
            ),
            "Collect again after Connect-MgGraph with the RoleManagement.Read.Directory scope, or check in the Entra admin center (Roles & admins > the role > Assignments) that the account itself, not a group, holds the role.",
        )
    };
    f.with("DirectnessChecked", false)
        .with("DirectnessNotCheckedBecause", why)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Status;
    use crate::snapshot;
    use serde_json::json;

    const ADMIN_ID: &str = "7d1e5b2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b";

    /// The admin rules on a tenant collected 2026-11-25 (the rules use no dates; the
    /// snapshot carries one anyway so nothing depends on the calendar).
    fn results(admin: Value, errors: Value) -> Vec<CheckResult> {
        let doc = json!({
            "SchemaVersion": 1,
            "CollectedAt": "2026-11-25T09:30:00Z",
            "ComputerName": "SYNC01",
            "Tenant": {
                "Status": "Collected",
                "Reason": null,
                "Errors": errors,
                "Domains": [
                    {"id": "contoso.onmicrosoft.com", "authenticationType": "Managed", "isVerified": true},
                    {"id": "contoso.com", "authenticationType": "Managed", "isVerified": true},
                    {"id": "partners.contoso.com", "authenticationType": "Federated", "isVerified": true}
                ],
                "OnPremisesSynchronization": [{"features": {"passwordSyncEnabled": true}}],
                "AdminUser": admin,
            },
        });
        let snap = snapshot::decode(&doc).expect("snapshot");
        evaluate(&Ctx::new(&snap))
    }

    fn result<'a>(all: &'a [CheckResult], rule: &Rule) -> &'a CheckResult {
        all.iter()
            .find(|r| r.id == rule.id)
            .unwrap_or_else(|| panic!("no {}", rule.id))
    }

    fn assert_outcome(r: &CheckResult, status: Status, outcome: &str) {
        assert_eq!(r.status, status, "{r:#?}");
        assert_eq!(r.evidence["Outcome"], outcome, "{r:#?}");
    }

    fn hybrid_role() -> Value {
        json!([{"@odata.type": "#microsoft.graph.directoryRole", "displayName": "Hybrid Identity Administrator", "roleTemplateId": HYBRID_IDENTITY_ADMIN}])
    }

    fn direct(role: &str, scope: &str) -> Value {
        json!({"id": "a-1", "principalId": ADMIN_ID.to_uppercase(), "roleDefinitionId": role, "directoryScopeId": scope})
    }

    fn admin(upn: &str, synced: Value, assignments: Option<Value>) -> Value {
        let mut a = json!({
            "id": ADMIN_ID,
            "userPrincipalName": upn,
            "onPremisesSyncEnabled": synced,
            "DirectoryRoles": hybrid_role(),
        });
        if let Some(list) = assignments {
            a["RoleAssignments"] = list;
        }
        a
    }

    #[test]
    fn a_synced_admin_in_a_managed_domain_is_a_warning() {
        let r = results(
            admin(
                "syncadmin@contoso.com",
                json!(true),
                Some(json!([direct(HYBRID_IDENTITY_ADMIN, "/")])),
            ),
            json!({}),
        );
        let c = result(&r, &CLOUD_ONLY);
        assert_outcome(c, Status::Warning, "SyncedManagedAdmin");
        assert!(
            c.message.contains("cloud-only or password-synchronized"),
            "{c:#?}"
        );
        assert_eq!(c.evidence["AuthenticationType"], "Managed");
        assert_outcome(result(&r, &FEDERATED), Status::Pass, "ManagedDomain");
    }

    #[test]
    fn a_synced_admin_without_password_hash_sync_says_so() {
        let doc_admin = admin(
            "syncadmin@contoso.com",
            json!(true),
            Some(json!([direct(GLOBAL_ADMIN, "/")])),
        );
        let doc = json!({
            "SchemaVersion": 1,
            "CollectedAt": "2026-11-25T09:30:00Z",
            "Tenant": {
                "Domains": [{"id": "contoso.com", "authenticationType": "Managed"}],
                "OnPremisesSynchronization": [{"features": {"passwordSyncEnabled": false}}],
                "AdminUser": doc_admin,
            },
        });
        let snap = snapshot::decode(&doc).expect("snapshot");
        let r = evaluate(&Ctx::new(&snap));
        let c = result(&r, &CLOUD_ONLY);
        assert_outcome(c, Status::Warning, "SyncedManagedAdmin");
        assert!(c.message.contains("pass-through authentication"), "{c:#?}");
    }

    #[test]
    fn a_synced_admin_in_a_federated_domain_fails() {
        let r = results(
            admin(
                "admin@partners.contoso.com",
                json!(true),
                Some(json!([direct(GLOBAL_ADMIN, "/")])),
            ),
            json!({}),
        );
        assert_outcome(
            result(&r, &CLOUD_ONLY),
            Status::Fail,
            "SyncedFederatedAdmin",
        );
        assert_outcome(result(&r, &FEDERATED), Status::Fail, "FederatedAdmin");
    }

    #[test]
    fn a_synced_admin_in_an_unknown_domain_is_a_warning() {
        let r = results(
            admin("admin@elsewhere.example", json!(true), Some(json!([]))),
            json!({}),
        );
        assert_outcome(
            result(&r, &CLOUD_ONLY),
            Status::Warning,
            "SyncedDomainUnknown",
        );
    }

    #[test]
    fn a_cloud_only_admin_passes() {
        let r = results(
            admin(
                "syncadmin@contoso.onmicrosoft.com",
                json!(null),
                Some(json!([])),
            ),
            json!({}),
        );
        assert_outcome(result(&r, &CLOUD_ONLY), Status::Pass, "CloudOnly");
    }

    #[test]
    fn a_role_assigned_directly_at_tenant_scope_passes() {
        let r = results(
            admin(
                "syncadmin@contoso.onmicrosoft.com",
                json!(null),
                Some(json!({"value": [direct(HYBRID_IDENTITY_ADMIN, "/")]})),
            ),
            json!({}),
        );
        let role = result(&r, &ROLE);
        assert_outcome(role, Status::Pass, "SuitableRole");
        assert!(role.message.contains("Hybrid Administrator"), "{role:#?}");
        assert_eq!(role.evidence["DirectnessChecked"], true);
        assert_eq!(role.evidence["HeldThrough"], "DirectAssignment");
        assert_eq!(
            role.evidence["DirectAssignments"],
            json!(["Hybrid Administrator at /"])
        );
    }

    #[test]
    fn a_role_held_only_through_a_group_fails() {
        // DirectoryRoles lists Hybrid Identity Administrator; the account's own
        // assignments hold only Global Reader. Before the direct check this passed.
        let r = results(
            admin(
                "syncadmin@contoso.onmicrosoft.com",
                json!(null),
                Some(json!([direct("f2ef992c-3afb-46b9-b7cf-a126ee74c451", "/")])),
            ),
            json!({}),
        );
        let role = result(&r, &ROLE);
        assert_outcome(role, Status::Fail, "RoleThroughGroup");
        assert!(role.message.contains("assigned directly"), "{role:#?}");
        assert!(role.message.contains("role-assignable group"), "{role:#?}");
        assert_eq!(role.evidence["HeldThrough"], "GroupMembership");
        assert!(role.evidence.contains_key("Inference"), "{role:#?}");
        assert!(role.remediation.contains("not to a group"), "{role:#?}");
    }

    #[test]
    fn the_role_assignable_groups_seen_are_named() {
        let mut a = admin(
            "syncadmin@contoso.onmicrosoft.com",
            json!(null),
            Some(json!([])),
        );
        a["RoleAssignableGroups"] = json!([{"id": "g-1", "displayName": "Tier0 Hybrid Admins"}]);
        let r = results(a, json!({}));
        let role = result(&r, &ROLE);
        assert_outcome(role, Status::Fail, "RoleThroughGroup");
        assert!(
            role.message
                .contains("the account is in the role-assignable group Tier0 Hybrid Admins"),
            "{role:#?}"
        );
        assert_eq!(
            role.evidence["RoleAssignableGroups"],
            json!(["Tier0 Hybrid Admins"])
        );
    }

    #[test]
    fn another_principals_assignment_does_not_count() {
        let mut group = direct(HYBRID_IDENTITY_ADMIN, "/");
        group["principalId"] = json!("0f0f0f0f-0000-4000-8000-000000000001");
        let r = results(
            admin(
                "syncadmin@contoso.onmicrosoft.com",
                json!(null),
                Some(json!([group])),
            ),
            json!({}),
        );
        assert_outcome(result(&r, &ROLE), Status::Fail, "RoleThroughGroup");
    }

    #[test]
    fn a_role_scoped_below_the_tenant_fails() {
        let r = results(
            admin(
                "syncadmin@contoso.onmicrosoft.com",
                json!(null),
                Some(json!([direct(
                    HYBRID_IDENTITY_ADMIN,
                    "/administrativeUnits/5d107bba-d8e2-4e13-b6ae-884be90e5d1a"
                )])),
            ),
            json!({}),
        );
        assert_outcome(result(&r, &ROLE), Status::Fail, "RoleNotTenantWide");
    }

    #[test]
    fn no_suitable_role_fails_and_mentions_eligible_assignments() {
        let mut a = admin(
            "syncadmin@contoso.onmicrosoft.com",
            json!(null),
            Some(json!([])),
        );
        a["DirectoryRoles"] = json!([]);
        let r = results(a, json!({}));
        let role = result(&r, &ROLE);
        assert_outcome(role, Status::Fail, "NoSuitableRole");
        assert!(
            role.message.contains("Privileged Identity Management"),
            "{role:#?}"
        );
    }

    #[test]
    fn without_direct_assignments_the_role_is_a_warning_naming_why() {
        let r = results(
            admin("syncadmin@contoso.onmicrosoft.com", json!(null), None),
            json!({"AdminUser.RoleAssignments": "Invoke-MgGraphRequest: Response status code does not indicate success: Forbidden (Forbidden)."}),
        );
        let role = result(&r, &ROLE);
        assert_outcome(role, Status::Warning, "DirectnessUnknown");
        assert!(role.message.contains("Forbidden"), "{role:#?}");
        assert!(
            role.remediation.contains("RoleManagement.Read.Directory"),
            "{role:#?}"
        );
        assert_eq!(role.evidence["DirectnessChecked"], false);
        // An old snapshot without the field says so as well.
        let r = results(
            admin("syncadmin@contoso.onmicrosoft.com", json!(null), None),
            json!({}),
        );
        let role = result(&r, &ROLE);
        assert_outcome(role, Status::Warning, "DirectnessUnknown");
        assert!(
            role.message
                .contains("the snapshot has no Tenant.AdminUser.RoleAssignments"),
            "{role:#?}"
        );
    }

    #[test]
    fn without_any_role_data_the_role_is_not_collected() {
        let mut a = admin("syncadmin@contoso.onmicrosoft.com", json!(null), None);
        if let Some(m) = a.as_object_mut() {
            m.remove("DirectoryRoles");
        }
        let r = results(a, json!({}));
        assert_outcome(result(&r, &ROLE), Status::Skipped, "NotCollected");
    }
}
