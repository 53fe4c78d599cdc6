//! The tenant's own relay namespaces for `connectivity`: given on the command line
//! (`Namespaces`), read from the Connect server's live event log by the module
//! (`LiveEventLog`, raw events whose texts the engine reads) or from an event file
//! (`RelaysFromEvents`). They are tested before the generic hosts, every result says where
//! its endpoint came from (`EndpointSource`), and one `CONN-TENANT-RELAYS` result says
//! what the live log named.
//!
//! Why: Microsoft's troubleshooting page has admins read the tenant's Service Bus
//! namespace from event 31019 or 31034 and test that host, because tenants are placed on
//! (and moved between) namespaces such as `ssprdedicatedsbprodfra-1`; the `scu`/`ncu`
//! hosts are examples ([`ENDPOINTS_DOC`], rendered copy ms.date 2025-03-04, read
//! 2026-12-02).

use std::collections::BTreeSet;

use serde::Deserialize;
use serde_json::Value;

use crate::api::{CheckResult, Status};
use crate::checks::result_from;
use crate::endpoints::{self, Cloud, Endpoint, ENDPOINTS_DOC, HTTPS_PORT};
use crate::error::WbdError;
use crate::events::scan::relay_mentions;
use crate::events::sources::{Basis, Provenance};
use crate::probe::Finding;
use crate::snapshot::{Node, Timestamp};

/// Events of the live log the engine reads; further ones are ignored (and counted).
pub const MAX_LIVE_EVENTS: usize = 1_000;
/// Distinct tenant relays kept from the events.
pub const MAX_TENANT_RELAYS: usize = 32;
/// Id of the one result about the live log.
pub const TENANT_ID: &str = "CONN-TENANT-RELAYS";

/// That events 31019 and 31034 name the tenant's Service Bus namespace.
pub const NAMESPACE_EVENTS: Provenance = Provenance {
    basis: Basis::Microsoft,
    source: "https://learn.microsoft.com/entra/identity/authentication/troubleshoot-sspr-writeback (Confirm network connectivity; rendered copy ms.date 2025-03-04)",
    read: "2026-12-02",
};

/// How the namespace is found in the text: Microsoft publishes the 31019 text only as a
/// screenshot, so the engine takes every `ssprdedicatedsb...` name standing on its own,
/// bare or with a Service Bus suffix (facts file §4.1), in any of the events read.
pub const NAMESPACE_PATTERN: Provenance = Provenance {
    basis: Basis::Inference,
    source: "the namespaces Microsoft shows (ssprdedicatedsbprodscu, ssprdedicatedsbprodncu, ssprdedicatedsbprodfra-1) and relay names seen in firewall logs all start with ssprdedicatedsb; the event's wording is not published as text",
    read: "2026-12-02",
};

/// The events to look for, for the remediation texts.
const HOW_TO_FIND: &str = "On the Connect server, find the tenant's namespace (\"the name of the service bus listener\") in event 31019 or 31034: Get-WinEvent -FilterHashtable @{LogName='Application'; ProviderName='PasswordResetService'; Id=31019,31034} -MaxEvents 5 | Format-List -Property TimeCreated, Id, Message. Then test it with Test-WritebackConnectivity -Namespace <namespace> (wbdiag connectivity --namespace <namespace>).";

/// Where an endpoint of the run came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointSource {
    /// Named in this server's writeback events (the live log or an event file).
    TenantEvents,
    /// Given by the user (`Namespaces`, `Endpoints`).
    CommandLine,
    /// One of the cloud's default endpoints.
    Generic,
}

impl EndpointSource {
    /// The `EndpointSource` evidence token.
    pub fn token(self) -> &'static str {
        match self {
            EndpointSource::TenantEvents => "TenantEvents",
            EndpointSource::CommandLine => "CommandLine",
            EndpointSource::Generic => "Generic",
        }
    }
}

/// How the module's read of the live Application log went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum LogState {
    /// Read (possibly no matching events).
    Read,
    /// Get-WinEvent was refused access.
    AccessDenied,
    /// Get-WinEvent failed otherwise.
    Failed,
}

/// One event as Get-WinEvent gave it: id, time and rendered message, uninterpreted.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct RawEvent {
    /// Event id (31019, 31034, 32002, ...).
    pub id: u32,
    /// `TimeCreated`: ISO 8601, or `\/Date(ms)\/` as Windows PowerShell 5.1 writes it.
    pub time_created: Value,
    /// The rendered message.
    #[serde(default)]
    pub message: Option<String>,
}

/// The `LiveEventLog` option: what the module read from the Connect server's Application
/// log (provider PasswordResetService), sent only when that provider exists. The module
/// passes the events through; the engine finds the namespaces in their texts.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LiveEventLog {
    /// `Read`, `AccessDenied` or `Failed`.
    pub state: LogState,
    /// The reader's error text when the log could not be read.
    #[serde(default)]
    pub error: Option<String>,
    /// The oldest event asked for (the window), as `TimeCreated`.
    #[serde(default)]
    pub since: Option<Value>,
    /// The largest number of events asked for.
    #[serde(default)]
    pub max_events: Option<u64>,
    /// The events, newest first.
    #[serde(default)]
    pub events: Vec<RawEvent>,
}

/// One tenant relay endpoint of the run and what named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantRelay {
    /// The relay host on port 443.
    pub endpoint: Endpoint,
    /// `TenantEvents` or `CommandLine`.
    pub source: EndpointSource,
    /// Endpoint paths (`<guid>_<guid>`) the events named with it.
    pub paths: Vec<String>,
    /// Ids of the events that named it.
    pub event_ids: BTreeSet<u32>,
    /// Oldest and newest event that named it.
    pub seen: Option<(Timestamp, Timestamp)>,
    /// Events that named it.
    pub count: u64,
}

impl TenantRelay {
    fn new(host: String, source: EndpointSource) -> Self {
        TenantRelay {
            endpoint: Endpoint {
                host,
                port: HTTPS_PORT,
            },
            source,
            paths: Vec::new(),
            event_ids: BTreeSet::new(),
            seen: None,
            count: 0,
        }
    }

    fn evidence(&self) -> Value {
        let mut v = serde_json::json!({
            "Host": self.endpoint.host,
            "Source": self.source.token(),
        });
        if self.source == EndpointSource::TenantEvents {
            v["EventIds"] = Value::from(self.event_ids.iter().copied().collect::<Vec<_>>());
            v["Endpoints"] = Value::from(self.paths.clone());
            v["Count"] = Value::from(self.count);
            if let Some((first, last)) = self.seen {
                v["FirstSeen"] = Value::from(first.to_string());
                v["LastSeen"] = Value::from(last.to_string());
            }
        }
        v
    }
}

/// The relays `Namespaces` names, validated, in the order given.
pub fn from_command_line(names: &[String], cloud: Cloud) -> Result<Vec<TenantRelay>, WbdError> {
    let mut out: Vec<TenantRelay> = Vec::new();
    for n in names {
        let host = endpoints::namespace_host(cloud, n)?;
        if !out.iter().any(|r| r.endpoint.host == host) {
            out.push(TenantRelay::new(host, EndpointSource::CommandLine));
        }
    }
    Ok(out)
}

/// The relays the live log's events name (at most [`MAX_LIVE_EVENTS`] events read), the
/// most recently named first.
pub fn from_live_log(log: &LiveEventLog, cloud: Cloud) -> Result<Vec<TenantRelay>, WbdError> {
    let mut out: Vec<TenantRelay> = Vec::new();
    for (i, e) in log.events.iter().take(MAX_LIVE_EVENTS).enumerate() {
        let time = Timestamp::decode(&Node::root(&e.time_created)).map_err(|_| {
            WbdError::invalid(format!(
                "LiveEventLog.Events[{i}].TimeCreated is not a date (ISO 8601 or \\/Date(ms)\\/)"
            ))
        })?;
        for (name, paths) in relay_mentions(e.message.as_deref().unwrap_or_default()) {
            let host = name.host(cloud);
            let slot = match out.iter().position(|r| r.endpoint.host == host) {
                Some(s) => s,
                None if out.len() < MAX_TENANT_RELAYS => {
                    out.push(TenantRelay::new(host, EndpointSource::TenantEvents));
                    out.len() - 1
                }
                None => continue,
            };
            let r = &mut out[slot];
            r.count += 1;
            r.event_ids.insert(e.id);
            r.seen = Some(
                r.seen
                    .map_or((time, time), |(a, b)| (a.min(time), b.max(time))),
            );
            for p in paths {
                if !r.paths.contains(&p) {
                    r.paths.push(p);
                }
            }
        }
    }
    out.sort_by(|a, b| {
        let last = |r: &TenantRelay| r.seen.map(|(_, l)| l);
        last(b)
            .cmp(&last(a))
            .then_with(|| a.endpoint.host.cmp(&b.endpoint.host))
    });
    Ok(out)
}

/// The relays an event file names (`RelaysFromEvents`), as tenant relays.
pub fn from_file_hosts(hosts: &[String]) -> Vec<TenantRelay> {
    hosts
        .iter()
        .map(|h| TenantRelay::new(h.clone(), EndpointSource::TenantEvents))
        .collect()
}

/// Joins the relay lists in order, the first naming of a host winning.
pub fn merge(lists: Vec<Vec<TenantRelay>>) -> Vec<TenantRelay> {
    let mut out: Vec<TenantRelay> = Vec::new();
    for r in lists.into_iter().flatten() {
        if !out.iter().any(|o| o.endpoint == r.endpoint) {
            out.push(r);
        }
    }
    out
}

/// Where each endpoint of the run came from: a tenant relay's own source, `Generic` for
/// the cloud's defaults, `CommandLine` for the rest (`Endpoints`).
pub fn sources(
    list: &[Endpoint],
    tenant: &[TenantRelay],
    cloud: Cloud,
) -> Vec<(String, EndpointSource)> {
    let defaults = cloud.default_endpoints();
    list.iter()
        .map(|ep| {
            let source = match tenant.iter().find(|t| &t.endpoint == ep) {
                Some(t) => t.source,
                None if defaults.contains(ep) => EndpointSource::Generic,
                None => EndpointSource::CommandLine,
            };
            (ep.to_string(), source)
        })
        .collect()
}

/// Adds `EndpointSource` to every result of an endpoint, and to those of Microsoft's
/// example relay hosts a sentence saying they may not be this tenant's.
pub fn mark(results: &mut [CheckResult], sources: &[(String, EndpointSource)]) {
    for r in results.iter_mut() {
        let Some((_, source)) = sources.iter().find(|(t, _)| *t == r.target) else {
            continue;
        };
        r.evidence
            .insert("EndpointSource".into(), Value::from(source.token()));
        let host = r.evidence.get("Host").and_then(Value::as_str).unwrap_or("");
        if *source == EndpointSource::Generic && endpoints::is_example_relay(host) {
            r.evidence
                .insert("GenericExample".into(), Value::from(true));
            if !r.message.is_empty() {
                r.message.push(' ');
            }
            r.message.push_str("This is one of the example relay hosts Microsoft names, which may not be this tenant's relay: the tenant's namespaces are named in events 31019 and 31034 on the Connect server.");
        }
    }
}

fn window(log: &LiveEventLog) -> String {
    let since = log
        .since
        .as_ref()
        .and_then(|v| Timestamp::decode(&Node::root(v)).ok());
    match (since, log.max_events) {
        (Some(s), Some(m)) => format!(" since {s} (at most the newest {m})"),
        (Some(s), None) => format!(" since {s}"),
        (None, Some(m)) => format!(" (at most the newest {m})"),
        (None, None) => String::new(),
    }
}

/// Heartbeats (31019) among the events read.
fn heartbeats(log: &LiveEventLog) -> usize {
    log.events
        .iter()
        .take(MAX_LIVE_EVENTS)
        .filter(|e| e.id == 31019)
        .count()
}

/// Why the log may name no namespace: no heartbeat at all, or texts the tool does not read.
fn none_in_log_hint(log: &LiveEventLog) -> String {
    let heartbeats = heartbeats(log);
    if heartbeats == 0 {
        "There is no heartbeat (31019) in the window, while Microsoft documents one about every five minutes, so writeback has probably not been talking to its relay (this tool's inference); Test-WritebackEventLog tells why.".to_string()
    } else {
        format!("{heartbeats} heartbeat(s) (31019) were read, but their texts name no ssprdedicatedsb... namespace; Microsoft does not publish their wording, so this tool may not recognise it: read the namespace from the event yourself.")
    }
}

fn with_provenance(f: Finding, p: &Provenance, key: &str) -> Finding {
    f.with(&format!("{key}Basis"), p.basis.token())
        .with(&format!("{key}Source"), p.source)
        .with(&format!("{key}SourceRead"), p.read)
}

/// The one result about the live log: Pass naming the relays found and their events;
/// Warning, with how to find them, when the log named none or could not be read.
pub fn live_log_result(
    log: &LiveEventLog,
    found: &[TenantRelay],
    command_line: &[TenantRelay],
) -> CheckResult {
    let read = log.events.len().min(MAX_LIVE_EVENTS);
    let given = if command_line.is_empty() {
        String::new()
    } else {
        format!(
            " The namespaces given with -Namespace were tested: {}.",
            hosts(command_line)
        )
    };
    let f = match log.state {
        LogState::Read if !found.is_empty() => {
            let named: Vec<String> = found
                .iter()
                .map(|r| {
                    let ids: Vec<String> = r.event_ids.iter().map(u32::to_string).collect();
                    let last = r.seen.map_or_else(String::new, |(_, l)| format!(", last {l}"));
                    format!("{} (events {}{last})", r.endpoint.host, ids.join(", "))
                })
                .collect();
            Finding::pass(
                "Found",
                format!(
                    "{} tenant relay namespace(s) from the event log tested first",
                    found.len()
                ),
                format!(
                    "This server's PasswordResetService events name {}; each was tested on port 443 before the generic hosts.{given}",
                    named.join("; ")
                ),
            )
        }
        LogState::Read => Finding {
            status: Status::Warning,
            ..Finding::fail(
                "NoneInLog",
                "The event log names no tenant relay namespace",
                format!(
                    "None of the {read} PasswordResetService events 31019, 31034 and 32002 read{} names a relay namespace, so this tenant's own relays were not tested; the generic hosts tested may not be this tenant's.{given}",
                    window(log)
                ),
                format!("{} {HOW_TO_FIND}", none_in_log_hint(log)),
            )
        },
        LogState::AccessDenied | LogState::Failed => Finding {
            status: Status::Warning,
            ..Finding::fail(
                if log.state == LogState::AccessDenied {
                    "AccessDenied"
                } else {
                    "LogUnreadable"
                },
                "The event log could not be read for the tenant's relays",
                format!(
                    "Reading the Application log failed ({}), so this tenant's own relays were not tested; the generic hosts tested may not be this tenant's.{given}",
                    log.error.as_deref().unwrap_or("no reason given")
                ),
                format!("Run the command as a member of the local Administrators or Event Log Readers group, or: {HOW_TO_FIND}"),
            )
        },
    };
    let f = with_provenance(f, &NAMESPACE_EVENTS, "");
    let f = with_provenance(f, &NAMESPACE_PATTERN, "Pattern")
        .with("EventsRead", read)
        .with("HeartbeatsRead", heartbeats(log))
        .with(
            "EventsIgnored",
            log.events.len().saturating_sub(MAX_LIVE_EVENTS),
        )
        .with(
            "Relays",
            found.iter().map(TenantRelay::evidence).collect::<Vec<_>>(),
        )
        .with(
            "Namespaces",
            command_line
                .iter()
                .map(|r| r.endpoint.host.clone())
                .collect::<Vec<_>>(),
        );
    result_from(
        TENANT_ID,
        "Endpoints",
        "PasswordResetService",
        ENDPOINTS_DOC,
        f,
        0,
    )
}

fn hosts(relays: &[TenantRelay]) -> String {
    relays
        .iter()
        .map(|r| r.endpoint.host.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const E1: &str = "6f0d3f8e-9a51-4c55-8d3e-2b7c1f4a9e01_d9d5d679-761c-5090-9fed-000000000001";

    fn log(events: Value) -> LiveEventLog {
        serde_json::from_value(json!({"State": "Read", "Since": "2026-11-25T00:00:00Z", "MaxEvents": 200, "Events": events}))
            .expect("log")
    }

    #[test]
    fn live_events_give_the_tenant_relays_newest_first() {
        let l = log(json!([
            {"Id": 31019, "TimeCreated": "2026-12-01T10:05:00Z",
             "Message": format!("ServiceBusHeartBeat, Details: namespace ssprdedicatedsbprodfra-1, endpoint {E1}")},
            {"Id": 31034, "TimeCreated": "/Date(1764583200000)/",
             "Message": "ServiceBusListenerError: sb://ssprdedicatedsbprodweu.servicebus.windows.net/ The remote certificate is invalid"},
            {"Id": 31019, "TimeCreated": "2026-12-01T10:00:00Z",
             "Message": format!("namespace SSPRDedicatedSBProdFRA-1, endpoint {E1}")},
            {"Id": 32002, "TimeCreated": "2026-12-01T09:00:00Z", "Message": "Error Connecting to ServiceBus."},
            {"Id": 31019, "TimeCreated": "2026-12-01T08:00:00Z"}
        ]));
        let found = from_live_log(&l, Cloud::Public).expect("relays");
        let names: Vec<&str> = found.iter().map(|r| r.endpoint.host.as_str()).collect();
        assert_eq!(
            names,
            [
                "ssprdedicatedsbprodfra-1.servicebus.windows.net",
                "ssprdedicatedsbprodweu.servicebus.windows.net"
            ]
        );
        let fra = &found[0];
        assert_eq!(fra.source, EndpointSource::TenantEvents);
        assert_eq!(fra.count, 2);
        assert_eq!(fra.paths, [E1]);
        assert_eq!(fra.event_ids.iter().copied().collect::<Vec<_>>(), [31019]);
        assert_eq!(
            fra.seen.map(|(a, b)| (a.to_string(), b.to_string())),
            Some(("2026-12-01T10:00:00Z".into(), "2026-12-01T10:05:00Z".into()))
        );
        assert_eq!(
            found[1].event_ids.iter().copied().collect::<Vec<_>>(),
            [31034]
        );
        let r = live_log_result(&l, &found, &[]);
        assert_eq!((r.id.as_str(), r.status), (TENANT_ID, Status::Pass));
        assert!(r.message.contains("ssprdedicatedsbprodfra-1.servicebus.windows.net (events 31019, last 2026-12-01T10:05:00Z)"), "{}", r.message);
        assert_eq!(r.evidence["Relays"][0]["EventIds"], json!([31019]));
        assert_eq!(
            r.evidence["Relays"][1]["LastSeen"],
            json!("2025-12-01T10:00:00Z")
        );
        assert_eq!(r.evidence["EventsRead"], json!(5));
        assert_eq!(r.evidence["Basis"], json!("Microsoft"));
        assert_eq!(r.evidence["PatternBasis"], json!("Inference"));
        // A bare namespace gets the cloud's suffix.
        let gov = from_live_log(&l, Cloud::UsGov).expect("relays");
        assert_eq!(
            gov[0].endpoint.host,
            "ssprdedicatedsbprodfra-1.servicebus.usgovcloudapi.net"
        );
    }

    #[test]
    fn no_namespace_or_no_log_is_a_warning_that_says_how_to_find_them() {
        let l = log(
            json!([{"Id": 32002, "TimeCreated": "2026-12-01T09:00:00Z", "Message": "Error Connecting to ServiceBus."}]),
        );
        let found = from_live_log(&l, Cloud::Public).expect("relays");
        assert!(found.is_empty());
        let given =
            from_command_line(&["ssprdedicatedsbprodfra-1".into()], Cloud::Public).expect("cli");
        let r = live_log_result(&l, &found, &given);
        assert_eq!(r.status, Status::Warning);
        assert_eq!(r.evidence["Outcome"], json!("NoneInLog"));
        assert!(
            r.message
                .contains("None of the 1 PasswordResetService events"),
            "{}",
            r.message
        );
        assert!(
            r.message
                .contains("since 2026-11-25T00:00:00Z (at most the newest 200)"),
            "{}",
            r.message
        );
        assert!(
            r.message.contains(
                "-Namespace were tested: ssprdedicatedsbprodfra-1.servicebus.windows.net"
            ),
            "{}",
            r.message
        );
        assert!(
            r.remediation.contains("Id=31019,31034"),
            "{}",
            r.remediation
        );
        assert!(r.remediation.contains("--namespace"), "{}", r.remediation);
        assert!(
            r.remediation.contains("There is no heartbeat (31019)"),
            "{}",
            r.remediation
        );
        let unread = log(json!([{"Id": 31019, "TimeCreated": "2026-12-01T09:00:00Z",
            "Message": "ServiceBusHeartBeat, Details: a listener whose name this tool does not know"}]));
        let none = from_live_log(&unread, Cloud::Public).expect("relays");
        let r = live_log_result(&unread, &none, &[]);
        assert!(
            r.remediation.contains("1 heartbeat(s) (31019) were read"),
            "{}",
            r.remediation
        );
        let denied: LiveEventLog = serde_json::from_value(
            json!({"State": "AccessDenied", "Error": "Attempted to perform an unauthorized operation."}),
        )
        .expect("log");
        let r = live_log_result(&denied, &[], &[]);
        assert_eq!(
            (r.status, r.evidence["Outcome"].clone()),
            (Status::Warning, json!("AccessDenied"))
        );
        assert!(
            r.message.contains("unauthorized operation"),
            "{}",
            r.message
        );
        assert!(
            r.remediation.contains("Event Log Readers"),
            "{}",
            r.remediation
        );
    }

    #[test]
    fn bad_live_events_are_rejected() {
        for bad in [
            json!({"State": "Read", "Events": [{"Id": 31019, "TimeCreated": "yesterday"}]}),
            json!({"State": "Read", "Events": [{"Id": 31019, "TimeCreated": "2026-12-01T09:00:00Z", "Level": 4}]}),
            json!({"State": "Maybe"}),
            json!({"Events": []}),
        ] {
            let parsed = serde_json::from_value::<LiveEventLog>(bad.clone());
            let rejected = match parsed {
                Err(_) => true,
                Ok(l) => from_live_log(&l, Cloud::Public).is_err(),
            };
            assert!(rejected, "{bad} accepted");
        }
    }

    #[test]
    fn results_say_where_their_endpoint_came_from() {
        let tenant = merge(vec![
            from_command_line(&["ssprdedicatedsbprodfra-1".into()], Cloud::Public).expect("cli"),
            from_file_hosts(&[
                "ssprdedicatedsbprodfra-1.servicebus.windows.net".into(),
                "ssprdedicatedsbprodscu.servicebus.windows.net".into(),
            ]),
        ]);
        assert_eq!(tenant.len(), 2, "a host named twice is tested once");
        let list = endpoints::plan_after(
            tenant.iter().map(|t| t.endpoint.clone()).collect(),
            Cloud::Public,
            &["other.test:8443".into()],
            false,
        )
        .expect("plan");
        let s = sources(&list, &tenant, Cloud::Public);
        let tokens: Vec<(&str, &str)> = s.iter().map(|(t, x)| (t.as_str(), x.token())).collect();
        assert_eq!(
            tokens,
            [
                (
                    "ssprdedicatedsbprodfra-1.servicebus.windows.net:443",
                    "CommandLine"
                ),
                (
                    "ssprdedicatedsbprodscu.servicebus.windows.net:443",
                    "TenantEvents"
                ),
                ("passwordreset.microsoftonline.com:443", "Generic"),
                (
                    "ssprdedicatedsbprodncu.servicebus.windows.net:443",
                    "Generic"
                ),
                ("other.test:8443", "CommandLine"),
            ]
        );
        let row = |target: &str, host: &str| {
            result_from(
                "CONN-DNS",
                "Dns",
                target,
                ENDPOINTS_DOC,
                Finding::pass("Resolved", "t", "Resolved.").with("Host", host),
                0,
            )
        };
        let mut rows = vec![
            row(
                "ssprdedicatedsbprodscu.servicebus.windows.net:443",
                "ssprdedicatedsbprodscu.servicebus.windows.net",
            ),
            row(
                "ssprdedicatedsbprodncu.servicebus.windows.net:443",
                "ssprdedicatedsbprodncu.servicebus.windows.net",
            ),
            row(
                "passwordreset.microsoftonline.com:443",
                "passwordreset.microsoftonline.com",
            ),
            row("unrelated:1", "unrelated"),
        ];
        mark(&mut rows, &s);
        assert_eq!(rows[0].evidence["EndpointSource"], json!("TenantEvents"));
        assert_eq!(
            rows[0].message, "Resolved.",
            "the tenant's own relay is not called an example"
        );
        assert_eq!(rows[1].evidence["EndpointSource"], json!("Generic"));
        assert_eq!(rows[1].evidence["GenericExample"], json!(true));
        assert!(
            rows[1].message.contains("may not be this tenant's relay"),
            "{}",
            rows[1].message
        );
        assert_eq!(rows[2].evidence["EndpointSource"], json!("Generic"));
        assert!(!rows[2].evidence.contains_key("GenericExample"));
        assert!(!rows[3].evidence.contains_key("EndpointSource"));
    }
}
