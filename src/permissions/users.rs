//! Per domain: the protected users in the sync scope (PERM-PROTECTED-USERS) and every
//! other user in scope evaluated on its own descriptor (PERM-USERS).
//!
//! Users in one OU usually share one descriptor text, so each distinct (descriptor,
//! class) pair is parsed and evaluated once.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::account::{self, Identity};
use super::domain::{self, Skip};
use super::rights;
use super::{capped, descriptor, docs, scope_of};
use crate::api::CheckResult;
use crate::rules::ou_names::Scope;
use crate::rules::{fail, for_each_domain, pass, warn, Ctx, Rule};
use crate::sddl::rights::Guid;
use crate::snapshot::directory::{Domain, DomainEntry};
use crate::snapshot::permissions::{DescriptorText, DirectoryUser};
use crate::snapshot::Notes;

/// PERM-PROTECTED-USERS.
pub const PROTECTED_USERS: Rule = Rule {
    id: "PERM-PROTECTED-USERS",
    check: "ProtectedUsers",
    summary: "protected users in the sync scope",
    docs: docs::HOW_WRITEBACK_WORKS,
};

/// PERM-USERS.
pub const USERS: Rule = Rule {
    id: "PERM-USERS",
    check: "UserRights",
    summary: "writeback rights on the users in scope",
    docs: docs::CONNECTOR_ACCOUNT,
};

/// What one user's descriptor gives the connector account.
#[derive(Debug, Clone)]
pub enum Evaluated {
    /// The rights that are missing (empty: all granted) and whether the DACL is `D:P`.
    Rights {
        /// Names of the missing rights.
        missing: Vec<&'static str>,
        /// Inheritance disabled on the user.
        protected: bool,
    },
    /// The descriptor could not be read.
    Unreadable(String),
}

/// A multiply-rotate hash over 8-byte words (the FxHash scheme): descriptor texts are
/// about 2 KiB each, and SipHash over every user's text was a third of the evaluation
/// time. The input is a local snapshot, so flooding resistance is not needed.
#[derive(Default)]
struct WordHasher(u64);

impl WordHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Evaluates users, parsing each distinct descriptor once.
pub struct Evaluator<'a> {
    id: &'a Identity,
    cache: HashMap<(&'a DescriptorText, Guid), Evaluated, BuildHasherDefault<WordHasher>>,
}

impl<'a> Evaluator<'a> {
    /// An evaluator for the connector account `id`.
    pub fn new(id: &'a Identity) -> Self {
        Evaluator {
            id,
            cache: HashMap::default(),
        }
    }

    /// The verdict for `user`'s own descriptor.
    pub fn user(&mut self, user: &'a DirectoryUser) -> Evaluated {
        let Some(text) = &user.descriptor else {
            return Evaluated::Unreadable("no Sddl or SecurityDescriptor collected".into());
        };
        let class = rights::user_class(user.object_class.as_deref());
        let id = self.id;
        self.cache
            .entry((text, class))
            .or_insert_with(|| match descriptor::decode(text, "descriptor") {
                Ok(sd) => Evaluated::Rights {
                    missing: rights::missing_names(&rights::user_rights(&sd, class, &id.subject)),
                    protected: sd.is_protected(),
                },
                Err(e) => Evaluated::Unreadable(e.message),
            })
            .clone()
    }
}

/// Evaluates PERM-PROTECTED-USERS and PERM-USERS.
pub fn evaluate(ctx: &Ctx) -> Vec<CheckResult> {
    for_each_domain(ctx, &[&PROTECTED_USERS, &USERS], |entry, domain, notes| {
        let name = &entry.name;
        let Some(users) = &domain.users else {
            let why = notes.why_missing("Users");
            return vec![
                PROTECTED_USERS.not_collected(name, &why),
                USERS.not_collected(name, &why),
            ];
        };
        let scope = scope_of(ctx, entry, domain).map(|(s, _)| s);
        let in_scope: Vec<&DirectoryUser> = users
            .iter()
            .filter(|u| {
                scope
                    .as_ref()
                    .is_none_or(|s: &Scope| s.contains(&u.distinguished_name))
            })
            .collect();
        let truncated = domain.users_truncated == Some(true);
        vec![
            protected(name, &in_scope, truncated, domain),
            everyone(ctx, entry, domain, notes, &in_scope, truncated),
        ]
    })
}

fn label(u: &DirectoryUser) -> String {
    match &u.sam_account_name {
        Some(s) => format!("{s} ({})", u.distinguished_name),
        None => u.distinguished_name.clone(),
    }
}

fn truncation_note(truncated: bool, domain: &Domain) -> String {
    if truncated {
        format!(
            " The collector stopped at {} users (UsersTruncated), so the domain has more than these.",
            domain.users_limit.map_or("its limit of".into(), |n| n.to_string())
        )
    } else {
        String::new()
    }
}

fn protected(
    name: &str,
    users: &[&DirectoryUser],
    truncated: bool,
    domain: &Domain,
) -> CheckResult {
    let list: Vec<String> = users
        .iter()
        .filter(|u| u.is_protected())
        .map(|u| label(u))
        .collect();
    let note = truncation_note(truncated, domain);
    let f = if list.is_empty() {
        pass(
            "NoProtectedUsers",
            format!("No user in scope in {name} is protected"),
            format!(
                "None of the {} users in the sync scope has adminCount=1.{note}",
                users.len()
            ),
        )
    } else {
        warn(
            "ProtectedUsers",
            if list.len() == 1 {
                format!("1 user in scope in {name} is protected (adminCount=1)")
            } else {
                format!("{} users in scope in {name} are protected (adminCount=1)", list.len())
            },
            format!("By design, writeback cannot reset these: they are or were in a protected group, and AdminSDHolder's ACL is stamped on them. They can change their password in the cloud but not reset a forgotten one through writeback.{note}"),
            super::remediation::PROTECTED,
        )
    };
    PROTECTED_USERS.emit(
        name,
        f.with("Count", list.len())
            .with("Users", capped(&list))
            .with("UsersTruncated", truncated),
    )
}

fn everyone(
    ctx: &Ctx,
    entry: &DomainEntry,
    domain: &Domain,
    notes: &Notes,
    users: &[&DirectoryUser],
    truncated: bool,
) -> CheckResult {
    let name = &entry.name;
    let id = match account::for_domain(ctx, entry, domain) {
        Ok(id) => id,
        Err(why) => return USERS.not_collected(name, &why),
    };
    let root_dn = match domain::load(domain, notes) {
        Ok(l) => Some(l.root_dn.to_string()),
        Err(Skip::NotCollected(_) | Skip::Unavailable(_)) => domain.distinguished_name.clone(),
    };
    let mut ev = Evaluator::new(&id);
    let (mut all, mut missing, mut blocked, mut unread) =
        (0usize, Vec::new(), Vec::new(), Vec::new());
    let mut checked = 0usize;
    for u in users.iter().filter(|u| !u.is_protected()) {
        checked += 1;
        match ev.user(u) {
            Evaluated::Rights {
                missing: m,
                protected,
            } => {
                if protected {
                    blocked.push(label(u));
                }
                if m.is_empty() {
                    all += 1;
                } else {
                    missing.push(format!("{}: {}", label(u), m.join(", ")));
                }
            }
            Evaluated::Unreadable(why) => unread.push(format!("{}: {why}", label(u))),
        }
    }
    let note = truncation_note(truncated, domain);
    let acct = &id.label;
    let root = root_dn.unwrap_or_else(|| name.clone());
    let f = if !missing.is_empty() {
        fail(
            "UsersMissingRights",
            if missing.len() == 1 {
                format!("1 user in scope in {name} lacks writeback rights")
            } else {
                format!("{} users in scope in {name} lack writeback rights", missing.len())
            },
            format!("Of {checked} users in the sync scope (protected users not counted), {all} give {acct} every writeback right on their own descriptor, {} lack some (first: {}), {} have inheritance disabled.{note}", missing.len(), missing[0], blocked.len()),
            format!("Grant the rights on the domain root (Set-ADSyncPasswordWritebackPermissions -ADConnectorAccountName {} -ADConnectorAccountDomain {} after Import-Module of AdSyncConfig.psm1), and for users with inheritance disabled either turn it back on or add -ADobjectDN '<their DN>'; Get-ADSyncObjectsWithInheritanceDisabled -SearchBase {} lists them.", super::remediation::ps_quote(&id.grantee.sam), super::remediation::ps_quote(&id.grantee.domain), super::remediation::ps_quote(&root)),
        )
    } else if !blocked.is_empty() || !unread.is_empty() {
        warn(
            if blocked.is_empty() { "SomeNotEvaluated" } else { "InheritanceDisabled" },
            format!("Users in scope in {name} have the rights, with exceptions to watch"),
            format!("All {all} evaluated users give {acct} every writeback right, but {} have inheritance disabled (a later grant on the root will not reach them) and {} descriptors could not be read.{note}", blocked.len(), unread.len()),
            format!("Check the users with inheritance disabled (Get-ADSyncObjectsWithInheritanceDisabled -SearchBase {}) and turn it back on where it is not deliberate.", super::remediation::ps_quote(&root)),
        )
    } else {
        pass(
            "AllUsersHaveRights",
            format!("Every user in scope in {name} gives {acct} the writeback rights"),
            format!("All {checked} users in the sync scope (protected users not counted) give {acct} Reset Password, Change Password, Write lockoutTime and Write pwdLastSet.{note}"),
        )
    };
    USERS.emit(
        name,
        f.with("Checked", checked)
            .with("WithEveryRight", all)
            .with("MissingRightsCount", missing.len())
            .with("InheritanceDisabledCount", blocked.len())
            .with("NotEvaluatedCount", unread.len())
            .with("UsersMissingRights", capped(&missing))
            .with("UsersInheritanceDisabled", capped(&blocked))
            .with("UsersNotEvaluated", capped(&unread))
            .with("DistinctDescriptors", ev.cache.len())
            .with("UsersTruncated", truncated),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(bytes: &[u8]) -> u64 {
        let mut h = WordHasher::default();
        h.write(bytes);
        h.finish()
    }

    #[test]
    fn the_word_hash_sees_every_byte() {
        let base = b"O:DAG:DUD:AI(A;;RPWP;;;S-1-5-21-1-2-3-5001)".to_vec();
        assert_eq!(hash(&base), hash(&base.clone()));
        for i in 0..base.len() {
            let mut other = base.clone();
            other[i] ^= 1;
            assert_ne!(hash(&base), hash(&other), "byte {i}");
        }
    }
}
