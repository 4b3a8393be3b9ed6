//! A first, simple tokenizer: Unicode word boundaries, punctuation as separate tokens, sentences
//! split at `.` `!` `?` `؟` `…` and paragraph breaks.

use crate::document::{Sentence, Token, TokenKind};
use unicode_segmentation::UnicodeSegmentation;

/// Splits `text` into sentences and tokens with code-point and byte offsets.
pub fn tokenize_simple(text: &str) -> (Vec<Sentence>, Vec<Token>) {
    let mut sentences = Vec::new();
    let mut tokens: Vec<Token> = Vec::new();
    let mut sent_first: Option<usize> = None; // index of the first token of the open sentence
    let mut cp = 0usize; // code points before `last_byte`
    let mut last_byte = 0usize;
    let mut newlines_since_token = 0usize;
    for (byte_start, piece) in text.split_word_bound_indices() {
        let first = match piece.chars().next() {
            Some(c) => c,
            None => continue,
        };
        cp += text[last_byte..byte_start].chars().count();
        last_byte = byte_start;
        let len_cp = piece.chars().count();
        if first.is_whitespace() {
            newlines_since_token += piece.chars().filter(|&c| c == '\n').count();
            continue;
        }
        if newlines_since_token >= 2 {
            close_sentence(&mut sentences, &mut tokens, &mut sent_first);
        }
        newlines_since_token = 0;
        let kind = kind_of(piece);
        if sent_first.is_none() {
            sent_first = Some(tokens.len());
        }
        tokens.push(Token {
            sent_idx: sentences.len() as u32,
            start: cp,
            end: cp + len_cp,
            byte_start,
            byte_end: byte_start + piece.len(),
            kind,
            norm: None,
            segments: Vec::new(),
            ner: Default::default(),
        });
        if matches!(piece, "." | "!" | "?" | "؟" | "…") {
            close_sentence(&mut sentences, &mut tokens, &mut sent_first);
        }
    }
    close_sentence(&mut sentences, &mut tokens, &mut sent_first);
    (sentences, tokens)
}

fn close_sentence(
    sentences: &mut Vec<Sentence>,
    tokens: &mut [Token],
    sent_first: &mut Option<usize>,
) {
    if let Some(first) = sent_first.take() {
        let (Some(a), Some(b)) = (tokens.get(first), tokens.last()) else {
            return;
        };
        sentences.push(Sentence {
            start: a.start,
            end: b.end,
            byte_start: a.byte_start,
            byte_end: b.byte_end,
        });
    }
}

fn kind_of(piece: &str) -> TokenKind {
    let mut chars = piece.chars();
    let Some(c) = chars.next() else {
        return TokenKind::Punct;
    };
    if c.is_numeric() {
        TokenKind::Number
    } else if c.is_alphanumeric() {
        TokenKind::Word
    } else if (c.is_ascii_punctuation()
        && !matches!(c, '$' | '+' | '<' | '=' | '>' | '^' | '`' | '|' | '~'))
        || matches!(
            c,
            '،' | '؛' | '؟' | '«' | '»' | '…' | '“' | '”' | '‘' | '’' | '–' | '—'
        )
    {
        TokenKind::Punct
    } else {
        TokenKind::Symbol
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_match_the_text_in_code_points_and_bytes() {
        let text = "قال الرئيس: «مرحبا». Hello, world!\n\nNew para";
        let (sentences, tokens) = tokenize_simple(text);
        let chars: Vec<char> = text.chars().collect();
        for t in &tokens {
            let by_cp: String = chars[t.start..t.end].iter().collect();
            assert_eq!(by_cp, &text[t.byte_start..t.byte_end]);
        }
        let surfaces: Vec<&str> = tokens
            .iter()
            .map(|t| &text[t.byte_start..t.byte_end])
            .collect();
        assert_eq!(
            surfaces,
            [
                "قال",
                "الرئيس",
                ":",
                "«",
                "مرحبا",
                "»",
                ".",
                "Hello",
                ",",
                "world",
                "!",
                "New",
                "para"
            ]
        );
        assert_eq!(sentences.len(), 3);
        assert_eq!(
            &text[sentences[2].byte_start..sentences[2].byte_end],
            "New para"
        );
    }
}
