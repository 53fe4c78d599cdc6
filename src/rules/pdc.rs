//! The PDC emulator of each domain (known, and reachable from the Connect server on the
//! AD ports when a live run probed it) and the preferred-DC settings of each AD
//! connector partition, which decide where writeback's password sets go.

use super::{
    dn_to_dns, docs, fail, for_each_domain, join_list, pass, skipped, strings, warn, Ctx, Rule,
};
use crate::api::CheckResult;
use crate::snapshot::directory::{Domain, DomainController, DomainEntry, PartitionSettings};

/// PRE-PDC.
pub const PDC: Rule = Rule {
    id: "PRE-PDC",
    check: "Pdc",
    summary: "PDC emulator known",
    docs: docs::GENERAL_STEPS,
};

/// PRE-PDC-REACHABLE.
pub const PDC_REACHABLE: Rule = Rule {
    id: "PRE-PDC-REACHABLE",
    check: "Pdc",
    summary: "PDC emulator reachable on the AD ports",
    docs: docs::PORTS,
};

/// PRE-PREFERRED-DC.
pub const PREFERRED_DC: Rule = Rule {
    id: "PRE-PREFERRED-DC",
    check: "PreferredDc",
    summary: "preferred domain controllers",
    docs: docs::GENERAL_STEPS,
};

/// The ports the Connect server uses towards a DC that matter for writeback.
pub const AD_PORTS: &[(u16, &str)] = &[
    (88, "Kerberos"),
    (135, "RPC endpoint mapper"),
    (389, "LDAP"),
    (445, "SMB"),
];

/// Evaluates the PDC and preferred-DC rules.
pub fn evaluate(ctx: &Ctx) -> Vec<CheckResult> {
    let mut out = for_each_domain(ctx, &[&PDC, &PDC_REACHABLE], |entry, domain, notes| {
        let pdc = pdc_of(domain);
        vec![
            pdc_known(entry, domain, notes, pdc.as_deref()),
            reachable(ctx, entry, pdc.as_deref()),
        ]
    });
    out.extend(preferred(ctx));
    out
}

/// The PDC emulator: `Get-ADDomain`'s PDCEmulator, else the DC holding the role.
pub fn pdc_of(domain: &Domain) -> Option<String> {
    domain
        .pdc_emulator
        .clone()
        .filter(|p| !p.trim().is_empty())
        .or_else(|| {
            domain
                .domain_controllers
                .as_ref()?
                .iter()
                .find(|dc| dc.roles.iter().any(|r| r.is("PDCEmulator")))
                .map(|dc| dc.host_name.clone())
        })
}

/// The DC entry for `host` (full name, or short name against the first label).
pub fn find_dc<'a>(domain: &'a Domain, host: &str) -> Option<&'a DomainController> {
    let short = |h: &str| h.split('.').next().unwrap_or(h).to_ascii_lowercase();
    let dcs = domain.domain_controllers.as_ref()?;
    dcs.iter()
        .find(|dc| dc.host_name.eq_ignore_ascii_case(host))
        .or_else(|| dcs.iter().find(|dc| short(&dc.host_name) == short(host)))
}

fn pdc_known(
    entry: &DomainEntry,
    domain: &Domain,
    notes: &crate::snapshot::Notes,
    pdc: Option<&str>,
) -> CheckResult {
    let name = &entry.name;
    if domain.pdc_emulator.is_none() && domain.domain_controllers.is_none() {
        return PDC.not_collected(name, &notes.why_missing("Domain"));
    }
    let Some(pdc) = pdc else {
        return PDC.emit(
            name,
            fail(
                "PdcUnknown",
                format!("No PDC emulator is known for {name}"),
                format!("Neither Get-ADDomain nor the domain controller list names a PDC emulator for {name}. Password operations and policy checks rely on it, and the older writeback guidance sends password sets to it."),
                "Find the role holder with netdom query fsmo; if the holder is gone, seize the role onto a healthy writable DC (Move-ADDirectoryServerOperationMasterRole -OperationMasterRole PDCEmulator -Force).",
            ),
        );
    };
    let dc = find_dc(domain, pdc);
    let f = match dc {
        Some(d) if d.is_read_only == Some(true) => fail(
            "PdcReadOnly",
            format!("The PDC emulator of {name} is read-only"),
            format!("{pdc} holds the PDC emulator role but is a read-only DC; writeback needs a writable DC."),
            "Transfer the PDC emulator role to a writable DC (Move-ADDirectoryServerOperationMasterRole).",
        ),
        None if domain.domain_controllers.is_some() => warn(
            "PdcNotListed",
            format!("The PDC emulator of {name} is not among its domain controllers"),
            format!("Get-ADDomain names {pdc} as PDC emulator, but the domain controller list does not contain it, which points at a stale role holder."),
            "Check the role holder with netdom query fsmo and dcdiag /test:fsmocheck; seize the role if the holder no longer exists.",
        ),
        _ => pass(
            "PdcKnown",
            format!("The PDC emulator of {name} is {pdc}"),
            format!("{pdc} holds the PDC emulator role for {name}."),
        ),
    };
    PDC.emit(
        name,
        f.with("PdcEmulator", pdc).with(
            "PdcOperatingSystem",
            dc.and_then(|d| d.operating_system.clone())
                .map_or(serde_json::Value::Null, Into::into),
        ),
    )
}

fn reachable(ctx: &Ctx, entry: &DomainEntry, pdc: Option<&str>) -> CheckResult {
    let name = &entry.name;
    let ports: Vec<String> = AD_PORTS.iter().map(|(p, n)| format!("{p} ({n})")).collect();
    let Some(pdc) = pdc else {
        return PDC_REACHABLE.not_collected(name, &format!("no PDC emulator is known for {name}"));
    };
    let manual = format!(
        "On the Connect server run Test-NetConnection {pdc} -Port <port> for ports {}.",
        AD_PORTS
            .iter()
            .map(|(p, _)| p.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let Some(live) = &ctx.snapshot.live else {
        return PDC_REACHABLE.emit(
            name,
            skipped(
                "SavedSnapshot",
                format!("Reachability of {pdc} not tested"),
                format!("Not tested: this is a saved snapshot, and reachability must be probed from the Connect server itself. Run Test-WritebackPrerequisite on the server without -Path, or: {manual}"),
            )
            .with("PdcEmulator", pdc)
            .with("Ports", strings(&ports)),
        );
    };
    let probes: Vec<_> = live.probes_to(pdc).collect();
    if probes.is_empty() {
        return PDC_REACHABLE.emit(
            name,
            skipped(
                "NotProbed",
                format!("Reachability of {pdc} not tested"),
                format!("The live run recorded no probe to {pdc}. {manual}"),
            )
            .with("PdcEmulator", pdc),
        );
    }
    let mut blocked = Vec::new();
    let mut open = Vec::new();
    let mut untested = Vec::new();
    for (port, what) in AD_PORTS {
        match probes.iter().find(|p| p.port == *port) {
            Some(p) if p.connected() => open.push(format!("{port} ({what})")),
            Some(p) => blocked.push(format!("{port} ({what}): {}", p.outcome)),
            None => untested.push(format!("{port} ({what})")),
        }
    }
    let evidence: Vec<serde_json::Value> = probes
        .iter()
        .map(|p| serde_json::json!({"Port": p.port, "Outcome": p.outcome, "Address": p.address}))
        .collect();
    let f = if !blocked.is_empty() {
        fail(
            "PdcPortsBlocked",
            format!("{pdc} is not reachable on every AD port"),
            format!("From the Connect server, {pdc} did not accept connections on {}.", join_list(&blocked)),
            format!("Open TCP {} from the Connect server to {pdc} in every firewall between them (Windows Firewall on the DC included).", AD_PORTS.iter().map(|(p, _)| p.to_string()).collect::<Vec<_>>().join(", ")),
        )
    } else if !untested.is_empty() {
        warn(
            "PartiallyProbed",
            format!("{pdc} was only partly probed"),
            format!(
                "{pdc} accepted {}; {} were not probed.",
                join_list(&open),
                join_list(&untested)
            ),
            manual,
        )
    } else {
        pass(
            "PdcReachable",
            format!("{pdc} is reachable on the AD ports"),
            format!(
                "From the Connect server, {pdc} accepted connections on {}.",
                join_list(&open)
            ),
        )
    };
    PDC_REACHABLE.emit(
        name,
        f.with("PdcEmulator", pdc)
            .with("Probes", serde_json::Value::Array(evidence)),
    )
}

fn preferred(ctx: &Ctx) -> Vec<CheckResult> {
    let ad = match ctx.snapshot.active_directory.get() {
        Ok((ad, _)) => ad,
        Err(reason) => {
            return vec![PREFERRED_DC.unavailable("Active Directory", "ActiveDirectory", reason)]
        }
    };
    if ad.connectors.iter().all(|k| k.partitions.is_empty()) {
        return vec![PREFERRED_DC.not_collected(
            "Active Directory",
            "the snapshot has no partition settings of any AD connector (ActiveDirectory.Connectors[].Partitions)",
        )];
    }
    let mut out = Vec::new();
    for k in &ad.connectors {
        for p in &k.partitions {
            let dns = dn_to_dns(&p.dn);
            let target = if dns.is_empty() {
                p.dn.clone()
            } else {
                dns.clone()
            };
            let domain = ad
                .domains()
                .filter_map(|e| e.section.data().map(|d| (e, d)))
                .find(|(e, d)| {
                    d.distinguished_name
                        .as_deref()
                        .is_some_and(|x| x.eq_ignore_ascii_case(&p.dn))
                        || e.name.eq_ignore_ascii_case(&dns)
                })
                .map(|(_, d)| d);
            out.push(
                PREFERRED_DC.emit(
                    &target,
                    partition_verdict(p, domain, &target)
                        .with("Connector", k.connector_name.clone())
                        .with("Partition", p.dn.clone())
                        .with("PreferredDomainControllers", strings(&p.preferred_dcs))
                        .with(
                            "OnlyUsePreferred",
                            p.only_use_preferred
                                .map_or(serde_json::Value::Null, Into::into),
                        )
                        .with(
                            "LastDomainController",
                            p.last_dc
                                .clone()
                                .map_or(serde_json::Value::Null, Into::into),
                        ),
                ),
            );
        }
    }
    out
}

/// Which DC writeback's password sets for the domain `name` go to under the partition's
/// preferred-DC settings, as a finding whose `WritebackTarget` evidence names it (or "DC
/// locator"). Shared by PRE-PREFERRED-DC and the per-user USER-DC.
pub fn partition_verdict(
    p: &PartitionSettings,
    domain: Option<&Domain>,
    name: &str,
) -> crate::probe::Finding {
    let pdc = domain.and_then(pdc_of);
    let pdc_text = pdc.clone().unwrap_or_else(|| "unknown".into());
    let only = p.only_use_preferred == Some(true);
    if only && p.preferred_dcs.is_empty() {
        return warn(
            "PreferredListEmpty",
            format!("\"Only use preferred domain controllers\" is on for {name} with no DC listed"),
            format!("The connector partition for {name} is set to use only preferred DCs but lists none, so which DC it uses is unclear."),
            "In Synchronization Service Manager open the AD connector > Properties > Configure Directory Partitions, and either list a writable DC (the PDC emulator is a good choice) or turn the option off; then restart ADSync.",
        );
    }
    if !only {
        let last = p
            .last_dc
            .as_deref()
            .map(|d| format!(" It last used {d}."))
            .unwrap_or_default();
        return pass(
            "DcLocator",
            format!("Connect picks a domain controller of {name} itself"),
            format!("No preferred DCs are enforced for {name}: Connect uses the DC locator, so password sets go to whichever writable DC it finds.{last} For consistent troubleshooting Microsoft suggests pinning one preferred DC, the nearest one or the PDC emulator ({pdc_text})."),
        )
        .with("WritebackTarget", p.last_dc.clone().unwrap_or_else(|| "DC locator".into()));
    }
    let first = &p.preferred_dcs[0];
    let read_only: Vec<&String> = p
        .preferred_dcs
        .iter()
        .filter(|h| {
            domain
                .and_then(|d| find_dc(d, h))
                .is_some_and(|dc| dc.is_read_only == Some(true))
        })
        .collect();
    let unknown: Vec<&String> = match domain.and_then(|d| d.domain_controllers.as_ref()) {
        Some(_) => p
            .preferred_dcs
            .iter()
            .filter(|h| domain.and_then(|d| find_dc(d, h)).is_none())
            .collect(),
        None => Vec::new(),
    };
    let is_pdc = pdc.as_deref().is_some_and(|x| {
        x.eq_ignore_ascii_case(first)
            || x.split('.')
                .next()
                .unwrap_or(x)
                .eq_ignore_ascii_case(first.split('.').next().unwrap_or(first))
    });
    let f = if !read_only.is_empty() {
        fail(
            "PreferredReadOnly",
            format!("A preferred DC of {name} is read-only"),
            format!("{} is read-only. Connect needs a writable DC for password sets and does not follow write referrals, so writeback through it fails.", join_list(&read_only)),
            "Replace the read-only DC in the connector's preferred DC list (Synchronization Service Manager > AD connector > Properties > Configure Directory Partitions) with a writable one, then restart ADSync.",
        )
    } else if !unknown.is_empty() {
        warn(
            "PreferredNotFound",
            format!("A preferred DC of {name} is not a known domain controller"),
            format!("{} is in the preferred list but not among the domain's DCs; a stale entry makes Connect fall to the next one or fail.", join_list(&unknown)),
            "Update the connector's preferred DC list to current writable DCs, then restart ADSync.",
        )
    } else {
        pass(
            "PreferredWritable",
            format!("Writeback for {name} goes to {first}"),
            format!(
                "Connect uses only the preferred DCs of {name}, first {first}{}. Check password changes against that DC (point ADUC at it) while troubleshooting.",
                if is_pdc { ", which is the PDC emulator" } else { "" }
            ),
        )
    };
    f.with("WritebackTarget", first.clone())
        .with("FirstPreferredIsPdc", is_pdc)
}
