//! Town names that are also everyday words, tagged only where a place noun introduces them.
//!
//! Many towns' names are ordinary words too: الباب (the door), الطبقة (the layer), التل (the hill),
//! الميادين (the squares). The built-in list leaves them out, since matching them everywhere would
//! tag the words (`data/lists/build_lists.py`). A place noun in construct before them settles it:
//! مدينة الباب, بلدة التل, and the coordinated names after a dual or plural one, منطقتي منبج
//! والطبقة. So a name of `data/lists/towns-context-ar.tsv` (GeoNames towns left out of the list
//! as everyday words) becomes a `LOC` mention when it follows a head of
//! `data/lists/place-heads-ar.tsv`, directly or as a later conjunct (و) of names that follow it,
//! each of which is a `LOC` mention already or such a town. A mention of the model with another
//! label right after the noun is relabelled `LOC` (بلدة معرة النعمان: the model had said PER); in
//! ANERcorp train a mention right after such a noun is `LOC` 190 times in 196.

use super::hash::FxHashSet;

use super::text::match_key_into;

/// Town names tagged only after a place noun (generated; see `data/lists/SOURCE.md`).
pub const BUILTIN_TOWNS_AR: &str = include_str!("../../data/lists/towns-context-ar.tsv");
/// Place nouns that introduce a name (written by hand; see `data/lists/SOURCE.md`).
pub const BUILTIN_PLACE_HEADS_AR: &str = include_str!("../../data/lists/place-heads-ar.tsv");

/// Proclitics a head noun may carry (بمدينة, ومدينة, لمدينة, فمدينة, كمدينة).
const HEAD_PROCLITICS: [char; 5] = ['و', 'ف', 'ب', 'ل', 'ك'];

/// A closed class of nouns that stand before a name in construct (place nouns, disease nouns),
/// by matching key, found with at most one attached proclitic.
#[derive(Debug, Clone, Default)]
pub struct HeadWords {
    words: FxHashSet<String>,
    /// The first letters of the words and the proclitics: most words start with none of them,
    /// and are passed over without a look-up.
    starts: Vec<char>,
}

impl HeadWords {
    /// The words of the first column of TSV text (`#` lines are comments).
    pub fn from_tsv(tsv: &str) -> Self {
        let words = first_column_keys(tsv);
        let mut starts: Vec<char> = words
            .iter()
            .filter_map(|h| h.chars().next())
            .chain(HEAD_PROCLITICS)
            .collect();
        starts.sort_unstable();
        starts.dedup();
        HeadWords { words, starts }
    }

    /// Whether the matching key `key` is one of the words, with at most one proclitic.
    pub fn contains(&self, key: &str) -> bool {
        if !key.chars().next().is_some_and(|c| self.starts.contains(&c)) {
            return false;
        }
        if self.words.contains(key) {
            return true;
        }
        let mut chars = key.chars();
        chars
            .next()
            .is_some_and(|c| HEAD_PROCLITICS.contains(&c) && self.words.contains(chars.as_str()))
    }
}

/// The conjunction that joins a later name to the ones before it.
const AND: char = 'و';

/// Place nouns and the town names they may introduce, by matching key.
#[derive(Debug, Clone, Default)]
pub struct ContextTowns {
    heads: HeadWords,
    towns: FxHashSet<String>,
}

/// Where the sentence already has mentions: for each token, whether a mention covers it, and
/// the end of the mention that starts there, if one does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TokenMention {
    /// A mention covers the token.
    pub covered: bool,
    /// One past the last token of the `LOC` mention that starts at this token.
    pub loc_end: Option<usize>,
    /// One past the last token of the model's mention with another label that starts at this
    /// token (a list's label is kept as its writer gave it).
    pub relabel_end: Option<usize>,
}

/// What a place noun introduces in one sentence.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlaceFinds {
    /// Towns to tag: the token, and the code points of its key left out of the mention (the
    /// conjunction of a later name).
    pub towns: Vec<(usize, usize)>,
    /// First tokens of the model's mentions to relabel `LOC`.
    pub relabel: Vec<usize>,
}

impl ContextTowns {
    /// The built-in heads and towns.
    pub fn builtin() -> Self {
        Self::from_tsv(BUILTIN_PLACE_HEADS_AR, BUILTIN_TOWNS_AR)
    }

    /// Heads and towns from TSV text (first column; `#` lines are comments). Only towns whose
    /// name has the article are kept: after a place noun an indefinite word is as often an
    /// adjective (مدينة حديثة, a modern city; مناطق ثورة) as a town (Haditha).
    pub fn from_tsv(heads: &str, towns: &str) -> Self {
        let mut towns = first_column_keys(towns);
        towns.retain(|t| t.starts_with("ال"));
        ContextTowns {
            heads: HeadWords::from_tsv(heads),
            towns,
        }
    }

    /// Whether `key` is a place noun, with at most one proclitic.
    fn is_head(&self, key: &str) -> bool {
        self.heads.contains(key)
    }

    /// What place nouns introduce in one sentence: `keys` are its tokens' matching keys and
    /// `mentions` what covers them (same length).
    pub fn find(&self, keys: &[&str], mentions: &[TokenMention]) -> PlaceFinds {
        let mut out = PlaceFinds::default();
        let n = keys.len().min(mentions.len());
        let mut i = 0;
        while i < n {
            if mentions[i].covered || !self.is_head(keys[i]) {
                i += 1;
                continue;
            }
            let mut j = i + 1;
            let mut first = true;
            while j < n {
                let mut key = keys[j];
                let mut stripped = 0;
                if !first {
                    // A later name must be joined by و, attached or (rarely) a token of its own.
                    if key == "و" && j + 1 < n {
                        j += 1;
                        key = keys[j];
                    } else if let Some(rest) = key.strip_prefix(AND) {
                        key = rest;
                        stripped = 1;
                    } else {
                        break;
                    }
                }
                if let Some(end) = mentions[j].loc_end {
                    j = end.max(j + 1);
                } else if let Some(end) = mentions[j].relabel_end.filter(|_| first) {
                    // Only right after the noun, where ANERcorp train's evidence is.
                    out.relabel.push(j);
                    j = end.max(j + 1);
                } else if !mentions[j].covered && self.towns.contains(key) {
                    out.towns.push((j, stripped));
                    j += 1;
                } else {
                    break;
                }
                first = false;
            }
            i = j.max(i + 1);
        }
        out
    }
}

/// The non-empty first column of each line of TSV text, trimmed (`#` lines are comments).
pub fn first_column(tsv: &str) -> impl Iterator<Item = &str> {
    tsv.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split('\t').next())
        .map(str::trim)
        .filter(|w| !w.is_empty())
}

/// The matching keys of the first column of TSV text (`#` lines are comments).
pub(crate) fn first_column_keys(tsv: &str) -> FxHashSet<String> {
    let mut key = String::new();
    first_column(tsv)
        .map(|w| {
            match_key_into(w, &mut key);
            key.clone()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<String> {
        let mut k = String::new();
        text.split_whitespace()
            .map(|w| {
                match_key_into(w, &mut k);
                k.clone()
            })
            .collect()
    }

    /// The towns found in `text`, whose `LOC` mentions are `mentions` (token ranges).
    fn find(text: &str, mentions: &[(usize, usize)]) -> Vec<(usize, usize)> {
        find_all(text, mentions, &[]).towns
    }

    /// What `text` gives, with `LOC` mentions `locs` and the model's other mentions `others`.
    fn find_all(text: &str, locs: &[(usize, usize)], others: &[(usize, usize)]) -> PlaceFinds {
        let t = ContextTowns::builtin();
        let keys = keys(text);
        let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
        let mut m = vec![TokenMention::default(); refs.len()];
        for (&(s, e), loc) in locs
            .iter()
            .map(|r| (r, true))
            .chain(others.iter().map(|r| (r, false)))
        {
            if loc {
                m[s].loc_end = Some(e);
            } else {
                m[s].relabel_end = Some(e);
            }
            for x in &mut m[s..e] {
                x.covered = true;
            }
        }
        t.find(&refs, &m)
    }

    #[test]
    fn a_model_mention_after_a_place_noun_is_relabelled() {
        // وهو مزارع من بلدة معرة النعمان: the model's PER mention (tokens 4..6) becomes LOC.
        let f = find_all("وهو مزارع من بلدة معرة النعمان", &[], &[(4, 6)]);
        assert_eq!(f.relabel, [4]);
        // Only right after the noun: a later conjunct keeps its label and ends the run.
        let f = find_all("منطقتي حلب وعفرين والباب", &[(1, 2)], &[(2, 3)]);
        assert!(f.relabel.is_empty() && f.towns.is_empty(), "{f:?}");
        let f = find_all("مدينتي عفرين والباب", &[], &[(1, 2)]);
        assert_eq!((f.relabel, f.towns), (vec![1], vec![(2, 1)]));
        // Not after a word that is no place noun.
        assert!(
            find_all("قال المزارع معرة النعمان", &[], &[(2, 4)])
                .relabel
                .is_empty()
        );
    }

    #[test]
    fn the_lists_hold_the_expected_words() {
        let t = ContextTowns::builtin();
        assert!(t.towns.contains("الباب") && t.towns.contains("الطبقه"));
        assert!(t.is_head("مدينه") && t.is_head("بمدينه") && t.is_head("منطقتي"));
        assert!(!t.is_head("المدينه"), "a definite noun is not in construct");
    }

    #[test]
    fn a_town_after_a_place_noun_is_tagged_and_the_word_alone_is_not() {
        assert_eq!(find("سيطرت القوات على مدينة الباب شمال حلب", &[]), [(4, 0)]);
        assert_eq!(find("وقعت اشتباكات بمدينة الباب", &[]), [(3, 0)]);
        assert!(find("فتح الباب أمام المفاوضات", &[]).is_empty());
        // A place noun before a word that is no town tags nothing; nor before a town's name
        // without the article, which is as often an adjective (حديثة: modern, and Haditha).
        assert!(find("مدينة كبيرة", &[]).is_empty());
        assert!(find("بناء مدينة حديثة", &[]).is_empty());
    }

    #[test]
    fn later_conjuncts_after_a_dual_noun_are_tagged_across_known_places() {
        // منطقتي منبج والطبقة: منبج is a list mention (tokens 1..2), والطبقة a town with و.
        assert_eq!(find("منطقتي منبج والطبقة غرب الفرات", &[(1, 2)]), [(2, 1)]);
        // A separate و token works too; a name not joined by و ends the run.
        assert_eq!(find("مدينتي الباب و التل", &[]), [(1, 0), (3, 0)]);
        assert_eq!(find("مدينة الباب التل", &[]), [(1, 0)]);
        // A covered token is never retagged.
        assert!(find("مدينة الباب", &[(0, 2)]).is_empty());
    }
}
