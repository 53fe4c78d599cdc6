//! Does a token hold one right on an AD object, and which ACE decides it.
//!
//! Rules and where they come from (all read 2026-12-02):
//! - Explicit ACEs come before inherited ones, denies before allows among the
//!   explicit; inherited ACEs follow in the order they were inherited (the parent's
//!   before the grandparent's), deny before allow within each level: "Order of ACEs in
//!   a DACL",
//!   <https://learn.microsoft.com/windows/win32/secauthz/order-of-aces-in-a-dacl>.
//!   SDDL does not say which level an inherited ACE came from, only its position, so
//!   the explicit ACEs are checked deny first and the inherited ones in stored order.
//! - The system examines the ACEs in that order; the first that names a SID of the
//!   token and denies or allows the right decides; no DACL grants everything, no
//!   matching ACE means not granted: "How AccessCheck Works",
//!   <https://learn.microsoft.com/windows/win32/secauthz/how-dacls-control-access-to-an-object>.
//! - An object ACE's ObjectType narrows it to one property or property set; an ACE
//!   without one covers every property, a property set ACE every member: "ACEs to
//!   Control Access to an Object's Properties",
//!   <https://learn.microsoft.com/windows/win32/secauthz/aces-to-control-access-to-an-object-s-properties>;
//!   for extended rights the ObjectType is the right's GUID: "Object-specific ACEs",
//!   <https://learn.microsoft.com/windows/win32/secauthz/object-specific-aces>.
//! - `CR` is ADS_RIGHT_DS_CONTROL_ACCESS (without an ObjectType: every extended right),
//!   `WP` ADS_RIGHT_DS_WRITE_PROP; GENERIC_ALL and GENERIC_WRITE include WP,
//!   GENERIC_ALL also CR: `ADS_RIGHTS_ENUM`,
//!   <https://learn.microsoft.com/windows/win32/api/iads/ne-iads-ads_rights_enum>.
//! - Inherit-only (`IO`) ACEs do not apply to the object that holds them: "ACE
//!   inheritance rules",
//!   <https://learn.microsoft.com/windows/win32/secauthz/ace-inheritance-rules>.
//! - An ACE whose InheritedObjectType names another class does not apply to this
//!   object (inference: AD stores such ACEs on the object as `CIIOID`, seen in real user
//!   descriptors; "ACE inheritance rules" says only matching objects inherit them).
//! - A protected DACL (`D:P`) takes nothing from its parent; inherited (`ID`) ACEs left
//!   in one are ignored ("Security Descriptor String Format", SE_DACL_PROTECTED).
//! - Conditional ACEs (`XA`, `XD`, `ZA`) are not evaluated: an allow never grants, a
//!   deny always denies (our choice: the pessimistic reading).

use super::ace::{Ace, SecurityDescriptor};
use super::rights::{self, Guid};
use super::sid::Domains;
use super::token::Token;

/// What a right lets its holder do on the object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    /// Perform an extended right (`CR` with the right's rightsGuid as ObjectType).
    Extended(Guid),
    /// Write a property (`WP` with the attribute's schemaIDGUID, or its property set's
    /// rightsGuid, as ObjectType).
    WriteProperty {
        /// schemaIDGUID of the attribute.
        property: Guid,
        /// rightsGuid of the property set the attribute belongs to, if any.
        set: Option<Guid>,
    },
}

/// A named right to evaluate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Right {
    /// How Microsoft names it ("Reset Password", "Write lockoutTime").
    pub name: &'static str,
    /// The access it needs.
    pub access: Access,
}

impl Right {
    /// Extended right Reset Password (User-Force-Change-Password).
    pub const RESET_PASSWORD: Right = Right {
        name: "Reset Password",
        access: Access::Extended(rights::RESET_PASSWORD),
    };
    /// Extended right Change Password (User-Change-Password).
    pub const CHANGE_PASSWORD: Right = Right {
        name: "Change Password",
        access: Access::Extended(rights::CHANGE_PASSWORD),
    };
    /// Extended right Unexpire Password, held on the domain root.
    pub const UNEXPIRE_PASSWORD: Right = Right {
        name: "Unexpire Password",
        access: Access::Extended(rights::UNEXPIRE_PASSWORD),
    };
    /// Write property lockoutTime (in no property set).
    pub const WRITE_LOCKOUT_TIME: Right = Right {
        name: "Write lockoutTime",
        access: Access::WriteProperty {
            property: rights::LOCKOUT_TIME,
            set: None,
        },
    };
    /// Write property pwdLastSet (member of the Account Restrictions property set).
    pub const WRITE_PWD_LAST_SET: Right = Right {
        name: "Write pwdLastSet",
        access: Access::WriteProperty {
            property: rights::PWD_LAST_SET,
            set: Some(rights::USER_ACCOUNT_RESTRICTIONS),
        },
    };

    /// True when `ace`'s mask (generic bits mapped) and ObjectType cover this right.
    pub fn covered_by(&self, ace: &Ace) -> bool {
        let m = rights::ds_mapped(ace.mask);
        match self.access {
            Access::Extended(g) => {
                m & rights::CONTROL_ACCESS != 0 && ace.object_type.is_none_or(|o| o == g)
            }
            Access::WriteProperty { property, set } => {
                m & rights::WRITE_PROPERTY != 0
                    && ace
                        .object_type
                        .is_none_or(|o| o == property || Some(o) == set)
            }
        }
    }
}

/// The outcome for one right.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// An allow ACE grants it and no deny ACE before it takes it away.
    Granted,
    /// A deny ACE takes it away.
    Denied,
    /// No ACE grants it.
    NotGranted,
}

/// The ACE that decided a verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decider {
    /// Position in the DACL (0-based, stored order).
    pub index: usize,
    /// The ACE as written.
    pub text: String,
    /// The ACE is inherited (`ID`).
    pub inherited: bool,
}

/// The verdict for one right, with the ACE that decided it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Granted, denied or not granted.
    pub outcome: Outcome,
    /// The deciding ACE; `None` for NotGranted and for a NULL DACL.
    pub ace: Option<Decider>,
}

/// Evaluates `right` for `token` on an object of class `object_class` (its
/// schemaIDGUID, see [`rights::class_guid`]) whose stored descriptor is `sd`.
/// `domains` resolves domain-relative aliases such as `DA`; without it ACEs naming
/// them match nothing.
///
/// ```
/// use writeback_diagnostics::sddl::{self, rights, Outcome, Right, Sid, Token};
/// let sd = sddl::parse(
///     "O:DAG:DAD:AI(OA;CIID;CR;00299570-246d-11d0-a768-00aa006e0529;bf967aba-0de6-11d0-a285-00aa003049e2;S-1-5-21-1-2-3-1105)",
/// ).expect("sddl");
/// let token = Token::authenticated(Sid::parse("S-1-5-21-1-2-3-1105").expect("sid"), &[]);
/// let v = sddl::effective(&sd, rights::CLASS_USER, &token, None, &Right::RESET_PASSWORD);
/// assert_eq!(v.outcome, Outcome::Granted);
/// assert_eq!(v.ace.map(|a| a.index), Some(0));
/// ```
pub fn effective(
    sd: &SecurityDescriptor,
    object_class: Guid,
    token: &Token,
    domains: Option<&Domains>,
    right: &Right,
) -> Verdict {
    let Some(dacl) = &sd.dacl else {
        return Verdict {
            outcome: Outcome::Granted,
            ace: None,
        };
    };
    // One pass in stored order: the first matching explicit deny decides at once;
    // otherwise the first matching explicit allow, then the first matching inherited ACE
    // (skipped in a protected DACL). This is the order "explicit denies, explicit
    // allows, inherited ACEs as stored" without reading the DACL three times.
    let use_inherited = !sd.is_protected();
    let mut explicit_allow = None;
    let mut first_inherited = None;
    for (index, ace) in dacl.iter().enumerate() {
        let inherited = ace.is_inherited();
        let deny = ace.kind.is_deny();
        // Once an explicit allow is found, only an explicit deny can still change it.
        let wanted = if inherited {
            use_inherited && first_inherited.is_none() && explicit_allow.is_none()
        } else {
            deny || explicit_allow.is_none()
        };
        if !wanted
            || !(deny || (ace.kind.is_allow() && !ace.kind.is_callback()))
            || !applies_to(ace, object_class)
            || !right.covered_by(ace)
            || !names_token(ace, token, domains)
        {
            continue;
        }
        if inherited {
            first_inherited = Some(index);
        } else if deny {
            return verdict(sd, index, ace, Outcome::Denied);
        } else {
            explicit_allow = Some(index);
        }
    }
    let decided = explicit_allow.or(first_inherited);
    match decided.and_then(|i| Some((i, dacl.get(i)?))) {
        Some((index, ace)) => {
            let outcome = if ace.kind.is_deny() {
                Outcome::Denied
            } else {
                Outcome::Granted
            };
            verdict(sd, index, ace, outcome)
        }
        None => Verdict {
            outcome: Outcome::NotGranted,
            ace: None,
        },
    }
}

fn verdict(sd: &SecurityDescriptor, index: usize, ace: &Ace, outcome: Outcome) -> Verdict {
    Verdict {
        outcome,
        ace: Some(Decider {
            index,
            text: sd.ace_text(index).unwrap_or_else(|| ace.to_string()),
            inherited: ace.is_inherited(),
        }),
    }
}

/// The ACE takes effect on an object of `class`: it is not inherit-only, and any
/// InheritedObjectType it has is `class`.
pub fn applies_to(ace: &Ace, class: Guid) -> bool {
    !ace.is_inherit_only() && ace.inherited_object_type.is_none_or(|c| c == class)
}

fn names_token(ace: &Ace, token: &Token, domains: Option<&Domains>) -> bool {
    ace.trustee
        .resolve(domains)
        .is_some_and(|s| token.contains(&s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sddl::parse_ace;

    fn ace(text: &str) -> Ace {
        parse_ace(text).expect("ace")
    }

    #[test]
    fn rights_are_covered_by_matching_masks_and_object_types() {
        let reset = Right::RESET_PASSWORD;
        assert!(reset.covered_by(&ace("(A;;CR;;;WD)")));
        assert!(reset.covered_by(&ace("(A;;GA;;;WD)")));
        assert!(!reset.covered_by(&ace("(A;;GW;;;WD)")));
        assert!(reset.covered_by(&ace("(OA;;CR;00299570-246d-11d0-a768-00aa006e0529;;WD)")));
        assert!(!reset.covered_by(&ace("(OA;;CR;ab721a53-1e2f-11d0-9819-00aa0040529b;;WD)")));
        assert!(!reset.covered_by(&ace("(OA;;WP;00299570-246d-11d0-a768-00aa006e0529;;WD)")));
        let pls = Right::WRITE_PWD_LAST_SET;
        assert!(pls.covered_by(&ace("(OA;;WP;bf967a0a-0de6-11d0-a285-00aa003049e2;;WD)")));
        assert!(pls.covered_by(&ace("(OA;;WP;4c164200-20c0-11d0-a768-00aa006e0529;;WD)")));
        assert!(!Right::WRITE_LOCKOUT_TIME
            .covered_by(&ace("(OA;;WP;4c164200-20c0-11d0-a768-00aa006e0529;;WD)")));
    }

    #[test]
    fn aces_apply_unless_inherit_only_or_for_another_class() {
        let user = rights::CLASS_USER;
        assert!(applies_to(&ace("(A;CI;CR;;;WD)"), user));
        assert!(!applies_to(&ace("(A;CIIO;CR;;;WD)"), user));
        let for_user = ace("(OA;CIID;CR;;bf967aba-0de6-11d0-a285-00aa003049e2;WD)");
        assert!(applies_to(&for_user, user));
        assert!(!applies_to(&for_user, rights::CLASS_INET_ORG_PERSON));
    }
}
