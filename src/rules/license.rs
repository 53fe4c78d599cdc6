//! Licensing: writeback needs Microsoft Entra ID P1 or P2 (alone or inside a suite such
//! as Microsoft 365 Business Premium, E3 or E5), detected by service plan id.

use serde_json::{json, Value};

use super::{docs, fail, join_list, pass, strings, warn, Ctx, Rule};
use crate::api::CheckResult;
use crate::snapshot::tenant::{GraphUser, ServicePlan, Sku};

/// Service plan `AAD_PREMIUM` (Entra ID P1; also inside every P2 SKU).
pub const AAD_PREMIUM: &str = "41781fb2-bc02-4b7c-bd55-b576c07bb09d";
/// Service plan `AAD_PREMIUM_P2` (Entra ID P2).
pub const AAD_PREMIUM_P2: &str = "eec0eb4f-6444-4f95-aba0-50c24d67f998";

/// Device and room SKUs that contain AAD_PREMIUM but are not user licences.
const DEVICE_SKUS: &[&str] = &["MEETING_ROOM", "Microsoft_Teams_Rooms_Pro", "MCOCAP"];

/// PRE-LICENSE-TENANT.
pub const TENANT: Rule = Rule {
    id: "PRE-LICENSE-TENANT",
    check: "License",
    summary: "Entra ID P1/P2 licences in the tenant",
    docs: docs::LICENSING,
};

/// PRE-LICENSE-USER.
pub const USER: Rule = Rule {
    id: "PRE-LICENSE-USER",
    check: "License",
    summary: "Entra ID P1/P2 licence of the test user",
    docs: docs::LICENSING,
};

/// PRE-LICENSE-ADMIN.
pub const ADMIN: Rule = Rule {
    id: "PRE-LICENSE-ADMIN",
    check: "License",
    summary: "Entra ID P1/P2 licence of the admin account",
    docs: docs::UNABLE_TO_CONFIGURE,
};

const LICENCE_FIX: &str = "Buy and assign a licence that includes Microsoft Entra ID P1 or P2: Entra ID P1/P2 themselves, Microsoft 365 Business Premium, or a suite that contains the AAD_PREMIUM service plan (for example Microsoft 365 E3/E5 or EMS E3/E5). Microsoft 365 Basic and Standard plans and Entra ID Free do not cover writeback.";

/// Product names of common SKUs that include Entra ID P1/P2, for messages.
const SKU_NAMES: &[(&str, &str)] = &[
    ("AAD_PREMIUM", "Microsoft Entra ID P1"),
    ("AAD_PREMIUM_P2", "Microsoft Entra ID P2"),
    ("SPB", "Microsoft 365 Business Premium"),
    ("SPE_E3", "Microsoft 365 E3"),
    ("SPE_E5", "Microsoft 365 E5"),
    ("EMS", "Enterprise Mobility + Security E3"),
    ("EMSPREMIUM", "Enterprise Mobility + Security E5"),
];

/// `Microsoft 365 Business Premium (SPB)`, or the part number alone.
fn sku_label(part: &str) -> String {
    SKU_NAMES
        .iter()
        .find(|(p, _)| p.eq_ignore_ascii_case(part))
        .map_or_else(|| part.to_string(), |(p, n)| format!("{n} ({p})"))
}

fn is_premium(plan: &ServicePlan) -> bool {
    plan.id == AAD_PREMIUM || plan.id == AAD_PREMIUM_P2
}

fn plan_active(plan: &ServicePlan) -> bool {
    plan.provisioning_status
        .as_deref()
        .is_none_or(|s| s.eq_ignore_ascii_case("Success"))
}

fn status_is(sku: &Sku, names: &[&str]) -> bool {
    sku.capability_status
        .as_deref()
        .is_none_or(|s| names.iter().any(|n| s.eq_ignore_ascii_case(n)))
}

/// Licences that still work: `prepaidUnits.enabled` plus `prepaidUnits.warning` (licences
/// in the grace period after expiry keep working until they are disabled). Source: Graph
/// `subscribedSku` / `licenseUnitsDetail` resources
/// (<https://learn.microsoft.com/graph/api/resources/licenseunitsdetail>: `warning` counts
/// units in the warning state), read 2026-12-02.
fn usable_units(sku: &Sku) -> Option<i64> {
    match (sku.enabled_units, sku.warning_units) {
        (None, None) => None,
        (e, w) => Some(e.unwrap_or(0) + w.unwrap_or(0)),
    }
}

/// True when a SKU's licences are all in their grace period.
fn in_grace(sku: &Sku) -> bool {
    let enabled = sku.enabled_units.unwrap_or(0);
    let warning = sku.warning_units.unwrap_or(0);
    (enabled == 0 && warning > 0) || !status_is(sku, &["Enabled"])
}

/// Evaluates every licensing rule.
pub fn evaluate(ctx: &Ctx) -> Vec<CheckResult> {
    let mut out = vec![tenant_licences(ctx)];
    out.push(user_licence(
        ctx,
        &USER,
        |t| t.test_user.as_ref(),
        "TestUser",
    ));
    out.push(user_licence(
        ctx,
        &ADMIN,
        |t| t.admin_user.as_ref(),
        "AdminUser",
    ));
    out
}

fn tenant_licences(ctx: &Ctx) -> CheckResult {
    let target = ctx.tenant();
    let (t, notes) = match ctx.snapshot.tenant.get() {
        Ok(v) => v,
        Err(reason) => return TENANT.unavailable(&target, "Tenant", reason),
    };
    let Some(skus) = &t.subscribed_skus else {
        return TENANT.not_collected(&target, &notes.why_missing("SubscribedSkus"));
    };
    let mut ignored = Vec::new();
    let mut inactive = Vec::new();
    let mut good: Vec<&Sku> = Vec::new();
    for sku in skus {
        let premium: Vec<&ServicePlan> =
            sku.service_plans.iter().filter(|p| is_premium(p)).collect();
        if premium.is_empty() {
            continue;
        }
        if DEVICE_SKUS
            .iter()
            .any(|d| sku.sku_part_number.eq_ignore_ascii_case(d))
        {
            ignored.push(sku.sku_part_number.clone());
        } else if !premium.iter().any(|p| plan_active(p))
            || !status_is(sku, &["Enabled", "Warning"])
            || usable_units(sku) == Some(0)
        {
            inactive.push(format!(
                "{} ({})",
                sku.sku_part_number,
                sku.capability_status
                    .as_deref()
                    .unwrap_or("plan not provisioned")
            ));
        } else {
            good.push(sku);
        }
    }
    let names: Vec<String> = good.iter().map(|s| s.sku_part_number.clone()).collect();
    let labels: Vec<String> = names.iter().map(|n| sku_label(n)).collect();
    let consumed: i64 = good.iter().filter_map(|s| s.consumed_units).sum();
    let enabled: i64 = good.iter().filter_map(|s| s.enabled_units).sum();
    let warning: i64 = good.iter().filter_map(|s| s.warning_units).sum();
    let has_p2 = good
        .iter()
        .any(|s| s.service_plans.iter().any(|p| p.id == AAD_PREMIUM_P2));
    let all_skus: Vec<&str> = skus.iter().map(|s| s.sku_part_number.as_str()).collect();
    let f = if good.is_empty() {
        let detail = if inactive.is_empty() {
            format!(
                "None of the tenant's subscriptions ({}) includes the Entra ID P1 or P2 service plan (AAD_PREMIUM {AAD_PREMIUM} or AAD_PREMIUM_P2 {AAD_PREMIUM_P2}).",
                if all_skus.is_empty() { "none".to_string() } else { join_list(&all_skus) }
            )
        } else {
            format!(
                "Subscriptions with Entra ID P1/P2 exist but are not active: {}.",
                join_list(&inactive)
            )
        };
        fail(
            "NoPremiumLicense",
            "No active Entra ID P1/P2 licence in the tenant",
            format!("{detail} Password writeback is only available with Entra ID P1, P2 or Microsoft 365 Business Premium; users get SSPR_0012 without it."),
            LICENCE_FIX,
        )
    } else if good.iter().all(|s| in_grace(s)) {
        warn(
            "PremiumInGracePeriod",
            "Entra ID P1/P2 subscriptions are in their grace period",
            format!("{} {} Entra ID P1/P2, but {warning} licences are in the grace period ({enabled} active): the subscription has expired and will be disabled; writeback keeps working only until then.", join_list(&labels), if labels.len() == 1 { "includes" } else { "include" }),
            "Renew the subscription in the Microsoft 365 admin center (Billing > Your products) before it is disabled.",
        )
    } else if consumed == 0 {
        warn(
            "PremiumNotAssigned",
            "Entra ID P1/P2 licences are not assigned to anyone",
            format!("{} {} Entra ID P1/P2 ({enabled} licences), but none is assigned. Every user who is to use SSPR with writeback needs a licence.", join_list(&labels), if labels.len() == 1 { "includes" } else { "include" }),
            "Assign the licences to the users (or a group of them) in the Entra admin center under Billing > Licenses.",
        )
    } else {
        pass(
            "PremiumLicensed",
            "Entra ID P1/P2 licences are present",
            format!(
                "{} {} Entra ID {} ({consumed} of {enabled} licences assigned).",
                join_list(&labels),
                if labels.len() == 1 {
                    "includes"
                } else {
                    "include"
                },
                if has_p2 { "P2" } else { "P1" }
            ),
        )
    };
    TENANT.emit(
        &target,
        f.with("QualifyingSkus", strings(&names))
            .with("InactiveSkus", strings(&inactive))
            .with("IgnoredDeviceSkus", strings(&ignored))
            .with("ConsumedUnits", consumed)
            .with("EnabledUnits", enabled)
            .with("WarningUnits", warning)
            .with("HasP2", has_p2),
    )
}

/// What a user's licence data says.
enum UserLicence {
    Licensed(Vec<String>),
    Inactive(Vec<String>),
    Unlicensed,
    Unknown,
}

fn licence_of(user: &GraphUser) -> UserLicence {
    if let Some(details) = &user.license_details {
        let mut active = Vec::new();
        let mut inactive = Vec::new();
        for d in details {
            let name = d
                .sku_part_number
                .clone()
                .unwrap_or_else(|| "(unnamed SKU)".into());
            for p in d.service_plans.iter().filter(|p| is_premium(p)) {
                if plan_active(p) {
                    active.push(name.clone());
                } else {
                    inactive.push(format!(
                        "{name} ({})",
                        p.provisioning_status.as_deref().unwrap_or("unknown")
                    ));
                }
            }
        }
        active.dedup();
        return if !active.is_empty() {
            UserLicence::Licensed(active)
        } else if !inactive.is_empty() {
            UserLicence::Inactive(inactive)
        } else {
            UserLicence::Unlicensed
        };
    }
    if let Some(plans) = &user.assigned_plans {
        let premium: Vec<_> = plans
            .iter()
            .filter(|p| p.service_plan_id == AAD_PREMIUM || p.service_plan_id == AAD_PREMIUM_P2)
            .collect();
        let active = premium.iter().any(|p| {
            p.capability_status.as_deref().is_none_or(|s| {
                s.eq_ignore_ascii_case("Enabled") || s.eq_ignore_ascii_case("Warning")
            })
        });
        return if active {
            UserLicence::Licensed(vec!["assignedPlans".into()])
        } else if !premium.is_empty() {
            UserLicence::Inactive(
                premium
                    .iter()
                    .map(|p| p.capability_status.clone().unwrap_or_default())
                    .collect(),
            )
        } else {
            UserLicence::Unlicensed
        };
    }
    UserLicence::Unknown
}

fn user_licence(
    ctx: &Ctx,
    rule: &Rule,
    pick: fn(&crate::snapshot::Tenant) -> Option<&GraphUser>,
    field: &str,
) -> CheckResult {
    let fallback = ctx.tenant();
    let (t, notes) = match ctx.snapshot.tenant.get() {
        Ok(v) => v,
        Err(reason) => return rule.unavailable(&fallback, "Tenant", reason),
    };
    let Some(user) = pick(t) else {
        let why = if field == "TestUser" {
            "no test user was given (run with -TestUser <UPN>)".to_string()
        } else {
            notes.why_missing(field)
        };
        return rule.not_collected(&fallback, &why);
    };
    let who = user.label();
    let role = if field == "TestUser" {
        "test user"
    } else {
        "admin account"
    };
    let f = match licence_of(user) {
        UserLicence::Unknown => {
            return rule.not_collected(&who, &format!("the snapshot has no licence details for {who}"))
        }
        UserLicence::Licensed(skus) => pass(
            "UserLicensed",
            format!("The {role} has an Entra ID P1/P2 licence"),
            format!("{who} is licensed through {}.", join_list(&skus.iter().map(|s| sku_label(s)).collect::<Vec<_>>())),
        )
        .with("Skus", strings(&skus)),
        UserLicence::Inactive(what) => fail(
            "PlanNotActive",
            format!("The {role}'s Entra ID P1/P2 plan is not active"),
            format!("{who} has the Entra ID P1/P2 plan, but it is not provisioned: {}.", join_list(&what)),
            "Enable the Microsoft Entra ID P1/P2 service plan in the user's licence assignment (Entra admin center > Users > the user > Licenses), and check group-based licensing errors.",
        )
        .with("Plans", strings(&what)),
        UserLicence::Unlicensed if field == "TestUser" => fail(
            "UserNotLicensed",
            "The test user has no Entra ID P1/P2 licence",
            format!("{who} has no licence with the Entra ID P1/P2 service plan, so SSPR refuses the reset with SSPR_0012 (UserNotLicensed)."),
            format!("Assign {who} a licence that includes Entra ID P1 or P2, directly or through a group."),
        ),
        UserLicence::Unlicensed => fail(
            "UserNotLicensed",
            "The admin account has no Entra ID P1/P2 licence",
            format!("{who} has no licence with the Entra ID P1/P2 service plan. Without one the Connect wizard can fail with \"Unable to configure password writeback. Ensure you have the required license\", and Password reset does not appear in the admin center for that account."),
            format!("Assign {who} a licence that includes Entra ID P1 or P2, or configure writeback with a licensed managed (cloud-only or password-synchronized) account that holds Global Administrator or Hybrid Administrator directly."),
        ),
    };
    rule.emit(
        &who,
        f.with("User", Value::from(who.clone())).with(
            "Source",
            json!(if user.license_details.is_some() {
                "LicenseDetails"
            } else {
                "assignedPlans"
            }),
        ),
    )
}
