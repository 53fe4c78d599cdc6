//! Loads the built cdylib and wraps its exports for the C ABI tests.
#![allow(dead_code)]

use std::ffi::{c_char, CStr, CString};
use std::path::PathBuf;
use std::time::Duration;

use libloading::{Library, Symbol};
use serde_json::Value;

/// Path of the cdylib cargo built next to the test executable.
pub fn library_path() -> PathBuf {
    let exe = std::env::current_exe().expect("test exe path");
    let dir = exe
        .parent()
        .and_then(|d| d.parent())
        .expect("target/<profile>");
    let name = format!(
        "{}writeback_diagnostics{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    );
    let path = dir.join(name);
    assert!(
        path.exists(),
        "cdylib not built at {}; build it first with `cargo build --lib` (bash .ci/run does)",
        path.display()
    );
    path
}

/// How many times slower than native this run is: the positive integer in `WBD_SLOW`
/// (scripts/valgrind.sh sets it, as valgrind runs code some 20-50 times slower), else 1.
/// Only waiting limits scale with it; what the tests assert stays the same.
pub fn slow() -> u32 {
    std::env::var("WBD_SLOW")
        .ok()
        .and_then(|v| v.trim().parse::<u32>().ok())
        .filter(|f| *f > 0)
        .unwrap_or(1)
}

/// `d` stretched by [`slow`].
pub fn scaled(d: Duration) -> Duration {
    d.saturating_mul(slow())
}

/// Threads of this process.
pub fn threads() -> usize {
    std::fs::read_dir("/proc/self/task")
        .map(|d| d.count())
        .unwrap_or(0)
}

/// Open sockets of this process.
pub fn sockets() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|d| {
            d.filter_map(Result::ok)
                .filter_map(|e| std::fs::read_link(e.path()).ok())
                .filter(|target| target.to_string_lossy().starts_with("socket:"))
                .count()
        })
        .unwrap_or(0)
}

/// Waits until `f` holds, for at most `limit` stretched by [`slow`]; panics naming `what`
/// otherwise.
pub fn eventually(what: &str, limit: Duration, f: impl Fn() -> bool) {
    let limit = scaled(limit);
    let until = std::time::Instant::now() + limit;
    while std::time::Instant::now() < until {
        if f() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("{what} did not happen within {limit:?}");
}

/// The library's exports, called the way a C host would.
pub struct Wbd {
    lib: Library,
}

type RunFn = unsafe extern "C" fn(*const c_char) -> *mut c_char;
type StartFn = unsafe extern "C" fn(*const c_char) -> u64;
type PollFn = unsafe extern "C" fn(u64) -> *mut c_char;
type JobFn = unsafe extern "C" fn(u64);
type FreeFn = unsafe extern "C" fn(*mut c_char);
type VersionFn = unsafe extern "C" fn() -> *const c_char;

impl Wbd {
    pub fn load() -> Self {
        // SAFETY: loading our own cdylib, whose initialisers are Rust's standard ones.
        let lib = unsafe { Library::new(library_path()) }.expect("load cdylib");
        Wbd { lib }
    }

    fn sym<T>(&self, name: &[u8]) -> Symbol<'_, T> {
        // SAFETY: the types above match the exports' signatures in the generated header.
        unsafe { self.lib.get(name) }.expect("export present")
    }

    /// Copies and frees a returned string.
    pub fn take(&self, p: *mut c_char) -> Value {
        assert!(!p.is_null(), "library returned NULL");
        // SAFETY: p is a NUL-terminated string the library returned and we free once.
        let text = unsafe { CStr::from_ptr(p) }
            .to_str()
            .expect("UTF-8 out")
            .to_string();
        unsafe { self.sym::<FreeFn>(b"wbd_string_free")(p) };
        serde_json::from_str(&text).expect("JSON out")
    }

    pub fn version(&self) -> String {
        // SAFETY: static NUL-terminated string.
        let p = unsafe { self.sym::<VersionFn>(b"wbd_version")() };
        unsafe { CStr::from_ptr(p) }
            .to_str()
            .expect("UTF-8")
            .to_string()
    }

    /// wbd_run on raw bytes (a NUL is appended); `None` passes NULL.
    pub fn run_bytes(&self, bytes: Option<&[u8]>) -> Value {
        let owned = bytes.map(|b| CString::new(b.to_vec()).expect("no interior NUL"));
        let ptr = owned.as_ref().map_or(std::ptr::null(), |c| c.as_ptr());
        // SAFETY: ptr is NULL or a valid C string alive for the call.
        let out = unsafe { self.sym::<RunFn>(b"wbd_run")(ptr) };
        self.take(out)
    }

    pub fn run(&self, json: &str) -> Value {
        self.run_bytes(Some(json.as_bytes()))
    }

    pub fn start_bytes(&self, bytes: Option<&[u8]>) -> u64 {
        let owned = bytes.map(|b| CString::new(b.to_vec()).expect("no interior NUL"));
        let ptr = owned.as_ref().map_or(std::ptr::null(), |c| c.as_ptr());
        // SAFETY: as for run_bytes.
        unsafe { self.sym::<StartFn>(b"wbd_job_start")(ptr) }
    }

    pub fn start(&self, json: &str) -> u64 {
        self.start_bytes(Some(json.as_bytes()))
    }

    pub fn poll(&self, job: u64) -> Value {
        // SAFETY: any id is allowed.
        let p = unsafe { self.sym::<PollFn>(b"wbd_job_poll")(job) };
        self.take(p)
    }

    pub fn cancel(&self, job: u64) {
        // SAFETY: any id is allowed.
        unsafe { self.sym::<JobFn>(b"wbd_job_cancel")(job) }
    }

    pub fn free_job(&self, job: u64) {
        // SAFETY: any id is allowed.
        unsafe { self.sym::<JobFn>(b"wbd_job_free")(job) }
    }

    pub fn free_null(&self) {
        // SAFETY: NULL is documented as a no-op.
        unsafe { self.sym::<FreeFn>(b"wbd_string_free")(std::ptr::null_mut()) }
    }

    /// Polls until the job leaves Running (bounded: `max_polls` times [`slow`]), returning
    /// the last poll.
    pub fn wait(&self, job: u64, max_polls: usize) -> Value {
        let max_polls = max_polls.saturating_mul(slow() as usize);
        for _ in 0..max_polls {
            let v = self.poll(job);
            if v["State"] != "Running" {
                return v;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        panic!("job {job} still running after {max_polls} polls");
    }
}

/// Code of an error envelope.
pub fn code(v: &Value) -> &str {
    assert_eq!(v["Ok"], false, "expected an error envelope, got {v}");
    v["Error"]["Code"].as_str().expect("Error.Code")
}

/// A loopback listener that accepts connections and never answers, until dropped.
pub struct Silent {
    pub port: u16,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl Silent {
    pub fn start() -> Self {
        use std::sync::atomic::{AtomicBool, Ordering};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let port = listener.local_addr().expect("addr").port();
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        // At most 60 s natively, stretched by `slow()`.
        let rounds = 6000 * slow();
        let handle = std::thread::spawn(move || {
            let mut held = Vec::new();
            for _ in 0..rounds {
                if flag.load(Ordering::Relaxed) {
                    break;
                }
                if let Ok((s, _)) = listener.accept() {
                    held.push(s);
                }
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
        });
        Silent {
            port,
            stop,
            handle: Some(handle),
        }
    }
}

impl Drop for Silent {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// A port with nothing listening on it.
pub fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}
