//! The tokenizer: surface tokens from [`scan`], sentence boundaries, normalised forms and
//! segmentation (Arabic clitics, English contractions), with code-point and byte offsets.

use super::chars::{is_arabic_letter, is_closing, is_terminal, opening_pair};
use super::norm::{NormOptions, push_norm_if_changed};
use super::scan::{Piece, is_title_abbreviation, scan};
use super::segment::ArabicSegmenter;
use crate::document::{NormSpan, SegmentCuts, Sentence, Token, TokenKind};

/// Which language-specific word splitting applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    /// Decide per word by its script: Arabic clitics for Arabic words, English contractions
    /// for Latin words.
    #[default]
    Auto,
    /// Arabic clitic segmentation only.
    Arabic,
    /// English contraction splitting only.
    English,
    /// No word splitting (other languages, e.g. Persian or Urdu in Arabic script, whose words
    /// the Arabic clitic model does not describe).
    None,
}

impl Language {
    /// Parses `ar`, `en`, `auto` or `none`.
    pub fn parse(s: &str) -> Option<Language> {
        match s {
            "auto" => Some(Language::Auto),
            "ar" => Some(Language::Arabic),
            "en" => Some(Language::English),
            "none" => Some(Language::None),
            _ => None,
        }
    }
}

/// Options of the [`Tokenizer`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenizerOptions {
    /// Which word splitting applies.
    pub language: Language,
    /// Fill `Token::norm` and the norms buffer (see [`super::norm`]).
    pub normalize: bool,
    /// Normalisation options (teh marbuta folding).
    pub norm: NormOptions,
    /// Fill `Token::segments` (Arabic clitics, English contractions).
    pub segment: bool,
    /// A single line break ends a sentence (blank lines always do).
    pub line_breaks: bool,
}

impl Default for TokenizerOptions {
    fn default() -> Self {
        TokenizerOptions {
            language: Language::Auto,
            normalize: true,
            norm: NormOptions::default(),
            segment: true,
            line_breaks: false,
        }
    }
}

/// Splits text into sentences and tokens. Cheap to clone; the Arabic lexicon is shared.
#[derive(Debug, Clone, Copy)]
pub struct Tokenizer {
    options: TokenizerOptions,
    /// `None`: the built-in lexicon, loaded at the first Arabic word (a run over pages without
    /// Arabic never parses it; it takes about 35 ms).
    segmenter: Option<&'static ArabicSegmenter>,
}

/// The tokenizer's output for one text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tokenized {
    /// Sentences in order.
    pub sentences: Vec<Sentence>,
    /// Tokens in order.
    pub tokens: Vec<Token>,
    /// The normalised forms the tokens' `norm` spans point into.
    pub norms: String,
}

impl Tokenized {
    /// The normalised form of `token` (its surface in `text` when it has none).
    pub fn norm<'t>(&'t self, text: &'t str, token: &Token) -> &'t str {
        token.norm_in(text, &self.norms)
    }
}

/// Why a text could not be tokenized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenizeError {
    /// The normalised forms of the text's tokens take 4 GiB or more, more than a
    /// [`NormSpan`] can address.
    NormsTooLarge,
}

impl std::fmt::Display for TokenizeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TokenizeError::NormsTooLarge => {
                f.write_str("the tokens' normalised forms take 4 GiB or more")
            }
        }
    }
}

impl std::error::Error for TokenizeError {}

/// Cuts at the given byte offsets; [`SegmentCuts::NONE`] (the word left whole) when there are
/// more than [`SegmentCuts::MAX_CUTS`] or they do not fit (see [`SegmentCuts::new`]).
fn cuts_at(offsets: impl Iterator<Item = usize>) -> SegmentCuts {
    let mut cuts = [0usize; SegmentCuts::MAX_CUTS];
    let mut n = 0;
    for at in offsets {
        let Some(slot) = cuts.get_mut(n) else {
            return SegmentCuts::NONE;
        };
        *slot = at;
        n += 1;
    }
    SegmentCuts::new(&cuts[..n]).unwrap_or(SegmentCuts::NONE)
}

/// Where an English contraction splits (EWT convention): `don't` → `do` `n't`, `can't` → `ca`
/// `n't`, `it's` → `it` `'s`, `we've`, `you'll`, `I'd`, `I'm`, `cannot` → `can` `not`,
/// `gonna` → `gon` `na`. Returns the byte offset of the second part.
pub fn english_split(word: &str) -> Option<usize> {
    let b = word.as_bytes();
    if b.len() < 3 {
        return None;
    }
    // Apostrophe forms, ASCII ' or U+2019 (whose UTF-8 starts with 0xE2): most words have
    // neither byte and skip the search.
    let apostrophe = b.iter().any(|&c| c == b'\'' || c == 0xE2);
    for ap in ['\'', '\u{2019}'].into_iter().filter(|_| apostrophe) {
        if let Some(pos) = word.rfind(ap) {
            let tail = &word[pos + ap.len_utf8()..];
            if pos > 0
                && (tail.eq_ignore_ascii_case("t"))
                && word[..pos].ends_with(['n', 'N'])
                && pos > 1
            {
                return Some(pos - 1);
            }
            if pos > 0
                && ["s", "re", "ve", "ll", "d", "m"]
                    .iter()
                    .any(|s| tail.eq_ignore_ascii_case(s))
            {
                return Some(pos);
            }
        }
    }
    if !matches!(b.len(), 5 | 6) {
        return None; // the length of each word below
    }
    let lower_eq = |s: &str| word.eq_ignore_ascii_case(s);
    if lower_eq("cannot") {
        return Some(3);
    }
    if lower_eq("gonna") || lower_eq("gotta") || lower_eq("wanna") {
        return Some(3);
    }
    None
}

/// Code points in a string: bytes that are not UTF-8 continuation bytes.
#[inline]
fn count_chars(s: &str) -> usize {
    s.as_bytes().iter().filter(|&&b| (b as i8) >= -0x40).count()
}

fn first_char(text: &str, p: &Piece) -> char {
    text[p.start..p.end].chars().next().unwrap_or(' ')
}

impl Tokenizer {
    /// A tokenizer with the built-in Arabic lexicon.
    pub fn new(options: TokenizerOptions) -> Tokenizer {
        Tokenizer {
            options,
            segmenter: None,
        }
    }

    /// A tokenizer with another segmenter (e.g. one built from other word counts).
    pub fn with_segmenter(
        options: TokenizerOptions,
        segmenter: &'static ArabicSegmenter,
    ) -> Tokenizer {
        Tokenizer {
            options,
            segmenter: Some(segmenter),
        }
    }

    /// The options in use.
    pub fn options(&self) -> &TokenizerOptions {
        &self.options
    }

    /// The same tokenizer with other word-splitting rules.
    pub fn with_language(mut self, language: Language) -> Tokenizer {
        self.options.language = language;
        self
    }

    /// Splits `text` into sentences and tokens.
    pub fn tokenize(&self, text: &str) -> Result<Tokenized, TokenizeError> {
        let mut out = Tokenized::default();
        self.tokenize_into(text, &mut out.sentences, &mut out.tokens, &mut out.norms)?;
        Ok(out)
    }

    /// Like [`Tokenizer::tokenize`], into the given vectors and norms buffer (all cleared
    /// first; their memory is reused). Each token's `norm` is a span of `norms`.
    pub fn tokenize_into(
        &self,
        text: &str,
        sentences: &mut Vec<Sentence>,
        tokens: &mut Vec<Token>,
        norms: &mut String,
    ) -> Result<(), TokenizeError> {
        sentences.clear();
        tokens.clear();
        norms.clear();
        let mut pieces = Vec::with_capacity(text.len() / 5 + 1);
        scan(text, &mut pieces);
        let ends = self.sentence_ends(text, &pieces);
        tokens.reserve(pieces.len());
        let mut cursor = 0usize; // byte
        let mut cp = 0usize; // code points before `cursor`
        let mut sent_start: Option<usize> = None;
        for (i, p) in pieces.iter().enumerate() {
            cp += count_chars(&text[cursor..p.start]);
            let surface = &text[p.start..p.end];
            let len = count_chars(surface);
            cursor = p.end;
            let start = cp;
            cp += len;
            if sent_start.is_none() {
                sent_start = Some(tokens.len());
            }
            let mut token = Token {
                sent_idx: sentences.len() as u32,
                start,
                end: start + len,
                byte_start: p.start,
                byte_end: p.end,
                kind: p.kind,
                norm: None,
                segments: SegmentCuts::NONE,
                ner: Default::default(),
            };
            if self.options.normalize {
                let at = norms.len();
                if push_norm_if_changed(surface, self.options.norm, norms) {
                    token.norm =
                        Some(NormSpan::new(at, norms.len()).ok_or(TokenizeError::NormsTooLarge)?);
                }
            }
            if self.options.segment && p.kind == TokenKind::Word {
                token.segments = self.segment(surface);
            }
            tokens.push(token);
            if ends[i]
                && let (Some(first), Some(last)) =
                    (sent_start.take().and_then(|f| tokens.get(f)), tokens.last())
            {
                sentences.push(Sentence {
                    start: first.start,
                    end: last.end,
                    byte_start: first.byte_start,
                    byte_end: last.byte_end,
                });
            }
        }
        Ok(())
    }

    /// Where a word splits; [`SegmentCuts::NONE`] when it does not, or when its split cannot
    /// be held as cuts (an English contraction more than 65,535 bytes into a word, which no
    /// text has; the Arabic segmenter makes at most four segments of words under 64 KiB).
    fn segment(&self, word: &str) -> SegmentCuts {
        let Some(first) = word.chars().next() else {
            return SegmentCuts::NONE;
        };
        if self.options.language == Language::None {
            return SegmentCuts::NONE;
        }
        if is_arabic_letter(first) {
            if self.options.language == Language::English {
                return SegmentCuts::NONE;
            }
            let segmenter = self.segmenter.unwrap_or_else(ArabicSegmenter::builtin);
            let seg = segmenter.segment(word);
            if seg.is_split() {
                return cuts_at(seg.cuts());
            }
        } else if first.is_ascii_alphabetic()
            && self.options.language != Language::Arabic
            && let Some(at) = english_split(word)
        {
            return cuts_at(std::iter::once(at));
        }
        SegmentCuts::NONE
    }

    /// For each piece, whether a sentence ends after it. The last piece always ends one.
    fn sentence_ends(&self, text: &str, pieces: &[Piece]) -> Vec<bool> {
        let n = pieces.len();
        let mut ends = vec![false; n];
        let para = |j: usize| {
            pieces.get(j).is_some_and(|p| {
                p.newlines_before >= 2 || (self.options.line_breaks && p.newlines_before >= 1)
            })
        };
        // Open brackets whose closing partner comes later in the same paragraph.
        let mut open: Vec<char> = Vec::new();
        let mut i = 0;
        while i < n {
            if para(i) {
                open.clear();
                if i > 0 {
                    ends[i - 1] = true;
                }
            }
            let p = &pieces[i];
            let c = first_char(text, p);
            if p.kind == TokenKind::Punct {
                if let Some(close) = opening_pair(c) {
                    if closes_later(text, pieces, i, close) {
                        open.push(close);
                    }
                } else if open.last() == Some(&c) {
                    open.pop();
                }
            }
            let terminal = match p.kind {
                TokenKind::Punct => is_terminal(c),
                TokenKind::Word => {
                    let s = &text[p.start..p.end];
                    s.ends_with('.') && can_end_after_abbreviation(s)
                }
                _ => false,
            };
            // A full stop after a lone Arabic letter ends an abbreviation (د. أحمد, ق. م),
            // not a sentence; Arabic treebanks keep that dot a token of its own.
            let arabic_abbreviation = c == '.'
                && i > 0
                && pieces[i - 1].end == p.start
                && is_one_arabic_letter(&text[pieces[i - 1].start..pieces[i - 1].end]);
            if !terminal || !open.is_empty() || arabic_abbreviation {
                i += 1;
                continue;
            }
            // Take in what follows the mark and still belongs to the sentence.
            let mut last = i;
            while let Some(q) = pieces.get(last + 1) {
                let qc = first_char(text, q);
                let attached = q.start == pieces[last].end;
                let same_para = !para(last + 1);
                // Closing quotes right after the mark, closing brackets (a sentence does not
                // start with one) and emoticons or emoji stay with the sentence they end.
                let closer = q.kind == TokenKind::Punct
                    && (is_terminal(qc) || (attached && is_closing(qc)) || matches!(qc, ')' | ']'));
                if same_para && (closer || q.kind == TokenKind::Emoji) {
                    last += 1;
                } else {
                    break;
                }
            }
            let ellipsis = c == '\u{2026}' || text[p.start..p.end].starts_with("..");
            let quoted = pieces[i + 1..=last]
                .iter()
                .any(|q| q.kind == TokenKind::Punct && is_closing(first_char(text, q)));
            let split = match pieces.get(last + 1) {
                None => true,
                Some(next) => {
                    let nc = first_char(text, next);
                    let attached = next.start == pieces[last].end;
                    if para(last + 1) {
                        true
                    } else if attached && crate::chars::is_alphanumeric(nc) {
                        false
                    } else if p.kind == TokenKind::Word || ellipsis {
                        // After an abbreviation or an ellipsis, only a capital starts a sentence.
                        nc.is_uppercase()
                    } else {
                        // A quotation that ends with a full stop and goes on in lower case
                        // ("Stop!" she said) continues the sentence; elsewhere a lower-case
                        // start after . ! ? is sloppy writing, still a new sentence.
                        !(quoted && nc.is_lowercase())
                    }
                }
            };
            if split {
                ends[last] = true;
            }
            i = last + 1;
        }
        if let Some(e) = ends.last_mut() {
            *e = true;
        }
        ends
    }
}

/// Whether the closing partner of the bracket at `i` comes soon (within 40 tokens of the same
/// paragraph): a short parenthesis is not cut by the full stops inside it.
fn closes_later(text: &str, pieces: &[Piece], i: usize, close: char) -> bool {
    for q in pieces.iter().skip(i + 1).take(40) {
        if q.newlines_before >= 2 {
            return false;
        }
        if q.kind == TokenKind::Punct && first_char(text, q) == close {
            return true;
        }
    }
    false
}

/// Whether `word` is a single Arabic letter (possibly with marks).
fn is_one_arabic_letter(word: &str) -> bool {
    let mut letters = word.chars().filter(|&c| !super::chars::is_arabic_mark(c));
    letters.next().is_some_and(is_arabic_letter) && letters.next().is_none()
}

/// Whether a sentence may end after an abbreviation token like `etc.` or `Inc.`: not after
/// titles (`Dr.`), initials (`J.`) or dotted abbreviations (`U.S.`, `e.g.`).
fn can_end_after_abbreviation(word: &str) -> bool {
    let stem = &word[..word.len() - 1];
    if stem.contains('.') || stem.chars().count() == 1 || is_title_abbreviation(stem) {
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences_of(text: &str) -> Vec<&str> {
        let out = Tokenizer::new(TokenizerOptions::default())
            .tokenize(text)
            .expect("tokenize");
        out.sentences
            .iter()
            .map(|s| &text[s.byte_start..s.byte_end])
            .collect()
    }

    #[test]
    fn sentence_rules() {
        assert_eq!(
            sentences_of("Mr. Smith paid $3.50 at 5 p.m. today. He left! Did he? Yes."),
            [
                "Mr. Smith paid $3.50 at 5 p.m. today.",
                "He left!",
                "Did he?",
                "Yes."
            ]
        );
        assert_eq!(
            sentences_of("He said (see Fig. 2. It works.) and left."),
            ["He said (see Fig. 2. It works.) and left."]
        );
        assert_eq!(
            sentences_of("\"Go home.\" She went."),
            ["\"Go home.\"", "She went."]
        );
        assert_eq!(
            sentences_of("ذهب الرجل، ثم عاد؛ وقال: نعم. هل أتى؟ لا\n\nفقرة"),
            ["ذهب الرجل، ثم عاد؛ وقال: نعم.", "هل أتى؟", "لا", "فقرة"]
        );
        assert_eq!(
            sentences_of("قال د. أحمد إنه بخير."),
            ["قال د. أحمد إنه بخير."]
        );
        assert_eq!(
            sentences_of("J. K. Rowling wrote it... and more"),
            ["J. K. Rowling wrote it... and more"]
        );
    }

    #[test]
    fn english_contractions() {
        fn split(w: &str) -> Option<(&str, &str)> {
            english_split(w).map(|k| (&w[..k], &w[k..]))
        }
        assert_eq!(split("don't"), Some(("do", "n't")));
        assert_eq!(split("can't"), Some(("ca", "n't")));
        assert_eq!(split("It's"), Some(("It", "'s")));
        assert_eq!(split("company’s"), Some(("company", "’s")));
        assert_eq!(split("cannot"), Some(("can", "not")));
        assert_eq!(split("Gonna"), Some(("Gon", "na")));
        assert_eq!(split("we\u{2019}ll"), Some(("we", "\u{2019}ll")));
        assert_eq!(split("cannots"), None);
        assert_eq!(split("O'Brien"), None);
        assert_eq!(split("cat"), None);
    }

    #[test]
    fn offsets_norm_and_segments() {
        let text = "قال لأوباما: Don't go.";
        let out = Tokenizer::new(TokenizerOptions::default())
            .tokenize(text)
            .expect("tokenize");
        let tokens = &out.tokens;
        let chars: Vec<char> = text.chars().collect();
        for t in tokens {
            assert_eq!(
                chars[t.start..t.end].iter().collect::<String>(),
                &text[t.byte_start..t.byte_end]
            );
        }
        let t = &tokens[1];
        assert_eq!(&text[t.byte_start..t.byte_end], "لأوباما");
        let segments = |t: &Token| t.segments_in(t.surface_in(text)).collect::<Vec<_>>();
        assert_eq!(out.norm(text, t), "لاوباما");
        assert_eq!(segments(t), ["ل", "أوباما"]);
        assert_eq!(segments(&tokens[3]), ["Do", "n't"]);
        assert_eq!(out.norm(text, &tokens[3]), "don't");
        assert_eq!(tokens[0].norm, None);
        assert_eq!(out.norm(text, &tokens[0]), "قال");
        assert_eq!(segments(&tokens[0]), ["قال"]);
        // The norms buffer holds exactly the forms that differ from their surfaces.
        assert_eq!(out.norms, "لاوباماdon't");
    }

    /// Arbitrary text never panics and always yields consistent offsets: a small deterministic
    /// generator mixes the characters the rules care about.
    #[test]
    fn arbitrary_text_keeps_offsets_consistent() {
        const PARTS: &[&str] = &[
            "a", "Z", "0", "٣", "۴", ".", "..", ",", "٫", "٬", "'", "’", "-", "_", "@", "#", ":",
            ";", ")", "(", "\"", "«", "»", "؟", "!", "?", "…", " ", "  ", "\n", "\n\n", "\t", "و",
            "ب", "ل", "ال", "ة", "ى", "أ", "ـ", "َ", "ّ", "ﻻ", "😀", "🏽", "\u{200D}", "\u{200C}",
            "\u{FEFF}", "http://", "www.", ".com", ".pdf", "e.g.", "Mr.", "don't", "U.S.", ":)",
            "<3", "=", "$", "\u{0301}", "中", "ß", "İ", "\u{2028}", "x@y.org",
        ];
        let tokenizer = Tokenizer::new(TokenizerOptions::default());
        let mut state = 0x2545F4914F6CDD1Du64;
        for _ in 0..2000 {
            let mut text = String::new();
            for _ in 0..(state % 40) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push_str(PARTS[(state % PARTS.len() as u64) as usize]);
            }
            let Tokenized {
                sentences,
                tokens,
                norms,
            } = tokenizer.tokenize(&text).expect("tokenize");
            let mut norms_end = 0;
            let chars: Vec<char> = text.chars().collect();
            let mut prev = 0;
            for t in &tokens {
                let s = &text[t.byte_start..t.byte_end];
                assert!(!s.is_empty() && t.byte_start >= prev, "{text:?}");
                prev = t.byte_end;
                assert_eq!(
                    chars[t.start..t.end].iter().collect::<String>(),
                    s,
                    "{text:?}"
                );
                assert_eq!(t.segments_in(s).collect::<String>(), s, "{text:?}");
                if let Some(span) = t.norm {
                    // Norms follow one another in the buffer, in token order.
                    assert_eq!(span.range().start, norms_end, "{text:?}");
                    norms_end = span.range().end;
                    assert_eq!(
                        t.norm_in(&text, &norms),
                        crate::tokenize::norm(s),
                        "{text:?}"
                    );
                    assert_ne!(t.norm_in(&text, &norms), s, "{text:?}");
                } else {
                    assert_eq!(crate::tokenize::norm(s), s, "{text:?}");
                }
                assert!((t.sent_idx as usize) < sentences.len(), "{text:?}");
            }
            assert_eq!(norms_end, norms.len(), "{text:?}");
        }
    }

    /// The norms and segments read through the spans and cuts are the strings the tokenizer
    /// copied into each token before (`norm_if_changed`, the segmenter's pieces, the two parts
    /// of a contraction), on a fixture of clitics, contractions and forms that fold.
    #[test]
    fn spans_and_cuts_give_the_strings_of_the_segmenter_and_the_norm() {
        let text = "قال لأوباما وبالقوات ولقواتهما فسيكتبونها: I don't know, we’ll see. \
                    الـمـدرسة ﻻ ١٬٢٣٤ ÉCOLE CANNOT gonna";
        let tokenizer = Tokenizer::new(TokenizerOptions::default());
        let out = tokenizer.tokenize(text).expect("tokenize");
        let mut split = 0;
        for t in &out.tokens {
            let s = t.surface_in(text);
            let expected_norm = crate::tokenize::norm_if_changed(s, NormOptions::default());
            assert_eq!(
                t.norm.map(|_| out.norm(text, t).to_owned()),
                expected_norm,
                "{s}"
            );
            let seg = crate::tokenize::segment(s);
            let expected: Vec<&str> = if t.kind != TokenKind::Word {
                vec![s]
            } else if is_arabic_letter(s.chars().next().unwrap_or(' ')) {
                seg.segments(s).collect()
            } else if s.starts_with(|c: char| c.is_ascii_alphabetic()) {
                match english_split(s) {
                    Some(at) => vec![&s[..at], &s[at..]],
                    None => vec![s],
                }
            } else {
                vec![s]
            };
            assert_eq!(t.segments_in(s).collect::<Vec<_>>(), expected, "{s}");
            split += usize::from(t.segments.is_split());
        }
        assert!(split >= 6, "{split} split tokens");
    }

    /// A split that cannot be held as cuts leaves the word whole, without a panic: a
    /// contraction more than 65,535 bytes into a word. Shorter words still split.
    #[test]
    fn splits_beyond_the_cuts_leave_the_word_whole() {
        let tokenizer = Tokenizer::new(TokenizerOptions::default());
        let long = format!("{}'s", "a".repeat(70_000));
        let text = format!("{long} it's");
        let out = tokenizer.tokenize(&text).expect("tokenize");
        assert_eq!(out.tokens.len(), 2);
        let (first, second) = (&out.tokens[0], &out.tokens[1]);
        assert_eq!(first.surface_in(&text), long);
        assert!(!first.segments.is_split());
        assert_eq!(
            first.segments_in(&long).collect::<Vec<_>>(),
            [long.as_str()]
        );
        assert_eq!(second.segments_in("it's").collect::<Vec<_>>(), ["it", "'s"]);
        // More cuts than a token holds, or out of range: the word stays whole.
        assert_eq!(cuts_at([1, 2, 3, 4].into_iter()), SegmentCuts::NONE);
        assert_eq!(cuts_at([1, 70_000].into_iter()), SegmentCuts::NONE);
        assert_eq!(
            cuts_at([1, 2, 3].into_iter())
                .iter("abcd")
                .collect::<Vec<_>>(),
            ["a", "b", "c", "d"]
        );
    }
}
