//! A per-process scratch folder for targets whose parser only reads paths; every
//! input's files are removed before the next input.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

struct Dir(PathBuf);

static DIR: OnceLock<Dir> = OnceLock::new();

/// The process's scratch folder (created once, under the system temp folder).
pub fn scratch() -> &'static Path {
    &DIR.get_or_init(|| {
        let p = std::env::temp_dir().join(format!("wbd-fuzz-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("create scratch folder");
        // Remove the folder at exit too (libFuzzer ends with exit()).
        extern "C" fn cleanup() {
            if let Some(d) = DIR.get() {
                let _ = std::fs::remove_dir_all(&d.0);
            }
        }
        extern "C" {
            fn atexit(f: extern "C" fn()) -> i32;
        }
        unsafe {
            atexit(cleanup);
        }
        Dir(p)
    })
    .0
}

/// Runs `f` with a fresh, empty folder inside the scratch folder, then deletes it.
#[allow(dead_code)]
pub fn with_dir<R>(f: impl FnOnce(&Path) -> R) -> R {
    let d = scratch().join("case");
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("create case folder");
    let r = f(&d);
    let _ = std::fs::remove_dir_all(&d);
    r
}

/// Runs `f` with `data` written to a file named `name` in a fresh folder.
#[allow(dead_code)] // not every target that includes this module writes a single file
pub fn with_file<R>(name: &str, data: &[u8], f: impl FnOnce(&Path) -> R) -> R {
    with_dir(|d| {
        let p = d.join(name);
        std::fs::write(&p, data).expect("write case file");
        f(&p)
    })
}
