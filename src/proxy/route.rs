//! Choosing the route for one endpoint, the way the sync engine would.

use std::net::IpAddr;

use crate::endpoints::Endpoint;
use crate::error::WbdError;
use crate::proxy::{MachineProxy, ProxyUrl};

/// How a connection to an endpoint is made, with the reason for the choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// Straight to the endpoint.
    Direct {
        /// Why no proxy is used.
        reason: String,
    },
    /// Through an HTTP proxy with CONNECT.
    Proxy {
        /// The proxy.
        proxy: ProxyUrl,
        /// Where the proxy setting came from.
        reason: String,
    },
}

impl Route {
    /// `Direct` or `Proxy`, as shown in evidence.
    pub fn kind(&self) -> &'static str {
        match self {
            Route::Direct { .. } => "Direct",
            Route::Proxy { .. } => "Proxy",
        }
    }

    /// Why this route was chosen.
    pub fn reason(&self) -> &str {
        match self {
            Route::Direct { reason } | Route::Proxy { reason, .. } => reason,
        }
    }
}

/// Picks the route: an explicit proxy wins, then machine.config, else direct.
pub fn choose(
    endpoint: &Endpoint,
    explicit: Option<&ProxyUrl>,
    machine: Option<&MachineProxy>,
) -> Result<Route, WbdError> {
    if let Some(p) = explicit {
        return Ok(Route::Proxy {
            proxy: p.clone(),
            reason: format!("proxy {p} given explicitly (Proxy option)"),
        });
    }
    let Some(m) = machine else {
        return Ok(Route::Direct {
            reason: "no proxy given and no machine.config read".into(),
        });
    };
    let path = &m.path;
    if !m.section_present {
        return Ok(Route::Direct {
            reason: format!("machine.config '{path}' has no <defaultProxy> section"),
        });
    }
    if !m.enabled {
        return Ok(Route::Direct {
            reason: format!("<defaultProxy enabled=\"false\"> in machine.config '{path}'"),
        });
    }
    let Some(addr) = &m.proxy_address else {
        let sys = if m.use_system_default == Some(true) {
            "; usesystemdefault=\"true\" defers to the service account's WinINET settings, which this check does not read"
        } else {
            ""
        };
        return Ok(Route::Direct {
            reason: format!("machine.config '{path}' sets no proxyaddress{sys}"),
        });
    };
    let proxy = ProxyUrl::parse(addr).map_err(|e| {
        WbdError::invalid(format!(
            "machine.config '{path}': proxyaddress: {}",
            e.message
        ))
    })?;
    if m.bypass_on_local && is_local(&endpoint.host) {
        return Ok(Route::Direct {
            reason: format!(
                "{} is local and bypassonlocal=\"true\" in machine.config '{path}'",
                endpoint.host
            ),
        });
    }
    if let Some(entry) = m.bypass_entry_for(&endpoint.host, endpoint.port) {
        return Ok(Route::Direct {
            reason: format!(
                "bypasslist entry '{entry}' in machine.config '{path}' matches {}",
                endpoint.host
            ),
        });
    }
    Ok(Route::Proxy {
        reason: format!("proxyaddress {proxy} from machine.config '{path}'"),
        proxy,
    })
}

/// A host .NET treats as local for `bypassonlocal`: no dot in the name, or loopback.
fn is_local(host: &str) -> bool {
    match host.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => !host.contains('.') || host.eq_ignore_ascii_case("localhost"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ep(h: &str) -> Endpoint {
        Endpoint {
            host: h.into(),
            port: 443,
        }
    }

    fn mc(xml: &str) -> MachineProxy {
        MachineProxy::parse(xml, "mc").expect("parses")
    }

    #[test]
    fn explicit_proxy_wins() {
        let p = ProxyUrl::parse("http://p.example:3128").expect("url");
        let m = mc(
            r#"<configuration><system.net><defaultProxy enabled="false"/></system.net></configuration>"#,
        );
        let r = choose(&ep("a.example"), Some(&p), Some(&m)).expect("route");
        assert_eq!(r.kind(), "Proxy");
        assert!(r.reason().contains("explicitly"));
    }

    #[test]
    fn machine_config_decides() {
        let with = |extra: &str, proxy_attrs: &str| {
            mc(&format!(
                r#"<configuration><system.net><defaultProxy {extra}><proxy proxyaddress="http://p.example:8080" {proxy_attrs}/><bypasslist><add address="\.contoso\.com$"/></bypasslist></defaultProxy></system.net></configuration>"#
            ))
        };
        let via =
            choose(&ep("sb.servicebus.windows.net"), None, Some(&with("", ""))).expect("route");
        assert!(
            matches!(&via, Route::Proxy { proxy, .. } if proxy.endpoint.port == 8080),
            "{via:?}"
        );
        assert!(via.reason().contains("machine.config 'mc'"));
        let bypassed = choose(&ep("dc.contoso.com"), None, Some(&with("", ""))).expect("route");
        assert_eq!(bypassed.kind(), "Direct");
        assert!(bypassed.reason().contains("bypasslist"));
        let local = choose(
            &ep("intranet"),
            None,
            Some(&with("", r#"bypassonlocal="true""#)),
        )
        .expect("route");
        assert!(local.reason().contains("bypassonlocal"));
        let not_local = choose(&ep("intranet"), None, Some(&with("", ""))).expect("route");
        assert_eq!(not_local.kind(), "Proxy");
        let disabled = choose(
            &ep("x.example"),
            None,
            Some(&with(r#"enabled="false""#, "")),
        )
        .expect("route");
        assert!(disabled.reason().contains("enabled=\"false\""));
        let none = choose(&ep("x.example"), None, None).expect("route");
        assert_eq!(none.kind(), "Direct");
    }

    #[test]
    fn bad_proxyaddress_is_invalid_input() {
        let m = mc(
            r#"<configuration><system.net><defaultProxy><proxy proxyaddress="ftp://p:1"/></defaultProxy></system.net></configuration>"#,
        );
        assert!(choose(&ep("x.example"), None, Some(&m)).is_err());
    }
}
