#!/usr/bin/env python3
"""Compares what two runs held at their live-heap peaks (benches/memtrace/live_peak.c).

Usage: live_peak_report.py BINARY ONCE.txt TEN.txt

Each file is what live_peak.so wrote at exit: the live total at the peak and its split by the
kind of thread that allocated, then every live block of 16 KiB or more with its allocation's
return addresses. Blocks are grouped by the first two functions of nahr (or of a library it
links) above the allocator; the report lists the groups that differ most between the runs.
Function names come from `nm` on BINARY (the release build keeps its symbol table).
"""

import bisect
import collections
import re
import subprocess
import sys

KINDS = ["main", "reader", "workers", "writer"]
SKIP = ("alloc::", "core::", "std::", "hashbrown::", "RawVec", "_fini")


def symbols(binary):
    """Sorted (address, name) of the binary's functions."""
    out = subprocess.run(
        ["nm", "-C", "--defined-only", binary], capture_output=True, text=True, check=True
    ).stdout
    table = []
    for line in out.splitlines():
        parts = line.split(" ", 2)
        if len(parts) == 3 and parts[1] in "tT":
            table.append((int(parts[0], 16), re.sub(r"::h[0-9a-f]{16}$", "", parts[2])))
    table.sort()
    return table


def load(path, table):
    """The peak's totals by thread kind, and bytes by (thread kind, call site)."""
    addresses = [a for a, _ in table]
    lines = open(path).read().splitlines()
    maps = [l for l in lines if l.startswith("M ")]
    base = int(maps[0].split()[1].split("-")[0], 16) if maps else 0
    peak = [int(x) for x in lines[0].split()[1:]]

    def name(hex_address):
        offset = int(hex_address, 16) - base
        i = bisect.bisect_right(addresses, offset) - 1
        return table[i][1] if i >= 0 and offset >= 0 else None

    sites = collections.Counter()
    for line in lines:
        if not line.startswith("B "):
            continue
        fields = line.split()
        kind, size = KINDS[int(fields[1])], int(fields[2])
        frames = [name(a) for a in fields[3:] if a != "(nil)"]
        frames = [f for f in frames if f and not any(s in f for s in SKIP)][:2]
        sites[(kind, " < ".join(f[:72] for f in frames))] += size
    return peak, sites


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    table = symbols(sys.argv[1])
    (once, a), (ten, b) = load(sys.argv[2], table), load(sys.argv[3], table)
    mb = lambda n: n / 1e6
    print(f"live at the peak, MB: once {mb(once[0]):.1f}, ten times {mb(ten[0]):.1f}")
    for i, kind in enumerate(KINDS):
        print(f"  {kind:8} {mb(once[i + 1]):6.1f} -> {mb(ten[i + 1]):6.1f}")
    print("blocks of 16 KiB or more by call site, MB (once, ten times, difference):")
    for key in sorted(set(a) | set(b), key=lambda k: -abs(b[k] - a[k]))[:25]:
        print(f"  {mb(a[key]):6.2f} {mb(b[key]):6.2f} {mb(b[key] - a[key]):+6.2f}  {key[0]:8} {key[1]}")


if __name__ == "__main__":
    main()
