//! The PowerShell module's C# shim (`powershell/WritebackDiagnostics/Native/WbdNative.cs`),
//! compiled as C# 5 by Mono's `mcs` and run by `mono` against the cdylib built for this test
//! run. Windows PowerShell 5.1 compiles the same file with `Add-Type`, which is C# 5 and
//! treats warnings as errors, so `mcs` gets `-langversion:5 -warnaserror+`.
//!
//! Mono is a hard requirement here (Debian: `mono-mcs`, `mono-runtime`): when `mcs` or `mono`
//! is missing the tests fail with a message saying so instead of skipping.
//!
//! The driver (`tests/mono/ShimDriver.cs`) prints `PASS <step> key=value...` or
//! `FAIL <step>: reason` per step and exits with the number of failures.

use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const DRIVER_STEPS: &[&str] = &[
    "load-guards",
    "load",
    "version",
    "run-unicode-command",
    "run-unicode-endpoint",
    "run-malformed",
    "job-refused",
    "job-bad-request",
    "job-cancel",
    "job-unknown",
];

fn repo_file(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn shim_source() -> PathBuf {
    repo_file("powershell/WritebackDiagnostics/Native/WbdNative.cs")
}

/// The cdylib cargo built next to this test: `target/<profile>/deps/<test>` -> `target/<profile>/`.
fn cdylib() -> PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("test executable is not under target/<profile>/deps");
    let name = format!(
        "{}writeback_diagnostics{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    );
    let path = profile_dir.join(name);
    assert!(
        path.is_file(),
        "the cdylib {} does not exist; build it first with `cargo build --lib` (bash .ci/run does)",
        path.display()
    );
    path
}

/// Fails (never skips) when a Mono tool is not installed.
fn require_tool(name: &str) {
    match Command::new(name).arg("--version").output() {
        Ok(out) if out.status.success() => {}
        Ok(out) => panic!(
            "`{name} --version` failed ({}); the Mono shim tests need a working {name}",
            out.status
        ),
        Err(e) => panic!(
            "`{name}` is not runnable ({e}). These tests compile the PowerShell module's C# shim \
             with Mono; install it (Debian/Ubuntu: apt-get install mono-mcs mono-runtime)."
        ),
    }
}

/// Runs `mcs -langversion:5 -warnaserror+` with the given extra arguments.
fn mcs(args: &[&str]) -> Output {
    require_tool("mcs");
    Command::new("mcs")
        .args(["-langversion:5", "-warnaserror+"])
        .args(args)
        .output()
        .expect("run mcs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A loopback port that accepts connections and never sends a byte, so a TLS handshake to it
/// hangs until the engine's timeout or a cancel. Accepted sockets stay open until the process
/// ends.
fn silent_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind silent listener");
    let port = listener.local_addr().expect("local_addr").port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    port
}

/// Runs a command, killing it if it outlives `limit`; returns (success, stdout, stderr).
fn run_with_limit(command: &mut Command, limit: Duration) -> (bool, String, String) {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break Some(status);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let out = out_reader.join().unwrap_or_default();
    let err = err_reader.join().unwrap_or_default();
    match status {
        Some(status) => (status.success(), out, err),
        None => panic!("killed after {limit:?}; stdout so far:\n{out}\nstderr:\n{err}"),
    }
}

/// The `key=value` pairs of the driver's `PASS <step>` line.
fn step_fields<'a>(stdout: &'a str, step: &str) -> Vec<(&'a str, &'a str)> {
    let prefix = format!("PASS {step}");
    let line = stdout
        .lines()
        .find(|l| *l == prefix || l.starts_with(&format!("{prefix} ")))
        .unwrap_or_else(|| panic!("no `{prefix}` line in driver output:\n{stdout}"));
    line[prefix.len()..]
        .split_whitespace()
        .filter_map(|pair| pair.split_once('='))
        .collect()
}

fn field<'a>(stdout: &'a str, step: &str, key: &str) -> &'a str {
    step_fields(stdout, step)
        .into_iter()
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("`PASS {step}` has no {key}=; output:\n{stdout}"))
}

#[test]
fn mono_shim_compiles_alone_as_csharp5_without_warnings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let dll = dir.path().join("WbdNative.dll");
    let out = mcs(&[
        "-target:library",
        &format!("-out:{}", dll.display()),
        shim_source().to_str().expect("utf-8 path"),
    ]);
    assert!(
        out.status.success(),
        "mcs rejected WbdNative.cs as C# 5 (Add-Type on Windows PowerShell 5.1 would too):\n{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(dll.is_file());
}

/// Guards the guard: `-langversion:5` must really reject C# 6, or the test above proves nothing.
#[test]
fn mono_shim_compiler_rejects_csharp6() {
    let dir = tempfile::tempdir().expect("tempdir");
    let source = dir.path().join("CSharp6.cs");
    std::fs::write(
        &source,
        "public static class C { public static string S(int x) { return $\"{x}\"; } }\n",
    )
    .expect("write");
    let out = mcs(&[
        "-target:library",
        &format!("-out:{}", dir.path().join("CSharp6.dll").display()),
        source.to_str().expect("utf-8 path"),
    ]);
    assert!(
        !out.status.success(),
        "mcs -langversion:5 accepted string interpolation; the C# 5 check is ineffective"
    );
}

#[test]
fn mono_shim_drives_real_library() {
    require_tool("mono");
    let library = cdylib();
    let dir = tempfile::tempdir().expect("tempdir");
    let exe = dir.path().join("ShimDriver.exe");
    let out = mcs(&[
        &format!("-out:{}", exe.display()),
        shim_source().to_str().expect("utf-8 path"),
        repo_file("tests/mono/ShimDriver.cs")
            .to_str()
            .expect("utf-8 path"),
    ]);
    assert!(
        out.status.success(),
        "mcs failed on WbdNative.cs + ShimDriver.cs:\n{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );

    let port = silent_port();
    let (ok, stdout, stderr) = run_with_limit(
        Command::new("mono")
            .arg(&exe)
            .arg(&library)
            .arg(port.to_string()),
        Duration::from_secs(120),
    );
    assert!(
        ok,
        "the shim driver reported failures:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(
        stdout.lines().any(|l| l == "DONE 0"),
        "driver did not finish:\n{stdout}"
    );
    for step in DRIVER_STEPS {
        step_fields(&stdout, step);
    }

    assert_eq!(
        field(&stdout, "version", "value"),
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(
        field(&stdout, "run-unicode-command", "code"),
        "UnknownCommand"
    );
    assert_eq!(
        field(&stdout, "run-unicode-command", "echo"),
        "exact",
        "the non-ASCII command name must come back intact in the error message"
    );
    assert_eq!(field(&stdout, "run-unicode-endpoint", "target"), "exact");
    assert_eq!(field(&stdout, "run-malformed", "code"), "InvalidJson");
    assert_eq!(field(&stdout, "job-refused", "state"), "Completed");
    assert_eq!(
        field(&stdout, "job-refused", "tcp"),
        "Fail",
        "a refused loopback port must fail CONN-TCP:\n{stdout}"
    );
    assert_eq!(field(&stdout, "job-bad-request", "code"), "InvalidJson");
    assert_eq!(field(&stdout, "job-cancel", "state"), "Cancelled");
    assert_eq!(field(&stdout, "job-unknown", "code"), "UnknownJob");
}
