//! The event-log diagnosis: PasswordResetService and ADSync events in, causes and fixes
//! out.
//!
//! - [`catalog`]: what every documented event id, hr code and message signature means;
//! - [`input`]: reading `.evtx` files and Get-WinEvent JSON (5.1 and 7) one event at a time;
//! - [`scan`]: what an event's text names (excerpt, user, DN, relays, hr codes);
//! - [`reference`]: the time a log's heartbeat is measured against (Now, the export time,
//!   the file's modification time);
//! - [`sources`]: where every catalog fact comes from and when it was read;
//! - [`diagnose`]: grouping by cause and the health signals (heartbeat, service state,
//!   relays, time skew), in bounded memory.

pub mod catalog;
pub mod diagnose;
pub mod input;
pub mod reference;
pub mod scan;
pub mod sources;

use std::path::Path;

use crate::control::Control;
use crate::endpoints::Cloud;
use crate::error::{ErrorCode, WbdError};

/// A Service Bus relay namespace named in an event text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RelayName {
    /// Lower-case namespace, for example `ssprdedicatedsbprodncu`.
    pub namespace: String,
    /// The `.servicebus....` suffix when the text gave the full host name.
    pub suffix: Option<String>,
}

impl RelayName {
    /// The host name, completing a bare namespace with `cloud`'s Service Bus suffix.
    pub fn host(&self, cloud: Cloud) -> String {
        let suffix = self
            .suffix
            .as_deref()
            .unwrap_or_else(|| cloud.service_bus_suffix());
        format!("{}{suffix}", self.namespace)
    }

    /// The host name when the cloud is not known: China's namespaces start with
    /// `ssprdedicatedsbmc`, everything else is taken as the public cloud.
    pub fn default_host(&self) -> String {
        let cloud = if self.namespace.starts_with("ssprdedicatedsbmc") {
            Cloud::China
        } else {
            Cloud::Public
        };
        self.host(cloud)
    }
}

/// Reads `path` and returns the relay hosts its writeback events name, completed for
/// `cloud`, in name order without duplicates.
pub fn relay_hosts_in_file(
    path: &Path,
    cloud: Cloud,
    control: &Control,
) -> Result<Vec<String>, WbdError> {
    let mut diagnosis = diagnose::Diagnosis::new(diagnose::Settings::default());
    input::read_file_cancellable(path, control, &mut |e| diagnosis.add(e), &mut |_| {})?;
    if control.is_cancelled() {
        return Err(WbdError::new(
            ErrorCode::Cancelled,
            "reading the event file was cancelled",
        ));
    }
    let mut hosts: Vec<String> = diagnosis.relays().iter().map(|r| r.host(cloud)).collect();
    hosts.sort();
    hosts.dedup();
    Ok(hosts)
}
