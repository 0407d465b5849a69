#!/usr/bin/env python3
"""Print median and 90 % interval (p5, p95) of run scalars from minesim outputs.

Usage:
  scripts/summarize.py OUTDIR [metric ...]          # plain batch: summary.json
  scripts/summarize.py OUTDIR --points [metric ...] # sweep: per point, from runs.csv

Python standard library only.
"""
import csv
import json
import os
import sys

DEFAULT = [
    "equilibrium_ratio_energy",
    "equilibrium_ratio_energy_capex",
    "equilibrium_ratio_total",
    "equilibrium_ratio_economic",
    "equilibrium_hashrate_eh_s",
    "equilibrium_energy_twh_per_year",
    "equilibrium_world_electricity_share",
    "equilibrium_reward_usd_per_day",
    "equilibrium_total_cost_usd_per_day",
    "equilibrium_attack_energy_usd_per_hour",
]


def quantile(xs, q):
    """Type-7 quantile (numpy's default), as in summary.json."""
    xs = sorted(xs)
    if not xs:
        return float("nan")
    h = (len(xs) - 1) * q
    lo = int(h)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (h - lo) * (xs[hi] - xs[lo])


def fmt(x):
    if x != x:
        return "nan"
    if abs(x) >= 1e4 or (abs(x) < 1e-2 and x != 0):
        return f"{x:.3g}"
    return f"{x:.3f}"


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        sys.exit(2)
    out = args[0]
    points = "--points" in args
    metrics = [a for a in args[1:] if a != "--points"] or DEFAULT
    if not points:
        s = json.load(open(os.path.join(out, "summary.json")))
        print(f"{out}: {s['runs']} runs")
        for m in metrics:
            v = s["metrics"].get(m)
            if v is None or v.get("n", 0) == 0:
                print(f"  {m}: undefined")
                continue
            print(f"  {m}: p50 {fmt(v['p50'])}  [p5 {fmt(v['p5'])}, p95 {fmt(v['p95'])}]  (n={v['n']})")
        return
    rows = list(csv.DictReader(open(os.path.join(out, "runs.csv"))))
    fixed = {"point", "run"}
    first = rows[0].keys()
    # parameter columns sit between `run` and the first run scalar (`steps`)
    cols = list(first)
    params = cols[cols.index("run") + 1 : cols.index("steps")]
    by_point = {}
    for r in rows:
        by_point.setdefault(int(r["point"]), []).append(r)
    for p in sorted(by_point):
        rs = by_point[p]
        label = ", ".join(f"{k}={rs[0][k]}" for k in params if k not in fixed)
        print(f"point {p} ({label}): {len(rs)} runs")
        for m in metrics:
            xs = [float(r[m]) for r in rs if r[m] != ""]
            undef = len(rs) - len(xs)
            extra = f" ({undef} undefined)" if undef else ""
            print(
                f"  {m}: p50 {fmt(quantile(xs, 0.5))}  [p5 {fmt(quantile(xs, 0.05))}, p95 {fmt(quantile(xs, 0.95))}]{extra}"
            )


if __name__ == "__main__":
    main()
