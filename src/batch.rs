//! The Arrow batch API: pages in, the five output tables out, for engines that schedule the
//! work themselves (Spark's `mapInArrow`, Ray Data's `map_batches`). It runs the same
//! [`process_record`] and the same table builders as `nahr run`, so the rows are the same.

use crate::document::RawRecord;
use crate::output::{ErrorRow, TableBuilders, TableId};
use crate::pipeline::Pipeline;
use crate::runner::{DEFAULT_MAX_BYTES, Processed, process_record};
use arrow::array::{Array, AsArray, RecordBatch};
use arrow::datatypes::DataType;
use rayon::prelude::*;

/// The five output tables of one input batch.
#[derive(Debug, Clone)]
pub struct BatchOutput {
    /// `documents` rows.
    pub documents: RecordBatch,
    /// `sentences` rows.
    pub sentences: RecordBatch,
    /// `tokens` rows.
    pub tokens: RecordBatch,
    /// `entities` rows.
    pub entities: RecordBatch,
    /// `errors` rows.
    pub errors: RecordBatch,
}

impl BatchOutput {
    /// The table with the given id.
    pub fn table(&self, id: TableId) -> &RecordBatch {
        match id {
            TableId::Documents => &self.documents,
            TableId::Sentences => &self.sentences,
            TableId::Tokens => &self.tokens,
            TableId::Entities => &self.entities,
            TableId::Errors => &self.errors,
        }
    }
}

/// Options of [`process_batch`].
#[derive(Debug, Clone, Copy)]
pub struct BatchOptions {
    /// Pages larger than this become `oversize` error rows.
    pub max_bytes: u64,
    /// Process the rows of a batch on the rayon pool (true) or on the calling thread.
    pub parallel: bool,
}

impl Default for BatchOptions {
    fn default() -> Self {
        BatchOptions {
            max_bytes: DEFAULT_MAX_BYTES,
            parallel: true,
        }
    }
}

/// One column of strings or bytes, whatever its Arrow layout.
enum Cells<'a> {
    Str(Box<dyn Fn(usize) -> Option<&'a str> + 'a>),
    Bytes(Box<dyn Fn(usize) -> Option<&'a [u8]> + 'a>),
}

fn cells<'a>(array: &'a dyn Array, name: &str) -> Result<Cells<'a>, String> {
    let valid = move |i: usize| array.is_valid(i);
    Ok(match array.data_type() {
        DataType::Utf8 => {
            let a = array.as_string::<i32>();
            Cells::Str(Box::new(move |i| valid(i).then(|| a.value(i))))
        }
        DataType::LargeUtf8 => {
            let a = array.as_string::<i64>();
            Cells::Str(Box::new(move |i| valid(i).then(|| a.value(i))))
        }
        DataType::Utf8View => {
            let a = array.as_string_view();
            Cells::Str(Box::new(move |i| valid(i).then(|| a.value(i))))
        }
        DataType::Binary => {
            let a = array.as_binary::<i32>();
            Cells::Bytes(Box::new(move |i| valid(i).then(|| a.value(i))))
        }
        DataType::LargeBinary => {
            let a = array.as_binary::<i64>();
            Cells::Bytes(Box::new(move |i| valid(i).then(|| a.value(i))))
        }
        DataType::BinaryView => {
            let a = array.as_binary_view();
            Cells::Bytes(Box::new(move |i| valid(i).then(|| a.value(i))))
        }
        other => {
            return Err(format!(
                "column `{name}` has type {other}; expected a string or binary column"
            ));
        }
    })
}

fn text_cell(c: &Cells<'_>, i: usize) -> Option<String> {
    match c {
        Cells::Str(f) => f(i).map(str::to_string),
        Cells::Bytes(f) => f(i).map(|b| String::from_utf8_lossy(b).into_owned()),
    }
}

/// Processes a batch of pages. The input has an `html` column (string or binary; strings are
/// taken as UTF-8 text, binary as raw page bytes whose encoding is detected) and optionally
/// `url` and `source` (strings). `source` should be what `nahr run` would write (the path
/// relative to the corpus root), since `doc_id` is computed from it; without it the `url` is
/// used, then `row-N` (N the row in this batch, which is not stable across runs).
///
/// Per-page failures are rows of the `errors` table. Only a malformed input batch (no `html`
/// column, a column of the wrong type) is an error of the call.
pub fn process_batch(
    input: &RecordBatch,
    pipeline: &Pipeline,
    options: &BatchOptions,
) -> Result<BatchOutput, String> {
    let html = input
        .column_by_name("html")
        .ok_or("the input batch has no `html` column")?;
    let html = cells(html.as_ref(), "html")?;
    let url = match input.column_by_name("url") {
        Some(a) => Some(cells(a.as_ref(), "url")?),
        None => None,
    };
    let source = match input.column_by_name("source") {
        Some(a) => Some(cells(a.as_ref(), "source")?),
        None => None,
    };
    let mut records = Vec::with_capacity(input.num_rows());
    for i in 0..input.num_rows() {
        let url_value = url.as_ref().and_then(|c| text_cell(c, i));
        let source_value = source
            .as_ref()
            .and_then(|c| text_cell(c, i))
            .or_else(|| url_value.clone())
            .unwrap_or_else(|| format!("row-{i}"));
        let (bytes, charset) = match &html {
            Cells::Str(f) => (
                f(i).map(|s| s.as_bytes().to_vec()),
                Some("utf-8".to_string()),
            ),
            Cells::Bytes(f) => (f(i).map(<[u8]>::to_vec), None),
        };
        records.push(match bytes {
            None => Err(ErrorRow {
                source: source_value,
                doc_id: None,
                stage: "read".into(),
                kind: "missing_field".into(),
                message: format!("row {i} has a null `html`"),
            }),
            Some(b) if b.len() as u64 > options.max_bytes => Err(ErrorRow {
                source: source_value,
                doc_id: None,
                stage: "read".into(),
                kind: "oversize".into(),
                message: format!(
                    "page of {} bytes is larger than max_bytes ({})",
                    b.len(),
                    options.max_bytes
                ),
            }),
            Some(b) => Ok(RawRecord {
                source: source_value,
                bytes: b,
                url: url_value,
                fetched_at: None,
                transport_charset: charset,
            }),
        });
    }
    let run = |r: Result<RawRecord, ErrorRow>| match r {
        Ok(record) => process_record(record, pipeline, None),
        Err(e) => Processed {
            document: None,
            errors: vec![e],
        },
    };
    let processed: Vec<Processed> = if options.parallel {
        records.into_par_iter().map(run).collect()
    } else {
        records.into_iter().map(run).collect()
    };
    tables_of(&processed)
}

/// The five tables of a list of processed records, in their order (errors first within each).
pub fn tables_of(processed: &[Processed]) -> Result<BatchOutput, String> {
    let mut builders = TableBuilders::new();
    for p in processed {
        for e in &p.errors {
            builders.append_error(e);
        }
        if let Some(d) = &p.document {
            builders.append_document(d);
        }
    }
    let mut take = |t: TableId| {
        builders
            .take_batch(t)
            .map_err(|e| format!("cannot build the {} batch: {e}", t.name()))
    };
    Ok(BatchOutput {
        documents: take(TableId::Documents)?,
        sentences: take(TableId::Sentences)?,
        tokens: take(TableId::Tokens)?,
        entities: take(TableId::Entities)?,
        errors: take(TableId::Errors)?,
    })
}
