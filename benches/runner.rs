//! Benchmarks of the per-document work (`process_record`: decode and every stage of the
//! default pipeline) and of building the Arrow batches of the output tables, on the bundled
//! sample corpus. Speed is measured here, never asserted in tests.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use nahr::document::RawRecord;
use nahr::input::{FormatChoice, ReadItem, RecordReader, resolve};
use nahr::output::{TableBuilders, TableId};
use nahr::pipeline::Pipeline;
use nahr::runner::process_record;
use std::hint::black_box;

fn sample_records() -> Vec<RawRecord> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/samples");
    let inputs = resolve(&[dir.to_string()], FormatChoice::Auto).expect("samples exist");
    let reader = RecordReader::new(8 << 20, "html", "url");
    let mut records = Vec::new();
    reader.read_all(&inputs.files, &mut |item| {
        if let ReadItem::Record(r) = item {
            records.push(r);
        }
        true
    });
    records
}

fn bench_pipeline(c: &mut Criterion) {
    let records = sample_records();
    let bytes: usize = records.iter().map(|r| r.bytes.len()).sum();
    let pipeline = Pipeline::default_pipeline().expect("default pipeline loads");
    let mut group = c.benchmark_group("default_pipeline");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("process_record/samples", |b| {
        b.iter(|| {
            for r in &records {
                black_box(process_record(r.clone(), &pipeline, None));
            }
        })
    });
    let docs: Vec<_> = records
        .iter()
        .filter_map(|r| process_record(r.clone(), &pipeline, None).document)
        .collect();
    group.bench_function("arrow_batches/samples", |b| {
        b.iter(|| {
            let mut builders = TableBuilders::new();
            for d in &docs {
                builders.append_document(d);
            }
            for t in TableId::ALL {
                black_box(builders.take_batch(t).expect("batch builds"));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench_pipeline);
criterion_main!(benches);
