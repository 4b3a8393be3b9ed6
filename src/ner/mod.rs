//! Named-entity recognition: entity lists matched on normalised forms, and (in later modules)
//! the statistical sequence labeller.
//!
//! - [`text`]: matching keys, Arabic proclitic splits, script and shape of a word.
//! - [`lists`]: entity lists (gazetteers), built-in and user-supplied.
//! - [`hash`]: the small fast hash used by maps and feature hashing.

pub mod hash;
pub mod lists;
pub mod text;
