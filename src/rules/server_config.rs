//! The Connect server's configuration export (`Get-ADSyncServerConfiguration -Path`):
//! password writeback on the Entra connector and in the metaverse's optional features
//! (here), LDAP sign-and-seal of each AD connector (`sign_seal.rs`), the "Out to AAD - User
//! Join" rule with password sync (`user_join.rs`), and each AD connector's account and sync
//! scope (here).
//!
//! Where each fact lives in the export is documented in [`crate::serverconfig`].

mod sign_seal;
mod user_join;

use serde_json::{json, Value};

use super::{docs, fail, pass, skipped, strings, trim_stop, warn, Ctx, Rule};
use crate::api::CheckResult;
use crate::events::catalog::DOC_8023062C;
use crate::serverconfig::{AdConnector, EntraConnector, ServerConfig, PASSWORD_WRITEBACK};

/// "Troubleshoot password hash synchronization with Microsoft Entra Connect Sync"
/// (ms.date 2025-04-09, read 2026-12-02 in MicrosoftDocs/entra-docs
/// `docs/identity/hybrid/connect/tshoot-connect-password-hash-synchronization.md`): the
/// Entra connector space object needs an outbound rule with PasswordSync True, by default
/// "Out to AAD - User Join".
pub const DOC_PASSWORD_SYNC_RULE: &str =
    "https://learn.microsoft.com/entra/identity/hybrid/connect/tshoot-connect-password-hash-synchronization";

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

const HOW_TO_SUPPLY: &str = "Run Test-WritebackPrerequisite on the Entra Connect server, which \
    exports the configuration itself, or export it there with Get-ADSyncServerConfiguration \
    -Path <folder> and pass that folder with -ServerConfigPath (wbdiag prerequisites \
    --server-config <folder>)";

/// Evaluates the configuration-export rules.
pub fn evaluate(ctx: &Ctx) -> Vec<CheckResult> {
    let (outcome, why, reason) = match ctx.server_config {
        Export::Loaded(config) => {
            let mut out = writeback(config);
            out.extend(sign_seal::evaluate(config));
            out.push(user_join::evaluate(config));
            out.extend(scope(config));
            return out;
        }
        Export::NotGiven => (
            "NotSupplied",
            "no Connect configuration export was given".to_string(),
            None,
        ),
        Export::Failed(reason) => (
            "ExportFailed",
            format!(
                "the Connect configuration could not be exported ({})",
                trim_stop(reason)
            ),
            Some(reason),
        ),
    };
    let target = ctx.server();
    ALL.iter()
        .map(|r| {
            let mut f = skipped(
                outcome,
                format!("{}: not checked", r.summary),
                format!("Not checked: {why}. {HOW_TO_SUPPLY}."),
            );
            if let Some(reason) = reason {
                f = f.with("Reason", reason);
            }
            r.emit(&target, f)
        })
        .collect()
}

fn opt_bool(v: Option<bool>) -> Value {
    v.map_or(Value::Null, Value::Bool)
}

fn opt_str(v: Option<&str>) -> Value {
    v.map_or(Value::Null, Value::from)
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

fn writeback(config: &ServerConfig) -> Vec<CheckResult> {
    if config.entra_connectors.is_empty() {
        return vec![WRITEBACK.emit(
            &config.target(),
            fail(
                "NoEntraConnector",
                "The configuration has no Microsoft Entra ID connector",
                "The export's Connectors folder holds no Microsoft Entra ID connector, so this \
                 server synchronizes with no tenant and cannot write passwords back.",
                "Export the configuration of the Entra Connect server that is active for the \
                 tenant, or finish configuring Connect with the wizard.",
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

fn writeback_for(k: &EntraConnector, feature: Option<bool>, config: &ServerConfig) -> CheckResult {
    let name = &k.name;
    let p = PASSWORD_WRITEBACK;
    let on_connector = match k.password_reset_enabled {
        Some(true) => "enabled",
        Some(false) => "disabled",
        None => "not configured (the export has no aad-password-reset-config)",
    };
    let in_features = match feature {
        Some(true) => "True",
        Some(false) => "False",
        None => "not recorded",
    };
    let refused = "the server does not accept reset or change requests from the cloud (SSPR_0010)";
    let set_it = format!(
        "run Set-ADSyncAADPasswordResetConfiguration -Connector '{name}' -Enable $true, signed \
         in as a managed (cloud-only or password-synchronized) account that holds Global \
         Administrator or Hybrid Administrator directly"
    );
    let f = match (k.password_reset_enabled, feature) {
        (Some(true), Some(true) | None) => pass(
            "Enabled",
            "Password writeback is enabled in the Connect configuration",
            format!(
                "The Entra connector {name} has password reset writeback enabled; the \
                 metaverse's optional feature {p} is {in_features}."
            ),
        ),
        (Some(true), Some(false)) => warn(
            "Inconsistent",
            "Writeback is on for the Entra connector but off in the optional features",
            format!(
                "The Entra connector {name} has password reset writeback enabled, but the \
                 metaverse's optional feature {p} is False. The two disagree when writeback was \
                 switched on with Set-ADSyncAADPasswordResetConfiguration outside the wizard, or \
                 a wizard run did not finish; the wizard goes by the optional feature, so its \
                 next run may turn writeback off again (an inference from where each setting is \
                 written)."
            ),
            "Run the Connect wizard (Customize synchronization options > Optional features), \
             keep Password writeback selected and finish it, so that both settings agree.",
        ),
        (None | Some(false), Some(true)) => fail(
            "Inconsistent",
            "Writeback is on in the optional features but off for the Entra connector",
            format!(
                "The metaverse's optional feature {p} is True, but password reset writeback is \
                 {on_connector} on the Entra connector {name}: {refused}."
            ),
            format!(
                "Turn Password writeback off and on again in the Connect wizard (Optional \
                 features), or {set_it}."
            ),
        ),
        (Some(false), _) | (None, Some(false)) => fail(
            "Disabled",
            "Password writeback is disabled in the Connect configuration",
            format!(
                "Password reset writeback is {on_connector} on the Entra connector {name} and \
                 the optional feature {p} is {in_features}: {refused}."
            ),
            format!(
                "Enable it in the Connect wizard (Customize synchronization options > Optional \
                 features > Password writeback), or {set_it}."
            ),
        ),
        (None, None) => skipped(
            "NotInExport",
            "Password writeback: not in the export",
            format!(
                "Not checked: the export records neither the Entra connector's password reset \
                 setting (aad-password-reset-config in {}) nor the optional feature {p}.",
                k.file
            ),
        ),
    };
    WRITEBACK.emit(
        name,
        f.with("Connector", name.as_str())
            .with("ConnectorEnabled", opt_bool(k.password_reset_enabled))
            .with("OptionalFeature", opt_bool(feature))
            .with(
                "ConnectorModified",
                opt_str(k.password_reset_modified.as_deref()),
            )
            .with("File", k.file.as_str())
            .with("ExportedBy", opt_str(config.server.as_deref()))
            .with(
                "Basis",
                "aad-password-reset-config/enabled of the Entra connector is read as the setting \
                 Get-ADSyncAADPasswordResetConfiguration reports, and \
                 Microsoft.OptionalFeature.PasswordWriteback as the wizard's record of the \
                 optional feature (from their names and a real export; Microsoft documents neither, as \
                 far as found)",
            ),
    )
}

fn scope(config: &ServerConfig) -> Vec<CheckResult> {
    if config.ad_connectors.is_empty() {
        return vec![SCOPE.emit(
            &config.target(),
            fail(
                "NoAdConnector",
                "The configuration has no Active Directory connector",
                "The export's Connectors folder holds no Active Directory connector, so there is \
                 no forest to write passwords back to.",
                "Add the forest in the Connect wizard (Customize synchronization options > \
                 Connect your directories), or export the configuration of the server that \
                 synchronizes your forest.",
            )
            .with("Connectors", connector_names(config)),
        )];
    }
    config.ad_connectors.iter().map(scope_for).collect()
}

/// `DC=x (included A; excluded B)`.
fn describe(p: &crate::serverconfig::Partition) -> String {
    let mut parts = Vec::new();
    if !p.inclusions.is_empty() {
        parts.push(format!("included {}", p.inclusions.join("; ")));
    }
    if !p.exclusions.is_empty() {
        parts.push(format!("excluded {}", p.exclusions.join("; ")));
    }
    if parts.is_empty() {
        p.name.clone()
    } else {
        format!("{} ({})", p.name, parts.join("; "))
    }
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
    let described: Vec<String> = k.in_scope().map(describe).collect();
    let (name, forest) = (&k.name, &k.forest);
    let f = if described.is_empty() {
        warn(
            "NoPartitionInScope",
            "No partition of the AD connector is in the sync scope",
            format!(
                "AD connector {name} (forest {forest}) uses {who} but has no selected partition, \
                 so none of its users are synchronized and none can use writeback."
            ),
            "Select the domains to synchronize in the Connect wizard (Customize synchronization \
             options > Domain and OU filtering).",
        )
    } else {
        pass(
            "InScope",
            "AD connector account and sync scope",
            format!(
                "AD connector {name} (forest {forest}) uses {who}; in scope: {}. Writeback \
                 reaches only users in these containers, and the account needs the password \
                 rights on them.",
                described.join(", ")
            ),
        )
    };
    SCOPE.emit(
        name,
        f.with("Connector", name.as_str())
            .with("Forest", forest.as_str())
            .with("Account", opt_str(account.as_deref()))
            .with(
                "AccountDomain",
                opt_str(k.account.as_ref().map(|a| a.domain.as_str())),
            )
            .with(
                "AccountUser",
                opt_str(k.account.as_ref().map(|a| a.user.as_str())),
            )
            .with("Partitions", Value::Array(partitions))
            .with("NotSelected", strings(&not_selected))
            .with("File", k.file.as_str()),
    )
}
