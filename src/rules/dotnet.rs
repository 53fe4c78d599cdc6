//! The .NET Framework release on the Connect server. Microsoft's pages disagree (4.6.2 in
//! the prerequisites list, 4.7.2 in the mandatory-upgrade notice, 4.8 in the writeback
//! troubleshooting guide): 4.8 passes, 4.6.2 to 4.8 warns, older fails.

use super::{docs, fail, pass, warn, Ctx, Rule};
use crate::api::CheckResult;
use crate::snapshot::connect::Fact;

/// PRE-DOTNET.
pub const DOTNET: Rule = Rule {
    id: "PRE-DOTNET",
    check: "DotNet",
    summary: ".NET Framework 4.8 or later",
    docs: docs::TROUBLESHOOT,
};

/// Lowest `Release` value of .NET Framework 4.8.
pub const RELEASE_4_8: u64 = 528_040;
/// Lowest `Release` value of .NET Framework 4.7.2.
pub const RELEASE_4_7_2: u64 = 461_808;
/// Lowest `Release` value of .NET Framework 4.6.2.
pub const RELEASE_4_6_2: u64 = 394_802;

/// The .NET Framework version a `Release` value stands for.
pub fn framework_version(release: u64) -> &'static str {
    const TABLE: &[(u64, &str)] = &[
        (533_320, "4.8.1"),
        (RELEASE_4_8, "4.8"),
        (RELEASE_4_7_2, "4.7.2"),
        (461_308, "4.7.1"),
        (460_798, "4.7"),
        (RELEASE_4_6_2, "4.6.2"),
        (394_254, "4.6.1"),
        (393_295, "4.6"),
        (379_893, "4.5.2"),
        (378_675, "4.5.1"),
        (378_389, "4.5"),
    ];
    TABLE
        .iter()
        .find(|(min, _)| release >= *min)
        .map_or("older than 4.5", |(_, v)| v)
}

const FIX: &str = "Install .NET Framework 4.8 or later (4.8.1 where the OS supports it) on the Connect server and restart it.";

/// Evaluates the .NET rule.
pub fn evaluate(ctx: &Ctx) -> Vec<CheckResult> {
    let target = ctx.server();
    let (c, notes) = match ctx.snapshot.connect.get() {
        Ok(v) => v,
        Err(reason) => return vec![DOTNET.unavailable(&target, "Connect", reason)],
    };
    let release = match c.dot_net_release {
        Fact::NotCollected => {
            return vec![DOTNET.not_collected(&target, &notes.why_missing("DotNetRelease"))]
        }
        Fact::Absent => None,
        Fact::Present(r) => Some(r),
    };
    let f = match release {
        None => fail(
            "NotInstalled",
            ".NET Framework 4.5 or later is not installed",
            "The registry has no .NET Framework 4.x Release value, so the sync engine cannot run.",
            FIX,
        ),
        Some(r) if r >= RELEASE_4_8 => pass(
            "Supported",
            format!(".NET Framework {} is installed", framework_version(r)),
            format!(".NET Framework {} (release {r}) meets the strictest of Microsoft's stated minimums (4.8, from the writeback troubleshooting guide).", framework_version(r)),
        ),
        Some(r) if r >= RELEASE_4_6_2 => warn(
            "BelowRecommended",
            format!(".NET Framework {} is older than 4.8", framework_version(r)),
            format!(".NET Framework {} (release {r}) meets the 4.6.2 minimum of the Connect prerequisites{}, but Microsoft's pages disagree: the writeback troubleshooting guide asks for 4.8 or later, which this check treats as the requirement.", framework_version(r), if r >= RELEASE_4_7_2 { " and the 4.7.2 of the mandatory-upgrade notice" } else { "" }),
            FIX,
        ),
        Some(r) => fail(
            "TooOld",
            format!(".NET Framework {} is too old", framework_version(r)),
            format!(".NET Framework {} (release {r}) is below every minimum Microsoft states for Entra Connect (4.6.2, 4.7.2 or 4.8).", framework_version(r)),
            FIX,
        ),
    };
    let version = release.map(framework_version).unwrap_or("none");
    vec![DOTNET.emit(
        &target,
        f.with(
            "Release",
            release.map_or(serde_json::Value::Null, Into::into),
        )
        .with("Version", version),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_framework_versions() {
        assert_eq!(framework_version(528_449), "4.8");
        assert_eq!(framework_version(533_325), "4.8.1");
        assert_eq!(framework_version(461_814), "4.7.2");
        assert_eq!(framework_version(394_806), "4.6.2");
        assert_eq!(framework_version(1), "older than 4.5");
    }
}
