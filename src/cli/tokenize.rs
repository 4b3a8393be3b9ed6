//! `nahr tokenize`: tokenize plain text from standard input and write CoNLL-U to standard output.
//! Blank lines in the input are paragraph breaks; sentences never cross them.

use crate::tokenize::conllu::write_conllu;
use crate::tokenize::{Language, NormOptions, Tokenizer, TokenizerOptions};
use clap::Args;
use std::io::{BufRead, Write};

/// Arguments of `nahr tokenize`.
#[derive(Debug, Args)]
pub struct TokenizeArgs {
    /// Word splitting rules: `ar` (Arabic clitics), `en` (English contractions), `none` or `auto`
    /// (by each word's script).
    #[arg(long, default_value = "auto", value_parser = ["auto", "ar", "en", "none"])]
    pub lang: String,
    /// Do not split words into clitics or contractions (no multiword-token lines).
    #[arg(long)]
    pub no_segment: bool,
    /// End a sentence at every line break, not only at blank lines.
    #[arg(long)]
    pub line_breaks: bool,
}

/// Runs `nahr tokenize`; returns the exit code.
pub fn run(args: TokenizeArgs) -> Result<i32, String> {
    let language = Language::parse(&args.lang)
        .ok_or_else(|| format!("unknown language `{}` (use ar, en or auto)", args.lang))?;
    let tokenizer = Tokenizer::new(TokenizerOptions {
        language,
        normalize: false,
        norm: NormOptions::default(),
        segment: !args.no_segment,
        line_breaks: args.line_breaks,
    });
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    tokenize_stream(&tokenizer, stdin.lock(), &mut out).map_err(|e| format!("tokenize: {e}"))?;
    out.flush()
        .map_err(|e| format!("cannot write to standard output: {e}"))?;
    Ok(0)
}

/// Tokenizes `input` paragraph by paragraph (paragraphs end at blank lines) and writes CoNLL-U
/// to `output`. Invalid UTF-8 is an error.
pub fn tokenize_stream(
    tokenizer: &Tokenizer,
    input: impl BufRead,
    output: &mut impl Write,
) -> std::io::Result<()> {
    let mut paragraph = String::new();
    let mut conllu = String::new();
    let mut sent_id = 1;
    let mut sentences = Vec::new();
    let mut tokens = Vec::new();
    let mut norms = String::new();
    let mut flush = |paragraph: &mut String, output: &mut dyn Write| -> std::io::Result<()> {
        if paragraph.trim().is_empty() {
            paragraph.clear();
            return Ok(());
        }
        tokenizer
            .tokenize_into(paragraph, &mut sentences, &mut tokens, &mut norms)
            .map_err(std::io::Error::other)?;
        conllu.clear();
        sent_id = write_conllu(&mut conllu, paragraph, &sentences, &tokens, sent_id);
        paragraph.clear();
        output.write_all(conllu.as_bytes())
    };
    for line in input.lines() {
        let line = line?;
        if line.trim().is_empty() {
            flush(&mut paragraph, output)?;
        } else {
            paragraph.push_str(&line);
            paragraph.push('\n');
        }
    }
    flush(&mut paragraph, output)
}
