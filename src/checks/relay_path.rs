//! The relay path of each tenant namespace: `CONN-RELAY-CLUSTER` (the CNAME chain to the
//! cluster), `CONN-RELAY-GATEWAYS` (the cluster's gateway hosts: DNS, TCP, TLS with SNI)
//! and `CONN-RELAY-PORTS` (TCP 9350–9354 beside 443, as information).
//!
//! The gateway verdict rests on an inference, and its evidence says so: writeback talks
//! through a Service Bus relay ([TSWB]), and Microsoft's Azure Relay tool
//! GetNamespaceInfo.ps1 names the gateway hosts of a relay namespace's cluster
//! ([`crate::relay::rule`]); that writeback's relay traffic reaches those same gateways is
//! our reading of the two together.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::sync::Semaphore;

use crate::api::{CheckResult, Status};
use crate::checks::result_from;
use crate::endpoints::{Cloud, Endpoint, ENDPOINTS_DOC, HTTPS_PORT};
use crate::error::WbdError;
use crate::probe::tls::TrustStore;
use crate::probe::{Deadline, Finding};
use crate::proxy::{self, MachineProxy, ProxyUrl, Route};
use crate::relay::chain::{self, Chain, Cluster, Problem};
use crate::relay::dns::{Dns, Failure};
use crate::relay::gateways::{self, Path, Resolution, Settings, Tested};
use crate::relay::ports::{self, PortResult};
use crate::relay::rule::{self, Rule, RULE_DOC};

/// Result Ids.
pub const CLUSTER_ID: &str = "CONN-RELAY-CLUSTER";
/// Result Id of the gateway probes.
pub const GATEWAYS_ID: &str = "CONN-RELAY-GATEWAYS";
/// Result Id of the legacy ports.
pub const PORTS_ID: &str = "CONN-RELAY-PORTS";

/// Most namespaces one run examines (our choice: a tenant has two relays).
pub const MAX_NAMESPACES: usize = 16;

/// Failures named in a message; every one is in the evidence.
const SHOWN_FAILURES: usize = 5;

const BASIS: &str = "Inference: writeback uses a Service Bus relay (Microsoft, [TSWB]); the gateway names come from Microsoft's Azure Relay tool GetNamespaceInfo.ps1, not from a writeback page";

/// What the relay path check tests in one run.
#[derive(Debug, Clone)]
pub struct Plan {
    namespaces: Vec<(String, Route)>,
    dns_server: Option<SocketAddr>,
    port: u16,
}

impl Plan {
    /// Validates the options; `None` when no namespace is given (nothing to do).
    pub fn new(
        namespaces: &[String],
        dns_server: Option<&str>,
        relay_port: Option<u16>,
        cloud: Cloud,
        explicit: Option<&ProxyUrl>,
        machine: Option<&MachineProxy>,
    ) -> Result<Option<Self>, WbdError> {
        let dns_server = dns_server.map(parse_dns_server).transpose()?;
        let port = match relay_port {
            Some(0) => return Err(WbdError::invalid("RelayPort must be from 1 to 65535")),
            Some(p) => p,
            None => HTTPS_PORT,
        };
        let mut list: Vec<(String, Route)> = Vec::new();
        for text in namespaces {
            let host = crate::relay::namespace_host(text, cloud)?;
            if list.iter().any(|(h, _)| *h == host) {
                continue;
            }
            let ep = Endpoint {
                host: host.clone(),
                port: HTTPS_PORT,
            };
            let route = proxy::choose(&ep, explicit, machine)?;
            list.push((host, route));
        }
        if list.len() > MAX_NAMESPACES {
            return Err(WbdError::invalid(format!(
                "{} namespaces given; at most {MAX_NAMESPACES} are examined in one run",
                list.len()
            )));
        }
        Ok((!list.is_empty()).then_some(Plan {
            namespaces: list,
            dns_server,
            port,
        }))
    }
}

/// `IP:PORT`, `[V6]:PORT`, or a bare IP (port 53).
pub fn parse_dns_server(text: &str) -> Result<SocketAddr, WbdError> {
    let t = text.trim();
    if t.chars().count() > crate::endpoints::MAX_ENDPOINT_TEXT {
        return Err(WbdError::invalid(format!(
            "DnsServer '{}' is not IP, IP:PORT or [IPv6]:PORT",
            crate::endpoints::quote(text)
        )));
    }
    if let Ok(a) = t.parse::<SocketAddr>() {
        if a.port() == 0 {
            return Err(WbdError::invalid(format!(
                "DnsServer '{text}': port 0; give a port from 1 to 65535"
            )));
        }
        return Ok(a);
    }
    t.parse::<IpAddr>()
        .map(|ip| SocketAddr::new(ip, 53))
        .map_err(|_| {
            WbdError::invalid(format!(
                "DnsServer '{text}' is not IP, IP:PORT or [IPv6]:PORT"
            ))
        })
}

/// What every namespace's probes share.
struct Ctx {
    dns: Arc<Dns>,
    trust: TrustStore,
    stage: Duration,
    overall: Instant,
    port: u16,
    resolve: Arc<Semaphore>,
    connect: Arc<Semaphore>,
}

/// Runs the three checks for every namespace at once; rows come in namespace order.
pub async fn run(
    plan: &Plan,
    trust: &TrustStore,
    stage: Duration,
    overall: Instant,
) -> Vec<CheckResult> {
    let dns = match Dns::new(plan.dns_server, stage) {
        Ok(d) => Arc::new(d),
        Err(e) => {
            return plan
                .namespaces
                .iter()
                .map(|(ns, _)| no_resolver(ns, &e))
                .collect()
        }
    };
    let ctx = Arc::new(Ctx {
        dns,
        trust: trust.clone(),
        stage,
        overall,
        port: plan.port,
        resolve: Arc::new(Semaphore::new(gateways::RESOLVE_CONCURRENCY)),
        connect: Arc::new(Semaphore::new(gateways::CONNECT_CONCURRENCY)),
    });
    let mut set = tokio::task::JoinSet::new();
    for (i, (ns, route)) in plan.namespaces.iter().cloned().enumerate() {
        let ctx = ctx.clone();
        set.spawn(async move { (i, namespace(ns, route, ctx).await) });
    }
    let mut rows: Vec<(usize, Vec<CheckResult>)> = Vec::new();
    while let Some(joined) = set.join_next().await {
        if let Ok(r) = joined {
            rows.push(r);
        }
    }
    rows.sort_by_key(|(i, _)| *i);
    rows.into_iter().flat_map(|(_, r)| r).collect()
}

fn no_resolver(ns: &str, e: &WbdError) -> CheckResult {
    let f = Finding {
        status: Status::Error,
        ..Finding::fail(
            "NoResolver",
            "The relay path could not be examined",
            format!(
                "No DNS resolver could be set up for the relay's CNAME chain: {}",
                e.message
            ),
            "Check the system's DNS client configuration, or give a DNS server with --dns-server.",
        )
    };
    result_from(CLUSTER_ID, "RelayCluster", ns, RULE_DOC, f, 0)
}

async fn namespace(ns: String, route: Route, ctx: Arc<Ctx>) -> Vec<CheckResult> {
    let started = Instant::now();
    let chain = chain::follow(&*ctx.dns, &ns, ctx.stage, ctx.overall).await;
    let verdict = chain::interpret(&chain);
    let cluster_row = result_from(
        CLUSTER_ID,
        "RelayCluster",
        &ns,
        RULE_DOC,
        cluster_finding(&ns, &chain, &verdict).with("DnsServer", ctx.dns.source.clone()),
        crate::probe::ms_since(started),
    );
    let gateways_row = async {
        let started = Instant::now();
        let f = match &verdict {
            Ok(cluster) => gateways_finding(&ns, cluster, &route, &ctx).await,
            Err(_) => not_derived(&ns),
        };
        let f = f
            .with("Route", route.kind())
            .with("RouteReason", route.reason().to_string())
            .with("Port", ctx.port)
            .with("Basis", BASIS);
        result_from(
            GATEWAYS_ID,
            "RelayGateways",
            &ns,
            RULE_DOC,
            f,
            crate::probe::ms_since(started),
        )
    };
    let ports_row = async {
        let started = Instant::now();
        let f = ports_finding(&ns, &route, &ctx).await;
        result_from(
            PORTS_ID,
            "RelayPorts",
            &ns,
            ENDPOINTS_DOC,
            f,
            crate::probe::ms_since(started),
        )
    };
    let (g, p) = tokio::join!(gateways_row, ports_row);
    vec![cluster_row, g, p]
}

fn arrow(chain: &Chain) -> String {
    chain.hops.join(" → ")
}

fn cluster_finding(ns: &str, chain: &Chain, verdict: &Result<Cluster, Problem>) -> Finding {
    let shown = arrow(chain);
    let warn = |f: Finding| Finding {
        status: Status::Warning,
        ..f
    };
    let f = match verdict {
        Ok(c) => {
            let deployment = c.deployment(Rule::Current).unwrap_or_default();
            let via = c
                .private_link
                .as_ref()
                .map(|p| format!(" through the private-link name {p}"))
                .unwrap_or_default();
            let region = c.region.clone().unwrap_or_else(|| "not part of the name".into());
            Finding::pass(
                "Derived",
                format!("{ns} is on cluster {}", c.host),
                format!(
                    "The CNAME chain {shown} leads{via} to the cluster {}: deployment {}, region {region}. Its gateway names follow GetNamespaceInfo.ps1.",
                    c.host,
                    deployment.to_ascii_uppercase()
                ),
            )
            .with("Cluster", c.host.clone())
            .with("Deployment", deployment.to_ascii_uppercase())
            .with("Region", c.region.clone().map(Value::from).unwrap_or(Value::Null))
            .with(
                "PrivateLink",
                c.private_link.clone().map(Value::from).unwrap_or(Value::Null),
            )
            .with("DerivationRule", Rule::Current.token())
            .with("DerivationSource", Rule::Current.describe())
        }
        Err(Problem::NxDomain) => Finding::fail(
            "NxDomain",
            format!("{ns} does not exist in DNS"),
            format!("The DNS server says {ns} does not exist (NXDOMAIN), so writeback cannot reach this relay."),
            "Check the namespace name (the PasswordResetService events 31019 and 31034 name the tenant's), and that this server's DNS resolves Internet names.",
        ),
        Err(Problem::NoCname) => warn(Finding::fail(
            "NoCname",
            format!("{ns} has no CNAME"),
            format!("{ns} exists but is not a CNAME, so its cluster cannot be read from DNS (GetNamespaceInfo.ps1 needs the CNAME). A hosts-file entry, a DNS zone overriding the name, or a resolver that flattens CNAMEs gives this."),
            "Ask a DNS server that returns the public chain (--dns-server), or allow all of the cloud's Service Bus domain, since the gateway names cannot be derived here.",
        )),
        Err(Problem::PrivateLinkNoCluster(pl)) => warn(Finding::fail(
            "PrivateLinkNoCluster",
            format!("{ns} ends at a private-link name"),
            format!("{ns} goes to {pl}, which is not a CNAME: a private DNS zone for a private endpoint answers it. The public cluster name, and so the gateway names, cannot be derived from this chain."),
            "Check the private endpoint's DNS zone. To see the public chain, ask a public resolver with --dns-server.",
        )
        .with("PrivateLink", pl.clone())),
        Err(Problem::Broken(from, to)) => Finding::fail(
            "BrokenChain",
            format!("The CNAME chain of {ns} ends at a name that does not exist"),
            format!("{from} is a CNAME for {to}, which does not exist (NXDOMAIN); the chain {shown} resolves to nothing, so writeback cannot reach this relay."),
            "Find the DNS server or filter that answers with this chain (nslookup -type=CNAME on this server) and make it resolve the Microsoft names as the Internet does.",
        )
        .with("MissingName", to.clone()),
        Err(Problem::Loop(name)) => Finding::fail(
            "CnameLoop",
            format!("The CNAME chain of {ns} loops"),
            format!("The chain {shown} comes back to {name}, so the namespace never resolves to an address."),
            "Find the DNS server or zone that answers with this loop and correct it.",
        ),
        Err(Problem::TooLong) => warn(Finding::fail(
            "ChainTooLong",
            format!("The CNAME chain of {ns} is longer than {}", chain::MAX_HOPS),
            format!("The chain {shown} goes on past {} CNAME records; a relay namespace's chain has one or two, so it was not read further.", chain::MAX_HOPS),
            "Check which DNS server answers with this chain (nslookup -type=CNAME on this server).",
        )),
        Err(Problem::NotACluster(host)) => warn(Finding::fail(
            "NotAClusterName",
            format!("The CNAME of {ns} is not a relay cluster name"),
            format!("The chain {shown} leads to {host}, which does not look like a relay cluster (first label ns-<deployment>, as in ns-prod-bn-vaz0001.eastus2.cloudapp.azure.com). Gateway names are not derived from it rather than guessed."),
            "If a DNS proxy, filter or override zone rewrites this name, ask a resolver that does not (--dns-server); otherwise allow the cloud's whole Service Bus domain.",
        )
        .with("Target", host.clone())),
        Err(Problem::Dns(name, failure)) => dns_failure(ns, name, failure),
    };
    f.with("Namespace", ns.to_string())
        .with("Chain", chain.hops.clone())
}

fn dns_failure(ns: &str, name: &str, failure: &Failure) -> Finding {
    if *failure == Failure::OverallDeadline {
        return crate::probe::overall_deadline("relay CNAME").with("Name", name.to_string());
    }
    Finding::fail(
        match failure {
            Failure::Timeout => "Timeout",
            Failure::ServerError(_) => "ServerError",
            _ => "Failed",
        },
        format!("The CNAME of {name} could not be read"),
        format!(
            "Asking for the CNAME of {name} (on the way from {ns}) failed: {}.",
            failure.describe()
        ),
        "Check that this server's DNS servers answer on UDP and TCP 53 and resolve Internet names.",
    )
    .with("Name", name.to_string())
    .with("DnsOutcome", failure.token())
}

fn not_derived(ns: &str) -> Finding {
    let parent = ns.split_once('.').map(|(_, p)| p).unwrap_or(ns);
    Finding {
        status: Status::Skipped,
        ..Finding::pass(
            "NotDerived",
            "Gateways not tested",
            format!("The gateway names of {ns} were not derived because its cluster could not be read (see {CLUSTER_ID})."),
        )
    }
    .with("AllowList", vec![ns.to_string(), format!("*.{parent}")])
}

async fn proxy_path(route: &Route, ctx: &Ctx) -> Result<Path, Finding> {
    let Route::Proxy { proxy, .. } = route else {
        return Ok(Path::Direct);
    };
    let deadline = Deadline::for_stage(ctx.stage, ctx.overall);
    match crate::probe::dns::resolve(&proxy.endpoint.host, proxy.endpoint.port, deadline).await {
        Ok((addrs, _)) => Ok(Path::Proxy(proxy.clone(), addrs)),
        Err(f) => Err(Finding {
            status: Status::Skipped,
            ..Finding::pass(
                "ProxyUnresolved",
                "Gateways not tested",
                format!("The proxy {proxy} does not resolve ({}), so the gateways could not be tested through it.", f.outcome),
            )
        }),
    }
}

async fn gateways_finding(ns: &str, cluster: &Cluster, route: &Route, ctx: &Arc<Ctx>) -> Finding {
    let path = match proxy_path(route, ctx).await {
        Ok(p) => p,
        Err(f) => return f,
    };
    let mut tried: Vec<&'static str> = Vec::new();
    let mut pick = Rule::Current;
    let mut deployment = cluster.deployment(Rule::Current).unwrap_or_default();
    let resolve = |rule: Rule, dep: &str| {
        gateways::resolve_all(
            ctx.dns.clone(),
            rule.candidates(dep, &cluster.parent),
            ctx.resolve.clone(),
            ctx.stage,
            ctx.overall,
        )
    };
    tried.push(Rule::Current.token());
    let mut res = resolve(Rule::Current, &deployment).await;
    if res.resolved.is_empty() && rule::older_rule_applies(&cluster.first_label) {
        if let Some(old) = cluster.deployment(Rule::Script2024) {
            tried.push(Rule::Script2024.token());
            let older = resolve(Rule::Script2024, &old).await;
            if !older.resolved.is_empty() {
                (pick, deployment, res) = (Rule::Script2024, old, older);
            }
        }
    }
    let candidates = pick.candidates(&deployment, &cluster.parent).len();
    let settings = Settings {
        port: ctx.port,
        trust: ctx.trust.clone(),
        stage: ctx.stage,
        overall: ctx.overall,
        path,
    };
    let tested = gateways::probe_all(&res.resolved, &settings, ctx.connect.clone()).await;
    let mut allow = vec![ns.to_string()];
    allow.extend(pick.patterns(&deployment, &cluster.parent));
    judge_gateways(ns, &res, &tested, candidates, ctx.port)
        .with("Cluster", cluster.host.clone())
        .with("Deployment", deployment.to_ascii_uppercase())
        .with("DerivationRule", pick.token())
        .with("DerivationSource", pick.describe())
        .with("RulesTried", tried)
        .with("AllowList", allow.clone())
        .with("AllowListWildcard", format!("*.{}", cluster.parent))
}

fn tested_json(t: &Tested) -> Value {
    json!({"Host": t.host, "Address": t.address, "Stage": t.stage, "Outcome": t.outcome, "Detail": t.detail})
}

/// The gateway verdict: any failure fails; re-signed TLS, unanswered queries and probes
/// cut by the deadline warn; no resolving name at all warns (the naming may have changed).
fn judge_gateways(
    ns: &str,
    res: &Resolution,
    tested: &[Tested],
    candidates: usize,
    port: u16,
) -> Finding {
    let by = |s: Status| tested.iter().filter(move |t| t.status == s);
    let failed: Vec<&Tested> = by(Status::Fail).collect();
    let inspected: Vec<&Tested> = by(Status::Warning).collect();
    let passed = by(Status::Pass).count();
    let not_tested = by(Status::Skipped).count();
    let probed = passed + failed.len() + inspected.len();
    let resolved = res.resolved.len();
    let mut summary = format!(
        "{resolved} of {candidates} gateway names resolve; {probed} were tested on port {port}: {passed} passed, {} failed",
        failed.len()
    );
    if !inspected.is_empty() {
        summary.push_str(&format!(", {} re-signed", inspected.len()));
    }
    if not_tested > 0 {
        summary.push_str(&format!(
            ", {not_tested} not tested before the overall deadline"
        ));
    }
    if !res.errors.is_empty() || res.not_asked > 0 {
        summary.push_str(&format!(
            "; {} name(s) got no DNS answer and {} were not asked before the deadline",
            res.errors.len(),
            res.not_asked
        ));
    }
    summary.push('.');
    let allow_fix = "Allow outbound TCP 443 from this server to the namespace and every gateway pattern in AllowList (or to the wildcard in AllowListWildcard) on every firewall and proxy on the path.";
    let f = if !failed.is_empty() {
        let shown: Vec<String> = failed
            .iter()
            .take(SHOWN_FAILURES)
            .map(|t| format!("{} ({} {})", t.host, t.stage, t.outcome))
            .collect();
        let more = failed.len().saturating_sub(SHOWN_FAILURES);
        let tail = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        Finding::fail(
            "Blocked",
            format!("{} gateway(s) of {ns} cannot be reached", failed.len()),
            format!("{summary} Failed: {}{tail}. Relay traffic that lands on a blocked gateway fails, so writeback breaks intermittently.", shown.join(", ")),
            format!("{allow_fix} A TLS failure (untrusted issuer, name mismatch) means something on the path intercepts TLS; exempt these hosts from inspection."),
        )
    } else if !inspected.is_empty() {
        Finding {
            status: Status::Warning,
            ..Finding::fail(
                "InspectionSuspected",
                format!("TLS to gateways of {ns} is re-signed"),
                format!("{summary} The re-signed gateways present a certificate not issued by Microsoft's or DigiCert's CAs: a TLS-inspecting device is on the path, which Microsoft does not support for Entra Connect."),
                "Exempt the namespace and its gateway hosts from TLS inspection.",
            )
        }
    } else if resolved == 0 && res.errors.is_empty() && res.not_asked == 0 {
        Finding {
            status: Status::Warning,
            ..Finding::fail(
                "NoneResolved",
                format!("No gateway name of {ns} resolves"),
                format!("{summary} Microsoft's naming may have changed again, or the resolver asked hides these names."),
                "Compare with GetNamespaceInfo.ps1's current output for this namespace; allow the wildcard in AllowListWildcard meanwhile.",
            )
        }
    } else if not_tested > 0 || !res.errors.is_empty() || res.not_asked > 0 {
        Finding {
            status: Status::Warning,
            ..Finding::fail(
                "Incomplete",
                format!("Not every gateway of {ns} was tested"),
                format!("{summary} Those tested work."),
                "Raise the overall deadline (--overall-timeout-ms) or check why DNS did not answer for every name.",
            )
        }
    } else {
        Finding::pass(
            "Reachable",
            format!("All {probed} gateways of {ns} are reachable"),
            format!("{summary} An allow-list needs the hosts in AllowList."),
        )
    };
    f.with("Candidates", candidates)
        .with("Resolved", resolved)
        .with(
            "ResolvedNames",
            res.resolved
                .iter()
                .map(|(n, _)| n.clone())
                .collect::<Vec<_>>(),
        )
        .with("Tested", probed)
        .with("Passed", passed)
        .with(
            "Failed",
            failed.iter().map(|t| tested_json(t)).collect::<Vec<_>>(),
        )
        .with(
            "Inspected",
            inspected.iter().map(|t| tested_json(t)).collect::<Vec<_>>(),
        )
        .with("NotTested", not_tested)
        .with(
            "DnsErrors",
            res.errors
                .iter()
                .map(|(n, f)| json!({"Name": n, "Outcome": f.token()}))
                .collect::<Vec<_>>(),
        )
        .with("NotAsked", res.not_asked)
}

async fn ports_finding(ns: &str, route: &Route, ctx: &Ctx) -> Finding {
    let deadline = Deadline::for_stage(ctx.stage, ctx.overall);
    let addr = match ctx.dns.addresses(ns, deadline).await {
        Ok(a) => a.first().copied(),
        Err(f) => {
            return Finding {
                status: Status::Skipped,
                ..Finding::pass(
                    "NotResolved",
                    "Relay ports not tested",
                    format!("{ns} has no address to test ({}).", f.describe()),
                )
            }
            .with("DnsOutcome", f.token())
        }
    };
    let Some(addr) = addr else {
        return Finding::pass(
            "NotResolved",
            "Relay ports not tested",
            format!("{ns} has no address."),
        );
    };
    let results = ports::probe(addr, ctx.port, ctx.stage, ctx.overall).await;
    judge_ports(ns, addr, ctx.port, route, &results)
}

/// 9350–9354 are information: a Warning only when 443 fails too (on a direct route).
fn judge_ports(
    ns: &str,
    addr: IpAddr,
    port: u16,
    route: &Route,
    results: &[PortResult],
) -> Finding {
    let https_open = results.iter().any(|r| r.port == port && r.open());
    let legacy: Vec<&PortResult> = results.iter().filter(|r| r.port != port).collect();
    let open: Vec<u16> = legacy.iter().filter(|r| r.open()).map(|r| r.port).collect();
    let closed: Vec<u16> = legacy
        .iter()
        .filter(|r| !r.open())
        .map(|r| r.port)
        .collect();
    let list = |v: &[u16]| {
        if v.is_empty() {
            "none".to_string()
        } else {
            v.iter().map(u16::to_string).collect::<Vec<_>>().join(", ")
        }
    };
    let facts = format!(
        "TCP {port} to {ns} ({addr}) {}; legacy ports open: {}; not open: {}.",
        if https_open {
            "connects"
        } else {
            "does not connect"
        },
        list(&open),
        list(&closed)
    );
    let info = "Event 32011 still lists TCP 9350-9354 beside 443; writeback since Connect 1.1.443.0 needs only 443, so these are information.";
    let f = if matches!(route, Route::Proxy { .. }) {
        Finding::pass(
            "ViaProxy",
            format!("Relay ports of {ns} (information)"),
            format!("{facts} These were tried directly; writeback's port 443 goes through the proxy on this server. {info}"),
        )
    } else if https_open && closed.is_empty() {
        Finding::pass("AllOpen", format!("Relay ports of {ns} are open"), facts)
    } else if https_open {
        Finding::pass(
            "LegacyBlocked",
            format!("Legacy relay ports of {ns} are closed (information)"),
            format!("{facts} {info}"),
        )
    } else {
        Finding {
            status: Status::Warning,
            ..Finding::fail(
                if open.is_empty() { "AllBlocked" } else { "OnlyLegacyOpen" },
                format!("TCP {port} to {ns} does not connect"),
                format!("{facts} Writeback needs 443; {}", if open.is_empty() { "no relay port connects at all." } else { "only legacy ports connect, which current writeback does not use." }),
                "Allow outbound TCP 443 to the relay namespace and its gateways (see CONN-RELAY-GATEWAYS); 9350-9354 are optional.",
            )
        }
    };
    f.with("Address", addr.to_string())
        .with(
            "Ports",
            results
                .iter()
                .map(|r| json!({"Port": r.port, "Outcome": r.outcome, "Ms": r.ms}))
                .collect::<Vec<_>>(),
        )
        .with("LegacyOpen", open)
        .with("LegacyClosed", closed)
        .with("Port443Open", https_open)
        .with("Route", route.kind())
        .with(
            "PortsSource",
            "[TSWB] event 32011: outbound TCP 443 and TCP 9350-9354",
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn direct() -> Route {
        Route::Direct {
            reason: "test".into(),
        }
    }

    fn ports(outcomes: &[(u16, &'static str)]) -> Vec<PortResult> {
        outcomes
            .iter()
            .map(|(port, outcome)| PortResult {
                port: *port,
                outcome,
                ms: 1,
            })
            .collect()
    }

    #[test]
    fn legacy_ports_warn_only_when_443_fails() {
        let ip: IpAddr = "127.0.0.1".parse().expect("ip");
        let mut all = vec![(443, "Connected")];
        all.extend(ports::LEGACY_PORTS.iter().map(|p| (*p, "Connected")));
        let f = judge_ports("n", ip, 443, &direct(), &ports(&all));
        assert_eq!((f.status, f.outcome), (Status::Pass, "AllOpen"));
        all[2].1 = "Refused";
        let f = judge_ports("n", ip, 443, &direct(), &ports(&all));
        assert_eq!((f.status, f.outcome), (Status::Pass, "LegacyBlocked"));
        all[0].1 = "TimedOut";
        let f = judge_ports("n", ip, 443, &direct(), &ports(&all));
        assert_eq!((f.status, f.outcome), (Status::Warning, "OnlyLegacyOpen"));
        for p in &mut all {
            p.1 = "Refused";
        }
        let f = judge_ports("n", ip, 443, &direct(), &ports(&all));
        assert_eq!((f.status, f.outcome), (Status::Warning, "AllBlocked"));
    }

    #[test]
    fn options_are_validated() {
        let none = Plan::new(&[], None, None, Cloud::Public, None, None).expect("ok");
        assert!(none.is_none());
        let two = vec!["a".to_string(), "A.servicebus.windows.net".to_string()];
        let p = Plan::new(
            &two,
            Some("127.0.0.1"),
            Some(8443),
            Cloud::Public,
            None,
            None,
        )
        .expect("ok")
        .expect("plan");
        assert_eq!(p.namespaces.len(), 1);
        assert_eq!(p.dns_server, Some("127.0.0.1:53".parse().expect("addr")));
        assert_eq!(p.port, 8443);
        let one = vec!["a".to_string()];
        for (dns, port) in [(Some("dns.example:53"), None), (None, Some(0))] {
            assert!(Plan::new(&one, dns, port, Cloud::Public, None, None).is_err());
        }
        let many: Vec<String> = (0..=MAX_NAMESPACES).map(|i| format!("n{i}")).collect();
        assert!(Plan::new(&many, None, None, Cloud::Public, None, None).is_err());
    }
}
