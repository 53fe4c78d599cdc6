//! Idle survival of one established connection: keep it idle for a set time while
//! watching for the peer or the path to end it, then send one small request whose answer
//! proves the connection still carries traffic.

use std::io;
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite};

use crate::endpoints::Endpoint;
use crate::probe::http::{exchange, Head, ParsedHead};
use crate::probe::is_reset;

/// How an idle connection fared at its checkpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdleOutcome {
    /// The request after the idle time got an HTTP answer.
    Alive,
    /// A TCP reset ended the connection (typical of a firewall or NAT idle timeout).
    Reset,
    /// The TLS server ended the session with close_notify: its own idle limit.
    ClosedByServer,
    /// The TCP connection was closed (FIN) without a TLS close_notify: a proxy or
    /// middlebox closing the flow, or a server that skips close_notify.
    ClosedByPeer,
    /// The request after the idle time got no answer before the deadline: the flow was
    /// silently dropped on the way.
    Dropped,
    /// Something else went wrong (an unexpected error, or an answer that is not HTTP).
    Failed,
}

impl IdleOutcome {
    /// Stable token shown in evidence.
    pub fn token(self) -> &'static str {
        match self {
            IdleOutcome::Alive => "Alive",
            IdleOutcome::Reset => "Reset",
            IdleOutcome::ClosedByServer => "ClosedByServer",
            IdleOutcome::ClosedByPeer => "ClosedByPeer",
            IdleOutcome::Dropped => "Dropped",
            IdleOutcome::Failed => "Failed",
        }
    }
}

/// What one idle connection showed.
#[derive(Debug, Clone)]
pub struct Observation {
    /// The classification.
    pub outcome: IdleOutcome,
    /// How long the connection had been idle when its end was seen, when that happened
    /// during the idle time rather than on the request afterwards.
    pub ended_after: Option<Duration>,
    /// HTTP status of the answer, when there was one.
    pub http_status: Option<u16>,
    /// One line on what was seen.
    pub detail: String,
}

impl Observation {
    fn new(outcome: IdleOutcome, ended_after: Option<Duration>, detail: String) -> Self {
        Observation {
            outcome,
            ended_after,
            http_status: None,
            detail,
        }
    }
}

/// Largest amount of unsolicited data accepted while idle before the connection is
/// declared not idle (a server streaming data would make the test meaningless).
const MAX_UNSOLICITED: usize = 64 * 1024;

/// Classifies the end of a TLS stream seen by a read.
fn ended(result: io::Result<usize>, after: Option<Duration>, when: &str) -> Observation {
    match result {
        Ok(_) => Observation::new(
            IdleOutcome::ClosedByServer,
            after,
            format!("the server sent TLS close_notify and closed the connection {when}"),
        ),
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Observation::new(
            IdleOutcome::ClosedByPeer,
            after,
            format!("the TCP connection was closed (FIN) without a TLS close_notify {when}"),
        ),
        Err(e) if is_reset(&e) => Observation::new(
            IdleOutcome::Reset,
            after,
            format!("the connection was reset (RST) {when}"),
        ),
        Err(e) => Observation::new(
            IdleOutcome::Failed,
            after,
            format!("the connection failed {when}: {e}"),
        ),
    }
}

/// Keeps `stream` idle for `idle`, then sends one `HEAD /` and waits up to `answer_within`
/// for the answer. Everything is bounded by those two durations.
pub async fn hold<S>(
    stream: &mut S,
    endpoint: &Endpoint,
    idle: Duration,
    answer_within: Duration,
) -> Observation
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let started = Instant::now();
    let until = tokio::time::Instant::from_std(started + idle);
    let mut buf = [0u8; 4096];
    let mut unsolicited = 0usize;
    loop {
        tokio::select! {
            _ = tokio::time::sleep_until(until) => break,
            r = stream.read(&mut buf) => match r {
                Ok(n) if n > 0 => {
                    unsolicited += n;
                    if unsolicited > MAX_UNSOLICITED {
                        return Observation::new(
                            IdleOutcome::Failed,
                            None,
                            format!("the server kept sending data ({unsolicited} bytes) to a connection that should have been idle"),
                        );
                    }
                }
                other => {
                    let after = started.elapsed();
                    let when = format!("after {:.1} s idle", after.as_secs_f64());
                    return ended(other, Some(after), &when);
                }
            },
        }
    }

    let request = format!(
        "HEAD / HTTP/1.1\r\nHost: {}\r\nUser-Agent: wbdiag/{}\r\nAccept: */*\r\n\r\n",
        endpoint.host,
        env!("CARGO_PKG_VERSION")
    );
    let on_use = "when the request was sent after the idle time";
    match tokio::time::timeout(answer_within, exchange(stream, request.as_bytes())).await {
        Err(_) => Observation::new(
            IdleOutcome::Dropped,
            None,
            format!(
                "the request sent after the idle time got no answer within {} ms",
                answer_within.as_millis()
            ),
        ),
        Ok(Head::Complete(bytes)) => match ParsedHead::parse(&bytes) {
            Some(head) => Observation {
                http_status: Some(head.status),
                ..Observation::new(
                    IdleOutcome::Alive,
                    None,
                    format!(
                        "answered HTTP {} {} after the idle time",
                        head.status, head.reason
                    ),
                )
            },
            None => Observation::new(
                IdleOutcome::Failed,
                None,
                "the answer after the idle time is not HTTP".into(),
            ),
        },
        Ok(Head::TooLarge) => Observation::new(
            IdleOutcome::Failed,
            None,
            "the answer after the idle time has an oversized HTTP head".into(),
        ),
        Ok(Head::Closed { partial, clean }) if partial.is_empty() => {
            let end = if clean {
                Ok(0)
            } else {
                Err(io::ErrorKind::UnexpectedEof.into())
            };
            ended(end, None, on_use)
        }
        Ok(Head::Closed { .. }) => Observation::new(
            IdleOutcome::ClosedByPeer,
            None,
            format!("the connection closed in the middle of the answer {on_use}"),
        ),
        Ok(Head::Failed(e)) => ended(Err(e), None, on_use),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::http::read_head;
    use tokio::io::AsyncWriteExt;

    fn endpoint() -> Endpoint {
        Endpoint::parse("relay.example:443").expect("endpoint")
    }

    #[tokio::test]
    async fn an_answer_after_the_idle_time_is_alive() {
        let (mut client, mut server) = tokio::io::duplex(4096);
        let serve = tokio::spawn(async move {
            let head = read_head(&mut server).await;
            assert!(
                matches!(head, Head::Complete(ref b) if b.starts_with(b"HEAD / HTTP/1.1\r\nHost: relay.example\r\n"))
            );
            server
                .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                .await
                .expect("answer");
            server
        });
        let seen = hold(
            &mut client,
            &endpoint(),
            Duration::from_millis(50),
            Duration::from_secs(2),
        )
        .await;
        assert_eq!(seen.outcome, IdleOutcome::Alive, "{seen:?}");
        assert_eq!(seen.http_status, Some(404));
        assert!(serve.await.is_ok());
    }

    #[tokio::test]
    async fn silence_after_the_request_is_a_drop() {
        let (mut client, _server) = tokio::io::duplex(4096);
        let started = Instant::now();
        let seen = hold(
            &mut client,
            &endpoint(),
            Duration::from_millis(20),
            Duration::from_millis(200),
        )
        .await;
        assert_eq!(seen.outcome, IdleOutcome::Dropped, "{seen:?}");
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[tokio::test]
    async fn an_end_while_idle_is_timed() {
        let (mut client, server) = tokio::io::duplex(4096);
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            drop(server);
        });
        let seen = hold(
            &mut client,
            &endpoint(),
            Duration::from_secs(5),
            Duration::from_millis(200),
        )
        .await;
        // A plain stream's EOF reads as Ok(0), which the TLS layer only reports after
        // close_notify.
        assert_eq!(seen.outcome, IdleOutcome::ClosedByServer, "{seen:?}");
        let after = seen.ended_after.expect("seen while idle");
        assert!(after >= Duration::from_millis(90) && after < Duration::from_secs(2));
    }

    #[tokio::test]
    async fn unsolicited_floods_are_not_idle() {
        let (mut client, mut server) = tokio::io::duplex(1 << 20);
        tokio::spawn(async move {
            let chunk = vec![b'x'; 8192];
            for _ in 0..16 {
                if server.write_all(&chunk).await.is_err() {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_secs(5)).await;
        });
        let seen = hold(
            &mut client,
            &endpoint(),
            Duration::from_secs(5),
            Duration::from_millis(200),
        )
        .await;
        assert_eq!(seen.outcome, IdleOutcome::Failed, "{seen:?}");
        assert!(seen.detail.contains("kept sending data"));
    }
}
