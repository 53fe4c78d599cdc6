//! Direct DNS queries (hickory-resolver): the CNAME record of one name, and the A/AAAA
//! addresses of a name, each against a deadline.
//!
//! The OS resolver (`getaddrinfo`, [`crate::probe::dns`]) answers only "which addresses",
//! never "which CNAME", so the relay's chain needs queries of its own. By default they go
//! to the servers of the system's resolver configuration (`/etc/resolv.conf` on Unix, the
//! adapters' DNS servers on Windows); an explicit `IP:PORT` (`DnsServer`) is for tests and
//! for asking one particular server.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use hickory_resolver::config::{NameServerConfig, ResolveHosts, ResolverConfig, ResolverOpts};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError, NetError, NoRecords};
use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::proto::rr::{RData, RecordType};
use hickory_resolver::{Resolver, TokioResolver};

use crate::error::{ErrorCode, WbdError};
use crate::probe::{Deadline, Finding};

/// Why a query got no usable answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The name does not exist (NXDOMAIN).
    NxDomain,
    /// The name exists but has no record of the asked type.
    NoData,
    /// No answer before the stage's deadline.
    Timeout,
    /// No answer before the whole run's deadline.
    OverallDeadline,
    /// The server answered with an error code (SERVFAIL, REFUSED, ...).
    ServerError(String),
    /// Anything else (transport error, unusable name).
    Other(String),
}

impl Failure {
    /// Stable token used in evidence.
    pub fn token(&self) -> &'static str {
        match self {
            Failure::NxDomain => "NxDomain",
            Failure::NoData => "NoData",
            Failure::Timeout => "Timeout",
            Failure::OverallDeadline => "OverallDeadline",
            Failure::ServerError(_) => "ServerError",
            Failure::Other(_) => "Failed",
        }
    }

    /// One line for messages.
    pub fn describe(&self) -> String {
        match self {
            Failure::NxDomain => "the name does not exist (NXDOMAIN)".into(),
            Failure::NoData => "the name exists but has no record of that type".into(),
            Failure::Timeout => "no answer before the stage deadline".into(),
            Failure::OverallDeadline => "the run's overall deadline passed".into(),
            Failure::ServerError(code) => format!("the DNS server answered {code}"),
            Failure::Other(e) => format!("the query failed: {e}"),
        }
    }
}

/// A resolver for direct queries, and a description of where its queries go.
pub struct Dns {
    resolver: TokioResolver,
    /// `system (...)` or the explicit `IP:PORT`, for evidence.
    pub source: String,
}

impl Dns {
    /// The system's resolver configuration, or the explicit server when one is given.
    ///
    /// `per_try` bounds each UDP/TCP try inside hickory; every query is also cut at its
    /// [`Deadline`].
    pub fn new(server: Option<SocketAddr>, per_try: Duration) -> Result<Self, WbdError> {
        let provider = TokioRuntimeProvider::default();
        let (builder, source) = match server {
            Some(addr) => {
                let mut ns = NameServerConfig::udp_and_tcp(addr.ip());
                for c in &mut ns.connections {
                    c.port = addr.port();
                }
                let config = ResolverConfig::from_parts(None, Vec::new(), vec![ns]);
                (
                    Resolver::builder_with_config(config, provider),
                    addr.to_string(),
                )
            }
            None => {
                let b = Resolver::builder(provider).map_err(|e| {
                    WbdError::new(
                        ErrorCode::Internal,
                        format!("cannot read the system's DNS configuration: {e}"),
                    )
                })?;
                (b, format!("system ({})", SYSTEM_CONFIG))
            }
        };
        let mut builder = builder;
        let opts: &mut ResolverOpts = builder.options_mut();
        opts.timeout = per_try;
        opts.attempts = 2;
        if server.is_some() {
            opts.use_hosts_file = ResolveHosts::Never;
        }
        let resolver = builder.build().map_err(|e| {
            WbdError::new(
                ErrorCode::Internal,
                format!("cannot set up the DNS resolver: {e}"),
            )
        })?;
        Ok(Dns { resolver, source })
    }

    /// The CNAME target of `name`, `Ok(None)` when the name exists without a CNAME.
    pub async fn cname(&self, name: &str, deadline: Deadline) -> Result<Option<String>, Failure> {
        let fqdn = fqdn(name);
        let answer = tokio::time::timeout_at(
            deadline.instant(),
            self.resolver.lookup(fqdn.as_str(), RecordType::CNAME),
        )
        .await;
        match answer {
            Err(_) => Err(timed_out(deadline)),
            Ok(Err(e)) => match classify(&e) {
                Failure::NoData => Ok(None),
                other => Err(other),
            },
            Ok(Ok(lookup)) => Ok(lookup.answers().iter().find_map(|r| match &r.data {
                RData::CNAME(c) if same_name(&r.name.to_ascii(), &fqdn) => {
                    Some(plain(&c.0.to_ascii()))
                }
                _ => None,
            })),
        }
    }

    /// Every A and AAAA address of `name` (following CNAMEs, as any client does).
    pub async fn addresses(&self, name: &str, deadline: Deadline) -> Result<Vec<IpAddr>, Failure> {
        let fqdn = fqdn(name);
        let answer =
            tokio::time::timeout_at(deadline.instant(), self.resolver.lookup_ip(fqdn.as_str()))
                .await;
        match answer {
            Err(_) => Err(timed_out(deadline)),
            Ok(Err(e)) => Err(classify(&e)),
            Ok(Ok(lookup)) => {
                let mut out: Vec<IpAddr> = Vec::new();
                for ip in lookup.iter() {
                    if !out.contains(&ip) {
                        out.push(ip);
                    }
                }
                if out.is_empty() {
                    Err(Failure::NoData)
                } else {
                    Ok(out)
                }
            }
        }
    }
}

/// The endpoint DNS stage through this resolver (used when the run was given an explicit
/// DNS server): the same outcomes as the OS resolver's stage, with the server in the
/// evidence.
pub async fn resolve_endpoint(
    dns: &Dns,
    host: &str,
    port: u16,
    deadline: Deadline,
) -> Result<(Vec<SocketAddr>, Finding), Finding> {
    if host.parse::<IpAddr>().is_ok() {
        return crate::probe::dns::resolve(host, port, deadline).await;
    }
    let started = std::time::Instant::now();
    let answer = dns.addresses(host, deadline).await;
    let ms = crate::probe::ms_since(started);
    match answer {
        Ok(ips) => {
            let shown: Vec<serde_json::Value> =
                ips.iter().map(|ip| ip.to_string().into()).collect();
            let f = Finding::pass(
                "Resolved",
                format!("{host} resolves"),
                format!(
                    "{} returned {} address(es) for {host} in {ms} ms.",
                    dns.source,
                    ips.len()
                ),
            )
            .with("Addresses", shown)
            .with("Resolver", dns.source.clone())
            .with("ElapsedMs", ms);
            Ok((
                ips.into_iter()
                    .map(|ip| SocketAddr::new(ip, port))
                    .collect(),
                f,
            ))
        }
        Err(Failure::OverallDeadline) => Err(crate::probe::overall_deadline("DNS")),
        Err(failure) => {
            let outcome = match failure {
                Failure::NxDomain => "NxDomain",
                Failure::NoData => "NoAnswer",
                Failure::Timeout => "Timeout",
                _ => "Failed",
            };
            Err(Finding::fail(
                outcome,
                format!("{host} does not resolve"),
                format!("Asked {} for {host}: {}.", dns.source, failure.describe()),
                "Check the name, and that the DNS server given with --dns-server / DnsServer answers for it.",
            )
            .with("Resolver", dns.source.clone())
            .with("ElapsedMs", ms))
        }
    }
}

#[cfg(unix)]
const SYSTEM_CONFIG: &str = "/etc/resolv.conf";
#[cfg(not(unix))]
const SYSTEM_CONFIG: &str = "the network adapters' DNS servers";

fn timed_out(deadline: Deadline) -> Failure {
    if deadline.is_overall {
        Failure::OverallDeadline
    } else {
        Failure::Timeout
    }
}

/// `name` with exactly one trailing dot, so no search suffix is tried.
fn fqdn(name: &str) -> String {
    format!("{}.", name.trim_end_matches('.'))
}

/// `name` in lower case without the trailing dot, as evidence shows names.
pub fn plain(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

fn same_name(a: &str, b: &str) -> bool {
    plain(a) == plain(b)
}

fn classify(e: &NetError) -> Failure {
    match e {
        NetError::Dns(DnsError::NoRecordsFound(NoRecords { response_code, .. })) => {
            if *response_code == ResponseCode::NXDomain {
                Failure::NxDomain
            } else {
                Failure::NoData
            }
        }
        NetError::Dns(DnsError::ResponseCode(code)) => Failure::ServerError(code.to_string()),
        NetError::Timeout => Failure::Timeout,
        other => Failure::Other(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_normalised() {
        assert_eq!(fqdn("a.b"), "a.b.");
        assert_eq!(fqdn("a.b.."), "a.b.");
        assert_eq!(plain("A.B."), "a.b");
        assert!(same_name("X.y.", "x.Y"));
    }

    #[cfg(unix)]
    #[test]
    fn system_configuration_is_read_without_querying() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("rt");
        let _guard = rt.enter();
        let dns = Dns::new(None, Duration::from_secs(1)).expect("system resolver");
        assert_eq!(dns.source, "system (/etc/resolv.conf)");
        let explicit = Dns::new(
            Some("127.0.0.1:5353".parse().expect("addr")),
            Duration::from_secs(1),
        )
        .expect("explicit resolver");
        assert_eq!(explicit.source, "127.0.0.1:5353");
    }

    #[test]
    fn classifies_resolver_errors() {
        use hickory_resolver::proto::op::Query;
        use hickory_resolver::proto::rr::Name;
        let query = Query::query(Name::root(), RecordType::CNAME);
        let nx = NetError::Dns(DnsError::NoRecordsFound(NoRecords::new(
            query.clone(),
            ResponseCode::NXDomain,
        )));
        assert_eq!(classify(&nx), Failure::NxDomain);
        let empty = NetError::Dns(DnsError::NoRecordsFound(NoRecords::new(
            query,
            ResponseCode::NoError,
        )));
        assert_eq!(classify(&empty), Failure::NoData);
        assert_eq!(classify(&NetError::Timeout), Failure::Timeout);
        let refused = NetError::Dns(DnsError::ResponseCode(ResponseCode::Refused));
        assert_eq!(classify(&refused).token(), "ServerError");
        assert_eq!(
            timed_out(Deadline {
                at: std::time::Instant::now(),
                is_overall: true
            }),
            Failure::OverallDeadline
        );
    }
}
