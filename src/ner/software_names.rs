//! The whole Latin-script name around a software name in Arabic text: Solaris 10, UNIX System V
//! Release 4, GNU / Linux, Microsoft Windows.
//!
//! Arabic writing on computing gives the names of systems and their versions in Latin script,
//! inside Arabic sentences (ظهرت نسخة Solaris 9 ثم ...). The technical terms
//! (`crate::ner::tech_terms`) find the software name itself, Solaris; the version, the edition
//! and the names joined to it are the rest of the same name. Here a name is a stretch of Latin
//! words that start with a capital letter (or mix letters and digits: v6), numbers and the
//! joiners `/ & -` between two of them, within one sentence. A number never starts one, and a
//! lowercase word (kernel, version) ends one. A stretch whose last word says that it names an
//! organisation (Linux Foundation, GNU Project) is no software name and is not taken.

use crate::document::{Token, TokenKind};
use crate::ner::text::{Script, script_of};

/// Joiners that may stand between two parts of a name (GNU / Linux, AT & T, Wi-Fi).
const JOINERS: [&str; 3] = ["/", "&", "-"];

/// Last words that make a name an organisation's, not a product's.
const ORGANISATION_TAILS: [&str; 14] = [
    "Foundation",
    "Project",
    "Group",
    "Inc",
    "Corporation",
    "Corp",
    "Company",
    "Consortium",
    "Organization",
    "Organisation",
    "Institute",
    "Association",
    "Society",
    "Labs",
];

/// What a token is to a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// A Latin word with a capital first letter, or of letters and digits.
    Word,
    /// An ASCII number: inside or at the end of a name.
    Number,
    /// One of [`JOINERS`]: only between two parts.
    Joiner,
    /// Anything else ends a name.
    Outside,
}

fn part(token: &Token, surface: &str) -> Part {
    match token.kind {
        TokenKind::Word if script_of(surface) == Script::Latin => {
            let capital = surface.chars().next().is_some_and(char::is_uppercase);
            let coded = surface.bytes().any(|b| b.is_ascii_digit());
            if capital || coded {
                Part::Word
            } else {
                Part::Outside
            }
        }
        TokenKind::Number if surface.bytes().all(|b| b.is_ascii_digit()) => Part::Number,
        TokenKind::Punct | TokenKind::Symbol if JOINERS.contains(&surface) => Part::Joiner,
        _ => Part::Outside,
    }
}

/// The name that holds tokens `a..b` (a software name), as a token range within `sentence`
/// (the range of the sentence's tokens): `a..b` widened to the left over words and joiners
/// between words, and to the right over words, numbers and joiners between them. `surface(i)`
/// is token `i`'s text. `None` when the widened name ends with one of [`ORGANISATION_TAILS`].
pub fn software_name<'s>(
    tokens: &[Token],
    surface: impl Fn(usize) -> &'s str,
    (first, end): (usize, usize),
    (a, b): (usize, usize),
) -> Option<(usize, usize)> {
    let part_at = |i: usize| part(&tokens[i], surface(i));
    let (mut start, mut stop) = (a, b);
    while start > first {
        match part_at(start - 1) {
            Part::Word => start -= 1,
            Part::Joiner if start - 1 > first && part_at(start - 2) == Part::Word => start -= 2,
            _ => break,
        }
    }
    while stop < end {
        match part_at(stop) {
            Part::Word | Part::Number => stop += 1,
            Part::Joiner
                if stop + 1 < end && matches!(part_at(stop + 1), Part::Word | Part::Number) =>
            {
                stop += 2
            }
            _ => break,
        }
    }
    let last = surface(stop - 1).trim_end_matches('.');
    (!ORGANISATION_TAILS.contains(&last)).then_some((start, stop))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::BioTag;

    /// Tokens of `text` split at spaces, one sentence: digits only make a number, letters and
    /// digits a word, anything else punctuation.
    fn tokens(text: &str) -> (Vec<Token>, Vec<&str>) {
        let words: Vec<&str> = text.split(' ').collect();
        let tokens = words
            .iter()
            .map(|w| Token {
                kind: if w.chars().all(|c| c.is_ascii_digit()) {
                    TokenKind::Number
                } else if w.chars().all(|c| c.is_alphanumeric()) {
                    TokenKind::Word
                } else {
                    TokenKind::Punct
                },
                sent_idx: 0,
                start: 0,
                end: 0,
                byte_start: 0,
                byte_end: 0,
                norm: None,
                segments: Default::default(),
                ner: BioTag::O,
            })
            .collect();
        (tokens, words)
    }

    fn name(text: &str, a: usize, b: usize) -> Option<String> {
        let (tokens, words) = tokens(text);
        software_name(&tokens, |i| words[i], (0, words.len()), (a, b))
            .map(|(s, e)| words[s..e].join(" "))
    }

    #[test]
    fn versions_editions_and_joined_names_are_taken() {
        assert_eq!(
            name("ظهرت نسخة Solaris 9 ثم", 2, 3).as_deref(),
            Some("Solaris 9")
        );
        assert_eq!(
            name("بإصدار UNIX System V Release 4 عام", 1, 2).as_deref(),
            Some("UNIX System V Release 4")
        );
        assert_eq!(
            name("بنظام GNU / Linux و", 3, 4).as_deref(),
            Some("GNU / Linux")
        );
        assert_eq!(name("مع UNIX v6 و", 1, 2).as_deref(), Some("UNIX v6"));
        assert_eq!(
            name("نظام Microsoft Windows .", 2, 3).as_deref(),
            Some("Microsoft Windows")
        );
    }

    #[test]
    fn lowercase_words_numbers_first_and_lone_joiners_end_a_name() {
        assert_eq!(name("نواة Linux kernel من", 1, 2).as_deref(), Some("Linux"));
        assert_eq!(name("في 2001 Solaris و", 2, 3).as_deref(), Some("Solaris"));
        assert_eq!(name("نظام Linux / و", 1, 2).as_deref(), Some("Linux"));
        assert_eq!(
            name("نظام Windows 3 . 11", 1, 2).as_deref(),
            Some("Windows 3")
        );
    }

    #[test]
    fn an_organisations_name_is_not_a_software_name() {
        assert_eq!(name("أسست Linux Foundation عام", 1, 2), None);
        assert_eq!(name("ضمن GNU Project في", 1, 2), None);
    }
}
