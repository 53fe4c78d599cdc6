//! Turning a zip entry's name into a path below the extraction folder, or refusing it.
//!
//! Names are judged as both Windows and Unix would read them, whatever this machine is:
//! `\` and `/` both separate folders, and anything either system would resolve outside
//! the folder (or to a device) is refused rather than repaired.

use std::path::{Path, PathBuf};

use crate::error::WbdError;

/// Windows device names, refused as a component with or without an extension.
const DEVICES: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "COM1", "COM2", "COM3", "COM4", "COM5",
    "COM6", "COM7", "COM8", "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8",
    "LPT9",
];

/// The checked components of an entry name, and whether it names a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryPath {
    /// Folder names and the file name, in order; never empty.
    pub components: Vec<String>,
    /// True for a folder entry (a name ending in a separator).
    pub is_dir: bool,
}

impl EntryPath {
    /// The path below `root`.
    pub fn under(&self, root: &Path) -> PathBuf {
        let mut p = root.to_path_buf();
        p.extend(&self.components);
        p
    }

    /// The name with `/` separators, for messages and lookups.
    pub fn display(&self) -> String {
        self.components.join("/")
    }
}

/// Checks one entry name; `Err` says why it is refused.
pub fn check(name: &str) -> Result<EntryPath, WbdError> {
    let refuse = |why: &str| WbdError::invalid(format!("bundle entry '{}' {why}", shown(name)));
    if name.is_empty() {
        return Err(refuse("has an empty name"));
    }
    if name.contains('\0') {
        return Err(refuse("has a NUL character in its name"));
    }
    if name.starts_with(['/', '\\']) {
        return Err(refuse("is an absolute path"));
    }
    let bytes = name.as_bytes();
    if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        return Err(refuse("has a drive letter"));
    }
    if name.contains(':') {
        return Err(refuse(
            "has a colon in its name (a drive or an alternate data stream on Windows)",
        ));
    }
    let is_dir = name.ends_with(['/', '\\']);
    let mut components = Vec::new();
    for part in name.split(['/', '\\']) {
        match part {
            "" | "." => continue,
            ".." => return Err(refuse("has a '..' component")),
            _ if part.trim_end_matches(['.', ' ']).is_empty() => {
                return Err(refuse(
                    "has a component of only dots and spaces, which Windows reads as '..' or '.'",
                ))
            }
            _ if is_device(part) => return Err(refuse("names a Windows device")),
            _ if part.chars().any(char::is_control) => {
                return Err(refuse("has a control character in its name"))
            }
            _ => components.push(part.to_string()),
        }
    }
    if components.is_empty() {
        return Err(refuse("names no file"));
    }
    Ok(EntryPath { components, is_dir })
}

fn is_device(part: &str) -> bool {
    let stem = part.split('.').next().unwrap_or(part).trim_end_matches(' ');
    DEVICES.iter().any(|d| d.eq_ignore_ascii_case(stem))
}

/// The name as it may be shown: control characters escaped, at most 200 characters.
pub fn shown(name: &str) -> String {
    let escaped: String = name.chars().flat_map(char::escape_debug).collect();
    if escaped.chars().count() > 200 {
        let mut s: String = escaped.chars().take(197).collect();
        s.push_str("...");
        s
    } else {
        escaped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_both_separators_and_folders() {
        let p = check("server-config\\Connectors\\c.xml").expect("ok");
        assert_eq!(p.components, ["server-config", "Connectors", "c.xml"]);
        assert!(!p.is_dir);
        assert_eq!(check("a/./b").expect("ok").display(), "a/b");
        let d = check("server-config/").expect("ok");
        assert!(d.is_dir);
        assert_eq!(d.under(Path::new("/r")), PathBuf::from("/r/server-config"));
        assert!(check("manifest.json").is_ok());
        assert!(check("a..b/c.").is_ok());
    }

    #[test]
    fn refuses_every_way_out() {
        for (name, why) in [
            ("", "empty"),
            ("../evil", "'..'"),
            ("a/../../evil", "'..'"),
            ("a\\..\\evil", "'..'"),
            ("/abs", "absolute"),
            ("\\abs", "absolute"),
            ("\\\\server\\share\\x", "absolute"),
            ("C:\\x", "drive letter"),
            ("c:x", "drive letter"),
            ("a/b:stream", "colon"),
            ("a/.. /x", "dots and spaces"),
            ("a/.../x", "dots and spaces"),
            ("NUL", "device"),
            ("a/con.txt", "device"),
            ("a\0b", "NUL"),
            ("a/\u{1b}[2J", "control"),
            ("./", "names no file"),
        ] {
            let e = check(name).expect_err(name);
            assert!(e.message.contains(why), "{name:?}: {}", e.message);
        }
    }

    #[test]
    fn long_or_odd_names_are_shown_safely() {
        assert_eq!(shown("a\nb"), "a\\nb");
        assert_eq!(shown(&"x".repeat(500)).chars().count(), 200);
    }
}
