//! The dataflow: a reader thread, a rayon pool of workers, and a writer thread, joined by
//! bounded crossbeam channels so that memory stays flat however large the corpus is. With one
//! worker (`--threads 1`) there are no queues: one thread reads, processes and writes each
//! record in turn, so that one thread means one core's worth of CPU.
//!
//! [`process_record`] is the per-document work (decode, then every stage under `catch_unwind`);
//! the CLI's workers and the batch API both call it, so both give the same rows.

use crate::cputime::{StepClock, process_cpu, thread_cpu};
use crate::decode::decode_owned;
use crate::document::{Document, RawRecord};
use crate::inflight::{CloseOnDrop, InFlight};
use crate::input::{FormatChoice, ReadItem, RecordReader, ResolvedInputs};
use crate::output::{ErrorRow, OutputWriter, TableSummary, WriterOptions};
use crate::pipeline::Pipeline;
use crossbeam_channel::{Receiver, Sender, TryRecvError, bounded};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Everything a run needs to know, as given by the user.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Input paths, directories, globs or `@list` files.
    pub inputs: Vec<String>,
    /// How to interpret input files.
    pub input_format: FormatChoice,
    /// The output folder.
    pub output: PathBuf,
    /// Replace nahr's earlier output in a non-empty output folder.
    pub overwrite: bool,
    /// Worker threads (0: one per core).
    pub threads: usize,
    /// Stop after this many records.
    pub limit: Option<u64>,
    /// Records larger than this many bytes become `oversize` errors.
    pub max_bytes: u64,
    /// The JSON Lines field holding the HTML.
    pub jsonl_html_field: String,
    /// The JSON Lines field holding the URL.
    pub jsonl_url_field: String,
    /// Process only the I-th (0-based) of N slices of the input files.
    pub shard: Option<(usize, usize)>,
    /// Parquet output tuning.
    pub writer: WriterOptions,
}

/// The default `--max-bytes`: 8 MiB, far above any real article page.
pub const DEFAULT_MAX_BYTES: u64 = 8 << 20;

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            inputs: Vec::new(),
            input_format: FormatChoice::Auto,
            output: PathBuf::from("out"),
            overwrite: false,
            threads: 0,
            limit: None,
            max_bytes: DEFAULT_MAX_BYTES,
            jsonl_html_field: "html".into(),
            jsonl_url_field: "url".into(),
            shard: None,
            writer: WriterOptions::default(),
        }
    }
}

/// A problem that stops a run before or while it works (exit code 2 in the CLI).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FatalError(pub String);

impl std::fmt::Display for FatalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FatalError {}

/// Live counters of a run, shared with whoever shows progress.
#[derive(Debug, Default)]
pub struct Progress {
    /// Records taken from the reader.
    pub records: AtomicU64,
    /// Documents written.
    pub documents: AtomicU64,
    /// Error rows written.
    pub errors: AtomicU64,
    /// Raw bytes of the records processed.
    pub raw_bytes: AtomicU64,
    /// Tokens written.
    pub tokens: AtomicU64,
    /// Bytes of input files consumed (on-disk sizes).
    pub input_bytes_done: Arc<AtomicU64>,
    /// Total bytes of the input files (on disk).
    pub input_bytes_total: AtomicU64,
}

/// Time spent per step, summed over threads, in nanoseconds.
#[derive(Debug)]
pub struct StageTimings {
    /// Step names: `decode`, then the stage names.
    pub names: Vec<String>,
    nanos: Vec<AtomicU64>,
}

impl StageTimings {
    /// Counters for `decode` and the pipeline's stages.
    pub fn for_pipeline(pipeline: &Pipeline) -> Self {
        let mut names = vec!["decode".to_string()];
        names.extend(pipeline.stage_names().into_iter().map(str::to_string));
        let nanos = names.iter().map(|_| AtomicU64::new(0)).collect();
        StageTimings { names, nanos }
    }

    fn add(&self, index: usize, d: Duration) {
        if let Some(n) = self.nanos.get(index) {
            n.fetch_add(
                u64::try_from(d.as_nanos()).unwrap_or(u64::MAX),
                Ordering::Relaxed,
            );
        }
    }

    /// Seconds per step, in order.
    pub fn seconds(&self) -> Vec<(String, f64)> {
        self.names
            .iter()
            .zip(&self.nanos)
            .map(|(n, t)| (n.clone(), t.load(Ordering::Relaxed) as f64 / 1e9))
            .collect()
    }
}

/// What processing one record gave: a document, or not, and error rows.
#[derive(Debug)]
pub struct Processed {
    /// The finished document (absent when decoding or a stage failed).
    pub document: Option<Document>,
    /// Error rows (at most one per record today).
    pub errors: Vec<ErrorRow>,
}

/// The stable document id: 32 hex digits of XXH3-128 over `source`, a NUL byte, and the bytes.
pub fn document_id(source: &str, bytes: &[u8]) -> String {
    let mut h = twox_hash::XxHash3_128::with_seed(0);
    h.write(source.as_bytes());
    h.write(&[0]);
    h.write(bytes);
    format!("{:032x}", h.finish_128())
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-text payload".to_string()
    }
}

/// Decodes a record and runs every stage on it. A failing or panicking stage turns the record
/// into an error row (and no document row): the caller goes on with the next record.
pub fn process_record(
    mut record: RawRecord,
    pipeline: &Pipeline,
    timings: Option<&StageTimings>,
) -> Processed {
    let doc_id = document_id(&record.source, &record.bytes);
    let raw_bytes = record.bytes.len();
    let started = StepClock::start();
    let bytes = std::mem::take(&mut record.bytes);
    let decoded = catch_unwind(AssertUnwindSafe(|| {
        decode_owned(
            bytes,
            record.transport_charset.as_deref(),
            record.url.as_deref(),
        )
    }));
    if let Some(t) = timings {
        t.add(0, started.elapsed());
    }
    let fail = |stage: &str, kind: &str, message: String| Processed {
        document: None,
        errors: vec![ErrorRow {
            source: record.source.clone(),
            doc_id: Some(doc_id.clone()),
            stage: stage.to_string(),
            kind: kind.to_string(),
            message,
        }],
    };
    let decoded = match decoded {
        Ok(Ok(d)) => d,
        Ok(Err(e)) => return fail("decode", e.kind, e.message),
        Err(p) => return fail("decode", "panic", panic_message(p.as_ref())),
    };
    let mut doc = Document {
        doc_id: doc_id.clone(),
        source: record.source.clone(),
        url: record.url.clone(),
        fetched_at: record.fetched_at,
        raw_bytes,
        encoding: decoded.encoding.name().to_string(),
        encoding_source: decoded.source,
        html: decoded.text,
        ..Document::default()
    };
    for (i, stage) in pipeline.stages.iter().enumerate() {
        let started = StepClock::start();
        let result = catch_unwind(AssertUnwindSafe(|| stage.process(&mut doc)));
        if let Some(t) = timings {
            t.add(i + 1, started.elapsed());
        }
        match result {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return fail(stage.name(), &e.kind, e.message),
            Err(p) => return fail(stage.name(), "panic", panic_message(p.as_ref())),
        }
    }
    doc.html = String::new();
    Processed {
        document: Some(doc),
        errors: Vec::new(),
    }
}

/// Reads the first `limit` records of `input` (a path as `--input` takes it) and runs `pipeline`
/// on them in this thread, in order, returning the documents; records that fail are left out.
/// For tests, benchmarks and notebooks that need processed documents without a run's output
/// folder. Errors: the input does not resolve.
pub fn process_path(
    input: &Path,
    limit: usize,
    pipeline: &Pipeline,
) -> Result<Vec<Document>, FatalError> {
    let inputs = crate::input::resolve(&[input.to_string_lossy().into_owned()], FormatChoice::Auto)
        .map_err(FatalError)?;
    let reader = RecordReader::new(8 << 20, "html", "url");
    let mut records = Vec::new();
    reader.read_all(&inputs.files, &mut |item| {
        if let ReadItem::Record(r) = item {
            records.push(r);
        }
        records.len() < limit
    });
    Ok(records
        .into_iter()
        .filter_map(|r| process_record(r, pipeline, None).document)
        .collect())
}

/// Processes what the reader yielded: a record goes through [`process_record`], a read failure
/// becomes its error row (stage `read`).
pub fn process_item(
    item: ReadItem,
    pipeline: &Pipeline,
    timings: Option<&StageTimings>,
) -> Processed {
    match item {
        ReadItem::Record(record) => process_record(record, pipeline, timings),
        ReadItem::Failure {
            source,
            kind,
            message,
        } => Processed {
            document: None,
            errors: vec![ErrorRow {
                source,
                doc_id: None,
                stage: "read".into(),
                kind,
                message,
            }],
        },
    }
}

/// A run whose inputs, pipeline and output folder have been checked.
pub struct PreparedRun {
    /// The options as given.
    pub options: RunOptions,
    /// The input files.
    pub inputs: ResolvedInputs,
    /// The pipeline.
    pub pipeline: Pipeline,
    /// Where the pipeline came from (`None`: built-in default).
    pub pipeline_path: Option<PathBuf>,
}

/// What a finished run did.
#[derive(Debug, Clone)]
pub struct RunSummary {
    /// Records read.
    pub records: u64,
    /// Documents written.
    pub documents: u64,
    /// Error rows written.
    pub errors: u64,
    /// Tokens written.
    pub tokens: u64,
    /// Entities written.
    pub entities: u64,
    /// Raw bytes processed.
    pub raw_bytes: u64,
    /// Wall-clock time.
    pub elapsed: Duration,
    /// Per-table summaries.
    pub tables: Vec<TableSummary>,
    /// CPU seconds per step (`decode`, then each stage), summed over the worker threads.
    pub step_seconds: Vec<(String, f64)>,
    /// CPU seconds of the reader thread (file I/O, decompression, container parsing); with one
    /// thread, that thread's CPU time outside the steps and the writing.
    pub reader_cpu_seconds: f64,
    /// CPU seconds of the writer thread (Arrow batches, Parquet encoding, compression); with
    /// one thread, that thread's CPU time writing.
    pub writer_cpu_seconds: f64,
    /// CPU seconds of the whole process up to the end of the run, start-up included.
    pub process_cpu_seconds: f64,
}

/// What a read item counts against the in-flight budget: its raw bytes.
fn charge(item: &ReadItem) -> u64 {
    match item {
        ReadItem::Record(record) => record.bytes.len() as u64,
        ReadItem::Failure { .. } => 0,
    }
}

/// Processed records on their way to the writer.
type Batch = Vec<Processed>;

/// Processed records a worker collects before it hands them to the writer.
///
/// The writer is faster than the workers, so it waits for nearly every record; each wait spins
/// and yields before it sleeps, and a `perf` profile of the sixth round put about a sixth of the
/// writer thread's CPU there when records came one at a time. Batches cut the number of waits.
const BATCH_RECORDS: usize = 16;

/// Raw bytes after which a worker hands its batch over even if it holds fewer than
/// [`BATCH_RECORDS`] records, so large pages do not sit in a worker.
const BATCH_BYTES: u64 = 4 << 20;

/// Read records the reader collects before it hands them to the workers.
///
/// The reader is several times faster than a worker, so the channel to the workers is full
/// nearly all the time; when records went one at a time, the reader slept and was woken once per
/// record (about one context switch per page: 2% of a one-thread run's CPU on the Arabic WARC,
/// in the kernel). Batches make that once per batch.
const READ_BATCH_RECORDS: usize = 8;

/// Raw bytes after which the reader hands its batch over even if it holds fewer than
/// [`READ_BATCH_RECORDS`] records, so that large pages reach the workers without delay.
const READ_BATCH_BYTES: u64 = 1 << 20;

/// Read records on their way to the workers.
type ReadBatch = Vec<ReadItem>;

/// The reader's side of the channel to the workers: collects records into batches, taking each
/// record's size from the in-flight budget first.
struct ReadBatcher<'a> {
    tx: Sender<ReadBatch>,
    in_flight: &'a InFlight,
    batch: ReadBatch,
    bytes: u64,
}

impl<'a> ReadBatcher<'a> {
    fn new(tx: Sender<ReadBatch>, in_flight: &'a InFlight) -> Self {
        ReadBatcher {
            tx,
            in_flight,
            batch: Vec::with_capacity(READ_BATCH_RECORDS),
            bytes: 0,
        }
    }

    /// Adds a record; `false` when the workers have stopped.
    ///
    /// When the budget has no room, the batch held so far is handed over before waiting: its
    /// records are charged to the budget, and only their processing gives budget back.
    fn push(&mut self, item: ReadItem) -> bool {
        let charged = charge(&item);
        if !self.in_flight.try_acquire(charged) {
            if !self.flush() {
                return false;
            }
            self.in_flight.acquire(charged);
        }
        self.batch.push(item);
        self.bytes += charged;
        if self.batch.len() >= READ_BATCH_RECORDS || self.bytes >= READ_BATCH_BYTES {
            return self.flush();
        }
        true
    }

    /// Hands the records held over; `false` when the workers have stopped.
    fn flush(&mut self) -> bool {
        if self.batch.is_empty() {
            return true;
        }
        self.bytes = 0;
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(READ_BATCH_RECORDS));
        self.tx.send(batch).is_ok()
    }
}

/// One worker's loop: takes batches of records from `rx`, processes each record with
/// `process`, gives the record's raw bytes back to `in_flight` (they are freed by then), and
/// sends the results to `tx` in batches. A worker hands over what it holds before it waits for
/// input, so no processed record sits in a worker while the run waits for the reader.
fn work(
    rx: &Receiver<ReadBatch>,
    tx: &Sender<Batch>,
    in_flight: &InFlight,
    mut process: impl FnMut(ReadItem) -> Processed,
) {
    let mut batch: Batch = Vec::with_capacity(BATCH_RECORDS);
    let mut batch_bytes = 0u64;
    loop {
        let items = match rx.try_recv() {
            Ok(items) => items,
            Err(TryRecvError::Disconnected) => break,
            Err(TryRecvError::Empty) => {
                if !batch.is_empty() {
                    batch_bytes = 0;
                    if tx.send(std::mem::take(&mut batch)).is_err() {
                        return;
                    }
                }
                match rx.recv() {
                    Ok(items) => items,
                    Err(_) => break,
                }
            }
        };
        for item in items {
            let charged = charge(&item);
            batch.push(process(item));
            // The page's raw bytes are freed by now: what stays in flight is the processed
            // record, bounded by the batches and the channel to the writer.
            in_flight.release(charged);
            batch_bytes += charged;
            if batch.len() >= BATCH_RECORDS || batch_bytes >= BATCH_BYTES {
                batch_bytes = 0;
                if tx
                    .send(std::mem::replace(
                        &mut batch,
                        Vec::with_capacity(BATCH_RECORDS),
                    ))
                    .is_err()
                {
                    return;
                }
            }
        }
    }
    if !batch.is_empty() {
        // The writer may have stopped (an output failure): then there is nobody to tell.
        let _ = tx.send(batch);
    }
}

/// What the writer thread hands back: the tables written and its own CPU time.
type WriterOutcome = Result<(Vec<TableSummary>, Option<Duration>), FatalError>;

fn seconds(d: Option<Duration>) -> f64 {
    d.map_or(0.0, |d| d.as_secs_f64())
}

/// Writes one processed record's rows and counts them.
fn write_processed(
    writer: &mut OutputWriter,
    processed: &Processed,
    progress: &Progress,
    entities: &AtomicU64,
) -> Result<(), FatalError> {
    for e in &processed.errors {
        writer
            .push_error(e)
            .map_err(|e| FatalError(e.to_string()))?;
        progress.errors.fetch_add(1, Ordering::Relaxed);
    }
    if let Some(doc) = &processed.document {
        writer
            .push_document(doc)
            .map_err(|e| FatalError(e.to_string()))?;
        progress.documents.fetch_add(1, Ordering::Relaxed);
        progress
            .tokens
            .fetch_add(doc.tokens.len() as u64, Ordering::Relaxed);
        entities.fetch_add(doc.entities.len() as u64, Ordering::Relaxed);
    }
    Ok(())
}

/// Runs the whole job on one thread: each record is read, processed and written before the
/// next is read. This is `--threads 1`: one core's worth of CPU, no queues, no hand-over between
/// threads. The thread is named like a worker, so the CLI's panic hook treats a stage's panic
/// (caught, and turned into an error row) the same way.
///
/// The reader's CPU time is what the thread spent outside the steps and the writer.
fn drive_sequential(job: &Job<'_>, mut writer: OutputWriter) -> DriveOutcome {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("nahr-worker-0".into())
            .spawn_scoped(scope, move || -> DriveOutcome {
                let started = thread_cpu();
                let mut writing = Duration::ZERO;
                let mut failed = None;
                let mut count = 0u64;
                job.reader.read_all(job.files, &mut |item| {
                    if !job.take_record(&mut count) {
                        return false;
                    }
                    job.count_raw_bytes(&item);
                    let processed = process_item(item, job.pipeline, Some(job.timings));
                    let clock = StepClock::start();
                    let written =
                        write_processed(&mut writer, &processed, job.progress, job.entities);
                    writing += clock.elapsed();
                    match written {
                        Ok(()) => true,
                        Err(e) => {
                            failed = Some(e);
                            false
                        }
                    }
                });
                if let Some(e) = failed {
                    return Err(e);
                }
                let clock = StepClock::start();
                let tables = writer.finish().map_err(|e| FatalError(e.to_string()))?;
                writing += clock.elapsed();
                let steps: f64 = job.timings.seconds().iter().map(|(_, s)| s).sum();
                let reading = match (started, thread_cpu()) {
                    (Some(a), Some(b)) => Some(
                        b.saturating_sub(a)
                            .saturating_sub(writing)
                            .saturating_sub(Duration::from_secs_f64(steps)),
                    ),
                    _ => None,
                };
                Ok((tables, reading, Some(writing)))
            })
            .map_err(|e| FatalError(format!("cannot start the worker thread: {e}")))?
            .join()
            .unwrap_or_else(|_| Err(FatalError("the worker thread panicked".into())))
    })
}

/// The parts of a run that its drivers share.
struct Job<'a> {
    files: &'a [crate::input::InputFile],
    reader: &'a RecordReader,
    pipeline: &'a Pipeline,
    timings: &'a StageTimings,
    progress: &'a Progress,
    entities: &'a AtomicU64,
    limit: Option<u64>,
}

impl Job<'_> {
    /// Counts one more record read; `false` (and nothing counted) once `--limit` records were
    /// taken. `count` is the reader's tally.
    fn take_record(&self, count: &mut u64) -> bool {
        if self.limit.is_some_and(|l| *count >= l) {
            return false;
        }
        *count += 1;
        self.progress.records.fetch_add(1, Ordering::Relaxed);
        true
    }

    /// Adds a record's raw bytes to the progress, when it is a record, as a worker takes it.
    fn count_raw_bytes(&self, item: &ReadItem) {
        if let ReadItem::Record(record) = item {
            self.progress
                .raw_bytes
                .fetch_add(record.bytes.len() as u64, Ordering::Relaxed);
        }
    }
}

/// The tables written, and the CPU time of reading and of writing.
type DriveOutcome = Result<(Vec<TableSummary>, Option<Duration>, Option<Duration>), FatalError>;

/// Runs `threads` (two or more) workers between a reader thread and a writer thread.
fn drive_threaded(job: &Job<'_>, threads: usize, writer: OutputWriter) -> DriveOutcome {
    let progress = job.progress;
    let entities = job.entities;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("nahr-worker-{i}"))
        .build()
        .map_err(|e| FatalError(format!("cannot start {threads} worker threads: {e}")))?;
    let (record_tx, record_rx) = bounded::<ReadBatch>(threads * 2);
    let (output_tx, output_rx) = bounded::<Batch>(threads * 2);
    let in_flight = InFlight::for_threads(threads);
    std::thread::scope(|scope| {
        let reader_thread = {
            let in_flight = &in_flight;
            std::thread::Builder::new()
                .name("nahr-reader".into())
                .spawn_scoped(scope, move || {
                    let mut count = 0u64;
                    let mut batcher = ReadBatcher::new(record_tx, in_flight);
                    job.reader.read_all(job.files, &mut |item| {
                        job.take_record(&mut count) && batcher.push(item)
                    });
                    batcher.flush();
                    thread_cpu()
                })
                .map_err(|e| FatalError(format!("cannot start the reader thread: {e}")))?
        };
        let writer_thread = {
            let in_flight = &in_flight;
            std::thread::Builder::new()
                .name("nahr-writer".into())
                .spawn_scoped(scope, move || -> WriterOutcome {
                    // When the writer stops (also on failure), the workers stop too and the
                    // records still queued are never processed: closing the budget keeps the
                    // reader from waiting for their bytes.
                    let _close = CloseOnDrop(in_flight);
                    let mut writer = writer;
                    for processed in output_rx.iter().flatten() {
                        write_processed(&mut writer, &processed, progress, entities)?;
                    }
                    let tables = writer.finish().map_err(|e| FatalError(e.to_string()))?;
                    Ok((tables, thread_cpu()))
                })
                .map_err(|e| FatalError(format!("cannot start the writer thread: {e}")))?
        };
        pool.scope(|pool_scope| {
            for _ in 0..threads {
                let rx = record_rx.clone();
                let tx = output_tx.clone();
                let in_flight = &in_flight;
                pool_scope.spawn(move |_| {
                    work(&rx, &tx, in_flight, |item| {
                        job.count_raw_bytes(&item);
                        process_item(item, job.pipeline, Some(job.timings))
                    });
                });
            }
        });
        drop(record_rx);
        drop(output_tx);
        let read = reader_thread.join();
        let written = writer_thread
            .join()
            .unwrap_or_else(|_| Err(FatalError("the writer thread panicked".into())));
        let Ok(reader_cpu) = read else {
            return Err(FatalError("the reader thread panicked".into()));
        };
        written.map(|(tables, writer_cpu)| (tables, reader_cpu, writer_cpu))
    })
}

/// Checks everything that can make a run fail before any work is done: the inputs exist, the
/// pipeline file is valid, the output folder is usable. Errors here are fatal.
pub fn prepare(
    options: RunOptions,
    pipeline_path: Option<&Path>,
) -> Result<PreparedRun, FatalError> {
    let pipeline = match pipeline_path {
        Some(p) => Pipeline::from_file(p),
        None => Pipeline::default_pipeline(),
    }
    .map_err(FatalError)?;
    if options.inputs.is_empty() {
        return Err(FatalError("no input given (use --input PATH)".into()));
    }
    let mut inputs =
        crate::input::resolve(&options.inputs, options.input_format).map_err(FatalError)?;
    if let Some((index, count)) = options.shard {
        if count == 0 || index >= count {
            return Err(FatalError(format!(
                "bad shard {index}/{count}: use --shard I/N with 0 <= I < N"
            )));
        }
        inputs.shard(index, count);
    }
    prepare_output_dir(&options.output, options.overwrite)?;
    Ok(PreparedRun {
        options,
        inputs,
        pipeline,
        pipeline_path: pipeline_path.map(Path::to_path_buf),
    })
}

/// Makes sure the output folder exists, is writable, and holds no earlier output unless
/// `overwrite` is set; with `overwrite`, removes nahr's own earlier output (the table folders,
/// the manifest and leftover temporary files), and nothing else.
pub fn prepare_output_dir(dir: &Path, overwrite: bool) -> Result<(), FatalError> {
    if dir.exists() {
        if !dir.is_dir() {
            return Err(FatalError(format!(
                "output `{}` exists and is not a folder",
                dir.display()
            )));
        }
        let entries: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| {
                FatalError(format!(
                    "cannot read output folder `{}`: {e}",
                    dir.display()
                ))
            })?
            .filter_map(Result::ok)
            .collect();
        if !entries.is_empty() {
            if !overwrite {
                return Err(FatalError(format!(
                    "output folder `{}` is not empty; choose another folder or pass --overwrite to replace nahr's earlier output there",
                    dir.display()
                )));
            }
            for table in crate::output::TableId::ALL {
                let p = dir.join(table.name());
                if p.exists() {
                    std::fs::remove_dir_all(&p)
                        .map_err(|e| FatalError(format!("cannot remove `{}`: {e}", p.display())))?;
                }
            }
            for name in ["manifest.json", ".manifest.json.tmp"] {
                let p = dir.join(name);
                if p.exists() {
                    std::fs::remove_file(&p)
                        .map_err(|e| FatalError(format!("cannot remove `{}`: {e}", p.display())))?;
                }
            }
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| {
        FatalError(format!(
            "cannot create output folder `{}`: {e}",
            dir.display()
        ))
    })?;
    let probe = dir.join(".nahr-write-probe");
    std::fs::write(&probe, b"")
        .and_then(|_| std::fs::remove_file(&probe))
        .map_err(|e| {
            FatalError(format!(
                "output folder `{}` is not writable: {e}",
                dir.display()
            ))
        })?;
    Ok(())
}

/// Runs a prepared run to the end and writes `manifest.json`. Per-record failures become error
/// rows; only output failures are fatal.
pub fn execute(run: PreparedRun, progress: Arc<Progress>) -> Result<RunSummary, FatalError> {
    let started = Instant::now();
    let started_at = std::time::SystemTime::now();
    let PreparedRun {
        options,
        inputs,
        pipeline,
        pipeline_path,
    } = run;
    let threads = if options.threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        options.threads
    };
    progress
        .input_bytes_total
        .store(inputs.total_bytes(), Ordering::Relaxed);
    let mut reader = RecordReader::new(
        options.max_bytes,
        &options.jsonl_html_field,
        &options.jsonl_url_field,
    );
    reader.bytes_done = Arc::clone(&progress.input_bytes_done);
    let timings = StageTimings::for_pipeline(&pipeline);
    let writer = OutputWriter::create(&options.output, options.writer)
        .map_err(|e| FatalError(e.to_string()))?;
    let entities = AtomicU64::new(0);
    let job = Job {
        files: &inputs.files,
        reader: &reader,
        pipeline: &pipeline,
        timings: &timings,
        progress: &progress,
        entities: &entities,
        limit: options.limit,
    };
    let (tables, reader_cpu, writer_cpu) = if threads == 1 {
        drive_sequential(&job, writer)?
    } else {
        drive_threaded(&job, threads, writer)?
    };
    let summary = RunSummary {
        records: progress.records.load(Ordering::Relaxed),
        documents: progress.documents.load(Ordering::Relaxed),
        errors: progress.errors.load(Ordering::Relaxed),
        tokens: progress.tokens.load(Ordering::Relaxed),
        entities: entities.load(Ordering::Relaxed),
        raw_bytes: progress.raw_bytes.load(Ordering::Relaxed),
        elapsed: started.elapsed(),
        tables,
        step_seconds: timings.seconds(),
        reader_cpu_seconds: seconds(reader_cpu),
        writer_cpu_seconds: seconds(writer_cpu),
        process_cpu_seconds: seconds(process_cpu()),
    };
    let manifest = crate::manifest::build(&crate::manifest::ManifestInput {
        options: &options,
        threads,
        inputs: &inputs,
        pipeline: &pipeline,
        pipeline_path: pipeline_path.as_deref(),
        summary: &summary,
        started_at,
    });
    crate::output::write_atomically(&options.output.join("manifest.json"), manifest.as_bytes())
        .map_err(|e| FatalError(format!("cannot write manifest.json: {e}")))?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stage::{Stage, StageError};

    struct Failing;
    impl Stage for Failing {
        fn name(&self) -> &'static str {
            "failing"
        }
        fn process(&self, doc: &mut Document) -> Result<(), StageError> {
            if doc.html.contains("fail") {
                Err(StageError::new("bad_page", "this page asks to fail"))
            } else {
                Ok(())
            }
        }
    }

    struct Panicking;
    impl Stage for Panicking {
        fn name(&self) -> &'static str {
            "panicking"
        }
        fn process(&self, doc: &mut Document) -> Result<(), StageError> {
            if doc.html.contains("panic") {
                // An out-of-bounds index on purpose: the kind of bug catch_unwind must contain.
                let empty: Vec<u8> = Vec::new();
                let _ = empty[doc.html.len()];
            }
            Ok(())
        }
    }

    fn record(html: &str) -> RawRecord {
        RawRecord {
            source: "t.html".into(),
            bytes: html.as_bytes().to_vec(),
            ..RawRecord::default()
        }
    }

    /// The sizes of the records in each batch the reader hands over, with the budget given back
    /// as each batch arrives (as the writer would, later).
    fn batches_of(sizes: &[usize], budget: u64) -> Vec<Vec<usize>> {
        let in_flight = InFlight::new(budget);
        let (tx, rx) = bounded::<ReadBatch>(1);
        std::thread::scope(|scope| {
            let in_flight = &in_flight;
            scope.spawn(move || {
                let mut batcher = ReadBatcher::new(tx, in_flight);
                for &n in sizes {
                    assert!(batcher.push(ReadItem::Record(record(&"x".repeat(n)))));
                }
                assert!(batcher.flush());
            });
            let mut seen = Vec::new();
            // A reader that waited for budget while holding the records that use it would never
            // send them: the timeout turns that deadlock into a failure.
            while let Ok(batch) = rx.recv_timeout(Duration::from_secs(5)) {
                let lens: Vec<usize> = batch.iter().map(|item| charge(item) as usize).collect();
                in_flight.release(lens.iter().sum::<usize>() as u64);
                seen.push(lens);
            }
            drop(rx);
            in_flight.close();
            seen
        })
    }

    #[test]
    fn the_reader_hands_records_over_in_batches() {
        let seen = batches_of(&[10; 20], 1 << 30);
        let sizes: Vec<usize> = seen.iter().map(Vec::len).collect();
        assert_eq!(
            sizes,
            [8, 8, 4],
            "batches of {READ_BATCH_RECORDS}, then the rest"
        );
        let big = READ_BATCH_BYTES as usize;
        let seen = batches_of(&[10, big, 10, 10], 1 << 30);
        assert_eq!(
            seen,
            [vec![10, big], vec![10, 10]],
            "a large record ends its batch"
        );
    }

    #[test]
    fn the_reader_hands_its_batch_over_before_it_waits_for_budget() {
        // Each record takes 60% of the budget: the second one fits only once the first has been
        // handed over and given back.
        let seen = batches_of(&[6, 6, 6, 6, 6], 10);
        assert_eq!(seen, vec![vec![6]; 5]);
    }

    #[test]
    fn stage_errors_and_panics_become_error_rows() {
        let pipeline = Pipeline {
            name: "t".into(),
            stages: vec![Box::new(Failing), Box::new(Panicking)],
            config: toml::Table::new(),
        };
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let failed = process_record(record("<p>fail</p>"), &pipeline, None);
        let panicked = process_record(record("<p>panic</p>"), &pipeline, None);
        std::panic::set_hook(hook);
        let fine = process_record(record("<p>fine</p>"), &pipeline, None);
        assert!(failed.document.is_none());
        assert_eq!(failed.errors[0].stage, "failing");
        assert_eq!(failed.errors[0].kind, "bad_page");
        assert!(panicked.document.is_none());
        assert_eq!(panicked.errors[0].stage, "panicking");
        assert_eq!(panicked.errors[0].kind, "panic");
        assert!(panicked.errors[0].message.contains("out of bounds"));
        assert_eq!(
            panicked.errors[0].doc_id.as_deref(),
            Some(document_id("t.html", b"<p>panic</p>").as_str())
        );
        assert!(fine.errors.is_empty() && fine.document.is_some());
    }

    /// What the recorder saw when it processed a document.
    #[derive(Debug, Clone)]
    struct Seen {
        thread: std::thread::ThreadId,
        name: Option<String>,
        /// Records read but not yet written, this one included.
        unwritten: u64,
    }

    /// Notes the thread each document is processed on, and how many records were read but not
    /// yet written at that moment.
    struct Recorder {
        progress: Arc<Progress>,
        seen: std::sync::Mutex<Vec<Seen>>,
    }

    struct RecorderStage(Arc<Recorder>);
    impl Stage for RecorderStage {
        fn name(&self) -> &'static str {
            "recorder"
        }
        fn process(&self, _doc: &mut Document) -> Result<(), StageError> {
            let me = std::thread::current();
            let p = &self.0.progress;
            let written = p.documents.load(Ordering::SeqCst) + p.errors.load(Ordering::SeqCst);
            let unwritten = p.records.load(Ordering::SeqCst) - written;
            if let Ok(mut seen) = self.0.seen.lock() {
                seen.push(Seen {
                    thread: me.id(),
                    name: me.name().map(str::to_string),
                    unwritten,
                });
            }
            Ok(())
        }
    }

    /// Runs `threads` workers over five small pages (the third one failing) with a pipeline of
    /// the failing stage and a recorder; returns the summary and what the recorder saw.
    fn run_pages(threads: usize) -> (RunSummary, Vec<Seen>) {
        let tmp = tempfile::tempdir().unwrap();
        let pages = tmp.path().join("pages");
        std::fs::create_dir_all(&pages).unwrap();
        for i in 0..5 {
            let body = if i == 2 { "fail" } else { "fine" };
            std::fs::write(
                pages.join(format!("p{i}.html")),
                format!("<p>{body} {i}</p>"),
            )
            .unwrap();
        }
        let options = RunOptions {
            inputs: vec![pages.display().to_string()],
            output: tmp.path().join("out"),
            threads,
            ..RunOptions::default()
        };
        let inputs = crate::input::resolve(&options.inputs, FormatChoice::Auto).unwrap();
        prepare_output_dir(&options.output, false).unwrap();
        let progress = Arc::new(Progress::default());
        let recorder = Arc::new(Recorder {
            progress: Arc::clone(&progress),
            seen: std::sync::Mutex::new(Vec::new()),
        });
        let run = PreparedRun {
            options,
            inputs,
            pipeline: Pipeline {
                name: "t".into(),
                stages: vec![
                    Box::new(Failing),
                    Box::new(RecorderStage(Arc::clone(&recorder))),
                ],
                config: toml::Table::new(),
            },
            pipeline_path: None,
        };
        let summary = execute(run, progress).unwrap();
        let seen = recorder.seen.lock().unwrap().clone();
        (summary, seen)
    }

    #[test]
    fn one_thread_reads_processes_and_writes_each_record_in_turn() {
        let caller = std::thread::current().id();
        let (summary, seen) = run_pages(1);
        assert_eq!((summary.documents, summary.errors), (4, 1));
        assert_eq!(seen.len(), 4, "the failing page stops before the recorder");
        assert!(
            seen.iter()
                .all(|s| s.thread == seen[0].thread && s.thread != caller)
        );
        assert_eq!(seen[0].name.as_deref(), Some("nahr-worker-0"));
        // Every record before this one was written before this one was read: nothing queues.
        assert!(seen.iter().all(|s| s.unwritten == 1), "{seen:?}");
        // Writing was timed on that thread: the writer wrote five tables.
        assert!(summary.writer_cpu_seconds > 0.0);
        assert_eq!(summary.tables.len(), 5);
    }

    #[test]
    fn two_threads_count_the_same_rows_as_one() {
        let (summary, seen) = run_pages(2);
        assert_eq!((summary.documents, summary.errors), (4, 1));
        assert!(
            seen.iter().all(|s| s
                .name
                .as_deref()
                .is_some_and(|n| n.starts_with("nahr-worker-"))),
            "{seen:?}"
        );
    }

    #[test]
    fn document_ids_are_stable_and_depend_on_source_and_bytes() {
        assert_eq!(document_id("a.html", b"x"), document_id("a.html", b"x"));
        assert_ne!(document_id("a.html", b"x"), document_id("b.html", b"x"));
        assert_ne!(document_id("a.html", b"x"), document_id("a.html", b"y"));
        assert_eq!(document_id("a.html", b"x").len(), 32);
        // Pinned value: a change here changes every doc_id ever written.
        assert_eq!(
            document_id("a.html", b"<p>x</p>"),
            "ef6427e5bb81acf00144e79dea7da96b"
        );
    }
}
