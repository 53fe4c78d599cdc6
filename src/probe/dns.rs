//! Name resolution through the operating system's resolver, which is what the sync
//! engine itself uses (hosts file, DNS suffixes and all).

use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

use dns_lookup::{AddrInfoHints, LookupErrorKind};
use serde_json::Value;

use crate::probe::{overall_deadline, Deadline, Finding};

/// Resolves `host` to every address the OS resolver returns.
///
/// The blocking `getaddrinfo` call runs on its own short-lived thread; when the deadline
/// passes first, the probe answers at once and that thread ends when the resolver gives up.
pub async fn resolve(
    host: &str,
    port: u16,
    deadline: Deadline,
) -> Result<(Vec<SocketAddr>, Finding), Finding> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        let addr = SocketAddr::new(ip, port);
        let f = Finding::pass(
            "Literal",
            format!("{host} is an IP address"),
            "No name lookup needed.",
        )
        .with("Addresses", vec![Value::from(ip.to_string())]);
        return Ok((vec![addr], f));
    }
    let started = Instant::now();
    let (tx, rx) = tokio::sync::oneshot::channel();
    let name = host.to_string();
    let spawned = std::thread::Builder::new()
        .name("wbd-dns".into())
        .spawn(move || {
            let _ = tx.send(lookup(&name, port));
        });
    if let Err(e) = spawned {
        return Err(Finding::fail(
            "Failed",
            "Could not start the name lookup",
            format!("The lookup thread could not be started: {e}"),
            "The process is out of resources; retry.",
        ));
    }
    let answer = tokio::time::timeout_at(deadline.instant(), rx).await;
    let ms = crate::probe::ms_since(started);
    match answer {
        Err(_) if deadline.is_overall => Err(overall_deadline("DNS")),
        Err(_) => Err(Finding::fail(
            "Timeout",
            format!("No DNS answer for {host}"),
            format!("The resolver gave no answer for {host} within {ms} ms."),
            "Check that the server's DNS servers are reachable and can resolve Internet names (nslookup NAME); a firewall may block outbound DNS.",
        )
        .with("ElapsedMs", ms)),
        Ok(Err(_)) => Err(Finding::fail(
            "Failed",
            "Name lookup stopped unexpectedly",
            "The lookup thread ended without an answer.",
            "Retry; report this as a bug if it repeats.",
        )),
        Ok(Ok(Ok(addrs))) if addrs.is_empty() => Err(no_answer(host).with("ElapsedMs", ms)),
        Ok(Ok(Ok(addrs))) => {
            let list: Vec<Value> = addrs.iter().map(|a| Value::from(a.ip().to_string())).collect();
            let f = Finding::pass(
                "Resolved",
                format!("{host} resolves"),
                format!("{host} resolved to {} address(es) in {ms} ms.", addrs.len()),
            )
            .with("Addresses", list)
            .with("ElapsedMs", ms);
            Ok((addrs, f))
        }
        Ok(Ok(Err(kind))) => Err(classify(host, kind).with("ElapsedMs", ms)),
    }
}

fn lookup(host: &str, port: u16) -> Result<Vec<SocketAddr>, LookupErrorKind> {
    let hints = AddrInfoHints {
        socktype: dns_lookup::SockType::Stream.into(),
        ..AddrInfoHints::default()
    };
    let iter = dns_lookup::getaddrinfo(Some(host), None, Some(hints)).map_err(|e| e.kind())?;
    let mut out: Vec<SocketAddr> = Vec::new();
    for ai in iter.flatten() {
        let mut a = ai.sockaddr;
        a.set_port(port);
        if !out.contains(&a) {
            out.push(a);
        }
    }
    Ok(out)
}

fn no_answer(host: &str) -> Finding {
    Finding::fail(
        "NoAnswer",
        format!("{host} has no address records"),
        format!("The name {host} exists but the resolver returned no IPv4 or IPv6 address for it."),
        "Check the DNS zone or conditional forwarder that serves this name; a split-DNS or filtering resolver may be hiding the records.",
    )
}

/// Turns a resolver error into a finding.
fn classify(host: &str, kind: LookupErrorKind) -> Finding {
    match kind {
        LookupErrorKind::NoName => Finding::fail(
            "NxDomain",
            format!("{host} does not resolve"),
            format!("The resolver says {host} does not exist (NXDOMAIN) or has no address records."),
            "Make sure the server's DNS servers forward Internet names (nslookup NAME from this server). A DNS filter or an internal zone that shadows the Microsoft domain also causes this.",
        ),
        LookupErrorKind::NoData => no_answer(host),
        LookupErrorKind::Again => Finding::fail(
            "Timeout",
            format!("No DNS answer for {host}"),
            format!("The resolver could not get an answer for {host} (temporary failure: no DNS server answered or one returned SERVFAIL)."),
            "Check that the DNS servers configured on this server are reachable on UDP/TCP 53 and can resolve Internet names.",
        ),
        other => Finding::fail(
            "Failed",
            format!("Name lookup for {host} failed"),
            format!("The resolver reported an error ({other:?}) for {host}."),
            "Check the server's DNS client configuration (ipconfig /all, nslookup NAME).",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn deadline() -> Deadline {
        Deadline::for_stage(
            Duration::from_secs(5),
            Instant::now() + Duration::from_secs(10),
        )
    }

    #[test]
    fn literal_and_localhost() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("rt");
        let (a, f) = rt
            .block_on(resolve("127.0.0.1", 9, deadline()))
            .expect("literal");
        assert_eq!(f.outcome, "Literal");
        assert_eq!(a, vec!["127.0.0.1:9".parse().expect("addr")]);
        let (a, f) = rt
            .block_on(resolve("localhost", 9, deadline()))
            .expect("localhost");
        assert_eq!(f.outcome, "Resolved");
        assert!(a.iter().all(|x| x.ip().is_loopback() && x.port() == 9));
    }

    #[test]
    fn classifies_resolver_errors() {
        assert_eq!(classify("h", LookupErrorKind::NoName).outcome, "NxDomain");
        assert_eq!(classify("h", LookupErrorKind::NoData).outcome, "NoAnswer");
        assert_eq!(classify("h", LookupErrorKind::Again).outcome, "Timeout");
        assert_eq!(classify("h", LookupErrorKind::Fail).outcome, "Failed");
    }
}
