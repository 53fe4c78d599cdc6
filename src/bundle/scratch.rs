//! A fresh, private temporary folder that is removed when dropped.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{ErrorCode, WbdError};

/// Distinguishes folders created by one process.
static NEXT: AtomicU64 = AtomicU64::new(0);

/// How many names to try before giving up (another process holding each one).
const ATTEMPTS: u32 = 16;

/// Prefix of every extraction folder's name.
pub const PREFIX: &str = "wbdiag-bundle-";

/// A folder this process created and owns; dropping it removes it with its contents.
#[derive(Debug)]
pub struct Scratch {
    path: PathBuf,
}

impl Scratch {
    /// Creates `wbdiag-bundle-<pid>-<time>-<n>` under `parent` (default: the system's
    /// temporary folder). The folder is new (never an existing one) and, on Unix, only
    /// its owner may enter it.
    pub fn create(parent: Option<&Path>) -> Result<Self, WbdError> {
        let given = parent.is_some();
        let parent = parent.map_or_else(std::env::temp_dir, Path::to_path_buf);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let mut last = None;
        for _ in 0..ATTEMPTS {
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let path = parent.join(format!("{PREFIX}{}-{nanos:x}-{n}", std::process::id()));
            match builder().create(&path) {
                Ok(()) => {
                    // Canonical, so that later containment checks compare like with like.
                    let path = std::fs::canonicalize(&path).unwrap_or(path);
                    return Ok(Scratch { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
                Err(e) => return Err(cannot(&parent, &e, given)),
            }
        }
        Err(last.map_or_else(
            || WbdError::new(ErrorCode::Internal, "cannot create a temporary folder"),
            |e| cannot(&parent, &e, given),
        ))
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// A folder the caller named is their input; the system's temporary folder is not.
fn cannot(parent: &Path, e: &std::io::Error, given: bool) -> WbdError {
    WbdError::new(
        if given {
            ErrorCode::InvalidInput
        } else {
            ErrorCode::Internal
        },
        format!(
            "cannot create a temporary folder in '{}': {e}",
            parent.display()
        ),
    )
}

#[cfg(unix)]
fn builder() -> std::fs::DirBuilder {
    use std::os::unix::fs::DirBuilderExt;
    let mut b = std::fs::DirBuilder::new();
    b.mode(0o700);
    b
}

#[cfg(not(unix))]
fn builder() -> std::fs::DirBuilder {
    std::fs::DirBuilder::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_folder_is_new_and_goes_away_on_drop() {
        let a = Scratch::create(None).expect("create");
        let b = Scratch::create(None).expect("create");
        assert_ne!(a.path(), b.path());
        std::fs::write(a.path().join("x"), b"x").expect("write");
        let kept = a.path().to_path_buf();
        drop(a);
        assert!(!kept.exists(), "{} still exists", kept.display());
        assert!(b.path().is_dir());
    }

    #[test]
    fn a_missing_parent_is_an_error() {
        let e =
            Scratch::create(Some(Path::new("/nonexistent/wbdiag/parent"))).expect_err("no parent");
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert!(
            e.message.contains("cannot create a temporary folder"),
            "{}",
            e.message
        );
    }
}
