//! SHA-256 as lowercase hex: the form `sha256sum` prints, so reviewers can
//! check any hash runsheet shows with standard tools.

use sha2::{Digest, Sha256};

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    to_hex(&Sha256::digest(bytes))
}

/// Lowercase hex of any byte string.
/// The lowercase hex digits of a SHA-256, with no allocation: one is
/// written for every row of a long export.
pub fn hex32(bytes: &[u8; 32]) -> [u8; 64] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut digits = [0; 64];
    for (pair, b) in digits.chunks_exact_mut(2).zip(bytes) {
        pair[0] = DIGITS[usize::from(b >> 4)];
        pair[1] = DIGITS[usize::from(b & 0x0f)];
    }
    digits
}

pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut digits = Vec::with_capacity(bytes.len() * 2);
    for b in bytes {
        digits.extend_from_slice(&[DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 0x0f)]]);
    }
    // Hex digits are ASCII: this never falls back.
    String::from_utf8(digits).unwrap_or_default()
}

/// The value of each byte as a lowercase hex digit, or [`NOT_HEX`].
const HEX_VALUES: [u8; 256] = {
    let mut values = [NOT_HEX; 256];
    let mut digit: u8 = 0;
    while digit < 16 {
        values[b"0123456789abcdef"[digit as usize] as usize] = digit;
        digit += 1;
    }
    values
};

/// Marks a byte that is no lowercase hex digit: its high bit survives
/// any `|` of digit values.
const NOT_HEX: u8 = 0x80;

/// The 32 bytes that 64 lowercase hex digits name (a `prev` or a `hash`),
/// or `None` when `hex` is anything else.
///
/// Every journal line's `prev` is read this way. The digits of a hash are
/// random, so a branch per digit (is it `0-9` or `a-f`?) was mispredicted
/// about a third of the time; a table and one test at the end are not.
pub fn from_hex32(hex: &str) -> Option<[u8; 32]> {
    let bytes = hex.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut hash = [0; 32];
    let mut seen = 0;
    for (out, pair) in hash.iter_mut().zip(bytes.chunks_exact(2)) {
        let (high, low) = (
            HEX_VALUES[usize::from(pair[0])],
            HEX_VALUES[usize::from(pair[1])],
        );
        seen |= high | low;
        *out = high << 4 | low;
    }
    (seen & NOT_HEX == 0).then_some(hash)
}

/// The `prev` of the first journal line: 64 zeros.
pub const ZERO_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_sha256sum() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(ZERO_HASH.len(), 64);
    }

    /// Hex digits read back to the bytes they were written from; every
    /// other byte, at every place, and every other length are refused.
    #[test]
    fn sixty_four_lowercase_hex_digits_and_nothing_else_name_a_hash() {
        let bytes: [u8; 32] =
            std::array::from_fn(|i| u8::try_from(i).map_or(0, |i| i.wrapping_mul(73) ^ 0xA5));
        let hex = to_hex(&bytes);
        assert_eq!(from_hex32(&hex), Some(bytes));
        assert_eq!(from_hex32(ZERO_HASH), Some([0; 32]));
        for at in 0..64 {
            for byte in 0..=u8::MAX {
                let mut changed = hex.clone().into_bytes();
                changed[at] = byte;
                let is_digit = byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte);
                match String::from_utf8(changed) {
                    Ok(text) => {
                        assert_eq!(from_hex32(&text).is_some(), is_digit, "{byte:#x} at {at}");
                    }
                    Err(_) => assert!(!is_digit),
                }
            }
        }
        assert_eq!(from_hex32(&hex[..62]), None);
        assert_eq!(from_hex32(&format!("{hex}0")), None);
        assert_eq!(from_hex32(""), None);
    }

    #[test]
    fn any_bytes_read_back_from_their_hex() {
        for len in [0_u8, 1, 16, 32] {
            let bytes: Vec<u8> = (0..len).map(|i: u8| i.wrapping_mul(37) ^ 0x0B).collect();
            let hex = to_hex(&bytes);
            assert_eq!(hex.len(), 2 * usize::from(len));
            assert!(
                hex.bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
            );
            if len == 32 {
                assert_eq!(from_hex32(&hex).map(Vec::from), Some(bytes));
            }
        }
    }

    #[test]
    fn a_hash_in_hex_without_allocating_is_its_hex() {
        for seed in 0_u8..=255 {
            let bytes: [u8; 32] = std::array::from_fn(|i| {
                seed.wrapping_add(u8::try_from(i).unwrap_or(0).wrapping_mul(61))
            });
            assert_eq!(hex32(&bytes).as_slice(), to_hex(&bytes).as_bytes());
        }
    }
}
