//! How Microsoft's Azure Relay tools turn a namespace's cluster name into the gateway host
//! names its traffic goes on to.
//!
//! Source: `tools/GetNamespaceInfo.ps1` in Azure/azure-relay-dotnet, read 2026-12-02:
//!
//! - **Current** rule, the script as Microsoft's Messaging on Azure blog of 2025-10-22
//!   ("Preparing for Azure Relay IP Address and DNS Changes") links it on the `dev`
//!   branch, shipped with `tools/RelayRegionalIPRanges.json` (stored at commit 476fd8c7)
//!   and `tools/Readme.md` (commit 33145261). The stored copy of the script itself carries
//!   no commit; the git history held here ends at 58642ccc (2024-10-22), so the 2025
//!   change is known only from that stored copy. It takes the namespace's CNAME (and the
//!   CNAME after a `.privatelink.servicebus` step), drops an `NS-` prefix from its first
//!   label to get the deployment, takes the second label as the region, and tries
//!   `g<n>-<deployment>-sb.<parent>` and `gv<n>-<deployment>-sb.<parent>` for n = 0..99,
//!   where `<parent>` is the namespace's name after its first label.
//! - **Script2024** rule, commit 58642ccc (2024-10-22, same file): drops `NS-SB2-` and
//!   then `NS-`, tries n = 0..127 for `g`, and `gv` only when the deployment does not
//!   contain `-v`. (The first version, 01d6d5db of 2017-01-13, dropped only `NS-SB2-` and
//!   tried `g` 0..127.) Used only when the cluster's first label starts with `ns-sb2-`
//!   (the one case where the two rules give different deployments) and no name from the
//!   current rule resolves.
//!
//! RelayUtil's `NamespaceUtility.cs` (stored copies; its repository path is not recorded
//! in the index read) derives the same `g{0}-<deployment>-sb.<suffix>` form, removing
//! `ns-sb2-`, `ns-sbeh-`, `ns-eh2-` or `ns-`, for 64 instances (`MaxGatewayInstanceCount`).

/// Page where Microsoft documents GetNamespaceInfo.ps1.
pub const RULE_DOC: &str = "https://github.com/Azure/azure-relay-dotnet/blob/dev/tools/Readme.md";

/// Which version of Microsoft's derivation produced the names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// GetNamespaceInfo.ps1 as linked in October 2025: `NS-` dropped, g and gv 0..99.
    Current,
    /// GetNamespaceInfo.ps1 at 58642ccc (2024-10-22): `NS-SB2-`/`NS-` dropped, 0..127.
    Script2024,
}

impl Rule {
    /// Stable token for evidence (`DerivationRule`).
    pub fn token(self) -> &'static str {
        match self {
            Rule::Current => "GetNamespaceInfo2025",
            Rule::Script2024 => "GetNamespaceInfo2024",
        }
    }

    /// What the rule does and where it comes from, for evidence.
    pub fn describe(self) -> &'static str {
        match self {
            Rule::Current => "Azure/azure-relay-dotnet tools/GetNamespaceInfo.ps1 (dev, as linked by Microsoft on 2025-10-22): deployment = cluster's first label without 'ns-'; g<n>- and gv<n>-<deployment>-sb.<parent> for n = 0..99",
            Rule::Script2024 => "Azure/azure-relay-dotnet tools/GetNamespaceInfo.ps1 at commit 58642ccc (2024-10-22): deployment = cluster's first label without 'ns-sb2-' or 'ns-'; g<n>- for n = 0..127, gv<n>- too unless the deployment contains '-v'",
        }
    }

    /// Highest instance number tried.
    pub fn max_instance(self) -> u32 {
        match self {
            Rule::Current => 99,
            Rule::Script2024 => 127,
        }
    }

    /// The deployment (lower case) from the cluster's first label, `None` when the label
    /// does not start with `ns-` and so is not a cluster name the rule knows.
    pub fn deployment(self, first_label: &str) -> Option<String> {
        let label = first_label.to_ascii_lowercase();
        let rest = match self {
            Rule::Current => label.strip_prefix("ns-")?,
            Rule::Script2024 => label
                .strip_prefix("ns-sb2-")
                .or_else(|| label.strip_prefix("ns-"))?,
        };
        let ok = !rest.is_empty()
            && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !rest.starts_with('-')
            && !rest.ends_with('-');
        ok.then(|| rest.to_string())
    }

    /// Every candidate gateway name for `deployment` under `parent`, `g` names first.
    pub fn candidates(self, deployment: &str, parent: &str) -> Vec<String> {
        let n = self.max_instance();
        let with_gv = match self {
            Rule::Current => true,
            Rule::Script2024 => !deployment.contains("-v"),
        };
        let mut out: Vec<String> = (0..=n)
            .map(|i| format!("g{i}-{deployment}-sb.{parent}"))
            .collect();
        if with_gv {
            out.extend((0..=n).map(|i| format!("gv{i}-{deployment}-sb.{parent}")));
        }
        out
    }

    /// The allow-list patterns that cover every candidate.
    pub fn patterns(self, deployment: &str, parent: &str) -> Vec<String> {
        let mut out = vec![format!("g*-{deployment}-sb.{parent}")];
        if self
            .candidates(deployment, parent)
            .iter()
            .any(|c| c.starts_with("gv"))
        {
            out.push(format!("gv*-{deployment}-sb.{parent}"));
        }
        out
    }
}

/// True when the older rule may apply: the label carries the `ns-sb2-` prefix on which
/// the two rules disagree.
pub fn older_rule_applies(first_label: &str) -> bool {
    first_label.to_ascii_lowercase().starts_with("ns-sb2-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn current_rule_matches_microsofts_example() {
        // The blog's example: cluster ns-prod-bn-vaz0001.eastus2.cloudapp.azure.com,
        // deployment PROD-BN-VAZ0001, g0-prod-bn-vaz0001-sb / gv0-prod-bn-vaz0001-sb.
        let d = Rule::Current
            .deployment("ns-prod-bn-vaz0001")
            .expect("deployment");
        assert_eq!(d, "prod-bn-vaz0001");
        let names = Rule::Current.candidates(&d, "servicebus.windows.net");
        assert_eq!(names.len(), 200);
        assert_eq!(names[0], "g0-prod-bn-vaz0001-sb.servicebus.windows.net");
        assert_eq!(names[99], "g99-prod-bn-vaz0001-sb.servicebus.windows.net");
        assert_eq!(names[100], "gv0-prod-bn-vaz0001-sb.servicebus.windows.net");
        assert_eq!(names[199], "gv99-prod-bn-vaz0001-sb.servicebus.windows.net");
        assert_eq!(
            Rule::Current.patterns(&d, "servicebus.windows.net"),
            [
                "g*-prod-bn-vaz0001-sb.servicebus.windows.net",
                "gv*-prod-bn-vaz0001-sb.servicebus.windows.net"
            ]
        );
    }

    #[test]
    fn prefixes_differ_between_rules() {
        assert_eq!(
            Rule::Current.deployment("NS-SB2-PROD-BY-003").as_deref(),
            Some("sb2-prod-by-003")
        );
        assert_eq!(
            Rule::Script2024.deployment("ns-sb2-prod-by-003").as_deref(),
            Some("prod-by-003")
        );
        assert!(older_rule_applies("NS-SB2-PROD-BY-003"));
        assert!(!older_rule_applies("ns-prod-bn-vaz0001"));
        for not_cluster in ["prod-bn-vaz0001", "ns-", "ns--x", "www", "ns-a_b"] {
            assert_eq!(Rule::Current.deployment(not_cluster), None, "{not_cluster}");
        }
    }

    #[test]
    fn older_rule_counts_and_gv_condition() {
        let all = Rule::Script2024.candidates("prod-by-003", "servicebus.windows.net");
        assert_eq!(all.len(), 256);
        assert_eq!(all[127], "g127-prod-by-003-sb.servicebus.windows.net");
        let g_only = Rule::Script2024.candidates("prod-bn-v001", "servicebus.windows.net");
        assert_eq!(g_only.len(), 128);
        assert_eq!(
            Rule::Script2024.patterns("prod-bn-v001", "p"),
            ["g*-prod-bn-v001-sb.p"]
        );
    }
}
