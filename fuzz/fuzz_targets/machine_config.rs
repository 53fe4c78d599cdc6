#![no_main]
//! `proxy::machine_config::MachineProxy::parse` and the bypass-list matching it builds.
use libfuzzer_sys::fuzz_target;
use writeback_diagnostics::proxy::machine_config::MachineProxy;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(proxy) = MachineProxy::parse(text, "machine.config") {
            let _ = proxy.bypass_entry_for("ssprdedicatedsbprodncu.servicebus.windows.net", 443);
            let _ = proxy.bypass_entry_for("10.0.0.1", 5671);
        }
    }
});
