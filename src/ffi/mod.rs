//! The C ABI. The only module with `#[no_mangle]` exports; every body runs inside
//! [`boundary!`] so no panic unwinds into the host.
//!
//! Ownership: every `char *` returned (except `wbd_version`'s) belongs to the caller and
//! must be released exactly once with `wbd_string_free`.

#[macro_use]
mod boundary;
mod strings;
mod unload;

use std::os::raw::c_char;

use crate::api::{envelope_text, error_envelope};
use crate::control::Control;
use strings::{cstr_in, string_out};

/// Version of the library as a static NUL-terminated string. Never free it.
#[no_mangle]
pub extern "C" fn wbd_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// Runs one request (`{"Command": ..., "Options": {...}}`, UTF-8 JSON) to completion and
/// returns the response envelope. Free the result with `wbd_string_free`.
///
/// # Safety
/// `request_json` must be NULL or point to a NUL-terminated string that stays valid for
/// the duration of the call.
#[no_mangle]
pub unsafe extern "C" fn wbd_run(request_json: *const c_char) -> *mut c_char {
    boundary!({
        // SAFETY: the caller guarantees the pointer is NULL or a valid C string.
        let input = unsafe { cstr_in(request_json) };
        let control = Control::new();
        let result = input.and_then(|text| {
            crate::request::parse(text).and_then(|req| crate::engine::run(&req, &control))
        });
        string_out(envelope_text(&result))
    })
}

/// Starts a request on a worker thread and returns its job id. A bad request still gets a
/// job whose poll returns the error envelope; 0 means no worker could be started.
///
/// # Safety
/// As for `wbd_run`.
#[no_mangle]
pub unsafe extern "C" fn wbd_job_start(request_json: *const c_char) -> u64 {
    boundary!({
        // SAFETY: the caller guarantees the pointer is NULL or a valid C string.
        let input = unsafe { cstr_in(request_json) }.map(str::to_owned);
        crate::jobs::start(input)
    })
}

/// Returns `{"Ok", "State": "Running"|"Completed"|"Failed"|"Cancelled", "Progress":
/// {"Percent", "Activity"}}` plus `Report` or `Error` once finished. An unknown or freed id
/// gives an `UnknownJob` error envelope. Free the result with `wbd_string_free`.
#[no_mangle]
pub extern "C" fn wbd_job_poll(job: u64) -> *mut c_char {
    boundary!({ string_out(crate::jobs::poll(job).to_string()) })
}

/// Asks a job to stop promptly (its connections are closed). Unknown ids are ignored.
#[no_mangle]
pub extern "C" fn wbd_job_cancel(job: u64) {
    boundary!({ crate::jobs::cancel(job) })
}

/// Cancels the job if it still runs, waits for its worker thread to end and releases it.
/// Unknown or already freed ids are ignored.
#[no_mangle]
pub extern "C" fn wbd_job_free(job: u64) {
    boundary!({
        crate::jobs::free(job);
    })
}

/// Frees a string returned by this library. NULL is a no-op.
///
/// # Safety
/// `s` must be NULL or a pointer returned by this library and not yet freed.
#[no_mangle]
pub unsafe extern "C" fn wbd_string_free(s: *mut c_char) {
    boundary!({
        // SAFETY: the caller guarantees `s` came from `string_out` and is freed once.
        unsafe { strings::free(s) }
    })
}

/// The error envelope used when something fails before a request could be handled.
pub(crate) fn error_text(e: &crate::error::WbdError) -> String {
    error_envelope(e).to_string()
}
