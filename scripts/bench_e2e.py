#!/usr/bin/env python3
"""End-to-end benchmark: nahr against the tools a user would pick instead, on the same pages,
in one invocation. Prints one Markdown report and writes it to docs/PERFORMANCE.md.

Rows per corpus:
- `nahr run`, default pipeline (clean → tokenize → entities → Parquet), 1 and 2 threads, each
  the median of `--repeat` runs (with
  `--threads 1` one thread reads, processes and writes; with 2, two workers run between a reader
  and a writer thread);
- each stage alone: `clean` from a run of pipelines/extract-only.toml (extraction, metadata,
  Parquet), `tokenize` and `entities` from the per-stage CPU time in the 1-thread run's manifest;
- html5ever parsing alone (the floor of the old parser) and nahr's own HTML parser alone, from
  the yardsticks binary's parse-only modes;
- trafilatura, resiliparse, spaCy's rule tokenizer on trafilatura's text, and trafilatura + spaCy
  (scripts/e2e_tool.py, each in its own process; resiliparse the median of `--repeat` runs).
Columns: pages/s, MB/s of raw HTML, CPU seconds per 1,000 pages (user + system of the whole
process), peak RSS (`/usr/bin/time -v`).

Usage: bench_e2e.py --nahr BIN --parse-only BIN --python PY --corpus NAME=PATH:LANG ... [--out FILE]
"""
import argparse
import datetime
import json
import os
import pathlib
import platform
import re
import subprocess
import sys
import tempfile


def timed(cmd, env=None):
    """Runs cmd under /usr/bin/time -v; returns (stdout, cpu_seconds, peak_rss_mb)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
        p = subprocess.run(["/usr/bin/time", "-v", "-o", t.name] + cmd, capture_output=True, text=True, env=env)
        if p.returncode != 0:
            sys.exit(f"command failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr[-3000:]}")
        report = open(t.name).read()
    get = lambda key: float(re.search(re.escape(key) + r":\s*([\d.]+)", report).group(1))
    cpu = get("User time (seconds)") + get("System time (seconds)")
    return p.stdout, cpu, get("Maximum resident set size (kbytes)") / 1024


def row(name, pages, nbytes, seconds, cpu, rss):
    return {"name": name, "pages": pages, "pps": pages / seconds if seconds else 0.0,
            "mbps": nbytes / 1e6 / seconds if seconds else 0.0,
            "cpu_per_1k": cpu / pages * 1000 if pages else 0.0, "rss": rss}




def median_run(runs, seconds):
    """The run of median time (the lower middle one for an even count)."""
    return sorted(runs, key=seconds)[(len(runs) - 1) // 2]


def nahr_rows(nahr, corpus, work, repeat):
    """Rows of nahr. The all-stages runs are repeated `repeat` times, alternating 1 and 2
    threads; each row is the run of median wall time (its CPU time, peak RSS and manifest).
    Also returns the 1-thread run's manifest timings and every run's pages/s per thread count."""
    rows = []
    runs = {1: [], 2: []}
    for _ in range(repeat):
        for threads in (1, 2):
            out = work / f"nahr-{threads}"
            _, cpu, rss = timed([nahr, "run", "--quiet", "--overwrite", "--threads", str(threads), "--input", corpus, "--output", str(out)])
            m = json.loads((out / "manifest.json").read_text())
            runs[threads].append((m, cpu, rss))
    spread = {}
    for threads in (1, 2):
        m, cpu, rss = median_run(runs[threads], lambda r: r[0]["timings"]["wall_seconds"])
        pages, nbytes, wall = m["counts"]["documents"], m["counts"]["raw_bytes"], m["timings"]["wall_seconds"]
        rows.append(row(f"nahr run, all stages, {threads} thread{'s' if threads > 1 else ''}", pages, nbytes, wall, cpu, rss))
        spread[threads] = [r[0]["counts"]["documents"] / r[0]["timings"]["wall_seconds"] for r in runs[threads]]
        if threads == 1:
            steps = m["timings"]["step_cpu_seconds"]
            one = (pages, nbytes)
            accounts = m["timings"]
    out = work / "nahr-extract"
    _, cpu, rss = timed([nahr, "run", "--quiet", "--overwrite", "--threads", "1", "--pipeline", "pipelines/extract-only.toml", "--input", corpus, "--output", str(out)])
    m = json.loads((out / "manifest.json").read_text())
    rows.append(row("nahr run, clean stage alone (extract-only pipeline), 1 thread", m["counts"]["documents"], m["counts"]["raw_bytes"], m["timings"]["wall_seconds"], cpu, rss))
    for stage in ("tokenize", "entities"):
        s = steps.get(stage, 0.0)
        rows.append(row(f"nahr {stage} stage alone (its CPU time in the 1-thread run)", one[0], one[1], s, s, float("nan")))
    return rows, accounts, spread


def cpu_table(t):
    """Where the 1-thread run's CPU time went, from its manifest (thread CPU clocks)."""
    total = t["process_cpu_seconds"]
    steps = t["step_cpu_seconds"]
    parts = [(f"stage `{k}`", v) for k, v in steps.items() if k != "decode"]
    parts += [("decoding (bytes to text)", steps.get("decode", 0.0)),
              ("reading (file I/O, decompression, WARC/JSONL parsing)", t["reader_cpu_seconds"]),
              ("writing (Arrow batches, Parquet encoding, zstd)", t["writer_cpu_seconds"])]
    parts.append(("everything else (start-up: models and lists)", max(0.0, total - sum(v for _, v in parts))))
    lines = ["| where (1-thread run) | CPU s | share |", "|---|---|---|"]
    lines += [f"| {name} | {v:.2f} | {v / total:.1%} |" for name, v in parts]
    lines.append(f"| **outside the stages** | {total - sum(v for k, v in steps.items() if k != 'decode'):.2f} | **{t['outside_stages_share']:.1%}** |")
    return "\n".join(lines)


def tool_rows(py, corpus, lang, cache_dir, remeasure, repeat):
    """Rows of the Python yardsticks. Their results do not depend on nahr, so they are cached
    in cache_dir (keyed by corpus path and size) and reused by later runs. resiliparse, the
    yardstick nahr's one thread is closest to, is measured `repeat` times and its row is the
    run of median extraction time; trafilatura + spaCy (minutes per corpus) once. Also returns
    resiliparse's pages/s of every run and the date of its measurement."""
    size = sum(p.stat().st_size for p in pathlib.Path(corpus).rglob("*")) if pathlib.Path(corpus).is_dir() else pathlib.Path(corpus).stat().st_size
    key = re.sub(r"[^A-Za-z0-9]+", "-", f"{corpus}-{size}")
    results = {}
    for tool in ("resiliparse", "trafilatura+spacy"):
        cached = pathlib.Path(cache_dir) / f"{key}-{tool}.json"
        if cached.exists() and tool not in remeasure:
            r = json.loads(cached.read_text())
            # Results cached before repeated runs existed hold one run.
            results[tool] = r if "runs" in r else {"runs": [r], "measured_at": r.get("measured_at")}
            continue
        runs = []
        for _ in range(repeat if tool == "resiliparse" else 1):
            out, cpu, rss = timed([py, "scripts/e2e_tool.py", tool, corpus, lang])
            r = json.loads(out.strip().splitlines()[-1])
            r.update(cpu=cpu, rss=rss)
            runs.append(r)
        r = {"runs": runs, "measured_at": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(r))
        results[tool] = r
    resili_runs = results["resiliparse"]["runs"]
    resili = ([x["pages"] / x["extract_seconds"] for x in resili_runs if x["extract_seconds"]],
              results["resiliparse"].get("measured_at"))
    for tool in results:
        results[tool] = median_run(results[tool]["runs"], lambda x: x["extract_seconds"] + x.get("tokenize_seconds", 0.0))
    r = results["resiliparse"]
    rows = [row("resiliparse (extraction)", r["pages"], r["bytes"], r["extract_seconds"], r["cpu"], r["rss"])]
    r = results["trafilatura+spacy"]
    total = r["extract_seconds"] + r["tokenize_seconds"]
    share = lambda part: r["cpu"] * part / total if total else 0.0
    rows += [
        row("trafilatura (extraction)", r["pages"], r["bytes"], r["extract_seconds"], share(r["extract_seconds"]), r["rss"]),
        row("spaCy rule tokenizer on trafilatura's text", r["pages"], r["bytes"], r["tokenize_seconds"], share(r["tokenize_seconds"]), r["rss"]),
        row("trafilatura + spaCy tokenizer", r["pages"], r["bytes"], total, r["cpu"], r["rss"]),
    ]
    return rows, resili


def parse_rows(parse_only, corpus):
    rows = []
    for mode, name in (("--parse-only", "html5ever parse alone (floor)"),
                       ("--parse-only-nahr", "nahr's HTML parser alone (into its DOM)")):
        out, cpu, rss = timed([parse_only, mode, corpus])
        r = json.loads(out.strip().splitlines()[-1])
        rows.append(row(name, r["pages"], r["bytes"], r["seconds"], cpu, rss))
    return rows


def table(rows):
    lines = ["| run | pages | pages/s | MB/s | CPU s / 1k pages | peak RSS MB |", "|---|---|---|---|---|---|"]
    for r in rows:
        rss = "—" if r["rss"] != r["rss"] else f"{r['rss']:.0f}"
        lines.append(f"| {r['name']} | {r['pages']} | {r['pps']:.1f} | {r['mbps']:.2f} | {r['cpu_per_1k']:.1f} | {rss} |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nahr", required=True)
    ap.add_argument("--parse-only", required=True)
    ap.add_argument("--python", required=True)
    ap.add_argument("--corpus", action="append", required=True, help="NAME=PATH:LANG")
    ap.add_argument("--out", default="docs/PERFORMANCE.md")
    ap.add_argument("--cache", default="target/bench/yardsticks", help="where the Python yardsticks' results are kept")
    ap.add_argument("--remeasure", action="append", default=[], choices=["resiliparse", "trafilatura+spacy"],
                    help="measure this Python yardstick again even when a cached result exists")
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs of nahr (1 and 2 threads, alternating) and of resiliparse (when measured) per corpus; rows are the median run")
    args = ap.parse_args()
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    cpu_model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown")
    versions = subprocess.run([args.python, "-c", "import importlib.metadata as m;print(', '.join(f'{p} {m.version(p)}' for p in ('trafilatura','resiliparse','spacy')))"], capture_output=True, text=True).stdout.strip()
    nahr_version = subprocess.run([args.nahr, "--version"], capture_output=True, text=True).stdout.strip()
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    report = [
        "# Performance",
        "",
        "Generated by `make bench-e2e` (scripts/bench_e2e.py); every figure below comes from that one run.",
        "",
        f"- date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- machine: {os.cpu_count()} cores ({cpu_model}), {platform.system()} {platform.release()}; shared and noisy, so compare rows of one run, not runs",
        f"- versions: {nahr_version}, {rustc}, Python {platform.python_version()}, {versions}",
        f"- nahr's all-stages runs are repeated {args.repeat} times per corpus (1 and 2 threads alternating) and resiliparse {args.repeat} times when measured; each of their rows is the run of median time, and the runs' pages/s are listed under each corpus.",
        "- pages/s and MB/s: pages over the time spent processing them (nahr: whole-run wall time including reading, decoding and Parquet writing; Python tools: time inside the tool's calls only, reading excluded).",
        "- CPU s / 1k pages: user + system time of the whole process (Python rows include interpreter start and imports; trafilatura and spaCy run in one process, whose CPU time is split between them in proportion to their timed shares, and whose peak RSS both rows show).",
        "- Where nahr's time goes (profile by thread and by function) and what was changed: [PROFILE.md](PROFILE.md).",
        "- The Python yardsticks do not depend on nahr, so their results are cached under target/bench/yardsticks and reused (`--remeasure TOOL` or deleting that folder measures them again); each cached result's file has its date (`measured_at`, absent in results cached before that field existed).",
        "- Where the CPU went: the 1-thread run's own accounting (manifest.json `timings`: each step, the reading and the writing timed with the thread CPU clock, against the process CPU clock).",
        "",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        work = pathlib.Path(tmp)
        for spec in args.corpus:
            name, rest = spec.split("=", 1)
            path, lang = rest.rsplit(":", 1)
            print(f"== {name}: {path}", file=sys.stderr)
            nr, accounts, spread = nahr_rows(args.nahr, path, work, args.repeat)
            pr = parse_rows(args.parse_only, path)
            tr, (resili_pps, resili_date) = tool_rows(args.python, path, lang, args.cache, args.remeasure, args.repeat)
            rows = nr + pr + tr
            by = {r["name"]: r for r in rows}
            e2e1 = nr[0]["pps"]
            combo = by["trafilatura + spaCy tokenizer"]["pps"]
            resili = by["resiliparse (extraction)"]["pps"]
            floor = pr[0]["pps"]
            report += [f"## {name}", "", f"`{path}`", "", table(rows), "",
                       "| ratio | value |", "|---|---|",
                       f"| nahr (all stages, 1 thread) / trafilatura + spaCy | {e2e1 / combo:.1f}× |",
                       f"| nahr (all stages, 1 thread) / resiliparse | {e2e1 / resili:.2f}× |",
                       f"| nahr (all stages, 1 thread) / html5ever parse alone | {e2e1 / floor:.2f}× |",
                       f"| nahr's parser / html5ever (parse alone) | {pr[1]['pps'] / floor:.2f}× |",
                       f"| nahr 2 threads / 1 thread | {nr[1]['pps'] / e2e1:.2f}× |",
                       "",
                       "Pages/s of every run (the rows above are the median ones): "
                       + f"nahr 1 thread {', '.join(f'{v:.1f}' for v in spread[1])}; "
                       + f"nahr 2 threads {', '.join(f'{v:.1f}' for v in spread[2])}; "
                       + f"resiliparse {', '.join(f'{v:.1f}' for v in resili_pps)}"
                       + (f" (measured {resili_date})." if resili_date else ".")]
            report += ["",
                       cpu_table(accounts), ""]
    text = "\n".join(report) + "\n"
    print(text)
    pathlib.Path(args.out).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
