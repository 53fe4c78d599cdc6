//! Reading a `Get-ADSyncServerConfiguration -Path <folder>` export: the settings that decide
//! whether password writeback can work (writeback on the Entra connector and in the
//! metaverse's optional features, LDAP sign-and-seal and the sync scope of each AD
//! connector, the outbound user join rule).
//!
//! An export is a folder with `Connectors/Connector_{<id>}.xml` (one `<ma-data>` per
//! connector), `GlobalSettings/MV.xml` (`<saved-mv-configuration>`) and
//! `SynchronizationRules/SynchronizationRule_{<id>}.xml` (one `<synchronizationRule>` each).
//! The element names used here were read from a real export, Microsoft's Contoso sample in
//! github.com/microsoft/AADConnectConfigDocumenter `src/SolutionOutput/Data/Contoso/Production/`
//! @ d1987713be2d844208d39a55d38deee3a7effb5b, and from how that documenter reads them
//! (`ActiveDirectoryConnectorDocumenter.cs`, `AzureADConnectSyncDocumenter.cs`; read
//! 2026-12-02).
//!
//! Limits, checked before anything is parsed: at most [`MAX_FILES`] directory entries in the
//! export, at most [`MAX_FILE_BYTES`] per file and [`MAX_NODES`] XML nodes per file. DTDs are
//! refused (roxmltree's default). Every problem is `InvalidInput` naming the file.

mod connector;
mod global_settings;
mod sync_rule;

use std::io::Read;
use std::path::{Path, PathBuf};

pub use connector::{Account, AdConnector, EntraConnector, OtherConnector, Partition};
pub use global_settings::{GlobalSettings, PASSWORD_WRITEBACK};
pub use sync_rule::SyncRule;

use crate::error::WbdError;

/// Largest XML file read from an export (16 MiB). The AD connector, which carries the
/// forest's whole DSML schema, is the largest file: 1.8 MB in Microsoft's Contoso sample.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Most directory entries an export may hold, its own and its three subfolders' together.
/// Microsoft's Contoso sample has 66; a deployment with many custom rules has a few hundred.
pub const MAX_FILES: usize = 5_000;

/// Most XML nodes (elements, text, comments) one file may hold; the 1.8 MB AD connector of
/// the Contoso sample has about 100,000. Bounds the parser's memory on a pathological file.
pub const MAX_NODES: u32 = 2_000_000;

/// What an export looks like, for messages about a folder that is not one.
const WHAT_AN_EXPORT_IS: &str = "give the folder that Get-ADSyncServerConfiguration -Path <folder> wrote on the Entra Connect server: it holds a Connectors subfolder with one Connector_{<id>}.xml per connector, GlobalSettings (MV.xml) and SynchronizationRules";

/// A parsed `Get-ADSyncServerConfiguration` export.
#[derive(Debug, Clone, Default)]
pub struct ServerConfig {
    /// The export folder.
    pub folder: PathBuf,
    /// The server that wrote the export (`<saved-mv-configuration server=...>`).
    pub server: Option<String>,
    /// When the export was written, as the export states it (`export-date`, server local time).
    pub exported_at: Option<String>,
    /// Active Directory connectors, in file-name order.
    pub ad_connectors: Vec<AdConnector>,
    /// Microsoft Entra ID connectors, in file-name order.
    pub entra_connectors: Vec<EntraConnector>,
    /// Connectors of any other type.
    pub other_connectors: Vec<OtherConnector>,
    /// The metaverse's global settings; `None` when the export has no `GlobalSettings/MV.xml`.
    pub global_settings: Option<GlobalSettings>,
    /// The synchronization rules; `None` when the export has no `SynchronizationRules` folder.
    pub sync_rules: Option<Vec<SyncRule>>,
}

impl ServerConfig {
    /// The name to report server-wide results under: the exporting server, else the folder.
    pub fn target(&self) -> String {
        self.server
            .clone()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| self.folder.display().to_string())
    }

    /// The Entra connector with this id (braces and case ignored).
    pub fn entra_connector(&self, id: &str) -> Option<&EntraConnector> {
        let id = normalize_id(id);
        self.entra_connectors.iter().find(|k| k.id == id)
    }
}

/// Reads the export in `folder`.
pub fn load(folder: &Path) -> Result<ServerConfig, WbdError> {
    let shown = folder.display().to_string();
    let meta = std::fs::metadata(folder).map_err(|e| {
        WbdError::invalid(format!(
            "cannot read server configuration export '{shown}': {e}; {WHAT_AN_EXPORT_IS}"
        ))
    })?;
    if !meta.is_dir() {
        return Err(WbdError::invalid(format!(
            "server configuration export '{shown}' is not a folder; {WHAT_AN_EXPORT_IS}"
        )));
    }
    let mut budget = MAX_FILES;
    count_entries(folder, &mut budget)?;
    let connectors_dir = folder.join("Connectors");
    if !connectors_dir.is_dir() {
        return Err(WbdError::invalid(format!(
            "'{shown}' is not a server configuration export: it has no Connectors folder; {WHAT_AN_EXPORT_IS}"
        )));
    }
    let connector_files = xml_files(&connectors_dir, &mut budget)?;
    let settings_dir = folder.join("GlobalSettings");
    let settings_files = if settings_dir.is_dir() {
        xml_files(&settings_dir, &mut budget)?
    } else {
        Vec::new()
    };
    let rules_dir = folder.join("SynchronizationRules");
    let rule_files = if rules_dir.is_dir() {
        Some(xml_files(&rules_dir, &mut budget)?)
    } else {
        None
    };
    for file in connector_files
        .iter()
        .chain(&settings_files)
        .chain(rule_files.iter().flatten())
    {
        check_size(file)?;
    }

    let mut config = ServerConfig {
        folder: folder.to_path_buf(),
        ..ServerConfig::default()
    };
    for file in &connector_files {
        with_document(file, |doc| {
            connector::parse(doc, file, &mut config).map_err(|e| in_file(file, &e))
        })?;
    }
    for file in &settings_files {
        with_document(file, |doc| {
            if let Some(settings) = global_settings::parse(doc, file) {
                if config.server.is_none() {
                    config.server.clone_from(&settings.server);
                    config.exported_at.clone_from(&settings.exported_at);
                }
                match &mut config.global_settings {
                    Some(all) => all.merge(settings),
                    None => config.global_settings = Some(settings),
                }
            }
            Ok(())
        })?;
    }
    if let Some(files) = &rule_files {
        let mut rules = Vec::with_capacity(files.len());
        for file in files {
            with_document(file, |doc| {
                rules.push(sync_rule::parse(doc, file).map_err(|e| in_file(file, &e))?);
                Ok(())
            })?;
        }
        config.sync_rules = Some(rules);
    }
    Ok(config)
}

/// `{B891884F-051E-...}` and `b891884f-051e-...` both become `b891884f-051e-...`.
pub fn normalize_id(id: &str) -> String {
    id.trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .to_ascii_lowercase()
}

/// `1`/`true` and `0`/`false` (any case); anything else is unknown.
pub(crate) fn flag(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "true" => Some(true),
        "0" | "false" => Some(false),
        _ => None,
    }
}

/// Child elements of `node` along `path` (element names), the first match at each step.
pub(crate) fn child<'a, 'i>(
    node: roxmltree::Node<'a, 'i>,
    path: &[&str],
) -> Option<roxmltree::Node<'a, 'i>> {
    path.iter()
        .try_fold(node, |n, name| n.children().find(|c| c.has_tag_name(*name)))
}

/// The trimmed text of the element at `path` under `node`; `None` when absent or empty.
pub(crate) fn text(node: roxmltree::Node<'_, '_>, path: &[&str]) -> Option<String> {
    child(node, path)
        .and_then(|n| n.text())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Subtracts the entries of `dir` from `budget`, refusing the export once it is spent.
fn count_entries(dir: &Path, budget: &mut usize) -> Result<Vec<PathBuf>, WbdError> {
    let shown = dir.display();
    let entries = std::fs::read_dir(dir)
        .map_err(|e| WbdError::invalid(format!("cannot list '{shown}': {e}")))?;
    let mut paths = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| WbdError::invalid(format!("cannot list '{shown}': {e}")))?;
        if *budget == 0 {
            return Err(WbdError::invalid(format!(
                "'{shown}' holds more entries than a server configuration export has (the limit is {MAX_FILES} files in the export); {WHAT_AN_EXPORT_IS}"
            )));
        }
        *budget -= 1;
        paths.push(entry.path());
    }
    Ok(paths)
}

/// The `*.xml` files of `dir` in name order, within the entry budget.
fn xml_files(dir: &Path, budget: &mut usize) -> Result<Vec<PathBuf>, WbdError> {
    let mut files: Vec<PathBuf> = count_entries(dir, budget)?
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("xml")) && p.is_file())
        .collect();
    files.sort();
    Ok(files)
}

fn check_size(file: &Path) -> Result<(), WbdError> {
    let len = std::fs::metadata(file)
        .map_err(|e| cannot_read(file, &e))?
        .len();
    if len > MAX_FILE_BYTES {
        return Err(too_large(file, len));
    }
    Ok(())
}

fn cannot_read(file: &Path, e: &std::io::Error) -> WbdError {
    WbdError::invalid(format!(
        "cannot read server configuration file '{}': {e}",
        file.display()
    ))
}

fn too_large(file: &Path, len: u64) -> WbdError {
    WbdError::invalid(format!(
        "server configuration file '{}' is {len} bytes or more; the limit is {MAX_FILE_BYTES} bytes (16 MiB)",
        file.display()
    ))
}

fn in_file(file: &Path, e: &WbdError) -> WbdError {
    WbdError::invalid(format!(
        "server configuration file '{}': {}",
        file.display(),
        e.message
    ))
}

/// Reads `file` (UTF-8, or UTF-16 with a BOM), parses it and hands the document to `f`.
fn with_document<T>(
    file: &Path,
    f: impl FnOnce(&roxmltree::Document<'_>) -> Result<T, WbdError>,
) -> Result<T, WbdError> {
    let handle = std::fs::File::open(file).map_err(|e| cannot_read(file, &e))?;
    let mut bytes = Vec::new();
    handle
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| cannot_read(file, &e))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(file, bytes.len() as u64));
    }
    let what = format!("server configuration file '{}'", file.display());
    let text = crate::text::decode_text(&bytes, &what)?;
    drop(bytes);
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
    };
    let doc = roxmltree::Document::parse_with_options(&text, options)
        .map_err(|e| WbdError::invalid(format!("{what} is not well-formed XML: {e}")))?;
    f(&doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_flags_normalise() {
        assert_eq!(
            normalize_id(" {B891884F-051E-4A83-95AF-2544101C9083} "),
            "b891884f-051e-4a83-95af-2544101c9083"
        );
        assert_eq!(flag("1"), Some(true));
        assert_eq!(flag(" False "), Some(false));
        assert_eq!(flag("maybe"), None);
    }
}
