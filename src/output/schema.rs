//! The output contract (schema version 1): the five tables, their columns, Arrow types and
//! meanings. This is the single source of truth for the writer's Arrow schemas, for
//! `nahr schema`, and for `docs/SCHEMA.md` (a test checks that file against [`markdown`]).

use arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use std::sync::Arc;

/// The version of the output contract written to `manifest.json`.
pub const SCHEMA_VERSION: u32 = 1;

/// The logical type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// UTF-8 string.
    Utf8,
    /// Signed 64-bit integer.
    Int64,
    /// 32-bit float.
    Float32,
    /// Timestamp in microseconds, UTC.
    TimestampUtc,
    /// Calendar date (days since 1970-01-01).
    Date,
    /// List of UTF-8 strings.
    Utf8List,
    /// True or false.
    Boolean,
}

impl ColumnType {
    /// The Arrow data type of the column.
    pub fn arrow_type(self) -> DataType {
        match self {
            ColumnType::Utf8 => DataType::Utf8,
            ColumnType::Int64 => DataType::Int64,
            ColumnType::Float32 => DataType::Float32,
            ColumnType::TimestampUtc => {
                DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
            }
            ColumnType::Date => DataType::Date32,
            ColumnType::Utf8List => {
                DataType::List(Arc::new(Field::new("item", DataType::Utf8, false)))
            }
            ColumnType::Boolean => DataType::Boolean,
        }
    }

    /// How the type reads in the docs.
    pub fn describe(self) -> &'static str {
        match self {
            ColumnType::Utf8 => "string",
            ColumnType::Int64 => "int64",
            ColumnType::Float32 => "float32",
            ColumnType::TimestampUtc => "timestamp[us, UTC]",
            ColumnType::Date => "date",
            ColumnType::Utf8List => "list<string>",
            ColumnType::Boolean => "bool",
        }
    }
}

/// One column of a table.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Column name.
    pub name: &'static str,
    /// Type.
    pub ty: ColumnType,
    /// Whether the column may hold nulls.
    pub nullable: bool,
    /// What the column means.
    pub doc: &'static str,
}

/// One output table.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    /// Folder name under the output folder.
    pub name: &'static str,
    /// What one row is.
    pub row: &'static str,
    /// The columns, in order.
    pub columns: &'static [Column],
}

impl Table {
    /// The Arrow schema of the table.
    pub fn arrow_schema(&self) -> Arc<Schema> {
        Arc::new(Schema::new(
            self.columns
                .iter()
                .map(|c| Field::new(c.name, c.ty.arrow_type(), c.nullable))
                .collect::<Vec<_>>(),
        ))
    }
}

const fn col(name: &'static str, ty: ColumnType, nullable: bool, doc: &'static str) -> Column {
    Column {
        name,
        ty,
        nullable,
        doc,
    }
}

use ColumnType::*;

const DOC_ID: Column = col(
    "doc_id",
    Utf8,
    false,
    "Stable document id: 32 hex digits of the XXH3-128 hash of `source` and the raw record bytes. The same input gives the same id on every run and machine.",
);

/// `documents`: one row per input page that was decoded.
pub const DOCUMENTS: Table = Table {
    name: "documents",
    row: "input page (decoded; pages that failed later stages are still here, see `errors`)",
    columns: &[
        DOC_ID,
        col(
            "source",
            Utf8,
            false,
            "Where the record came from: the input file's path relative to the input root; for a WARC or JSONL member, that path plus `#` and the WARC record id or the 1-based line number.",
        ),
        col(
            "url",
            Utf8,
            true,
            "The page URL given by the container (WARC target URI, JSONL url field).",
        ),
        col(
            "canonical_url",
            Utf8,
            true,
            "The canonical URL the page declares (`link rel=canonical`, `og:url`).",
        ),
        col("title", Utf8, true, "The headline, without the site name."),
        col(
            "site_name",
            Utf8,
            true,
            "The site's name (`og:site_name`, JSON-LD publisher).",
        ),
        col("author", Utf8, true, "The author, when the page names one."),
        col(
            "published",
            TimestampUtc,
            true,
            "Publication date-time in UTC, when the page gives one (JSON-LD, meta tags, `<time>`, URL, visible date line). Date-only values are midnight UTC.",
        ),
        col(
            "published_date",
            Date,
            true,
            "The publication day as the page states it, in the page's own time zone (near midnight it can differ from the UTC day of `published`).",
        ),
        col(
            "fetched_at",
            TimestampUtc,
            true,
            "When the page was fetched (WARC-Date), when known.",
        ),
        col(
            "description",
            Utf8,
            true,
            "The page's description (meta description, `og:description`).",
        ),
        col(
            "tags",
            Utf8List,
            false,
            "Tags or keywords of the article (empty list when none).",
        ),
        col(
            "lang",
            Utf8,
            true,
            "Language of `text` detected from the text itself (ISO 639-1, e.g. `ar`, `en`, `fa`).",
        ),
        col(
            "lang_score",
            Float32,
            true,
            "Confidence of `lang` in [0, 1].",
        ),
        col(
            "html_lang",
            Utf8,
            true,
            "The `lang` attribute the page declares on `<html>`, as written (not trusted).",
        ),
        col(
            "encoding",
            Utf8,
            false,
            "The character encoding the bytes were decoded with (WHATWG name, e.g. `UTF-8`, `windows-1256`).",
        ),
        col(
            "encoding_source",
            Utf8,
            false,
            "How the encoding was found: `bom`, `transport` (HTTP header / container), `meta` (`<meta>` prescan), `utf8` (undeclared, valid UTF-8) or `guess` (statistical).",
        ),
        col(
            "extractor",
            Utf8,
            false,
            "Which extraction path produced `text`: `main` (main content found), `fallback` (main content implausibly short: densest or visible text used), `visible` (all visible text), `empty` (no text), or empty string when the pipeline has no `clean` stage.",
        ),
        col(
            "truncated",
            Boolean,
            false,
            "True when the page was larger than the `clean` stage's work bounds (`max_bytes` of HTML or `max_nodes` elements and text runs) and only its first part was parsed and extracted; false otherwise, and when the pipeline has no `clean` stage.",
        ),
        col(
            "text",
            Utf8,
            false,
            "The cleaned page text (Unicode NFC, never letter-normalised). Paragraphs are separated by a blank line. All offsets in the other tables index this text in code points.",
        ),
        col(
            "raw_bytes",
            Int64,
            false,
            "Size of the raw record in bytes (after decompression).",
        ),
        col("n_chars", Int64, false, "Length of `text` in code points."),
        col(
            "n_sentences",
            Int64,
            false,
            "Number of rows of this document in `sentences`.",
        ),
        col(
            "n_tokens",
            Int64,
            false,
            "Number of rows of this document in `tokens`.",
        ),
        col(
            "n_entities",
            Int64,
            false,
            "Number of rows of this document in `entities`.",
        ),
    ],
};

/// `sentences`: one row per sentence.
pub const SENTENCES: Table = Table {
    name: "sentences",
    row: "sentence",
    columns: &[
        DOC_ID,
        col(
            "sent_idx",
            Int64,
            false,
            "0-based index of the sentence in its document.",
        ),
        col(
            "start",
            Int64,
            false,
            "Start offset in `documents.text`, in code points (inclusive).",
        ),
        col(
            "end",
            Int64,
            false,
            "End offset in `documents.text`, in code points (exclusive).",
        ),
        col(
            "n_tokens",
            Int64,
            false,
            "Number of tokens in the sentence.",
        ),
    ],
};

/// `tokens`: one row per token.
pub const TOKENS: Table = Table {
    name: "tokens",
    row: "token",
    columns: &[
        DOC_ID,
        col(
            "sent_idx",
            Int64,
            false,
            "Index of the sentence holding the token (`sentences.sent_idx`).",
        ),
        col(
            "tok_idx",
            Int64,
            false,
            "0-based index of the token in its document (not in its sentence).",
        ),
        col(
            "start",
            Int64,
            false,
            "Start offset in `documents.text`, in code points (inclusive).",
        ),
        col(
            "end",
            Int64,
            false,
            "End offset in `documents.text`, in code points (exclusive).",
        ),
        col(
            "text",
            Utf8,
            false,
            "The exact surface: `documents.text[start:end]`.",
        ),
        col(
            "norm",
            Utf8,
            false,
            "The normalised form for matching and counting (see docs/TOKENIZATION.md when present; equal to `text` when no rule applies).",
        ),
        col(
            "kind",
            Utf8,
            false,
            "`word`, `number`, `punct`, `symbol`, `url`, `email`, `mention`, `hashtag` or `emoji`.",
        ),
        col(
            "segments",
            Utf8List,
            false,
            "Clitic segmentation of the surface (proclitics, stem, enclitics); a single element, the surface itself, when the token is not split.",
        ),
        col(
            "ner",
            Utf8,
            false,
            "BIO entity tag: `O`, `B-PER`, `I-PER`, `B-LOC`, ... (`O` everywhere when the pipeline has no `entities` stage).",
        ),
    ],
};

/// `entities`: one row per entity mention.
pub const ENTITIES: Table = Table {
    name: "entities",
    row: "entity mention",
    columns: &[
        DOC_ID,
        col(
            "ent_idx",
            Int64,
            false,
            "0-based index of the mention in its document.",
        ),
        col(
            "sent_idx",
            Int64,
            false,
            "Index of the sentence holding the mention.",
        ),
        col(
            "tok_start",
            Int64,
            false,
            "`tokens.tok_idx` of the mention's first token.",
        ),
        col(
            "tok_end",
            Int64,
            false,
            "One past `tokens.tok_idx` of the mention's last token.",
        ),
        col(
            "start",
            Int64,
            false,
            "Start offset in `documents.text`, in code points (inclusive), after any attached proclitic.",
        ),
        col(
            "end",
            Int64,
            false,
            "End offset in `documents.text`, in code points (exclusive); before an English possessive split off the last word (Google’s → Google) when the document also writes that word alone.",
        ),
        col(
            "text",
            Utf8,
            false,
            "The exact surface: `documents.text[start:end]`.",
        ),
        col("norm", Utf8, false, "The normalised form of the mention."),
        col("label", Utf8, false, "`PER`, `LOC`, `ORG` or `MISC`."),
        col("score", Float32, false, "Confidence in [0, 1]."),
        col(
            "origin",
            Utf8,
            false,
            "`model` (the statistical tagger) or `list` (an entity list).",
        ),
    ],
};

/// `errors`: one row per failed record or failed stage.
pub const ERRORS: Table = Table {
    name: "errors",
    row: "failed record (or stage of a record)",
    columns: &[
        col(
            "source",
            Utf8,
            false,
            "Where the record came from (as `documents.source`).",
        ),
        col(
            "doc_id",
            Utf8,
            true,
            "The document id when the record's bytes were read (null for files that could not be read at all).",
        ),
        col(
            "stage",
            Utf8,
            false,
            "Where it failed: `read`, `decode`, or a stage name (`clean`, `tokenize`, `entities`).",
        ),
        col(
            "kind",
            Utf8,
            false,
            "Short machine-readable kind: `io`, `oversize`, `json`, `missing_field`, `warc`, `http`, `binary`, `panic`, or a stage's own kind.",
        ),
        col("message", Utf8, false, "What went wrong, for a person."),
    ],
};

/// All tables, in the order they are documented.
pub const TABLES: [Table; 5] = [DOCUMENTS, SENTENCES, TOKENS, ENTITIES, ERRORS];

/// The whole contract as Markdown (what `nahr schema` prints and `docs/SCHEMA.md` holds).
pub fn markdown() -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "# nahr output schema (version {SCHEMA_VERSION})\n\n"
    ));
    s.push_str("This file is generated by `nahr schema`; a test keeps them equal.\n\n");
    s.push_str("An output folder holds one folder per table, each with zstd-compressed Parquet files named `part-NNNNN.parquet`, and `manifest.json` (schema version, nahr version, pipeline, inputs, counts, timings). Files are written under a hidden temporary name (`.part-NNNNN.parquet.tmp`) and renamed when complete, so `*.parquet` never matches half a file.\n\n");
    s.push_str("Offsets (`start`, `end`) are half-open and count Unicode code points of `documents.text`: in Python `text[start:end]`, in DuckDB `substring(text, start + 1, \"end\" - start)` (`end` is an SQL keyword: quote it).\n\n");
    for t in TABLES {
        s.push_str(&format!("## `{}/`: one row per {}\n\n", t.name, t.row));
        s.push_str("| column | type | null | meaning |\n|---|---|---|---|\n");
        for c in t.columns {
            s.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                c.name,
                c.ty.describe(),
                if c.nullable { "yes" } else { "no" },
                c.doc.replace('|', "\\|")
            ));
        }
        s.push('\n');
    }
    s
}
