//! Reading input files into raw records. Problems with one file or one record become
//! [`ReadItem::Failure`]s (rows of the `errors` table); the reader then goes on.

use super::gzip::{self, GzipReader};
use super::warc::{WarcItem, WarcReader};
use super::{Compression, InputFile, InputFormat};
use crate::document::RawRecord;
use std::io::{BufRead, BufReader, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Gzip page files up to this compressed size are read into memory whole and inflated in one
/// call; larger ones are streamed.
const IN_MEMORY_GZIP_MAX: u64 = 64 << 20;

/// What the reader yields.
#[derive(Debug)]
pub enum ReadItem {
    /// A page to process.
    Record(RawRecord),
    /// A record or file that could not be read.
    Failure {
        /// Where it came from (file, or file#member).
        source: String,
        /// Short kind for `errors.kind` (`io`, `oversize`, `json`, `missing_field`, `warc`, `http`).
        kind: String,
        /// Message.
        message: String,
    },
}

/// Reads input files one after the other and hands each item to a callback.
#[derive(Debug, Clone)]
pub struct RecordReader {
    /// Records larger than this (after decompression) become `oversize` failures.
    pub max_bytes: u64,
    /// The JSON Lines field holding the HTML.
    pub jsonl_html_field: String,
    /// The JSON Lines field holding the URL.
    pub jsonl_url_field: String,
    /// Bytes of input files consumed so far (on-disk sizes), for progress reporting.
    pub bytes_done: Arc<AtomicU64>,
}

impl RecordReader {
    /// A reader with the given size limit and JSON Lines field names.
    pub fn new(max_bytes: u64, jsonl_html_field: &str, jsonl_url_field: &str) -> Self {
        RecordReader {
            max_bytes,
            jsonl_html_field: jsonl_html_field.to_string(),
            jsonl_url_field: jsonl_url_field.to_string(),
            bytes_done: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Reads every file in order, calling `emit` for each item; stops early when `emit`
    /// returns `false` (limit reached or the consumer has gone).
    pub fn read_all(&self, files: &[InputFile], emit: &mut dyn FnMut(ReadItem) -> bool) {
        for file in files {
            let go_on = match file.format {
                InputFormat::Html => self.read_html(file, emit),
                InputFormat::Warc => self.read_warc(file, emit),
                InputFormat::Jsonl => self.read_jsonl(file, emit),
            };
            self.bytes_done.fetch_add(file.size, Ordering::Relaxed);
            if !go_on {
                return;
            }
        }
    }

    fn open(&self, file: &InputFile) -> std::io::Result<Box<dyn Read>> {
        let f = std::fs::File::open(&file.path)?;
        Ok(match file.compression {
            Compression::None => Box::new(f),
            Compression::Gzip => Box::new(GzipReader::with_size_hint(f, Some(file.size))?),
            Compression::Zstd => Box::new(zstd::stream::read::Decoder::new(f)?),
        })
    }

    /// Opens a container file for streaming, or the `io` failure row that stands for it.
    ///
    /// A gzip file is its own buffer (the current member's output); other files get a
    /// `BufReader`.
    fn open_buffered(&self, file: &InputFile) -> Result<Box<dyn BufRead>, ReadItem> {
        let opened: std::io::Result<Box<dyn BufRead>> = match file.compression {
            Compression::Gzip => std::fs::File::open(&file.path)
                .and_then(|f| GzipReader::with_size_hint(f, Some(file.size)))
                .map(|r| Box::new(r) as Box<dyn BufRead>),
            _ => self
                .open(file)
                .map(|r| Box::new(BufReader::with_capacity(1 << 16, r)) as Box<dyn BufRead>),
        };
        opened.map_err(|e| {
            Self::failure(
                &file.relative,
                "io",
                format!("cannot open `{}`: {e}", file.path.display()),
            )
        })
    }

    fn failure(source: &str, kind: &str, message: String) -> ReadItem {
        ReadItem::Failure {
            source: source.to_string(),
            kind: kind.to_string(),
            message,
        }
    }

    fn read_html(&self, file: &InputFile, emit: &mut dyn FnMut(ReadItem) -> bool) -> bool {
        let source = &file.relative;
        if file.compression == Compression::None && file.size > self.max_bytes {
            return emit(Self::failure(
                source,
                "oversize",
                format!(
                    "page of {} bytes is larger than --max-bytes ({})",
                    file.size, self.max_bytes
                ),
            ));
        }
        let read = self.read_page(file);
        let bytes = match read {
            Ok(bytes) => bytes,
            Err(e) => {
                return emit(Self::failure(
                    source,
                    "io",
                    format!("cannot read `{}`: {e}", file.path.display()),
                ));
            }
        };
        if bytes.len() as u64 > self.max_bytes {
            return emit(Self::failure(
                source,
                "oversize",
                format!(
                    "page is larger than --max-bytes ({}) after decompression",
                    self.max_bytes
                ),
            ));
        }
        emit(ReadItem::Record(RawRecord {
            source: source.clone(),
            bytes,
            ..RawRecord::default()
        }))
    }

    /// The bytes of one page file, at most `max_bytes + 1` of them (one more than allowed, so
    /// the caller can tell an oversize page). A gzip page is read whole and inflated straight
    /// into a buffer of its size ([`gzip::inflate_in_memory`]); when that path cannot take it
    /// (damaged, oversize, huge), the streaming reader reads it and reports what is wrong.
    fn read_page(&self, file: &InputFile) -> std::io::Result<Vec<u8>> {
        let cap = usize::try_from(self.max_bytes.saturating_add(1)).unwrap_or(usize::MAX);
        match file.compression {
            Compression::Gzip if file.size <= IN_MEMORY_GZIP_MAX => {
                let compressed = std::fs::read(&file.path)?;
                let limit = usize::try_from(self.max_bytes).unwrap_or(usize::MAX);
                if let Some(bytes) = gzip::inflate_in_memory(&compressed, limit) {
                    return Ok(bytes);
                }
                let size = compressed.len() as u64;
                let mut bytes = Vec::new();
                GzipReader::with_size_hint(std::io::Cursor::new(compressed), Some(size))?
                    .take(self.max_bytes + 1)
                    .read_to_end(&mut bytes)?;
                Ok(bytes)
            }
            Compression::None => {
                let want = usize::try_from(file.size).map_or(cap, |n| n.saturating_add(1).min(cap));
                let mut bytes = Vec::with_capacity(want);
                self.open(file)?
                    .take(self.max_bytes + 1)
                    .read_to_end(&mut bytes)?;
                Ok(bytes)
            }
            _ => {
                let mut bytes = Vec::new();
                self.open(file)?
                    .take(self.max_bytes + 1)
                    .read_to_end(&mut bytes)?;
                Ok(bytes)
            }
        }
    }

    fn read_warc(&self, file: &InputFile, emit: &mut dyn FnMut(ReadItem) -> bool) -> bool {
        let stream = match self.open_buffered(file) {
            Ok(r) => r,
            Err(failure) => return emit(failure),
        };
        let mut reader = WarcReader::new(stream, self.max_bytes);
        let mut index = 0usize;
        loop {
            index += 1;
            let item = match reader.next_record() {
                Ok(Some(item)) => item,
                Ok(None) => return true,
                Err(e) => {
                    return emit(Self::failure(
                        &format!("{}#{index}", file.relative),
                        "warc",
                        format!(
                            "cannot read WARC record {index} of `{}`; the rest of the file is skipped: {e}",
                            file.path.display()
                        ),
                    ));
                }
            };
            let go_on = match item {
                WarcItem::Skipped => true,
                WarcItem::Bad {
                    record_id,
                    kind,
                    message,
                } => {
                    let member = record_id.unwrap_or_else(|| index.to_string());
                    emit(Self::failure(
                        &format!("{}#{member}", file.relative),
                        kind,
                        message,
                    ))
                }
                WarcItem::Page(page) => emit(ReadItem::Record(RawRecord {
                    source: format!("{}#{}", file.relative, page.record_id),
                    bytes: page.body,
                    url: page.target_uri,
                    fetched_at: page.date.as_deref().and_then(crate::timefmt::parse_iso8601),
                    transport_charset: page.charset,
                })),
            };
            if !go_on {
                return false;
            }
        }
    }

    fn read_jsonl(&self, file: &InputFile, emit: &mut dyn FnMut(ReadItem) -> bool) -> bool {
        let stream = match self.open_buffered(file) {
            Ok(r) => r,
            Err(failure) => return emit(failure),
        };
        let mut reader = stream;
        let mut line = Vec::new();
        let mut number = 0usize;
        loop {
            number += 1;
            line.clear();
            let source = format!("{}#{number}", file.relative);
            match (&mut reader)
                .take(self.max_bytes + 1)
                .read_until(b'\n', &mut line)
            {
                Ok(0) => return true,
                Ok(_) => {}
                Err(e) => {
                    return emit(Self::failure(
                        &source,
                        "io",
                        format!(
                            "cannot read line {number} of `{}`; the rest of the file is skipped: {e}",
                            file.path.display()
                        ),
                    ));
                }
            }
            if line.len() as u64 > self.max_bytes && !line.ends_with(b"\n") {
                let rest = skip_line(&mut reader);
                let go_on = emit(Self::failure(
                    &source,
                    "oversize",
                    format!("line is larger than --max-bytes ({})", self.max_bytes),
                ));
                if !go_on || rest.is_err() {
                    return go_on;
                }
                continue;
            }
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let item = match serde_json::from_slice::<serde_json::Value>(&line) {
                Err(e) => Self::failure(
                    &source,
                    "json",
                    format!("line {number} is not valid JSON: {e}"),
                ),
                Ok(value) => match value.get(&self.jsonl_html_field).and_then(|v| v.as_str()) {
                    None => Self::failure(
                        &source,
                        "missing_field",
                        format!(
                            "line {number} has no string field `{}` (set --jsonl-html-field)",
                            self.jsonl_html_field
                        ),
                    ),
                    Some(html) => ReadItem::Record(RawRecord {
                        source: source.clone(),
                        bytes: html.as_bytes().to_vec(),
                        url: value
                            .get(&self.jsonl_url_field)
                            .and_then(|v| v.as_str())
                            .map(str::to_string),
                        fetched_at: None,
                        transport_charset: Some("utf-8".to_string()),
                    }),
                },
            };
            if !emit(item) {
                return false;
            }
        }
    }
}

fn skip_line(reader: &mut impl BufRead) -> std::io::Result<()> {
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(());
        }
        if let Some(p) = buf.iter().position(|&b| b == b'\n') {
            reader.consume(p + 1);
            return Ok(());
        }
        let n = buf.len();
        reader.consume(n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression as Level;
    use flate2::write::GzEncoder;
    use std::io::Write;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Level::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    /// Reads one `.html.gz` file holding `bytes` with the given limit; returns what came out.
    fn read_gz_page(dir: &std::path::Path, name: &str, bytes: &[u8], max: u64) -> Vec<ReadItem> {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let file = InputFile {
            size: bytes.len() as u64,
            path,
            relative: name.to_string(),
            format: InputFormat::Html,
            compression: Compression::Gzip,
        };
        let mut items = Vec::new();
        RecordReader::new(max, "html", "url").read_all(&[file], &mut |item| {
            items.push(item);
            true
        });
        items
    }

    #[test]
    fn gzip_pages_read_whole_or_fail_with_their_kind() {
        let dir = std::env::temp_dir().join(format!("nahr-read-gz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let page: Vec<u8> = (0..3000)
            .flat_map(|i| format!("<p>فقرة {i} paragraph</p>\n").into_bytes())
            .collect();
        let good = gz(&page);
        let kind = |items: &[ReadItem]| match items {
            [ReadItem::Record(r)] => format!("record {}", r.bytes.len()),
            [ReadItem::Failure { kind, .. }] => kind.clone(),
            _ => "several".to_string(),
        };
        let items = read_gz_page(&dir, "a.html.gz", &good, 1 << 20);
        assert!(matches!(&items[..], [ReadItem::Record(r)] if r.bytes == page));
        // Exactly at the limit is a page; one byte less and it is oversize.
        let at = page.len() as u64;
        assert_eq!(
            kind(&read_gz_page(&dir, "b.html.gz", &good, at)),
            format!("record {at}")
        );
        assert_eq!(
            kind(&read_gz_page(&dir, "c.html.gz", &good, at - 1)),
            "oversize"
        );
        // Two members read as one page.
        let mut two = good.clone();
        two.extend(gz(b"<p>tail</p>"));
        let items = read_gz_page(&dir, "d.html.gz", &two, 1 << 20);
        assert!(matches!(&items[..], [ReadItem::Record(r)] if r.bytes.ends_with(b"<p>tail</p>")));
        // Truncated and damaged data are `io` failures, not pages.
        let truncated = &good[..good.len() / 2];
        assert_eq!(
            kind(&read_gz_page(&dir, "e.html.gz", truncated, 1 << 20)),
            "io"
        );
        let mut damaged = good.clone();
        for b in &mut damaged[30..60] {
            *b ^= 0x5A;
        }
        assert_eq!(
            kind(&read_gz_page(&dir, "f.html.gz", &damaged, 1 << 20)),
            "io"
        );
        std::fs::remove_dir_all(&dir).ok();
    }
}
