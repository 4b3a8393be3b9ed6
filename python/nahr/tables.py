"""pyarrow helpers shared by the Spark and Ray integrations.

* :func:`run` runs nahr over a batch of pages, or of whole input files, in bounded slices.
* :func:`attach_lang` gives the rows of ``sentences``, ``tokens`` and ``entities`` the language
  of their document (from the same call's ``documents`` rows, so no join is needed), so that
  those tables can be partitioned by ``lang`` like ``documents``.
* :func:`pack` and :func:`unpack` carry all five tables through one dataset: an engine then
  runs nahr once per page, caches the packed rows, and writes each table from them, instead of
  running nahr once per table.
"""

from __future__ import annotations

import os
import tempfile
from typing import Iterator, Union

import pyarrow as pa
import pyarrow.compute as pc

from . import _nahr

#: The five output tables, in contract order.
TABLES = tuple(_nahr.table_names())
#: The tables whose rows belong to a document, and so can take its language.
DOCUMENT_TABLES = ("documents", "sentences", "tokens", "entities")
#: Names of the input files that hold exactly one HTML page, uncompressed.
PLAIN_HTML_SUFFIXES = (".html", ".htm", ".xhtml")
#: A regular expression (Java and Python syntax) for the file names ``nahr run`` reads from a
#: directory: HTML, WARC or JSON Lines, optionally gzip- or zstd-compressed.
INPUT_NAME_PATTERN = r"(?i)\.(html?|xhtml|warc|arc|jsonl|ndjson)(\.gz|\.zst)?$"

Batch = Union[pa.RecordBatch, pa.Table]


def table_schema(table: str, with_lang: bool = False) -> pa.Schema:
    """The Arrow schema of ``table``; with ``with_lang``, plus a nullable ``lang`` string column
    at the end (``documents`` has ``lang`` already; ``errors`` cannot take one)."""
    schema = _nahr.table_schema(table)
    if with_lang and "lang" not in schema.names:
        if table not in DOCUMENT_TABLES:
            raise ValueError(f"table {table!r} has no document language to attach")
        schema = schema.append(pa.field("lang", pa.string(), nullable=True))
    return schema


def _batches(data: Batch, rows: int) -> Iterator[pa.RecordBatch]:
    if isinstance(data, pa.Table):
        yield from data.to_batches(max_chunksize=rows)
    else:
        for offset in range(0, data.num_rows, rows):
            yield data.slice(offset, rows)


def _is_plain_html(source: str) -> bool:
    return source.lower().endswith(PLAIN_HTML_SUFFIXES)


def run(
    data: Batch,
    pipeline=None,
    *,
    files: bool = False,
    parallel: bool = False,
    rows_per_call: int = 64,
) -> Iterator[dict]:
    """Runs nahr on ``data`` and yields the five tables (a dict, as ``nahr.process_batch``
    returns) once per slice of at most ``rows_per_call`` rows, so memory stays bounded.

    Pages (``files=False``): columns ``html`` and optionally ``url`` and ``source``, as for
    ``nahr.process_batch``.

    Files (``files=True``): columns ``content`` (binary: the whole file, as Spark's
    ``binaryFile`` source gives it) and ``source`` (the path relative to the input root). Plain
    HTML files go through ``process_batch``; compressed files, WARC and JSON Lines go through
    ``process_file`` (a temporary local copy is read by the same reader as ``nahr run``).

    ``parallel=False`` (the default) keeps each call on one core, as Spark and Ray assume
    when they give a task one CPU.
    """
    if rows_per_call < 1:
        raise ValueError("rows_per_call must be at least 1")
    for batch in _batches(data, rows_per_call):
        if batch.num_rows == 0:
            continue
        if not files:
            yield _nahr.process_batch(batch, pipeline, parallel=parallel)
            continue
        sources = batch.column("source").to_pylist()
        content = batch.column("content")
        plain = [i for i, s in enumerate(sources) if s is not None and _is_plain_html(s)]
        if plain:
            pages = pa.record_batch(
                {
                    "html": content.take(pa.array(plain, pa.int64())),
                    "source": pa.array([sources[i] for i in plain], pa.string()),
                }
            )
            yield _nahr.process_batch(pages, pipeline, parallel=parallel)
        for i, source in enumerate(sources):
            if source is None or _is_plain_html(source):
                continue
            yield _process_file_bytes(content[i].as_py(), source, pipeline, parallel)


def _process_file_bytes(data: bytes, source: str, pipeline, parallel: bool) -> dict:
    # nahr's reader reads files; the engine handed us bytes. The temporary copy keeps the
    # file's name (the reader decides the format from `source`, not from this name).
    fd, path = tempfile.mkstemp(prefix="nahr-", suffix="-" + os.path.basename(source))
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        return _nahr.process_file(path, source, pipeline, parallel=parallel)
    finally:
        os.unlink(path)


def attach_lang(out: dict) -> dict:
    """Returns ``out`` with a ``lang`` column added to ``sentences``, ``tokens`` and
    ``entities``: the ``lang`` of the row's document in ``out["documents"]``."""
    documents = out["documents"]
    result = dict(out)
    for table in ("sentences", "tokens", "entities"):
        batch = out[table]
        index = pc.index_in(batch.column("doc_id"), value_set=documents.column("doc_id"))
        lang = pc.take(documents.column("lang"), index)
        result[table] = pa.RecordBatch.from_arrays(
            batch.columns + [lang], schema=table_schema(table, with_lang=True)
        )
    return result


#: The schema of :func:`pack`'s batches: one row per table per call, the table's rows
#: serialized as an Arrow IPC stream.
PACKED_SCHEMA = pa.schema(
    [
        pa.field("table", pa.string(), nullable=False),
        pa.field("rows", pa.int64(), nullable=False),
        pa.field("payload", pa.binary(), nullable=False),
    ]
)


def pack(out: dict) -> Iterator[pa.RecordBatch]:
    """Yields one row of :data:`PACKED_SCHEMA` per non-empty table of ``out`` (a dict of the
    five tables): its name, its row count and its rows (with ``lang`` attached to the document
    tables) as an Arrow IPC stream. An engine caches these few rows cheaply; :func:`unpack`
    turns them back into the tables."""
    out = attach_lang(out)
    for table in TABLES:
        batch = out[table]
        if batch.num_rows == 0:
            continue
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, batch.schema) as writer:
            writer.write_batch(batch)
        yield pa.record_batch(
            [
                pa.array([table], pa.string()),
                pa.array([batch.num_rows], pa.int64()),
                pa.array([sink.getvalue().to_pybytes()], pa.binary()),
            ],
            schema=PACKED_SCHEMA,
        )


def unpack(data: Batch, table: str, with_lang: bool = True) -> Iterator[pa.RecordBatch]:
    """The rows of ``table`` in packed data (see :func:`pack`) as batches of
    :func:`table_schema` (with ``lang`` for the document tables when ``with_lang``)."""
    schema = table_schema(table, with_lang=with_lang and table in DOCUMENT_TABLES)
    names, payloads = data.column("table"), data.column("payload")
    for i in range(data.num_rows):
        if names[i].as_py() != table:
            continue
        for batch in pa.ipc.open_stream(payloads[i].as_buffer()):
            yield batch.select(schema.names) if batch.schema != schema else batch
