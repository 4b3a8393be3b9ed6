//! The learned block scorer (`[clean] block_model = true`) on pages it was not trained on:
//! arabic-dev (Arabic, Persian and Urdu news, the seed page among them). The model is trained
//! on English WCXB dev only; with it on, arabic-dev must keep the targets (word-F1 at
//! least 0.95, at most 2% of boilerplate snippets leaked; measured 0.975 and 0.000, see
//! docs/EXTRACT-BLOCKS.md). Needs ../shared/data (skips without it).

mod common;

use std::collections::HashMap;
use std::path::Path;

use nahr::extract::{ExtractOptions, builtin_block_model, extract};

const SET: &str = "../shared/data/extraction/arabic-dev";

/// Bag of lower-cased words (runs of letters, marks, digits and `_`), as the scorer counts.
fn words(s: &str) -> HashMap<String, usize> {
    let mut m = HashMap::new();
    let mut cur = String::new();
    for c in s.chars().chain(std::iter::once(' ')) {
        if c.is_alphanumeric() || c == '_' || nahr::extract::text::is_mark(c) {
            cur.extend(c.to_lowercase());
        } else if !cur.is_empty() {
            *m.entry(std::mem::take(&mut cur)).or_insert(0) += 1;
        }
    }
    m
}

fn word_f1(pred: &str, truth: &str) -> f64 {
    let (p, t) = (words(pred), words(truth));
    let (np, nt): (usize, usize) = (p.values().sum(), t.values().sum());
    let common: usize = p
        .iter()
        .map(|(w, n)| (*n).min(t.get(w).copied().unwrap_or(0)))
        .sum();
    if common == 0 {
        return if np == nt { 1.0 } else { 0.0 };
    }
    let (pr, rc) = (common as f64 / np as f64, common as f64 / nt as f64);
    2.0 * pr * rc / (pr + rc)
}

#[test]
fn arabic_dev_keeps_its_targets_with_the_block_model_on() {
    let dir = Path::new(SET);
    let Some(truth) = common::read_gz_or_plain(&dir.join("truth.jsonl"))
        .or_else(|| common::read_gz_or_plain(&dir.join("truth.jsonl.gz")))
    else {
        eprintln!("skipping: {SET} not readable");
        return;
    };
    let opts = ExtractOptions {
        block_model: Some(builtin_block_model().expect("the shipped block model loads")),
        ..ExtractOptions::default()
    };
    let (mut f1_sum, mut pages, mut leaked, mut snippets) = (0.0, 0, 0, 0);
    for line in String::from_utf8_lossy(&truth).lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let Some(id) = v["id"].as_str() else {
            continue;
        };
        let html_dir = dir.join("html");
        let Some(bytes) = common::read_gz_or_plain(&html_dir.join(format!("{id}.html.gz")))
            .or_else(|| common::read_gz_or_plain(&html_dir.join(format!("{id}.html"))))
        else {
            panic!("no HTML for {id}");
        };
        let html = nahr::decode::decode(&bytes, None, None)
            .map(|d| d.text)
            .unwrap_or_default();
        let text = extract(&html, None, &opts).text;
        if let Some(main) = v["main_content"].as_str().filter(|m| !m.is_empty()) {
            f1_sum += word_f1(&text, main);
            pages += 1;
        }
        for s in v["without"].as_array().into_iter().flatten() {
            if let Some(s) = s.as_str() {
                snippets += 1;
                leaked += usize::from(text.contains(s));
            }
        }
    }
    assert!(pages >= 10, "only {pages} pages with truth");
    let f1 = f1_sum / pages as f64;
    let leak = leaked as f64 / snippets.max(1) as f64;
    eprintln!("arabic-dev with the block model: word-F1 {f1:.3}, leaked {leaked}/{snippets}");
    assert!(f1 >= 0.95, "word-F1 {f1:.3}");
    assert!(
        leak <= 0.02,
        "leaked {leaked} of {snippets} boilerplate snippets"
    );
}

/// Bad input with the model on: deep nesting, no body, frames, all script, many blocks. The
/// extractor returns, keeps within its depth limit and gives the same kind of answer as without
/// the model.
#[test]
fn bad_input_with_the_block_model_on() {
    let opts = ExtractOptions {
        block_model: Some(builtin_block_model().expect("the shipped block model loads")),
        ..ExtractOptions::default()
    };
    let depth = 100_000;
    let deep = format!(
        "{}deep text{}",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    );
    assert!(!extract(&deep, None, &opts).text.contains("deep text"));
    let shallow = format!(
        "<body>{}<p>Shallow text in a paragraph, long enough to be read as content.</p>{}</body>",
        "<div>".repeat(50),
        "</div>".repeat(50)
    );
    assert!(extract(&shallow, None, &opts).text.contains("Shallow text"));
    for html in [
        "",
        "<html></html>",
        "<frameset><frame src=a.html></frameset>",
        "<body><script>var a = 1;</script></body>",
        "text without any element",
    ] {
        let ex = extract(html, None, &opts);
        let plain = extract(html, None, &ExtractOptions::default());
        assert_eq!(ex.text.is_empty(), plain.text.is_empty(), "{html:?}");
    }
    let many =
        "<div><p>One line of text, with a comma.</p><a href=/x>link</a></div>".repeat(20_000);
    let ex = extract(&many, None, &opts);
    assert!(ex.text.contains("One line of text"));
}
