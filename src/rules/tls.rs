//! TLS 1.2 on the Connect server: the .NET strong-crypto values (64- and 32-bit) and the
//! SCHANNEL TLS 1.2 client and server keys.

use super::{docs, fail, join_list, pass, strings, warn, Ctx, Rule};
use crate::api::CheckResult;
use crate::snapshot::connect::RegistryValues;

/// PRE-TLS12.
pub const TLS12: Rule = Rule {
    id: "PRE-TLS12",
    check: "Tls",
    summary: "TLS 1.2 and strong cryptography enabled",
    docs: docs::TLS,
};

const NET64: &str = r"HKLM\SOFTWARE\Microsoft\.NETFramework\v4.0.30319";
const NET32: &str = r"HKLM\SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v4.0.30319";
const SCHANNEL: &str =
    r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2";

fn show(v: Option<i64>) -> String {
    v.map_or_else(|| "not set".into(), |v| v.to_string())
}

/// Evaluates the TLS rule.
pub fn evaluate(ctx: &Ctx) -> Vec<CheckResult> {
    let target = ctx.server();
    let (c, notes) = match ctx.snapshot.connect.get() {
        Ok(v) => v,
        Err(reason) => return vec![TLS12.unavailable(&target, "Connect", reason)],
    };
    let Some(tls) = &c.tls else {
        return vec![TLS12.not_collected(&target, &notes.why_missing("Tls"))];
    };
    let mut broken = Vec::new();
    let mut loose = Vec::new();
    let empty = RegistryValues::default();
    for (path, key) in [
        (NET64, &tls.net_framework_64),
        (NET32, &tls.net_framework_32),
    ] {
        let k = key.as_ref().unwrap_or(&empty);
        for (name, v) in [
            ("SchUseStrongCrypto", k.sch_use_strong_crypto),
            ("SystemDefaultTlsVersions", k.system_default_tls_versions),
        ] {
            if v != Some(1) {
                broken.push(format!("{path}\\{name} is {} (needs 1)", show(v)));
            }
        }
    }
    for (side, key) in [
        ("Client", &tls.schannel_client),
        ("Server", &tls.schannel_server),
    ] {
        let path = format!("{SCHANNEL}\\{side}");
        match key {
            None => loose.push(format!("{path} does not exist")),
            Some(k) => {
                match k.enabled {
                    Some(0) => broken.push(format!("{path}\\Enabled is 0 (TLS 1.2 turned off)")),
                    None => loose.push(format!("{path}\\Enabled is not set")),
                    Some(_) => {}
                }
                match k.disabled_by_default {
                    Some(0) => {}
                    Some(v) => broken.push(format!("{path}\\DisabledByDefault is {v} (needs 0)")),
                    None => loose.push(format!("{path}\\DisabledByDefault is not set")),
                }
            }
        }
    }
    let fix = "Set SchUseStrongCrypto=1 and SystemDefaultTlsVersions=1 (DWORD) under both .NETFramework\\v4.0.30319 keys (native and WOW6432Node), and Enabled=1, DisabledByDefault=0 under SCHANNEL\\Protocols\\TLS 1.2\\Client and \\Server (Microsoft's TLS 1.2 enablement script does all of this), then restart the server.";
    let f = if !broken.is_empty() {
        fail(
            "Tls12NotEnforced",
            "TLS 1.2 is not fully enabled for .NET",
            format!(
                "The sync engine and writeback talk to Entra ID and Service Bus over TLS 1.2 only, and these registry values prevent .NET from using it reliably: {}.",
                join_list(&broken)
            ),
            fix,
        )
    } else if !loose.is_empty() {
        warn(
            "SchannelDefaults",
            "TLS 1.2 relies on Windows defaults",
            format!(
                "The .NET strong-crypto values are set, but the SCHANNEL TLS 1.2 keys are left at the operating system's defaults ({}). Windows Server 2016 and later enable TLS 1.2 by default; Microsoft's guidance still sets the keys explicitly.",
                join_list(&loose)
            ),
            fix,
        )
    } else {
        pass(
            "Tls12Enabled",
            "TLS 1.2 and strong cryptography are enabled",
            "Both .NET keys have SchUseStrongCrypto=1 and SystemDefaultTlsVersions=1, and the SCHANNEL TLS 1.2 client and server keys are enabled.",
        )
    };
    vec![TLS12.emit(
        &target,
        f.with("Problems", strings(&broken))
            .with("Defaults", strings(&loose)),
    )]
}
