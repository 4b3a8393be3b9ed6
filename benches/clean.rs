//! Speed of the `clean` stage (parse, main content, metadata, language) on a fixed set of real
//! pages: the 16 arabic-dev pages and the first 84 wcxb-dev pages (../shared/data). Reports
//! pages/s and MB/s. Falls back to the seed-like fixture below when the data is absent.

use std::hint::black_box;
#[path = "common/mod.rs"]
mod common;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use nahr::document::Document;
use nahr::stage::Stage;
use nahr::stages::clean::CleanStage;

const FIXTURE: &str = "<html><head><title>T</title></head><body><nav><a href=/>Home</a></nav>\
    <article><h1>Headline</h1><p>First paragraph of the article, long enough to be content.</p>\
    <p>Second paragraph, also with a sentence or two of text.</p></article>\
    <footer>Copyright</footer></body></html>";

fn bench_clean(c: &mut Criterion) {
    let pages = common::load_pages(FIXTURE);
    let bytes: usize = pages.iter().map(String::len).sum();
    let stage = match CleanStage::from_options(toml::Table::new()) {
        Ok(s) => s,
        Err(e) => panic!("default clean options rejected: {e}"),
    };
    let run = |pages: &[String]| {
        for html in pages {
            let mut doc = Document {
                html: html.clone(),
                ..Document::default()
            };
            let _ = black_box(stage.process(&mut doc));
            black_box(&doc.text);
        }
    };
    let mut g = c.benchmark_group("clean");
    g.sample_size(10);
    g.throughput(Throughput::Elements(pages.len() as u64));
    g.bench_function(format!("{}_pages", pages.len()), |b| b.iter(|| run(&pages)));
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function(format!("{:.1}_MB", bytes as f64 / 1e6), |b| {
        b.iter(|| run(&pages))
    });
    g.finish();
}

criterion_group!(benches, bench_clean);
criterion_main!(benches);
