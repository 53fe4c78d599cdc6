//! The fast path against the streaming visitor alone: the same events, warnings, report
//! and errors for generated exports, nasty strings, cuts and corruption, read in small
//! pieces so that entries straddle the buffer's refills.

use std::io::{self, Cursor, Read};

use proptest::prelude::*;
use serde_json::Value;

use super::fast::{stream_array, Fast, Window};
use super::{iso_utc, read_json_with, Entry};
use crate::events::input::{Event, Flow, ReadReport};
use crate::snapshot::{Node, Timestamp};

/// A reader that returns at most `piece` bytes per call.
struct Pieces {
    inner: Cursor<Vec<u8>>,
    piece: usize,
}

impl Read for Pieces {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(self.piece);
        self.inner.read(&mut buf[..n])
    }
}

type Outcome = (Result<ReadReport, String>, Vec<Event>);

fn read(bytes: &[u8], piece: usize, fast: bool, stop_after: Option<usize>) -> Outcome {
    let mut events = Vec::new();
    let mut open = || -> io::Result<Box<dyn Read>> {
        Ok(Box::new(Pieces {
            inner: Cursor::new(bytes.to_vec()),
            piece,
        }))
    };
    let r = read_json_with(
        &mut open,
        "events.json",
        &mut |e| {
            events.push(e);
            if stop_after.is_some_and(|n| events.len() >= n) {
                Flow::Stop
            } else {
                Flow::Continue
            }
        },
        &mut |_| {},
        fast,
    );
    (
        r.map_err(|e| format!("{:?}: {}", e.code, e.message)),
        events,
    )
}

/// True when the fast path reads all of `bytes` (a top-level array) without giving up.
fn fast_reads_all(bytes: &[u8]) -> bool {
    let mut window = Window::new(Cursor::new(bytes.to_vec()));
    matches!(
        window.skip_while(|b| b.is_ascii_whitespace()),
        Ok(Some(b'['))
    ) && matches!(
        stream_array(&mut window, &mut |_: Entry| Flow::Continue),
        Fast::Done
    )
}

fn same(bytes: &[u8], piece: usize) {
    let fast = read(bytes, piece, true, None);
    let slow = read(bytes, piece, false, None);
    assert_eq!(fast, slow, "input: {}", String::from_utf8_lossy(bytes));
}

/// String bodies (already escaped for JSON) that trip a naive scanner.
const NASTY: &[&str] = &[
    r#"a \"quoted\" ] } , [ { text"#,
    r"back\\slash\\",
    r"\/Date(1717401600000)\/",
    r"\u00e9\u0041\ud83d\ude00 é😀",
    r"line\r\n   at X.Y()\r\n",
    r#"\\\"]}"#,
    "",
    "  Error  ",
    "ssprdedicatedsbprodncu TrackingId: 5335b365-3db9-5191-8f8c-c33e77dc7f67 0x80230619",
];

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(NASTY).prop_map(str::to_string),
        any::<String>().prop_map(|s| {
            let quoted = Value::String(s).to_string();
            quoted[1..quoted.len() - 1].to_string()
        }),
    ]
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        text().prop_map(|t| format!("\"{t}\"")),
        (0u64..70_000).prop_map(|n| n.to_string()),
        Just("-3".to_string()),
        Just("1.5e3".to_string()),
        Just("null".to_string()),
        Just("true".to_string()),
        Just(r#"{"value":"\/Date(1717401600000)\/","DateTime":"Monday, 3 June 2024"}"#.to_string()),
        Just(r#"{"value":{"x":1}}"#.to_string()),
        Just(r#"[1,"two",{"3":[]}]"#.to_string()),
        Just(r#""2024-06-03T08:00:00.1234567Z""#.to_string()),
        Just(r#""2024-06-03T10:00:00+02:00""#.to_string()),
        Just(r#""2024-02-30T08:00:00Z""#.to_string()),
    ]
}

const KEYS: &[&str] = &[
    "Id",
    "id",
    "EventID",
    "InstanceId",
    "ProviderName",
    "source",
    "TimeCreated",
    "TimeGenerated",
    "TimeWritten",
    "Level",
    "LevelDisplayName",
    "EntryType",
    "Message",
    "MESSAGE",
    "RecordId",
    "Index",
    "MachineName",
    "Properties",
    "Events",
    "ExportedAt",
    "Other \\\" key ]",
];

fn entry() -> impl Strategy<Value = String> {
    let field = || (prop::sample::select(KEYS), value()).prop_map(|(k, v)| format!("\"{k}\": {v}"));
    let good = (
        prop::sample::select(&[31019u32, 33008, 6329, 1, 17137][..]),
        prop::sample::select(&["PasswordResetService", "ADSync", "MSSQL$ADSYNC", " "][..]),
        text(),
        prop::collection::vec(field(), 0..3),
    )
        .prop_map(|(id, p, m, extra)| {
            let mut parts = vec![
                format!("\"Id\": {id}"),
                format!("\"ProviderName\": \"{p}\""),
                "\"TimeCreated\": \"2024-06-03T08:00:00.5Z\"".to_string(),
                format!("\"Message\": \"{m}\""),
            ];
            parts.extend(extra);
            format!("{{\r\n    {}\r\n  }}", parts.join(",\r\n    "))
        });
    prop_oneof![
        6 => good,
        2 => prop::collection::vec(field(), 0..6).prop_map(|f| format!("{{{}}}", f.join(","))),
        1 => value(),
    ]
}

/// How a generated export is damaged, if at all.
#[derive(Debug, Clone)]
enum Damage {
    None,
    Cut(usize),
    Insert(usize, u8),
    Trailing(String),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        3 => Just(Damage::None),
        1 => any::<usize>().prop_map(Damage::Cut),
        1 => (any::<usize>(), prop::sample::select(&b",]}[{\"\\x \x01\xff:"[..]))
            .prop_map(|(at, b)| Damage::Insert(at, b)),
        1 => prop::sample::select(&[" ", "\r\n", " x", ",", "]", "[]"][..])
            .prop_map(|s| Damage::Trailing(s.to_string())),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn the_fast_path_reads_what_the_visitor_reads(
        entries in prop::collection::vec(entry(), 0..8),
        damage in damage(),
        envelope in any::<bool>(),
        piece in prop::sample::select(&[1usize, 3, 7, 64, 1 << 20][..]),
        stop_after in prop::option::of(1usize..4),
    ) {
        let array = format!("[\r\n  {}\r\n]\r\n", entries.join(",\r\n  "));
        let text = if envelope {
            format!(r#"{{"ExportedAt":"2024-06-03T13:00:00Z","Events":{array}}}"#)
        } else {
            array
        };
        let mut bytes = text.into_bytes();
        let clean = matches!(damage, Damage::None) && !envelope;
        match damage {
            Damage::None => {}
            Damage::Cut(at) => bytes.truncate(at % (bytes.len() + 1)),
            Damage::Insert(at, b) => bytes.insert(at % (bytes.len() + 1), b),
            Damage::Trailing(s) => bytes.extend(s.bytes()),
        }
        let fast = read(&bytes, piece, true, stop_after);
        let slow = read(&bytes, piece, false, stop_after);
        prop_assert_eq!(&fast, &slow, "input: {}", String::from_utf8_lossy(&bytes));
        if clean {
            // Not vacuous: undamaged arrays are read by the fast path itself.
            prop_assert!(fast_reads_all(&bytes), "fast path gave up on {}", String::from_utf8_lossy(&bytes));
        }
    }

    #[test]
    fn iso_times_read_like_the_snapshot_parser(
        y in 0u32..10_000, mo in 0u32..14, d in 0u32..33,
        h in 0u32..26, mi in 0u32..62, s in 0u32..62,
        frac in prop::option::of("[0-9]{1,11}"),
    ) {
        let text = format!(
            "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{}Z",
            frac.map(|f| format!(".{f}")).unwrap_or_default()
        );
        let v = Value::String(text.clone());
        let slow = Timestamp::decode(&Node::root(&v)).ok();
        if let Some(fast) = iso_utc(&v) {
            prop_assert_eq!(Some(fast), slow, "{}", text);
        }
        if slow.is_none() {
            prop_assert_eq!(iso_utc(&v), None, "{}", text);
        }
    }
}

#[test]
fn the_generated_times_take_the_quick_reading() {
    let v = Value::String("2024-06-03T08:00:00.1234567Z".into());
    assert_eq!(iso_utc(&v), Some(Timestamp(1_717_401_600_123)));
    let before_1970 = Value::String("1969-12-31T23:59:59.9999Z".into());
    assert_eq!(
        iso_utc(&before_1970),
        Timestamp::decode(&Node::root(&before_1970)).ok()
    );
    assert_eq!(iso_utc(&before_1970), Some(Timestamp(0)));
}

fn one(message: &str) -> String {
    format!(
        r#"{{"Id":31019,"ProviderName":"PasswordResetService","TimeCreated":"2024-06-03T08:00:00Z","Message":{message}}}"#
    )
}

#[test]
fn an_entry_longer_than_the_buffer_is_read_by_the_visitor() {
    let long = Value::String("x".repeat(5 << 20)).to_string();
    let text = format!("[{},{},{}]", one("\"a\""), one(&long), one("\"b\""));
    assert!(!fast_reads_all(text.as_bytes()));
    let (r, events) = read(text.as_bytes(), 1 << 20, true, None);
    assert_eq!(r.expect("reads").events, 3);
    assert_eq!(events[1].message.len(), 5 << 20);
    same(text.as_bytes(), 1 << 20);
}

#[test]
fn nesting_at_serde_jsons_limit_reads_alike() {
    for depth in 118..132 {
        let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let text = format!("[{},{}]", one("\"a\""), one(&nested));
        same(text.as_bytes(), 1 << 20);
        let envelope = format!(r#"{{"Events":{text}}}"#);
        same(envelope.as_bytes(), 1 << 20);
    }
    // Far deeper than any stack allows recursion for: refused, not a crash.
    let deep = format!("[{}]", one(&"[".repeat(200_000)));
    let (r, _) = read(deep.as_bytes(), 1 << 20, true, None);
    assert!(r.is_err_and(|e| e.contains("recursion limit")));
    same(deep.as_bytes(), 1 << 20);
}

#[test]
fn entries_across_refills_and_the_end_of_the_array() {
    let many: Vec<String> = (0..2000).map(|i| one(&format!("\"m{i}\""))).collect();
    let text = format!("[{}]  \r\n", many.join(","));
    assert!(fast_reads_all(text.as_bytes()));
    for piece in [1, 5, 4096, 300_000] {
        let (r, events) = read(text.as_bytes(), piece, true, None);
        assert_eq!(r.expect("reads").events, 2000);
        assert_eq!(events[1999].message, "m1999");
        same(text.as_bytes(), piece);
    }
    // Numbers and literals as entries, split anywhere.
    for piece in [1, 2, 3] {
        same(b"[5, 12345,true , null,-1.5e3,\"s\"]", piece);
        same(b"[12345", piece);
        same(b"[1,]", piece);
        same(b"[] x", piece);
    }
}
