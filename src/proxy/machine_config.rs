//! The `<system.net><defaultProxy>` section of a .NET Framework `machine.config`, which is
//! the proxy the Entra Connect sync engine (and so writeback) uses.

use std::path::Path;

use regex::{Regex, RegexBuilder};

use crate::error::WbdError;

/// Largest machine.config read, in bytes (real ones are around 40 KB).
const MAX_CONFIG_BYTES: u64 = 8 * 1024 * 1024;

/// What a machine.config says about the default proxy.
#[derive(Debug, Clone)]
pub struct MachineProxy {
    /// File the settings came from.
    pub path: String,
    /// True when a `<defaultProxy>` element exists.
    pub section_present: bool,
    /// `defaultProxy/@enabled` (default true).
    pub enabled: bool,
    /// `defaultProxy/@useDefaultCredentials` (default false).
    pub use_default_credentials: bool,
    /// `proxy/@proxyaddress`, if any.
    pub proxy_address: Option<String>,
    /// `proxy/@usesystemdefault`, if given.
    pub use_system_default: Option<bool>,
    /// `proxy/@bypassonlocal` (default false).
    pub bypass_on_local: bool,
    /// `bypasslist/add/@address` entries, as written (regular expressions).
    pub bypass_list: Vec<String>,
    bypass_regexes: Vec<Regex>,
}

impl MachineProxy {
    /// Reads and parses a machine.config file.
    pub fn load(path: &Path) -> Result<Self, WbdError> {
        let shown = path.display().to_string();
        let meta = std::fs::metadata(path)
            .map_err(|e| WbdError::invalid(format!("cannot read machine.config '{shown}': {e}")))?;
        if meta.len() > MAX_CONFIG_BYTES {
            return Err(WbdError::invalid(format!(
                "machine.config '{shown}' is {} bytes, larger than any real one",
                meta.len()
            )));
        }
        let bytes = std::fs::read(path)
            .map_err(|e| WbdError::invalid(format!("cannot read machine.config '{shown}': {e}")))?;
        let text = crate::text::decode_text(&bytes, &format!("machine.config '{shown}'"))?;
        Self::parse(&text, &shown)
    }

    /// Parses machine.config text; `path` is only used in messages and evidence.
    pub fn parse(text: &str, path: &str) -> Result<Self, WbdError> {
        let doc = roxmltree::Document::parse(text).map_err(|e| {
            WbdError::invalid(format!(
                "machine.config '{path}' is not well-formed XML: {e}"
            ))
        })?;
        let root = doc.root_element();
        if !root.has_tag_name("configuration") {
            return Err(WbdError::invalid(format!(
                "machine.config '{path}': root element is <{}>, expected <configuration>",
                root.tag_name().name()
            )));
        }
        let mut out = MachineProxy {
            path: path.to_string(),
            section_present: false,
            enabled: true,
            use_default_credentials: false,
            proxy_address: None,
            use_system_default: None,
            bypass_on_local: false,
            bypass_list: Vec::new(),
            bypass_regexes: Vec::new(),
        };
        let Some(dp) = root
            .children()
            .filter(|n| n.has_tag_name("system.net"))
            .flat_map(|n| n.children())
            .find(|n| n.has_tag_name("defaultProxy"))
        else {
            return Ok(out);
        };
        out.section_present = true;
        out.enabled = bool_attr(dp, "enabled", path)?.unwrap_or(true);
        out.use_default_credentials =
            bool_attr(dp, "useDefaultCredentials", path)?.unwrap_or(false);
        if let Some(p) = dp.children().find(|n| n.has_tag_name("proxy")) {
            out.proxy_address = p
                .attribute("proxyaddress")
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string);
            out.use_system_default = bool_attr(p, "usesystemdefault", path)?;
            out.bypass_on_local = bool_attr(p, "bypassonlocal", path)?.unwrap_or(false);
        }
        for list in dp.children().filter(|n| n.has_tag_name("bypasslist")) {
            for add in list.children().filter(|n| n.has_tag_name("add")) {
                let Some(addr) = add
                    .attribute("address")
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                else {
                    continue;
                };
                let re = RegexBuilder::new(addr)
                    .case_insensitive(true)
                    .size_limit(1 << 20)
                    .build()
                    .map_err(|e| {
                        WbdError::invalid(format!(
                            "machine.config '{path}': bypasslist address '{addr}' is not a valid regular expression: {e}"
                        ))
                    })?;
                out.bypass_list.push(addr.to_string());
                out.bypass_regexes.push(re);
            }
        }
        Ok(out)
    }

    /// The bypass-list entry that matches `host` (as .NET does, against the host and the
    /// `https://host:port` form), if any.
    pub fn bypass_entry_for(&self, host: &str, port: u16) -> Option<&str> {
        let forms = [
            host.to_string(),
            format!("https://{host}"),
            format!("https://{host}:{port}"),
        ];
        self.bypass_regexes
            .iter()
            .zip(&self.bypass_list)
            .find(|(re, _)| forms.iter().any(|f| re.is_match(f)))
            .map(|(_, entry)| entry.as_str())
    }
}

fn bool_attr(
    node: roxmltree::Node<'_, '_>,
    name: &str,
    path: &str,
) -> Result<Option<bool>, WbdError> {
    match node.attribute(name).map(str::trim) {
        None => Ok(None),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(v) => Err(WbdError::invalid(format!(
            "machine.config '{path}': <{} {name}=\"{v}\"> must be true or false",
            node.tag_name().name()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: &str = r#"<?xml version="1.0" encoding="UTF-8" ?>
<configuration>
  <configSections><section name="x" type="y"/></configSections>
  <system.net>
    <defaultProxy enabled="true" useDefaultCredentials="true">
      <proxy usesystemdefault="true" proxyaddress="http://proxy.contoso.com:8080" bypassonlocal="true" />
      <bypasslist>
        <add address="[a-z]+\.contoso\.com$" />
        <add address="10\.1\.2\.3" />
      </bypasslist>
    </defaultProxy>
  </system.net>
</configuration>"#;

    #[test]
    fn reads_every_setting() {
        let m = MachineProxy::parse(FULL, "mc").expect("parses");
        assert!(m.section_present && m.enabled && m.use_default_credentials && m.bypass_on_local);
        assert_eq!(
            m.proxy_address.as_deref(),
            Some("http://proxy.contoso.com:8080")
        );
        assert_eq!(m.use_system_default, Some(true));
        assert_eq!(m.bypass_list.len(), 2);
        assert_eq!(
            m.bypass_entry_for("dc.contoso.com", 443),
            Some("[a-z]+\\.contoso\\.com$")
        );
        assert_eq!(
            m.bypass_entry_for("ssprdedicatedsbprodscu.servicebus.windows.net", 443),
            None
        );
    }

    #[test]
    fn absent_section_and_disabled_proxy() {
        let m = MachineProxy::parse("<configuration><system.net/></configuration>", "mc")
            .expect("parses");
        assert!(!m.section_present && m.proxy_address.is_none());
        let m = MachineProxy::parse(
            r#"<configuration><system.net><defaultProxy enabled="False"><proxy proxyaddress="http://p:1"/></defaultProxy></system.net></configuration>"#,
            "mc",
        )
        .expect("parses");
        assert!(!m.enabled);
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "<configuration><system.net>",
            "<other/>",
            r#"<configuration><system.net><defaultProxy enabled="yes"/></system.net></configuration>"#,
            r#"<configuration><system.net><defaultProxy><bypasslist><add address="(["/></bypasslist></defaultProxy></system.net></configuration>"#,
        ] {
            let e = MachineProxy::parse(bad, "mc").expect_err(bad);
            assert!(e.message.contains("machine.config 'mc'"), "{}", e.message);
        }
    }
}
