//! The order in which the report presents findings: by area, then by rule.
//!
//! Password writeback is a chain. The tenant must be licensed and have writeback turned
//! on before the Connect server's settings matter; the Connect server must run a
//! supported version with writeback enabled before its network path matters; the
//! Service Bus relay must be reachable before the connector account's rights in AD are
//! ever exercised; and only when all of that holds does one user's outcome say anything
//! about that user. The event log comes last because its errors are mostly the symptoms
//! of a broken link further up. So a problem upstream is listed (and fixed) first:
//! a downstream check that fails because of it usually passes once it is fixed.
//!
//! [`AREAS`] is the one place that order is defined. Within an area, rules follow the
//! order of their prefixes (the path a password reset takes: DNS before TCP before TLS
//! before HTTP); results of the same rule keep the order the engine produced them in.

/// One area of the report and the result-id prefixes that belong to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Area {
    /// Stable key, used in element ids and classes (`area-network`).
    pub key: &'static str,
    /// Heading shown in the report.
    pub title: &'static str,
    /// Id prefixes of the area's rules, in the order to fix them.
    pub prefixes: &'static [&'static str],
}

/// Every area, upstream first. An id belongs to the area of its longest matching
/// prefix (so `PRE-WRITEBACK-TENANT` is a tenant setting while `PRE-WRITEBACK-ENABLED`
/// is the Connect server's, and `PRE-CONNECTOR-` sorts apart from `PRE-CONNECT-`); an id
/// that matches none falls into the last area. A prefix ends in `-` unless it is a whole
/// Id, so the check-Id scan of `tests/all.rs` never takes one for an Id.
pub const AREAS: &[Area] = &[
    Area {
        key: "tenant",
        title: "Tenant and licences",
        prefixes: &[
            "PRE-LICENSE-",
            "PRE-TENANT-",
            "PRE-SSPR-",
            "PRE-WRITEBACK-TENANT",
            "PRE-ADMIN-",
        ],
    },
    Area {
        key: "connect",
        title: "Connect server",
        prefixes: &[
            "PRE-CONNECT-",
            "PRE-ADSYNC-",
            "PRE-STAGING-",
            "PRE-WRITEBACK-ENABLED",
            "PRE-CONFIG-",
            "PRE-CONNECTOR-",
            "PRE-SCHEDULER",
            "PRE-OS",
            "PRE-DOTNET",
            "PRE-TLS12",
        ],
    },
    Area {
        key: "network",
        title: "Network path to Microsoft Entra and the Service Bus relay",
        prefixes: &[
            "CONN-DNS",
            "CONN-TCP",
            "CONN-PROXY",
            "CONN-TLS",
            "CONN-REVOCATION",
            "CONN-CLOCK",
            "CONN-HTTP",
            "CONN-ALLOWLIST",
            "CONN-",
        ],
    },
    Area {
        key: "directory",
        title: "Directory and permissions",
        prefixes: &[
            "PRE-PDC",
            "PRE-DC-",
            "PRE-PREFERRED-DC",
            "PRE-FOREST-",
            "PRE-RESTRICTREMOTESAM",
            "PRE-PWD-",
            "PRE-OU-",
            "PERM-ACCOUNT",
            "PERM-DOMAIN-ROOT",
            "PERM-OU",
            "PERM-ADMINSDHOLDER",
            "PERM-PROTECTED-USERS",
            "PERM-",
        ],
    },
    Area {
        key: "user",
        title: "User",
        prefixes: &["USER-VERDICT", "PRE-TESTUSER-", "USER-"],
    },
    Area {
        key: "events",
        title: "Event log findings",
        prefixes: &["EVT-"],
    },
    Area {
        key: "other",
        title: "Other checks",
        prefixes: &[],
    },
];

/// Where a result id sorts: (index into [`AREAS`], index of the rule's prefix).
/// Unknown ids sort last, after every known rule.
pub fn place(id: &str) -> (usize, usize) {
    let upper = id.trim().to_ascii_uppercase();
    let mut best: Option<(usize, usize, usize)> = None;
    for (a, area) in AREAS.iter().enumerate() {
        for (r, prefix) in area.prefixes.iter().enumerate() {
            let longer = best.is_none_or(|(_, _, len)| prefix.len() > len);
            if upper.starts_with(prefix) && longer {
                best = Some((a, r, prefix.len()));
            }
        }
    }
    match best {
        Some((a, r, _)) => (a, r),
        None => (AREAS.len() - 1, 0),
    }
}

/// Indices of `ids` in report order: by area and rule, ties kept in input order.
pub fn sorted_indices<S: AsRef<str>>(ids: &[S]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..ids.len()).collect();
    order.sort_by_key(|&i| place(ids[i].as_ref()));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    fn area_of(id: &str) -> &'static str {
        AREAS[place(id).0].key
    }

    #[test]
    fn ids_fall_into_their_areas() {
        for (id, area) in [
            ("PRE-LICENSE-TENANT", "tenant"),
            ("PRE-TENANT-DIRSYNC", "tenant"),
            ("PRE-ADMIN-ROLE", "tenant"),
            ("PRE-WRITEBACK-TENANT", "tenant"),
            ("PRE-WRITEBACK-ENABLED", "connect"),
            ("PRE-CONNECT-VERSION", "connect"),
            ("PRE-CONNECTOR-RUNS", "connect"),
            ("PRE-CONFIG-SIGNSEAL", "connect"),
            ("CONN-TLS", "network"),
            ("CONN-RELAY-PORTS", "network"),
            ("PRE-PDC-REACHABLE", "directory"),
            ("PRE-DC-OS", "directory"),
            ("PRE-DOTNET", "connect"),
            ("PERM-OU", "directory"),
            ("USER-RIGHTS", "user"),
            ("PRE-TESTUSER-SSPR", "user"),
            ("EVT-SIG-MA-DENIED", "events"),
            ("REPORT-HTML", "other"),
            ("", "other"),
        ] {
            assert_eq!(area_of(id), area, "{id}");
        }
        assert_eq!(area_of("conn-dns"), "network", "ids match ignoring case");
    }

    #[test]
    fn upstream_sorts_first_and_ties_keep_their_order() {
        let ids = [
            "EVT-SIG-MA-DENIED",
            "USER-RIGHTS",
            "PERM-OU",
            "CONN-HTTP",
            "CONN-DNS",
            "PRE-CONFIG-WRITEBACK",
            "PRE-CONNECT-VERSION",
            "PRE-ADMIN-ROLE",
            "PRE-LICENSE-TENANT",
            "PRE-PDC",
            "CONN-DNS",
            "ZZZ-UNKNOWN",
        ];
        let order: Vec<usize> = sorted_indices(&ids);
        assert_eq!(order, [8, 7, 6, 5, 4, 10, 3, 9, 2, 1, 0, 11]);
        let sorted: Vec<&str> = order.iter().map(|&i| ids[i]).collect();
        assert_eq!(
            sorted,
            [
                "PRE-LICENSE-TENANT",
                "PRE-ADMIN-ROLE",
                "PRE-CONNECT-VERSION",
                "PRE-CONFIG-WRITEBACK",
                "CONN-DNS",
                "CONN-DNS",
                "CONN-HTTP",
                "PRE-PDC",
                "PERM-OU",
                "USER-RIGHTS",
                "EVT-SIG-MA-DENIED",
                "ZZZ-UNKNOWN",
            ]
        );
    }

    #[test]
    fn every_prefix_is_upper_case_and_listed_once() {
        let all: Vec<&str> = AREAS
            .iter()
            .flat_map(|a| a.prefixes.iter().copied())
            .collect();
        for p in &all {
            assert_eq!(*p, p.to_ascii_uppercase());
            assert_eq!(all.iter().filter(|q| *q == p).count(), 1, "{p}");
        }
        assert!(AREAS.last().is_some_and(|a| a.prefixes.is_empty()));
    }
}
