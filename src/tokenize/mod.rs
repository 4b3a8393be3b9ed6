//! Tokenization: sentence splitting, surface tokens with their kind, normalised forms and clitic
//! segmentation. This module is a pure library (no I/O); the pipeline wrapper lives in
//! `crate::stages::tokenize`.

mod simple;

pub use simple::tokenize_simple;
