//! Extraction quality on the non-article pages of wcxb-dev (product, collection, listing,
//! service), where the boilerplate rules matter most: per page type, the mean bag-of-words F1
//! (as `../shared/tools/score_extraction.py` computes it) stays above a floor set a little
//! below the measured figure, and no page whose body has text comes out empty. Needs
//! `../shared/data` (skips without it).

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use super::{ExtractOptions, extract};

const WCXB: &str = "../shared/data/extraction/wcxb-dev";

fn gunzip(path: &Path) -> Option<Vec<u8>> {
    let raw = std::fs::read(path).ok()?;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(&raw[..])
        .read_to_end(&mut out)
        .ok()?;
    Some(out)
}

/// Lower-cased words: maximal runs of letters, digits, marks and `_`.
fn bag(s: &str) -> HashMap<String, usize> {
    let mut m = HashMap::new();
    for w in s.split(|c: char| !(c.is_alphanumeric() || c == '_' || is_mark(c))) {
        if !w.is_empty() {
            *m.entry(w.to_lowercase()).or_insert(0) += 1;
        }
    }
    m
}

fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}')
}

fn f1(pred: &str, truth: &str) -> f64 {
    let (p, t) = (bag(pred), bag(truth));
    let (np, nt) = (p.values().sum::<usize>(), t.values().sum::<usize>());
    let common: usize = p
        .iter()
        .map(|(w, n)| (*n).min(*t.get(w).unwrap_or(&0)))
        .sum();
    if common == 0 {
        return 0.0;
    }
    let (pr, rc) = (common as f64 / np as f64, common as f64 / nt as f64);
    2.0 * pr * rc / (pr + rc)
}

#[test]
fn non_article_pages_of_wcxb_dev() {
    let dir = Path::new(WCXB);
    let Some(truth) = gunzip(&dir.join("truth.jsonl.gz")) else {
        eprintln!("skipping: {WCXB}/truth.jsonl.gz not readable");
        return;
    };
    // Floors a little below the figures measured when the test was written (mean word-F1 per
    // page type, all pages of the type that have a main_content).
    let floors = [
        ("product", 0.58),
        ("collection", 0.67),
        ("listing", 0.70),
        ("service", 0.81),
    ];
    let mut sums: HashMap<&str, (f64, usize)> = HashMap::new();
    let mut empty = Vec::new();
    let opts = ExtractOptions::default();
    for line in String::from_utf8_lossy(&truth).lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let (Some(id), Some(ty), Some(main)) = (
            v["id"].as_str(),
            v["page_type"].as_str(),
            v["main_content"].as_str(),
        ) else {
            continue;
        };
        let Some((ty, _)) = floors.iter().find(|(t, _)| *t == ty) else {
            continue;
        };
        if main.trim().is_empty() {
            continue;
        }
        let Some(html) = gunzip(&dir.join("html").join(format!("{id}.html.gz"))) else {
            continue;
        };
        let ex = extract(&String::from_utf8_lossy(&html), None, &opts);
        if ex.text.is_empty() {
            empty.push(id.to_string());
        }
        let e = sums.entry(ty).or_insert((0.0, 0));
        e.0 += f1(&ex.text, main);
        e.1 += 1;
    }
    for (ty, floor) in floors {
        let (sum, n) = sums.get(ty).copied().unwrap_or((0.0, 0));
        assert!(n >= 50, "{ty}: only {n} pages");
        let mean = sum / n as f64;
        eprintln!("{ty}: {n} pages, word-F1 {mean:.3} (floor {floor})");
        assert!(mean >= floor, "{ty}: word-F1 {mean:.3} below {floor}");
    }
    assert!(empty.is_empty(), "empty outputs: {empty:?}");
}
