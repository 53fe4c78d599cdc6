//! Support bundles: one zip a Connect server's admin sends, holding everything the
//! offline suites read.
//!
//! A bundle is a zip as Windows' `Compress-Archive` writes it (deflate or stored entries;
//! entry names may separate folders with `\` or `/`). Its layout:
//!
//! | Entry | What it holds |
//! |---|---|
//! | `manifest.json` | `{"Tool": "WritebackDiagnostics", "Version", "CreatedAt", "ComputerName", "Items": [...]}`, see [`manifest`] |
//! | `environment.json` | a `Get-WritebackEnvironment \| ConvertTo-Json -Depth 20` snapshot |
//! | `events.json` | `Get-WinEvent` JSON, as the `events` command reads it |
//! | `server-config/` | a `Get-ADSyncServerConfiguration -Path` export folder |
//! | `connectivity.json` | a saved connectivity report, bare or in its `{"Ok": true, "Report": ...}` envelope |
//!
//! When the zip holds one top-level folder with a `manifest.json` in it (what
//! `Compress-Archive -Path C:\bundle` writes), that folder is the bundle.
//!
//! [`open`] extracts the bundle into a fresh folder under the system's temporary folder
//! (or a given one) and removes it again when the [`Bundle`] is dropped, which happens on
//! success, on error and on cancellation alike. Nothing is written outside that folder.
//! Everything below is refused with `InvalidInput` naming the problem:
//!
//! - a file larger than [`MAX_BUNDLE_BYTES`] (1 GiB), checked before it is opened, or one
//!   that is not a zip;
//! - more than [`MAX_ENTRIES`] (10,000) entries;
//! - an entry name that is absolute (`/x`, `\x`, `\\server\share`), has a drive letter or
//!   any other colon (`C:\x`, `C:x`, `a:stream`), has a `..` component (or one Windows
//!   would turn into `..`, such as `.. ` or `...`), a NUL, or a Windows device name
//!   (`CON`, `NUL`, `COM1`, ...); or that would resolve outside the folder;
//! - symbolic links (Unix mode or a Windows reparse point), encrypted entries, and
//!   compression methods other than stored and deflate;
//! - an entry that inflates to more than [`MAX_ENTRY_BYTES`] (256 MiB), entries that
//!   inflate to more than [`MAX_TOTAL_BYTES`] (512 MiB) together, or an entry larger than
//!   [`RATIO_FLOOR_BYTES`] (1 MiB) that inflates to more than [`MAX_RATIO`] (200) times its
//!   compressed size (a zip bomb). Sizes are counted on the bytes actually inflated, while
//!   streaming; the sizes the headers claim are not trusted;
//! - the same name twice, and a bundle without `manifest.json`.

pub mod extract;
pub mod manifest;
pub mod names;
pub mod saved;
pub mod scratch;

use std::path::{Path, PathBuf};

use crate::control::Control;
use crate::error::WbdError;

pub use manifest::{Item, ItemStatus, Manifest};

/// Largest bundle file accepted (1 GiB), checked before the file is opened.
pub const MAX_BUNDLE_BYTES: u64 = 1024 * 1024 * 1024;
/// Most entries (files and folders) a bundle may hold.
pub const MAX_ENTRIES: usize = 10_000;
/// Largest total of inflated bytes over all entries (512 MiB).
pub const MAX_TOTAL_BYTES: u64 = 512 * 1024 * 1024;
/// Largest inflated size of one entry (256 MiB).
pub const MAX_ENTRY_BYTES: u64 = 256 * 1024 * 1024;
/// Largest inflated-to-compressed ratio of an entry above [`RATIO_FLOOR_BYTES`].
pub const MAX_RATIO: u64 = 200;
/// Entries up to this inflated size (1 MiB) may compress better than [`MAX_RATIO`].
pub const RATIO_FLOOR_BYTES: u64 = 1024 * 1024;

/// The snapshot entry.
pub const ENVIRONMENT: &str = "environment.json";
/// The event-log entry.
pub const EVENTS: &str = "events.json";
/// The configuration export folder.
pub const SERVER_CONFIG: &str = "server-config";
/// The saved connectivity report.
pub const CONNECTIVITY: &str = "connectivity.json";
/// The manifest entry.
pub const MANIFEST: &str = "manifest.json";

/// An extracted bundle; its folder is removed when this is dropped.
#[derive(Debug)]
pub struct Bundle {
    folder: scratch::Scratch,
    root: PathBuf,
    /// The bundle's manifest.
    pub manifest: Manifest,
}

impl Bundle {
    /// The folder the bundle's files are in (the extraction folder, or the one top-level
    /// folder holding the manifest).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The temporary extraction folder (removed on drop).
    pub fn extraction_folder(&self) -> &Path {
        self.folder.path()
    }

    /// The path of `name` in the bundle when it is there (a file, or a folder for
    /// [`SERVER_CONFIG`]).
    pub fn existing(&self, name: &str) -> Option<PathBuf> {
        let path = self.root.join(name);
        let wanted_dir = name == SERVER_CONFIG;
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.is_dir() == wanted_dir && !m.file_type().is_symlink() => Some(path),
            _ => None,
        }
    }
}

/// Extracts the bundle at `path` into a fresh folder under `temp_root` (default: the
/// system's temporary folder) and reads its manifest. `on_progress` gets 0..=100.
pub fn open(
    path: &Path,
    temp_root: Option<&Path>,
    control: &Control,
    on_progress: &mut dyn FnMut(u8),
) -> Result<Bundle, WbdError> {
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path)
        .map_err(|e| WbdError::invalid(format!("cannot read bundle '{shown}': {e}")))?;
    if !meta.is_file() {
        return Err(WbdError::invalid(format!("bundle '{shown}' is not a file")));
    }
    if meta.len() > MAX_BUNDLE_BYTES {
        return Err(WbdError::invalid(format!(
            "bundle '{shown}' is {} bytes; the limit is {MAX_BUNDLE_BYTES} bytes (1 GiB)",
            meta.len()
        )));
    }
    let folder = scratch::Scratch::create(temp_root)?;
    extract::extract(path, folder.path(), control, on_progress)?;
    let root = bundle_root(folder.path()).ok_or_else(|| {
        WbdError::invalid(format!(
            "bundle '{shown}' has no {MANIFEST}; it is not a WritebackDiagnostics support bundle"
        ))
    })?;
    let manifest = manifest::read(&root.join(MANIFEST))?;
    Ok(Bundle {
        folder,
        root,
        manifest,
    })
}

/// The folder holding `manifest.json`: the extraction folder, or its one sub-folder.
fn bundle_root(folder: &Path) -> Option<PathBuf> {
    if folder.join(MANIFEST).is_file() {
        return Some(folder.to_path_buf());
    }
    let mut entries = std::fs::read_dir(folder).ok()?;
    let only = entries.next()?.ok()?;
    if entries.next().is_some() {
        return None;
    }
    let dir = only.path();
    (only.file_type().ok()?.is_dir() && dir.join(MANIFEST).is_file()).then_some(dir)
}
