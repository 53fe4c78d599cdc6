//! Values the library builds once and keeps (compiled patterns, phrase automata), held so
//! that they can be freed again when a host unloads the library.
//!
//! A plain `OnceLock` static is never dropped: in a program that is fine, but a host that
//! loads the library, uses it and unloads it (`dlopen`/`dlclose`) would lose every such
//! value on each cycle, a megabyte of compiled patterns at a time. [`Cached`] keeps its
//! value behind a lock, registers itself when it first builds it, and [`release_all`]
//! (called by the C ABI's unload hook) drops every registered value. A later use after a
//! release builds the value again, so releasing is always safe.

use std::sync::{Mutex, PoisonError, RwLock};

/// Something [`release_all`] can empty.
trait Release: Sync {
    fn release(&self);
}

/// The caches holding a value now; emptied by [`release_all`].
static REGISTRY: Mutex<Vec<&'static dyn Release>> = Mutex::new(Vec::new());

/// A value built on first use by `build` and kept until [`release_all`].
pub struct Cached<T> {
    slot: RwLock<Option<T>>,
    build: fn() -> T,
}

impl<T: Send + Sync + 'static> Cached<T> {
    /// A cache whose value `build` makes on first use.
    pub const fn new(build: fn() -> T) -> Self {
        Self {
            slot: RwLock::new(None),
            build,
        }
    }

    /// Runs `f` with the value, building it first if it is not there. `f` must not use
    /// the same cache again (the lock is held while it runs).
    pub fn with<R>(&'static self, f: impl FnOnce(&T) -> R) -> R {
        {
            let held = self.slot.read().unwrap_or_else(PoisonError::into_inner);
            if let Some(v) = held.as_ref() {
                return f(v);
            }
        }
        let mut held = self.slot.write().unwrap_or_else(PoisonError::into_inner);
        if held.is_none() {
            REGISTRY
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(self);
        }
        f(held.get_or_insert_with(self.build))
    }

    /// True while the value is built and kept.
    #[cfg(test)]
    fn is_built(&self) -> bool {
        self.slot
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some()
    }
}

impl<T: Send + Sync> Release for Cached<T> {
    fn release(&self) {
        let value = self
            .slot
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        drop(value);
    }
}

/// Drops every value a [`Cached`] holds, and the registry's own list. Called when the
/// library is unloaded; harmless at any other time.
pub fn release_all() {
    let caches = std::mem::take(&mut *REGISTRY.lock().unwrap_or_else(PoisonError::into_inner));
    for cache in caches {
        cache.release();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    static BUILDS: AtomicUsize = AtomicUsize::new(0);
    static WORDS: Cached<Vec<String>> = Cached::new(|| {
        BUILDS.fetch_add(1, Ordering::SeqCst);
        vec!["kept".to_string()]
    });

    #[test]
    fn builds_once_then_again_after_release() {
        let before = BUILDS.load(Ordering::SeqCst);
        assert_eq!(WORDS.with(|w| w[0].clone()), "kept");
        assert_eq!(WORDS.with(|w| w.len()), 1);
        assert_eq!(BUILDS.load(Ordering::SeqCst), before + 1);
        assert!(WORDS.is_built());

        release_all();
        assert!(!WORDS.is_built(), "release_all drops the value");
        let listed = REGISTRY.lock().map(|r| {
            r.iter()
                .any(|c| std::ptr::addr_eq(*c as *const dyn Release, &WORDS as *const _))
        });
        assert_eq!(
            listed.ok(),
            Some(false),
            "the registry forgets released caches"
        );

        assert_eq!(WORDS.with(|w| w[0].clone()), "kept");
        assert_eq!(BUILDS.load(Ordering::SeqCst), before + 2);
        assert!(WORDS.is_built());
    }
}
