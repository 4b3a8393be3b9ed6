//! Text hygiene and block-structured text building.
//!
//! [`TextBuilder`] receives character data and block boundaries while a subtree is rendered and
//! produces the output format of `documents.text`: white space collapsed, paragraphs separated
//! by a blank line, list items and table rows on their own lines, table cells separated by a tab,
//! zero-width and bidirectional controls dropped except a ZWNJ inside a word, and NFC at the end.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// How strongly two pieces of text are separated, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Break {
    /// Nothing between them.
    None,
    /// One space.
    Space,
    /// A tab (between table cells).
    Tab,
    /// A line break (list items, table rows, `<br>`).
    Line,
    /// A blank line (paragraphs, headings, blocks).
    Para,
}

/// Characters that are dropped from text: zero-width characters, bidirectional controls, the
/// soft hyphen and the byte-order mark. ZWNJ (U+200C) is handled separately.
#[inline]
pub fn is_invisible_control(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{200B}' | '\u{200D}' | '\u{200E}' | '\u{200F}'
        | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}'
        | '\u{FEFF}' | '\u{061C}' | '\u{FFFE}' | '\u{FFFF}')
        || (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// ASCII characters that are neither space nor control (`!` to `~`).
#[inline]
fn is_visible_ascii(b: u8) -> bool {
    (0x21..0x7f).contains(&b)
}

/// The length in bytes of the character at `b[i]` if it is plain, 0 if not. Plain characters
/// go into the text as they are, with nothing to decide but whether they are letters: visible
/// ASCII, and U+0600–U+06FF (lead byte 0xD8–0xDB) but for U+061C, an invisible control; none of
/// them is a space, a control or ZWNJ. `i` must be on a character boundary.
#[inline]
fn plain_len(b: &[u8], i: usize) -> usize {
    let x = b[i];
    if is_visible_ascii(x) {
        1
    } else if (0xD8..=0xDB).contains(&x) && b.get(i + 1).is_some_and(|&y| !(x == 0xD8 && y == 0x9C))
    {
        2
    } else {
        0
    }
}

/// Whether the character that starts at byte `i` of `text` is a letter.
#[inline]
fn is_letter_at(text: &str, i: usize) -> bool {
    text[i..]
        .chars()
        .next()
        .is_some_and(crate::chars::is_alphabetic)
}

/// White space, including the no-break and other Unicode spaces.
#[inline]
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{00A0}' || c == '\u{202F}' || c == '\u{2007}'
}

/// Builds cleaned text from pieces and breaks.
#[derive(Debug, Default)]
pub struct TextBuilder {
    out: String,
    pending: Option<Break>,
    /// A ZWNJ seen after a letter, waiting to learn whether a letter follows.
    zwnj: bool,
    last_letter: bool,
}

impl TextBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        TextBuilder {
            out: String::new(),
            pending: None,
            zwnj: false,
            last_letter: false,
        }
    }

    /// Requests at least the separation `b` before the next piece of text.
    #[inline]
    pub fn brk(&mut self, b: Break) {
        if self.out.is_empty() {
            return;
        }
        self.zwnj = false;
        self.pending = Some(match self.pending {
            Some(p) if p >= b => p,
            _ => b,
        });
    }

    /// True when nothing has been written yet.
    pub fn is_empty(&self) -> bool {
        self.out.is_empty()
    }

    /// Bytes written so far.
    pub fn len(&self) -> usize {
        self.out.len()
    }

    fn flush_break(&mut self) {
        if let Some(p) = self.pending.take() {
            if self.out.is_empty() {
                return;
            }
            match p {
                Break::None => {}
                Break::Space => self.out.push(' '),
                Break::Tab => self.out.push('\t'),
                Break::Line => self.out.push('\n'),
                Break::Para => self.out.push_str("\n\n"),
            }
            self.last_letter = false;
        }
    }

    /// Appends character data, collapsing white space (or keeping line breaks when `pre`).
    pub fn push(&mut self, text: &str, pre: bool) {
        let b = text.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if plain_len(b, i) > 0 {
                // A run of plain characters goes in whole: what `push_char` does for each of
                // them, with the break and the ZWNJ settled by the first.
                let start = i;
                let mut last = i;
                while i < b.len() {
                    let n = plain_len(b, i);
                    if n == 0 {
                        break;
                    }
                    last = i;
                    i += n;
                }
                self.flush_break();
                if self.zwnj && is_letter_at(text, start) {
                    self.out.push('\u{200C}');
                }
                self.zwnj = false;
                self.out.push_str(&text[start..i]);
                self.last_letter = is_letter_at(text, last);
                continue;
            }
            // `i` is on a character boundary: ASCII bytes are whole characters.
            let Some(c) = text[i..].chars().next() else {
                break;
            };
            i += c.len_utf8();
            self.push_char(c, pre);
        }
    }

    /// Appends one character of [`TextBuilder::push`]'s text.
    #[inline]
    fn push_char(&mut self, c: char, pre: bool) {
        if c == '\u{200C}' {
            self.zwnj = self.last_letter && self.pending.is_none();
            return;
        }
        if is_invisible_control(c) {
            return;
        }
        if pre && (c == '\n' || c == '\r') {
            if c == '\n' {
                self.brk(Break::Line);
            }
            self.zwnj = false;
            return;
        }
        if pre && (c == ' ' || c == '\t') && !self.out.is_empty() {
            // Code keeps its indentation.
            self.flush_break();
            self.out.push(c);
            self.last_letter = false;
            self.zwnj = false;
            return;
        }
        if is_space(c) {
            self.brk(Break::Space);
            self.zwnj = false;
            return;
        }
        self.flush_break();
        let letter = crate::chars::is_alphabetic(c);
        if self.zwnj && letter {
            self.out.push('\u{200C}');
        }
        self.zwnj = false;
        self.out.push(c);
        self.last_letter = letter;
    }

    /// The finished text, trimmed and in Unicode NFC.
    pub fn finish(self) -> String {
        let mut s = self.out;
        let trimmed = s.trim_end().len();
        s.truncate(trimmed);
        if is_nfc_by_quick_check(&s) {
            s
        } else {
            s.nfc().collect()
        }
    }
}

/// The characters of U+0600–U+06FF that are not starters (canonical combining class other
/// than 0: harakat, Quranic marks, superscript alef) or not allowed as they are in NFC (quick
/// check other than `Yes`), one bit per code point as in [`crate::chars`]. A test checks every
/// entry against `unicode-normalization`.
const ARABIC_NOT_NFC_STARTER: [u64; 4] = crate::chars::bits_0600(&[
    (0x0610, 0x061A),
    (0x064B, 0x065F),
    (0x0670, 0x0670),
    (0x06D6, 0x06DC),
    (0x06DF, 0x06E4),
    (0x06E7, 0x06E8),
    (0x06EA, 0x06ED),
]);

/// The length in bytes of the character at `b[i]` if it is an NFC starter that the quick
/// check passes (ASCII, and U+0600–U+06FF but for [`ARABIC_NOT_NFC_STARTER`]), 0 if not. `i`
/// must be on a character boundary.
#[inline]
fn nfc_starter_len(b: &[u8], i: usize) -> usize {
    let x = b[i];
    if x < 0x80 {
        return 1;
    }
    if (0xD8..=0xDB).contains(&x)
        && let Some(&y) = b.get(i + 1)
    {
        let k = usize::from(x & 0x03) << 6 | usize::from(y & 0x3F);
        if ARABIC_NOT_NFC_STARTER[k >> 6] >> (k & 63) & 1 == 0 {
            return 2;
        }
    }
    0
}

/// Whether [`is_nfc_quick`] answers `Yes` for `s`, without its table lookups for ASCII and the
/// main Arabic block. The quick check carries nothing past a starter that it passes (its last
/// combining class is then 0, its answer still `Yes`), so it runs on the stretches between
/// such characters alone, each as if from the start, and `s` passes when every stretch does.
fn is_nfc_by_quick_check(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let n = nfc_starter_len(b, i);
        if n > 0 {
            i += n;
            continue;
        }
        let start = i;
        while i < b.len() && nfc_starter_len(b, i) == 0 {
            // `i` is on a character boundary; a lead byte's length is that of its character.
            i += utf8_len(b[i]);
        }
        if is_nfc_quick(s[start..i.min(b.len())].chars()) != IsNormalized::Yes {
            return false;
        }
    }
    true
}

/// The length of the UTF-8 sequence that starts with the lead byte `x`.
#[inline]
fn utf8_len(x: u8) -> usize {
    match x {
        0..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

/// Cleans a short string (a title, a meta value): hygiene as for page text, all on one line.
pub fn clean_inline(s: &str) -> String {
    let mut b = TextBuilder::new();
    b.push(s, false);
    b.finish()
}

/// Counts words: maximal runs of alphanumeric characters (and combining marks).
pub fn word_count(s: &str) -> usize {
    let b = s.as_bytes();
    let mut n = 0;
    let mut in_word = false;
    let mut i = 0;
    while i < b.len() {
        let w = if b[i] < 0x80 {
            i += 1;
            b[i - 1].is_ascii_alphanumeric()
        } else {
            // `i` is on a character boundary: ASCII bytes are whole characters.
            let Some(c) = s[i..].chars().next() else {
                break;
            };
            i += c.len_utf8();
            crate::chars::is_alphanumeric(c) || is_mark(c) || c == '\u{200C}'
        };
        if w && !in_word {
            n += 1;
        }
        in_word = w;
    }
    n
}

/// Combining marks common in Arabic-script and Latin text (harakat, Urdu marks, diacritics).
#[inline]
pub fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}'
        | '\u{0670}' | '\u{06D6}'..='\u{06ED}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapses_space_and_keeps_breaks() {
        let mut b = TextBuilder::new();
        b.brk(Break::Para);
        b.push("  Hello\u{00A0}\u{00A0}  world \n", false);
        b.brk(Break::Para);
        b.push("Next", false);
        b.brk(Break::Line);
        b.push("item", false);
        b.brk(Break::Tab);
        b.push("cell", false);
        b.brk(Break::Para);
        assert_eq!(b.finish(), "Hello world\n\nNext\nitem\tcell");
    }

    #[test]
    fn word_count_by_bytes_agrees_with_the_character_definition() {
        let by_chars = |s: &str| {
            let mut n = 0;
            let mut in_word = false;
            for c in s.chars() {
                let w = c.is_alphanumeric() || is_mark(c) || c == '\u{200C}';
                if w && !in_word {
                    n += 1;
                }
                in_word = w;
            }
            n
        };
        let all_ascii: String = (0u8..128).map(char::from).collect();
        for s in [
            all_ascii.as_str(),
            "Hello, world! It's 3:45 — fine.",
            "می\u{200C}خواهم x1 ٢٣ café naïve ́a",
            "",
            "  ",
        ] {
            assert_eq!(word_count(s), by_chars(s), "{s:?}");
        }
    }

    #[test]
    fn runs_of_plain_characters_go_in_as_their_characters_would() {
        let mut pieces: Vec<String> = [
            "  Hello,  world!\n\tcode  line\r\n",
            "a\u{200C}b \u{200C}x\u{200C}",
            "یک\u{200C}abc می\u{200C}\u{200C}1x",
            "\u{7f}\u{1}ab\u{0}c ~!",
            "",
            "\u{00A0}tail.",
            "قال\u{061C}الوزير،\u{200C}\u{0640}ب\u{064E}\u{200C}٣ x\u{200C}ب",
        ]
        .map(String::from)
        .to_vec();
        // Every character of U+0600–U+06FF after a ZWNJ, after a letter, alone and between
        // letters, ASCII and others.
        let block: String = ('\u{0600}'..='\u{06FF}').collect();
        for c in block.chars() {
            pieces.push(format!("\u{200C}{c}"));
            pieces.push(format!("ب\u{200C}{c}{c}\u{200C}a{c}é{c}"));
            pieces.push(c.to_string());
        }
        pieces.push(block);
        for pre in [false, true] {
            let mut whole = TextBuilder::new();
            let mut by_char = TextBuilder::new();
            for (k, piece) in pieces.iter().enumerate() {
                whole.push(piece, pre);
                for c in piece.chars() {
                    by_char.push_char(c, pre);
                }
                assert_eq!(
                    (&whole.out, whole.zwnj, whole.last_letter),
                    (&by_char.out, by_char.zwnj, by_char.last_letter),
                    "pre {pre}, after {piece:?}"
                );
                let brk = [Break::None, Break::Space, Break::Line, Break::Para][k % 4];
                whole.brk(brk);
                by_char.brk(brk);
            }
            assert_eq!(whole.out, by_char.out, "pre {pre}");
            assert_eq!(
                (whole.zwnj, whole.last_letter, whole.pending),
                (by_char.zwnj, by_char.last_letter, by_char.pending)
            );
        }
    }

    #[test]
    fn drops_controls_but_keeps_zwnj_inside_words() {
        let mut b = TextBuilder::new();
        b.push(
            "\u{200F}می\u{200C}خواهم \u{200C}x\u{200B}y\u{202B}z\u{200C} ",
            false,
        );
        assert_eq!(b.finish(), "می\u{200C}خواهم xyz");
    }

    #[test]
    fn normalises_to_nfc() {
        assert_eq!(clean_inline("e\u{0301}te\u{0301}"), "\u{e9}t\u{e9}");
    }

    #[test]
    fn nfc_starters_of_the_arabic_block_are_those_of_unicode_normalization() {
        use unicode_normalization::char::canonical_combining_class;
        for c in '\u{0600}'..='\u{06FF}' {
            let s = c.to_string();
            let starter = canonical_combining_class(c) == 0
                && is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes;
            assert_eq!(
                nfc_starter_len(s.as_bytes(), 0) == 2,
                starter,
                "U+{:04X}",
                c as u32
            );
        }
    }

    #[test]
    fn quick_check_by_stretches_agrees_with_the_whole_check() {
        let block: String = ('\u{0600}'..='\u{06FF}').collect();
        let mut texts: Vec<String> = [
            "",
            "plain ASCII text.",
            "قال الوزير إن المحادثات كانت مثمرة",
            "بِسْمِ اللَّهِ",
            // A mark after a mark of a lower class (shadda 33 after fatha 30 is in order; kasra
            // 32 after shadda is not), alef with a combining hamza (composes: not NFC).
            "ب\u{064E}\u{0651}ب\u{0651}\u{0650}",
            "ا\u{0654}",
            "e\u{0301}t\u{00E9} a\u{0327}\u{0301} \u{212B} \u{0958}",
            "한국어 \u{1100}\u{1161} 日本語",
        ]
        .map(String::from)
        .to_vec();
        texts.push(block.clone());
        for c in block.chars() {
            for m in ['\u{0650}', '\u{0651}', '\u{0654}', '\u{0301}', 'a'] {
                texts.push(format!("{m}{c}{m}b{c}{c}"));
            }
        }
        let mut not_nfc = 0;
        for t in &texts {
            let whole = is_nfc_quick(t.chars()) == IsNormalized::Yes;
            assert_eq!(is_nfc_by_quick_check(t), whole, "{t:?}");
            not_nfc += usize::from(!whole);
        }
        assert!(not_nfc > 100, "the texts test both answers");
    }

    #[test]
    fn pre_keeps_line_breaks() {
        let mut b = TextBuilder::new();
        b.push("fn main() {\n    x();\n}", true);
        assert_eq!(b.finish(), "fn main() {\n    x();\n}");
    }

    #[test]
    fn counts_words_across_scripts() {
        assert_eq!(word_count("Hello, world! مرحبا بالعالم 2024"), 5);
    }
}
