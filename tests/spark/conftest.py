"""Fixtures for the Spark tests: a local Spark (`local[2,3]`: two cores, three attempts per
task), a small corpus of real pages plus broken ones, and `nahr run`'s output on it."""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "data"
sys.path.insert(0, str(REPO / "examples"))

#: WCXB pages added to the corpus when ../shared is present (a few dozen pages in all).
WCXB_PAGES = 24


def shared_or_skip(*parts: str) -> Path:
    """A path under ../shared/data, or a skip (with the reason) when this clone has none."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not present in this clone (../shared/data is needed)")
    return path


@pytest.fixture(scope="session")
def nahr_bin() -> Path:
    path = Path(os.environ.get("NAHR_BIN", REPO / "target" / "debug" / "nahr"))
    if not path.is_file():
        pytest.fail(f"no nahr binary at {path}: build it (cargo build) or set NAHR_BIN")
    return path


@pytest.fixture(scope="session")
def spark():
    from pyspark.sql import SparkSession

    import spark_job

    # The workers must import nahr from this virtualenv, not whatever `python3` is on PATH.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    builder = (
        SparkSession.builder.master("local[2,3]")
        .appName("nahr-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.memory", "1g")
    )
    session = spark_job.configure(builder).getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> Path:
    """The bundled samples (HTML, .html.gz, WARC, JSON Lines), the seed page and some WCXB
    pages when ../shared is present, and two broken inputs: binary bytes named .html (a
    `decode` failure) and a truncated gzip file (a `read` failure)."""
    root = tmp_path_factory.mktemp("corpus")
    for f in sorted((REPO / "samples").iterdir()):
        if f.name != "SOURCE.md":
            shutil.copy(f, root / f.name)
    seed = SHARED / "seed" / "article-utf8.html"
    if seed.is_file():
        (root / "seed").mkdir()
        shutil.copy(seed, root / "seed" / seed.name)
    wcxb = SHARED / "extraction" / "wcxb-dev" / "html"
    if wcxb.is_dir():
        (root / "wcxb").mkdir()
        for f in sorted(wcxb.iterdir())[:WCXB_PAGES]:
            shutil.copy(f, root / "wcxb" / f.name)
    broken = root / "broken"
    broken.mkdir()
    (broken / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(4000))
    whole = gzip.compress(b"<html><body><p>" + b"cut short " * 500 + b"</p></body></html>")
    (broken / "truncated.html.gz").write_bytes(whole[: len(whole) // 2])
    return root


@pytest.fixture(scope="session")
def cli_out(corpus, nahr_bin, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "out"
    subprocess.run(
        [str(nahr_bin), "run", "--quiet", "--input", str(corpus), "--output", str(out)],
        check=True,
    )
    return out


@pytest.fixture(scope="session")
def spark_out(spark, corpus, tmp_path_factory) -> Path:
    import spark_job

    out = tmp_path_factory.mktemp("spark") / "out"
    spark_job.run_job(spark, spark_job.read_files(spark, str(corpus)), str(out), files=True)
    return out
