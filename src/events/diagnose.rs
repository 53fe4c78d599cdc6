//! Turns a stream of events into causes and health signals, in bounded memory.
//!
//! Each event updates a few counters and the group of its cause (count, first and last
//! seen, the newest message's excerpt); nothing else is kept, so a log of any length is
//! diagnosed in the same memory. Groups are bounded: one per catalog id, hr code and
//! signature, and at most [`MAX_DISTINCT_UNKNOWN`] unknown ids.

use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet};

use aho_corasick::AhoCorasick;

use serde_json::Value;

use super::catalog::{self, EventInfo, Source};
use super::input::{Event, Flow, Level, ReadReport};
use super::scan::{
    dn_in, excerpt, hr_codes_in, names_reserved_characters, relays_in, tracking_id, user_of,
    ENDPOINT,
};
use super::{reference, RelayName};

mod causes;
mod health;

use crate::api::{CheckResult, Status};
use crate::cache::Cached;
use crate::probe::Finding;
use crate::snapshot::Timestamp;
use causes::{hr_result, signature_result, Recovery};

/// A heartbeat older than this (relative to the reference time) is a failure. This tool's
/// inference from Microsoft's heartbeat every five minutes (three missed heartbeats); see
/// [`super::sources::INFERENCE_HEARTBEAT`].
pub const HEARTBEAT_MAX_AGE_MIN: i64 = 15;
/// 6306 within this many minutes of 6800/32001/31044 is the time-skew pattern. This tool's
/// choice; see [`super::sources::INFERENCE_TIME_SKEW`].
pub const TIME_SKEW_WINDOW_MIN: i64 = 10;
/// Distinct unknown ids kept; further ones are only counted.
pub const MAX_DISTINCT_UNKNOWN: usize = 200;
/// Distinct hr codes kept.
pub const MAX_DISTINCT_HR: usize = 100;
/// Distinct relay names kept.
pub const MAX_RELAYS: usize = 32;

const MINUTE_MS: i64 = 60_000;

/// Filters and the reference time of a diagnosis.
#[derive(Debug, Clone, Copy, Default)]
pub struct Settings {
    /// Events older than this are skipped.
    pub since: Option<Timestamp>,
    /// The time heartbeat age is measured against; when absent, the export time the file
    /// records, else its modification time, else its newest event ([`reference::choose`]).
    pub now: Option<Timestamp>,
    /// Stop after this many events (those passing `since`).
    pub max_events: Option<u64>,
}

/// Longest newest text a group keeps to read its excerpt, tracking id and user from when
/// the results are built; what a longer text says is read at once. Reading only the
/// newest text of each group, once, instead of every event's keeps the per-event work
/// small, and the cap keeps the memory of the (bounded number of) groups bounded.
const MAX_KEPT_TEXT: usize = 4096;

/// What an event text says that a group shows.
#[derive(Debug, Clone)]
struct Said {
    excerpt: String,
    tracking_id: Option<String>,
    user: Option<String>,
}

impl Said {
    fn of(message: &str) -> Self {
        Said {
            excerpt: excerpt(message),
            tracking_id: tracking_id(message),
            user: user_of(message),
        }
    }
}

/// One cause: how often, when, and what the newest occurrence said.
#[derive(Debug, Clone)]
struct Group {
    count: u64,
    first: Timestamp,
    last: Timestamp,
    /// The newest text when it is at most [`MAX_KEPT_TEXT`] bytes long.
    newest_text: String,
    /// What the newest text says, once read.
    said: OnceCell<Said>,
    level: Level,
}

impl Group {
    fn new(e: &Event) -> Self {
        let mut g = Group {
            count: 1,
            first: e.time,
            last: e.time,
            newest_text: String::new(),
            said: OnceCell::new(),
            level: e.level,
        };
        g.take_text(&e.message);
        g
    }

    fn add(&mut self, e: &Event) {
        self.count += 1;
        if e.time < self.first {
            self.first = e.time;
        }
        if e.time >= self.last {
            self.last = e.time;
            self.take_text(&e.message);
            self.level = e.level;
        }
    }

    /// Makes `message` the newest text.
    fn take_text(&mut self, message: &str) {
        self.newest_text.clear();
        self.said = OnceCell::new();
        if message.len() <= MAX_KEPT_TEXT {
            self.newest_text.push_str(message);
        } else {
            self.newest_text.shrink_to(MAX_KEPT_TEXT);
            let _ = self.said.set(Said::of(message));
        }
    }

    fn said(&self) -> &Said {
        self.said.get_or_init(|| Said::of(&self.newest_text))
    }

    /// The newest text's excerpt.
    fn excerpt(&self) -> &str {
        &self.said().excerpt
    }

    fn evidence(&self, f: Finding) -> Finding {
        let said = self.said();
        let f = f
            .with("Count", self.count)
            .with("FirstSeen", self.first.to_string())
            .with("LastSeen", self.last.to_string())
            .with("Excerpt", said.excerpt.clone())
            .with("Level", self.level.name());
        let f = match &said.tracking_id {
            Some(t) => f.with("TrackingId", t.clone()),
            None => f,
        };
        match &said.user {
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
    /// The text [`Diagnosis::scan_relays`] read last (when at most [`MAX_KEPT_TEXT`] long).
    last_relay_text: String,
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
            last_relay_text: String::new(),
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
        // The relays and endpoints go into sets that only grow, so a text scanned again
        // adds nothing; heartbeats often repeat the same text.
        if self.last_relay_text == message {
            return;
        }
        self.last_relay_text.clear();
        if message.len() <= MAX_KEPT_TEXT {
            self.last_relay_text.push_str(message);
        }
        let mut found = false;
        for r in relays_in(message) {
            found = true;
            if self.relays.len() < MAX_RELAYS || self.relays.contains(&r) {
                self.relays.insert(r);
            }
        }
        if found {
            let endpoints = &mut self.endpoints;
            ENDPOINT.with(|re| {
                for m in re.find_iter(message) {
                    if endpoints.len() < MAX_RELAYS {
                        endpoints.insert(m.as_str().to_ascii_lowercase());
                    }
                }
            });
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
        for sig in signatures_in(&lower) {
            bump(&mut self.signatures, sig.id, e, usize::MAX);
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
        let reference = reference::choose(
            self.settings.now,
            read.exported_at,
            read.modified,
            self.newest,
        );
        out.push(self.heartbeat_result(
            &reference,
            heartbeat,
            (started, stopped),
            service_stopped,
            disabled,
        ));
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
                causes.push(signature_result(sig, g, &recovery));
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
}

/// Every catalog phrase in one automaton, with the signature each phrase belongs to.
static PHRASES: Cached<Option<(AhoCorasick, Vec<usize>)>> = Cached::new(|| {
    let (owner, list): (Vec<usize>, Vec<&str>) = catalog::SIGNATURES
        .iter()
        .enumerate()
        .flat_map(|(i, sig)| sig.phrases.iter().map(move |p| (i, *p)))
        .unzip();
    AhoCorasick::new(list).ok().map(|ac| (ac, owner))
});

/// The catalog signatures with a phrase in `lower` (a lower-cased text), in catalog
/// order: one pass of an automaton of every phrase instead of a search per phrase.
fn signatures_in(lower: &str) -> impl Iterator<Item = &'static catalog::Signature> {
    let mut found = vec![false; catalog::SIGNATURES.len()];
    PHRASES.with(|phrases| match phrases {
        Some((ac, owner)) => {
            for m in ac.find_overlapping_iter(lower) {
                if let Some(slot) = owner
                    .get(m.pattern().as_usize())
                    .and_then(|i| found.get_mut(*i))
                {
                    *slot = true;
                }
            }
        }
        // Not reached (the phrases are plain strings); a search per phrase is the fallback.
        None => {
            for (slot, sig) in found.iter_mut().zip(catalog::SIGNATURES) {
                *slot = sig.phrases.iter().any(|p| lower.contains(p));
            }
        }
    });
    catalog::SIGNATURES
        .iter()
        .zip(found)
        .filter_map(|(sig, hit)| hit.then_some(sig))
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
