//! A real DNS server for the tests: dnsmasq on 127.0.0.1 and a free port, answering only
//! from a configuration file written to a temporary directory (`--no-resolv --no-hosts`),
//! so nothing is ever forwarded to another server.
//!
//! dnsmasq refuses a CNAME loop at start-up ("CNAME loop involving ..."), so loops are
//! tested with a table in the unit tests of `src/relay/chain.rs` instead.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use super::{kill_child, require_binary, START_TIMEOUT};

/// What dnsmasq serves.
#[derive(Debug, Clone, Default)]
pub struct DnsConfig {
    cnames: Vec<(String, String)>,
    hosts: Vec<(String, IpAddr)>,
    local: Vec<String>,
}

impl DnsConfig {
    /// An empty configuration.
    pub fn new() -> Self {
        Self::default()
    }

    /// `alias` is a CNAME for `target`.
    pub fn cname(mut self, alias: &str, target: &str) -> Self {
        self.cnames.push((alias.into(), target.into()));
        self
    }

    /// `name` has the A (or AAAA) record `ip`.
    pub fn host(mut self, name: &str, ip: IpAddr) -> Self {
        self.hosts.push((name.into(), ip));
        self
    }

    /// dnsmasq answers for `zone` from its own data only: unknown names get NXDOMAIN
    /// (without this, they get REFUSED, as there is no upstream server).
    pub fn local(mut self, zone: &str) -> Self {
        self.local.push(zone.into());
        self
    }

    fn render(&self) -> String {
        let mut out = String::from("no-resolv\nno-hosts\n");
        for z in &self.local {
            let _ = writeln!(out, "local=/{z}/");
        }
        for (name, ip) in &self.hosts {
            let _ = writeln!(out, "host-record={name},{ip}");
        }
        for (alias, target) in &self.cnames {
            let _ = writeln!(out, "cname={alias},{target}");
        }
        out
    }
}

/// A running dnsmasq; killed and reaped on drop.
pub struct Dnsmasq {
    child: Child,
    port: u16,
    log: Arc<Mutex<String>>,
    reader: Option<JoinHandle<()>>,
    _dir: tempfile::TempDir,
}

impl Dnsmasq {
    /// Starts dnsmasq serving `config`; panics (never skips) when dnsmasq is missing or
    /// does not come up.
    pub fn start(config: &DnsConfig) -> Self {
        let binary = require_binary("dnsmasq", "dnsmasq");
        let dir = tempfile::tempdir().expect("tempdir");
        let conf = dir.path().join("dnsmasq.conf");
        std::fs::write(&conf, config.render()).expect("write dnsmasq.conf");
        let mut last = String::new();
        for _ in 0..5 {
            let port = free_udp_port();
            let mut child = Command::new(&binary)
                .arg("--no-daemon")
                .arg(format!("--port={port}"))
                .arg("--listen-address=127.0.0.1")
                .arg("--bind-interfaces")
                .arg("--no-resolv")
                .arg("--no-hosts")
                .arg(format!(
                    "--pid-file={}",
                    dir.path().join("dnsmasq.pid").display()
                ))
                .arg(format!("--conf-file={}", conf.display()))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
            let log = Arc::new(Mutex::new(String::new()));
            let reader = child.stderr.take().map(|err| {
                let log = log.clone();
                thread::spawn(move || {
                    for line in BufReader::new(err)
                        .lines()
                        .take(10_000)
                        .map_while(Result::ok)
                    {
                        if let Ok(mut l) = log.lock() {
                            l.push_str(&line);
                            l.push('\n');
                        }
                    }
                })
            });
            match wait_answering(&mut child, port) {
                Ok(()) => {
                    return Dnsmasq {
                        child,
                        port,
                        log,
                        reader,
                        _dir: dir,
                    }
                }
                Err(e) => {
                    kill_child(&mut child);
                    if let Some(r) = reader {
                        let _ = r.join();
                    }
                    last = format!(
                        "{e}; dnsmasq said: {}",
                        log.lock().map(|l| l.clone()).unwrap_or_default()
                    );
                }
            }
        }
        panic!("dnsmasq did not start: {last}");
    }

    /// `127.0.0.1:PORT`, for the `DnsServer` option.
    pub fn server(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// What dnsmasq wrote to stderr so far.
    pub fn log(&self) -> String {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

impl Drop for Dnsmasq {
    fn drop(&mut self) {
        kill_child(&mut self.child);
        if let Some(r) = self.reader.take() {
            let _ = r.join();
        }
    }
}

fn free_udp_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .map(|a| a.port())
        .expect("free UDP port")
}

/// Sends a query (type A for `wbd-probe.invalid`) until dnsmasq answers anything.
fn wait_answering(child: &mut Child, port: u16) -> Result<(), String> {
    let sock = UdpSocket::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    sock.set_read_timeout(Some(Duration::from_millis(100)))
        .map_err(|e| e.to_string())?;
    let server: SocketAddr = ([127, 0, 0, 1], port).into();
    let mut query = vec![0x57, 0x42, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
    for label in ["wbd-probe", "invalid"] {
        query.push(label.len() as u8);
        query.extend_from_slice(label.as_bytes());
    }
    query.extend_from_slice(&[0, 0, 1, 0, 1]);
    let until = Instant::now() + START_TIMEOUT;
    let mut buf = [0u8; 512];
    while Instant::now() < until {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("exited early with {status}"));
        }
        let _ = sock.send_to(&query, server);
        if let Ok((n, _)) = sock.recv_from(&mut buf) {
            if n >= 2 && buf[..2] == query[..2] {
                return Ok(());
            }
        }
    }
    Err(format!(
        "no DNS answer on 127.0.0.1:{port} within {START_TIMEOUT:?}"
    ))
}
