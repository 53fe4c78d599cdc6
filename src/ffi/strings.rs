//! Moving strings across the C ABI.

use std::ffi::{CStr, CString};
use std::os::raw::c_char;

use crate::error::{ErrorCode, WbdError};
use crate::request::MAX_REQUEST_BYTES;

/// Borrows a caller's NUL-terminated UTF-8 string.
///
/// # Safety
/// `p` must be NULL or point to a NUL-terminated string valid for `'a`.
pub(crate) unsafe fn cstr_in<'a>(p: *const c_char) -> Result<&'a str, WbdError> {
    if p.is_null() {
        return Err(WbdError::new(
            ErrorCode::NullArgument,
            "request pointer is NULL",
        ));
    }
    // SAFETY: non-null and NUL-terminated per the caller's contract.
    let bytes = unsafe { CStr::from_ptr(p) }.to_bytes();
    if bytes.len() > MAX_REQUEST_BYTES {
        return Err(WbdError::new(
            ErrorCode::RequestTooLarge,
            format!(
                "request is {} bytes; the limit is {MAX_REQUEST_BYTES} bytes",
                bytes.len()
            ),
        ));
    }
    std::str::from_utf8(bytes).map_err(|e| {
        WbdError::new(
            ErrorCode::InvalidUtf8,
            format!(
                "request is not valid UTF-8 (first bad byte at offset {})",
                e.valid_up_to()
            ),
        )
    })
}

/// Hands a string to the caller, who frees it with `wbd_string_free`.
pub(crate) fn string_out(s: String) -> *mut c_char {
    let c = CString::new(s).unwrap_or_else(|e| {
        let mut bytes = e.into_vec();
        bytes.retain(|b| *b != 0);
        CString::new(bytes).unwrap_or_default()
    });
    c.into_raw()
}

/// Frees a string made by [`string_out`]; NULL is a no-op.
///
/// # Safety
/// `p` must be NULL or come from [`string_out`] and not have been freed.
pub(crate) unsafe fn free(p: *mut c_char) {
    if !p.is_null() {
        // SAFETY: per the contract, `p` came from `CString::into_raw` and is freed once.
        drop(unsafe { CString::from_raw(p) });
    }
}
