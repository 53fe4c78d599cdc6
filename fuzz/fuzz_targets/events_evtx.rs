#![no_main]
//! `events::input::read_file` on an .evtx file: the input gets the `ElfFile\0` magic
//! (if it lacks it) so every input reaches the evtx reader.
use libfuzzer_sys::fuzz_target;
use writeback_diagnostics::events::input::{read_file, Flow};

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let mut bytes = Vec::with_capacity(data.len() + 8);
    if !data.starts_with(b"ElfFile\0") {
        bytes.extend_from_slice(b"ElfFile\0");
    }
    bytes.extend_from_slice(data);
    common::with_file("events.evtx", &bytes, |p| {
        let _ = read_file(p, &mut |_e| Flow::Continue, &mut |_| {});
    });
});
