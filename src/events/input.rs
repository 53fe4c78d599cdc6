//! Reading events from an exported `.evtx` file or from the JSON that
//! `Get-WinEvent | Select-Object Id,ProviderName,TimeCreated,LevelDisplayName,Message |
//! ConvertTo-Json` writes, one event at a time.
//!
//! The format is told by content: an `.evtx` file starts with `ElfFile\0`; anything else
//! is JSON in UTF-8 (with or without BOM) or UTF-16 (as Windows PowerShell 5.1's
//! `Out-File` writes it). Both PowerShell encodings are accepted: 5.1 dates
//! (`"\/Date(ms)\/"`, or the decorated `{"value": ..., "DateTime": ...}` object) and 7's
//! ISO 8601 dates; a top-level array, or a single object when there was one event.
//! `Get-EventLog` output (`EventID`, `Source`, `TimeGenerated`, `EntryType`) is read too.
//!
//! Nothing is held beyond the current event: JSON is read with a streaming visitor over the
//! top-level array, `.evtx` chunk by chunk. A malformed entry becomes a warning and the
//! rest is read; a file cut short keeps the events before the cut and says so.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::error::WbdError;
use crate::snapshot::{Node, Timestamp};
use crate::text::decode_text;

/// At most this many warning texts are kept; the rest are only counted.
pub const MAX_WARNING_TEXTS: usize = 20;

/// Size of an `.evtx` chunk.
const EVTX_CHUNK: u64 = 65_536;

/// One event, whatever file it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Provider (source) name, for example `PasswordResetService`.
    pub provider: String,
    /// The classic event source name an `.evtx` record carries besides its provider.
    pub event_source: Option<String>,
    /// Event id (the low 16 bits, as Event Viewer shows it).
    pub id: u32,
    /// Qualifiers of a classic event id (`.evtx` only).
    pub qualifiers: Option<u32>,
    /// When the event was created (`TimeCreated`).
    pub time: Timestamp,
    /// When the record was written, from the `.evtx` record header.
    pub written: Option<Timestamp>,
    /// Record number.
    pub record_id: Option<u64>,
    /// Severity.
    pub level: Level,
    /// Computer that logged it.
    pub computer: Option<String>,
    /// The rendered message (JSON) or the event data strings, one a line (`.evtx`).
    pub message: String,
}

/// Event severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Critical (1).
    Critical,
    /// Error (2).
    Error,
    /// Warning (3).
    Warning,
    /// Information (4, or 0 for classic events).
    Information,
    /// Verbose (5).
    Verbose,
    /// Not given or not recognised (for example a localised display name).
    Unknown,
}

impl Level {
    /// From the numeric `Level` of Get-WinEvent / `.evtx`.
    pub fn from_number(n: u64) -> Level {
        match n {
            1 => Level::Critical,
            2 => Level::Error,
            3 => Level::Warning,
            0 | 4 => Level::Information,
            5 => Level::Verbose,
            _ => Level::Unknown,
        }
    }

    /// From an English `LevelDisplayName` or `EntryType` name.
    pub fn from_name(s: &str) -> Level {
        match s.trim().to_ascii_lowercase().as_str() {
            "critical" => Level::Critical,
            "error" => Level::Error,
            "warning" | "failureaudit" => Level::Warning,
            "information" | "successaudit" => Level::Information,
            "verbose" => Level::Verbose,
            _ => Level::Unknown,
        }
    }

    /// From `Get-EventLog`'s numeric `EntryType`.
    fn from_entry_type(n: u64) -> Level {
        match n {
            1 => Level::Error,
            2 | 16 => Level::Warning,
            4 | 8 => Level::Information,
            _ => Level::Unknown,
        }
    }

    /// Name for reports.
    pub fn name(self) -> &'static str {
        match self {
            Level::Critical => "Critical",
            Level::Error => "Error",
            Level::Warning => "Warning",
            Level::Information => "Information",
            Level::Verbose => "Verbose",
            Level::Unknown => "Unknown",
        }
    }

    /// Critical, Error or Warning.
    pub fn is_problem(self) -> bool {
        matches!(self, Level::Critical | Level::Error | Level::Warning)
    }
}

/// How the file was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// An exported Windows event log.
    Evtx,
    /// ConvertTo-Json output.
    Json,
}

impl Format {
    /// Name for reports.
    pub fn name(self) -> &'static str {
        match self {
            Format::Evtx => "evtx",
            Format::Json => "json",
        }
    }
}

/// Whether the reader should go on after an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Read the next event.
    Continue,
    /// Stop reading (a limit was reached or the run was cancelled).
    Stop,
}

/// Per-entry problems: the first few texts and the total count.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Warnings {
    /// How many there were.
    pub count: u64,
    /// The first [`MAX_WARNING_TEXTS`] of them.
    pub first: Vec<String>,
}

impl Warnings {
    /// Records one warning.
    pub fn push(&mut self, text: impl Into<String>) {
        self.count += 1;
        if self.first.len() < MAX_WARNING_TEXTS {
            self.first.push(text.into());
        }
    }
}

/// What reading a file found besides the events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadReport {
    /// The file's format.
    pub format: Format,
    /// Entries (JSON) or records (`.evtx`) seen, malformed ones included.
    pub entries: u64,
    /// Events handed on.
    pub events: u64,
    /// Entries that were malformed or skipped, and other oddities.
    pub warnings: Warnings,
    /// True when the caller stopped the reading early.
    pub stopped: bool,
    /// Set when the file ends early or stops being readable part-way; the events before
    /// that point were read.
    pub truncated: Option<String>,
}

/// [`read_file`] that stops early once `control` is cancelled (checked every 1024 events).
pub fn read_file_cancellable(
    path: &Path,
    control: &crate::control::Control,
    sink: &mut dyn FnMut(Event) -> Flow,
    progress: &mut dyn FnMut(u8),
) -> Result<ReadReport, WbdError> {
    let mut n = 0u64;
    read_file(
        path,
        &mut |e| {
            n += 1;
            if n.is_multiple_of(1024) && control.is_cancelled() {
                return Flow::Stop;
            }
            sink(e)
        },
        progress,
    )
}

/// Reads every event in `path`, handing each to `sink` in file order; `progress` gets
/// the share of the file read so far (0-100).
pub fn read_file(
    path: &Path,
    sink: &mut dyn FnMut(Event) -> Flow,
    progress: &mut dyn FnMut(u8),
) -> Result<ReadReport, WbdError> {
    let what = format!("event file '{}'", path.display());
    let mut file =
        File::open(path).map_err(|e| WbdError::invalid(format!("cannot read {what}: {e}")))?;
    let len = file
        .metadata()
        .map_err(|e| WbdError::invalid(format!("cannot read {what}: {e}")))?
        .len();
    let mut head = [0u8; 8];
    let mut got = 0;
    while got < head.len() {
        match file.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(WbdError::invalid(format!("cannot read {what}: {e}"))),
        }
    }
    let head = &head[..got];
    if head == b"ElfFile\0" {
        drop(file);
        return read_evtx(path, len, &what, sink, progress);
    }
    let (skip, encoding) = match head {
        [0xEF, 0xBB, 0xBF, ..] => (3, Encoding::Utf8),
        [0xFF, 0xFE, ..] => (2, Encoding::Utf16 { le: true }),
        [0xFE, 0xFF, ..] => (2, Encoding::Utf16 { le: false }),
        [a, 0, ..] if *a != 0 => (0, Encoding::Utf16 { le: true }),
        [0, b, ..] if *b != 0 => (0, Encoding::Utf16 { le: false }),
        _ => (0, Encoding::Utf8),
    };
    file.seek(SeekFrom::Start(skip))
        .map_err(|e| WbdError::invalid(format!("cannot read {what}: {e}")))?;
    let counter = Arc::new(AtomicU64::new(skip));
    let counting = Counting {
        inner: file,
        read: counter.clone(),
    };
    let mut tick = |_: u64| {
        if let Some(pct) = counter
            .load(Ordering::Relaxed)
            .saturating_mul(100)
            .checked_div(len)
        {
            progress(u8::try_from(pct.min(99)).unwrap_or(99));
        }
    };
    match encoding {
        Encoding::Utf8 => read_json(
            BufReader::with_capacity(256 * 1024, counting),
            &what,
            sink,
            &mut tick,
        ),
        Encoding::Utf16 { le } => read_json(
            BufReader::with_capacity(256 * 1024, Utf16ToUtf8::new(counting, le, what.clone())),
            &what,
            sink,
            &mut tick,
        ),
    }
}

enum Encoding {
    Utf8,
    Utf16 { le: bool },
}

/// Counts the bytes read from the file, for progress.
struct Counting<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Turns a UTF-16 stream into UTF-8 block by block with [`decode_text`], never splitting
/// a surrogate pair, so a file of any size is decoded in bounded memory.
struct Utf16ToUtf8<R> {
    inner: R,
    le: bool,
    what: String,
    raw: Vec<u8>,
    out: Vec<u8>,
    pos: usize,
    eof: bool,
}

impl<R: Read> Utf16ToUtf8<R> {
    fn new(inner: R, le: bool, what: String) -> Self {
        Utf16ToUtf8 {
            inner,
            le,
            what,
            raw: Vec::new(),
            out: Vec::new(),
            pos: 0,
            eof: false,
        }
    }

    fn bom(&self) -> [u8; 2] {
        if self.le {
            [0xFF, 0xFE]
        } else {
            [0xFE, 0xFF]
        }
    }

    fn decode(&self, body: &[u8]) -> io::Result<Vec<u8>> {
        let mut block = Vec::with_capacity(body.len() + 2);
        block.extend_from_slice(&self.bom());
        block.extend_from_slice(body);
        decode_text(&block, &self.what)
            .map(String::into_bytes)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.message))
    }

    /// Refills `out`; leaves it empty only at the end of the stream.
    fn fill(&mut self) -> io::Result<()> {
        self.out.clear();
        self.pos = 0;
        let mut buf = [0u8; 64 * 1024];
        while self.out.is_empty() && !self.eof {
            let n = match self.inner.read(&mut buf) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if n == 0 {
                self.eof = true;
                if !self.raw.is_empty() {
                    // An odd byte or a lone high surrogate at the very end.
                    let rest = std::mem::take(&mut self.raw);
                    self.out = self.decode(&rest)?;
                }
                break;
            }
            self.raw.extend_from_slice(&buf[..n]);
            let mut usable = self.raw.len() & !1;
            if usable >= 2 {
                let (a, b) = (self.raw[usable - 2], self.raw[usable - 1]);
                let unit = if self.le {
                    u16::from_le_bytes([a, b])
                } else {
                    u16::from_be_bytes([a, b])
                };
                if (0xD800..0xDC00).contains(&unit) {
                    usable -= 2;
                }
            }
            if usable == 0 {
                continue;
            }
            self.out = self.decode(&self.raw[..usable])?;
            self.raw.drain(..usable);
        }
        Ok(())
    }
}

impl<R: Read> Read for Utf16ToUtf8<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos >= self.out.len() {
            self.fill()?;
        }
        let n = buf.len().min(self.out.len() - self.pos);
        buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

// ---------------------------------------------------------------------------------------
// JSON

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
                } else {
                    Field::Other
                })
            }
        }
        d.deserialize_str(V)
    }
}

fn read_fields<'de, A: MapAccess<'de>>(mut map: A) -> Result<Fields, A::Error> {
    let mut f = Fields::default();
    while let Some(key) = map.next_key::<Field>()? {
        let slot = match key {
            Field::Id => &mut f.id,
            Field::InstanceId => &mut f.instance_id,
            Field::Provider => &mut f.provider,
            Field::Time => &mut f.time,
            Field::TimeWritten => &mut f.time_written,
            Field::Level => &mut f.level,
            Field::LevelName => &mut f.level_name,
            Field::EntryType => &mut f.entry_type,
            Field::Message => &mut f.message,
            Field::RecordId => &mut f.record_id,
            Field::Machine => &mut f.machine,
            Field::Other => {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
        };
        *slot = Some(map.next_value::<Value>()?);
    }
    Ok(f)
}

/// One top-level entry: an object, or something that is not one.
enum Entry {
    Object(Box<Fields>),
    NotObject(&'static str),
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
        match (self.handler)(entry) {
            Flow::Continue => Ok(()),
            Flow::Stop => Err(de::Error::custom(STOP)),
        }
    }
}

struct TopVisitor<'a, 'b> {
    handler: &'a mut EntryHandler<'b>,
}

impl<'de> Visitor<'de> for TopVisitor<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of events or one event object")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq
            .next_element_seed(EntrySeed {
                handler: &mut *self.handler,
            })?
            .is_some()
        {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let fields = read_fields(map)?;
        match (self.handler)(Entry::Object(Box::new(fields))) {
            Flow::Continue => Ok(()),
            Flow::Stop => Err(de::Error::custom(STOP)),
        }
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

fn number_of(v: &Value) -> Option<u64> {
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
    let time = Timestamp::decode(&Node::root(time_value)).map_err(|_| {
        format!(
            "TimeCreated {} is not a date (\\/Date(ms)\\/ or ISO 8601)",
            short(time_value)
        )
    })?;
    let provider = match f.provider.as_ref() {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
        other => {
            let guessed = super::catalog::Source::guess_from_id(id).map(|s| s.name());
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

/// Streams the JSON in `reader` (already UTF-8, BOM removed).
fn read_json<R: BufRead>(
    mut reader: R,
    what: &str,
    sink: &mut dyn FnMut(Event) -> Flow,
    tick: &mut dyn FnMut(u64),
) -> Result<ReadReport, WbdError> {
    let mut report = ReadReport {
        format: Format::Json,
        entries: 0,
        events: 0,
        warnings: Warnings::default(),
        stopped: false,
        truncated: None,
    };
    // Skip leading white space to tell an empty export (Get-WinEvent found nothing) and
    // non-JSON files apart before the parser sees them.
    let first = loop {
        let buf = reader.fill_buf().map_err(|e| read_error(what, &e))?;
        if buf.is_empty() {
            return Ok(report);
        }
        let ws = buf.iter().take_while(|b| b.is_ascii_whitespace()).count();
        if ws < buf.len() {
            let first = buf[ws];
            reader.consume(ws);
            break first;
        }
        let n = buf.len();
        reader.consume(n);
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
    let mut handler = |entry: Entry| -> Flow {
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
    };
    let mut de = serde_json::Deserializer::from_reader(reader);
    let outcome = serde::Deserializer::deserialize_any(
        &mut de,
        TopVisitor {
            handler: &mut handler,
        },
    )
    .and_then(|()| de.end());
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

fn read_error(what: &str, e: &io::Error) -> WbdError {
    WbdError::invalid(format!("cannot read {what}: {e}"))
}

// ---------------------------------------------------------------------------------------
// EVTX

fn read_evtx(
    path: &Path,
    len: u64,
    what: &str,
    sink: &mut dyn FnMut(Event) -> Flow,
    progress: &mut dyn FnMut(u8),
) -> Result<ReadReport, WbdError> {
    use evtx::{EvtxParser, ParserSettings};
    // Checksums are not validated: logs saved without CRC32s (flag NO_CRC32, every CRC
    // field 0) are valid, and a damaged chunk still fails on its own structure.
    let settings = ParserSettings::new()
        .validate_checksums(false)
        .separate_json_attributes(false)
        .indent(false);
    let shared = Arc::new(settings.clone());
    let mut parser = EvtxParser::from_path(path)
        .map_err(|e| WbdError::invalid(format!("{what} is not a readable .evtx file: {e}")))?
        .with_configuration(settings);
    let mut report = ReadReport {
        format: Format::Evtx,
        entries: 0,
        events: 0,
        warnings: Warnings::default(),
        stopped: false,
        truncated: None,
    };
    let header_size = u64::from(parser.header().header_block_size).max(1);
    let data = len.saturating_sub(header_size);
    let total_chunks = (data / EVTX_CHUNK).max(1);
    if data % EVTX_CHUNK != 0 {
        report.truncated = Some(format!(
            "the file ends {} bytes into chunk {} (it looks truncated); the complete chunks before it were read",
            data % EVTX_CHUNK,
            data / EVTX_CHUNK
        ));
    }
    'chunks: for (i, chunk) in parser.chunks().enumerate() {
        progress(u8::try_from((i as u64 * 100 / total_chunks).min(99)).unwrap_or(99));
        let mut chunk_data = match chunk {
            Ok(c) => c,
            Err(e) => {
                // Chunks come in record order (a log that wrapped around starts in the
                // middle of the file), so `i` is not the chunk's number; the error names it.
                report.warnings.push(format!("a chunk was skipped: {e}"));
                continue;
            }
        };
        let number = chunk_data.number.unwrap_or(i as u64);
        let mut chunk = match chunk_data.parse(shared.clone()) {
            Ok(c) => c,
            Err(e) => {
                report.warnings.push(format!("chunk {number} skipped: {e}"));
                continue;
            }
        };
        for record in chunk.iter() {
            report.entries += 1;
            let record = match record.and_then(|r| r.into_json_value()) {
                Ok(r) => r,
                Err(e) => {
                    report
                        .warnings
                        .push(format!("a record in chunk {number} skipped: {e}"));
                    continue;
                }
            };
            let id = record.event_record_id;
            let written = Timestamp(record.timestamp.as_millisecond());
            match event_from_evtx(&record.data, id, written) {
                Ok(event) => {
                    report.events += 1;
                    if sink(event) == Flow::Stop {
                        report.stopped = true;
                        break 'chunks;
                    }
                }
                Err(why) => report.warnings.push(format!("record {id} skipped: {why}")),
            }
        }
    }
    if report.entries == 0 && report.warnings.count > 0 {
        return Err(WbdError::invalid(format!(
            "{what}: no record could be read ({})",
            report.warnings.first.join("; ")
        )));
    }
    Ok(report)
}

fn attr<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    v.get("#attributes").and_then(|a| a.get(name))
}

/// Builds an event from one record as the evtx crate renders it to JSON.
fn event_from_evtx(data: &Value, record_id: u64, written: Timestamp) -> Result<Event, String> {
    let event = data.get("Event").ok_or("it has no Event element")?;
    let system = event.get("System").ok_or("it has no System element")?;
    let provider_el = system.get("Provider");
    let provider = provider_el
        .and_then(|p| attr(p, "Name"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or("it has no Provider Name")?;
    let event_source = provider_el
        .and_then(|p| attr(p, "EventSourceName"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let id_el = system.get("EventID").ok_or("it has no EventID")?;
    let (id, qualifiers) = match id_el {
        Value::Object(_) => (
            id_el.get("#text").and_then(number_of),
            attr(id_el, "Qualifiers").and_then(number_of),
        ),
        other => (number_of(other), None),
    };
    let id = id.ok_or("its EventID is not a number")?;
    let time = system
        .get("TimeCreated")
        .and_then(|t| attr(t, "SystemTime"))
        .and_then(|t| Timestamp::decode(&Node::root(t)).ok())
        .unwrap_or(written);
    let level = system
        .get("Level")
        .and_then(number_of)
        .map_or(Level::Unknown, Level::from_number);
    let computer = system
        .get("Computer")
        .and_then(Value::as_str)
        .map(str::to_string);
    let mut strings = Vec::new();
    for part in ["EventData", "UserData"] {
        if let Some(v) = event.get(part) {
            collect_strings(v, &mut strings);
        }
    }
    Ok(Event {
        provider,
        event_source,
        id: u32::try_from(id & 0xFFFF).unwrap_or(0),
        qualifiers: qualifiers.and_then(|q| u32::try_from(q).ok()),
        time,
        written: Some(written),
        record_id: Some(record_id),
        level,
        computer,
        message: strings.join("\n"),
    })
}

/// The data strings of an `EventData`/`UserData` element, in order.
fn collect_strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Null => {}
        Value::String(s) => out.push(s.clone()),
        Value::Number(_) | Value::Bool(_) => out.push(v.to_string()),
        Value::Array(items) => items.iter().for_each(|i| collect_strings(i, out)),
        Value::Object(map) => {
            for (k, item) in map {
                if k != "#attributes" && k != "Binary" {
                    collect_strings(item, out);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(bytes: &[u8]) -> (Result<ReadReport, WbdError>, Vec<Event>) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("events.json");
        std::fs::write(&path, bytes).expect("write");
        let mut events = Vec::new();
        let r = read_file(
            &path,
            &mut |e| {
                events.push(e);
                Flow::Continue
            },
            &mut |_| {},
        );
        (r, events)
    }

    #[test]
    fn reads_a_single_object_and_both_date_forms() {
        let (r, ev) = read_str(
            br#"{"Id":31019,"ProviderName":"PasswordResetService","TimeCreated":"\/Date(1700000000000)\/","LevelDisplayName":"Information","Message":"x"}"#,
        );
        let r = r.expect("reads");
        assert_eq!((r.entries, r.events, r.warnings.count), (1, 1, 0));
        assert_eq!(ev[0].time, Timestamp(1_700_000_000_000));
        assert_eq!(ev[0].level, Level::Information);
        let (_, ev7) = read_str(
            br#"[{"Id":31019,"ProviderName":"PasswordResetService","TimeCreated":"2023-11-14T23:13:20+01:00","Message":null}]"#,
        );
        assert_eq!(ev7[0].time, Timestamp(1_700_000_000_000));
        assert_eq!(ev7[0].message, "");
    }

    #[test]
    fn utf16_is_decoded_in_blocks_without_splitting_characters() {
        // Long enough to cross several 64 KiB blocks, with astral characters throughout.
        let msg = "é😀".repeat(40_000);
        let text = format!(
            r#"[{{"Id":31019,"ProviderName":"PasswordResetService","TimeCreated":"2024-01-01T00:00:00Z","Message":"{msg}"}}]"#
        );
        for le in [true, false] {
            let mut bytes = if le {
                vec![0xFF, 0xFE]
            } else {
                vec![0xFE, 0xFF]
            };
            for u in text.encode_utf16() {
                bytes.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
            }
            let (r, ev) = read_str(&bytes);
            r.expect("reads");
            assert_eq!(ev[0].message, msg);
        }
        let mut odd = vec![0xFF, 0xFE];
        odd.extend("[1]".encode_utf16().flat_map(u16::to_le_bytes));
        odd.push(b' ');
        let (r, _) = read_str(&odd);
        let r = r.expect("the complete part is read");
        assert!(
            r.truncated
                .as_deref()
                .is_some_and(|t| t.contains("odd number")),
            "{r:?}"
        );
        let (r, _) = read_str(&[0xFF, 0xFE, b'[']);
        let e = r.expect_err("nothing complete");
        assert!(e.message.contains("odd number"), "{}", e.message);
    }

    #[test]
    fn malformed_entries_are_warnings() {
        let (r, ev) = read_str(
            br#"[
              5,
              {"ProviderName":"PasswordResetService","TimeCreated":"2024-01-01T00:00:00Z"},
              {"Id":"abc","ProviderName":"ADSync","TimeCreated":"2024-01-01T00:00:00Z"},
              {"Id":33004,"TimeCreated":"2024-01-01T00:00:00Z","Message":7},
              {"Id":6329,"ProviderName":"ADSync","TimeCreated":"yesterday"},
              {"Id":6329,"ProviderName":"ADSync","TimeCreated":{"value":"\/Date(0)\/","DateTime":"x"}},
              {"Id":1,"TimeCreated":"2024-01-01T00:00:00Z"}
            ]"#,
        );
        let r = r.expect("reads");
        assert_eq!(r.entries, 7);
        assert_eq!(ev.len(), 2, "{:?}", r.warnings);
        assert_eq!(ev[0].provider, "PasswordResetService");
        assert_eq!(ev[0].message, "7");
        assert_eq!(ev[1].time, Timestamp(0));
        let all = r.warnings.first.join("\n");
        for needle in [
            "entry 1 is a number",
            "entry 2 skipped: it has no Id",
            "entry 3 skipped: Id is a string",
            "entry 4 has no ProviderName; taken as PasswordResetService",
            "entry 4 Message is a number",
            "entry 5 skipped: TimeCreated \"yesterday\"",
            "entry 7 skipped: it has no ProviderName and id 1",
        ] {
            assert!(all.contains(needle), "{needle} not in\n{all}");
        }
    }

    #[test]
    fn truncation_and_garbage() {
        let (r, ev) = read_str(
            br#"[{"Id":31019,"ProviderName":"PasswordResetService","TimeCreated":"2024-01-01T00:00:00Z"},{"Id":31019,"Provid"#,
        );
        let r = r.expect("partial read");
        assert_eq!(ev.len(), 1);
        assert!(
            r.truncated
                .as_deref()
                .is_some_and(|t| t.contains("truncated")),
            "{r:?}"
        );
        let (r, _) = read_str(b"[{\"Id\":");
        assert!(r
            .expect_err("nothing complete")
            .message
            .contains("truncated"));
        let (r, _) = read_str(b"   \r\n ");
        assert_eq!(r.expect("empty export").entries, 0);
        assert!(read_str(b"<Events/>").0.is_err());
        assert!(read_str(b"hello").0.is_err());
        assert!(read_str(b"42").0.is_err());
    }

    #[test]
    fn the_sink_can_stop_the_reader() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("e.json");
        let one = r#"{"Id":31019,"ProviderName":"PasswordResetService","TimeCreated":"2024-01-01T00:00:00Z"}"#;
        std::fs::write(&path, format!("[{one},{one},{one}]")).expect("write");
        let mut n = 0;
        let r = read_file(
            &path,
            &mut |_| {
                n += 1;
                if n == 2 {
                    Flow::Stop
                } else {
                    Flow::Continue
                }
            },
            &mut |_| {},
        )
        .expect("reads");
        assert!(r.stopped);
        assert_eq!(r.events, 2);
    }
}
