//! The parsers' error: where in the text (or the binary descriptor) they stopped and
//! what they expected there.

use std::fmt;

/// Why an SDDL string or a binary security descriptor was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SddlError {
    /// Byte offset into the input where the problem starts.
    pub offset: usize,
    /// What the parser expected at `offset` (`"an ACE type"`, `"')'"`, ...).
    pub expected: &'static str,
    /// What it found there instead, if anything (at most a few characters; for binary
    /// input up to four bytes in hex, `"05 00 24 00"`).
    pub found: Option<String>,
}

impl SddlError {
    pub(crate) fn at(offset: usize, expected: &'static str, text: &str) -> Self {
        let found = text
            .get(offset..)
            .filter(|rest| !rest.is_empty())
            .map(|rest| rest.chars().take(12).collect());
        SddlError {
            offset,
            expected,
            found,
        }
    }

    pub(crate) fn in_bytes(offset: usize, expected: &'static str, bytes: &[u8]) -> Self {
        let found = bytes
            .get(offset..)
            .filter(|rest| !rest.is_empty())
            .map(|rest| {
                let hex: Vec<String> = rest.iter().take(4).map(|b| format!("{b:02x}")).collect();
                hex.join(" ")
            });
        SddlError {
            offset,
            expected,
            found,
        }
    }
}

impl fmt::Display for SddlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.found {
            Some(found) => write!(
                f,
                "SDDL: expected {} at byte {}, found {found:?}",
                self.expected, self.offset
            ),
            None => write!(
                f,
                "SDDL: expected {} at byte {}, found the end of the text",
                self.expected, self.offset
            ),
        }
    }
}

impl std::error::Error for SddlError {}
