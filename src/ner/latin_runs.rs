//! Runs of Latin-script words inside Arabic documents (Middle East Eye, ChatGPT, UNIX, GNU
//! Linux), found so that the English model can tag them.
//!
//! The Arabic model is trained on ANERcorp, where Latin script is nearly absent: on such words
//! it has only their shape to go by, and leaves most of them untagged or calls them
//! organisations. Arabic writers give foreign names in their own script (يونكس (UNIX), موقع
//! Middle East Eye), so a run of Latin words in Arabic text is English (or another
//! Latin-script language) and is best read by the model that was trained on it. The
//! `entities` stage lays the runs out as a document of their own, one run a sentence
//! ([`run_document`]), tags it as English, and puts the mentions back.

use crate::document::{Document, Sentence, Token, TokenKind};
use crate::ner::text::{Script, script_of};

/// Punctuation that may stand inside a run, between two of its words or numbers (AT & T,
/// Windows/Linux, Node.js, Rock 'n' Roll). A run never starts or ends with one.
const RUN_JOINERS: &[&str] = &["&", "-", "–", ".", "'", "’", "+", "/", ":", ","];

/// What a token is to a run of Latin words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RunPart {
    /// A word in Latin script: starts and holds a run.
    Word,
    /// A number: inside a run, or at its end (Windows 10, SVR 4), never its start.
    Number,
    /// Punctuation of [`RUN_JOINERS`]: only between two words or numbers of a run.
    Joiner,
    /// Anything else ends a run.
    Outside,
}

fn run_part(doc: &Document, token: &Token) -> RunPart {
    let surface = doc.token_surface(token);
    match token.kind {
        TokenKind::Word if script_of(surface) == Script::Latin => RunPart::Word,
        TokenKind::Number if surface.chars().all(|c| c.is_ascii_digit() || c == '.') => {
            RunPart::Number
        }
        TokenKind::Punct | TokenKind::Symbol if RUN_JOINERS.contains(&surface) => RunPart::Joiner,
        _ => RunPart::Outside,
    }
}

/// The runs of Latin-script words in `doc`, as token ranges `(start, end)` in order: each
/// starts with a Latin word, ends with a word or a number, stays within one sentence, and
/// holds only Latin words, ASCII numbers and [`RUN_JOINERS`] between them.
pub fn latin_runs(doc: &Document) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let tokens = &doc.tokens;
    let mut i = 0;
    while i < tokens.len() {
        if run_part(doc, &tokens[i]) != RunPart::Word {
            i += 1;
            continue;
        }
        let start = i;
        let sentence = tokens[i].sent_idx;
        // One past the last word or number taken so far.
        let mut end = i + 1;
        let mut j = i + 1;
        while j < tokens.len() && tokens[j].sent_idx == sentence {
            match run_part(doc, &tokens[j]) {
                RunPart::Word | RunPart::Number => end = j + 1,
                RunPart::Joiner => {}
                RunPart::Outside => break,
            }
            j += 1;
        }
        runs.push((start, end));
        i = end;
    }
    runs
}

/// A document holding only the tokens of `runs`, one run a sentence, in language `lang`, and
/// for each of its tokens the index of that token in `doc`. Each run keeps its text as it
/// stands in `doc` (spaces included); runs are separated by line breaks.
pub fn run_document(doc: &Document, runs: &[(usize, usize)], lang: &str) -> (Document, Vec<usize>) {
    let mut sub = Document {
        lang: Some(lang.to_string()),
        ..Document::default()
    };
    let mut origin = Vec::new();
    let mut cp = 0;
    for (si, &(start, end)) in runs.iter().enumerate() {
        if si > 0 {
            sub.text.push('\n');
            cp += 1;
        }
        let (first, last) = (&doc.tokens[start], &doc.tokens[end - 1]);
        let (sent_cp, sent_byte) = (cp, sub.text.len());
        sub.text
            .push_str(doc.slice(first.byte_start, last.byte_end));
        for (k, t) in doc.tokens[start..end].iter().enumerate() {
            sub.tokens.push(Token {
                sent_idx: si as u32,
                start: sent_cp + (t.start - first.start),
                end: sent_cp + (t.end - first.start),
                byte_start: sent_byte + (t.byte_start - first.byte_start),
                byte_end: sent_byte + (t.byte_end - first.byte_start),
                kind: t.kind,
                norm: None,
                segments: Default::default(),
                ner: Default::default(),
            });
            origin.push(start + k);
        }
        cp = sent_cp + (last.end - first.start);
        sub.sentences.push(Sentence {
            start: sent_cp,
            end: cp,
            byte_start: sent_byte,
            byte_end: sub.text.len(),
        });
    }
    (sub, origin)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::ner::document_from_sentences;
    use crate::ner::conll::ConllSentence;

    fn doc_of(sentences: &[&str]) -> Document {
        let sentences: Vec<ConllSentence> = sentences
            .iter()
            .map(|s| ConllSentence {
                tokens: s.split(' ').map(str::to_string).collect(),
                ..Default::default()
            })
            .collect();
        document_from_sentences(&sentences, "ar")
    }

    fn run_texts(doc: &Document) -> Vec<String> {
        latin_runs(doc)
            .iter()
            .map(|&(a, b)| {
                doc.slice(doc.tokens[a].byte_start, doc.tokens[b - 1].byte_end)
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn runs_are_latin_words_with_numbers_and_joiners_between() {
        let doc = doc_of(&[
            "نشر موقع Middle East Eye تقريرا عن AT & T و Windows 10 .",
            "قال ( UNIX ) - و 2020 GNU / Linux ,",
        ]);
        assert_eq!(
            run_texts(&doc),
            [
                "Middle East Eye",
                "AT & T",
                "Windows 10",
                "UNIX",
                "GNU / Linux"
            ]
        );
    }

    #[test]
    fn a_run_stays_in_its_sentence_and_never_starts_with_a_number() {
        let doc = doc_of(&["في عام 2020 وصل Apple", "Inc. إلى السوق"]);
        // "Inc." is one sentence later: two runs, not one.
        assert_eq!(run_texts(&doc), ["Apple", "Inc."]);
        let arabic_only = doc_of(&["لا شيء هنا 2020 ."]);
        assert!(latin_runs(&arabic_only).is_empty());
    }

    #[test]
    fn the_run_document_keeps_the_runs_text_and_points_back() {
        let doc = doc_of(&["نشر موقع Middle East Eye تقريرا عن GPS ."]);
        let runs = latin_runs(&doc);
        let (sub, origin) = run_document(&doc, &runs, "en");
        assert_eq!(sub.text, "Middle East Eye\nGPS");
        assert_eq!(sub.lang.as_deref(), Some("en"));
        assert_eq!(origin, [2, 3, 4, 7]);
        assert_eq!(sub.sentences.len(), 2);
        for (t, &o) in sub.tokens.iter().zip(&origin) {
            assert_eq!(sub.token_surface(t), doc.token_surface(&doc.tokens[o]));
            assert_eq!(
                sub.text
                    .chars()
                    .skip(t.start)
                    .take(t.end - t.start)
                    .collect::<String>(),
                sub.token_surface(t)
            );
        }
        assert_eq!(sub.tokens[3].sent_idx, 1);
    }
}
