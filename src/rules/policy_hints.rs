//! The LDAP password-policy-hints control on each domain's PDC emulator, read from its
//! rootDSE `supportedControl` instead of guessed from the DC's operating system.
//!
//! Sources, read 2026-12-01 through `../shared/reference/writeback-facts.md` §3.8:
//! - [TSWB] (<https://learn.microsoft.com/entra/identity/authentication/troubleshoot-sspr-writeback>):
//!   writeback uses the policy-hints control, and a DC without it makes the password set
//!   fail with ADSync 6329 "MMS(3040): ... The server doesn't contain the LDAP password
//!   policy control"; the page names it `LDAP_SERVER_POLICY_HINTS_OID (1.2.840.113556.1.4.2066)`.
//! - Windows SDK constants: `LDAP_SERVER_POLICY_HINTS_OID` is 1.2.840.113556.1.4.2239 and
//!   `LDAP_SERVER_POLICY_HINTS_DEPRECATED_OID` is 1.2.840.113556.1.4.2066, so either counts.
//! - MS-ADTS 3.1.1.3.4.1.27 (<https://learn.microsoft.com/openspecs/windows_protocols/ms-adts/4add7bce-e502-4e0f-9d69-1a3f153713e2>):
//!   with the control the DC enforces password history on a password set.

use super::{docs, fail, for_each_domain, pass, Ctx, Rule};
use crate::api::CheckResult;
use crate::snapshot::Section;

/// PRE-DC-POLICYHINTS.
pub const POLICY_HINTS: Rule = Rule {
    id: "PRE-DC-POLICYHINTS",
    check: "Dc",
    summary: "the PDC emulator supports the LDAP password-policy-hints control",
    docs: docs::TROUBLESHOOT,
};

/// `LDAP_SERVER_POLICY_HINTS_OID` (Windows SDK).
pub const POLICY_HINTS_OID: &str = "1.2.840.113556.1.4.2239";
/// `LDAP_SERVER_POLICY_HINTS_DEPRECATED_OID` (Windows SDK), the OID [TSWB] names.
pub const POLICY_HINTS_DEPRECATED_OID: &str = "1.2.840.113556.1.4.2066";

/// Evaluates the rule for every domain.
pub fn evaluate(ctx: &Ctx) -> Vec<CheckResult> {
    for_each_domain(ctx, &[&POLICY_HINTS], |entry, domain, notes| {
        let name = &entry.name;
        let Some(read) = &domain.pdc_root_dse else {
            return vec![POLICY_HINTS.not_collected(name, &notes.why_missing("PdcRootDse"))];
        };
        let pdc = &read.host_name;
        let controls = match &read.section {
            Section::Collected { data, .. } => data,
            Section::Unavailable { reason } => {
                return vec![POLICY_HINTS.not_collected(
                    name,
                    &format!("the rootDSE of {pdc} was not read: {reason}"),
                )];
            }
        };
        let found: Vec<&str> = [POLICY_HINTS_OID, POLICY_HINTS_DEPRECATED_OID]
            .into_iter()
            .filter(|oid| controls.iter().any(|c| c.trim() == *oid))
            .collect();
        let f = if found.is_empty() {
            fail(
                "ControlMissing",
                format!("{pdc} does not offer the LDAP password-policy-hints control"),
                format!("The rootDSE of {pdc}, the PDC emulator of {name}, lists {} supported controls, but neither {POLICY_HINTS_OID} nor {POLICY_HINTS_DEPRECATED_OID}: writeback cannot have that DC apply password history and policy to a reset, and password sets fail with ADSync 6329 MMS(3040) \"The server doesn't contain the LDAP password policy control\".", controls.len()),
                "Upgrade the domain controllers writeback writes to (the PDC emulator, or the preferred DCs of the AD connector) to Windows Server 2016 or later, or point the connector's preferred DCs at DCs that offer the control.",
            )
        } else {
            pass(
                "ControlOffered",
                format!("{pdc} offers the LDAP password-policy-hints control"),
                format!(
                    "The rootDSE of {pdc}, the PDC emulator of {name}, lists {}.",
                    found.join(" and ")
                ),
            )
        };
        vec![POLICY_HINTS.emit(
            name,
            f.with("Pdc", pdc.clone())
                .with(
                    "ControlsFound",
                    super::strings(&found.iter().map(|s| s.to_string()).collect::<Vec<_>>()),
                )
                .with("SupportedControlCount", controls.len()),
        )]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Status;
    use crate::snapshot;
    use serde_json::{json, Value};

    fn verdict(root_dse: Option<Value>) -> CheckResult {
        let mut domain = json!({
            "Name": "contoso.com",
            "Status": "Collected",
            "Domain": {"DNSRoot": "contoso.com", "PDCEmulator": "DC01.contoso.com"},
        });
        if let Some(r) = root_dse {
            domain["PdcRootDse"] = r;
        }
        let doc = json!({
            "SchemaVersion": 1,
            "CollectedAt": "2026-12-02T09:00:00Z",
            "ActiveDirectory": {"Status": "Collected", "Forests": [
                {"Name": "contoso.com", "Status": "Collected", "Domains": [domain]}
            ]}
        });
        let snap = snapshot::decode(&doc).expect("snapshot");
        evaluate(&Ctx::new(&snap)).remove(0)
    }

    fn outcome(r: &CheckResult) -> &str {
        r.evidence["Outcome"].as_str().unwrap_or_default()
    }

    #[test]
    fn either_oid_in_supported_control_passes() {
        for oid in [POLICY_HINTS_OID, POLICY_HINTS_DEPRECATED_OID] {
            let r = verdict(Some(json!({
                "HostName": "DC01.contoso.com", "Status": "Collected",
                "SupportedControl": ["1.2.840.113556.1.4.319", oid]
            })));
            assert_eq!(
                (r.status, outcome(&r)),
                (Status::Pass, "ControlOffered"),
                "{r:?}"
            );
            assert_eq!(r.evidence["ControlsFound"], json!([oid]));
        }
    }

    #[test]
    fn a_rootdse_without_the_control_fails_and_an_unread_one_is_skipped() {
        let r = verdict(Some(json!({
            "HostName": "DC01.contoso.com", "Status": "Collected",
            "SupportedControl": ["1.2.840.113556.1.4.319", "1.2.840.113556.1.4.801"]
        })));
        assert_eq!(
            (r.status, outcome(&r)),
            (Status::Fail, "ControlMissing"),
            "{r:?}"
        );
        assert!(r.message.contains("MMS(3040)"), "{}", r.message);
        let r = verdict(Some(json!({
            "HostName": "DC01.contoso.com", "Status": "Unavailable",
            "Reason": "DC01.contoso.com refused TCP 389"
        })));
        assert_eq!(r.status, Status::Skipped, "{r:?}");
        assert!(r.message.contains("refused TCP 389"), "{}", r.message);
        let r = verdict(None);
        assert_eq!(r.status, Status::Skipped, "{r:?}");
    }
}
