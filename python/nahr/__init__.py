"""nahr for Python: raw HTML pages in, the five nahr tables out, as Arrow record batches.

The work is done in Rust by the code that ``nahr run`` runs, so the rows (and ``doc_id``s) are
the ones the CLI writes for the same pages. Data crosses between pyarrow and Rust through the
Arrow C data interface, without a copy.

    >>> import pyarrow as pa, nahr
    >>> pages = pa.record_batch({"html": [b"<html>...</html>"], "source": ["site/a.html"]})
    >>> out = nahr.process_batch(pages)          # {"documents": RecordBatch, ..., "errors": ...}

``nahr.spark`` has the helpers for ``DataFrame.mapInArrow``; ``nahr.tables`` the pyarrow
helpers that the Spark and Ray examples use to carry all five tables through one dataset.
"""

from ._nahr import (
    DEFAULT_MAX_BYTES,
    Pipeline,
    __version__,
    process_batch,
    process_file,
    table_names,
    table_schema,
)

#: The five output tables, in contract order.
TABLES = tuple(table_names())

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Pipeline",
    "TABLES",
    "__version__",
    "process_batch",
    "process_file",
    "table_names",
    "table_schema",
]
