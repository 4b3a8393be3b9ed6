//! Reading CoNLL-style NER files: one token per line (first column), the tag in the last
//! column, blank lines between sentences, `-DOCSTART-` lines ignored. Columns are separated by
//! tabs or spaces.
//!
//! Labels of the corpora in `../shared/data/ner` are mapped onto the four of the output
//! contract by [`map_corpus_label`].

use crate::document::{BioTag, EntityLabel};
use crate::ner::tags::{parse_tag, repair_bio};

/// A sentence of a CoNLL file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConllSentence {
    /// The tokens (first column).
    pub tokens: Vec<String>,
    /// The gold tags (last column) in IOB2, or all `O` when the file has a single column.
    pub tags: Vec<BioTag>,
    /// The sentence follows a `-DOCSTART-` line (it starts a document).
    pub doc_start: bool,
}

/// Maps a corpus label to one of the four: ANERcorp `PERS`, WNUT-17 `person`, `location`,
/// `corporation` and `group` (→ ORG), `product` and `creative-work` (→ MISC), BTC and WikiGold
/// `PER`/`LOC`/`ORG`/`MISC`. Unknown labels give `None` (the token is then tagged `O`).
pub fn map_corpus_label(label: &str) -> Option<EntityLabel> {
    match label.to_ascii_lowercase().as_str() {
        "per" | "pers" | "person" => Some(EntityLabel::Per),
        "loc" | "location" | "geo-loc" | "gpe" => Some(EntityLabel::Loc),
        "org" | "organization" | "organisation" | "corporation" | "group" => Some(EntityLabel::Org),
        "misc" | "product" | "creative-work" => Some(EntityLabel::Misc),
        _ => None,
    }
}

/// Parses a CoNLL text. With `with_tags`, the last column of each line must be a tag
/// (`O`, `B-X`, `I-X`) and tags are repaired to IOB2; otherwise only the first column is read.
/// `origin` names the text in error messages.
pub fn parse_conll(
    text: &str,
    with_tags: bool,
    origin: &str,
) -> Result<Vec<ConllSentence>, String> {
    let mut out = Vec::new();
    let mut cur = ConllSentence::default();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            if !cur.tokens.is_empty() {
                repair_bio(&mut cur.tags);
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        // As the scorer reads them: tab-separated when the line has a tab (a token may then be
        // blank), otherwise separated by runs of spaces.
        let cols: Vec<&str> = if line.contains('\t') {
            line.split('\t').collect()
        } else {
            line.split(' ').filter(|c| !c.is_empty()).collect()
        };
        let Some(&token) = cols.first() else { continue };
        if token == "-DOCSTART-" {
            if !cur.tokens.is_empty() {
                repair_bio(&mut cur.tags);
                out.push(std::mem::take(&mut cur));
            }
            cur.doc_start = true;
            continue;
        }
        let tag = if with_tags {
            let Some(&last) = cols.last().filter(|_| cols.len() >= 2) else {
                return Err(format!("{origin}:{}: no tag column", n + 1));
            };
            parse_tag(last, map_corpus_label)
                .ok_or_else(|| format!("{origin}:{}: `{last}` is not a BIO tag", n + 1))?
        } else {
            BioTag::O
        };
        cur.tokens.push(token.to_string());
        cur.tags.push(tag);
    }
    if !cur.tokens.is_empty() {
        repair_bio(&mut cur.tags);
        out.push(cur);
    }
    Ok(out)
}

/// Reads and parses a CoNLL file (see [`parse_conll`]).
pub fn read_conll(path: &std::path::Path, with_tags: bool) -> Result<Vec<ConllSentence>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    parse_conll(&text, with_tags, &path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sentences_and_maps_labels() {
        let text =
            "-DOCSTART- O\n\nفي O\nدمشق B-LOC\n\nApple\tB-corporation\nrocks\tO\nU2 I-group\n";
        let s = parse_conll(text, true, "t").unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].tokens, ["في", "دمشق"]);
        assert!(s[0].doc_start && !s[1].doc_start);
        assert_eq!(s[0].tags[1], BioTag::B(EntityLabel::Loc));
        assert_eq!(s[1].tags[0], BioTag::B(EntityLabel::Org));
        assert_eq!(s[1].tags[2], BioTag::B(EntityLabel::Org));
        assert!(parse_conll("x Q-PER\n", true, "t").is_err());
        assert!(parse_conll("lonely\n", true, "t").is_err());
        let blank = parse_conll(" \tO\n\tO\nx\tO\n", true, "t").unwrap();
        assert_eq!(blank[0].tokens, [" ", "", "x"]);
        let bare = parse_conll("a\nb\n\nc\n", false, "t").unwrap();
        assert_eq!(bare.len(), 2);
    }
}
