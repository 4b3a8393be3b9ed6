//! Software and technology companies' names written in Arabic script (لينكس, ويندوز, أندرويد;
//! هواوي, سوني, مايكروسوفت).
//!
//! The Arabic model learned its labels from news of the early 2000s, which names little software
//! and few of today's technology companies: it leaves most such names untagged or takes them for
//! organisations, people or places. The technical-terms list (`crate::ner::tech_terms`) knows
//! their Latin spellings only. `data/lists/tech-names-ar.tsv` (written by hand) gives Arabic
//! spellings of the list's `MISC` entries (software) and `ORG` entries (companies), each tied to
//! its term, so that the two lists cannot drift apart: a spelling whose term is not a `MISC` or
//! `ORG` entry of the technical-terms list is an error.
//!
//! In an Arabic document the `entities` stage makes an untagged spelling a mention with its
//! term's label (origin `list`), matched like any list entry (normalised, tolerant of attached
//! proclitics: ولينكس), and relabels the Arabic model's mention that covers exactly a spelling:
//! a software name becomes `MISC` (لينكس tagged `ORG`), a company `ORG` from `PER` or `LOC`
//! (هواوي tagged `PER`; a `MISC` mention of a company's name is its product and stays). A mention
//! that overlaps a spelling otherwise is left alone (option `tech_terms`).

use crate::document::EntityLabel;
use crate::ner::arabic_names::ArabicNames;
use crate::ner::lists::tsv_rows;
use crate::ner::tech_terms::{TechTerms, TermAction};

/// The built-in Arabic spellings (written by hand; see `data/lists/SOURCE.md`).
pub const BUILTIN_TECH_NAMES_AR: &str = include_str!("../../data/lists/tech-names-ar.tsv");

/// The built-in spellings, checked against the built-in technical terms.
pub fn builtin(terms: &TechTerms) -> Result<ArabicNames, String> {
    from_tsv(BUILTIN_TECH_NAMES_AR, terms).map_err(|e| format!("built-in tech-names-ar.tsv: {e}"))
}

/// Spellings from TSV text `arabic<TAB>term` (`#` lines are comments); each term must be a
/// `MISC` or `ORG` entry of `terms`, whose label the spelling takes.
pub fn from_tsv(tsv: &str, terms: &TechTerms) -> Result<ArabicNames, String> {
    let mut names = ArabicNames::default();
    for row in tsv_rows(tsv, "tech-names-ar.tsv", "arabic<TAB>term") {
        let (n, spelling, term) = row?;
        let (spelling, term) = (spelling.trim(), term.trim());
        let label = match terms.lookup(term).map(|(_, t)| t.action) {
            Some(TermAction::Misc) => EntityLabel::Misc,
            Some(TermAction::Org) => EntityLabel::Org,
            _ => {
                return Err(format!(
                    "line {n}: {term:?} is not a MISC or ORG entry of the technical terms"
                ));
            }
        };
        names.insert(spelling, label, &format!("line {n}"))?;
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::text::match_key;

    fn names() -> ArabicNames {
        builtin(&TechTerms::builtin().unwrap()).unwrap()
    }

    fn spans(names: &ArabicNames, sentence: &str) -> Vec<(usize, usize, usize)> {
        let found = names.find_in_words(sentence);
        found
            .into_iter()
            .map(|m| (m.tok_start, m.tok_end, m.stripped))
            .collect()
    }

    #[test]
    fn the_built_in_spellings_parse() {
        assert!(names().len() >= 50);
    }

    #[test]
    fn every_match_starts_where_the_quick_test_says_one_may() {
        let names = names();
        for sentence in [
            "ولينكس يعمل",
            "فبلينكس",
            "يدعم نظام ماك أو إس",
            "كروم العنب",
            "وللينكس",
        ] {
            let words: Vec<&str> = sentence.split(' ').collect();
            let keys: Vec<String> = words.iter().map(|w| match_key(w)).collect();
            let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
            for m in names.find(&refs, &words) {
                assert!(names.may_start(refs[m.tok_start]), "{sentence}");
            }
        }
        assert!(names.may_start("ولينكس") && !names.may_start("العنب"));
    }

    #[test]
    fn spellings_match_with_proclitics_and_over_several_words() {
        let names = names();
        // "and Linux runs on a computer": the conjunction is left out of the mention.
        assert_eq!(spans(&names, "ولينكس يعمل على الحاسوب"), vec![(0, 1, 1)]);
        assert_eq!(spans(&names, "يدعم نظام ماك أو إس ذلك"), vec![(2, 5, 0)]);
        // Alef variants fold: اندرويد without its hamza.
        assert_eq!(spans(&names, "هاتف اندرويد جديد"), vec![(1, 2, 0)]);
        // Everyday words are not spellings: كروم ("vines").
        assert!(spans(&names, "كروم العنب في الجبل").is_empty());
    }

    #[test]
    fn a_spelling_must_name_a_misc_or_org_term() {
        let terms = TechTerms::builtin().unwrap();
        assert!(from_tsv("لينكس\tLinux\n", &terms).is_ok());
        assert!(from_tsv("هواوي\tHuawei\n", &terms).is_ok());
        // API is a `drop` entry, Rust a `MISC-code` one, Stripe an `ORG-code` one.
        for bad in [
            "واجهة\tAPI\n",
            "رست\tRust\n",
            "سترايب\tStripe\n",
            "كلمة\tNoSuchTerm\n",
            "\tLinux\n",
        ] {
            assert!(from_tsv(bad, &terms).is_err(), "{bad}");
        }
    }
}
