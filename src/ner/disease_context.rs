//! Names of diseases and of their agents, known by the noun before them: فيروس كورونا, مرض
//! إيبولا, متحور دلتا.
//!
//! A disease named after a person or a place, or a new virus's name, looks like a name to the
//! model, which has never seen it in its training news (ANERcorp, 2007): on real Arabic news
//! pages it tags كورونا (in فيروس كورونا المستجد) `PER`. A disease noun in construct before the
//! mention settles what it is (`data/lists/disease-heads-ar.tsv`, written by hand: فيروس, مرض,
//! داء, وباء, جائحة, متلازمة, متحور and their plurals, with at most one attached proclitic, as in
//! بفيروس). Such a mention of the model becomes `MISC`, ANERcorp's label for the one disease it
//! names (فيروس إنفلونزا/B-MISC الطيور in its training part), and so does every other mention of
//! the model in the document that starts with the same word (بكورونا, tagged `LOC` elsewhere on
//! the same page). A list's label is kept as its writer gave it.

use super::place_context::HeadWords;
use crate::ner::hash::FxHashSet;

/// Disease nouns (written by hand; see `data/lists/SOURCE.md`).
pub const BUILTIN_DISEASE_HEADS_AR: &str = include_str!("../../data/lists/disease-heads-ar.tsv");

/// The nouns that introduce a disease's name.
#[derive(Debug, Clone, Default)]
pub struct DiseaseNouns {
    heads: HeadWords,
}

/// A mention of the model, as [`DiseaseNouns::disease_mentions`] reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelMention<'a> {
    /// Its first token, in the document.
    pub start: usize,
    /// Whether the token before it is in the same sentence.
    pub follows_in_sentence: bool,
    /// The matching key of its first word without attached proclitics.
    pub first_word: &'a str,
    /// Whether its first word carries an attached proclitic (then it is not in construct with
    /// the word before: فيروس ومصطفى, "the virus and Mustafa").
    pub has_proclitic: bool,
}

impl DiseaseNouns {
    /// The built-in disease nouns.
    pub fn builtin() -> Self {
        Self::from_tsv(BUILTIN_DISEASE_HEADS_AR)
    }

    /// Disease nouns from TSV text (first column; `#` lines are comments).
    pub fn from_tsv(tsv: &str) -> Self {
        DiseaseNouns {
            heads: HeadWords::from_tsv(tsv),
        }
    }

    /// Which of the model's `mentions` (indices, ascending) name a disease: those right after a
    /// disease noun in their sentence, without a proclitic of their own, and every other that
    /// starts with the same word. `keys`
    /// are the document's tokens' matching keys.
    pub fn disease_mentions(&self, keys: &[&str], mentions: &[ModelMention<'_>]) -> Vec<usize> {
        let after_noun = |m: &ModelMention| {
            m.follows_in_sentence
                && !m.has_proclitic
                && m.start
                    .checked_sub(1)
                    .and_then(|before| keys.get(before))
                    .is_some_and(|k| self.heads.contains(k))
        };
        let names: FxHashSet<&str> = mentions
            .iter()
            .filter(|m| after_noun(m))
            .map(|m| m.first_word)
            .collect();
        if names.is_empty() {
            return Vec::new();
        }
        (0..mentions.len())
            .filter(|&i| names.contains(mentions[i].first_word))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::text::match_key;

    /// The mentions of `text` (words split on spaces, `|` between sentences) whose first tokens
    /// are `starts`, with `stripped` proclitic letters each; the relabelled ones' first tokens.
    fn relabelled(text: &str, starts: &[(usize, usize)]) -> Vec<usize> {
        let mut keys = Vec::new();
        let mut sentence_start = Vec::new();
        let mut new_sentence = true;
        for w in text.split(' ') {
            if w == "|" {
                new_sentence = true;
                continue;
            }
            keys.push(match_key(w));
            sentence_start.push(new_sentence);
            new_sentence = false;
        }
        let mentions: Vec<ModelMention> = starts
            .iter()
            .map(|&(start, stripped)| ModelMention {
                start,
                follows_in_sentence: !sentence_start[start],
                first_word: crate::ner::text::skip_chars(&keys[start], stripped),
                has_proclitic: stripped > 0,
            })
            .collect();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        DiseaseNouns::builtin()
            .disease_mentions(&keys, &mentions)
            .into_iter()
            .map(|i| starts[i].0)
            .collect()
    }

    #[test]
    fn a_name_after_a_disease_noun_and_its_other_mentions_are_diseases() {
        // بفيروس (with its proclitic) introduces كورونا; بكورونا later starts with the same word
        // once its proclitic is left out; سوريا is another name.
        let text = "انتشر بفيروس كورونا في سوريا | أصيب بكورونا";
        assert_eq!(relabelled(text, &[(2, 0), (4, 0), (6, 1)]), [2, 6]);
    }

    #[test]
    fn no_disease_noun_no_relabel() {
        // The name alone, a definite noun (الفيروس is not in construct), a noun that ends the
        // sentence before the name, a name joined by و.
        assert!(relabelled("قال كورونا", &[(1, 0)]).is_empty());
        assert!(relabelled("فيروس ومصطفى", &[(1, 1)]).is_empty());
        assert!(relabelled("الفيروس كورونا", &[(1, 0)]).is_empty());
        assert!(relabelled("مرض | كورونا", &[(1, 0)]).is_empty());
    }

    #[test]
    fn the_list_holds_the_expected_nouns() {
        let nouns = DiseaseNouns::builtin();
        for key in ["فيروس", "لفيروس", "مرض", "بمرض", "متلازمه", "متحور", "اوبئه"]
        {
            assert!(nouns.heads.contains(&match_key(key)), "{key}");
        }
        assert!(!nouns.heads.contains(&match_key("مدينة")));
    }
}
