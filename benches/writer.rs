//! Benchmark of the output writer: Arrow batches and Parquet files of all five tables (the
//! tokens and sentences tables through `tokens_parquet`) for documents already processed, on
//! the bundled samples and, when `../shared/data` is present, on the first 300 WCXB dev pages.
//! Speed is measured here, never asserted in tests.
//!
//! Each corpus is measured twice: in wall time (`all_tables`), and in the CPU time of the
//! writing thread (`all_tables_thread_cpu`), which other programs on a shared machine disturb
//! much less and which is what a run's manifest reports as `writer_cpu_seconds` (less the
//! documents' deallocation, which a run does in the writer thread and this bench does not).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use nahr::cputime::StepClock;
use nahr::document::Document;
use nahr::output::{OutputWriter, TableSummary, WriterOptions};
use nahr::pipeline::Pipeline;
use nahr::runner::process_path;
use std::path::Path;
use std::time::Duration;

fn documents(input: &Path, limit: usize) -> Vec<Document> {
    let pipeline = Pipeline::default_pipeline().expect("default pipeline loads");
    process_path(input, limit, &pipeline).expect("input resolves")
}

/// Writes `docs` into a fresh output folder under `dir`.
fn write_all(dir: &Path, docs: &[Document]) -> Vec<TableSummary> {
    let mut writer = OutputWriter::create(dir, WriterOptions::default()).expect("writer");
    for d in docs {
        writer.push_document(d).expect("document written");
    }
    writer.finish().expect("files finished")
}

fn bench_corpus(c: &mut Criterion, name: &str, docs: &[Document]) {
    let tokens: usize = docs.iter().map(|d| d.tokens.len()).sum();
    let mut group = c.benchmark_group("writer");
    group.sample_size(10);
    group.throughput(Throughput::Elements(tokens as u64));
    group.bench_function(format!("all_tables/{name}"), |b| {
        b.iter(|| {
            let dir = tempfile::tempdir().expect("temp dir");
            write_all(dir.path(), docs)
        })
    });
    group.bench_function(format!("all_tables_thread_cpu/{name}"), |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let dir = tempfile::tempdir().expect("temp dir");
                let clock = StepClock::start();
                let tables = write_all(dir.path(), docs);
                total += clock.elapsed();
                std::hint::black_box(tables);
            }
            total
        })
    });
    group.finish();
}

fn bench_writer(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    bench_corpus(c, "samples", &documents(&root.join("samples"), usize::MAX));
    let wcxb = root.join("../shared/data/extraction/wcxb-dev/html");
    if wcxb.exists() {
        bench_corpus(c, "wcxb-dev-300", &documents(&wcxb, 300));
    } else {
        eprintln!("SKIP wcxb-dev-300: {} is absent", wcxb.display());
    }
}

criterion_group!(benches, bench_writer);
criterion_main!(benches);
