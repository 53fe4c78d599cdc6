//! WritebackDiagnostics: finds out why Microsoft Entra self-service password writeback
//! does not work on an Entra Connect server, and says how to fix it.
//!
//! The engine takes a JSON request (`{"Command": ..., "Options": {...}}`) and returns a
//! report of check results. The same engine serves the C ABI (`wbd_*`, see
//! `include/writeback_diagnostics.h`), the `wbdiag` CLI and the PowerShell module.
#![deny(unsafe_op_in_unsafe_fn)]

pub mod api;
pub mod bundle;
pub mod cache;
pub mod checks;
pub mod control;
pub mod endpoints;
pub mod engine;
pub mod error;
pub mod events;
pub mod jobs;
pub mod permissions;
pub mod probe;
pub mod proxy;
pub mod redact;
pub mod relay;
pub mod render;
pub mod report;
pub mod request;
pub mod rules;
pub mod sddl;
pub mod serverconfig;
pub mod snapshot;
pub mod text;

mod ffi;

/// Runs one JSON request to completion and returns the response envelope as JSON.
///
/// This is what `wbd_run` does, minus the pointer handling.
pub fn run_json(request: &str) -> String {
    let control = control::Control::new();
    let result = request::parse(request).and_then(|req| engine::run(&req, &control));
    api::envelope_text(&result)
}

/// Text of a caught panic payload.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    format!("internal error (please report): {text}")
}
