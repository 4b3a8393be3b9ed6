//! The command-line interface: argument structures (clap) and the code behind each subcommand.
//! `src/main.rs` only parses and dispatches; each subcommand lives in its own module here.

pub mod run;
pub mod schema;

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
}

/// Exit code for fatal problems (bad arguments, unreadable inputs, output not writable).
pub const EXIT_FATAL: i32 = 2;

/// Runs a parsed command line; returns the process exit code.
pub fn dispatch(cli: Cli) -> i32 {
    let result = match cli.command {
        Command::Run(args) => run::run(args),
        Command::Schema(args) => schema::run(args),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("nahr: error: {message}");
            EXIT_FATAL
        }
    }
}
