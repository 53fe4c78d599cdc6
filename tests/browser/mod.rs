//! Real headless Chromium for the HTML report tests (`mod browser;`): every run gets its
//! own profile folder, no network (no proxy, every host name unresolvable, no background
//! requests) and a hard deadline after which its whole process group is killed.
//!
//! Chromium is required, never optional: when it is missing the test fails and says how
//! to install it.
#![allow(dead_code)]

pub mod png;

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// Longest a single Chromium run may take.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// What one Chromium run printed.
pub struct Output {
    pub stdout: String,
    pub stderr: String,
}

/// What the tests say when there is no Chromium.
pub const MISSING: &str =
    "Chromium is not installed, and the HTML report tests need a real browser: \
     run `bash scripts/install-deps.sh --test` (CI installs it); these tests never skip";

/// Finds Chromium: `fixed` (Debian's `/usr/bin/chromium`), else `chromium` or
/// `chromium-browser` in the folders of `path_var` (a PATH value).
pub fn locate(fixed: &Path, path_var: &std::ffi::OsStr) -> Result<PathBuf, String> {
    if fixed.is_file() {
        return Ok(fixed.to_path_buf());
    }
    for dir in std::env::split_paths(path_var) {
        for name in ["chromium", "chromium-browser"] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    Err(MISSING.to_string())
}

/// The Chromium executable; fails the test when there is none.
pub fn executable() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    locate(Path::new("/usr/bin/chromium"), &path).unwrap_or_else(|why| panic!("{why}"))
}

fn drain(mut pipe: impl Read + Send + 'static, tx: mpsc::Sender<(bool, String)>, is_out: bool) {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        let _ = tx.send((is_out, String::from_utf8_lossy(&bytes).into_owned()));
    });
}

fn kill_group(pgid: u32) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{pgid}")])
        .stderr(Stdio::null())
        .status();
}

/// `file://` URL of an absolute path.
pub fn file_url(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// Runs headless Chromium with `extra` arguments (for example `--dump-dom URL`) and
/// returns its output; fails the test when it exits non-zero or overruns [`DEADLINE`].
pub fn run(extra: &[String]) -> Output {
    let exe = executable();
    let profile = tempfile::tempdir().expect("profile folder");
    let mut args: Vec<String> = [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--disable-sync",
        "--disable-component-update",
        "--no-proxy-server",
        "--disable-background-networking",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--hide-scrollbars",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.push(format!("--user-data-dir={}", profile.path().display()));
    args.extend(extra.iter().cloned());
    let started = Instant::now();
    let mut child = Command::new(&exe)
        .args(&args)
        .env("HOME", profile.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", exe.display()));
    let pgid = child.id();
    let (tx, rx) = mpsc::channel();
    drain(child.stdout.take().expect("stdout"), tx.clone(), true);
    drain(child.stderr.take().expect("stderr"), tx, false);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for chromium") {
            break status;
        }
        if started.elapsed() > DEADLINE {
            kill_group(pgid);
            let _ = child.wait();
            panic!("chromium {extra:?} still running after {DEADLINE:?}; killed");
        }
        thread::sleep(Duration::from_millis(20));
    };
    let (mut stdout, mut stderr) = (String::new(), String::new());
    for _ in 0..2 {
        match rx.recv_timeout(Duration::from_secs(10)) {
            Ok((true, s)) => stdout = s,
            Ok((false, s)) => stderr = s,
            Err(_) => {
                // A helper process still holds the pipe open: end the browser's group.
                kill_group(pgid);
                break;
            }
        }
    }
    assert!(
        status.success(),
        "chromium {extra:?} failed ({status}):\n{stderr}"
    );
    Output { stdout, stderr }
}

/// The DOM Chromium builds from the page at `path` (`--dump-dom`).
pub fn dump_dom(path: &Path) -> String {
    let out = run(&["--dump-dom".to_string(), file_url(path)]);
    assert!(
        out.stdout.contains("<html"),
        "chromium printed no DOM:\n--- stdout\n{}\n--- stderr\n{}",
        out.stdout,
        out.stderr
    );
    out.stdout
}

/// A `width`×`height` PNG screenshot of the page at `path`, written to `png`.
pub fn screenshot(path: &Path, png: &Path, width: u32, height: u32) -> Vec<u8> {
    let out = run(&[
        format!("--screenshot={}", png.display()),
        format!("--window-size={width},{height}"),
        file_url(path),
    ]);
    std::fs::read(png).unwrap_or_else(|e| {
        panic!(
            "chromium wrote no screenshot at {} ({e}):\n{}",
            png.display(),
            out.stderr
        )
    })
}
