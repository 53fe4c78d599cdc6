//! "Network access: Restrict clients allowed to make remote calls to SAM": when the
//! `RestrictRemoteSam` value is set, it must admit the AD DS connector account.

use super::sddl::{access, parse_dacl, trustee_name, Access, Ace};
use super::{docs, fail, join_list, pass, strings, warn, Ctx, Rule};
use crate::api::CheckResult;
use crate::snapshot::connect::Fact;
use crate::snapshot::directory::ConnectorAccount;

/// PRE-RESTRICTREMOTESAM.
pub const RESTRICT_REMOTE_SAM: Rule = Rule {
    id: "PRE-RESTRICTREMOTESAM",
    check: "Sam",
    summary: "RestrictRemoteSam admits the connector account",
    docs: docs::SSPR_0029,
};

const FIX: &str = "In the GPO that sets \"Network access: Restrict clients allowed to make remote calls to SAM\", add the AD DS connector account (or a group it is in) with Remote Access: Allow, or remove the setting from the GPO and then delete HKLM\\System\\CurrentControlSet\\Control\\Lsa\\RestrictRemoteSam (deleting only the value does not last: the GPO writes it back). Check the same policy on the domain controllers.";

/// SIDs every domain account carries in a network logon token, besides its own groups:
/// Everyone, Authenticated Users, Network and (by default membership of Authenticated
/// Users) Builtin\Users.
const IMPLICIT_SIDS: &[&str] = &["S-1-1-0", "S-1-5-11", "S-1-5-2", "S-1-5-32-545"];

fn domain_of(sid: &str) -> Option<String> {
    sid.starts_with("S-1-5-21-")
        .then(|| sid.rsplit_once('-').map(|(d, _)| d.to_string()))
        .flatten()
}

/// How a RestrictRemoteSam DACL treats one connector account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Verdict {
    /// An allow ACE for one of the account's SIDs; the trustee that matched.
    Allowed(String),
    /// A deny ACE for one of the account's SIDs; the trustee that matched.
    Denied(String),
    /// No ACE grants remote access to any of the account's SIDs.
    Excluded,
    /// The snapshot has no SID for the account.
    SidUnknown,
}

/// Judges `acct` against `aces`. Its network logon token holds its SID, its groups
/// (tokenGroups), the implicit SIDs and its domain's Domain Users; `alias_domain`
/// resolves the descriptor's domain-relative aliases (DU, DA, ...), the account's own
/// domain when `None`.
pub(super) fn judge(aces: &[Ace], acct: &ConnectorAccount, alias_domain: Option<&str>) -> Verdict {
    let Some(sid) = &acct.sid else {
        return Verdict::SidUnknown;
    };
    let domain = domain_of(sid);
    let mut token: Vec<String> = vec![sid.clone()];
    token.extend(acct.group_sids.clone().unwrap_or_default());
    token.extend(IMPLICIT_SIDS.iter().map(|s| s.to_string()));
    if let Some(d) = &domain {
        token.push(format!("{d}-513"));
    }
    match access(aces, &token, alias_domain.or(domain.as_deref())) {
        Access::Allowed(by) => Verdict::Allowed(by),
        Access::Denied(by) => Verdict::Denied(by),
        Access::NotListed => Verdict::Excluded,
    }
}

/// The trustees a DACL grants remote SAM access to.
pub(super) fn allowed_trustees(aces: &[Ace]) -> Vec<String> {
    aces.iter()
        .filter(|a| a.allow && a.grants_remote_access())
        .map(|a| a.trustee.clone())
        .collect()
}

/// Evaluates the RestrictRemoteSam rule (one result per connector account when set).
pub fn evaluate(ctx: &Ctx) -> Vec<CheckResult> {
    let server = ctx.server();
    let (c, notes) = match ctx.snapshot.connect.get() {
        Ok(v) => v,
        Err(reason) => return vec![RESTRICT_REMOTE_SAM.unavailable(&server, "Connect", reason)],
    };
    let sddl = match &c.restrict_remote_sam {
        Fact::NotCollected => {
            return vec![
                RESTRICT_REMOTE_SAM.not_collected(&server, &notes.why_missing("RestrictRemoteSam"))
            ]
        }
        Fact::Absent => None,
        Fact::Present(s) if s.trim().is_empty() => None,
        Fact::Present(s) => Some(s.trim().to_string()),
    };
    let Some(sddl) = sddl else {
        return vec![RESTRICT_REMOTE_SAM.emit(
            &server,
            pass(
                "NotSet",
                "Remote SAM calls are not restricted on this server",
                "RestrictRemoteSam is not set on the Connect server, so it does not block the connector account's SAM lookups. The same policy on a domain controller would; PRE-RESTRICTREMOTESAM-DC checks the DCs.",
            ),
        )];
    };
    let Some(aces) = parse_dacl(&sddl) else {
        return vec![RESTRICT_REMOTE_SAM.emit(
            &server,
            warn(
                "Unparsable",
                "RestrictRemoteSam is set but could not be read",
                format!("RestrictRemoteSam is {sddl:?}, which is not a security descriptor this check understands, so whether it admits the connector account is unknown."),
                FIX,
            )
            .with("RestrictRemoteSam", sddl),
        )];
    };
    let trustees = allowed_trustees(&aces);
    let allowed: Vec<String> = trustees.iter().map(|t| trustee_name(t)).collect();
    let accounts: Vec<ConnectorAccount> = ctx
        .snapshot
        .active_directory
        .data()
        .map(|ad| {
            ad.connectors
                .iter()
                .filter_map(|k| k.account.clone())
                .collect()
        })
        .unwrap_or_default();
    if accounts.is_empty() {
        return vec![RESTRICT_REMOTE_SAM.emit(
            &server,
            warn(
                "AccountUnknown",
                "RestrictRemoteSam is set; the connector account is not known",
                format!("RestrictRemoteSam is set ({sddl}) and grants remote SAM access only to {}. The snapshot does not name the AD DS connector account, so whether it is admitted is unknown; if it is not, writeback fails with SSPR_0029 and event 6329 (ERROR_ACCESS_DENIED).", join_list(&allowed)),
                FIX,
            )
            .with("RestrictRemoteSam", sddl)
            .with("AllowedTrustees", strings(&trustees)),
        )];
    }
    accounts
        .iter()
        .map(|acct| {
            let who = acct.label();
            let f = match judge(&aces, acct, None) {
                Verdict::SidUnknown => warn(
                    "AccountSidUnknown",
                    "RestrictRemoteSam is set; the connector account's SID is not known",
                    format!("RestrictRemoteSam is set ({sddl}), but the snapshot has no SID for {who}, so whether it is admitted is unknown."),
                    FIX,
                ),
                Verdict::Allowed(by) => pass(
                    "AccountAllowed",
                    "RestrictRemoteSam admits the connector account",
                    format!("RestrictRemoteSam is set, and it grants remote SAM access to {who} through {}.", trustee_name(&by)),
                ),
                Verdict::Denied(by) => fail(
                    "AccountDenied",
                    "RestrictRemoteSam denies the connector account",
                    format!("RestrictRemoteSam denies remote SAM access to {who} through {}. Writeback then fails with SSPR_0029, event 33004 and event 6329 (\"Failed to acquire user information ... ERROR_ACCESS_DENIED\").", trustee_name(&by)),
                    FIX,
                ),
                Verdict::Excluded => fail(
                    "AccountExcluded",
                    "RestrictRemoteSam excludes the connector account",
                    format!("RestrictRemoteSam grants remote SAM access only to {}, and {who} is not among them. Writeback then fails with SSPR_0029, event 33004 and event 6329 (\"Failed to acquire user information ... ERROR_ACCESS_DENIED\").", join_list(&allowed)),
                    FIX,
                ),
            };
            RESTRICT_REMOTE_SAM.emit(
                &who,
                f.with("RestrictRemoteSam", sddl.clone())
                    .with("AllowedTrustees", strings(&trustees))
                    .with("Account", who.clone()),
            )
        })
        .collect()
}
