//! Binary security descriptors (MS-DTYP 2.4.6) read by `sddl::from_binary`: the same
//! descriptor and verdicts as its SDDL text, every malformed layout refused with the
//! offset of the bad field, and no input panics.
//!
//! The binary fixtures are encoded here, by hand from the spec, independently of the
//! crate's reader: SECURITY_DESCRIPTOR 2.4.6, ACL 2.4.5, ACE_HEADER 2.4.4.1, object
//! ACEs 2.4.4.3, SID 2.4.2.2, GUID 2.3.4.2.

use proptest::prelude::*;
use writeback_diagnostics::sddl::{
    self, rights, writeback_rights, Ace, AceType, Domains, Outcome, SecurityDescriptor, Sid, Token,
    Trustee, MAX_BINARY_LEN,
};

const DOMAIN: &str = "S-1-5-21-1004336348-1177238915-682003330";
const CONN: &str = "S-1-5-21-1004336348-1177238915-682003330-1105";
const RESET: &str = "00299570-246d-11d0-a768-00aa006e0529";
const USER: &str = "bf967aba-0de6-11d0-a285-00aa003049e2";

const ROOT: &str = include_str!("fixtures/sddl/domain-root.sddl");
const USER_DEFAULT: &str = include_str!("fixtures/sddl/user-default.sddl");
const USER_CANNOT_CHANGE: &str = include_str!("fixtures/sddl/user-cannot-change-password.sddl");
const OU_BLOCKED: &str = include_str!("fixtures/sddl/ou-blocked.sddl");
const USER_PROTECTED: &str = include_str!("fixtures/sddl/user-protected.sddl");

// Control bits, MS-DTYP 2.4.6.
const SE_DACL_PRESENT: u16 = 0x0004;
const SE_SACL_PRESENT: u16 = 0x0010;
const SE_DACL_AUTO_INHERIT_REQ: u16 = 0x0100;
const SE_SACL_AUTO_INHERIT_REQ: u16 = 0x0200;
const SE_DACL_AUTO_INHERITED: u16 = 0x0400;
const SE_SACL_AUTO_INHERITED: u16 = 0x0800;
const SE_DACL_PROTECTED: u16 = 0x1000;
const SE_SACL_PROTECTED: u16 = 0x2000;
const SE_SELF_RELATIVE: u16 = 0x8000;

fn domains() -> Domains {
    Domains::single(Sid::parse(DOMAIN).expect("sid"))
}

fn parse(text: &str) -> SecurityDescriptor {
    sddl::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn read(bytes: &[u8]) -> SecurityDescriptor {
    sddl::from_binary(bytes).unwrap_or_else(|e| panic!("{e}"))
}

/// AceType values of MS-DTYP 2.4.4.1.
fn type_code(kind: AceType) -> u8 {
    match kind {
        AceType::Allow => 0x00,
        AceType::Deny => 0x01,
        AceType::Audit => 0x02,
        AceType::Alarm => 0x03,
        AceType::ObjectAllow => 0x05,
        AceType::ObjectDeny => 0x06,
        AceType::ObjectAudit => 0x07,
        AceType::ObjectAlarm => 0x08,
        AceType::CallbackAllow => 0x09,
        AceType::CallbackDeny => 0x0A,
        AceType::CallbackObjectAllow => 0x0B,
        AceType::CallbackAudit => 0x0D,
        AceType::MandatoryLabel => 0x11,
        AceType::ResourceAttribute => 0x12,
        AceType::ScopedPolicyId => 0x13,
    }
}

/// `S-1-5-21-...` as Revision, SubAuthorityCount, IdentifierAuthority (6 bytes,
/// big-endian) and the sub-authorities (little-endian).
fn sid_bytes(text: &str) -> Vec<u8> {
    let parts: Vec<u64> = text
        .strip_prefix("S-")
        .expect("S-")
        .split('-')
        .map(|p| p.parse().expect("number"))
        .collect();
    let mut v = vec![parts[0] as u8, (parts.len() - 2) as u8];
    v.extend_from_slice(&parts[1].to_be_bytes()[2..]);
    for s in &parts[2..] {
        v.extend_from_slice(&(*s as u32).to_le_bytes());
    }
    v
}

/// Data1, Data2, Data3 little-endian, Data4 as written.
fn guid_bytes(g: rights::Guid) -> Vec<u8> {
    let mut v = ((g.0 >> 96) as u32).to_le_bytes().to_vec();
    v.extend_from_slice(&((g.0 >> 80) as u16).to_le_bytes());
    v.extend_from_slice(&((g.0 >> 64) as u16).to_le_bytes());
    v.extend_from_slice(&(g.0 as u64).to_be_bytes());
    v
}

fn trustee_bytes(t: &Trustee) -> Vec<u8> {
    let sid = t.resolve(Some(&domains())).expect("resolvable trustee");
    sid_bytes(&sid.to_string())
}

/// One ACE; callback ACEs get a few bytes of ApplicationData after the SID, which the
/// reader must skip by AceSize.
fn ace_bytes(ace: &Ace) -> Vec<u8> {
    let mut body = ace.mask.to_le_bytes().to_vec();
    if ace.kind.is_object() {
        let present = u32::from(ace.object_type.is_some())
            | (u32::from(ace.inherited_object_type.is_some()) << 1);
        body.extend_from_slice(&present.to_le_bytes());
        for g in [ace.object_type, ace.inherited_object_type]
            .into_iter()
            .flatten()
        {
            body.extend(guid_bytes(g));
        }
    }
    body.extend(trustee_bytes(&ace.trustee));
    if ace.kind.is_callback() {
        body.extend_from_slice(b"artx\x01\x02\x03");
    }
    while !(body.len() + 4).is_multiple_of(4) {
        body.push(0);
    }
    let mut v = vec![type_code(ace.kind), ace.flags.0];
    v.extend_from_slice(&((body.len() + 4) as u16).to_le_bytes());
    v.extend(body);
    v
}

/// An ACL: AclRevision (4 when it holds object ACEs), Sbz1, AclSize, AceCount, Sbz2.
fn acl_bytes(aces: &[Ace]) -> Vec<u8> {
    let body: Vec<u8> = aces.iter().flat_map(ace_bytes).collect();
    let revision = if aces.iter().any(|a| a.kind.is_object()) {
        4
    } else {
        2
    };
    let mut v = vec![revision, 0];
    v.extend_from_slice(&((body.len() + 8) as u16).to_le_bytes());
    v.extend_from_slice(&(aces.len() as u16).to_le_bytes());
    v.extend_from_slice(&[0, 0]);
    v.extend(body);
    v
}

/// The self-relative descriptor, laid out as Windows does: header, SACL, DACL, owner,
/// group.
fn sd_bytes(sd: &SecurityDescriptor) -> Vec<u8> {
    let mut control = SE_SELF_RELATIVE;
    let bit = |on: bool, b: u16| if on { b } else { 0 };
    let dacl_present = sd.dacl.is_some() || sd.dacl_flags.no_access_control;
    let sacl_present = sd.sacl.is_some() || sd.sacl_flags.no_access_control;
    control |= bit(dacl_present, SE_DACL_PRESENT)
        | bit(sd.dacl_flags.protected, SE_DACL_PROTECTED)
        | bit(sd.dacl_flags.auto_inherit_req, SE_DACL_AUTO_INHERIT_REQ)
        | bit(sd.dacl_flags.auto_inherited, SE_DACL_AUTO_INHERITED)
        | bit(sacl_present, SE_SACL_PRESENT)
        | bit(sd.sacl_flags.protected, SE_SACL_PROTECTED)
        | bit(sd.sacl_flags.auto_inherit_req, SE_SACL_AUTO_INHERIT_REQ)
        | bit(sd.sacl_flags.auto_inherited, SE_SACL_AUTO_INHERITED);
    let mut tail = Vec::new();
    let mut place = |part: Option<Vec<u8>>| -> u32 {
        match part {
            Some(b) => {
                let at = 20 + tail.len();
                tail.extend(b);
                at as u32
            }
            None => 0,
        }
    };
    let sacl = place(sd.sacl.as_deref().map(acl_bytes));
    let dacl = place(sd.dacl.as_deref().map(acl_bytes));
    let owner = place(sd.owner.as_ref().map(trustee_bytes));
    let group = place(sd.group.as_ref().map(trustee_bytes));
    let mut v = vec![1, 0];
    v.extend_from_slice(&control.to_le_bytes());
    for o in [owner, group, sacl, dacl] {
        v.extend_from_slice(&o.to_le_bytes());
    }
    v.extend(tail);
    v
}

fn put_u16(b: &mut [u8], at: usize, v: u16) {
    b[at..at + 2].copy_from_slice(&v.to_le_bytes());
}

fn put_u32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

fn get_u16(b: &[u8], at: usize) -> usize {
    usize::from(u16::from_le_bytes([b[at], b[at + 1]]))
}

fn get_u32(b: &[u8], at: usize) -> usize {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as usize
}

#[test]
fn the_binary_guid_layout_is_mixed_endian() {
    // 00299570-246d-11d0-a768-00aa006e0529 as stored: Data1..3 reversed, Data4 as is.
    let stored = [
        0x70, 0x95, 0x29, 0x00, 0x6d, 0x24, 0xd0, 0x11, 0xa7, 0x68, 0x00, 0xaa, 0x00, 0x6e, 0x05,
        0x29,
    ];
    assert_eq!(guid_bytes(rights::RESET_PASSWORD), stored);
    assert_eq!(rights::Guid::from_bytes_le(stored), rights::RESET_PASSWORD);
    // In a descriptor: (OA;;CR;<those bytes>;;WD).
    let mut ace = vec![0x05, 0x00, 0, 0];
    ace.extend_from_slice(&rights::CONTROL_ACCESS.to_le_bytes());
    ace.extend_from_slice(&1u32.to_le_bytes());
    ace.extend_from_slice(&stored);
    ace.extend(sid_bytes("S-1-1-0"));
    let size = ace.len() as u16;
    put_u16(&mut ace, 2, size);
    let mut bytes = vec![
        1, 0, 0x04, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 20, 0, 0, 0,
    ];
    bytes.extend_from_slice(&[4, 0]);
    bytes.extend_from_slice(&(size + 8).to_le_bytes());
    bytes.extend_from_slice(&[1, 0, 0, 0]);
    bytes.extend(ace);
    assert_eq!(read(&bytes), parse(&format!("D:(OA;;CR;{RESET};;WD)")));
}

#[test]
fn ad_descriptors_in_binary_get_the_same_verdicts_as_their_sddl() {
    let token = Token::authenticated(
        Sid::parse(CONN).expect("sid"),
        &[Sid::parse(&format!("{DOMAIN}-513")).expect("sid")],
    );
    let mut granted = 0;
    for (name, text, class) in [
        ("user-default", USER_DEFAULT, rights::CLASS_USER),
        ("user-cannot-change", USER_CANNOT_CHANGE, rights::CLASS_USER),
        ("user-protected", USER_PROTECTED, rights::CLASS_USER),
        ("domain-root", ROOT, rights::CLASS_DOMAIN_DNS),
        ("ou-blocked", OU_BLOCKED, rights::CLASS_ORGANIZATIONAL_UNIT),
    ] {
        let from_text = parse(text);
        let from_bytes = read(&sd_bytes(&from_text));
        assert_eq!(from_bytes.aces().len(), from_text.aces().len(), "{name}");
        assert_eq!(from_bytes.dacl_flags, from_text.dacl_flags, "{name}");
        for (a, b) in from_text.aces().iter().zip(from_bytes.aces()) {
            assert_eq!(
                (
                    a.kind,
                    a.flags,
                    a.mask,
                    a.object_type,
                    a.inherited_object_type
                ),
                (
                    b.kind,
                    b.flags,
                    b.mask,
                    b.object_type,
                    b.inherited_object_type
                ),
                "{name}: {a}"
            );
            assert_eq!(
                a.trustee.resolve(Some(&domains())),
                b.trustee.resolve(Some(&domains())),
                "{name}: {a}"
            );
        }
        for w in writeback_rights() {
            let t = sddl::effective(&from_text, class, &token, Some(&domains()), &w.right);
            let b = sddl::effective(&from_bytes, class, &token, Some(&domains()), &w.right);
            assert_eq!(t.outcome, b.outcome, "{name}: {}", w.right.name);
            assert_eq!(
                t.ace.as_ref().map(|a| (a.index, a.inherited)),
                b.ace.as_ref().map(|a| (a.index, a.inherited)),
                "{name}: {}",
                w.right.name
            );
            granted += usize::from(b.outcome == Outcome::Granted);
        }
    }
    // Not vacuous: the default user grants the four user rights, the root Unexpire.
    assert!(granted >= 5, "{granted}");
    let user = read(&sd_bytes(&parse(USER_DEFAULT)));
    let v = sddl::effective(
        &user,
        rights::CLASS_USER,
        &token,
        Some(&domains()),
        &sddl::Right::RESET_PASSWORD,
    );
    assert_eq!(v.outcome, Outcome::Granted);
    let decider = v.ace.expect("deciding ACE");
    assert_eq!(
        decider.text,
        format!("(OA;CIID;CR;{RESET};{USER};{CONN})"),
        "a binary descriptor's ACE is rendered as SDDL"
    );
}

#[test]
fn parsed_structures_equal_the_sddl_parse() {
    let texts = [
        // Protected DACL, owner and group as domain SIDs.
        format!("O:{DOMAIN}-512G:{DOMAIN}-513D:PAI(A;;RPWPCRCCDCLCLORCWOWDSDDTSW;;;SY)(A;;RPLCLORC;;;AU)"),
        // Inherited ACEs, object ACEs with only an InheritedObjectType, only an ObjectType, both.
        format!("O:BAG:BAD:AI(OA;CIIOID;RPLCLORC;;{USER};RU)(OA;;CR;{RESET};;{CONN})(OA;CIID;CR;{RESET};{USER};{CONN})(A;CIID;LC;;;RU)"),
        // Explicit deny, auto-inherit requested, no-propagate and object-inherit flags.
        format!("D:ARAI(OD;;CR;{RESET};;WD)(A;OICINP;GA;;;{CONN})(D;IO;0x1000000;;;BU)"),
        // A SACL next to the DACL, with audit, object audit and mandatory label ACEs.
        format!("O:SYD:(A;;RC;;;WD)S:PAI(AU;SA;CR;;;WD)(OU;CISA;WP;{RESET};{USER};AU)(ML;;NW;;;LW)"),
        // Empty, NULL and absent DACLs.
        "O:BAD:".to_string(),
        "O:BAD:NO_ACCESS_CONTROL".to_string(),
        "O:BAG:SY".to_string(),
        "D:PNO_ACCESS_CONTROL".to_string(),
        String::new(),
    ];
    for text in &texts {
        let sd = parse(text);
        let back = read(&sd_bytes(&sd));
        assert_eq!(back, sd, "{text}");
        assert_eq!(back.to_string(), sd.to_string(), "{text}");
    }
    // Callback ACEs keep their type (the binary condition is not decoded): a callback
    // allow grants nothing, a callback deny denies.
    let text =
        format!("D:(XA;;CR;;;{CONN};(Member_of {{SID(BA)}}))(XD;;WP;;;WD;(x))(A;;GA;;;{CONN})");
    let sd = parse(&text);
    let back = read(&sd_bytes(&sd));
    let kinds: Vec<_> = back.aces().iter().map(|a| a.kind).collect();
    assert_eq!(
        kinds,
        [
            AceType::CallbackAllow,
            AceType::CallbackDeny,
            AceType::Allow
        ]
    );
    assert!(back.aces().iter().all(|a| a.condition.is_none()));
    let token = Token::authenticated(Sid::parse(CONN).expect("sid"), &[]);
    for (right, outcome) in [
        (sddl::Right::RESET_PASSWORD, Outcome::Granted),
        (sddl::Right::WRITE_LOCKOUT_TIME, Outcome::Denied),
    ] {
        let v = sddl::effective(&back, rights::CLASS_USER, &token, None, &right);
        assert_eq!(v.outcome, outcome, "{}", right.name);
        assert_eq!(
            v.outcome,
            sddl::effective(&sd, rights::CLASS_USER, &token, None, &right).outcome
        );
    }
}

/// A descriptor with every part: owner, group, a SACL and a DACL with an object ACE.
fn sample() -> Vec<u8> {
    sd_bytes(&parse(&format!(
        "O:{DOMAIN}-512G:{DOMAIN}-513D:AI(A;;RC;;;WD)(OA;CIID;CR;{RESET};{USER};{CONN})S:(AU;SA;CR;;;WD)"
    )))
}

fn refused(bytes: &[u8]) -> sddl::SddlError {
    match sddl::from_binary(bytes) {
        Ok(sd) => panic!("parsed: {sd}"),
        Err(e) => e,
    }
}

#[test]
fn malformed_headers_and_offsets_are_refused_where_they_are_wrong() {
    let good = sample();
    assert!(sddl::from_binary(&good).is_ok());
    assert_eq!(refused(&[]).offset, 0);
    assert_eq!(refused(&good[..10]).offset, 8, "truncated header");
    let mut b = good.clone();
    b[0] = 2;
    let e = refused(&b);
    assert_eq!(
        (e.offset, e.expected),
        (0, "security descriptor revision 1")
    );
    let mut b = good.clone();
    put_u16(&mut b, 2, SE_DACL_PRESENT);
    assert_eq!(refused(&b).offset, 2, "absolute, not self-relative");
    for field in [4, 8, 12, 16] {
        for bad in [good.len() as u32, u32::MAX, 19] {
            let mut b = good.clone();
            put_u32(&mut b, field, bad);
            let e = refused(&b);
            assert_eq!(e.offset, field, "offset field {field} = {bad}: {e}");
        }
    }
    // Every strict prefix fails (the group SID is last), inside the bytes given.
    for n in 0..good.len() {
        let e = refused(&good[..n]);
        assert!(e.offset <= n, "{n}: {e}");
    }
    // Too large, whatever it holds; a valid descriptor padded to the limit is fine.
    let e = refused(&vec![0; MAX_BINARY_LEN + 1]);
    assert_eq!(e.offset, MAX_BINARY_LEN);
    let mut padded = good.clone();
    padded.resize(MAX_BINARY_LEN, 0);
    assert_eq!(read(&padded), read(&good));
    let e = refused(&good[..3]);
    assert_eq!(
        e.to_string(),
        "SDDL: expected the security descriptor's Control field at byte 2, found \"14\""
    );
}

#[test]
fn malformed_acls_and_aces_are_refused_where_they_are_wrong() {
    let good = sample();
    let dacl = get_u32(&good, 16);
    let acl_size = get_u16(&good, dacl + 2);
    let first = dacl + 8;
    let second = first + get_u16(&good, first + 2);
    assert_eq!(good[second], 0x05, "the object ACE");

    let with = |edit: &dyn Fn(&mut Vec<u8>)| {
        let mut b = good.clone();
        edit(&mut b);
        refused(&b)
    };
    let cases: Vec<(&str, sddl::SddlError, usize)> = vec![
        ("ACL revision", with(&|b| b[dacl] = 3), dacl),
        (
            "AclSize past the end",
            with(&|b| put_u16(b, dacl + 2, 0xFFF0)),
            dacl + 2,
        ),
        (
            "AclSize below the header",
            with(&|b| put_u16(b, dacl + 2, 4)),
            dacl + 2,
        ),
        (
            "AceCount lying",
            with(&|b| put_u16(b, dacl + 4, 3)),
            dacl + acl_size,
        ),
        (
            "AceSize below the header",
            with(&|b| put_u16(b, first + 2, 2)),
            first + 2,
        ),
        (
            "AceSize not a multiple of 4",
            with(&|b| put_u16(b, first + 2, 18)),
            first + 2,
        ),
        (
            "AceSize past the ACL",
            with(&|b| put_u16(b, second + 2, 0x400)),
            second + 2,
        ),
        (
            "AceSize without the mask",
            with(&|b| put_u16(b, first + 2, 4)),
            first + 4,
        ),
        (
            "AceSize without the object flags",
            with(&|b| put_u16(b, second + 2, 8)),
            second + 8,
        ),
        (
            "AceSize without the GUID",
            with(&|b| put_u16(b, second + 2, 16)),
            second + 12,
        ),
        (
            "AceSize without the SID",
            with(&|b| put_u16(b, second + 2, 44)),
            second + 44,
        ),
        ("SID revision", with(&|b| b[first + 8] = 2), first + 8),
        (
            "16 sub-authorities",
            with(&|b| b[first + 9] = 16),
            first + 9,
        ),
        (
            "SID longer than its ACE",
            with(&|b| b[first + 9] = 5),
            first + 8 + 8 + 4,
        ),
        (
            "ACE type without an SDDL code",
            with(&|b| b[second] = 0x0C),
            second,
        ),
    ];
    for (what, e, offset) in cases {
        assert_eq!(e.offset, offset, "{what}: {e}");
    }
    // The owner's SID: too many sub-authorities, and running past the end.
    let owner = get_u32(&good, 4);
    let mut b = good.clone();
    b[owner + 1] = 200;
    assert_eq!(refused(&b).offset, owner + 1);
    let group = get_u32(&good, 8);
    let mut b = good.clone();
    b[group + 1] = 15;
    assert_eq!(refused(&b).offset, good.len(), "group SID past the end");
    // In the SACL an ACE type without an SDDL code is skipped, not an error.
    let sacl = get_u32(&good, 12);
    let mut b = good.clone();
    b[sacl + 8] = 0x0F;
    let sd = read(&b);
    assert_eq!(sd.sacl.as_deref().map(<[Ace]>::len), Some(0));
    assert_eq!(sd.aces().len(), 2);
}

#[test]
fn the_control_bits_decide_which_parts_are_read() {
    let good = sample();
    let control = get_u16(&good, 2) as u16;
    // Without SE_DACL_PRESENT the DACL offset is not followed: no DACL, grants all.
    let mut b = good.clone();
    put_u16(&mut b, 2, control & !SE_DACL_PRESENT);
    let sd = read(&b);
    assert_eq!(sd.dacl, None);
    assert!(!sd.dacl_flags.no_access_control);
    // Present with offset 0: a NULL DACL.
    let mut b = good.clone();
    put_u32(&mut b, 16, 0);
    let sd = read(&b);
    assert_eq!(
        (sd.dacl.as_ref(), sd.dacl_flags.no_access_control),
        (None, true)
    );
    // Without SE_SACL_PRESENT a broken SACL is not read.
    let sacl = get_u32(&good, 12);
    let mut b = good.clone();
    b[sacl] = 9;
    assert_eq!(refused(&b).offset, sacl);
    put_u16(&mut b, 2, control & !SE_SACL_PRESENT);
    assert_eq!(read(&b).sacl, None);
    // D:P and AI come from the Control bits.
    let mut b = good.clone();
    put_u16(&mut b, 2, control | SE_DACL_PROTECTED);
    let sd = read(&b);
    assert!(sd.is_protected() && sd.dacl_flags.auto_inherited);
}

fn exercise(bytes: &[u8]) {
    if let Ok(sd) = sddl::from_binary(bytes) {
        let token = Token::authenticated(Sid::parse(CONN).expect("sid"), &[]);
        for w in writeback_rights() {
            let v = sddl::effective(&sd, rights::CLASS_USER, &token, Some(&domains()), &w.right);
            if let Some(ace) = v.ace {
                assert!(ace.index < sd.aces().len());
            }
        }
        let _ = sd.to_string();
        let _ = sddl::inherit(&sd, rights::CLASS_USER, false);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        exercise(&bytes);
    }

    #[test]
    fn arbitrary_bytes_after_a_valid_header_never_panic(
        control in any::<u16>(),
        offsets in prop::array::uniform4(0u32..200),
        tail in prop::collection::vec(any::<u8>(), 0..200),
    ) {
        let mut bytes = vec![1, 0];
        bytes.extend_from_slice(&(control | SE_SELF_RELATIVE).to_le_bytes());
        for o in offsets {
            bytes.extend_from_slice(&o.to_le_bytes());
        }
        bytes.extend(tail);
        exercise(&bytes);
    }

    #[test]
    fn mutated_valid_descriptors_never_panic(
        edits in prop::collection::vec((any::<usize>(), any::<u8>()), 1..8),
        cut in any::<usize>(),
    ) {
        let mut bytes = sd_bytes(&parse(USER_DEFAULT));
        for (at, byte) in edits {
            let n = bytes.len();
            bytes[at % n] = byte;
        }
        exercise(&bytes);
        bytes.truncate(cut % (bytes.len() + 1));
        exercise(&bytes);
    }
}
