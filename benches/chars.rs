//! Per-character cost of the character classes in `nahr::chars` against the standard library's
//! `char::is_alphabetic` and `char::is_alphanumeric` (which they must equal), on Arabic text
//! (the raw text of the UD Arabic-PUD sample) and English text (UD English-EWT dev). Throughput
//! is in characters. Needs `../shared/data`; without it the bench says so and exits.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

fn shared(path: &str) -> Option<String> {
    std::fs::read_to_string(format!(
        "{}/../shared/data/{path}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .ok()
}

/// How many characters of `text` pass `class` (generic, so each class is inlined).
fn count(text: &str, class: impl Fn(char) -> bool) -> usize {
    text.chars().filter(|&c| class(c)).count()
}

fn bench_chars(c: &mut Criterion) {
    let (Some(arabic), Some(english)) =
        (shared("tok/ar-pud-dev.txt"), shared("tok/en-ewt-dev.txt"))
    else {
        eprintln!("skipping chars bench: ../shared/data not found");
        return;
    };
    let mut group = c.benchmark_group("chars");
    group.sample_size(20);
    for (name, text) in [("arabic", arabic), ("english", english)] {
        group.throughput(Throughput::Elements(text.chars().count() as u64));
        group.bench_function(format!("std_is_alphabetic/{name}"), |b| {
            b.iter(|| count(black_box(&text), char::is_alphabetic))
        });
        group.bench_function(format!("nahr_is_alphabetic/{name}"), |b| {
            b.iter(|| count(black_box(&text), nahr::chars::is_alphabetic))
        });
        group.bench_function(format!("std_is_alphanumeric/{name}"), |b| {
            b.iter(|| count(black_box(&text), char::is_alphanumeric))
        });
        group.bench_function(format!("nahr_is_alphanumeric/{name}"), |b| {
            b.iter(|| count(black_box(&text), nahr::chars::is_alphanumeric))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_chars);
criterion_main!(benches);
