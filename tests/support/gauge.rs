//! [`Gauge`]: how many connections a group of loopback servers holds open at once, so a
//! test or benchmark can show how many connections a client had in flight.

use std::net::TcpStream;
use std::os::fd::AsRawFd;
use std::sync::{Arc, Mutex, MutexGuard};

#[derive(Default)]
struct State {
    open: Vec<(u64, TcpStream)>,
    next: u64,
    peak: usize,
    total: usize,
}

/// Counts connections from their accept until the server answered or the connection
/// ended, across every server started with it, and keeps the highest count seen.
#[derive(Clone, Default)]
pub struct Gauge(Arc<Mutex<State>>);

/// One counted connection; it stops counting when dropped.
pub struct Ticket {
    gauge: Gauge,
    id: u64,
}

/// True when the peer has closed or reset `sock`, even with data still unread: poll's
/// `POLLRDHUP` is set once the peer's FIN arrived (Linux `poll(2)`), `POLLHUP` or
/// `POLLERR` after a reset.
fn peer_closed(sock: &TcpStream) -> bool {
    let mut pfd = libc::pollfd {
        fd: sock.as_raw_fd(),
        events: libc::POLLRDHUP,
        revents: 0,
    };
    // SAFETY: `pfd` is one valid, initialised pollfd that lives across the call, the count
    // passed is 1, and `sock` keeps the descriptor open; a timeout of 0 never blocks.
    let ready = unsafe { libc::poll(&mut pfd, 1, 0) };
    ready == 1 && pfd.revents & (libc::POLLRDHUP | libc::POLLHUP | libc::POLLERR) != 0
}

impl Gauge {
    /// A gauge at zero.
    pub fn new() -> Self {
        Self::default()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Counts `sock` as open. Connections whose peer has already closed are dropped from
    /// the count first: a client's FIN reaches the kernel before its next SYN, so a
    /// server thread that has not yet noticed a close does not inflate the peak.
    pub fn enter(&self, sock: &TcpStream) -> Ticket {
        let mut s = self.state();
        s.open.retain(|(_, c)| !peer_closed(c));
        let id = s.next;
        s.next += 1;
        if let Ok(clone) = sock.try_clone() {
            s.open.push((id, clone));
        }
        s.total += 1;
        s.peak = s.peak.max(s.open.len());
        Ticket {
            gauge: self.clone(),
            id,
        }
    }

    /// Most connections counted at once since the start or the last [`Gauge::reset`].
    pub fn peak(&self) -> usize {
        self.state().peak
    }

    /// Connections counted since the start or the last reset.
    pub fn total(&self) -> usize {
        self.state().total
    }

    /// Sets the peak to the number open now and the total to zero (between rounds).
    pub fn reset(&self) {
        let mut s = self.state();
        s.open.retain(|(_, c)| !peer_closed(c));
        s.peak = s.open.len();
        s.total = 0;
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let id = self.id;
        self.gauge.state().open.retain(|(i, _)| *i != id);
    }
}
