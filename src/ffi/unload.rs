//! Frees what the library built and kept (see [`crate::cache`]) when a host unloads it,
//! so a host that loads and unloads the library again and again does not lose memory on
//! each cycle.
//!
//! On ELF systems the dynamic loader runs the functions listed in the `.fini_array`
//! section when the library is unloaded (`dlclose` of its last reference) and at process
//! exit. Windows hosts (PowerShell, .NET's `DllImport`) never unload a native library
//! they have loaded, so there is nothing to hook there.

/// The entry the loader calls. Placing a function pointer in `.fini_array` is sound: the
/// section holds exactly such `extern "C" fn()` pointers, the function takes no arguments,
/// catches any panic and touches only [`crate::cache`]'s locks, which stay valid until the
/// library's memory is unmapped after all its finalizers have run.
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".fini_array"]
static RELEASE_AT_UNLOAD: extern "C" fn() = release_at_unload;

#[cfg(target_os = "linux")]
extern "C" fn release_at_unload() {
    let _ = std::panic::catch_unwind(crate::cache::release_all);
}
