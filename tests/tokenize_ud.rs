//! The tokenizer against Universal Dependencies gold (`../shared/data/tok`): the same measures as
//! `../shared/tools/score_tokens.py` (token, sentence and word F1), computed here so that a
//! regression fails `cargo test`. The thresholds sit a little below the figures the tokenizer
//! reaches (see `make eval-tokenize`), so they catch breakage, not noise. Skips without
//! `../shared/data`.

use nahr::cli::tokenize::tokenize_stream;
use nahr::tokenize::{Language, Tokenizer, TokenizerOptions};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

fn tok_dir(test: &str) -> Option<PathBuf> {
    let p = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/tok"));
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("SKIP {test}: ../shared/data/tok is not present in this clone");
        None
    }
}

/// Sentences of (token form, word forms) read from CoNLL-U.
type Sentences = Vec<Vec<(String, Vec<String>)>>;

fn read_conllu(text: &str) -> Sentences {
    let mut sents = Vec::new();
    let mut toks: Vec<(String, Vec<String>)> = Vec::new();
    let mut skip_until = 0usize;
    for line in text.lines() {
        if line.trim().is_empty() {
            if !toks.is_empty() {
                sents.push(std::mem::take(&mut toks));
            }
            skip_until = 0;
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        assert!(cols.len() >= 2, "bad CoNLL-U line {line:?}");
        let (id, form) = (cols[0], cols[1].to_owned());
        if id.contains('.') {
            continue;
        }
        if let Some((_, b)) = id.split_once('-') {
            skip_until = b.parse().expect("range end");
            toks.push((form, Vec::new()));
            continue;
        }
        let i: usize = id.parse().expect("word id");
        if i <= skip_until {
            toks.last_mut().expect("range before word").1.push(form);
        } else {
            toks.push((form.clone(), vec![form]));
        }
    }
    if !toks.is_empty() {
        sents.push(toks);
    }
    sents
}

struct Spans {
    text: String,
    tokens: HashMap<(usize, usize), Vec<String>>,
    sentences: HashSet<(usize, usize)>,
}

fn spans(sents: &Sentences) -> Spans {
    let mut s = Spans {
        text: String::new(),
        tokens: HashMap::new(),
        sentences: HashSet::new(),
    };
    let mut pos = 0;
    for sent in sents {
        let start = pos;
        for (form, words) in sent {
            let c: String = form.split_whitespace().collect();
            let n = c.chars().count();
            s.text.push_str(&c);
            s.tokens.insert((pos, pos + n), words.clone());
            pos += n;
        }
        s.sentences.insert((start, pos));
    }
    s
}

fn lcs(a: &[String], b: &[String]) -> usize {
    let mut dp = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in 0..a.len() {
        for j in 0..b.len() {
            dp[i + 1][j + 1] = if a[i].to_lowercase() == b[j].to_lowercase() {
                dp[i][j] + 1
            } else {
                dp[i][j + 1].max(dp[i + 1][j])
            };
        }
    }
    dp[a.len()][b.len()]
}

fn f1(tp: usize, gold: usize, pred: usize) -> f64 {
    let p = tp as f64 / pred.max(1) as f64;
    let r = tp as f64 / gold.max(1) as f64;
    if p + r == 0.0 {
        0.0
    } else {
        200.0 * p * r / (p + r)
    }
}

/// (tokens F1, sentences F1, words F1) of the tokenizer on `raw` against `gold`.
fn score(raw: &str, gold: &str, language: Language) -> (f64, f64, f64) {
    let tokenizer = Tokenizer::new(TokenizerOptions {
        language,
        normalize: false,
        ..Default::default()
    });
    let mut out = Vec::new();
    tokenize_stream(&tokenizer, raw.as_bytes(), &mut out).expect("tokenize");
    let pred = String::from_utf8(out).expect("CoNLL-U is UTF-8");
    let (g, p) = (spans(&read_conllu(gold)), spans(&read_conllu(&pred)));
    assert_eq!(g.text, p.text, "the tokenizer lost or changed characters");
    let tok_tp = g.tokens.keys().filter(|k| p.tokens.contains_key(k)).count();
    let sent_tp = g.sentences.intersection(&p.sentences).count();
    let word_tp: usize = g
        .tokens
        .iter()
        .filter_map(|(k, gw)| p.tokens.get(k).map(|pw| lcs(gw, pw)))
        .sum();
    let gw: usize = g.tokens.values().map(Vec::len).sum();
    let pw: usize = p.tokens.values().map(Vec::len).sum();
    (
        f1(tok_tp, g.tokens.len(), p.tokens.len()),
        f1(sent_tp, g.sentences.len(), p.sentences.len()),
        f1(word_tp, gw, pw),
    )
}

#[test]
fn arabic_pud_tokens_and_clitics() {
    let Some(dir) = tok_dir("arabic_pud_tokens_and_clitics") else {
        return;
    };
    let raw = std::fs::read_to_string(dir.join("ar-pud-dev.txt")).expect("raw text");
    let gold = std::fs::read_to_string(dir.join("ar-pud-mwt-dev.conllu")).expect("gold");
    let (tokens, sentences, words) = score(&raw, &gold, Language::Arabic);
    eprintln!("ar-pud: tokens {tokens:.2} sentences {sentences:.2} words {words:.2}");
    assert!(tokens >= 99.7, "Arabic tokens F1 {tokens:.2}");
    assert!(sentences >= 98.0, "Arabic sentences F1 {sentences:.2}");
    assert!(words >= 95.5, "Arabic words F1 {words:.2}");
    // Without segmentation the words score drops to the unsegmented baseline: the clitic
    // model is what earns it.
    let unsplit = Tokenizer::new(TokenizerOptions {
        segment: false,
        ..Default::default()
    });
    let mut out = Vec::new();
    tokenize_stream(&unsplit, raw.as_bytes(), &mut out).expect("tokenize");
    let pred = String::from_utf8(out).expect("utf-8");
    let (g, p) = (spans(&read_conllu(&gold)), spans(&read_conllu(&pred)));
    let word_tp: usize = g
        .tokens
        .iter()
        .filter_map(|(k, gw)| p.tokens.get(k).map(|pw| lcs(gw, pw)))
        .sum();
    let base = f1(
        word_tp,
        g.tokens.values().map(Vec::len).sum(),
        p.tokens.values().map(Vec::len).sum(),
    );
    assert!(
        base < words - 10.0,
        "unsegmented {base:.2} vs segmented {words:.2}"
    );
}

#[test]
fn english_ewt_tokens_and_sentences() {
    let Some(dir) = tok_dir("english_ewt_tokens_and_sentences") else {
        return;
    };
    let raw = std::fs::read_to_string(dir.join("en-ewt-dev.txt")).expect("raw text");
    let gold = std::fs::read_to_string(dir.join("en-ewt-dev.conllu")).expect("gold");
    let (tokens, sentences, words) = score(&raw, &gold, Language::English);
    eprintln!("en-ewt: tokens {tokens:.2} sentences {sentences:.2} words {words:.2}");
    assert!(tokens >= 99.0, "English tokens F1 {tokens:.2}");
    assert!(sentences >= 84.0, "English sentences F1 {sentences:.2}");
    assert!(words >= 98.5, "English words F1 {words:.2}");
}
