//! The server's clock as an HTTP answer states it: the `Date` header (RFC 9110 §6.6.1,
//! formerly RFC 7231 §7.1.1.2) compared with this machine's clock at the moment the answer
//! arrived.
//!
//! Only the preferred form, IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), is read; the two
//! obsolete forms count as unreadable, which leaves the comparison out rather than guessing.

use serde_json::Value;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

use crate::probe::http::ParsedHead;
use crate::probe::Finding;

/// Evidence key of the signed offset, server minus local, in whole seconds.
pub const OFFSET_KEY: &str = "ClockOffsetSeconds";
/// Evidence key of the `Date` header as received.
pub const SERVER_DATE_KEY: &str = "ServerDate";
/// Evidence key of this machine's clock when the answer arrived (RFC 3339, UTC).
pub const LOCAL_TIME_KEY: &str = "LocalTime";
/// Evidence key of the `Age` header (seconds a cache held the answer), when present.
pub const AGE_KEY: &str = "AgeSeconds";

/// Largest `Age` taken into account (a year).
const MAX_AGE_SECONDS: u64 = 365 * 86_400;

/// What one HTTP answer says about the clocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Observation {
    /// The answer had no `Date` header.
    NoDate,
    /// The `Date` header is not an IMF-fixdate.
    Unreadable {
        /// The header as received.
        raw: String,
    },
    /// The offset between the server's clock and this machine's.
    Offset {
        /// The header as received.
        raw: String,
        /// This machine's clock at receipt, RFC 3339.
        local: String,
        /// Server minus local, seconds, after adding `Age`.
        seconds: i64,
        /// The `Age` header, when a cache added one.
        age: Option<u64>,
    },
}

/// Compares the answer's `Date` (plus `Age`, since a cache keeps the origin's `Date`) with
/// `received`, this machine's clock when the head arrived.
pub fn observe(head: &ParsedHead, received: OffsetDateTime) -> Observation {
    let Some(raw) = head.header_values("date").into_iter().next() else {
        return Observation::NoDate;
    };
    let Some(server) = parse_imf_fixdate(&raw) else {
        return Observation::Unreadable { raw };
    };
    let age = head
        .header_values("age")
        .first()
        .and_then(|a| a.trim().parse::<u64>().ok());
    // An `Age` beyond a year is nonsense; capping it keeps the arithmetic in range.
    let age_s = age.map_or(0, |a| i64::try_from(a.min(MAX_AGE_SECONDS)).unwrap_or(0));
    let server_ms = (server.unix_timestamp() + age_s) * 1000;
    let local_ms = i64::try_from(received.unix_timestamp_nanos() / 1_000_000).unwrap_or(0);
    let seconds = ((server_ms - local_ms) as f64 / 1000.0).round() as i64;
    Observation::Offset {
        raw,
        local: rfc3339(received),
        seconds,
        age,
    }
}

/// Adds the observation to a finding's evidence (nothing when there was no `Date`).
pub fn with_observation(f: Finding, obs: &Observation) -> Finding {
    match obs {
        Observation::NoDate => f,
        Observation::Unreadable { raw } => f.with(SERVER_DATE_KEY, raw.clone()),
        Observation::Offset {
            raw,
            local,
            seconds,
            age,
        } => {
            let f = f
                .with(SERVER_DATE_KEY, raw.clone())
                .with(LOCAL_TIME_KEY, local.clone())
                .with(OFFSET_KEY, *seconds);
            match age {
                Some(a) => f.with(AGE_KEY, Value::from(*a)),
                None => f,
            }
        }
    }
}

/// `2026-12-02T10:15:00.123Z`-style text of a UTC time.
pub fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

/// Parses `Sun, 06 Nov 1994 08:49:37 GMT` (IMF-fixdate); `None` for anything else.
pub fn parse_imf_fixdate(text: &str) -> Option<OffsetDateTime> {
    let parts: Vec<&str> = text.split_whitespace().collect();
    let [dow, day, mon, year, clock, zone] = parts.as_slice() else {
        return None;
    };
    const DAYS: [&str; 7] = ["Mon,", "Tue,", "Wed,", "Thu,", "Fri,", "Sat,", "Sun,"];
    if !DAYS.contains(dow) || *zone != "GMT" || day.len() != 2 || year.len() != 4 {
        return None;
    }
    let month = match *mon {
        "Jan" => Month::January,
        "Feb" => Month::February,
        "Mar" => Month::March,
        "Apr" => Month::April,
        "May" => Month::May,
        "Jun" => Month::June,
        "Jul" => Month::July,
        "Aug" => Month::August,
        "Sep" => Month::September,
        "Oct" => Month::October,
        "Nov" => Month::November,
        "Dec" => Month::December,
        _ => return None,
    };
    let number = |s: &str| -> Option<u16> {
        s.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| s.parse().ok())
            .flatten()
    };
    let hms: Vec<&str> = clock.split(':').collect();
    let [h, m, s] = hms.as_slice() else {
        return None;
    };
    if [h, m, s].iter().any(|p| p.len() != 2) {
        return None;
    }
    let date = Date::from_calendar_date(
        i32::from(number(year)?),
        month,
        u8::try_from(number(day)?).ok()?,
    )
    .ok()?;
    // A leap second (":60") is read as the last second of the minute.
    let second = u8::try_from(number(s)?).ok()?.min(59);
    let time = Time::from_hms(
        u8::try_from(number(h)?).ok()?,
        u8::try_from(number(m)?).ok()?,
        second,
    )
    .ok()?;
    Some(PrimitiveDateTime::new(date, time).assume_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(extra: &str) -> ParsedHead {
        ParsedHead::parse(format!("HTTP/1.1 200 OK\r\n{extra}\r\n").as_bytes()).expect("head")
    }

    #[test]
    fn reads_imf_fixdate_only() {
        let t = parse_imf_fixdate("Sun, 06 Nov 1994 08:49:37 GMT").expect("fixdate");
        assert_eq!(t.unix_timestamp(), 784_111_777);
        for bad in [
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 31 Feb 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49 GMT",
            "",
        ] {
            assert_eq!(parse_imf_fixdate(bad), None, "{bad}");
        }
    }

    #[test]
    fn offset_is_server_minus_local_plus_age() {
        let local = parse_imf_fixdate("Sun, 06 Nov 1994 08:49:37 GMT").expect("t");
        let ahead = head("Date: Sun, 06 Nov 1994 08:59:37 GMT\r\n");
        assert!(matches!(
            observe(&ahead, local),
            Observation::Offset {
                seconds: 600,
                age: None,
                ..
            }
        ));
        let cached = head("Date: Sun, 06 Nov 1994 08:39:37 GMT\r\nAge: 600\r\n");
        assert!(matches!(
            observe(&cached, local),
            Observation::Offset {
                seconds: 0,
                age: Some(600),
                ..
            }
        ));
        let behind = head("Date: Sun, 06 Nov 1994 08:47:37 GMT\r\n");
        assert!(matches!(
            observe(&behind, local),
            Observation::Offset { seconds: -120, .. }
        ));
        assert_eq!(observe(&head(""), local), Observation::NoDate);
        assert!(matches!(
            observe(&head("Date: soon\r\n"), local),
            Observation::Unreadable { .. }
        ));
    }
}
