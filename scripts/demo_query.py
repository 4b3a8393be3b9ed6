#!/usr/bin/env python3
"""Print a few DuckDB queries over a nahr output folder (used by `make demo`)."""
import sys

import duckdb

out = sys.argv[1] if len(sys.argv) > 1 else "demo-out"
queries = [
    ("Documents: where each page came from, how it was decoded, its language and size",
     f"""select source, encoding, encoding_source as found_by, lang, extractor, n_tokens, title
         from read_parquet('{out}/documents/*.parquet') order by source"""),
    ("Most frequent word forms (tokens.norm) in Arabic documents",
     f"""select t.norm, count(*) as n
         from read_parquet('{out}/tokens/*.parquet') t
         join read_parquet('{out}/documents/*.parquet') d using (doc_id)
         where d.lang = 'ar' and t.kind = 'word'
         group by t.norm order by n desc, t.norm limit 10"""),
    ("Entities found, with their surface taken back out of documents.text by offsets",
     f"""select e.label, e.text, e.origin, round(e.score, 2) as score,
                substring(d.text, e.start + 1, e."end" - e.start) = e.text as offsets_ok
         from read_parquet('{out}/entities/*.parquet') e
         join read_parquet('{out}/documents/*.parquet') d using (doc_id)
         order by d.source, e.start limit 15"""),
    ("Records that failed (one row per failure)",
     f"select source, stage, kind, message from read_parquet('{out}/errors/*.parquet')"),
]
for title, sql in queries:
    print(f"\n-- {title}\n{' '.join(sql.split())}")
    duckdb.sql(sql).show(max_width=160)
