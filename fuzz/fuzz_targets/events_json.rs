#![no_main]
//! `events::input::read_file` on a JSON event export (the module's export, or
//! `Get-WinEvent | ConvertTo-Json` in UTF-8 or UTF-16). It takes a path, so each input
//! is written to a file in a per-process scratch folder and removed afterwards.
use libfuzzer_sys::fuzz_target;
use writeback_diagnostics::events::input::{read_file, Flow};

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    // The evtx reader has its own target; keep this one on the JSON reader.
    if data.starts_with(b"ElfFile\0") {
        return;
    }
    common::with_file("events.json", data, |p| {
        let _ = read_file(p, &mut |_e| Flow::Continue, &mut |_| {});
    });
});
