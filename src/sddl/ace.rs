//! What a parsed descriptor holds: the descriptor, its ACL flags and its ACEs.
//!
//! Layout: "Security Descriptor String Format",
//! <https://learn.microsoft.com/windows/win32/secauthz/security-descriptor-string-format>,
//! and "ACE strings",
//! <https://learn.microsoft.com/windows/win32/secauthz/ace-strings> (both read 2026-12-02).

use std::fmt;

use super::rights::{self, Guid};
use super::sid::Trustee;

/// The ACE types of "ACE strings".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AceType {
    /// `A`: ACCESS_ALLOWED_ACE_TYPE.
    Allow,
    /// `D`: ACCESS_DENIED_ACE_TYPE.
    Deny,
    /// `OA`: ACCESS_ALLOWED_OBJECT_ACE_TYPE.
    ObjectAllow,
    /// `OD`: ACCESS_DENIED_OBJECT_ACE_TYPE.
    ObjectDeny,
    /// `AU`: SYSTEM_AUDIT_ACE_TYPE.
    Audit,
    /// `AL`: SYSTEM_ALARM_ACE_TYPE.
    Alarm,
    /// `OU`: SYSTEM_AUDIT_OBJECT_ACE_TYPE.
    ObjectAudit,
    /// `OL`: SYSTEM_ALARM_OBJECT_ACE_TYPE.
    ObjectAlarm,
    /// `ML`: SYSTEM_MANDATORY_LABEL_ACE_TYPE.
    MandatoryLabel,
    /// `XA`: ACCESS_ALLOWED_CALLBACK_ACE_TYPE (conditional).
    CallbackAllow,
    /// `XD`: ACCESS_DENIED_CALLBACK_ACE_TYPE (conditional).
    CallbackDeny,
    /// `XU`: SYSTEM_AUDIT_CALLBACK_ACE_TYPE.
    CallbackAudit,
    /// `ZA`: ACCESS_ALLOWED_CALLBACK_OBJECT_ACE_TYPE.
    CallbackObjectAllow,
    /// `RA`: SYSTEM_RESOURCE_ATTRIBUTE_ACE_TYPE.
    ResourceAttribute,
    /// `SP`: SYSTEM_SCOPED_POLICY_ID_ACE_TYPE.
    ScopedPolicyId,
}

const TYPES: &[(&str, AceType)] = &[
    ("A", AceType::Allow),
    ("D", AceType::Deny),
    ("OA", AceType::ObjectAllow),
    ("OD", AceType::ObjectDeny),
    ("AU", AceType::Audit),
    ("AL", AceType::Alarm),
    ("OU", AceType::ObjectAudit),
    ("OL", AceType::ObjectAlarm),
    ("ML", AceType::MandatoryLabel),
    ("XA", AceType::CallbackAllow),
    ("XD", AceType::CallbackDeny),
    ("XU", AceType::CallbackAudit),
    ("ZA", AceType::CallbackObjectAllow),
    ("RA", AceType::ResourceAttribute),
    ("SP", AceType::ScopedPolicyId),
];

impl AceType {
    /// Parses an ACE type string (case-insensitive).
    pub fn parse(text: &str) -> Option<AceType> {
        AceType::from_code(text.as_bytes())
    }

    /// [`AceType::parse`] on bytes.
    pub(crate) fn from_code(code: &[u8]) -> Option<AceType> {
        // The types that fill AD descriptors first, then the table.
        match code {
            [b'A' | b'a'] => Some(AceType::Allow),
            [b'O' | b'o', b'A' | b'a'] => Some(AceType::ObjectAllow),
            [b'D' | b'd'] => Some(AceType::Deny),
            [b'O' | b'o', b'D' | b'd'] => Some(AceType::ObjectDeny),
            _ => TYPES
                .iter()
                .find(|(c, _)| c.as_bytes().eq_ignore_ascii_case(code))
                .map(|(_, t)| *t),
        }
    }

    /// The SDDL string of this type.
    pub fn code(self) -> &'static str {
        TYPES
            .iter()
            .find(|(_, t)| *t == self)
            .map_or("?", |(c, _)| c)
    }

    /// An allow ACE of the DACL (`A`, `OA`, `XA`, `ZA`).
    pub fn is_allow(self) -> bool {
        matches!(
            self,
            AceType::Allow
                | AceType::ObjectAllow
                | AceType::CallbackAllow
                | AceType::CallbackObjectAllow
        )
    }

    /// A deny ACE of the DACL (`D`, `OD`, `XD`).
    pub fn is_deny(self) -> bool {
        matches!(
            self,
            AceType::Deny | AceType::ObjectDeny | AceType::CallbackDeny
        )
    }

    /// May carry object_guid and inherit_object_guid.
    pub fn is_object(self) -> bool {
        matches!(
            self,
            AceType::ObjectAllow
                | AceType::ObjectDeny
                | AceType::ObjectAudit
                | AceType::ObjectAlarm
                | AceType::CallbackObjectAllow
        )
    }

    /// A callback (conditional) ACE, whose condition this crate does not evaluate.
    pub fn is_callback(self) -> bool {
        matches!(
            self,
            AceType::CallbackAllow
                | AceType::CallbackDeny
                | AceType::CallbackAudit
                | AceType::CallbackObjectAllow
        )
    }
}

/// ACE header flags; values are winnt.h's (`OBJECT_INHERIT_ACE` 0x1 ... `FAILED_ACCESS_ACE_FLAG` 0x80).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct AceFlags(pub u8);

impl AceFlags {
    /// `OI`: object children inherit the ACE.
    pub const OBJECT_INHERIT: AceFlags = AceFlags(0x01);
    /// `CI`: container children inherit the ACE.
    pub const CONTAINER_INHERIT: AceFlags = AceFlags(0x02);
    /// `NP`: children inherit it, their children do not.
    pub const NO_PROPAGATE: AceFlags = AceFlags(0x04);
    /// `IO`: the ACE does not apply to the object that holds it, only to children.
    pub const INHERIT_ONLY: AceFlags = AceFlags(0x08);
    /// `ID`: the ACE was inherited.
    pub const INHERITED: AceFlags = AceFlags(0x10);
    /// `SA`: audit successful access.
    pub const AUDIT_SUCCESS: AceFlags = AceFlags(0x40);
    /// `FA`: audit failed access.
    pub const AUDIT_FAILURE: AceFlags = AceFlags(0x80);

    /// The flag of one two-letter code of "ACE strings" (`CI`, case-insensitive).
    pub(crate) fn from_code(pair: &[u8]) -> Option<AceFlags> {
        let &[a, b] = pair else {
            return None;
        };
        Some(match [a.to_ascii_uppercase(), b.to_ascii_uppercase()] {
            [b'O', b'I'] => AceFlags::OBJECT_INHERIT,
            [b'C', b'I'] => AceFlags::CONTAINER_INHERIT,
            [b'N', b'P'] => AceFlags::NO_PROPAGATE,
            [b'I', b'O'] => AceFlags::INHERIT_ONLY,
            [b'I', b'D'] => AceFlags::INHERITED,
            [b'S', b'A'] => AceFlags::AUDIT_SUCCESS,
            [b'F', b'A'] => AceFlags::AUDIT_FAILURE,
            _ => return None,
        })
    }

    /// True when every bit of `other` is set.
    pub fn contains(self, other: AceFlags) -> bool {
        self.0 & other.0 == other.0
    }

    /// These flags with `other`'s bits set.
    pub fn with(self, other: AceFlags) -> AceFlags {
        AceFlags(self.0 | other.0)
    }

    /// These flags with `other`'s bits cleared.
    pub fn without(self, other: AceFlags) -> AceFlags {
        AceFlags(self.0 & !other.0)
    }
}

pub(crate) const FLAG_CODES: &[(&str, AceFlags)] = &[
    ("OI", AceFlags::OBJECT_INHERIT),
    ("CI", AceFlags::CONTAINER_INHERIT),
    ("NP", AceFlags::NO_PROPAGATE),
    ("IO", AceFlags::INHERIT_ONLY),
    ("ID", AceFlags::INHERITED),
    ("SA", AceFlags::AUDIT_SUCCESS),
    ("FA", AceFlags::AUDIT_FAILURE),
];

/// One access control entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ace {
    /// The ACE type.
    pub kind: AceType,
    /// Inheritance and audit flags.
    pub flags: AceFlags,
    /// The access mask as written (generic bits not mapped).
    pub mask: u32,
    /// object_guid: the property, property set, extended right or child class.
    pub object_type: Option<Guid>,
    /// inherit_object_guid: the class of child objects that inherit the ACE.
    pub inherited_object_type: Option<Guid>,
    /// The trustee.
    pub trustee: Trustee,
    /// A conditional expression or resource attribute, as written (with parentheses).
    pub condition: Option<String>,
}

impl Ace {
    /// Inherited (`ID`), as opposed to explicit.
    pub fn is_inherited(&self) -> bool {
        self.flags.contains(AceFlags::INHERITED)
    }

    /// Does not apply to the object that holds it (`IO`).
    pub fn is_inherit_only(&self) -> bool {
        self.flags.contains(AceFlags::INHERIT_ONLY)
    }
}

impl fmt::Display for Ace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({};", self.kind.code())?;
        for (c, flag) in FLAG_CODES {
            if self.flags.contains(*flag) {
                f.write_str(c)?;
            }
        }
        f.write_str(";")?;
        if self.kind == AceType::MandatoryLabel {
            for (c, bit) in [("NR", 1u32), ("NW", 2), ("NX", 4)] {
                if self.mask & bit != 0 {
                    f.write_str(c)?;
                }
            }
            // Any other bits (a label ACE with GW, say) render as ordinary rights, so the
            // text parses back to the same mask.
            let rest = self.mask & !7;
            if rest != 0 {
                f.write_str(&rights::render(rest))?;
            }
        } else {
            f.write_str(&rights::render(self.mask))?;
        }
        f.write_str(";")?;
        if let Some(g) = self.object_type {
            write!(f, "{g}")?;
        }
        f.write_str(";")?;
        if let Some(g) = self.inherited_object_type {
            write!(f, "{g}")?;
        }
        write!(f, ";{}", self.trustee)?;
        if let Some(c) = &self.condition {
            write!(f, ";{c}")?;
        }
        f.write_str(")")
    }
}

/// The flags before an ACL's ACEs (`D:PAI`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AclFlags {
    /// `P`: protected, inheritance from the parent blocked (SE_DACL_PROTECTED).
    pub protected: bool,
    /// `AR`: auto-inherit requested (SE_DACL_AUTO_INHERIT_REQ).
    pub auto_inherit_req: bool,
    /// `AI`: auto-inherited (SE_DACL_AUTO_INHERITED).
    pub auto_inherited: bool,
    /// `NO_ACCESS_CONTROL`: a NULL ACL.
    pub no_access_control: bool,
}

impl fmt::Display for AclFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.protected {
            f.write_str("P")?;
        }
        if self.auto_inherit_req {
            f.write_str("AR")?;
        }
        if self.auto_inherited {
            f.write_str("AI")?;
        }
        if self.no_access_control {
            f.write_str("NO_ACCESS_CONTROL")?;
        }
        Ok(())
    }
}

/// A parsed security descriptor. Two descriptors are equal when their parts are,
/// whatever text they were parsed from.
#[derive(Debug, Clone, Default)]
pub struct SecurityDescriptor {
    /// `O:` owner.
    pub owner: Option<Trustee>,
    /// `G:` primary group.
    pub group: Option<Trustee>,
    /// Flags of the `D:` part.
    pub dacl_flags: AclFlags,
    /// The DACL; `None` when there is no `D:` part or it is `NO_ACCESS_CONTROL` (a NULL
    /// DACL, which grants everyone everything).
    pub dacl: Option<Vec<Ace>>,
    /// Flags of the `S:` part.
    pub sacl_flags: AclFlags,
    /// The SACL (parsed, not evaluated).
    pub sacl: Option<Vec<Ace>>,
    /// Byte ranges of the DACL's ACEs in `source`.
    pub(crate) spans: Vec<(usize, usize)>,
    /// The text this was parsed from.
    pub(crate) source: String,
}

impl SecurityDescriptor {
    /// The DACL's ACEs (empty for a NULL DACL).
    pub fn aces(&self) -> &[Ace] {
        self.dacl.as_deref().unwrap_or(&[])
    }

    /// DACL flag `P`: inheritance from the parent is blocked.
    pub fn is_protected(&self) -> bool {
        self.dacl_flags.protected
    }

    /// The DACL's ACE number `index` as it was written in the parsed text (rendered
    /// when the descriptor was built rather than parsed).
    pub fn ace_text(&self, index: usize) -> Option<String> {
        let ace = self.aces().get(index)?;
        match self
            .spans
            .get(index)
            .and_then(|(a, b)| self.source.get(*a..*b))
        {
            Some(t) if !self.source.is_empty() => Some(t.to_string()),
            _ => Some(ace.to_string()),
        }
    }

    /// A descriptor built from parts (no source text).
    pub fn from_dacl(dacl_flags: AclFlags, dacl: Vec<Ace>) -> Self {
        SecurityDescriptor {
            dacl_flags,
            dacl: Some(dacl),
            ..Default::default()
        }
    }
}

impl PartialEq for SecurityDescriptor {
    fn eq(&self, other: &Self) -> bool {
        self.owner == other.owner
            && self.group == other.group
            && self.dacl_flags == other.dacl_flags
            && self.dacl == other.dacl
            && self.sacl_flags == other.sacl_flags
            && self.sacl == other.sacl
    }
}

impl Eq for SecurityDescriptor {}

impl fmt::Display for SecurityDescriptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(o) = &self.owner {
            write!(f, "O:{o}")?;
        }
        if let Some(g) = &self.group {
            write!(f, "G:{g}")?;
        }
        if self.dacl.is_some() || self.dacl_flags != AclFlags::default() {
            write!(f, "D:{}", self.dacl_flags)?;
            for a in self.aces() {
                write!(f, "{a}")?;
            }
        }
        if self.sacl.is_some() || self.sacl_flags != AclFlags::default() {
            write!(f, "S:{}", self.sacl_flags)?;
            for a in self.sacl.as_deref().unwrap_or(&[]) {
                write!(f, "{a}")?;
            }
        }
        Ok(())
    }
}
