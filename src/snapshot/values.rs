//! Value types whose JSON form differs between Windows PowerShell 5.1 and PowerShell 7:
//! dates, TimeSpans, versions, enums and security identifiers.

use std::cmp::Ordering;
use std::fmt;

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use super::node::Node;
use crate::error::WbdError;

/// An instant, in milliseconds since the Unix epoch (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// The current time.
    pub fn now() -> Self {
        let ms = OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000;
        Timestamp(i64::try_from(ms).unwrap_or(i64::MAX))
    }

    /// Midnight UTC at the start of a calendar day; `None` for an invalid date.
    pub fn from_ymd(year: i32, month: u8, day: u8) -> Option<Self> {
        let month = Month::try_from(month).ok()?;
        let date = Date::from_calendar_date(year, month, day).ok()?;
        let dt = PrimitiveDateTime::new(date, Time::MIDNIGHT).assume_utc();
        Some(Timestamp(
            i64::try_from(dt.unix_timestamp_nanos() / 1_000_000).ok()?,
        ))
    }

    /// Whole days from `earlier` to `self` (negative when `self` is earlier).
    pub fn days_since(self, earlier: Timestamp) -> i64 {
        (self.0 - earlier.0).div_euclid(86_400_000)
    }

    /// Hours from `earlier` to `self`, rounded down.
    pub fn hours_since(self, earlier: Timestamp) -> i64 {
        (self.0 - earlier.0).div_euclid(3_600_000)
    }

    /// The date part, `YYYY-MM-DD` (UTC).
    pub fn date_text(self) -> String {
        let full = self.to_string();
        full.get(..10).unwrap_or(&full).to_string()
    }

    /// Parses a snapshot date: `"\/Date(ms)\/"` (optionally with an offset such as
    /// `+0100`), ISO 8601 / RFC 3339 (a missing offset means UTC), or the 5.1 form of a
    /// decorated DateTime, `{"value": "\/Date(ms)\/", "DateTime": "..."}`.
    pub fn decode(node: &Node) -> Result<Self, WbdError> {
        if node.value().is_object() {
            return match node.get("value") {
                Some(inner) if !inner.value().is_object() => Self::decode(&inner),
                _ => Err(node.mismatch("a date")),
            };
        }
        let text = node.str().map_err(|_| node.mismatch("a date"))?;
        parse_date(text).ok_or_else(|| node.mismatch("a date (\\/Date(ms)\\/ or ISO 8601)"))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dt = OffsetDateTime::from_unix_timestamp_nanos(i128::from(self.0) * 1_000_000)
            .ok()
            .and_then(|d| {
                d.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            });
        match dt {
            Some(s) => f.write_str(&s),
            None => write!(f, "{} ms after 1970", self.0),
        }
    }
}

fn parse_date(text: &str) -> Option<Timestamp> {
    let t = text.trim();
    if let Some(inner) = t
        .strip_prefix("/Date(")
        .or_else(|| t.strip_prefix("\\/Date("))
    {
        let inner = inner
            .strip_suffix(")/")
            .or_else(|| inner.strip_suffix(")\\/"))?;
        // The milliseconds are UTC; a trailing +hhmm/-hhmm only says where it was shown.
        let digits_end = inner
            .char_indices()
            .skip(1)
            .find(|(_, c)| *c == '+' || *c == '-')
            .map_or(inner.len(), |(i, _)| i);
        let (ms, offset) = inner.split_at(digits_end);
        let offset_ok = offset.is_empty()
            || (offset.len() == 5 && offset[1..].bytes().all(|b| b.is_ascii_digit()));
        if !offset_ok {
            return None;
        }
        return ms.parse::<i64>().ok().map(Timestamp);
    }
    parse_iso(t)
}

/// `YYYY-MM-DD[(T| )hh:mm[:ss[.fraction]]][Z|±hh:mm|±hhmm]`.
fn parse_iso(t: &str) -> Option<Timestamp> {
    let b = t.as_bytes();
    let num = |from: usize, len: usize| -> Option<u32> {
        let s = t.get(from..from + len)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = i32::try_from(num(0, 4)?).ok()?;
    let month = Month::try_from(u8::try_from(num(5, 2)?).ok()?).ok()?;
    let date = Date::from_calendar_date(year, month, u8::try_from(num(8, 2)?).ok()?).ok()?;
    let mut pos = 10;
    let mut time = Time::MIDNIGHT;
    if pos < b.len() && (b[pos] == b'T' || b[pos] == b't' || b[pos] == b' ') {
        let h = u8::try_from(num(pos + 1, 2)?).ok()?;
        if b.get(pos + 3) != Some(&b':') {
            return None;
        }
        let m = u8::try_from(num(pos + 4, 2)?).ok()?;
        pos += 6;
        let mut s = 0u8;
        let mut nanos = 0u32;
        if b.get(pos) == Some(&b':') {
            s = u8::try_from(num(pos + 1, 2)?).ok()?;
            pos += 3;
            if b.get(pos) == Some(&b'.') || b.get(pos) == Some(&b',') {
                pos += 1;
                let start = pos;
                while pos < b.len() && b[pos].is_ascii_digit() {
                    pos += 1;
                }
                let frac = t.get(start..pos)?;
                if frac.is_empty() {
                    return None;
                }
                let padded: String = frac.chars().chain("000000000".chars()).take(9).collect();
                nanos = padded.parse().ok()?;
            }
        }
        time = Time::from_hms_nano(h, m, s, nanos).ok()?;
    }
    let offset = match t.get(pos..)? {
        "" | "Z" | "z" => UtcOffset::UTC,
        rest => {
            let sign: i8 = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let digits: String = rest[1..].chars().filter(|c| *c != ':').collect();
            if digits.len() != 4 || !digits.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            let oh = i8::try_from(digits[..2].parse::<u8>().ok()?).ok()?;
            let om = i8::try_from(digits[2..].parse::<u8>().ok()?).ok()?;
            UtcOffset::from_hms(sign * oh, sign * om, 0).ok()?
        }
    };
    let dt = PrimitiveDateTime::new(date, time).assume_offset(offset);
    i64::try_from(dt.unix_timestamp_nanos() / 1_000_000)
        .ok()
        .map(Timestamp)
}

/// A .NET TimeSpan, in ticks of 100 ns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span(pub i64);

/// Ticks per second.
const TICKS_PER_SECOND: i64 = 10_000_000;
/// Ticks per day.
pub const TICKS_PER_DAY: i64 = 86_400 * TICKS_PER_SECOND;

impl Span {
    /// True for a zero-length span.
    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// Parses a TimeSpan from its object form (`Ticks`, or `TotalMilliseconds`, or
    /// `Days`/`Hours`/`Minutes`/`Seconds`/`Milliseconds`) or its text form
    /// `[-][d.]hh:mm:ss[.fffffff]`.
    pub fn decode(node: &Node) -> Result<Self, WbdError> {
        const EXPECTED: &str = "a TimeSpan (an object with Ticks, or text such as \"1.00:00:00\")";
        if node.value().is_object() {
            if let Some(t) = node.get("Ticks") {
                return t.int().map(Span);
            }
            if let Some(ms) = node.get("TotalMilliseconds") {
                let v = ms.float()?;
                return Ok(Span((v * 10_000.0).round() as i64));
            }
            let parts = [
                ("Days", TICKS_PER_DAY),
                ("Hours", 3_600 * TICKS_PER_SECOND),
                ("Minutes", 60 * TICKS_PER_SECOND),
                ("Seconds", TICKS_PER_SECOND),
                ("Milliseconds", 10_000),
            ];
            let mut ticks = 0i64;
            let mut any = false;
            for (k, unit) in parts {
                if let Some(n) = node.get(k) {
                    ticks = ticks.saturating_add(n.int()?.saturating_mul(unit));
                    any = true;
                }
            }
            return if any {
                Ok(Span(ticks))
            } else {
                Err(node.mismatch(EXPECTED))
            };
        }
        let text = node.str().map_err(|_| node.mismatch(EXPECTED))?;
        parse_span(text).ok_or_else(|| node.mismatch(EXPECTED))
    }
}

impl Span {
    /// Plain words for whole units (`1 day`, `12 hours`, `30 minutes`), else the
    /// TimeSpan text.
    pub fn describe(self) -> String {
        let unit = |n: i64, one: &str| {
            if n == 1 {
                format!("1 {one}")
            } else {
                format!("{n} {one}s")
            }
        };
        let t = self.0;
        if t > 0 && t % TICKS_PER_DAY == 0 {
            unit(t / TICKS_PER_DAY, "day")
        } else if t > 0 && t % (3_600 * TICKS_PER_SECOND) == 0 {
            unit(t / (3_600 * TICKS_PER_SECOND), "hour")
        } else if t > 0 && t % (60 * TICKS_PER_SECOND) == 0 {
            unit(t / (60 * TICKS_PER_SECOND), "minute")
        } else {
            self.to_string()
        }
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let t = self.0.unsigned_abs();
        let secs = t / 10_000_000;
        let (d, h, m, s) = (secs / 86_400, secs / 3_600 % 24, secs / 60 % 60, secs % 60);
        if d > 0 {
            write!(f, "{sign}{d}.{h:02}:{m:02}:{s:02}")
        } else {
            write!(f, "{sign}{h:02}:{m:02}:{s:02}")
        }
    }
}

fn parse_span(text: &str) -> Option<Span> {
    let t = text.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let pieces: Vec<&str> = t.split(':').collect();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    let ticks = match pieces.as_slice() {
        [days] if digits(days) => days.parse::<i64>().ok()?.checked_mul(TICKS_PER_DAY)?,
        [first, mins, rest] => {
            let (days, hours) = match first.split_once('.') {
                Some((d, h)) => (d, h),
                None => ("0", *first),
            };
            let (secs, frac) = match rest.split_once('.') {
                Some((s, f)) => (s, f),
                None => (*rest, ""),
            };
            if ![days, hours, mins, secs].iter().all(|s| digits(s))
                || !(frac.is_empty() || digits(frac))
            {
                return None;
            }
            let h: i64 = hours.parse().ok()?;
            let m: i64 = mins.parse().ok()?;
            let s: i64 = secs.parse().ok()?;
            if h > 23 || m > 59 || s > 59 || frac.len() > 7 {
                return None;
            }
            let frac_ticks: i64 = if frac.is_empty() {
                0
            } else {
                format!("{frac:0<7}").parse().ok()?
            };
            days.parse::<i64>()
                .ok()?
                .checked_mul(TICKS_PER_DAY)?
                .checked_add((h * 3_600 + m * 60 + s) * TICKS_PER_SECOND + frac_ticks)?
        }
        _ => return None,
    };
    Some(Span(if neg { -ticks } else { ticks }))
}

/// A dotted version such as `2.5.79.0`, compared part by part (missing parts are 0).
#[derive(Debug, Clone, Eq)]
pub struct Version(pub Vec<u32>);

impl Version {
    /// Parses `"2.5.79.0"` (text after the leading dotted number is ignored, so
    /// `"2.5.79.0 (release)"` works) or a System.Version object
    /// `{"Major", "Minor", "Build", "Revision"}`.
    pub fn decode(node: &Node) -> Result<Self, WbdError> {
        const EXPECTED: &str = "a version such as \"2.5.79.0\"";
        if node.value().is_object() {
            let mut parts = Vec::new();
            for k in ["Major", "Minor", "Build", "Revision"] {
                match node.get(k) {
                    Some(n) => match n.int()? {
                        v if v < 0 => break,
                        v => parts.push(u32::try_from(v).map_err(|_| n.mismatch(EXPECTED))?),
                    },
                    None => break,
                }
            }
            return if parts.is_empty() {
                Err(node.mismatch(EXPECTED))
            } else {
                Ok(Version(parts))
            };
        }
        let text = node.text().map_err(|_| node.mismatch(EXPECTED))?;
        Self::parse(&text).ok_or_else(|| node.mismatch(EXPECTED))
    }

    /// Parses the leading dotted number of `text`.
    pub fn parse(text: &str) -> Option<Self> {
        let lead: String = text
            .trim()
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let parts: Option<Vec<u32>> = lead
            .trim_end_matches('.')
            .split('.')
            .map(|p| p.parse::<u32>().ok())
            .collect();
        parts.filter(|p| !p.is_empty()).map(Version)
    }

    fn part(&self, i: usize) -> u32 {
        self.0.get(i).copied().unwrap_or(0)
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let n = self.0.len().max(other.0.len());
        (0..n)
            .map(|i| self.part(i).cmp(&other.part(i)))
            .find(|o| *o != Ordering::Equal)
            .unwrap_or(Ordering::Equal)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(u32::to_string).collect();
        f.write_str(&parts.join("."))
    }
}

/// An enum value that may arrive as its number (5.1 and 7 default) or its name
/// (`-EnumsAsStrings`, or a collector that calls `ToString()`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumValue {
    /// The numeric value, when known.
    pub code: Option<i64>,
    /// The name (the number as text when the number has no known name).
    pub name: String,
}

impl EnumValue {
    /// Decodes against a table of `(number, name)` pairs. Unknown numbers are kept; an
    /// unknown name is kept as text without a number.
    pub fn decode(node: &Node, table: &[(i64, &str)]) -> Result<Self, WbdError> {
        match node.value() {
            serde_json::Value::Number(_) => {
                let code = node.int()?;
                let name = table
                    .iter()
                    .find(|(c, _)| *c == code)
                    .map_or_else(|| code.to_string(), |(_, n)| (*n).to_string());
                Ok(EnumValue {
                    code: Some(code),
                    name,
                })
            }
            serde_json::Value::String(s) => {
                let s = s.trim();
                if let Ok(code) = s.parse::<i64>() {
                    let name = table
                        .iter()
                        .find(|(c, _)| *c == code)
                        .map_or_else(|| code.to_string(), |(_, n)| (*n).to_string());
                    return Ok(EnumValue {
                        code: Some(code),
                        name,
                    });
                }
                let found = table.iter().find(|(_, n)| n.eq_ignore_ascii_case(s));
                Ok(EnumValue {
                    code: found.map(|(c, _)| *c),
                    name: found.map_or_else(|| s.to_string(), |(_, n)| (*n).to_string()),
                })
            }
            _ => {
                let names: Vec<&str> = table.iter().map(|(_, n)| *n).take(4).collect();
                Err(node.mismatch(&format!("a number or a name such as {}", names.join(", "))))
            }
        }
    }

    /// True when the name matches `name` (ignoring case).
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }
}

impl fmt::Display for EnumValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// A security identifier: text `S-1-5-...` or a SecurityIdentifier object with `Value`.
pub fn decode_sid(node: &Node) -> Result<String, WbdError> {
    let text = if node.value().is_object() {
        node.get("Value")
            .ok_or_else(|| node.mismatch("a SID"))?
            .text()?
    } else {
        node.text()?
    };
    let t = text.trim();
    if t.len() > 4 && t[..4].eq_ignore_ascii_case("S-1-") {
        Ok(t.to_ascii_uppercase())
    } else {
        Err(node.mismatch("a SID such as \"S-1-5-21-...\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ts(v: serde_json::Value) -> Result<Timestamp, WbdError> {
        Timestamp::decode(&Node::at(&v, "D"))
    }

    #[test]
    fn dates_in_every_encoding_agree() {
        let expect = Timestamp(1_700_000_000_000);
        for v in [
            json!("/Date(1700000000000)/"),
            json!("/Date(1700000000000+0100)/"),
            json!("/Date(1700000000000-0500)/"),
            json!("2023-11-14T22:13:20Z"),
            json!("2023-11-14T22:13:20.0000000Z"),
            json!("2023-11-14T23:13:20+01:00"),
            json!("2023-11-14T23:13:20.000+0100"),
            json!("2023-11-14T22:13:20"),
            json!("2023-11-14 22:13:20"),
            json!({"value": "/Date(1700000000000)/", "DisplayHint": 2, "DateTime": "Tuesday"}),
        ] {
            assert_eq!(ts(v.clone()).ok(), Some(expect), "{v}");
        }
        assert_eq!(ts(json!("/Date(-1000)/")).ok(), Some(Timestamp(-1000)));
        assert_eq!(
            ts(json!("2023-11-14T22:13:20.1234567Z")).ok(),
            Some(Timestamp(1_700_000_000_123))
        );
        for bad in [
            json!("yesterday"),
            json!("/Date(abc)/"),
            json!("2023-13-01"),
            json!(5),
            json!({"x": 1}),
        ] {
            let e = ts(bad.clone()).expect_err("bad date");
            assert!(e.message.starts_with("D: expected a date"), "{}", e.message);
        }
        assert_eq!(expect.to_string(), "2023-11-14T22:13:20Z");
    }

    #[test]
    fn timespans_as_objects_and_text() {
        let sp = |v: serde_json::Value| Span::decode(&Node::at(&v, "T"));
        let day = Span(TICKS_PER_DAY);
        assert_eq!(sp(json!("1.00:00:00")).ok(), Some(day));
        assert_eq!(sp(json!("24:00:00")).ok(), None);
        assert_eq!(sp(json!("00:00:00")).ok(), Some(Span(0)));
        assert_eq!(sp(json!("42")).ok(), Some(Span(42 * TICKS_PER_DAY)));
        assert_eq!(sp(json!("00:00:01.5")).ok(), Some(Span(15_000_000)));
        assert_eq!(
            sp(json!({"Ticks": 864000000000_i64, "Days": 1})).ok(),
            Some(day)
        );
        assert_eq!(
            sp(json!({"Days": 1, "Hours": 0, "Minutes": 0, "Seconds": 0})).ok(),
            Some(day)
        );
        assert_eq!(sp(json!({"TotalMilliseconds": 86400000.0})).ok(), Some(day));
        assert!(sp(json!(5)).is_err());
        assert!(sp(json!("soon")).is_err());
        assert_eq!(day.to_string(), "1.00:00:00");
        assert_eq!(Span(0).to_string(), "00:00:00");
        assert_eq!(day.describe(), "1 day");
        assert_eq!(Span(2 * TICKS_PER_DAY).describe(), "2 days");
        assert_eq!(Span(30 * 60 * 10_000_000).describe(), "30 minutes");
        assert_eq!(Span(15_000_000).describe(), "00:00:01");
    }

    #[test]
    fn versions_compare_by_parts() {
        let v = |s: &str| Version::parse(s).expect("version");
        assert!(v("2.5.79.0") > v("2.4.131.0"));
        assert!(v("2.10.0.0") > v("2.9.9.9"));
        assert_eq!(v("2.5.79"), v("2.5.79.0"));
        assert_eq!(v("2.5.79.0 (build)").to_string(), "2.5.79.0");
        assert!(Version::parse("abc").is_none());
        let obj = json!({"Major": 2, "Minor": 5, "Build": 79, "Revision": 0, "MajorRevision": 0});
        assert_eq!(
            Version::decode(&Node::at(&obj, "V")).ok(),
            Some(v("2.5.79.0"))
        );
        let partial = json!({"Major": 2, "Minor": 5, "Build": -1, "Revision": -1});
        assert_eq!(
            Version::decode(&Node::at(&partial, "V")).ok(),
            Some(v("2.5"))
        );
    }

    #[test]
    fn enums_by_number_or_name() {
        let table = [(1, "Stopped"), (4, "Running")];
        let e = |v: serde_json::Value| EnumValue::decode(&Node::at(&v, "S"), &table);
        assert_eq!(e(json!(4)).map(|x| x.name).ok(), Some("Running".into()));
        assert_eq!(e(json!("running")).map(|x| x.code).ok(), Some(Some(4)));
        assert_eq!(e(json!("4")).map(|x| x.name).ok(), Some("Running".into()));
        assert_eq!(e(json!(9)).map(|x| x.name).ok(), Some("9".into()));
        assert_eq!(e(json!("Weird")).map(|x| x.code).ok(), Some(None));
        assert!(e(json!(true)).is_err());
    }

    #[test]
    fn sids_as_text_or_object() {
        let s = |v: serde_json::Value| decode_sid(&Node::at(&v, "Sid"));
        assert_eq!(
            s(json!("S-1-5-21-1-2-3-1105")).ok(),
            Some("S-1-5-21-1-2-3-1105".into())
        );
        assert_eq!(
            s(json!({"BinaryLength": 28, "Value": "s-1-5-21-1-2-3-500"})).ok(),
            Some("S-1-5-21-1-2-3-500".into())
        );
        assert!(s(json!("MSOL_1234")).is_err());
    }
}
