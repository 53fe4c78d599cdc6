//! TLS 1.2+ handshake with rustls, validated against the OS trust store plus optional
//! extra CA certificates, with the failure cause spelled out.

use std::io;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    AlertDescription, CertificateError, DigitallySignedStruct, PeerIncompatible, RootCertStore,
    SignatureScheme,
};
use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

use crate::endpoints::Endpoint;
use crate::error::WbdError;
use crate::probe::{is_reset, ms_since, overall_deadline, Deadline, Finding};

/// Page with Microsoft's TLS requirements for Entra Connect.
pub const TLS_DOC: &str =
    "https://learn.microsoft.com/entra/identity/hybrid/connect/reference-connect-tls-enforcement";

/// Roots a handshake is validated against.
#[derive(Debug, Clone)]
pub struct TrustStore {
    roots: Arc<RootCertStore>,
    /// Certificates taken from the OS store.
    pub os_roots: usize,
    /// Certificates taken from the extra CA file.
    pub extra_roots: usize,
}

impl TrustStore {
    /// Loads the OS trust store and, if given, the PEM certificates in `ca_file`.
    pub fn load(ca_file: Option<&Path>) -> Result<Self, WbdError> {
        let mut roots = RootCertStore::empty();
        let native = rustls_native_certs::load_native_certs();
        let (os_roots, _) = roots.add_parsable_certificates(native.certs);
        let mut extra_roots = 0;
        if let Some(path) = ca_file {
            let shown = path.display();
            let bytes = std::fs::read(path)
                .map_err(|e| WbdError::invalid(format!("cannot read CA file '{shown}': {e}")))?;
            let certs: Vec<CertificateDer<'static>> = rustls_pemfile::certs(&mut bytes.as_slice())
                .collect::<Result<_, _>>()
                .map_err(|e| {
                    WbdError::invalid(format!("CA file '{shown}' is not valid PEM: {e}"))
                })?;
            if certs.is_empty() {
                return Err(WbdError::invalid(format!(
                    "CA file '{shown}' holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
                )));
            }
            for c in certs {
                roots.add(c).map_err(|e| {
                    WbdError::invalid(format!(
                        "CA file '{shown}' holds a certificate rustls cannot use: {e}"
                    ))
                })?;
                extra_roots += 1;
            }
        }
        if roots.is_empty() {
            return Err(WbdError::new(
                crate::error::ErrorCode::Internal,
                "no trusted root certificates: the OS trust store is empty or unreadable and no CA file was given",
            ));
        }
        Ok(TrustStore {
            roots: Arc::new(roots),
            os_roots,
            extra_roots,
        })
    }
}

/// Subject, issuer and expiry of one certificate.
#[derive(Debug, Clone)]
struct CertInfo {
    subject: String,
    issuer: String,
    issuer_cn: String,
    not_after_unix: i64,
}

impl CertInfo {
    fn parse(der: &[u8]) -> Option<Self> {
        let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
        let issuer_cn = cert
            .issuer()
            .iter_common_name()
            .next()
            .and_then(|a| a.as_str().ok())
            .map(str::to_string)
            .unwrap_or_else(|| cert.issuer().to_string());
        Some(CertInfo {
            subject: cert.subject().to_string(),
            issuer: cert.issuer().to_string(),
            issuer_cn,
            not_after_unix: cert.validity().not_after.timestamp(),
        })
    }

    fn to_json(&self) -> Value {
        json!({"Subject": self.subject, "Issuer": self.issuer, "NotAfter": rfc3339(self.not_after_unix)})
    }
}

fn rfc3339(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| unix.to_string())
}

/// Verifier that validates with webpki and remembers the chain the server presented, so a
/// failure can name the issuer.
#[derive(Debug)]
struct RecordingVerifier {
    inner: Arc<WebPkiServerVerifier>,
    presented: Mutex<Vec<CertificateDer<'static>>>,
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Ok(mut p) = self.presented.lock() {
            *p = std::iter::once(end_entity)
                .chain(intermediates)
                .map(|c| c.clone().into_owned())
                .collect();
        }
        self.inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// Performs the handshake over `stream` and describes the result.
pub async fn handshake<S>(
    stream: S,
    endpoint: &Endpoint,
    trust: &TrustStore,
    deadline: Deadline,
) -> Result<(TlsStream<S>, Finding), Finding>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let started = Instant::now();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let webpki = WebPkiServerVerifier::builder_with_provider(trust.roots.clone(), provider.clone())
        .build()
        .map_err(|e| internal(format!("cannot build the certificate verifier: {e}")))?;
    let verifier = Arc::new(RecordingVerifier {
        inner: webpki,
        presented: Mutex::new(Vec::new()),
    });
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| internal(format!("cannot configure TLS: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(verifier.clone())
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let name = ServerName::try_from(endpoint.host.clone()).map_err(|e| {
        internal(format!(
            "'{}' is not a valid TLS server name: {e}",
            endpoint.host
        ))
    })?;
    let connector = TlsConnector::from(Arc::new(config));
    let result = tokio::time::timeout_at(deadline.instant(), connector.connect(name, stream)).await;
    let ms = ms_since(started);
    let chain: Vec<CertInfo> = verifier
        .presented
        .lock()
        .map(|p| p.iter().filter_map(|c| CertInfo::parse(c)).collect())
        .unwrap_or_default();
    let chain_json: Vec<Value> = chain.iter().map(CertInfo::to_json).collect();
    match result {
        Err(_) if deadline.is_overall => Err(overall_deadline("TLS")),
        Err(_) => Err(Finding::fail(
            "HandshakeTimeout",
            format!("TLS handshake with {endpoint} timed out"),
            format!("TCP connected but the TLS handshake did not complete within {ms} ms. A firewall or proxy holding the connection open without passing traffic is the usual cause."),
            "Check firewalls and proxies on the path for rules that accept the connection but block or stall TLS to this host.",
        )
        .with("ElapsedMs", ms)
        .with("Chain", chain_json)),
        Ok(Err(e)) => Err(classify_error(&e, endpoint, &chain).with("ElapsedMs", ms).with("Chain", chain_json)),
        Ok(Ok(tls)) => {
            let (_, conn) = tls.get_ref();
            let version = conn.protocol_version().map(|v| format!("{v:?}")).unwrap_or_default();
            let suite = conn
                .negotiated_cipher_suite()
                .map(|s| format!("{:?}", s.suite()))
                .unwrap_or_default();
            let now = time::OffsetDateTime::now_utc().unix_timestamp();
            let days = chain.first().map(|c| (c.not_after_unix - now).div_euclid(86_400));
            let finding = match inspection_suspect(&endpoint.host, &chain) {
                Some(issuer) => Finding {
                    status: crate::api::Status::Warning,
                    ..Finding::fail(
                        "InspectionSuspected",
                        format!("TLS to {endpoint} is re-signed by '{issuer}'"),
                        format!("The handshake succeeded ({version}), but the certificate was not issued by Microsoft's or DigiCert's CAs: '{issuer}' signed it. A TLS-inspecting proxy or firewall is re-signing the traffic, which Microsoft does not support for Entra Connect."),
                        "Exempt the writeback hosts from TLS inspection on the proxy or firewall.",
                    )
                },
                None => Finding::pass(
                    "Established",
                    format!("TLS to {endpoint} works"),
                    format!("{version} with {suite}; the certificate chain is trusted and valid for {}.", endpoint.host),
                ),
            };
            let finding = finding
                .with("ProtocolVersion", version)
                .with("CipherSuite", suite)
                .with("Chain", chain_json)
                .with("DaysToExpiry", days.map(Value::from).unwrap_or(Value::Null))
                .with("ElapsedMs", ms);
            Ok((tls, finding))
        }
    }
}

fn internal(msg: String) -> Finding {
    Finding {
        status: crate::api::Status::Error,
        ..Finding::fail(
            "Failed",
            "TLS check could not run",
            msg,
            "Report this as a bug.",
        )
    }
}

/// Microsoft's writeback hosts (names as [`crate::endpoints::Endpoint`] keeps them, in
/// lower case); their certificates come from Microsoft's or DigiCert's CAs.
pub fn is_microsoft_host(host: &str) -> bool {
    [
        ".microsoftonline.com",
        ".microsoftonline.us",
        ".servicebus.windows.net",
        ".servicebus.usgovcloudapi.net",
        ".servicebus.chinacloudapi.cn",
    ]
    .iter()
    .any(|s| host.ends_with(s))
}

/// For a Microsoft host, the issuer CN when no certificate in the chain comes from a
/// Microsoft or DigiCert CA (the sign of an inspecting proxy whose root is trusted).
fn inspection_suspect(host: &str, chain: &[CertInfo]) -> Option<String> {
    if !is_microsoft_host(host) || chain.is_empty() {
        return None;
    }
    let known = |s: &str| {
        let l = s.to_ascii_lowercase();
        l.contains("microsoft") || l.contains("digicert")
    };
    if chain.iter().any(|c| known(&c.issuer)) {
        None
    } else {
        chain.last().map(|c| c.issuer_cn.clone())
    }
}

fn classify_error(e: &io::Error, endpoint: &Endpoint, chain: &[CertInfo]) -> Finding {
    let top_issuer = chain
        .last()
        .map(|c| c.issuer_cn.clone())
        .unwrap_or_default();
    let reset_fix = "A firewall, IPS or proxy is cutting TLS to this host; allow it on port 443 without inspection.";
    let Some(tls_err) = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    else {
        if is_reset(e) {
            return Finding::fail(
                "Reset",
                format!("{endpoint} reset the connection during TLS"),
                format!("The connection was reset during the TLS handshake ({e})."),
                reset_fix,
            );
        }
        if e.kind() == io::ErrorKind::UnexpectedEof {
            return Finding::fail(
                "Reset",
                format!("{endpoint} closed the connection during TLS"),
                "The peer closed the connection in the middle of the TLS handshake.",
                reset_fix,
            );
        }
        return Finding::fail(
            "Failed",
            format!("TLS handshake with {endpoint} failed"),
            format!("The TLS handshake failed: {e}."),
            reset_fix,
        );
    };
    match tls_err {
        rustls::Error::InvalidCertificate(ce) => classify_certificate(ce, endpoint, &top_issuer, chain),
        rustls::Error::AlertReceived(AlertDescription::ProtocolVersion)
        | rustls::Error::PeerIncompatible(
            PeerIncompatible::ServerDoesNotSupportTls12Or13 | PeerIncompatible::ServerTlsVersionIsDisabledByOurConfig,
        ) => Finding::fail(
            "ProtocolTooOld",
            format!("{endpoint} offers only TLS 1.0/1.1"),
            format!("{endpoint} refused TLS 1.2 and 1.3 ({tls_err}). Microsoft's endpoints speak TLS 1.2+, so something on the path (an old proxy or inspecting firewall) is terminating TLS with an outdated configuration."),
            "Find the device that terminates TLS for this host and exempt the host from it, or enable TLS 1.2 on it.",
        )
        .with("Detail", tls_err.to_string()),
        other => Finding::fail(
            "Failed",
            format!("TLS handshake with {endpoint} failed"),
            format!("The TLS handshake failed: {other}."),
            "Check for proxies or firewalls that inspect or terminate TLS to this host.",
        )
        .with("Detail", other.to_string()),
    }
}

fn classify_certificate(
    ce: &CertificateError,
    endpoint: &Endpoint,
    issuer: &str,
    chain: &[CertInfo],
) -> Finding {
    let leaf = chain.first();
    match ce {
        CertificateError::UnknownIssuer | CertificateError::BadSignature => Finding::fail(
            "UntrustedIssuer",
            format!("Certificate of {endpoint} is issued by an untrusted CA"),
            format!("The certificate chain for {endpoint} leads to '{issuer}', which this server does not trust. A TLS-inspecting proxy or firewall re-signing the traffic is the most likely cause (Microsoft does not support inspecting traffic between Entra Connect and Entra ID); otherwise the issuing root is missing from this server's trust store."),
            "Exempt the writeback hosts from TLS inspection. If nothing inspects the traffic, install the missing root (for Microsoft endpoints: DigiCert Global Root G2 or Microsoft RSA Root CA 2017) in Local Computer > Trusted Root Certification Authorities.",
        )
        .with("IssuerCN", issuer.to_string()),
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => Finding::fail(
            "Expired",
            format!("Certificate of {endpoint} has expired"),
            format!("The certificate presented for {endpoint} expired{}. Microsoft's endpoints do not serve expired certificates, so a device on the path (often an inspecting proxy) or a wrong system clock is the cause.", leaf.map(|c| format!(" on {}", rfc3339(c.not_after_unix))).unwrap_or_default()),
            "Check this server's clock and time sync (w32tm /query /status); check for a proxy or firewall presenting its own certificate.",
        )
        .with("IssuerCN", issuer.to_string()),
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => Finding::fail(
            "NotYetValid",
            format!("Certificate of {endpoint} is not valid yet"),
            format!("The certificate presented for {endpoint} is not valid yet; this server's clock is probably behind, or a device on the path minted the certificate with a wrong clock."),
            "Fix the server's time sync (w32tm /resync) and re-test; time skew also breaks writeback's Service Bus authentication.",
        )
        .with("IssuerCN", issuer.to_string()),
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => Finding::fail(
            "NameMismatch",
            format!("Certificate does not match {}", endpoint.host),
            format!("The certificate presented is not valid for {} (subject: {}). The connection reached a different server: a proxy, a captive portal, or DNS pointing at the wrong address.", endpoint.host, leaf.map(|c| c.subject.as_str()).unwrap_or("unknown")),
            "Check what the name resolves to on this server and whether a proxy or firewall answers in the service's place.",
        )
        .with("IssuerCN", issuer.to_string()),
        other => Finding::fail(
            "Failed",
            format!("Certificate of {endpoint} was rejected"),
            format!("The certificate for {endpoint} was rejected: {other:?}."),
            "Check for proxies or firewalls that present their own certificate for this host.",
        )
        .with("IssuerCN", issuer.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(issuer: &str) -> CertInfo {
        CertInfo {
            subject: "CN=x".into(),
            issuer: format!("CN={issuer}"),
            issuer_cn: issuer.into(),
            not_after_unix: 0,
        }
    }

    #[test]
    fn spots_inspection_on_microsoft_hosts_only() {
        let host = "ssprdedicatedsbprodscu.servicebus.windows.net";
        assert_eq!(
            inspection_suspect(host, &[info("Contoso Inspection CA")]).as_deref(),
            Some("Contoso Inspection CA")
        );
        assert_eq!(
            inspection_suspect(
                host,
                &[
                    info("Microsoft Azure RSA TLS Issuing CA 03"),
                    info("DigiCert Global Root G2")
                ]
            ),
            None
        );
        assert_eq!(
            inspection_suspect("localhost", &[info("Contoso Inspection CA")]),
            None
        );
    }

    #[test]
    fn classifies_protocol_and_certificate_errors() {
        let ep = Endpoint {
            host: "h.example".into(),
            port: 443,
        };
        let wrap = |e: rustls::Error| io::Error::new(io::ErrorKind::InvalidData, e);
        let c = |e| classify_error(&wrap(e), &ep, &[info("Root X")]).outcome;
        assert_eq!(
            c(rustls::Error::AlertReceived(
                AlertDescription::ProtocolVersion
            )),
            "ProtocolTooOld"
        );
        assert_eq!(
            c(rustls::Error::InvalidCertificate(
                CertificateError::UnknownIssuer
            )),
            "UntrustedIssuer"
        );
        assert_eq!(
            c(rustls::Error::InvalidCertificate(CertificateError::Expired)),
            "Expired"
        );
        assert_eq!(
            c(rustls::Error::InvalidCertificate(
                CertificateError::NotValidYet
            )),
            "NotYetValid"
        );
        assert_eq!(
            c(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName
            )),
            "NameMismatch"
        );
        assert_eq!(
            c(rustls::Error::AlertReceived(
                AlertDescription::HandshakeFailure
            )),
            "Failed"
        );
        let reset = classify_error(&io::Error::from(io::ErrorKind::ConnectionReset), &ep, &[]);
        assert_eq!(reset.outcome, "Reset");
    }
}
