//! A TCP relay on 127.0.0.1 that forwards each connection to an upstream port and, once a
//! flow has been idle (no bytes either way) for a set time, ends it the way a middlebox's
//! idle timer does: a reset, a close, or silence.
//!
//! Each flow is one thread polling both sockets; every loop is bounded by the relay's
//! lifetime and stops when the handle is dropped.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// What the relay does to a flow idle for `after`.
#[derive(Debug, Clone, Copy)]
pub enum IdleKill {
    /// Never ends flows.
    Never,
    /// Sends a TCP reset to the client and closes the upstream side.
    Reset(Duration),
    /// Stops forwarding without telling anyone; the client's packets vanish.
    Drop(Duration),
    /// Closes both sides cleanly (FIN), without any TLS close_notify.
    Close(Duration),
}

const LIFETIME: Duration = Duration::from_secs(120);
const POLL: Duration = Duration::from_millis(10);
const MAX_FLOWS: usize = 64;

/// The relay's handle; dropping it stops and joins every thread.
pub struct IdleRelay {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    accepted: Arc<AtomicUsize>,
    open: Arc<AtomicUsize>,
    ended_idle: Arc<AtomicUsize>,
    thread: Option<JoinHandle<()>>,
}

impl IdleRelay {
    /// Starts relaying 127.0.0.1:(new port) to 127.0.0.1:`upstream`.
    pub fn start(upstream: u16, kill: IdleKill) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        listener.set_nonblocking(true).expect("nonblocking");
        let addr = listener.local_addr().expect("local addr");
        let stop = Arc::new(AtomicBool::new(false));
        let accepted = Arc::new(AtomicUsize::new(0));
        let open = Arc::new(AtomicUsize::new(0));
        let ended_idle = Arc::new(AtomicUsize::new(0));
        let state = Shared {
            stop: stop.clone(),
            open: open.clone(),
            ended_idle: ended_idle.clone(),
            deadline: Instant::now() + super::stretched(LIFETIME),
        };
        let counter = accepted.clone();
        let thread = thread::Builder::new()
            .name(format!("test-relay-{}", addr.port()))
            .spawn(move || accept_loop(listener, upstream, kill, state, counter))
            .expect("spawn relay");
        IdleRelay {
            addr,
            stop,
            accepted,
            open,
            ended_idle,
            thread: Some(thread),
        }
    }

    /// `localhost:PORT`, the endpoint to probe through the relay.
    pub fn endpoint(&self) -> String {
        format!("localhost:{}", self.addr.port())
    }

    /// Flows accepted so far.
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }

    /// Flows still open (neither side has closed).
    pub fn open_flows(&self) -> usize {
        self.open.load(Ordering::SeqCst)
    }

    /// Flows the relay ended (or went silent on) because they were idle.
    pub fn ended_idle(&self) -> usize {
        self.ended_idle.load(Ordering::SeqCst)
    }
}

impl Drop for IdleRelay {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[derive(Clone)]
struct Shared {
    stop: Arc<AtomicBool>,
    open: Arc<AtomicUsize>,
    ended_idle: Arc<AtomicUsize>,
    deadline: Instant,
}

impl Shared {
    fn live(&self) -> bool {
        !self.stop.load(Ordering::SeqCst) && Instant::now() < self.deadline
    }
}

fn accept_loop(
    listener: TcpListener,
    upstream: u16,
    kill: IdleKill,
    state: Shared,
    accepted: Arc<AtomicUsize>,
) {
    let mut flows: Vec<JoinHandle<()>> = Vec::new();
    while state.live() {
        match listener.accept() {
            Ok((client, _)) => {
                if accepted.fetch_add(1, Ordering::SeqCst) >= MAX_FLOWS {
                    continue;
                }
                let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else {
                    continue;
                };
                let state = state.clone();
                state.open.fetch_add(1, Ordering::SeqCst);
                if let Ok(h) =
                    thread::Builder::new()
                        .name("test-relay-flow".into())
                        .spawn(move || {
                            let _ = forward(client, server, kill, &state);
                            state.open.fetch_sub(1, Ordering::SeqCst);
                        })
                {
                    flows.push(h);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => thread::sleep(POLL),
            Err(_) => thread::sleep(POLL),
        }
    }
    drop(listener);
    state.stop.store(true, Ordering::SeqCst);
    for f in flows {
        let _ = f.join();
    }
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
    )
}

/// Moves what `from` has ready to `to`. `Ok(None)`: nothing ready; `Ok(Some(0))`: EOF.
fn pump(from: &mut TcpStream, to: &mut TcpStream, buf: &mut [u8]) -> io::Result<Option<usize>> {
    match from.read(buf) {
        Ok(0) => Ok(Some(0)),
        Ok(n) => {
            to.write_all(&buf[..n])?;
            Ok(Some(n))
        }
        Err(e) if is_timeout(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

fn forward(
    mut client: TcpStream,
    mut server: TcpStream,
    kill: IdleKill,
    state: &Shared,
) -> io::Result<()> {
    client.set_nonblocking(false)?;
    for s in [&client, &server] {
        s.set_nodelay(true)?;
        s.set_read_timeout(Some(POLL))?;
        s.set_write_timeout(Some(Duration::from_secs(5)))?;
    }
    let limit = match kill {
        IdleKill::Never => None,
        IdleKill::Reset(d) | IdleKill::Drop(d) | IdleKill::Close(d) => Some(d),
    };
    let mut buf = [0u8; 16 * 1024];
    let mut last = Instant::now();
    while state.live() {
        let up = pump(&mut client, &mut server, &mut buf)?;
        let down = pump(&mut server, &mut client, &mut buf)?;
        if up == Some(0) || down == Some(0) {
            let _ = client.shutdown(Shutdown::Both);
            let _ = server.shutdown(Shutdown::Both);
            return Ok(());
        }
        if up.is_some() || down.is_some() {
            last = Instant::now();
            continue;
        }
        if limit.is_some_and(|d| last.elapsed() >= d) {
            state.ended_idle.fetch_add(1, Ordering::SeqCst);
            match kill {
                IdleKill::Reset(_) => {
                    let _ = socket2::SockRef::from(&client).set_linger(Some(Duration::ZERO));
                    return Ok(());
                }
                IdleKill::Close(_) => {
                    let _ = client.shutdown(Shutdown::Both);
                    let _ = server.shutdown(Shutdown::Both);
                    return Ok(());
                }
                IdleKill::Drop(_) => {
                    // Keep both sockets, read and discard whatever the client sends, and
                    // never answer, until the client gives up or the relay stops.
                    while state.live() {
                        match client.read(&mut buf) {
                            Ok(0) => return Ok(()),
                            Ok(_) => {}
                            Err(e) if is_timeout(&e) => {}
                            Err(_) => return Ok(()),
                        }
                    }
                    return Ok(());
                }
                IdleKill::Never => {}
            }
        }
    }
    Ok(())
}
