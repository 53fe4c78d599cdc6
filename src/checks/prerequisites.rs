//! `prerequisites`: evaluates every writeback prerequisite rule against a snapshot.

use serde_json::Value;

use crate::api::CheckResult;
use crate::control::Control;
use crate::error::WbdError;

/// Runs every prerequisite rule on the snapshot named by `options`.
pub fn run(_options: &Value, _control: &Control) -> Result<Vec<CheckResult>, WbdError> {
    Err(WbdError::invalid(
        "the prerequisites command is not implemented yet",
    ))
}
