//! The fast path of the JSON reader: the entries of a top-level array are cut out of a
//! bounded buffer and each is parsed from a slice.
//!
//! serde_json reads an `io::Read` a byte at a time, counting lines and columns as it
//! goes; from a slice it skips through strings and borrows them. This path only reads
//! well-formed entries: at anything else (a syntax error, a cut, an entry longer than
//! [`MAX_BUF`], a read error) it gives up and says how many entries it handed on, and
//! the streaming visitor reads the file again from the start, skipping those, so that
//! every warning and error stays exactly what that visitor says.

use std::io::{self, Read};

use serde_json::Value;

use super::{Entry, Flow};

/// First size of the buffer (the size of the streaming visitor's `BufReader`).
const START_BUF: usize = 256 * 1024;
/// The buffer grows to hold a long entry up to this size; a longer one leaves the fast
/// path. Keeps the reader's memory bounded whatever the file holds.
const MAX_BUF: usize = 4 * 1024 * 1024;
/// Deepest nesting of a kept field value that the fast path passes on. Within serde_json's
/// limit of 128 levels the streaming visitor has one or two levels fewer left for a value
/// than a parse of the entry alone (the enclosing array and object count); values nested
/// deeper than this leave the fast path so that the visitor decides.
const MAX_VALUE_DEPTH: usize = 100;

/// How the fast path ended.
pub(super) enum Fast {
    /// The array was read to its end and only white space followed.
    Done,
    /// The handler said stop.
    Stopped,
    /// Something this path does not read; this many entries were handed on.
    GiveUp(u64),
}

/// A bounded window on the input.
pub(super) struct Window<R> {
    reader: R,
    data: Vec<u8>,
    pos: usize,
    end: usize,
    eof: bool,
}

impl<R: Read> Window<R> {
    pub(super) fn new(reader: R) -> Self {
        Window {
            reader,
            data: vec![0; START_BUF],
            pos: 0,
            end: 0,
            eof: false,
        }
    }

    /// Reads more input after what is buffered; false when there is no more (the end of
    /// the input, or the buffer is at [`MAX_BUF`] and full).
    fn more(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.pos > 0 {
            self.data.copy_within(self.pos..self.end, 0);
            self.end -= self.pos;
            self.pos = 0;
        }
        if self.end == self.data.len() {
            if self.data.len() >= MAX_BUF {
                return Ok(false);
            }
            let grown = (self.data.len() * 2).min(MAX_BUF);
            self.data.resize(grown, 0);
        }
        loop {
            match self.reader.read(&mut self.data[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Skips bytes while `skip` says so; returns the next byte, `None` at the end.
    pub(super) fn skip_while(&mut self, skip: impl Fn(u8) -> bool) -> io::Result<Option<u8>> {
        loop {
            while self.pos < self.end {
                let b = self.data[self.pos];
                if !skip(b) {
                    return Ok(Some(b));
                }
                self.pos += 1;
            }
            if !self.more()? {
                return Ok(None);
            }
        }
    }

    /// Parses the value at the current position; `None` when it is not complete and
    /// well-formed within [`MAX_BUF`].
    fn entry(&mut self) -> io::Result<Option<Entry>> {
        loop {
            let slice = &self.data[self.pos..self.end];
            let mut values = serde_json::Deserializer::from_slice(slice).into_iter::<Entry>();
            // A number or literal that ends at the end of the buffer may go on after it,
            // and any failure may be a value cut by the buffer's end: read on. (A value
            // complete only at the end of the input is not a well-formed array.)
            if let Some(Ok(entry)) = values.next() {
                let used = values.byte_offset();
                if used < slice.len() {
                    self.pos += used;
                    return Ok(plain(&entry).then_some(entry));
                }
            }
            if !self.more()? {
                return Ok(None);
            }
        }
    }
}

/// True when no kept value nests deeper than [`MAX_VALUE_DEPTH`].
fn plain(entry: &Entry) -> bool {
    match entry {
        Entry::NotObject(_) => true,
        Entry::Object(f) => f.values().all(|v| depth(v) <= MAX_VALUE_DEPTH),
    }
}

/// Levels of arrays and objects in `v` (0 for a scalar); serde_json built `v` within its
/// own limit, so the recursion is bounded.
fn depth(v: &Value) -> usize {
    match v {
        Value::Array(a) => 1 + a.iter().map(depth).max().unwrap_or(0),
        Value::Object(o) => 1 + o.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// JSON white space, as serde_json takes it between values.
fn is_json_space(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\t' | b'\r')
}

/// Streams the entries of the top-level array whose `[` is the window's next byte.
pub(super) fn stream_array<R: Read>(
    window: &mut Window<R>,
    handler: &mut dyn FnMut(Entry) -> Flow,
) -> Fast {
    let mut handed = 0u64;
    let give_up = |handed| Fast::GiveUp(handed);
    window.pos += 1;
    let mut first = true;
    loop {
        let Ok(Some(next)) = window.skip_while(is_json_space) else {
            return give_up(handed);
        };
        if next == b']' && first {
            window.pos += 1;
            break;
        }
        if !first {
            match next {
                b',' => window.pos += 1,
                b']' => {
                    window.pos += 1;
                    break;
                }
                _ => return give_up(handed),
            }
            if !matches!(window.skip_while(is_json_space), Ok(Some(_))) {
                return give_up(handed);
            }
        }
        first = false;
        let Ok(Some(entry)) = window.entry() else {
            return give_up(handed);
        };
        handed += 1;
        if handler(entry) == Flow::Stop {
            return Fast::Stopped;
        }
    }
    match window.skip_while(is_json_space) {
        Ok(None) => Fast::Done,
        _ => give_up(handed),
    }
}
