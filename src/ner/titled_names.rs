//! People named after a title and a nisba adjective: العالم الألماني هيزنبرغ, المدرب البرتغالي
//! مورينيو.
//!
//! News and encyclopaedic Arabic introduces a foreign person by office or occupation and
//! nationality before the name. The Arabic model knows the names of its training news; a name
//! it has never seen, after such a phrase, it often leaves untagged. A definite title noun
//! (`data/lists/person-titles-ar.tsv`, written by hand: الرئيس, العالم, الكاتب, المدرب...), one
//! or two definite nisba adjectives after it ([`is_nisba`]), and then an untagged word that reads
//! as a name make that word a `PER` mention, with up to two more such words after it
//! (ولفجانج باولي). What reads as a name is decided by the caller from the lexicon: a word of the
//! personal-name list, or a rare word (see `titled_names` in `src/stages/entities.rs`); a word with
//! the article or an attached proclitic never does.

use crate::ner::hash::FxHashSet;
use crate::ner::org_phrases::is_nisba;
use crate::ner::place_context::first_column_keys;
use crate::ner::text::for_each_proclitic_split;

/// The title nouns (written by hand; see `data/lists/SOURCE.md`).
pub const BUILTIN_PERSON_TITLES_AR: &str = include_str!("../../data/lists/person-titles-ar.tsv");

/// The most nisba adjectives between a title and the name.
const MAX_NISBAS: usize = 2;

/// The most words of one name.
const MAX_NAME_WORDS: usize = 3;

/// Definite title nouns, by matching key.
#[derive(Debug, Clone, Default)]
pub struct TitleNouns {
    keys: FxHashSet<String>,
}

/// How a word after the title phrase reads, as the caller judges it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameWord {
    /// Inside a mention already, or not a name: the phrase ends before it.
    No,
    /// May be a name's first word.
    First,
    /// May be a name's first or a later word.
    Any,
}

impl TitleNouns {
    /// The built-in titles.
    pub fn builtin() -> Self {
        TitleNouns {
            keys: first_column_keys(BUILTIN_PERSON_TITLES_AR),
        }
    }

    /// The number of titles.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Whether the matching key `key` is a title, alone or with attached proclitics (للإمام,
    /// والرئيس). `buf` is scratch space.
    pub fn is_title(&self, key: &str, buf: &mut String) -> bool {
        if self.keys.contains(key) {
            return true;
        }
        let mut found = false;
        for_each_proclitic_split(key, buf, |_, rest| found |= self.keys.contains(rest));
        found
    }

    /// The names in a sentence, as token ranges: `keys[i]` is the matching key of token `i`, and
    /// `word(i)` says whether token `i` may be a name's word.
    pub fn find(
        &self,
        keys: &[&str],
        mut word: impl FnMut(usize) -> NameWord,
    ) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < keys.len() {
            // A title phrase needs a nisba after the title: that test is cheaper than the
            // title's hash lookup, and fails for nearly every word.
            if !(keys.get(i + 1).is_some_and(|k| is_nisba(k)) && self.keys.contains(keys[i])) {
                i += 1;
                continue;
            }
            let mut j = i + 1;
            while j < keys.len() && j - i <= MAX_NISBAS && is_nisba(keys[j]) {
                j += 1;
            }
            if j == i + 1 || j >= keys.len() || word(j) == NameWord::No {
                i = j.max(i + 1);
                continue;
            }
            let mut end = j + 1;
            while end < keys.len() && end - j < MAX_NAME_WORDS && word(end) == NameWord::Any {
                end += 1;
            }
            out.push((j, end));
            i = end;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::text::match_key;

    fn find(sentence: &str, names: &[&str], later: &[&str]) -> Vec<String> {
        let words: Vec<&str> = sentence.split(' ').collect();
        let keys: Vec<String> = words.iter().map(|w| match_key(w)).collect();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let word = |i: usize| {
            if later.contains(&words[i]) {
                NameWord::Any
            } else if names.contains(&words[i]) {
                NameWord::First
            } else {
                NameWord::No
            }
        };
        TitleNouns::builtin()
            .find(&keys, word)
            .into_iter()
            .map(|(a, b)| words[a..b].join(" "))
            .collect()
    }

    #[test]
    fn a_title_and_a_nisba_introduce_a_name() {
        assert!(TitleNouns::builtin().len() >= 40);
        let s = "نجح العالم الألماني هيزنبرج في ذلك";
        assert_eq!(find(s, &["هيزنبرج"], &[]), ["هيزنبرج"]);
        // Two nisbas, and a name of two words.
        let s = "صاغه العالم الفيزيائي النمساوي ولفجانج باولي عام 1925";
        assert_eq!(find(s, &[], &["ولفجانج", "باولي"]), ["ولفجانج باولي"]);
        // A later word must be able to continue a name.
        assert_eq!(find(s, &["ولفجانج", "باولي"], &[]), ["ولفجانج"]);
    }

    #[test]
    fn titles_are_known_with_their_proclitics() {
        let titles = TitleNouns::builtin();
        let mut buf = String::new();
        for w in ["الإمام", "للإمام", "والرئيس", "بالشيخ"] {
            assert!(titles.is_title(&match_key(w), &mut buf), "{w}");
        }
        for w in ["إمام", "الحسين", "رئيس"] {
            assert!(!titles.is_title(&match_key(w), &mut buf), "{w}");
        }
    }

    #[test]
    fn no_name_without_the_title_phrase_or_a_name_word() {
        // No nisba between title and word.
        assert!(find("قال الرئيس هيزنبرج ذلك", &["هيزنبرج"], &[]).is_empty());
        // No title.
        assert!(find("قال الألماني هيزنبرج ذلك", &["هيزنبرج"], &[]).is_empty());
        // The word after the phrase is no name word.
        assert!(find("في العالم العربي اليوم", &[], &[]).is_empty());
        // An indefinite title is a description, not a title phrase.
        assert!(find("وهو عالم ألماني هيزنبرج", &["هيزنبرج"], &[]).is_empty());
    }
}
