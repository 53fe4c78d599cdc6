//! What a container (an OU, the domain root) passes down to a child object.
//!
//! "ACE inheritance rules",
//! <https://learn.microsoft.com/windows/win32/secauthz/ace-inheritance-rules> (read
//! 2026-12-02): the DS treats every object as a container, so a `CI` ACE is inherited
//! as an effective ACE that stays inheritable unless `NP` is set; an `OI`-only ACE
//! reaches a container only as inherit-only (and not at all with `NP`); an ACE with an
//! InheritedObjectType is effective only on children of that class. Children of other
//! classes keep it as inherit-only (`CIIOID`) so it reaches their own children
//! (inference from real AD user descriptors, which carry such ACEs), except with `NP`.
//! Every inherited ACE gets `ID`. Generic rights are left unmapped (the evaluator maps
//! them) and CREATOR OWNER is not replaced (the creator is unknown here).

use super::ace::{Ace, AceFlags, AclFlags, SecurityDescriptor};
use super::rights::Guid;

/// The ACEs a child object of class `child_class` inherits from a parent whose
/// descriptor is `parent`, in the parent's order; none when the child is protected.
///
/// ```
/// use writeback_diagnostics::sddl::{self, rights};
/// let ou = sddl::parse(
///     "D:(OA;CIIO;CR;00299570-246d-11d0-a768-00aa006e0529;bf967aba-0de6-11d0-a285-00aa003049e2;S-1-5-21-1-2-3-1105)",
/// ).expect("sddl");
/// let got = sddl::inherit(&ou, rights::CLASS_USER, false);
/// assert_eq!(got[0].to_string(),
///     "(OA;CIID;CR;00299570-246d-11d0-a768-00aa006e0529;bf967aba-0de6-11d0-a285-00aa003049e2;S-1-5-21-1-2-3-1105)");
/// assert!(sddl::inherit(&ou, rights::CLASS_USER, true).is_empty());
/// ```
pub fn inherit(
    parent: &SecurityDescriptor,
    child_class: Guid,
    child_is_protected: bool,
) -> Vec<Ace> {
    if child_is_protected {
        return Vec::new();
    }
    parent
        .aces()
        .iter()
        .filter_map(|ace| inherited_copy(ace, child_class))
        .collect()
}

/// A child object's descriptor: its own explicit ACEs, then what `parent` passes down
/// unless `protected` (`D:P`), as Windows orders them (explicit before inherited).
pub fn child_descriptor(
    parent: &SecurityDescriptor,
    child_class: Guid,
    explicit: &[Ace],
    protected: bool,
) -> SecurityDescriptor {
    let mut dacl: Vec<Ace> = explicit
        .iter()
        .filter(|a| !a.is_inherited())
        .cloned()
        .collect();
    dacl.extend(inherit(parent, child_class, protected));
    SecurityDescriptor::from_dacl(
        AclFlags {
            protected,
            auto_inherited: true,
            ..Default::default()
        },
        dacl,
    )
}

fn inherited_copy(ace: &Ace, child_class: Guid) -> Option<Ace> {
    let ci = ace.flags.contains(AceFlags::CONTAINER_INHERIT);
    let oi = ace.flags.contains(AceFlags::OBJECT_INHERIT);
    let np = ace.flags.contains(AceFlags::NO_PROPAGATE);
    if !ci && !oi {
        return None;
    }
    let matches = ace.inherited_object_type.is_none_or(|c| c == child_class);
    let inheritance = AceFlags::CONTAINER_INHERIT
        .with(AceFlags::OBJECT_INHERIT)
        .with(AceFlags::NO_PROPAGATE)
        .with(AceFlags::INHERIT_ONLY);
    let flags = if ci && matches {
        if np {
            ace.flags.without(inheritance)
        } else {
            ace.flags.without(AceFlags::INHERIT_ONLY)
        }
    } else if np {
        return None;
    } else {
        ace.flags.with(AceFlags::INHERIT_ONLY)
    };
    let mut copy = ace.clone();
    copy.flags = flags.with(AceFlags::INHERITED);
    Some(copy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sddl::{parse_ace, rights};

    fn copy(parent: &str, class: Guid) -> Option<String> {
        inherited_copy(&parse_ace(parent).expect("ace"), class).map(|a| a.to_string())
    }

    #[test]
    fn each_flag_combination_is_passed_down_as_the_rules_say() {
        let user = rights::CLASS_USER;
        let iop = rights::CLASS_INET_ORG_PERSON;
        let u = "bf967aba-0de6-11d0-a285-00aa003049e2";
        assert_eq!(
            copy("(A;CI;CR;;;WD)", user).as_deref(),
            Some("(A;CIID;CR;;;WD)")
        );
        assert_eq!(
            copy("(A;CIIO;CR;;;WD)", user).as_deref(),
            Some("(A;CIID;CR;;;WD)")
        );
        assert_eq!(
            copy("(A;CINP;CR;;;WD)", user).as_deref(),
            Some("(A;ID;CR;;;WD)")
        );
        assert_eq!(
            copy("(A;OI;CR;;;WD)", user).as_deref(),
            Some("(A;OIIOID;CR;;;WD)")
        );
        assert_eq!(copy("(A;OINP;CR;;;WD)", user), None);
        assert_eq!(copy("(A;;CR;;;WD)", user), None);
        assert_eq!(copy("(A;ID;CR;;;WD)", user), None);
        let for_user = format!("(OA;CIIO;CR;;{u};WD)");
        assert_eq!(copy(&for_user, user), Some(format!("(OA;CIID;CR;;{u};WD)")));
        assert_eq!(
            copy(&for_user, iop),
            Some(format!("(OA;CIIOID;CR;;{u};WD)"))
        );
        assert_eq!(copy(&format!("(OA;CIIONP;CR;;{u};WD)"), iop), None);
        assert_eq!(
            copy(&format!("(OA;CIIONP;CR;;{u};WD)"), user),
            Some(format!("(OA;ID;CR;;{u};WD)"))
        );
    }
}
