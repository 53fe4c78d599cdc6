//! Benchmark: the PERM-USERS and PERM-PROTECTED-USERS evaluation of 10,000 users, each
//! with its own realistic descriptor text (the snapshot of `common/users.rs`). Measured
//! against a baseline in the same run: `serde_json` parsing the snapshot's JSON text, the
//! cost of reading the facts at all. Absolute times drift between machines; the ratio is
//! what to watch. The target: 10,000 users well under 100 ms, not counting the JSON parse.
//!
//! Run: `cargo bench --bench permissions`.

use std::hint::black_box;
use std::time::{Duration, Instant};

#[path = "common/users.rs"]
mod users_gen;

use serde_json::{json, Value};
use writeback_diagnostics::permissions::users;
use writeback_diagnostics::rules::Ctx;
use writeback_diagnostics::snapshot;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        println!("permissions: bench");
        return;
    }
    // `cargo bench` passes --bench; `cargo test --all-targets` runs a quick smoke round.
    let full = std::env::args().any(|a| a == "--bench");
    let (n, rounds) = if full { (10_000, 11) } else { (300, 1) };
    let text = users_gen::snapshot(n).to_string();

    let (mut parse, mut decode, mut eval) = (Vec::new(), Vec::new(), Vec::new());
    let mut checked = Value::Null;
    for _ in 0..rounds {
        let t = Instant::now();
        let value: Value = serde_json::from_str(&text).expect("generated JSON parses");
        parse.push(t.elapsed());
        let t = Instant::now();
        let snap = snapshot::decode(&value).expect("generated snapshot decodes");
        decode.push(t.elapsed());
        let t = Instant::now();
        let results = users::evaluate(&Ctx::new(&snap));
        eval.push(t.elapsed());
        checked = results
            .iter()
            .find(|r| r.id == "PERM-USERS")
            .map(|r| {
                json!([
                    r.evidence.get("Checked"),
                    r.evidence.get("DistinctDescriptors")
                ])
            })
            .unwrap_or(Value::Null);
        black_box(results);
    }
    let (parse, decode, eval) = (median(parse), median(decode), median(eval));
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "permissions: {n} users ({:.1} MiB of snapshot JSON), [checked, distinct descriptors] = {checked}",
        text.len() as f64 / (1024.0 * 1024.0)
    );
    println!("  decode of the parsed snapshot: {:.2} ms", ms(decode));
    println!(
        "  PERM-USERS + PERM-PROTECTED-USERS evaluation: {:.2} ms",
        ms(eval)
    );
    println!("  decode + evaluation: {:.2} ms", ms(decode + eval));
    println!(
        "baseline: serde_json parsing the snapshot text: {:.2} ms",
        ms(parse)
    );
    if full {
        let verdict = if decode + eval < Duration::from_millis(100) {
            "under"
        } else {
            "OVER"
        };
        println!(
            "target: 10,000 users well under 100 ms (decode + evaluation): {verdict} ({:.2} ms)",
            ms(decode + eval)
        );
    }
    println!(
        "ratio (decode + evaluation) / baseline: {:.2} (median of {rounds} rounds)",
        (decode + eval).as_secs_f64() / parse.as_secs_f64().max(1e-9)
    );
}
