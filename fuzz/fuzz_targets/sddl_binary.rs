#![no_main]
//! `sddl::from_binary` on a self-relative security descriptor, then `sddl::effective`.
use libfuzzer_sys::fuzz_target;
use writeback_diagnostics::sddl;

#[path = "sddl_common.rs"]
mod sddl_common;

fuzz_target!(|data: &[u8]| {
    if let Ok(sd) = sddl::from_binary(data) {
        sddl_common::exercise(&sd);
    }
});
