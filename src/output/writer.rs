//! Writing the five tables as zstd Parquet files: buffering rows into Arrow batches (the tokens
//! and sentences tables: encoded from the documents directly, see `tokens_parquet`), rotating
//! files at `max_rows_per_file`, and writing each file under a hidden temporary name that is
//! renamed only once the file is complete.

use super::schema::ColumnType;
use super::tables::{ErrorRow, TableBuilders, TableId};
use super::tokens_parquet::{SentenceRowGroup, SentencesFile, TokenRowGroup, TokensFile};
use crate::document::Document;
use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, Encoding, ZstdLevel};
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::schema::types::ColumnPath;
use std::fs::File;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Memory a Parquet file may hold for its unfinished row group before the row group is closed.
///
/// This and the defaults of [`WriterOptions`] set how much the writer holds; they were 8 MiB,
/// 128 Ki rows per row group and 64 Ki rows per batch for every table until the ninth round,
/// when a run's peak memory grew by a fifth between a corpus of 1,358 pages and the same
/// corpus twice (the small tables' buffers were not yet full after one pass) and then barely
/// (docs/PROFILE.md, Memory, "Ninth round: the writer's buffers").
const ROW_GROUP_MEMORY_LIMIT: usize = 2 << 20;

/// Tuning of the Parquet output.
#[derive(Debug, Clone, Copy)]
pub struct WriterOptions {
    /// Rows per Parquet file before a new file is started.
    pub max_rows_per_file: usize,
    /// Rows per Parquet row group of the documents, sentences, entities and errors tables.
    pub row_group_rows: usize,
    /// Rows per Parquet row group of the tokens table (its rows are small and many: larger row
    /// groups keep its dictionaries fewer and its files smaller).
    pub token_row_group_rows: usize,
    /// Rows buffered per table before a batch is written.
    pub batch_rows: usize,
    /// Text bytes buffered in the documents table before a batch is written.
    pub batch_document_bytes: usize,
    /// zstd level.
    pub zstd_level: i32,
}

impl Default for WriterOptions {
    fn default() -> Self {
        WriterOptions {
            max_rows_per_file: 1_000_000,
            row_group_rows: 32 * 1024,
            token_row_group_rows: 128 * 1024,
            batch_rows: 16 * 1024,
            batch_document_bytes: 2 << 20,
            zstd_level: 1,
        }
    }
}

/// A failure to write output: always fatal for the run.
#[derive(Debug)]
pub struct WriteError(pub String);

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WriteError {}

fn werr(context: &str, e: impl std::fmt::Display) -> WriteError {
    WriteError(format!("{context}: {e}"))
}

/// One table's folder: the open file, if any, and the files completed so far.
struct TableFiles {
    table: TableId,
    props: WriterProperties,
    row_group_rows: usize,
    dir: PathBuf,
    current: Option<OpenFile>,
    next_index: usize,
    completed: Vec<PathBuf>,
    rows: u64,
    /// The row group of the last closed tokens or sentences file, whose buffers the next file
    /// reuses (they would otherwise grow again from nothing in each file).
    spare_tokens: Option<TokenRowGroup>,
    spare_sentences: Option<SentenceRowGroup>,
}

/// The encoder of an open file: parquet's Arrow writer, or the tokens or sentences table's own
/// writer (`tokens_parquet`), which takes documents rather than Arrow batches.
enum Sink {
    Arrow(Box<ArrowWriter<File>>),
    Tokens(Box<TokensFile>),
    Sentences(Box<SentencesFile>),
}

struct OpenFile {
    sink: Sink,
    temp_path: PathBuf,
    final_path: PathBuf,
    rows: usize,
}

impl TableFiles {
    fn open_next(&mut self) -> Result<(), WriteError> {
        let name = format!("part-{:05}.parquet", self.next_index);
        self.next_index += 1;
        let final_path = self.dir.join(&name);
        let temp_path = self.dir.join(format!(".{name}.tmp"));
        let file = File::create(&temp_path)
            .map_err(|e| werr(&format!("cannot create {}", temp_path.display()), e))?;
        let cannot_start = |e| werr("cannot start a Parquet file", e);
        let (props, rows) = (self.props.clone(), self.row_group_rows);
        let sink = match self.table {
            TableId::Tokens => {
                let group = self.spare_tokens.take().unwrap_or_default();
                Sink::Tokens(Box::new(
                    TokensFile::try_new(file, props, rows, group).map_err(cannot_start)?,
                ))
            }
            TableId::Sentences => {
                let group = self.spare_sentences.take().unwrap_or_default();
                Sink::Sentences(Box::new(
                    SentencesFile::try_new(file, props, rows, group).map_err(cannot_start)?,
                ))
            }
            _ => Sink::Arrow(Box::new(
                ArrowWriter::try_new(file, self.table.table().arrow_schema(), Some(props))
                    .map_err(cannot_start)?,
            )),
        };
        self.current = Some(OpenFile {
            sink,
            temp_path,
            final_path,
            rows: 0,
        });
        Ok(())
    }

    fn close_current(&mut self) -> Result<(), WriteError> {
        if let Some(open) = self.current.take() {
            let closed = match open.sink {
                Sink::Arrow(writer) => writer.close().map(|_| ()),
                Sink::Tokens(writer) => writer.close().map(|group| {
                    self.spare_tokens = Some(group);
                }),
                Sink::Sentences(writer) => writer.close().map(|group| {
                    self.spare_sentences = Some(group);
                }),
            };
            closed.map_err(|e| werr(&format!("cannot finish {}", open.temp_path.display()), e))?;
            std::fs::rename(&open.temp_path, &open.final_path)
                .map_err(|e| werr(&format!("cannot rename {}", open.temp_path.display()), e))?;
            self.completed.push(open.final_path);
        }
        Ok(())
    }

    /// Writes `total` rows over this table's files, starting a new file when the open one holds
    /// `max_rows`. `put` writes rows `range` (at most what the open file has room for) into the
    /// open file's sink, whose temporary path it gets for error messages, and returns how many
    /// it took (at least one).
    fn write_rows(
        &mut self,
        total: usize,
        max_rows: usize,
        mut put: impl FnMut(&mut Sink, Range<usize>, &Path) -> Result<usize, WriteError>,
    ) -> Result<(), WriteError> {
        let mut offset = 0;
        while offset < total {
            if self.current.as_ref().is_none_or(|f| f.rows >= max_rows) {
                self.close_current()?;
                self.open_next()?;
            }
            let Some(open) = self.current.as_mut() else {
                return Err(WriteError("internal: no open Parquet file".into()));
            };
            let end = offset + (max_rows - open.rows).min(total - offset);
            let take = put(&mut open.sink, offset..end, &open.temp_path)?;
            open.rows += take;
            offset += take;
        }
        self.rows += total as u64;
        Ok(())
    }

    fn write(&mut self, batch: &RecordBatch, max_rows: usize) -> Result<(), WriteError> {
        self.write_rows(batch.num_rows(), max_rows, |sink, range, temp_path| {
            let Sink::Arrow(writer) = sink else {
                return Err(WriteError("internal: no open Arrow Parquet file".into()));
            };
            let cannot_write = |e| werr(&format!("cannot write {}", temp_path.display()), e);
            writer
                .write(&batch.slice(range.start, range.len()))
                .map_err(cannot_write)?;
            // Bound the memory a file holds before its row group is complete: a row group of
            // long documents can otherwise grow to hundreds of MB.
            if writer.memory_size() > ROW_GROUP_MEMORY_LIMIT {
                writer.flush().map_err(cannot_write)?;
            }
            Ok(range.len())
        })
    }

    /// Writes a document's rows of a table encoded from documents (tokens, sentences),
    /// splitting them over row groups and files at the same row counts as
    /// [`write`](Self::write) does for batches.
    fn write_encoded(&mut self, doc: &Document, max_rows: usize) -> Result<(), WriteError> {
        let total = match self.table {
            TableId::Tokens => doc.tokens.len(),
            _ => doc.sentences.len(),
        };
        self.write_rows(total, max_rows, |sink, range, temp_path| {
            let cannot_write = |e| werr(&format!("cannot write {}", temp_path.display()), e);
            match sink {
                Sink::Tokens(writer) => writer.append_up_to_room(doc, range).map_err(cannot_write),
                Sink::Sentences(writer) => {
                    writer.append_up_to_room(doc, range).map_err(cannot_write)
                }
                Sink::Arrow(_) => Err(WriteError(
                    "internal: no open tokens or sentences Parquet file".into(),
                )),
            }
        })
    }
}

/// Columns of the `documents` table whose values are (nearly) unique per row: a dictionary
/// would only cost the time to hash every value (the whole page text among them).
const UNIQUE_DOCUMENT_COLUMNS: [&str; 7] = [
    "doc_id",
    "source",
    "url",
    "canonical_url",
    "title",
    "description",
    "text",
];

/// The Parquet properties of one table's files.
///
/// Choices (measured with `perf` on the writer thread and by file size on WCXB dev, see
/// docs/PROFILE.md): zstd at the configured level (default 1: level 3 cost the writer 7% more
/// time for 3% smaller files); statistics per column chunk, which is what
/// DuckDB and pandas use to skip row groups (page-level min/max of every string page cost time
/// and nothing reads them), and none at all for the string columns of the per-token,
/// per-sentence and per-entity tables (the min and max of a row group's token texts or random
/// `doc_id` hashes skip nothing, and computing them was 15% of the writer's time); the integer columns of the per-token, per-sentence and per-entity
/// tables (offsets and indices, which rise through a document) delta-encoded instead of
/// dictionary-encoded (the tokens table shrank from 34 to 21 MB); no dictionary for the
/// documents' unique columns. Turning the dictionary off for the tokens' string columns was
/// tried and made the writer slower and the files 15% larger.
fn table_properties(table: TableId, level: ZstdLevel, row_group_rows: usize) -> WriterProperties {
    let mut builder = WriterProperties::builder()
        .set_compression(Compression::ZSTD(level))
        .set_max_row_group_row_count(Some(row_group_rows.max(1)))
        .set_statistics_enabled(EnabledStatistics::Chunk)
        .set_created_by(format!("nahr {}", env!("CARGO_PKG_VERSION")));
    for column in table.table().columns {
        let path = ColumnPath::from(column.name);
        let per_row_table = table != TableId::Documents && table != TableId::Errors;
        if per_row_table && matches!(column.ty, ColumnType::Utf8 | ColumnType::Utf8List) {
            let leaf = match column.ty {
                ColumnType::Utf8List => ColumnPath::new(vec![
                    column.name.to_string(),
                    "list".to_string(),
                    "item".to_string(),
                ]),
                _ => path.clone(),
            };
            builder = builder.set_column_statistics_enabled(leaf, EnabledStatistics::None);
        }
        let per_row_integer = table != TableId::Documents && column.ty == ColumnType::Int64;
        if per_row_integer {
            builder = builder
                .set_column_dictionary_enabled(path.clone(), false)
                .set_column_encoding(path, Encoding::DELTA_BINARY_PACKED);
        } else if table == TableId::Documents && UNIQUE_DOCUMENT_COLUMNS.contains(&column.name) {
            builder = builder.set_column_dictionary_enabled(path, false);
        }
    }
    builder.build()
}

/// Summary of one table after the writer finished.
#[derive(Debug, Clone)]
pub struct TableSummary {
    /// The table.
    pub table: TableId,
    /// Rows written.
    pub rows: u64,
    /// Files written, relative to the output folder.
    pub files: Vec<String>,
}

/// Owns the output folder's Parquet files while a run writes them.
pub struct OutputWriter {
    root: PathBuf,
    options: WriterOptions,
    builders: TableBuilders,
    tables: Vec<TableFiles>,
}

impl OutputWriter {
    /// Creates the five table folders under `root` (which must exist and be writable).
    pub fn create(root: &Path, options: WriterOptions) -> Result<Self, WriteError> {
        let level =
            ZstdLevel::try_new(options.zstd_level).map_err(|e| werr("bad zstd level", e))?;
        let mut tables = Vec::new();
        for table in TableId::ALL {
            let row_group_rows = if table == TableId::Tokens {
                options.token_row_group_rows
            } else {
                options.row_group_rows
            };
            let props = table_properties(table, level, row_group_rows);
            let dir = root.join(table.name());
            std::fs::create_dir_all(&dir)
                .map_err(|e| werr(&format!("cannot create {}", dir.display()), e))?;
            tables.push(TableFiles {
                table,
                props,
                row_group_rows,
                dir,
                current: None,
                next_index: 0,
                completed: Vec::new(),
                rows: 0,
                spare_tokens: None,
                spare_sentences: None,
            });
        }
        Ok(OutputWriter {
            root: root.to_path_buf(),
            options: OutputWriter::sane(options),
            builders: TableBuilders::new(),
            tables,
        })
    }

    fn sane(mut o: WriterOptions) -> WriterOptions {
        o.max_rows_per_file = o.max_rows_per_file.max(1);
        o.batch_rows = o.batch_rows.clamp(1, o.max_rows_per_file.max(1));
        o
    }

    /// Adds a finished document's rows.
    pub fn push_document(&mut self, doc: &Document) -> Result<(), WriteError> {
        self.builders.append_document_except_encoded(doc);
        let max_rows = self.options.max_rows_per_file;
        self.tables[TableId::Sentences as usize].write_encoded(doc, max_rows)?;
        self.tables[TableId::Tokens as usize].write_encoded(doc, max_rows)?;
        self.flush_full()
    }

    /// Adds an error row.
    pub fn push_error(&mut self, error: &ErrorRow) -> Result<(), WriteError> {
        self.builders.append_error(error);
        self.flush_full()
    }

    fn flush_full(&mut self) -> Result<(), WriteError> {
        for table in TableId::ALL {
            let full = self.builders.buffered_rows(table) >= self.options.batch_rows
                || (table == TableId::Documents
                    && self.builders.buffered_document_bytes()
                        >= self.options.batch_document_bytes);
            if full {
                self.flush(table)?;
            }
        }
        Ok(())
    }

    fn flush(&mut self, table: TableId) -> Result<(), WriteError> {
        if self.builders.buffered_rows(table) == 0 {
            return Ok(());
        }
        let batch = self
            .builders
            .take_batch(table)
            .map_err(|e| werr("cannot build an Arrow batch", e))?;
        let files = &mut self.tables[table as usize];
        files.write(&batch, self.options.max_rows_per_file)
    }

    /// Writes what is buffered, closes every file (renaming it to its final name), writes an
    /// empty file for tables that got no rows (so that every table folder can be read), and
    /// returns what was written.
    pub fn finish(mut self) -> Result<Vec<TableSummary>, WriteError> {
        for table in TableId::ALL {
            self.flush(table)?;
            let files = &mut self.tables[table as usize];
            if files.completed.is_empty() && files.current.is_none() {
                files.open_next()?;
            }
            files.close_current()?;
        }
        let root = self.root.clone();
        Ok(self
            .tables
            .iter()
            .map(|t| TableSummary {
                table: t.table,
                rows: t.rows,
                files: t
                    .completed
                    .iter()
                    .map(|p| {
                        p.strip_prefix(&root)
                            .unwrap_or(p)
                            .to_string_lossy()
                            .replace('\\', "/")
                    })
                    .collect(),
            })
            .collect())
    }
}
