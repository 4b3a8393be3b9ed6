//! The `tokenize` stage: fills `Document::sentences` and `Document::tokens` from `Document::text`
//! with [`crate::tokenize::Tokenizer`] (code-point and byte offsets, `kind`, `norm` when it
//! differs from the surface, kept in `Document::token_norms`, `segments` when a word splits).

use crate::document::Document;
use crate::stage::{Stage, StageError};
use crate::tokenize::{Language, NormOptions, Tokenizer, TokenizerOptions};
use serde::Deserialize;

/// Options of the `tokenize` stage (the `[tokenize]` table of a pipeline file).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TokenizeOptions {
    /// Fold Arabic teh marbuta (ة) to heh (ه) in `norm`. Default false.
    pub teh_marbuta: bool,
    /// Word splitting rules: `auto` (the default: by each word's script, and none at all in a
    /// document whose detected language is neither Arabic nor English), `ar`, `en` or `none`.
    pub language: String,
    /// Split words into clitics / contractions (`tokens.segments`). Default true.
    pub segment: bool,
    /// Fill `tokens.norm`. Default true.
    pub normalize: bool,
    /// A single line break ends a sentence (web text puts headings and list items on lines of
    /// their own). Default true; blank lines always end a sentence.
    pub line_breaks: bool,
}

impl Default for TokenizeOptions {
    fn default() -> Self {
        TokenizeOptions {
            teh_marbuta: false,
            language: "auto".to_owned(),
            segment: true,
            normalize: true,
            line_breaks: true,
        }
    }
}

/// Splits a document's text into sentences and tokens.
#[derive(Debug, Clone)]
pub struct TokenizeStage {
    tokenizer: Tokenizer,
}

impl TokenizeStage {
    /// Builds the stage from its options table.
    pub fn from_options(options: toml::Table) -> Result<Self, String> {
        let o: TokenizeOptions = options
            .try_into()
            .map_err(|e| format!("bad [tokenize] options: {e}"))?;
        let language = Language::parse(&o.language).ok_or_else(|| {
            format!(
                "bad [tokenize] options: language `{}` (use auto, ar, en or none)",
                o.language
            )
        })?;
        Ok(TokenizeStage {
            tokenizer: Tokenizer::new(TokenizerOptions {
                language,
                normalize: o.normalize,
                norm: NormOptions {
                    teh_marbuta: o.teh_marbuta,
                },
                segment: o.segment,
                line_breaks: o.line_breaks,
            }),
        })
    }

    /// The tokenizer the stage runs.
    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }
}

impl Stage for TokenizeStage {
    fn name(&self) -> &'static str {
        "tokenize"
    }

    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        let text = std::mem::take(&mut doc.text);
        // Persian, Urdu and other languages: the Arabic clitic model and English contractions
        // do not apply to their words.
        let tokenizer = match doc.lang.as_deref() {
            Some(lang)
                if self.tokenizer.options().language == Language::Auto
                    && lang != "ar"
                    && lang != "en" =>
            {
                self.tokenizer.with_language(Language::None)
            }
            _ => self.tokenizer,
        };
        let done = tokenizer.tokenize_into(
            &text,
            &mut doc.sentences,
            &mut doc.tokens,
            &mut doc.token_norms,
        );
        doc.text = text;
        done.map_err(|e| StageError::new("oversize", e.to_string()))
    }
}
