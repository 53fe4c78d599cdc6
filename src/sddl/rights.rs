//! Access masks, the SDDL two-letter rights, and the GUIDs of the rights,
//! attributes and classes password writeback needs.
//!
//! Two-letter codes and their constants: "ACE strings",
//! <https://learn.microsoft.com/windows/win32/secauthz/ace-strings> (read 2026-12-02).
//! Mask values: `ADS_RIGHTS_ENUM`,
//! <https://learn.microsoft.com/windows/win32/api/iads/ne-iads-ads_rights_enum>
//! (read 2026-12-02), and "File Security and Access Rights" / "Registry Key Security
//! and Access Rights" for the FA/FR/FW/FX and KA/KR/KW/KX composites (same day).

use std::fmt;

use super::{hex, pair};

/// ADS_RIGHT_DS_CREATE_CHILD (`CC`).
pub const CREATE_CHILD: u32 = 0x0000_0001;
/// ADS_RIGHT_DS_DELETE_CHILD (`DC`).
pub const DELETE_CHILD: u32 = 0x0000_0002;
/// ADS_RIGHT_ACTRL_DS_LIST (`LC`).
pub const LIST_CHILDREN: u32 = 0x0000_0004;
/// ADS_RIGHT_DS_SELF, validated write (`SW`).
pub const SELF_WRITE: u32 = 0x0000_0008;
/// ADS_RIGHT_DS_READ_PROP (`RP`).
pub const READ_PROPERTY: u32 = 0x0000_0010;
/// ADS_RIGHT_DS_WRITE_PROP (`WP`).
pub const WRITE_PROPERTY: u32 = 0x0000_0020;
/// ADS_RIGHT_DS_DELETE_TREE (`DT`).
pub const DELETE_TREE: u32 = 0x0000_0040;
/// ADS_RIGHT_DS_LIST_OBJECT (`LO`).
pub const LIST_OBJECT: u32 = 0x0000_0080;
/// ADS_RIGHT_DS_CONTROL_ACCESS, extended rights (`CR`).
pub const CONTROL_ACCESS: u32 = 0x0000_0100;
/// DELETE (`SD`).
pub const DELETE: u32 = 0x0001_0000;
/// READ_CONTROL (`RC`).
pub const READ_CONTROL: u32 = 0x0002_0000;
/// WRITE_DAC (`WD`).
pub const WRITE_DAC: u32 = 0x0004_0000;
/// WRITE_OWNER (`WO`).
pub const WRITE_OWNER: u32 = 0x0008_0000;
/// GENERIC_ALL (`GA`).
pub const GENERIC_ALL: u32 = 0x1000_0000;
/// GENERIC_EXECUTE (`GX`).
pub const GENERIC_EXECUTE: u32 = 0x2000_0000;
/// GENERIC_WRITE (`GW`).
pub const GENERIC_WRITE: u32 = 0x4000_0000;
/// GENERIC_READ (`GR`).
pub const GENERIC_READ: u32 = 0x8000_0000;

/// Every directory-service right: what GENERIC_ALL means on an AD object
/// (`ADS_RIGHT_GENERIC_ALL` is "create or delete child objects, delete a subtree, read
/// and write properties, examine child objects and the object itself, add and remove
/// the object from the directory, and read or write with an extended right", plus the
/// standard rights DELETE, READ_CONTROL, WRITE_DAC, WRITE_OWNER; `ADS_RIGHTS_ENUM`).
const DS_ALL: u32 = CREATE_CHILD
    | DELETE_CHILD
    | LIST_CHILDREN
    | SELF_WRITE
    | READ_PROPERTY
    | WRITE_PROPERTY
    | DELETE_TREE
    | LIST_OBJECT
    | CONTROL_ACCESS
    | DELETE
    | READ_CONTROL
    | WRITE_DAC
    | WRITE_OWNER;

/// The specific rights a mask grants on an AD object once its generic bits are mapped:
/// `ADS_RIGHT_GENERIC_WRITE` is READ_CONTROL, DS_WRITE_PROP and DS_SELF ("read
/// permissions on this object, write all the properties on this object, and perform
/// all validated writes"); GENERIC_READ is READ_CONTROL, DS_READ_PROP, ACTRL_DS_LIST
/// and DS_LIST_OBJECT; GENERIC_EXECUTE is READ_CONTROL and ACTRL_DS_LIST
/// (`ADS_RIGHTS_ENUM`, read 2026-12-02).
pub fn ds_mapped(mask: u32) -> u32 {
    let mut m = mask;
    if mask & GENERIC_ALL != 0 {
        m |= DS_ALL;
    }
    if mask & GENERIC_WRITE != 0 {
        m |= READ_CONTROL | WRITE_PROPERTY | SELF_WRITE;
    }
    if mask & GENERIC_READ != 0 {
        m |= READ_CONTROL | READ_PROPERTY | LIST_CHILDREN | LIST_OBJECT;
    }
    if mask & GENERIC_EXECUTE != 0 {
        m |= READ_CONTROL | LIST_CHILDREN;
    }
    m
}

/// The two-letter rights of "ACE strings", in the order [`render`] writes them.
pub(crate) const CODES: &[(&str, u32)] = &[
    ("GA", GENERIC_ALL),
    ("GR", GENERIC_READ),
    ("GW", GENERIC_WRITE),
    ("GX", GENERIC_EXECUTE),
    ("RC", READ_CONTROL),
    ("SD", DELETE),
    ("WD", WRITE_DAC),
    ("WO", WRITE_OWNER),
    ("RP", READ_PROPERTY),
    ("WP", WRITE_PROPERTY),
    ("CC", CREATE_CHILD),
    ("DC", DELETE_CHILD),
    ("LC", LIST_CHILDREN),
    ("SW", SELF_WRITE),
    ("LO", LIST_OBJECT),
    ("DT", DELETE_TREE),
    ("CR", CONTROL_ACCESS),
    // File and registry composites, and the mandatory-label policy bits (ML ACEs).
    ("FA", 0x001F_01FF),
    ("FR", 0x0012_0089),
    ("FW", 0x0012_0116),
    ("FX", 0x0012_00A0),
    ("KA", 0x000F_003F),
    ("KR", 0x0002_0019),
    ("KW", 0x0002_0006),
    ("KX", 0x0002_0019),
    ("NR", 0x0000_0001),
    ("NW", 0x0000_0002),
    ("NX", 0x0000_0004),
];

/// The mask of each two-letter right by [`pair::index`] slot, 0 for none (no code
/// stands for an empty mask).
const CODE_MASKS: [u32; pair::SLOTS] = {
    let mut t = [0; pair::SLOTS];
    let mut i = 0;
    while i < CODES.len() {
        t[pair::const_index(CODES[i].0)] = CODES[i].1;
        i += 1;
    }
    t
};

/// The mask of one two-letter right (case-insensitive), if it is one.
#[inline]
pub(crate) fn code(pair: &[u8]) -> Option<u32> {
    let [a, b] = pair else {
        return None;
    };
    let slot = pair::index(*a, *b)?;
    CODE_MASKS.get(slot).copied().filter(|m| *m != 0)
}

/// SDDL text for a mask: the directory-service codes when they cover it exactly
/// (`RPWPCR`), `0x...` otherwise.
pub fn render(mask: u32) -> String {
    let mut rest = mask;
    let mut out = String::new();
    for (c, m) in CODES.iter().take(17) {
        if rest & m == *m && *m != 0 {
            out.push_str(c);
            rest &= !m;
        }
    }
    if rest == 0 {
        out
    } else {
        format!("0x{mask:x}")
    }
}

/// A GUID as it appears in an object ACE (`00299570-246d-11d0-a768-00aa006e0529`).
///
/// Kept as the 128-bit number its text spells, so comparison ignores case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Guid(pub u128);

impl Guid {
    /// Parses the 8-4-4-4-12 hex form; `None` for anything else. Usable in constants.
    pub const fn parse(text: &str) -> Option<Guid> {
        Guid::from_text(text.as_bytes())
    }

    /// [`Guid::parse`] on bytes.
    pub(crate) const fn from_text(b: &[u8]) -> Option<Guid> {
        if b.len() != 36 || b[8] != b'-' || b[13] != b'-' || b[18] != b'-' || b[23] != b'-' {
            return None;
        }
        // Four runs of eight digits: 8, 4+4, 4+4, 8.
        let runs = [
            hex::load8(b, 0),
            (hex::load4(b, 9) << 32) | hex::load4(b, 14),
            (hex::load4(b, 19) << 32) | hex::load4(b, 24),
            hex::load8(b, 28),
        ];
        let mut v: u128 = 0;
        let mut i = 0;
        while i < runs.len() {
            match hex::eight(runs[i]) {
                Some(x) => v = (v << 32) | x as u128,
                None => return None,
            }
            i += 1;
        }
        Some(Guid(v))
    }

    /// The GUID from its 16-byte binary form (MS-DTYP 2.3.4.2: Data1, Data2 and Data3
    /// little-endian, Data4 as stored), as in a binary object ACE.
    ///
    /// ```
    /// use writeback_diagnostics::sddl::rights::{self, Guid};
    /// let stored = [0x70, 0x95, 0x29, 0x00, 0x6d, 0x24, 0xd0, 0x11,
    ///               0xa7, 0x68, 0x00, 0xaa, 0x00, 0x6e, 0x05, 0x29];
    /// assert_eq!(Guid::from_bytes_le(stored), rights::RESET_PASSWORD);
    /// assert_eq!(rights::RESET_PASSWORD.to_bytes_le(), stored);
    /// ```
    pub const fn from_bytes_le(b: [u8; 16]) -> Guid {
        let d1 = u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as u128;
        let d2 = u16::from_le_bytes([b[4], b[5]]) as u128;
        let d3 = u16::from_le_bytes([b[6], b[7]]) as u128;
        let d4 = u64::from_be_bytes([b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]]) as u128;
        Guid((d1 << 96) | (d2 << 80) | (d3 << 64) | d4)
    }

    /// The 16-byte binary form (the inverse of [`Guid::from_bytes_le`]).
    pub const fn to_bytes_le(self) -> [u8; 16] {
        let d1 = ((self.0 >> 96) as u32).to_le_bytes();
        let d2 = ((self.0 >> 80) as u16).to_le_bytes();
        let d3 = ((self.0 >> 64) as u16).to_le_bytes();
        let d4 = (self.0 as u64).to_be_bytes();
        [
            d1[0], d1[1], d1[2], d1[3], d2[0], d2[1], d3[0], d3[1], d4[0], d4[1], d4[2], d4[3],
            d4[4], d4[5], d4[6], d4[7],
        ]
    }

    const fn known(text: &str) -> Guid {
        match Guid::parse(text) {
            Some(g) => g,
            None => panic!("bad GUID constant"),
        }
    }
}

impl fmt::Display for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let h = format!("{:032x}", self.0);
        write!(
            f,
            "{}-{}-{}-{}-{}",
            &h[0..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..32]
        )
    }
}

/// Extended right User-Force-Change-Password ("Reset Password"),
/// <https://learn.microsoft.com/windows/win32/adschema/r-user-force-change-password> (read 2026-12-02).
pub const RESET_PASSWORD: Guid = Guid::known("00299570-246d-11d0-a768-00aa006e0529");
/// Extended right User-Change-Password ("Change Password"),
/// <https://learn.microsoft.com/windows/win32/adschema/r-user-change-password> (read 2026-12-02).
pub const CHANGE_PASSWORD: Guid = Guid::known("ab721a53-1e2f-11d0-9819-00aa0040529b");
/// Extended right Unexpire-Password, applies to Domain-DNS,
/// <https://learn.microsoft.com/windows/win32/adschema/r-unexpire-password> (read 2026-12-02).
pub const UNEXPIRE_PASSWORD: Guid = Guid::known("ccc2dc7d-a6ad-4a7a-8846-c04e3cc53501");
/// Attribute lockoutTime (System-Id-Guid),
/// <https://learn.microsoft.com/windows/win32/adschema/a-lockouttime> (read 2026-12-02).
pub const LOCKOUT_TIME: Guid = Guid::known("28630ebf-41d5-11d1-a9c1-0000f80367c1");
/// Attribute pwdLastSet (System-Id-Guid),
/// <https://learn.microsoft.com/windows/win32/adschema/a-pwdlastset> (read 2026-12-02).
pub const PWD_LAST_SET: Guid = Guid::known("bf967a0a-0de6-11d0-a285-00aa003049e2");
/// Property set User-Account-Restrictions ("Account Restrictions"), whose members
/// include pwdLastSet,
/// <https://learn.microsoft.com/windows/win32/adschema/r-user-account-restrictions> (read 2026-12-02).
pub const USER_ACCOUNT_RESTRICTIONS: Guid = Guid::known("4c164200-20c0-11d0-a768-00aa006e0529");
/// Class user (Schema-Id-Guid),
/// <https://learn.microsoft.com/windows/win32/adschema/c-user> (read 2026-12-02).
pub const CLASS_USER: Guid = Guid::known("bf967aba-0de6-11d0-a285-00aa003049e2");
/// Class inetOrgPerson (Schema-Id-Guid; a subclass of user),
/// <https://learn.microsoft.com/windows/win32/adschema/c-inetorgperson> (read 2026-12-02).
pub const CLASS_INET_ORG_PERSON: Guid = Guid::known("4828cc14-1437-45bc-9b07-ad6f015e5f28");
/// Class domainDNS (the domain root object),
/// <https://learn.microsoft.com/windows/win32/adschema/c-domaindns> (read 2026-12-02).
pub const CLASS_DOMAIN_DNS: Guid = Guid::known("19195a5b-6da0-11d0-afd3-00c04fd930c9");
/// Class organizationalUnit,
/// <https://learn.microsoft.com/windows/win32/adschema/c-organizationalunit> (read 2026-12-02).
pub const CLASS_ORGANIZATIONAL_UNIT: Guid = Guid::known("bf967aa5-0de6-11d0-a285-00aa003049e2");

/// The schemaIDGUID of a class by its lDAPDisplayName (case-insensitive), for the
/// classes this crate knows.
pub fn class_guid(name: &str) -> Option<Guid> {
    let n = name.to_ascii_lowercase();
    Some(match n.as_str() {
        "user" => CLASS_USER,
        "inetorgperson" => CLASS_INET_ORG_PERSON,
        "domaindns" => CLASS_DOMAIN_DNS,
        "organizationalunit" => CLASS_ORGANIZATIONAL_UNIT,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_parse_case_insensitively_and_print_lower_case() {
        assert_eq!(
            Guid::parse("00299570-246D-11D0-A768-00AA006E0529"),
            Some(RESET_PASSWORD)
        );
        assert_eq!(
            RESET_PASSWORD.to_string(),
            "00299570-246d-11d0-a768-00aa006e0529"
        );
        assert_eq!(Guid::parse("00299570-246d-11d0-a768-00aa006e052"), None);
        assert_eq!(Guid::parse("00299570x246d-11d0-a768-00aa006e0529"), None);
        assert_eq!(Guid::parse("g0299570-246d-11d0-a768-00aa006e0529"), None);
    }

    #[test]
    fn guids_agree_with_a_plain_parse_whatever_byte_is_changed() {
        fn reference(b: &[u8]) -> Option<Guid> {
            let text = std::str::from_utf8(b).ok()?;
            let dashes = [8, 13, 18, 23];
            let ok = text.len() == 36
                && text.bytes().enumerate().all(|(i, c)| {
                    if dashes.contains(&i) {
                        c == b'-'
                    } else {
                        c.is_ascii_hexdigit()
                    }
                });
            ok.then(|| u128::from_str_radix(&text.replace('-', ""), 16).ok())
                .flatten()
                .map(Guid)
        }
        let base = *b"00299570-246D-11d0-a768-00aa006e0529";
        for at in 0..base.len() {
            for byte in 0..=255u8 {
                let mut g = base;
                g[at] = byte;
                assert_eq!(Guid::from_text(&g), reference(&g), "{g:?}");
            }
        }
    }

    #[test]
    fn binary_guids_are_mixed_endian() {
        let stored = [
            0x70, 0x95, 0x29, 0x00, 0x6d, 0x24, 0xd0, 0x11, 0xa7, 0x68, 0x00, 0xaa, 0x00, 0x6e,
            0x05, 0x29,
        ];
        assert_eq!(Guid::from_bytes_le(stored), RESET_PASSWORD);
        assert_eq!(RESET_PASSWORD.to_bytes_le(), stored);
        let g = Guid(0x0102_0304_0506_0708_090a_0b0c_0d0e_0f10);
        assert_eq!(Guid::from_bytes_le(g.to_bytes_le()), g);
        assert_eq!(g.to_bytes_le()[..4], [4, 3, 2, 1]);
    }

    #[test]
    fn generic_bits_map_to_the_directory_rights() {
        assert_ne!(ds_mapped(GENERIC_ALL) & CONTROL_ACCESS, 0);
        assert_ne!(ds_mapped(GENERIC_ALL) & WRITE_PROPERTY, 0);
        assert_ne!(ds_mapped(GENERIC_WRITE) & WRITE_PROPERTY, 0);
        assert_eq!(ds_mapped(GENERIC_WRITE) & CONTROL_ACCESS, 0);
        assert_eq!(ds_mapped(GENERIC_READ) & WRITE_PROPERTY, 0);
        assert_eq!(
            ds_mapped(GENERIC_EXECUTE),
            GENERIC_EXECUTE | READ_CONTROL | LIST_CHILDREN
        );
    }

    #[test]
    fn masks_render_as_codes_or_hex() {
        assert_eq!(render(READ_PROPERTY | WRITE_PROPERTY), "RPWP");
        assert_eq!(render(CONTROL_ACCESS), "CR");
        assert_eq!(render(0x0100_0000), "0x1000000");
        assert_eq!(render(0), "");
        assert_eq!(class_guid("inetOrgPerson"), Some(CLASS_INET_ORG_PERSON));
        assert_eq!(class_guid("computer"), None);
        for (c, m) in CODES {
            assert_eq!(code(c.as_bytes()), Some(*m), "{c}");
            assert_eq!(code(c.to_ascii_lowercase().as_bytes()), Some(*m), "{c}");
        }
        assert_eq!(code(b"R"), None);
    }
}
