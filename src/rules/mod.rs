//! Prerequisite rules: facts from a snapshot in, findings out. One module per area.
//!
//! Every rule has a stable Id (runbooks filter on it), produces one result per target
//! (tenant, Connect server, connector, forest or domain), and puts a stable `Outcome`
//! token in the evidence. A rule whose section is Unavailable is Skipped with the
//! section's reason; a fact the collector did not read is Skipped with what is missing.

pub mod admin;
pub mod connect_deadline;
pub mod connect_releases;
pub mod connect_version;
pub mod connector;
pub mod dc;
pub mod dotnet;
pub mod license;
pub mod os;
pub mod ou_names;
pub mod password_policy;
pub mod pdc;
pub mod policy_hints;
pub mod sam;
pub mod sam_dc;
pub mod sddl;
pub mod server_config;
pub mod service;
pub mod tenant;
pub mod test_user;
pub mod tls;
pub mod windows;

use serde_json::Value;

use crate::api::{CheckResult, Status};
use crate::checks::result_from;
use crate::probe::Finding;
use crate::snapshot::directory::{Domain, DomainEntry};
use crate::snapshot::{Notes, Snapshot, Timestamp};

/// Microsoft Learn pages the rules cite.
pub mod docs {
    /// Licensing requirements for SSPR.
    pub const LICENSING: &str =
        "https://learn.microsoft.com/entra/identity/authentication/concept-sspr-licensing";
    /// Tutorial: enable SSPR writeback.
    pub const TUTORIAL: &str =
        "https://learn.microsoft.com/entra/identity/authentication/tutorial-enable-sspr-writeback";
    /// Troubleshoot SSPR writeback.
    pub const TROUBLESHOOT: &str =
        "https://learn.microsoft.com/entra/identity/authentication/troubleshoot-sspr-writeback";
    /// Troubleshoot self-service password reset (SSPR_00xx codes).
    pub const TROUBLESHOOT_SSPR: &str =
        "https://learn.microsoft.com/entra/identity/authentication/troubleshoot-sspr";
    /// Password policies and account restrictions (admin SSPR policy).
    pub const POLICY: &str =
        "https://learn.microsoft.com/entra/identity/authentication/concept-sspr-policy";
    /// Prerequisites for Microsoft Entra Connect.
    pub const PREREQUISITES: &str = "https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-install-prerequisites";
    /// TLS 1.2 enforcement for Microsoft Entra Connect.
    pub const TLS: &str =
        "https://learn.microsoft.com/entra/identity/hybrid/connect/reference-connect-tls-enforcement";
    /// Connect version release history.
    pub const VERSION_HISTORY: &str =
        "https://learn.microsoft.com/entra/identity/hybrid/connect/reference-connect-version-history";
    /// Authenticate to Entra ID with an application identity (Connect Sync).
    pub const APPLICATION_AUTH: &str =
        "https://learn.microsoft.com/entra/identity/hybrid/connect/authenticate-application-id";
    /// Writeback or PHS not working after an automatic upgrade.
    pub const AUTO_UPGRADE: &str = "https://learn.microsoft.com/troubleshoot/entra/entra-id/user-prov-sync/cannot-work-automatic-upgrade";
    /// Connect sync scheduler.
    pub const SCHEDULER: &str =
        "https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-sync-feature-scheduler";
    /// Connect staging server.
    pub const STAGING: &str =
        "https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-sync-staging-server";
    /// SSPR_0029 causes, including the RestrictRemoteSam policy.
    pub const SSPR_0029: &str = "https://learn.microsoft.com/troubleshoot/entra/entra-id/user-prov-sync/password-writeback-error-code-sspr-0029";
    /// SSPR_009: admin SSPR turned off.
    pub const SSPR_009: &str = "https://learn.microsoft.com/troubleshoot/entra/entra-id/user-prov-sync/password-writeback-error-code-sspr-009";
    /// General writeback troubleshooting steps (preferred DC).
    pub const GENERAL_STEPS: &str = "https://learn.microsoft.com/troubleshoot/entra/entra-id/user-prov-sync/password-writeback-general-troubleshooting-steps";
    /// Writeback rejected by the on-premises password policy.
    pub const PASSWORD_POLICY: &str = "https://learn.microsoft.com/troubleshoot/entra/entra-id/user-prov-sync/password-writeback-not-compliant-on-premises-ad-pwd-policy";
    /// Unable to configure password writeback (licence, time, TLS).
    pub const UNABLE_TO_CONFIGURE: &str = "https://learn.microsoft.com/troubleshoot/entra/entra-id/user-prov-sync/unable-configure-pwd-writeback-error";
    /// Hybrid identity required ports and protocols.
    pub const PORTS: &str =
        "https://learn.microsoft.com/entra/identity/hybrid/connect/reference-connect-ports";
    /// ADSync PowerShell reference (run profiles).
    pub const ADSYNC: &str =
        "https://learn.microsoft.com/entra/identity/hybrid/connect/reference-connect-adsync";
}

/// What the rules evaluate against.
pub struct Ctx<'a> {
    /// The decoded snapshot.
    pub snapshot: &'a Snapshot,
    /// The instant the facts describe: `CollectedAt`, or now when the snapshot has none.
    pub now: Timestamp,
    /// The Connect configuration export (`Get-ADSyncServerConfiguration`), if one was given.
    pub server_config: server_config::Export<'a>,
}

impl<'a> Ctx<'a> {
    /// A context for `snapshot`.
    pub fn new(snapshot: &'a Snapshot) -> Self {
        Ctx {
            snapshot,
            now: snapshot.collected_at.unwrap_or_else(Timestamp::now),
            server_config: server_config::Export::NotGiven,
        }
    }

    /// The Connect server's name, for results about the server.
    pub fn server(&self) -> String {
        self.snapshot
            .computer_name
            .clone()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| "Connect server".into())
    }

    /// The tenant's display name, for tenant results.
    pub fn tenant(&self) -> String {
        self.snapshot
            .tenant
            .data()
            .and_then(|t| t.organization.as_ref())
            .and_then(|o| o.display_name.clone())
            .unwrap_or_else(|| "tenant".into())
    }
}

/// A rule's stable identity.
#[derive(Debug)]
pub struct Rule {
    /// Stable Id, for example `PRE-TLS12`.
    pub id: &'static str,
    /// Short check name shown in tables.
    pub check: &'static str,
    /// What the rule checks, as a noun phrase.
    pub summary: &'static str,
    /// The page that explains the requirement.
    pub docs: &'static str,
}

impl Rule {
    /// Turns a finding into this rule's result for `target`.
    pub fn emit(&self, target: &str, finding: Finding) -> CheckResult {
        result_from(self.id, self.check, target, self.docs, finding, 0)
    }

    /// Skipped because a whole section is unavailable.
    pub fn unavailable(&self, target: &str, section: &str, reason: &str) -> CheckResult {
        self.emit(
            target,
            skipped(
                "SectionUnavailable",
                format!("{}: not checked", self.summary),
                format!(
                    "Not checked: the {section} facts were not collected ({}).",
                    trim_stop(reason)
                ),
            )
            .with("Section", section)
            .with("Reason", reason),
        )
    }

    /// Skipped because one fact is missing; `why` says which and why.
    pub fn not_collected(&self, target: &str, why: &str) -> CheckResult {
        self.emit(
            target,
            skipped(
                "NotCollected",
                format!("{}: not checked", self.summary),
                format!("Not checked: {}.", trim_stop(why)),
            )
            .with("Reason", why),
        )
    }
}

/// Every rule, in evaluation order (the catalogue documented in `docs/snapshot.md`).
pub const RULES: &[&Rule] = &[
    &license::TENANT,
    &license::USER,
    &license::ADMIN,
    &tenant::SSPR,
    &tenant::WRITEBACK,
    &tenant::ADMIN_SSPR,
    &tenant::DIRSYNC,
    &test_user::SYNCED,
    &test_user::SSPR,
    &admin::CLOUD_ONLY,
    &admin::FEDERATED,
    &admin::ROLE,
    &connect_version::VERSION,
    &connect_version::CONFIG_VERSION,
    &service::RUNNING,
    &service::SCHEDULER,
    &service::STAGING,
    &connector::WRITEBACK_ENABLED,
    &connector::RUNS,
    &tls::TLS12,
    &dotnet::DOTNET,
    &os::OS,
    &sam::RESTRICT_REMOTE_SAM,
    &sam_dc::RESTRICT_REMOTE_SAM_DC,
    &pdc::PDC,
    &pdc::PDC_REACHABLE,
    &pdc::PREFERRED_DC,
    &dc::DC_OS,
    &dc::FOREST_LEVEL,
    &policy_hints::POLICY_HINTS,
    &password_policy::MIN_AGE,
    &password_policy::HISTORY,
    &ou_names::OU_CHARS,
    &server_config::WRITEBACK,
    &server_config::SIGN_SEAL,
    &server_config::USER_JOIN,
    &server_config::SCOPE,
];

/// An area of rules and the function that evaluates them.
pub type Area = (&'static str, fn(&Ctx) -> Vec<CheckResult>);

/// The areas in evaluation order; progress is reported per area.
pub const AREAS: &[Area] = &[
    ("licensing", license::evaluate),
    ("tenant settings", tenant::evaluate),
    ("the test user", test_user::evaluate),
    ("the admin account", admin::evaluate),
    ("the Connect version", connect_version::evaluate),
    (
        "Microsoft's dated Connect requirements",
        connect_deadline::evaluate,
    ),
    ("the ADSync service and scheduler", service::evaluate),
    ("connectors and run history", connector::evaluate),
    ("TLS 1.2", tls::evaluate),
    (".NET Framework", dotnet::evaluate),
    ("the operating system", os::evaluate),
    ("RestrictRemoteSam", sam::evaluate),
    (
        "RestrictRemoteSam on the domain controllers",
        sam_dc::evaluate,
    ),
    ("PDC emulators and preferred DCs", pdc::evaluate),
    ("domain controllers and forest level", dc::evaluate),
    (
        "the LDAP password-policy-hints control",
        policy_hints::evaluate,
    ),
    ("password policies", password_policy::evaluate),
    ("OU names", ou_names::evaluate),
    ("the Connect configuration export", server_config::evaluate),
];

/// Runs every rule.
pub fn evaluate_all(ctx: &Ctx) -> Vec<CheckResult> {
    AREAS.iter().flat_map(|(_, f)| f(ctx)).collect()
}

/// Results for every domain of every forest: `f` runs on each collected domain; a
/// section, forest or domain that is unavailable gives each of `rules` Skipped.
pub fn for_each_domain(
    ctx: &Ctx,
    rules: &[&Rule],
    f: impl Fn(&DomainEntry, &Domain, &Notes) -> Vec<CheckResult>,
) -> Vec<CheckResult> {
    let skip_all = |target: &str, section: &str, reason: &str| -> Vec<CheckResult> {
        rules
            .iter()
            .map(|r| r.unavailable(target, section, reason))
            .collect()
    };
    let ad = match ctx.snapshot.active_directory.get() {
        Ok((ad, _)) => ad,
        Err(reason) => return skip_all("Active Directory", "ActiveDirectory", reason),
    };
    if ad.forests.is_empty() {
        return rules
            .iter()
            .map(|r| {
                r.not_collected(
                    "Active Directory",
                    "the snapshot lists no forest (ActiveDirectory.Forests)",
                )
            })
            .collect();
    }
    let mut out = Vec::new();
    for forest in &ad.forests {
        let data = match forest.section.get() {
            Ok((data, _)) => data,
            Err(reason) => {
                out.extend(skip_all(
                    &forest.name,
                    &format!("forest {}", forest.name),
                    reason,
                ));
                continue;
            }
        };
        if data.domains.is_empty() {
            let why = format!("the snapshot lists no domain of forest {}", forest.name);
            out.extend(rules.iter().map(|r| r.not_collected(&forest.name, &why)));
        }
        for entry in &data.domains {
            match entry.section.get() {
                Ok((domain, notes)) => out.extend(f(entry, domain, notes)),
                Err(reason) => out.extend(skip_all(
                    &entry.name,
                    &format!("domain {}", entry.name),
                    reason,
                )),
            }
        }
    }
    out
}

/// `contoso.com` for `DC=contoso,DC=com` (other RDNs are ignored).
pub fn dn_to_dns(dn: &str) -> String {
    dn.split(',')
        .filter_map(|rdn| {
            let (k, v) = rdn.trim().split_once('=')?;
            k.trim()
                .eq_ignore_ascii_case("DC")
                .then(|| v.trim().to_string())
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// A finding with any status.
pub fn finding(
    status: Status,
    outcome: &'static str,
    title: impl Into<String>,
    message: impl Into<String>,
    remediation: impl Into<String>,
) -> Finding {
    Finding {
        status,
        ..Finding::fail(outcome, title, message, remediation)
    }
}

/// A passing finding.
pub fn pass(
    outcome: &'static str,
    title: impl Into<String>,
    message: impl Into<String>,
) -> Finding {
    Finding::pass(outcome, title, message)
}

/// A warning with its remedy.
pub fn warn(
    outcome: &'static str,
    title: impl Into<String>,
    message: impl Into<String>,
    remediation: impl Into<String>,
) -> Finding {
    finding(Status::Warning, outcome, title, message, remediation)
}

/// A failure with its remedy.
pub fn fail(
    outcome: &'static str,
    title: impl Into<String>,
    message: impl Into<String>,
    remediation: impl Into<String>,
) -> Finding {
    Finding::fail(outcome, title, message, remediation)
}

/// A skipped finding; the message says why and, where there is one, what to check by hand.
pub fn skipped(
    outcome: &'static str,
    title: impl Into<String>,
    message: impl Into<String>,
) -> Finding {
    finding(Status::Skipped, outcome, title, message, "")
}

/// `text` without a trailing full stop, so it can be embedded in a sentence.
pub fn trim_stop(text: &str) -> &str {
    text.trim().trim_end_matches('.')
}

/// A JSON array of strings, for evidence.
pub fn strings<S: AsRef<str>>(items: &[S]) -> Value {
    Value::Array(
        items
            .iter()
            .map(|s| Value::String(s.as_ref().to_string()))
            .collect(),
    )
}

/// `a, b and c`.
pub fn join_list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => {
            let head: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", head.join(", "), last.as_ref())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for r in RULES {
            assert!(seen.insert(r.id), "duplicate {}", r.id);
            assert!(r.id.starts_with("PRE-"), "{}", r.id);
            assert!(
                r.docs.starts_with("https://learn.microsoft.com/"),
                "{}",
                r.id
            );
            assert!(!r.summary.is_empty() && !r.check.is_empty());
        }
    }

    #[test]
    fn lists_read_naturally() {
        assert_eq!(join_list::<&str>(&[]), "");
        assert_eq!(join_list(&["a"]), "a");
        assert_eq!(join_list(&["a", "b", "c"]), "a, b and c");
        assert_eq!(trim_stop("no module. "), "no module");
        assert_eq!(dn_to_dns("OU=x,DC=Contoso,DC=com"), "Contoso.com");
    }
}
