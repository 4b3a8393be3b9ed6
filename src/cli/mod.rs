//! The command-line interface: argument structures (clap) and the code behind each subcommand.
//! `src/main.rs` only parses and dispatches; each subcommand lives in its own module here.

pub mod ner;
pub mod run;
pub mod schema;
pub mod tokenize;
pub mod train_blocks;
pub mod train_ner;

use clap::{Parser, Subcommand};

/// nahr turns raw web pages (HTML, WARC, JSON Lines) into analysis-ready Parquet tables:
/// documents, sentences, tokens, entities and errors.
#[derive(Debug, Parser)]
#[command(name = "nahr", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a pipeline over web pages and write the five Parquet tables.
    Run(run::RunArgs),
    /// Print the output tables and columns (the output contract) as Markdown.
    Schema(schema::SchemaArgs),
    /// Tokenize plain text from standard input and write CoNLL-U (sentences, tokens, clitics).
    Tokenize(tokenize::TokenizeArgs),
    /// Tag pre-tokenised CoNLL text with the entity model and lists; write `token<TAB>tag`.
    Ner(ner::NerArgs),
    /// Train a named-entity model on CoNLL files (per-epoch dev F1).
    TrainNer(train_ner::TrainNerArgs),
    /// Train the learned block scorer of the `clean` stage (with cross-validation by site).
    TrainBlocks(train_blocks::TrainBlocksArgs),
}

/// Exit code for fatal problems (bad arguments, unreadable inputs, output not writable).
pub const EXIT_FATAL: i32 = 2;

/// Runs a parsed command line; returns the process exit code.
pub fn dispatch(cli: Cli) -> i32 {
    let result = match cli.command {
        Command::Run(args) => run::run(args),
        Command::Schema(args) => schema::run(args),
        Command::Tokenize(args) => tokenize::run(args),
        Command::Ner(args) => ner::run(args),
        Command::TrainNer(args) => train_ner::run(args),
        Command::TrainBlocks(args) => train_blocks::run(args),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("nahr: error: {message}");
            EXIT_FATAL
        }
    }
}
