//! Turns a stream of events into causes and health signals, in bounded memory.
//!
//! Each event updates a few counters and the group of its cause (count, first and last
//! seen, the newest message's excerpt); nothing else is kept, so a log of any length is
//! diagnosed in the same memory. Groups are bounded: one per catalog id, hr code and
//! signature, and at most [`MAX_DISTINCT_UNKNOWN`] unknown ids.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use regex::Regex;
use serde_json::{json, Map, Value};

use super::catalog::{self, EventInfo, Scope, Source};
use super::input::{Event, Flow, Level, ReadReport};
use super::RelayName;
use crate::api::{CheckResult, Status};
use crate::checks::result_from;
use crate::probe::Finding;
use crate::snapshot::Timestamp;

/// A heartbeat older than this (relative to the reference time) is a failure.
pub const HEARTBEAT_MAX_AGE_MIN: i64 = 15;
/// 6306 within this many minutes of 6800/32001/31044 is the time-skew pattern.
pub const TIME_SKEW_WINDOW_MIN: i64 = 10;
/// Distinct unknown ids kept; further ones are only counted.
pub const MAX_DISTINCT_UNKNOWN: usize = 200;
/// Distinct hr codes kept.
pub const MAX_DISTINCT_HR: usize = 100;
/// Distinct relay names kept.
pub const MAX_RELAYS: usize = 32;
/// Longest message excerpt kept as evidence.
pub const EXCERPT_CHARS: usize = 300;

const MINUTE_MS: i64 = 60_000;

/// Filters and the reference time of a diagnosis.
#[derive(Debug, Clone, Copy, Default)]
pub struct Settings {
    /// Events older than this are skipped.
    pub since: Option<Timestamp>,
    /// The time heartbeat age is measured against; the newest event when absent.
    pub now: Option<Timestamp>,
    /// Stop after this many events (those passing `since`).
    pub max_events: Option<u64>,
}

/// One cause: how often, when, and what the newest occurrence said.
#[derive(Debug, Clone)]
struct Group {
    count: u64,
    first: Timestamp,
    last: Timestamp,
    excerpt: String,
    tracking_id: Option<String>,
    user: Option<String>,
    level: Level,
}

impl Group {
    fn new(e: &Event) -> Self {
        Group {
            count: 1,
            first: e.time,
            last: e.time,
            excerpt: excerpt(&e.message),
            tracking_id: tracking_id(&e.message),
            user: user_of(&e.message),
            level: e.level,
        }
    }

    fn add(&mut self, e: &Event) {
        self.count += 1;
        if e.time < self.first {
            self.first = e.time;
        }
        if e.time >= self.last {
            self.last = e.time;
            self.excerpt = excerpt(&e.message);
            self.tracking_id = tracking_id(&e.message);
            self.user = user_of(&e.message);
            self.level = e.level;
        }
    }

    fn evidence(&self, f: Finding) -> Finding {
        let f = f
            .with("Count", self.count)
            .with("FirstSeen", self.first.to_string())
            .with("LastSeen", self.last.to_string())
            .with("Excerpt", self.excerpt.clone())
            .with("Level", self.level.name());
        let f = match &self.tracking_id {
            Some(t) => f.with("TrackingId", t.clone()),
            None => f,
        };
        match &self.user {
            Some(u) => f.with("User", u.clone()),
            None => f,
        }
    }
}

fn bump<K: Ord>(map: &mut BTreeMap<K, Group>, key: K, e: &Event, cap: usize) -> bool {
    if let Some(g) = map.get_mut(&key) {
        g.add(e);
        true
    } else if map.len() < cap {
        map.insert(key, Group::new(e));
        true
    } else {
        false
    }
}

/// The first part of a message: no stack trace, no `Context:` segment (the cloud anchor
/// and user, kept apart as `User`), white space collapsed, at most [`EXCERPT_CHARS`]
/// characters.
pub fn excerpt(message: &str) -> String {
    let cut = ["\r\n   at ", "\n   at ", "   at "]
        .iter()
        .filter_map(|m| message.find(m))
        .min()
        .unwrap_or(message.len());
    let body = &message[..cut];
    let body = match (body.find(", Context:"), body.find(", Details:")) {
        (Some(c), Some(d)) if c < d => format!("{}{}", &body[..c], &body[d..]),
        _ => body.to_string(),
    };
    let mut out = String::new();
    let mut chars = 0;
    for word in body.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
            chars += 1;
        }
        for c in word.chars() {
            if chars >= EXCERPT_CHARS {
                out.push_str("...");
                return out;
            }
            out.push(c);
            chars += 1;
        }
    }
    out
}

fn user_of(message: &str) -> Option<String> {
    let start = message.find("UserPrincipalName:")? + "UserPrincipalName:".len();
    let upn: String = message[start..]
        .trim_start()
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != ',')
        .take(256)
        .collect();
    (!upn.is_empty()).then_some(upn)
}

/// The distinguished name a message quotes: from its first `CN=`/`OU=` (at the start of
/// a word) to the end of its last `DC=` component, or to the end of the line when it has
/// none; at most 200 characters.
fn dn_in(message: &str) -> Option<String> {
    let lower = message.to_ascii_lowercase();
    let starts_word = |i: usize| {
        message[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric())
    };
    let start = ["cn=", "ou="]
        .into_iter()
        .filter_map(|p| {
            lower
                .match_indices(p)
                .map(|(i, _)| i)
                .find(|i| starts_word(*i))
        })
        .min()?;
    let rest = &message[start..];
    let line = &rest[..rest.find(['\r', '\n']).unwrap_or(rest.len())];
    let end = match line.to_ascii_lowercase().rfind("dc=") {
        Some(dc) => {
            let value = &line[dc + 3..];
            dc + 3
                + value
                    .find(|c: char| !(c.is_alphanumeric() || c == '-'))
                    .unwrap_or(value.len())
        }
        None => line.len(),
    };
    Some(line[..end].chars().take(200).collect())
}
fn tracking_id(message: &str) -> Option<String> {
    let start = message.find("TrackingId:")? + "TrackingId:".len();
    let id: String = message[start..]
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_hexdigit() || *c == '-')
        .collect();
    (id.len() >= 32).then_some(id)
}

/// A relay namespace (Service Bus rules: at most 50 letters, digits and hyphens, ending
/// in a letter or digit) with an optional Service Bus suffix. ASCII only: with Unicode
/// case folding `(?i)` would also take `ſ` (long s) or the Kelvin sign for `s`/`k` and
/// produce host names that are not in the text. Where a name starts and ends is checked
/// in [`relays_in`]: `\b` would also accept the tail of a longer host name
/// (`contoso-ssprdedicatedsbx...`, `x.ssprdedicatedsb...`).
fn relay_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i-u)(ssprdedicatedsb[a-z0-9-]{0,34}[a-z0-9])(\.servicebus\.(?:windows\.net|usgovcloudapi\.net|chinacloudapi\.cn))?")
            .expect("relay pattern")
    })
}

/// True for a character that continues a host name (or a word) around a match.
fn is_host_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '_' | '.')
}

fn endpoint_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let g = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
        Regex::new(&format!(r"(?i)\b{g}_{g}\b")).expect("endpoint pattern")
    })
}

fn hr_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)(?:\b0x|\bhr\s*[=:]?\s*(?:0x)?)(8[0-9a-f]{7})\b|\b(8023[0-9a-f]{4})\b")
            .expect("hr pattern")
    })
}

/// The relay namespaces named in `text`: `ssprdedicatedsb...` names standing on their
/// own, bare or with a Service Bus suffix. A name that is only part of a longer host name
/// or word is not a relay (a host that merely contains the prefix, or a relay name
/// followed by another domain).
pub fn relays_in(text: &str) -> impl Iterator<Item = RelayName> + '_ {
    relay_regex().captures_iter(text).filter_map(|c| {
        let whole = c.get(0)?;
        if text[..whole.start()]
            .chars()
            .next_back()
            .is_some_and(is_host_char)
        {
            return None;
        }
        let mut after = text[whole.end()..].chars();
        // A full stop ends a sentence; anything else after it continues the host.
        let continues = match after.next() {
            Some('.') => after.next().is_some_and(is_host_char),
            Some(ch) => is_host_char(ch),
            None => false,
        };
        if continues {
            return None;
        }
        Some(RelayName {
            namespace: c.get(1)?.as_str().to_ascii_lowercase(),
            suffix: c.get(2).map(|s| s.as_str().to_ascii_lowercase()),
        })
    })
}

/// The hr codes written in `text` (`0x8023...`, `hr=8023...`, bare `8023xxxx`).
pub fn hr_codes_in(text: &str) -> Vec<u32> {
    let mut out = Vec::new();
    for c in hr_regex().captures_iter(text) {
        let Some(m) = c.get(1).or_else(|| c.get(2)) else {
            continue;
        };
        // The first group of a GUID is not an hr code.
        if text[m.end()..].starts_with('-') {
            continue;
        }
        if let Ok(code) = u32::from_str_radix(m.as_str(), 16) {
            if !out.contains(&code) {
                out.push(code);
            }
        }
    }
    out
}

/// True when the distinguished name `dn` holds a character that breaks writeback
/// (facts §4.1: a leading space or `#`, a trailing space, `, + " \ < > ; = /`, LF, CR):
/// escaped (`\,` ... `\/`, `\ `, or as hex such as `\2C`, `\2F`, `\0A`), a `/` (which
/// DNs do not escape), or a space at the start or end of a component value.
fn names_reserved_characters(dn: &str) -> bool {
    let b = dn.as_bytes();
    let escaped = b.windows(2).any(|w| {
        w[0] == b'\\'
            && matches!(
                w[1],
                b',' | b'+' | b'"' | b'\\' | b'<' | b'>' | b';' | b'=' | b'#' | b'/' | b' '
            )
    });
    let lower = dn.to_ascii_lowercase();
    let hex = [
        "\\0a", "\\0d", "\\20", "\\23", "\\2c", "\\2b", "\\22", "\\5c", "\\3c", "\\3e", "\\3b",
        "\\3d", "\\2f",
    ]
    .iter()
    .any(|h| lower.contains(h));
    // A component value that starts with a space (`OU= Sales`) or ends with one before
    // the next, unescaped, comma (`OU=Sales ,DC=`).
    let spaces = b.windows(2).any(|w| w == b"= ")
        || b.windows(3)
            .any(|w| w[0] != b'\\' && w[1] == b' ' && w[2] == b',');
    escaped || hex || spaces || dn.contains('/')
}

/// Running state of one diagnosis.
pub struct Diagnosis {
    settings: Settings,
    analysed: u64,
    older: u64,
    limited: bool,
    other_providers: u64,
    prs_events: u64,
    adsync_events: u64,
    oldest: Option<Timestamp>,
    newest: Option<Timestamp>,
    known: BTreeMap<(Source, u32), Group>,
    unknown: BTreeMap<(String, u32), Group>,
    unknown_overflow: u64,
    hr: BTreeMap<u32, Group>,
    signatures: BTreeMap<&'static str, Group>,
    excluded: BTreeMap<u32, u64>,
    relays: BTreeSet<RelayName>,
    endpoints: BTreeSet<String>,
    reserved_dn: Option<String>,
    last_6306: Option<Timestamp>,
    last_partner: Option<Timestamp>,
    skew_pairs: u64,
    skew_last: Option<Timestamp>,
}

impl Diagnosis {
    /// A fresh diagnosis.
    pub fn new(settings: Settings) -> Self {
        Diagnosis {
            settings,
            analysed: 0,
            older: 0,
            limited: false,
            other_providers: 0,
            prs_events: 0,
            adsync_events: 0,
            oldest: None,
            newest: None,
            known: BTreeMap::new(),
            unknown: BTreeMap::new(),
            unknown_overflow: 0,
            hr: BTreeMap::new(),
            signatures: BTreeMap::new(),
            excluded: BTreeMap::new(),
            relays: BTreeSet::new(),
            endpoints: BTreeSet::new(),
            reserved_dn: None,
            last_6306: None,
            last_partner: None,
            skew_pairs: 0,
            skew_last: None,
        }
    }

    /// Events taken into account so far.
    pub fn analysed(&self) -> u64 {
        self.analysed
    }

    /// Relay namespaces named in the events so far; a bare namespace is left out when
    /// the log also gives its full host name.
    pub fn relays(&self) -> Vec<RelayName> {
        self.relays
            .iter()
            .filter(|r| {
                r.suffix.is_some()
                    || !self
                        .relays
                        .iter()
                        .any(|o| o.namespace == r.namespace && o.suffix.is_some())
            })
            .cloned()
            .collect()
    }

    /// Takes one event into account; says stop once `MaxEvents` events were taken.
    pub fn add(&mut self, e: Event) -> Flow {
        if self.settings.since.is_some_and(|s| e.time < s) {
            self.older += 1;
            return Flow::Continue;
        }
        if self.settings.max_events.is_some_and(|m| self.analysed >= m) {
            self.limited = true;
            return Flow::Stop;
        }
        self.analysed += 1;
        self.oldest = Some(self.oldest.map_or(e.time, |t| t.min(e.time)));
        self.newest = Some(self.newest.map_or(e.time, |t| t.max(e.time)));
        let source = Source::parse(&e.provider)
            .or_else(|| e.event_source.as_deref().and_then(Source::parse));
        let Some(source) = source else {
            self.other_providers += 1;
            return Flow::Continue;
        };
        if catalog::excluded(source, e.id).is_some() {
            *self.excluded.entry(e.id).or_insert(0) += 1;
            return Flow::Continue;
        }
        match source {
            Source::DirectorySynchronization => {
                self.other_providers += 1;
                return Flow::Continue;
            }
            Source::PasswordResetService => self.prs_events += 1,
            Source::AdSync => self.adsync_events += 1,
        }
        self.scan_relays(&e.message);
        match catalog::event(source, e.id) {
            Some(info) => {
                bump(&mut self.known, (source, e.id), &e, usize::MAX);
                self.time_skew(info, e.time);
                if info.is_problem() {
                    self.scan_failure(&e, source, Some(info));
                }
            }
            None => {
                if !bump(
                    &mut self.unknown,
                    (source.name().to_string(), e.id),
                    &e,
                    MAX_DISTINCT_UNKNOWN,
                ) {
                    self.unknown_overflow += 1;
                }
                if e.level.is_problem() {
                    self.scan_failure(&e, source, None);
                }
            }
        }
        Flow::Continue
    }

    fn scan_relays(&mut self, message: &str) {
        let mut found = false;
        for r in relays_in(message) {
            found = true;
            if self.relays.len() < MAX_RELAYS || self.relays.contains(&r) {
                self.relays.insert(r);
            }
        }
        if found {
            for m in endpoint_regex().find_iter(message) {
                if self.endpoints.len() < MAX_RELAYS {
                    self.endpoints.insert(m.as_str().to_ascii_lowercase());
                }
            }
        }
    }

    fn time_skew(&mut self, info: &EventInfo, t: Timestamp) {
        let partner = matches!(
            (info.source, info.id),
            (Source::AdSync, 6800)
                | (Source::PasswordResetService, 32001)
                | (Source::PasswordResetService, 31044)
        );
        let is_6306 = (info.source, info.id) == (Source::AdSync, 6306);
        let near = |a: Option<Timestamp>| {
            a.is_some_and(|a| (a.0 - t.0).abs() <= TIME_SKEW_WINDOW_MIN * MINUTE_MS)
        };
        if is_6306 {
            if near(self.last_partner) {
                self.skew_pairs += 1;
                self.skew_last = Some(self.skew_last.map_or(t, |s| s.max(t)));
            }
            self.last_6306 = Some(t);
        } else if partner {
            if near(self.last_6306) {
                self.skew_pairs += 1;
                self.skew_last = Some(self.skew_last.map_or(t, |s| s.max(t)));
            }
            self.last_partner = Some(t);
        }
    }

    fn scan_failure(&mut self, e: &Event, source: Source, info: Option<&EventInfo>) {
        let lower = e.message.to_lowercase();
        for sig in catalog::SIGNATURES {
            if sig.phrases.iter().any(|p| lower.contains(p)) {
                bump(&mut self.signatures, sig.id, e, usize::MAX);
            }
        }
        let with_hr =
            source == Source::AdSync || matches!(e.id, 31003 | 31008 | 31011 | 33001..=33009);
        if with_hr {
            for code in hr_codes_in(&e.message) {
                bump(&mut self.hr, code, e, MAX_DISTINCT_HR);
            }
        }
        // The DN shows up in 33001 (reserved characters) and in the ADSync 6329 logged
        // with it (hr 0x80005000).
        if self.reserved_dn.is_none()
            && (info.is_some_and(|i| i.id == 33001) || (source, e.id) == (Source::AdSync, 6329))
        {
            self.reserved_dn = dn_in(&e.message).filter(|dn| names_reserved_characters(dn));
        }
    }

    fn last_of(&self, source: Source, ids: &[u32]) -> Option<Timestamp> {
        ids.iter()
            .filter_map(|id| self.known.get(&(source, *id)).map(|g| g.last))
            .max()
    }

    fn count_of(&self, id: u32) -> u64 {
        self.known
            .get(&(Source::PasswordResetService, id))
            .map_or(0, |g| g.count)
    }

    /// Builds the results; `target` names the file in them.
    pub fn finish(&self, read: &ReadReport, target: &str) -> Vec<CheckResult> {
        let mut out = vec![self.read_result(read, target)];
        let prs = Source::PasswordResetService;
        let heartbeat = self.last_of(prs, &[31019]);
        let success = self.last_of(prs, &[31002, 31007, 31010]);
        let onboarded = self.last_of(prs, &[31005]);
        let offboarded = self.last_of(prs, &[31013]);
        let started = self.last_of(prs, &[31015]);
        let stopped = self.last_of(prs, &[31016]);
        let service_stopped = match (stopped, started) {
            (Some(s), Some(st)) => s > st,
            (Some(_), None) => true,
            _ => false,
        };
        let disabled = match (offboarded, onboarded) {
            (Some(off), Some(on)) => off > on,
            (Some(_), None) => true,
            _ => false,
        };
        out.push(self.heartbeat_result(heartbeat, started, stopped, service_stopped, disabled));
        if self.prs_events > 0 {
            out.push(self.service_result(started, stopped, service_stopped));
        }
        if let Some(r) = self.writeback_state_result(onboarded, offboarded) {
            out.push(r);
        }
        if self.prs_events > 0 {
            out.push(self.operations_result(success));
        }
        if let Some(r) = self.relays_result() {
            out.push(r);
        }
        if let Some(r) = self.time_skew_result() {
            out.push(r);
        }
        let recovery = Recovery {
            heartbeat,
            success,
            onboarded,
        };
        let mut causes = Vec::new();
        for ((source, id), g) in &self.known {
            let Some(info) = catalog::event(*source, *id) else {
                continue;
            };
            if !info.is_problem() || (*source, *id) == (prs, 31016) {
                continue;
            }
            causes.push(self.cause_result(info, g, &recovery));
        }
        for (code, g) in &self.hr {
            let mut r = hr_result(*code, g, &recovery);
            if *code == 0x8000_5000 {
                if let Some(dn) = &self.reserved_dn {
                    r.evidence
                        .insert("ReservedCharacterText".into(), dn.clone().into());
                    r.message.push_str(
                        " The text names a distinguished name with a reserved character.",
                    );
                }
            }
            causes.push(r);
        }
        for (id, g) in &self.signatures {
            if let Some(sig) = catalog::SIGNATURES.iter().find(|s| s.id == *id) {
                let (status, outcome, note) = recovery.judge(sig.status, sig.scope, g.last);
                let f = Finding {
                    status,
                    ..Finding::fail(
                        outcome,
                        format!("{}: {} times", sig.title, g.count),
                        format!(
                            "{} Seen {} times, first {}, last {}.{note} Newest: {}",
                            sig.meaning, g.count, g.first, g.last, g.excerpt
                        ),
                        sig.fix,
                    )
                };
                let f = g.evidence(f).with("Phrases", sig.phrases.to_vec());
                causes.push(result_from(
                    sig.id,
                    "Signature",
                    sig.phrases.first().copied().unwrap_or(sig.id),
                    sig.docs,
                    f,
                    0,
                ));
            }
        }
        causes.sort_by_key(|r| (severity_rank(r.status), std::cmp::Reverse(last_seen(r))));
        out.extend(causes);
        if let Some(r) = self.unknown_result() {
            out.push(r);
        }
        if let Some(r) = self.excluded_result() {
            out.push(r);
        }
        out
    }

    fn reference(&self) -> (Option<Timestamp>, &'static str) {
        match self.settings.now {
            Some(n) => (Some(n), "Now"),
            None => (self.newest, "NewestEvent"),
        }
    }

    fn read_result(&self, read: &ReadReport, target: &str) -> CheckResult {
        let writeback = self.prs_events + self.adsync_events;
        let excluded: u64 = self.excluded.values().sum();
        let span = match (self.oldest, self.newest) {
            (Some(a), Some(b)) => format!(" from {a} to {b}"),
            _ => String::new(),
        };
        let mut message = format!(
            "Read {} events from the {} file{span}: {} from PasswordResetService, {} from ADSync, {} password hash sync events left out, {} from other providers ignored.",
            read.events,
            read.format.name(),
            self.prs_events,
            self.adsync_events,
            excluded,
            self.other_providers
        );
        if self.older > 0 {
            message.push_str(&format!(
                " {} events older than Since were skipped.",
                self.older
            ));
        }
        let mut remediation = String::new();
        let (status, outcome) = if read.truncated.is_some() {
            message.push_str(&format!(
                " The file is incomplete: {}.",
                read.truncated.as_deref().unwrap_or_default()
            ));
            remediation =
                "Copy or export the log again; the events after the damaged point were not read."
                    .into();
            (Status::Warning, "Truncated")
        } else if read.warnings.count > 0 {
            message.push_str(&format!(
                " {} entries could not be used (see WarningTexts); the others were read.",
                read.warnings.count
            ));
            remediation = "Export the log again with Get-WinEvent ... | Select-Object Id,ProviderName,TimeCreated,LevelDisplayName,Message | ConvertTo-Json, or as .evtx.".into();
            (Status::Warning, "ReadWithWarnings")
        } else if self.limited {
            remediation = "Raise MaxEvents, or narrow Since to the period to diagnose, so that the events that matter are read.".into();
            (Status::Warning, "Limited")
        } else if writeback == 0 {
            (Status::Warning, "NoWritebackEvents")
        } else {
            (Status::Pass, "Read")
        };
        if self.limited {
            message.push_str(&format!(
                " Stopped after MaxEvents ({}) events, in file order (Get-WinEvent exports list the newest first, .evtx files the oldest first).",
                self.analysed
            ));
        }
        if writeback == 0 && remediation.is_empty() {
            remediation = "Export the Application log of the Entra Connect server with both sources: Get-WinEvent -FilterHashtable @{LogName='Application'; ProviderName='PasswordResetService','ADSync'} (or wevtutil epl Application file.evtx).".into();
        }
        let f = Finding {
            status,
            ..Finding::fail(
                outcome,
                format!("Event file read ({} events)", read.events),
                message,
                remediation,
            )
        }
        .with("Format", read.format.name())
        .with("Entries", read.entries)
        .with("Events", read.events)
        .with("Analysed", self.analysed)
        .with("OlderThanSince", self.older)
        .with("PasswordResetServiceEvents", self.prs_events)
        .with("ADSyncEvents", self.adsync_events)
        .with("ExcludedHashSyncEvents", excluded)
        .with("OtherProviderEvents", self.other_providers)
        .with("Warnings", read.warnings.count)
        .with("WarningTexts", read.warnings.first.clone())
        .with(
            "Truncated",
            read.truncated.clone().map_or(Value::Null, Value::from),
        )
        .with("StoppedAtMaxEvents", self.limited)
        .with(
            "Oldest",
            self.oldest.map_or(Value::Null, |t| t.to_string().into()),
        )
        .with(
            "Newest",
            self.newest.map_or(Value::Null, |t| t.to_string().into()),
        )
        .with(
            "Since",
            self.settings
                .since
                .map_or(Value::Null, |t| t.to_string().into()),
        );
        result_from(
            "EVT-READ",
            "EventLog",
            target,
            catalog::DOC_TROUBLESHOOT,
            f,
            0,
        )
    }

    fn heartbeat_result(
        &self,
        heartbeat: Option<Timestamp>,
        started: Option<Timestamp>,
        stopped: Option<Timestamp>,
        service_stopped: bool,
        disabled: bool,
    ) -> CheckResult {
        let info = catalog::event(Source::PasswordResetService, 31019);
        let fix = info.map_or("", |i| i.fix);
        let (reference, reference_is) = self.reference();
        let count = self.count_of(31019);
        let max_age_ms = HEARTBEAT_MAX_AGE_MIN * MINUTE_MS;
        let age_ms = match (reference, heartbeat) {
            (Some(r), Some(h)) => Some((r.0 - h.0).max(0)),
            _ => None,
        };
        let age_min = age_ms.map(|a| a / MINUTE_MS);
        // A start within the window and after the last heartbeat: the next heartbeat is not
        // due yet, whatever the age of the one before the restart.
        let recent_start = match (reference, started) {
            (Some(r), Some(s)) => r.0 - s.0 <= max_age_ms && heartbeat.is_none_or(|h| s > h),
            _ => false,
        };
        let at = |t: Option<Timestamp>| t.map_or_else(|| "-".to_string(), |t| t.to_string());
        let f = if self.prs_events == 0 {
            Finding {
                status: Status::Warning,
                ..Finding::fail(
                    "NoWritebackEvents",
                    "No PasswordResetService events",
                    "The log has no PasswordResetService events: password writeback is not enabled on this server, or the export left that source out.",
                    "Enable password writeback in the Entra Connect wizard (Optional features), or export the Application log with the PasswordResetService and ADSync sources.",
                )
            }
        } else if disabled {
            Finding {
                status: Status::Skipped,
                ..Finding::pass(
                    "WritebackDisabled",
                    "No heartbeat expected: writeback was disabled",
                    "Password writeback was disabled (offboarding, event 31013), so no heartbeat is expected; see EVT-WRITEBACK-STATE.",
                )
            }
        } else if service_stopped {
            Finding {
                status: Status::Skipped,
                ..Finding::pass(
                    "ServiceStopped",
                    "No heartbeat expected: the writeback service is stopped",
                    format!(
                        "The writeback service stopped at {} and has not started since, so no heartbeat is expected; see EVT-SERVICE-STOPPED.",
                        at(stopped)
                    ),
                )
            }
        } else {
            match (heartbeat, age_ms, age_min) {
                // Strictly "none in the last 15 minutes": 15 minutes and 59 seconds is too old.
                (Some(h), Some(ms), Some(age)) if ms <= max_age_ms => Finding::pass(
                    "Recent",
                    "Writeback heartbeat is current",
                    format!(
                        "The last heartbeat (31019) was at {h}, {age} minutes before {}; {count} heartbeats in the log.",
                        at(reference)
                    ),
                ),
                _ if recent_start => {
                    let before = heartbeat.map_or_else(String::new, |h| {
                        format!(" (the last heartbeat before it was at {h})")
                    });
                    Finding {
                        status: Status::Warning,
                        ..Finding::fail(
                            "StartedRecently",
                            "No heartbeat yet since the service started",
                            format!(
                                "The writeback service started at {}{before} and no heartbeat (31019) followed yet; one is due within 5 minutes of the start.",
                                at(started)
                            ),
                            "Look at the log again in 15 minutes; if no 31019 appears, follow the connectivity checks.",
                        )
                    }
                }
                (Some(h), Some(_), Some(age)) => Finding::fail(
                    "Stale",
                    format!("No writeback heartbeat for {age} minutes"),
                    format!(
                        "The last heartbeat (31019) was at {h}, {age} minutes before {}; the service sends one about every 5 minutes, so writeback has not been talking to its relay since.",
                        at(reference)
                    ),
                    fix,
                ),
                _ => Finding::fail(
                    "NoHeartbeat",
                    "No writeback heartbeat in the log",
                    "The log has PasswordResetService events but no heartbeat (31019); a healthy writeback service logs one about every 5 minutes.",
                    fix,
                ),
            }
        };
        let f = f
            .with(
                "LastHeartbeat",
                heartbeat.map_or(Value::Null, |t| t.to_string().into()),
            )
            .with("HeartbeatCount", count)
            .with("AgeMinutes", age_min.map_or(Value::Null, Value::from))
            .with("MaxAgeMinutes", HEARTBEAT_MAX_AGE_MIN)
            .with(
                "ReferenceTime",
                reference.map_or(Value::Null, |t| t.to_string().into()),
            )
            .with("ReferenceIs", reference_is);
        result_from(
            "EVT-HEARTBEAT",
            "Heartbeat",
            "PasswordResetService:31019",
            catalog::DOC_CONCEPT,
            f,
            0,
        )
    }

    fn service_result(
        &self,
        started: Option<Timestamp>,
        stopped: Option<Timestamp>,
        service_stopped: bool,
    ) -> CheckResult {
        let stops = self.count_of(31016);
        let fix = catalog::event(Source::PasswordResetService, 31016).map_or("", |i| i.fix);
        let at = |t: Option<Timestamp>| t.map_or_else(|| "-".to_string(), |t| t.to_string());
        let f = if service_stopped {
            let mut f = Finding::fail(
                "Stopped",
                "The writeback service is stopped",
                format!(
                    "The writeback service stopped (31016) at {} and no start (31015) followed; password requests from the cloud fail.",
                    at(stopped)
                ),
                fix,
            );
            if let Some(g) = self.known.get(&(Source::PasswordResetService, 31016)) {
                f = f.with("Excerpt", g.excerpt.clone());
            }
            f
        } else if stops > 0 {
            Finding::pass(
                "Restarted",
                "The writeback service is running",
                format!(
                    "The writeback service stopped {stops} times; the last stop at {} was followed by a start at {}.",
                    at(stopped),
                    at(started)
                ),
            )
        } else {
            Finding::pass(
                "NoStop",
                "The writeback service did not stop",
                "No WriteBackServiceStopped (31016) event in the log.",
            )
        };
        let f = f
            .with("StopCount", stops)
            .with("StartCount", self.count_of(31015))
            .with(
                "LastStop",
                stopped.map_or(Value::Null, |t| t.to_string().into()),
            )
            .with(
                "LastStart",
                started.map_or(Value::Null, |t| t.to_string().into()),
            );
        result_from(
            "EVT-SERVICE-STOPPED",
            "Service",
            "PasswordResetService:31016",
            catalog::DOC_TROUBLESHOOT,
            f,
            0,
        )
    }

    fn writeback_state_result(
        &self,
        onboarded: Option<Timestamp>,
        offboarded: Option<Timestamp>,
    ) -> Option<CheckResult> {
        let f = match (onboarded, offboarded) {
            (None, None) => return None,
            (on, Some(off)) if on.is_none_or(|on| off > on) => Finding::fail(
                "Disabled",
                "Password writeback was disabled",
                format!("Offboarding succeeded (31013) at {off}: password writeback is disabled on this server, and no onboarding followed."),
                "Enable password writeback again in the Entra Connect wizard (Optional features > Password writeback), signed in with a managed Global Administrator.",
            ),
            (Some(on), _) => Finding::pass(
                "Enabled",
                "Password writeback was enabled",
                format!("Onboarding succeeded (31005) at {on}; no offboarding followed."),
            ),
            (None, Some(_)) => return None,
        };
        let f = f
            .with(
                "LastOnboarding",
                onboarded.map_or(Value::Null, |t| t.to_string().into()),
            )
            .with(
                "LastOffboarding",
                offboarded.map_or(Value::Null, |t| t.to_string().into()),
            );
        Some(result_from(
            "EVT-WRITEBACK-STATE",
            "Onboarding",
            "PasswordResetService:31005/31013",
            catalog::DOC_TROUBLESHOOT,
            f,
            0,
        ))
    }

    fn operations_result(&self, last_success: Option<Timestamp>) -> CheckResult {
        let kinds = [
            ("Resets", 31001, 31002, 31003),
            ("Changes", 31006, 31007, 31008),
            ("AdminResets", 31009, 31010, 31011),
        ];
        let mut evidence = Map::new();
        let (mut ok, mut failed, mut started) = (0, 0, 0);
        for (name, s, o, f) in kinds {
            let (cs, co, cf) = (self.count_of(s), self.count_of(o), self.count_of(f));
            started += cs;
            ok += co;
            failed += cf;
            evidence.insert(
                name.into(),
                json!({"Started": cs, "Succeeded": co, "Failed": cf}),
            );
        }
        let f = if failed > 0 && ok == 0 {
            Finding::fail(
                "AllFailed",
                format!("All {failed} password operations failed"),
                format!("{started} password operations started, none succeeded and {failed} failed in AD DS; the causes are listed below (EVT-33xxx, EVT-6329, EVT-HR-...)."),
                "Fix the causes listed with the failure events, then retry a reset.",
            )
        } else if failed > 0 {
            Finding {
                status: Status::Warning,
                ..Finding::fail(
                    "SomeFailed",
                    format!("{failed} of {} password operations failed", ok + failed),
                    format!("{started} password operations started, {ok} succeeded and {failed} failed; the failures' causes are listed below."),
                    "Read the causes listed with the failure events; failures limited to some users are usually password policy or account state.",
                )
            }
        } else if ok > 0 {
            Finding::pass(
                "Succeeded",
                format!("{ok} password operations succeeded"),
                format!("{started} password operations started and {ok} succeeded; none failed."),
            )
        } else {
            Finding::pass(
                "None",
                "No password operations in the log",
                format!("No password reset or change finished in this period ({started} started)."),
            )
        };
        let mut f = f.with(
            "LastSuccess",
            last_success.map_or(Value::Null, |t| t.to_string().into()),
        );
        for (k, v) in evidence {
            f.evidence.insert(k, v);
        }
        result_from(
            "EVT-OPERATIONS",
            "Operations",
            "PasswordResetService:310xx",
            catalog::DOC_TROUBLESHOOT,
            f,
            0,
        )
    }

    fn relays_result(&self) -> Option<CheckResult> {
        let relays = self.relays();
        if relays.is_empty() {
            if self.prs_events == 0 {
                return None;
            }
            let f = Finding {
                status: Status::Skipped,
                ..Finding::pass(
                    "NoneNamed",
                    "No relay namespace named in the log",
                    "No ssprdedicatedsb... relay namespace appears in the event texts, so connectivity tests Microsoft's documented relay hosts.",
                )
            };
            return Some(result_from(
                "EVT-RELAYS",
                "Relay",
                "ssprdedicatedsb*",
                catalog::DOC_TROUBLESHOOT,
                f,
                0,
            ));
        }
        let mut hosts: Vec<String> = relays.iter().map(RelayName::default_host).collect();
        hosts.dedup();
        let mut namespaces: Vec<String> = relays.iter().map(|r| r.namespace.clone()).collect();
        namespaces.dedup();
        let f = Finding::pass(
            "Found",
            format!("{} relay host(s) named in the log", hosts.len()),
            format!(
                "The log names the tenant's relay: {}. `wbdiag connectivity --relays-from-events FILE` (Test-WritebackConnectivity -IncludeEventLogRelays) tests exactly these hosts.",
                hosts.join(", ")
            ),
        )
        .with("Hosts", hosts)
        .with("Namespaces", namespaces)
        .with("Endpoints", self.endpoints.iter().cloned().collect::<Vec<_>>());
        Some(result_from(
            "EVT-RELAYS",
            "Relay",
            "ssprdedicatedsb*",
            catalog::DOC_TROUBLESHOOT,
            f,
            0,
        ))
    }

    fn time_skew_result(&self) -> Option<CheckResult> {
        let g6306 = self.known.get(&(Source::AdSync, 6306))?;
        let f = if self.skew_pairs > 0 {
            Finding {
                status: Status::Warning,
                ..Finding::fail(
                    "SkewPattern",
                    "Time skew pattern: 6306 with writeback connection failures",
                    format!(
                        "ADSync 6306 was logged within {TIME_SKEW_WINDOW_MIN} minutes of 6800, 32001 or 31044 ({} times, last at {}); Microsoft documents this combination when the server's clock is skewed.",
                        self.skew_pairs,
                        self.skew_last.map_or_else(|| "-".into(), |t| t.to_string())
                    ),
                    "Check the Connect server's time (w32tm /query /status; w32tm /resync) and that it follows the domain hierarchy; then restart the ADSync service.",
                )
            }
        } else {
            Finding::pass(
                "NoPattern",
                "6306 without writeback connection failures",
                format!(
                    "ADSync 6306 was logged {} times, but not near 6800, 32001 or 31044, so it does not point at time skew.",
                    g6306.count
                ),
            )
        };
        let f = f
            .with("Pairs", self.skew_pairs)
            .with("Count6306", g6306.count);
        Some(result_from(
            "EVT-TIME-SKEW",
            "TimeSkew",
            "ADSync:6306",
            catalog::DOC_UNABLE,
            f,
            0,
        ))
    }

    fn cause_result(&self, info: &EventInfo, g: &Group, recovery: &Recovery) -> CheckResult {
        let (status, outcome, note) = recovery.judge(info.status, info.scope, g.last);
        let mut message = format!(
            "{} Seen {} times, first {}, last {}.{note}",
            info.meaning, g.count, g.first, g.last
        );
        if !g.excerpt.is_empty() {
            message.push_str(&format!(" Newest: {}", g.excerpt));
        }
        let mut f = g
            .evidence(Finding {
                status,
                ..Finding::fail(
                    outcome,
                    format!("{} {}: {} times", info.id, info.name, g.count),
                    message,
                    info.fix,
                )
            })
            .with("Provider", info.source.name())
            .with("EventId", info.id)
            .with("Name", info.name);
        if info.id == 33001 {
            if let Some(dn) = &self.reserved_dn {
                f = f.with("ReservedCharacterText", dn.clone());
                f.message
                    .push_str(" The text names a distinguished name with a reserved character.");
            }
        }
        result_from(
            &info.result_id(),
            "Event",
            &format!("{}:{}", info.source.name(), info.id),
            info.docs,
            f,
            0,
        )
    }

    fn unknown_result(&self) -> Option<CheckResult> {
        if self.unknown.is_empty() {
            return None;
        }
        let total: u64 =
            self.unknown.values().map(|g| g.count).sum::<u64>() + self.unknown_overflow;
        let noteworthy = self
            .unknown
            .iter()
            .any(|((p, _), g)| p == Source::PasswordResetService.name() || g.level.is_problem());
        let ids: Vec<Value> = self
            .unknown
            .iter()
            .take(50)
            .map(|((p, id), g)| {
                json!({"Provider": p, "Id": id, "Count": g.count, "FirstSeen": g.first.to_string(),
                       "LastSeen": g.last.to_string(), "Level": g.level.name(), "Excerpt": g.excerpt})
            })
            .collect();
        let list = self
            .unknown
            .keys()
            .take(20)
            .map(|(p, id)| format!("{p} {id}"))
            .collect::<Vec<_>>()
            .join(", ");
        let message = format!(
            "{total} events with ids the catalog does not document: {list}. They are reported, not interpreted."
        );
        let f = if noteworthy {
            Finding {
                status: Status::Warning,
                ..Finding::fail(
                    "Unknown",
                    format!("{} undocumented event id(s)", self.unknown.len()),
                    format!("{message} Some are errors or warnings, or come from PasswordResetService, whose ids are all documented; read their messages (Excerpt in Ids)."),
                    "Read these events' messages; if they come with failing resets, open a case with the Application log and the tracking id.",
                )
            }
        } else {
            Finding::pass(
                "Unknown",
                format!(
                    "{} undocumented event id(s), informational",
                    self.unknown.len()
                ),
                message,
            )
        };
        let f = f
            .with("Ids", ids)
            .with("DistinctIds", self.unknown.len())
            .with("UnlistedEvents", self.unknown_overflow)
            .with("Events", total);
        Some(result_from(
            "EVT-UNKNOWN",
            "Unknown",
            "undocumented ids",
            catalog::DOC_TROUBLESHOOT,
            f,
            0,
        ))
    }

    fn excluded_result(&self) -> Option<CheckResult> {
        if self.excluded.is_empty() {
            return None;
        }
        let total: u64 = self.excluded.values().sum();
        let counts: Map<String, Value> = self
            .excluded
            .iter()
            .map(|(id, n)| (id.to_string(), Value::from(*n)))
            .collect();
        let f = Finding {
            status: Status::Skipped,
            ..Finding::pass(
                "PasswordHashSync",
                format!("{total} password hash sync events left out"),
                format!(
                    "{total} events with ids {} are password hash sync events (611, 650-657), not writeback; they were left out. Enabling writeback for the first time can log 656/657 without password changes.",
                    self.excluded.keys().map(u32::to_string).collect::<Vec<_>>().join(", ")
                ),
            )
        }
        .with("Counts", counts);
        Some(result_from(
            "EVT-PHS-EXCLUDED",
            "Excluded",
            "password hash sync",
            catalog::DOC_PHS,
            f,
            0,
        ))
    }
}

/// The events that show a failure is over.
struct Recovery {
    heartbeat: Option<Timestamp>,
    success: Option<Timestamp>,
    onboarded: Option<Timestamp>,
}

impl Recovery {
    /// Status, Outcome and a sentence for a cause last seen at `last`.
    fn judge(
        &self,
        status: Status,
        scope: Scope,
        last: Timestamp,
    ) -> (Status, &'static str, String) {
        let after = |t: Option<Timestamp>| t.filter(|t| *t > last);
        if status != Status::Fail {
            let outcome = if scope == Scope::Request {
                "UserSpecific"
            } else {
                "Seen"
            };
            return (status, outcome, String::new());
        }
        let later = match scope {
            Scope::Channel => after(self.heartbeat).max(after(self.success)),
            Scope::Setup => after(self.heartbeat)
                .max(after(self.success))
                .max(after(self.onboarded)),
            Scope::Directory => after(self.success),
            Scope::Request | Scope::Activity => None,
        };
        match (later, scope) {
            (Some(t), Scope::Directory) => (
                Status::Warning,
                "LaterSuccess",
                format!(" A password operation succeeded later ({t}), so it may affect only some users."),
            ),
            (Some(t), _) => (
                Status::Warning,
                "Recovered",
                format!(" Writeback worked again afterwards (heartbeat or successful operation at {t})."),
            ),
            (None, _) => (Status::Fail, "Current", String::new()),
        }
    }
}

fn hr_result(code: u32, g: &Group, recovery: &Recovery) -> CheckResult {
    let id = format!("EVT-HR-{code:08X}");
    let target = format!("0x{code:08X}");
    let f = match catalog::hr(code) {
        Some(h) => {
            let (status, outcome, note) = recovery.judge(h.status, h.scope, g.last);
            Finding {
                status,
                ..Finding::fail(
                    outcome,
                    format!("hr {target}: {} times", g.count),
                    format!(
                        "{} (\"{}\") Seen {} times, first {}, last {}.{note} Newest: {}",
                        h.meaning, h.text, g.count, g.first, g.last, g.excerpt
                    ),
                    h.fix,
                )
            }
            .with("Documented", true)
        }
        None => Finding {
            status: Status::Warning,
            ..Finding::fail(
                "Undocumented",
                format!("hr {target}: {} times (not in the catalog)", g.count),
                format!(
                    "hr {target} appears in {} writeback failure texts (first {}, last {}); it is not among the codes Microsoft documents for writeback. Newest: {}",
                    g.count, g.first, g.last, g.excerpt
                ),
                format!("Translate the code on the Connect server (certutil -error {target}) and read the whole event text."),
            )
        }
        .with("Documented", false),
    };
    let docs = catalog::hr(code).map_or(catalog::DOC_TROUBLESHOOT, |h| h.docs);
    let f = g.evidence(f).with("Code", target.clone());
    result_from(&id, "HrCode", &target, docs, f, 0)
}

fn severity_rank(s: Status) -> u8 {
    match s {
        Status::Fail => 0,
        Status::Error => 1,
        Status::Warning => 2,
        Status::Pass => 3,
        Status::Skipped => 4,
    }
}

fn last_seen(r: &CheckResult) -> String {
    r.evidence
        .get("LastSeen")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pulls_hr_codes_relays_and_excerpts() {
        let t = "An unexpected error has occurred during a password set operation.\r\n \"BAIL: MMS(4924): admaexport.cpp(2837): 0x80230619 (A restriction prevents the password)\" hr=8023062C HR 0x80005000 8023abcd-1111-2222-3333-444455556666 0x12345678";
        assert_eq!(hr_codes_in(t), vec![0x8023_0619, 0x8023_062C, 0x8000_5000]);
        let names: Vec<String> = relays_in(
            "ns ssprdedicatedsbprodncu, sb://SSPRDedicatedSBProdFRA-1.servicebus.windows.net/x ssprdedicatedsbmcprodcne.servicebus.chinacloudapi.cn and ssprdedicatedsb.",
        )
        .map(|r| r.default_host())
        .collect();
        assert_eq!(
            names,
            vec![
                "ssprdedicatedsbprodncu.servicebus.windows.net",
                "ssprdedicatedsbprodfra-1.servicebus.windows.net",
                "ssprdedicatedsbmcprodcne.servicebus.chinacloudapi.cn",
            ]
        );
        assert_eq!(
            excerpt("TrackingId: x, Reason: bad,\r\n Details: E: m\r\n   at A.B()\r\n   at C"),
            "TrackingId: x, Reason: bad, Details: E: m"
        );
        let failure = "TrackingId: x, Reason: R, Context: cloudAnchor: User_1, SourceAnchorValue: QQ==, UserPrincipalName: a@b.c, Details: E: DN: CN=A\\, B,OU=S\r\n   at X";
        assert_eq!(
            excerpt(failure),
            "TrackingId: x, Reason: R, Details: E: DN: CN=A\\, B,OU=S"
        );
        assert_eq!(user_of(failure).as_deref(), Some("a@b.c"));
        assert_eq!(dn_in(failure).as_deref(), Some("CN=A\\, B,OU=S"));
        assert_eq!(excerpt(&"a".repeat(400)).chars().count(), EXCERPT_CHARS + 3);
        assert_eq!(
            tracking_id("TrackingId: 6c1f0f7e-1a2b-4c3d-9e8f-0a1b2c3d4e5f, x").as_deref(),
            Some("6c1f0f7e-1a2b-4c3d-9e8f-0a1b2c3d4e5f")
        );
        assert!(names_reserved_characters(
            "DN: CN=Smith\\, John,OU=Sales,DC=x"
        ));
        assert!(!names_reserved_characters("DN: CN=John,OU=Sales,DC=x"));
    }

    #[test]
    fn relay_names_must_stand_on_their_own() {
        let hosts = |t: &str| -> Vec<String> { relays_in(t).map(|r| r.default_host()).collect() };
        // The real forms: bare namespaces, full hosts in the three clouds, in URLs, at the
        // end of a sentence, upper case.
        assert_eq!(
            hosts("Endpoint=sb://SSPRDedicatedSBProdSCU-2.servicebus.windows.net/;x (ssprdedicatedsbprodeus2-1). ssprdedicatedsbprodncu.servicebus.usgovcloudapi.net."),
            vec![
                "ssprdedicatedsbprodscu-2.servicebus.windows.net",
                "ssprdedicatedsbprodeus2-1.servicebus.windows.net",
                "ssprdedicatedsbprodncu.servicebus.usgovcloudapi.net",
            ]
        );
        // Not relays: the tail of another host or word, a relay name followed by another
        // domain, Unicode look-alikes of s and k, a namespace longer than Service Bus allows.
        for text in [
            "contoso-ssprdedicatedsbprodncu.servicebus.windows.net",
            "proxy.ssprdedicatedsbprodncu.servicebus.windows.net",
            "xssprdedicatedsbprodncu",
            "ssprdedicatedsbprodncu_old",
            "ssprdedicatedsbprodncu.servicebus.windows.net.contoso.com",
            "ssprdedicatedsbprodncu.servicebus.cloudapi.de",
            "ssprdedicatedsbprodncu.servicebus.windows.network",
            "\u{17f}sprdedicatedsbprodncu.servicebus.windows.net",
            "ssprdedicatedsbprod\u{212a}ncu",
            "contoso.servicebus.windows.net",
            &format!("ssprdedicatedsb{}", "a".repeat(40)),
        ] {
            assert_eq!(hosts(text), Vec::<String>::new(), "{text}");
        }
    }

    #[test]
    fn reserved_characters_in_a_distinguished_name() {
        for dn in [
            "CN=Doe\\, Jane,OU=Sales,DC=contoso,DC=com",
            "CN=Jane,OU=Sales/Marketing,DC=contoso,DC=com",
            "CN=Jane,OU=Sales\\/Marketing,DC=contoso,DC=com",
            "CN=Jane,OU=R\\2BD,DC=contoso,DC=com",
            "CN=Jane,OU=\\#Ops,DC=contoso,DC=com",
            "CN=Jane,OU= Sales,DC=contoso,DC=com",
            "CN=Jane,OU=Sales\\ ,DC=contoso,DC=com",
            "CN=Jane,OU=Sales ,DC=contoso,DC=com",
            "CN=Jane,OU=A\\0AB,DC=contoso,DC=com",
        ] {
            assert!(names_reserved_characters(dn), "{dn}");
        }
        for dn in [
            "CN=Jane Doe,OU=Sales & Marketing,DC=contoso,DC=com",
            "CN=Jane,OU=Sales-EMEA,DC=contoso,DC=com",
        ] {
            assert!(!names_reserved_characters(dn), "{dn}");
        }
        // The DN ends with its last DC component, so a URL after it is not part of it.
        let text = "Reason: ADUnKnownError, Details: E: DN: CN=Jane,OU=Sales,DC=contoso,DC=com, see aka.ms/sspr";
        assert_eq!(
            dn_in(text).as_deref(),
            Some("CN=Jane,OU=Sales,DC=contoso,DC=com")
        );
        assert!(!dn_in(text).is_some_and(|d| names_reserved_characters(&d)));
        assert_eq!(dn_in("Version: 5.0 bacon=1"), None);
    }
}
