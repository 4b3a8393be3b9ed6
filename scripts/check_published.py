"""Share of pages whose extracted `published` falls on the truth's publication day.

Usage: check_published.py DATASET OUTPUT

DATASET holds truth.jsonl (or .gz) with `publish_date` (YYYY-MM-DD, the page's local day);
OUTPUT is a `nahr run` output folder (documents/*.parquet with `source`, `published_date` and
`published`). The headline figure compares `published_date`, the day as the page states it in
its own time zone, with the truth's day. For reference it also prints how often the UTC instant
`published` falls on that day in UTC (pages published near midnight east of UTC differ).
"""

import datetime
import glob
import gzip
import json
import os
import sys

import pyarrow.parquet as pq


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    dataset, output = sys.argv[1], sys.argv[2]
    path = os.path.join(dataset, "truth.jsonl")
    opener = open
    if not os.path.exists(path):
        path += ".gz"
        opener = gzip.open
    truth = {}
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if d.get("publish_date"):
                truth[d["id"]] = datetime.date.fromisoformat(d["publish_date"][:10])
    got = {}
    for file in glob.glob(os.path.join(output, "documents", "**", "*.parquet"), recursive=True):
        table = pq.read_table(file, columns=["source", "published_date", "published"]).to_pylist()
        for row in table:
            page = os.path.basename(row["source"]).split(".")[0]
            got[page] = (row["published_date"], row["published"])
    day_ok = utc_ok = 0
    for page, day in sorted(truth.items()):
        local, instant = got.get(page, (None, None))
        if local is None:
            print(f"  {page}: no date (truth {day})")
            continue
        if instant is not None and instant.tzinfo is None:
            instant = instant.replace(tzinfo=datetime.timezone.utc)
        same_day = local == day
        same_utc = instant is not None and instant.astimezone(datetime.timezone.utc).date() == day
        day_ok += same_day
        utc_ok += same_utc
        if not same_day or not same_utc:
            print(f"  {page}: published_date {local}, published {instant} vs truth {day}" + ("" if same_day else "  WRONG DAY"))
    n = len(truth)
    print(f"published_date on the truth's day: {day_ok}/{n} ({day_ok / max(n, 1):.1%}); "
          f"for reference, the UTC instant on that day in UTC: {utc_ok}/{n} ({utc_ok / max(n, 1):.1%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
