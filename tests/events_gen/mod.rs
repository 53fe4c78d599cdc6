//! A generator of huge Get-WinEvent JSON logs, shared by tests/events.rs and
//! benches/events.rs.

use std::io::{BufWriter, Write};
use std::path::Path;

use serde_json::json;

/// Writes `n` events (Get-WinEvent JSON, PowerShell 7 style) to `path`; every 10 events
/// hold 5 heartbeats, a reset start and success, an SQL event, a 33008 and a 6329.
pub fn write_huge_log(path: &Path, n: u64) {
    let f = std::fs::File::create(path).expect("create");
    let mut w = BufWriter::with_capacity(1 << 20, f);
    let base = 1_717_401_600_i64; // 2024-06-03T08:00:00Z
    w.write_all(b"[\r\n").expect("write");
    for i in 0..n {
        let t = base + i64::try_from(i).unwrap_or(0) * 30;
        let (id, provider, level, message) = match i % 10 {
            0..=4 => (31019, "PasswordResetService", "Information", "TrackingId: 5335b365-3db9-5191-8f8c-c33e77dc7f67, ServiceBusHeartBeat, Details: Heartbeat sent to the relay (namespace ssprdedicatedsbprodncu, endpoint 6f0d3f8e-9a51-4c55-8d3e-2b7c1f4a9e01_d9d5d679-761c-5090-9fed-94b3ec91e0b0)"),
            5 => (31001, "PasswordResetService", "Information", "TrackingId: 62ef5965-a9a7-5e44-ae06-f450cd37fdd7, PasswordResetStart, Details: UserPrincipalName: jane.doe@contoso.com"),
            6 => (31002, "PasswordResetService", "Information", "TrackingId: 62ef5965-a9a7-5e44-ae06-f450cd37fdd7, PasswordResetSuccess, Details: UserPrincipalName: jane.doe@contoso.com"),
            7 => (17137, "MSSQL$ADSYNC", "Information", "Starting up database 'ADSync'."),
            8 => (33008, "PasswordResetService", "Error", "TrackingId: 7a1e0c55-0d3b-4f57-a2f4-1b9f0e6c2d11, Reason: ADPasswordPolicyError, Context: cloudAnchor: User_0b1c, UserPrincipalName: john@contoso.com, Details: PasswordResetException: The password does not meet the password policy requirements.\r\n   at Microsoft.CredentialManagement.X.Y()"),
            _ => (6329, "ADSync", "Error", "An unexpected error has occurred during a password set operation. \r\n \"BAIL: MMS(4924): admaexport.cpp(2837): 0x80230619 (A restriction prevents the password from being changed to the current one specified.)\r\nAzure AD Sync 2.3.20.0\""),
        };
        let sep = if i + 1 < n { "," } else { "" };
        let time = time_text(t, i);
        writeln!(
            w,
            "  {{\r\n    \"Id\": {id},\r\n    \"ProviderName\": {},\r\n    \"TimeCreated\": \"{time}\",\r\n    \"LevelDisplayName\": \"{level}\",\r\n    \"Message\": {}\r\n  }}{sep}\r",
            json!(provider),
            json!(message)
        )
        .expect("write");
    }
    w.write_all(b"]\r\n").expect("write");
    w.flush().expect("flush");
}

fn time_text(unix: i64, i: u64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:07}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        i % 10_000_000
    )
}
