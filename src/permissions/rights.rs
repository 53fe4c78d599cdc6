//! The connector account's writeback rights on one object, what a new user in a
//! container would get, and how a verdict reads in evidence.
//!
//! A new user object gets its class's default security descriptor as explicit ACEs,
//! then what its parent passes down ("Default Security Descriptor",
//! <https://learn.microsoft.com/windows/win32/ad/default-security-descriptor>). Of the user class's default ACEs only Change
//! Password for Everyone (`WD`) and SELF (`PS`) bear on writeback ("User class",
//! <https://learn.microsoft.com/windows/win32/adschema/c-user>, via facts §3.4, read
//! 2026-12-02); the same two are assumed for inetOrgPerson (inference: it derives from
//! user).

use serde_json::{json, Value};

use crate::sddl::{
    self, parse_ace, rights, writeback_rights, Ace, Domains, Holder, Outcome, SecurityDescriptor,
    Token, Verdict, WritebackRight,
};

/// schemaIDGUID of the `container` class ([MS-ADSC] 2.25,
/// <https://learn.microsoft.com/openspecs/windows_protocols/ms-adsc/d95e1c0b-0aab-4308-ab09-63058583881c>,
/// read 2026-12-02).
pub const CLASS_CONTAINER: rights::Guid = rights::Guid(0xbf967a8b_0de6_11d0_a285_00aa003049e2);

/// The default ACEs of a new user object that matter here.
const DEFAULT_USER_ACES: [&str; 2] = [
    "(OA;;CR;ab721a53-1e2f-11d0-9819-00aa0040529b;;WD)",
    "(OA;;CR;ab721a53-1e2f-11d0-9819-00aa0040529b;;PS)",
];

/// The identity the rights are evaluated for.
#[derive(Debug, Clone)]
pub struct Subject {
    /// The connector account's token.
    pub token: Token,
    /// The domain SIDs for domain-relative aliases.
    pub domains: Option<Domains>,
}

/// One right and its verdict.
#[derive(Debug, Clone)]
pub struct Check {
    /// The right.
    pub right: WritebackRight,
    /// Granted, denied or not granted, with the deciding ACE.
    pub verdict: Verdict,
}

impl Check {
    /// True unless granted.
    pub fn missing(&self) -> bool {
        self.verdict.outcome != Outcome::Granted
    }

    /// The evidence object: right, outcome and deciding ACE.
    pub fn evidence(&self) -> Value {
        json!({
            "Right": self.right.right.name,
            "Outcome": outcome_name(self.verdict.outcome),
            "Ace": self.verdict.ace.as_ref().map(|a| a.text.clone()),
            "AceInherited": self.verdict.ace.as_ref().map(|a| a.inherited),
        })
    }

    /// `Reset Password (denied by (OD;;CR;...;;WD))` or `Reset Password (not granted)`.
    pub fn describe(&self) -> String {
        match (&self.verdict.outcome, &self.verdict.ace) {
            (Outcome::Denied, Some(a)) => {
                format!("{} (denied by {})", self.right.right.name, a.text)
            }
            (Outcome::Granted, _) => format!("{} (granted)", self.right.right.name),
            _ => format!("{} (not granted)", self.right.right.name),
        }
    }
}

/// `Granted`, `Denied`, `NotGranted`.
pub fn outcome_name(o: Outcome) -> &'static str {
    match o {
        Outcome::Granted => "Granted",
        Outcome::Denied => "Denied",
        Outcome::NotGranted => "NotGranted",
    }
}

/// The schemaIDGUID for an object class name; users default to `user`, containers to
/// `organizationalUnit` unless named `container`.
pub fn user_class(name: Option<&str>) -> rights::Guid {
    name.and_then(rights::class_guid)
        .filter(|g| *g == rights::CLASS_INET_ORG_PERSON)
        .unwrap_or(rights::CLASS_USER)
}

/// The schemaIDGUID of a container's class.
pub fn container_class(name: Option<&str>) -> rights::Guid {
    match name {
        Some(n) if n.eq_ignore_ascii_case("container") => CLASS_CONTAINER,
        Some(n) => rights::class_guid(n).unwrap_or(rights::CLASS_ORGANIZATIONAL_UNIT),
        None => rights::CLASS_ORGANIZATIONAL_UNIT,
    }
}

fn default_user_aces() -> Vec<Ace> {
    DEFAULT_USER_ACES
        .iter()
        .filter_map(|t| parse_ace(t).ok())
        .collect()
}

/// The descriptor a new object of `class` gets below `parent`.
pub fn new_user(parent: &SecurityDescriptor, class: rights::Guid) -> SecurityDescriptor {
    sddl::child_descriptor(parent, class, &default_user_aces(), false)
}

/// A container's descriptor recomputed below `parent`: its own explicit ACEs, then what
/// `parent` passes down unless it is protected.
pub fn container_below(
    parent: &SecurityDescriptor,
    class: rights::Guid,
    own: Option<&SecurityDescriptor>,
) -> SecurityDescriptor {
    match own {
        Some(sd) => sddl::child_descriptor(parent, class, sd.aces(), sd.is_protected()),
        None => sddl::child_descriptor(parent, class, &[], false),
    }
}

/// The four rights held on each user object, evaluated on `sd` for an object of `class`.
pub fn user_rights(sd: &SecurityDescriptor, class: rights::Guid, who: &Subject) -> Vec<Check> {
    writeback_rights()
        .into_iter()
        .filter(|w| w.holder == Holder::UserObject)
        .map(|w| Check {
            right: w,
            verdict: sddl::effective(sd, class, &who.token, who.domains.as_ref(), &w.right),
        })
        .collect()
}

/// Unexpire Password on the domain root object itself.
pub fn unexpire_on_root(root: &SecurityDescriptor, who: &Subject) -> Check {
    let w = writeback_rights()
        .into_iter()
        .find(|w| w.holder == Holder::DomainRoot)
        .unwrap_or(WritebackRight {
            right: sddl::Right::UNEXPIRE_PASSWORD,
            holder: Holder::DomainRoot,
            severity: sddl::Severity::Warning,
            note: sddl::UNEXPIRE_NOTE,
        });
    Check {
        right: w,
        verdict: sddl::effective(
            root,
            rights::CLASS_DOMAIN_DNS,
            &who.token,
            who.domains.as_ref(),
            &w.right,
        ),
    }
}

/// The names of the missing rights.
pub fn missing_names(checks: &[Check]) -> Vec<&'static str> {
    checks
        .iter()
        .filter(|c| c.missing())
        .map(|c| c.right.right.name)
        .collect()
}

/// The evidence array of several checks.
pub fn evidence(checks: &[Check]) -> Value {
    Value::Array(checks.iter().map(Check::evidence).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sddl::Sid;

    #[test]
    fn a_new_user_gets_change_password_through_everyone_and_the_roots_grants() {
        let root = sddl::parse("O:DAG:DAD:AI(OA;CIIO;CR;00299570-246d-11d0-a768-00aa006e0529;bf967aba-0de6-11d0-a285-00aa003049e2;S-1-5-21-1-2-3-1105)").expect("sddl");
        let who = Subject {
            token: Token::authenticated(Sid::parse("S-1-5-21-1-2-3-1105").expect("sid"), &[]),
            domains: None,
        };
        let got = user_rights(
            &new_user(&root, rights::CLASS_USER),
            rights::CLASS_USER,
            &who,
        );
        assert_eq!(
            missing_names(&got),
            ["Write lockoutTime", "Write pwdLastSet"]
        );
        assert_eq!(
            CLASS_CONTAINER.to_string(),
            "bf967a8b-0de6-11d0-a285-00aa003049e2"
        );
        assert_eq!(
            user_class(Some("inetOrgPerson")),
            rights::CLASS_INET_ORG_PERSON
        );
        assert_eq!(user_class(Some("computer")), rights::CLASS_USER);
        assert_eq!(container_class(Some("container")), CLASS_CONTAINER);
    }
}
