//! The `.evtx` reader: chunk by chunk through the `evtx` crate, each record rendered to
//! JSON and turned into an [`Event`].

use std::path::Path;
use std::sync::Arc;

use serde_json::Value;

use super::json::number_of;
use super::{Event, Flow, Format, Level, ReadReport, Warnings, EVTX_CHUNK};
use crate::error::WbdError;
use crate::snapshot::{Node, Timestamp};

pub(super) fn read_evtx(
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
        modified: None,
        exported_at: None,
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
