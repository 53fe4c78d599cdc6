//! Progress reporting and cancellation shared between a running command and its caller.

use std::sync::{Arc, Mutex};

use tokio_util::sync::CancellationToken;

/// Progress of a running command.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    /// 0..=100.
    pub percent: u8,
    /// What the command is doing now.
    pub activity: String,
}

/// Handle a command uses to report progress and to notice cancellation.
#[derive(Debug, Clone, Default)]
pub struct Control {
    cancel: CancellationToken,
    progress: Arc<Mutex<Progress>>,
}

impl Control {
    /// A fresh control with no progress and no cancellation.
    pub fn new() -> Self {
        Self::default()
    }

    /// Requests cancellation; the command stops at its next await point.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// True once [`Control::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }

    /// Token that async work selects on.
    pub fn token(&self) -> &CancellationToken {
        &self.cancel
    }

    /// Records the current progress.
    pub fn set_progress(&self, percent: u8, activity: impl Into<String>) {
        if let Ok(mut p) = self.progress.lock() {
            p.percent = percent.min(100);
            p.activity = activity.into();
        }
    }

    /// The latest recorded progress.
    pub fn progress(&self) -> Progress {
        self.progress.lock().map(|p| p.clone()).unwrap_or_default()
    }
}
