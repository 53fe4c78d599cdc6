//! Dispatches a parsed request to its command and wraps the results in a report.

use std::time::Instant;

use crate::api::{Report, Summary};
use crate::checks;
use crate::control::Control;
use crate::error::WbdError;
use crate::request::{Command, Request};

/// Runs `request` to completion (or cancellation through `control`).
pub fn run(request: &Request, control: &Control) -> Result<Report, WbdError> {
    let started_at = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let started = Instant::now();
    let mut results = match request.command {
        Command::Connectivity => checks::connectivity::run(&request.options, control)?,
        Command::Prerequisites => checks::prerequisites::run(&request.options, control)?,
        Command::Events => checks::events::run(&request.options, control)?,
        Command::Permissions => checks::permissions::run(&request.options, control)?,
        Command::Report => checks::report::run(&request.options, control)?,
        Command::All => checks::all::run(&request.options, control)?,
        #[cfg(debug_assertions)]
        Command::SelfTestPanic => panic!("self-test panic requested"),
    };
    // Inputs (event messages, saved reports, typed values) may quote credentials.
    results.iter_mut().for_each(crate::redact::result);
    Ok(Report {
        tool: "WritebackDiagnostics".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        command: request.command.name().into(),
        started_at,
        duration_ms: crate::probe::ms_since(started),
        summary: Summary::of(&results),
        results,
    })
}
