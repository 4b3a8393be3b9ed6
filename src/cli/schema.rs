//! `nahr schema`: print the output contract.

use crate::output::schema;
use clap::Args;

/// Options of `nahr schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {}

/// Prints the schema as Markdown (the same text as `docs/SCHEMA.md`).
pub fn run(_args: SchemaArgs) -> Result<i32, String> {
    print!("{}", schema::markdown());
    Ok(0)
}
