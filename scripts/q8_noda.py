#!/usr/bin/env python3
"""Q8(a): block clock spread per run from the kept runs in steps.csv.

Usage: scripts/q8_noda.py OUTDIR
Per run: mean block interval over the run (s), standard deviation across days
of the daily mean block interval (s), share of days whose mean interval is
more than 10 % away from 600 s, share of steps without a block. Prints the
median and 90 % interval (type-7 quantiles) across runs. Stdlib only.
"""
import csv
import os
import statistics
import sys

from q6_crash import quantile
from kept_runs import kept_runs


def one(rows):
    days = {}
    t = [float(r["time_years"]) for r in rows[:2]]
    step_s = (t[1] - t[0]) * 365.25 * 86400
    empty = 0
    for r in rows:
        d = days.setdefault(r["date"], [0.0, 0])
        d[0] += step_s
        d[1] += int(r["blocks"])
        empty += int(r["blocks"]) == 0
    iv = [s / b if b else float("inf") for s, b in days.values()]
    tot_s = sum(s for s, _ in days.values())
    tot_b = sum(b for _, b in days.values())
    fin = [x for x in iv if x != float("inf")]
    return tot_s / tot_b, statistics.pstdev(fin), sum(abs(x - 600) > 60 for x in iv) / len(iv), empty / len(rows)


def main():
    out = sys.argv[1]
    res = [one(rows) for _, rows in kept_runs(out)]
    print(f"{out}: {len(res)} runs")
    for i, name in enumerate(["mean_interval_s", "sd_daily_interval_s", "share_days_off_10pct", "share_steps_without_block"]):
        xs = [r[i] for r in res]
        print(f"  {name}: p50 {quantile(xs, .5):.4g} [p5 {quantile(xs, .05):.4g}, p95 {quantile(xs, .95):.4g}]")


if __name__ == "__main__":
    main()
