//! The gateway names of a cluster: which resolve, and whether TCP and TLS with SNI work
//! on each, a bounded number at a time and never past the run's deadline.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;

use crate::api::Status;
use crate::endpoints::Endpoint;
use crate::probe::tls::{self, TrustStore};
use crate::probe::{proxy_connect, tcp, Deadline};
use crate::proxy::ProxyUrl;
use crate::relay::dns::{Dns, Failure};

/// Name queries in flight at once (our choice; hickory's own default limit is also 32).
pub const RESOLVE_CONCURRENCY: usize = 32;
/// Gateway connections open at once (our choice: enough to finish 200 names in a few
/// rounds, few enough not to look like a scan to a firewall).
pub const CONNECT_CONCURRENCY: usize = 16;

/// What resolving the candidate names found.
#[derive(Debug, Default)]
pub struct Resolution {
    /// Names that resolved, with their addresses, in candidate order.
    pub resolved: Vec<(String, Vec<IpAddr>)>,
    /// Names whose query failed for another reason than "does not exist".
    pub errors: Vec<(String, Failure)>,
    /// Names not asked because the overall deadline came first.
    pub not_asked: usize,
}

/// Resolves every candidate, at most `permits` queries at a time.
pub async fn resolve_all(
    dns: Arc<Dns>,
    names: Vec<String>,
    permits: Arc<Semaphore>,
    stage: Duration,
    overall: Instant,
) -> Resolution {
    let mut set = tokio::task::JoinSet::new();
    for (i, name) in names.into_iter().enumerate() {
        let (dns, permits) = (dns.clone(), permits.clone());
        set.spawn(async move {
            let until = tokio::time::Instant::from_std(overall);
            let Ok(Ok(_permit)) = tokio::time::timeout_at(until, permits.acquire_owned()).await
            else {
                return (i, name, None);
            };
            let r = dns
                .addresses(&name, Deadline::for_stage(stage, overall))
                .await;
            (i, name, Some(r))
        });
    }
    let mut rows = Vec::new();
    while let Some(joined) = set.join_next().await {
        if let Ok(row) = joined {
            rows.push(row);
        }
    }
    rows.sort_by_key(|(i, _, _)| *i);
    let mut out = Resolution::default();
    for (_, name, r) in rows {
        match r {
            None | Some(Err(Failure::OverallDeadline)) => out.not_asked += 1,
            Some(Ok(addrs)) => out.resolved.push((name, addrs)),
            Some(Err(Failure::NxDomain | Failure::NoData)) => {}
            Some(Err(f)) => out.errors.push((name, f)),
        }
    }
    out
}

/// How connections reach the gateways.
#[derive(Debug, Clone)]
pub enum Path {
    /// Straight to each gateway address.
    Direct,
    /// Through the proxy (CONNECT to the gateway name), at these proxy addresses.
    Proxy(ProxyUrl, Vec<SocketAddr>),
}

/// The outcome for one gateway.
#[derive(Debug, Clone)]
pub struct Tested {
    /// Gateway host name.
    pub host: String,
    /// Address connected to (direct) or the proxy's (tunnel), when one was reached.
    pub address: Option<String>,
    /// Stage that decided: `Tcp`, `Proxy`, `Tls` or `NotTested`.
    pub stage: &'static str,
    /// Outcome token of that stage (`Established`, `Refused`, `HandshakeTimeout`, ...).
    pub outcome: &'static str,
    /// Pass, Warning (re-signed TLS), Fail, or Skipped (not tested).
    pub status: Status,
    /// The stage's own message.
    pub detail: String,
}

/// Shared settings of one round of gateway probes.
#[derive(Clone)]
pub struct Settings {
    /// TCP port (443 outside tests).
    pub port: u16,
    /// Trust store for the TLS handshake.
    pub trust: TrustStore,
    /// Deadline of each stage.
    pub stage: Duration,
    /// The run's deadline.
    pub overall: Instant,
    /// Direct or through a proxy.
    pub path: Path,
}

/// Probes each resolved gateway (TCP, then TLS with the gateway's name as SNI), at most
/// `permits` at a time; those still waiting at the overall deadline are `NotTested`.
pub async fn probe_all(
    gateways: &[(String, Vec<IpAddr>)],
    settings: &Settings,
    permits: Arc<Semaphore>,
) -> Vec<Tested> {
    let mut set = tokio::task::JoinSet::new();
    for (i, (host, addrs)) in gateways.iter().cloned().enumerate() {
        let (s, permits) = (settings.clone(), permits.clone());
        set.spawn(async move {
            let until = tokio::time::Instant::from_std(s.overall);
            let Ok(Ok(_permit)) = tokio::time::timeout_at(until, permits.acquire_owned()).await
            else {
                return (i, not_tested(host));
            };
            if Instant::now() >= s.overall {
                return (i, not_tested(host));
            }
            (i, probe_one(host, &addrs, &s).await)
        });
    }
    let mut rows = Vec::new();
    while let Some(joined) = set.join_next().await {
        if let Ok(row) = joined {
            rows.push(row);
        }
    }
    rows.sort_by_key(|(i, _)| *i);
    rows.into_iter().map(|(_, t)| t).collect()
}

fn not_tested(host: String) -> Tested {
    Tested {
        host,
        address: None,
        stage: "NotTested",
        outcome: "OverallDeadline",
        status: Status::Skipped,
        detail: "not tested: the run's overall deadline came first".into(),
    }
}

async fn probe_one(host: String, addrs: &[IpAddr], s: &Settings) -> Tested {
    let ep = Endpoint {
        host: host.clone(),
        port: s.port,
    };
    // A stage cut by the run's deadline says nothing about the gateway: not tested.
    let failed = |stage, f: crate::probe::Finding, address: Option<String>| {
        let cut = f.outcome == "OverallDeadline";
        Tested {
            host: host.clone(),
            address,
            stage: if cut { "NotTested" } else { stage },
            outcome: f.outcome,
            status: if cut { Status::Skipped } else { Status::Fail },
            detail: f.message,
        }
    };
    let (stream, address) = match &s.path {
        Path::Direct => {
            let sockets: Vec<SocketAddr> = addrs
                .iter()
                .map(|ip| SocketAddr::new(*ip, s.port))
                .collect();
            match tcp::connect(&ep.to_string(), &sockets, s.stage, s.overall).await {
                Ok(c) => (c.stream, c.address.to_string()),
                Err(f) => {
                    let first = sockets.first().map(|a| a.to_string());
                    return failed("Tcp", f, first);
                }
            }
        }
        Path::Proxy(proxy, proxy_addrs) => {
            match proxy_connect::tunnel(proxy, proxy_addrs, &ep, s.stage, s.overall).await {
                Ok((stream, _)) => (stream, proxy.to_string()),
                Err(f) => return failed("Proxy", f, Some(proxy.to_string())),
            }
        }
    };
    let deadline = Deadline::for_stage(s.stage, s.overall);
    match tls::handshake(stream, &ep, &s.trust, deadline).await {
        Ok((_tls, f)) => Tested {
            host: host.clone(),
            address: Some(address),
            stage: "Tls",
            outcome: f.outcome,
            status: f.status,
            detail: f.message,
        },
        Err(f) => failed("Tls", f, Some(address)),
    }
}
