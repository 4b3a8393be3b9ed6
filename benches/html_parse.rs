//! Parsing alone, nahr's own HTML parser against html5ever, on the same real pages: the 16
//! arabic-dev pages and the first 84 wcxb-dev pages (../shared/data). Both build the same arena
//! DOM (`nahr::extract::dom::Dom`); html5ever's rows use `nahr::html::oracle`, the sink nahr
//! used before it had its own parser. Reports pages/s and MB/s. Falls back to a small fixture
//! page when the data is absent.

use std::hint::black_box;
use std::io::Read;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use nahr::extract::dom::{Dom, Limits};

const FIXTURE: &str = "<html><head><title>T</title></head><body><nav><a href=/>Home</a></nav>\
    <article><h1>Headline</h1><p>First paragraph of the article &amp; more.</p>\
    <table><tr><td>a<td>b</table><p>Second <b>paragraph</b>.</p></article>\
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

/// A parser building nahr's arena DOM.
type Parser = fn(&str, &Limits) -> Dom;

fn bench_parse(c: &mut Criterion) {
    let pages = load_pages();
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
