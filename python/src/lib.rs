//! Python bindings of nahr (module `nahr._nahr`, re-exported by the `nahr` package).
//!
//! Pages come in as a `pyarrow.RecordBatch`, the five output tables go out as
//! `pyarrow.RecordBatch`es; both cross through the Arrow C data interface without a copy. The
//! work is done by [`nahr::batch::process_batch`] and [`nahr::runner::process_record`], the code
//! that `nahr run` runs, so the rows are the ones the CLI writes for the same pages.
#![warn(missing_docs)]

use arrow::array::RecordBatch;
use arrow::pyarrow::PyArrowType;
use nahr::batch::{BatchOptions, BatchOutput, process_batch as run_batch, tables_of};
use nahr::input::{FormatChoice, InputFile, ReadItem, RecordReader, classify};
use nahr::output::TableId;
use nahr::pipeline::Pipeline;
use nahr::runner::{DEFAULT_MAX_BYTES, Processed, process_item};
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// Where a pipeline comes from: the key under which a loaded pipeline is cached.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum PipelineSpec {
    /// The built-in default pipeline.
    Default,
    /// TOML text, and the folder against which relative paths in it are resolved (the pipeline
    /// file's folder; none for TOML given as a string).
    Toml {
        text: String,
        base_dir: Option<PathBuf>,
    },
}

impl PipelineSpec {
    fn load(&self) -> Result<Pipeline, String> {
        match self {
            PipelineSpec::Default => Pipeline::default_pipeline(),
            PipelineSpec::Toml { text, base_dir } => {
                let table: toml::Table = text
                    .parse()
                    .map_err(|e| format!("the pipeline is not valid TOML: {e}"))?;
                Pipeline::from_table(table, base_dir.as_deref())
            }
        }
    }
}

/// Pipelines already loaded in this process, so that a Spark or Ray worker that handles many
/// batches loads its models once.
fn cached_pipeline(spec: PipelineSpec) -> Result<Arc<Pipeline>, String> {
    static CACHE: OnceLock<Mutex<HashMap<PipelineSpec, Arc<Pipeline>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(p) = cache.lock().map_err(|e| e.to_string())?.get(&spec) {
        return Ok(Arc::clone(p));
    }
    // Load outside the lock: loading can take a while and two threads may race harmlessly.
    let pipeline = Arc::new(spec.load()?);
    cache
        .lock()
        .map_err(|e| e.to_string())?
        .insert(spec, Arc::clone(&pipeline));
    Ok(pipeline)
}

fn spec_from_file(path: &Path) -> Result<PipelineSpec, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read pipeline file `{}`: {e}", path.display()))?;
    Ok(PipelineSpec::Toml {
        text,
        base_dir: Some(path.parent().map(Path::to_path_buf).unwrap_or_default()),
    })
}

/// Reads the `pipeline` argument: `None`, a `nahr.Pipeline`, a path (`os.PathLike`, or a `str`
/// that ends in `.toml` and has no line break), or TOML text (any other `str`).
fn resolve_pipeline(arg: Option<&Bound<'_, PyAny>>) -> PyResult<Arc<Pipeline>> {
    let spec = match arg {
        None => PipelineSpec::Default,
        Some(a) if a.is_none() => PipelineSpec::Default,
        Some(a) => {
            if let Ok(p) = a.cast::<PyPipeline>() {
                return Ok(Arc::clone(&p.borrow().inner));
            }
            if let Ok(s) = a.cast::<PyString>() {
                let s = s.to_str()?;
                if s.trim_end().ends_with(".toml") && !s.contains('\n') {
                    spec_from_file(Path::new(s.trim())).map_err(PyValueError::new_err)?
                } else {
                    PipelineSpec::Toml {
                        text: s.to_string(),
                        base_dir: None,
                    }
                }
            } else if let Ok(path) = a.extract::<PathBuf>() {
                spec_from_file(&path).map_err(PyValueError::new_err)?
            } else {
                return Err(PyTypeError::new_err(
                    "pipeline must be None, a nahr.Pipeline, a path to a pipeline TOML file, or TOML text",
                ));
            }
        }
    };
    cached_pipeline(spec).map_err(PyValueError::new_err)
}

/// A loaded pipeline (its stages and their models), reusable across calls.
#[pyclass(name = "Pipeline", module = "nahr", frozen)]
struct PyPipeline {
    inner: Arc<Pipeline>,
}

#[pymethods]
impl PyPipeline {
    /// Loads a pipeline: `None` for the built-in default, a path to a pipeline TOML file, or
    /// TOML text (see `nahr.process_batch`).
    #[new]
    #[pyo3(signature = (pipeline=None))]
    fn new(pipeline: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        Ok(PyPipeline {
            inner: resolve_pipeline(pipeline)?,
        })
    }

    /// The pipeline's name.
    #[getter]
    fn name(&self) -> String {
        self.inner.name.clone()
    }

    /// The names of its stages, in order.
    #[getter]
    fn stages(&self) -> Vec<&'static str> {
        self.inner.stage_names()
    }

    fn __repr__(&self) -> String {
        format!(
            "nahr.Pipeline(name={:?}, stages={:?})",
            self.inner.name,
            self.inner.stage_names()
        )
    }
}

fn output_dict<'py>(py: Python<'py>, out: BatchOutput) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for table in TableId::ALL {
        dict.set_item(table.name(), PyArrowType(out.table(table).clone()))?;
    }
    Ok(dict)
}

/// Runs the pipeline on a batch of pages and returns the five output tables.
///
/// `batch` is a `pyarrow.RecordBatch` with an `html` column (binary: raw page bytes whose
/// encoding nahr detects, as `nahr run` does; string: UTF-8 text) and optional string columns
/// `url` and `source`. For the same `doc_id`s as `nahr run`, pass the raw bytes and, as
/// `source`, the file's path relative to the input root.
///
/// `pipeline`: `None` (the built-in default), a `nahr.Pipeline`, a path to a pipeline TOML file
/// (an `os.PathLike`, or a `str` ending in `.toml` without a line break; relative list paths
/// are resolved against the file's folder), or TOML text (any other `str`; relative paths are
/// resolved against the working directory). Loaded pipelines are cached per process.
///
/// `parallel`: run the rows on a thread pool of all cores (`RAYON_NUM_THREADS` sets its size)
/// or on the calling thread (what an engine that gives each task one core wants).
///
/// Returns `{"documents": ..., "sentences": ..., "tokens": ..., "entities": ..., "errors": ...}`.
/// A page that fails becomes an `errors` row; only a malformed batch raises `ValueError`.
#[pyfunction]
#[pyo3(signature = (batch, pipeline=None, *, parallel=true, max_bytes=DEFAULT_MAX_BYTES))]
fn process_batch<'py>(
    py: Python<'py>,
    batch: PyArrowType<RecordBatch>,
    pipeline: Option<&Bound<'py, PyAny>>,
    parallel: bool,
    max_bytes: u64,
) -> PyResult<Bound<'py, PyDict>> {
    let pipeline = resolve_pipeline(pipeline)?;
    let options = BatchOptions {
        max_bytes,
        parallel,
    };
    let input = batch.0;
    let out = py
        .detach(|| run_batch(&input, &pipeline, &options))
        .map_err(PyValueError::new_err)?;
    output_dict(py, out)
}

/// Reads one input file the way `nahr run` does (HTML, WARC or JSON Lines, optionally `.gz` or
/// `.zst`, told apart by the name in `source`, or forced with `input_format`) and runs the
/// pipeline on every page in it. `source` is the file's path relative to the input root, as
/// `nahr run` would name it; the file is read from `path`, which may be a local copy with any
/// name. Unreadable files and members become `errors` rows (stage `read`).
///
/// Returns the five tables as for `process_batch`. The whole file's output is held in memory.
#[pyfunction]
#[pyo3(signature = (path, source, pipeline=None, *, parallel=true, max_bytes=DEFAULT_MAX_BYTES,
                    input_format="auto", jsonl_html_field="html", jsonl_url_field="url"))]
#[allow(clippy::too_many_arguments)]
fn process_file<'py>(
    py: Python<'py>,
    path: PathBuf,
    source: String,
    pipeline: Option<&Bound<'py, PyAny>>,
    parallel: bool,
    max_bytes: u64,
    input_format: &str,
    jsonl_html_field: &str,
    jsonl_url_field: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let pipeline = resolve_pipeline(pipeline)?;
    let choice = match input_format {
        "auto" => FormatChoice::Auto,
        "html" => FormatChoice::Html,
        "warc" => FormatChoice::Warc,
        "jsonl" => FormatChoice::Jsonl,
        other => {
            return Err(PyValueError::new_err(format!(
                "input_format must be auto, html, warc or jsonl, not `{other}`"
            )));
        }
    };
    let name = source.rsplit('/').next().unwrap_or(&source);
    let (format, compression) = classify(name, choice).ok_or_else(|| {
        PyValueError::new_err(format!(
            "`{source}`: unknown input type (expected .html .htm .xhtml .warc .jsonl, optionally .gz or .zst); pass input_format"
        ))
    })?;
    let size = std::fs::metadata(&path)
        .map_err(|e| PyValueError::new_err(format!("cannot read `{}`: {e}", path.display())))?
        .len();
    let file = InputFile {
        path,
        relative: source,
        format,
        compression,
        size,
    };
    let reader = RecordReader::new(max_bytes, jsonl_html_field, jsonl_url_field);
    let out = py.detach(|| process_items(&reader, &file, &pipeline, parallel));
    output_dict(py, out.map_err(PyRuntimeError::new_err)?)
}

/// Reads a file's items and processes them as the CLI's workers do.
fn process_items(
    reader: &RecordReader,
    file: &InputFile,
    pipeline: &Pipeline,
    parallel: bool,
) -> Result<BatchOutput, String> {
    let mut items = Vec::new();
    reader.read_all(std::slice::from_ref(file), &mut |item| {
        items.push(item);
        true
    });
    let run = |item: ReadItem| process_item(item, pipeline, None);
    let processed: Vec<Processed> = if parallel {
        use rayon::prelude::*;
        items.into_par_iter().map(run).collect()
    } else {
        items.into_iter().map(run).collect()
    };
    tables_of(&processed)
}

/// The Arrow schema (`pyarrow.Schema`) of one output table, as `nahr run` writes it.
#[pyfunction]
fn table_schema(table: &str) -> PyResult<PyArrowType<arrow::datatypes::Schema>> {
    let id = TableId::parse(table).ok_or_else(|| {
        PyValueError::new_err(format!(
            "unknown table `{table}`; the tables are {}",
            table_names().join(", ")
        ))
    })?;
    Ok(PyArrowType(id.table().arrow_schema().as_ref().clone()))
}

/// The names of the five output tables, in contract order.
#[pyfunction]
fn table_names() -> Vec<&'static str> {
    TableId::ALL.iter().map(|t| t.name()).collect()
}

/// The native module behind the `nahr` Python package.
#[pymodule]
fn _nahr(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyPipeline>()?;
    m.add_function(wrap_pyfunction!(process_batch, m)?)?;
    m.add_function(wrap_pyfunction!(process_file, m)?)?;
    m.add_function(wrap_pyfunction!(table_schema, m)?)?;
    m.add_function(wrap_pyfunction!(table_names, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("DEFAULT_MAX_BYTES", DEFAULT_MAX_BYTES)?;
    Ok(())
}
