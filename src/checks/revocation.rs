//! `CONN-REVOCATION`: can this server reach the CRL and OCSP servers named by the
//! certificates the endpoints presented? One row per revocation server (host and port);
//! every distinct address is fetched once per run, a few at a time.
//!
//! Microsoft lists outbound TCP 80 "to download CRLs (Certificate Revocation Lists) to
//! verify TLS/SSL certificates" for the Connect server ([PORTS] table 2,
//! https://learn.microsoft.com/entra/identity/hybrid/connect/reference-connect-ports,
//! ms.date 2025-04-09, read 2026-12-02). What a blocked revocation server does to writeback
//! (a failed or delayed certificate check) is not documented: an inference, said so in the
//! evidence, and why a blocked server is a Warning rather than a Fail.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

use crate::api::{CheckResult, Status};
use crate::checks::allowlist::Entry;
use crate::checks::result_from;
use crate::endpoints::Endpoint;
use crate::error::WbdError;
use crate::probe::plain_get::{self, Expect};
use crate::probe::revocation::{origin_of, HttpUrl, Kind, RevocationUrl};
use crate::probe::Finding;
use crate::proxy::Route;
use crate::relay::dns::Dns;

/// Stable Id of the revocation rows.
pub const REVOCATION_ID: &str = "CONN-REVOCATION";
const CHECK: &str = "Revocation";
/// [PORTS]: TCP 80 for CRL downloads (see the module doc).
pub const PORTS_DOC: &str =
    "https://learn.microsoft.com/entra/identity/hybrid/connect/reference-connect-ports";
/// Distinct addresses fetched per run (our choice: a Microsoft chain names four to six).
pub const MAX_URLS: usize = 16;
/// Fetches in flight at once (our choice).
pub const CONCURRENCY: usize = 4;
/// Body bytes read per fetch (our choice: reachability is what counts).
pub const MAX_BODY: usize = 64 * 1024;
/// Why the verdict is only a Warning.
const BASIS: &str = "Microsoft: [PORTS] lists TCP 80 for CRL downloads to verify TLS certificates. Inference: a blocked revocation server makes certificate checks that consult it fail or wait for their timeout; Microsoft does not document how the writeback client reacts, so this is a Warning.";

/// The revocation addresses one endpoint's chain named.
#[derive(Debug, Clone)]
pub struct Seen {
    /// The endpoint (`host:port`) whose TLS handshake presented the chain.
    pub endpoint: String,
    /// The addresses, leaf first.
    pub urls: Vec<RevocationUrl>,
}

/// The rows of the phase and the hosts it adds to the allow-list.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Result rows, in the order the servers were first named.
    pub rows: Vec<CheckResult>,
    /// One entry per revocation server fetched.
    pub entries: Vec<Entry>,
}

/// One distinct address and who named it.
struct Wanted {
    url: String,
    kind: Kind,
    used_by: Vec<String>,
    subjects: Vec<String>,
}

/// Fetches every distinct revocation address the chains named and judges each server.
/// `route_for` picks the route exactly as for the endpoints.
pub async fn phase(
    seen: &[Seen],
    route_for: impl Fn(&Endpoint) -> Result<Route, WbdError>,
    resolver: Option<Arc<Dns>>,
    stage: Duration,
    overall: Instant,
) -> Outcome {
    let mut wanted: Vec<Wanted> = Vec::new();
    for s in seen {
        for u in &s.urls {
            match wanted
                .iter_mut()
                .find(|w| w.url == u.url && w.kind == u.kind)
            {
                Some(w) => {
                    if !w.used_by.contains(&s.endpoint) {
                        w.used_by.push(s.endpoint.clone());
                    }
                    if !w.subjects.contains(&u.subject) {
                        w.subjects.push(u.subject.clone());
                    }
                }
                None => wanted.push(Wanted {
                    url: u.url.clone(),
                    kind: u.kind,
                    used_by: vec![s.endpoint.clone()],
                    subjects: vec![u.subject.clone()],
                }),
            }
        }
    }
    let mut not_fetched: Vec<Value> = Vec::new();
    let mut fetch: Vec<(Wanted, HttpUrl, Route)> = Vec::new();
    for w in wanted {
        match HttpUrl::parse(&w.url) {
            Err(why) => not_fetched.push(skipped_url(&w, &why.to_string())),
            Ok(_) if fetch.len() >= MAX_URLS => not_fetched.push(skipped_url(
                &w,
                &format!("more than {MAX_URLS} addresses in this run"),
            )),
            Ok(u) => match route_for(&u.endpoint()) {
                Ok(r) => fetch.push((w, u, r)),
                Err(e) => not_fetched.push(skipped_url(&w, &e.message)),
            },
        }
    }
    let findings = fetch_all(&fetch, resolver, stage, overall).await;
    let mut out = Outcome::default();
    let mut groups: Vec<(Endpoint, Route, Vec<usize>)> = Vec::new();
    for (i, (_, u, r)) in fetch.iter().enumerate() {
        match groups.iter_mut().find(|(e, _, _)| *e == u.endpoint()) {
            Some(g) => g.2.push(i),
            None => groups.push((u.endpoint(), r.clone(), vec![i])),
        }
    }
    for (server, route, members) in groups {
        let urls: Vec<(&Wanted, &Finding)> = members
            .iter()
            .filter_map(|&i| Some((&fetch.get(i)?.0, findings.get(i)?.as_ref()?)))
            .collect();
        let row = server_row(&server, &route, &urls);
        out.entries.push(Entry {
            host: server.host.clone(),
            port: server.port,
            purpose: purpose(&urls),
            reached: Some(row.status == Status::Pass),
            route: route.kind().to_string(),
        });
        out.rows.push(row);
    }
    if fetch.is_empty() || !not_fetched.is_empty() {
        out.rows
            .push(not_tested_row(seen, &not_fetched, !fetch.is_empty()));
    }
    out
}

/// Fetches each address, at most [`CONCURRENCY`] at once; `None` where a task failed.
async fn fetch_all(
    fetch: &[(Wanted, HttpUrl, Route)],
    resolver: Option<Arc<Dns>>,
    stage: Duration,
    overall: Instant,
) -> Vec<Option<Finding>> {
    let permits = Arc::new(tokio::sync::Semaphore::new(CONCURRENCY));
    let mut set = tokio::task::JoinSet::new();
    for (i, (w, u, r)) in fetch.iter().enumerate() {
        let (u, r, permits, resolver) = (u.clone(), r.clone(), permits.clone(), resolver.clone());
        let expect = match w.kind {
            Kind::Crl => Expect::Crl,
            Kind::Ocsp => Expect::Any,
        };
        set.spawn(async move {
            let _permit = permits.acquire_owned().await;
            (
                i,
                plain_get::get(
                    &u,
                    &r,
                    resolver.as_deref(),
                    stage,
                    overall,
                    MAX_BODY,
                    expect,
                )
                .await,
            )
        });
    }
    let mut findings: Vec<Option<Finding>> = vec![None; fetch.len()];
    while let Some(joined) = set.join_next().await {
        if let Ok((i, f)) = joined {
            if let Some(slot) = findings.get_mut(i) {
                *slot = Some(f);
            }
        }
    }
    findings
}

fn skipped_url(w: &Wanted, why: &str) -> Value {
    json!({"Url": w.url, "Kind": w.kind.token(), "Reason": why, "UsedBy": w.used_by})
}

fn purpose(urls: &[(&Wanted, &Finding)]) -> String {
    let crl = urls.iter().any(|(w, _)| w.kind == Kind::Crl);
    let ocsp = urls.iter().any(|(w, _)| w.kind == Kind::Ocsp);
    match (crl, ocsp) {
        (true, true) => "Certificate revocation (CRL and OCSP)",
        (false, true) => "Certificate revocation (OCSP)",
        _ => "Certificate revocation (CRL)",
    }
    .to_string()
}

/// The row for one revocation server: Pass when every address on it answered HTTP.
fn server_row(server: &Endpoint, route: &Route, urls: &[(&Wanted, &Finding)]) -> CheckResult {
    let target = server.to_string();
    let failed: Vec<&(&Wanted, &Finding)> = urls
        .iter()
        .filter(|(_, f)| f.status != Status::Pass)
        .collect();
    let mut details: Vec<Value> = Vec::new();
    let mut used_by: Vec<String> = Vec::new();
    let mut lines: Vec<String> = Vec::new();
    for (w, f) in urls {
        let mut d = Map::new();
        d.insert("Url".into(), Value::from(w.url.clone()));
        d.insert("Kind".into(), Value::from(w.kind.token()));
        d.insert("Outcome".into(), Value::from(f.outcome));
        d.insert("Status".into(), json!(f.status));
        d.insert("Detail".into(), Value::from(f.message.clone()));
        d.insert("NamedBy".into(), json!(w.subjects));
        for (k, v) in &f.evidence {
            d.insert(k.clone(), v.clone());
        }
        details.push(Value::Object(d));
        for e in &w.used_by {
            if !used_by.contains(e) {
                used_by.push(e.clone());
            }
        }
        lines.push(format!("{} ({}): {}", w.url, w.kind.label(), f.message));
    }
    let endpoints = used_by.join(", ");
    let finding = match failed.first() {
        None => Finding::pass(
            "Answered",
            format!("Revocation server {target} answers"),
            format!(
                "Every revocation address on {target} named by the certificates of {endpoints} answered over plain HTTP: {} Only reachability is tested, not whether the CRL or OCSP answer is valid.",
                lines.join(" ")
            ),
        ),
        Some((_, first)) => Finding {
            status: Status::Warning,
            ..Finding::fail(
                first.outcome,
                format!("Revocation server {target} is not reachable ({})", first.outcome),
                format!(
                    "{} of {} revocation address(es) on {target}, named by the certificates of {endpoints}, got no usable answer: {} A certificate check that consults this server fails or waits for its timeout (inference; Microsoft lists TCP 80 for CRL downloads).",
                    failed.len(),
                    urls.len(),
                    lines.join(" ")
                ),
                format!(
                    "Allow this server to reach {} on TCP {} over plain HTTP{}. Microsoft lists outbound TCP 80 for CRL downloads for Entra Connect.",
                    server.host,
                    server.port,
                    match route {
                        Route::Proxy { proxy, .. } => format!(" through the proxy {proxy}"),
                        Route::Direct { .. } => String::new(),
                    }
                ),
            )
        },
    };
    let finding = finding
        .with("Route", route.kind())
        .with("RouteReason", route.reason().to_string())
        .with("Host", server.host.clone())
        .with("Port", server.port)
        .with("UsedBy", used_by)
        .with("Urls", details)
        .with("Basis", BASIS);
    let ms = urls
        .iter()
        .filter_map(|(_, f)| f.evidence.get("ElapsedMs").and_then(Value::as_u64))
        .max()
        .unwrap_or(0);
    result_from(REVOCATION_ID, CHECK, &target, PORTS_DOC, finding, ms)
}

/// The run-level row for what was not fetched (and why), or for a run with nothing to fetch.
fn not_tested_row(seen: &[Seen], not_fetched: &[Value], fetched_some: bool) -> CheckResult {
    let (title, message) = if seen.is_empty() {
        (
            "Revocation servers not tested".to_string(),
            "No TLS handshake completed, so no certificate chain named a revocation server to test.".to_string(),
        )
    } else if not_fetched.is_empty() {
        let endpoints: Vec<&str> = seen.iter().map(|s| s.endpoint.as_str()).collect();
        (
            "No revocation servers named".to_string(),
            format!(
                "The certificates presented by {} name no CRL distribution point or OCSP responder, so there is nothing to test.",
                endpoints.join(", ")
            ),
        )
    } else {
        let list: Vec<String> = not_fetched
            .iter()
            .map(|v| {
                let url = v["Url"].as_str().unwrap_or_default();
                format!(
                    "{} ({})",
                    origin_of(url),
                    v["Reason"].as_str().unwrap_or_default()
                )
            })
            .collect();
        (
            format!("{} revocation address(es) not tested", not_fetched.len()),
            format!(
                "{}Not fetched: {}.",
                if fetched_some {
                    "The other addresses have their own rows. "
                } else {
                    ""
                },
                list.join("; ")
            ),
        )
    };
    let f = Finding {
        status: Status::Skipped,
        ..Finding::pass(
            if seen.is_empty() {
                "NotRun"
            } else if not_fetched.is_empty() {
                "NoneNamed"
            } else {
                "NotTested"
            },
            title,
            message,
        )
    }
    .with("Scope", "Run")
    .with("NotFetched", not_fetched.to_vec())
    .with("Basis", BASIS);
    result_from(REVOCATION_ID, CHECK, "revocation", PORTS_DOC, f, 0)
}
