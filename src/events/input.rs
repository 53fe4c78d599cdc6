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
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::error::WbdError;
use crate::snapshot::Timestamp;
use crate::text::decode_text;

mod evtx;
mod json;

use evtx::read_evtx;
use json::read_json;

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
        let s = s.trim();
        let is = |name: &str| s.eq_ignore_ascii_case(name);
        if is("critical") {
            Level::Critical
        } else if is("error") {
            Level::Error
        } else if is("warning") || is("failureaudit") {
            Level::Warning
        } else if is("information") || is("successaudit") {
            Level::Information
        } else if is("verbose") {
            Level::Verbose
        } else {
            Level::Unknown
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
    /// The file's modification time, when the file system gives one.
    pub modified: Option<Timestamp>,
    /// The export time the file records (`ExportedAt` of the module's export).
    pub exported_at: Option<Timestamp>,
}

/// A file time as a [`Timestamp`]; `None` before 1970 or when it does not fit.
fn timestamp_of(t: std::time::SystemTime) -> Option<Timestamp> {
    let ms = t.duration_since(std::time::UNIX_EPOCH).ok()?.as_millis();
    i64::try_from(ms).ok().map(Timestamp)
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
    let metadata = file
        .metadata()
        .map_err(|e| WbdError::invalid(format!("cannot read {what}: {e}")))?;
    let len = metadata.len();
    let modified = metadata.modified().ok().and_then(timestamp_of);
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
        return read_evtx(path, len, &what, sink, progress).map(|r| ReadReport { modified, ..r });
    }
    let (skip, encoding) = match head {
        [0xEF, 0xBB, 0xBF, ..] => (3, Encoding::Utf8),
        [0xFF, 0xFE, ..] => (2, Encoding::Utf16 { le: true }),
        [0xFE, 0xFF, ..] => (2, Encoding::Utf16 { le: false }),
        [a, 0, ..] if *a != 0 => (0, Encoding::Utf16 { le: true }),
        [0, b, ..] if *b != 0 => (0, Encoding::Utf16 { le: false }),
        _ => (0, Encoding::Utf8),
    };
    let counter = Arc::new(AtomicU64::new(skip));
    let mut opened = Some(file);
    let mut open = || -> io::Result<Box<dyn Read>> {
        let mut file = match opened.take() {
            Some(f) => f,
            None => File::open(path)?,
        };
        file.seek(SeekFrom::Start(skip))?;
        counter.store(skip, Ordering::Relaxed);
        let counting = Counting {
            inner: file,
            read: counter.clone(),
        };
        Ok(match encoding {
            Encoding::Utf8 => Box::new(counting),
            Encoding::Utf16 { le } => Box::new(Utf16ToUtf8::new(counting, le, what.clone())),
        })
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
    let report = read_json(&mut open, &what, sink, &mut tick)?;
    Ok(ReadReport { modified, ..report })
}

#[derive(Clone, Copy)]
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
    fn the_module_export_records_when_it_was_read() {
        let one = r#"{"Id":31019,"ProviderName":"PasswordResetService","TimeCreated":"2024-06-03T10:00:00Z"}"#;
        let (r, ev) = read_str(
            format!(r#"{{"ExportedAt":"2024-06-03T13:00:00Z","ComputerName":"SYNC01","Events":[{one},{one}]}}"#)
                .as_bytes(),
        );
        let r = r.expect("reads");
        assert_eq!((r.entries, r.events, ev.len()), (2, 2, 2));
        assert_eq!(
            r.exported_at.map(|t| t.to_string()).as_deref(),
            Some("2024-06-03T13:00:00Z")
        );
        // Windows PowerShell 5.1's date form, the key after the events, one event.
        let (r, ev) = read_str(
            format!(r#"{{"events":{one},"exportedAt":"\/Date(1717419600000)\/"}}"#).as_bytes(),
        );
        let r = r.expect("reads");
        assert_eq!(ev.len(), 1);
        assert_eq!(r.exported_at, Some(Timestamp(1_717_419_600_000)));
        // An empty export, and an export time that is not a time.
        let (r, _) = read_str(br#"{"ExportedAt":"soon","Events":[]}"#);
        let r = r.expect("reads");
        assert_eq!((r.events, r.exported_at), (0, None));
        assert!(
            r.warnings
                .first
                .iter()
                .any(|w| w.contains("ExportedAt \"soon\"")),
            "{:?}",
            r.warnings
        );
        // A plain Get-WinEvent export records no export time.
        let (r, _) = read_str(format!("[{one}]").as_bytes());
        assert_eq!(r.expect("reads").exported_at, None);
        let (r, _) = read_str(br#"{"ExportedAt":"2024-06-03T13:00:00Z","Events":5}"#);
        assert!(r.is_err());
    }

    #[test]
    fn the_file_modification_time_is_reported() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("e.json");
        std::fs::write(&path, "[]").expect("write");
        let at = std::time::UNIX_EPOCH + std::time::Duration::from_millis(1_717_419_600_000);
        File::options()
            .write(true)
            .open(&path)
            .and_then(|f| f.set_modified(at))
            .expect("set mtime");
        let r = read_file(&path, &mut |_| Flow::Continue, &mut |_| {}).expect("reads");
        assert_eq!(r.modified, Some(Timestamp(1_717_419_600_000)));
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
