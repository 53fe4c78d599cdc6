//! A snapshot section: collected (with notes on the items that could not be read) or
//! unavailable with the collector's reason.

use std::collections::BTreeMap;

use super::node::Node;
use crate::error::WbdError;

/// Per-item collection failures a collected section reports in its `Errors` object,
/// keyed by the field name (`{"Scheduler": "Get-ADSyncScheduler: access denied"}`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Notes {
    /// Path of the section, for messages (`Connect`).
    pub path: String,
    /// Field name → reason it was not collected.
    pub errors: BTreeMap<String, String>,
}

impl Notes {
    /// The collector's recorded reason for `field` (matched ignoring case), if any.
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(field))
            .map(|(_, reason)| reason.as_str())
    }

    /// Why `field` is missing: the collector's recorded reason, or "not in the snapshot".
    pub fn why_missing(&self, field: &str) -> String {
        let full = format!("{}.{}", self.path, field);
        match self
            .errors
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(field))
        {
            Some((_, reason)) => format!("{full} was not collected: {reason}"),
            None => format!("the snapshot has no {full}"),
        }
    }
}

/// A section (or a per-forest / per-domain entry) and whether its facts were collected.
#[derive(Debug, Clone, PartialEq)]
pub enum Section<T> {
    /// The collector read the section; `notes` lists items it could not read.
    Collected {
        /// The decoded facts.
        data: T,
        /// Items the collector could not read.
        notes: Notes,
    },
    /// The collector could not read the section (no module, no Graph context, no rights).
    Unavailable {
        /// The collector's reason, shown in every Skipped result of the section.
        reason: String,
    },
}

impl<T> Section<T> {
    /// The data, when collected.
    pub fn data(&self) -> Option<&T> {
        match self {
            Section::Collected { data, .. } => Some(data),
            Section::Unavailable { .. } => None,
        }
    }

    /// The data and its notes, or the reason the section is unavailable.
    pub fn get(&self) -> Result<(&T, &Notes), &str> {
        match self {
            Section::Collected { data, notes } => Ok((data, notes)),
            Section::Unavailable { reason } => Err(reason),
        }
    }

    /// Decodes a section. An absent node is Unavailable ("the snapshot has no X");
    /// `Status` absent means Collected; `Status: "Unavailable"` takes `Reason`.
    pub fn decode(
        node: Option<Node>,
        path: &str,
        f: impl Fn(&Node) -> Result<T, WbdError>,
    ) -> Result<Self, WbdError> {
        let Some(node) = node else {
            return Ok(Section::Unavailable {
                reason: format!("the snapshot has no {path} section"),
            });
        };
        node.object()?;
        let status = node.opt_text("Status")?;
        let reason = node.opt_text("Reason")?;
        match status.as_deref().map(str::trim) {
            None => {}
            Some(s) if s.eq_ignore_ascii_case("Collected") => {}
            Some(s) if s.eq_ignore_ascii_case("Unavailable") => {
                let reason = reason
                    .filter(|r| !r.trim().is_empty())
                    .unwrap_or_else(|| "the collector gave no reason".into());
                return Ok(Section::Unavailable { reason });
            }
            Some(_) => {
                return Err(node
                    .get("Status")
                    .map(|n| n.mismatch("\"Collected\" or \"Unavailable\""))
                    .unwrap_or_else(|| node.invalid("bad Status")))
            }
        }
        let mut notes = Notes {
            path: path.to_string(),
            errors: BTreeMap::new(),
        };
        if let Some(errors) = node.get("Errors") {
            let map = errors.object()?;
            for key in map.keys() {
                if let Some(v) = errors.get(key) {
                    notes.errors.insert(key.clone(), v.text()?);
                }
            }
        }
        Ok(Section::Collected {
            data: f(&node)?,
            notes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn decode(v: serde_json::Value) -> Result<Section<i64>, WbdError> {
        let root = json!({ "S": v });
        Section::decode(Node::root(&root).get("S"), "S", |n| {
            n.opt_int("X").map(|x| x.unwrap_or(0))
        })
    }

    #[test]
    fn statuses() {
        assert!(matches!(
            decode(json!({"Status": "Collected", "X": 3})),
            Ok(Section::Collected { data: 3, .. })
        ));
        assert!(matches!(
            decode(json!({"X": 3})),
            Ok(Section::Collected { data: 3, .. })
        ));
        match decode(json!({"Status": "Unavailable", "Reason": "no ADSync module"})) {
            Ok(Section::Unavailable { reason }) => assert_eq!(reason, "no ADSync module"),
            other => panic!("{other:?}"),
        }
        let e = decode(json!({"Status": "Maybe"})).expect_err("bad status");
        assert!(e.message.starts_with("S.Status: expected"), "{}", e.message);
        let e = decode(json!([1])).expect_err("not an object");
        assert!(
            e.message.starts_with("S: expected an object"),
            "{}",
            e.message
        );
    }

    #[test]
    fn notes_explain_missing_items() {
        let s = decode(json!({"Errors": {"Scheduler": "access denied"}})).expect("ok");
        let (_, notes) = s.get().expect("collected");
        assert_eq!(
            notes.why_missing("Scheduler"),
            "S.Scheduler was not collected: access denied"
        );
        assert_eq!(
            notes.why_missing("Service"),
            "the snapshot has no S.Service"
        );
    }
}
