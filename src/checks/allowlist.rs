//! `CONN-ALLOWLIST`: the exact host names and ports this server had to reach in this run,
//! each with the allow-list entry it falls under, ready to paste into a proxy or firewall
//! rule. Other phases add their hosts as [`Entry`] values.
//!
//! Microsoft's list names wildcards (`*.passwordreset.microsoftonline.com`, ...; see
//! [`crate::endpoints::ALLOW_RULES`]), while the password-reset host this tool tests is the
//! wildcard's own domain, `passwordreset.microsoftonline.com` (the host the 2017 writeback
//! article named for 1.1.443.0 and later). Azure Firewall documents that `*.contoso.com`
//! allows `anyvalue.contoso.com` but not `contoso.com` (Azure Firewall FAQ, "How do wildcards
//! work in an application rule target FQDN?", azure-docs `articles/firewall/firewall-faq.md`
//! ms.date 2020-06-08, read 2026-12-02); Squid's `.contoso.com` form covers both. Other
//! products: not checked, so the advice to list the exact name too is an inference.

use serde_json::{json, Value};

use crate::api::{CheckResult, Status};
use crate::checks::result_from;
use crate::endpoints::{allow_rule, Cloud, Endpoint, ALLOW_RULES, ENDPOINTS_DOC};
use crate::probe::Finding;
use crate::proxy::Route;

/// Stable Id of the allow-list row.
pub const ALLOWLIST_ID: &str = "CONN-ALLOWLIST";
/// Azure Firewall FAQ: a `*.` wildcard does not match the domain apex.
pub const WILDCARD_DOC: &str =
    "https://learn.microsoft.com/azure/firewall/firewall-faq#how-do-wildcards-work-in-an-application-rule-target-fqdn";
const BASIS: &str = "Microsoft: [TSWB] names the wildcards; the Azure Firewall FAQ says '*.contoso.com' does not match 'contoso.com'. Inference: other proxies and firewalls that read '*.' the same way do not either (Squid's '.contoso.com' form does cover it).";

/// One host this server must reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Host name (or IP literal), lower case.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// What the host is for, in words.
    pub purpose: String,
    /// Whether this run reached it; `None` when not tested.
    pub reached: Option<bool>,
    /// `Direct` or `Proxy`.
    pub route: String,
}

/// Entries for the tested endpoints; an endpoint counts as reached when its HTTP stage
/// passed.
pub fn endpoint_entries(endpoints: &[(Endpoint, Route)], results: &[CheckResult]) -> Vec<Entry> {
    endpoints
        .iter()
        .map(|(ep, route)| {
            let target = ep.to_string();
            let http = results
                .iter()
                .find(|r| r.target == target && r.id == "CONN-HTTP");
            Entry {
                host: ep.host.clone(),
                port: ep.port,
                purpose: endpoint_purpose(&ep.host).to_string(),
                reached: http.map(|r| r.status == Status::Pass),
                route: route.kind().to_string(),
            }
        })
        .collect()
}

/// Entries for the relay gateways that resolved in this run (`CONN-RELAY-GATEWAYS` rows,
/// evidence `ResolvedNames`), each reached unless it is among the row's `Failed` or
/// `Inspected` hosts; the host patterns stay in that row's `AllowList`.
pub fn relay_entries(results: &[CheckResult]) -> Vec<Entry> {
    let hosts_of = |r: &CheckResult, key: &str| -> Vec<String> {
        r.evidence
            .get(key)
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|t| t.get("Host").and_then(|h| h.as_str()))
                    .map(str::to_ascii_lowercase)
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    for r in results
        .iter()
        .filter(|r| r.id == crate::checks::relay_path::GATEWAYS_ID)
    {
        let Some(names) = r.evidence.get("ResolvedNames").and_then(|v| v.as_array()) else {
            continue;
        };
        let mut bad = hosts_of(r, "Failed");
        bad.extend(hosts_of(r, "Inspected"));
        let route = r
            .evidence
            .get("Route")
            .and_then(|v| v.as_str())
            .unwrap_or("Direct")
            .to_string();
        for name in names.iter().filter_map(|v| v.as_str()) {
            let host = name.to_ascii_lowercase();
            out.push(Entry {
                reached: Some(!bad.contains(&host)),
                host,
                port: crate::endpoints::HTTPS_PORT,
                purpose: format!("Relay gateway of {}", r.target),
                route: route.clone(),
            });
        }
    }
    out
}

/// Names shown in a message (a relay can add a hundred gateways; the evidence has all).
const SHOWN: usize = 12;

/// The first [`SHOWN`] of `items`, and how many more there are.
fn shown(items: &[String], rest: &str) -> String {
    if items.len() <= SHOWN {
        return items.join(", ");
    }
    format!(
        "{} and {} more ({rest})",
        items[..SHOWN].join(", "),
        items.len() - SHOWN
    )
}

fn endpoint_purpose(host: &str) -> &'static str {
    if host.contains(".servicebus.") {
        "Service Bus relay"
    } else if host.contains("passwordreset.") {
        "Password reset service"
    } else {
        "Endpoint given for this run"
    }
}

/// The allow-list row: Pass when every entry was reached, Warning when one was not.
pub fn result(cloud: Cloud, entries: &[Entry]) -> CheckResult {
    let mut unique: Vec<&Entry> = Vec::new();
    for e in entries {
        if !unique.iter().any(|u| u.host == e.host && u.port == e.port) {
            unique.push(e);
        }
    }
    let hosts: Vec<Value> = unique
        .iter()
        .map(|e| {
            let m = allow_rule(&e.host);
            json!({
                "Host": e.host,
                "Port": e.port,
                "Purpose": e.purpose,
                "Rule": m.map(|m| m.rule),
                "RuleCoversHost": m.map(|m| m.covers),
                "Reached": e.reached,
                "Route": e.route,
            })
        })
        .collect();
    let host_ports: Vec<String> = unique
        .iter()
        .map(|e| {
            Endpoint {
                host: e.host.clone(),
                port: e.port,
            }
            .to_string()
        })
        .collect();
    let mut names: Vec<String> = Vec::new();
    for e in &unique {
        if !names.contains(&e.host) {
            names.push(e.host.clone());
        }
    }
    let apex: Vec<String> = names
        .iter()
        .filter(|h| allow_rule(h).is_some_and(|m| !m.covers))
        .cloned()
        .collect();
    let missed: Vec<&String> = unique
        .iter()
        .zip(&host_ports)
        .filter(|(e, _)| e.reached == Some(false))
        .map(|(_, hp)| hp)
        .collect();
    let described: Vec<String> = unique
        .iter()
        .zip(&host_ports)
        .map(|(e, hp)| match allow_rule(&e.host) {
            Some(m) if m.covers => format!("{hp} ({}, under {})", e.purpose, m.rule),
            Some(m) => format!(
                "{hp} ({}; {} does not match this name itself)",
                e.purpose, m.rule
            ),
            None => format!("{hp} ({})", e.purpose),
        })
        .collect();
    let mut message = format!(
        "This run needed these exact names: {}.",
        shown(&described, "every one is in HostPorts")
    );
    if !missed.is_empty() {
        let missed: Vec<String> = missed.iter().map(|s| s.to_string()).collect();
        message.push_str(&format!(
            " Not reached in this run: {}.",
            shown(&missed, "every one is in Hosts with Reached false")
        ));
    }
    let mut remediation = Vec::new();
    if !apex.is_empty() {
        remediation.push(format!(
            "Allow {} as exact name(s) next to the wildcard: a '*.' rule does not match its own domain in Azure Firewall, and likely not in other products that read the wildcard the same way.",
            apex.join(", ")
        ));
    }
    if !missed.is_empty() {
        remediation.push(format!(
            "Allow {} on the proxy or firewall (their rows above say how each was stopped).",
            missed
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let title = format!("This server must reach {} host(s)", unique.len());
    let f = if missed.is_empty() {
        Finding {
            remediation: remediation.join(" "),
            ..Finding::pass("Listed", title, message)
        }
    } else {
        Finding {
            status: Status::Warning,
            ..Finding::fail("NotAllReached", title, message, remediation.join(" "))
        }
    };
    let rules: Vec<&str> = ALLOW_RULES
        .iter()
        .filter(|(c, _)| *c == cloud)
        .map(|(_, r)| *r)
        .collect();
    let f = f
        .with("Scope", "Run")
        .with("Cloud", cloud.name())
        .with("Hosts", hosts)
        .with("HostPorts", host_ports)
        .with("HostNames", names)
        .with("ApexNotCoveredByWildcard", apex)
        .with("MicrosoftRules", rules)
        .with("WildcardDoc", WILDCARD_DOC)
        .with("Basis", BASIS);
    result_from(ALLOWLIST_ID, "AllowList", cloud.name(), ENDPOINTS_DOC, f, 0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn long_lists_are_cut_in_messages_only() {
        let items: Vec<String> = (0..30).map(|i| format!("g{i}.example:443")).collect();
        let text = shown(&items, "all in HostPorts");
        assert!(text.contains("g11.example:443"), "{text}");
        assert!(!text.contains("g12.example:443"), "{text}");
        assert!(text.ends_with("and 18 more (all in HostPorts)"), "{text}");
        assert_eq!(
            shown(&items[..3], "x"),
            "g0.example:443, g1.example:443, g2.example:443"
        );
    }

    use super::*;

    fn entry(host: &str, port: u16, reached: Option<bool>) -> Entry {
        Entry {
            host: host.into(),
            port,
            purpose: "p".into(),
            reached,
            route: "Direct".into(),
        }
    }

    #[test]
    fn lists_exact_names_and_flags_the_apex() {
        let r = result(
            Cloud::Public,
            &[
                entry("passwordreset.microsoftonline.com", 443, Some(true)),
                entry(
                    "ssprdedicatedsbprodscu.servicebus.windows.net",
                    443,
                    Some(true),
                ),
                entry("crl3.digicert.com", 80, Some(true)),
                entry("crl3.digicert.com", 80, Some(true)),
            ],
        );
        assert_eq!(r.status, Status::Pass);
        assert_eq!(
            r.evidence["HostPorts"],
            json!([
                "passwordreset.microsoftonline.com:443",
                "ssprdedicatedsbprodscu.servicebus.windows.net:443",
                "crl3.digicert.com:80"
            ])
        );
        assert_eq!(
            r.evidence["ApexNotCoveredByWildcard"],
            json!(["passwordreset.microsoftonline.com"])
        );
        assert_eq!(r.evidence["Hosts"][0]["RuleCoversHost"], json!(false));
        assert_eq!(
            r.evidence["Hosts"][1]["Rule"],
            json!("*.servicebus.windows.net")
        );
        assert_eq!(r.evidence["Hosts"][2]["Rule"], Value::Null);
        assert!(r.remediation.contains("passwordreset.microsoftonline.com"));
    }

    #[test]
    fn an_unreached_host_is_a_warning_that_names_it() {
        let r = result(
            Cloud::Public,
            &[
                entry("a.test", 443, Some(true)),
                entry("crl.test", 80, Some(false)),
            ],
        );
        assert_eq!(r.status, Status::Warning);
        assert_eq!(r.evidence["Outcome"], json!("NotAllReached"));
        assert!(r.message.contains("Not reached in this run: crl.test:80"));
        let untested = result(Cloud::Public, &[entry("a.test", 443, None)]);
        assert_eq!(untested.status, Status::Pass);
    }
}
