//! Opening a tunnel through an HTTP proxy with `CONNECT`, as the sync engine does.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::net::TcpStream;

use crate::endpoints::Endpoint;
use crate::probe::http::{exchange, Head, ParsedHead};
use crate::probe::{ms_since, overall_deadline, tcp, Deadline, Finding};
use crate::proxy::ProxyUrl;

/// Connects to the proxy and asks it for a tunnel to `target`.
pub async fn tunnel(
    proxy: &ProxyUrl,
    proxy_addrs: &[SocketAddr],
    target: &Endpoint,
    stage: Duration,
    overall: Instant,
) -> Result<(TcpStream, Finding), Finding> {
    let started = Instant::now();
    let proxy_text = proxy.to_string();
    let connected = match tcp::connect(&proxy_text, proxy_addrs, stage, overall).await {
        Ok(c) => c,
        Err(f) if f.outcome == "OverallDeadline" => return Err(f),
        Err(f) => {
            return Err(Finding::fail(
                "ProxyUnreachable",
                format!("Proxy {proxy} is unreachable"),
                format!("Could not open a TCP connection to the proxy {proxy}: {}", f.message),
                "Check the proxy address and port in machine.config (or the Proxy option), that the proxy is running, and that this server may reach it.",
            )
            .with("Proxy", proxy_text)
            .with("Detail", f.outcome)
            .with("Attempts", f.evidence.get("Attempts").cloned().unwrap_or_default()))
        }
    };
    let proxy_addr = connected.address.to_string();
    let mut stream = connected.stream;
    let authority = target.to_string();
    let request = format!(
        "CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\nUser-Agent: wbdiag/{}\r\nProxy-Connection: Keep-Alive\r\n\r\n",
        env!("CARGO_PKG_VERSION")
    );
    let deadline = Deadline::for_stage(stage, overall);
    let head = match tokio::time::timeout_at(
        deadline.instant(),
        exchange(&mut stream, request.as_bytes()),
    )
    .await
    {
        Err(_) if deadline.is_overall => return Err(overall_deadline("proxy CONNECT").with("Proxy", proxy_text)),
        Err(_) => {
            return Err(Finding::fail(
                "Timeout",
                format!("Proxy {proxy} did not answer CONNECT"),
                format!("The proxy accepted the TCP connection but sent no answer to CONNECT {authority} within {} ms.", ms_since(started)),
                "Check the proxy's logs and rules for CONNECT requests to this host on port 443.",
            )
            .with("Proxy", proxy_text)
            .with("ProxyAddress", proxy_addr))
        }
        Ok(r) => r,
    };
    let finding = match head {
        Head::Complete(bytes) => match ParsedHead::parse(&bytes) {
            Some(p) => {
                return match classify(p, proxy, &authority) {
                    Ok(f) => Ok((stream, f.with("ProxyAddress", proxy_addr))),
                    Err(f) => Err(f.with("ProxyAddress", proxy_addr)),
                };
            }
            None => Finding::fail(
                "ProxyError",
                format!("Proxy {proxy} sent an unreadable answer"),
                format!("The answer to CONNECT {authority} is not an HTTP response."),
                "Check that the address points at an HTTP proxy (not a SOCKS proxy or a web server).",
            ),
        },
        Head::Closed { .. } | Head::TooLarge => Finding::fail(
            "Reset",
            format!("Proxy {proxy} closed the connection"),
            format!("The proxy closed the connection without answering CONNECT {authority}."),
            "Check the proxy's rules and logs for CONNECT requests to this host.",
        ),
        Head::Failed(e) => Finding::fail(
            "Reset",
            format!("Proxy {proxy} reset the connection"),
            format!("The connection to the proxy failed during CONNECT {authority}: {e}."),
            "Check the proxy's rules and logs for CONNECT requests to this host.",
        ),
    };
    Err(finding
        .with("Proxy", proxy_text)
        .with("ProxyAddress", proxy_addr))
}

/// Both arms carry a full Finding by design (pass or fail); boxing would only add noise.
#[allow(clippy::result_large_err)]
fn classify(head: ParsedHead, proxy: &ProxyUrl, authority: &str) -> Result<Finding, Finding> {
    let code = head.status;
    let base = |f: Finding| {
        f.with("Proxy", proxy.to_string())
            .with("StatusCode", code)
            .with("StatusLine", head.status_line())
    };
    match code {
        200..=299 => Ok(base(Finding::pass(
            "Tunnelled",
            format!("Proxy {proxy} opened a tunnel"),
            format!("The proxy accepted CONNECT {authority} ({code})."),
        ))),
        403 => Err(base(Finding::fail(
            "Forbidden",
            format!("Proxy {proxy} forbids the tunnel"),
            format!("The proxy refused CONNECT {authority} with 403 {}: its policy blocks this host or port.", head.reason),
            format!("Allow CONNECT from this server to {authority} on the proxy (an allow rule for *.servicebus.windows.net and *.passwordreset.microsoftonline.com on port 443, or your cloud's equivalents)."),
        ))),
        407 => {
            let schemes = head.header_values("proxy-authenticate").join(", ");
            Err(base(
                Finding::fail(
                    "AuthRequired",
                    format!("Proxy {proxy} demands authentication"),
                    format!("The proxy answered CONNECT {authority} with 407 Proxy Authentication Required ({}). The ADSync service cannot answer a proxy's authentication challenge, so writeback fails on this path.", if schemes.is_empty() { "no scheme offered".to_string() } else { schemes.clone() }),
                    "Exempt this server (or the writeback hosts) from proxy authentication. If the proxy must authenticate, the ADSync service account has to be a domain account and machine.config needs <defaultProxy enabled=\"true\" useDefaultCredentials=\"true\">.",
                )
                .with("ProxyAuthenticate", schemes),
            ))
        }
        _ => Err(base(Finding::fail(
            "ProxyError",
            format!("Proxy {proxy} refused the tunnel ({code})"),
            format!("The proxy answered CONNECT {authority} with {}.", head.status_line()),
            "Check the proxy's logs for this request; the status says whether it could not reach the host (502/504) or refuses it by policy.",
        ))),
    }
}
