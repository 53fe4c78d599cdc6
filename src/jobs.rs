//! Requests running on worker threads, addressed by never-reused `u64` ids.

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;

use serde_json::{json, Value};

use crate::api::{envelope, error_envelope, Report};
use crate::control::Control;
use crate::error::{ErrorCode, WbdError};

type Outcome = Result<Report, WbdError>;

struct Job {
    control: Control,
    outcome: Arc<Mutex<Option<Outcome>>>,
    worker: Option<JoinHandle<()>>,
}

/// The live jobs. A `BTreeMap`, not a `HashMap`: its nodes are referenced by their start
/// address, so a leak checker sees the table of a still-loaded library as reachable (a
/// hash table is referenced from the middle of its allocation, which valgrind reports as
/// "possibly lost"). Ids only grow, so inserts land at the right edge.
fn table() -> &'static Mutex<BTreeMap<u64, Job>> {
    static JOBS: OnceLock<Mutex<BTreeMap<u64, Job>>> = OnceLock::new();
    JOBS.get_or_init(|| Mutex::new(BTreeMap::new()))
}

/// Ids start at 1 and are never reused, so a stale id can never reach another job.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

fn lock() -> std::sync::MutexGuard<'static, BTreeMap<u64, Job>> {
    table()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Starts `request` (raw JSON text or an input error already found) on a worker thread.
/// Returns 0 only when no thread could be started.
pub fn start(request: Result<String, WbdError>) -> u64 {
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let control = Control::new();
    let outcome: Arc<Mutex<Option<Outcome>>> = Arc::new(Mutex::new(None));
    let worker = {
        let control = control.clone();
        let outcome = outcome.clone();
        std::thread::Builder::new()
            .name(format!("wbd-job-{id}"))
            .spawn(move || {
                let result = catch_unwind(AssertUnwindSafe(|| {
                    request.and_then(|text| {
                        crate::request::parse(&text)
                            .and_then(|req| crate::engine::run(&req, &control))
                    })
                }))
                .unwrap_or_else(|p| {
                    Err(WbdError::new(
                        ErrorCode::Panic,
                        crate::panic_message(p.as_ref()),
                    ))
                });
                if let Ok(mut slot) = outcome.lock() {
                    *slot = Some(result);
                }
            })
    };
    match worker {
        Ok(handle) => {
            lock().insert(
                id,
                Job {
                    control,
                    outcome,
                    worker: Some(handle),
                },
            );
            id
        }
        Err(_) => 0,
    }
}

fn unknown(id: u64) -> Value {
    error_envelope(&WbdError::new(
        ErrorCode::UnknownJob,
        format!("job {id} does not exist or was already freed"),
    ))
}

/// State, progress and, once finished, the report or error of job `id`.
pub fn poll(id: u64) -> Value {
    let jobs = lock();
    let Some(job) = jobs.get(&id) else {
        return unknown(id);
    };
    let p = job.control.progress();
    let progress = json!({"Percent": p.percent, "Activity": p.activity});
    let done = job.outcome.lock().ok().and_then(|o| o.clone());
    match done {
        None => json!({"Ok": true, "State": "Running", "Progress": progress}),
        Some(result) => {
            let state = match &result {
                Ok(_) => "Completed",
                Err(e) if e.code == ErrorCode::Cancelled => "Cancelled",
                Err(_) => "Failed",
            };
            let mut v = envelope(&result);
            if let Some(obj) = v.as_object_mut() {
                obj.insert("State".into(), Value::from(state));
                obj.insert("Progress".into(), progress);
            }
            v
        }
    }
}

/// Asks job `id` to stop; its sockets close at the next await point. Unknown ids are ignored.
pub fn cancel(id: u64) {
    if let Some(job) = lock().get(&id) {
        job.control.cancel();
    }
}

/// Cancels job `id`, waits for its worker thread to end and forgets the job. Returns
/// false for an unknown or already freed id.
///
/// Freeing the last job also releases the table's last node, so a host that frees every
/// job and then unloads the library leaves none of the table behind.
pub fn free(id: u64) -> bool {
    let job = {
        let mut jobs = lock();
        let job = jobs.remove(&id);
        if jobs.is_empty() {
            *jobs = BTreeMap::new();
        }
        job
    };
    match job {
        None => false,
        Some(mut job) => {
            job.control.cancel();
            if let Some(worker) = job.worker.take() {
                let _ = worker.join();
            }
            true
        }
    }
}

/// Number of jobs not yet freed.
pub fn live_jobs() -> usize {
    lock().len()
}
