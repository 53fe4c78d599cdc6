#![no_main]
//! `bundle::open` on a zip: extraction (with its own size/count limits) into a scratch
//! folder under the per-process temp folder, and the manifest read. The bundle's own
//! scratch folder is removed when the `Bundle` drops; the case folder is removed after.
use libfuzzer_sys::fuzz_target;
use writeback_diagnostics::control::Control;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::with_dir(|d| {
        let zip = d.join("bundle.zip");
        std::fs::write(&zip, data).expect("write zip");
        let temp = d.join("tmp");
        std::fs::create_dir(&temp).expect("create temp");
        let control = Control::new();
        if let Ok(b) = writeback_diagnostics::bundle::open(&zip, Some(&temp), &control, &mut |_| {})
        {
            let _ = b.existing("events.json");
            let _ = b.manifest.items.len();
        }
    });
});
