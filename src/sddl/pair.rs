//! Two-letter SDDL codes (rights `RP`, aliases `BA`) as indices into 26 x 26 lookup
//! tables, so a code is found with one load instead of a search.

/// The number of slots of a table indexed by [`index`].
pub(crate) const SLOTS: usize = 26 * 26;

/// The slot of a two-letter code, letters in either case; `None` for anything else.
#[inline]
pub(crate) fn index(a: u8, b: u8) -> Option<usize> {
    let a = a.to_ascii_uppercase().wrapping_sub(b'A');
    let b = b.to_ascii_uppercase().wrapping_sub(b'A');
    (a < 26 && b < 26).then_some(a as usize * 26 + b as usize)
}

/// The slot of an upper-case code known at compile time (for building tables).
pub(crate) const fn const_index(code: &str) -> usize {
    let c = code.as_bytes();
    (c[0] - b'A') as usize * 26 + (c[1] - b'A') as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_in_either_case_map_to_one_slot_and_nothing_else_does() {
        assert_eq!(index(b'A', b'A'), Some(0));
        assert_eq!(index(b'z', b'Z'), Some(SLOTS - 1));
        assert_eq!(index(b'r', b'P'), Some(const_index("RP")));
        for (a, b) in [
            (b'@', b'A'),
            (b'A', b'['),
            (b'1', b'A'),
            (0xC3, b'A'),
            (b'A', b'-'),
        ] {
            assert_eq!(index(a, b), None, "{a} {b}");
        }
    }
}
