//! The generated 10,000-user permissions snapshot shared by `benches/permissions.rs` and
//! `benches/engine.rs`: each user has its own realistic descriptor text (the default user
//! DACL plus the ACEs a prepared domain root passes down, about 2 KiB of SDDL). Users of
//! one OU share their descriptor, as in AD; every 50th user has an extra explicit ACE of
//! its own, and every 100th is protected.

use serde_json::{json, Value};

const TEMPLATE: &str = include_str!("../../tests/fixtures/sddl/user-default.sddl");
const SID: &str = "S-1-5-21-1004336348-1177238915-682003330";
const D: &str = "DC=contoso,DC=com";

/// A snapshot of one domain with `n` users under one connector's partition.
pub fn snapshot(n: usize) -> Value {
    let users: Vec<Value> = (0..n)
        .map(|i| {
            let ou = i % 100;
            let mut sddl = TEMPLATE.replacen(
                "O:DAG:DUD:AI",
                &format!("O:DAG:DUD:AI(A;;RPWP;;;{SID}-{})", 5000 + ou),
                1,
            );
            if i % 50 == 0 {
                sddl = sddl.replacen(
                    "O:DAG:DUD:AI",
                    &format!("O:DAG:DUD:AI(A;;GA;;;{SID}-{})", 9000 + i),
                    1,
                );
            }
            json!({
                "DistinguishedName": format!("CN=User {i},OU=Dept{ou},OU=Staff,{D}"),
                "SamAccountName": format!("user{i}"),
                "UserPrincipalName": format!("user{i}@contoso.com"),
                "ObjectClass": "user",
                "ObjectSid": format!("{SID}-{}", 10_000 + i),
                "AdminCount": if i % 100 == 0 { json!(1) } else { Value::Null },
                "UserAccountControl": 512,
                "PwdLastSet": 134_000_000_000_000_000_i64 + i as i64,
                "LockoutTime": 0,
                "ResultantPso": null,
                "Sddl": sddl,
            })
        })
        .collect();
    json!({
        "SchemaVersion": 1,
        "CollectedAt": "2026-12-02T09:00:00Z",
        "ActiveDirectory": {
            "Forests": [{"Forest": {"Name": "contoso.com"}, "Domains": [{
                "Domain": {"DNSRoot": "contoso.com", "DistinguishedName": D, "DomainSID": SID},
                "Users": users, "UsersLimit": 20000, "UsersTruncated": false
            }]}],
            "Connectors": [{"ConnectorName": "contoso.com",
                "Account": {"SamAccountName": "MSOL_0123456789ab", "Domain": "CONTOSO", "SID": format!("{SID}-1105"), "GroupSids": [format!("{SID}-513")]},
                "Partitions": [{"DN": D, "ContainerInclusionList": [format!("OU=Staff,{D}")]}]}]
        }
    })
}
