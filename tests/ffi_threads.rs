//! Cancelling and freeing a job leaves no thread behind. Alone in its own test binary so
//! that no other test's threads disturb the count.

mod common;

use std::time::Duration;

use common::{threads, Silent, Wbd};

#[test]
#[cfg(target_os = "linux")]
fn cancelled_jobs_leave_no_threads() {
    let w = Wbd::load();
    let silent = Silent::start();
    let before = threads();
    let req = format!(
        r#"{{"Command":"connectivity","Options":{{"Endpoints":["127.0.0.1:{}","127.0.0.1:{}"],"NoDefaultEndpoints":true,"TimeoutMs":30000,"OverallTimeoutMs":60000}}}}"#,
        silent.port, silent.port
    );
    let jobs: Vec<u64> = (0..4).map(|_| w.start(&req)).collect();
    std::thread::sleep(Duration::from_millis(200));
    assert!(threads() >= before + 4, "workers are running");
    for j in &jobs {
        w.cancel(*j);
    }
    for j in &jobs {
        w.free_job(*j);
    }
    assert_eq!(threads(), before, "threads left behind after cancel + free");
}
