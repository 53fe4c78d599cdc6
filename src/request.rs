//! Parsing of the request JSON shared by the C ABI, the CLI and the module.

use serde::Deserialize;
use serde_json::Value;

use crate::error::{ErrorCode, WbdError};

/// Largest request accepted, in bytes.
pub const MAX_REQUEST_BYTES: usize = 16 * 1024 * 1024;

/// Commands the engine knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// Network path to the writeback endpoints.
    Connectivity,
    /// Prerequisite rules evaluated on an environment snapshot.
    Prerequisites,
    /// Causes and health signals from the Application event log.
    Events,
    /// The connector account's writeback rights, and one user's diagnosis.
    Permissions,
    /// Renders reports into one self-contained HTML file.
    Report,
    /// Every suite that has input, in one report (see [`crate::checks::all`]).
    All,
    /// Debug builds only: panics, so tests can prove the C ABI contains panics.
    #[cfg(debug_assertions)]
    SelfTestPanic,
}

impl Command {
    /// The name used in requests and reports.
    pub fn name(self) -> &'static str {
        match self {
            Command::Connectivity => "connectivity",
            Command::Prerequisites => "prerequisites",
            Command::Events => "events",
            Command::Permissions => "permissions",
            Command::Report => "report",
            Command::All => "all",
            #[cfg(debug_assertions)]
            Command::SelfTestPanic => "selftest-panic",
        }
    }
}

/// A parsed request: the command plus its still-untyped options.
#[derive(Debug, Clone)]
pub struct Request {
    /// Which command to run.
    pub command: Command,
    /// The `Options` object (empty object when absent).
    pub options: Value,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct RawRequest {
    command: Value,
    #[serde(default)]
    options: Option<Value>,
}

/// Parses and validates the envelope of a request.
pub fn parse(text: &str) -> Result<Request, WbdError> {
    if text.len() > MAX_REQUEST_BYTES {
        return Err(WbdError::new(
            ErrorCode::RequestTooLarge,
            format!(
                "request is {} bytes; the limit is {} bytes",
                text.len(),
                MAX_REQUEST_BYTES
            ),
        ));
    }
    let value: Value = serde_json::from_str(text).map_err(|e| {
        WbdError::new(
            ErrorCode::InvalidJson,
            format!("request is not valid JSON: {e}"),
        )
    })?;
    if !value.is_object() {
        return Err(WbdError::new(
            ErrorCode::InvalidJson,
            "request must be a JSON object with Command and Options",
        ));
    }
    let raw: RawRequest =
        serde_json::from_value(value).map_err(|e| WbdError::invalid(format!("request: {e}")))?;
    let name = raw
        .command
        .as_str()
        .ok_or_else(|| WbdError::invalid("Command must be a string"))?;
    let command = match name.to_ascii_lowercase().as_str() {
        "connectivity" => Command::Connectivity,
        "prerequisites" => Command::Prerequisites,
        "events" => Command::Events,
        "permissions" => Command::Permissions,
        "report" => Command::Report,
        "all" => Command::All,
        #[cfg(debug_assertions)]
        "selftest-panic" => Command::SelfTestPanic,
        _ => {
            return Err(WbdError::new(
                ErrorCode::UnknownCommand,
                format!(
                    "unknown command '{name}'; known commands: connectivity, prerequisites, events, permissions, report, all"
                ),
            ))
        }
    };
    let options = match raw.options {
        None | Some(Value::Null) => Value::Object(Default::default()),
        Some(v @ Value::Object(_)) => v,
        Some(_) => return Err(WbdError::invalid("Options must be a JSON object")),
    };
    Ok(Request { command, options })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_command_case_insensitively() {
        let r = parse(r#"{"Command":"Connectivity"}"#).expect("valid");
        assert_eq!(r.command, Command::Connectivity);
        assert!(r.options.as_object().is_some_and(|o| o.is_empty()));
        let p = parse(r#"{"Command":"Permissions","Options":{"User":"jdoe"}}"#).expect("valid");
        assert_eq!(
            (p.command, p.command.name()),
            (Command::Permissions, "permissions")
        );
        let e = parse(r#"{"Command":"nope"}"#).expect_err("unknown");
        assert!(
            e.message.ends_with("events, permissions, report, all"),
            "{}",
            e.message
        );
        let r = parse(r#"{"Command":"Report","Options":{"Path":"a.html"}}"#).expect("valid");
        assert_eq!((r.command, r.command.name()), (Command::Report, "report"));
        let a = parse(r#"{"Command":"ALL","Options":{"Suites":["events"]}}"#).expect("valid");
        assert_eq!((a.command, a.command.name()), (Command::All, "all"));
    }

    #[test]
    fn classifies_bad_requests() {
        let code = |t: &str| parse(t).err().map(|e| e.code);
        assert_eq!(code("{"), Some(ErrorCode::InvalidJson));
        assert_eq!(code("[1]"), Some(ErrorCode::InvalidJson));
        assert_eq!(
            code(r#"{"Command":"nope"}"#),
            Some(ErrorCode::UnknownCommand)
        );
        assert_eq!(code(r#"{"Command":5}"#), Some(ErrorCode::InvalidInput));
        assert_eq!(
            code(r#"{"Command":"connectivity","Options":[]}"#),
            Some(ErrorCode::InvalidInput)
        );
        assert_eq!(
            code(r#"{"Command":"connectivity","Extra":1}"#),
            Some(ErrorCode::InvalidInput)
        );
        let big = format!(
            "{{\"Command\":\"connectivity\",\"X\":\"{}\"}}",
            "a".repeat(MAX_REQUEST_BYTES)
        );
        assert_eq!(code(&big), Some(ErrorCode::RequestTooLarge));
    }
}
