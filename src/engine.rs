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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_lose_the_credentials_their_inputs_quote() {
        let dir = std::env::temp_dir().join(format!("wbd-engine-redact-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("events.json");
        let events = serde_json::json!([{
            "Id": 6329, "ProviderName": "ADSync", "TimeCreated": "2024-06-03T10:00:00Z",
            "LevelDisplayName": "Error",
            "Message": "Connecting failed: Server=sql01;User ID=sa;Password=Hunter2Pass;"
        }]);
        std::fs::write(&path, events.to_string()).expect("write events");
        let request = Request {
            command: Command::Events,
            options: serde_json::json!({"Path": path.display().to_string(), "Now": "2024-06-03T11:00:00Z"}),
        };
        let report = run(&request, &Control::new());
        let _ = std::fs::remove_dir_all(&dir);
        let text = serde_json::to_string(&report.expect("events report")).unwrap_or_default();
        assert!(text.contains("Password=(hidden)"), "{text}");
        assert!(!text.contains("Hunter2Pass"), "{text}");
    }
}
