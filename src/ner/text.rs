//! Word forms used by the entity tagger: the matching key of a word (letter-normalised, case
//! folded), the ways to peel attached Arabic proclitics off a key, and a word's script and shape.
//!
//! All functions here are pure and allocation-light: the key is written into a caller's buffer.

/// Writes the matching key of `word` into `out` (cleared first): Arabic diacritics, tatweel and
/// format characters removed; alef variants (أ إ آ ٱ) folded to ا, ى to ي, ة to ه; Arabic-Indic
/// digits to ASCII; everything else lower-cased. The key is idempotent: `key(key(w)) == key(w)`.
pub fn match_key_into(word: &str, out: &mut String) {
    out.clear();
    for c in word.chars() {
        match c {
            // Harakat, Quranic marks, superscript alef, tatweel, zero-width and bidi controls.
            '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' | '\u{200B}'..='\u{200F}' => {}
            '\u{06D6}'..='\u{06ED}' | '\u{FEFF}' | '\u{00AD}' => {}
            'أ' | 'إ' | 'آ' | 'ٱ' => out.push('ا'),
            'ى' => out.push('ي'),
            'ة' => out.push('ه'),
            '٠'..='٩' => out.push(char::from(b'0' + (c as u32 - '٠' as u32) as u8)),
            '۰'..='۹' => out.push(char::from(b'0' + (c as u32 - '۰' as u32) as u8)),
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            // Arabic letters have no case: skip the Unicode case tables.
            '\u{0621}'..='\u{06FF}' => out.push(c),
            c => out.extend(c.to_lowercase()),
        }
    }
}

/// The matching key of `word` as a new string (see [`match_key_into`]).
pub fn match_key(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    match_key_into(word, &mut out);
    out
}

/// `s` without its first `n` code points (empty when it has fewer).
pub fn skip_chars(s: &str, n: usize) -> &str {
    s.char_indices().nth(n).map_or("", |(at, _)| &s[at..])
}

/// One way to read a key as proclitics + rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcliticSplit {
    /// How many code points of the key the proclitics take.
    pub stripped: usize,
    /// The rest of the word, as a key. When a preposition ل merged with the article (لل), the
    /// article is restored here (للامارات → الامارات) and `stripped` counts only the ل.
    pub rest: String,
}

/// The shortest rest a proclitic split may leave, in code points.
const MIN_REST: usize = 2;

/// Calls `f(stripped, rest)` for every reading of `key` (a [`match_key`]) as Arabic
/// proclitics followed by a rest, the bare key excluded: an optional conjunction (و, ف), then an optional preposition
/// (ب, ل, ك). The article ال stays in the rest, so list entries written with or without it
/// match as written; when ل merged with the article (لل) the article's alef is given back
/// (للامارات → الامارات). Rests shorter than two code points are skipped. `buf` is scratch space.
pub fn for_each_proclitic_split(key: &str, buf: &mut String, mut f: impl FnMut(usize, &str)) {
    let first = key.chars().next();
    if !matches!(first, Some('و' | 'ف' | 'ب' | 'ل' | 'ك')) {
        return;
    }
    let conj: [(usize, Option<&str>); 2] = [(0, Some(key)), (1, key.strip_prefix(['و', 'ف']))];
    for (conj_len, after_conj) in conj {
        let Some(after_conj) = after_conj else {
            continue;
        };
        let prep: [(usize, Option<&str>); 2] = [
            (0, Some(after_conj)),
            (1, after_conj.strip_prefix(['ب', 'ل', 'ك'])),
        ];
        for (prep_len, rest) in prep {
            let Some(rest) = rest else { continue };
            let stripped = conj_len + prep_len;
            if stripped == 0 {
                continue;
            }
            let rest_len = rest.chars().count();
            if rest_len >= MIN_REST {
                f(stripped, rest);
            }
            if prep_len == 1 && after_conj.starts_with("لل") && rest_len > MIN_REST {
                buf.clear();
                buf.push('ا');
                buf.push_str(rest);
                f(stripped, buf);
            }
        }
    }
}

/// All readings of `key` as proclitics + rest (see [`for_each_proclitic_split`]), in order of
/// fewest stripped code points.
pub fn proclitic_splits(key: &str) -> Vec<ProcliticSplit> {
    let mut out = Vec::new();
    let mut buf = String::new();
    for_each_proclitic_split(key, &mut buf, |stripped, rest| {
        out.push(ProcliticSplit {
            stripped,
            rest: rest.to_string(),
        })
    });
    out.sort_by_key(|s| s.stripped);
    out
}

/// The script of a word, as far as the tagger cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Script {
    /// Arabic letters (any of the Arabic blocks).
    Arabic,
    /// Latin letters.
    Latin,
    /// Digits only.
    Digits,
    /// Punctuation and symbols only.
    Punct,
    /// Anything else or a mix.
    Other,
}

impl Script {
    /// A small stable number for feature hashing.
    pub fn id(self) -> u8 {
        self as u8
    }
}

fn is_arabic(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08FF}'
        | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
}

/// The class of a character for scripts and shapes, with fast paths for ASCII and the main
/// Arabic block (the Unicode tables are only consulted for other characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CharClass {
    Upper,
    Lower,
    Digit,
    /// An Arabic letter or mark.
    Arabic,
    /// A Latin letter without case distinction (rare) or a letter of another script.
    OtherLetter,
    /// A Latin letter outside ASCII (accented), upper or lower case.
    LatinUpper,
    LatinLower,
    Punct,
}

#[inline]
fn char_class(c: char) -> CharClass {
    if c.is_ascii() {
        return match c {
            'A'..='Z' => CharClass::Upper,
            'a'..='z' => CharClass::Lower,
            '0'..='9' => CharClass::Digit,
            _ => CharClass::Punct,
        };
    }
    match c {
        '\u{0660}'..='\u{0669}' | '\u{06F0}'..='\u{06F9}' => return CharClass::Digit,
        '\u{0621}'..='\u{065F}' | '\u{0670}'..='\u{06D3}' | '\u{06FA}'..='\u{06FC}' => {
            return CharClass::Arabic;
        }
        _ => {}
    }
    if c.is_numeric() {
        CharClass::Digit
    } else if c.is_alphabetic() {
        let latin = ('\u{00C0}'..='\u{024F}').contains(&c);
        if is_arabic(c) {
            CharClass::Arabic
        } else if latin && c.is_uppercase() {
            CharClass::LatinUpper
        } else if latin {
            CharClass::LatinLower
        } else if c.is_uppercase() {
            CharClass::Upper
        } else if c.is_lowercase() {
            CharClass::Lower
        } else {
            CharClass::OtherLetter
        }
    } else {
        CharClass::Punct
    }
}

/// The script of `word`: the script of all its letters when they agree, digits, punctuation,
/// or [`Script::Other`].
pub fn script_of(word: &str) -> Script {
    let (mut arabic, mut latin, mut digit, mut other, mut punct) = (0, 0, 0, 0, 0);
    for c in word.chars() {
        match char_class(c) {
            CharClass::Digit => digit += 1,
            CharClass::Arabic => arabic += 1,
            CharClass::LatinUpper | CharClass::LatinLower => latin += 1,
            CharClass::Upper | CharClass::Lower if c.is_ascii() => latin += 1,
            CharClass::Upper | CharClass::Lower | CharClass::OtherLetter => other += 1,
            CharClass::Punct => punct += 1,
        }
    }
    match (arabic, latin, other) {
        (a, 0, 0) if a > 0 => Script::Arabic,
        (0, l, 0) if l > 0 => Script::Latin,
        (0, 0, 0) if digit > 0 => Script::Digits,
        (0, 0, 0) if punct > 0 => Script::Punct,
        _ => Script::Other,
    }
}

/// A compact word shape: each character class (`X` upper, `x` lower, `d` digit, `a` Arabic
/// letter, `o` other letter; ASCII punctuation as itself, other punctuation `-`) with runs
/// collapsed, at most 6 classes (`McDonald` → `XxXx`), as a hash.
pub fn shape_hash(word: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut last = 0u8;
    let mut n = 0;
    for c in word.chars() {
        let class = match char_class(c) {
            CharClass::Upper | CharClass::LatinUpper => b'X',
            CharClass::Lower | CharClass::LatinLower => b'x',
            CharClass::Digit => b'd',
            CharClass::Arabic => b'a',
            CharClass::OtherLetter => b'o',
            // Punctuation keeps its own identity: it matters (U.S., 1,000, al-Assad).
            CharClass::Punct if c.is_ascii() => c as u8,
            CharClass::Punct => b'-',
        };
        if class != last {
            h = (h ^ u64::from(class)).wrapping_mul(0x100_0000_01b3);
            last = class;
            n += 1;
            if n == 6 {
                break;
            }
        }
    }
    h
}

/// Whether the word's first character is an upper-case letter.
pub fn is_capitalised(word: &str) -> bool {
    word.chars()
        .next()
        .is_some_and(|c| matches!(char_class(c), CharClass::Upper | CharClass::LatinUpper))
}

/// The Latin letters that may begin the Latin spelling of a word beginning with the Arabic letter
/// `c` (ب: B or P; ك: K, C or Q; a long vowel or ع: any vowel), or `None` for a character that
/// begins no Arabic word.
fn latin_initials(c: char) -> Option<&'static str> {
    Some(match c {
        'ا' | 'أ' | 'إ' | 'آ' | 'ع' => "AEIOU",
        'ب' => "BP",
        'ت' => "TC",
        'ث' => "TS",
        'ج' => "JG",
        'ح' | 'ه' => "H",
        'خ' => "KH",
        'د' | 'ض' => "D",
        'ذ' | 'ظ' => "DZ",
        'ر' => "R",
        'ز' => "ZS",
        'س' | 'ص' => "SC",
        'ش' => "SC",
        'ط' => "T",
        'غ' => "GR",
        'ف' => "FPV",
        'ق' => "QKCG",
        'ك' => "KCQ",
        'ل' => "L",
        'م' => "M",
        'ن' => "N",
        'و' => "WVOU",
        'ي' => "YJIE",
        _ => return None,
    })
}

/// Whether the Latin-script word `latin` may be the Latin spelling of the Arabic-script word
/// `arabic`, judged by their first letters (دونالد / Donald, كاندو / CANDU; not راديو /
/// Sputnik). A weak test, meant for a name and its gloss side by side.
pub fn initials_agree(arabic: &str, latin: &str) -> bool {
    let (Some(a), Some(l)) = (arabic.chars().next(), latin.chars().next()) else {
        return false;
    };
    let l = l.to_ascii_uppercase();
    latin_initials(a).is_some_and(|set| set.contains(l))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_agree_for_a_name_and_its_latin_spelling() {
        for (a, l) in [
            ("دونالد", "Donald"),
            ("ترامب", "Trump"),
            ("كاندو", "CANDU"),
            ("جورج", "George"),
            ("إيمانويل", "Emmanuel"),
            ("فيليب", "Philip"),
        ] {
            assert!(initials_agree(a, l), "{a} {l}");
        }
        for (a, l) in [
            ("راديو", "Sputnik"),
            ("منظمة", "IEEE"),
            ("نصية", "CLI"),
            ("", "X"),
            ("ترامب", ""),
        ] {
            assert!(!initials_agree(a, l), "{a} {l}");
        }
    }

    #[test]
    fn skip_chars_counts_code_points() {
        assert_eq!(skip_chars("بكورونا", 1), "كورونا");
        assert_eq!(skip_chars("abc", 0), "abc");
        assert_eq!(skip_chars("ab", 2), "");
        assert_eq!(skip_chars("ab", 5), "");
    }

    #[test]
    fn key_folds_letters_and_diacritics() {
        assert_eq!(match_key("الإمارات"), "الامارات");
        assert_eq!(match_key("مُصْطَفى"), "مصطفي");
        assert_eq!(match_key("سورية"), "سوريه");
        assert_eq!(match_key("London"), "london");
        assert_eq!(match_key("١٩٤٨"), "1948");
        assert_eq!(match_key("عـــربي"), "عربي");
        let k = match_key("الإمارات");
        assert_eq!(match_key(&k), k);
    }

    #[test]
    fn splits_cover_conjunction_preposition_and_article() {
        let rests: Vec<String> = proclitic_splits(&match_key("لقوات"))
            .into_iter()
            .map(|s| s.rest)
            .collect();
        assert_eq!(rests, vec!["قوات"]);
        let splits = proclitic_splits(&match_key("وللإمارات"));
        assert!(
            splits
                .iter()
                .any(|s| s.rest == "الامارات" && s.stripped == 2)
        );
        let splits = proclitic_splits(&match_key("والعراق"));
        assert!(splits.iter().any(|s| s.rest == "العراق" && s.stripped == 1));
        assert!(proclitic_splits("بر").is_empty());
        assert!(proclitic_splits("london").is_empty());
    }

    #[test]
    fn scripts_and_shapes() {
        assert_eq!(script_of("دمشق"), Script::Arabic);
        assert_eq!(script_of("Damascus"), Script::Latin);
        assert_eq!(script_of("2024"), Script::Digits);
        assert_eq!(script_of("،"), Script::Punct);
        assert_eq!(shape_hash("McDonald"), shape_hash("DeVito"));
        assert_ne!(shape_hash("London"), shape_hash("london"));
        assert!(is_capitalised("Paris"));
        assert!(!is_capitalised("paris"));
    }
}
