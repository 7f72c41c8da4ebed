//! What the escapes and the journal's canonical check test text with:
//! tables of the bytes an escape looks at, masks that test eight bytes at
//! once, each byte on its own (no carry or borrow crosses into the next),
//! so the high bit of a byte in a mask says exactly that byte matched, and
//! a whole-text test for control characters.
//!
//! Exports are megabytes of mostly plain text: skipping it a word at a
//! time, and looking closer only where a mask flags a byte, is what keeps
//! the escapes off the profile.

const LOW7: u64 = u64::from_ne_bytes([0x7F; 8]);
const HIGHS: u64 = !LOW7;
const ONES: u64 = u64::from_ne_bytes([0x01; 8]);

/// A table marking every byte of `listed` and, with `controls`, every C0
/// control (0x00 to 0x1F).
pub const fn table(controls: bool, listed: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut byte = 0;
    while controls && byte < 0x20 {
        table[byte] = true;
        byte += 1;
    }
    let mut i = 0;
    while i < listed.len() {
        table[listed[i] as usize] = true;
        i += 1;
    }
    table
}

/// The eight bytes of `bytes` from `at`, as one word whose lowest byte
/// is the first (see [`first_flagged`]); `None` past the last whole word.
pub fn word_at(bytes: &[u8], at: usize) -> Option<u64> {
    bytes
        .get(at..at.checked_add(8)?)
        .and_then(|w| <[u8; 8]>::try_from(w).ok())
        .map(u64::from_le_bytes)
}

/// How far into its word the first byte flagged in `mask` (not zero) is.
pub const fn first_flagged(mask: u64) -> usize {
    (mask.trailing_zeros() / 8) as usize
}

/// The high bit of each byte of `word` equal to `byte`.
pub const fn equal_to(word: u64, byte: u8) -> u64 {
    let x = word ^ (ONES * byte as u64);
    !(((x & LOW7) + LOW7) | x) & HIGHS
}

/// The high bit of each C0 control (below 0x20) in `word`.
pub const fn controls(word: u64) -> u64 {
    !(((word & LOW7) + ONES * 0x60) | word) & HIGHS
}

/// Whether `bytes` holds a C0 control (below 0x20) anywhere.
///
/// Every journal line is tested whole before its members are read: a
/// byte-at-a-time test that stops at the first match does not vectorise,
/// and was most of the canonical check's own time on long notes. Each
/// block is folded without stopping, which the compiler turns into wide
/// compares; the answer is the same.
pub fn has_control(bytes: &[u8]) -> bool {
    const BLOCK: usize = 64;
    let blocks = bytes.chunks_exact(BLOCK);
    let tail = blocks.remainder();
    blocks
        .into_iter()
        .any(|block| block.iter().fold(0, |seen, &b| seen | u8::from(b < 0x20)) != 0)
        || tail.iter().any(|&b| b < 0x20)
}

/// The high bit of each byte of `word` from 0x7F up: DEL, and every byte
/// of a character beyond ASCII.
pub const fn del_or_above(word: u64) -> u64 {
    (((word & LOW7) + ONES) | word) & HIGHS
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each mask flags exactly the bytes it names, wherever they are in
    /// the word and whatever bytes surround them.
    #[test]
    fn every_mask_flags_exactly_its_bytes_at_every_place() {
        for byte in 0..=u8::MAX {
            for fill in [0x00, b'a', 0x1F, 0x20, 0x7F, 0x80, 0xFF] {
                for at in 0..8 {
                    let mut bytes = [fill; 8];
                    bytes[at] = byte;
                    let word = word_at(&bytes, 0).expect("a word");
                    let flags = |mask: u64, test: &dyn Fn(u8) -> bool| {
                        (0..8).all(|k| (mask >> (8 * k + 7) & 1 == 1) == test(bytes[k]))
                    };
                    assert!(flags(equal_to(word, b'"'), &|b| b == b'"'), "{bytes:?}");
                    assert!(flags(controls(word), &|b| b < 0x20), "{bytes:?}");
                    assert!(flags(del_or_above(word), &|b| b >= 0x7F), "{bytes:?}");
                }
            }
        }
    }

    /// A control is found at every place of a text of every length around
    /// the block size, among any other bytes, and nothing else is.
    #[test]
    fn a_control_is_found_wherever_it_is_and_only_a_control() {
        for len in 0..200 {
            for fill in [b'a', 0x20, 0x7F, 0x80, 0xFF] {
                let mut bytes = vec![fill; len];
                assert!(!has_control(&bytes), "{len} bytes of {fill:#x}");
                for at in 0..len {
                    for control in [0x00, 0x0A, 0x1F] {
                        bytes[at] = control;
                        assert!(has_control(&bytes), "{control:#x} at {at} of {len}");
                    }
                    bytes[at] = fill;
                }
            }
        }
    }

    #[test]
    fn the_first_flagged_byte_is_the_first_in_the_text() {
        let word = word_at(b"ab\"cd\"ef", 0).expect("a word");
        assert_eq!(first_flagged(equal_to(word, b'"')), 2);
        assert_eq!(word_at(b"short", 0), None);
    }
}
