//! Arabic names whose label is known in advance, matched like the entity lists (normalised,
//! tolerant of attached proclitics) and checked first by a cheap test of each word: the Arabic
//! spellings of software and company names (`crate::ner::tech_names_ar`) and the news agencies
//! of Arabic datelines (الرياض (واس), عمان (بترا)).
//!
//! In an Arabic document the `entities` stage makes an untagged name a mention with its label
//! (origin `list`) and relabels the Arabic model's mention that covers exactly a name (an
//! organisation's only from `PER` or `LOC`: a `MISC` mention of a company's name is its product).
//!
//! News agencies. Arabic news opens with a dateline, the city and the agency's acronym in
//! brackets (الرياض (واس), دمشق (سانا)), and the model, trained on ANERcorp, reads the acronym
//! after a city as another place: واس and بترا came out `LOC` (and, before the tokenizer kept
//! them whole, as اس and ترا). Agencies are organisations in the CoNLL convention, and ANERcorp
//! tags قنا and رويترز `ORG` (though its two بترا `LOC`). `data/lists/news-agencies-ar.tsv` holds
//! one-word agency names only: ANERcorp leaves the spelled-out initials أ ف ب and د ب أ `O`, and
//! words such as بنا ("with us") and سبأ (Sheba) are left out.
//!
//! Car makers. The model knows few car makers (ANERcorp's news names few) and takes a make and
//! model for a person (شيفروليه بولت `PER`). `data/lists/car-makers-ar.tsv` holds makers whose
//! names are no everyday word or personal name; a maker is an `ORG`, and the model's `PER` or
//! `LOC` mention that starts with a maker's name and goes on is a model's name, `MISC` (a
//! product), in the `entities` stage.

use crate::document::EntityLabel;
use crate::ner::hash::FxHashSet;
use crate::ner::lists::{EntityList, ListMatch, phrase_words, tsv_rows};
use crate::ner::text::match_key;

/// The built-in news agencies (written by hand; see `data/lists/SOURCE.md`).
pub const BUILTIN_NEWS_AGENCIES_AR: &str = include_str!("../../data/lists/news-agencies-ar.tsv");
/// The built-in car makers (written by hand; see `data/lists/SOURCE.md`).
pub const BUILTIN_CAR_MAKERS_AR: &str = include_str!("../../data/lists/car-makers-ar.tsv");

/// Arabic names with their labels, ready for matching.
#[derive(Debug, Clone, Default)]
pub struct ArabicNames {
    list: EntityList,
    /// The matching keys a name's first token may have: its first word alone or with attached
    /// proclitics (a quick test before [`EntityList::find`]).
    starts: FxHashSet<String>,
    /// The first two characters of each of `starts`, packed ([`two_chars`]): most words fail
    /// this test without hashing the whole key.
    starts_two: FxHashSet<u64>,
}

/// A key's first two characters packed in a number (the first alone for a one-character key).
fn two_chars(key: &str) -> u64 {
    let mut chars = key.chars();
    let a = chars.next().map_or(0, u64::from);
    let b = chars.next().map_or(0, u64::from);
    (a << 32) | b
}

/// The proclitics [`EntityList::find`] reads before a first word (see
/// `crate::ner::text::for_each_proclitic_split`).
const PROCLITICS: [&str; 12] = [
    "", "و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك",
];

impl ArabicNames {
    /// The built-in news agencies.
    pub fn news_agencies() -> Result<Self, String> {
        Self::from_label_tsv(BUILTIN_NEWS_AGENCIES_AR, "news-agencies-ar.tsv")
    }

    /// The built-in car makers.
    pub fn car_makers() -> Result<Self, String> {
        Self::from_label_tsv(BUILTIN_CAR_MAKERS_AR, "car-makers-ar.tsv")
    }

    /// Names from TSV text `name<TAB>label` (`#` lines are comments; labels PER, LOC, ORG,
    /// MISC); `origin` names the text in errors.
    pub fn from_label_tsv(tsv: &str, origin: &str) -> Result<Self, String> {
        let mut names = ArabicNames::default();
        for row in tsv_rows(tsv, origin, "name<TAB>label") {
            let (n, name, label) = row?;
            let label = EntityLabel::parse(label.trim().to_ascii_uppercase().as_str())
                .ok_or_else(|| format!("{origin}:{n}: unknown label `{}`", label.trim()))?;
            names.insert(name.trim(), label, &format!("{origin}:{n}"))?;
        }
        Ok(names)
    }

    /// Adds `name` with `label`; `at` says where it comes from, for errors.
    pub(crate) fn insert(
        &mut self,
        name: &str,
        label: EntityLabel,
        at: &str,
    ) -> Result<(), String> {
        let Some(first) = phrase_words(name).first().map(|w| match_key(w)) else {
            return Err(format!("{at}: no name"));
        };
        self.list.add(name, label);
        for p in PROCLITICS {
            let mut keys = vec![format!("{p}{first}")];
            // ل before the article merges with it (للاعب for ل + اللاعب); such a key is read as
            // ل + the word with its article (see `for_each_proclitic_split`).
            if let Some(bare) = first.strip_prefix("ال") {
                keys.push(format!("{p}لل{bare}"));
            }
            for key in keys {
                self.starts_two.insert(two_chars(&key));
                self.starts.insert(key);
            }
        }
        Ok(())
    }

    /// The number of names.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether there is no name.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Whether a name may start at a token whose matching key is `key` (its first word, alone
    /// or with attached proclitics): a sentence without such a token has no name.
    pub fn may_start(&self, key: &str) -> bool {
        self.starts_two.contains(&two_chars(key)) && self.starts.contains(key)
    }

    /// The names in a sentence (see [`EntityList::find`]): `keys[i]` is the matching key of
    /// token `i` and `surfaces[i]` its text.
    pub fn find(&self, keys: &[&str], surfaces: &[&str]) -> Vec<ListMatch> {
        self.list.find(keys, surfaces)
    }

    /// [`ArabicNames::find`] on a sentence whose tokens are its words between spaces (tests).
    #[cfg(test)]
    pub(crate) fn find_in_words(&self, sentence: &str) -> Vec<ListMatch> {
        let surfaces: Vec<&str> = sentence.split(' ').collect();
        let keys: Vec<String> = surfaces.iter().map(|w| match_key(w)).collect();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        self.find(&keys, &surfaces)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(names: &ArabicNames, sentence: &str) -> Vec<(usize, EntityLabel)> {
        let found = names.find_in_words(sentence);
        found.into_iter().map(|m| (m.tok_start, m.label)).collect()
    }

    #[test]
    fn the_news_agencies_parse_and_are_organisations() {
        let agencies = ArabicNames::news_agencies().unwrap();
        assert!(agencies.len() >= 10);
        let found = labels(&agencies, "الرياض ( واس ) وعمان ( بترا ) ولسانا");
        assert_eq!(
            found,
            [
                (2, EntityLabel::Org),
                (6, EntityLabel::Org),
                (8, EntityLabel::Org)
            ]
        );
        assert!(agencies.may_start("واس") && agencies.may_start("لسانا"));
        assert!(!agencies.may_start("الرياض"));
    }

    #[test]
    fn the_car_makers_parse_and_match_over_several_words() {
        let makers = ArabicNames::car_makers().unwrap();
        assert!(makers.len() >= 20);
        let found = labels(&makers, "باعت تويوتا و بي إم دبليو ولأودي سيارات");
        assert_eq!(
            found,
            [
                (1, EntityLabel::Org),
                (3, EntityLabel::Org),
                (6, EntityLabel::Org)
            ]
        );
        // April in the Levant is no car maker here.
        assert!(labels(&makers, "في 12 نيسان").is_empty());
    }

    #[test]
    fn a_bad_label_or_an_empty_name_is_an_error() {
        assert!(ArabicNames::from_label_tsv("واس\tORG\n", "t").is_ok());
        assert!(ArabicNames::from_label_tsv("واس\tAGENCY\n", "t").is_err());
        assert!(ArabicNames::from_label_tsv("\tORG\n", "t").is_err());
    }
}
