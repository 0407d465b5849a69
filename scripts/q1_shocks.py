#!/usr/bin/env python3
"""Recovery of the spend ratio after the shocks of scenarios/q1-shocks.toml.

For each shock date, the pre-shock level is the mean of the band median
(p50 across runs) of the metric over the 90 days before; the script prints
the jump right after the shock and the days until the median is back within
+-10 % of the pre-shock level and stays there for 30 days.
Usage: scripts/q1_shocks.py OUTDIR [metric ...]   (default ratio_total, ratio_energy)
Python standard library only.
"""
import csv
import os
import sys

SHOCKS = [("subsidy halving", None), ("price halves", "2029-07-02"), ("price doubles", "2031-01-02")]


def main():
    out = sys.argv[1]
    metrics = sys.argv[2:] or ["ratio_total", "ratio_energy", "hashrate_eh_s"]
    series = {}
    dates = {}
    for r in csv.DictReader(open(os.path.join(out, "bands.csv"))):
        if r["metric"] in metrics and r["p50"]:
            series.setdefault(r["metric"], {})[int(r["step"])] = float(r["p50"])
            dates[int(r["step"])] = r["date"]
    # subsidy halving: first step where the median subsidy falls by > 40 %
    sub = {}
    for r in csv.DictReader(open(os.path.join(out, "steps.csv"))):
        if r.get("run", "0") != "0":
            continue
        sub[int(r["step"])] = (r["date"], float(r["height"]))
    halving_step = next(s for s in sorted(sub) if sub[s][1] >= 1050000)
    step_of = {d: s for s, d in dates.items()}
    for name, date in SHOCKS:
        s0 = halving_step if date is None else step_of[date]
        print(f"{name} at {dates[s0]} (step {s0}; halving date from run 0)")
        for m in metrics:
            x = series[m]
            pre = [x[s] for s in range(s0 - 90, s0) if s in x]
            level = sum(pre) / len(pre)
            after = x.get(s0 + 1)
            peak = max((x[s] for s in range(s0, s0 + 60) if s in x), key=lambda v: abs(v - level))
            back = None
            last = max(x)
            for s in range(s0, last - 30):
                if all(s2 in x and abs(x[s2] - level) <= 0.1 * abs(level) for s2 in range(s, s + 30)):
                    back = s - s0
                    break
            back_txt = f"{back} days" if back is not None else "not within the run / before the next shock"
            print(f"  {m}: before {level:.4g}, day after {after:.4g}, furthest in 60 days {peak:.4g}, back within 10 %: {back_txt}")


if __name__ == "__main__":
    main()
