//! `SynchronizationRules/SynchronizationRule_{<id>}.xml`: one `<synchronizationRule>` each,
//! with `<name>`, `<immutable-tag>` (for Microsoft's standard rules, for example
//! `Microsoft.OuttoAADUserJoin.006`), `<direction>` (`Inbound`/`Outbound`), `<disabled>`
//! (`True`/`False`), `<connector>` (the connector id), `<sourceObjectType>`,
//! `<targetObjectType>`, `<precedence>` and `<EnablePasswordSync>` (`true`/`false`)
//! (Microsoft's Contoso sample export, read 2026-12-02).

use std::path::Path;

use super::{flag, normalize_id, text};
use crate::error::WbdError;

/// One synchronization rule.
#[derive(Debug, Clone, Default)]
pub struct SyncRule {
    /// The rule id, lower case without braces.
    pub id: String,
    /// The rule name, for example `Out to AAD - User Join`.
    pub name: String,
    /// The immutable tag of a standard rule.
    pub immutable_tag: Option<String>,
    /// `Inbound` or `Outbound`, as written.
    pub direction: String,
    /// Whether the rule is disabled.
    pub disabled: bool,
    /// The connector the rule belongs to (id, lower case without braces).
    pub connector: String,
    /// The object type on the source side (`person` in the metaverse for outbound rules).
    pub source_object_type: Option<String>,
    /// The object type on the target side.
    pub target_object_type: Option<String>,
    /// Precedence (lower runs first).
    pub precedence: Option<u32>,
    /// "Enable Password Sync" of the rule.
    pub enable_password_sync: bool,
    /// The file it was read from.
    pub file: String,
}

impl SyncRule {
    /// Whether the rule flows out of the metaverse.
    pub fn is_outbound(&self) -> bool {
        self.direction.eq_ignore_ascii_case("Outbound")
    }
}

/// Parses one rule file.
pub(super) fn parse(doc: &roxmltree::Document<'_>, file: &Path) -> Result<SyncRule, WbdError> {
    let root = doc.root_element();
    if !root.has_tag_name("synchronizationRule") {
        return Err(WbdError::invalid(format!(
            "root element is <{}>, expected <synchronizationRule>",
            root.tag_name().name()
        )));
    }
    let name = text(root, &["name"])
        .ok_or_else(|| WbdError::invalid("the synchronization rule has no <name>"))?;
    Ok(SyncRule {
        id: text(root, &["id"])
            .map(|s| normalize_id(&s))
            .unwrap_or_default(),
        name,
        immutable_tag: text(root, &["immutable-tag"]),
        direction: text(root, &["direction"]).unwrap_or_default(),
        disabled: text(root, &["disabled"]).and_then(|s| flag(&s)) == Some(true),
        connector: text(root, &["connector"])
            .map(|s| normalize_id(&s))
            .unwrap_or_default(),
        source_object_type: text(root, &["sourceObjectType"]),
        target_object_type: text(root, &["targetObjectType"]),
        precedence: text(root, &["precedence"]).and_then(|s| s.parse().ok()),
        enable_password_sync: text(root, &["EnablePasswordSync"]).and_then(|s| flag(&s))
            == Some(true),
        file: file
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default(),
    })
}
