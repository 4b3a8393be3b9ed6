//! Unicode character classes that answer exactly as `char`'s own methods do, faster on the text
//! nahr sees most.
//!
//! `char::is_alphabetic` and `char::is_alphanumeric` answer ASCII at once but look every other
//! character up in a compressed table, tens of nanoseconds a character; on Arabic pages that
//! lookup was a quarter of the worker's time. The functions here answer ASCII and the Arabic
//! script blocks (U+0600–U+06FF, U+0750–U+077F, U+08A0–U+08FF, U+FB50–U+FDFF, U+FE70–U+FEFF) and
//! the General Punctuation block (U+2000–U+206F) from their own ranges and ask the standard
//! library about everything else. The ranges were read off the standard library of the toolchain
//! this crate builds with; a test compares every code point with it, so a toolchain whose
//! Unicode version changes one of these blocks fails the test instead of changing the output.

/// Which characters of U+0600–U+06FF are alphabetic, one bit per code point (bit `c & 63` of
/// word `(c - 0x600) >> 6`).
const ARABIC_ALPHABETIC: [u64; 4] = bits_0600(&[
    (0x0610, 0x061A),
    (0x0620, 0x0657),
    (0x0659, 0x065F),
    (0x066E, 0x06D3),
    (0x06D5, 0x06DC),
    (0x06E1, 0x06E8),
    (0x06ED, 0x06EF),
    (0x06FA, 0x06FC),
    (0x06FF, 0x06FF),
]);

/// Which characters of U+0600–U+06FF are numeric: the Arabic-Indic and the Extended
/// Arabic-Indic digits. Same layout as [`ARABIC_ALPHABETIC`].
const ARABIC_NUMERIC: [u64; 4] = bits_0600(&[(0x0660, 0x0669), (0x06F0, 0x06F9)]);

/// The bitmap of U+0600–U+06FF with the given inclusive ranges set (bit `c & 63` of word
/// `(c - 0x600) >> 6`), for tables built at compile time.
pub(crate) const fn bits_0600(ranges: &[(u32, u32)]) -> [u64; 4] {
    let mut bits = [0u64; 4];
    let mut r = 0;
    while r < ranges.len() {
        let mut c = ranges[r].0;
        while c <= ranges[r].1 {
            let i = c - 0x600;
            bits[(i >> 6) as usize] |= 1 << (i & 63);
            c += 1;
        }
        r += 1;
    }
    bits
}

/// Looks `c` (in U+0600–U+06FF) up in one of the bitmaps above.
#[inline]
const fn in_bits_0600(bits: &[u64; 4], c: u32) -> bool {
    let i = c.wrapping_sub(0x600);
    bits[(i >> 6) as usize & 3] >> (i & 63) & 1 != 0
}

/// [`is_alphabetic`] for a code point of U+0600–U+06FF, usable in constants (tables of the
/// block's character classes elsewhere in the crate).
pub(crate) const fn is_alphabetic_0600(c: u32) -> bool {
    in_bits_0600(&ARABIC_ALPHABETIC, c)
}

/// Where a non-ASCII character's answer comes from.
enum Block {
    /// U+0600–U+06FF, answered by the bitmaps.
    Arabic,
    /// Arabic Supplement, Extended-A and the presentation forms, answered by ranges.
    ArabicOther,
    /// General Punctuation: nothing in it is alphabetic or numeric.
    Punctuation,
    /// Everything else: the standard library answers.
    Other,
}

/// The block of a non-ASCII character, as far as these functions care.
#[inline]
fn block(c: u32) -> Block {
    match c {
        0x0600..=0x06FF => Block::Arabic,
        0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => Block::ArabicOther,
        0x2000..=0x206F => Block::Punctuation,
        _ => Block::Other,
    }
}

/// Alphabetic characters of the Arabic blocks outside U+0600–U+06FF (none of them is numeric).
#[inline]
fn arabic_other_alphabetic(c: u32) -> bool {
    matches!(c,
        0x0750..=0x077F
        | 0x08A0..=0x08C9 | 0x08D4..=0x08DF | 0x08E3..=0x08E9 | 0x08F0..=0x08FF
        | 0xFB50..=0xFBB1 | 0xFBD3..=0xFD3D | 0xFD50..=0xFD8F | 0xFD92..=0xFDC7 | 0xFDF0..=0xFDFB
        | 0xFE70..=0xFE74 | 0xFE76..=0xFEFC)
}

/// Whether `c` is alphabetic: the same answer as [`char::is_alphabetic`] for every character.
#[inline]
pub fn is_alphabetic(c: char) -> bool {
    let u = c as u32;
    if u < 0x80 {
        return c.is_ascii_alphabetic();
    }
    match block(u) {
        Block::Arabic => in_bits_0600(&ARABIC_ALPHABETIC, u),
        Block::ArabicOther => arabic_other_alphabetic(u),
        Block::Punctuation => false,
        Block::Other => c.is_alphabetic(),
    }
}

/// Whether `c` is alphabetic or numeric: the same answer as [`char::is_alphanumeric`] for every
/// character.
#[inline]
pub fn is_alphanumeric(c: char) -> bool {
    let u = c as u32;
    if u < 0x80 {
        return c.is_ascii_alphanumeric();
    }
    match block(u) {
        Block::Arabic => in_bits_0600(&ARABIC_ALPHABETIC, u) || in_bits_0600(&ARABIC_NUMERIC, u),
        Block::ArabicOther => arabic_other_alphabetic(u),
        Block::Punctuation => false,
        Block::Other => c.is_alphanumeric(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code point: the fast paths never disagree with the standard library.
    #[test]
    fn agree_with_std_on_every_code_point() {
        let mut checked = 0u32;
        for c in (0..0x11_0000u32).filter_map(char::from_u32) {
            assert_eq!(
                is_alphabetic(c),
                c.is_alphabetic(),
                "is_alphabetic U+{:04X}",
                c as u32
            );
            assert_eq!(
                is_alphanumeric(c),
                c.is_alphanumeric(),
                "is_alphanumeric U+{:04X}",
                c as u32
            );
            checked += 1;
        }
        // All code points but the 2,048 surrogates.
        assert_eq!(checked, 0x11_0000 - 0x800);
    }

    /// The fast paths are the ones taken: the blocks they claim hold letters, digits and
    /// neither, so a bitmap or range that was empty or full would show here.
    #[test]
    fn fast_blocks_hold_both_answers() {
        for (c, alpha, alnum) in [
            ('ب', true, true),
            ('٣', false, true),
            ('۵', false, true),
            ('،', false, false),
            ('\u{064E}', true, true),
            ('\u{0640}', true, true),
            ('\u{06DD}', false, false),
            ('ݐ', true, true),
            ('\u{08E2}', false, false),
            ('ﻻ', true, true),
            ('\u{FD3E}', false, false),
            ('\u{FEFF}', false, false),
            ('—', false, false),
            ('’', false, false),
            ('a', true, true),
            ('7', false, true),
            ('é', true, true),
            ('²', false, true),
        ] {
            assert_eq!(is_alphabetic(c), alpha, "{c:?}");
            assert_eq!(is_alphanumeric(c), alnum, "{c:?}");
        }
    }
}
