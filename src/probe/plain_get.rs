//! One plain-HTTP `GET` (port 80 unless the address names another), directly or through
//! an HTTP proxy with the absolute-URI request form, bounded by one deadline and a size
//! cap. It answers whether the server is reachable, not whether its content is valid.

use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::net::TcpStream;

use crate::api::Status;
use crate::probe::http::{exchange, Head, ParsedHead};
use crate::probe::revocation::HttpUrl;
use crate::probe::{clock, dns, is_reset, ms_since, overall_deadline, tcp, Deadline, Finding};
use crate::proxy::Route;
use crate::relay::dns::Dns;

/// What the fetched resource should be, for the content check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// A CRL: a 2xx body should be DER (or PEM).
    Crl,
    /// Anything (an OCSP responder's base address answers in its own way).
    Any,
}

/// Fetches `url` along `route`: the whole exchange ends by the earlier of `stage` from
/// now and `overall`; at most `max_body` bytes of the body are read.
pub async fn get(
    url: &HttpUrl,
    route: &Route,
    resolver: Option<&Dns>,
    stage: Duration,
    overall: Instant,
    max_body: usize,
    expect: Expect,
) -> Finding {
    let deadline = Deadline::for_stage(stage, overall);
    let started = Instant::now();
    let finding = match connect(url, route, resolver, deadline, stage).await {
        Err(f) => f,
        Ok(mut stream) => {
            let (request, via_proxy) = match route {
                Route::Direct { .. } => (request(&url.path, url), false),
                Route::Proxy { .. } => (request(&url.absolute(), url), true),
            };
            fetch(
                &mut stream,
                &request,
                url,
                via_proxy,
                deadline,
                max_body,
                expect,
            )
            .await
        }
    };
    finding.with("ElapsedMs", ms_since(started))
}

fn request(target: &str, url: &HttpUrl) -> String {
    format!(
        "GET {target} HTTP/1.1\r\nHost: {}\r\nUser-Agent: wbdiag/{}\r\nAccept: */*\r\nConnection: close\r\n\r\n",
        url.host_header(),
        env!("CARGO_PKG_VERSION")
    )
}

/// A blocked server: a Warning, since a revocation server is not a writeback endpoint.
fn blocked(outcome: &'static str, title: String, message: String) -> Finding {
    Finding {
        status: Status::Warning,
        ..Finding::fail(
            outcome,
            title,
            message,
            "Allow this server to reach the host on this port over plain HTTP, the way the route shown goes (directly or through the proxy).",
        )
    }
}

/// The run's deadline, or this fetch's own.
fn out_of_time(deadline: Deadline, what: String, started: Instant) -> Finding {
    if deadline.is_overall {
        Finding {
            status: Status::Warning,
            ..overall_deadline("revocation fetch")
        }
    } else {
        blocked(
            "Timeout",
            format!("No answer from {what}"),
            format!("Nothing arrived within {} ms.", ms_since(started)),
        )
    }
}

/// Opens the TCP connection: to the server, or to the proxy.
async fn connect(
    url: &HttpUrl,
    route: &Route,
    resolver: Option<&Dns>,
    deadline: Deadline,
    stage: Duration,
) -> Result<TcpStream, Finding> {
    let started = Instant::now();
    let (host, port, what) = match route {
        Route::Direct { .. } => (url.host.clone(), url.port, url.endpoint().to_string()),
        Route::Proxy { proxy, .. } => (
            proxy.endpoint.host.clone(),
            proxy.endpoint.port,
            format!("proxy {proxy}"),
        ),
    };
    // The run's explicit DNS server (`DnsServer`), when it has one, else the OS resolver.
    let answer = match resolver {
        Some(d) => crate::relay::dns::resolve_endpoint(d, &host, port, deadline).await,
        None => dns::resolve(&host, port, deadline).await,
    };
    let addrs = match answer {
        Ok((addrs, _)) => addrs,
        Err(f) if f.outcome == "OverallDeadline" => {
            return Err(out_of_time(deadline, what, started))
        }
        Err(f) => {
            let outcome = match route {
                Route::Direct { .. } => f.outcome,
                Route::Proxy { .. } => "ProxyUnreachable",
            };
            return Err(
                blocked(outcome, format!("{what} does not resolve"), f.message)
                    .with("Detail", f.outcome),
            );
        }
    };
    // Each address gets the rest of this fetch's time; tcp reports running out of it as
    // its overall deadline, which is this fetch's own unless the run's came first.
    match tcp::connect(&what, &addrs, stage, deadline.at).await {
        Ok(c) => Ok(c.stream),
        Err(f) if f.outcome == "OverallDeadline" => Err(out_of_time(deadline, what, started).with(
            "Attempts",
            f.evidence.get("Attempts").cloned().unwrap_or_default(),
        )),
        Err(f) => {
            let outcome = match route {
                Route::Direct { .. } => f.outcome,
                Route::Proxy { .. } => "ProxyUnreachable",
            };
            Err(blocked(outcome, f.title, f.message).with(
                "Attempts",
                f.evidence.get("Attempts").cloned().unwrap_or_default(),
            ))
        }
    }
}

/// Sends the request and classifies the answer.
async fn fetch(
    stream: &mut TcpStream,
    request: &str,
    url: &HttpUrl,
    via_proxy: bool,
    deadline: Deadline,
    max_body: usize,
    expect: Expect,
) -> Finding {
    let started = Instant::now();
    let what = url.endpoint().to_string();
    let head =
        match tokio::time::timeout_at(deadline.instant(), exchange(stream, request.as_bytes()))
            .await
        {
            Err(_) => return out_of_time(deadline, format!("{what} (HTTP)"), started),
            Ok(h) => h,
        };
    let received = time::OffsetDateTime::now_utc();
    let bytes = match head {
        Head::Complete(b) => b,
        Head::TooLarge => {
            return blocked(
                "Malformed",
                format!("{what} sent an oversized HTTP head"),
                "The answer is not a usable HTTP response.".into(),
            )
        }
        Head::Closed { partial, .. } => {
            return blocked(
                "Closed",
                format!("{what} closed without answering"),
                format!(
                    "The connection was closed after {} bytes, before an HTTP answer.",
                    partial.len()
                ),
            )
        }
        Head::Failed(e) if is_reset(&e) => {
            return blocked(
                "Reset",
                format!("{what} reset the connection"),
                format!("The connection was reset before an HTTP answer ({e})."),
            )
        }
        Head::Failed(e) => {
            return blocked(
                "Reset",
                format!("{what} failed during the request"),
                format!("The connection failed before an HTTP answer: {e}."),
            )
        }
    };
    let Some(head) = ParsedHead::parse(&bytes) else {
        return blocked(
            "Malformed",
            format!("{what} sent a malformed HTTP answer"),
            "The answer is not valid HTTP/1.x.".into(),
        );
    };
    let line = head.status_line();
    if via_proxy && head.status == 407 {
        return blocked(
            "ProxyAuthRequired",
            format!("The proxy demands authentication for {what}"),
            format!("The proxy answered {line}. Windows fetches revocation data without answering a proxy's challenge unless it is configured to."),
        )
        .with("StatusCode", head.status);
    }
    // A proxy adds `Via` to every answer it relays, so on a proxy route only the marks a
    // proxy puts on its own pages count.
    let marker = head
        .proxy_marker()
        .filter(|m| !(via_proxy && m.starts_with("via:")));
    if let Some(marker) = marker {
        return blocked(
            "ProxyRefused",
            format!("A proxy answered instead of {what}"),
            format!("The answer {line} carries a proxy's marks ({marker}): the request did not reach the revocation server."),
        )
        .with("StatusCode", head.status)
        .with("ProxyMarker", marker);
    }
    let body = read_body(stream, &head, deadline, max_body).await;
    let content_type = head
        .header_values("content-type")
        .first()
        .cloned()
        .unwrap_or_default();
    let looks_like_crl =
        (expect == Expect::Crl && (200..300).contains(&head.status) && !body.bytes.is_empty())
            .then(|| is_crl_like(first_payload(&body.bytes, &head)));
    let f = if looks_like_crl == Some(false) {
        blocked(
            "NotACrl",
            format!("{what} answered, but not with a CRL"),
            format!("The server answered {line} with {content_type:?} content that is neither DER nor PEM; a filter's or proxy's page may be standing in for the CRL."),
        )
    } else {
        Finding::pass(
            "Answered",
            format!("{what} answers"),
            format!(
                "The server answered {line} ({} bytes read{}).",
                body.bytes.len(),
                if body.truncated {
                    ", stopped at the size cap or deadline"
                } else {
                    ""
                }
            ),
        )
    };
    let f = f
        .with("StatusCode", head.status)
        .with("StatusLine", line)
        .with("BytesRead", body.bytes.len())
        .with("Truncated", body.truncated)
        .with("ContentType", content_type)
        .with(
            "LooksLikeCrl",
            looks_like_crl.map(Value::from).unwrap_or(Value::Null),
        );
    clock::with_observation(f, &clock::observe(&head, received))
}

struct Body {
    bytes: Vec<u8>,
    truncated: bool,
}

/// Reads the body until its end (EOF or `Content-Length`), `max_body` bytes, or the
/// deadline, whichever comes first; a short body is fine, reachability is what counts.
async fn read_body<S: AsyncRead + Unpin>(
    stream: &mut S,
    head: &ParsedHead,
    deadline: Deadline,
    max_body: usize,
) -> Body {
    let length = head
        .header_values("content-length")
        .first()
        .and_then(|v| v.trim().parse::<usize>().ok());
    let want = length.map_or(max_body, |l| l.min(max_body));
    let mut bytes = Vec::with_capacity(want.min(16 * 1024));
    let mut buf = [0u8; 8192];
    while bytes.len() < want {
        let room = (want - bytes.len()).min(buf.len());
        match tokio::time::timeout_at(deadline.instant(), stream.read(&mut buf[..room])).await {
            Ok(Ok(0)) => {
                return Body {
                    bytes,
                    truncated: false,
                }
            }
            Ok(Ok(n)) => bytes.extend_from_slice(&buf[..n]),
            Ok(Err(_)) | Err(_) => {
                return Body {
                    bytes,
                    truncated: true,
                }
            }
        }
    }
    let truncated = length.is_none_or(|l| l > max_body);
    Body { bytes, truncated }
}

/// The first payload bytes: past the first chunk-size line of a chunked body.
fn first_payload<'a>(body: &'a [u8], head: &ParsedHead) -> &'a [u8] {
    let chunked = head
        .header_values("transfer-encoding")
        .iter()
        .any(|v| v.to_ascii_lowercase().contains("chunked"));
    if !chunked {
        return body;
    }
    body.windows(2)
        .position(|w| w == b"\r\n")
        .map_or(body, |i| &body[i + 2..])
}

/// A DER SEQUENCE or a PEM block.
fn is_crl_like(payload: &[u8]) -> bool {
    payload.first() == Some(&0x30) || payload.starts_with(b"-----BEGIN")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_crl_payloads() {
        let head = ParsedHead::parse(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            .expect("head");
        assert!(is_crl_like(first_payload(b"1f4\r\n\x30\x82\x01", &head)));
        let plain = ParsedHead::parse(b"HTTP/1.1 200 OK\r\n\r\n").expect("head");
        assert!(is_crl_like(first_payload(
            b"-----BEGIN X509 CRL-----",
            &plain
        )));
        assert!(!is_crl_like(first_payload(b"<html>blocked</html>", &plain)));
    }

    #[test]
    fn requests_use_origin_or_absolute_form() {
        let u = HttpUrl::parse("http://crl.example:8080/a.crl").expect("url");
        assert!(
            request(&u.path, &u).starts_with("GET /a.crl HTTP/1.1\r\nHost: crl.example:8080\r\n")
        );
        assert!(request(&u.absolute(), &u)
            .starts_with("GET http://crl.example:8080/a.crl HTTP/1.1\r\n"));
    }
}
