//! Connector-account permissions and per-user diagnosis: the `permissions` command's
//! rules. Facts in (the snapshot's descriptors, users and user targets), findings out.
//!
//! - [`account`]: PERM-ACCOUNT and the connector account's token per domain;
//! - [`domain`]: PERM-DOMAIN-ROOT, PERM-OU, PERM-ADMINSDHOLDER;
//! - [`users`]: PERM-PROTECTED-USERS, PERM-USERS;
//! - [`user`], [`user_policy`], [`user_sync`]: the USER-* rules for one user, with
//!   USER-VERDICT first.

pub mod account;
pub mod descriptor;
pub mod domain;
pub mod remediation;
pub mod rights;
pub mod user;
pub mod user_policy;
pub mod user_sync;
pub mod users;

use crate::rules::ou_names::{self, Scope};
use crate::rules::server_config::Export;
use crate::rules::{dn_to_dns, Ctx};
use crate::snapshot::directory::{Domain, DomainEntry};

/// Microsoft Learn pages the permission rules cite.
pub mod docs {
    /// Configure AD DS Connector account permissions ([ADDSACCT]).
    pub const CONNECTOR_ACCOUNT: &str = "https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-configure-ad-ds-connector-account";
    /// How SSPR writeback works ([CWB]): protected accounts.
    pub const HOW_WRITEBACK_WORKS: &str =
        "https://learn.microsoft.com/entra/identity/authentication/concept-sspr-writeback";
    /// Graph userRegistrationDetails.
    pub const REGISTRATION_DETAILS: &str =
        "https://learn.microsoft.com/graph/api/resources/userregistrationdetails";
    pub use crate::rules::docs::{PASSWORD_POLICY, TROUBLESHOOT, TROUBLESHOOT_SSPR, TUTORIAL};
}

/// Most entries an evidence list holds; counts stay exact.
pub const LIST_CAP: usize = 1000;

/// The first [`LIST_CAP`] items, for evidence.
pub fn capped<S: AsRef<str>>(items: &[S]) -> serde_json::Value {
    crate::rules::strings(&items[..items.len().min(LIST_CAP)])
}

/// The domain's sync scope and where it came from: the Connect configuration export
/// when one was given (its selected partition for the domain), else the snapshot's
/// connector partitions. `None` when neither covers the domain.
pub fn scope_of(ctx: &Ctx, entry: &DomainEntry, domain: &Domain) -> Option<(Scope, &'static str)> {
    if let Export::Loaded(config) = ctx.server_config {
        let same = |name: &str| {
            domain
                .distinguished_name
                .as_deref()
                .is_some_and(|d| d.eq_ignore_ascii_case(name))
                || dn_to_dns(name).eq_ignore_ascii_case(&entry.name)
        };
        let parts: Vec<_> = config
            .ad_connectors
            .iter()
            .flat_map(|k| k.in_scope())
            .filter(|p| same(&p.name))
            .collect();
        if !parts.is_empty() {
            let inc: Vec<&String> = parts.iter().flat_map(|p| p.inclusions.iter()).collect();
            let exc: Vec<&String> = parts.iter().flat_map(|p| p.exclusions.iter()).collect();
            return Some((Scope::new(&inc, &exc), "ServerConfiguration"));
        }
    }
    let ad = ctx.snapshot.active_directory.data()?;
    ou_names::scope(ad, entry, domain).map(|s| (s, "ConnectorPartitions"))
}
