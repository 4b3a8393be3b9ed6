#!/usr/bin/env python3
"""Pages per second through Spark local[2] (examples/spark_job.py) against `nahr run
--threads 2` on the same folder of pages, both warm: each is run once untimed first (page
cache, JVM and Python workers, loaded pipeline), then timed. Both write the five tables.

    python python/bench/bench_spark.py --pages ../shared/data/extraction/wcxb-dev/html --nahr target/release/nahr
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "examples"))


def count_inputs(root: Path) -> int:
    from nahr.tables import INPUT_NAME_PATTERN

    pattern = re.compile(INPUT_NAME_PATTERN)
    return sum(1 for p in root.rglob("*") if p.is_file() and pattern.search(p.name))


def time_cli(nahr: Path, pages: Path, work: Path, threads: int) -> float:
    def run(out: Path) -> float:
        started = time.perf_counter()
        subprocess.run(
            [str(nahr), "run", "--quiet", "--threads", str(threads), "--input", str(pages),
             "--output", str(out)],
            check=True,
        )
        return time.perf_counter() - started

    run(work / "cli-warmup")
    return run(work / "cli")


def time_spark(pages: Path, work: Path, cores: int) -> tuple[float, float, float, dict]:
    from pyspark.sql import SparkSession

    import spark_job

    os.environ["PYSPARK_PYTHON"] = sys.executable
    builder = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("nahr-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "2g")
    )
    spark = spark_job.configure(builder).getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")

    def run(out: Path):
        started = time.perf_counter()
        counts = spark_job.run_job(
            spark, spark_job.read_files(spark, str(pages)), str(out), files=True
        )
        return time.perf_counter() - started, counts

    def read_and_nahr() -> float:
        # The same inputs and mapInArrow as the job, counted instead of written.
        from pyspark.sql import functions as F

        from nahr import spark as ns

        started = time.perf_counter()
        files = spark_job.read_files(spark, str(pages))
        wanted = 2 * spark.sparkContext.defaultParallelism
        if files.rdd.getNumPartitions() < wanted:
            files = files.repartition(wanted)
        packed = files.mapInArrow(ns.map_tables(files=True), ns.packed_spark_schema())
        packed.agg(F.sum("rows")).collect()
        return time.perf_counter() - started

    first, _ = run(work / "spark-warmup")
    warm, counts = run(work / "spark")
    nahr_only = read_and_nahr()
    spark.stop()
    return first, warm, nahr_only, counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=Path, required=True)
    parser.add_argument("--nahr", type=Path, required=True, help="the nahr binary (release)")
    parser.add_argument("--cores", type=int, default=2)
    args = parser.parse_args()
    n = count_inputs(args.pages)
    work = Path(tempfile.mkdtemp(prefix="nahr-bench-spark-"))
    try:
        cli = time_cli(args.nahr, args.pages, work, args.cores)
        first, spark, nahr_only, counts = time_spark(args.pages, work, args.cores)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"input files: {n}; Spark wrote {counts}")
    print(f"nahr run --threads {args.cores}: {cli:.1f} s, {n / cli:.1f} pages/s (warm)")
    print(f"Spark local[{args.cores}]: {spark:.1f} s, {n / spark:.1f} pages/s (warm; "
          f"first run {first:.1f} s)")
    print(f"  of which reading the files and running nahr in mapInArrow (not writing): "
          f"{nahr_only:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
