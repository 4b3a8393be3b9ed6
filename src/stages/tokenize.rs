//! The `tokenize` stage: fills `Document::sentences` and `Document::tokens` from `Document::text`.

use crate::document::Document;
use crate::stage::{Stage, StageError};
use serde::Deserialize;

/// Options of the `tokenize` stage (the `[tokenize]` table of a pipeline file).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TokenizeOptions {
    /// Fold Arabic teh marbuta (ة) to heh (ه) in `norm`.
    pub teh_marbuta: bool,
}

/// Splits a document's text into sentences and tokens.
#[derive(Debug, Clone, Default)]
pub struct TokenizeStage {
    options: TokenizeOptions,
}

impl TokenizeStage {
    /// Builds the stage from its options table.
    pub fn from_options(options: toml::Table) -> Result<Self, String> {
        let options: TokenizeOptions = options
            .try_into()
            .map_err(|e| format!("bad [tokenize] options: {e}"))?;
        Ok(TokenizeStage { options })
    }

    /// The options the stage runs with.
    pub fn options(&self) -> &TokenizeOptions {
        &self.options
    }
}

impl Stage for TokenizeStage {
    fn name(&self) -> &'static str {
        "tokenize"
    }

    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        let (sentences, tokens) = crate::tokenize::tokenize_simple(&doc.text);
        doc.sentences = sentences;
        doc.tokens = tokens;
        Ok(())
    }
}
