//! The in-memory document that flows through the pipeline's stages.
//!
//! A [`RawRecord`] comes out of the reader (bytes plus provenance). The worker decodes it into a
//! [`Document`], then each stage fills in more of it: `clean` sets `text` and the metadata,
//! `tokenize` sets `sentences` and `tokens`, `entities` sets `entities` and the tokens' BIO tags.
//! The writer turns a finished `Document` into rows of the five output tables.
//!
//! Offsets: every span carries code-point offsets (`start`/`end`, what the output contract
//! promises) and byte offsets into `Document::text` (`byte_start`/`byte_end`, what Rust needs to
//! slice). Both are half-open.

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

/// A surface token: a half-open span of `Document::text`.
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
    /// The normalised form; `None` when it equals the surface text (saves an allocation).
    pub norm: Option<String>,
    /// Clitic segmentation (proclitics, stem, enclitics) when the token was split;
    /// empty when it was not (the writer then writes the surface as the only segment).
    pub segments: Vec<String>,
    /// The BIO tag set by the `entities` stage.
    pub ner: BioTag,
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
    /// Entity mentions in order of `start`.
    pub entities: Vec<Entity>,
}

impl Document {
    /// The surface text of a byte span of `text`, or `""` when the span is not valid.
    pub fn slice(&self, byte_start: usize, byte_end: usize) -> &str {
        self.text.get(byte_start..byte_end).unwrap_or("")
    }
}
