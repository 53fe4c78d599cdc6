//! Peak memory of a bench's child process, shared by the benches that run each workload
//! in a child of their own so that its peak is its alone.

/// Peak resident memory of this process, in KiB (VmHWM of /proc/self/status on Linux; 0
/// elsewhere).
pub fn vm_hwm_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}
