//! Binary self-relative security descriptors (what LDAP returns for
//! `nTSecurityDescriptor`) to the [`SecurityDescriptor`] the SDDL parser builds.
//!
//! Layout, from [MS-DTYP] (read 2026-12-02): SECURITY_DESCRIPTOR 2.4.6, ACL 2.4.5,
//! ACE_HEADER and the ACE types 2.4.4.1, the ACE bodies 2.4.4.2–2.4.4.17, SID 2.4.2.2,
//! GUID 2.3.4.2; all integers little-endian except the SID's identifier authority.
//! <https://learn.microsoft.com/openspecs/windows_protocols/ms-dtyp/7d4dac05-9cef-4563-a058-f108abecce1d>
//!
//! Our choices, so that the result equals what SDDL text of the same descriptor
//! parses to:
//! - A SID that a domain-independent alias stands for becomes that alias (`BA`),
//!   as Windows writes SDDL; other SIDs stay literal.
//! - No SE_DACL_PRESENT: no DACL (`dacl` is `None`, as without `D:`); present with
//!   offset 0: a NULL DACL (`D:NO_ACCESS_CONTROL`). The same for the SACL.
//! - ACE types with an SDDL code are kept as the SDDL parser keeps them; a callback
//!   ACE's condition and a resource attribute's value are binary there and are not
//!   decoded (`condition` is `None`; the evaluator decides callback ACEs by type).
//!   A DACL ACE type without an SDDL code is refused (dropping a deny would grant);
//!   in the SACL, which nothing evaluates, such ACEs are skipped.
//! - Every offset and size is checked against the input and its enclosing structure;
//!   errors give the byte offset of the field that is wrong.

use super::ace::{Ace, AceFlags, AceType, AclFlags, SecurityDescriptor};
use super::error::SddlError;
use super::rights::Guid;
use super::sid::{Sid, Trustee};

/// The longest binary descriptor accepted (our choice, in the spirit of
/// [`MAX_LEN`](super::MAX_LEN): AD descriptors are a few KiB).
pub const MAX_BINARY_LEN: usize = 64 * 1024;

/// Revision, Sbz1, Control and the four offsets.
const HEADER_LEN: usize = 20;
/// The smallest ACE: header, mask and a SID without sub-authorities.
const MIN_ACE_LEN: usize = 16;

const SE_DACL_PRESENT: u16 = 0x0004;
const SE_SACL_PRESENT: u16 = 0x0010;
const SE_DACL_AUTO_INHERIT_REQ: u16 = 0x0100;
const SE_SACL_AUTO_INHERIT_REQ: u16 = 0x0200;
const SE_DACL_AUTO_INHERITED: u16 = 0x0400;
const SE_SACL_AUTO_INHERITED: u16 = 0x0800;
const SE_DACL_PROTECTED: u16 = 0x1000;
const SE_SACL_PROTECTED: u16 = 0x2000;
const SE_SELF_RELATIVE: u16 = 0x8000;

const ACE_OBJECT_TYPE_PRESENT: u32 = 0x1;
const ACE_INHERITED_OBJECT_TYPE_PRESENT: u32 = 0x2;

/// Parses a binary self-relative security descriptor.
///
/// ```
/// use writeback_diagnostics::sddl;
/// // Control SE_SELF_RELATIVE | SE_DACL_PRESENT, a DACL at 20 with one ACE,
/// // (A;;RC;;;WD): type 0, flags 0, size 20, mask 0x20000, SID S-1-1-0.
/// let bytes = [
///     1, 0, 0x04, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 20, 0, 0, 0,
///     2, 0, 28, 0, 1, 0, 0, 0,
///     0, 0, 20, 0, 0, 0, 2, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0,
/// ];
/// let sd = sddl::from_binary(&bytes).expect("descriptor");
/// assert_eq!(sd, sddl::parse("D:(A;;RC;;;WD)").expect("sddl"));
/// let err = sddl::from_binary(&bytes[..40]).unwrap_err();
/// assert_eq!(err.offset, 20 + 2);
/// ```
pub fn from_binary(bytes: &[u8]) -> Result<SecurityDescriptor, SddlError> {
    if bytes.len() > MAX_BINARY_LEN {
        return Err(SddlError {
            offset: MAX_BINARY_LEN,
            expected: "at most 65536 bytes of binary security descriptor",
            found: None,
        });
    }
    let r = Reader {
        bytes,
        end: bytes.len(),
    };
    // The header's fields first, so a short header is reported where it ends.
    let revision = r.u8(0, "a security descriptor (revision 1)")?;
    let control = r.u16(2, "the security descriptor's Control field")?;
    let fields = [
        (
            4,
            "an OffsetOwner of 0 or inside the descriptor, past its header",
        ),
        (
            8,
            "an OffsetGroup of 0 or inside the descriptor, past its header",
        ),
        (
            12,
            "an OffsetSacl of 0 or inside the descriptor, past its header",
        ),
        (
            16,
            "an OffsetDacl of 0 or inside the descriptor, past its header",
        ),
    ];
    let mut raw = [0u32; 4];
    for (slot, (at, what)) in raw.iter_mut().zip(fields) {
        *slot = r.u32(at, what)?;
    }
    if revision != 1 {
        return Err(r.err(0, "security descriptor revision 1"));
    }
    if control & SE_SELF_RELATIVE == 0 {
        return Err(r.err(
            2,
            "the SE_SELF_RELATIVE control bit (a self-relative descriptor)",
        ));
    }
    let mut offsets = [None; 4];
    for ((slot, value), (at, what)) in offsets.iter_mut().zip(raw).zip(fields) {
        *slot = r.offset(value, at, what)?;
    }
    let [owner, group, sacl, dacl] = offsets;
    let mut sd = SecurityDescriptor {
        owner: owner
            .map(|at| r.sid(at).map(|(s, _)| Trustee::from_sid(s)))
            .transpose()?,
        group: group
            .map(|at| r.sid(at).map(|(s, _)| Trustee::from_sid(s)))
            .transpose()?,
        ..Default::default()
    };
    if control & SE_DACL_PRESENT != 0 {
        sd.dacl_flags = acl_flags(
            control,
            SE_DACL_PROTECTED,
            SE_DACL_AUTO_INHERIT_REQ,
            SE_DACL_AUTO_INHERITED,
        );
        match dacl {
            Some(at) => sd.dacl = Some(r.acl(at, Part::Dacl)?),
            None => sd.dacl_flags.no_access_control = true,
        }
    }
    if control & SE_SACL_PRESENT != 0 {
        sd.sacl_flags = acl_flags(
            control,
            SE_SACL_PROTECTED,
            SE_SACL_AUTO_INHERIT_REQ,
            SE_SACL_AUTO_INHERITED,
        );
        match sacl {
            Some(at) => sd.sacl = Some(r.acl(at, Part::Sacl)?),
            None => sd.sacl_flags.no_access_control = true,
        }
    }
    Ok(sd)
}

fn acl_flags(control: u16, protected: u16, req: u16, inherited: u16) -> AclFlags {
    AclFlags {
        protected: control & protected != 0,
        auto_inherit_req: control & req != 0,
        auto_inherited: control & inherited != 0,
        no_access_control: false,
    }
}

/// Which ACL is read: unknown ACE types are refused in the DACL, skipped in the SACL.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Dacl,
    Sacl,
}

/// The ACE types of MS-DTYP 2.4.4.1 that have an SDDL code.
fn ace_type(code: u8) -> Option<AceType> {
    Some(match code {
        0x00 => AceType::Allow,
        0x01 => AceType::Deny,
        0x02 => AceType::Audit,
        0x03 => AceType::Alarm,
        0x05 => AceType::ObjectAllow,
        0x06 => AceType::ObjectDeny,
        0x07 => AceType::ObjectAudit,
        0x08 => AceType::ObjectAlarm,
        0x09 => AceType::CallbackAllow,
        0x0A => AceType::CallbackDeny,
        0x0B => AceType::CallbackObjectAllow,
        0x0D => AceType::CallbackAudit,
        0x11 => AceType::MandatoryLabel,
        0x12 => AceType::ResourceAttribute,
        0x13 => AceType::ScopedPolicyId,
        _ => return None,
    })
}

/// Reads fields of `bytes` at absolute offsets, none reaching past `end` (the end of
/// the input, or of the ACL or ACE being read).
#[derive(Clone, Copy)]
struct Reader<'a> {
    bytes: &'a [u8],
    end: usize,
}

impl<'a> Reader<'a> {
    /// The error at `at`, or at the end of the input for a field that would start
    /// past it.
    fn err(&self, at: usize, expected: &'static str) -> SddlError {
        SddlError::in_bytes(at.min(self.bytes.len()), expected, self.bytes)
    }

    /// The same bytes, ending at `end` if that is sooner.
    fn up_to(self, end: usize) -> Reader<'a> {
        Reader {
            end: end.min(self.end),
            ..self
        }
    }

    fn array<const N: usize>(&self, at: usize, what: &'static str) -> Result<[u8; N], SddlError> {
        at.checked_add(N)
            .filter(|e| *e <= self.end)
            .and_then(|e| self.bytes.get(at..e))
            .and_then(|s| <[u8; N]>::try_from(s).ok())
            .ok_or_else(|| self.err(at, what))
    }

    fn u8(&self, at: usize, what: &'static str) -> Result<u8, SddlError> {
        self.array::<1>(at, what).map(|[b]| b)
    }

    fn u16(&self, at: usize, what: &'static str) -> Result<u16, SddlError> {
        self.array(at, what).map(u16::from_le_bytes)
    }

    fn u32(&self, at: usize, what: &'static str) -> Result<u32, SddlError> {
        self.array(at, what).map(u32::from_le_bytes)
    }

    /// A header offset read at `at`: 0 for absent, else past the header and inside
    /// the input.
    fn offset(
        &self,
        value: u32,
        at: usize,
        what: &'static str,
    ) -> Result<Option<usize>, SddlError> {
        match usize::try_from(value) {
            Ok(0) => Ok(None),
            Ok(o) if (HEADER_LEN..self.end).contains(&o) => Ok(Some(o)),
            _ => Err(self.err(at, what)),
        }
    }

    /// The SID at `at` and its length.
    fn sid(&self, at: usize) -> Result<(Sid, usize), SddlError> {
        let [revision, count] = self.array(at, "a SID (revision and sub-authority count)")?;
        if revision != 1 {
            return Err(self.err(at, "SID revision 1"));
        }
        let count = usize::from(count);
        if count > 15 {
            return Err(self.err(at + 1, "a SID of at most 15 sub-authorities"));
        }
        let [a, b, c, d, e, f] = self.array(at + 2, "the SID's identifier authority")?;
        let authority = u64::from_be_bytes([0, 0, a, b, c, d, e, f]);
        let mut subs = [0u32; 15];
        for (i, slot) in subs.iter_mut().take(count).enumerate() {
            *slot = self.u32(at + 8 + 4 * i, "the SID's sub-authorities")?;
        }
        Ok((Sid::new(authority, &subs[..count]), 8 + 4 * count))
    }

    /// The ACL at `at`: header, then AceCount ACEs inside AclSize.
    fn acl(&self, at: usize, part: Part) -> Result<Vec<Ace>, SddlError> {
        let [revision, _] = self.array(at, "an ACL header")?;
        if !matches!(revision, 2 | 4) {
            return Err(self.err(at, "ACL revision 2 or 4"));
        }
        let size = usize::from(self.u16(at + 2, "the ACL's AclSize")?);
        if size < 8 {
            return Err(self.err(at + 2, "an AclSize of at least 8 (the ACL header)"));
        }
        if at + size > self.end {
            return Err(self.err(at + 2, "an AclSize that ends inside the descriptor"));
        }
        let count = usize::from(self.u16(at + 4, "the ACL's AceCount")?);
        let acl = self.up_to(at + size);
        let mut aces = Vec::with_capacity(count.min((size - 8) / MIN_ACE_LEN));
        let mut pos = at + 8;
        for _ in 0..count {
            let (ace, len) = acl.ace(pos, part)?;
            aces.extend(ace);
            pos += len;
        }
        Ok(aces)
    }

    /// The ACE at `at` (`None` for one skipped) and its AceSize.
    fn ace(&self, at: usize, part: Part) -> Result<(Option<Ace>, usize), SddlError> {
        const HEADER: &str =
            "an ACE header inside the ACL (AceCount counts more ACEs than AclSize holds)";
        let [code, flags, s0, s1] = self.array(at, HEADER)?;
        let size = usize::from(u16::from_le_bytes([s0, s1]));
        if size < 4 || !size.is_multiple_of(4) {
            return Err(self.err(at + 2, "an AceSize of at least 4 and a multiple of 4"));
        }
        if at + size > self.end {
            return Err(self.err(at + 2, "an AceSize that ends inside the ACL"));
        }
        let Some(kind) = ace_type(code) else {
            return match part {
                Part::Sacl => Ok((None, size)),
                Part::Dacl => Err(self.err(
                    at,
                    "an ACE type with an SDDL code (0x00-0x03, 0x05-0x0B, 0x0D, 0x11-0x13)",
                )),
            };
        };
        let body = self.up_to(at + size);
        let mask = body.u32(at + 4, "the ACE's access mask inside its AceSize")?;
        let mut pos = at + 8;
        let (mut object_type, mut inherited_object_type) = (None, None);
        if kind.is_object() {
            let present = body.u32(pos, "the object ACE's Flags inside its AceSize")?;
            pos += 4;
            if present & ACE_OBJECT_TYPE_PRESENT != 0 {
                let g = body.array(pos, "the ObjectType GUID inside the AceSize")?;
                object_type = Some(Guid::from_bytes_le(g));
                pos += 16;
            }
            if present & ACE_INHERITED_OBJECT_TYPE_PRESENT != 0 {
                let g = body.array(pos, "the InheritedObjectType GUID inside the AceSize")?;
                inherited_object_type = Some(Guid::from_bytes_le(g));
                pos += 16;
            }
        }
        let (sid, _) = body.sid(pos)?;
        let ace = Ace {
            kind,
            flags: AceFlags(flags),
            mask,
            object_type,
            inherited_object_type,
            trustee: Trustee::from_sid(sid),
            condition: None,
        };
        Ok((Some(ace), size))
    }
}
