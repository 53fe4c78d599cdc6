//! Benchmark: the `events` diagnosis over a generated 1,000,000-event Get-WinEvent JSON
//! log, compared in the same run with plain serde_json parsing of the same file into a
//! `Vec<Value>` (what a naive reader would do before looking at any event). Prints
//! events/s of each, the ratio, and each approach's peak memory in a child process that
//! runs only that approach: its heap peak (counted by the bench's allocator in a round
//! of its own, not timed) and its VmHWM, which also counts the code pages it touched.
//!
//! Run: `cargo bench --bench events`. Without `--bench` (as `cargo test --all-targets`
//! runs it) it does one quick round on 20,000 events. For profiling, `--write N PATH`
//! writes the N-event log to PATH and `--child ours PATH` runs one approach on a file.

#[path = "../tests/events_gen/mod.rs"]
mod events_gen;
#[path = "common/heap.rs"]
mod heap;
#[path = "common/memory.rs"]
mod memory;

#[global_allocator]
static ALLOC: heap::Counting = heap::Counting;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// Runs one approach on `file` in this process; returns the number of events it saw.
fn run_one(approach: &str, file: &str) -> u64 {
    match approach {
        "ours" => {
            let out = writeback_diagnostics::run_json(
                &json!({"Command": "events", "Options": {"Path": file}}).to_string(),
            );
            let v: Value = serde_json::from_str(&out).expect("envelope");
            let read = v["Report"]["Results"]
                .as_array()
                .and_then(|a| a.iter().find(|r| r["Id"] == "EVT-READ"))
                .unwrap_or_else(|| panic!("no EVT-READ: {out}"));
            read["Evidence"]["Events"].as_u64().expect("Events")
        }
        "serde_json" => {
            let bytes = std::fs::read(file).expect("read");
            let all: Vec<Value> = serde_json::from_slice(&bytes).expect("parse");
            all.len() as u64
        }
        other => panic!("unknown approach {other}"),
    }
}

/// What one child run measured.
struct Run {
    time: Duration,
    events: u64,
    /// VmHWM, KiB.
    hwm_kb: u64,
    /// Heap peak, bytes (0 unless counted).
    heap: u64,
}

/// Runs `approach` in a child process (so that its peak memory is its own), counting its
/// heap when `count_heap`.
fn measure(approach: &str, file: &Path, count_heap: bool) -> Run {
    let exe = std::env::current_exe().expect("bench exe");
    let mut cmd = Command::new(exe);
    cmd.args(["--child", approach, &file.to_string_lossy()]);
    if count_heap {
        cmd.env("WBD_BENCH_COUNT_HEAP", "1");
    } else {
        cmd.env_remove("WBD_BENCH_COUNT_HEAP");
    }
    let out = cmd.output().expect("run child");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let mut it = text
        .split_whitespace()
        .map(|n| n.parse::<u64>().unwrap_or(0));
    let mut next = || it.next().unwrap_or(0);
    Run {
        time: Duration::from_nanos(next()),
        events: next(),
        hwm_kb: next(),
        heap: next(),
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    heap::init_from_env();
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") {
        println!("events: bench");
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--write") {
        let n = args[i + 1].parse().expect("--write N PATH");
        events_gen::write_huge_log(Path::new(&args[i + 2]), n);
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--child") {
        let approach = &args[i + 1];
        let file = &args[i + 2];
        let t = Instant::now();
        let n = run_one(approach, file);
        println!(
            "{} {n} {} {}",
            t.elapsed().as_nanos(),
            memory::vm_hwm_kb(),
            heap::peak_bytes()
        );
        return;
    }
    let full = args.iter().any(|a| a == "--bench");
    let (n, rounds) = if full { (1_000_000, 3) } else { (20_000, 1) };
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("events.json");
    events_gen::write_huge_log(&file, n);
    let size_mb = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0) as f64 / 1048576.0;

    let mut ours = Vec::new();
    let mut base = Vec::new();
    let (mut ours_hwm, mut base_hwm) = (0, 0);
    for _ in 0..rounds {
        let r = measure("ours", &file, false);
        assert_eq!(r.events, n, "ours saw every event");
        ours.push(r.time);
        ours_hwm = ours_hwm.max(r.hwm_kb);
        let r = measure("serde_json", &file, false);
        assert_eq!(r.events, n, "serde_json saw every event");
        base.push(r.time);
        base_hwm = base_hwm.max(r.hwm_kb);
    }
    let ours_heap = measure("ours", &file, true).heap;
    let base_heap = measure("serde_json", &file, true).heap;
    assert!(ours_heap > 0 && base_heap > 0, "the heap was counted");
    let (ours, base) = (median(ours), median(base));
    let rate = |d: Duration| n as f64 / d.as_secs_f64().max(1e-9);
    let mib = |bytes: u64| bytes as f64 / 1048576.0;
    println!("events: {n} Get-WinEvent JSON events, {size_mb:.0} MiB, median of {rounds} rounds");
    println!(
        "  wbdiag events (stream + diagnose): {:>8.0} ms  {:>10.0} events/s  heap peak {:>7.1} MiB  VmHWM {:>7.1} MiB",
        ours.as_secs_f64() * 1000.0,
        rate(ours),
        mib(ours_heap),
        ours_hwm as f64 / 1024.0
    );
    println!(
        "  serde_json into Vec<Value>:        {:>8.0} ms  {:>10.0} events/s  heap peak {:>7.1} MiB  VmHWM {:>7.1} MiB",
        base.as_secs_f64() * 1000.0,
        rate(base),
        mib(base_heap),
        base_hwm as f64 / 1024.0
    );
    println!("  (VmHWM also counts the code pages each child touched; the heap peak is its data)");
    println!(
        "  ratio (time ours / parse-only baseline, lower is better): {:.2}",
        ours.as_secs_f64() / base.as_secs_f64().max(1e-9)
    );
}
