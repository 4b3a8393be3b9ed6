#!/usr/bin/env python3
"""Consumer check: read every table of a nahr output folder the way analysts do (DuckDB's
read_parquet and pandas.read_parquet, no options) and fail on any mismatch with the contract.

Checks: each table's columns and types match docs/SCHEMA.md (DuckDB and pandas dtypes); the
manifest's counts match the rows; keys are unique; every token, entity and sentence span,
taken by code-point offsets from documents.text, gives the stored text (DuckDB `substring`
and Python slicing); per-document counts match the child tables.

Usage: check_output.py OUTPUT_DIR
"""
import json
import pathlib
import re
import sys

import duckdb
import pandas as pd

ROOT = pathlib.Path(__file__).resolve().parent.parent
DUCK_TYPES = {
    "string": "VARCHAR",
    "int64": "BIGINT",
    "float32": "FLOAT",
    "timestamp[us, UTC]": "TIMESTAMP WITH TIME ZONE",
    "date": "DATE",
    "list<string>": "VARCHAR[]",
    "bool": "BOOLEAN",
}


def pandas_ok(contract_type: str, dtype) -> bool:
    name = str(dtype)
    if contract_type in ("string", "list<string>"):
        return name in ("object", "string", "str")
    if contract_type == "int64":
        return name == "int64"
    if contract_type == "float32":
        return name == "float32"
    if contract_type == "bool":
        return name == "bool"
    if contract_type == "date":
        return name in ("object", "date32[day][pyarrow]")
    if contract_type == "timestamp[us, UTC]":
        return name.startswith("datetime64[") and name.endswith(", UTC]")
    return False


def contract() -> dict:
    tables, current = {}, None
    for line in (ROOT / "docs" / "SCHEMA.md").read_text(encoding="utf-8").splitlines():
        m = re.match(r"## `(\w+)/`", line)
        if m:
            current = tables.setdefault(m.group(1), [])
            continue
        m = re.match(r"\| `(\w+)` \| ([^|]+) \| (yes|no) \|", line)
        if m and current is not None:
            current.append((m.group(1), m.group(2).strip(), m.group(3) == "yes"))
    return tables


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    out = pathlib.Path(sys.argv[1])
    failures = []

    def check(ok: bool, what: str) -> None:
        if not ok:
            failures.append(what)

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    con = duckdb.connect()

    def one(sql: str):
        return con.execute(sql).fetchall()[0][0]

    frames = {}
    for table, columns in contract().items():
        glob = str(out / table / "*.parquet")
        rel = con.sql(f"select * from read_parquet('{glob}')")
        duck_cols = dict(zip(rel.columns, [str(t) for t in rel.types]))
        check(list(duck_cols) == [c for c, _, _ in columns], f"{table}: DuckDB columns {list(duck_cols)} != contract")
        frame = pd.concat([pd.read_parquet(p) for p in sorted((out / table).glob("*.parquet"))], ignore_index=True)
        frames[table] = frame
        for name, ty, nullable in columns:
            check(duck_cols.get(name) == DUCK_TYPES[ty], f"{table}.{name}: DuckDB type {duck_cols.get(name)}, contract {ty}")
            if name in frame.columns:
                check(pandas_ok(ty, frame[name].dtype), f"{table}.{name}: pandas dtype {frame[name].dtype}, contract {ty}")
                if not nullable:
                    check(not frame[name].isna().any(), f"{table}.{name}: nulls in a non-null column")
        rows = one(f"select count(*) from read_parquet('{glob}')")
        check(rows == manifest["tables"][table]["rows"], f"{table}: {rows} rows, manifest says {manifest['tables'][table]['rows']}")
        check(rows == len(frame), f"{table}: DuckDB {rows} rows, pandas {len(frame)}")

    d = str(out / "documents" / "*.parquet")
    for table, key in (("tokens", "tok_idx"), ("entities", "ent_idx"), ("sentences", "sent_idx")):
        g = str(out / table / "*.parquet")
        text_check = "" if table == "sentences" else f" and substring(d.text, x.start + 1, x.\"end\" - x.start) = x.text"
        bad = one(
            f"select count(*) from read_parquet('{g}') x join read_parquet('{d}') d using (doc_id) "
            f"where not (x.start >= 0 and x.start <= x.\"end\" and x.\"end\" <= d.n_chars{text_check})"
        )
        check(bad == 0, f"{table}: {bad} rows whose DuckDB substring by offsets differs from their text or leaves the document")
        orphans = one(f"select count(*) from read_parquet('{g}') x anti join read_parquet('{d}') d using (doc_id)")
        check(orphans == 0, f"{table}: {orphans} rows whose doc_id is not in documents")
        dup = one(f"select count(*) - count(distinct (doc_id, {key})) from read_parquet('{g}')")
        check(dup == 0, f"{table}: (doc_id, {key}) is not unique")
        counts = one(
            f"select count(*) from read_parquet('{d}') d left join (select doc_id, count(*) n from read_parquet('{g}') group by doc_id) c "
            f"using (doc_id) where coalesce(c.n, 0) != d.n_{table}"
        )
        check(counts == 0, f"documents.n_{table} disagrees with the {table} table for {counts} documents")
    check(frames["documents"]["doc_id"].is_unique, "documents.doc_id is not unique")

    texts = dict(zip(frames["documents"]["doc_id"], frames["documents"]["text"]))
    for table in ("tokens", "entities"):
        f = frames[table]
        bad = sum(1 for doc, s, e, t in zip(f["doc_id"], f["start"], f["end"], f["text"]) if texts[doc][s:e] != t)
        check(bad == 0, f"{table}: {bad} rows where Python text[start:end] != text")
    tokens = frames["tokens"]
    check(len(tokens) > 0, "no tokens at all: the check would prove nothing")
    check(set(tokens["ner"]) <= {"O"} | {f"{b}-{l}" for b in "BI" for l in ("PER", "LOC", "ORG", "MISC")}, "tokens.ner holds a tag outside BIO over PER/LOC/ORG/MISC")
    check(set(frames["entities"]["label"]) <= {"PER", "LOC", "ORG", "MISC"}, "entities.label outside PER/LOC/ORG/MISC")

    if failures:
        print(f"consumer check FAILED on {out}:")
        for f in failures:
            print("  -", f)
        return 1
    n = {t: len(f) for t, f in frames.items()}
    print(f"consumer check passed on {out}: " + ", ".join(f"{k} {v} rows" for k, v in n.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
