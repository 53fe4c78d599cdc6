//! The legacy relay ports: TCP 9350–9354 beside 443 on the namespace's address.
//!
//! Source: [TSWB] ("Troubleshoot self-service password reset writeback",
//! https://learn.microsoft.com/entra/identity/authentication/troubleshoot-sspr-writeback),
//! event 32011 (OnBoardingServiceError): "ensure that you're not blocking outbound
//! connections over TCP 443 and TCP 9350-9354", in the `MicrosoftDocs/entra-docs` copy of
//! the page read 2026-12-02 (via `../shared/reference/writeback-facts.md`). RelayUtil's
//! `NetworkUtility.RelayPorts` (stored copy) probes the same ports plus 80 and 5671.
//! The same page's version notes put Connect 1.1.443.0 (March 2017) and later on 443
//! alone, and list 9350–9354 and 5671 for older versions (via facts, §2), which is why
//! these ports are information only.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use crate::probe::tcp;

/// Ports event 32011 lists besides 443.
pub const LEGACY_PORTS: [u16; 5] = [9350, 9351, 9352, 9353, 9354];

/// How one port answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortResult {
    /// TCP port.
    pub port: u16,
    /// `Connected`, `Refused`, `TimedOut`, `Unreachable`, `Failed` or `OverallDeadline`.
    pub outcome: &'static str,
    /// Time the attempt took.
    pub ms: u64,
}

impl PortResult {
    /// True when the connection opened.
    pub fn open(&self) -> bool {
        self.outcome == "Connected"
    }
}

/// Tries `https_port` and every legacy port on `addr` at once, each with the stage deadline.
pub async fn probe(
    addr: IpAddr,
    https_port: u16,
    stage: Duration,
    overall: Instant,
) -> Vec<PortResult> {
    let mut set = tokio::task::JoinSet::new();
    let ports: Vec<u16> = std::iter::once(https_port).chain(LEGACY_PORTS).collect();
    for (i, port) in ports.into_iter().enumerate() {
        set.spawn(async move {
            let started = Instant::now();
            let target = SocketAddr::new(addr, port);
            let outcome = match tcp::connect(&target.to_string(), &[target], stage, overall).await {
                Ok(_) => "Connected",
                Err(f) => f.outcome,
            };
            let ms = crate::probe::ms_since(started);
            (i, PortResult { port, outcome, ms })
        });
    }
    let mut rows = Vec::new();
    while let Some(joined) = set.join_next().await {
        if let Ok(row) = joined {
            rows.push(row);
        }
    }
    rows.sort_by_key(|(i, _)| *i);
    rows.into_iter().map(|(_, r)| r).collect()
}
