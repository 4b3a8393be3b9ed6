//! `nahr ner`: tag pre-tokenised CoNLL text with the same model and lists as `nahr run`, and
//! write `token<TAB>tag` lines in the same order, so that any CoNLL corpus can be scored with
//! `../shared/tools/score_ner.py`.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use crate::document::{Document, Sentence, Token, TokenKind};
use crate::ner::conll::{ConllSentence, read_conll};
use crate::stage::Stage;
use crate::stages::entities::{EntitiesOptions, EntitiesStage};

/// Arguments of `nahr ner`.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  nahr ner --lang ar --conll ../shared/data/ner/anercorp/dev.txt > pred.txt\n  python3 ../shared/tools/score_ner.py ../shared/data/ner/anercorp/dev.txt pred.txt --map PERS=PER"
)]
pub struct NerArgs {
    /// Language of the text: selects the model (`ar`, `en`); other codes get lists only.
    #[arg(long, default_value = "ar")]
    pub lang: String,
    /// The input: one token per line (first column; other columns ignored), blank lines
    /// between sentences.
    #[arg(long)]
    pub conll: PathBuf,
    /// A model file to use instead of the built-in model of the language.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// User entity lists (TSV `phrase<TAB>label`).
    #[arg(long, num_args = 1..)]
    pub lists: Vec<PathBuf>,
    /// Do not match the built-in lists.
    #[arg(long)]
    pub no_builtin_lists: bool,
    /// Do not use the model (lists only).
    #[arg(long)]
    pub no_model: bool,
    /// Do not propagate model mentions to other occurrences of the same word in the document.
    #[arg(long)]
    pub no_propagate: bool,
    /// Do not join organisation head nouns (قوات, حزب, صحيفة...) and what names them into
    /// one ORG mention.
    #[arg(long)]
    pub no_org_phrases: bool,
    /// Do not tag Arabic towns whose names are everyday words (الباب, الطبقة) after a place
    /// noun (مدينة الباب), nor relabel the model's mentions after one LOC.
    #[arg(long)]
    pub no_context_towns: bool,
    /// Do not relabel MISC the model's Arabic mentions after a disease noun (فيروس كورونا) and
    /// their other mentions starting with the same word.
    #[arg(long)]
    pub no_disease_names: bool,
    /// Keep the English model's all-lowercase mentions in documents whose sentences mostly
    /// start with a capital letter (by default they are dropped there).
    #[arg(long)]
    pub no_case_check: bool,
    /// Keep the English model's mentions of technical terms as they are (by default generic
    /// ones such as API or VPN are dropped and software names such as Python relabelled MISC;
    /// `data/lists/technical-terms-en.tsv`).
    #[arg(long)]
    pub no_tech_terms: bool,
    /// Do not make Arabic competition names (كأس العالم, دوري أبطال أوروبا) one MISC mention.
    #[arg(long)]
    pub no_competitions: bool,
    /// Do not tag an Arabic name after a title and a nisba adjective (العالم الألماني هيزنبرج)
    /// `PER`.
    #[arg(long)]
    pub no_titled_names: bool,
    /// Tag runs of Latin-script words in Arabic text with the English model (off by default:
    /// the Arabic model tags them).
    #[arg(long)]
    pub latin_runs: bool,
    /// The organisation phrase patterns to use, comma-separated (default: those of the
    /// `entities` stage; names: head-name, head-name-nisba, head-quoted, head-nisba, media-word
    /// (the definite word after a newspaper or channel head), education-name (a university's
    /// head and the name after it), tagged-head, and head-relabel,
    /// head-relabel-doc, which relabel a MISC name after a head ORG, media-relabel, which
    /// relabels any name after a press or broadcasting head ORG, and media-tail, which makes a
    /// name ending in نيوز, بوست, تايمز, برس or توداي ORG).
    #[arg(long, value_delimiter = ',')]
    pub org_patterns: Option<Vec<String>>,
    /// Start a new document every N sentences (documents also start at `-DOCSTART-` lines;
    /// 0: only there, so a file without them is one document).
    #[arg(long, default_value_t = 0)]
    pub doc_sentences: usize,
}

/// Lays pre-tokenised sentences out as a document: tokens separated by spaces, sentences by
/// line breaks, with code-point and byte offsets.
pub fn document_from_sentences(sentences: &[ConllSentence], lang: &str) -> Document {
    let mut doc = Document {
        lang: Some(lang.to_string()),
        ..Document::default()
    };
    let mut cp = 0;
    for (si, s) in sentences.iter().enumerate() {
        if si > 0 {
            doc.text.push('\n');
            cp += 1;
        }
        let (sent_cp, sent_byte) = (cp, doc.text.len());
        for (ti, tok) in s.tokens.iter().enumerate() {
            if ti > 0 {
                doc.text.push(' ');
                cp += 1;
            }
            let (start, byte_start) = (cp, doc.text.len());
            doc.text.push_str(tok);
            cp += tok.chars().count();
            let kind = if tok.chars().any(char::is_alphabetic) {
                TokenKind::Word
            } else if tok.chars().any(char::is_numeric) {
                TokenKind::Number
            } else {
                TokenKind::Punct
            };
            doc.tokens.push(Token {
                sent_idx: si as u32,
                start,
                end: cp,
                byte_start,
                byte_end: doc.text.len(),
                kind,
                norm: None,
                segments: Default::default(),
                ner: Default::default(),
            });
        }
        doc.sentences.push(Sentence {
            start: sent_cp,
            end: cp,
            byte_start: sent_byte,
            byte_end: doc.text.len(),
        });
    }
    doc
}

/// Runs `nahr ner`; returns the exit code.
pub fn run(args: NerArgs) -> Result<i32, String> {
    let sentences = read_conll(&args.conll, false)?;
    let model = args.model.as_ref().map(|p| p.display().to_string());
    let options = EntitiesOptions {
        lists: args.lists.iter().map(|p| p.display().to_string()).collect(),
        base_dir: None,
        builtin_lists: !args.no_builtin_lists,
        models: !args.no_model,
        model_ar: if args.lang == "ar" {
            model.clone()
        } else {
            None
        },
        model_en: if args.lang == "en" { model } else { None },
        propagate: !args.no_propagate,
        org_phrases: !args.no_org_phrases,
        context_towns: !args.no_context_towns,
        disease_names: !args.no_disease_names,
        case_check: !args.no_case_check,
        tech_terms: !args.no_tech_terms,
        latin_runs: args.latin_runs,
        competitions: !args.no_competitions,
        titled_names: !args.no_titled_names,
        org_patterns: args
            .org_patterns
            .unwrap_or_else(|| EntitiesOptions::default().org_patterns),
    };
    let stage = EntitiesStage::new(&options)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let write_err = |e: std::io::Error| format!("cannot write to standard output: {e}");
    for group in documents(&sentences, args.doc_sentences) {
        let mut doc = document_from_sentences(group, &args.lang);
        stage
            .process(&mut doc)
            .map_err(|e| format!("tagging failed: {e}"))?;
        let mut tokens = doc.tokens.iter();
        for s in group {
            for tok in &s.tokens {
                let tag = tokens.next().map_or("O", |t| t.ner.as_str());
                writeln!(out, "{tok}\t{tag}").map_err(write_err)?;
            }
            writeln!(out).map_err(write_err)?;
        }
    }
    out.flush().map_err(write_err)?;
    Ok(0)
}

/// Splits sentences into documents: at `-DOCSTART-` lines, and every `every` sentences when
/// `every` is not 0.
pub fn documents(sentences: &[ConllSentence], every: usize) -> Vec<&[ConllSentence]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=sentences.len() {
        let boundary =
            i == sentences.len() || sentences[i].doc_start || (every > 0 && i - start >= every);
        if boundary {
            out.push(&sentences[start..i]);
            start = i;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::conll::parse_conll;

    #[test]
    fn layout_keeps_offsets_consistent() {
        let s = parse_conll("في\nدمشق\n\nLondon\n.\n", false, "t").unwrap();
        let doc = document_from_sentences(&s, "ar");
        assert_eq!(doc.text, "في دمشق\nLondon .");
        for t in &doc.tokens {
            let by_cp: String = doc
                .text
                .chars()
                .skip(t.start)
                .take(t.end - t.start)
                .collect();
            assert_eq!(by_cp, doc.slice(t.byte_start, t.byte_end));
        }
        assert_eq!(doc.tokens[2].sent_idx, 1);
        assert_eq!(doc.tokens[3].kind, TokenKind::Punct);
        let docs = parse_conll("a\n\n-DOCSTART-\n\nb\n\nc\n\nd\n", false, "t").unwrap();
        let sizes: Vec<usize> = documents(&docs, 0).iter().map(|d| d.len()).collect();
        assert_eq!(sizes, [1, 3]);
        let sizes: Vec<usize> = documents(&docs, 2).iter().map(|d| d.len()).collect();
        assert_eq!(sizes, [1, 2, 1]);
    }
}
