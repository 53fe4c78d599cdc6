//! `CONN-CLOCK`: this server's clock against the `Date` of every HTTP answer of the run
//! (endpoints and revocation servers), one row for the run.
//!
//! The verdict rests on the median offset, so one server with a wrong clock (or a cache
//! that kept an old `Date` without `Age`) does not condemn this one; the largest offset
//! and every sample are in the evidence.

use serde_json::{json, Value};

use crate::api::{CheckResult, Status};
use crate::checks::result_from;
use crate::probe::clock::{LOCAL_TIME_KEY, OFFSET_KEY, SERVER_DATE_KEY};
use crate::probe::Finding;

/// Stable Id of the clock row.
pub const CLOCK_ID: &str = "CONN-CLOCK";
/// Fail above this many seconds (5 minutes). Microsoft's defaults for clock tolerance are
/// 5 minutes: Kerberos' "Maximum tolerance for computer clock synchronization"
/// (https://learn.microsoft.com/windows/security/threat-protection/security-policy-settings/maximum-tolerance-for-computer-clock-synchronization,
/// read 2026-12-02) and .NET token validation (`TokenValidationParameters.DefaultClockSkew`,
/// 300 s, https://learn.microsoft.com/dotnet/api/microsoft.identitymodel.tokens.tokenvalidationparameters.defaultclockskew,
/// read 2026-12-02). No Microsoft page gives a number for writeback itself.
pub const FAIL_ABOVE_SECONDS: i64 = 300;
/// Warn above this many seconds (1 minute): our choice, the requirement.
pub const WARN_ABOVE_SECONDS: i64 = 60;
/// A skewed clock is a documented cause of writeback failing to configure ("Unable to
/// configure password writeback", KB 3185990).
pub const SKEW_DOC: &str = "https://learn.microsoft.com/troubleshoot/entra/entra-id/user-prov-sync/unable-configure-pwd-writeback-error";
/// Samples listed in the evidence at most.
const MAX_LISTED: usize = 32;
const BASIS: &str = "Fail above 5 minutes: Microsoft's default clock tolerance (Kerberos, .NET token validation); Warning above 1 minute: our choice. That a skewed clock breaks writeback: Microsoft (KB 3185990); the exact limit for writeback's tokens is not documented.";

/// One HTTP answer's offset.
#[derive(Debug, Clone, PartialEq)]
struct Sample {
    target: String,
    server_date: String,
    local_time: String,
    offset: i64,
}

/// Offsets from the results: each row's own evidence, and each entry of an `Urls` list
/// (the revocation rows). Rows with a `ServerDate` but no offset had an unreadable date.
fn samples(results: &[CheckResult]) -> (Vec<Sample>, Vec<String>) {
    let mut found = Vec::new();
    let mut unreadable = Vec::new();
    let mut take = |target: &str, ev: &serde_json::Map<String, Value>| {
        let date = ev.get(SERVER_DATE_KEY).and_then(Value::as_str);
        match (ev.get(OFFSET_KEY).and_then(Value::as_i64), date) {
            (Some(offset), Some(d)) => found.push(Sample {
                target: target.to_string(),
                server_date: d.to_string(),
                local_time: ev
                    .get(LOCAL_TIME_KEY)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                offset,
            }),
            (None, Some(d)) => unreadable.push(format!("{target}: {d:?}")),
            _ => {}
        }
    };
    for r in results {
        take(&r.target, &r.evidence);
        if let Some(urls) = r.evidence.get("Urls").and_then(Value::as_array) {
            for u in urls {
                if let Some(ev) = u.as_object() {
                    let target = ev.get("Url").and_then(Value::as_str).unwrap_or(&r.target);
                    take(target, ev);
                }
            }
        }
    }
    (found, unreadable)
}

/// The median offset; of two middle values, the one nearer zero.
fn median(offsets: &[i64]) -> Option<i64> {
    let mut v = offsets.to_vec();
    v.sort_unstable();
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => v.get(n / 2).copied(),
        _ => {
            let (a, b) = (v[n / 2 - 1], v[n / 2]);
            Some(if a.abs() <= b.abs() { a } else { b })
        }
    }
}

fn describe(offset: i64) -> String {
    match offset {
        0 => "in step with".to_string(),
        o if o > 0 => format!("{o} s behind"),
        o => format!("{} s ahead of", -o),
    }
}

/// The clock row for the run.
pub fn summarise(results: &[CheckResult]) -> CheckResult {
    let (found, unreadable) = samples(results);
    let offsets: Vec<i64> = found.iter().map(|s| s.offset).collect();
    let listed: Vec<Value> = found
        .iter()
        .take(MAX_LISTED)
        .map(|s| {
            json!({"Target": s.target, "ServerDate": s.server_date, "LocalTime": s.local_time, OFFSET_KEY: s.offset})
        })
        .collect();
    let Some(mid) = median(&offsets) else {
        let f = Finding {
            status: Status::Skipped,
            ..Finding::pass(
                "NoDate",
                "Clock not compared",
                if unreadable.is_empty() {
                    "No HTTP answer of this run (if any arrived) carried a Date header, so this server's clock was not compared.".to_string()
                } else {
                    format!("No HTTP answer carried a Date in the IMF-fixdate form ({}), so this server's clock was not compared.", unreadable.join("; "))
                },
            )
        };
        return row(f, &listed, &unreadable, None, None);
    };
    let worst = found
        .iter()
        .max_by_key(|s| s.offset.abs())
        .map(|s| (s.target.clone(), s.offset));
    let (status, outcome) = match mid.abs() {
        a if a > FAIL_ABOVE_SECONDS => (Status::Fail, "Skewed"),
        a if a > WARN_ABOVE_SECONDS => (Status::Warning, "Drifting"),
        _ => (Status::Pass, "InSync"),
    };
    let n = found.len();
    let base = format!(
        "This server's clock is {} the servers that answered (median offset {mid:+} s over {n} answer(s); offset = server's Date minus this clock).",
        describe(mid)
    );
    let outlier = worst
        .as_ref()
        .filter(|(_, o)| o.abs() > WARN_ABOVE_SECONDS && (o - mid).abs() > WARN_ABOVE_SECONDS)
        .map(|(t, o)| {
            format!(" {t} differs by {o:+} s: that server's clock or a cache is off, not this one.")
        })
        .unwrap_or_default();
    let f = match status {
        Status::Pass => Finding::pass(outcome, "Clock in step", format!("{base}{outlier}")),
        _ => Finding {
            status,
            ..Finding::fail(
                outcome,
                format!("Clock {} by {} s", if mid > 0 { "behind" } else { "ahead" }, mid.abs()),
                format!("{base}{outlier} Token and certificate checks against Microsoft's services fail when the clock is this far off; a skewed clock is a documented cause of writeback failures."),
                "Fix the time source of this server (w32tm /query /status; on a domain member it follows the domain hierarchy, so check the PDC emulator's external source) and resync (w32tm /resync).",
            )
        },
    };
    row(f, &listed, &unreadable, Some(mid), worst)
}

fn row(
    f: Finding,
    listed: &[Value],
    unreadable: &[String],
    median: Option<i64>,
    worst: Option<(String, i64)>,
) -> CheckResult {
    let f = f
        .with("Scope", "Run")
        .with(OFFSET_KEY, median.map(Value::from).unwrap_or(Value::Null))
        .with(
            "MedianOffsetSeconds",
            median.map(Value::from).unwrap_or(Value::Null),
        )
        .with(
            "WorstOffsetSeconds",
            worst
                .as_ref()
                .map(|w| Value::from(w.1))
                .unwrap_or(Value::Null),
        )
        .with(
            "WorstTarget",
            worst.map(|w| Value::from(w.0)).unwrap_or(Value::Null),
        )
        .with("Samples", listed.to_vec())
        .with("UnreadableDates", unreadable.to_vec())
        .with("FailAboveSeconds", FAIL_ABOVE_SECONDS)
        .with("WarnAboveSeconds", WARN_ABOVE_SECONDS)
        .with("Basis", BASIS);
    result_from(CLOCK_ID, "Clock", "clock", SKEW_DOC, f, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn http_row(target: &str, offset: Option<i64>, date: Option<&str>) -> CheckResult {
        let mut f = Finding::pass("Responded", "t", "m");
        if let Some(d) = date {
            f = f.with(SERVER_DATE_KEY, d);
        }
        if let Some(o) = offset {
            f = f
                .with(OFFSET_KEY, o)
                .with(LOCAL_TIME_KEY, "2026-12-02T00:00:00Z");
        }
        result_from("CONN-HTTP", "Http", target, "", f, 0)
    }

    fn verdict(offsets: &[i64]) -> (Status, String) {
        let rows: Vec<CheckResult> = offsets
            .iter()
            .enumerate()
            .map(|(i, o)| http_row(&format!("h{i}:443"), Some(*o), Some("d")))
            .collect();
        let r = summarise(&rows);
        (
            r.status,
            r.evidence["Outcome"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        )
    }

    #[test]
    fn thresholds_and_median() {
        assert_eq!(verdict(&[600]), (Status::Fail, "Skewed".into()));
        assert_eq!(verdict(&[-301]), (Status::Fail, "Skewed".into()));
        assert_eq!(verdict(&[300]), (Status::Warning, "Drifting".into()));
        assert_eq!(verdict(&[-120]), (Status::Warning, "Drifting".into()));
        assert_eq!(verdict(&[60]), (Status::Pass, "InSync".into()));
        assert_eq!(verdict(&[0, 1, 900]), (Status::Pass, "InSync".into()));
        assert_eq!(verdict(&[600, 601, 2]), (Status::Fail, "Skewed".into()));
        assert_eq!(median(&[0, 600]), Some(0));
        assert_eq!(median(&[-500, 400]), Some(400));
    }

    #[test]
    fn missing_or_unreadable_dates_are_skipped() {
        let r = summarise(&[http_row("a:443", None, None)]);
        assert_eq!(r.status, Status::Skipped);
        let r = summarise(&[http_row("a:443", None, Some("yesterday"))]);
        assert_eq!(r.status, Status::Skipped);
        assert_eq!(
            r.evidence["UnreadableDates"],
            json!(["a:443: \"yesterday\""])
        );
    }

    #[test]
    fn reads_offsets_inside_url_lists() {
        let f = Finding::pass("Answered", "t", "m").with(
            "Urls",
            json!([{"Url": "http://crl.test/a.crl", SERVER_DATE_KEY: "d", OFFSET_KEY: -400, LOCAL_TIME_KEY: "x"}]),
        );
        let r = summarise(&[result_from(
            "CONN-REVOCATION",
            "Revocation",
            "crl.test:80",
            "",
            f,
            0,
        )]);
        assert_eq!(r.status, Status::Fail);
        assert_eq!(
            r.evidence["Samples"][0]["Target"],
            json!("http://crl.test/a.crl")
        );
        assert_eq!(r.evidence["WorstOffsetSeconds"], json!(-400));
    }
}
