//! TCP connection attempts to each resolved address, each with its own deadline.

use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::net::TcpStream;

use crate::probe::{ms_since, overall_deadline, Deadline, Finding};

/// Addresses tried at most per endpoint.
pub const MAX_ADDRESSES: usize = 4;

/// How one connection attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// Connected.
    Connected,
    /// The peer or a firewall answered with a reset.
    Refused,
    /// No answer before the deadline: usually a firewall dropping packets.
    TimedOut,
    /// No route to the network or host.
    Unreachable,
    /// Anything else.
    Failed,
}

impl Attempt {
    /// Stable token used in evidence.
    pub fn token(self) -> &'static str {
        match self {
            Attempt::Connected => "Connected",
            Attempt::Refused => "Refused",
            Attempt::TimedOut => "TimedOut",
            Attempt::Unreachable => "Unreachable",
            Attempt::Failed => "Failed",
        }
    }

    /// Classifies a connect error.
    pub fn from_error(e: &io::Error) -> Self {
        match e.kind() {
            io::ErrorKind::ConnectionRefused => Attempt::Refused,
            io::ErrorKind::TimedOut => Attempt::TimedOut,
            io::ErrorKind::NetworkUnreachable | io::ErrorKind::HostUnreachable => {
                Attempt::Unreachable
            }
            _ => Attempt::Failed,
        }
    }
}

/// A connection and the evidence of how it was made.
pub struct Connected {
    /// The open stream.
    pub stream: TcpStream,
    /// Address that answered.
    pub address: SocketAddr,
    /// Every attempt made, in order.
    pub attempts: Vec<Value>,
}

/// Tries each address in turn (each with the stage timeout, never past the overall
/// deadline) until one connects.
pub async fn connect(
    what: &str,
    addrs: &[SocketAddr],
    stage: Duration,
    overall: Instant,
) -> Result<Connected, Finding> {
    let mut attempts = Vec::new();
    let mut worst = Attempt::Failed;
    let mut last_error = String::new();
    for addr in addrs.iter().take(MAX_ADDRESSES) {
        let deadline = Deadline::for_stage(stage, overall);
        if Instant::now() >= deadline.at {
            return Err(overall_deadline("TCP").with("Attempts", attempts));
        }
        let started = Instant::now();
        let outcome = tokio::time::timeout_at(deadline.instant(), TcpStream::connect(addr)).await;
        let ms = ms_since(started);
        let attempt = match &outcome {
            Ok(Ok(_)) => Attempt::Connected,
            Ok(Err(e)) => {
                last_error = e.to_string();
                Attempt::from_error(e)
            }
            Err(_) if deadline.is_overall => {
                attempts.push(
                    json!({"Address": addr.to_string(), "Outcome": "OverallDeadline", "Ms": ms}),
                );
                return Err(overall_deadline("TCP").with("Attempts", attempts));
            }
            Err(_) => {
                last_error = format!("no answer within {ms} ms");
                Attempt::TimedOut
            }
        };
        attempts.push(json!({"Address": addr.to_string(), "Outcome": attempt.token(), "Ms": ms}));
        if let Ok(Ok(stream)) = outcome {
            let _ = stream.set_nodelay(true);
            return Ok(Connected {
                stream,
                address: *addr,
                attempts,
            });
        }
        worst = rank(worst, attempt);
    }
    Err(failure(what, worst, &last_error).with("Attempts", attempts))
}

/// Keeps the most telling failure across addresses: a timeout (silent drop) says more
/// about a firewall than a refusal from one address.
fn rank(current: Attempt, next: Attempt) -> Attempt {
    let score = |a: Attempt| match a {
        Attempt::TimedOut => 4,
        Attempt::Refused => 3,
        Attempt::Unreachable => 2,
        Attempt::Failed => 1,
        Attempt::Connected => 0,
    };
    if score(next) > score(current) {
        next
    } else {
        current
    }
}

fn failure(what: &str, kind: Attempt, detail: &str) -> Finding {
    match kind {
        Attempt::Refused => Finding::fail(
            "Refused",
            format!("{what} refused the connection"),
            format!("Every address of {what} answered the TCP connection with a reset ({detail}). Nothing listens there, or a firewall rejects the traffic."),
            "Allow outbound TCP from this server to the endpoint on this port in every firewall on the path (host firewall, network firewall, NSG).",
        ),
        Attempt::TimedOut => Finding::fail(
            "TimedOut",
            format!("No TCP answer from {what}"),
            format!("The TCP connection to {what} got no answer ({detail}). A firewall is most likely dropping the traffic silently."),
            "Allow outbound TCP from this server to the endpoint on this port; if outbound Internet traffic must use a proxy, configure it in machine.config and test with the proxy.",
        ),
        Attempt::Unreachable => Finding::fail(
            "Unreachable",
            format!("No route to {what}"),
            format!("The operating system has no route to {what} ({detail})."),
            "Check the server's default gateway and routes (route print), and whether outbound Internet access must go through a proxy.",
        ),
        Attempt::Failed | Attempt::Connected => Finding::fail(
            "Failed",
            format!("TCP connection to {what} failed"),
            format!("The TCP connection to {what} failed: {detail}."),
            "Check the server's network configuration and firewall.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_connect_errors() {
        let k = |kind| Attempt::from_error(&io::Error::from(kind));
        assert_eq!(k(io::ErrorKind::ConnectionRefused), Attempt::Refused);
        assert_eq!(k(io::ErrorKind::TimedOut), Attempt::TimedOut);
        assert_eq!(k(io::ErrorKind::NetworkUnreachable), Attempt::Unreachable);
        assert_eq!(k(io::ErrorKind::HostUnreachable), Attempt::Unreachable);
        assert_eq!(k(io::ErrorKind::PermissionDenied), Attempt::Failed);
        assert_eq!(rank(Attempt::Refused, Attempt::TimedOut), Attempt::TimedOut);
        assert_eq!(rank(Attempt::TimedOut, Attempt::Refused), Attempt::TimedOut);
        assert_eq!(
            failure("h:1", Attempt::Unreachable, "x").outcome,
            "Unreachable"
        );
    }

    #[test]
    fn closed_port_is_refused() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("port");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("rt");
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().expect("addr");
        let err = rt
            .block_on(connect(
                "x",
                &[addr],
                Duration::from_secs(2),
                Instant::now() + Duration::from_secs(5),
            ))
            .err()
            .expect("refused");
        assert_eq!(err.outcome, "Refused");
        assert_eq!(err.evidence["Attempts"][0]["Outcome"], "Refused");
    }
}
