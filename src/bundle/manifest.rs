//! `manifest.json`: what the collector put into the bundle, and why anything is missing.
//!
//! ```json
//! {
//!   "Tool": "WritebackDiagnostics", "Version": "0.1.0",
//!   "CreatedAt": "2026-11-25T09:30:00Z", "ComputerName": "SYNC01",
//!   "Items": [
//!     {"Name": "environment", "Path": "environment.json", "Status": "Collected", "Reason": null},
//!     {"Name": "events", "Path": "events.json", "Status": "Collected", "Reason": null},
//!     {"Name": "server-config", "Path": "server-config/", "Status": "Unavailable",
//!      "Reason": "The ADSync module is not installed"},
//!     {"Name": "connectivity", "Path": "connectivity.json", "Status": "Collected", "Reason": null}
//!   ]
//! }
//! ```
//!
//! `CreatedAt` is required (ISO 8601, or Windows PowerShell 5.1's `\/Date(ms)\/`): the
//! event log's heartbeat age is measured against it. Each item's `Path` must be the one
//! the layout gives its `Name` (either separator; the folder's trailing one optional).
//! Items with other names are ignored, so a newer collector may add some. Properties
//! match without regard to case, and unknown ones are ignored.

use std::io::Read;
use std::path::Path;

use serde_json::Value;

use super::{CONNECTIVITY, ENVIRONMENT, EVENTS, SERVER_CONFIG};
use crate::error::WbdError;
use crate::snapshot::{Node, Timestamp};

/// Largest manifest read (1 MiB).
const MAX_MANIFEST_BYTES: u64 = 1024 * 1024;

/// Whether the collector got an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemStatus {
    /// The item's file is in the bundle.
    Collected,
    /// The collector could not get it; `Reason` says why.
    Unavailable,
}

/// One item of the manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// `environment`, `events`, `server-config` or `connectivity`.
    pub name: String,
    /// Collected or not.
    pub status: ItemStatus,
    /// Why it is unavailable.
    pub reason: Option<String>,
}

/// The parsed manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// The collector's version.
    pub version: Option<String>,
    /// When the bundle was made.
    pub created_at: Timestamp,
    /// The Connect server it was made on.
    pub computer_name: Option<String>,
    /// The known items, in manifest order.
    pub items: Vec<Item>,
}

impl Manifest {
    /// The item called `name`, when the manifest lists it.
    pub fn item(&self, name: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.name == name)
    }
}

/// The item names the layout knows, with their paths.
pub const LAYOUT: [(&str, &str); 4] = [
    ("environment", ENVIRONMENT),
    ("events", EVENTS),
    ("server-config", SERVER_CONFIG),
    ("connectivity", CONNECTIVITY),
];

/// Reads and checks the manifest file.
pub fn read(path: &Path) -> Result<Manifest, WbdError> {
    let cannot = |e: std::io::Error| WbdError::invalid(format!("cannot read manifest.json: {e}"));
    let file = std::fs::File::open(path).map_err(cannot)?;
    let mut bytes = Vec::new();
    file.take(MAX_MANIFEST_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_MANIFEST_BYTES {
        return Err(WbdError::invalid(format!(
            "manifest.json is larger than {MAX_MANIFEST_BYTES} bytes"
        )));
    }
    let text = crate::text::decode_text(&bytes, "manifest.json")?;
    let value = crate::snapshot::load::parse_json(&text, "manifest.json")?;
    parse(&value)
}

/// Checks a parsed manifest.
pub fn parse(value: &Value) -> Result<Manifest, WbdError> {
    let root = Node::at(value, "manifest.json");
    if !value.is_object() {
        return Err(WbdError::invalid("manifest.json is not a JSON object"));
    }
    let tool = root.opt_text("Tool")?;
    if let Some(t) = tool.as_deref().filter(|t| *t != "WritebackDiagnostics") {
        return Err(WbdError::invalid(format!(
            "manifest.json was written by '{t}', not by WritebackDiagnostics"
        )));
    }
    let created = root.get("CreatedAt").ok_or_else(|| {
        WbdError::invalid("manifest.json has no CreatedAt (when the bundle was made)")
    })?;
    let created_at = Timestamp::decode(&created)?;
    let mut items = Vec::new();
    if let Some(list) = root.get("Items") {
        for (i, item) in list.items().iter().enumerate() {
            if let Some(parsed) = parse_item(item, i)? {
                if items.iter().any(|x: &Item| x.name == parsed.name) {
                    return Err(WbdError::invalid(format!(
                        "manifest.json lists the item '{}' twice",
                        parsed.name
                    )));
                }
                items.push(parsed);
            }
        }
    }
    Ok(Manifest {
        version: root.opt_text("Version")?,
        created_at,
        computer_name: root.opt_text("ComputerName")?,
        items,
    })
}

fn parse_item(item: &Node, i: usize) -> Result<Option<Item>, WbdError> {
    let name = item
        .opt_text("Name")?
        .ok_or_else(|| WbdError::invalid(format!("manifest.json: Items[{i}] has no Name")))?;
    let Some((known, layout_path)) = LAYOUT.iter().find(|(n, _)| n.eq_ignore_ascii_case(&name))
    else {
        return Ok(None);
    };
    let name = known.to_string();
    if let Some(path) = item.opt_text("Path")? {
        let normal = path.replace('\\', "/");
        let normal = normal.trim_start_matches("./").trim_end_matches('/');
        if !normal.eq_ignore_ascii_case(layout_path) {
            return Err(WbdError::invalid(format!(
                "manifest.json: item '{name}' has Path '{}'; a bundle keeps it at '{layout_path}'",
                super::names::shown(&path)
            )));
        }
    }
    let status = match item.opt_text("Status")?.as_deref() {
        None => ItemStatus::Collected,
        Some(s) if s.eq_ignore_ascii_case("Collected") => ItemStatus::Collected,
        Some(s) if s.eq_ignore_ascii_case("Unavailable") => ItemStatus::Unavailable,
        Some(other) => {
            return Err(WbdError::invalid(format!(
                "manifest.json: item '{name}' has Status '{}'; expected Collected or Unavailable",
                super::names::shown(other)
            )))
        }
    };
    Ok(Some(Item {
        name,
        status,
        reason: item.opt_text("Reason")?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn manifest(items: Value) -> Value {
        json!({"Tool": "WritebackDiagnostics", "Version": "0.1.0",
               "CreatedAt": "2026-11-25T09:30:00Z", "ComputerName": "SYNC01", "Items": items})
    }

    #[test]
    fn reads_items_in_either_flavour() {
        let m = parse(&manifest(json!([
            {"Name": "environment", "Path": "environment.json", "Status": "Collected", "Reason": null},
            {"name": "Server-Config", "path": "server-config\\", "status": "Unavailable",
             "reason": "The ADSync module is not installed"},
            {"Name": "future-thing", "Path": "x.json", "Status": "Collected"}
        ])))
        .expect("valid");
        assert_eq!(m.created_at.to_string(), "2026-11-25T09:30:00Z");
        assert_eq!(m.computer_name.as_deref(), Some("SYNC01"));
        assert_eq!(m.items.len(), 2);
        let sc = m.item("server-config").expect("listed");
        assert_eq!(sc.status, ItemStatus::Unavailable);
        assert_eq!(
            sc.reason.as_deref(),
            Some("The ADSync module is not installed")
        );
        let ps51 = parse(&json!({"CreatedAt": "/Date(1795599000000)/",
            "Items": {"Name": "events", "Path": "events.json", "Status": "Collected"}}))
        .expect("5.1 shapes");
        assert_eq!(ps51.items.len(), 1);
    }

    #[test]
    fn refuses_what_it_cannot_trust() {
        for (value, needle) in [
            (json!([]), "not a JSON object"),
            (
                json!({"Tool": "Other", "CreatedAt": "2026-11-25T09:30:00Z"}),
                "not by WritebackDiagnostics",
            ),
            (json!({"Tool": "WritebackDiagnostics"}), "no CreatedAt"),
            (json!({"CreatedAt": "soon"}), "CreatedAt"),
            (manifest(json!([{"Path": "x"}])), "has no Name"),
            (
                manifest(json!([{"Name": "events", "Path": "../events.json"}])),
                "keeps it at",
            ),
            (
                manifest(json!([{"Name": "events", "Status": "Maybe"}])),
                "Collected or Unavailable",
            ),
            (
                manifest(json!([{"Name": "events"}, {"Name": "EVENTS"}])),
                "twice",
            ),
        ] {
            let e = parse(&value).expect_err(needle);
            assert!(e.message.contains(needle), "{value}: {}", e.message);
        }
    }
}
