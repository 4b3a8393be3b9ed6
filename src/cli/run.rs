//! `nahr run`: the main job, with a progress bar (or plain log lines when stderr is not a
//! terminal) and a summary at the end.

use crate::input::FormatChoice;
use crate::output::WriterOptions;
use crate::runner::{self, DEFAULT_MAX_BYTES, Progress, RunOptions, RunSummary};
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Input formats a user can force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormatArg {
    /// Decide from file names (.html .htm .xhtml .warc .jsonl, optionally .gz or .zst).
    Auto,
    /// Every file is one HTML page, whatever its name.
    Html,
    /// Every file is a WARC file.
    Warc,
    /// Every file is JSON Lines.
    Jsonl,
}

/// Options of `nahr run`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  nahr run --input pages/ --output out/\n  nahr run --input 'crawl/*.warc.gz' --input @more.txt --output out/ --pipeline pipelines/arabic-news.toml --threads 2\n\nExit codes: 0 when the run finished (failed pages are rows of errors/), 2 on a fatal problem (bad arguments, unreadable input path, bad pipeline file, output not writable)."
)]
pub struct RunArgs {
    /// Input: an HTML/WARC/JSONL file (optionally .gz or .zst), a directory (walked
    /// recursively), a glob in quotes, or @list.txt with one path per line. Repeatable.
    #[arg(short, long = "input", value_name = "PATH", required = true, num_args = 1..)]
    pub inputs: Vec<String>,
    /// Output folder; gets documents/ sentences/ tokens/ entities/ errors/ and manifest.json.
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// Pipeline file (pipelines/*.toml). Default: clean, tokenize, entities with default options.
    #[arg(short, long, value_name = "FILE")]
    pub pipeline: Option<PathBuf>,
    /// Replace nahr's earlier output in a non-empty output folder (other files are left alone).
    #[arg(long)]
    pub overwrite: bool,
    /// Worker threads (default: one per core). With 1, one thread reads, processes and writes
    /// each page in turn (one core); with more, a reader and a writer thread feed them.
    #[arg(short = 'j', long, value_name = "N", default_value_t = 0)]
    pub threads: usize,
    /// Stop after N records.
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,
    /// Records larger than this many bytes become `oversize` rows of errors/.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_BYTES)]
    pub max_bytes: u64,
    /// Rows per Parquet file before a new file is started.
    #[arg(long, value_name = "N", default_value_t = 1_000_000)]
    pub max_rows_per_file: usize,
    /// How to read input files.
    #[arg(long, value_enum, default_value_t = InputFormatArg::Auto)]
    pub input_format: InputFormatArg,
    /// JSON Lines field holding the page HTML.
    #[arg(long, value_name = "NAME", default_value = "html")]
    pub jsonl_html_field: String,
    /// JSON Lines field holding the page URL.
    #[arg(long, value_name = "NAME", default_value = "url")]
    pub jsonl_url_field: String,
    /// Process only slice I of N (0 <= I < N) of the input files, for splitting a corpus over
    /// machines (e.g. a Slurm array or a Kubernetes indexed job).
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<(usize, usize)>,
    /// No progress and no summary (errors are still printed).
    #[arg(short, long)]
    pub quiet: bool,
}

fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let (i, n) = s.split_once('/').ok_or("expected I/N, e.g. 0/4")?;
    let i: usize = i
        .trim()
        .parse()
        .map_err(|_| format!("bad shard index `{i}`"))?;
    let n: usize = n
        .trim()
        .parse()
        .map_err(|_| format!("bad shard count `{n}`"))?;
    if n == 0 || i >= n {
        return Err(format!("shard {i}/{n}: need 0 <= I < N"));
    }
    Ok((i, n))
}

/// Runs `nahr run`; returns the exit code, or a fatal error message.
pub fn run(args: RunArgs) -> Result<i32, String> {
    let options = RunOptions {
        inputs: args.inputs,
        input_format: match args.input_format {
            InputFormatArg::Auto => FormatChoice::Auto,
            InputFormatArg::Html => FormatChoice::Html,
            InputFormatArg::Warc => FormatChoice::Warc,
            InputFormatArg::Jsonl => FormatChoice::Jsonl,
        },
        output: args.output,
        overwrite: args.overwrite,
        threads: args.threads,
        limit: args.limit,
        max_bytes: args.max_bytes,
        jsonl_html_field: args.jsonl_html_field,
        jsonl_url_field: args.jsonl_url_field,
        shard: args.shard,
        writer: WriterOptions {
            max_rows_per_file: args.max_rows_per_file.max(1),
            ..WriterOptions::default()
        },
    };
    let prepared = runner::prepare(options, args.pipeline.as_deref()).map_err(|e| e.0)?;
    let output = prepared.options.output.clone();
    if !args.quiet {
        eprintln!(
            "nahr: {} input file(s), {:.1} MB, pipeline `{}` ({}), writing to {}",
            prepared.inputs.files.len(),
            prepared.inputs.total_bytes() as f64 / 1e6,
            prepared.pipeline.name,
            prepared.pipeline.stage_names().join(" → "),
            output.display()
        );
        if !prepared.inputs.skipped.is_empty() {
            eprintln!(
                "nahr: skipped {} file(s) of unknown type (use --input-format to force one)",
                prepared.inputs.skipped.len()
            );
        }
    }
    install_quiet_worker_panic_hook();
    let progress = Arc::new(Progress::default());
    let done = Arc::new(AtomicBool::new(false));
    let reporter = if args.quiet {
        None
    } else {
        let progress = Arc::clone(&progress);
        let done = Arc::clone(&done);
        Some(std::thread::spawn(move || {
            report_progress(&progress, &done)
        }))
    };
    let result = runner::execute(prepared, Arc::clone(&progress));
    done.store(true, Ordering::Relaxed);
    if let Some(r) = reporter {
        let _ = r.join();
    }
    let summary = result.map_err(|e| e.0)?;
    if !args.quiet {
        print_summary(&summary, &output);
    }
    Ok(0)
}

/// Panics inside stages are caught and become error rows; the default hook would still print
/// them over the progress bar. This hook stays silent for worker threads and prints otherwise.
fn install_quiet_worker_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let worker = std::thread::current()
            .name()
            .is_some_and(|n| n.starts_with("nahr-worker-"));
        if !worker {
            default(info);
        }
    }));
}

fn rate_line(p: &Progress, elapsed: f64) -> String {
    let docs = p.documents.load(Ordering::Relaxed);
    let errors = p.errors.load(Ordering::Relaxed);
    let mb = p.raw_bytes.load(Ordering::Relaxed) as f64 / 1e6;
    let secs = elapsed.max(1e-3);
    format!(
        "{docs} docs, {:.0} docs/s, {:.1} MB/s, {errors} errors",
        docs as f64 / secs,
        mb / secs
    )
}

fn report_progress(p: &Progress, done: &AtomicBool) {
    let started = Instant::now();
    let total = p.input_bytes_total.load(Ordering::Relaxed);
    if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(total.max(1));
        let style = ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:30.cyan/blue} {percent:>3}% of input, ETA {eta}  {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        while !done.load(Ordering::Relaxed) {
            bar.set_position(p.input_bytes_done.load(Ordering::Relaxed));
            bar.set_message(rate_line(p, started.elapsed().as_secs_f64()));
            std::thread::sleep(Duration::from_millis(150));
        }
        bar.set_position(p.input_bytes_done.load(Ordering::Relaxed));
        bar.finish_and_clear();
    } else {
        let mut last = Instant::now();
        while !done.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(100));
            if last.elapsed() >= Duration::from_secs(5) {
                last = Instant::now();
                let share = if total > 0 {
                    100.0 * p.input_bytes_done.load(Ordering::Relaxed) as f64 / total as f64
                } else {
                    0.0
                };
                eprintln!(
                    "nahr: [{:.0}s] {}, {share:.0}% of input read",
                    started.elapsed().as_secs_f64(),
                    rate_line(p, started.elapsed().as_secs_f64())
                );
            }
        }
    }
}

fn print_summary(s: &RunSummary, output: &std::path::Path) {
    let secs = s.elapsed.as_secs_f64().max(1e-9);
    eprintln!(
        "nahr: done in {secs:.2}s: {} documents, {} errors, {} tokens, {} entities; {:.1} docs/s, {:.2} MB/s",
        s.documents,
        s.errors,
        s.tokens,
        s.entities,
        s.documents as f64 / secs,
        s.raw_bytes as f64 / 1e6 / secs
    );
    if s.errors > 0 {
        eprintln!(
            "nahr: {} record(s) failed; see {}/errors/ (one row per failure, with stage and message)",
            s.errors,
            output.display()
        );
    }
    eprintln!(
        "nahr: output in {} (manifest.json lists files and counts)",
        output.display()
    );
}
