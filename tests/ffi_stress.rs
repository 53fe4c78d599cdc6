//! The job API under load through the C ABI: 100 jobs started, polled, cancelled and
//! freed from several threads at once, and a cancel while idle connections are held.
//! Every job must end in the state its kind calls for, every cancel must be honoured
//! within a bound, and afterwards no thread and no socket of the jobs may remain.
//!
//! One test in its own binary, running the two scenarios one after the other, so that no
//! other test (nor the harness starting another test's thread) disturbs the thread and
//! socket counts. scripts/valgrind.sh runs it under valgrind.

mod common;
mod support;

use std::sync::{Barrier, Mutex};
use std::time::{Duration, Instant};

use common::{closed_port, code, eventually, scaled, slow, sockets, threads, Silent, Wbd};
use serde_json::{json, Value};
use support::relay::{IdleKill, IdleRelay};
use support::{Behavior, LeafKind, Pki, Server};

/// Threads driving jobs, and jobs each drives: 4 × 25 = the 100 jobs of issue 14.
const DRIVERS: u64 = 4;
const JOBS_PER_DRIVER: usize = 25;

/// Seed of the job plans; `WBD_STRESS_SEED` replays another one.
const SEED: u64 = 0x1417_0002;

/// How long a job may stay Running after its cancel (or how long a free of a running job
/// may block), stretched by `slow()`. Generous because a job notices its cancel only once
/// it reaches I/O, and before that each of the 100 jobs parses the OS trust store: that
/// CPU work, shared by two busy cores, took a cancelled job up to 3.2 s here.
const CANCEL_BOUND: Duration = Duration::from_secs(10);

/// Stage timeout of the silent jobs: six times [`CANCEL_BOUND`], so an ignored cancel
/// cannot pass.
const SILENT_STAGE: Duration = Duration::from_secs(60);

/// Upper limit of a run's timeouts (`MAX_TIMEOUT_MS` in src/checks/connectivity.rs).
const MAX_TIMEOUT_MS: u128 = 600_000;

/// Names of this process's threads, for a failure message.
fn thread_names() -> Vec<String> {
    std::fs::read_dir("/proc/self/task")
        .map(|d| {
            d.filter_map(Result::ok)
                .filter_map(|e| std::fs::read_to_string(e.path().join("comm")).ok())
                .map(|n| n.trim().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// SplitMix64: a small seeded generator, so a failing plan can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn seed() -> u64 {
    std::env::var("WBD_STRESS_SEED")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(SEED)
}

/// What a job does and how the driver treats it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A refused port: completes on its own.
    Refused,
    /// A refused port, cancelled after this many polls: Completed or Cancelled.
    RefusedRacingCancel(u32),
    /// Malformed JSON: fails at once.
    Bad,
    /// A server that never answers, cancelled before its first poll.
    SilentCancelledAtOnce,
    /// A server that never answers, cancelled this many polls after reaching TLS.
    SilentCancelled(u32),
    /// A server that never answers, freed (no cancel) this many polls after reaching TLS.
    SilentFreed(u32),
}

impl Kind {
    fn pick(rng: &mut Rng) -> Kind {
        let k = u32::try_from(rng.below(4)).unwrap_or(0);
        match rng.below(20) {
            0..=5 => Kind::Refused,
            6..=7 => Kind::RefusedRacingCancel(k),
            8..=10 => Kind::Bad,
            11..=12 => Kind::SilentCancelledAtOnce,
            13..=17 => Kind::SilentCancelled(k),
            _ => Kind::SilentFreed(k),
        }
    }

    fn silent(self) -> bool {
        matches!(
            self,
            Kind::SilentCancelledAtOnce | Kind::SilentCancelled(_) | Kind::SilentFreed(_)
        )
    }
}

/// The plans of every driver, in order.
fn plans(seed: u64) -> Vec<Vec<Kind>> {
    (0..DRIVERS)
        .map(|d| {
            let mut rng = Rng(seed ^ d.wrapping_mul(0x1000_0000_01b3));
            (0..JOBS_PER_DRIVER).map(|_| Kind::pick(&mut rng)).collect()
        })
        .collect()
}

fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis().min(MAX_TIMEOUT_MS)).unwrap_or(u64::MAX)
}

struct Ports {
    refused: u16,
    silent: u16,
}

fn request(kind: Kind, ports: &Ports) -> String {
    let connectivity = |port: u16, stage: Duration| {
        json!({"Command": "connectivity", "Options": {
            "Endpoints": [format!("127.0.0.1:{port}")], "NoDefaultEndpoints": true,
            "TimeoutMs": ms(stage), "OverallTimeoutMs": ms(stage * 2)}})
        .to_string()
    };
    match kind {
        Kind::Refused | Kind::RefusedRacingCancel(_) => {
            connectivity(ports.refused, scaled(Duration::from_secs(5)))
        }
        Kind::Bad => r#"{"Command":"connectivity","Options":"#.to_string(),
        _ => connectivity(ports.silent, scaled(SILENT_STAGE)),
    }
}

/// One job in flight on a driver.
struct Live {
    id: u64,
    kind: Kind,
    polls: u32,
    /// Poll at which the job was first seen in its TLS stage.
    tls_at: Option<u32>,
    cancelled_at: Option<Instant>,
    started: Instant,
}

/// Checks the shape every poll answer must have, returning its state.
fn state_of(v: &Value, id: u64) -> String {
    match v["State"].as_str() {
        Some(s @ ("Running" | "Completed" | "Failed" | "Cancelled")) => s.to_string(),
        Some(other) => panic!("job {id}: unknown state {other}: {v}"),
        None => {
            assert_eq!(code(v), "UnknownJob", "job {id}: {v}");
            "Unknown".to_string()
        }
    }
}

/// Asserts a finished job ended as its kind requires.
fn check_end(job: &Live, v: &Value, state: &str, seed: u64) {
    let ctx = format!("job {} ({:?}, seed {seed}): {v}", job.id, job.kind);
    match job.kind {
        Kind::Refused => {
            assert_eq!(state, "Completed", "{ctx}");
            assert_eq!(v["Report"]["Results"][1]["Id"], "CONN-TCP", "{ctx}");
            assert_eq!(
                v["Report"]["Results"][1]["Evidence"]["Outcome"], "Refused",
                "{ctx}"
            );
        }
        Kind::RefusedRacingCancel(_) => {
            assert!(state == "Completed" || state == "Cancelled", "{ctx}");
        }
        Kind::Bad => {
            assert_eq!(state, "Failed", "{ctx}");
            assert_eq!(code(v), "InvalidJson", "{ctx}");
        }
        Kind::SilentCancelledAtOnce | Kind::SilentCancelled(_) => {
            assert_eq!(state, "Cancelled", "{ctx}");
            assert_eq!(code(v), "Cancelled", "{ctx}");
            assert!(job.cancelled_at.is_some(), "{ctx}: ended without a cancel");
        }
        Kind::SilentFreed(_) => panic!("{ctx}: a silent job ended without a cancel or free"),
    }
}

/// Frees a finished job and checks that its id is gone for good.
fn release(w: &Wbd, id: u64) {
    w.free_job(id);
    assert_eq!(code(&w.poll(id)), "UnknownJob", "job {id} after free");
    w.free_job(id);
    w.cancel(id);
}

/// Starts `plan` and drives every job to its end; meanwhile polls jobs of other drivers
/// (which those may free at any moment). Returns how many jobs it saw blocked in TLS.
fn drive(w: &Wbd, plan: &[Kind], ports: &Ports, all_ids: &Mutex<Vec<u64>>, seed: u64) -> usize {
    let mut rng = Rng(seed.rotate_left(17) ^ plan.len() as u64);
    let mut live: Vec<Live> = Vec::new();
    for &kind in plan {
        let id = w.start(&request(kind, ports));
        assert_ne!(id, 0, "no worker thread could be started");
        let mut job = Live {
            id,
            kind,
            polls: 0,
            tls_at: None,
            cancelled_at: None,
            started: Instant::now(),
        };
        if kind == Kind::SilentCancelledAtOnce {
            w.cancel(id);
            job.cancelled_at = Some(Instant::now());
        }
        if let Ok(mut ids) = all_ids.lock() {
            ids.push(id);
        }
        live.push(job);
    }
    let bound = scaled(CANCEL_BOUND);
    // Reaching the TLS stage takes a native job milliseconds; allow a generous minute.
    let reach_tls = scaled(Duration::from_secs(60));
    let until = Instant::now() + scaled(Duration::from_secs(120));
    let mut blocked_in_tls = 0;
    while !live.is_empty() {
        assert!(
            Instant::now() < until,
            "seed {seed}: jobs {:?} did not end",
            live.iter().map(|j| (j.id, j.kind)).collect::<Vec<_>>()
        );
        let mut i = 0;
        while i < live.len() {
            let job = &mut live[i];
            let v = w.poll(job.id);
            job.polls += 1;
            let state = state_of(&v, job.id);
            if state != "Running" {
                check_end(job, &v, &state, seed);
                release(w, job.id);
                live.swap_remove(i);
                continue;
            }
            let in_tls = v["Progress"]["Activity"]
                .as_str()
                .is_some_and(|a| a.contains("TLS"));
            if in_tls && job.tls_at.is_none() {
                job.tls_at = Some(job.polls);
                blocked_in_tls += 1;
            }
            if let Some(at) = job.cancelled_at {
                assert!(
                    at.elapsed() < bound,
                    "seed {seed}: job {} ({:?}) still running {:?} after its cancel",
                    job.id,
                    job.kind,
                    at.elapsed()
                );
            } else {
                let after_tls = job.tls_at.map(|t| job.polls - t);
                match job.kind {
                    Kind::RefusedRacingCancel(k) if job.polls > k => {
                        w.cancel(job.id);
                        job.cancelled_at = Some(Instant::now());
                    }
                    Kind::SilentCancelled(k) if after_tls.is_some_and(|n| n >= k) => {
                        w.cancel(job.id);
                        job.cancelled_at = Some(Instant::now());
                    }
                    Kind::SilentFreed(k) if after_tls.is_some_and(|n| n >= k) => {
                        let t = Instant::now();
                        release(w, job.id);
                        assert!(
                            t.elapsed() < bound,
                            "seed {seed}: freeing running job {} took {:?}",
                            job.id,
                            t.elapsed()
                        );
                        live.swap_remove(i);
                        continue;
                    }
                    kind if kind.silent() => assert!(
                        job.started.elapsed() < reach_tls,
                        "seed {seed}: job {} never reached TLS: {v}",
                        job.id
                    ),
                    _ => {}
                }
            }
            i += 1;
        }
        // A job of any driver, possibly freed by now: the answer must still be well formed.
        let other = all_ids.lock().ok().and_then(|ids| {
            let n = ids.len() as u64;
            (n > 0).then(|| ids[usize::try_from(rng.below(n)).unwrap_or(0)])
        });
        if let Some(id) = other {
            state_of(&w.poll(id), id);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    blocked_in_tls
}

#[test]
#[cfg(target_os = "linux")]
fn jobs_under_load_end_as_planned_and_leave_nothing_behind() {
    hundred_jobs_from_four_threads();
    idle_jobs_cancelled_and_freed_from_several_threads();
}

/// 100 jobs of every kind, driven by four threads at once.
fn hundred_jobs_from_four_threads() {
    let seed = seed();
    let plans = plans(seed);
    let all: Vec<Kind> = plans.iter().flatten().copied().collect();
    assert_eq!(all.len(), 100);
    // The plan must hold every kind, or some path would go untested.
    for probe in [
        |k: &Kind| *k == Kind::Refused,
        |k: &Kind| matches!(k, Kind::RefusedRacingCancel(_)),
        |k: &Kind| *k == Kind::Bad,
        |k: &Kind| *k == Kind::SilentCancelledAtOnce,
        |k: &Kind| matches!(k, Kind::SilentCancelled(_)),
        |k: &Kind| matches!(k, Kind::SilentFreed(_)),
    ] {
        assert!(all.iter().any(probe), "seed {seed} lacks a kind: {all:?}");
    }
    let must_reach_tls = all
        .iter()
        .filter(|k| matches!(k, Kind::SilentCancelled(_) | Kind::SilentFreed(_)))
        .count();

    let w = Wbd::load();
    let refused = closed_port();
    let sockets_before = sockets();
    let silent = Silent::start();
    let ports = Ports {
        refused,
        silent: silent.port,
    };
    let threads_before = threads();
    let ids = Mutex::new(Vec::new());
    let blocked: usize = std::thread::scope(|s| {
        let handles: Vec<_> = plans
            .iter()
            .map(|plan| s.spawn(|| drive(&w, plan, &ports, &ids, seed)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .sum()
    });
    // Jobs cancelled at once may get that far too before they notice.
    assert!(
        blocked >= must_reach_tls,
        "seed {seed}: {blocked} < {must_reach_tls}"
    );
    let ids = ids.into_inner().unwrap_or_else(|p| p.into_inner());
    assert_eq!(ids.len(), 100);
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), 100, "job ids are unique");
    for id in &ids {
        assert_eq!(code(&w.poll(*id)), "UnknownJob", "job {id} was freed");
    }
    let settled = std::panic::catch_unwind(|| {
        eventually(
            "threads back to the count before the jobs",
            Duration::from_secs(3),
            || threads() == threads_before,
        )
    });
    assert!(
        settled.is_ok(),
        "seed {seed}: {} threads, {threads_before} before the jobs: {:?}",
        threads(),
        thread_names()
    );
    drop(silent);
    eventually(
        "sockets back to the count before the jobs",
        Duration::from_secs(3),
        || sockets() == sockets_before,
    );
}

/// Three jobs holding idle connections, cut off from three threads at the same moment:
/// every connection closes.
fn idle_jobs_cancelled_and_freed_from_several_threads() {
    let w = Wbd::load();
    let pki = Pki::new();
    let server = Server::tls(
        &pki.leaf(LeafKind::Good),
        Behavior::IdleServer { close_after: None },
    );
    let relay = IdleRelay::start(server.port(), IdleKill::Never);
    std::thread::sleep(Duration::from_millis(100));
    let (threads_before, sockets_before) = (threads(), sockets());

    // Checkpoints far beyond the test's length, so every job is still idling when cut off.
    let checkpoints: Vec<u64> = [30, 60, 90].iter().map(|s| s * u64::from(slow())).collect();
    let request = json!({"Command": "connectivity", "Options": {
        "Endpoints": [relay.endpoint()], "NoDefaultEndpoints": true,
        "CaFile": pki.ca_file_str(), "TimeoutMs": ms(scaled(Duration::from_secs(2))),
        "IdleCheckpoints": checkpoints}})
    .to_string();
    let jobs: Vec<u64> = (0..3).map(|_| w.start(&request)).collect();
    assert!(jobs.iter().all(|j| *j != 0));
    // Each job: its regular probe's flow, then one idle connection per checkpoint.
    // (A job that ended early ends the wait too; the asserts below then show its report.)
    eventually("nine idle connections", Duration::from_secs(15), || {
        (relay.accepted() >= 12 && relay.open_flows() == 9)
            || jobs.iter().any(|j| w.poll(*j)["State"] != "Running")
    });
    for j in &jobs {
        let v = w.poll(*j);
        assert_eq!(v["State"], "Running", "{v}");
    }
    assert_eq!(relay.open_flows(), 9);

    // At the same moment: one thread cancels and waits, one frees without a cancel, one
    // cancels and frees at once without polling.
    let bound = scaled(CANCEL_BOUND);
    let go = Barrier::new(jobs.len());
    std::thread::scope(|s| {
        let (w, go) = (&w, &go);
        let (first, second, third) = (jobs[0], jobs[1], jobs[2]);
        let cancel_and_wait = s.spawn(move || {
            go.wait();
            let t = Instant::now();
            w.cancel(first);
            let done = w.wait(first, 150);
            assert!(t.elapsed() < bound, "cancel took {:?}", t.elapsed());
            assert_eq!(done["State"], "Cancelled", "{done}");
            release(w, first);
        });
        let free_running = s.spawn(move || {
            go.wait();
            let t = Instant::now();
            release(w, second);
            assert!(t.elapsed() < bound, "free took {:?}", t.elapsed());
        });
        let cancel_then_free = s.spawn(move || {
            go.wait();
            let t = Instant::now();
            w.cancel(third);
            release(w, third);
            assert!(t.elapsed() < bound, "cancel + free took {:?}", t.elapsed());
        });
        for h in [cancel_and_wait, free_running, cancel_then_free] {
            h.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
        }
    });

    eventually(
        "the relay to see every flow closed",
        Duration::from_secs(3),
        || relay.open_flows() == 0,
    );
    eventually(
        "sockets back to the count before the jobs",
        Duration::from_secs(3),
        || sockets() == sockets_before,
    );
    eventually(
        "threads back to the count before the jobs",
        Duration::from_secs(3),
        || threads() == threads_before,
    );
}
