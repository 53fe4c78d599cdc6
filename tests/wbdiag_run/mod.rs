//! Runs the `wbdiag` binary for the integration tests (`mod wbdiag_run;`).
//!
//! Output is read on threads, so a large report cannot fill a pipe and stall the child;
//! the child's peak resident memory is sampled while it runs; a watchdog kills it and
//! fails the test once `limit` passes.
#![allow(dead_code)]

use std::io::Read;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// What one run of `wbdiag` did.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
    /// Largest resident set seen (VmHWM/VmRSS), in KiB; 0 where /proc is unavailable.
    pub peak_rss_kb: u64,
}

fn drain(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut s = String::new();
        let _ = pipe.read_to_string(&mut s);
        s
    })
}

fn resident_kb(status_path: &str) -> u64 {
    let Ok(status) = std::fs::read_to_string(status_path) else {
        return 0;
    };
    ["VmHWM:", "VmRSS:"]
        .iter()
        .filter_map(|key| {
            status
                .lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse::<u64>().ok())
        })
        .max()
        .unwrap_or(0)
}

/// Runs `wbdiag ARGS`, killing it (and failing the test) after `limit`.
pub fn wbdiag(args: &[&str], limit: Duration) -> Run {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_wbdiag"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn wbdiag");
    let out = drain(child.stdout.take().expect("stdout"));
    let err = drain(child.stderr.take().expect("stderr"));
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    let status = loop {
        peak = peak.max(resident_kb(&status_path));
        if let Some(status) = child.try_wait().expect("wait for wbdiag") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("wbdiag {args:?} still running after {limit:?}; killed");
        }
        thread::sleep(Duration::from_millis(5));
    };
    Run {
        code: status.code().expect("wbdiag ended by a signal"),
        stdout: out.join().expect("stdout thread"),
        stderr: err.join().expect("stderr thread"),
        elapsed: started.elapsed(),
        peak_rss_kb: peak,
    }
}
