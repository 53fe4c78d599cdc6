//! The JSON reader: a streaming visitor over the top-level array (or the single object)
//! that `ConvertTo-Json` writes, one entry at a time, or over the `Events` array of the
//! module's export, `{"ExportedAt": "<ISO 8601>", "Events": [...]}`, which also records
//! when the log was read.

use std::io::{self, BufRead, BufReader, Read};

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::{Event, Flow, Format, Level, ReadReport, Warnings};
use fast::{stream_array, Fast, Window};

mod fast;
#[cfg(test)]
mod tests;
use crate::error::WbdError;
use crate::snapshot::{Node, Timestamp};

/// The fields of one entry that matter, each still untyped so that a wrong type becomes
/// a warning about that entry instead of an error about the file.
#[derive(Default)]
struct Fields {
    id: Option<Value>,
    instance_id: Option<Value>,
    provider: Option<Value>,
    time: Option<Value>,
    time_written: Option<Value>,
    level: Option<Value>,
    level_name: Option<Value>,
    entry_type: Option<Value>,
    message: Option<Value>,
    record_id: Option<Value>,
    machine: Option<Value>,
}

enum Field {
    Id,
    InstanceId,
    Provider,
    Time,
    TimeWritten,
    Level,
    LevelName,
    EntryType,
    Message,
    RecordId,
    Machine,
    /// `ExportedAt` of the module's export (top level only).
    ExportedAt,
    /// `Events` of the module's export (top level only).
    Events,
    Other,
}

impl<'de> de::Deserialize<'de> for Field {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Field;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a property name")
            }
            fn visit_str<E: de::Error>(self, k: &str) -> Result<Field, E> {
                let is = |n: &str| k.eq_ignore_ascii_case(n);
                Ok(if is("Id") || is("EventID") {
                    Field::Id
                } else if is("InstanceId") {
                    Field::InstanceId
                } else if is("ProviderName") || is("Source") {
                    Field::Provider
                } else if is("TimeCreated") || is("TimeGenerated") {
                    Field::Time
                } else if is("TimeWritten") {
                    Field::TimeWritten
                } else if is("Level") {
                    Field::Level
                } else if is("LevelDisplayName") {
                    Field::LevelName
                } else if is("EntryType") {
                    Field::EntryType
                } else if is("Message") {
                    Field::Message
                } else if is("RecordId") || is("Index") {
                    Field::RecordId
                } else if is("MachineName") {
                    Field::Machine
                } else if is("ExportedAt") {
                    Field::ExportedAt
                } else if is("Events") {
                    Field::Events
                } else {
                    Field::Other
                })
            }
        }
        d.deserialize_str(V)
    }
}

impl Fields {
    /// Where the value of an entry's `field` goes; `None` for fields an entry does not use.
    fn slot(&mut self, field: Field) -> Option<&mut Option<Value>> {
        Some(match field {
            Field::Id => &mut self.id,
            Field::InstanceId => &mut self.instance_id,
            Field::Provider => &mut self.provider,
            Field::Time => &mut self.time,
            Field::TimeWritten => &mut self.time_written,
            Field::Level => &mut self.level,
            Field::LevelName => &mut self.level_name,
            Field::EntryType => &mut self.entry_type,
            Field::Message => &mut self.message,
            Field::RecordId => &mut self.record_id,
            Field::Machine => &mut self.machine,
            Field::ExportedAt | Field::Events | Field::Other => return None,
        })
    }

    /// The values kept.
    fn values(&self) -> impl Iterator<Item = &Value> {
        [
            &self.id,
            &self.instance_id,
            &self.provider,
            &self.time,
            &self.time_written,
            &self.level,
            &self.level_name,
            &self.entry_type,
            &self.message,
            &self.record_id,
            &self.machine,
        ]
        .into_iter()
        .flatten()
    }

    /// Reads the value of `field` from `map` into its slot, or skips it.
    fn take<'de, A: MapAccess<'de>>(&mut self, field: Field, map: &mut A) -> Result<(), A::Error> {
        match self.slot(field) {
            Some(slot) => *slot = Some(map.next_value::<Value>()?),
            None => {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

fn read_fields<'de, A: MapAccess<'de>>(mut map: A) -> Result<Fields, A::Error> {
    let mut f = Fields::default();
    while let Some(key) = map.next_key::<Field>()? {
        f.take(key, &mut map)?;
    }
    Ok(f)
}

/// One top-level entry: an object, or something that is not one.
enum Entry {
    Object(Box<Fields>),
    NotObject(&'static str),
}

impl<'de> de::Deserialize<'de> for Entry {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(EntryVisitor)
    }
}

struct EntryVisitor;

impl<'de> Visitor<'de> for EntryVisitor {
    type Value = Entry;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an event object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Entry, A::Error> {
        read_fields(map).map(|f| Entry::Object(Box::new(f)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Entry, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Entry::NotObject("an array"))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Entry, E> {
        Ok(Entry::NotObject("a boolean"))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Entry, E> {
        Ok(Entry::NotObject("a number"))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Entry, E> {
        Ok(Entry::NotObject("a number"))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Entry, E> {
        Ok(Entry::NotObject("a number"))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Entry, E> {
        Ok(Entry::NotObject("a string"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Entry, E> {
        Ok(Entry::NotObject("null"))
    }
    fn visit_none<E: de::Error>(self) -> Result<Entry, E> {
        Ok(Entry::NotObject("null"))
    }
}

type EntryHandler<'a> = dyn FnMut(Entry) -> Flow + 'a;

/// Marker error text used to unwind out of the parser when the sink says stop.
const STOP: &str = "\u{0}wbd-stop";

struct EntrySeed<'a, 'b> {
    handler: &'a mut EntryHandler<'b>,
}

impl<'de> DeserializeSeed<'de> for EntrySeed<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        let entry = d.deserialize_any(EntryVisitor)?;
        hand_on(self.handler, entry)
    }
}

/// Hands one entry to the handler, unwinding when it says stop.
fn hand_on<E: de::Error>(handler: &mut EntryHandler<'_>, entry: Entry) -> Result<(), E> {
    match handler(entry) {
        Flow::Continue => Ok(()),
        Flow::Stop => Err(E::custom(STOP)),
    }
}

/// Streams the entries of an array (the top level, or the export's `Events`).
fn stream_entries<'de, A: SeqAccess<'de>>(
    handler: &mut EntryHandler<'_>,
    mut seq: A,
) -> Result<(), A::Error> {
    while seq
        .next_element_seed(EntrySeed {
            handler: &mut *handler,
        })?
        .is_some()
    {}
    Ok(())
}

/// The `Events` of the module's export: an array of entries, or one entry.
struct EventsSeed<'a, 'b> {
    handler: &'a mut EntryHandler<'b>,
}

impl<'de> DeserializeSeed<'de> for EventsSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for EventsSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("Events to be an array of event objects")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        stream_entries(self.handler, seq)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let fields = read_fields(map)?;
        hand_on(self.handler, Entry::Object(Box::new(fields)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

struct TopVisitor<'a, 'b> {
    handler: &'a mut EntryHandler<'b>,
    /// `ExportedAt` as soon as it is read (before `Events` in the module's export, so it
    /// is known even when the reading stops early).
    exported_at: &'a mut Option<Value>,
}

impl<'de> Visitor<'de> for TopVisitor<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of events, one event object, or {\"ExportedAt\", \"Events\"}")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        stream_entries(self.handler, seq)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut fields = Fields::default();
        let mut envelope = false;
        while let Some(key) = map.next_key::<Field>()? {
            match key {
                Field::ExportedAt => {
                    envelope = true;
                    *self.exported_at = Some(map.next_value::<Value>()?);
                }
                Field::Events => {
                    envelope = true;
                    map.next_value_seed(EventsSeed {
                        handler: &mut *self.handler,
                    })?;
                }
                other => fields.take(other, &mut map)?,
            }
        }
        if envelope {
            return Ok(());
        }
        hand_on(self.handler, Entry::Object(Box::new(fields)))
    }
}

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

pub(super) fn number_of(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Turns one entry into an event, or says why it cannot.
fn event_from_fields(f: Fields, warn: &mut dyn FnMut(String)) -> Result<Event, String> {
    let id = match (&f.id, &f.instance_id) {
        (Some(v), _) => {
            number_of(v).ok_or_else(|| format!("Id is {}, not an event number", kind_of(v)))?
        }
        (None, Some(v)) => number_of(v)
            .ok_or_else(|| format!("InstanceId is {}, not an event number", kind_of(v)))?,
        (None, None) => return Err("it has no Id".into()),
    };
    // Get-EventLog's InstanceId (and EventID for some sources) carries the qualifiers.
    let id = u32::try_from(id & 0xFFFF).unwrap_or(0);
    let time_value = f
        .time
        .as_ref()
        .filter(|v| !v.is_null())
        .or(f.time_written.as_ref())
        .ok_or_else(|| "it has no TimeCreated".to_string())?;
    let time = iso_utc(time_value).map_or_else(|| Timestamp::decode(&Node::root(time_value)), Ok);
    let time = time.map_err(|_| {
        format!(
            "TimeCreated {} is not a date (\\/Date(ms)\\/ or ISO 8601)",
            short(time_value)
        )
    })?;
    let provider = match f.provider.as_ref() {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
        other => {
            let guessed = crate::events::catalog::Source::guess_from_id(id).map(|s| s.name());
            let why = match other {
                None | Some(Value::Null) => "has no ProviderName".to_string(),
                Some(v) => format!("has ProviderName {}", short(v)),
            };
            match guessed {
                Some(name) => {
                    warn(format!("{why}; taken as {name} from its id {id}"));
                    name.to_string()
                }
                None => return Err(format!("it {why} and id {id} does not say which")),
            }
        }
    };
    let message = match f.message {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s,
        Some(v) => {
            warn(format!("Message is {}; its text form is used", kind_of(&v)));
            text_of(&v).unwrap_or_else(|| v.to_string())
        }
    };
    let level = match (&f.level_name, &f.level, &f.entry_type) {
        (Some(Value::String(s)), _, _) if Level::from_name(s) != Level::Unknown => {
            Level::from_name(s)
        }
        (_, Some(v), _) if number_of(v).is_some() => Level::from_number(number_of(v).unwrap_or(99)),
        (_, _, Some(Value::String(s))) => Level::from_name(s),
        (_, _, Some(v)) if number_of(v).is_some() => {
            Level::from_entry_type(number_of(v).unwrap_or(0))
        }
        _ => Level::Unknown,
    };
    Ok(Event {
        provider,
        event_source: None,
        id,
        qualifiers: None,
        time,
        written: None,
        record_id: f.record_id.as_ref().and_then(number_of),
        level,
        computer: f.machine.as_ref().and_then(text_of),
        message,
    })
}

/// The time of `YYYY-MM-DDThh:mm:ss[.fraction]Z` (PowerShell 7's `TimeCreated` in UTC),
/// read without building a date; `None` for any other text, which
/// [`Timestamp::decode`] reads. Gives what that gives for this form: the proleptic
/// Gregorian calendar, at most nine fraction digits, milliseconds rounded towards zero.
fn iso_utc(v: &Value) -> Option<Timestamp> {
    let Value::String(s) = v else { return None };
    let b = s.as_bytes();
    if b.len() < 20 || b.len() > 30 || b[b.len() - 1] != b'Z' {
        return None;
    }
    let digits = |from: usize, len: usize| -> Option<i64> {
        b.get(from..from + len)?.iter().try_fold(0i64, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + i64::from(c - b'0'))
        })
    };
    let seps = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if seps.iter().any(|(i, c)| b[*i] != *c) {
        return None;
    }
    let (year, month, day) = (digits(0, 4)?, digits(5, 2)?, digits(8, 2)?);
    let (hour, minute, second) = (digits(11, 2)?, digits(14, 2)?, digits(17, 2)?);
    let nanos = match &b[19..b.len() - 1] {
        [] => 0,
        [b'.', frac @ ..] if (1..=9).contains(&frac.len()) => {
            let n = digits(20, frac.len())?;
            n * 10i64.pow(u32::try_from(9 - frac.len()).ok()?)
        }
        _ => return None,
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if day < 1 || day > month_days || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    // Days since 1970-01-01 of a civil date (Howard Hinnant's days_from_civil).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second;
    let total_nanos = i128::from(secs) * 1_000_000_000 + i128::from(nanos);
    i64::try_from(total_nanos / 1_000_000).ok().map(Timestamp)
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 60 {
        format!("{}...", s.chars().take(57).collect::<String>())
    } else {
        s
    }
}

/// Opens the JSON input from its start (already UTF-8, BOM removed).
pub(super) type Open<'a> = dyn FnMut() -> io::Result<Box<dyn Read>> + 'a;

/// Size of the streaming visitor's read buffer.
const SLOW_BUF: usize = 256 * 1024;

/// Streams the JSON that `open` gives: the entries of a top-level array on the fast path
/// ([`fast`]), everything else (and whatever the fast path gives up on) with the
/// streaming visitor.
pub(super) fn read_json(
    open: &mut Open<'_>,
    what: &str,
    sink: &mut dyn FnMut(Event) -> Flow,
    tick: &mut dyn FnMut(u64),
) -> Result<ReadReport, WbdError> {
    read_json_with(open, what, sink, tick, true)
}

/// [`read_json`], with the fast path or without it (`fast`; the tests compare the two).
fn read_json_with(
    open: &mut Open<'_>,
    what: &str,
    sink: &mut dyn FnMut(Event) -> Flow,
    tick: &mut dyn FnMut(u64),
    fast: bool,
) -> Result<ReadReport, WbdError> {
    let mut report = ReadReport {
        format: Format::Json,
        entries: 0,
        events: 0,
        warnings: Warnings::default(),
        stopped: false,
        truncated: None,
        modified: None,
        exported_at: None,
    };
    let mut window = Window::new(open().map_err(|e| read_error(what, &e))?);
    // Skip leading white space to tell an empty export (Get-WinEvent found nothing) and
    // non-JSON files apart before the parser sees them.
    let first = window
        .skip_while(|b| b.is_ascii_whitespace())
        .map_err(|e| read_error(what, &e))?;
    let Some(first) = first else {
        return Ok(report);
    };
    match first {
        b'[' | b'{' => {}
        b'<' => {
            return Err(WbdError::invalid(format!(
                "{what} looks like XML; export the log as .evtx (wevtutil epl) or as JSON (Get-WinEvent ... | Select-Object Id,ProviderName,TimeCreated,LevelDisplayName,Message | ConvertTo-Json)"
            )))
        }
        other => {
            return Err(WbdError::invalid(format!(
                "{what} is neither an .evtx file nor JSON (it starts with {:?})",
                char::from(other)
            )))
        }
    }
    let mut handed = 0;
    if fast && first == b'[' {
        match stream_array(&mut window, &mut |entry| {
            hand_entry(&mut report, entry, sink, tick)
        }) {
            Fast::Done | Fast::Stopped => return Ok(report),
            Fast::GiveUp(n) => handed = n,
        }
    }
    drop(window);
    let mut reader = BufReader::with_capacity(SLOW_BUF, open().map_err(|e| read_error(what, &e))?);
    loop {
        let buf = reader.fill_buf().map_err(|e| read_error(what, &e))?;
        let ws = buf.iter().take_while(|b| b.is_ascii_whitespace()).count();
        let n = buf.len();
        reader.consume(ws);
        if ws < n || n == 0 {
            break;
        }
    }
    let mut skipped = 0;
    let mut handler = |entry: Entry| -> Flow {
        if skipped < handed {
            skipped += 1;
            return Flow::Continue;
        }
        hand_entry(&mut report, entry, sink, tick)
    };
    let mut exported_at = None;
    let mut de = serde_json::Deserializer::from_reader(reader);
    let outcome = serde::Deserializer::deserialize_any(
        &mut de,
        TopVisitor {
            handler: &mut handler,
            exported_at: &mut exported_at,
        },
    )
    .and_then(|()| de.end());
    if let Some(v) = exported_at.filter(|v| !v.is_null()) {
        match Timestamp::decode(&Node::root(&v)) {
            Ok(t) => report.exported_at = Some(t),
            Err(_) => report.warnings.push(format!(
                "ExportedAt {} is not a time (\\/Date(ms)\\/ or ISO 8601); it was ignored",
                short(&v)
            )),
        }
    }
    match outcome {
        Ok(()) => Ok(report),
        Err(_) if report.stopped => Ok(report),
        Err(e) => {
            let done = report.entries;
            let cause = if e.is_io() {
                e.to_string()
            } else if e.is_eof() {
                "the file ends in the middle of an entry (it looks truncated)".to_string()
            } else {
                let mut s = format!(
                    "invalid JSON at line {} column {}: {e}",
                    e.line(),
                    e.column()
                );
                if s.contains("unicode") || s.contains("UTF-8") {
                    s.push_str(" (save the file as UTF-8 or Unicode, not ANSI)");
                }
                s
            };
            if done == 0 || e.is_data() {
                return Err(WbdError::invalid(format!("{what}: {cause}")));
            }
            report.truncated = Some(format!(
                "{cause}; the {done} entries before that point were read"
            ));
            Ok(report)
        }
    }
}

/// Takes one entry into `report` and hands its event (if it is one) to `sink`.
fn hand_entry(
    report: &mut ReadReport,
    entry: Entry,
    sink: &mut dyn FnMut(Event) -> Flow,
    tick: &mut dyn FnMut(u64),
) -> Flow {
    report.entries += 1;
    let n = report.entries;
    if n.is_multiple_of(4096) {
        tick(n);
    }
    let fields = match entry {
        Entry::Object(f) => f,
        Entry::NotObject(kind) => {
            report
                .warnings
                .push(format!("entry {n} is {kind}, not an event object; skipped"));
            return Flow::Continue;
        }
    };
    let mut notes = Vec::new();
    let converted = event_from_fields(*fields, &mut |w| notes.push(w));
    for w in notes {
        report.warnings.push(format!("entry {n} {w}"));
    }
    match converted {
        Ok(event) => {
            report.events += 1;
            match sink(event) {
                Flow::Continue => Flow::Continue,
                Flow::Stop => {
                    report.stopped = true;
                    Flow::Stop
                }
            }
        }
        Err(why) => {
            report.warnings.push(format!("entry {n} skipped: {why}"));
            Flow::Continue
        }
    }
}

pub(super) fn read_error(what: &str, e: &io::Error) -> WbdError {
    WbdError::invalid(format!("cannot read {what}: {e}"))
}
