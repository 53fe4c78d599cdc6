//! One user's diagnosis: USER-VERDICT first (every blocking cause named), then the
//! checks it rests on. The on-premises checks are here; the password policy is in
//! [`super::user_policy`], the sync join and the cloud side in [`super::user_sync`].

use super::account::{self, Identity};
use super::domain::{self, Walker};
use super::remediation::{self, Target};
use super::rights::{self, Check};
use super::{descriptor, docs, scope_of, user_policy, user_sync};
use crate::api::{CheckResult, Status};
use crate::error::WbdError;
use crate::probe::Finding;
use crate::rules::ou_names::{reserved_in_path, suffixes};
use crate::rules::{dn_to_dns, fail, join_list, pass, pdc, skipped, warn, Ctx, Rule};
use crate::sddl::{Right, SecurityDescriptor, Trustee};
use crate::snapshot::directory::{Domain, DomainEntry};
use crate::snapshot::permissions::DirectoryUser;
use crate::snapshot::targets::UserTarget;
use crate::snapshot::{Notes, Section};

/// USER-VERDICT.
pub const VERDICT: Rule = Rule {
    id: "USER-VERDICT",
    check: "UserVerdict",
    summary: "writeback for this user",
    docs: docs::TROUBLESHOOT,
};

/// USER-SCOPE.
pub const SCOPE: Rule = Rule {
    id: "USER-SCOPE",
    check: "UserScope",
    summary: "user in the sync scope",
    docs: docs::TROUBLESHOOT,
};

/// USER-RIGHTS.
pub const RIGHTS: Rule = Rule {
    id: "USER-RIGHTS",
    check: "UserRights",
    summary: "connector account's rights on the user",
    docs: docs::CONNECTOR_ACCOUNT,
};

/// USER-PROTECTED.
pub const PROTECTED: Rule = Rule {
    id: "USER-PROTECTED",
    check: "UserProtected",
    summary: "user not protected",
    docs: docs::HOW_WRITEBACK_WORKS,
};

/// USER-INHERITANCE.
pub const INHERITANCE: Rule = Rule {
    id: "USER-INHERITANCE",
    check: "UserInheritance",
    summary: "inheritance on the user",
    docs: docs::CONNECTOR_ACCOUNT,
};

/// USER-CANNOT-CHANGE.
pub const CANNOT_CHANGE: Rule = Rule {
    id: "USER-CANNOT-CHANGE",
    check: "UserCannotChange",
    summary: "user may change the password",
    docs: docs::TROUBLESHOOT,
};

/// USER-ACCOUNT.
pub const ACCOUNT: Rule = Rule {
    id: "USER-ACCOUNT",
    check: "UserAccount",
    summary: "account enabled and unlocked",
    docs: docs::TROUBLESHOOT,
};

/// USER-DN.
pub const DN: Rule = Rule {
    id: "USER-DN",
    check: "UserDn",
    summary: "no reserved characters above the user",
    docs: docs::TROUBLESHOOT,
};

/// USER-DC.
pub const DC: Rule = Rule {
    id: "USER-DC",
    check: "UserDc",
    summary: "the DC writeback writes to",
    docs: crate::rules::docs::GENERAL_STEPS,
};

/// One check's result and, when it blocks writeback, the cause in a few words.
pub type Part = (CheckResult, Option<String>);

/// Where the user was found.
pub struct Found<'a> {
    /// The rule context.
    pub ctx: &'a Ctx<'a>,
    /// The domain entry.
    pub entry: &'a DomainEntry,
    /// The domain's facts.
    pub domain: &'a Domain,
    /// The domain's collection notes.
    pub notes: &'a Notes,
    /// The user.
    pub user: &'a DirectoryUser,
    /// The `UserTargets` entry for the user, if any.
    pub target: Option<&'a UserTarget>,
    /// The name results are reported under.
    pub label: String,
}

fn matches(u: &DirectoryUser, who: &str) -> bool {
    let eq = |v: &Option<String>| v.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(who));
    u.distinguished_name.eq_ignore_ascii_case(who)
        || eq(&u.sam_account_name)
        || eq(&u.user_principal_name)
}

/// Diagnoses the user `who` (sAMAccountName, UPN or DN).
pub fn evaluate(ctx: &Ctx, who: &str) -> Result<Vec<CheckResult>, WbdError> {
    let targets = &ctx.snapshot.user_targets;
    let by_identity = targets
        .iter()
        .find(|t| t.identity.eq_ignore_ascii_case(who));
    let resolved = by_identity
        .and_then(|t| t.section.data())
        .and_then(|f| f.distinguished_name.clone());
    let mut searched = Vec::new();
    let mut found = None;
    if let Some(ad) = ctx.snapshot.active_directory.data() {
        for entry in ad.domains() {
            let Ok((domain, notes)) = entry.section.get() else {
                continue;
            };
            let Some(users) = &domain.users else { continue };
            searched.push(format!("{} ({} users)", entry.name, users.len()));
            let hit = users.iter().find(|u| {
                matches(u, who)
                    || resolved
                        .as_deref()
                        .is_some_and(|dn| u.distinguished_name.eq_ignore_ascii_case(dn))
            });
            if let Some(user) = hit {
                found = Some((entry, domain, notes, user));
                break;
            }
        }
    }
    let Some((entry, domain, notes, user)) = found else {
        if let Some(Section::Unavailable { reason }) = by_identity.map(|t| &t.section) {
            return Ok(vec![VERDICT.emit(
                who,
                skipped(
                    "UserUnavailable",
                    format!("{who}: not diagnosed"),
                    format!(
                        "Not diagnosed: the collector could not read {who} ({}).",
                        crate::rules::trim_stop(reason)
                    ),
                )
                .with("Identity", who)
                .with("Reason", reason.clone()),
            )]);
        }
        let where_ = if searched.is_empty() {
            "no domain of the snapshot has Users".to_string()
        } else {
            join_list(&searched)
        };
        return Err(WbdError::invalid(format!(
            "user '{who}' is not in the snapshot: searched sAMAccountName, UserPrincipalName and DistinguishedName (case-insensitive) of the Users of {where_}"
        )));
    };
    let target = by_identity.or_else(|| {
        targets.iter().find(|t| {
            t.section
                .data()
                .and_then(|f| f.distinguished_name.as_deref())
                .is_some_and(|dn| dn.eq_ignore_ascii_case(&user.distinguished_name))
        })
    });
    let f = Found {
        ctx,
        entry,
        domain,
        notes,
        user,
        target,
        label: user
            .sam_account_name
            .clone()
            .unwrap_or_else(|| user.distinguished_name.clone()),
    };
    let id = account::for_domain(ctx, entry, domain);
    let sd = user
        .descriptor
        .as_ref()
        .map(|d| descriptor::decode(d, "the user's descriptor").map_err(|e| e.message));
    let parts: Vec<Part> = vec![
        scope(&f),
        user_rights(&f, &id, &sd),
        protected(&f),
        inheritance(&f, &id, &sd),
        cannot_change(&f, &sd),
        account_state(&f),
        user_policy::evaluate(&f),
        dn(&f),
        dc(&f),
        user_sync::join(&f),
        user_sync::sspr(&f),
        user_sync::audit(&f),
    ];
    let mut out = vec![verdict(&f, &parts)];
    out.extend(parts.into_iter().map(|(r, _)| r));
    Ok(out)
}

fn verdict(f: &Found, parts: &[Part]) -> CheckResult {
    let causes: Vec<&str> = parts.iter().filter_map(|(_, c)| c.as_deref()).collect();
    let skipped_ids: Vec<&str> = parts
        .iter()
        .filter(|(r, _)| r.status == Status::Skipped)
        .map(|(r, _)| r.id.as_str())
        .collect();
    let dn = &f.user.distinguished_name;
    let rights_unchecked = skipped_ids.contains(&RIGHTS.id);
    let finding = if causes.is_empty() && rights_unchecked {
        warn(
            "NotConfirmed",
            format!("Nothing found that blocks writeback for {}, but its rights were not checked", f.label),
            format!("No check found a cause that blocks writeback for this user ({dn}), but the connector account's rights on it could not be evaluated. Not checked: {}.", join_list(&skipped_ids)),
            "Collect the user's descriptor and the connector account's SID and groups (Get-WritebackEnvironment / Test-WritebackUser on the Connect server), then run this again.",
        )
    } else if causes.is_empty() {
        let note = if skipped_ids.is_empty() {
            String::new()
        } else {
            format!(" Not checked: {}.", join_list(&skipped_ids))
        };
        pass(
            "CanReset",
            format!("Writeback can reset the password of {}", f.label),
            format!("Writeback can reset this user's password ({dn}).{note}"),
        )
    } else {
        let fixes: Vec<String> = parts
            .iter()
            .filter(|(r, c)| c.is_some() && !r.remediation.is_empty())
            .map(|(r, _)| format!("{}: {}", r.id, r.remediation))
            .collect();
        fail(
            "CannotReset",
            format!("Writeback cannot reset the password of {}", f.label),
            format!(
                "Writeback cannot reset this user's password, because {}.",
                join_list(&causes)
            ),
            fixes.join("\n"),
        )
    };
    VERDICT.emit(
        &f.label,
        finding
            .with("DistinguishedName", dn.clone())
            .with("Domain", f.entry.name.clone())
            .with("Causes", crate::rules::strings(&causes))
            .with("NotChecked", crate::rules::strings(&skipped_ids)),
    )
}

fn part(rule: &Rule, f: &Found, finding: Finding, cause: Option<String>) -> Part {
    let finding = finding.with("DistinguishedName", f.user.distinguished_name.clone());
    (rule.emit(&f.label, finding), cause)
}

fn skip(rule: &Rule, f: &Found, why: &str) -> Part {
    (rule.not_collected(&f.label, why), None)
}

fn scope(f: &Found) -> Part {
    let dn = &f.user.distinguished_name;
    let Some((s, source)) = scope_of(f.ctx, f.entry, f.domain) else {
        return skip(
            &SCOPE,
            f,
            &format!(
                "no AD connector partition in the snapshot or the configuration export covers {}",
                f.entry.name
            ),
        );
    };
    let finding = if s.contains(dn) {
        pass(
            "InScope",
            format!("{} is in the sync scope", f.label),
            format!(
                "{dn} is inside the AD connector's OU filter for {}.",
                f.entry.name
            ),
        )
    } else {
        fail(
            "OutOfScope",
            format!("{} is outside the sync scope", f.label),
            format!("{dn} is not inside the AD connector's OU filter for {} (included: {}; excluded: {}), so the sync engine has no object to write the password to.", f.entry.name, if s.inclusions.is_empty() { "the whole domain".into() } else { s.inclusions.join("; ") }, if s.exclusions.is_empty() { "nothing".into() } else { s.exclusions.join("; ") }),
            "Include the user's OU in the AD connector's scope (Entra Connect wizard > Customize synchronization options > Domain and OU filtering), or move the user into a synced OU; then run a sync cycle.",
        )
    };
    let cause = (finding.status == Status::Fail)
        .then(|| "the user is outside the AD connector's sync scope".to_string());
    part(
        &SCOPE,
        f,
        finding
            .with("ScopeSource", source)
            .with("Included", crate::rules::strings(&s.inclusions))
            .with("Excluded", crate::rules::strings(&s.exclusions)),
        cause,
    )
}

/// Where the rights should be granted for this user, and the OU or user that blocks.
fn fix_target(f: &Found, sd: &SecurityDescriptor) -> (Option<String>, String) {
    let root = f.domain.distinguished_name.clone().unwrap_or_default();
    if sd.is_protected() {
        return (Some(f.user.distinguished_name.clone()), root);
    }
    let Ok(loaded) = domain::load(f.domain, f.notes) else {
        return (None, root);
    };
    let root = loaded.root_dn.to_string();
    let parent = suffixes(&f.user.distinguished_name)
        .get(1)
        .map(|s| s.to_string())
        .unwrap_or_default();
    let blocked = Walker::new(&loaded).walk(&parent).blocked.last().cloned();
    (blocked, root)
}

fn user_rights(
    f: &Found,
    id: &Result<Identity, String>,
    sd: &Option<Result<SecurityDescriptor, String>>,
) -> Part {
    let id = match id {
        Ok(id) => id,
        Err(why) => return skip(&RIGHTS, f, why),
    };
    let sd = match sd {
        None => {
            return skip(
                &RIGHTS,
                f,
                "the snapshot has no Sddl or SecurityDescriptor of the user",
            )
        }
        Some(Err(why)) => return skip(&RIGHTS, f, why),
        Some(Ok(sd)) => sd,
    };
    let class = rights::user_class(f.user.object_class.as_deref());
    let checks = rights::user_rights(sd, class, &id.subject);
    let missing: Vec<&Check> = checks.iter().filter(|c| c.missing()).collect();
    let names = rights::missing_names(&checks);
    let acct = &id.label;
    let (blocker, root) = fix_target(f, sd);
    let target = match &blocker {
        Some(b) if b.eq_ignore_ascii_case(&f.user.distinguished_name) => Target::User(b),
        Some(b) => Target::Container(b),
        None => Target::Root(&root),
    };
    let cmds = if f.user.is_protected() {
        Vec::new()
    } else {
        remediation::commands(&id.grantee, target, &root, &names)
    };
    let finding = if missing.is_empty() {
        pass("AllRights", format!("{acct} has the writeback rights on {}", f.label), format!("The user's own descriptor gives {acct} Reset Password, Change Password, Write lockoutTime and Write pwdLastSet."))
    } else {
        let text = join_list(&missing.iter().map(|c| c.describe()).collect::<Vec<_>>());
        fail(
            "RightsMissing",
            format!("{acct} lacks writeback rights on {}", f.label),
            format!("The user's own descriptor does not give {acct}: {text}. Writeback fails with event 33004."),
            if f.user.is_protected() {
                remediation::PROTECTED.to_string()
            } else {
                let fix = remediation::text(&cmds, blocker.as_deref());
                remediation::deny_note(&checks).map_or(fix.clone(), |n| format!("{n}\n{fix}"))
            },
        )
    };
    let cause = (!missing.is_empty()).then(|| {
        format!(
            "the connector account {acct} lacks {} on the user",
            join_list(&names)
        )
    });
    part(
        &RIGHTS,
        f,
        finding
            .with("Account", acct.clone())
            .with(
                "ObjectClass",
                f.user.object_class.clone().unwrap_or_else(|| "user".into()),
            )
            .with("Rights", rights::evidence(&checks))
            .with("RemediationCommands", crate::rules::strings(&cmds)),
        cause,
    )
}

fn protected(f: &Found) -> Part {
    let finding = if f.user.is_protected() {
        fail(
            "Protected",
            format!("{} is a protected account (adminCount=1)", f.label),
            "The account is or was in a protected group such as Domain Admins (adminCount=1). By design, writeback cannot reset its password; there is no fix that makes writeback work for it.",
            remediation::PROTECTED,
        )
    } else {
        pass(
            "NotProtected",
            format!("{} is not a protected account", f.label),
            format!(
                "adminCount is {}.",
                f.user
                    .admin_count
                    .map_or("not set".into(), |n| n.to_string())
            ),
        )
    };
    let cause = f.user.is_protected().then(|| {
        "the account is protected (adminCount=1), which writeback refuses by design".to_string()
    });
    part(
        &PROTECTED,
        f,
        finding.with("AdminCount", f.user.admin_count),
        cause,
    )
}

fn inheritance(
    f: &Found,
    id: &Result<Identity, String>,
    sd: &Option<Result<SecurityDescriptor, String>>,
) -> Part {
    let sd = match sd {
        None => {
            return skip(
                &INHERITANCE,
                f,
                "the snapshot has no Sddl or SecurityDescriptor of the user",
            )
        }
        Some(Err(why)) => return skip(&INHERITANCE, f, why),
        Some(Ok(sd)) => sd,
    };
    let dn = &f.user.distinguished_name;
    if !sd.is_protected() {
        return part(
            &INHERITANCE,
            f,
            pass(
                "InheritanceEnabled",
                format!("Inheritance is enabled on {}", f.label),
                "The user's DACL takes the ACEs its OU and the domain root pass down.",
            ),
            None,
        );
    }
    if f.user.is_protected() {
        let w = warn("AdminSdHolder", format!("Inheritance is disabled on {}, by AdminSDHolder", f.label), "The DACL is protected (D:P), as SDProp sets it on protected accounts; see USER-PROTECTED.", remediation::PROTECTED);
        return part(&INHERITANCE, f, w, None);
    }
    let class = rights::user_class(f.user.object_class.as_deref());
    let missing = match id {
        Ok(id) => rights::missing_names(&rights::user_rights(sd, class, &id.subject)),
        Err(_) => Vec::new(),
    };
    let cmds = match id {
        Ok(id) => remediation::commands(
            &id.grantee,
            Target::User(dn),
            f.domain.distinguished_name.as_deref().unwrap_or_default(),
            &missing,
        ),
        Err(_) => Vec::new(),
    };
    if missing.is_empty() {
        let w = warn("InheritanceDisabled", format!("Inheritance is disabled on {}", f.label), "The user's DACL is protected (D:P). It still gives the connector account the writeback rights, but a later grant on the domain root will not reach it.", format!("Turn inheritance back on unless the block is deliberate: dsacls \"{dn}\" /P:N (or ADUC > Security > Advanced > Enable inheritance)."));
        return part(
            &INHERITANCE,
            f,
            w.with("RemediationCommands", crate::rules::strings(&cmds)),
            None,
        );
    }
    let x = fail("InheritanceDisabled", format!("Inheritance is disabled on {}", f.label), format!("The user's DACL is protected (D:P), so the domain root's writeback ACEs do not reach it; it lacks {}.", join_list(&missing)), remediation::text(&cmds, Some(dn)));
    part(&INHERITANCE, f, x.with("RemediationCommands", crate::rules::strings(&cmds)), Some("inheritance is disabled on the user (D:P), so the domain root's grants do not reach it".into()))
}

fn self_or_everyone(t: &Trustee) -> bool {
    match t {
        Trustee::Alias(_) => matches!(t.alias(), Some("WD") | Some("PS")),
        Trustee::Sid(s) => matches!(s.to_string().as_str(), "S-1-1-0" | "S-1-5-10"),
    }
}

fn cannot_change(f: &Found, sd: &Option<Result<SecurityDescriptor, String>>) -> Part {
    let sd = match sd {
        None => {
            return skip(
                &CANNOT_CHANGE,
                f,
                "the snapshot has no Sddl or SecurityDescriptor of the user",
            )
        }
        Some(Err(why)) => return skip(&CANNOT_CHANGE, f, why),
        Some(Ok(sd)) => sd,
    };
    let denies: Vec<String> = sd
        .aces()
        .iter()
        .enumerate()
        .filter(|(_, a)| {
            a.kind.is_deny() && self_or_everyone(&a.trustee) && Right::CHANGE_PASSWORD.covered_by(a)
        })
        .map(|(i, a)| sd.ace_text(i).unwrap_or_else(|| a.to_string()))
        .collect();
    let dn = &f.user.distinguished_name;
    let finding = if denies.is_empty() {
        pass("CanChange", format!("{} may change the password", f.label), "No ACE denies Change Password to Everyone or SELF (\"User cannot change password\" is off).")
    } else {
        fail(
            "CannotChangePassword",
            format!("\"User cannot change password\" is set on {}", f.label),
            format!("The user's DACL denies Change Password to Everyone or SELF ({}). Writeback refuses such users (ADSync 6329, hr 0x80230619).", denies.join(", ")),
            format!("Clear the flag: Set-ADUser -Identity {} -CannotChangePassword $false (or ADUC > Account > clear \"User cannot change password\").", remediation::ps_quote(dn)),
        )
    };
    let cause = (!denies.is_empty()).then(|| "\"User cannot change password\" is set".to_string());
    part(
        &CANNOT_CHANGE,
        f,
        finding.with("DenyAces", crate::rules::strings(&denies)),
        cause,
    )
}

fn account_state(f: &Found) -> Part {
    let Some(uac) = f.user.user_account_control else {
        return skip(
            &ACCOUNT,
            f,
            "the snapshot has no UserAccountControl of the user",
        );
    };
    let disabled = uac & 0x2 != 0;
    let locked = f.user.lockout_time.is_some_and(|t| t != 0);
    let dn = &f.user.distinguished_name;
    let finding = if disabled {
        fail("Disabled", format!("{} is disabled on-premises", f.label), format!("userAccountControl {uac:#x} has ACCOUNTDISABLE (0x2); writeback refuses disabled accounts (event 33005){}.", if locked { ", and the account is also locked out" } else { "" }), format!("Enable the account: Enable-ADAccount -Identity {}.", remediation::ps_quote(dn)))
    } else if locked {
        warn("LockedOut", format!("{} is locked out on-premises", f.label), "lockoutTime is set: the account is locked out. A password reset alone fails with event 33006 unless the user picks the unlock option; writeback unlocks the account by writing lockoutTime, which the connector account needs Write lockoutTime for.", format!("Let the user choose to unlock the account during SSPR, or unlock it: Unlock-ADAccount -Identity {}.", remediation::ps_quote(dn)))
    } else {
        pass(
            "EnabledUnlocked",
            format!("{} is enabled and not locked out", f.label),
            format!("userAccountControl {uac:#x} has no ACCOUNTDISABLE and lockoutTime is 0."),
        )
    };
    let cause = disabled.then(|| "the account is disabled on-premises".to_string());
    part(
        &ACCOUNT,
        f,
        finding
            .with("UserAccountControl", uac)
            .with("LockoutTime", f.user.lockout_time),
        cause,
    )
}

fn dn(f: &Found) -> Part {
    let bad = reserved_in_path(&f.user.distinguished_name);
    let finding = if bad.is_empty() {
        pass("NoReservedCharacters", format!("No reserved characters above {}", f.label), "The names of the containers above the user have no leading space or #, trailing space, , + \" \\ < > ; = / or line break.")
    } else {
        fail("ReservedCharacters", format!("Reserved characters above {}", f.label), format!("Writeback fails with event 33001 under containers whose names contain reserved characters: {}.", bad.join("; ")), "Rename these OUs without the reserved characters, or move the user to an OU with a plain name; then run a sync cycle.")
    };
    let cause = (!bad.is_empty()).then(|| {
        "a container above the user has reserved characters in its name (event 33001)".to_string()
    });
    part(
        &DN,
        f,
        finding.with("Offending", crate::rules::strings(&bad)),
        cause,
    )
}

fn dc(f: &Found) -> Part {
    let ad = f.ctx.snapshot.active_directory.data();
    let name = &f.entry.name;
    let p = ad.and_then(|ad| {
        ad.connectors
            .iter()
            .flat_map(|k| k.partitions.iter())
            .find(|p| {
                f.domain
                    .distinguished_name
                    .as_deref()
                    .is_some_and(|d| d.eq_ignore_ascii_case(&p.dn))
                    || dn_to_dns(&p.dn).eq_ignore_ascii_case(name)
            })
    });
    let Some(p) = p else {
        return skip(
            &DC,
            f,
            &format!("the snapshot has no AD connector partition settings for {name}"),
        );
    };
    let finding = pdc::partition_verdict(p, Some(f.domain), name)
        .with("PdcEmulator", pdc::pdc_of(f.domain).unwrap_or_default());
    let cause = (finding.status == Status::Fail)
        .then(|| "the domain controller writeback writes to is read-only".to_string());
    part(&DC, f, finding, cause)
}
