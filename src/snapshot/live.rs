//! The optional `Live` section: network probes a live run made from the Connect server
//! (for example TCP from the server to each PDC emulator on the AD ports). A saved
//! snapshot usually has none, and the rules that need it are then Skipped.

use super::node::Node;
use super::values::Timestamp;
use crate::error::WbdError;

/// Probe results recorded by a live run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Live {
    /// When the probes ran.
    pub probed_at: Option<Timestamp>,
    /// One entry per host and port.
    pub tcp: Vec<TcpProbe>,
}

impl Live {
    /// The probes made to `host` (ignoring case).
    pub fn probes_to<'a>(&'a self, host: &'a str) -> impl Iterator<Item = &'a TcpProbe> + 'a {
        self.tcp
            .iter()
            .filter(move |p| p.host.eq_ignore_ascii_case(host))
    }
}

/// One TCP connection attempt.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TcpProbe {
    /// Host name probed.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// `Connected`, `Refused`, `TimedOut`, `Unreachable`, `NotResolved` or `Failed`
    /// (the tokens of the engine's TCP probe).
    pub outcome: String,
    /// The address that answered or was tried, when known.
    pub address: Option<String>,
    /// Free text from the prober.
    pub message: Option<String>,
}

impl TcpProbe {
    /// True when the connection was made.
    pub fn connected(&self) -> bool {
        self.outcome.eq_ignore_ascii_case("Connected")
    }
}

fn tcp_probe(n: &Node) -> Result<TcpProbe, WbdError> {
    n.object()?;
    let port = n
        .get("Port")
        .ok_or_else(|| n.invalid("a TCP probe needs a Port"))?;
    let port_value = port.int()?;
    Ok(TcpProbe {
        host: n
            .opt_text("Host")?
            .ok_or_else(|| n.invalid("a TCP probe needs a Host"))?,
        port: u16::try_from(port_value).map_err(|_| port.mismatch("a port number (0-65535)"))?,
        outcome: n
            .opt_text("Outcome")?
            .ok_or_else(|| n.invalid("a TCP probe needs an Outcome"))?,
        address: n.opt_text("Address")?,
        message: n.opt_text("Message")?,
    })
}

/// Decodes the `Live` object.
pub fn decode(n: &Node) -> Result<Live, WbdError> {
    n.object()?;
    Ok(Live {
        probed_at: n.opt("ProbedAt", Timestamp::decode)?,
        tcp: n.list("TcpProbes", tcp_probe)?,
    })
}
