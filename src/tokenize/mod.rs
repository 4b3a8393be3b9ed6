//! Tokenization: sentence splitting, surface tokens with their kind, normalised forms and clitic
//! segmentation. This module is a pure library (no I/O); the pipeline wrapper lives in
//! `crate::stages::tokenize`, the `nahr tokenize` command in `crate::cli::tokenize`.
//!
//! For other modules (NER features, search): [`norm`] gives a word's normalised form, [`segment`]
//! and [`stem`] split an Arabic word into proclitics, stem and enclitics.

pub(crate) mod chars;
pub mod conllu;
mod norm;
mod scan;
mod segment;
mod tokenizer;

pub use norm::{NormOptions, norm, norm_if_changed, norm_with, push_norm_if_changed};
pub use scan::{Piece, scan};
pub use segment::{
    ArabicSegmenter, ENCLITICS, PROCLITICS, Segmentation, is_unsplit_word, segment, stem,
};
pub use tokenizer::{
    Language, TokenizeError, Tokenized, Tokenizer, TokenizerOptions, english_split,
};
