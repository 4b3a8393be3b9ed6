//! Common nouns borrowed from English into Arabic (ميديا "media", السوشيال "social", أونلاين
//! "online", الكريديت كارد "credit card"), which the Arabic model tags as names: trained on news of 2007, it read the
//! foreign-looking ميديا of السوشيال ميديا as a place. A mention of the model made only of such
//! words names nothing and is dropped (the `entities` stage, Arabic documents).
//!
//! ANERcorp has ميديا twice: once the ancient region (وطنها ميديا, `LOC`), once inside a
//! company's name (ميديا غروب, `ORG`, which a two-word mention keeps). On today's web the word is
//! the social media of السوشيال ميديا nearly always, so a lone ميديا is dropped.

/// The borrowed common nouns, as matching keys (alef forms folded: أونلاين → اونلاين).
pub const BORROWED_COMMON_NOUNS: &[&str] = &[
    "ميديا",
    "الميديا",
    "سوشيال",
    "السوشيال",
    "سوشال",
    "السوشال",
    "سوشل",
    "السوشل",
    "اونلاين",
    "ديجيتال",
    "الديجيتال",
    "ملتيميديا",
    "الملتيميديا",
    "كريديت",
    "الكريديت",
    "كارد",
    "الكارد",
];

/// Whether `key` (a matching key) is a borrowed common noun.
pub fn is_borrowed_common_noun(key: &str) -> bool {
    BORROWED_COMMON_NOUNS.contains(&key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::text::match_key;

    #[test]
    fn the_list_is_in_matching_keys() {
        for w in BORROWED_COMMON_NOUNS {
            assert_eq!(match_key(w), *w, "not a matching key: {w}");
        }
        assert!(is_borrowed_common_noun(&match_key("أونلاين")));
        assert!(is_borrowed_common_noun("السوشيال"));
        assert!(!is_borrowed_common_noun("روتانا"));
    }
}
