//! `connectivity`: DNS, TCP, proxy, TLS and HTTP to every endpoint writeback needs,
//! [`ENDPOINT_CONCURRENCY`] endpoints at once, each stage with its own deadline and the
//! run with an overall one.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::Value;

use crate::api::{CheckResult, Status};
use crate::checks::tenant_relays::{self, EndpointSource, LiveEventLog, TenantRelay};
use crate::checks::{allowlist, clock, idle, relay_path, result_from, revocation};
use crate::control::Control;
use crate::endpoints::{self, Cloud, Endpoint, ENDPOINTS_DOC};
use crate::error::{ErrorCode, WbdError};
use crate::probe::revocation::urls_in_chain;
use crate::probe::tls::{TrustStore, TLS_DOC};
use crate::probe::{dns, http, proxy_connect, tcp, tls, Deadline, Finding};
use crate::proxy::{self, MachineProxy, ProxyUrl, Route};

/// Default deadline of each stage.
pub const DEFAULT_STAGE_MS: u64 = 5_000;
/// Shortest default deadline of the whole run (the default grows with `TimeoutMs`).
pub const DEFAULT_OVERALL_MS: u64 = 30_000;
/// Largest accepted deadline (10 minutes).
pub const MAX_TIMEOUT_MS: u64 = 600_000;
/// Endpoints probed at once (our choice, the same bound as the relay gateways'
/// `CONNECT_CONCURRENCY`): a normal run (the cloud's 3 defaults and a tenant's relays)
/// starts every endpoint at once, so the run takes about as long as its slowest
/// endpoint; a long `--endpoint` list never opens more than this many sockets together.
pub const ENDPOINT_CONCURRENCY: usize = 16;

const PROXY_DOC: &str =
    "https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-install-prerequisites";

/// Options of the `connectivity` command (PascalCase mirror of the CLI flags).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Options {
    /// `public`, `usgov` or `china`.
    pub cloud: Option<String>,
    /// Extra endpoints, `HOST[:PORT]`.
    #[serde(default)]
    pub endpoints: Vec<String>,
    /// Replace the cloud's default endpoints with `endpoints`.
    #[serde(default)]
    pub no_default_endpoints: bool,
    /// Explicit proxy, `http://host:port`.
    pub proxy: Option<String>,
    /// .NET machine.config to read the sync engine's proxy from.
    pub machine_config_path: Option<String>,
    /// PEM file of extra trusted CA certificates.
    pub ca_file: Option<String>,
    /// Deadline of each stage, in milliseconds.
    pub timeout_ms: Option<u64>,
    /// Deadline of the whole run, in milliseconds.
    pub overall_timeout_ms: Option<u64>,
    /// Event log (.evtx or Get-WinEvent JSON) whose relay hosts are tested too.
    pub relays_from_events: Option<String>,
    /// The tenant's Service Bus namespaces, bare (`ssprdedicatedsbprodfra-1`, completed
    /// with the cloud's Service Bus suffix) or as host names; tested first, on 443, and
    /// their relay path (cluster, gateways, legacy ports) is examined.
    #[serde(default)]
    pub namespaces: Vec<String>,
    /// What the module read from the Connect server's live Application log (raw
    /// PasswordResetService events 31019/31034/32002); the relays their texts name are
    /// tested first and `CONN-TENANT-RELAYS` says what was found. Absent off a Connect
    /// server. See [`LiveEventLog`].
    pub live_event_log: Option<LiveEventLog>,
    /// Also measure how long idle connections survive (default checkpoints).
    #[serde(default)]
    pub idle: bool,
    /// Idle checkpoints in seconds; implies `Idle`.
    pub idle_checkpoints: Option<Vec<f64>>,
    /// DNS server `IP[:PORT]` for the relay's CNAME chain and gateway names (testing).
    pub dns_server: Option<String>,
    /// Test only: port of the relay probes instead of 443.
    pub relay_port: Option<u16>,
}

/// Validated inputs of one run.
struct Plan {
    cloud: Cloud,
    endpoints: Vec<(Endpoint, Route)>,
    trust: TrustStore,
    stage: Duration,
    overall: Duration,
    /// The event file and the relay hosts it named.
    event_relays: Option<(String, Vec<String>)>,
    /// The tenant's relays, in test order (command line, live log, event file).
    tenant: Vec<TenantRelay>,
    /// Where each endpoint (by target text) came from.
    sources: Vec<(String, EndpointSource)>,
    /// The live log the module read, with the relays it named.
    live_log: Option<(LiveEventLog, Vec<TenantRelay>)>,
    /// Idle checkpoints, when the idle test was asked for.
    idle: Option<Vec<Duration>>,
    /// The relay path of the given namespaces.
    relay: Option<relay_path::Plan>,
    /// The explicit DNS server (`DnsServer`) every lookup of the run goes to.
    dns_server: Option<std::net::SocketAddr>,
    /// The explicit proxy, to route the revocation fetches as the endpoints are routed.
    explicit: Option<ProxyUrl>,
    /// The machine.config proxy settings, for the same purpose.
    machine: Option<MachineProxy>,
}

fn timeout(name: &str, value: Option<u64>, default: u64) -> Result<Duration, WbdError> {
    match value.unwrap_or(default) {
        0 => Err(WbdError::invalid(format!("{name} must be at least 1 ms"))),
        v if v > MAX_TIMEOUT_MS => Err(WbdError::invalid(format!(
            "{name} is {v} ms; the largest allowed is {MAX_TIMEOUT_MS} ms"
        ))),
        v => Ok(Duration::from_millis(v)),
    }
}

impl Plan {
    fn from_options(value: &Value) -> Result<Self, WbdError> {
        let opts: Options = serde_json::from_value(value.clone())
            .map_err(|e| WbdError::invalid(format!("connectivity options: {e}")))?;
        let cloud = Cloud::parse(opts.cloud.as_deref().unwrap_or("public"))?;
        let event_relays = match opts.relays_from_events.as_deref() {
            Some(p) if p.trim().is_empty() => {
                return Err(WbdError::invalid("RelaysFromEvents is empty"))
            }
            Some(p) => {
                let hosts =
                    crate::events::relay_hosts_in_file(Path::new(p), cloud, &Control::new())?;
                Some((p.to_string(), hosts))
            }
            None => None,
        };
        let given = tenant_relays::from_command_line(&opts.namespaces, cloud)?;
        let live_log = match opts.live_event_log {
            Some(log) => {
                let found = tenant_relays::from_live_log(&log, cloud)?;
                Some((log, found))
            }
            None => None,
        };
        let tenant = tenant_relays::merge(vec![
            given,
            live_log
                .as_ref()
                .map(|(_, f)| f.clone())
                .unwrap_or_default(),
            event_relays
                .as_ref()
                .map(|(_, h)| tenant_relays::from_file_hosts(h))
                .unwrap_or_default(),
        ]);
        let list = endpoints::plan_after(
            tenant.iter().map(|t| t.endpoint.clone()).collect(),
            cloud,
            &opts.endpoints,
            opts.no_default_endpoints,
        )?;
        let sources = tenant_relays::sources(&list, &tenant, cloud);
        let explicit = opts.proxy.as_deref().map(ProxyUrl::parse).transpose()?;
        let machine = opts
            .machine_config_path
            .as_deref()
            .map(|p| MachineProxy::load(&PathBuf::from(p)))
            .transpose()?;
        // The relay path of every tenant relay: from the command line, the live log or the
        // event file (the generic example hosts may not be the tenant's, so not those).
        let tenant_hosts: Vec<String> = tenant.iter().map(|t| t.endpoint.host.clone()).collect();
        let relay = relay_path::Plan::new(
            &tenant_hosts,
            opts.dns_server.as_deref(),
            opts.relay_port,
            cloud,
            explicit.as_ref(),
            machine.as_ref(),
        )?;
        let trust = TrustStore::load(opts.ca_file.as_deref().map(std::path::Path::new))?;
        let stage = timeout("TimeoutMs", opts.timeout_ms, DEFAULT_STAGE_MS)?;
        // By default the run may take every stage's full deadline plus a little slack.
        let derived = u64::try_from(stage.as_millis())
            .unwrap_or(MAX_TIMEOUT_MS)
            .saturating_mul(STAGES as u64)
            .saturating_add(2_000)
            .clamp(DEFAULT_OVERALL_MS, MAX_TIMEOUT_MS);
        let overall = timeout("OverallTimeoutMs", opts.overall_timeout_ms, derived)?;
        let idle = if opts.idle || opts.idle_checkpoints.is_some() {
            Some(idle::checkpoints(opts.idle_checkpoints.as_deref())?)
        } else {
            None
        };
        let endpoints = list
            .into_iter()
            .map(|e| proxy::choose(&e, explicit.as_ref(), machine.as_ref()).map(|r| (e, r)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Plan {
            cloud,
            endpoints,
            trust,
            stage,
            overall,
            event_relays,
            tenant,
            sources,
            live_log,
            idle,
            relay,
            dns_server: opts
                .dns_server
                .as_deref()
                .map(relay_path::parse_dns_server)
                .transpose()?,
            explicit,
            machine,
        })
    }
}

/// Number of result rows per endpoint.
const STAGES: usize = 4;

/// Shared state of the endpoint tasks.
struct Ctx {
    trust: TrustStore,
    /// The explicit DNS server of the run (`DnsServer`), used instead of the OS resolver.
    dns: Option<Arc<crate::relay::dns::Dns>>,
    stage: Duration,
    overall_at: Instant,
    done: AtomicUsize,
    total: usize,
    control: Control,
    /// Revocation addresses named by each chain a handshake presented.
    seen: std::sync::Mutex<Vec<revocation::Seen>>,
}

impl Ctx {
    fn started(&self, activity: String) {
        let pct = self.done.load(Ordering::Relaxed) * 100 / self.total.max(1);
        self.control
            .set_progress(u8::try_from(pct).unwrap_or(100), activity);
    }

    fn finished(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }
}

/// Runs the connectivity check; returns the results in endpoint and stage order.
pub fn run(options: &Value, control: &Control) -> Result<Vec<CheckResult>, WbdError> {
    let plan = Plan::from_options(options)?;
    let runtime = crate::probe::runtime()?;
    let dns = plan
        .dns_server
        .map(|addr| crate::relay::dns::Dns::new(Some(addr), plan.stage).map(Arc::new))
        .transpose()?;
    let ctx = Arc::new(Ctx {
        trust: plan.trust.clone(),
        dns,
        stage: plan.stage,
        overall_at: Instant::now() + plan.overall,
        done: AtomicUsize::new(0),
        total: plan.endpoints.len() * STAGES,
        control: control.clone(),
        seen: std::sync::Mutex::new(Vec::new()),
    });
    let token = control.token().clone();
    let endpoints = plan.endpoints.clone();
    let all = async {
        let mut set = tokio::task::JoinSet::new();
        let permits = Arc::new(tokio::sync::Semaphore::new(ENDPOINT_CONCURRENCY));
        for (i, (ep, route)) in endpoints.into_iter().enumerate() {
            let (ctx, permits) = (ctx.clone(), permits.clone());
            set.spawn(async move {
                // The semaphore is never closed, so this waits for a permit; an endpoint
                // still waiting at the overall deadline fails its stages at once.
                let _permit = permits.acquire_owned().await;
                (i, probe_endpoint(ep, route, ctx).await)
            });
        }
        let mut rows: Vec<(usize, Vec<CheckResult>)> = Vec::new();
        while let Some(joined) = set.join_next().await {
            match joined {
                Ok(r) => rows.push(r),
                Err(e) => {
                    return Err(WbdError::new(
                        ErrorCode::Internal,
                        format!("an endpoint probe failed: {e}"),
                    ))
                }
            }
        }
        rows.sort_by_key(|(i, _)| *i);
        Ok(rows.into_iter().flat_map(|(_, r)| r).collect::<Vec<_>>())
    };
    let relay = async {
        match &plan.relay {
            Some(p) => relay_path::run(p, &plan.trust, plan.stage, ctx.overall_at).await,
            None => Vec::new(),
        }
    };
    let all = async {
        let (endpoint_rows, relay_rows) = tokio::join!(all, relay);
        endpoint_rows.map(|mut rows| {
            rows.extend(relay_rows);
            rows
        })
    };
    let cancelled = || WbdError::new(ErrorCode::Cancelled, "the connectivity check was cancelled");
    let outcome = runtime.block_on(async {
        tokio::select! {
            r = all => Some(r),
            _ = token.cancelled() => None,
        }
    });
    let mut results = outcome.ok_or_else(cancelled)??;
    let revoked = runtime
        .block_on(async {
            tokio::select! {
                r = revocation_phase(&plan, &ctx) => Some(r),
                _ = token.cancelled() => None,
            }
        })
        .ok_or_else(cancelled)?;
    results.extend(revoked.rows);
    if let Some(idles) = &plan.idle {
        let rows = runtime
            .block_on(async {
                tokio::select! {
                    r = idle_phase(&plan, idles, &results, control) => Some(r),
                    _ = token.cancelled() => None,
                }
            })
            .ok_or_else(cancelled)?;
        results.extend(rows);
    }
    drop(runtime);
    tenant_relays::mark(&mut results, &plan.sources);
    if plan.cloud == Cloud::UsGov && plan.tenant.is_empty() {
        results.push(usgov_relay_note());
    }
    if let Some((file, hosts)) = &plan.event_relays {
        results.push(event_relays_note(file, hosts));
    }
    if let Some((log, found)) = &plan.live_log {
        let given: Vec<TenantRelay> = plan
            .tenant
            .iter()
            .filter(|t| t.source == EndpointSource::CommandLine)
            .cloned()
            .collect();
        results.push(tenant_relays::live_log_result(log, found, &given));
    }
    results.push(clock::summarise(&results));
    let mut entries = allowlist::endpoint_entries(&plan.endpoints, &results);
    entries.extend(allowlist::relay_entries(&results));
    entries.extend(revoked.entries);
    results.push(allowlist::result(plan.cloud, &entries));
    control.set_progress(100, "Done");
    Ok(results)
}

/// The revocation servers the presented chains named, in endpoint order, each fetched
/// along the route the proxy settings give its host.
async fn revocation_phase(plan: &Plan, ctx: &Ctx) -> revocation::Outcome {
    ctx.control
        .set_progress(99, "Checking the certificates' revocation servers");
    let mut seen = ctx.seen.lock().map(|s| s.clone()).unwrap_or_default();
    let order = |target: &str| {
        plan.endpoints
            .iter()
            .position(|(e, _)| e.to_string() == target)
    };
    seen.sort_by_key(|s| order(&s.endpoint));
    let route_for = |e: &Endpoint| proxy::choose(e, plan.explicit.as_ref(), plan.machine.as_ref());
    revocation::phase(
        &seen,
        route_for,
        ctx.dns.clone(),
        plan.stage,
        ctx.overall_at,
    )
    .await
}

/// The idle test: every endpoint whose other checks passed, all checkpoints at once,
/// with progress showing the time left.
async fn idle_phase(
    plan: &Plan,
    idles: &[Duration],
    earlier: &[CheckResult],
    control: &Control,
) -> Vec<CheckResult> {
    let phase = idle::phase_deadline(idles, plan.stage);
    let started = Instant::now();
    let overall = started + phase;
    let longest = idles.iter().max().copied().unwrap_or_default();
    let mut set = tokio::task::JoinSet::new();
    let mut rows: Vec<(usize, CheckResult)> = Vec::new();
    for (i, (ep, route)) in plan.endpoints.iter().enumerate() {
        let target = ep.to_string();
        let failed = earlier
            .iter()
            .any(|r| r.target == target && matches!(r.status, Status::Fail | Status::Error));
        if failed {
            rows.push((i, idle_not_run(ep, route)));
            continue;
        }
        let (ep, route, trust, stage) = (ep.clone(), route.clone(), plan.trust.clone(), plan.stage);
        let idles = idles.to_vec();
        set.spawn(async move {
            (
                i,
                idle::probe_endpoint(&ep, &route, &trust, stage, &idles, overall).await,
            )
        });
    }
    let count = set.len();
    let ticker = async {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tick.tick().await;
            let elapsed = started.elapsed();
            let left = longest.saturating_sub(elapsed);
            let pct = (elapsed.as_secs_f64() / longest.as_secs_f64().max(0.001) * 100.0).min(99.0);
            let activity = if left.is_zero() {
                format!("Idle test: using the idle connections to {count} endpoint(s)")
            } else {
                format!(
                    "Idle test: {} left (holding {} connection(s) to {count} endpoint(s) idle)",
                    clock(left),
                    count * idles.len()
                )
            };
            control.set_progress(pct as u8, activity);
        }
    };
    let collect = async {
        while let Some(joined) = set.join_next().await {
            if let Ok(r) = joined {
                rows.push(r);
            }
        }
    };
    tokio::select! {
        () = collect => {}
        () = ticker => {}
    }
    rows.sort_by_key(|(i, _)| *i);
    rows.into_iter().map(|(_, r)| r).collect()
}

/// `4 min 05 s`, `12 s`.
fn clock(d: Duration) -> String {
    let s = d.as_secs() + u64::from(d.subsec_millis() > 0);
    if s >= 60 {
        format!("{} min {:02} s", s / 60, s % 60)
    } else {
        format!("{s} s")
    }
}

fn idle_not_run(ep: &Endpoint, route: &Route) -> CheckResult {
    let f = Finding {
        status: Status::Skipped,
        ..Finding::pass(
            "NotRun",
            format!("Idle test of {ep} not run"),
            "Not run because a connectivity stage to this endpoint failed; fix that first.",
        )
    }
    .with("Route", route.kind())
    .with("Host", ep.host.clone())
    .with("Port", ep.port)
    .with("RequirementSeconds", idle::REQUIRED.as_secs());
    result_from(
        idle::IDLE_ID,
        idle::IDLE_CHECK,
        &ep.to_string(),
        PROXY_DOC,
        f,
        0,
    )
}

fn usgov_relay_note() -> CheckResult {
    result_from(
        "CONN-RELAYS",
        "Endpoints",
        "usgov",
        ENDPOINTS_DOC,
        Finding {
            status: Status::Warning,
            ..Finding::fail(
                "RelayHostsUnknown",
                "US Government relay hosts are not tested",
                "Microsoft does not document the Service Bus relay host names for US Government tenants (they are under *.servicebus.usgovcloudapi.net), so only the password-reset service was tested.",
                "Add your tenant's relay namespace with --namespace (-Namespace; the PasswordResetService events 31019 and 31034 name it), and allow *.servicebus.usgovcloudapi.net on port 443.",
            )
        },
        0,
    )
}

fn event_relays_note(file: &str, hosts: &[String]) -> CheckResult {
    let f = if hosts.is_empty() {
        Finding {
            status: Status::Warning,
            ..Finding::fail(
                "NoRelaysInLog",
                "The event log names no relay host",
                format!("No ssprdedicatedsb... relay namespace appears in the writeback events of {file}, so only the other endpoints were tested."),
                "Export a log that covers a time when writeback ran (its heartbeat, event 31019, names the relay), or give the relay namespace with --namespace.",
            )
        }
    } else {
        Finding::pass(
            "RelaysFromLog",
            format!("{} relay host(s) from the event log tested", hosts.len()),
            format!("The writeback events in {file} name {}; each was tested on port 443 above.", hosts.join(", ")),
        )
    }
    .with("Hosts", hosts.to_vec());
    result_from("CONN-EVENT-RELAYS", "Endpoints", file, ENDPOINTS_DOC, f, 0)
}

/// Runs every stage for one endpoint, stopping at the first failure.
async fn probe_endpoint(ep: Endpoint, route: Route, ctx: Arc<Ctx>) -> Vec<CheckResult> {
    let target = ep.to_string();
    let mut rows: Vec<CheckResult> = Vec::with_capacity(STAGES);
    let decorate = |f: Finding| {
        f.with("Route", route.kind())
            .with("RouteReason", route.reason().to_string())
            .with("Host", ep.host.clone())
            .with("Port", ep.port)
    };
    let push = |rows: &mut Vec<CheckResult>,
                id: &str,
                check: &str,
                doc: &str,
                f: Finding,
                started: Instant| {
        rows.push(result_from(
            id,
            check,
            &target,
            doc,
            decorate(f),
            crate::probe::ms_since(started),
        ));
        ctx.finished();
    };
    let stage_names: [(&str, &str, &str); STAGES] = match &route {
        Route::Direct { .. } => [
            ("CONN-DNS", "Dns", ENDPOINTS_DOC),
            ("CONN-TCP", "Tcp", ENDPOINTS_DOC),
            ("CONN-TLS", "Tls", TLS_DOC),
            ("CONN-HTTP", "Http", ENDPOINTS_DOC),
        ],
        Route::Proxy { .. } => [
            ("CONN-DNS", "Dns", PROXY_DOC),
            ("CONN-PROXY", "Proxy", PROXY_DOC),
            ("CONN-TLS", "Tls", TLS_DOC),
            ("CONN-HTTP", "Http", ENDPOINTS_DOC),
        ],
    };
    let skip_rest = |rows: &mut Vec<CheckResult>, failed: &str| {
        for (id, check, doc) in stage_names.iter().skip(rows.len()) {
            let f = Finding {
                status: Status::Skipped,
                ..Finding::pass(
                    "NotRun",
                    format!("{check} not tested"),
                    format!("Not tested because the {failed} stage failed."),
                )
            };
            rows.push(result_from(id, check, &target, doc, decorate(f), 0));
            ctx.finished();
        }
    };

    // Stage 1: name resolution (of the proxy when one is used; the proxy resolves the endpoint).
    let (lookup_host, lookup_port) = match &route {
        Route::Direct { .. } => (ep.host.clone(), ep.port),
        Route::Proxy { proxy, .. } => (proxy.endpoint.host.clone(), proxy.endpoint.port),
    };
    let started = Instant::now();
    ctx.started(format!("Resolving {lookup_host}"));
    let deadline = Deadline::for_stage(ctx.stage, ctx.overall_at);
    let answer = match &ctx.dns {
        Some(d) => {
            crate::relay::dns::resolve_endpoint(d, &lookup_host, lookup_port, deadline).await
        }
        None => dns::resolve(&lookup_host, lookup_port, deadline).await,
    };
    let addrs = match answer {
        Ok((addrs, f)) => {
            let f = match &route {
                Route::Proxy { proxy, .. } => Finding {
                    title: format!("Proxy {proxy} resolves"),
                    message: format!("{} The proxy resolves {} itself.", f.message, ep.host),
                    ..f
                },
                Route::Direct { .. } => f,
            };
            push(&mut rows, "CONN-DNS", "Dns", stage_names[0].2, f, started);
            addrs
        }
        Err(f) => {
            push(&mut rows, "CONN-DNS", "Dns", stage_names[0].2, f, started);
            skip_rest(&mut rows, "DNS");
            return rows;
        }
    };

    // Stage 2: TCP, directly or to the proxy followed by CONNECT.
    let started = Instant::now();
    let stream = match &route {
        Route::Direct { .. } => {
            ctx.started(format!("Connecting to {target}"));
            match tcp::connect(&target, &addrs, ctx.stage, ctx.overall_at).await {
                Ok(c) => {
                    let f = Finding::pass(
                        "Connected",
                        format!("TCP to {target} works"),
                        format!(
                            "Connected to {} in {} ms.",
                            c.address,
                            crate::probe::ms_since(started)
                        ),
                    )
                    .with("Address", c.address.to_string())
                    .with("Attempts", c.attempts);
                    push(&mut rows, "CONN-TCP", "Tcp", ENDPOINTS_DOC, f, started);
                    c.stream
                }
                Err(f) => {
                    push(&mut rows, "CONN-TCP", "Tcp", ENDPOINTS_DOC, f, started);
                    skip_rest(&mut rows, "TCP");
                    return rows;
                }
            }
        }
        Route::Proxy { proxy, .. } => {
            ctx.started(format!("Opening a tunnel to {target} through {proxy}"));
            match proxy_connect::tunnel(proxy, &addrs, &ep, ctx.stage, ctx.overall_at).await {
                Ok((s, f)) => {
                    push(&mut rows, "CONN-PROXY", "Proxy", PROXY_DOC, f, started);
                    s
                }
                Err(f) => {
                    push(&mut rows, "CONN-PROXY", "Proxy", PROXY_DOC, f, started);
                    skip_rest(&mut rows, "proxy");
                    return rows;
                }
            }
        }
    };

    // Stage 3: TLS.
    let started = Instant::now();
    ctx.started(format!("TLS handshake with {target}"));
    let mut tls_stream = match tls::handshake(
        stream,
        &ep,
        &ctx.trust,
        Deadline::for_stage(ctx.stage, ctx.overall_at),
    )
    .await
    {
        Ok((s, f)) => {
            let chain = s.get_ref().1.peer_certificates().unwrap_or_default();
            if let Ok(mut seen) = ctx.seen.lock() {
                seen.push(revocation::Seen {
                    endpoint: target.clone(),
                    urls: urls_in_chain(chain),
                });
            }
            let f = f
                .with("TrustedRootsFromOs", ctx.trust.os_roots)
                .with("TrustedRootsFromCaFile", ctx.trust.extra_roots);
            push(&mut rows, "CONN-TLS", "Tls", TLS_DOC, f, started);
            s
        }
        Err(f) => {
            push(&mut rows, "CONN-TLS", "Tls", TLS_DOC, f, started);
            skip_rest(&mut rows, "TLS");
            return rows;
        }
    };

    // Stage 4: one HTTP request over the TLS stream.
    let started = Instant::now();
    ctx.started(format!("HTTP request to {target}"));
    let f = http::probe(
        &mut tls_stream,
        &ep,
        Deadline::for_stage(ctx.stage, ctx.overall_at),
    )
    .await;
    push(&mut rows, "CONN-HTTP", "Http", ENDPOINTS_DOC, f, started);
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_options() {
        let bad = [
            serde_json::json!({"TimeoutMs": 0}),
            serde_json::json!({"TimeoutMs": "5"}),
            serde_json::json!({"OverallTimeoutMs": MAX_TIMEOUT_MS + 1}),
            serde_json::json!({"Cloud": "mars"}),
            serde_json::json!({"Endpoints": ["h:99999"]}),
            serde_json::json!({"Proxy": "socks5://p:1"}),
            serde_json::json!({"CaFile": "/nonexistent/ca.pem"}),
            serde_json::json!({"MachineConfigPath": "/nonexistent/machine.config"}),
            serde_json::json!({"Bogus": true}),
            serde_json::json!({"NoDefaultEndpoints": true}),
        ];
        for b in bad {
            let e = Plan::from_options(&b)
                .err()
                .unwrap_or_else(|| panic!("{b} accepted"));
            assert_eq!(e.code, ErrorCode::InvalidInput, "{b}: {e}");
        }
    }

    #[test]
    fn relays_named_in_an_event_log_are_added_on_443() {
        let log = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/events/relay-link.ps51.json"
        );
        let p = Plan::from_options(&serde_json::json!({"RelaysFromEvents": log, "Cloud": "usgov"}))
            .expect("plan");
        let hosts: Vec<String> = p.endpoints.iter().map(|(e, _)| e.to_string()).collect();
        assert_eq!(
            hosts,
            [
                "ssprdedicatedsbwbdtest-1.servicebus.usgovcloudapi.net:443",
                "passwordreset.microsoftonline.us:443"
            ],
            "the tenant's relay is tested first"
        );
        assert_eq!(p.sources[0].1, EndpointSource::TenantEvents);
        assert_eq!(p.sources[1].1, EndpointSource::Generic);
        let e = Plan::from_options(&serde_json::json!({"RelaysFromEvents": ""}))
            .err()
            .expect("empty path rejected");
        assert_eq!(e.code, ErrorCode::InvalidInput);
    }

    #[test]
    fn namespaces_are_tested_first_and_validated() {
        let p = Plan::from_options(&serde_json::json!({
            "Namespaces": ["ssprdedicatedsbprodfra-1", "x.servicebus.windows.net"],
            "LiveEventLog": {"State": "Read", "Events": [
                {"Id": 31019, "TimeCreated": "2026-12-01T10:00:00Z", "Message": "namespace ssprdedicatedsbprodweu"}
            ]},
            "Endpoints": ["other.test"]
        }))
        .expect("plan");
        let order: Vec<(String, &str)> = p
            .endpoints
            .iter()
            .zip(&p.sources)
            .map(|((e, _), (_, s))| (e.to_string(), s.token()))
            .collect();
        let want = [
            (
                "ssprdedicatedsbprodfra-1.servicebus.windows.net:443",
                "CommandLine",
            ),
            ("x.servicebus.windows.net:443", "CommandLine"),
            (
                "ssprdedicatedsbprodweu.servicebus.windows.net:443",
                "TenantEvents",
            ),
            ("passwordreset.microsoftonline.com:443", "Generic"),
            (
                "ssprdedicatedsbprodscu.servicebus.windows.net:443",
                "Generic",
            ),
            (
                "ssprdedicatedsbprodncu.servicebus.windows.net:443",
                "Generic",
            ),
            ("other.test:443", "CommandLine"),
        ];
        let want: Vec<(String, &str)> = want.iter().map(|(h, s)| (h.to_string(), *s)).collect();
        assert_eq!(order, want);
        // Namespaces alone are enough to run without the defaults.
        let only = Plan::from_options(&serde_json::json!({
            "Namespaces": ["ssprdedicatedsbprodfra-1"], "NoDefaultEndpoints": true, "Cloud": "china"
        }))
        .expect("plan");
        let hosts: Vec<String> = only.endpoints.iter().map(|(e, _)| e.to_string()).collect();
        assert_eq!(
            hosts,
            ["ssprdedicatedsbprodfra-1.servicebus.chinacloudapi.cn:443"]
        );
        for bad in [
            serde_json::json!({"Namespaces": ["bad_name"]}),
            serde_json::json!({"Namespaces": ["ns:443"]}),
            serde_json::json!({"Namespaces": "ssprdedicatedsbprodfra-1"}),
            serde_json::json!({"LiveEventLog": {"State": "Read", "Events": [{"Id": 31019, "TimeCreated": "soon"}]}}),
            serde_json::json!({"LiveEventLog": {"WrongType": true}}),
        ] {
            let e = Plan::from_options(&bad)
                .err()
                .unwrap_or_else(|| panic!("{bad} accepted"));
            assert_eq!(e.code, ErrorCode::InvalidInput, "{bad}: {e}");
        }
    }

    #[test]
    fn defaults_are_sensible() {
        let p = Plan::from_options(&serde_json::json!({})).expect("plan");
        assert_eq!(p.endpoints.len(), 3);
        assert_eq!(p.stage, Duration::from_millis(DEFAULT_STAGE_MS));
        assert!(p
            .endpoints
            .iter()
            .all(|(e, r)| e.port == 443 && r.kind() == "Direct"));
        assert_eq!(p.overall, Duration::from_millis(DEFAULT_OVERALL_MS));
        let slow = Plan::from_options(&serde_json::json!({"TimeoutMs": 20_000})).expect("plan");
        assert_eq!(slow.overall, Duration::from_millis(82_000));
    }
}
