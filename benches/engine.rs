//! Benchmark: the engine's own costs (issue 14, speed item 4), each against a baseline
//! measured in the same run.
//!
//! 1. Peak memory of the permissions evaluation of 10,000 users (the generated snapshot of
//!    `common/users.rs`, about 24 MiB of JSON): VmHWM of a child process that reads, parses,
//!    decodes and evaluates it, against a child that only reads and parses it with
//!    `serde_json`. Its time is `benches/permissions.rs`'s; the 10,000-descriptor SDDL
//!    number is `benches/sddl.rs`'s.
//! 2. Snapshot evaluation: every prerequisite rule on `tests/fixtures/prerequisites/healthy.json`
//!    (decode + evaluate, the `prerequisites` command minus reading the file), per run and
//!    runs/s, against `serde_json` parsing the same text.
//! 3. FFI round trip: `wbd_run` + `wbd_string_free` on a small request that does no I/O
//!    (`permissions` on an inline snapshot with only `SchemaVersion`: 6 results, each
//!    Skipped for want of data, in a 3.4 KiB envelope), against the Rust API `run_json` on
//!    the same request (so the ratio is the cost of the C boundary) and `serde_json`
//!    reading and writing the request text. Also `wbd_run` on an unknown command (the
//!    error path, nearly all boundary) and on a larger one (`prerequisites` on the same
//!    inline snapshot: all 40 rules, a 21 KiB envelope). Target: under 20 µs per
//!    `wbd_run` call on the small request.
//!
//! The last line is the FFI ratio. Run: `cargo bench --bench engine`. Without `--bench`
//! (as `cargo test --all-targets` runs it) it does a quick smoke round only.

#[path = "common/memory.rs"]
mod memory;
#[path = "common/users.rs"]
mod users_gen;

use std::ffi::{CStr, CString};
use std::hint::black_box;
use std::os::raw::c_char;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use writeback_diagnostics::checks::prerequisites;
use writeback_diagnostics::control::Control;
use writeback_diagnostics::permissions::users;
use writeback_diagnostics::rules::Ctx;
use writeback_diagnostics::snapshot;

// The crate's C ABI exports (src/ffi), linked from its rlib: the same functions the
// cdylib exports, without the dlopen the hosts do once per process.
extern "C" {
    fn wbd_run(request_json: *const c_char) -> *mut c_char;
    fn wbd_string_free(s: *mut c_char);
}

const SMALL_REQUEST: &str =
    r#"{"Command":"permissions","Options":{"Snapshot":{"SchemaVersion":1}}}"#;
const LARGER_REQUEST: &str =
    r#"{"Command":"prerequisites","Options":{"Snapshot":{"SchemaVersion":1}}}"#;
const BAD_REQUEST: &str = r#"{"Command":"nope"}"#;
const HEALTHY: &str = include_str!("../tests/fixtures/prerequisites/healthy.json");
/// Issue 14, speed item 4: "FFI round trip of `wbd_run` on a small request (< 20 µs)".
const FFI_TARGET: Duration = Duration::from_micros(20);

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Calls `wbd_run` on `request` and returns the envelope's length, freeing it.
fn ffi_round_trip(request: &CStr) -> usize {
    // SAFETY: `request` is a valid NUL-terminated string for the whole call; `wbd_run`
    // returns NULL or a NUL-terminated string it allocated, which is read before it is
    // freed exactly once with `wbd_string_free`, as include/writeback_diagnostics.h says.
    unsafe {
        let out = wbd_run(request.as_ptr());
        let len = if out.is_null() {
            0
        } else {
            CStr::from_ptr(out).to_bytes().len()
        };
        wbd_string_free(out);
        len
    }
}

/// The median per-call time of `f` over `rounds` rounds of `calls` calls.
fn per_call(rounds: usize, calls: u32, mut f: impl FnMut() -> usize) -> Duration {
    let mut times = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t = Instant::now();
        for _ in 0..calls {
            black_box(f());
        }
        times.push(t.elapsed() / calls);
    }
    median(times)
}

/// The child workloads for the peak-memory comparison: reads `file`, parses it and, for
/// `permissions`, decodes it and runs PERM-USERS and PERM-PROTECTED-USERS. Prints the
/// number of users checked (0 for `parse`) and VmHWM in KiB.
fn child(workload: &str, file: &str) {
    let text = std::fs::read_to_string(file).expect("read the snapshot file");
    let value: Value = serde_json::from_str(&text).expect("snapshot JSON parses");
    drop(text);
    let checked = match workload {
        "parse" => 0,
        "permissions" => {
            let snap = snapshot::decode(&value).expect("snapshot decodes");
            drop(value);
            let results = users::evaluate(&Ctx::new(&snap));
            results
                .iter()
                .find(|r| r.id == "PERM-USERS")
                .and_then(|r| r.evidence.get("Checked"))
                .and_then(Value::as_u64)
                .expect("PERM-USERS reports how many users it checked")
        }
        other => panic!("unknown workload {other}"),
    };
    println!("{checked} {}", memory::vm_hwm_kb());
}

/// Runs `workload` on `file` in a child process; returns (users checked, VmHWM KiB).
fn measure_child(workload: &str, file: &Path) -> (u64, u64) {
    let exe = std::env::current_exe().expect("bench exe");
    let out = Command::new(exe)
        .args(["--child", workload, &file.to_string_lossy()])
        .output()
        .expect("run child");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let mut fields = text.split_whitespace().map(|f| f.parse::<u64>().ok());
    match (fields.next().flatten(), fields.next().flatten()) {
        (Some(checked), Some(hwm)) => (checked, hwm),
        _ => panic!("child printed {text:?}"),
    }
}

fn memory_section(full: bool) {
    let n = if full { 10_000 } else { 300 };
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("users.json");
    std::fs::write(&file, users_gen::snapshot(n).to_string()).expect("write snapshot");
    let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0) as f64 / 1048576.0;
    let (checked, ours) = measure_child("permissions", &file);
    // Every 100th user is protected and checked by PERM-PROTECTED-USERS instead.
    assert_eq!(
        checked,
        (n - n.div_ceil(100)) as u64,
        "PERM-USERS checked every unprotected user"
    );
    let (_, base) = measure_child("parse", &file);
    println!(
        "memory: permissions evaluation of {n} users ({size:.1} MiB of snapshot JSON, {checked} checked by PERM-USERS), peak RSS of a child process"
    );
    println!(
        "  read + parse + decode + PERM-USERS/PERM-PROTECTED-USERS: {:>6.1} MiB",
        ours as f64 / 1024.0
    );
    println!(
        "  baseline: read + serde_json parse only:                  {:>6.1} MiB",
        base as f64 / 1024.0
    );
    println!(
        "  ratio (peak evaluation / peak parse-only): {:.2}",
        ours as f64 / base.max(1) as f64
    );
}

fn snapshot_section(full: bool) {
    let (rounds, runs) = if full { (9, 200) } else { (1, 3) };
    let value: Value = serde_json::from_str(HEALTHY).expect("fixture parses");
    let options = json!({ "Snapshot": value });
    let results = prerequisites::run(&options, &Control::new()).expect("prerequisites run");
    let eval = per_call(rounds, runs, || {
        prerequisites::run(&options, &Control::new()).map_or(0, |r| r.len())
    });
    let parse = per_call(rounds, runs, || {
        serde_json::from_str::<Value>(HEALTHY).map_or(0, |v| v.as_object().map_or(0, |o| o.len()))
    });
    let kib = HEALTHY.len() as f64 / 1024.0;
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let rate = |d: Duration| 1.0 / d.as_secs_f64().max(1e-12);
    println!(
        "snapshot: every prerequisite rule on tests/fixtures/prerequisites/healthy.json ({kib:.1} KiB, {} results), median of {rounds} x {runs} runs",
        results.len()
    );
    println!(
        "  decode + evaluate: {:>9.1} µs/run  {:>9.0} runs/s  {:>7.1} MiB/s",
        us(eval),
        rate(eval),
        rate(eval) * kib / 1024.0
    );
    println!(
        "  baseline: serde_json parse of the text: {:>9.1} µs/run  {:>9.0} runs/s",
        us(parse),
        rate(parse)
    );
    println!(
        "  ratio (evaluation / parse): {:.2}",
        eval.as_secs_f64() / parse.as_secs_f64().max(1e-12)
    );
}

fn ffi_section(full: bool) {
    let (rounds, calls) = if full { (9, 5_000) } else { (1, 50) };
    let small = CString::new(SMALL_REQUEST).expect("no NUL in the request");
    let bad = CString::new(BAD_REQUEST).expect("no NUL in the request");
    let larger = CString::new(LARGER_REQUEST).expect("no NUL in the request");
    let envelope = writeback_diagnostics::run_json(SMALL_REQUEST);
    assert!(
        envelope.starts_with(r#"{"Ok":true"#) || envelope.contains(r#""Ok":true"#),
        "the small request must succeed: {envelope}"
    );
    // The envelopes differ only in their timings (StartedAt, DurationMs), so compare their
    // lengths loosely; the library's panic hook is silent, so say what failed on stdout.
    let through_ffi = ffi_round_trip(&small);
    if through_ffi.abs_diff(envelope.len()) > 64 {
        println!(
            "FFI envelope is {through_ffi} B, the Rust API's {} B",
            envelope.len()
        );
        std::process::exit(1);
    }

    let ffi = per_call(rounds, calls, || ffi_round_trip(&small));
    let api = per_call(rounds, calls, || {
        writeback_diagnostics::run_json(SMALL_REQUEST).len()
    });
    let json_only = per_call(rounds, calls, || {
        serde_json::from_str::<Value>(SMALL_REQUEST).map_or(0, |v| v.to_string().len())
    });
    let ffi_bad = per_call(rounds, calls, || ffi_round_trip(&bad));
    let ffi_larger = per_call(rounds, calls / 5, || ffi_round_trip(&larger));
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let rate = |d: Duration| 1.0 / d.as_secs_f64().max(1e-12);
    println!(
        "ffi: {SMALL_REQUEST} ({} B envelope), median of {rounds} x {calls} calls",
        envelope.len()
    );
    println!(
        "  wbd_run + wbd_string_free:           {:>8.2} µs/call  {:>9.0} calls/s",
        us(ffi),
        rate(ffi)
    );
    println!(
        "  wbd_run, unknown command (error path): {:>6.2} µs/call  {:>9.0} calls/s",
        us(ffi_bad),
        rate(ffi_bad)
    );
    println!(
        "  wbd_run, 40 prerequisite rules ({} B envelope): {:>6.2} µs/call  {:>9.0} calls/s",
        writeback_diagnostics::run_json(LARGER_REQUEST).len(),
        us(ffi_larger),
        rate(ffi_larger)
    );
    println!(
        "  baseline: run_json (Rust API):       {:>8.2} µs/call  {:>9.0} calls/s",
        us(api),
        rate(api)
    );
    println!(
        "  baseline: serde_json request round trip: {:>4.2} µs/call  {:>9.0} calls/s",
        us(json_only),
        rate(json_only)
    );
    if full {
        let verdict = if ffi < FFI_TARGET { "under" } else { "OVER" };
        println!(
            "  target: wbd_run under {} µs per call: {verdict} ({:.2} µs)",
            FFI_TARGET.as_micros(),
            us(ffi)
        );
    }
    println!(
        "ratio (wbd_run / run_json): {:.3}",
        ffi.as_secs_f64() / api.as_secs_f64().max(1e-12)
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") {
        println!("engine: bench");
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--child") {
        match (args.get(i + 1), args.get(i + 2)) {
            (Some(workload), Some(file)) => child(workload, file),
            _ => panic!("--child needs a workload and a file"),
        }
        return;
    }
    // `cargo bench` passes --bench; `cargo test --all-targets` runs a quick smoke round.
    let full = args.iter().any(|a| a == "--bench");
    memory_section(full);
    snapshot_section(full);
    ffi_section(full);
}
