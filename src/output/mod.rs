//! The output side: the table contract, Arrow batch building, Parquet files and the manifest.

pub mod schema;
pub mod tables;
mod tokens_parquet;
pub mod writer;

pub use tables::{ErrorRow, TableBuilders, TableId};
pub use writer::{OutputWriter, TableSummary, WriteError, WriterOptions};

use std::path::Path;

/// Writes `bytes` to `path` atomically: a hidden temporary file in the same folder, then a rename.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.tmp"));
    std::fs::write(&temp, bytes)?;
    std::fs::rename(&temp, path)
}
