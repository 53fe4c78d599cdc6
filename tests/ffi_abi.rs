//! Drives the built cdylib through every export, including every bad-input path.

mod common;

use std::time::{Duration, Instant};

use common::{closed_port, code, scaled, slow, Silent, Wbd};

#[test]
fn version_is_the_crate_version() {
    assert_eq!(Wbd::load().version(), env!("CARGO_PKG_VERSION"));
}

#[test]
fn bad_inputs_give_error_envelopes() {
    let w = Wbd::load();
    assert_eq!(code(&w.run_bytes(None)), "NullArgument");
    assert_eq!(
        code(&w.run_bytes(Some(b"{\"Command\":\"\xff\xfe\"}"))),
        "InvalidUtf8"
    );
    assert_eq!(code(&w.run("{\"Command\":")), "InvalidJson");
    assert_eq!(code(&w.run("42")), "InvalidJson");
    assert_eq!(code(&w.run("")), "InvalidJson");
    assert_eq!(
        code(&w.run(r#"{"Command":"frobnicate"}"#)),
        "UnknownCommand"
    );
    assert_eq!(
        code(&w.run(r#"{"Command":"connectivity","Options":{"TimeoutMs":-1}}"#)),
        "InvalidInput"
    );
    assert_eq!(
        code(&w.run(r#"{"Command":"connectivity","Options":{"Endpoints":["h:70000"]}}"#)),
        "InvalidInput"
    );
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(code(&w.run(&deep)), "InvalidJson");
    let huge = format!(
        r#"{{"Command":"connectivity","Pad":"{}"}}"#,
        "x".repeat(17 * 1024 * 1024)
    );
    assert_eq!(code(&w.run(&huge)), "RequestTooLarge");
    w.free_null();
}

#[test]
fn non_ascii_round_trips() {
    let w = Wbd::load();
    let v = w.run(r#"{"Command":"ünknown-命令"}"#);
    assert_eq!(code(&v), "UnknownCommand");
    let msg = v["Error"]["Message"].as_str().expect("message");
    assert!(msg.contains("ünknown-命令"), "{msg}");
}

#[test]
fn panics_are_contained() {
    let w = Wbd::load();
    let v = w.run(r#"{"Command":"selftest-panic"}"#);
    assert_eq!(code(&v), "Panic");
    assert!(v["Error"]["Message"]
        .as_str()
        .unwrap_or("")
        .contains("self-test panic"));
    let job = w.start(r#"{"Command":"selftest-panic"}"#);
    let done = w.wait(job, 250);
    assert_eq!(done["State"], "Failed");
    assert_eq!(code(&done), "Panic");
    w.free_job(job);
    assert_eq!(
        code(&w.run("{")),
        "InvalidJson",
        "library still works after a panic"
    );
}

#[test]
fn run_reports_a_refused_port() {
    let w = Wbd::load();
    let port = closed_port();
    let v = w.run(&format!(
        r#"{{"Command":"connectivity","Options":{{"Endpoints":["127.0.0.1:{port}"],"NoDefaultEndpoints":true,"TimeoutMs":2000}}}}"#
    ));
    assert_eq!(v["Ok"], true, "{v}");
    let r = &v["Report"];
    assert_eq!(r["Tool"], "WritebackDiagnostics");
    assert_eq!(r["Command"], "connectivity");
    assert_eq!(r["Summary"]["Fail"], 1);
    // Tls and Http, then the run's revocation and clock rows (nothing to compare).
    assert_eq!(r["Summary"]["Skipped"], 4);
    assert_eq!(r["Results"][1]["Id"], "CONN-TCP");
    assert_eq!(r["Results"][1]["Evidence"]["Outcome"], "Refused");
}

#[test]
fn bad_request_still_gets_a_job() {
    let w = Wbd::load();
    for (input, want) in [
        (None, "NullArgument"),
        (Some(&b"\xc3\x28"[..]), "InvalidUtf8"),
        (Some(&b"{nope"[..]), "InvalidJson"),
        (Some(&br#"{"Command":"nope"}"#[..]), "UnknownCommand"),
    ] {
        let job = w.start_bytes(input);
        assert_ne!(job, 0);
        let v = w.wait(job, 250);
        assert_eq!(v["State"], "Failed", "{v}");
        assert_eq!(code(&v), want);
        w.free_job(job);
    }
}

#[test]
fn job_completes_with_progress_and_report() {
    let w = Wbd::load();
    let port = closed_port();
    let job = w.start(&format!(
        r#"{{"Command":"connectivity","Options":{{"Endpoints":["localhost:{port}"],"NoDefaultEndpoints":true,"TimeoutMs":2000}}}}"#
    ));
    let v = w.wait(job, 250);
    assert_eq!(v["State"], "Completed", "{v}");
    assert_eq!(v["Ok"], true);
    assert_eq!(v["Progress"]["Percent"], 100);
    // The endpoint's four stages, then the run's revocation, clock and allow-list rows.
    assert_eq!(v["Report"]["Results"].as_array().map(Vec::len), Some(7));
    // Polling a finished job again gives the same answer until it is freed.
    assert_eq!(w.poll(job)["State"], "Completed");
    w.free_job(job);
    assert_eq!(code(&w.poll(job)), "UnknownJob");
    w.free_job(job);
    w.cancel(job);
    assert_eq!(code(&w.poll(0)), "UnknownJob");
    assert_eq!(code(&w.poll(u64::MAX)), "UnknownJob");
}

#[test]
fn cancel_stops_a_silent_job_promptly() {
    let w = Wbd::load();
    let silent = Silent::start();
    let job = w.start(&format!(
        r#"{{"Command":"connectivity","Options":{{"Endpoints":["127.0.0.1:{}"],"NoDefaultEndpoints":true,"TimeoutMs":30000,"OverallTimeoutMs":60000}}}}"#,
        silent.port
    ));
    let mut saw_running = false;
    for _ in 0..100 * slow() {
        let v = w.poll(job);
        if v["State"] == "Running"
            && v["Progress"]["Activity"]
                .as_str()
                .unwrap_or("")
                .contains("TLS")
        {
            saw_running = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(saw_running, "job never reached the TLS stage");
    let t = Instant::now();
    w.cancel(job);
    let v = w.wait(job, 100);
    assert!(
        t.elapsed() < scaled(Duration::from_secs(1)),
        "cancel took {:?}",
        t.elapsed()
    );
    assert_eq!(v["State"], "Cancelled");
    assert_eq!(code(&v), "Cancelled");
    w.free_job(job);
}

#[test]
fn many_jobs_run_side_by_side() {
    let w = Wbd::load();
    let port = closed_port();
    let req = format!(
        r#"{{"Command":"connectivity","Options":{{"Endpoints":["127.0.0.1:{port}"],"NoDefaultEndpoints":true}}}}"#
    );
    let jobs: Vec<u64> = (0..16).map(|_| w.start(&req)).collect();
    let mut ids = jobs.clone();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 16, "job ids are unique");
    for j in jobs {
        assert_eq!(w.wait(j, 250)["State"], "Completed");
        w.free_job(j);
    }
}

/// An event diagnosis and an HTML report through `wbd_run`: together they build every
/// pattern and automaton the library keeps ([`writeback_diagnostics::cache`]), so the
/// valgrind run of this suite (scripts/valgrind.sh) sees them freed when the library is
/// unloaded. The assertions show each was used.
#[test]
fn events_and_html_report_build_the_kept_patterns() {
    let w = Wbd::load();
    let dir = tempfile::tempdir().expect("tempdir");
    let events = dir.path().join("events.json");
    let relay = "ssprdedicatedsbprodscu-1.servicebus.windows.net";
    let endpoint = "11111111-2222-3333-4444-555555555555_66666666-7777-8888-9999-aaaaaaaaaaaa";
    let message = format!(
        "An error occurred. hr=80230619 relay {relay}/{endpoint} via https://proxyuser:Pr0xy-Secret@proxy.invalid:8080"
    );
    let list = serde_json::json!([
        {"Id": 31019, "ProviderName": "PasswordResetService",
         "TimeCreated": "2024-06-03T08:00:00Z", "LevelDisplayName": "Information",
         "Message": format!("Heartbeat {relay}/{endpoint}")},
        {"Id": 33004, "ProviderName": "PasswordResetService",
         "TimeCreated": "2024-06-03T08:05:00Z", "LevelDisplayName": "Error",
         "Message": message},
    ]);
    std::fs::write(&events, list.to_string()).expect("write events");
    let request = serde_json::json!({"Command": "events", "Options": {
        "Path": events.to_string_lossy(), "Now": "2024-06-03T08:10:00Z"}});
    let v = w.run(&request.to_string());
    assert_eq!(v["Ok"], true, "{v}");
    let text = v.to_string();
    assert!(text.contains("EVT-HR-80230619"), "hr code found: {text}");
    assert!(
        text.contains("ssprdedicatedsbprodscu-1"),
        "relay found: {text}"
    );
    assert!(
        !text.contains("Pr0xy-Secret"),
        "proxy password hidden: {text}"
    );

    let html = dir.path().join("report.html");
    let request = serde_json::json!({"Command": "report", "Options": {
        "Report": v, "Path": html.to_string_lossy()}});
    let r = w.run(&request.to_string());
    assert_eq!(r["Ok"], true, "{r}");
    let page = std::fs::read_to_string(&html).expect("html written");
    assert!(page.contains("EVT-HR-80230619"));
    assert!(!page.contains("Pr0xy-Secret"), "no password in the page");
}
