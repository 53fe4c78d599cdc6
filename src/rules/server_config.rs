//! The Connect server's configuration export (`Get-ADSyncServerConfiguration -Path`):
//! password writeback on the Entra connector and in the metaverse's optional features, LDAP
//! sign-and-seal of each AD connector, the "Out to AAD - User Join" rule with password sync,
//! and each AD connector's account and sync scope.
//!
//! Where each fact lives in the export is documented in [`crate::serverconfig`].

use serde_json::{json, Value};

use super::{docs, fail, join_list, pass, skipped, strings, warn, Ctx, Rule};
use crate::api::CheckResult;
use crate::events::catalog::DOC_8023062C;
use crate::probe::Finding;
use crate::serverconfig::{
    AdConnector, EntraConnector, ServerConfig, SyncRule, PASSWORD_WRITEBACK,
};

/// "Troubleshoot password hash synchronization with Microsoft Entra Connect Sync"
/// (ms.date 2025-04-09, read 2026-12-02 in MicrosoftDocs/entra-docs
/// `docs/identity/hybrid/connect/tshoot-connect-password-hash-synchronization.md`): the
/// Entra connector space object needs an outbound rule with PasswordSync True, by default
/// "Out to AAD - User Join".
pub const DOC_PASSWORD_SYNC_RULE: &str = "https://learn.microsoft.com/entra/identity/hybrid/connect/tshoot-connect-password-hash-synchronization";

/// "Fix modified default rules in Microsoft Entra Connect" (ms.date 2024-12-19, read
/// 2026-12-02): a modified standard rule shows next to a disabled rule of the same name; to
/// go back, delete the modified rule, enable the standard one and run a full synchronization.
pub const DOC_DEFAULT_RULES: &str =
    "https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-fix-default-rules";

/// Connect sync domain and OU filtering (the sync scope of each AD connector).
pub const DOC_FILTERING: &str =
    "https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-sync-configure-filtering";

/// PRE-CONFIG-WRITEBACK.
pub const WRITEBACK: Rule = Rule {
    id: "PRE-CONFIG-WRITEBACK",
    check: "Writeback",
    summary: "password writeback enabled in the Connect configuration",
    docs: docs::TUTORIAL,
};

/// PRE-CONFIG-SIGNSEAL.
pub const SIGN_SEAL: Rule = Rule {
    id: "PRE-CONFIG-SIGNSEAL",
    check: "SignAndSeal",
    summary: "LDAP sign and encrypt on the AD connector",
    docs: DOC_8023062C,
};

/// PRE-CONFIG-USERJOIN.
pub const USER_JOIN: Rule = Rule {
    id: "PRE-CONFIG-USERJOIN",
    check: "SyncRule",
    summary: "\"Out to AAD - User Join\" rule with password sync",
    docs: DOC_PASSWORD_SYNC_RULE,
};

/// PRE-CONFIG-SCOPE.
pub const SCOPE: Rule = Rule {
    id: "PRE-CONFIG-SCOPE",
    check: "SyncScope",
    summary: "AD connector account and sync scope",
    docs: DOC_FILTERING,
};

/// The rules of this area, in evaluation order.
pub const ALL: [&Rule; 4] = [&WRITEBACK, &SIGN_SEAL, &USER_JOIN, &SCOPE];

/// The configuration export the rules evaluate.
#[derive(Debug, Clone, Copy, Default)]
pub enum Export<'a> {
    /// No export was given.
    #[default]
    NotGiven,
    /// The collector could not write one, for this reason.
    Failed(&'a str),
    /// The parsed export.
    Loaded(&'a ServerConfig),
}

/// The standard rule's name and the prefix of its immutable tag.
const USER_JOIN_NAME: &str = "Out to AAD - User Join";
const USER_JOIN_TAG: &str = "Microsoft.OuttoAADUserJoin.";

/// The hr a password set fails with when sign-and-seal is off ([`DOC_8023062C`]).
const HR: &str = "0x8023062C";

const HOW_TO_SUPPLY: &str = "Run Test-WritebackPrerequisite on the Entra Connect server, which exports the configuration itself, or export it there with Get-ADSyncServerConfiguration -Path <folder> and pass that folder with -ServerConfigPath (wbdiag prerequisites --server-config <folder>)";

/// Evaluates the configuration-export rules.
pub fn evaluate(ctx: &Ctx) -> Vec<CheckResult> {
    let config = match ctx.server_config {
        Export::Loaded(config) => config,
        Export::NotGiven => {
            let target = ctx.server();
            return ALL
                .iter()
                .map(|r| {
                    r.emit(
                        &target,
                        skipped(
                            "NotSupplied",
                            format!("{}: not checked", r.summary),
                            format!("Not checked: no Connect configuration export was given. {HOW_TO_SUPPLY}."),
                        ),
                    )
                })
                .collect();
        }
        Export::Failed(reason) => {
            let target = ctx.server();
            return ALL
                .iter()
                .map(|r| {
                    r.emit(
                        &target,
                        skipped(
                            "ExportFailed",
                            format!("{}: not checked", r.summary),
                            format!(
                                "Not checked: the Connect configuration could not be exported ({}). {HOW_TO_SUPPLY}.",
                                super::trim_stop(reason)
                            ),
                        )
                        .with("Reason", reason),
                    )
                })
                .collect();
        }
    };
    let mut out = writeback(config);
    out.extend(sign_seal(config));
    out.push(user_join(config));
    out.extend(scope(config));
    out
}

fn opt_bool(v: Option<bool>) -> Value {
    v.map_or(Value::Null, Value::Bool)
}

fn writeback(config: &ServerConfig) -> Vec<CheckResult> {
    if config.entra_connectors.is_empty() {
        return vec![WRITEBACK.emit(
            &config.target(),
            fail(
                "NoEntraConnector",
                "The configuration has no Microsoft Entra ID connector",
                "The export's Connectors folder holds no Microsoft Entra ID connector, so this server synchronizes with no tenant and cannot write passwords back.",
                "Export the configuration of the Entra Connect server that is active for the tenant, or finish configuring Connect with the wizard.",
            )
            .with("Connectors", connector_names(config)),
        )];
    }
    let feature = config
        .global_settings
        .as_ref()
        .and_then(|g| g.password_writeback());
    config
        .entra_connectors
        .iter()
        .map(|k| writeback_for(k, feature, config))
        .collect()
}

fn connector_names(config: &ServerConfig) -> Value {
    let names: Vec<&str> = config
        .ad_connectors
        .iter()
        .map(|k| k.name.as_str())
        .chain(config.entra_connectors.iter().map(|k| k.name.as_str()))
        .chain(config.other_connectors.iter().map(|k| k.name.as_str()))
        .collect();
    strings(&names)
}

fn writeback_for(k: &EntraConnector, feature: Option<bool>, config: &ServerConfig) -> CheckResult {
    let name = &k.name;
    let enable = format!("Enable it in the Connect wizard (Customize synchronization options > Optional features > Password writeback), or run Set-ADSyncAADPasswordResetConfiguration -Connector '{name}' -Enable $true and sign in with a cloud-only admin when asked.");
    let f = match (k.password_reset_enabled, feature) {
        (Some(true), Some(true)) => pass(
            "Enabled",
            "Password writeback is enabled in the Connect configuration",
            format!("The Entra connector {name} has password reset writeback enabled and the metaverse's optional feature {} is True.", PASSWORD_WRITEBACK),
        ),
        (Some(true), None) => pass(
            "Enabled",
            "Password writeback is enabled on the Entra connector",
            format!("The Entra connector {name} has password reset writeback enabled; the export's global settings do not record the optional feature {}.", PASSWORD_WRITEBACK),
        ),
        (Some(true), Some(false)) => warn(
            "Inconsistent",
            "Writeback is on for the Entra connector but off in the optional features",
            format!("The Entra connector {name} has password reset writeback enabled, but the metaverse's optional feature {} is False. The two disagree when writeback was switched on with Set-ADSyncAADPasswordResetConfiguration outside the wizard, or a wizard run did not finish; the wizard goes by the optional feature, so its next run may turn writeback off again (an inference from where each setting is written).", PASSWORD_WRITEBACK),
            "Run the Connect wizard (Customize synchronization options > Optional features), keep Password writeback selected and finish it, so that both settings agree.",
        ),
        (None | Some(false), Some(true)) => fail(
            "Inconsistent",
            "Writeback is on in the optional features but off for the Entra connector",
            format!("The metaverse's optional feature {} is True, but the Entra connector {name} has password reset writeback {}: the server does not accept reset or change requests from the cloud (SSPR_0010).", PASSWORD_WRITEBACK, if k.password_reset_enabled.is_some() { "disabled" } else { "not configured (no aad-password-reset-config in the export)" }),
            format!("Turn Password writeback off and on again in the Connect wizard (Optional features), or run Set-ADSyncAADPasswordResetConfiguration -Connector '{name}' -Enable $true and sign in with a cloud-only admin when asked."),
        ),
        (Some(false), _) | (None, Some(false)) => fail(
            "Disabled",
            "Password writeback is disabled in the Connect configuration",
            format!("Password reset writeback is {} on the Entra connector {name} and the optional feature {} is {}: the server does not accept reset or change requests from the cloud (SSPR_0010).", if k.password_reset_enabled.is_some() { "disabled" } else { "not configured" }, PASSWORD_WRITEBACK, match feature { Some(true) => "True", Some(false) => "False", None => "not recorded" }),
            enable,
        ),
        (None, None) => skipped(
            "NotInExport",
            "Password writeback: not in the export",
            format!("Not checked: the export records neither the Entra connector's password reset setting (aad-password-reset-config in {}) nor the optional feature {}.", k.file, PASSWORD_WRITEBACK),
        ),
    };
    WRITEBACK.emit(
        name,
        f.with("Connector", name.as_str())
            .with("ConnectorEnabled", opt_bool(k.password_reset_enabled))
            .with("OptionalFeature", opt_bool(feature))
            .with("ConnectorModified", k.password_reset_modified.clone().map_or(Value::Null, Value::from))
            .with("File", k.file.as_str())
            .with("ExportedBy", config.server.clone().map_or(Value::Null, Value::from))
            .with("Basis", "aad-password-reset-config/enabled of the Entra connector is read as the setting Get-ADSyncAADPasswordResetConfiguration reports, and Microsoft.OptionalFeature.PasswordWriteback as the wizard's record of the optional feature (from their names and a real export; not documented by Microsoft)"),
    )
}

/// One place where a connection option is set, for sign-and-seal.
struct Place {
    what: String,
    seal: Option<bool>,
    ssl: Option<bool>,
}

fn sign_seal(config: &ServerConfig) -> Vec<CheckResult> {
    if config.ad_connectors.is_empty() {
        return vec![SIGN_SEAL.emit(
            &config.target(),
            skipped(
                "NoAdConnector",
                "LDAP sign and encrypt: no AD connector",
                "Not checked: the export has no Active Directory connector (PRE-CONFIG-SCOPE reports that).",
            ),
        )];
    }
    config.ad_connectors.iter().map(sign_seal_for).collect()
}

fn sign_seal_for(k: &AdConnector) -> CheckResult {
    let mut places = vec![Place {
        what: "the forest connection (Connect to Active Directory Forest > Options)".into(),
        seal: k.sign_and_seal,
        ssl: k.ssl_bind,
    }];
    places.extend(k.in_scope().map(|p| Place {
        what: format!(
            "partition {} (Domain controller connection settings > Options)",
            p.name
        ),
        seal: p.sign_and_seal,
        ssl: p.ssl_bind,
    }));
    let off: Vec<&Place> = places.iter().filter(|p| p.seal == Some(false)).collect();
    let unknown: Vec<&str> = places
        .iter()
        .filter(|p| p.seal.is_none())
        .map(|p| p.what.as_str())
        .collect();
    let alternate: Vec<String> = k
        .in_scope()
        .filter_map(|p| {
            p.alternate_account
                .as_ref()
                .map(|a| format!("{} ({a})", p.name))
        })
        .collect();
    let off_names: Vec<&str> = off.iter().map(|p| p.what.as_str()).collect();
    let fix = format!("In Synchronization Service Manager > Connectors > {} > Properties, turn on Sign and Encrypt LDAP Traffic in all three places: Connect to Active Directory Forest > Options; Configure Directory Partitions > each partition > Domain controller connection settings > Options; and Set Credentials > Options where a partition uses alternate credentials. Then restart the ADSync service (Restart-Service ADSync).", k.name);
    let alternate_note = if alternate.is_empty() {
        String::new()
    } else {
        format!(" {} alternate credentials, whose own connection options the export does not show; check them by hand.", if alternate.len() == 1 { format!("Partition {} uses", alternate[0]) } else { format!("Partitions {} use", join_list(&alternate)) })
    };
    let f = if !off.is_empty() && off.iter().all(|p| p.ssl == Some(true)) {
        warn(
            "OffWithSsl",
            "LDAP sign and encrypt is off, but SSL is on",
            format!("Sign and Encrypt LDAP Traffic is off for {} of AD connector {}, with SSL enabled for the connection instead. The DC then accepts password sets over TLS, judging by the wording of hr {HR}, which asks for signing and encryption or a TLS/SSL connection (an inference); Microsoft's fix for {HR} is to turn signing and encryption on.{alternate_note}", join_list(&off_names), k.name),
            fix,
        )
    } else if !off.is_empty() {
        fail(
            "Off",
            "LDAP sign and encrypt is off on the AD connector",
            format!("Sign and Encrypt LDAP Traffic is off for {} of AD connector {}: writeback's password resets and changes then fail with hr {HR} (events 6329 and 33009), because the DC refuses to set a password over a connection that is neither signed and encrypted nor TLS.{alternate_note}", join_list(&off_names), k.name),
            fix,
        )
    } else if unknown.len() == places.len() {
        skipped(
            "NotInExport",
            "LDAP sign and encrypt: not in the export",
            format!(
                "Not checked: the export of AD connector {} records no sign-and-seal option ({}).",
                k.name, k.file
            ),
        )
    } else {
        let mut message = format!(
            "Sign and Encrypt LDAP Traffic is on for {} of AD connector {}.",
            join_list(
                &places
                    .iter()
                    .filter(|p| p.seal == Some(true))
                    .map(|p| p.what.as_str())
                    .collect::<Vec<_>>()
            ),
            k.name
        );
        if !unknown.is_empty() {
            message.push_str(&format!(
                " The export records no option for {}.",
                join_list(&unknown)
            ));
        }
        message.push_str(&alternate_note);
        pass("On", "LDAP sign and encrypt is on", message)
    };
    let partitions: Vec<Value> = k
        .in_scope()
        .map(|p| {
            json!({
                "Name": p.name,
                "SignAndSeal": opt_bool(p.sign_and_seal),
                "SslBind": opt_bool(p.ssl_bind),
                "AlternateAccount": p.alternate_account.as_ref().map(ToString::to_string),
            })
        })
        .collect();
    SIGN_SEAL.emit(
        &k.name,
        f.with("Connector", k.name.as_str())
            .with("Forest", k.forest.as_str())
            .with("ForestSignAndSeal", opt_bool(k.sign_and_seal))
            .with("ForestSslBind", opt_bool(k.ssl_bind))
            .with("Partitions", Value::Array(partitions))
            .with("Off", strings(&off_names))
            .with("NotRecorded", strings(&unknown))
            .with("Hr", HR)
            .with("File", k.file.as_str()),
    )
}

fn is_standard_user_join(r: &SyncRule) -> bool {
    r.name.trim().eq_ignore_ascii_case(USER_JOIN_NAME)
        || r.immutable_tag
            .as_deref()
            .is_some_and(|t| t.starts_with(USER_JOIN_TAG))
}

fn rule_evidence(r: &SyncRule) -> Value {
    json!({
        "Name": r.name,
        "Disabled": r.disabled,
        "EnablePasswordSync": r.enable_password_sync,
        "ImmutableTag": r.immutable_tag,
        "Precedence": r.precedence,
        "File": r.file,
    })
}

fn user_join(config: &ServerConfig) -> CheckResult {
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
        .filter(|r| is_standard_user_join(r))
        .collect();
    let enabled: Vec<&SyncRule> = standard.iter().copied().filter(|r| !r.disabled).collect();
    let carrying: Vec<&SyncRule> = enabled
        .iter()
        .copied()
        .filter(|r| r.enable_password_sync)
        .collect();
    let others: Vec<&SyncRule> = rules
        .iter()
        .filter(to_entra)
        .filter(|r| !is_standard_user_join(r) && !r.disabled && r.enable_password_sync)
        .collect();
    let names = |list: &[&SyncRule]| -> Vec<String> {
        list.iter().map(|r| format!("'{}'", r.name)).collect()
    };
    let sync_now = "then run a full synchronization (Start-ADSyncSyncCycle -PolicyType Initial)";
    let f = if let Some(r) = carrying.first() {
        pass(
            "Present",
            "\"Out to AAD - User Join\" is enabled with password sync",
            format!("The outbound rule '{}' to the Entra connector is enabled and has Enable Password Sync selected.", r.name),
        )
    } else if !enabled.is_empty() {
        fail(
            "PasswordSyncOff",
            "\"Out to AAD - User Join\" has password sync turned off",
            format!("The outbound rule {} to the Entra connector is enabled but Enable Password Sync is off. Microsoft's password sync troubleshooting expects the user's Entra connector object to have an outbound rule with password sync, by default this one; writeback then fails with \"make sure the target object is in scope of password sync rule\" (reported by third parties).", join_list(&names(&enabled))),
            format!("In the Synchronization Rules Editor (direction Outbound), edit '{USER_JOIN_NAME}' and select Enable Password Sync, or delete a modified copy and enable Microsoft's standard rule; {sync_now}."),
        )
    } else if !others.is_empty() {
        warn(
            "Replaced",
            "\"Out to AAD - User Join\" is not active; another rule carries password sync",
            format!("No enabled '{USER_JOIN_NAME}' rule to the Entra connector exists{}, but the enabled outbound rule {} has Enable Password Sync selected and presumably takes its place (an inference: the export does not say which rule joins users).", if standard.is_empty() { "" } else { " (the standard rule is disabled)" }, join_list(&names(&others))),
            format!("Check in the Synchronization Rules Editor that {} joins users to Microsoft Entra ID; Microsoft does not support modifying standard rules: to go back, delete the copy, enable '{USER_JOIN_NAME}' and run a full synchronization.", join_list(&names(&others))),
        )
    } else if !standard.is_empty() {
        fail(
            "Disabled",
            "\"Out to AAD - User Join\" is disabled",
            format!("The outbound rule {} to the Entra connector is disabled and no other enabled outbound rule to it has Enable Password Sync selected, so no user's Entra object is in scope of a password sync rule and writeback fails.", join_list(&names(&standard))),
            format!("In the Synchronization Rules Editor (direction Outbound), enable '{USER_JOIN_NAME}' (delete a modified copy if one replaced it); {sync_now}."),
        )
    } else {
        fail(
            "Missing",
            "\"Out to AAD - User Join\" is missing",
            format!("The export has no outbound '{USER_JOIN_NAME}' rule to the Entra connector and no other enabled outbound rule to it with Enable Password Sync selected, so no user's Entra object is in scope of a password sync rule and writeback fails."),
            format!("Restore Microsoft's standard '{USER_JOIN_NAME}' rule, or give an enabled outbound rule to the Entra connector for users Enable Password Sync in the Synchronization Rules Editor; {sync_now}."),
        )
    };
    let evidence: Vec<Value> = standard.iter().map(|r| rule_evidence(r)).collect();
    let other_evidence: Vec<Value> = others.iter().map(|r| rule_evidence(r)).collect();
    let f: Finding = f
        .with("Rules", Value::Array(evidence))
        .with("OtherPasswordSyncRules", Value::Array(other_evidence))
        .with("SyncRulesRead", rules.len())
        .with("Basis", "Microsoft documents that a user's Entra connector object needs an outbound rule with password sync (by default 'Out to AAD - User Join') for password hash sync; that writeback fails without it comes from third-party reports");
    USER_JOIN.emit(&target, f)
}

fn scope(config: &ServerConfig) -> Vec<CheckResult> {
    if config.ad_connectors.is_empty() {
        return vec![SCOPE.emit(
            &config.target(),
            fail(
                "NoAdConnector",
                "The configuration has no Active Directory connector",
                "The export's Connectors folder holds no Active Directory connector, so there is no forest to write passwords back to.",
                "Add the forest in the Connect wizard (Customize synchronization options > Connect your directories), or export the configuration of the server that synchronizes your forest.",
            )
            .with("Connectors", connector_names(config)),
        )];
    }
    config.ad_connectors.iter().map(scope_for).collect()
}

fn scope_for(k: &AdConnector) -> CheckResult {
    let partitions: Vec<Value> = k
        .in_scope()
        .map(|p| {
            json!({
                "Name": p.name,
                "DisplayName": p.display_name,
                "Included": p.inclusions,
                "Excluded": p.exclusions,
                "AlternateAccount": p.alternate_account.as_ref().map(ToString::to_string),
            })
        })
        .collect();
    let not_selected: Vec<&str> = k
        .partitions
        .iter()
        .filter(|p| !p.selected)
        .map(|p| p.name.as_str())
        .collect();
    let account = k.account.as_ref().map(ToString::to_string);
    let who = account.as_deref().map_or_else(
        || "an account the export does not name".to_string(),
        |a| format!("account {a}"),
    );
    let described: Vec<String> = k
        .in_scope()
        .map(|p| {
            let mut s = p.name.clone();
            let mut parts = Vec::new();
            if !p.inclusions.is_empty() {
                parts.push(format!("included {}", p.inclusions.join("; ")));
            }
            if !p.exclusions.is_empty() {
                parts.push(format!("excluded {}", p.exclusions.join("; ")));
            }
            if !parts.is_empty() {
                s.push_str(&format!(" ({})", parts.join("; ")));
            }
            s
        })
        .collect();
    let f = if described.is_empty() {
        warn(
            "NoPartitionInScope",
            "No partition of the AD connector is in the sync scope",
            format!("AD connector {} (forest {}) uses {who} but has no selected partition, so none of its users are synchronized and none can use writeback.", k.name, k.forest),
            "Select the domains to synchronize in the Connect wizard (Customize synchronization options > Domain and OU filtering).",
        )
    } else {
        pass(
            "InScope",
            "AD connector account and sync scope",
            format!("AD connector {} (forest {}) uses {who}; in scope: {}. Writeback reaches only users in these containers, and the account needs the password rights on them.", k.name, k.forest, described.join(", ")),
        )
    };
    SCOPE.emit(
        &k.name,
        f.with("Connector", k.name.as_str())
            .with("Forest", k.forest.as_str())
            .with("Account", account.map_or(Value::Null, Value::from))
            .with(
                "AccountDomain",
                k.account
                    .as_ref()
                    .map_or(Value::Null, |a| Value::from(a.domain.as_str())),
            )
            .with(
                "AccountUser",
                k.account
                    .as_ref()
                    .map_or(Value::Null, |a| Value::from(a.user.as_str())),
            )
            .with("Partitions", Value::Array(partitions))
            .with("NotSelected", strings(&not_selected))
            .with("File", k.file.as_str()),
    )
}
