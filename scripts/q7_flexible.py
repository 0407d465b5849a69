#!/usr/bin/env python3
"""Share of hashrate and energy taken by the curtailable group of
scenarios/q7-flexible-load.toml, from the marker costs of that group:
heat_credit_usd / 1e-9 = its facility kWh in the step, other_cost_usd / 1e-9
= its installed TH/s x days. Averaged over the last 2 years of each kept run
(steps.csv; write more with --keep-runs N).
Python standard library only.
"""
import csv
import os
import sys

from kept_runs import kept_runs

MARK = 1e-9


def quantile(xs, q):
    xs = sorted(xs)
    h = (len(xs) - 1) * q
    lo = int(h)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (h - lo) * (xs[hi] - xs[lo])


def main():
    out = sys.argv[1]
    runs = kept_runs(out)
    e_share, h_share = [], []
    for _, rows in runs:
        rows = rows[-731:]
        kwh_flex = sum(float(r["heat_credit_usd"]) for r in rows) / MARK
        kwh_all = sum(float(r["power_gw"]) * 24e6 for r in rows)  # GW x 24 h = GWh = 1e6 kWh
        th_flex = sum(float(r["other_cost_usd"]) for r in rows) / MARK
        th_all = sum(float(r["installed_hashrate_eh_s"]) * 1e6 for r in rows)
        e_share.append(kwh_flex / kwh_all)
        h_share.append(th_flex / th_all)
    print(f"{len(runs)} runs, last 2 years")
    for name, xs in [("energy share of the flexible group", e_share), ("installed-hashrate share of the flexible group", h_share)]:
        print(f"  {name}: median {quantile(xs, 0.5):.3f}, 90 % interval [{quantile(xs, 0.05):.3f}, {quantile(xs, 0.95):.3f}]")


if __name__ == "__main__":
    main()
