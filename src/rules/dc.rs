//! Domain controllers new enough for the LDAP password-policy-hints control, and forest
//! and domain functional levels.

use super::windows::detect;
use super::{docs, fail, for_each_domain, join_list, pass, strings, warn, Ctx, Rule};
use crate::api::CheckResult;
use crate::snapshot::directory::FOREST_MODE;

/// PRE-DC-OS.
pub const DC_OS: Rule = Rule {
    id: "PRE-DC-OS",
    check: "Dc",
    summary: "domain controllers on Windows Server 2016 or later",
    docs: docs::TROUBLESHOOT,
};

/// PRE-FOREST-LEVEL.
pub const FOREST_LEVEL: Rule = Rule {
    id: "PRE-FOREST-LEVEL",
    check: "Forest",
    summary: "forest and domain functional level",
    docs: docs::PREREQUISITES,
};

/// Lowest supported forest/domain functional level (Windows Server 2003 = 2).
pub const MIN_LEVEL: i64 = 2;

/// Evaluates the DC and functional-level rules.
pub fn evaluate(ctx: &Ctx) -> Vec<CheckResult> {
    let mut out = for_each_domain(ctx, &[&DC_OS], |entry, domain, notes| {
        let name = &entry.name;
        let Some(dcs) = &domain.domain_controllers else {
            return vec![DC_OS.not_collected(name, &notes.why_missing("DomainControllers"))];
        };
        let mut old = Vec::new();
        let mut unknown = Vec::new();
        let mut listed = Vec::new();
        for dc in dcs {
            let release = detect(
                None,
                dc.operating_system_version.as_deref(),
                dc.operating_system.as_deref(),
            );
            let label = release
                .map(|r| r.name())
                .unwrap_or_else(|| "unknown".into());
            listed.push(format!("{} ({label})", dc.host_name));
            match release {
                Some(r) if !r.at_least(2016) => old.push(format!("{} ({label})", dc.host_name)),
                None => unknown.push(dc.host_name.clone()),
                _ => {}
            }
        }
        let f = if !old.is_empty() {
            warn(
                "OlderThan2016",
                format!("Some domain controllers of {name} are older than Windows Server 2016"),
                format!("{} run a release older than Windows Server 2016. Microsoft's documents disagree here: the writeback troubleshooting guide requires 2016 or later for the LDAP password-policy-hints control (without it writeback fails with event 6329, MMS(3040) \"The server doesn't contain the LDAP password policy control\"), while the tutorial accepts any supported release. This check uses the stricter 2016 requirement.", join_list(&old)),
                "Upgrade or retire those DCs, or make the AD connector use only Windows Server 2016+ DCs (Configure Directory Partitions > Only use preferred domain controllers).",
            )
        } else if !unknown.is_empty() {
            warn(
                "OsUnknown",
                format!("The OS of some domain controllers of {name} is unknown"),
                format!("The snapshot does not show which Windows release {} run, so the 2016-or-later requirement for the password-policy-hints control cannot be confirmed.", join_list(&unknown)),
                "Check with Get-ADDomainController -Filter * | Select HostName, OperatingSystem.",
            )
        } else if dcs.is_empty() {
            return vec![DC_OS.not_collected(name, "the domain controller list is empty")];
        } else {
            pass(
                "All2016OrLater",
                format!("All domain controllers of {name} run Windows Server 2016 or later"),
                format!(
                    "{} domain controllers, all on Windows Server 2016 or later.",
                    dcs.len()
                ),
            )
        };
        vec![DC_OS.emit(
            name,
            f.with("DomainControllers", strings(&listed))
                .with("OlderThan2016", strings(&old)),
        )]
    });
    out.extend(levels(ctx));
    out
}

fn levels(ctx: &Ctx) -> Vec<CheckResult> {
    let ad = match ctx.snapshot.active_directory.get() {
        Ok((ad, _)) => ad,
        Err(reason) => {
            return vec![FOREST_LEVEL.unavailable("Active Directory", "ActiveDirectory", reason)]
        }
    };
    if ad.forests.is_empty() {
        return vec![FOREST_LEVEL.not_collected(
            "Active Directory",
            "the snapshot lists no forest (ActiveDirectory.Forests)",
        )];
    }
    ad.forests
        .iter()
        .map(|forest| {
            let name = &forest.name;
            let data = match forest.section.get() {
                Ok((d, _)) => d,
                Err(reason) => return FOREST_LEVEL.unavailable(name, &format!("forest {name}"), reason),
            };
            let Some(mode) = &data.forest_mode else {
                return FOREST_LEVEL.not_collected(name, &format!("the snapshot has no ForestMode for {name}"));
            };
            let low_domains: Vec<String> = data
                .domains
                .iter()
                .filter_map(|e| {
                    let m = e.section.data()?.domain_mode.as_ref()?;
                    m.code
                        .is_some_and(|c| c < MIN_LEVEL)
                        .then(|| format!("{} ({})", e.name, m.name))
                })
                .collect();
            let f = match mode.code {
                Some(c) if c < MIN_LEVEL => fail(
                    "LevelTooLow",
                    format!("The functional level of forest {name} is too low"),
                    format!("Forest {name} is at {}; Entra Connect needs forest functional level Windows Server 2003 or later.", mode.name),
                    "Raise the forest (and domain) functional level to Windows Server 2003 or later once every DC supports it (Set-ADForestMode / Set-ADDomainMode).",
                ),
                None => warn(
                    "LevelUnknown",
                    format!("The functional level of forest {name} is not recognised"),
                    format!("Forest {name} reports the mode {:?}, which this check does not know (known: {}).", mode.name, FOREST_MODE.iter().map(|(_, n)| *n).collect::<Vec<_>>().join(", ")),
                    "Check with Get-ADForest | Select ForestMode.",
                ),
                Some(_) if !low_domains.is_empty() => fail(
                    "DomainLevelTooLow",
                    format!("A domain of forest {name} has too low a functional level"),
                    format!("{} below Windows Server 2003, the minimum for Entra Connect.", join_list(&low_domains)),
                    "Raise the domain functional level with Set-ADDomainMode once every DC of the domain supports it.",
                ),
                Some(_) => pass(
                    "LevelSupported",
                    format!("Forest {name} is at {}", mode.name),
                    format!("Forest {name} is at {}, above the Windows Server 2003 minimum.", mode.name),
                ),
            };
            FOREST_LEVEL.emit(
                name,
                f.with("ForestMode", mode.name.clone())
                    .with("ForestModeValue", mode.code.map_or(serde_json::Value::Null, Into::into))
                    .with("DomainsBelowMinimum", strings(&low_domains)),
            )
        })
        .collect()
}
