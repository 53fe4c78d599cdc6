//! The Connect server's operating system: Windows Server 2016 or later with the full GUI,
//! 2025 or 2022 recommended.
//!
//! Source: Prerequisites for Microsoft Entra Connect
//! (<https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-install-prerequisites>),
//! ms.date 2026-01-16, read 2026-12-01: Microsoft recommends Windows Server 2025 or 2022;
//! full GUI only (no Server Core); Small Business Server and Essentials before 2019 are not
//! supported. History: the same page dated 2025-09-29 listed only 2016, 2019 and 2022 and
//! called 2025 unsupported because of a known sync issue (fixed by KB5070773); this rule
//! failed 2025 until 2026-12-02.

use super::windows::detect;
use super::{docs, fail, pass, warn, Ctx, Rule};
use crate::api::CheckResult;

/// PRE-OS.
pub const OS: Rule = Rule {
    id: "PRE-OS",
    check: "Os",
    summary: "supported Connect server operating system",
    docs: docs::PREREQUISITES,
};

const MOVE: &str = "Run Entra Connect on a domain-joined Windows Server 2025 or 2022 (Microsoft's recommendation; 2016 and 2019 still work) with the full GUI, Standard edition or better.";

/// Evaluates the OS rule.
pub fn evaluate(ctx: &Ctx) -> Vec<CheckResult> {
    let target = ctx.server();
    let (c, notes) = match ctx.snapshot.connect.get() {
        Ok(v) => v,
        Err(reason) => return vec![OS.unavailable(&target, "Connect", reason)],
    };
    let Some(os) = &c.operating_system else {
        return vec![OS.not_collected(&target, &notes.why_missing("OperatingSystem"))];
    };
    let caption = os.caption.clone().unwrap_or_default();
    let release = detect(
        os.build_number,
        os.version.as_deref(),
        os.caption.as_deref(),
    );
    let lower = caption.to_ascii_lowercase();
    let shown = if caption.is_empty() {
        release
            .map(|r| r.name())
            .unwrap_or_else(|| "an unknown Windows version".into())
    } else {
        caption.clone()
    };
    let core = os
        .installation_type
        .as_deref()
        .is_some_and(|t| t.to_ascii_lowercase().contains("core"));
    let f = if os.product_type == Some(1) {
        fail(
            "NotServer",
            "Entra Connect is on a client operating system",
            format!("{shown} is not a server operating system; Entra Connect is supported only on Windows Server."),
            MOVE,
        )
    } else if let Some(r) = release.filter(|r| !r.at_least(2016)) {
        fail(
            "TooOld",
            format!("{} is too old for Entra Connect", r.name()),
            format!("{shown} is older than Windows Server 2016, the oldest release Entra Connect supports."),
            MOVE,
        )
    } else if core {
        fail(
            "ServerCore",
            "Entra Connect is on Server Core",
            format!("{shown} is a Server Core installation; Entra Connect needs the full GUI."),
            MOVE,
        )
    } else if lower.contains("small business server")
        || (lower.contains("essentials") && release.is_some_and(|r| !r.at_least(2019)))
    {
        fail(
            "EditionUnsupported",
            "This Windows Server edition is not supported",
            format!("{shown}: Small Business Server and Essentials editions before 2019 are not supported for Entra Connect."),
            MOVE,
        )
    } else if release.is_none() {
        warn(
            "Unknown",
            "The Connect server's Windows version is not recognised",
            format!("Could not tell which Windows Server release {shown} is."),
            MOVE,
        )
    } else if os.product_type == Some(2) {
        warn(
            "OnDomainController",
            "Entra Connect runs on a domain controller",
            format!("{shown} is a domain controller. Writeback relies on the legacy NetUserGetInfo API, which needs read access that a DC often does not grant; this is a known cause of SSPR_0029."),
            "Move Entra Connect to a member server, or set the AD connector to \"Only use preferred domain controllers\" listing other DCs.",
        )
    } else {
        let name = release.map(|r| r.name()).unwrap_or_default();
        let recommended = release.is_some_and(|r| r.at_least(2022));
        pass(
            "Supported",
            format!("{name} is supported"),
            if recommended {
                format!("{shown} is supported for Entra Connect, and one of the two releases Microsoft recommends (Windows Server 2025 and 2022).")
            } else if name.ends_with("2016") {
                format!("{shown} is supported; Windows Server 2016 is in extended support, and Microsoft recommends 2025 or 2022.")
            } else {
                format!("{shown} is supported; Microsoft recommends Windows Server 2025 or 2022.")
            },
        )
        .with("Recommended", recommended)
    };
    vec![OS.emit(
        &target,
        f.with("Caption", caption)
            .with("Release", release.map(|r| r.name()).unwrap_or_default())
            .with(
                "BuildNumber",
                os.build_number.map_or(serde_json::Value::Null, Into::into),
            )
            .with(
                "ProductType",
                os.product_type.map_or(serde_json::Value::Null, Into::into),
            ),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Status;
    use crate::snapshot;
    use serde_json::json;

    fn verdict(caption: &str, build: u64) -> CheckResult {
        let doc = json!({
            "SchemaVersion": 1,
            "CollectedAt": "2026-12-02T09:00:00Z",
            "ComputerName": "SYNC01",
            "Connect": {
                "Status": "Collected",
                "Errors": {},
                "OperatingSystem": {
                    "Caption": caption,
                    "BuildNumber": build,
                    "ProductType": 3,
                    "InstallationType": "Server"
                }
            }
        });
        let snap = snapshot::decode(&doc).expect("snapshot");
        evaluate(&Ctx::new(&snap)).remove(0)
    }

    #[test]
    fn windows_server_2025_and_2022_are_the_recommended_releases() {
        let r = verdict("Microsoft Windows Server 2025 Standard", 26100);
        assert_eq!(r.status, Status::Pass, "{r:?}");
        assert_eq!(r.evidence["Recommended"], true);
        assert!(r.message.contains("recommends"), "{}", r.message);
        let r = verdict("Microsoft Windows Server 2022 Standard", 20348);
        assert_eq!(r.evidence["Recommended"], true);
        let r = verdict("Microsoft Windows Server 2019 Standard", 17763);
        assert_eq!(r.status, Status::Pass, "{r:?}");
        assert_eq!(r.evidence["Recommended"], false);
        assert!(r.message.contains("recommends Windows Server 2025 or 2022"));
        let r = verdict("Microsoft Windows Server 2012 R2 Standard", 9600);
        assert_eq!(r.status, Status::Fail, "{r:?}");
        assert!(r.remediation.contains("2025 or 2022"));
    }
}
