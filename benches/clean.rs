//! Speed of the `clean` stage (parse, main content, metadata, language) on a fixed set of real
//! pages: the 16 arabic-dev pages and the first 84 wcxb-dev pages (../shared/data). Reports
//! pages/s and MB/s. Falls back to the seed-like fixture below when the data is absent.

use std::hint::black_box;
use std::io::Read;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use nahr::document::Document;
use nahr::stage::Stage;
use nahr::stages::clean::CleanStage;

const FIXTURE: &str = "<html><head><title>T</title></head><body><nav><a href=/>Home</a></nav>\
    <article><h1>Headline</h1><p>First paragraph of the article, long enough to be content.</p>\
    <p>Second paragraph, also with a sentence or two of text.</p></article>\
    <footer>Copyright</footer></body></html>";

fn load_pages() -> Vec<String> {
    let mut pages = Vec::new();
    for (set, max) in [("arabic-dev", 16), ("wcxb-dev", 84)] {
        let dir = Path::new("../shared/data/extraction")
            .join(set)
            .join("html");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths.into_iter().take(max) {
            let Ok(raw) = std::fs::read(&p) else {
                continue;
            };
            let mut bytes = Vec::new();
            if flate2::read::GzDecoder::new(&raw[..])
                .read_to_end(&mut bytes)
                .is_err()
            {
                bytes = raw;
            }
            pages.push(String::from_utf8_lossy(&bytes).into_owned());
        }
    }
    if pages.is_empty() {
        eprintln!("../shared/data not found: benchmarking a small fixture page instead");
        pages.push(FIXTURE.to_string());
    }
    pages
}

fn bench_clean(c: &mut Criterion) {
    let pages = load_pages();
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
