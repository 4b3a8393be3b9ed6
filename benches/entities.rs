//! Throughput of the `entities` stage (tokens per second) with the built-in Arabic model and
//! lists, on the ANERcorp dev sentences laid out as one document per 40 sentences (as
//! `nahr ner` lays them out). Needs `../shared/data`; without it the bench says so and exits.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use nahr::cli::ner::document_from_sentences;
use nahr::ner::conll::read_conll;
use nahr::stage::Stage;
use nahr::stages::entities::{EntitiesOptions, EntitiesStage};
use std::hint::black_box;
use std::path::Path;

fn bench_entities(c: &mut Criterion) {
    let path = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/data/ner/anercorp/dev.txt"
    ));
    let Ok(sentences) = read_conll(path, false) else {
        eprintln!("skipping entities bench: {} not found", path.display());
        return;
    };
    let docs: Vec<_> = sentences
        .chunks(40)
        .map(|chunk| document_from_sentences(chunk, "ar"))
        .collect();
    let tokens: usize = docs.iter().map(|d| d.tokens.len()).sum();
    let stage = match EntitiesStage::new(&EntitiesOptions::default()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("skipping entities bench: {e}");
            return;
        }
    };
    let mut group = c.benchmark_group("entities");
    group.throughput(Throughput::Elements(tokens as u64));
    group.sample_size(20);
    group.bench_function("arabic_model_and_lists/anercorp_dev", |b| {
        b.iter(|| {
            for d in &docs {
                let mut doc = d.clone();
                black_box(stage.process(&mut doc).is_ok());
            }
        })
    });
    let lists_only = EntitiesOptions {
        models: false,
        ..EntitiesOptions::default()
    };
    if let Ok(stage) = EntitiesStage::new(&lists_only) {
        group.bench_function("lists_only/anercorp_dev", |b| {
            b.iter(|| {
                for d in &docs {
                    let mut doc = d.clone();
                    black_box(stage.process(&mut doc).is_ok());
                }
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_entities);
criterion_main!(benches);
