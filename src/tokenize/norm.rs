//! Normalised forms (`tokens.norm`): a spelling for matching and counting.
//!
//! Rules, applied character by character:
//! - every script: Unicode compatibility composition (NFKC), which also folds Arabic
//!   presentation forms (U+FB50–U+FDFF, U+FE70–U+FEFF) to the base letters and full-width Latin
//!   to ASCII; then lower case (Latin, Greek, Cyrillic, ...);
//! - Arabic: diacritics (harakat, tanwin, shadda, sukun, superscript alef, Quranic marks) and
//!   tatweel removed; hamzated and wasla alefs `أ إ آ ٱ` → bare alef `ا`; alef maqsura `ى` →
//!   yeh `ي`; Persian/Urdu yeh `ی` → `ي` and keheh `ک` → `ك`;
//! - only when [`NormOptions::teh_marbuta`] is set: teh marbuta `ة` → heh `ه` (off by default,
//!   because it merges distinct words);
//! - digits: Arabic-Indic and Extended Arabic-Indic digits → ASCII digits, the Arabic decimal
//!   separator `٫` → `.` and thousands separator `٬` → `,`, so that `١٬٢٣٤٫٥` and `1,234.5` match;
//! - typographic apostrophes `‘` `’` → `'` (`company’s` and `company's` match).

use super::chars::{TATWEEL, digit_value, is_arabic_mark};
use std::borrow::Cow;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// Options of [`norm_with`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NormOptions {
    /// Fold teh marbuta `ة` to heh `ه`.
    pub teh_marbuta: bool,
}

/// The normalised form of `word` with the default options (teh marbuta kept). Borrowed when the
/// word is already normal, so most calls do not allocate.
///
/// ```
/// use nahr::tokenize::norm;
/// assert_eq!(norm("إِنَّ"), "ان");
/// assert_eq!(norm("Hello"), "hello");
/// assert_eq!(norm("مستشفى"), "مستشفي");
/// ```
pub fn norm(word: &str) -> Cow<'_, str> {
    norm_with(word, NormOptions::default())
}

/// The Arabic letter and digit folding of one character; `None` drops it, `Some(c)` keeps or
/// replaces it. Lower-casing is not done here.
#[inline]
fn fold_char(c: char, options: NormOptions) -> Option<char> {
    if is_arabic_mark(c) || c == TATWEEL {
        return None;
    }
    Some(match c {
        '\u{0622}' | '\u{0623}' | '\u{0625}' | '\u{0671}' | '\u{0672}' | '\u{0673}' => '\u{0627}',
        '\u{0649}' | '\u{06CC}' => '\u{064A}',
        '\u{06A9}' => '\u{0643}',
        '\u{0629}' if options.teh_marbuta => '\u{0647}',
        '\u{2018}' | '\u{2019}' => '\'',
        '\u{066B}' => '.',
        '\u{066C}' => ',',
        _ => match digit_value(c) {
            Some(d) if !c.is_ascii_digit() => char::from(b'0' + d as u8),
            _ => c,
        },
    })
}

#[inline]
fn changes(c: char, options: NormOptions) -> bool {
    if c.is_ascii() {
        return c.is_ascii_uppercase();
    }
    fold_char(c, options) != Some(c) || c.is_uppercase()
}

/// How a word's normal form is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Folding {
    /// The word is already normal.
    Unchanged,
    /// Fold the word's characters as they are (the word is NFKC-stable).
    Chars,
    /// Fold the characters of the word's NFKC form.
    Nfkc,
}

/// Which folding `word` needs: most words are recognised as normal by the fast checks.
fn folding(word: &str, options: NormOptions) -> Folding {
    let bytes = word.as_bytes();
    if bytes
        .iter()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
    {
        return Folding::Unchanged;
    }
    // Fast path: ASCII and the Arabic letters that need no folding are NFKC-stable.
    if word.chars().all(|c| {
        if c.is_ascii() {
            !c.is_ascii_uppercase()
        } else {
            matches!(c, '\u{0621}' | '\u{0624}' | '\u{0626}'..='\u{063A}' | '\u{0641}'..='\u{0648}' | '\u{064A}')
                && !(options.teh_marbuta && c == '\u{0629}')
        }
    }) {
        return Folding::Unchanged;
    }
    let nfkc = word.is_ascii() || is_nfkc_quick(word.chars()) == IsNormalized::Yes;
    if nfkc && !word.chars().any(|c| changes(c, options)) {
        return Folding::Unchanged;
    }
    if nfkc { Folding::Chars } else { Folding::Nfkc }
}

/// Appends the folded form of `word` to `out` (`folding` is not [`Folding::Unchanged`]).
fn push_folding(out: &mut String, word: &str, folding: Folding, options: NormOptions) {
    if folding == Folding::Nfkc {
        push_folded(out, word.nfkc(), options);
    } else {
        push_folded(out, word.chars(), options);
    }
}

/// The normalised form of `word` with the given options (see the module notes for the rules).
pub fn norm_with(word: &str, options: NormOptions) -> Cow<'_, str> {
    match folding(word, options) {
        Folding::Unchanged => Cow::Borrowed(word),
        how => {
            let mut out = String::with_capacity(word.len());
            push_folding(&mut out, word, how, options);
            Cow::Owned(out)
        }
    }
}

/// Appends the normalised form of `word` to `out` when it differs from the word, and says
/// whether it did; `out` is left as it was when the form equals the word. What the tokenizer
/// uses to keep all of a document's normalised forms in one buffer, with no allocation per word.
pub fn push_norm_if_changed(word: &str, options: NormOptions, out: &mut String) -> bool {
    let how = folding(word, options);
    if how == Folding::Unchanged {
        return false;
    }
    let at = out.len();
    push_folding(out, word, how, options);
    if out.get(at..) == Some(word) {
        out.truncate(at);
        return false;
    }
    true
}

fn push_folded(out: &mut String, chars: impl Iterator<Item = char>, options: NormOptions) {
    for c in chars {
        let Some(f) = fold_char(c, options) else {
            continue;
        };
        if f.is_ascii() {
            out.push(f.to_ascii_lowercase());
        } else if f.is_uppercase() {
            out.extend(f.to_lowercase());
        } else {
            out.push(f);
        }
    }
}

/// Like [`norm_with`], but `None` when the normalised form equals the word (when a token has no
/// `Token::norm`).
pub fn norm_if_changed(word: &str, options: NormOptions) -> Option<String> {
    match norm_with(word, options) {
        Cow::Borrowed(_) => None,
        Cow::Owned(s) if s == word => None,
        Cow::Owned(s) => Some(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_rules() {
        assert_eq!(norm("أَحْمَد"), "احمد");
        assert_eq!(norm("إسلام آباد ٱلله"), "اسلام اباد الله");
        assert_eq!(norm("على"), "علي");
        assert_eq!(norm("کتاب یک"), "كتاب يك");
        assert_eq!(norm("الســـلام"), "السلام");
        assert_eq!(norm("ﻻ"), "لا"); // presentation form of lam-alef
        assert_eq!(norm("مدرسة"), "مدرسة");
        assert_eq!(
            norm_with("مدرسة", NormOptions { teh_marbuta: true }),
            "مدرسه"
        );
        assert_eq!(norm("١٬٢٣٤٫٥"), "1,234.5");
    }

    #[test]
    fn latin_rules_and_borrowing() {
        assert_eq!(norm("ÉCOLE"), "école");
        assert_eq!(norm("ﬁne"), "fine");
        assert_eq!(norm("ＡＢＣ"), "abc");
        assert_eq!(norm("company’s"), "company's");
        assert!(matches!(norm("lower"), Cow::Borrowed(_)));
        assert!(matches!(norm("كتاب"), Cow::Borrowed(_)));
        assert_eq!(norm_if_changed("كتاب", NormOptions::default()), None);
        assert_eq!(
            norm_if_changed("Bush", NormOptions::default()).as_deref(),
            Some("bush")
        );
    }
}
