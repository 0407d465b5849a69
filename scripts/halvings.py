#!/usr/bin/env python3
"""Metrics around each subsidy halving, from a minesim output folder's bands.csv.

Usage: scripts/halvings.py OUTDIR [metric ...]
       (default attack_energy_usd_per_hour attack_rent_usd_per_hour
        attack_hour_share_of_market_cap hashrate_eh_s)

A halving is the first step where the median subsidy in BTC (subsidy_usd p50
/ price_usd p50) is below 65 % of its value 10 steps earlier (steps at least
200 apart). For each halving and metric prints the mean of the band median
(p50 across runs) over the 180 steps ending 10 steps before it, the 30 steps
from it, and steps 180-360 after it. Daily steps assumed for the wording.
Python standard library only.
"""
import csv
import os
import sys

DEFAULT = [
    "attack_energy_usd_per_hour",
    "attack_rent_usd_per_hour",
    "attack_hour_share_of_market_cap",
    "hashrate_eh_s",
]


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    out = sys.argv[1]
    metrics = sys.argv[2:] or DEFAULT
    series = {}
    dates = {}
    for r in csv.DictReader(open(os.path.join(out, "bands.csv"))):
        if r["p50"]:
            series.setdefault(r["metric"], {})[int(r["step"])] = float(r["p50"])
            dates[int(r["step"])] = r["date"]
    sub, price = series["subsidy_usd"], series["price_usd"]
    btc = {s: sub[s] / price[s] for s in sub if price.get(s, 0) > 0}
    halvings = []
    for s in sorted(btc):
        before = btc.get(s - 10)
        if before and btc[s] < 0.65 * before and (not halvings or s - halvings[-1] > 200):
            halvings.append(s)
    if not halvings:
        print(f"{out}: no halving in the run")
        return
    for h in halvings:
        print(f"halving at {dates[h]} (step {h})")
        for m in metrics:
            s = series.get(m, {})

            def mean(a, b):
                xs = [s[i] for i in range(a, b) if i in s]
                return sum(xs) / len(xs) if xs else float("nan")

            print(
                f"  {m}: 180 days before {mean(h - 190, h - 10):.4g}, "
                f"30 days after {mean(h, h + 30):.4g}, days 180-360 after {mean(h + 180, h + 360):.4g}"
            )


if __name__ == "__main__":
    main()
