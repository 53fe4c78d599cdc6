//! Does a `RestrictRemoteSam` security descriptor let a given account make remote
//! calls to SAM? The policy grants the "Remote Access" right as `RC` (READ_CONTROL) in
//! allow ACEs of the DACL. Parsing is [`crate::sddl`]'s; this keeps the rule's view.

use crate::sddl::{self as sd, rights, Trustee};

pub use crate::sddl::trustee_name;

/// One access control entry of a DACL, as the RestrictRemoteSam rule needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ace {
    /// True for an allow ACE, false for a deny ACE.
    pub allow: bool,
    /// The access mask as written.
    pub mask: u32,
    /// The trustee: a SID (upper case) or a two-letter alias.
    pub trustee: String,
}

impl Ace {
    /// True when the rights include READ_CONTROL (directly or through GA/GR).
    pub fn grants_remote_access(&self) -> bool {
        self.mask & (rights::READ_CONTROL | rights::GENERIC_ALL | rights::GENERIC_READ) != 0
    }
}

/// The allow and deny ACEs of the DACL (`D:` component), read by [`crate::sddl::parse`];
/// `None` when the text is not SDDL, has no DACL, or holds other ACE types in it.
pub fn parse_dacl(sddl: &str) -> Option<Vec<Ace>> {
    let desc = sd::parse(sddl.trim()).ok()?;
    if desc.dacl.is_none() && !desc.dacl_flags.no_access_control {
        return None;
    }
    desc.aces()
        .iter()
        .map(|a| {
            let allow = if a.kind.is_allow() {
                true
            } else if a.kind.is_deny() {
                false
            } else {
                return None;
            };
            Some(Ace {
                allow,
                mask: a.mask,
                trustee: a.trustee.to_string(),
            })
        })
        .collect()
}

/// The SID an SDDL alias stands for; domain-relative aliases need the domain SID.
pub fn alias_sid(alias: &str, domain_sid: Option<&str>) -> Option<String> {
    let domains = domain_sid.and_then(sd::Sid::parse).map(sd::Domains::single);
    match Trustee::parse(alias)? {
        t @ Trustee::Alias(_) => t.resolve(domains.as_ref()).map(|s| s.to_string()),
        Trustee::Sid(_) => None,
    }
}

/// How a descriptor treats an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// An allow ACE matches; the trustee that matched.
    Allowed(String),
    /// A deny ACE matches; the trustee that matched.
    Denied(String),
    /// No ACE grants the right to any SID of the account.
    NotListed,
}

/// Evaluates the DACL for an account whose token holds `sids` (upper case).
pub fn access(aces: &[Ace], sids: &[String], domain_sid: Option<&str>) -> Access {
    let matches = |ace: &Ace| -> bool {
        let sid = if ace.trustee.starts_with("S-") {
            Some(ace.trustee.clone())
        } else {
            alias_sid(&ace.trustee, domain_sid)
        };
        sid.is_some_and(|s| sids.iter().any(|t| t.eq_ignore_ascii_case(&s)))
    };
    if let Some(d) = aces
        .iter()
        .find(|a| !a.allow && a.grants_remote_access() && matches(a))
    {
        return Access::Denied(d.trustee.clone());
    }
    match aces
        .iter()
        .find(|a| a.allow && a.grants_remote_access() && matches(a))
    {
        Some(a) => Access::Allowed(a.trustee.clone()),
        None => Access::NotListed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_default_policy_value() {
        let aces = parse_dacl("O:BAG:BAD:(A;;RC;;;BA)").expect("sddl");
        assert_eq!(
            aces,
            vec![Ace {
                allow: true,
                mask: rights::READ_CONTROL,
                trustee: "BA".into()
            }]
        );
        let aces = parse_dacl("O:BAG:BAD:P(A;;RC;;;BA)(A;;RC;;;S-1-5-21-1-2-3-1105)(D;;RC;;;AN)")
            .expect("sddl");
        assert_eq!(aces.len(), 3);
        assert!(!aces[2].allow);
        assert!(parse_dacl("not sddl").is_none());
        assert!(parse_dacl("O:BAG:BAD:(A;;RC)").is_none());
    }

    #[test]
    fn decides_access_for_an_account() {
        let acct = vec![
            "S-1-5-21-1-2-3-1105".to_string(),
            "S-1-5-21-1-2-3-513".to_string(),
            "S-1-5-11".to_string(),
        ];
        let dom = Some("S-1-5-21-1-2-3");
        let eval = |s: &str| access(&parse_dacl(s).expect("sddl"), &acct, dom);
        assert_eq!(eval("O:BAG:BAD:(A;;RC;;;BA)"), Access::NotListed);
        assert_eq!(
            eval("O:BAG:BAD:(A;;RC;;;BA)(A;;RC;;;S-1-5-21-1-2-3-1105)"),
            Access::Allowed("S-1-5-21-1-2-3-1105".into())
        );
        assert_eq!(eval("O:BAG:BAD:(A;;RC;;;DU)"), Access::Allowed("DU".into()));
        assert_eq!(
            eval("O:BAG:BAD:(A;;RC;;;AU)(D;;RC;;;S-1-5-21-1-2-3-1105)"),
            Access::Denied("S-1-5-21-1-2-3-1105".into())
        );
        assert_eq!(
            eval("O:BAG:BAD:(A;;0x20000;;;AU)"),
            Access::Allowed("AU".into())
        );
        assert_eq!(eval("O:BAG:BAD:(A;;WD;;;AU)"), Access::NotListed);
        assert_eq!(trustee_name("BA"), "BUILTIN\\Administrators (BA)");
        assert_eq!(trustee_name("S-1-5-21-1-2-3-4"), "S-1-5-21-1-2-3-4");
    }
}
