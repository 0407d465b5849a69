#!/usr/bin/env python3
"""Energy through bull and bear phases, and the lag of hashrate behind price.

Reads the kept runs in steps.csv (write more with --keep-runs N) of an
output folder of scenarios/q3-regime-switching.toml.
 * Lag: for each run, the correlation between 90-day log changes of price and
   of hashrate shifted by L days, L = 0..540; the L with the highest
   correlation is that run's lag. Prints the median and 90 % interval.
 * Bear phases: every non-overlapping 180-day window in which the price fell
   by more than 30 %; how often energy (TWh/yr) fell in the same window and
   in the window shifted by the median lag.
Python standard library only.
"""
import csv
import math
import os
import sys

from kept_runs import kept_runs


def quantile(xs, q):
    xs = sorted(xs)
    h = (len(xs) - 1) * q
    lo = int(h)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (h - lo) * (xs[hi] - xs[lo])


def corr(a, b):
    n = len(a)
    ma, mb = sum(a) / n, sum(b) / n
    va = sum((x - ma) ** 2 for x in a)
    vb = sum((y - mb) ** 2 for y in b)
    if va == 0 or vb == 0:
        return float("nan")
    return sum((x - ma) * (y - mb) for x, y in zip(a, b)) / math.sqrt(va * vb)


def load(rows):
    p, h, e = [], [], []
    for r in rows:
        p.append(float(r["price_usd"]))
        h.append(float(r["hashrate_eh_s"]))
        e.append(float(r["energy_twh_per_year"]))
    return p, h, e


def main():
    out = sys.argv[1]
    lags, bear_same, bear_lag, bear_n = [], 0, 0, 0
    windows = []
    D, W = 90, 180
    for _, rows in kept_runs(out):
        p, h, e = load(rows)
        if min(p) <= 0 or min(h) <= 0:
            continue
        lp = [math.log(x) for x in p]
        lh = [math.log(x) for x in h]
        dp = [lp[i + D] - lp[i] for i in range(len(lp) - D)]
        dh = [lh[i + D] - lh[i] for i in range(len(lh) - D)]
        best = max(range(0, 541, 10), key=lambda L: corr(dp[: len(dp) - L], dh[L:]) if len(dp) - L > 200 else -2)
        lags.append(best)
        windows.append((p, e))
    lag = int(quantile(lags, 0.5))
    for p, e in windows:
        for s in range(0, len(p) - W - lag, W):
            if p[s + W] < 0.7 * p[s]:
                bear_n += 1
                if e[s + W] < e[s]:
                    bear_same += 1
                if e[s + W + lag] < e[s + lag]:
                    bear_lag += 1
    print(f"{len(lags)} runs")
    print(f"lag of hashrate behind price (max correlation of {D}-day log changes): median {lag} days, 90 % interval [{quantile(lags, 0.05):.0f}, {quantile(lags, 0.95):.0f}]")
    if bear_n:
        print(f"{bear_n} bear windows ({W} days, price down > 30 %):")
        print(f"  energy fell in the same window: {bear_same / bear_n:.1%}")
        print(f"  energy fell in the window shifted by {lag} days: {bear_lag / bear_n:.1%}")


if __name__ == "__main__":
    main()
