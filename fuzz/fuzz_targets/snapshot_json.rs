#![no_main]
//! `snapshot::decode` on any JSON value (parsed with the snapshot reader's capped parser).
use libfuzzer_sys::fuzz_target;
use writeback_diagnostics::snapshot;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(value) = snapshot::load::parse_json(text, "fuzz input") {
            let _ = snapshot::decode(&value);
        }
    }
});
