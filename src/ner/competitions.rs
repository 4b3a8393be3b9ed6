//! Names of sports competitions in Arabic, known by the noun that heads them: كأس العالم,
//! دوري أبطال أوروبا, كأس إسبانيا, بطولة كأس الأمم الأفريقية, مونديال 2006.
//!
//! The model, trained on ANERcorp news, tags the place inside such a name (أوروبا `LOC` in دوري
//! أبطال أوروبا) or a piece of it (بطولة كأس `MISC`), and leaves كأس العالم untagged. In the
//! CoNLL convention a competition or other event is `MISC` as a whole, and ANERcorp's own
//! annotators mostly tag it so when the name is complete: بطولة كأس العالم, مونديال 2006,
//! بطولة كأس إنجلترا and بطولة كأس الشيخ جاسم are `MISC` in its training part (though دوري أبطال
//! أوروبا is `O O B-LOC` there, and a bare كأس العالم mostly `O O`). These rules find the whole
//! name from the head noun and the words that can complete it; the `entities` stage makes it
//! one `MISC` mention that replaces the mentions inside it (models/README.md, "Competitions").
//!
//! A head is an indefinite كأس, دوري, بطولة, مونديال or أولمبياد, with at most its attached
//! proclitics (و ف ب ل ك, left out of the phrase as for the entity lists); بطولة right before
//! كأس or دوري is taken in (بطولة كأس العالم). What completes the name right after the head:
//! - العالم (كأس العالم, بطولة العالم);
//! - a place the model or a list tagged `LOC`, with no proclitic of its own (كأس إسبانيا);
//! - أبطال, الأمم or السوبر and then such a place (دوري أبطال أوروبا) or a definite nisba
//!   adjective (كأس الأمم الأفريقية, كأس السوبر الإسباني);
//! - after مونديال or أولمبياد, a year of four digits (مونديال 2006).
//!
//! Then any definite nisba adjectives and الممتاز ("premier") that follow join the name
//! (بطولة العالم العسكرية, دوري مصر الممتاز). Nothing else makes a name: a head
//! before a person (بطولة تيسير فهمي, "starring"), a common noun (كأس شاي, دوري الأضواء) or
//! nothing is left alone, and a definite head (الدوري الإسباني, "the Spanish league") is a
//! description, which ANERcorp leaves untagged. These are pure functions over one sentence's
//! matching keys and mentions.

use crate::document::EntityLabel;
use crate::ner::org_phrases::{Tagged, is_nisba};
use crate::ner::text::for_each_proclitic_split;

/// The head nouns of competition names, as matching keys (alef folded, ة as ه).
const HEADS: &[&str] = &["كاس", "دوري", "بطوله", "مونديال", "اولمبياد"];

/// Heads that a year can complete (مونديال 2006).
const YEAR_HEADS: &[&str] = &["مونديال", "اولمبياد"];

/// The head that may stand before another head (بطولة كأس العالم).
const OUTER_HEAD: &str = "بطوله";

/// Words after a head that a place or a nisba adjective then completes: أبطال ("champions"),
/// الأمم ("nations"), السوبر ("super").
const QUALIFIERS: &[&str] = &["ابطال", "الامم", "السوبر"];

/// A word that completes a name right after its head: "the world".
const WORLD: &str = "العالم";

/// A word that may follow a complete name: "premier" (الدوري … الممتاز).
const PREMIER: &str = "الممتاز";

/// A competition name found in a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompetitionPhrase {
    /// First token (the head, or بطولة before it).
    pub tok_start: usize,
    /// One past the last token.
    pub tok_end: usize,
    /// Code points of proclitics attached to the first word and left out of the phrase.
    pub stripped: usize,
}

/// Whether some word of `keys` ends as a competition head does (the cheap test before
/// [`find_competitions`]; proclitics are prefixes, so a head with them ends the same way).
pub fn may_hold_competition(keys: &[&str]) -> bool {
    keys.iter().any(|k| HEADS.iter().any(|h| k.ends_with(h)))
}

/// The proclitics (in code points) that `key` carries before a competition head, if it is one
/// (0 when bare). `buf` is scratch space.
fn head_of(key: &str, buf: &mut String) -> Option<(usize, &'static str)> {
    // Proclitics are prefixes: a word that does not end as a head cannot be one.
    if !HEADS.iter().any(|h| key.ends_with(h)) {
        return None;
    }
    if let Some(h) = HEADS.iter().find(|h| **h == key) {
        return Some((0, h));
    }
    let mut found = None;
    for_each_proclitic_split(key, buf, |stripped, rest| {
        if found.is_none()
            && let Some(h) = HEADS.iter().find(|h| **h == rest)
        {
            found = Some((stripped, *h));
        }
    });
    found
}

/// Whether `key` is a year of four digits from 1800 to 2099.
fn is_year(key: &str) -> bool {
    key.len() == 4
        && key.bytes().all(|b| b.is_ascii_digit())
        && (key.starts_with("18") || key.starts_with("19") || key.starts_with("20"))
}

/// Finds competition names in one sentence. `keys[i]` is the matching key of token `i`;
/// `mentions` are the sentence's chosen mentions, sorted and not overlapping. Phrases do not
/// overlap each other and cover whole mentions only (a mention is inside a phrase or outside
/// it), so the caller replaces the mentions inside by the phrase. `buf` is scratch space.
pub fn find_competitions(
    keys: &[&str],
    mentions: &[Tagged],
    buf: &mut String,
) -> Vec<CompetitionPhrase> {
    let mut out = Vec::new();
    // The place mention (its end) that starts at a token, with no proclitic of its own.
    let place_at = |i: usize| {
        mentions
            .iter()
            .find(|m| m.tok_start == i && m.label == EntityLabel::Loc && m.stripped == 0)
            .map(|m| m.tok_end)
    };
    let mut i = 0;
    while i < keys.len() {
        let Some((stripped, head)) = head_of(keys[i], buf) else {
            i += 1;
            continue;
        };
        let start = i;
        let mut last_head = (i, head);
        // بطولة كأس…, بطولة دوري…: the inner head completes the name.
        if head == OUTER_HEAD
            && let Some(inner) = keys.get(i + 1)
            && let Some(&h) = HEADS.iter().find(|h| *h == inner && **h != OUTER_HEAD)
        {
            last_head = (i + 1, h);
        }
        let after = last_head.0 + 1;
        let end = complement_end(keys, after, last_head.1, &place_at);
        let Some(mut end) = end else {
            i += 1;
            continue;
        };
        while end < keys.len() && (is_nisba(keys[end]) || keys[end] == PREMIER) {
            end += 1;
        }
        // The phrase must hold whole mentions: none may start before it and reach into it,
        // nor start inside it and reach beyond.
        let straddles = mentions.iter().any(|m| {
            m.tok_start < end && m.tok_end > start && (m.tok_start < start || m.tok_end > end)
        });
        if straddles {
            i += 1;
            continue;
        }
        out.push(CompetitionPhrase {
            tok_start: start,
            tok_end: end,
            stripped,
        });
        i = end;
    }
    out
}

/// One past the last token of what completes a name whose last head is `head`, when the words
/// from `at` on do (see the module's documentation). `place_at(i)` is the end of a `LOC`
/// mention starting at token `i`.
fn complement_end(
    keys: &[&str],
    at: usize,
    head: &str,
    place_at: &impl Fn(usize) -> Option<usize>,
) -> Option<usize> {
    let key = *keys.get(at)?;
    if key == WORLD {
        return Some(at + 1);
    }
    if let Some(end) = place_at(at) {
        return Some(end);
    }
    if YEAR_HEADS.contains(&head) && is_year(key) {
        return Some(at + 1);
    }
    if QUALIFIERS.contains(&key) {
        let next = *keys.get(at + 1)?;
        if let Some(end) = place_at(at + 1) {
            return Some(end);
        }
        if is_nisba(next) {
            return Some(at + 2);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::text::match_key;

    fn keys(text: &str) -> Vec<String> {
        text.split_whitespace().map(match_key).collect()
    }

    fn loc(start: usize, end: usize) -> Tagged {
        Tagged {
            tok_start: start,
            tok_end: end,
            label: EntityLabel::Loc,
            stripped: 0,
        }
    }

    fn find(text: &str, mentions: &[Tagged]) -> Vec<(usize, usize, usize)> {
        let owned = keys(text);
        let k: Vec<&str> = owned.iter().map(String::as_str).collect();
        find_competitions(&k, mentions, &mut String::new())
            .into_iter()
            .map(|p| (p.tok_start, p.tok_end, p.stripped))
            .collect()
    }

    #[test]
    fn world_cup_and_its_outer_head() {
        assert_eq!(find("فاز بكأس العالم أمس", &[]), vec![(1, 3, 1)]);
        assert_eq!(find("في بطولة كأس العالم لكرة القدم", &[]), vec![(1, 4, 0)]);
        assert_eq!(find("بطولة العالم للشبان", &[]), vec![(0, 2, 0)]);
    }

    #[test]
    fn a_place_after_the_head_or_a_qualifier() {
        // دوري أبطال أوروبا: the model tagged أوروبا alone.
        assert_eq!(
            find("مباراة في دوري أبطال أوروبا أمام تشلسي", &[loc(4, 5)]),
            vec![(2, 5, 0)]
        );
        assert_eq!(find("نهائي كأس إسبانيا", &[loc(2, 3)]), vec![(1, 3, 0)]);
        // A place with a proclitic of its own is not in construct with the head.
        let with_proclitic = Tagged {
            stripped: 1,
            ..loc(2, 3)
        };
        assert_eq!(find("نهائي كأس وإسبانيا", &[with_proclitic]), vec![]);
    }

    #[test]
    fn nisba_adjectives_complete_and_follow() {
        assert_eq!(find("لقب كأس الأمم الأفريقية", &[]), vec![(1, 4, 0)]);
        assert_eq!(find("بطولة السوبر الإسباني", &[]), vec![(0, 3, 0)]);
        // Trailing nisba adjectives and الممتاز join the name.
        assert_eq!(
            find("فاز في دوري مصر الممتاز", &[loc(3, 4)]),
            vec![(2, 5, 0)]
        );
        assert_eq!(find("بطولة العالم العسكرية", &[]), vec![(0, 3, 0)]);
        assert_eq!(
            find("دوري أبطال آسيا الممتاز", &[loc(2, 3)]),
            vec![(0, 4, 0)]
        );
    }

    #[test]
    fn a_year_completes_only_the_world_cup_words() {
        assert_eq!(find("خلال مونديال 2006 في ألمانيا", &[]), vec![(1, 3, 0)]);
        assert_eq!(find("كأس 2006", &[]), vec![]);
        assert_eq!(find("مونديال 1234567", &[]), vec![]);
    }

    #[test]
    fn heads_that_name_nothing() {
        // Starring (a person after بطولة), a cup of tea, a definite head, a bare head.
        let per = Tagged {
            label: EntityLabel::Per,
            ..loc(1, 3)
        };
        assert_eq!(find("بطولة تيسير فهمي", &[per]), vec![]);
        assert_eq!(find("كأس شاي ساخن", &[]), vec![]);
        assert_eq!(find("بطل الدوري الإسباني", &[]), vec![]);
        assert_eq!(find("حقق البطولة", &[]), vec![]);
        assert_eq!(find("كأس", &[]), vec![]);
    }

    #[test]
    fn a_mention_reaching_across_the_edge_blocks_the_phrase() {
        // A mention that starts before the head and runs into the name.
        let across = Tagged {
            label: EntityLabel::Misc,
            ..loc(0, 2)
        };
        assert_eq!(find("الفريق كأس العالم", &[across]), vec![]);
        // A mention inside the name (the model's بطولة كأس) is taken in.
        let inside = Tagged {
            label: EntityLabel::Misc,
            ..loc(0, 2)
        };
        assert_eq!(find("بطولة كأس إسبانيا", &[inside]), vec![]);
        assert_eq!(
            find("بطولة كأس إسبانيا", &[inside, loc(2, 3)]),
            vec![(0, 3, 0)]
        );
    }
}
