//! Benchmark: parse 10,000 user security descriptors of realistic size (the default
//! user DACL plus the ACEs a prepared domain root passes down, about 2 KiB of SDDL
//! each) and evaluate the five writeback rights on each, against a baseline measured
//! in the same run: `serde_json` parsing the same descriptors written as JSON (one
//! object per ACE with the same fields). The baseline is a general-purpose parser
//! reading the same information, so the ratio says what our parser costs over reading
//! the text at all; absolute times drift between machines, the ratio is what to watch.
//! The target: well under 100 ms for the 10,000. The ratio is the last line printed.
//!
//! Run: `cargo bench --bench sddl`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use writeback_diagnostics::sddl::{self, rights, writeback_rights, Domains, Outcome, Sid, Token};

const TEMPLATE: &str = include_str!("../tests/fixtures/sddl/user-default.sddl");
const CONNECTOR_RID: &str = "-1105)";

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Descriptors that differ the way real ones do: the connector ACEs name one of a few
/// accounts, some users carry an extra explicit delegation or a deny.
fn descriptors(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let rid = 1100 + (i % 10);
            let mut text = TEMPLATE.replace(CONNECTOR_RID, &format!("-{rid})"));
            if i % 7 == 0 {
                text = text.replacen(
                    "O:DAG:DUD:AI",
                    "O:DAG:DUD:AI(OD;;CR;00299570-246d-11d0-a768-00aa006e0529;;S-1-5-21-1004336348-1177238915-682003330-1105)",
                    1,
                );
            }
            if i % 5 == 0 {
                text = text.replacen(
                    "O:DAG:DUD:AI",
                    &format!("O:DAG:DUD:AI(A;;GA;;;S-1-5-21-1004336348-1177238915-682003330-{})", 3000 + i),
                    1,
                );
            }
            text
        })
        .collect()
}

/// The same descriptor as JSON: owner, group, flags and an array of ACE objects.
fn as_json(sd: &sddl::SecurityDescriptor) -> String {
    let aces: Vec<serde_json::Value> = sd
        .aces()
        .iter()
        .map(|a| {
            serde_json::json!({
                "Type": a.kind.code(),
                "Flags": a.flags.0,
                "Rights": rights::render(a.mask),
                "ObjectType": a.object_type.map(|g| g.to_string()),
                "InheritedObjectType": a.inherited_object_type.map(|g| g.to_string()),
                "Trustee": a.trustee.to_string(),
            })
        })
        .collect();
    serde_json::json!({
        "Owner": sd.owner.map(|o| o.to_string()),
        "Group": sd.group.map(|g| g.to_string()),
        "Protected": sd.is_protected(),
        "Dacl": aces,
    })
    .to_string()
}

// Not inlined, so a profiler (`valgrind --tool=callgrind --toggle-collect=sddl::ours`)
// can measure the timed work alone.
#[inline(never)]
fn ours(texts: &[String], token: &Token, domains: &Domains) -> (Duration, usize) {
    let rights = writeback_rights();
    let t = Instant::now();
    let mut granted = 0;
    for text in texts {
        let Ok(sd) = sddl::parse(text) else {
            continue;
        };
        for w in &rights {
            let v = sddl::effective(&sd, rights::CLASS_USER, token, Some(domains), &w.right);
            granted += usize::from(v.outcome == Outcome::Granted);
        }
    }
    (t.elapsed(), black_box(granted))
}

#[inline(never)]
fn parse_only(texts: &[String]) -> Duration {
    let t = Instant::now();
    for text in texts {
        let _ = black_box(sddl::parse(text));
    }
    t.elapsed()
}

fn baseline(jsons: &[String]) -> (Duration, usize) {
    let t = Instant::now();
    let mut aces = 0;
    for j in jsons {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(j) {
            aces += v["Dacl"].as_array().map_or(0, Vec::len);
        }
    }
    (t.elapsed(), black_box(aces))
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        println!("sddl: bench");
        return;
    }
    // `cargo bench` passes --bench; `cargo test --all-targets` runs a quick smoke round.
    let full = std::env::args().any(|a| a == "--bench");
    let (n, rounds) = if full { (10_000, 15) } else { (200, 1) };
    let texts = descriptors(n);
    let jsons: Vec<String> = texts
        .iter()
        .filter_map(|t| sddl::parse(t).ok())
        .map(|sd| as_json(&sd))
        .collect();
    assert_eq!(jsons.len(), n, "every generated descriptor parses");
    let sddl_bytes: usize = texts.iter().map(String::len).sum();
    let json_bytes: usize = jsons.iter().map(String::len).sum();

    let domain = Sid::parse("S-1-5-21-1004336348-1177238915-682003330").expect("sid");
    let domains = Domains::single(domain);
    let token = Token::authenticated(
        domain.with_rid(1105).expect("rid"),
        &[domain.with_rid(513).expect("rid")],
    );

    let (mut o, mut b, mut p) = (Vec::new(), Vec::new(), Vec::new());
    let mut granted = 0;
    for _ in 0..rounds {
        let (t, g) = ours(&texts, &token, &domains);
        o.push(t);
        granted = g;
        b.push(baseline(&jsons).0);
        p.push(parse_only(&texts));
    }
    let (o, b, p) = (median(o), median(b), median(p));
    println!(
        "sddl: {n} user descriptors ({:.1} KiB SDDL each), parse + 5 rights: {:.2} ms ({:.2} us each), {granted} grants",
        sddl_bytes as f64 / n as f64 / 1024.0,
        o.as_secs_f64() * 1e3,
        o.as_secs_f64() * 1e6 / n as f64
    );
    println!("  of which parsing alone: {:.2} ms", p.as_secs_f64() * 1e3);
    println!(
        "baseline: serde_json::Value parsing the same descriptors as JSON ({:.1} KiB each), a general-purpose parser reading the same fields: {:.2} ms",
        json_bytes as f64 / n as f64 / 1024.0,
        b.as_secs_f64() * 1e3
    );
    if full {
        let verdict = if o < Duration::from_millis(100) {
            "under"
        } else {
            "OVER"
        };
        println!(
            "target: 10,000 descriptors well under 100 ms: {verdict} ({:.2} ms)",
            o.as_secs_f64() * 1e3
        );
    }
    println!(
        "ratio ours / baseline: {:.2} (median of {rounds} rounds)",
        o.as_secs_f64() / b.as_secs_f64().max(1e-9)
    );
}
