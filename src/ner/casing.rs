//! Letter case as evidence for names, in scripts that have it.
//!
//! In edited text (news, articles, documentation) a name is capitalised, and a word written all
//! in lowercase is nearly never one. The English model is trained partly on social media
//! (WNUT-17, the Broad Twitter Corpus), where names are often lowercase, so it learned not to
//! trust case, and on web pages it tags everyday words: on WCXB dev 11,441 of its 90,848
//! mentions were all lowercase (mindfulness as a person, blockchain as an organisation), and in
//! a sample of 60 of them about five were names (git, pacman, pydantic: lowercase software).
//! A document is read as edited when most of its sentences start with a capital letter; there
//! the `entities` stage drops the model's all-lowercase mentions.

/// Sentences (starting with a cased letter) a document needs before its casing is read.
pub const MIN_SENTENCES: usize = 3;

/// The share of those sentences that must start with a capital letter.
pub const MIN_CAPITALISED_SHARE: f64 = 0.85;

/// Whether a document whose sentences start with `first_letters` (the first letter of each
/// sentence's first word) is edited text: at least [`MIN_SENTENCES`] of them are cased letters
/// and at least [`MIN_CAPITALISED_SHARE`] of those are capitals. Letters without case (Arabic,
/// Chinese) are not counted.
pub fn is_edited_casing(first_letters: impl IntoIterator<Item = char>) -> bool {
    let (mut cased, mut capitals) = (0usize, 0usize);
    for c in first_letters {
        if c.is_uppercase() {
            cased += 1;
            capitals += 1;
        } else if c.is_lowercase() {
            cased += 1;
        }
    }
    cased >= MIN_SENTENCES && capitals as f64 >= MIN_CAPITALISED_SHARE * cased as f64
}

/// Whether `text` has cased letters and none of them is a capital (`mindfulness`, `n8n`; not
/// `iPhone`, `AI`, `3.14`).
pub fn is_all_lowercase(text: &str) -> bool {
    let mut lower = false;
    for c in text.chars() {
        if c.is_uppercase() {
            return false;
        }
        lower |= c.is_lowercase();
    }
    lower
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edited_text_starts_most_sentences_with_a_capital() {
        assert!(is_edited_casing("TTTTTTt".chars()), "six of seven");
        assert!(!is_edited_casing("TTTt".chars()), "three of four");
        assert!(!is_edited_casing("TT".chars()), "too few sentences to tell");
        // Letters without case are not counted: two Latin capitals are too few.
        assert!(!is_edited_casing("TTسس".chars()));
    }

    #[test]
    fn all_lowercase_needs_cased_letters_and_no_capital() {
        assert!(is_all_lowercase("mindfulness") && is_all_lowercase("n8n"));
        assert!(!is_all_lowercase("iPhone") && !is_all_lowercase("AI"));
        assert!(!is_all_lowercase("3.14") && !is_all_lowercase("كورونا"));
    }
}
