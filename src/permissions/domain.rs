//! Per domain: the rights a new user directly below the domain root gets
//! (PERM-DOMAIN-ROOT), below each OU or container in the sync scope (PERM-OU), and what
//! AdminSDHolder gives protected users (PERM-ADMINSDHOLDER).
//!
//! A container's descriptor is recomputed from the root down: each collected ancestor
//! adds its explicit ACEs and takes what its parent passes down unless it is protected
//! (`D:P`); an ancestor that was not collected passes everything through (inference: a
//! container without explicit ACEs or a block).

use std::collections::HashMap;

use super::account::{self, Identity};
use super::remediation::{self, Target};
use super::rights::{self, Check};
use super::{descriptor, docs, scope_of};
use crate::api::CheckResult;
use crate::rules::ou_names::suffixes;
use crate::rules::{fail, for_each_domain, join_list, pass, warn, Ctx, Rule};
use crate::sddl::{rights as guids, AclFlags, SecurityDescriptor, UNEXPIRE_NOTE};
use crate::snapshot::directory::{Domain, DomainEntry};
use crate::snapshot::permissions::{DescriptorObject, Descriptors};
use crate::snapshot::{Notes, Section};

/// PERM-DOMAIN-ROOT.
pub const DOMAIN_ROOT: Rule = Rule {
    id: "PERM-DOMAIN-ROOT",
    check: "DomainRootRights",
    summary: "writeback rights below the domain root",
    docs: docs::CONNECTOR_ACCOUNT,
};

/// PERM-OU.
pub const OU: Rule = Rule {
    id: "PERM-OU",
    check: "OuRights",
    summary: "writeback rights in the OU",
    docs: docs::CONNECTOR_ACCOUNT,
};

/// PERM-ADMINSDHOLDER.
pub const ADMINSDHOLDER: Rule = Rule {
    id: "PERM-ADMINSDHOLDER",
    check: "AdminSdHolder",
    summary: "writeback rights of protected users",
    docs: docs::HOW_WRITEBACK_WORKS,
};

/// The domain's descriptors, with the root parsed.
pub struct Loaded<'a> {
    /// What the collector read.
    pub descriptors: &'a Descriptors,
    /// The root's DN.
    pub root_dn: &'a str,
    /// The root's descriptor.
    pub root: SecurityDescriptor,
}

/// The domain's descriptors, or why they cannot be used (as a result maker).
pub fn load<'a>(domain: &'a Domain, notes: &Notes) -> Result<Loaded<'a>, Skip> {
    let d = match &domain.descriptors {
        None => return Err(Skip::NotCollected(notes.why_missing("Descriptors"))),
        Some(Section::Unavailable { reason }) => return Err(Skip::Unavailable(reason.clone())),
        Some(Section::Collected { data, .. }) => data,
    };
    let Some(root) = &d.root else {
        return Err(Skip::NotCollected(
            "the snapshot's Descriptors have no Root".into(),
        ));
    };
    let parsed = descriptor::decode(&root.descriptor, "Descriptors.Root")
        .map_err(|e| Skip::NotCollected(e.message))?;
    Ok(Loaded {
        descriptors: d,
        root_dn: &root.distinguished_name,
        root: parsed,
    })
}

/// Why a rule could not run.
pub enum Skip {
    /// A fact is missing or unreadable.
    NotCollected(String),
    /// The collector reported the descriptors unavailable.
    Unavailable(String),
}

impl Skip {
    /// The Skipped result of `rule` for `target`.
    pub fn result(&self, rule: &Rule, target: &str) -> CheckResult {
        match self {
            Skip::NotCollected(why) => rule.not_collected(target, why),
            Skip::Unavailable(reason) => {
                rule.unavailable(target, &format!("Descriptors of {target}"), reason)
            }
        }
    }
}

/// Evaluates PERM-DOMAIN-ROOT, PERM-OU and PERM-ADMINSDHOLDER.
pub fn evaluate(ctx: &Ctx) -> Vec<CheckResult> {
    let all = [&DOMAIN_ROOT, &OU, &ADMINSDHOLDER];
    for_each_domain(ctx, &all, |entry, domain, notes| {
        let name = &entry.name;
        let id = match account::for_domain(ctx, entry, domain) {
            Ok(id) => id,
            Err(why) => return all.iter().map(|r| r.not_collected(name, &why)).collect(),
        };
        let loaded = match load(domain, notes) {
            Ok(l) => l,
            Err(skip) => return all.iter().map(|r| skip.result(r, name)).collect(),
        };
        let mut out = vec![root_rights(name, &loaded, &id)];
        out.extend(ou_rights(ctx, entry, domain, &loaded, &id));
        out.push(admin_sd_holder(name, &loaded, &id));
        out
    })
}

fn described(checks: &[&Check]) -> String {
    join_list(&checks.iter().map(|c| c.describe()).collect::<Vec<_>>())
}

fn root_rights(name: &str, l: &Loaded, id: &Identity) -> CheckResult {
    let user = rights::new_user(&l.root, guids::CLASS_USER);
    let mut checks = rights::user_rights(&user, guids::CLASS_USER, &id.subject);
    let missing: Vec<&Check> = checks.iter().filter(|c| c.missing()).collect();
    let missing_text = described(&missing);
    let n_missing = missing.len();
    let unexpire = rights::unexpire_on_root(&l.root, &id.subject);
    let unexpire_missing = unexpire.missing();
    checks.push(unexpire);
    let names = rights::missing_names(&checks);
    let cmds = remediation::commands(&id.grantee, Target::Root(l.root_dn), l.root_dn, &names);
    let acct = &id.label;
    let root = l.root_dn;
    let f = if n_missing > 0 {
        fail(
            "RightsMissing",
            format!("{acct} lacks writeback rights below the root of {name}"),
            format!("A new user directly below {root} would not give {acct}: {missing_text}. Writeback fails for such users with event 33004 (the management agent was denied access)."),
            remediation::text(&cmds, None),
        )
    } else if unexpire_missing {
        warn(
            "UnexpireMissing",
            format!("{acct} has the user rights below {name}, but not Unexpire Password on the root"),
            format!("Reset Password, Change Password, Write lockoutTime and Write pwdLastSet reach new users below {root}; Unexpire Password is not granted on the root itself. {UNEXPIRE_NOTE}"),
            remediation::text(&cmds, None),
        )
    } else {
        pass(
            "AllRights",
            format!("{acct} has every writeback right below the root of {name}"),
            format!("A new user directly below {root} gives {acct} Reset Password, Change Password, Write lockoutTime and Write pwdLastSet, and the root grants Unexpire Password."),
        )
    };
    DOMAIN_ROOT.emit(
        name,
        f.with("Account", acct.clone())
            .with("Connector", id.connector.clone())
            .with("GroupsKnown", id.groups_known)
            .with("DistinguishedName", root)
            .with(
                "ReadFrom",
                l.descriptors.read_from.clone().unwrap_or_default(),
            )
            .with("Rights", rights::evidence(&checks))
            .with("RemediationCommands", crate::rules::strings(&cmds)),
    )
}

/// A container's descriptor recomputed from the root, and what blocks inheritance.
#[derive(Debug, Clone)]
pub struct Walked {
    /// The recomputed descriptor; `Err` when a descriptor on the way could not be read.
    pub sd: Result<SecurityDescriptor, String>,
    /// Containers on the way (this one included) whose DACL is protected (`D:P`).
    pub blocked: Vec<String>,
    /// Containers on the way that were not collected.
    pub uncollected: Vec<String>,
}

/// Recomputes container descriptors from the root down, caching each by DN.
pub struct Walker<'a> {
    root: &'a SecurityDescriptor,
    root_dn: String,
    index: HashMap<String, &'a DescriptorObject>,
    cache: HashMap<String, Walked>,
}

impl<'a> Walker<'a> {
    /// A walker over the collected containers of `l`.
    pub fn new(l: &'a Loaded) -> Self {
        Walker {
            root: &l.root,
            root_dn: l.root_dn.to_ascii_lowercase(),
            index: l
                .descriptors
                .containers
                .iter()
                .map(|c| (c.distinguished_name.to_ascii_lowercase(), c))
                .collect(),
            cache: HashMap::new(),
        }
    }

    /// The descriptor of the container `dn` (the root for the root's DN).
    pub fn walk(&mut self, dn: &str) -> Walked {
        let key = dn.to_ascii_lowercase();
        if key == self.root_dn || !key.ends_with(&self.root_dn) {
            return Walked {
                sd: Ok(self.root.clone()),
                blocked: Vec::new(),
                uncollected: Vec::new(),
            };
        }
        if let Some(w) = self.cache.get(&key) {
            return w.clone();
        }
        let parent_dn = suffixes(dn)
            .get(1)
            .map(|s| s.to_string())
            .unwrap_or_default();
        let mut w = self.walk(&parent_dn);
        if let Ok(parent) = &w.sd {
            w.sd = match self.index.get(&key) {
                Some(obj) => match descriptor::decode(&obj.descriptor, &obj.distinguished_name) {
                    Ok(own) => {
                        if own.is_protected() {
                            w.blocked.push(obj.distinguished_name.clone());
                        }
                        let class = rights::container_class(obj.object_class.as_deref());
                        Ok(rights::container_below(parent, class, Some(&own)))
                    }
                    Err(e) => Err(e.message),
                },
                None => {
                    w.uncollected.push(dn.to_string());
                    Ok(rights::container_below(
                        parent,
                        guids::CLASS_ORGANIZATIONAL_UNIT,
                        None,
                    ))
                }
            };
        }
        self.cache.insert(key, w.clone());
        w
    }
}

fn ou_rights(
    ctx: &Ctx,
    entry: &DomainEntry,
    domain: &Domain,
    l: &Loaded,
    id: &Identity,
) -> Vec<CheckResult> {
    let name = &entry.name;
    let scope = scope_of(ctx, entry, domain);
    let in_scope: Vec<&DescriptorObject> = l
        .descriptors
        .containers
        .iter()
        .filter(|c| {
            scope
                .as_ref()
                .is_none_or(|(s, _)| s.contains(&c.distinguished_name))
        })
        .collect();
    if in_scope.is_empty() {
        return vec![OU.not_collected(
            name,
            &format!("the snapshot's Descriptors of {name} hold no container in the sync scope"),
        )];
    }
    let at_root = rights::user_rights(
        &rights::new_user(&l.root, guids::CLASS_USER),
        guids::CLASS_USER,
        &id.subject,
    );
    let mut walker = Walker::new(l);
    in_scope
        .iter()
        .map(|c| {
            let dn = &c.distinguished_name;
            let w = walker.walk(dn);
            let sd = match &w.sd {
                Ok(sd) => sd,
                Err(why) => return OU.not_collected(dn, why),
            };
            let checks = rights::user_rights(&rights::new_user(sd, guids::CLASS_USER), guids::CLASS_USER, &id.subject);
            let missing: Vec<&Check> = checks.iter().filter(|c| c.missing()).collect();
            let names = rights::missing_names(&checks);
            let blocked_cause = !w.blocked.is_empty()
                && missing.iter().any(|m| at_root.iter().any(|r| r.right == m.right && !r.missing()));
            let blocker = w.blocked.last().cloned();
            let target = match &blocker {
                Some(b) => Target::Container(b),
                None => Target::Root(l.root_dn),
            };
            let cmds = remediation::commands(&id.grantee, target, l.root_dn, &names);
            let acct = &id.label;
            let f = if missing.is_empty() {
                pass(
                    "AllRights",
                    format!("{acct} has the writeback rights in {dn}"),
                    format!("A new user in {dn} gives {acct} Reset Password, Change Password, Write lockoutTime and Write pwdLastSet."),
                )
            } else if blocked_cause {
                let b = blocker.clone().unwrap_or_default();
                fail(
                    "InheritanceBlocked",
                    format!("Inheritance is disabled above users in {dn}"),
                    format!("A new user in {dn} would not give {acct}: {}. The domain root grants them, but inheritance is disabled (D:P) on {b}, so the root's ACEs do not reach users there.", described(&missing)),
                    remediation::text(&cmds, Some(&b)),
                )
            } else {
                let fix = match remediation::deny_note(&checks) {
                    Some(note) => format!("{note}\n{}", remediation::text(&cmds, blocker.as_deref())),
                    None => remediation::text(&cmds, blocker.as_deref()),
                };
                fail(
                    "RightsMissing",
                    format!("{acct} lacks writeback rights in {dn}"),
                    format!("A new user in {dn} would not give {acct}: {}.", described(&missing)),
                    fix,
                )
            };
            OU.emit(
                dn,
                f.with("Domain", name.clone())
                    .with("Account", acct.clone())
                    .with("InheritanceDisabledOn", crate::rules::strings(&w.blocked))
                    .with("NotCollectedAncestors", crate::rules::strings(&w.uncollected))
                    .with("ScopeSource", scope.as_ref().map_or("NoScope", |(_, s)| *s))
                    .with("Rights", rights::evidence(&checks))
                    .with("RemediationCommands", crate::rules::strings(&cmds)),
            )
        })
        .collect()
}

fn admin_sd_holder(name: &str, l: &Loaded, id: &Identity) -> CheckResult {
    let Some(obj) = &l.descriptors.admin_sd_holder else {
        return ADMINSDHOLDER
            .not_collected(name, "the snapshot's Descriptors have no AdminSdHolder");
    };
    let holder = match descriptor::decode(&obj.descriptor, "Descriptors.AdminSdHolder") {
        Ok(sd) => sd,
        Err(e) => return ADMINSDHOLDER.not_collected(name, &e.message),
    };
    // SDProp stamps AdminSDHolder's explicit ACL on each protected object, protected.
    let explicit = holder
        .aces()
        .iter()
        .filter(|a| !a.is_inherited())
        .cloned()
        .collect();
    let stamped = SecurityDescriptor::from_dacl(
        AclFlags {
            protected: true,
            ..Default::default()
        },
        explicit,
    );
    let checks = rights::user_rights(&stamped, guids::CLASS_USER, &id.subject);
    // Change Password reaches every account through Everyone by default; the other three
    // are what a grant on AdminSDHolder adds.
    let granted: Vec<&Check> = checks
        .iter()
        .filter(|c| !c.missing() && c.right.right != crate::sddl::Right::CHANGE_PASSWORD)
        .collect();
    let acct = &id.label;
    let f = if granted.is_empty() {
        pass(
            "NotGranted",
            format!("AdminSDHolder of {name} gives {acct} no writeback rights"),
            format!("Protected users (adminCount=1) carry AdminSDHolder's ACL, which grants {acct} neither Reset Password nor Write lockoutTime nor Write pwdLastSet. That is the recommended setup: writeback does not reset protected accounts, by design."),
        )
    } else {
        warn(
            "Granted",
            format!("AdminSDHolder of {name} gives {acct} writeback rights"),
            format!("AdminSDHolder grants {acct} {} on every protected account (adminCount=1). Writeback still does not reset protected accounts, by design, so this only widens what the connector account can do to privileged accounts; Microsoft advises against -IncludeAdminSdHolders.", described(&granted)),
            format!("Remove the connector account's ACEs from {} (ADUC > System > AdminSDHolder > Security), then let SDProp re-stamp the protected accounts (within an hour).", obj.distinguished_name),
        )
    };
    ADMINSDHOLDER.emit(
        name,
        f.with("Account", acct.clone())
            .with("DistinguishedName", obj.distinguished_name.clone())
            .with("Rights", rights::evidence(&checks)),
    )
}
