//! `manifest.json`: what a run was (versions, configuration, inputs) and what it did (counts,
//! files, timings). Written last, atomically, so its presence means the run finished.

use crate::input::ResolvedInputs;
use crate::output::schema::SCHEMA_VERSION;
use crate::pipeline::Pipeline;
use crate::runner::{RunOptions, RunSummary};
use serde_json::{Value, json};
use std::path::Path;
use std::time::SystemTime;

/// What the manifest is made from.
pub struct ManifestInput<'a> {
    /// The run's options.
    pub options: &'a RunOptions,
    /// Worker threads used.
    pub threads: usize,
    /// The resolved input files.
    pub inputs: &'a ResolvedInputs,
    /// The pipeline.
    pub pipeline: &'a Pipeline,
    /// The pipeline file, if one was given.
    pub pipeline_path: Option<&'a Path>,
    /// The run's results.
    pub summary: &'a RunSummary,
    /// When the run started.
    pub started_at: SystemTime,
}

fn unix_seconds(t: SystemTime) -> f64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// The share of the process's CPU time not spent inside the pipeline's stages (decoding, reading,
/// decompression, Arrow building, Parquet writing, start-up), or null when no CPU clock exists.
fn outside_stages_share(s: &RunSummary) -> Value {
    if s.process_cpu_seconds <= 0.0 {
        return Value::Null;
    }
    let in_stages: f64 = s
        .step_seconds
        .iter()
        .filter(|(name, _)| name != "decode")
        .map(|(_, v)| v)
        .sum();
    json!(round3(
        (1.0 - in_stages / s.process_cpu_seconds).clamp(0.0, 1.0)
    ))
}

/// The manifest as pretty-printed JSON.
pub fn build(m: &ManifestInput<'_>) -> String {
    let s = m.summary;
    let secs = s.elapsed.as_secs_f64().max(1e-9);
    let tables: serde_json::Map<String, Value> = s
        .tables
        .iter()
        .map(|t| {
            (
                t.table.name().to_string(),
                json!({ "rows": t.rows, "files": t.files }),
            )
        })
        .collect();
    let steps: serde_json::Map<String, Value> = s
        .step_seconds
        .iter()
        .map(|(n, v)| (n.clone(), json!(round3(*v))))
        .collect();
    let value = json!({
        "schema_version": SCHEMA_VERSION,
        "nahr_version": env!("CARGO_PKG_VERSION"),
        "started_at_unix": unix_seconds(m.started_at),
        "pipeline": {
            "name": m.pipeline.name,
            "file": m.pipeline_path.map(|p| p.display().to_string()),
            "stages": m.pipeline.stage_names(),
            "config": serde_json::to_value(&m.pipeline.config).unwrap_or(Value::Null),
        },
        "options": {
            "threads": m.threads,
            "limit": m.options.limit,
            "max_bytes": m.options.max_bytes,
            "max_rows_per_file": m.options.writer.max_rows_per_file,
            "shard": m.options.shard.map(|(i, n)| format!("{i}/{n}")),
            "jsonl_html_field": m.options.jsonl_html_field,
            "jsonl_url_field": m.options.jsonl_url_field,
        },
        "inputs": {
            "arguments": m.options.inputs,
            "files": m.inputs.files.len(),
            "bytes": m.inputs.total_bytes(),
            "skipped_files": m.inputs.skipped.len(),
        },
        "counts": {
            "records": s.records,
            "documents": s.documents,
            "errors": s.errors,
            "tokens": s.tokens,
            "entities": s.entities,
            "raw_bytes": s.raw_bytes,
        },
        "tables": tables,
        "timings": {
            "wall_seconds": (secs * 1000.0).round() / 1000.0,
            "documents_per_second": (s.documents as f64 / secs * 10.0).round() / 10.0,
            "mb_per_second": (s.raw_bytes as f64 / 1e6 / secs * 100.0).round() / 100.0,
            "step_cpu_seconds": steps,
            "reader_cpu_seconds": round3(s.reader_cpu_seconds),
            "writer_cpu_seconds": round3(s.writer_cpu_seconds),
            "process_cpu_seconds": round3(s.process_cpu_seconds),
            "outside_stages_share": outside_stages_share(s),
        },
    });
    serde_json::to_string_pretty(&value).unwrap_or_else(|_| "{}".to_string())
}
