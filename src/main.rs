//! The `nahr` binary: parse the command line, hand it to the library, exit with its code.

use clap::Parser;

fn main() {
    let cli = nahr::cli::Cli::parse();
    std::process::exit(nahr::cli::dispatch(cli));
}
