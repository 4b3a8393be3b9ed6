//! The tag set of the sequence labeller: `O` and `B-`/`I-` for each of the four labels, as
//! small integers, and which tag may follow which (an `I-X` only after `B-X` or `I-X`).

use crate::document::{BioTag, EntityLabel};

/// Number of tags: `O` plus `B` and `I` for each label.
pub const N_TAGS: usize = 9;

/// The tag index of `O`.
pub const O: usize = 0;

fn label_index(label: EntityLabel) -> usize {
    match label {
        EntityLabel::Per => 0,
        EntityLabel::Loc => 1,
        EntityLabel::Org => 2,
        EntityLabel::Misc => 3,
    }
}

/// The tag index of a BIO tag: `O` = 0, then `B-X` = 1 + 2k, `I-X` = 2 + 2k for label k in
/// the order PER, LOC, ORG, MISC.
pub fn tag_index(tag: BioTag) -> usize {
    match tag {
        BioTag::O => O,
        BioTag::B(l) => 1 + 2 * label_index(l),
        BioTag::I(l) => 2 + 2 * label_index(l),
    }
}

/// The BIO tag of a tag index (out-of-range indices give `O`).
pub fn tag_of(index: usize) -> BioTag {
    if index == O || index >= N_TAGS {
        return BioTag::O;
    }
    let label = EntityLabel::ALL[(index - 1) / 2];
    if index % 2 == 1 {
        BioTag::B(label)
    } else {
        BioTag::I(label)
    }
}

/// Whether tag index `t` is an `I-` tag.
pub fn is_inside(t: usize) -> bool {
    t != O && t.is_multiple_of(2)
}

/// Whether tag `next` may follow tag `prev` (`None`: `next` starts the sentence).
pub fn allowed(prev: Option<usize>, next: usize) -> bool {
    if !is_inside(next) {
        return true;
    }
    match prev {
        None => false,
        // B-X = 2k + 1 and I-X = 2k + 2 share k = (t - 1) / 2.
        Some(p) => p != O && (p - 1) / 2 == (next - 1) / 2,
    }
}

/// Parses a tag as written in CoNLL files: `O`, `B-PER`, `I-PERS`, ... Labels outside the
/// four (after `map_label`) become `O`. Returns `None` for text that is not a tag at all.
pub fn parse_tag(text: &str, map_label: impl Fn(&str) -> Option<EntityLabel>) -> Option<BioTag> {
    if text == "O" {
        return Some(BioTag::O);
    }
    let (prefix, label) = text.split_once('-')?;
    let Some(label) = map_label(label) else {
        return Some(BioTag::O);
    };
    match prefix {
        "B" => Some(BioTag::B(label)),
        "I" => Some(BioTag::I(label)),
        _ => None,
    }
}

/// Rewrites a tag sequence as well-formed BIO (IOB2): an `I-X` that does not continue an
/// entity of label X becomes `B-X`. Turns IOB1 input (WikiGold) and stray tags into IOB2.
pub fn repair_bio(tags: &mut [BioTag]) {
    let mut prev = BioTag::O;
    for t in tags.iter_mut() {
        if let BioTag::I(l) = *t {
            let continues = matches!(prev, BioTag::B(p) | BioTag::I(p) if p == l);
            if !continues {
                *t = BioTag::B(l);
            }
        }
        prev = *t;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indices_round_trip() {
        for i in 0..N_TAGS {
            assert_eq!(tag_index(tag_of(i)), i);
        }
        assert_eq!(tag_of(1), BioTag::B(EntityLabel::Per));
        assert_eq!(tag_of(8), BioTag::I(EntityLabel::Misc));
    }

    #[test]
    fn transitions() {
        let b_per = tag_index(BioTag::B(EntityLabel::Per));
        let i_per = tag_index(BioTag::I(EntityLabel::Per));
        let i_loc = tag_index(BioTag::I(EntityLabel::Loc));
        assert!(allowed(Some(b_per), i_per));
        assert!(allowed(Some(i_per), i_per));
        assert!(!allowed(Some(b_per), i_loc));
        assert!(!allowed(Some(O), i_per));
        assert!(!allowed(None, i_per));
        assert!(allowed(None, b_per));
    }

    #[test]
    fn repairs_stray_inside_tags() {
        let parse = |s: &str| parse_tag(s, EntityLabel::parse).unwrap();
        let mut tags: Vec<BioTag> = ["I-PERS", "I-PERS", "O", "I-LOC", "B-ORG", "I-LOC"]
            .iter()
            .map(|s| parse(s))
            .collect();
        repair_bio(&mut tags);
        let text: Vec<&str> = tags.iter().map(|t| t.as_str()).collect();
        assert_eq!(text, ["B-PER", "I-PER", "O", "B-LOC", "B-ORG", "B-LOC"]);
        assert_eq!(parse_tag("B-product", EntityLabel::parse), Some(BioTag::O));
        assert_eq!(parse_tag("X-PER", EntityLabel::parse), None);
    }
}
