"""Share of pages whose extracted `published` falls on the truth's publication day.

Usage: check_published.py DATASET OUTPUT

DATASET holds truth.jsonl (or .gz) with `publish_date` (YYYY-MM-DD, the page's local day);
OUTPUT is a `nahr run` output folder (documents/*.parquet with `source` and `published`).
`published` is a UTC instant, while the truth gives the day where the page was published, so two
figures are printed: the instant falls on the truth's day in some time zone from UTC-12 to
UTC+14 (the page's own zone is not kept), and the stricter same day in UTC.
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
        table = pq.read_table(file, columns=["source", "published"]).to_pylist()
        for row in table:
            page = os.path.basename(row["source"]).split(".")[0]
            got[page] = row["published"]
    zone_ok = utc_ok = 0
    for page, day in sorted(truth.items()):
        p = got.get(page)
        if p is None:
            print(f"  {page}: no date (truth {day})")
            continue
        if p.tzinfo is None:
            p = p.replace(tzinfo=datetime.timezone.utc)
        start = datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.timezone.utc)
        in_zone = start - datetime.timedelta(hours=14) <= p < start + datetime.timedelta(hours=36)
        same_utc = p.astimezone(datetime.timezone.utc).date() == day
        zone_ok += in_zone
        utc_ok += same_utc
        if not same_utc:
            print(f"  {page}: {p.isoformat()} vs truth {day}" + ("" if in_zone else "  WRONG"))
    n = len(truth)
    print(f"published on the truth's day: {zone_ok}/{n} ({zone_ok / max(n, 1):.1%}) in the page's "
          f"possible time zones; {utc_ok}/{n} ({utc_ok / max(n, 1):.1%}) in UTC")
    return 0


if __name__ == "__main__":
    sys.exit(main())
