//! Helpers shared by the integration tests: running the binary, reading tables back.
#![allow(dead_code)]

use arrow::array::{ArrayRef, RecordBatch};
use arrow::compute::cast;
use arrow::datatypes::DataType;
use arrow::util::display::{ArrayFormatter, FormatOptions};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The shared data folder, or `None` (and a note on stderr) when this clone has none.
pub fn shared_data(test: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("SKIP {test}: ../shared/data is not present in this clone");
        None
    }
}

/// The bundled sample corpus.
pub fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
}

/// Runs the `nahr` binary with the given arguments.
pub fn nahr(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nahr"))
        .args(args)
        .output()
        .expect("the nahr binary runs")
}

/// Runs `nahr run --quiet` on inputs into `out` and asserts success.
pub fn run_ok(inputs: &[&Path], out: &Path, extra: &[&str]) {
    let mut args: Vec<String> = vec!["run".into(), "--quiet".into(), "--overwrite".into()];
    for i in inputs {
        args.push("--input".into());
        args.push(i.display().to_string());
    }
    args.push("--output".into());
    args.push(out.display().to_string());
    args.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = nahr(&refs);
    assert!(
        o.status.success(),
        "nahr {:?} failed: {}",
        args,
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The Parquet files of a table, sorted.
pub fn table_files(out: &Path, table: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(out.join(table))
        .expect("table folder exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
        .collect();
    files.sort();
    files
}

/// Reads one Parquet file into batches.
pub fn read_file(path: &Path) -> Result<Vec<RecordBatch>, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|e| e.to_string())?
        .build()
        .map_err(|e| e.to_string())?;
    reader.map(|b| b.map_err(|e| e.to_string())).collect()
}

/// A table as rows of (column name → cell rendered as text), in file order.
pub fn read_table(out: &Path, table: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut rows = Vec::new();
    let options = FormatOptions::default().with_null("<null>");
    for f in table_files(out, table) {
        for batch in read_file(&f).expect("readable Parquet") {
            let schema = batch.schema();
            // Render timestamps without their time zone (formatting a named zone needs
            // chrono-tz, which the crate does not pull in).
            let columns: Vec<ArrayRef> = batch
                .columns()
                .iter()
                .map(|c| match c.data_type() {
                    DataType::Timestamp(unit, Some(_)) => {
                        cast(c, &DataType::Timestamp(*unit, None)).expect("cast")
                    }
                    _ => c.clone(),
                })
                .collect();
            let formatters: Vec<ArrayFormatter> = columns
                .iter()
                .map(|c| ArrayFormatter::try_new(c.as_ref(), &options).expect("formattable column"))
                .collect();
            for r in 0..batch.num_rows() {
                rows.push(
                    schema
                        .fields()
                        .iter()
                        .zip(&formatters)
                        .map(|(field, fmt)| (field.name().clone(), fmt.value(r).to_string()))
                        .collect(),
                );
            }
        }
    }
    rows
}

/// Code-point slice of a string.
pub fn cp_slice(text: &str, start: usize, end: usize) -> String {
    text.chars()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect()
}

/// The bytes of a file, inflated when its name ends in `.gz`; `None` when unreadable.
pub fn read_gz_or_plain(path: &Path) -> Option<Vec<u8>> {
    use std::io::Read;
    let raw = std::fs::read(path).ok()?;
    if path.extension().is_some_and(|e| e == "gz") {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .ok()?;
        Some(out)
    } else {
        Some(raw)
    }
}
