//! Opening a TLS connection along an endpoint's route (directly, or through the proxy's
//! CONNECT tunnel) with the same probes the connectivity stages use, for checks that need
//! the open connection itself rather than one result row per stage.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

use crate::endpoints::Endpoint;
use crate::probe::tls::{self, TrustStore};
use crate::probe::{proxy_connect, tcp, Deadline, Finding};
use crate::proxy::Route;

/// Connects to `addrs` (the endpoint's addresses, or the proxy's for a proxy route) and
/// completes the TLS handshake with `endpoint`. On failure, returns the failing stage's
/// finding.
pub async fn open_tls(
    endpoint: &Endpoint,
    route: &Route,
    addrs: &[SocketAddr],
    trust: &TrustStore,
    stage: Duration,
    overall: Instant,
) -> Result<TlsStream<TcpStream>, Finding> {
    let target = endpoint.to_string();
    let stream = match route {
        Route::Direct { .. } => tcp::connect(&target, addrs, stage, overall).await?.stream,
        Route::Proxy { proxy, .. } => {
            proxy_connect::tunnel(proxy, addrs, endpoint, stage, overall)
                .await?
                .0
        }
    };
    let (tls, _) =
        tls::handshake(stream, endpoint, trust, Deadline::for_stage(stage, overall)).await?;
    Ok(tls)
}
