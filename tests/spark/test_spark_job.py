"""examples/spark_job.py on local Spark against `nahr run` on the same pages."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import nahr
from nahr import spark as ns
from nahr.tables import DOCUMENT_TABLES

from conftest import SHARED, shared_or_skip

#: `errors.message` names the file that was read; Spark's workers read a temporary copy of it.
NOT_COMPARED = {"errors": {"message"}}


def relation(out: Path, table: str, spark_layout: bool) -> str:
    """SQL for `table` under `out` with the contract's columns in contract order. Spark's
    output is partitioned by `lang` (a hive folder, `__HIVE_DEFAULT_PARTITION__` for null)."""
    hive = spark_layout and table in DOCUMENT_TABLES
    columns = []
    for name in nahr.table_schema(table).names:
        if name in NOT_COMPARED.get(table, ()):
            continue
        if hive and name == "lang":
            columns.append("NULLIF(lang, '__HIVE_DEFAULT_PARTITION__') AS lang")
        else:
            columns.append(f'"{name}"')
    options = "hive_partitioning = true, hive_types = {'lang': 'VARCHAR'}" if hive else (
        "hive_partitioning = false"
    )
    return (
        f"SELECT {', '.join(columns)} FROM read_parquet('{out}/{table}/**/*.parquet', {options})"
    )


def assert_same_rows(spark_out: Path, cli_out: Path, tables=nahr.TABLES, where: str = "true"):
    con = duckdb.connect()
    for table in tables:
        a = f"SELECT * FROM ({relation(spark_out, table, True)}) WHERE {where}"
        b = f"SELECT * FROM ({relation(cli_out, table, False)}) WHERE {where}"
        n_a = con.execute(f"SELECT count(*) FROM ({a})").fetchone()[0]
        n_b = con.execute(f"SELECT count(*) FROM ({b})").fetchone()[0]
        only_spark = con.execute(f"SELECT * FROM (({a}) EXCEPT ALL ({b})) LIMIT 3").fetchall()
        only_cli = con.execute(f"SELECT * FROM (({b}) EXCEPT ALL ({a})) LIMIT 3").fetchall()
        assert (n_a, only_spark, only_cli) == (n_b, [], []), (
            f"{table}: Spark wrote {n_a} rows, nahr run {n_b}; "
            f"only in Spark: {only_spark}; only in nahr run: {only_cli}"
        )


def test_spark_rows_equal_nahr_run_rows(spark_out, cli_out):
    assert_same_rows(spark_out, cli_out)
    con = duckdb.connect()
    n_docs = con.execute(f"SELECT count(*) FROM ({relation(cli_out, 'documents', False)})").fetchone()[0]
    n_tokens = con.execute(f"SELECT count(*) FROM ({relation(cli_out, 'tokens', False)})").fetchone()[0]
    # The samples give 7 documents (WARC and JSONL members included); ../shared adds 25 pages.
    at_least = 7 + (25 if SHARED.is_dir() else 0)
    assert n_docs >= at_least and n_tokens > 50 * n_docs, (n_docs, n_tokens)


def test_document_tables_are_partitioned_by_their_documents_lang(spark_out):
    con = duckdb.connect()
    for table in DOCUMENT_TABLES:
        langs = {d.name for d in (spark_out / table).iterdir() if d.name.startswith("lang=")}
        assert "lang=ar" in langs and "lang=en" in langs, (table, langs)
    # Every token sits in the partition of its document's language.
    tokens = (
        "SELECT doc_id, NULLIF(lang, '__HIVE_DEFAULT_PARTITION__') AS part FROM read_parquet("
        f"'{spark_out}/tokens/**/*.parquet', hive_partitioning = true, "
        "hive_types = {'lang': 'VARCHAR'})"
    )
    wrong = con.execute(
        f"SELECT count(*) FROM ({tokens}) t JOIN ({relation(spark_out, 'documents', True)}) d "
        "USING (doc_id) WHERE t.part IS DISTINCT FROM d.lang"
    ).fetchone()[0]
    assert wrong == 0


def test_seed_page_text_is_clean_arabic(spark_out):
    shared_or_skip("seed", "article-utf8.html")
    con = duckdb.connect()
    rows = con.execute(
        f"SELECT lang, text FROM ({relation(spark_out, 'documents', True)}) "
        "WHERE source = 'seed/article-utf8.html'"
    ).fetchall()
    assert len(rows) == 1, rows
    lang, text = rows[0]
    assert lang == "ar"
    arabic = sum(1 for c in text if "\u0600" <= c <= "\u06ff")
    assert arabic > 1000, f"only {arabic} Arabic letters in the seed page's text"
    assert "اترك رد" not in text, "the comment form's 'اترك رد' is in the text"
    assert "مدونون معجبون" not in text, "the 'مدونون معجبون' footer is in the text"


def test_broken_pages_are_error_rows_and_the_job_succeeds(spark_out):
    con = duckdb.connect()
    errors = {
        r[0]: r[1:]
        for r in con.execute(
            f"SELECT source, stage, kind, doc_id FROM read_parquet('{spark_out}/errors/*.parquet')"
        ).fetchall()
    }
    assert errors.get("broken/image.html", (None,))[:2] == ("decode", "binary"), errors
    assert errors.get("broken/truncated.html.gz", (None,))[:2] == ("read", "io"), errors
    docs = {
        r[0]
        for r in con.execute(f"SELECT source FROM ({relation(spark_out, 'documents', True)})").fetchall()
    }
    assert "broken/image.html" not in docs
    assert "ar-wordpress-article.html" in docs and "en-news-article.html.gz" in docs


def crash_once(mapper, marks: Path):
    """`mapper`, except that the first attempt of the task of partition 0 kills its Python
    worker (os._exit) after handing Spark its first output batch."""
    crashed, retried = str(marks / "crashed"), str(marks / "retried")

    def run(batches):
        from pyspark import TaskContext

        ctx = TaskContext.get()
        doomed = ctx.partitionId() == 0 and ctx.attemptNumber() == 0
        doomed = doomed and not os.path.exists(crashed)
        if ctx.partitionId() == 0 and ctx.attemptNumber() > 0:
            open(retried, "w").close()
        for batch in mapper(batches):
            yield batch
            if doomed:
                open(crashed, "w").close()
                os._exit(1)

    return run


def test_a_worker_that_crashes_once_is_retried_and_the_output_is_complete(
    spark, corpus, cli_out, tmp_path
):
    import spark_job

    marks = tmp_path / "marks"
    marks.mkdir()
    out = tmp_path / "out"
    spark_job.run_job(
        spark,
        spark_job.read_files(spark, str(corpus)),
        str(out),
        files=True,
        mapper=crash_once(ns.map_tables(files=True), marks),
    )
    assert (marks / "crashed").exists(), "the injected crash did not happen"
    assert (marks / "retried").exists(), "Spark did not run a second attempt of the task"
    assert_same_rows(out, cli_out)


def test_parquet_of_pages_and_the_one_table_helper(spark, corpus, cli_out, tmp_path):
    import spark_job

    pages = sorted(p for p in corpus.rglob("*.html") if "broken" not in p.parts)
    sources = [p.relative_to(corpus).as_posix() for p in pages]
    table = pa.table(
        {"html": pa.array([p.read_bytes() for p in pages], pa.binary()), "source": sources}
    )
    pq.write_table(table, tmp_path / "pages.parquet")
    out = tmp_path / "out"
    spark_job.run_job(
        spark, spark_job.read_pages(spark, str(tmp_path / "pages.parquet")), str(out), files=False
    )
    in_pages = "source IN (" + ", ".join(f"'{s}'" for s in sources) + ")"
    by_doc = f"doc_id IN (SELECT doc_id FROM ({relation(cli_out, 'documents', False)}) WHERE {in_pages})"
    assert_same_rows(out, cli_out, ["documents"], in_pages)
    assert_same_rows(out, cli_out, ["sentences", "tokens", "entities"], by_doc)

    # One table straight from mapInArrow, with its documents' language attached.
    df = spark.read.parquet(str(tmp_path / "pages.parquet"))
    tokens = df.mapInArrow(
        ns.map_table("tokens", with_lang=True), ns.spark_schema("tokens", with_lang=True)
    )
    got = tokens.groupBy("lang").count().collect()
    con = duckdb.connect()
    want = con.execute(
        f"SELECT d.lang, count(*) FROM ({relation(cli_out, 'tokens', False)}) t "
        f"JOIN ({relation(cli_out, 'documents', False)}) d USING (doc_id) WHERE d.{in_pages} "
        "GROUP BY d.lang"
    ).fetchall()
    assert sorted((r["lang"], r["count"]) for r in got) == sorted(want)
