//! Building Arrow record batches of the five output tables from finished documents. The CLI's
//! writer and the batch API share this code path for the documents, entities and errors
//! tables; the writer encodes the tokens and sentences tables straight from the documents
//! (`tokens_parquet`), and tests there check that its files hold this module's rows.

use super::schema::{self, Table};
use crate::document::Document;
use arrow::array::{
    ArrayRef, BooleanBuilder, Date32Builder, Float32Builder, Int64Builder, ListBuilder,
    StringBuilder, TimestampMicrosecondBuilder,
};
use arrow::datatypes::{DataType, Field};
use arrow::error::ArrowError;
use arrow::record_batch::RecordBatch;
use std::sync::Arc;

/// A row of the `errors` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorRow {
    /// Where the record came from.
    pub source: String,
    /// The document id, when the record's bytes were read.
    pub doc_id: Option<String>,
    /// `read`, `decode` or a stage name.
    pub stage: String,
    /// Short machine-readable kind.
    pub kind: String,
    /// Human-readable message.
    pub message: String,
}

fn list_builder() -> ListBuilder<StringBuilder> {
    ListBuilder::new(StringBuilder::new()).with_field(Arc::new(Field::new(
        "item",
        DataType::Utf8,
        false,
    )))
}

fn ts_builder() -> TimestampMicrosecondBuilder {
    TimestampMicrosecondBuilder::new().with_timezone("UTC")
}

/// A count or offset as Parquet's INT64 (saturating; no document comes near it).
pub(super) fn to_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Fills `counts` with the number of tokens of each sentence of `d` (`sentences.n_tokens`),
/// reusing its memory.
pub(super) fn tokens_per_sentence(d: &Document, counts: &mut Vec<usize>) {
    counts.clear();
    counts.resize(d.sentences.len(), 0);
    for t in &d.tokens {
        if let Some(c) = counts.get_mut(t.sent_idx as usize) {
            *c += 1;
        }
    }
}

/// Column builders of the `documents` table.
struct DocumentsBuilder {
    doc_id: StringBuilder,
    source: StringBuilder,
    url: StringBuilder,
    canonical_url: StringBuilder,
    title: StringBuilder,
    site_name: StringBuilder,
    author: StringBuilder,
    published: TimestampMicrosecondBuilder,
    published_date: Date32Builder,
    fetched_at: TimestampMicrosecondBuilder,
    description: StringBuilder,
    tags: ListBuilder<StringBuilder>,
    lang: StringBuilder,
    lang_score: Float32Builder,
    html_lang: StringBuilder,
    encoding: StringBuilder,
    encoding_source: StringBuilder,
    extractor: StringBuilder,
    truncated: BooleanBuilder,
    text: StringBuilder,
    raw_bytes: Int64Builder,
    n_chars: Int64Builder,
    n_sentences: Int64Builder,
    n_tokens: Int64Builder,
    n_entities: Int64Builder,
    rows: usize,
    text_bytes: usize,
}

impl DocumentsBuilder {
    fn new() -> Self {
        DocumentsBuilder {
            doc_id: StringBuilder::new(),
            source: StringBuilder::new(),
            url: StringBuilder::new(),
            canonical_url: StringBuilder::new(),
            title: StringBuilder::new(),
            site_name: StringBuilder::new(),
            author: StringBuilder::new(),
            published: ts_builder(),
            published_date: Date32Builder::new(),
            fetched_at: ts_builder(),
            description: StringBuilder::new(),
            tags: list_builder(),
            lang: StringBuilder::new(),
            lang_score: Float32Builder::new(),
            html_lang: StringBuilder::new(),
            encoding: StringBuilder::new(),
            encoding_source: StringBuilder::new(),
            extractor: StringBuilder::new(),
            truncated: BooleanBuilder::new(),
            text: StringBuilder::new(),
            raw_bytes: Int64Builder::new(),
            n_chars: Int64Builder::new(),
            n_sentences: Int64Builder::new(),
            n_tokens: Int64Builder::new(),
            n_entities: Int64Builder::new(),
            rows: 0,
            text_bytes: 0,
        }
    }

    fn append(&mut self, d: &Document) {
        let m = &d.meta;
        self.doc_id.append_value(&d.doc_id);
        self.source.append_value(&d.source);
        self.url.append_option(d.url.as_deref());
        self.canonical_url.append_option(m.canonical_url.as_deref());
        self.title.append_option(m.title.as_deref());
        self.site_name.append_option(m.site_name.as_deref());
        self.author.append_option(m.author.as_deref());
        self.published.append_option(m.published);
        self.published_date.append_option(m.published_day);
        self.fetched_at.append_option(d.fetched_at);
        self.description.append_option(m.description.as_deref());
        for tag in &m.tags {
            self.tags.values().append_value(tag);
        }
        self.tags.append(true);
        self.lang.append_option(d.lang.as_deref());
        self.lang_score.append_option(d.lang_score);
        self.html_lang.append_option(m.html_lang.as_deref());
        self.encoding.append_value(&d.encoding);
        self.encoding_source
            .append_value(d.encoding_source.as_str());
        self.extractor.append_value(&d.extractor);
        self.truncated.append_value(d.truncated);
        self.text.append_value(&d.text);
        self.raw_bytes.append_value(to_i64(d.raw_bytes));
        self.n_chars.append_value(to_i64(d.text.chars().count()));
        self.n_sentences.append_value(to_i64(d.sentences.len()));
        self.n_tokens.append_value(to_i64(d.tokens.len()));
        self.n_entities.append_value(to_i64(d.entities.len()));
        self.rows += 1;
        self.text_bytes += d.text.len();
    }

    fn finish(&mut self) -> Vec<ArrayRef> {
        self.rows = 0;
        self.text_bytes = 0;
        vec![
            Arc::new(self.doc_id.finish()),
            Arc::new(self.source.finish()),
            Arc::new(self.url.finish()),
            Arc::new(self.canonical_url.finish()),
            Arc::new(self.title.finish()),
            Arc::new(self.site_name.finish()),
            Arc::new(self.author.finish()),
            Arc::new(self.published.finish()),
            Arc::new(self.published_date.finish()),
            Arc::new(self.fetched_at.finish()),
            Arc::new(self.description.finish()),
            Arc::new(self.tags.finish()),
            Arc::new(self.lang.finish()),
            Arc::new(self.lang_score.finish()),
            Arc::new(self.html_lang.finish()),
            Arc::new(self.encoding.finish()),
            Arc::new(self.encoding_source.finish()),
            Arc::new(self.extractor.finish()),
            Arc::new(self.truncated.finish()),
            Arc::new(self.text.finish()),
            Arc::new(self.raw_bytes.finish()),
            Arc::new(self.n_chars.finish()),
            Arc::new(self.n_sentences.finish()),
            Arc::new(self.n_tokens.finish()),
            Arc::new(self.n_entities.finish()),
        ]
    }
}

struct SentencesBuilder {
    doc_id: StringBuilder,
    sent_idx: Int64Builder,
    start: Int64Builder,
    end: Int64Builder,
    n_tokens: Int64Builder,
    rows: usize,
    /// Scratch: tokens per sentence of the document being appended.
    counts: Vec<usize>,
}

impl SentencesBuilder {
    fn new() -> Self {
        SentencesBuilder {
            doc_id: StringBuilder::new(),
            sent_idx: Int64Builder::new(),
            start: Int64Builder::new(),
            end: Int64Builder::new(),
            n_tokens: Int64Builder::new(),
            rows: 0,
            counts: Vec::new(),
        }
    }

    fn append(&mut self, d: &Document) {
        let counts = &mut self.counts;
        tokens_per_sentence(d, counts);
        for (i, s) in d.sentences.iter().enumerate() {
            self.doc_id.append_value(&d.doc_id);
            self.sent_idx.append_value(to_i64(i));
            self.start.append_value(to_i64(s.start));
            self.end.append_value(to_i64(s.end));
            self.n_tokens.append_value(to_i64(counts[i]));
        }
        self.rows += d.sentences.len();
    }

    fn finish(&mut self) -> Vec<ArrayRef> {
        self.rows = 0;
        vec![
            Arc::new(self.doc_id.finish()),
            Arc::new(self.sent_idx.finish()),
            Arc::new(self.start.finish()),
            Arc::new(self.end.finish()),
            Arc::new(self.n_tokens.finish()),
        ]
    }
}

struct TokensBuilder {
    doc_id: StringBuilder,
    sent_idx: Int64Builder,
    tok_idx: Int64Builder,
    start: Int64Builder,
    end: Int64Builder,
    text: StringBuilder,
    norm: StringBuilder,
    kind: StringBuilder,
    segments: ListBuilder<StringBuilder>,
    ner: StringBuilder,
    rows: usize,
}

impl TokensBuilder {
    fn new() -> Self {
        TokensBuilder {
            doc_id: StringBuilder::new(),
            sent_idx: Int64Builder::new(),
            tok_idx: Int64Builder::new(),
            start: Int64Builder::new(),
            end: Int64Builder::new(),
            text: StringBuilder::new(),
            norm: StringBuilder::new(),
            kind: StringBuilder::new(),
            segments: list_builder(),
            ner: StringBuilder::new(),
            rows: 0,
        }
    }

    fn append(&mut self, d: &Document) {
        for (i, t) in d.tokens.iter().enumerate() {
            let surface = d.token_surface(t);
            self.doc_id.append_value(&d.doc_id);
            self.sent_idx.append_value(i64::from(t.sent_idx));
            self.tok_idx.append_value(to_i64(i));
            self.start.append_value(to_i64(t.start));
            self.end.append_value(to_i64(t.end));
            self.text.append_value(surface);
            self.norm.append_value(d.token_norm(t));
            self.kind.append_value(t.kind.as_str());
            for s in t.segments_in(surface) {
                self.segments.values().append_value(s);
            }
            self.segments.append(true);
            self.ner.append_value(t.ner.as_str());
        }
        self.rows += d.tokens.len();
    }

    fn finish(&mut self) -> Vec<ArrayRef> {
        self.rows = 0;
        vec![
            Arc::new(self.doc_id.finish()),
            Arc::new(self.sent_idx.finish()),
            Arc::new(self.tok_idx.finish()),
            Arc::new(self.start.finish()),
            Arc::new(self.end.finish()),
            Arc::new(self.text.finish()),
            Arc::new(self.norm.finish()),
            Arc::new(self.kind.finish()),
            Arc::new(self.segments.finish()),
            Arc::new(self.ner.finish()),
        ]
    }
}

struct EntitiesBuilder {
    doc_id: StringBuilder,
    ent_idx: Int64Builder,
    sent_idx: Int64Builder,
    tok_start: Int64Builder,
    tok_end: Int64Builder,
    start: Int64Builder,
    end: Int64Builder,
    text: StringBuilder,
    norm: StringBuilder,
    label: StringBuilder,
    score: Float32Builder,
    origin: StringBuilder,
    rows: usize,
}

impl EntitiesBuilder {
    fn new() -> Self {
        EntitiesBuilder {
            doc_id: StringBuilder::new(),
            ent_idx: Int64Builder::new(),
            sent_idx: Int64Builder::new(),
            tok_start: Int64Builder::new(),
            tok_end: Int64Builder::new(),
            start: Int64Builder::new(),
            end: Int64Builder::new(),
            text: StringBuilder::new(),
            norm: StringBuilder::new(),
            label: StringBuilder::new(),
            score: Float32Builder::new(),
            origin: StringBuilder::new(),
            rows: 0,
        }
    }

    fn append(&mut self, d: &Document) {
        for (i, e) in d.entities.iter().enumerate() {
            let sent_idx = d
                .tokens
                .get(e.tok_start)
                .map_or(0, |t| i64::from(t.sent_idx));
            self.doc_id.append_value(&d.doc_id);
            self.ent_idx.append_value(to_i64(i));
            self.sent_idx.append_value(sent_idx);
            self.tok_start.append_value(to_i64(e.tok_start));
            self.tok_end.append_value(to_i64(e.tok_end));
            self.start.append_value(to_i64(e.start));
            self.end.append_value(to_i64(e.end));
            self.text.append_value(d.slice(e.byte_start, e.byte_end));
            self.norm.append_value(&e.norm);
            self.label.append_value(e.label.as_str());
            self.score.append_value(e.score);
            self.origin.append_value(e.origin.as_str());
        }
        self.rows += d.entities.len();
    }

    fn finish(&mut self) -> Vec<ArrayRef> {
        self.rows = 0;
        vec![
            Arc::new(self.doc_id.finish()),
            Arc::new(self.ent_idx.finish()),
            Arc::new(self.sent_idx.finish()),
            Arc::new(self.tok_start.finish()),
            Arc::new(self.tok_end.finish()),
            Arc::new(self.start.finish()),
            Arc::new(self.end.finish()),
            Arc::new(self.text.finish()),
            Arc::new(self.norm.finish()),
            Arc::new(self.label.finish()),
            Arc::new(self.score.finish()),
            Arc::new(self.origin.finish()),
        ]
    }
}

struct ErrorsBuilder {
    source: StringBuilder,
    doc_id: StringBuilder,
    stage: StringBuilder,
    kind: StringBuilder,
    message: StringBuilder,
    rows: usize,
}

impl ErrorsBuilder {
    fn new() -> Self {
        ErrorsBuilder {
            source: StringBuilder::new(),
            doc_id: StringBuilder::new(),
            stage: StringBuilder::new(),
            kind: StringBuilder::new(),
            message: StringBuilder::new(),
            rows: 0,
        }
    }

    fn append(&mut self, e: &ErrorRow) {
        self.source.append_value(&e.source);
        self.doc_id.append_option(e.doc_id.as_deref());
        self.stage.append_value(&e.stage);
        self.kind.append_value(&e.kind);
        self.message.append_value(&e.message);
        self.rows += 1;
    }

    fn finish(&mut self) -> Vec<ArrayRef> {
        self.rows = 0;
        vec![
            Arc::new(self.source.finish()),
            Arc::new(self.doc_id.finish()),
            Arc::new(self.stage.finish()),
            Arc::new(self.kind.finish()),
            Arc::new(self.message.finish()),
        ]
    }
}

/// Which of the five tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TableId {
    /// `documents`
    Documents,
    /// `sentences`
    Sentences,
    /// `tokens`
    Tokens,
    /// `entities`
    Entities,
    /// `errors`
    Errors,
}

impl TableId {
    /// All tables in contract order.
    pub const ALL: [TableId; 5] = [
        TableId::Documents,
        TableId::Sentences,
        TableId::Tokens,
        TableId::Entities,
        TableId::Errors,
    ];

    /// The table's contract.
    pub fn table(self) -> Table {
        match self {
            TableId::Documents => schema::DOCUMENTS,
            TableId::Sentences => schema::SENTENCES,
            TableId::Tokens => schema::TOKENS,
            TableId::Entities => schema::ENTITIES,
            TableId::Errors => schema::ERRORS,
        }
    }

    /// The table's folder name.
    pub fn name(self) -> &'static str {
        self.table().name
    }

    /// Parses a table name.
    pub fn parse(name: &str) -> Option<TableId> {
        TableId::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// Builders for all five tables at once: append documents and errors, take batches.
pub struct TableBuilders {
    documents: DocumentsBuilder,
    sentences: SentencesBuilder,
    tokens: TokensBuilder,
    entities: EntitiesBuilder,
    errors: ErrorsBuilder,
}

impl Default for TableBuilders {
    fn default() -> Self {
        Self::new()
    }
}

impl TableBuilders {
    /// Empty builders.
    pub fn new() -> Self {
        TableBuilders {
            documents: DocumentsBuilder::new(),
            sentences: SentencesBuilder::new(),
            tokens: TokensBuilder::new(),
            entities: EntitiesBuilder::new(),
            errors: ErrorsBuilder::new(),
        }
    }

    /// Appends a finished document's rows to the documents, sentences, tokens and entities tables.
    pub fn append_document(&mut self, d: &Document) {
        self.documents.append(d);
        self.sentences.append(d);
        self.tokens.append(d);
        self.entities.append(d);
    }

    /// Appends a finished document's rows to the documents and entities tables: the file
    /// writer writes the tokens and sentences tables from the documents directly
    /// (`tokens_parquet`).
    pub(super) fn append_document_except_encoded(&mut self, d: &Document) {
        self.documents.append(d);
        self.entities.append(d);
    }

    /// Appends an error row.
    pub fn append_error(&mut self, e: &ErrorRow) {
        self.errors.append(e);
    }

    /// Rows buffered for a table.
    pub fn buffered_rows(&self, table: TableId) -> usize {
        match table {
            TableId::Documents => self.documents.rows,
            TableId::Sentences => self.sentences.rows,
            TableId::Tokens => self.tokens.rows,
            TableId::Entities => self.entities.rows,
            TableId::Errors => self.errors.rows,
        }
    }

    /// Bytes of text buffered in the documents table (to flush big pages early).
    pub fn buffered_document_bytes(&self) -> usize {
        self.documents.text_bytes
    }

    /// Takes the buffered rows of one table as a record batch (possibly with zero rows).
    pub fn take_batch(&mut self, table: TableId) -> Result<RecordBatch, ArrowError> {
        let columns = match table {
            TableId::Documents => self.documents.finish(),
            TableId::Sentences => self.sentences.finish(),
            TableId::Tokens => self.tokens.finish(),
            TableId::Entities => self.entities.finish(),
            TableId::Errors => self.errors.finish(),
        };
        RecordBatch::try_new(table.table().arrow_schema(), columns)
    }
}
