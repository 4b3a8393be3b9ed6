//! Entity lists (gazetteers): phrases with a label, matched against a sentence's tokens on
//! normalised forms ([`match_key`]) and tolerant of Arabic proclitics attached to the first
//! word, so that the entry قوات سوريا الديمقراطية finds لقوات سوريا الديمقراطية.
//!
//! The built-in lists (`data/lists/places-*.tsv` from Unicode CLDR, `data/lists/towns-ar.tsv`
//! from GeoNames) are compiled into the binary; user lists are TSV files (`phrase<TAB>label`, `#` starts a comment line).

use crate::document::EntityLabel;
use crate::ner::hash::FxHashMap;
use crate::ner::text::{for_each_proclitic_split, is_capitalised, match_key};

/// The built-in Arabic list of territories and major cities (CLDR).
pub const BUILTIN_AR: &str = include_str!("../../data/lists/places-ar.tsv");
/// The built-in Arabic list of towns of Arab countries (GeoNames), for Arabic documents only:
/// the list keeps out names that are everyday Arabic words, but not those that are everyday
/// words of other languages written in Arabic script (تازة, a Moroccan town, is Persian تازه,
/// "new").
pub const BUILTIN_TOWNS_AR: &str = include_str!("../../data/lists/towns-ar.tsv");
/// The built-in English list (territories and major cities, CLDR).
pub const BUILTIN_EN: &str = include_str!("../../data/lists/places-en.tsv");

/// One phrase of a list, keyed by its first word.
#[derive(Debug, Clone, PartialEq)]
struct ListEntry {
    /// Keys of the words after the first.
    rest: Vec<String>,
    label: EntityLabel,
    /// The entry starts with a capital letter: a token only matches when it does too (so that
    /// the list entry `Turkey` does not match the bird).
    needs_capital: bool,
}

/// A match of a list entry in a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListMatch {
    /// First token of the match (index into the slice given to [`EntityList::find`]).
    pub tok_start: usize,
    /// One past the last token.
    pub tok_end: usize,
    /// Code points of proclitics attached to the first token and left out of the entity.
    pub stripped: usize,
    /// The entry's label.
    pub label: EntityLabel,
}

/// A set of labelled phrases, ready for matching.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EntityList {
    by_first: FxHashMap<String, Vec<ListEntry>>,
    entries: usize,
}

/// Splits a phrase into the words the tokenizer would give: whitespace-separated, with
/// punctuation at either end of a word split off as its own token (`St. Kitts` → `St`, `.`,
/// `Kitts`; inner punctuation such as in `Guinea-Bissau` stays).
pub fn phrase_words(phrase: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for word in phrase.split_whitespace() {
        let is_punct = |c: char| !c.is_alphanumeric();
        let core_start = word.find(|c: char| !is_punct(c)).unwrap_or(word.len());
        let core_end = word
            .rfind(|c: char| !is_punct(c))
            .map(|i| i + word[i..].chars().next().map_or(1, char::len_utf8))
            .unwrap_or(core_start);
        for (i, c) in word[..core_start].char_indices() {
            out.push(&word[i..i + c.len_utf8()]);
        }
        if core_end > core_start {
            out.push(&word[core_start..core_end]);
        }
        for (i, c) in word[core_end..].char_indices() {
            out.push(&word[core_end + i..core_end + i + c.len_utf8()]);
        }
    }
    out
}

impl EntityList {
    /// An empty list.
    pub fn new() -> Self {
        EntityList::default()
    }

    /// How many phrases the list holds.
    pub fn len(&self) -> usize {
        self.entries
    }

    /// The label of the list's one-word phrase whose matching key is `key`, if there is one.
    pub fn single_word_label(&self, key: &str) -> Option<EntityLabel> {
        self.by_first
            .get(key)?
            .iter()
            .find(|e| e.rest.is_empty())
            .map(|e| e.label)
    }

    /// Whether the list holds no phrase.
    pub fn is_empty(&self) -> bool {
        self.entries == 0
    }

    /// Adds one phrase. Empty phrases are ignored.
    pub fn add(&mut self, phrase: &str, label: EntityLabel) {
        let words = phrase_words(phrase);
        let Some((first, rest)) = words.split_first() else {
            return;
        };
        let entry = ListEntry {
            rest: rest.iter().map(|w| match_key(w)).collect(),
            label,
            needs_capital: is_capitalised(first),
        };
        self.by_first
            .entry(match_key(first))
            .or_default()
            .push(entry);
        self.entries += 1;
    }

    /// Adds every phrase of a TSV text (`phrase<TAB>label` per line; blank lines and lines
    /// starting with `#` are skipped). `origin` names the text in error messages.
    pub fn add_tsv(&mut self, text: &str, origin: &str) -> Result<(), String> {
        for row in tsv_rows(text, origin, "phrase<TAB>label") {
            let (n, phrase, label) = row?;
            let label_text = label.trim().to_ascii_uppercase();
            let Some(label) = EntityLabel::parse(&label_text) else {
                return Err(format!(
                    "{origin}:{n}: unknown label `{}` (use PER, LOC, ORG or MISC)",
                    label.trim()
                ));
            };
            self.add(phrase.trim(), label);
        }
        Ok(())
    }

    /// A list from a TSV text (see [`EntityList::add_tsv`]).
    pub fn from_tsv(text: &str, origin: &str) -> Result<Self, String> {
        let mut list = EntityList::new();
        list.add_tsv(text, origin)?;
        Ok(list)
    }

    /// The built-in list for a language (`ar`, `en`), or an empty list for other languages.
    /// Other languages may still match the built-in entries of both (see
    /// [`EntityList::builtin_all`]).
    pub fn builtin(lang: &str) -> Self {
        let texts: &[&str] = match lang {
            "ar" => &[BUILTIN_AR, BUILTIN_TOWNS_AR],
            "en" => &[BUILTIN_EN],
            _ => &[],
        };
        EntityList::of_builtin(texts)
    }

    /// The built-in territories and cities of both languages (not the Arab towns), for
    /// documents in other languages.
    pub fn builtin_all() -> Self {
        EntityList::of_builtin(&[BUILTIN_AR, BUILTIN_EN])
    }

    fn of_builtin(texts: &[&str]) -> Self {
        let mut list = EntityList::new();
        for text in texts {
            // The built-in lists are part of the source tree and checked by tests: a malformed
            // one fails the tests, not the run.
            let _ = list.add_tsv(text, "built-in list");
        }
        list
    }

    /// Finds matches in a sentence, greedily from left to right, longest first; matches do not
    /// overlap. `keys[i]` is the [`match_key`] of token `i` and `surfaces[i]` its text.
    pub fn find(&self, keys: &[&str], surfaces: &[&str]) -> Vec<ListMatch> {
        let mut out = Vec::new();
        if self.entries == 0 {
            return out;
        }
        let mut buf = String::new();
        let mut i = 0;
        while i < keys.len() {
            let mut best: Option<ListMatch> = None;
            let mut consider = |stripped: usize, first: &str| {
                let Some(entries) = self.by_first.get(first) else {
                    return;
                };
                for e in entries {
                    let end = i + 1 + e.rest.len();
                    if end > keys.len() {
                        continue;
                    }
                    if e.needs_capital && !is_capitalised(surfaces.get(i).copied().unwrap_or("")) {
                        continue;
                    }
                    if !e.rest.iter().zip(&keys[i + 1..end]).all(|(a, b)| a == b) {
                        continue;
                    }
                    let better = match best {
                        None => true,
                        Some(b) => end > b.tok_end || (end == b.tok_end && stripped < b.stripped),
                    };
                    if better {
                        best = Some(ListMatch {
                            tok_start: i,
                            tok_end: end,
                            stripped,
                            label: e.label,
                        });
                    }
                }
            };
            consider(0, keys[i]);
            for_each_proclitic_split(keys[i], &mut buf, &mut consider);
            match best {
                Some(m) => {
                    out.push(m);
                    i = m.tok_end;
                }
                None => i += 1,
            }
        }
        out
    }
}

/// The rows of a two-column TSV text: `(line number from 1, first column, second column)`, the
/// columns untrimmed; blank lines and lines starting with `#` are skipped. A line without a tab
/// is an error naming `origin`, the line and the expected `columns` (e.g. `phrase<TAB>label`).
pub fn tsv_rows<'a>(
    text: &'a str,
    origin: &'a str,
    columns: &'a str,
) -> impl Iterator<Item = Result<(usize, &'a str, &'a str), String>> + 'a {
    text.lines().enumerate().filter_map(move |(n, line)| {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            return None;
        }
        Some(match line.split_once('\t') {
            Some((first, second)) => Ok((n + 1, first, second)),
            None => Err(format!(
                "{origin}:{}: expected `{columns}`, found no tab",
                n + 1
            )),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(list: &EntityList, sentence: &str) -> Vec<(usize, usize, usize, EntityLabel)> {
        let words: Vec<&str> = sentence.split(' ').collect();
        let keys: Vec<String> = words.iter().map(|w| match_key(w)).collect();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        list.find(&keys, &words)
            .into_iter()
            .map(|m| (m.tok_start, m.tok_end, m.stripped, m.label))
            .collect()
    }

    #[test]
    fn matches_with_attached_proclitics() {
        let list = EntityList::from_tsv("قوات سوريا الديمقراطية\tORG\n", "t").unwrap();
        assert_eq!(
            find(&list, "هاجمت لقوات سوريا الديمقراطية مواقع"),
            vec![(1, 4, 1, EntityLabel::Org)]
        );
        assert_eq!(
            find(&list, "وقوات سوريا الديمقراطية"),
            vec![(0, 3, 1, EntityLabel::Org)]
        );
        assert!(find(&list, "قوات سوريا").is_empty());
    }

    #[test]
    fn article_merged_with_preposition() {
        let list = EntityList::from_tsv("الإمارات العربية المتحدة\tLOC\n", "t").unwrap();
        assert_eq!(
            find(&list, "زار وللإمارات العربية المتحدة"),
            vec![(1, 4, 2, EntityLabel::Loc)]
        );
    }

    #[test]
    fn longest_match_wins_and_capitals_are_required() {
        let list = EntityList::from_tsv(
            "# comment\nUnited States\tLOC\nUnited\tORG\nTurkey\tLOC\n",
            "t",
        )
        .unwrap();
        assert_eq!(
            find(&list, "the United States of"),
            vec![(1, 3, 0, EntityLabel::Loc)]
        );
        assert!(find(&list, "roast turkey").is_empty());
        assert!(find(&list, "the united states").is_empty());
        assert_eq!(find(&list, "in Turkey"), vec![(1, 2, 0, EntityLabel::Loc)]);
    }

    #[test]
    fn bad_lines_are_errors() {
        assert!(EntityList::from_tsv("Damascus LOC\n", "x.tsv").is_err());
        let err = EntityList::from_tsv("Damascus\tCITY\n", "x.tsv").unwrap_err();
        assert!(err.contains("x.tsv:1"), "{err}");
    }

    #[test]
    fn builtin_lists_parse_and_hold_capitals() {
        let ar = EntityList::from_tsv(BUILTIN_AR, "ar").unwrap();
        let towns = EntityList::from_tsv(BUILTIN_TOWNS_AR, "towns").unwrap();
        let en = EntityList::from_tsv(BUILTIN_EN, "en").unwrap();
        assert!(ar.len() > 300 && towns.len() > 200 && en.len() > 300);
        assert_eq!(EntityList::builtin("ar").len(), ar.len() + towns.len());
        assert_eq!(find(&ar, "في دمشق"), vec![(1, 2, 0, EntityLabel::Loc)]);
        assert_eq!(find(&ar, "من بسوريا"), vec![(1, 2, 1, EntityLabel::Loc)]);
        assert_eq!(
            find(&en, "flew to St . Kitts"),
            vec![(2, 5, 0, EntityLabel::Loc)]
        );
        assert_eq!(
            phrase_words("St. Kitts & Nevis"),
            vec!["St", ".", "Kitts", "&", "Nevis"]
        );
    }
}
