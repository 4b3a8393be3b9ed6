//! Character classes the tokenizer needs, with ASCII fast paths.

/// Arabic diacritics and Quranic marks that `norm` removes (harakat, tanwin, shadda, sukun,
/// superscript alef, small high/low marks).
pub fn is_arabic_mark(c: char) -> bool {
    matches!(c, '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06DC}' | '\u{06DF}'..='\u{06E4}' | '\u{06E7}' | '\u{06E8}' | '\u{06EA}'..='\u{06ED}')
}

/// The Arabic tatweel (kashida), a stretching character with no meaning.
pub const TATWEEL: char = '\u{0640}';

/// A letter of the Arabic script (base block, supplement, extended-A and presentation forms).
pub fn is_arabic_letter(c: char) -> bool {
    matches!(c, '\u{0620}'..='\u{063F}' | '\u{0641}'..='\u{064A}' | '\u{066E}'..='\u{066F}' | '\u{0671}'..='\u{06D3}' | '\u{06D5}' | '\u{06EE}'..='\u{06EF}' | '\u{06FA}'..='\u{06FC}' | '\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08C9}' | '\u{FB50}'..='\u{FDFB}' | '\u{FE70}'..='\u{FEFC}')
}

/// A decimal digit in ASCII, Arabic-Indic (٠-٩) or Extended Arabic-Indic (۰-۹, Persian/Urdu).
pub fn digit_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '\u{0660}'..='\u{0669}' => Some(c as u32 - 0x0660),
        '\u{06F0}'..='\u{06F9}' => Some(c as u32 - 0x06F0),
        _ => None,
    }
}

/// A decimal digit of any of the scripts [`digit_value`] knows.
pub fn is_digit(c: char) -> bool {
    digit_value(c).is_some()
}

/// A character that continues a word: letters, combining marks, digits, tatweel, joiners.
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    if ('\u{0600}'..='\u{06FF}').contains(&c) {
        return is_arabic_letter(c) || is_arabic_mark(c) || c == TATWEEL || is_digit(c);
    }
    crate::chars::is_alphanumeric(c)
        || is_arabic_mark(c)
        || c == TATWEEL
        || c == '\u{200C}'
        || c == '\u{200D}'
        || is_combining_mark(c)
}

/// Combining marks of the common scripts (general category Mn/Mc in the ranges that matter
/// for news text: Latin, Arabic, Hebrew, Devanagari and friends).
pub fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{0483}'..='\u{0489}' | '\u{0591}'..='\u{05BD}' | '\u{05BF}' | '\u{05C1}'..='\u{05C2}' | '\u{05C4}'..='\u{05C5}' | '\u{05C7}' | '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06DC}' | '\u{06DF}'..='\u{06E4}' | '\u{06E7}'..='\u{06E8}' | '\u{06EA}'..='\u{06ED}' | '\u{0900}'..='\u{0903}' | '\u{093A}'..='\u{094F}' | '\u{0951}'..='\u{0957}' | '\u{0962}'..='\u{0963}' | '\u{0981}'..='\u{0983}' | '\u{09BC}'..='\u{09D7}' | '\u{0E31}' | '\u{0E34}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20EF}' | '\u{FE20}'..='\u{FE2F}')
}

/// A character that starts or continues an emoji sequence (pictographs, dingbats, regional
/// indicators, skin-tone modifiers, variation selector 16, zero-width joiner, keycap, tags).
pub fn is_emoji_char(c: char) -> bool {
    matches!(c, '\u{1F000}'..='\u{1FAFF}' | '\u{2600}'..='\u{27BF}' | '\u{2B00}'..='\u{2BFF}' | '\u{E0020}'..='\u{E007F}' | '\u{2300}'..='\u{23FF}' | '\u{3030}' | '\u{303D}' | '\u{3297}' | '\u{3299}')
}

/// Characters that may follow an emoji inside one sequence without being emoji themselves.
pub fn is_emoji_continuation(c: char) -> bool {
    matches!(c, '\u{FE0F}' | '\u{FE0E}' | '\u{200D}' | '\u{20E3}' | '\u{1F3FB}'..='\u{1F3FF}' | '\u{E0020}'..='\u{E007F}')
}

/// Punctuation (as opposed to symbols), ASCII and the common non-ASCII marks of Arabic and
/// Western typography.
pub fn is_punct(c: char) -> bool {
    if c.is_ascii() {
        return matches!(
            c,
            '!' | '"'
                | '#'
                | '%'
                | '&'
                | '\''
                | '('
                | ')'
                | '*'
                | ','
                | '-'
                | '.'
                | '/'
                | ':'
                | ';'
                | '?'
                | '@'
                | '['
                | '\\'
                | ']'
                | '_'
                | '{'
                | '}'
        );
    }
    matches!(c, '\u{00A1}' | '\u{00A7}' | '\u{00AB}' | '\u{00B6}' | '\u{00B7}' | '\u{00BB}' | '\u{00BF}' | '\u{055A}'..='\u{055F}' | '\u{0589}' | '\u{05BE}' | '\u{05C0}' | '\u{05C3}' | '\u{05C6}' | '\u{05F3}' | '\u{05F4}' | '\u{0609}' | '\u{060A}' | '\u{060C}' | '\u{060D}' | '\u{061B}' | '\u{061D}'..='\u{061F}' | '\u{066A}'..='\u{066D}' | '\u{06D4}' | '\u{0964}' | '\u{0965}' | '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205E}' | '\u{2E00}'..='\u{2E4F}' | '\u{3001}'..='\u{3003}' | '\u{3008}'..='\u{3011}' | '\u{FD3E}' | '\u{FD3F}' | '\u{FE10}'..='\u{FE19}' | '\u{FE30}'..='\u{FE4F}' | '\u{FE50}'..='\u{FE6B}' | '\u{FF01}'..='\u{FF0F}' | '\u{FF1A}' | '\u{FF1B}' | '\u{FF1F}' | '\u{FF20}')
}

/// Marks that end a sentence: `.` `!` `?` the Arabic question mark `؟`, `…` and their
/// full-width and Devanagari/Urdu relatives.
pub fn is_terminal(c: char) -> bool {
    matches!(
        c,
        '.' | '!'
            | '?'
            | '\u{061F}'
            | '\u{2026}'
            | '\u{06D4}'
            | '\u{0964}'
            | '\u{0965}'
            | '\u{203C}'
            | '\u{2047}'..='\u{2049}' | '\u{FF01}' | '\u{FF1F}' | '\u{3002}'
    )
}

/// Opening brackets whose short content a sentence boundary does not cut.
pub fn opening_pair(c: char) -> Option<char> {
    match c {
        '(' => Some(')'),
        '[' => Some(']'),
        '{' => Some('}'),
        '\u{FD3E}' => Some('\u{FD3F}'),
        _ => None,
    }
}

/// Closing brackets and quotes that stay with the sentence before them.
pub fn is_closing(c: char) -> bool {
    matches!(
        c,
        ')' | ']' | '}' | '"' | '\'' | '\u{00BB}' | '\u{201D}' | '\u{2019}' | '\u{FD3F}'
    )
}
