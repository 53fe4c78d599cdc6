//! Cancelling an idle test through the C ABI ends it at once and leaves no socket and no
//! thread behind. Alone in its own test binary so that no other test's threads or
//! sockets disturb the counts.

mod common;
mod support;

use std::time::{Duration, Instant};

use common::{eventually, scaled, sockets, threads, Wbd};
use support::relay::{IdleKill, IdleRelay};
use support::{Behavior, LeafKind, Pki, Server};

#[test]
#[cfg(target_os = "linux")]
fn cancelling_an_idle_test_closes_its_connections_at_once() {
    let w = Wbd::load();
    let pki = Pki::new();
    let server = Server::tls(
        &pki.leaf(LeafKind::Good),
        Behavior::IdleServer { close_after: None },
    );
    let relay = IdleRelay::start(server.port(), IdleKill::Never);
    std::thread::sleep(Duration::from_millis(100));
    let (threads_before, sockets_before) = (threads(), sockets());

    let request = serde_json::json!({"Command": "connectivity", "Options": {
        "Endpoints": [relay.endpoint()], "NoDefaultEndpoints": true,
        "CaFile": pki.ca_file_str(),
        "TimeoutMs": scaled(Duration::from_secs(2)).as_millis() as u64,
        "IdleCheckpoints": [30, 60, 90]}})
    .to_string();
    let job = w.start(&request);
    // The regular probe's flow, then one idle connection per checkpoint held open.
    // (A job that ended early ends the wait too; the assert below then shows its report.)
    eventually("three idle connections", Duration::from_secs(10), || {
        (relay.accepted() >= 4 && relay.open_flows() == 3) || w.poll(job)["State"] != "Running"
    });
    let poll = w.poll(job);
    assert_eq!(poll["State"], "Running", "{poll}");
    assert_eq!(relay.open_flows(), 3);
    let activity = poll["Progress"]["Activity"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    eventually(
        "progress showing the time left",
        Duration::from_secs(3),
        || {
            let p = w.poll(job);
            p["Progress"]["Activity"]
                .as_str()
                .is_some_and(|a| a.starts_with("Idle test: 1 min") && a.contains("left"))
        },
    );

    let cancelled_at = Instant::now();
    w.cancel(job);
    let done = w.wait(job, 100);
    assert!(
        cancelled_at.elapsed() < scaled(Duration::from_secs(1)),
        "cancel took {:?}",
        cancelled_at.elapsed()
    );
    assert_eq!(done["State"], "Cancelled", "{done} (before: {activity})");
    w.free_job(job);

    // The relay sees every idle connection closed by the engine, and this process is back
    // to the sockets and threads it had before the job.
    eventually(
        "the relay to see every flow closed",
        Duration::from_secs(3),
        || relay.open_flows() == 0,
    );
    eventually(
        "sockets back to the count before the job",
        Duration::from_secs(3),
        || sockets() == sockets_before,
    );
    eventually(
        "threads back to the count before the job",
        Duration::from_secs(3),
        || threads() == threads_before,
    );
}
