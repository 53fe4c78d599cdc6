#![no_main]
//! `sddl::parse` on SDDL text, then `sddl::effective` for a few trustees.
use libfuzzer_sys::fuzz_target;
use writeback_diagnostics::sddl;

#[path = "sddl_common.rs"]
mod sddl_common;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(sd) = sddl::parse(text) {
            sddl_common::exercise(&sd);
        }
    }
});
