//! Eight ASCII hex digits to a 32-bit number in a handful of 64-bit operations (SIMD
//! within a register), for the GUIDs that fill AD descriptors.

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// A high bit in each byte of `x` (all bytes below 0x80) that is at least `k`
/// (`k` at most 0x80): adding `0x80 - k` carries into the high bit exactly then, and
/// never into the next byte.
const fn at_least(x: u64, k: u8) -> u64 {
    x.wrapping_add(ONES * (0x80 - k as u64)) & HIGH
}

/// The value of the eight hex digits (either case) `x` holds, the first in its high
/// byte; `None` unless all eight are hex digits.
pub(crate) const fn eight(x: u64) -> Option<u32> {
    if x & HIGH != 0 {
        return None;
    }
    let digit = at_least(x, b'0') & !at_least(x, b'9' + 1);
    // Setting 0x20 lower-cases A-F; only A-F and a-f land in a-f that way.
    let lower = x | (ONES * 0x20);
    let letter = at_least(lower, b'a') & !at_least(lower, b'f' + 1);
    if digit | letter != HIGH {
        return None;
    }
    // Digit value: the low nibble, plus 9 for a letter (`a` and `A` end in 1).
    let v = (x & (ONES * 0x0F)) + (letter >> 7) * 9;
    // Pack the eight nibbles: pairs into bytes, bytes into 16 bits, then 32 bits.
    let v = (v | (v >> 4)) & 0x00FF_00FF_00FF_00FF;
    let v = (v | (v >> 8)) & 0x0000_FFFF_0000_FFFF;
    let v = (v | (v >> 16)) & 0x0000_0000_FFFF_FFFF;
    Some(v as u32)
}

/// The eight bytes of `b` from `at` as a big-endian number (the caller checks the
/// length).
pub(crate) const fn load8(b: &[u8], at: usize) -> u64 {
    u64::from_be_bytes([
        b[at],
        b[at + 1],
        b[at + 2],
        b[at + 3],
        b[at + 4],
        b[at + 5],
        b[at + 6],
        b[at + 7],
    ])
}

/// The four bytes of `b` from `at` as a big-endian number (the caller checks the
/// length).
pub(crate) const fn load4(b: &[u8], at: usize) -> u64 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(digits: &[u8; 8]) -> Option<u32> {
        let text = std::str::from_utf8(digits).ok()?;
        if !text.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(text, 16).ok()
    }

    #[test]
    fn every_byte_in_every_position_agrees_with_from_str_radix() {
        let base = *b"0aF9b3E7";
        for at in 0..8 {
            for byte in 0..=255u8 {
                let mut d = base;
                d[at] = byte;
                assert_eq!(eight(load8(&d, 0)), reference(&d), "{d:?}");
            }
        }
        assert_eq!(eight(load8(b"ffffffff", 0)), Some(u32::MAX));
        assert_eq!(eight(load8(b"00000000", 0)), Some(0));
        assert_eq!(eight(load8(b"00299570", 0)), Some(0x0029_9570));
        assert_eq!(
            load4(b"246d", 0) << 32 | load4(b"11d0", 0),
            load8(b"246d11d0", 0)
        );
    }
}
