//! OUs in sync scope whose names contain characters that make writeback fail with event
//! 33001: a leading space or `#`, a trailing space, or any of `, + " \ < > ; = /` and
//! line breaks.

use super::{dn_to_dns, docs, fail, for_each_domain, pass, strings, Ctx, Rule};
use crate::api::CheckResult;
use crate::snapshot::directory::{ActiveDirectory, Domain, DomainEntry};

/// PRE-OU-CHARS.
pub const OU_CHARS: Rule = Rule {
    id: "PRE-OU-CHARS",
    check: "OuNames",
    summary: "OU names without reserved characters",
    docs: docs::TROUBLESHOOT,
};

/// Most offending OUs named in a message (the evidence lists them all).
const SHOWN: usize = 10;

/// What is wrong with an OU name, if anything.
pub fn reserved_characters(name: &str) -> Vec<String> {
    let mut found = Vec::new();
    if name.starts_with(' ') {
        found.push("a leading space".to_string());
    }
    if name.starts_with('#') {
        found.push("a leading #".to_string());
    }
    if name.ends_with(' ') {
        found.push("a trailing space".to_string());
    }
    for c in [',', '+', '"', '\\', '<', '>', ';', '=', '/'] {
        if name.contains(c) {
            found.push(format!("'{c}'"));
        }
    }
    if name.contains('\n') {
        found.push("a line feed".to_string());
    }
    if name.contains('\r') {
        found.push("a carriage return".to_string());
    }
    found
}

/// The unescaped value of the first RDN of a DN (`OU=Sales\, East,DC=x` → `Sales, East`).
pub fn first_rdn_value(dn: &str) -> String {
    let Some((_, rest)) = dn.split_once('=') else {
        return dn.to_string();
    };
    let mut out: Vec<u8> = Vec::new();
    let bytes = rest.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b',' => break,
            b'\\' if i + 1 < bytes.len() => {
                let hex = rest
                    .get(i + 1..i + 3)
                    .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                    }
                    None => {
                        out.push(bytes[i + 1]);
                        i += 2;
                    }
                }
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A domain's sync scope: the containers included and excluded, as written (compared
/// ignoring case).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// `ContainerInclusionList`; empty means the whole domain.
    pub inclusions: Vec<String>,
    /// `ContainerExclusionList`.
    pub exclusions: Vec<String>,
}

impl Scope {
    /// A scope from inclusion and exclusion lists (any case).
    pub fn new<S: AsRef<str>>(inclusions: &[S], exclusions: &[S]) -> Self {
        let own = |v: &[S]| v.iter().map(|s| s.as_ref().trim().to_string()).collect();
        Scope {
            inclusions: own(inclusions),
            exclusions: own(exclusions),
        }
    }

    /// True when `dn` is under an included container (or nothing is listed) and under no
    /// excluded one.
    pub fn contains(&self, dn: &str) -> bool {
        let dn = dn.to_ascii_lowercase();
        let has = |c: &String| under(&dn, &c.to_ascii_lowercase());
        (self.inclusions.is_empty() || self.inclusions.iter().any(has))
            && !self.exclusions.iter().any(has)
    }
}

/// The sync scope of a domain from the snapshot's AD connector partitions; `None` when
/// no partition covers the domain.
pub fn scope(ad: &ActiveDirectory, entry: &DomainEntry, domain: &Domain) -> Option<Scope> {
    let mut inc = Vec::new();
    let mut exc = Vec::new();
    let mut found = false;
    for p in ad.connectors.iter().flat_map(|k| k.partitions.iter()) {
        let same = domain
            .distinguished_name
            .as_deref()
            .is_some_and(|d| d.eq_ignore_ascii_case(&p.dn))
            || dn_to_dns(&p.dn).eq_ignore_ascii_case(&entry.name);
        if same {
            found = true;
            inc.extend(p.inclusions.iter().cloned());
            exc.extend(p.exclusions.iter().cloned());
        }
    }
    found.then(|| Scope::new(&inc, &exc))
}

fn under(dn: &str, container: &str) -> bool {
    dn == container || dn.ends_with(&format!(",{container}"))
}

/// The DN's RDNs from the first on, each as the DN that starts with it
/// (`OU=a,DC=x` → `OU=a,DC=x`, `DC=x`); escaped commas do not split.
pub fn suffixes(dn: &str) -> Vec<&str> {
    let mut out = vec![dn];
    let b = dn.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b',' => {
                if let Some(rest) = dn.get(i + 1..) {
                    out.push(rest.trim_start());
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}

/// Reserved characters in the names of the containers above `dn` (its OU structure):
/// one entry per offending container, `OU=... (a leading space)`.
pub fn reserved_in_path(dn: &str) -> Vec<String> {
    suffixes(dn)
        .into_iter()
        .skip(1)
        .filter(|s| !s.get(..3).is_some_and(|k| k.eq_ignore_ascii_case("DC=")))
        .filter_map(|s| {
            let found = reserved_characters(&first_rdn_value(s));
            (!found.is_empty()).then(|| format!("{s} ({})", found.join(", ")))
        })
        .collect()
}

/// Evaluates the OU-name rule.
pub fn evaluate(ctx: &Ctx) -> Vec<CheckResult> {
    let ad = ctx.snapshot.active_directory.data();
    for_each_domain(ctx, &[&OU_CHARS], |entry, domain, notes| {
        let name = &entry.name;
        let Some(ous) = &domain.organizational_units else {
            return vec![OU_CHARS.not_collected(name, &notes.why_missing("OrganizationalUnits"))];
        };
        let scope = ad.and_then(|ad| scope(ad, entry, domain));
        let in_scope = |dn: &str| scope.as_ref().is_none_or(|s| s.contains(dn));
        let mut bad = Vec::new();
        let mut checked = 0usize;
        for ou in ous.iter().filter(|ou| in_scope(&ou.distinguished_name)) {
            checked += 1;
            let ou_name = ou
                .name
                .clone()
                .unwrap_or_else(|| first_rdn_value(&ou.distinguished_name));
            let found = reserved_characters(&ou_name);
            if !found.is_empty() {
                bad.push(format!("{} ({})", ou.distinguished_name, found.join(", ")));
            }
        }
        let scope_note = if scope.is_some() {
            "in the AD connector's sync scope"
        } else {
            "in the domain (no connector scope in the snapshot, so every OU was checked)"
        };
        let f = if bad.is_empty() {
            pass(
                "NoReservedCharacters",
                format!("No OU name in {name} contains reserved characters"),
                format!("{checked} OUs {scope_note} have names writeback can handle."),
            )
        } else {
            let shown: Vec<&String> = bad.iter().take(SHOWN).collect();
            let more = if bad.len() > SHOWN {
                format!(" and {} more", bad.len() - SHOWN)
            } else {
                String::new()
            };
            fail(
                "ReservedCharacters",
                if bad.len() == 1 {
                    format!("An OU name in {name} contains reserved characters")
                } else {
                    format!("{} OU names in {name} contain reserved characters", bad.len())
                },
                format!(
                    "Writeback fails with event 33001 for users under an OU whose name has a leading space or #, a trailing space, or one of , + \" \\ < > ; = / or a line break. Found {scope_note}: {}{more}.",
                    shown.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("; ")
                ),
                "Rename these OUs without the reserved characters (or move the affected users to OUs with plain names), then run a sync cycle.",
            )
        };
        vec![OU_CHARS.emit(
            name,
            f.with("Checked", checked)
                .with("ScopeFromConnector", scope.is_some())
                .with("Offending", strings(&bad)),
        )]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_reserved_characters() {
        assert!(reserved_characters("Sales").is_empty());
        assert!(reserved_characters("Sales & Marketing (EU)").is_empty());
        assert_eq!(reserved_characters(" Sales"), vec!["a leading space"]);
        assert_eq!(reserved_characters("#Temp"), vec!["a leading #"]);
        assert_eq!(reserved_characters("R&D/Labs"), vec!["'/'"]);
        assert_eq!(reserved_characters("A, B"), vec!["','"]);
        assert_eq!(reserved_characters("x\ny").len(), 1);
    }

    #[test]
    fn unescapes_the_first_rdn() {
        assert_eq!(
            first_rdn_value(r"OU=Sales\, East,DC=contoso,DC=com"),
            "Sales, East"
        );
        assert_eq!(first_rdn_value(r"OU=\#Temp,DC=x"), "#Temp");
        assert_eq!(first_rdn_value(r"OU=\20Lead,DC=x"), " Lead");
        assert_eq!(first_rdn_value(r"OU=Caf\C3\A9,DC=x"), "Café");
        assert_eq!(first_rdn_value("OU=Plain,DC=x"), "Plain");
    }

    #[test]
    fn paths_split_on_unescaped_commas_and_report_their_containers() {
        assert_eq!(
            suffixes(r"CN=Doe\, Jo,OU=Sales,DC=x"),
            vec![r"CN=Doe\, Jo,OU=Sales,DC=x", "OU=Sales,DC=x", "DC=x"]
        );
        assert!(reserved_in_path(r"CN=Doe\, Jo,OU=Sales,DC=x").is_empty());
        assert_eq!(
            reserved_in_path(r"CN=Jo,OU=R\+D,OU=\#Lab,DC=x"),
            vec![
                r"OU=R\+D,OU=\#Lab,DC=x ('+')",
                r"OU=\#Lab,DC=x (a leading #)"
            ]
        );
        let s = Scope::new(&["OU=Sales,DC=x"], &["OU=Old,OU=Sales,DC=x"]);
        assert!(s.contains("CN=a,OU=sales,DC=x"));
        assert!(!s.contains("CN=a,OU=Old,OU=Sales,DC=x"));
        assert!(!s.contains("CN=a,OU=IT,DC=x"));
    }
}
