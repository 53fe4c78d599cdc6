//! Exact peak heap use of a bench's child process: a global allocator that counts live
//! bytes when `WBD_BENCH_COUNT_HEAP=1` is set, and only passes calls on otherwise, so the
//! timed rounds run without the counting's cost.
//!
//! VmHWM (see `memory.rs`) also counts the program's code pages and shared libraries as
//! they are touched: several MiB that no input changes. The heap peak is what the work
//! itself held.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};

/// The allocator to install with `#[global_allocator]`.
pub struct Counting;

static ON: AtomicBool = AtomicBool::new(false);
// Signed: blocks allocated before counting began may be freed while it is on.
static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

/// Turns counting on when the environment asks for it; call first thing in `main`.
pub fn init_from_env() {
    if std::env::var_os("WBD_BENCH_COUNT_HEAP").is_some_and(|v| v == "1") {
        ON.store(true, Ordering::SeqCst);
    }
}

/// The highest number of heap bytes live at once since counting began (0 when off).
pub fn peak_bytes() -> usize {
    usize::try_from(PEAK.load(Ordering::SeqCst)).unwrap_or(0)
}

fn grew(by: usize) {
    let by = isize::try_from(by).unwrap_or(isize::MAX);
    let now = LIVE.fetch_add(by, Ordering::Relaxed).saturating_add(by);
    PEAK.fetch_max(now, Ordering::Relaxed);
}

fn shrank(by: usize) {
    LIVE.fetch_sub(isize::try_from(by).unwrap_or(isize::MAX), Ordering::Relaxed);
}

// SAFETY: every call is passed to `System` with the caller's own arguments, so `System`'s
// guarantees hold unchanged; the counting only reads sizes and touches atomics.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract for `alloc` is passed on as it is.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() && ON.load(Ordering::Relaxed) {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() && ON.load(Ordering::Relaxed) {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator (that is, from `System`) with `layout`.
        unsafe { System.dealloc(ptr, layout) };
        if ON.load(Ordering::Relaxed) {
            shrank(layout.size());
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from `System` with `layout`; the caller guarantees the rest.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() && ON.load(Ordering::Relaxed) {
            shrank(layout.size());
            grew(new_size);
        }
        p
    }
}
