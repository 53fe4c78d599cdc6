//! The endpoints password writeback needs, per cloud, and `HOST[:PORT]` parsing.

use std::fmt;

use crate::error::WbdError;

/// Longest host name DNS allows, without a trailing dot (RFC 1035 §2.3.4: 255 octets on
/// the wire, which is 253 characters in dotted text).
pub const MAX_HOST_LEN: usize = 253;
/// Longest label (the part between dots) DNS allows (RFC 1035 §2.3.4).
pub const MAX_LABEL_LEN: usize = 63;
/// Longest `--endpoint`/proxy text read at all: `https://`, a bracketed IPv6 or a 253-character
/// name, `:65535` and a slash fit in it; anything longer is refused before it is parsed.
pub const MAX_ENDPOINT_TEXT: usize = 300;

/// The user's text, cut for an error message so a huge value still gives a short line.
/// Credentials in it are hidden first (see [`crate::redact`]), so a cut cannot leave half a
/// password behind.
pub fn quote(text: &str) -> String {
    let text = crate::redact::text(text);
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if clean.chars().count() <= 60 {
        clean
    } else {
        let head: String = clean.chars().take(40).collect();
        format!("{head}... ({} characters)", text.chars().count())
    }
}

/// Checks a host the user gave (endpoint, proxy, namespace host): an IPv4 or IPv6 literal
/// (IPv6 without brackets), or a host name as DNS allows it: at most 253 characters without
/// a trailing dot, labels of 1 to 63 letters, digits and hyphens, neither starting nor ending
/// with a hyphen (RFC 1035 §2.3.4 "Size limits" and §2.3.1 "Preferred name syntax", with
/// RFC 1123 §2.1 allowing a leading digit). The error is the rule broken, in one line.
pub fn validate_host(host: &str) -> Result<(), String> {
    if host.parse::<std::net::IpAddr>().is_ok() {
        return Ok(());
    }
    let name = host.strip_suffix('.').unwrap_or(host);
    let n = name.chars().count();
    if n == 0 {
        return Err("host name is empty".into());
    }
    if n > MAX_HOST_LEN {
        return Err(format!(
            "host name is {n} characters; DNS allows at most {MAX_HOST_LEN}"
        ));
    }
    if name.contains(':') {
        return Err("host contains ':' but is not an IPv6 address".into());
    }
    for label in name.split('.') {
        let len = label.chars().count();
        if len == 0 {
            return Err("host name has an empty label (two dots in a row or a leading dot)".into());
        }
        if len > MAX_LABEL_LEN {
            return Err(format!(
                "host name has a label of {len} characters; DNS allows at most {MAX_LABEL_LEN}"
            ));
        }
        // Internationalised names (RFC 5890) keep their Unicode letters here; the resolver
        // sees their IDNA form.
        if !label.chars().all(|c| c.is_alphanumeric() || c == '-') {
            return Err(
                "host name may hold only letters, digits, hyphens and dots (RFC 1123 §2.1)".into(),
            );
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err("a host name label may not start or end with a hyphen".into());
        }
    }
    Ok(())
}

/// Port used by every writeback endpoint.
pub const HTTPS_PORT: u16 = 443;

/// Page that lists the writeback endpoints and ports.
pub const ENDPOINTS_DOC: &str =
    "https://learn.microsoft.com/entra/identity/authentication/troubleshoot-sspr-writeback";

/// Microsoft cloud instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cloud {
    /// Worldwide (public) cloud.
    Public,
    /// Azure US Government.
    UsGov,
    /// Azure China, operated by 21Vianet.
    China,
}

impl Cloud {
    /// Parses `public`, `usgov` or `china` (case-insensitive).
    pub fn parse(s: &str) -> Result<Self, WbdError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "public" | "" => Ok(Cloud::Public),
            "usgov" => Ok(Cloud::UsGov),
            "china" => Ok(Cloud::China),
            other => Err(WbdError::invalid(format!(
                "unknown cloud '{other}'; use public, usgov or china"
            ))),
        }
    }

    /// Lower-case name as used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Cloud::Public => "public",
            Cloud::UsGov => "usgov",
            Cloud::China => "china",
        }
    }

    /// Hosts writeback reaches on port 443 in this cloud.
    ///
    /// The password-reset service and the two Service Bus relays Microsoft names.
    /// US Government relay host names are not documented, so that set holds only the
    /// password-reset service.
    pub fn default_hosts(self) -> &'static [&'static str] {
        match self {
            Cloud::Public => &[
                "passwordreset.microsoftonline.com",
                "ssprdedicatedsbprodscu.servicebus.windows.net",
                "ssprdedicatedsbprodncu.servicebus.windows.net",
            ],
            Cloud::UsGov => &["passwordreset.microsoftonline.us"],
            Cloud::China => &[
                "ssprdedicatedsbmcprodcne.servicebus.chinacloudapi.cn",
                "ssprdedicatedsbmcprodcnn.servicebus.chinacloudapi.cn",
            ],
        }
    }

    /// The Service Bus host suffix of this cloud, with its leading dot: a bare namespace
    /// `<ns>` is the host `<ns><suffix>` ([`ENDPOINTS_DOC`]: `*.servicebus.windows.net`,
    /// `*.servicebus.usgovcloudapi.net`, `*.servicebus.chinacloudapi.cn`; read 2026-12-02).
    pub fn service_bus_suffix(self) -> &'static str {
        match self {
            Cloud::Public => ".servicebus.windows.net",
            Cloud::UsGov => ".servicebus.usgovcloudapi.net",
            Cloud::China => ".servicebus.chinacloudapi.cn",
        }
    }

    /// The default endpoint set.
    pub fn default_endpoints(self) -> Vec<Endpoint> {
        self.default_hosts()
            .iter()
            .map(|h| Endpoint {
                host: (*h).to_string(),
                port: HTTPS_PORT,
            })
            .collect()
    }
}

/// The names Microsoft's writeback allow-list gives, per cloud: outbound HTTPS to these
/// ([TSWB] "Confirm network connectivity", source ms.date 2024-06-24, read 2026-12-02).
/// The China names are exact host names, the others wildcards.
pub const ALLOW_RULES: &[(Cloud, &str)] = &[
    (Cloud::Public, "*.passwordreset.microsoftonline.com"),
    (Cloud::Public, "*.servicebus.windows.net"),
    (Cloud::UsGov, "*.passwordreset.microsoftonline.us"),
    (Cloud::UsGov, "*.servicebus.usgovcloudapi.net"),
    (
        Cloud::China,
        "ssprdedicatedsbmcprodcne.servicebus.chinacloudapi.cn",
    ),
    (
        Cloud::China,
        "ssprdedicatedsbmcprodcnn.servicebus.chinacloudapi.cn",
    ),
];

/// How a host name stands to the allow-list entry it falls under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleMatch {
    /// The entry of [`ALLOW_RULES`].
    pub rule: &'static str,
    /// True when a strict wildcard (`*.` standing for one or more labels) or the exact
    /// name matches the host; false for the wildcard's own domain (the apex), which such
    /// a rule does not cover.
    pub covers: bool,
}

/// The allow-list entry `host` falls under, if any: its wildcard's domain or below it,
/// or an exact name.
pub fn allow_rule(host: &str) -> Option<RuleMatch> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    ALLOW_RULES
        .iter()
        .find_map(|(_, rule)| match rule.strip_prefix("*.") {
            Some(domain) if host == domain => Some(RuleMatch {
                rule,
                covers: false,
            }),
            Some(domain) => host
                .strip_suffix(domain)
                .is_some_and(|head| head.len() > 1 && head.ends_with('.'))
                .then_some(RuleMatch { rule, covers: true }),
            None => (host == *rule).then_some(RuleMatch { rule, covers: true }),
        })
}

/// A host and TCP port to test.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Endpoint {
    /// Host name or IP literal (IPv6 without brackets).
    pub host: String,
    /// TCP port.
    pub port: u16,
}

impl Endpoint {
    /// Parses `HOST`, `HOST:PORT`, `[V6]` or `[V6]:PORT`; the port defaults to 443.
    pub fn parse(text: &str) -> Result<Self, WbdError> {
        let chars = text.chars().count();
        if chars > MAX_ENDPOINT_TEXT {
            return Err(WbdError::invalid(format!(
                "endpoint '{}': {chars} characters; a host name may have at most {MAX_HOST_LEN} (DNS)",
                quote(text)
            )));
        }
        let t = text.trim();
        let t = t
            .strip_prefix("https://")
            .unwrap_or(t)
            .trim_end_matches('/');
        if t.is_empty() {
            return Err(WbdError::invalid("endpoint is empty; expected HOST[:PORT]"));
        }
        let (host, port) = if let Some(rest) = t.strip_prefix('[') {
            let (h, after) = rest
                .split_once(']')
                .ok_or_else(|| WbdError::invalid(format!("endpoint '{text}': missing ']'")))?;
            match after {
                "" => (h, None),
                p => match p.strip_prefix(':') {
                    Some(p) => (h, Some(p)),
                    None => {
                        return Err(WbdError::invalid(format!(
                            "endpoint '{text}': expected ':PORT' after ']'"
                        )))
                    }
                },
            }
        } else if t.matches(':').count() > 1 {
            (t, None)
        } else {
            match t.split_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (t, None),
            }
        };
        if host.is_empty() {
            return Err(WbdError::invalid(format!(
                "endpoint '{text}': host is empty"
            )));
        }
        if host
            .chars()
            .any(|c| c.is_whitespace() || c == '/' || c == '@')
        {
            return Err(WbdError::invalid(format!(
                "endpoint '{text}': host contains a character not allowed in a host name"
            )));
        }
        if let Err(why) = validate_host(host) {
            return Err(WbdError::invalid(format!(
                "endpoint '{}': {why}",
                quote(text)
            )));
        }
        let port = match port {
            None => HTTPS_PORT,
            Some(p) => match p.parse::<u16>() {
                Ok(n) if n > 0 => n,
                _ => {
                    return Err(WbdError::invalid(format!(
                        "endpoint '{text}': port '{p}' is not a number from 1 to 65535"
                    )))
                }
            },
        };
        Ok(Endpoint {
            host: host.to_ascii_lowercase(),
            port,
        })
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// True for the two public relay hosts Microsoft's troubleshooting page uses as examples.
/// They are not every tenant's relays: the page now has admins read the tenant's own
/// namespace from event 31019 or 31034 (its example: `ssprdedicatedsbprodfra-1`)
/// ([`ENDPOINTS_DOC`], rendered copy ms.date 2025-03-04, read 2026-12-02).
pub fn is_example_relay(host: &str) -> bool {
    Cloud::Public.default_hosts()[1..].contains(&host)
}

/// Turns a Service Bus namespace given by the user into its host name: a bare name
/// (`ssprdedicatedsbprodfra-1`) gets `cloud`'s Service Bus suffix, a name with dots is
/// taken as the host itself. An `sb://` or `https://` prefix and any path are dropped.
/// DNS rules apply: labels of 1 to 63 letters, digits and hyphens, neither starting nor
/// ending with a hyphen, at most 253 characters in all.
pub fn namespace_host(cloud: Cloud, text: &str) -> Result<String, WbdError> {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    let t = ["sb://", "https://"]
        .iter()
        .find_map(|p| lower.strip_prefix(p))
        .unwrap_or(&lower);
    let t = t.split('/').next().unwrap_or_default();
    let t = t.strip_suffix('.').unwrap_or(t);
    let shown = quote(text);
    let bad = |why: &str| WbdError::invalid(format!("namespace '{shown}': {why}"));
    if text.chars().count() > MAX_ENDPOINT_TEXT {
        return Err(bad(&format!(
            "{} characters; a host name may have at most {MAX_HOST_LEN} (DNS)",
            text.chars().count()
        )));
    }
    if t.is_empty() {
        return Err(bad(
            "empty; give a namespace such as ssprdedicatedsbprodfra-1 or its host name",
        ));
    }
    if t.contains(':') {
        return Err(bad(
            "a namespace takes no port (it is always tested on 443)",
        ));
    }
    let host = if t.contains('.') {
        t.to_string()
    } else {
        format!("{t}{}", cloud.service_bus_suffix())
    };
    validate_host(&host).map_err(|why| bad(&why))?;
    // Service Bus namespace names are ASCII letters, digits and hyphens.
    if !host.is_ascii() {
        return Err(bad(
            "a Service Bus namespace holds only ASCII letters, digits and hyphens",
        ));
    }
    Ok(host)
}

/// The endpoint list for a run: the cloud's defaults (unless replaced) plus extras,
/// without duplicates, in order.
pub fn plan(
    cloud: Cloud,
    extra: &[String],
    replace_defaults: bool,
) -> Result<Vec<Endpoint>, WbdError> {
    plan_after(Vec::new(), cloud, extra, replace_defaults)
}

/// Like [`plan`], with `first` (the tenant's own relays) ahead of everything else.
pub fn plan_after(
    first: Vec<Endpoint>,
    cloud: Cloud,
    extra: &[String],
    replace_defaults: bool,
) -> Result<Vec<Endpoint>, WbdError> {
    let mut list = first;
    if !replace_defaults {
        for ep in cloud.default_endpoints() {
            if !list.contains(&ep) {
                list.push(ep);
            }
        }
    }
    for e in extra {
        let ep = Endpoint::parse(e)?;
        if !list.contains(&ep) {
            list.push(ep);
        }
    }
    if list.is_empty() {
        return Err(WbdError::invalid(
            "no endpoints to test: defaults were replaced and no endpoint was given",
        ));
    }
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_hide_credentials_even_when_the_text_is_cut() {
        let long = format!("https://svc:{}@host.example:1", "p".repeat(80));
        let q = quote(&long);
        assert!(!q.contains("ppp") && q.contains("(hidden)@"), "{q}");
        for text in [
            "https://svc:Hunter2Pass@localhost:1",
            "localhost:1/?sv=1&sig=Hunter2Pass",
            "localhost:1?sig=Hunter2Pass",
        ] {
            let e = Endpoint::parse(text).expect_err("invalid endpoint");
            assert!(
                !e.message.contains("Hunter2Pass") && e.message.contains("(hidden)"),
                "{}",
                e.message
            );
        }
    }

    #[test]
    fn parses_host_port_forms() {
        let p = |s| Endpoint::parse(s).map(|e| (e.host, e.port));
        assert_eq!(p("Example.com"), Ok(("example.com".into(), 443)));
        assert_eq!(p("example.com:8443"), Ok(("example.com".into(), 8443)));
        assert_eq!(p("[::1]:9000"), Ok(("::1".into(), 9000)));
        assert_eq!(p("::1"), Ok(("::1".into(), 443)));
        assert_eq!(p("https://x.test/"), Ok(("x.test".into(), 443)));
        for bad in [
            "", " ", ":443", "h:0", "h:70000", "h:abc", "[::1", "a b", "[::1]x",
        ] {
            assert!(Endpoint::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn plans_extend_or_replace_defaults() {
        let extended = plan(Cloud::Public, &["x.test".into()], false).expect("plan");
        assert_eq!(extended.len(), 4);
        assert!(extended[0].host.starts_with("passwordreset."));
        let replaced =
            plan(Cloud::China, &["x.test:1".into(), "x.test:1".into()], true).expect("plan");
        assert_eq!(
            replaced,
            vec![Endpoint {
                host: "x.test".into(),
                port: 1
            }]
        );
        assert!(plan(Cloud::Public, &[], true).is_err());
        let first =
            Endpoint::parse("ssprdedicatedsbprodscu.servicebus.windows.net").expect("endpoint");
        let ordered = plan_after(vec![first.clone()], Cloud::Public, &[], false).expect("plan");
        assert_eq!(ordered[0], first);
        assert_eq!(ordered.len(), 3, "the tenant's host is not tested twice");
        assert_eq!(
            plan_after(vec![first.clone()], Cloud::Public, &[], true).expect("plan"),
            vec![first]
        );
        assert_eq!(Cloud::parse("USGOV"), Ok(Cloud::UsGov));
        assert!(Cloud::parse("mars").is_err());
    }

    #[test]
    fn namespaces_become_host_names() {
        let host = |c, t| namespace_host(c, t);
        assert_eq!(
            host(Cloud::Public, "SSPRDedicatedSBProdFRA-1").as_deref(),
            Ok("ssprdedicatedsbprodfra-1.servicebus.windows.net")
        );
        assert_eq!(
            host(Cloud::UsGov, "ssprdedicatedsbx").as_deref(),
            Ok("ssprdedicatedsbx.servicebus.usgovcloudapi.net")
        );
        assert_eq!(
            host(Cloud::China, "ssprdedicatedsbmcprodcne").as_deref(),
            Ok("ssprdedicatedsbmcprodcne.servicebus.chinacloudapi.cn")
        );
        assert_eq!(
            host(Cloud::Public, " sb://ns-1.servicebus.windows.net/a_b/ ").as_deref(),
            Ok("ns-1.servicebus.windows.net")
        );
        assert_eq!(
            host(Cloud::China, "x.servicebus.windows.net.").as_deref(),
            Ok("x.servicebus.windows.net"),
            "a host is kept whatever the cloud"
        );
        let long_label = "a".repeat(64);
        let long_host = format!("{}.b", vec!["a".repeat(63); 4].join("."));
        for bad in [
            "",
            " ",
            "sb://",
            "ns:443",
            "-ns",
            "ns-",
            "a..b",
            "n_s",
            "ns\u{17f}",
            "ns x",
            &long_label,
            &long_host,
        ] {
            assert!(
                host(Cloud::Public, bad).is_err(),
                "{bad:?} should be rejected"
            );
        }
        assert!(is_example_relay(
            "ssprdedicatedsbprodscu.servicebus.windows.net"
        ));
        assert!(is_example_relay(
            "ssprdedicatedsbprodncu.servicebus.windows.net"
        ));
        assert!(!is_example_relay("passwordreset.microsoftonline.com"));
        assert!(!is_example_relay(
            "ssprdedicatedsbprodfra-1.servicebus.windows.net"
        ));
    }

    #[test]
    fn hosts_fall_under_the_allow_list_entries() {
        let apex = allow_rule("passwordreset.microsoftonline.com").expect("apex");
        assert_eq!(
            (apex.rule, apex.covers),
            ("*.passwordreset.microsoftonline.com", false)
        );
        let relay = allow_rule("ssprdedicatedsbprodscu.servicebus.windows.net").expect("relay");
        assert_eq!(
            (relay.rule, relay.covers),
            ("*.servicebus.windows.net", true)
        );
        let china = allow_rule("ssprdedicatedsbmcprodcne.servicebus.chinacloudapi.cn").expect("cn");
        assert!(china.covers);
        assert_eq!(allow_rule("evilservicebus.windows.net"), None);
        assert_eq!(allow_rule("crl3.digicert.com"), None);
        assert_eq!(allow_rule("other.servicebus.chinacloudapi.cn"), None);
    }

    #[test]
    fn internationalised_names_pass_and_symbols_do_not() {
        assert_eq!(validate_host("bücher.invalid"), Ok(()));
        assert_eq!(validate_host("例え.テスト"), Ok(()));
        assert!(validate_host("a_b.example").is_err());
        assert!(validate_host("a b.example").is_err());
        assert!(validate_host("münchen-.de").is_err());
    }
}
