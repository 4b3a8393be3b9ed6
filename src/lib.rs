//! nahr: a batch NLP pipeline that turns raw web pages into analysis-ready Parquet tables.
//!
//! The flow: a reader thread yields [`document::RawRecord`]s, a rayon pool decodes each one and
//! runs the pipeline's [`stage::Stage`]s on it, and one writer thread turns finished documents
//! into Arrow record batches and zstd Parquet files.
#![warn(missing_docs)]

pub mod batch;
pub mod chars;
pub mod cli;
pub mod cputime;
pub mod decode;
pub mod document;
pub mod extract;
pub mod html;
pub mod inflight;
pub mod input;
pub mod lang;
pub mod manifest;
pub mod ner;
pub mod output;
pub mod pipeline;
pub mod runner;
pub mod scratch;
pub mod stage;
pub mod stages;
pub mod timefmt;
pub mod tokenize;
