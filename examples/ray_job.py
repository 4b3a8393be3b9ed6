#!/usr/bin/env python3
"""Run nahr on Ray Data and write its five tables as Parquet.

    python examples/ray_job.py --input PAGES_DIR --output OUT [--pipeline FILE.toml]
    python examples/ray_job.py --pages pages.parquet --output OUT

Needs `pip install "ray[data]"` and the nahr wheel on every node. `--input` may be a local
folder or a URI that pyarrow opens (`s3://bucket/pages/`). The inputs and the output
layout are those of examples/spark_job.py: OUT/{documents,sentences,tokens,entities}/lang=xx/
and OUT/errors/; `source` is each file's path relative to PAGES_DIR, as `nahr run` names it.

nahr runs once per page: `map_batches` (batch_format="pyarrow") turns batches of pages into
packed rows (per batch and table, the table's rows as an Arrow IPC stream: nahr.tables.pack),
the result is materialized in Ray's object store, and each table is unpacked from it and written.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import re
import sys

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq
import ray

import nahr
from nahr import tables
from nahr.tables import DOCUMENT_TABLES, INPUT_NAME_PATTERN

#: Pages per call into nahr (Ray's batch) and per slice inside it.
BATCH_ROWS = 64


def filesystem_of(location: str):
    """(pyarrow filesystem, path in it) for a local path or a URI such as s3://bucket/dir."""
    if "://" in location:
        filesystem, path = pafs.FileSystem.from_uri(location)
    else:
        filesystem, path = pafs.LocalFileSystem(), os.path.abspath(location)
    return filesystem, path.rstrip("/")


def list_inputs(root: str):
    """The files under `root` that `nahr run` reads, as (filesystem, [{path, source}]), with
    `source` the path relative to `root` (the same as `nahr run --input root` gives)."""
    filesystem, base = filesystem_of(root)
    pattern = re.compile(INPUT_NAME_PATTERN)
    infos = filesystem.get_file_info(pafs.FileSelector(base, recursive=True))
    items = [
        {"path": info.path, "source": info.path[len(base) + 1 :]}
        for info in infos
        if info.type == pafs.FileType.File and pattern.search(info.base_name)
    ]
    return filesystem, sorted(items, key=lambda item: item["source"])


def read_contents(batch: pa.Table, filesystem) -> pa.Table:
    """(`path`, `source`) rows -> nahr's file rows (`content`, `source`). The files are read
    as stored: `ray.data.read_binary_files` would gunzip `.gz` files, which nahr's reader does
    itself (a `.warc.gz` must reach it compressed)."""
    contents = []
    for path in batch.column("path").to_pylist():
        with filesystem.open_input_stream(path, compression=None) as f:
            contents.append(f.read())
    return pa.table(
        {"content": pa.array(contents, pa.binary()), "source": batch.column("source")}
    )


def run_nahr(batch: pa.Table, pipeline=None, files: bool = False) -> pa.Table:
    """One Ray batch of pages or files -> the packed rows of the five tables."""
    out = [
        rows
        for result in tables.run(batch, pipeline, files=files, rows_per_call=BATCH_ROWS)
        for rows in tables.pack(result)
    ]
    return pa.Table.from_batches(out, schema=tables.PACKED_SCHEMA)


def unpack_table(batch: pa.Table, table: str) -> pa.Table:
    """Packed rows -> the rows of `table` (with `lang` for the document tables)."""
    schema = tables.table_schema(table, with_lang=table in DOCUMENT_TABLES)
    return pa.Table.from_batches(list(tables.unpack(batch, table)), schema=schema)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--input", help="folder of HTML/WARC/JSONL files (.gz/.zst too)")
    source.add_argument("--pages", help="Parquet dataset of pages (html, url, source)")
    parser.add_argument("--output", required=True, help="output folder")
    parser.add_argument("--pipeline", help="pipeline TOML file, readable at this path on every node")
    args = parser.parse_args(argv)

    pipeline = pathlib.Path(os.path.abspath(args.pipeline)) if args.pipeline else None
    if pipeline:
        nahr.Pipeline(pipeline)  # fail here, not on every worker, if it does not load
    ray.init()
    if args.input:
        filesystem, items = list_inputs(args.input)
        if not items:
            raise SystemExit(f"no HTML/WARC/JSONL files under {args.input}")
        inputs = ray.data.from_items(items).map_batches(
            read_contents,
            batch_format="pyarrow",
            batch_size=BATCH_ROWS,
            fn_kwargs={"filesystem": filesystem},
        )
        files = True
    else:
        inputs = ray.data.read_parquet(args.pages)
        files = False

    packed = inputs.map_batches(
        run_nahr,
        batch_format="pyarrow",
        batch_size=BATCH_ROWS,
        fn_kwargs={"pipeline": pipeline, "files": files},
    ).materialize()
    for table in nahr.TABLES:
        rows = packed.map_batches(unpack_table, batch_format="pyarrow", fn_kwargs={"table": table})
        count = rows.count()
        if count:
            rows.write_parquet(
                f"{args.output.rstrip('/')}/{table}",
                partition_cols=["lang"] if table in DOCUMENT_TABLES else None,
                compression="zstd",
            )
        else:
            # Ray writes no file for an empty dataset; readers want the table's folder.
            out_fs, out_dir = filesystem_of(f"{args.output.rstrip('/')}/{table}")
            out_fs.create_dir(out_dir, recursive=True)
            schema = tables.table_schema(table, with_lang=table in DOCUMENT_TABLES)
            pq.write_table(
                schema.empty_table(), f"{out_dir}/part-0.parquet", filesystem=out_fs,
                compression="zstd",
            )
        print(f"{table}: {count} rows", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
