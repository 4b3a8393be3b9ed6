//! Throughput of the `tokenize` stage (tokens per second) on Arabic and English text, with
//! normalisation and segmentation on (the stage's defaults), and, for scale, the bare Unicode
//! word-boundary splitter of `unicode-segmentation` on the same text. Text: the raw text of the UD
//! Arabic-PUD sample plus ANERcorp's training tokens, and UD English-EWT dev. Needs
//! `../shared/data`; without it the bench says so and exits.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use nahr::document::Document;
use nahr::stage::Stage;
use nahr::stages::tokenize::TokenizeStage;
use std::hint::black_box;
use unicode_segmentation::UnicodeSegmentation;

fn shared(path: &str) -> Option<String> {
    std::fs::read_to_string(format!(
        "{}/../shared/data/{path}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .ok()
}

/// ANERcorp's tokens joined back into text, one sentence per line.
fn anercorp_text(conll: &str) -> String {
    let mut text = String::with_capacity(conll.len());
    for line in conll.lines() {
        match line.split_whitespace().next() {
            Some(tok) => {
                text.push_str(tok);
                text.push(' ');
            }
            None => text.push('\n'),
        }
    }
    text
}

fn bench_tokenize(c: &mut Criterion) {
    let (Some(pud), Some(aner), Some(ewt)) = (
        shared("tok/ar-pud-dev.txt"),
        shared("ner/anercorp/train.txt"),
        shared("tok/en-ewt-dev.txt"),
    ) else {
        eprintln!("skipping tokenize bench: ../shared/data not found");
        return;
    };
    let arabic = format!("{pud}\n\n{}", anercorp_text(&aner));
    let stage = match TokenizeStage::from_options(toml::Table::new()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("skipping tokenize bench: {e}");
            return;
        }
    };
    let mut group = c.benchmark_group("tokenize");
    group.sample_size(20);
    for (name, text) in [("arabic", arabic), ("english", ewt)] {
        let mut doc = Document {
            text,
            ..Document::default()
        };
        if stage.process(&mut doc).is_err() {
            eprintln!("skipping tokenize bench: the stage failed");
            return;
        }
        group.throughput(Throughput::Elements(doc.tokens.len() as u64));
        group.bench_function(format!("stage/{name}"), |b| {
            b.iter(|| {
                let _ = stage.process(black_box(&mut doc));
                black_box(doc.tokens.len())
            })
        });
        group.bench_function(format!("uax29_word_bounds/{name}"), |b| {
            b.iter(|| {
                black_box(&doc.text)
                    .split_word_bounds()
                    .filter(|w| !w.trim().is_empty())
                    .count()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_tokenize);
criterion_main!(benches);
