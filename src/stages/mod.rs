//! The registry of pipeline stages. Each stage lives in its own module; adding one means adding
//! its module and one arm to [`build_stage`].

use crate::stage::Stage;

pub mod clean;
pub mod entities;
pub mod tokenize;

/// The stage names [`build_stage`] knows, in their usual order.
pub const KNOWN_STAGES: &[&str] = &["clean", "tokenize", "entities"];

/// Builds the stage called `name` from its options table (the `[name]` table of a pipeline
/// file; empty when the file has none). Unknown names and bad options are errors.
pub fn build_stage(name: &str, options: toml::Table) -> Result<Box<dyn Stage>, String> {
    match name {
        "clean" => Ok(Box::new(clean::CleanStage::from_options(options)?)),
        "tokenize" => Ok(Box::new(tokenize::TokenizeStage::from_options(options)?)),
        "entities" => Ok(Box::new(entities::EntitiesStage::from_options(options)?)),
        other => Err(format!(
            "unknown stage `{other}` (known stages: {})",
            KNOWN_STAGES.join(", ")
        )),
    }
}
