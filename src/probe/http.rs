//! One small HTTP request over an established stream, and reading HTTP response heads
//! (also used for the proxy's answer to CONNECT).

use std::io;
use std::time::Instant;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use crate::endpoints::Endpoint;
use crate::probe::{clock, is_reset, ms_since, overall_deadline, Deadline, Finding};

/// Largest response head read, in bytes.
const MAX_HEAD: usize = 32 * 1024;

/// Result of reading a response head.
#[derive(Debug)]
pub enum Head {
    /// Everything up to and including the blank line.
    Complete(Vec<u8>),
    /// The peer closed first.
    Closed {
        /// What arrived before the end.
        partial: Vec<u8>,
        /// True for a clean end (over TLS: after close_notify); false for an end the TLS
        /// layer reports as unexpected (a FIN without close_notify).
        clean: bool,
    },
    /// The head exceeded the size limit.
    TooLarge,
    /// A read failed.
    Failed(io::Error),
}

/// Reads until the end of an HTTP head (`\r\n\r\n`), EOF or an error. Reads byte-wise
/// chunks never past the head's end, so a tunnel's payload stays unread.
pub async fn read_head<S: AsyncRead + Unpin>(stream: &mut S) -> Head {
    let mut buf = Vec::with_capacity(512);
    let mut byte = [0u8; 1];
    loop {
        match stream.read(&mut byte).await {
            Ok(0) => {
                return Head::Closed {
                    partial: buf,
                    clean: true,
                }
            }
            Ok(_) => {
                buf.push(byte[0]);
                if buf.ends_with(b"\r\n\r\n") {
                    return Head::Complete(buf);
                }
                if buf.len() > MAX_HEAD {
                    return Head::TooLarge;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                return Head::Closed {
                    partial: buf,
                    clean: false,
                }
            }
            Err(e) => return Head::Failed(e),
        }
    }
}

/// Writes `request`, flushes it, and reads the response head.
pub async fn exchange<S: AsyncRead + AsyncWrite + Unpin>(stream: &mut S, request: &[u8]) -> Head {
    if let Err(e) = stream.write_all(request).await {
        return Head::Failed(e);
    }
    if let Err(e) = stream.flush().await {
        return Head::Failed(e);
    }
    read_head(stream).await
}

/// A parsed response head.
#[derive(Debug, Clone)]
pub struct ParsedHead {
    /// Status code.
    pub status: u16,
    /// Reason phrase.
    pub reason: String,
    /// Headers, names lower-cased.
    pub headers: Vec<(String, String)>,
}

impl ParsedHead {
    /// Parses a complete head; `None` when it is not HTTP/1.x.
    pub fn parse(bytes: &[u8]) -> Option<Self> {
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut resp = httparse::Response::new(&mut headers);
        match resp.parse(bytes) {
            Ok(httparse::Status::Complete(_)) => Some(ParsedHead {
                status: resp.code?,
                reason: resp.reason.unwrap_or("").to_string(),
                headers: resp
                    .headers
                    .iter()
                    .map(|h| {
                        (
                            h.name.to_ascii_lowercase(),
                            String::from_utf8_lossy(h.value).into_owned(),
                        )
                    })
                    .collect(),
            }),
            _ => None,
        }
    }

    /// Values of every header called `name` (lower case).
    pub fn header_values(&self, name: &str) -> Vec<String> {
        self.headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// `"<code> <reason>"`.
    pub fn status_line(&self) -> String {
        format!("{} {}", self.status, self.reason)
            .trim()
            .to_string()
    }

    /// Why this response looks like a proxy's own error page rather than the service's
    /// answer, if it does.
    pub fn proxy_marker(&self) -> Option<String> {
        if self.status < 400 {
            return None;
        }
        for name in [
            "x-squid-error",
            "proxy-agent",
            "x-bluecoat-via",
            "x-zscaler-error",
            "via",
        ] {
            if let Some(v) = self.header_values(name).first() {
                return Some(format!("{name}: {v}"));
            }
        }
        const PRODUCTS: [&str; 12] = [
            "squid",
            "tinyproxy",
            "bluecoat",
            "zscaler",
            "fortigate",
            "forcepoint",
            "websense",
            "mcafee web gateway",
            "netskope",
            "sophos",
            "palo alto",
            "barracuda",
        ];
        self.header_values("server").into_iter().find_map(|v| {
            let l = v.to_ascii_lowercase();
            PRODUCTS
                .iter()
                .any(|p| l.contains(p))
                .then(|| format!("server: {v}"))
        })
    }
}

/// Sends `GET /` with `Connection: close` and classifies the answer. Any HTTP status
/// proves the path; a proxy's error page, a reset or silence is a finding.
pub async fn probe<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    endpoint: &Endpoint,
    deadline: Deadline,
) -> Finding {
    let started = Instant::now();
    let request = format!(
        "GET / HTTP/1.1\r\nHost: {}\r\nUser-Agent: wbdiag/{}\r\nAccept: */*\r\nConnection: close\r\n\r\n",
        endpoint.host,
        env!("CARGO_PKG_VERSION")
    );
    let head = match tokio::time::timeout_at(
        deadline.instant(),
        exchange(stream, request.as_bytes()),
    )
    .await
    {
        Err(_) if deadline.is_overall => return overall_deadline("HTTP"),
        Err(_) => {
            return Finding::fail(
                "Timeout",
                format!("{endpoint} sent no HTTP answer"),
                format!("TLS was established but no HTTP response arrived within {} ms. A middlebox may be holding or silently dropping the traffic.", ms_since(started)),
                "Check firewalls and proxies on the path for content inspection or rules that stall HTTPS traffic to this host.",
            )
        }
        Ok(h) => h,
    };
    let received = time::OffsetDateTime::now_utc();
    let reset_fix = "A firewall, IPS or proxy on the path is cutting the connection after the handshake; allow this host on port 443 without inspection.";
    match head {
        Head::Complete(bytes) => match ParsedHead::parse(&bytes) {
            None => Finding::fail(
                "Malformed",
                format!("{endpoint} sent a malformed HTTP answer"),
                "The response is not valid HTTP/1.x.",
                "Something on the path rewrote the traffic; check for inspecting proxies or firewalls.",
            ),
            Some(p) => {
                let line = p.status_line();
                let server = p.header_values("server").first().cloned().unwrap_or_default();
                let f = match p.proxy_marker() {
                    Some(marker) => Finding::fail(
                        "ProxyErrorPage",
                        format!("A proxy answered instead of {endpoint}"),
                        format!("The answer {line} carries a proxy's marks ({marker}): a proxy or inspecting firewall produced this page, so the service was not reached."),
                        "Allow this host through the proxy or firewall without TLS inspection; inspecting traffic between Entra Connect and Microsoft Entra ID is not supported.",
                    )
                    .with("ProxyMarker", marker),
                    None => clock::with_observation(
                        Finding::pass(
                            "Responded",
                            format!("{endpoint} answers HTTP"),
                            format!("The service answered {line}; any status proves the path works."),
                        ),
                        &clock::observe(&p, received),
                    ),
                };
                f.with("StatusCode", p.status).with("StatusLine", line).with("Server", server)
            }
        },
        Head::TooLarge => Finding::fail(
            "Malformed",
            format!("{endpoint} sent an oversized HTTP head"),
            format!("The response head exceeded {MAX_HEAD} bytes."),
            "Something on the path rewrote the traffic; check for inspecting proxies or firewalls.",
        ),
        Head::Closed { partial, .. } => Finding::fail(
            "Closed",
            format!("{endpoint} closed without answering"),
            format!("The connection was closed after {} bytes, before a complete HTTP response.", partial.len()),
            reset_fix,
        ),
        Head::Failed(e) if is_reset(&e) => Finding::fail(
            "Reset",
            format!("{endpoint} reset the connection"),
            format!("The connection was reset after the TLS handshake, before an HTTP answer ({e})."),
            reset_fix,
        ),
        Head::Failed(e) => Finding::fail(
            "Reset",
            format!("{endpoint} failed during the HTTP request"),
            format!("The connection failed after the TLS handshake: {e}."),
            reset_fix,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_heads_and_spots_proxy_pages() {
        let p = ParsedHead::parse(
            b"HTTP/1.1 401 MissingToken\r\nServer: Microsoft-HTTPAPI/2.0\r\n\r\n",
        )
        .expect("head");
        assert_eq!(p.status_line(), "401 MissingToken");
        assert_eq!(p.proxy_marker(), None);
        let squid = ParsedHead::parse(b"HTTP/1.1 503 Service Unavailable\r\nServer: squid/5.7\r\nX-Squid-Error: ERR_DNS_FAIL 0\r\n\r\n").expect("head");
        assert_eq!(
            squid.proxy_marker().as_deref(),
            Some("x-squid-error: ERR_DNS_FAIL 0")
        );
        let by_server =
            ParsedHead::parse(b"HTTP/1.1 502 Bad Gateway\r\nServer: Zscaler/6.2\r\n\r\n")
                .expect("head");
        assert!(by_server.proxy_marker().is_some());
        let ok_via = ParsedHead::parse(b"HTTP/1.1 200 OK\r\nVia: 1.1 cdn\r\n\r\n").expect("head");
        assert_eq!(ok_via.proxy_marker(), None);
        assert!(ParsedHead::parse(b"SSH-2.0-OpenSSH\r\n\r\n").is_none());
    }

    #[test]
    fn read_head_stops_at_blank_line() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("rt");
        let mut data: &[u8] = b"HTTP/1.1 200 OK\r\nA: b\r\n\r\nTUNNEL";
        match rt.block_on(read_head(&mut data)) {
            Head::Complete(h) => assert!(h.ends_with(b"b\r\n\r\n")),
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(data, b"TUNNEL");
        let mut short: &[u8] = b"HTTP/1.1 200";
        assert!(
            matches!(rt.block_on(read_head(&mut short)), Head::Closed { partial, clean: true } if partial.len() == 12)
        );
    }
}
