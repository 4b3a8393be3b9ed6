//! Parsing alone, nahr's own HTML parser against html5ever, on the same real pages: the 16
//! arabic-dev pages and the first 84 wcxb-dev pages (../shared/data). Both build the same arena
//! DOM (`nahr::extract::dom::Dom`); html5ever's rows use `nahr::html::oracle`, the sink nahr
//! used before it had its own parser. Reports pages/s and MB/s. Falls back to a small fixture
//! page when the data is absent.

use std::hint::black_box;
#[path = "common/mod.rs"]
mod common;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use nahr::extract::dom::{Dom, Limits};

const FIXTURE: &str = "<html><head><title>T</title></head><body><nav><a href=/>Home</a></nav>\
    <article><h1>Headline</h1><p>First paragraph of the article &amp; more.</p>\
    <table><tr><td>a<td>b</table><p>Second <b>paragraph</b>.</p></article>\
    <footer>Copyright</footer></body></html>";

/// A parser building nahr's arena DOM.
type Parser = fn(&str, &Limits) -> Dom;

fn bench_parse(c: &mut Criterion) {
    let pages = common::load_pages(FIXTURE);
    let bytes: usize = pages.iter().map(String::len).sum();
    let limits = Limits::default();
    let parsers: [(&str, Parser); 2] = [
        ("nahr", nahr::html::parse),
        ("html5ever", nahr::html::oracle::parse),
    ];
    let mut g = c.benchmark_group("html_parse");
    g.sample_size(10);
    for (name, parse) in parsers {
        g.throughput(Throughput::Elements(pages.len() as u64));
        g.bench_function(format!("{name}/{}_pages", pages.len()), |b| {
            b.iter(|| {
                for p in &pages {
                    black_box(parse(p, &limits).nodes.len());
                }
            })
        });
        g.throughput(Throughput::Bytes(bytes as u64));
        g.bench_function(format!("{name}/{:.1}_MB", bytes as f64 / 1e6), |b| {
            b.iter(|| {
                for p in &pages {
                    black_box(parse(p, &limits).nodes.len());
                }
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench_parse);
criterion_main!(benches);
