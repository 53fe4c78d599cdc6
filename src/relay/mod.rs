//! The tenant relay's path beyond its namespace host: the namespace's cluster (from its
//! CNAME chain), the cluster's gateway hosts, and the legacy relay ports.
//!
//! Allow-lists that name only the namespace still break writeback, because relay traffic
//! goes on to gateway hosts of the namespace's cluster; Microsoft's Azure Relay tool
//! GetNamespaceInfo.ps1 derives their names (see [`rule`]).

pub mod chain;
pub mod dns;
pub mod gateways;
pub mod ports;
pub mod rule;

use crate::endpoints::Cloud;
use crate::error::WbdError;

/// Longest accepted namespace host (a DNS name's limit).
const MAX_NAME: usize = 253;

/// Suffix a bare namespace name gets. GetNamespaceInfo.ps1 appends
/// `.servicebus.windows.net` to a name without a dot; for US Government and China the
/// cloud's Service Bus domain ([TSWB] host table) is used instead (our choice).
pub fn namespace_suffix(cloud: Cloud) -> &'static str {
    match cloud {
        Cloud::Public => "servicebus.windows.net",
        Cloud::UsGov => "servicebus.usgovcloudapi.net",
        Cloud::China => "servicebus.chinacloudapi.cn",
    }
}

/// The namespace's host name from `ssprdedicatedsbprodscu`, `x.servicebus.windows.net`,
/// `sb://x.servicebus.windows.net/` or `https://...`, in lower case.
pub fn namespace_host(text: &str, cloud: Cloud) -> Result<String, WbdError> {
    let t = text.trim();
    let t = ["sb://", "https://"]
        .iter()
        .find_map(|p| t.strip_prefix(p))
        .unwrap_or(t);
    let t = t.trim_end_matches('/').trim_end_matches('.');
    if t.is_empty() {
        return Err(WbdError::invalid("namespace is empty"));
    }
    let valid_label = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if !t.split('.').all(valid_label) {
        return Err(WbdError::invalid(format!(
            "namespace '{text}' is not a host name (letters, digits and '-' in dot-separated labels)"
        )));
    }
    let host = if t.contains('.') {
        t.to_ascii_lowercase()
    } else {
        format!("{}.{}", t.to_ascii_lowercase(), namespace_suffix(cloud))
    };
    if host.len() > MAX_NAME {
        return Err(WbdError::invalid(format!(
            "namespace '{text}' is longer than a DNS name may be"
        )));
    }
    Ok(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_are_normalised_per_cloud() {
        let h = |s| namespace_host(s, Cloud::Public);
        assert_eq!(
            h("SsprDedicatedSbProdScu").as_deref(),
            Ok("ssprdedicatedsbprodscu.servicebus.windows.net")
        );
        assert_eq!(
            h("sb://x.servicebus.windows.net/").as_deref(),
            Ok("x.servicebus.windows.net")
        );
        assert_eq!(
            namespace_host("x", Cloud::China).as_deref(),
            Ok("x.servicebus.chinacloudapi.cn")
        );
        for bad in ["", " ", "a b", "x..y", "-x", "x_y.net", "x:443"] {
            assert!(h(bad).is_err(), "{bad} accepted");
        }
    }
}
