#![no_main]
//! `request::parse`: the request JSON every entry point accepts.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = writeback_diagnostics::request::parse(text);
    }
});
