//! `http://host:port` proxy addresses.

use std::fmt;

use crate::endpoints::Endpoint;
use crate::error::WbdError;

/// An HTTP proxy to tunnel through with CONNECT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyUrl {
    /// Proxy host and port.
    pub endpoint: Endpoint,
}

impl ProxyUrl {
    /// Parses `http://host[:port]` or `host:port`. The port defaults to 80 with a scheme
    /// and must be given without one. Credentials are refused: the ADSync service
    /// cannot answer a proxy's authentication challenge, so testing with them would hide
    /// the very failure writeback meets.
    pub fn parse(text: &str) -> Result<Self, WbdError> {
        let t = text.trim();
        if t.is_empty() {
            return Err(WbdError::invalid("proxy address is empty"));
        }
        let (rest, default_port) = match t.split_once("://") {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => (rest, Some(80)),
            Some((scheme, _)) => {
                return Err(WbdError::invalid(format!(
                "proxy scheme '{scheme}' is not supported; the sync engine uses an http:// proxy"
            )))
            }
            None => (t, None),
        };
        let rest = rest.trim_end_matches('/');
        if rest.contains('@') {
            return Err(WbdError::invalid(
                "proxy address contains credentials; give it without them (the ADSync service cannot authenticate to a proxy)",
            ));
        }
        if rest.contains('/') {
            return Err(WbdError::invalid(format!(
                "proxy address '{t}' has a path; expected http://host:port"
            )));
        }
        let has_port = rest.rsplit_once(':').is_some_and(|(h, p)| {
            !p.is_empty()
                && p.chars().all(|c| c.is_ascii_digit())
                && (!h.contains(':') || h.ends_with(']'))
        });
        let endpoint = match (has_port, default_port) {
            (true, _) => Endpoint::parse(rest)?,
            (false, Some(p)) => {
                let mut e = Endpoint::parse(rest)?;
                e.port = p;
                e
            }
            (false, None) => {
                return Err(WbdError::invalid(format!(
                    "proxy address '{t}' needs a port, for example http://proxy.contoso.com:8080"
                )))
            }
        };
        Ok(ProxyUrl { endpoint })
    }
}

impl fmt::Display for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "http://{}", self.endpoint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        let p = |s| ProxyUrl::parse(s).map(|u| u.to_string());
        assert_eq!(
            p("http://Proxy.example:8080"),
            Ok("http://proxy.example:8080".into())
        );
        assert_eq!(
            p("http://proxy.example"),
            Ok("http://proxy.example:80".into())
        );
        assert_eq!(p("127.0.0.1:3128"), Ok("http://127.0.0.1:3128".into()));
        assert_eq!(p("http://[::1]:3128/"), Ok("http://[::1]:3128".into()));
        for bad in [
            "",
            "proxy.example",
            "https://p:1",
            "socks5://p:1",
            "http://u:p@h:1",
            "http://h:99999",
            "http://h:1/x",
        ] {
            assert!(ProxyUrl::parse(bad).is_err(), "{bad} should be rejected");
        }
    }
}
