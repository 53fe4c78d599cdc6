//! The `Tenant` section: Microsoft Graph responses, passed through as Graph returns them.

use super::node::Node;
use super::values::Timestamp;
use crate::error::WbdError;

/// What the collector read from Microsoft Graph.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tenant {
    /// `GET /subscribedSkus` (its `value`).
    pub subscribed_skus: Option<Vec<Sku>>,
    /// `GET /organization` (the first entry).
    pub organization: Option<Organization>,
    /// `GET /domains` (its `value`).
    pub domains: Option<Vec<TenantDomain>>,
    /// `GET /directory/onPremisesSynchronization` (the first entry).
    pub on_premises_synchronization: Option<OnPremisesSynchronization>,
    /// `GET /policies/authorizationPolicy`.
    pub authorization_policy: Option<AuthorizationPolicy>,
    /// The admin account that configures writeback.
    pub admin_user: Option<GraphUser>,
    /// The user the admin means to test writeback with.
    pub test_user: Option<GraphUser>,
}

/// One `subscribedSku`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sku {
    /// `skuId`.
    pub sku_id: String,
    /// `skuPartNumber`, for example `SPB`.
    pub sku_part_number: String,
    /// `capabilityStatus`: Enabled, Warning, Suspended, Deleted, LockedOut.
    pub capability_status: Option<String>,
    /// `consumedUnits`: licences assigned.
    pub consumed_units: Option<i64>,
    /// `prepaidUnits.enabled`: licences bought and active.
    pub enabled_units: Option<i64>,
    /// `prepaidUnits.warning`: licences in their grace period (expired, not yet disabled).
    pub warning_units: Option<i64>,
    /// `servicePlans`.
    pub service_plans: Vec<ServicePlan>,
}

/// One `servicePlanInfo`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServicePlan {
    /// `servicePlanId` (lower case).
    pub id: String,
    /// `servicePlanName`, for example `AAD_PREMIUM`.
    pub name: Option<String>,
    /// `provisioningStatus`: Success, Disabled, Error, PendingInput, ...
    pub provisioning_status: Option<String>,
}

/// The parts of `organization` the rules read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Organization {
    /// `displayName`.
    pub display_name: Option<String>,
    /// `onPremisesSyncEnabled`.
    pub on_premises_sync_enabled: Option<bool>,
    /// `onPremisesLastSyncDateTime`.
    pub on_premises_last_sync: Option<Timestamp>,
}

/// One `domain`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TenantDomain {
    /// `id`: the domain name.
    pub id: String,
    /// `authenticationType`: Managed or Federated.
    pub authentication_type: Option<String>,
    /// `isVerified`.
    pub is_verified: Option<bool>,
}

/// The parts of `onPremisesDirectorySynchronization` the rules read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OnPremisesSynchronization {
    /// `features.passwordSyncEnabled`.
    pub password_sync_enabled: Option<bool>,
    /// `features.passwordWritebackEnabled`: documented as not in use, so evidence only.
    pub password_writeback_flag: Option<bool>,
}

/// The parts of `authorizationPolicy` the rules read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuthorizationPolicy {
    /// `allowedToUseSSPR`: SSPR for administrators.
    pub allowed_to_use_sspr: Option<bool>,
}

/// A Graph user plus the lists the collector attached to it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GraphUser {
    /// `id`.
    pub id: Option<String>,
    /// `userPrincipalName`.
    pub user_principal_name: Option<String>,
    /// `onPremisesSyncEnabled`: `None` when the property was not read, `Some(None)` when
    /// Graph returned null (never synced), `Some(Some(b))` otherwise.
    pub on_premises_sync_enabled: Option<Option<bool>>,
    /// `DirectoryRoles`: the directory roles the user holds by any path
    /// (`transitiveMemberOf/microsoft.graph.directoryRole`), or role assignments.
    pub directory_roles: Option<Vec<DirectoryRole>>,
    /// `RoleAssignableGroups`: the role-assignable groups (`isAssignableToRole`) among the
    /// user's transitive memberships, by display name (or id).
    pub role_assignable_groups: Option<Vec<String>>,
    /// `RoleAssignments`: the user's own role assignments,
    /// `GET /roleManagement/directory/roleAssignments?$filter=principalId eq '{id}'`.
    pub role_assignments: Option<Vec<RoleAssignment>>,
    /// `UserRegistrationDetails`:
    /// `GET /reports/authenticationMethods/userRegistrationDetails/{id}`.
    pub registration: Option<UserRegistrationDetails>,
    /// `LicenseDetails`: `GET /users/{id}/licenseDetails`.
    pub license_details: Option<Vec<LicenseDetail>>,
    /// `assignedPlans` of the user object.
    pub assigned_plans: Option<Vec<AssignedPlan>>,
}

impl GraphUser {
    /// The UPN, or the id, or a placeholder.
    pub fn label(&self) -> String {
        self.user_principal_name
            .clone()
            .or_else(|| self.id.clone())
            .unwrap_or_else(|| "(unnamed user)".into())
    }
}

/// A directory role (`directoryRole`) or role assignment (`unifiedRoleAssignment`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DirectoryRole {
    /// `displayName`, when given.
    pub display_name: Option<String>,
    /// `roleTemplateId`, or `roleDefinitionId` of an assignment (lower case).
    pub template_id: Option<String>,
}

/// One `unifiedRoleAssignment` (active assignments only; eligible ones are PIM schedules).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoleAssignment {
    /// `roleDefinitionId` (lower case): the role template id for built-in roles.
    pub role_definition_id: Option<String>,
    /// `directoryScopeId`: `/` for the whole tenant, else an administrative unit or object.
    pub directory_scope_id: Option<String>,
    /// `principalId` (lower case): the user, or the group the role is assigned to.
    pub principal_id: Option<String>,
}

/// The parts of `userRegistrationDetails` the rules read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserRegistrationDetails {
    /// `isSsprEnabled`: the SSPR policy allows the user to reset.
    pub is_sspr_enabled: Option<bool>,
    /// `isSsprRegistered`: the user registered the methods SSPR requires.
    pub is_sspr_registered: Option<bool>,
    /// `isSsprCapable`: registered and allowed by policy.
    pub is_sspr_capable: Option<bool>,
    /// `isAdmin`: the user holds an admin role.
    pub is_admin: Option<bool>,
    /// `methodsRegistered`.
    pub methods_registered: Vec<String>,
    /// `lastUpdatedDateTime` (evidence only).
    pub last_updated: Option<String>,
}

/// One `licenseDetails` entry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LicenseDetail {
    /// `skuPartNumber`.
    pub sku_part_number: Option<String>,
    /// `servicePlans`.
    pub service_plans: Vec<ServicePlan>,
}

/// One `assignedPlan`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AssignedPlan {
    /// `servicePlanId` (lower case).
    pub service_plan_id: String,
    /// `capabilityStatus`: Enabled, Warning, Suspended, Deleted, LockedOut.
    pub capability_status: Option<String>,
}

fn guid(n: &Node) -> Result<String, WbdError> {
    Ok(n.text()?.trim().to_ascii_lowercase())
}

fn service_plan(n: &Node) -> Result<ServicePlan, WbdError> {
    n.object()?;
    Ok(ServicePlan {
        id: n
            .get("servicePlanId")
            .map(|v| guid(&v))
            .transpose()?
            .unwrap_or_default(),
        name: n.opt_text("servicePlanName")?,
        provisioning_status: n.opt_text("provisioningStatus")?,
    })
}

fn sku(n: &Node) -> Result<Sku, WbdError> {
    n.object()?;
    Ok(Sku {
        sku_id: n.opt("skuId", guid)?.unwrap_or_default(),
        sku_part_number: n.opt_text("skuPartNumber")?.unwrap_or_default(),
        capability_status: n.opt_text("capabilityStatus")?,
        consumed_units: n.opt_int("consumedUnits")?,
        enabled_units: n
            .get("prepaidUnits")
            .map(|p| p.opt_int("enabled"))
            .transpose()?
            .flatten(),
        warning_units: n
            .get("prepaidUnits")
            .map(|p| p.opt_int("warning"))
            .transpose()?
            .flatten(),
        service_plans: n.list("servicePlans", service_plan)?,
    })
}

fn organization(n: &Node) -> Result<Organization, WbdError> {
    let first = n.items().into_iter().next();
    let Some(o) = first else {
        return Ok(Organization::default());
    };
    o.object()?;
    Ok(Organization {
        display_name: o.opt_text("displayName")?,
        on_premises_sync_enabled: o.opt_bool("onPremisesSyncEnabled")?,
        on_premises_last_sync: o.opt("onPremisesLastSyncDateTime", Timestamp::decode)?,
    })
}

fn tenant_domain(n: &Node) -> Result<TenantDomain, WbdError> {
    n.object()?;
    Ok(TenantDomain {
        id: n.opt_text("id")?.unwrap_or_default(),
        authentication_type: n.opt_text("authenticationType")?,
        is_verified: n.opt_bool("isVerified")?,
    })
}

fn on_prem_sync(n: &Node) -> Result<OnPremisesSynchronization, WbdError> {
    let Some(o) = n.items().into_iter().next() else {
        return Ok(OnPremisesSynchronization::default());
    };
    o.object()?;
    let features = o.get("features");
    let flag = |k: &str| -> Result<Option<bool>, WbdError> {
        match &features {
            Some(f) => {
                f.object()?;
                f.opt_bool(k)
            }
            None => Ok(None),
        }
    };
    Ok(OnPremisesSynchronization {
        password_sync_enabled: flag("passwordSyncEnabled")?,
        password_writeback_flag: flag("passwordWritebackEnabled")?,
    })
}

fn authorization_policy(n: &Node) -> Result<AuthorizationPolicy, WbdError> {
    let Some(o) = n.items().into_iter().next() else {
        return Ok(AuthorizationPolicy::default());
    };
    o.object()?;
    Ok(AuthorizationPolicy {
        allowed_to_use_sspr: o.opt_bool("allowedToUseSSPR")?,
    })
}

fn directory_role(n: &Node) -> Result<DirectoryRole, WbdError> {
    n.object()?;
    Ok(DirectoryRole {
        display_name: n.opt_text("displayName")?,
        template_id: n
            .get_any(&["roleTemplateId", "roleDefinitionId"])
            .map(|v| guid(&v))
            .transpose()?,
    })
}

fn group_name(n: &Node) -> Result<String, WbdError> {
    n.object()?;
    Ok(n.opt_text("displayName")?
        .or(n.opt_text("id")?)
        .unwrap_or_else(|| "(unnamed group)".into()))
}

fn role_assignment(n: &Node) -> Result<RoleAssignment, WbdError> {
    n.object()?;
    Ok(RoleAssignment {
        role_definition_id: n.opt("roleDefinitionId", guid)?,
        directory_scope_id: n.opt_text("directoryScopeId")?,
        principal_id: n.opt("principalId", guid)?,
    })
}

/// The object itself, or the one object inside `{"value": {...}}` (the shape of the
/// example response on Graph's "Get userRegistrationDetails" page).
fn registration(n: &Node) -> Result<UserRegistrationDetails, WbdError> {
    let Some(o) = n.items().into_iter().next() else {
        return Ok(UserRegistrationDetails::default());
    };
    o.object()?;
    Ok(UserRegistrationDetails {
        is_sspr_enabled: o.opt_bool("isSsprEnabled")?,
        is_sspr_registered: o.opt_bool("isSsprRegistered")?,
        is_sspr_capable: o.opt_bool("isSsprCapable")?,
        is_admin: o.opt_bool("isAdmin")?,
        methods_registered: o.text_list("methodsRegistered")?,
        // Evidence only, so any date encoding (or text) is accepted rather than refused.
        last_updated: o.get("lastUpdatedDateTime").and_then(|d| {
            Timestamp::decode(&d)
                .map(|t| t.to_string())
                .or_else(|_| d.text())
                .ok()
        }),
    })
}

fn license_detail(n: &Node) -> Result<LicenseDetail, WbdError> {
    n.object()?;
    Ok(LicenseDetail {
        sku_part_number: n.opt_text("skuPartNumber")?,
        service_plans: n.list("servicePlans", service_plan)?,
    })
}

fn assigned_plan(n: &Node) -> Result<AssignedPlan, WbdError> {
    n.object()?;
    Ok(AssignedPlan {
        service_plan_id: n.opt("servicePlanId", guid)?.unwrap_or_default(),
        capability_status: n.opt_text("capabilityStatus")?,
    })
}

fn graph_user(n: &Node) -> Result<GraphUser, WbdError> {
    n.object()?;
    let sync = match n.member("onPremisesSyncEnabled") {
        None => None,
        Some(m) if m.is_null() => Some(None),
        Some(m) => Some(Some(m.boolean()?)),
    };
    Ok(GraphUser {
        id: n.opt_text("id")?,
        user_principal_name: n.opt_text("userPrincipalName")?,
        on_premises_sync_enabled: sync,
        directory_roles: n.opt_list("DirectoryRoles", directory_role)?,
        role_assignable_groups: n.opt_list("RoleAssignableGroups", group_name)?,
        role_assignments: n.opt_list("RoleAssignments", role_assignment)?,
        registration: n.opt("UserRegistrationDetails", registration)?,
        license_details: n.opt_list("LicenseDetails", license_detail)?,
        assigned_plans: n.opt_list("assignedPlans", assigned_plan)?,
    })
}

/// Decodes the body of a collected `Tenant` section.
pub fn decode(n: &Node) -> Result<Tenant, WbdError> {
    Ok(Tenant {
        subscribed_skus: n.opt_list("SubscribedSkus", sku)?,
        organization: n.opt("Organization", organization)?,
        domains: n.opt_list("Domains", tenant_domain)?,
        on_premises_synchronization: n.opt("OnPremisesSynchronization", on_prem_sync)?,
        authorization_policy: n.opt("AuthorizationPolicy", authorization_policy)?,
        admin_user: n.opt("AdminUser", graph_user)?,
        test_user: n.opt("TestUser", graph_user)?,
    })
}

#[cfg(test)]
mod tests {
    use crate::snapshot;
    use serde_json::json;

    fn tenant_with(user: serde_json::Value) -> super::Tenant {
        let doc = json!({"SchemaVersion": 1, "Tenant": {"TestUser": user}});
        let snap = snapshot::decode(&doc).expect("decodes");
        snap.tenant.data().cloned().expect("collected")
    }

    #[test]
    fn role_assignments_and_registration_details_pass_through_graph_shapes() {
        let t = tenant_with(json!({
            "id": "u1",
            "RoleAssignments": {"@odata.context": "x", "value": [
                {"id": "a", "principalId": "ABC", "roleDefinitionId": "8AC3FC64-6ECA-42EA-9E69-59F4C7B60EB2", "directoryScopeId": "/"}
            ]},
            "UserRegistrationDetails": {"value": {"isSsprEnabled": true, "isSsprRegistered": "False", "isAdmin": false, "methodsRegistered": "email"}},
        }));
        let user = t.test_user.expect("test user");
        let a = &user.role_assignments.expect("assignments")[0];
        assert_eq!(
            a.role_definition_id.as_deref(),
            Some("8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2")
        );
        assert_eq!(a.principal_id.as_deref(), Some("abc"));
        assert_eq!(a.directory_scope_id.as_deref(), Some("/"));
        let r = user.registration.expect("registration");
        assert_eq!(r.is_sspr_enabled, Some(true));
        assert_eq!(r.is_sspr_registered, Some(false));
        assert_eq!(r.is_sspr_capable, None);
        assert_eq!(r.methods_registered, vec!["email".to_string()]);
    }

    #[test]
    fn a_wrong_registration_value_names_its_path() {
        let doc = json!({"SchemaVersion": 1, "Tenant": {"TestUser": {
            "UserRegistrationDetails": {"isSsprEnabled": "perhaps"}}}});
        let e = snapshot::decode(&doc).expect_err("rejected");
        assert!(
            e.message.starts_with(
                "Tenant.TestUser.UserRegistrationDetails.isSsprEnabled: expected true or false"
            ),
            "{}",
            e.message
        );
    }
}
