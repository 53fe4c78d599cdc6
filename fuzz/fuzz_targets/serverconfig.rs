#![no_main]
//! `serverconfig::load` on a one-connector export. The input is split at the first two
//! `\n----\n` separators: connector XML, then optional GlobalSettings XML and
//! SynchronizationRules XML, each written to its folder of a fresh export folder.
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fn split(data: &[u8]) -> Vec<&[u8]> {
    const SEP: &[u8] = b"\n----\n";
    let mut parts = Vec::new();
    let mut rest = data;
    while parts.len() < 2 {
        match rest.windows(SEP.len()).position(|w| w == SEP) {
            Some(i) => {
                parts.push(&rest[..i]);
                rest = &rest[i + SEP.len()..];
            }
            None => break,
        }
    }
    parts.push(rest);
    parts
}

fuzz_target!(|data: &[u8]| {
    let parts = split(data);
    common::with_dir(|d| {
        let folders = ["Connectors", "GlobalSettings", "SynchronizationRules"];
        for (part, folder) in parts.iter().zip(folders) {
            let f = d.join(folder);
            std::fs::create_dir(&f).expect("create folder");
            std::fs::write(f.join(format!("{folder}_1.xml")), part).expect("write xml");
        }
        let _ = writeback_diagnostics::serverconfig::load(d);
    });
});
