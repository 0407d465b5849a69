#!/usr/bin/env python3
"""Print band medians (p50, with p5 and p95) of chosen metrics at regular dates.

Usage: scripts/bands_table.py OUTDIR [--every DAYS] metric [metric ...]
Python standard library only.
"""
import csv
import os
import sys


def main():
    args = sys.argv[1:]
    out = args.pop(0)
    every = 182
    if args and args[0] == "--every":
        args.pop(0)
        every = int(args.pop(0))
    metrics = args
    table = {}
    for r in csv.DictReader(open(os.path.join(out, "bands.csv"))):
        if r["metric"] in metrics:
            table.setdefault(int(r["step"]), {})[r["metric"]] = (r["date"], r["p5"], r["p50"], r["p95"])
    steps = sorted(table)
    print("date       " + "  ".join(f"{m} p50 [p5, p95]" for m in metrics))
    for s in steps:
        if s % every and s != steps[-1]:
            continue
        row = table[s]
        date = next(iter(row.values()))[0]
        cells = []
        for m in metrics:
            _, p5, p50, p95 = row.get(m, ("", "", "", ""))
            f = lambda x: f"{float(x):.4g}" if x else "-"
            cells.append(f"{f(p50)} [{f(p5)}, {f(p95)}]")
        print(date + " " + "  ".join(cells))


if __name__ == "__main__":
    main()
