//! The closed vocabulary of errors that cross the C ABI and the CLI.

use std::fmt;

/// Stable error codes. Retired codes stay reserved; new ones are only appended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// A required pointer argument was NULL.
    NullArgument,
    /// A string argument was not valid UTF-8.
    InvalidUtf8,
    /// The request was not well-formed JSON or not a JSON object.
    InvalidJson,
    /// The request was well-formed but a value in it is unusable.
    InvalidInput,
    /// `Command` names no known command.
    UnknownCommand,
    /// The job id is unknown or was already freed.
    UnknownJob,
    /// The request exceeds the size limit.
    RequestTooLarge,
    /// The job was cancelled before it finished.
    Cancelled,
    /// The library failed in a way that is a bug or a resource problem.
    Internal,
    /// A panic was caught at the boundary (a bug).
    Panic,
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            ErrorCode::NullArgument => "NullArgument",
            ErrorCode::InvalidUtf8 => "InvalidUtf8",
            ErrorCode::InvalidJson => "InvalidJson",
            ErrorCode::InvalidInput => "InvalidInput",
            ErrorCode::UnknownCommand => "UnknownCommand",
            ErrorCode::UnknownJob => "UnknownJob",
            ErrorCode::RequestTooLarge => "RequestTooLarge",
            ErrorCode::Cancelled => "Cancelled",
            ErrorCode::Internal => "Internal",
            ErrorCode::Panic => "Panic",
        };
        f.write_str(s)
    }
}

/// An error with its stable code and a one-line message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WbdError {
    /// Stable code.
    pub code: ErrorCode,
    /// One-line reason, safe to show to an admin.
    pub message: String,
}

impl WbdError {
    /// Builds an error from a code and a message. Credentials the message quotes from
    /// the input (a proxy URL's password, a token) are replaced (see [`crate::redact`]).
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        let message = message.into();
        let message = match crate::redact::text(&message) {
            std::borrow::Cow::Owned(clean) => clean,
            std::borrow::Cow::Borrowed(_) => message,
        };
        WbdError { code, message }
    }

    /// Shorthand for [`ErrorCode::InvalidInput`].
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, message)
    }
}

impl fmt::Display for WbdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for WbdError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_never_keep_a_credential_they_quote() {
        let e =
            WbdError::invalid("proxy address 'http://127.0.0.1:1/?access_token=abc123' has a path");
        assert_eq!(
            e.message,
            "proxy address 'http://127.0.0.1:1/?access_token=(hidden)' has a path"
        );
        let plain = WbdError::new(ErrorCode::Internal, "nothing secret here");
        assert_eq!(plain.message, "nothing secret here");
    }
}
