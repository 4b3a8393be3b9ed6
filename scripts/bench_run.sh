#!/usr/bin/env bash
# Throughput and peak memory of `nahr run` on a corpus, at 1 and 2 threads, and on the same
# corpus fed 5 times (memory must not grow with the corpus). Prints a Markdown table.
# Usage: scripts/bench_run.sh NAHR_BINARY CORPUS_DIR [PIPELINE]
set -euo pipefail
nahr=$1
corpus=$2
pipeline=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bytes=$(du -sb --apparent-size "$corpus" | cut -f1)
pipe_args=()
[ -n "$pipeline" ] && pipe_args=(--pipeline "$pipeline")

run() { # label threads repeat
  local label=$1 threads=$2 repeat=$3 inputs=()
  for _ in $(seq "$repeat"); do inputs+=(--input "$corpus"); done
  /usr/bin/time -v "$nahr" run --quiet --overwrite --threads "$threads" "${pipe_args[@]}" \
    "${inputs[@]}" --output "$tmp/out" 2> "$tmp/time.txt"
  local docs wall rss raw
  docs=$(python3 -c "import json;print(json.load(open('$tmp/out/manifest.json'))['counts']['documents'])")
  raw=$(python3 -c "import json;print(json.load(open('$tmp/out/manifest.json'))['counts']['raw_bytes'])")
  wall=$(python3 -c "import json;print(json.load(open('$tmp/out/manifest.json'))['timings']['wall_seconds'])")
  rss=$(awk -F: '/Maximum resident/ {gsub(/ /,"",$2); print $2}' "$tmp/time.txt")
  python3 - "$label" "$threads" "$docs" "$raw" "$wall" "$rss" <<'PY'
import sys
label, threads, docs, raw, wall, rss = sys.argv[1:]
docs, raw, wall, rss = int(docs), int(raw), float(wall), int(rss)
print(f"| {label} | {threads} | {docs} | {docs / wall:.1f} | {raw / 1e6 / wall:.2f} | {wall:.2f} | {rss / 1024:.0f} |")
PY
}

echo "corpus: $corpus ($((bytes / 1000000)) MB on disk), pipeline: ${pipeline:-default}, $(nproc) cores"
echo
echo "| run | threads | documents | docs/s | MB/s (raw HTML) | wall s | peak RSS MB |"
echo "|---|---|---|---|---|---|---|"
run "corpus" 1 1
run "corpus" 2 1
run "corpus x5" 2 5
