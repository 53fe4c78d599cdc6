//! "Network access: Restrict clients allowed to make remote calls to SAM" on the domain
//! controllers: Microsoft's troubleshooting page asks to check the policy on the Entra
//! Connect server *and* the DCs (SSPR_0029, cause 3). The collector reads `RestrictRemoteSam`
//! remotely on each domain's PDC emulator (every writable DC with `-AllDomainControllers`);
//! each DC read gives one result, judged for the AD DS connector accounts that sync its
//! domain with the same SDDL logic as the Connect server's rule.
//!
//! Windows' default when the value is absent, on a domain controller: every client may make
//! remote SAM calls. [MS-SAMR] 3.1.1.11 "Server Access Control List": the default grants
//! STANDARD_RIGHTS_READ to all clients on a DC, and only to BUILTIN\Administrators on other
//! machines (<https://learn.microsoft.com/openspecs/windows_protocols/ms-samr/1ed7ed5b-d7b5-444f-86b8-ebe8bad1403a>,
//! read 2026-12-02).

use super::sam::{allowed_trustees, judge, Verdict};
use super::sddl::{parse_dacl, trustee_name};
use super::{
    dn_to_dns, docs, fail, for_each_domain, join_list, pass, skipped, strings, warn, Ctx, Rule,
};
use crate::api::CheckResult;
use crate::probe::Finding;
use crate::snapshot::connect::Fact;
use crate::snapshot::directory::{ConnectorAccount, DcRegistryEntry, Domain, DomainEntry};
use crate::snapshot::Notes;

/// PRE-RESTRICTREMOTESAM-DC.
pub const RESTRICT_REMOTE_SAM_DC: Rule = Rule {
    id: "PRE-RESTRICTREMOTESAM-DC",
    check: "Sam",
    summary: "RestrictRemoteSam on the domain controllers admits the connector account",
    docs: docs::SSPR_0029,
};

/// Where Windows' default for an absent value on a DC is specified.
pub const DC_DEFAULT_SOURCE: &str =
    "https://learn.microsoft.com/openspecs/windows_protocols/ms-samr/1ed7ed5b-d7b5-444f-86b8-ebe8bad1403a";

const FIX: &str = "In the GPO that applies \"Network access: Restrict clients allowed to make remote calls to SAM\" to the domain controllers (often the Default Domain Controllers Policy or a hardening baseline), add the AD DS connector account (or a group it is in) with Remote Access: Allow, or remove the setting from the GPO and then delete HKLM\\System\\CurrentControlSet\\Control\\Lsa\\RestrictRemoteSam on each DC (deleting only the value does not last: the GPO writes it back). Check every writable DC, not only this one.";

const MANUAL: &str = "On the DC, run Get-ItemProperty -Path HKLM:\\System\\CurrentControlSet\\Control\\Lsa -Name RestrictRemoteSam (no value: not restricted).";

/// Evaluates the rule: one result per domain controller read.
pub fn evaluate(ctx: &Ctx) -> Vec<CheckResult> {
    let accounts: Vec<(Vec<String>, ConnectorAccount)> = ctx
        .snapshot
        .active_directory
        .data()
        .map(|ad| {
            ad.connectors
                .iter()
                .filter_map(|k| {
                    let domains = k.partitions.iter().map(|p| dn_to_dns(&p.dn)).collect();
                    k.account.clone().map(|a| (domains, a))
                })
                .collect()
        })
        .unwrap_or_default();
    for_each_domain(ctx, &[&RESTRICT_REMOTE_SAM_DC], |entry, domain, notes| {
        domain_results(entry, domain, notes, &accounts)
    })
}

/// The connector accounts that sync `domain`: those whose connector has a partition for it,
/// else every account (the partitions were not read).
fn accounts_for<'a>(
    domain: &str,
    accounts: &'a [(Vec<String>, ConnectorAccount)],
) -> Vec<&'a ConnectorAccount> {
    let syncing: Vec<&ConnectorAccount> = accounts
        .iter()
        .filter(|(domains, _)| domains.iter().any(|d| d.eq_ignore_ascii_case(domain)))
        .map(|(_, a)| a)
        .collect();
    if syncing.is_empty() {
        accounts.iter().map(|(_, a)| a).collect()
    } else {
        syncing
    }
}

fn domain_results(
    entry: &DomainEntry,
    domain: &Domain,
    notes: &Notes,
    accounts: &[(Vec<String>, ConnectorAccount)],
) -> Vec<CheckResult> {
    let Some(reads) = &domain.dc_registry else {
        return vec![RESTRICT_REMOTE_SAM_DC
            .not_collected(&entry.name, &notes.why_missing("DomainControllerRegistry"))];
    };
    if reads.is_empty() {
        return vec![RESTRICT_REMOTE_SAM_DC.not_collected(
            &entry.name,
            &format!(
                "the snapshot lists no domain controller registry read for {}",
                entry.name
            ),
        )];
    }
    let writable = domain.domain_controllers.as_ref().map(|dcs| {
        dcs.iter()
            .filter(|d| d.is_read_only != Some(true))
            .map(|d| d.host_name.clone())
            .collect::<Vec<_>>()
    });
    let unread: Vec<String> = writable
        .unwrap_or_default()
        .into_iter()
        .filter(|h| !reads.iter().any(|r| r.host_name.eq_ignore_ascii_case(h)))
        .collect();
    let accounts = accounts_for(&entry.name, accounts);
    reads
        .iter()
        .map(|read| {
            let is_pdc = read.is_pdc_emulator.unwrap_or_else(|| {
                domain
                    .pdc_emulator
                    .as_deref()
                    .is_some_and(|p| p.eq_ignore_ascii_case(&read.host_name))
            });
            let mut f = judge_dc(read, domain, &accounts)
                .with("DomainController", read.host_name.clone())
                .with("IsPdcEmulator", is_pdc)
                .with("Domain", entry.name.clone());
            if !unread.is_empty() {
                f.message.push_str(&format!(
                    " Not read: {} (collect with -AllDomainControllers to check every writable DC).",
                    join_list(&unread)
                ));
                f = f.with("UnreadDomainControllers", strings(&unread));
            }
            RESTRICT_REMOTE_SAM_DC.emit(&read.host_name, f)
        })
        .collect()
}

fn judge_dc(read: &DcRegistryEntry, domain: &Domain, accounts: &[&ConnectorAccount]) -> Finding {
    let dc = &read.host_name;
    let registry = match read.section.get() {
        Ok((registry, _)) => registry,
        Err(reason) => {
            return skipped(
                "DcUnreadable",
                format!("RestrictRemoteSam on {dc}: not checked"),
                format!(
                    "Not checked: the registry of {dc} could not be read ({}). {MANUAL}",
                    super::trim_stop(reason)
                ),
            )
            .with("Reason", reason);
        }
    };
    let sddl = match &registry.restrict_remote_sam {
        Fact::NotCollected => {
            return skipped(
                "NotCollected",
                format!("RestrictRemoteSam on {dc}: not checked"),
                format!("Not checked: the snapshot has no RestrictRemoteSam for {dc}. {MANUAL}"),
            )
        }
        Fact::Absent => None,
        Fact::Present(s) if s.trim().is_empty() => None,
        Fact::Present(s) => Some(s.trim().to_string()),
    };
    let Some(sddl) = sddl else {
        return pass(
            "NotSet",
            format!("Remote SAM calls are not restricted on {dc}"),
            format!("RestrictRemoteSam is not set on {dc}, so the DC applies Windows' default, which on a domain controller lets every client make remote SAM calls; it does not block the connector account."),
        )
        .with("RestrictRemoteSam", serde_json::Value::Null)
        .with("DefaultSource", DC_DEFAULT_SOURCE);
    };
    let Some(aces) = parse_dacl(&sddl) else {
        return warn(
            "Unparsable",
            format!("RestrictRemoteSam on {dc} could not be read"),
            format!("RestrictRemoteSam on {dc} is {sddl:?}, which is not a security descriptor this check understands, so whether it admits the connector account is unknown."),
            FIX,
        )
        .with("RestrictRemoteSam", sddl);
    };
    let trustees = allowed_trustees(&aces);
    let allowed: Vec<String> = trustees.iter().map(|t| trustee_name(t)).collect();
    let f = if accounts.is_empty() {
        warn(
            "AccountUnknown",
            format!("RestrictRemoteSam is set on {dc}; the connector account is not known"),
            format!("RestrictRemoteSam on {dc} grants remote SAM access only to {}. The snapshot does not name the AD DS connector account, so whether it is admitted is unknown; if it is not, writeback fails with SSPR_0029 and event 6329 (ERROR_ACCESS_DENIED).", join_list(&allowed)),
            FIX,
        )
    } else {
        judge_accounts(dc, &aces, domain, accounts, &allowed)
    };
    f.with("RestrictRemoteSam", sddl)
        .with("AllowedTrustees", strings(&trustees))
}

/// One finding for every account: the worst verdict decides, and the message names each.
fn judge_accounts(
    dc: &str,
    aces: &[super::sddl::Ace],
    domain: &Domain,
    accounts: &[&ConnectorAccount],
    allowed: &[String],
) -> Finding {
    let verdicts: Vec<(String, Verdict)> = accounts
        .iter()
        .map(|a| (a.label(), judge(aces, a, domain.domain_sid.as_deref())))
        .collect();
    let names = |want: fn(&Verdict) -> bool| -> Vec<String> {
        verdicts
            .iter()
            .filter(|(_, v)| want(v))
            .map(|(n, _)| n.clone())
            .collect()
    };
    let denied: Vec<String> = verdicts
        .iter()
        .filter_map(|(n, v)| match v {
            Verdict::Denied(by) => Some(format!("{n} (through {})", trustee_name(by))),
            _ => None,
        })
        .collect();
    let excluded = names(|v| *v == Verdict::Excluded);
    let unknown = names(|v| *v == Verdict::SidUnknown);
    let symptoms = "Writeback then fails with SSPR_0029, event 33004 and event 6329 (\"Failed to acquire user information ... ERROR_ACCESS_DENIED\") whenever the connector uses this DC.";
    let f = if !denied.is_empty() {
        fail(
            "AccountDenied",
            format!("RestrictRemoteSam on {dc} denies the connector account"),
            format!(
                "RestrictRemoteSam on {dc} denies remote SAM access to {}. {symptoms}",
                join_list(&denied)
            ),
            FIX,
        )
    } else if !excluded.is_empty() {
        fail(
            "AccountExcluded",
            format!("RestrictRemoteSam on {dc} excludes the connector account"),
            format!("RestrictRemoteSam on {dc} grants remote SAM access only to {}, and {} is not among them. {symptoms}", join_list(allowed), join_list(&excluded)),
            FIX,
        )
    } else if !unknown.is_empty() {
        warn(
            "AccountSidUnknown",
            format!("RestrictRemoteSam is set on {dc}; the connector account's SID is not known"),
            format!("RestrictRemoteSam is set on {dc}, but the snapshot has no SID for {}, so whether it is admitted is unknown.", join_list(&unknown)),
            FIX,
        )
    } else {
        let by: Vec<String> = verdicts
            .iter()
            .filter_map(|(n, v)| match v {
                Verdict::Allowed(t) => Some(format!("{n} through {}", trustee_name(t))),
                _ => None,
            })
            .collect();
        pass(
            "AccountAllowed",
            format!("RestrictRemoteSam on {dc} admits the connector account"),
            format!(
                "RestrictRemoteSam is set on {dc}, and it grants remote SAM access to {}.",
                join_list(&by)
            ),
        )
    };
    let accounts: Vec<String> = verdicts.iter().map(|(n, _)| n.clone()).collect();
    f.with("Accounts", strings(&accounts))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot;
    use serde_json::{json, Value};

    const DOMAIN_SID: &str = "S-1-5-21-1004336348-1177238915-682003330";

    fn snapshot_with(reads: Value, dcs: Value) -> Value {
        json!({
            "SchemaVersion": 1,
            "CollectedAt": "2026-11-25T09:30:00Z",
            "ActiveDirectory": {
                "Forests": [{
                    "Forest": {"Name": "contoso.com"},
                    "Domains": [{
                        "Domain": {"DNSRoot": "contoso.com", "DistinguishedName": "DC=contoso,DC=com",
                                   "PDCEmulator": "DC01.contoso.com", "DomainSID": DOMAIN_SID},
                        "DomainControllers": dcs,
                        "DomainControllerRegistry": reads
                    }]
                }],
                "Connectors": [{
                    "ConnectorName": "contoso.com",
                    "Account": {"SamAccountName": "MSOL_1a2b3c4d5e6f", "Domain": "contoso.com",
                                "SID": format!("{DOMAIN_SID}-1105"), "GroupSids": [format!("{DOMAIN_SID}-513")]},
                    "Partitions": [{"DN": "DC=contoso,DC=com"}]
                }]
            }
        })
    }

    fn two_dcs() -> Value {
        json!([
            {"HostName": "DC01.contoso.com", "IsReadOnly": false, "OperationMasterRoles": [0]},
            {"HostName": "DC02.contoso.com", "IsReadOnly": false},
            {"HostName": "RODC01.contoso.com", "IsReadOnly": true}
        ])
    }

    fn pdc(value: Value) -> Value {
        json!([{"HostName": "DC01.contoso.com", "IsPdcEmulator": true, "Status": "Collected", "RestrictRemoteSam": value}])
    }

    fn run(doc: &Value) -> Vec<CheckResult> {
        let snap = snapshot::decode(doc).expect("snapshot decodes");
        evaluate(&Ctx::new(&snap))
    }

    fn outcome(r: &CheckResult) -> (String, String) {
        (
            format!("{:?}", r.status),
            r.evidence
                .get("Outcome")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
        )
    }

    fn one(doc: &Value) -> CheckResult {
        let mut out = run(doc);
        assert_eq!(out.len(), 1, "{out:?}");
        out.remove(0)
    }

    #[test]
    fn an_absent_value_on_a_dc_is_windows_default_which_admits_everyone() {
        let r = one(&snapshot_with(pdc(Value::Null), two_dcs()));
        assert_eq!(r.id, "PRE-RESTRICTREMOTESAM-DC");
        assert_eq!(r.target, "DC01.contoso.com");
        assert_eq!(outcome(&r), ("Pass".into(), "NotSet".into()));
        assert_eq!(r.evidence["DefaultSource"], json!(DC_DEFAULT_SOURCE));
        assert_eq!(r.evidence["IsPdcEmulator"], json!(true));
        // Only the PDC emulator was read: the other writable DC is named, the RODC is not.
        assert_eq!(
            r.evidence["UnreadDomainControllers"],
            json!(["DC02.contoso.com"])
        );
        assert!(r.message.contains("-AllDomainControllers"), "{}", r.message);
    }

    #[test]
    fn the_dcs_sddl_is_judged_for_the_connector_account() {
        let excluded = one(&snapshot_with(
            pdc(json!("O:BAG:BAD:(A;;RC;;;BA)")),
            two_dcs(),
        ));
        assert_eq!(
            outcome(&excluded),
            ("Fail".into(), "AccountExcluded".into())
        );
        assert!(excluded.message.contains("contoso.com\\MSOL_1a2b3c4d5e6f"));
        assert!(excluded.remediation.contains("domain controllers"));
        let by_sid = one(&snapshot_with(
            pdc(json!(format!(
                "O:BAG:BAD:(A;;RC;;;BA)(A;;RC;;;{DOMAIN_SID}-1105)"
            ))),
            two_dcs(),
        ));
        assert_eq!(outcome(&by_sid), ("Pass".into(), "AccountAllowed".into()));
        // DU on a DC is the DC's own domain's Domain Users, which the account is in.
        let by_alias = one(&snapshot_with(
            pdc(json!("O:BAG:BAD:(A;;RC;;;DU)")),
            two_dcs(),
        ));
        assert_eq!(outcome(&by_alias), ("Pass".into(), "AccountAllowed".into()));
        let denied = one(&snapshot_with(
            pdc(json!(format!(
                "O:BAG:BAD:(A;;RC;;;AU)(D;;RC;;;{DOMAIN_SID}-513)"
            ))),
            two_dcs(),
        ));
        assert_eq!(outcome(&denied), ("Fail".into(), "AccountDenied".into()));
        let garbage = one(&snapshot_with(pdc(json!("garbage")), two_dcs()));
        assert_eq!(outcome(&garbage), ("Warning".into(), "Unparsable".into()));
    }

    #[test]
    fn every_dc_read_gives_its_own_result_and_unreadable_ones_are_skipped_with_the_reason() {
        let reads = json!([
            {"HostName": "DC01.contoso.com", "IsPdcEmulator": true, "Status": "Collected", "RestrictRemoteSam": null},
            {"HostName": "DC02.contoso.com", "IsPdcEmulator": false, "Status": "Collected", "RestrictRemoteSam": "O:BAG:BAD:(A;;RC;;;BA)"},
            {"HostName": "DC03.contoso.com", "IsPdcEmulator": false, "Status": "Unavailable",
             "Reason": "access to the registry of DC03.contoso.com was denied to CONTOSO\\admin"}
        ]);
        let out = run(&snapshot_with(reads, two_dcs()));
        let by_target: Vec<(String, (String, String))> =
            out.iter().map(|r| (r.target.clone(), outcome(r))).collect();
        assert_eq!(
            by_target,
            vec![
                ("DC01.contoso.com".into(), ("Pass".into(), "NotSet".into())),
                (
                    "DC02.contoso.com".into(),
                    ("Fail".into(), "AccountExcluded".into())
                ),
                (
                    "DC03.contoso.com".into(),
                    ("Skipped".into(), "DcUnreadable".into())
                ),
            ]
        );
        assert!(
            out[2].message.contains("was denied to CONTOSO\\admin"),
            "{}",
            out[2].message
        );
        assert!(out[2].message.contains("Get-ItemProperty"));
        assert!(out
            .iter()
            .all(|r| !r.evidence.contains_key("UnreadDomainControllers")));
        assert_eq!(out[1].evidence["IsPdcEmulator"], json!(false));
    }

    #[test]
    fn missing_reads_are_not_collected_and_an_unknown_account_is_a_warning() {
        let mut doc = snapshot_with(Value::Null, two_dcs());
        if let Some(d) = doc.pointer_mut("/ActiveDirectory/Forests/0/Domains/0") {
            if let Some(m) = d.as_object_mut() {
                m.remove("DomainControllerRegistry");
                m.insert(
                    "Errors".into(),
                    json!({"DomainControllerRegistry": "no PDC emulator is known"}),
                );
            }
        }
        let r = one(&doc);
        assert_eq!(outcome(&r), ("Skipped".into(), "NotCollected".into()));
        assert!(
            r.message.contains("no PDC emulator is known"),
            "{}",
            r.message
        );
        let mut doc = snapshot_with(pdc(json!("O:BAG:BAD:(A;;RC;;;BA)")), two_dcs());
        doc["ActiveDirectory"]["Connectors"] = json!([]);
        let r = one(&doc);
        assert_eq!(outcome(&r), ("Warning".into(), "AccountUnknown".into()));
        // A value the collector left out of a collected read.
        let r = one(&snapshot_with(
            json!([{"HostName": "DC01.contoso.com", "Status": "Collected"}]),
            two_dcs(),
        ));
        assert_eq!(outcome(&r), ("Skipped".into(), "NotCollected".into()));
        // Without IsPdcEmulator the domain's PDCEmulator decides.
        let r = one(&snapshot_with(
            json!([{"HostName": "dc01.contoso.com", "Status": "Collected", "RestrictRemoteSam": null}]),
            two_dcs(),
        ));
        assert_eq!(r.evidence["IsPdcEmulator"], json!(true));
    }
}
