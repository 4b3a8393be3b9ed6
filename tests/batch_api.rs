//! The Arrow batch API gives the same rows as `nahr run` on the same pages.

mod common;

use arrow::array::{BinaryArray, RecordBatch, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use common::*;
use nahr::batch::{BatchOptions, process_batch};
use nahr::output::TableId;
use nahr::pipeline::Pipeline;
use std::sync::Arc;

#[test]
fn batch_api_rows_equal_cli_rows() {
    let names = ["ar-wordpress-article.html", "ar-legacy-1256.html"];
    let pages: Vec<Vec<u8>> = names
        .iter()
        .map(|n| std::fs::read(samples().join(n)).unwrap())
        .collect();
    let schema = Arc::new(Schema::new(vec![
        Field::new("html", DataType::Binary, true),
        Field::new("source", DataType::Utf8, true),
    ]));
    let mut html: Vec<Option<&[u8]>> = pages.iter().map(|p| Some(p.as_slice())).collect();
    html.push(None);
    let mut sources: Vec<Option<&str>> = names.iter().map(|n| Some(*n)).collect();
    sources.push(Some("missing.html"));
    let batch = RecordBatch::try_new(
        schema,
        vec![
            Arc::new(BinaryArray::from(html)),
            Arc::new(StringArray::from(sources)),
        ],
    )
    .unwrap();
    let pipeline = Pipeline::default_pipeline().unwrap();
    let out = process_batch(&batch, &pipeline, &BatchOptions::default()).unwrap();
    assert_eq!(out.documents.num_rows(), 2);
    assert_eq!(out.errors.num_rows(), 1, "a null page is an error row");

    // Write the batches with the CLI's writer path and compare with a real run.
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    for (n, p) in names.iter().zip(&pages) {
        std::fs::write(input.join(n), p).unwrap();
    }
    let cli_out = tmp.path().join("cli");
    run_ok(&[&input], &cli_out, &[]);
    let api_out = tmp.path().join("api");
    for t in TableId::ALL {
        let dir = api_out.join(t.name());
        std::fs::create_dir_all(&dir).unwrap();
        let f = std::fs::File::create(dir.join("part-00000.parquet")).unwrap();
        let b = out.table(t);
        let mut w = parquet::arrow::ArrowWriter::try_new(f, b.schema(), None).unwrap();
        w.write(b).unwrap();
        w.close().unwrap();
    }
    for t in ["documents", "sentences", "tokens", "entities"] {
        let mut a: Vec<String> = read_table(&api_out, t)
            .iter()
            .map(|r| format!("{r:?}"))
            .collect();
        let mut c: Vec<String> = read_table(&cli_out, t)
            .iter()
            .map(|r| format!("{r:?}"))
            .collect();
        a.sort();
        c.sort();
        assert_eq!(a, c, "table {t}: batch API and nahr run differ");
        assert!(!a.is_empty() || t == "entities");
    }
}
