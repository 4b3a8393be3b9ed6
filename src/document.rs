//! The in-memory document that flows through the pipeline's stages.
//!
//! A [`RawRecord`] comes out of the reader (bytes plus provenance). The worker decodes it into a
//! [`Document`], then each stage fills in more of it: `clean` sets `text` and the metadata,
//! `tokenize` sets `sentences`, `tokens` and `token_norms`, `entities` sets `entities` and the
//! tokens' BIO tags.
//! The writer turns a finished `Document` into rows of the five output tables.
//!
//! Offsets: every span carries code-point offsets (`start`/`end`, what the output contract
//! promises) and byte offsets into `Document::text` (`byte_start`/`byte_end`, what Rust needs to
//! slice). Both are half-open.

use std::num::NonZeroU32;

/// Where a raw record came from and what the transport said about it.
#[derive(Debug, Clone, Default)]
pub struct RawRecord {
    /// Input file path relative to its input root, plus `#record-id` or `#line` for members of
    /// WARC and JSON Lines files.
    pub source: String,
    /// The raw page bytes, exactly as stored (already decompressed).
    pub bytes: Vec<u8>,
    /// The page URL when the container knows it (WARC target URI, JSONL url field).
    pub url: Option<String>,
    /// When the page was fetched, microseconds since the Unix epoch (UTC), e.g. a WARC-Date.
    pub fetched_at: Option<i64>,
    /// The charset named by the transport (HTTP `Content-Type` header in a WARC record).
    pub transport_charset: Option<String>,
}

/// How the encoding of a page was determined, in the HTML standard's order of precedence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EncodingSource {
    /// A byte-order mark at the start of the bytes.
    Bom,
    /// The transport layer's charset (HTTP header inside a WARC record).
    Transport,
    /// A `<meta charset>` or `<meta http-equiv="Content-Type">` found by the prescan.
    Meta,
    /// The bytes are valid UTF-8 and nothing was declared.
    Utf8Valid,
    /// A statistical guess (chardetng) from the bytes.
    #[default]
    Guess,
}

impl EncodingSource {
    /// The value written to `documents.encoding_source`.
    pub fn as_str(self) -> &'static str {
        match self {
            EncodingSource::Bom => "bom",
            EncodingSource::Transport => "transport",
            EncodingSource::Meta => "meta",
            EncodingSource::Utf8Valid => "utf8",
            EncodingSource::Guess => "guess",
        }
    }
}

/// Page metadata found by the `clean` stage. Every field is optional: absent means not found.
#[derive(Debug, Clone, Default)]
pub struct Metadata {
    /// The headline, without the site name.
    pub title: Option<String>,
    /// The site's name (e.g. `og:site_name`).
    pub site_name: Option<String>,
    /// The author or byline name.
    pub author: Option<String>,
    /// Publication date-time, microseconds since the Unix epoch (UTC).
    pub published: Option<i64>,
    /// The publication day as the page states it, in the page's own time zone (days since
    /// 1970-01-01). It can differ from the UTC day of `published` near midnight.
    pub published_day: Option<i32>,
    /// The page's description (meta description or `og:description`).
    pub description: Option<String>,
    /// The canonical URL (`<link rel="canonical">` or `og:url`).
    pub canonical_url: Option<String>,
    /// Tags or keywords of the article.
    pub tags: Vec<String>,
    /// The `lang` attribute of the `<html>` element, as declared (not trusted).
    pub html_lang: Option<String>,
}

/// A sentence: a half-open span of `Document::text`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    /// First code point of the sentence.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// First byte of the sentence in `Document::text`.
    pub byte_start: usize,
    /// One past the last byte.
    pub byte_end: usize,
}

/// What kind of thing a token is (`tokens.kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// A word in any script.
    Word,
    /// A number, possibly with separators and a decimal mark, in any digits.
    Number,
    /// Punctuation.
    Punct,
    /// A symbol (currency, math, other).
    Symbol,
    /// A URL.
    Url,
    /// An e-mail address.
    Email,
    /// An @mention.
    Mention,
    /// A #hashtag.
    Hashtag,
    /// An emoji or emoticon sequence.
    Emoji,
}

impl TokenKind {
    /// The value written to `tokens.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Word => "word",
            TokenKind::Number => "number",
            TokenKind::Punct => "punct",
            TokenKind::Symbol => "symbol",
            TokenKind::Url => "url",
            TokenKind::Email => "email",
            TokenKind::Mention => "mention",
            TokenKind::Hashtag => "hashtag",
            TokenKind::Emoji => "emoji",
        }
    }
}

/// An entity label of the output contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityLabel {
    /// A person.
    Per,
    /// A place.
    Loc,
    /// An organisation.
    Org,
    /// Any other name (events, nationalities, works, products...).
    Misc,
}

impl EntityLabel {
    /// All labels, in a fixed order.
    pub const ALL: [EntityLabel; 4] = [
        EntityLabel::Per,
        EntityLabel::Loc,
        EntityLabel::Org,
        EntityLabel::Misc,
    ];

    /// The value written to `entities.label` (`PER`, `LOC`, `ORG`, `MISC`).
    pub fn as_str(self) -> &'static str {
        match self {
            EntityLabel::Per => "PER",
            EntityLabel::Loc => "LOC",
            EntityLabel::Org => "ORG",
            EntityLabel::Misc => "MISC",
        }
    }

    /// Parses a label, accepting the ANERcorp spelling `PERS` for `PER`.
    pub fn parse(s: &str) -> Option<EntityLabel> {
        match s {
            "PER" | "PERS" | "PERSON" => Some(EntityLabel::Per),
            "LOC" | "LOCATION" => Some(EntityLabel::Loc),
            "ORG" | "ORGANIZATION" | "ORGANISATION" => Some(EntityLabel::Org),
            "MISC" => Some(EntityLabel::Misc),
            _ => None,
        }
    }
}

/// A token's BIO tag (`tokens.ner`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum BioTag {
    /// Outside any entity.
    #[default]
    O,
    /// First token of an entity.
    B(EntityLabel),
    /// A following token of an entity.
    I(EntityLabel),
}

impl BioTag {
    /// The tag as text: `O`, `B-PER`, `I-LOC`, ...
    pub fn as_str(self) -> &'static str {
        use EntityLabel::*;
        match self {
            BioTag::O => "O",
            BioTag::B(Per) => "B-PER",
            BioTag::B(Loc) => "B-LOC",
            BioTag::B(Org) => "B-ORG",
            BioTag::B(Misc) => "B-MISC",
            BioTag::I(Per) => "I-PER",
            BioTag::I(Loc) => "I-LOC",
            BioTag::I(Org) => "I-ORG",
            BioTag::I(Misc) => "I-MISC",
        }
    }
}

/// A token's normalised form when it differs from the surface: a byte range of
/// [`Document::token_norms`], the one buffer that holds the normalised forms of all of a
/// document's tokens (so that a token owns no heap memory of its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NormSpan {
    start: u32,
    /// One past the last byte, plus one: never zero, so that `Option<NormSpan>` takes no more
    /// room than a `NormSpan`.
    end_plus_one: NonZeroU32,
}

impl NormSpan {
    /// The span of bytes `start..end` of the norms buffer, or `None` when it is not a range
    /// (`start > end`) or does not fit in 32 bits (a buffer of 4 GiB or more).
    pub fn new(start: usize, end: usize) -> Option<NormSpan> {
        if start > end {
            return None;
        }
        let end_plus_one = u32::try_from(end).ok()?.checked_add(1)?;
        Some(NormSpan {
            start: u32::try_from(start).ok()?,
            end_plus_one: NonZeroU32::new(end_plus_one)?,
        })
    }

    /// The byte range of the norms buffer.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..(self.end_plus_one.get() - 1) as usize
    }
}

/// Where a word splits into segments (proclitics, stem, enclitics; the two parts of an English
/// contraction): the byte offsets, within the token's surface, at which the second and later
/// segments start. Segments are pieces of the surface, so they always spell it exactly; a
/// word that is not split has no cuts and one segment, the surface itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SegmentCuts {
    cuts: [u16; SegmentCuts::MAX_CUTS],
    count: u8,
}

impl SegmentCuts {
    /// Most cuts a token can hold: four segments, as many as the Arabic segmenter makes
    /// (two proclitic letters, the stem, one enclitic).
    pub const MAX_CUTS: usize = 3;

    /// No cuts: the word is not split.
    pub const NONE: SegmentCuts = SegmentCuts {
        cuts: [0; SegmentCuts::MAX_CUTS],
        count: 0,
    };

    /// Cuts at the given byte offsets of the surface (in order, none above the surface's
    /// length). `None` when they cannot be held: more than [`SegmentCuts::MAX_CUTS`], an
    /// offset past 65,535, or offsets out of order; the tokenizer then leaves the word whole.
    pub fn new(cuts: &[usize]) -> Option<SegmentCuts> {
        if cuts.len() > SegmentCuts::MAX_CUTS || cuts.windows(2).any(|w| w[0] > w[1]) {
            return None;
        }
        let mut out = SegmentCuts::NONE;
        for (slot, &cut) in out.cuts.iter_mut().zip(cuts) {
            *slot = u16::try_from(cut).ok()?;
        }
        out.count = cuts.len() as u8;
        Some(out)
    }

    /// Whether the word was split (into two segments or more).
    pub fn is_split(&self) -> bool {
        self.count > 0
    }

    /// Number of segments: one more than the number of cuts (1 when not split).
    pub fn len(&self) -> usize {
        usize::from(self.count) + 1
    }

    /// Always false: every token has at least one segment.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The segments of `surface` (the token's own surface), in order; the surface alone when
    /// the word was not split. A cut that is not on a character boundary of `surface` gives
    /// empty segments rather than a panic.
    pub fn iter<'s>(&self, surface: &'s str) -> impl Iterator<Item = &'s str> + 's {
        let cuts = self.cuts;
        let count = usize::from(self.count);
        (0..=count).map(move |k| {
            let start = if k == 0 { 0 } else { usize::from(cuts[k - 1]) };
            let end = if k == count {
                surface.len()
            } else {
                usize::from(cuts[k])
            };
            surface.get(start..end).unwrap_or("")
        })
    }
}

/// A surface token: a half-open span of `Document::text`. A token owns no heap memory: its
/// normalised form lives in [`Document::token_norms`] and its segments are cuts of its surface.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// Index of the sentence holding the token (`sentences.sent_idx`).
    pub sent_idx: u32,
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// First byte in `Document::text`.
    pub byte_start: usize,
    /// One past the last byte.
    pub byte_end: usize,
    /// What kind of token this is.
    pub kind: TokenKind,
    /// Where the normalised form is in [`Document::token_norms`]; `None` when it equals the
    /// surface text. Read it with [`Document::token_norm`] or [`Token::norm_in`].
    pub norm: Option<NormSpan>,
    /// Clitic segmentation (proclitics, stem, enclitics) or contraction split, as cuts of the
    /// surface; [`SegmentCuts::NONE`] when the word was not split (the writer then writes the
    /// surface as the only segment). Read them with [`Token::segments_in`].
    pub segments: SegmentCuts,
    /// The BIO tag set by the `entities` stage.
    pub ner: BioTag,
}

impl Token {
    /// The token's surface in `text` (the document's text), or `""` when its byte span is
    /// not a valid span of `text`.
    pub fn surface_in<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.byte_start..self.byte_end).unwrap_or("")
    }

    /// The token's normalised form: its span of `norms` (the document's
    /// [`Document::token_norms`]), or its surface in `text` when it has none. `""` when a span
    /// is not valid.
    pub fn norm_in<'t>(&self, text: &'t str, norms: &'t str) -> &'t str {
        match self.norm {
            Some(span) => norms.get(span.range()).unwrap_or(""),
            None => self.surface_in(text),
        }
    }

    /// The token's segments, given its surface (see [`SegmentCuts::iter`]).
    pub fn segments_in<'s>(&self, surface: &'s str) -> impl Iterator<Item = &'s str> + 's {
        self.segments.iter(surface)
    }
}

/// Where an entity mention came from (`entities.origin`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityOrigin {
    /// The statistical model.
    Model,
    /// An entity list (built-in or the user's).
    List,
}

impl EntityOrigin {
    /// The value written to `entities.origin`.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityOrigin::Model => "model",
            EntityOrigin::List => "list",
        }
    }
}

/// An entity mention: a half-open span of `Document::text`.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    /// First code point (after any attached proclitics).
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// First byte in `Document::text`.
    pub byte_start: usize,
    /// One past the last byte.
    pub byte_end: usize,
    /// Index (`tokens.tok_idx`) of the first token of the mention.
    pub tok_start: usize,
    /// One past the index of the last token.
    pub tok_end: usize,
    /// The normalised form of the mention.
    pub norm: String,
    /// The label.
    pub label: EntityLabel,
    /// Confidence in [0, 1].
    pub score: f32,
    /// Model or list.
    pub origin: EntityOrigin,
}

/// A document as it flows through the stages.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// Stable id: the same input gives the same id on every run and machine.
    pub doc_id: String,
    /// Provenance (see [`RawRecord::source`]).
    pub source: String,
    /// The page URL when known.
    pub url: Option<String>,
    /// Fetch time, microseconds since the Unix epoch (UTC), when known.
    pub fetched_at: Option<i64>,
    /// Size of the raw record in bytes.
    pub raw_bytes: usize,
    /// Name of the encoding the bytes were decoded with (WHATWG label, e.g. `windows-1256`).
    pub encoding: String,
    /// How that encoding was found.
    pub encoding_source: EncodingSource,
    /// The decoded HTML. Stages after `clean` may drop it to save memory.
    pub html: String,
    /// The cleaned text of the page (never letter-normalised).
    pub text: String,
    /// Which extraction path produced `text` (e.g. `main`, `fallback`, `visible`, `empty`).
    pub extractor: String,
    /// True when the `clean` stage's work bounds cut the page (only its first part was read).
    pub truncated: bool,
    /// Page metadata.
    pub meta: Metadata,
    /// Detected language of `text` (ISO 639-1), when detected.
    pub lang: Option<String>,
    /// Confidence of the language guess in [0, 1].
    pub lang_score: Option<f32>,
    /// Sentences in order.
    pub sentences: Vec<Sentence>,
    /// Tokens in order; `tokens[i]` has `tok_idx = i`.
    pub tokens: Vec<Token>,
    /// The normalised forms of the tokens that have one ([`Token::norm`]), one after another.
    pub token_norms: String,
    /// Entity mentions in order of `start`.
    pub entities: Vec<Entity>,
}

impl Document {
    /// The surface text of a byte span of `text`, or `""` when the span is not valid.
    pub fn slice(&self, byte_start: usize, byte_end: usize) -> &str {
        self.text.get(byte_start..byte_end).unwrap_or("")
    }

    /// The surface text of a token of this document (see [`Token::surface_in`]).
    pub fn token_surface(&self, token: &Token) -> &str {
        token.surface_in(&self.text)
    }

    /// The normalised form of a token of this document: its span of [`Document::token_norms`],
    /// or its surface when the two are equal (see [`Token::norm_in`]).
    pub fn token_norm(&self, token: &Token) -> &str {
        token.norm_in(&self.text, &self.token_norms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn norm_spans_hold_32_bit_ranges_only() {
        assert_eq!(NormSpan::new(3, 7).map(NormSpan::range), Some(3..7));
        assert_eq!(NormSpan::new(0, 0).map(NormSpan::range), Some(0..0));
        let last = u32::MAX as usize - 1;
        assert_eq!(
            NormSpan::new(last, last).map(NormSpan::range),
            Some(last..last)
        );
        assert_eq!(NormSpan::new(0, u32::MAX as usize), None);
        assert_eq!(NormSpan::new(5, 4), None);
        assert_eq!(
            std::mem::size_of::<Option<NormSpan>>(),
            std::mem::size_of::<NormSpan>()
        );
    }

    #[test]
    fn segment_cuts_spell_the_surface() {
        let word = "وبالقوات";
        let cuts = SegmentCuts::new(&[2, 4]).expect("cuts");
        assert_eq!(cuts.len(), 3);
        assert_eq!(cuts.iter(word).collect::<Vec<_>>(), ["و", "ب", "القوات"]);
        assert_eq!(SegmentCuts::NONE.iter(word).collect::<Vec<_>>(), [word]);
        assert!(!SegmentCuts::NONE.is_split() && SegmentCuts::NONE.len() == 1);
        // Empty segments are kept; a cut inside a character gives empty pieces, not a panic.
        assert_eq!(
            SegmentCuts::new(&[1, 1])
                .expect("cuts")
                .iter("word")
                .collect::<Vec<_>>(),
            ["w", "", "ord"]
        );
        assert_eq!(
            SegmentCuts::new(&[1])
                .expect("cut")
                .iter(word)
                .collect::<Vec<_>>(),
            ["", ""]
        );
        // What a token cannot hold.
        assert_eq!(SegmentCuts::new(&[1, 2, 3, 4]), None);
        assert_eq!(SegmentCuts::new(&[65_536]), None);
        assert_eq!(SegmentCuts::new(&[3, 2]), None);
    }

    #[test]
    fn tokens_own_no_heap_memory_and_stay_small() {
        let doc = Document {
            text: "Don't".into(),
            token_norms: "don't".into(),
            tokens: vec![Token {
                sent_idx: 0,
                start: 0,
                end: 5,
                byte_start: 0,
                byte_end: 5,
                kind: TokenKind::Word,
                norm: NormSpan::new(0, 5),
                segments: SegmentCuts::new(&[2]).expect("cut"),
                ner: BioTag::O,
            }],
            ..Document::default()
        };
        let t = &doc.tokens[0];
        assert_eq!(doc.token_surface(t), "Don't");
        assert_eq!(doc.token_norm(t), "don't");
        assert_eq!(
            t.segments_in(doc.token_surface(t)).collect::<Vec<_>>(),
            ["Do", "n't"]
        );
        // Four offsets, the sentence index, the norm's span, the cuts and two small enums.
        assert!(
            std::mem::size_of::<Token>() <= 56,
            "{}",
            std::mem::size_of::<Token>()
        );
    }
}
