//! Loopback servers for the live Pester tests (`tests/pester/Connectivity.Live.Tests.ps1`).
//!
//! Starts the test servers of `tests/support` on 127.0.0.1, prints ONE line of JSON to
//! stdout naming them (endpoints, CA file, proxy URLs, relays), then serves until its stdin
//! reaches EOF (so it dies with the test process that started it) or its lifetime ends,
//! whichever comes first. While serving it answers line commands on stdin:
//!
//! - `counts`: one line of JSON with the live connection counts of the relays and servers
//!   (`OpenFlows`, `Accepted`, `EndedIdle`), so a test can see connections being closed.
//! - `ping`: `{"Pong":true}`.
//!
//! Anything else gets `{"Error":"..."}`. Every answer is one line.
//!
//! ```sh
//! cargo build --examples && target/debug/examples/loopback_servers
//! ```

#[path = "../tests/support/mod.rs"]
mod support;

use std::io::{self, BufRead, Read, Write};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::relay::{IdleKill, IdleRelay};
use support::{closed_port, Behavior, LeafKind, Pki, ProxyMode, Server, Tinyproxy};

/// The servers stop accepting after 120 s (`tests/support`); this program ends before that.
const LIFETIME: Duration = Duration::from_secs(115);
/// After this much idleness the reset relay ends a flow with a TCP reset.
const RESET_AFTER: Duration = Duration::from_secs(2);
/// Longest command line read from stdin.
const MAX_LINE: usize = 256;

/// Everything this program serves; dropped (threads joined, children killed) on exit.
struct Servers {
    pki: Pki,
    good: Server,
    wrong_name: Server,
    silent: Server,
    idle_server: Server,
    /// Ends flows idle for [`RESET_AFTER`] with a reset.
    reset_relay: IdleRelay,
    /// Never ends flows: its open-flow count shows when the client closes them.
    open_relay: IdleRelay,
    proxy_allow: Tinyproxy,
    proxy_deny: Tinyproxy,
    refused_port: u16,
}

impl Servers {
    fn start() -> Self {
        let pki = Pki::new();
        let good = Server::https_401(&pki.leaf(LeafKind::Good));
        let wrong_name = Server::https_401(&pki.leaf(LeafKind::WrongName));
        let silent = Server::silent();
        let idle_server = Server::tls(
            &pki.leaf(LeafKind::Good),
            Behavior::IdleServer { close_after: None },
        );
        let reset_relay = IdleRelay::start(idle_server.port(), IdleKill::Reset(RESET_AFTER));
        let open_relay = IdleRelay::start(idle_server.port(), IdleKill::Never);
        let proxy_allow = Tinyproxy::start(ProxyMode::AllowAll);
        let proxy_deny = Tinyproxy::start(ProxyMode::RefuseConnect);
        Servers {
            pki,
            good,
            wrong_name,
            silent,
            idle_server,
            reset_relay,
            open_relay,
            proxy_allow,
            proxy_deny,
            refused_port: closed_port(),
        }
    }

    /// The one line printed at start.
    fn describe(&self) -> Value {
        json!({
            "Pid": std::process::id(),
            "LifetimeSeconds": LIFETIME.as_secs(),
            "CaFile": self.pki.ca_file_str(),
            "Good": self.good.endpoint(),
            "WrongName": self.wrong_name.endpoint(),
            "Refused": format!("localhost:{}", self.refused_port),
            "Silent": self.silent.endpoint(),
            "IdleServer": self.idle_server.endpoint(),
            "ResetRelay": self.reset_relay.endpoint(),
            "ResetRelayAfterSeconds": RESET_AFTER.as_secs_f64(),
            "OpenRelay": self.open_relay.endpoint(),
            "ProxyAllow": self.proxy_allow.url(),
            "ProxyDeny": self.proxy_deny.url(),
        })
    }

    fn counts(&self) -> Value {
        let relay = |r: &IdleRelay| {
            json!({
                "OpenFlows": r.open_flows(),
                "Accepted": r.accepted(),
                "EndedIdle": r.ended_idle(),
            })
        };
        json!({
            "ResetRelay": relay(&self.reset_relay),
            "OpenRelay": relay(&self.open_relay),
            "Good": { "Accepted": self.good.accepted() },
            "WrongName": { "Accepted": self.wrong_name.accepted() },
            "Silent": { "Accepted": self.silent.accepted() },
            "IdleServer": { "Accepted": self.idle_server.accepted() },
        })
    }

    fn answer(&self, command: &str) -> Value {
        match command {
            "counts" => self.counts(),
            "ping" => json!({ "Pong": true }),
            other => json!({ "Error": format!("unknown command '{other}' (counts, ping)") }),
        }
    }
}

fn print_line(out: &mut impl Write, v: &Value) -> io::Result<()> {
    writeln!(out, "{v}")?;
    out.flush()
}

fn main() {
    let started = Instant::now();
    let servers = Servers::start();
    let mut stdout = io::stdout().lock();
    if print_line(&mut stdout, &servers.describe()).is_err() {
        return;
    }

    // stdin is read on its own thread so that the main loop keeps a deadline; the thread
    // ends at EOF (dropping the sender) or is ended with the process.
    let (tx, rx) = mpsc::channel::<String>();
    let spawned = thread::Builder::new().name("stdin".into()).spawn(move || {
        let stdin = io::stdin();
        let mut reader = stdin.lock();
        let mut line = String::new();
        loop {
            line.clear();
            match (&mut reader).take(MAX_LINE as u64).read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {
                    if tx.send(line.trim().to_string()).is_err() {
                        return;
                    }
                }
            }
        }
    });
    if spawned.is_err() {
        return;
    }

    let deadline = started + LIFETIME;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        match rx.recv_timeout(left) {
            Ok(command) if command.is_empty() => {}
            Ok(command) => {
                if print_line(&mut stdout, &servers.answer(&command)).is_err() {
                    break;
                }
            }
            Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    drop(servers);
}
