//! The revocation servers a certificate chain names: CRL distribution points (RFC 5280
//! §4.2.1.13) and OCSP responders in Authority Information Access (§4.2.2.1), and the
//! plain-HTTP form of their addresses.
//!
//! Certificates are input from the network: every list is capped, and an address with
//! credentials, spaces or control characters is refused rather than sent on.

use std::fmt;

use x509_parser::extensions::{DistributionPointName, GeneralName, ParsedExtension};
use x509_parser::oid_registry::OID_PKIX_ACCESS_DESCRIPTOR_OCSP;

use crate::endpoints::Endpoint;

/// Certificates read per chain.
pub const MAX_CERTS: usize = 8;
/// Addresses read per certificate.
pub const MAX_URLS_PER_CERT: usize = 8;
/// Longest address accepted, in bytes.
pub const MAX_URL_LEN: usize = 2048;
/// Default port of `http://`.
pub const HTTP_PORT: u16 = 80;

/// What a revocation address serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A certificate revocation list.
    Crl,
    /// An OCSP responder.
    Ocsp,
}

impl Kind {
    /// `Crl` or `Ocsp`, as in evidence.
    pub fn token(self) -> &'static str {
        match self {
            Kind::Crl => "Crl",
            Kind::Ocsp => "Ocsp",
        }
    }

    /// `CRL` or `OCSP`, as in messages.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Crl => "CRL",
            Kind::Ocsp => "OCSP",
        }
    }
}

/// One revocation address found in a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevocationUrl {
    /// The address as written in the certificate.
    pub url: String,
    /// CRL or OCSP.
    pub kind: Kind,
    /// Subject of the certificate that names it.
    pub subject: String,
}

/// The revocation addresses of a DER chain (leaf first), in order, without duplicates.
/// Certificates that do not parse are passed over.
pub fn urls_in_chain<C: AsRef<[u8]>>(chain: &[C]) -> Vec<RevocationUrl> {
    let mut out: Vec<RevocationUrl> = Vec::new();
    for der in chain.iter().take(MAX_CERTS) {
        let Ok((_, cert)) = x509_parser::parse_x509_certificate(der.as_ref()) else {
            continue;
        };
        let subject = cert.subject().to_string();
        let mut found: Vec<(String, Kind)> = Vec::new();
        for ext in cert.extensions() {
            match ext.parsed_extension() {
                ParsedExtension::CRLDistributionPoints(points) => {
                    for point in points.iter() {
                        if let Some(DistributionPointName::FullName(names)) =
                            &point.distribution_point
                        {
                            for name in names {
                                if let GeneralName::URI(u) = name {
                                    found.push((u.to_string(), Kind::Crl));
                                }
                            }
                        }
                    }
                }
                ParsedExtension::AuthorityInfoAccess(aia) => {
                    for desc in aia.iter() {
                        if desc.access_method == OID_PKIX_ACCESS_DESCRIPTOR_OCSP {
                            if let GeneralName::URI(u) = &desc.access_location {
                                found.push((u.to_string(), Kind::Ocsp));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        for (url, kind) in found.into_iter().take(MAX_URLS_PER_CERT) {
            if url.len() <= MAX_URL_LEN && !out.iter().any(|u| u.url == url && u.kind == kind) {
                out.push(RevocationUrl {
                    url,
                    kind,
                    subject: subject.clone(),
                });
            }
        }
    }
    out
}

/// Why an address is not fetched over plain HTTP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotHttp {
    /// Another scheme (`ldap`, `https`, ...), lower case.
    Scheme(String),
    /// Not a usable address; the text says why.
    Malformed(&'static str),
}

impl fmt::Display for NotHttp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotHttp::Scheme(s) => write!(f, "a {s}:// address, which this check does not fetch"),
            NotHttp::Malformed(why) => write!(f, "not a usable address ({why})"),
        }
    }
}

/// An `http://` address split for a request line.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HttpUrl {
    /// Host name or IP literal (IPv6 without brackets), lower case.
    pub host: String,
    /// TCP port (80 unless the address names one).
    pub port: u16,
    /// Path and query, starting with `/`.
    pub path: String,
}

impl HttpUrl {
    /// Parses `http://host[:port][/path][?query]`; the fragment is dropped.
    pub fn parse(text: &str) -> Result<Self, NotHttp> {
        let Some((scheme, rest)) = text.split_once("://") else {
            return Err(NotHttp::Malformed("no scheme"));
        };
        if !scheme.eq_ignore_ascii_case("http") {
            return Err(NotHttp::Scheme(scheme.to_ascii_lowercase()));
        }
        if !rest.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
            return Err(NotHttp::Malformed("spaces or control characters"));
        }
        let rest = rest.split('#').next().unwrap_or_default();
        let split = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, path) = rest.split_at(split);
        if authority.contains('@') {
            return Err(NotHttp::Malformed("credentials in the address"));
        }
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let (h, after) = v6
                .split_once(']')
                .ok_or(NotHttp::Malformed("unclosed IPv6 literal"))?;
            (h, after.strip_prefix(':'))
        } else {
            match authority.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (authority, None),
            }
        };
        let host_ok = !host.is_empty()
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':'));
        if !host_ok {
            return Err(NotHttp::Malformed("not a host name"));
        }
        let port = match port {
            None | Some("") => HTTP_PORT,
            Some(p) => match p.parse::<u16>() {
                Ok(n) if n > 0 => n,
                _ => return Err(NotHttp::Malformed("bad port")),
            },
        };
        let path = if path.starts_with('/') {
            path.to_string()
        } else {
            format!("/{path}")
        };
        Ok(HttpUrl {
            host: host.to_ascii_lowercase(),
            port,
            path,
        })
    }

    /// The host and port to connect to.
    pub fn endpoint(&self) -> Endpoint {
        Endpoint {
            host: self.host.clone(),
            port: self.port,
        }
    }

    /// The `Host` header value: the host, with the port unless it is 80.
    pub fn host_header(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        if self.port == HTTP_PORT {
            host
        } else {
            format!("{host}:{}", self.port)
        }
    }

    /// The absolute form a proxy is sent: `http://host[:port]/path`.
    pub fn absolute(&self) -> String {
        format!("http://{}{}", self.host_header(), self.path)
    }
}

/// `scheme://authority` of an address that is not fetched (for messages), capped.
pub fn origin_of(text: &str) -> String {
    let origin = match text.split_once("://") {
        Some((scheme, rest)) => {
            let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
            format!("{}://{authority}", scheme.to_ascii_lowercase())
        }
        None => text.to_string(),
    };
    origin.chars().take(120).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_http_addresses_and_refuses_the_rest() {
        let u = HttpUrl::parse("http://Crl3.DigiCert.com/DigiCertGlobalRootG2.crl").expect("url");
        assert_eq!(
            (u.host.as_str(), u.port, u.path.as_str()),
            ("crl3.digicert.com", 80, "/DigiCertGlobalRootG2.crl")
        );
        assert_eq!(
            u.absolute(),
            "http://crl3.digicert.com/DigiCertGlobalRootG2.crl"
        );
        let o = HttpUrl::parse("HTTP://oneocsp.microsoft.com").expect("url");
        assert_eq!(
            (o.path.as_str(), o.host_header()),
            ("/", "oneocsp.microsoft.com".to_string())
        );
        let p = HttpUrl::parse("http://127.0.0.1:8080/a.crl?x=1#frag").expect("url");
        assert_eq!(
            (p.port, p.path.as_str(), p.host_header()),
            (8080, "/a.crl?x=1", "127.0.0.1:8080".to_string())
        );
        let v6 = HttpUrl::parse("http://[::1]:81/c").expect("url");
        assert_eq!(
            (v6.host.as_str(), v6.absolute()),
            ("::1", "http://[::1]:81/c".to_string())
        );
        assert_eq!(
            HttpUrl::parse("ldap:///CN=CA,CN=CDP?certificateRevocationList"),
            Err(NotHttp::Scheme("ldap".into()))
        );
        for bad in [
            "http://user:pw@h/x",
            "http://h/a b",
            "http://h/\r\nX-Injected: 1",
            "http://h:0/x",
            "http://h:99999/x",
            "http:///x",
            "http://[::1/x",
            "crl.example/x",
        ] {
            assert!(
                matches!(HttpUrl::parse(bad), Err(NotHttp::Malformed(_))),
                "{bad}"
            );
        }
        assert_eq!(origin_of("ldap://dir.example/cn=x?y"), "ldap://dir.example");
    }

    #[test]
    fn unparsable_certificates_yield_nothing() {
        assert!(urls_in_chain(&[b"not a certificate".as_slice()]).is_empty());
    }
}
