"""Apache Spark helpers: functions for ``DataFrame.mapInArrow`` and the matching schemas.

One table::

    from nahr import spark as ns
    tokens = pages.mapInArrow(ns.map_table("tokens"), ns.spark_schema("tokens"))
    tokens.write.parquet("out/tokens")

All five tables from one pass over the pages (what ``examples/spark_job.py`` does)::

    packed = pages.mapInArrow(ns.map_tables(), ns.packed_spark_schema()).persist()
    for table in nahr.TABLES:
        ns.split(packed, table).write.parquet(f"out/{table}")

``pages`` has an ``html`` column (binary: the raw page bytes; or string) and optionally ``url``
and ``source`` (strings), or, with ``files=True``, whole input files as Spark's ``binaryFile``
source reads them, with a ``content`` column and a ``source`` column (the path relative to the
input root, as ``nahr run`` names it; ``doc_id`` is computed from it).

``pipeline`` is shipped to the workers with the function: ``None`` (the built-in default), TOML
text, or a path to a pipeline file that every worker can read (see ``nahr.process_batch``).
Each worker process loads a pipeline once and keeps it.

Pages that fail come back as ``errors`` rows; the task goes on. Spark retries a task whose
worker dies, and nahr's output depends only on the pages, so a retried task writes the same rows.
"""

from __future__ import annotations

from typing import Callable, Iterator

import pyarrow as pa

from . import tables as _tables
from .tables import DOCUMENT_TABLES, PACKED_SCHEMA, TABLES

MapFunction = Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]

__all__ = [
    "DOCUMENT_TABLES",
    "TABLES",
    "arrow_schema",
    "packed_spark_schema",
    "map_table",
    "map_tables",
    "spark_schema",
    "split",
]


def arrow_schema(table: str, with_lang: bool = False) -> pa.Schema:
    """The Arrow schema of one table (``with_lang``: plus ``lang``, see :func:`map_table`)."""
    return _tables.table_schema(table, with_lang=with_lang)


def _to_spark(schema: pa.Schema):
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(schema, prefer_timestamp_ntz=False)


def spark_schema(table: str, with_lang: bool = False):
    """The Spark ``StructType`` of one table, for ``mapInArrow``'s schema argument."""
    return _to_spark(arrow_schema(table, with_lang=with_lang))


def packed_spark_schema():
    """The Spark ``StructType`` of :func:`map_tables`' output: ``table``, ``rows``, ``payload``."""
    return _to_spark(PACKED_SCHEMA)


def map_table(
    table: str,
    pipeline=None,
    *,
    files: bool = False,
    with_lang: bool = False,
    parallel: bool = False,
    rows_per_call: int = 64,
) -> MapFunction:
    """A function for ``DataFrame.mapInArrow`` that runs nahr on the pages and yields the rows
    of ``table`` (schema: :func:`spark_schema` with the same ``table`` and ``with_lang``).

    ``with_lang`` adds the document's ``lang`` to ``sentences``, ``tokens`` or ``entities``
    rows, so they can be written with ``partitionBy("lang")``.
    ``parallel=False`` keeps a task on the one core Spark gave it (``spark.task.cpus``).
    """
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}; the tables are {', '.join(TABLES)}")
    attach = with_lang and table in DOCUMENT_TABLES and table != "documents"

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            for out in _tables.run(
                batch, pipeline, files=files, parallel=parallel, rows_per_call=rows_per_call
            ):
                if attach:
                    out = _tables.attach_lang(out)
                rows = out[table]
                if rows.num_rows:
                    yield rows

    return run


def map_tables(
    pipeline=None,
    *,
    files: bool = False,
    parallel: bool = False,
    rows_per_call: int = 64,
) -> MapFunction:
    """A function for ``DataFrame.mapInArrow`` that runs nahr once on the pages and yields all
    five tables packed (schema :func:`packed_spark_schema`): per call and table, one row with
    the table's name, its row count and its rows as an Arrow IPC stream (``lang`` attached to
    the document tables). Persist the result (it is small next to the tables' rows in Spark's
    own row format) and take each table out with :func:`split`."""

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            for out in _tables.run(
                batch, pipeline, files=files, parallel=parallel, rows_per_call=rows_per_call
            ):
                yield from _tables.pack(out)

    return run


def split(packed, table: str, with_lang: bool = True):
    """The DataFrame of ``table`` from a DataFrame made by :func:`map_tables` (with ``lang``
    for the document tables when ``with_lang``); schema :func:`spark_schema`."""
    from pyspark.sql import functions as F

    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}; the tables are {', '.join(TABLES)}")
    lang = with_lang and table in DOCUMENT_TABLES

    def unpack(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            yield from _tables.unpack(batch, table, with_lang=lang)

    rows = packed.filter(F.col("table") == table).select("table", "payload")
    return rows.mapInArrow(unpack, spark_schema(table, with_lang=lang))
