//! Quick readers for the ACE fields as AD writes them: each reads one field straight
//! from the bytes at the start of `rest` and returns its value and length, but only
//! when the field ends right there at `;` or `)` with nothing unusual in it (no white
//! space, no hex mask, no unknown code). `None` hands the field to the general reader
//! in `parse`, which trims, reports errors with their offsets, and gives the same value
//! for the same text, so these change how fast a descriptor parses, never the result.

use super::ace::{AceFlags, AceType};
use super::rights::{self, Guid};
use super::sid::{Sid, Trustee};

/// The field that starts `rest` is `n` bytes long.
fn ends_at(rest: &[u8], n: usize) -> bool {
    matches!(rest.get(n), Some(b';' | b')'))
}

/// `A`, `OA`, ...
pub(super) fn ace_type(rest: &[u8]) -> Option<(AceType, usize)> {
    let n = if ends_at(rest, 1) {
        1
    } else if ends_at(rest, 2) {
        2
    } else {
        return None;
    };
    Some((AceType::from_code(rest.get(..n)?)?, n))
}

/// Two-letter codes, each mapped by `code` and OR-ed together; empty is `zero`.
fn pairs<T: Copy>(
    rest: &[u8],
    zero: T,
    code: impl Fn(&[u8]) -> Option<T>,
    or: impl Fn(T, T) -> T,
) -> Option<(T, usize)> {
    let mut acc = zero;
    let mut n = 0;
    while let Some(v) = rest.get(n..n + 2).and_then(&code) {
        acc = or(acc, v);
        n += 2;
    }
    ends_at(rest, n).then_some((acc, n))
}

/// `CIID`, ...
pub(super) fn ace_flags(rest: &[u8]) -> Option<(AceFlags, usize)> {
    pairs(
        rest,
        AceFlags::default(),
        AceFlags::from_code,
        AceFlags::with,
    )
}

/// `RPWPCR`, ... (not `0x...`).
pub(super) fn mask(rest: &[u8]) -> Option<(u32, usize)> {
    pairs(rest, 0, rights::code, |a, b| a | b)
}

/// Empty, or a GUID when `kind` is an object ACE type.
pub(super) fn guid(rest: &[u8], kind: AceType) -> Option<(Option<Guid>, usize)> {
    if ends_at(rest, 0) {
        return Some((None, 0));
    }
    if !kind.is_object() || !ends_at(rest, 36) {
        return None;
    }
    Some((Some(Guid::from_text(rest.get(..36)?)?), 36))
}

/// A two-letter alias or a SID string.
#[inline(always)]
pub(super) fn trustee(rest: &[u8]) -> Option<(Trustee, usize)> {
    if let [x, y, b';' | b')', ..] = rest {
        return Some((Trustee::from_alias(*x, *y)?, 2));
    }
    let (sid, n) = Sid::parse_prefix(rest)?;
    ends_at(rest, n).then_some((Trustee::Sid(sid), n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sddl::parse::parse_with;
    use proptest::prelude::*;

    const SEEDS: [&str; 3] = [
        include_str!("../../tests/fixtures/sddl/user-default.sddl"),
        include_str!("../../tests/fixtures/sddl/domain-root.sddl"),
        "O:S-1-5-21-1-2-3-500G:DUD:PAI(D; ID ;0x20;;;S-1-5-21-1-2-3-1105 )(XA;CI;CR;;;WD;(Member_of {SID(BA)}))(OU;SA;WP;bf967a0a-0de6-11d0-a285-00aa003049e2;;AU)S:(AU;FA;GA;;;WD)",
    ];

    /// The same outcome with and without the quick readers: descriptor, ACE spans, or
    /// the error with its offset.
    fn same_either_way(text: &str) {
        match (parse_with(text, true), parse_with(text, false)) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a, b, "{text:?}");
                assert_eq!(a.spans, b.spans, "{text:?}");
            }
            (a, b) => assert_eq!(a.err(), b.err(), "{text:?}"),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]

        #[test]
        fn the_quick_readers_never_change_a_result(
            seed in 0..SEEDS.len(),
            edits in prop::collection::vec(
                (any::<usize>(), prop::sample::select(b" ;()-:0123456789abcdefxSsIDOACPRWGT\t\xc3".to_vec()), 0..3u8),
                1..6,
            ),
        ) {
            let mut bytes = SEEDS[seed].as_bytes().to_vec();
            for (at, byte, op) in edits {
                let i = at % (bytes.len() + 1);
                match op {
                    0 => bytes.insert(i, byte),
                    1 if i < bytes.len() => { bytes.remove(i); }
                    _ if i < bytes.len() => bytes[i] = byte,
                    _ => bytes.push(byte),
                }
            }
            same_either_way(&String::from_utf8_lossy(&bytes));
        }
    }

    #[test]
    fn canonical_fields_are_read_and_anything_else_is_left_to_the_general_reader() {
        assert_eq!(ace_type(b"OA;"), Some((AceType::ObjectAllow, 2)));
        assert_eq!(ace_type(b"a;"), Some((AceType::Allow, 1)));
        assert_eq!(ace_type(b" A;"), None);
        assert_eq!(ace_type(b"OAX;"), None);
        assert_eq!(ace_flags(b";"), Some((AceFlags::default(), 0)));
        assert_eq!(
            ace_flags(b"CIID;"),
            Some((AceFlags::CONTAINER_INHERIT.with(AceFlags::INHERITED), 4))
        );
        assert_eq!(ace_flags(b"CIX;"), None);
        assert_eq!(ace_flags(b"CI "), None);
        assert_eq!(
            mask(b"RPWP;"),
            Some((rights::READ_PROPERTY | rights::WRITE_PROPERTY, 4))
        );
        assert_eq!(mask(b"0x20;"), None);
        let g = b"00299570-246d-11d0-a768-00aa006e0529;";
        assert_eq!(
            guid(g, AceType::ObjectAllow),
            Some((Some(rights::RESET_PASSWORD), 36))
        );
        assert_eq!(guid(g, AceType::Allow), None);
        assert_eq!(guid(b";", AceType::Allow), Some((None, 0)));
        assert_eq!(
            guid(
                b"00299570-246d-11d0-a768-00aa006e052x;",
                AceType::ObjectAllow
            ),
            None
        );
        assert_eq!(trustee(b"wd)"), Trustee::parse("WD").map(|t| (t, 2)));
        assert_eq!(trustee(b"QQ)"), None);
        assert_eq!(
            trustee(b"S-1-5-21-1-2-3-1105)"),
            Trustee::parse("S-1-5-21-1-2-3-1105").map(|t| (t, 19))
        );
        assert_eq!(trustee(b"S-1-5-21 )"), None);
        assert_eq!(trustee(b"S-1-5-;"), None);
    }
}
