//! PRE-CONFIG-USERJOIN: an enabled outbound "Out to AAD - User Join" rule to the Entra
//! connector with Enable Password Sync.
//!
//! Microsoft's password hash sync troubleshooting ([`DOC_PASSWORD_SYNC_RULE`], ms.date
//! 2025-04-09, read 2026-12-02) says the user's Entra connector space object needs an
//! outbound rule with PasswordSync True, by default "Out to AAD - User Join". That writeback
//! fails without it ("make sure the target object is in scope of password sync rule") is from
//! third-party reports (`../shared/reference/writeback-facts.md` §4.2 extras). A modified
//! standard rule shows as an enabled copy next to the disabled standard rule of the same
//! name ([`DOC_DEFAULT_RULES`], ms.date 2024-12-19, read 2026-12-02).

use serde_json::{json, Value};

use super::{DOC_DEFAULT_RULES, DOC_PASSWORD_SYNC_RULE, USER_JOIN};
use crate::api::CheckResult;
use crate::rules::{fail, join_list, pass, skipped, warn};
use crate::serverconfig::{ServerConfig, SyncRule};

/// The standard rule's name and the prefix of its immutable tag.
const NAME: &str = "Out to AAD - User Join";
const TAG: &str = "Microsoft.OuttoAADUserJoin.";

const SYNC_NOW: &str =
    "then run a full synchronization (Start-ADSyncSyncCycle -PolicyType Initial)";

fn is_standard(r: &SyncRule) -> bool {
    r.name.trim().eq_ignore_ascii_case(NAME)
        || r.immutable_tag
            .as_deref()
            .is_some_and(|t| t.starts_with(TAG))
}

fn evidence(rules: &[&SyncRule]) -> Value {
    Value::Array(
        rules
            .iter()
            .map(|r| {
                json!({
                    "Name": r.name,
                    "Disabled": r.disabled,
                    "EnablePasswordSync": r.enable_password_sync,
                    "ImmutableTag": r.immutable_tag,
                    "Precedence": r.precedence,
                    "File": r.file,
                })
            })
            .collect(),
    )
}

fn quoted(rules: &[&SyncRule]) -> String {
    let names: Vec<String> = rules.iter().map(|r| format!("'{}'", r.name)).collect();
    join_list(&names)
}

/// The one result, on the Entra connector.
pub(super) fn evaluate(config: &ServerConfig) -> CheckResult {
    let target = config
        .entra_connectors
        .first()
        .map_or_else(|| config.target(), |k| k.name.clone());
    let Some(rules) = &config.sync_rules else {
        return USER_JOIN.emit(
            &target,
            skipped(
                "NotInExport",
                "\"Out to AAD - User Join\": not in the export",
                "Not checked: the export has no SynchronizationRules folder.",
            ),
        );
    };
    let to_entra = |r: &&SyncRule| {
        r.is_outbound()
            && (config.entra_connectors.is_empty()
                || config.entra_connector(&r.connector).is_some())
    };
    let standard: Vec<&SyncRule> = rules
        .iter()
        .filter(to_entra)
        .filter(|r| is_standard(r))
        .collect();
    let enabled: Vec<&SyncRule> = standard.iter().copied().filter(|r| !r.disabled).collect();
    let others: Vec<&SyncRule> = rules
        .iter()
        .filter(to_entra)
        .filter(|r| !is_standard(r) && !r.disabled && r.enable_password_sync)
        .collect();
    let f = if let Some(r) = enabled.iter().find(|r| r.enable_password_sync) {
        pass(
            "Present",
            "\"Out to AAD - User Join\" is enabled with password sync",
            format!(
                "The outbound rule '{}' to the Entra connector is enabled and has Enable Password Sync selected.",
                r.name
            ),
        )
    } else if !enabled.is_empty() {
        fail(
            "PasswordSyncOff",
            "\"Out to AAD - User Join\" has password sync turned off",
            format!(
                "The outbound rule {} to the Entra connector is enabled but Enable Password Sync \
                 is off. Microsoft's password sync troubleshooting expects the user's Entra \
                 connector object to have an outbound rule with password sync, by default this \
                 one; writeback then fails with \"make sure the target object is in scope of \
                 password sync rule\" (reported by third parties).",
                quoted(&enabled)
            ),
            format!(
                "In the Synchronization Rules Editor (direction Outbound), edit '{NAME}' and \
                 select Enable Password Sync, or delete a modified copy and enable Microsoft's \
                 standard rule; {SYNC_NOW}."
            ),
        )
    } else if !others.is_empty() {
        let disabled = if standard.is_empty() {
            ""
        } else {
            " (the standard rule is disabled)"
        };
        warn(
            "Replaced",
            "\"Out to AAD - User Join\" is not active; another rule carries password sync",
            format!(
                "No enabled '{NAME}' rule to the Entra connector exists{disabled}, but the \
                 enabled outbound rule {} has Enable Password Sync selected and presumably takes \
                 its place (an inference: the export does not say which rule joins users).",
                quoted(&others)
            ),
            format!(
                "Check in the Synchronization Rules Editor that {} joins users to Microsoft \
                 Entra ID. Microsoft does not support modifying standard rules: to go back, \
                 delete the copy, enable '{NAME}' and run a full synchronization ({DOC_DEFAULT_RULES}).",
                quoted(&others)
            ),
        )
    } else if !standard.is_empty() {
        fail(
            "Disabled",
            "\"Out to AAD - User Join\" is disabled",
            format!(
                "The outbound rule {} to the Entra connector is disabled and no other enabled \
                 outbound rule to it has Enable Password Sync selected, so no user's Entra object \
                 is in scope of a password sync rule and writeback fails.",
                quoted(&standard)
            ),
            format!(
                "In the Synchronization Rules Editor (direction Outbound), enable '{NAME}' \
                 (delete a modified copy if one replaced it); {SYNC_NOW}."
            ),
        )
    } else {
        fail(
            "Missing",
            "\"Out to AAD - User Join\" is missing",
            format!(
                "The export has no outbound '{NAME}' rule to the Entra connector and no other \
                 enabled outbound rule to it with Enable Password Sync selected, so no user's \
                 Entra object is in scope of a password sync rule and writeback fails."
            ),
            format!(
                "Restore Microsoft's standard '{NAME}' rule, or select Enable Password Sync on \
                 an enabled outbound rule for users to the Entra connector in the \
                 Synchronization Rules Editor; {SYNC_NOW}."
            ),
        )
    };
    USER_JOIN.emit(
        &target,
        f.with("Rules", evidence(&standard))
            .with("OtherPasswordSyncRules", evidence(&others))
            .with("SyncRulesRead", rules.len())
            .with(
                "Basis",
                format!(
                    "Microsoft documents that a user's Entra connector object needs an outbound \
                     rule with password sync (by default '{NAME}') for password hash sync \
                     ({DOC_PASSWORD_SYNC_RULE}); that writeback fails without it comes from \
                     third-party reports"
                ),
            ),
    )
}
