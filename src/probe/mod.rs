//! Network probes. Each one has a deadline and returns a [`Finding`] that says what it
//! saw in words an admin can act on.

pub mod clock;
pub mod dns;
pub mod http;
pub mod idle;
pub mod path;
pub mod plain_get;
pub mod proxy_connect;
pub mod revocation;
pub mod tcp;
pub mod tls;

use std::io;
use std::time::Instant;

use serde_json::{Map, Value};

use crate::api::Status;

/// What one probe stage observed.
#[derive(Debug, Clone)]
pub struct Finding {
    /// Result status.
    pub status: Status,
    /// Stable classification token (`Refused`, `UntrustedIssuer`, ...).
    pub outcome: &'static str,
    /// Headline.
    pub title: String,
    /// What was observed.
    pub message: String,
    /// What to do; empty on success.
    pub remediation: String,
    /// Facts behind the finding.
    pub evidence: Map<String, Value>,
}

impl Finding {
    /// A passing finding.
    pub fn pass(
        outcome: &'static str,
        title: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            status: Status::Pass,
            outcome,
            title: title.into(),
            message: message.into(),
            remediation: String::new(),
            evidence: Map::new(),
        }
    }

    /// A failing finding with its remedy.
    pub fn fail(
        outcome: &'static str,
        title: impl Into<String>,
        message: impl Into<String>,
        remediation: impl Into<String>,
    ) -> Self {
        Finding {
            status: Status::Fail,
            outcome,
            title: title.into(),
            message: message.into(),
            remediation: remediation.into(),
            evidence: Map::new(),
        }
    }

    /// Adds one evidence field.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.evidence.insert(key.to_string(), value.into());
        self
    }
}

/// Why a stage ran out of time: its own deadline or the whole run's.
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    /// When this stage must end.
    pub at: Instant,
    /// True when `at` is the overall run deadline rather than the stage's own.
    pub is_overall: bool,
}

impl Deadline {
    /// The earlier of the stage deadline (`now + stage`) and the overall one.
    pub fn for_stage(stage: std::time::Duration, overall: Instant) -> Self {
        let own = Instant::now() + stage;
        if own < overall {
            Deadline {
                at: own,
                is_overall: false,
            }
        } else {
            Deadline {
                at: overall,
                is_overall: true,
            }
        }
    }

    /// Tokio form of [`Deadline::at`].
    pub fn instant(&self) -> tokio::time::Instant {
        tokio::time::Instant::from_std(self.at)
    }
}

/// The finding for a stage cut short by the whole run's deadline.
pub fn overall_deadline(stage: &str) -> Finding {
    Finding::fail(
        "OverallDeadline",
        format!("{stage} stopped at the overall deadline"),
        format!("The run's overall deadline passed while the {stage} stage was still waiting for an answer."),
        "Raise the overall deadline (--overall-timeout-ms / OverallTimeoutMs) if the network is slow; otherwise treat this endpoint as unreachable and check the firewall.",
    )
}

/// True for the errors a reset connection produces.
pub fn is_reset(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe
    )
}

/// The single-threaded I/O runtime each command's probes run on.
pub fn runtime() -> Result<tokio::runtime::Runtime, crate::error::WbdError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            crate::error::WbdError::new(
                crate::error::ErrorCode::Internal,
                format!("cannot start the I/O runtime: {e}"),
            )
        })
}

/// Milliseconds since `start`, saturating.
pub fn ms_since(start: Instant) -> u64 {
    u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX)
}
