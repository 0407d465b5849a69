#!/usr/bin/env python3
"""Q6: block clock after a price crash, per run, from the kept runs in steps.csv.

Usage: scripts/q6_crash.py OUTDIR [--crash YYYY-MM-DD]   (default crash day 2026-02-01: the
       piecewise-linear price falls from 88,684 to 17,737 USD during that day)

Steps may be hourly or daily; they are grouped into UTC days (all steps whose
`date` is that day). Per run:
  hashrate_before   mean hashrate (EH/s) on the day before the crash
  lost_share        1 - mean hashrate in the first 7 days after the crash / hashrate_before
  interval_w1       mean block interval (s) over days 0-6 after the crash (time / blocks)
  interval_w2_4     over days 7-27;  interval_w5_13: over days 28-90
  recover_days      first day d >= 0 after the crash from which every 7-day mean of blocks
                    per day (windows starting on days d..d+21, i.e. 4 weeks) is within
                    10 % of 144; "never" if not within the run
  longest_gap_h     longest stretch of steps without a block after the crash, hours
  stalled           no block in the last 30 days of the run
Prints per-run scalars' median and 90 % interval (type-7 quantiles) and the counts.
Python standard library only.
"""
import csv
import os
import sys

from kept_runs import kept_runs


def quantile(xs, q):
    """Type-7 quantile; +inf values (no block, never recovered) sort last."""
    xs = sorted(xs)
    if not xs:
        return float("nan")
    h = (len(xs) - 1) * q
    lo = int(h)
    hi = min(lo + 1, len(xs) - 1)
    if xs[hi] == float("inf"):
        return xs[hi] if h > lo else xs[lo]
    return xs[lo] + (h - lo) * (xs[hi] - xs[lo])


def one_run(rows, crash):
    days = {}  # date -> [seconds, blocks, hashrate*seconds]
    order = []
    step_s = None
    t = [float(r["time_years"]) for r in rows[:2]]
    step_s = (t[1] - t[0]) * 365.25 * 86400
    step_h = step_s / 3600
    gap = longest = 0.0
    after = False
    for r in rows:
        d = r["date"]
        if d not in days:
            days[d] = [0.0, 0, 0.0]
            order.append(d)
        b = int(r["blocks"])
        days[d][0] += step_s
        days[d][1] += b
        days[d][2] += float(r["hashrate_eh_s"]) * step_s
        if d >= crash:
            after = True
        if after:
            gap = gap + step_h if b == 0 else 0.0
            longest = max(longest, gap)
    i0 = order.index(crash)
    day = [days[d] for d in order]
    hr_before = day[i0 - 1][2] / day[i0 - 1][0]
    w1 = day[i0 : i0 + 7]
    hr_w1 = sum(x[2] for x in w1) / sum(x[0] for x in w1)

    def interval(a, b):
        sl = day[i0 + a : i0 + b]
        n = sum(x[1] for x in sl)
        return sum(x[0] for x in sl) / n if n else float("inf")

    per_day = [x[1] * 86400 / x[0] for x in day]
    roll = [sum(per_day[k : k + 7]) / 7 for k in range(len(day) - 6)]
    ok = [abs(m - 144) <= 14.4 for m in roll]
    recover = None
    for d in range(i0, len(ok) - 21):
        if all(ok[d : d + 22]):
            recover = d - i0
            break
    tail = day[-30:]
    return {
        "hashrate_before": hr_before,
        "lost_share": 1 - hr_w1 / hr_before,
        "interval_w1": interval(0, 7),
        "interval_w2_4": interval(7, 28),
        "interval_w5_13": interval(28, 91),
        "recover_days": recover,
        "longest_gap_h": longest,
        "stalled": sum(x[1] for x in tail) == 0,
    }


def fmt(x):
    if x == float("inf"):
        return "inf"
    return f"{x:.4g}"


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        sys.exit(2)
    out = args[0]
    crash = "2026-02-01"
    if "--crash" in args:
        crash = args[args.index("--crash") + 1]
    res = [one_run(rows, crash) for _, rows in kept_runs(out)]
    n = len(res)
    print(f"{out}: {n} runs, crash on {crash}")
    for k in ["hashrate_before", "lost_share", "interval_w1", "interval_w2_4", "interval_w5_13", "longest_gap_h"]:
        xs = [r[k] for r in res]
        print(f"  {k}: p50 {fmt(quantile(xs, .5))} [p5 {fmt(quantile(xs, .05))}, p95 {fmt(quantile(xs, .95))}]")
    rec = [r["recover_days"] for r in res if r["recover_days"] is not None]
    never = n - len(rec)
    # runs that never recover count as +inf in the quantiles
    xs = rec + [float("inf")] * never
    print(f"  recover_days: p50 {fmt(quantile(xs, .5))} [p5 {fmt(quantile(xs, .05))}, p95 {fmt(quantile(xs, .95))}]  never within the run: {never}/{n}")
    print(f"  stalled (no block in the last 30 days): {sum(r['stalled'] for r in res)}/{n}")
    print(f"  a gap of > 24 h without a block after the crash: {sum(r['longest_gap_h'] > 24 for r in res)}/{n}")


if __name__ == "__main__":
    main()
