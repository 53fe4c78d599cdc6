//! The panic boundary: every export's body runs under `catch_unwind`, and a panic turns
//! into the return type's fallback value instead of unwinding into the host.

use std::os::raw::c_char;
use std::sync::Once;

use crate::error::{ErrorCode, WbdError};

/// What an export returns when its body panicked.
pub(crate) trait Fallback {
    /// The value for a caught panic with message `msg`.
    fn fallback(msg: String) -> Self;
}

impl Fallback for *mut c_char {
    fn fallback(msg: String) -> Self {
        super::strings::string_out(super::error_text(&WbdError::new(ErrorCode::Panic, msg)))
    }
}

impl Fallback for u64 {
    fn fallback(_msg: String) -> Self {
        0
    }
}

impl Fallback for () {
    fn fallback(_msg: String) -> Self {}
}

/// Silences Rust's default panic printing, once, so a caught panic does not write into
/// the admin's console; the message still reaches the caller through the envelope.
pub(crate) fn quiet_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| std::panic::set_hook(Box::new(|_| {})));
}

macro_rules! boundary {
    ($body:block) => {{
        $crate::ffi::boundary::quiet_panics();
        match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| $body)) {
            Ok(v) => v,
            Err(payload) => {
                $crate::ffi::boundary::Fallback::fallback($crate::panic_message(payload.as_ref()))
            }
        }
    }};
}
