//! The environment snapshot `Get-WritebackEnvironment` collects, decoded leniently from
//! what Windows PowerShell 5.1 and PowerShell 7 `ConvertTo-Json` write.
//!
//! Layout (documented in `docs/snapshot.md`, schema in
//! `schema/writeback-environment.schema.json`):
//!
//! ```text
//! {"SchemaVersion": 1, "CollectedAt": ..., "ComputerName": ...,
//!  "Tenant": {...}, "Connect": {...}, "ActiveDirectory": {...}, "Live": {...}?}
//! ```
//!
//! Each section carries `"Status": "Collected" | "Unavailable"` and a `Reason`. Values
//! are accepted in both shells' encodings (see [`values`]); a value of the wrong shape
//! is an `InvalidInput` error naming its JSON path.

pub mod connect;
pub mod directory;
pub mod live;
pub mod load;
pub mod node;
pub mod permissions;
pub mod section;
pub mod targets;
pub mod tenant;
pub mod values;

use std::path::Path;

use serde_json::Value;

pub use connect::Connect;
pub use directory::ActiveDirectory;
pub use live::Live;
pub use node::Node;
pub use section::{Notes, Section};
pub use tenant::Tenant;
pub use values::Timestamp;

use crate::error::WbdError;

/// The layout version this engine understands.
pub const SCHEMA_VERSION: u64 = 1;

/// A decoded environment snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// `SchemaVersion`.
    pub schema_version: u64,
    /// `CollectedAt`: when the collector ran.
    pub collected_at: Option<Timestamp>,
    /// `ComputerName`: the Connect server.
    pub computer_name: Option<String>,
    /// `Tenant`: Microsoft Graph facts.
    pub tenant: Section<Tenant>,
    /// `Connect`: the Entra Connect server.
    pub connect: Section<Connect>,
    /// `ActiveDirectory`: forests, domains and AD connectors.
    pub active_directory: Section<ActiveDirectory>,
    /// `Live`: probes made by a live run; absent in saved snapshots.
    pub live: Option<Live>,
    /// `UserTargets`: the users `Test-WritebackUser -Identity` looked up.
    pub user_targets: Vec<targets::UserTarget>,
}

fn schema_version(n: &Node) -> Result<u64, WbdError> {
    let text = n
        .text()
        .map_err(|_| n.mismatch("a version number such as 1"))?;
    let major = text.trim().split('.').next().unwrap_or_default();
    let v: u64 = major
        .parse()
        .map_err(|_| n.mismatch("a version number such as 1"))?;
    if v == 0 || v > SCHEMA_VERSION {
        return Err(n.invalid(&format!(
            "schema version {v} is not supported; this engine reads version {SCHEMA_VERSION} (update WritebackDiagnostics)"
        )));
    }
    Ok(v)
}

/// Decodes a parsed snapshot document.
pub fn decode(value: &Value) -> Result<Snapshot, WbdError> {
    let root = Node::root(value);
    // `@(Get-WritebackEnvironment) | ConvertTo-Json` wraps the object in an array of one.
    let root = match value {
        Value::Array(a) if a.len() == 1 => root.items().into_iter().next().unwrap_or(root),
        _ => root,
    };
    root.object()?;
    let version = root.get("SchemaVersion").ok_or_else(|| {
        WbdError::invalid("SchemaVersion: missing (is this a Get-WritebackEnvironment snapshot?)")
    })?;
    Ok(Snapshot {
        schema_version: schema_version(&version)?,
        collected_at: root.opt("CollectedAt", Timestamp::decode)?,
        computer_name: root.opt_text("ComputerName")?,
        tenant: Section::decode(root.get("Tenant"), "Tenant", tenant::decode)?,
        connect: Section::decode(root.get("Connect"), "Connect", connect::decode)?,
        active_directory: Section::decode(
            root.get("ActiveDirectory"),
            "ActiveDirectory",
            directory::decode,
        )?,
        live: root.opt("Live", live::decode)?,
        user_targets: root
            .opt("UserTargets", targets::decode)?
            .unwrap_or_default(),
    })
}

/// Reads, parses and decodes a snapshot file.
pub fn load_file(path: &Path) -> Result<Snapshot, WbdError> {
    decode(&load::read_file(path)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn minimal_snapshot_has_every_section_unavailable() {
        let s = decode(&json!({"SchemaVersion": 1})).expect("decodes");
        assert_eq!(s.schema_version, 1);
        assert!(matches!(s.tenant, Section::Unavailable { .. }));
        assert!(matches!(s.connect, Section::Unavailable { .. }));
        assert!(s.live.is_none());
    }

    #[test]
    fn schema_version_is_checked() {
        for (doc, needle) in [
            (json!({}), "SchemaVersion: missing"),
            (
                json!({"SchemaVersion": "x"}),
                "SchemaVersion: expected a version",
            ),
            (json!({"SchemaVersion": 2}), "not supported"),
            (json!([1, 2]), "(snapshot): expected an object"),
        ] {
            let e = decode(&doc).expect_err("rejected");
            assert!(e.message.contains(needle), "{doc}: {}", e.message);
        }
        assert!(decode(&json!({"SchemaVersion": "1.0"})).is_ok());
        assert!(decode(&json!([{"SchemaVersion": 1}])).is_ok());
    }

    #[test]
    fn wrong_types_name_their_path() {
        let cases = [
            (
                json!({"SchemaVersion": 1, "Connect": {"DotNetRelease": "abc"}}),
                r#"Connect.DotNetRelease: expected a number, found "abc""#,
            ),
            (
                json!({"SchemaVersion": 1, "Connect": {"Scheduler": {"SchedulerSuspended": "perhaps"}}}),
                "Connect.Scheduler.SchedulerSuspended: expected true or false",
            ),
            (
                json!({"SchemaVersion": 1, "ActiveDirectory": {"Forests": [{"Forest": {"Name": "f"},
                    "Domains": [{"Domain": {"DNSRoot": "d"}, "PasswordPolicy": {"MinPasswordAge": 7}}]}]}}),
                "ActiveDirectory.Forests[0].Domains[0].PasswordPolicy.MinPasswordAge: expected a TimeSpan",
            ),
            (
                json!({"SchemaVersion": 1, "Tenant": {"SubscribedSkus": [{"skuId": "a", "consumedUnits": "many"}]}}),
                "Tenant.SubscribedSkus[0].consumedUnits: expected a number",
            ),
            (
                json!({"SchemaVersion": 1, "CollectedAt": "last week"}),
                "CollectedAt: expected a date",
            ),
        ];
        for (doc, needle) in cases {
            let e = decode(&doc).expect_err("rejected");
            assert_eq!(e.code, crate::error::ErrorCode::InvalidInput);
            assert!(e.message.starts_with(needle), "{}", e.message);
        }
    }
}
