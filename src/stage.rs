//! The one trait every pipeline stage implements.

use crate::document::Document;

/// Why a stage could not process a document. The runner turns it into an `errors` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageError {
    /// A short machine-readable kind, e.g. `too_deep`, `no_text`.
    pub kind: String,
    /// A human-readable message.
    pub message: String,
}

impl StageError {
    /// Makes an error of the given kind and message.
    pub fn new(kind: impl Into<String>, message: impl Into<String>) -> Self {
        StageError {
            kind: kind.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for StageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)
    }
}

impl std::error::Error for StageError {}

/// A pipeline stage: a pure function of the document and of read-only state loaded once.
///
/// Stages do no I/O while processing. They are shared by all worker threads, hence `Send + Sync`.
pub trait Stage: Send + Sync {
    /// The stage's name as used in pipeline files and in `errors.stage`.
    fn name(&self) -> &'static str;

    /// Processes one document in place.
    fn process(&self, doc: &mut Document) -> Result<(), StageError>;
}
