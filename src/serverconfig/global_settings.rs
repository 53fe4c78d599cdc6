//! `GlobalSettings/MV.xml`: `<saved-mv-configuration server=... export-date=...>` with the
//! metaverse's global parameters in `mv-data/parameter-values/parameter[@name]`, among them
//! `Microsoft.OptionalFeature.PasswordWriteback` (`True`/`False`), the wizard's record of the
//! password writeback optional feature (Microsoft's Contoso sample export, read 2026-12-02).

use std::collections::BTreeMap;
use std::path::Path;

use super::{child, flag};

/// The optional-feature parameter of password writeback.
pub const PASSWORD_WRITEBACK: &str = "Microsoft.OptionalFeature.PasswordWriteback";

/// The metaverse's global parameters.
#[derive(Debug, Clone, Default)]
pub struct GlobalSettings {
    /// The file(s) they were read from.
    pub files: Vec<String>,
    /// The server that wrote the export.
    pub server: Option<String>,
    /// When the export was written, as stated in the file.
    pub exported_at: Option<String>,
    /// Every parameter, by name; an empty element gives an empty value.
    pub parameters: BTreeMap<String, String>,
}

impl GlobalSettings {
    /// The value of parameter `name`.
    pub fn parameter(&self, name: &str) -> Option<&str> {
        self.parameters.get(name).map(String::as_str)
    }

    /// `Microsoft.OptionalFeature.PasswordWriteback`; `None` when absent or not a Boolean.
    pub fn password_writeback(&self) -> Option<bool> {
        self.parameter(PASSWORD_WRITEBACK).and_then(flag)
    }

    /// Adds the parameters of another GlobalSettings file (the first value of a name wins).
    pub(super) fn merge(&mut self, other: GlobalSettings) {
        self.files.extend(other.files);
        for (k, v) in other.parameters {
            self.parameters.entry(k).or_insert(v);
        }
    }
}

/// Reads a GlobalSettings file; `None` for a file whose root is not
/// `<saved-mv-configuration>` (ignored, so that a later Connect version's extra files do not
/// stop the checks).
pub(super) fn parse(doc: &roxmltree::Document<'_>, file: &Path) -> Option<GlobalSettings> {
    let root = doc.root_element();
    if !root.has_tag_name("saved-mv-configuration") {
        return None;
    }
    let attr = |name: &str| {
        root.attribute(name)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let parameters = child(root, &["mv-data", "parameter-values"])
        .map(|values| {
            values
                .children()
                .filter(|n| n.has_tag_name("parameter"))
                .filter_map(|n| {
                    let name = n.attribute("name")?.trim();
                    (!name.is_empty()).then(|| {
                        (
                            name.to_string(),
                            n.text().map(str::trim).unwrap_or_default().to_string(),
                        )
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Some(GlobalSettings {
        files: vec![file
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default()],
        server: attr("server"),
        exported_at: attr("export-date"),
        parameters,
    })
}
