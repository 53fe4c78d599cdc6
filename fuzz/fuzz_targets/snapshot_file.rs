#![no_main]
//! `snapshot::load_file`: the file reader (UTF-8 with/without BOM, UTF-16 with BOM) and decode.
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::with_file("snapshot.json", data, |p| {
        let _ = writeback_diagnostics::snapshot::load_file(p);
    });
});
