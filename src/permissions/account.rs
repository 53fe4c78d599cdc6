//! PERM-ACCOUNT: is the AD DS connector account known well enough to evaluate its
//! rights (its SID and its token groups), and the account that serves each domain.

use super::remediation::Grantee;
use super::rights::Subject;
use crate::api::CheckResult;
use crate::rules::{dn_to_dns, fail, pass, warn, Ctx, Rule};
use crate::sddl::{Domains, Sid, Token};
use crate::snapshot::directory::{AdConnector, Domain, DomainEntry};

/// PERM-ACCOUNT.
pub const ACCOUNT: Rule = Rule {
    id: "PERM-ACCOUNT",
    check: "ConnectorAccount",
    summary: "AD DS connector account known",
    docs: super::docs::CONNECTOR_ACCOUNT,
};

/// The connector account resolved for one domain.
#[derive(Debug, Clone)]
pub struct Identity {
    /// The AD connector's name.
    pub connector: String,
    /// `DOMAIN\name`.
    pub label: String,
    /// For the remediation commands.
    pub grantee: Grantee,
    /// Token and domain SIDs.
    pub subject: Subject,
    /// False when `GroupSids` was not collected (rights held through groups are unseen).
    pub groups_known: bool,
}

fn covers(k: &AdConnector, entry: &DomainEntry, domain: &Domain) -> bool {
    k.partitions.iter().any(|p| {
        domain
            .distinguished_name
            .as_deref()
            .is_some_and(|d| d.eq_ignore_ascii_case(&p.dn))
            || dn_to_dns(&p.dn).eq_ignore_ascii_case(&entry.name)
    })
}

/// Why an account cannot be evaluated, or its token.
fn token_of(k: &AdConnector) -> Result<(Sid, Vec<Sid>, bool), String> {
    let Some(a) = &k.account else {
        return Err(format!(
            "the snapshot has no Account for AD connector {}",
            k.connector_name
        ));
    };
    let Some(text) = &a.sid else {
        return Err(format!(
            "the snapshot has no SID of the connector account {}",
            a.label()
        ));
    };
    let sid = Sid::parse(text)
        .ok_or_else(|| format!("the connector account's SID {text} is not a valid SID"))?;
    let mut groups = Vec::new();
    for g in a.group_sids.iter().flatten() {
        groups.push(
            Sid::parse(g).ok_or_else(|| {
                format!("the connector account's group SID {g} is not a valid SID")
            })?,
        );
    }
    Ok((sid, groups, a.group_sids.is_some()))
}

/// The connector account that syncs `entry`: the AD connector whose partitions cover
/// it, else the only AD connector. `Err` says why there is none.
pub fn for_domain(ctx: &Ctx, entry: &DomainEntry, domain: &Domain) -> Result<Identity, String> {
    let ad = ctx
        .snapshot
        .active_directory
        .data()
        .ok_or_else(|| "the ActiveDirectory section was not collected".to_string())?;
    let k = ad
        .connectors
        .iter()
        .find(|k| covers(k, entry, domain))
        .or_else(|| (ad.connectors.len() == 1).then(|| &ad.connectors[0]))
        .ok_or_else(|| format!("no AD connector in the snapshot covers {}", entry.name))?;
    let (sid, groups, groups_known) = token_of(k)?;
    let account = k.account.clone().unwrap_or_default();
    let domain_sid = domain
        .domain_sid
        .as_deref()
        .and_then(Sid::parse)
        .or_else(|| sid.domain());
    Ok(Identity {
        connector: k.connector_name.clone(),
        label: account.label(),
        grantee: Grantee {
            sam: account.name.clone().unwrap_or_default(),
            domain: account.domain.clone().unwrap_or_else(|| entry.name.clone()),
        },
        subject: Subject {
            token: Token::authenticated(sid, &groups),
            domains: domain_sid.map(Domains::single),
        },
        groups_known,
    })
}

/// Evaluates PERM-ACCOUNT for every AD connector.
pub fn evaluate(ctx: &Ctx) -> Vec<CheckResult> {
    let ad = match ctx.snapshot.active_directory.get() {
        Ok((ad, _)) => ad,
        Err(reason) => {
            return vec![ACCOUNT.unavailable("Active Directory", "ActiveDirectory", reason)]
        }
    };
    if ad.connectors.is_empty() {
        return vec![ACCOUNT.not_collected(
            "Active Directory",
            "the snapshot lists no AD connector (ActiveDirectory.Connectors)",
        )];
    }
    ad.connectors
        .iter()
        .map(|k| {
            let target = &k.connector_name;
            let Some(a) = &k.account else {
                return ACCOUNT.not_collected(target, &format!("the snapshot has no Account for AD connector {target}"));
            };
            if a.sid.is_none() {
                return ACCOUNT.not_collected(target, &format!("the snapshot has no SID of the connector account {}", a.label()));
            }
            let f = match token_of(k) {
                Err(why) => fail(
                    "InvalidSid",
                    format!("The connector account of {target} cannot be evaluated"),
                    format!("{}; rights cannot be evaluated without it.", why),
                    "Collect the snapshot again with Get-WritebackEnvironment; the account's SID and tokenGroups come from Get-ADUser -Properties tokenGroups.",
                ),
                Ok((_, groups, false)) => warn(
                    "GroupsUnknown",
                    format!("The groups of the connector account {} are not known", a.label()),
                    format!("The snapshot has the SID of {} but not its token groups (GroupSids), so rights it holds through groups are not seen and may be reported missing ({} groups).", a.label(), groups.len()),
                    "Collect the snapshot again with an account that may read tokenGroups of the connector account (Get-ADUser <account> -Properties tokenGroups).",
                ),
                Ok((sid, groups, true)) => pass(
                    "AccountKnown",
                    format!("The connector account of {target} is {}", a.label()),
                    format!("{} ({sid}) and its {} token groups are known; its rights are evaluated with them, Everyone, Authenticated Users, NETWORK and This Organization.", a.label(), groups.len()),
                ),
            };
            ACCOUNT.emit(
                target,
                f.with("Account", a.label())
                    .with("Sid", a.sid.clone().unwrap_or_default())
                    .with("GroupSidCount", a.group_sids.as_ref().map_or(0, Vec::len)),
            )
        })
        .collect()
}
