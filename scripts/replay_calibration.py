#!/usr/bin/env python3
"""Reproduce the in-sample calibration of scenarios/replay-2016-2026.toml.

Usage:
  scripts/replay_calibration.py [--bin PATH] [--runs N] [--work DIR] [--csv FILE]

The replay's ASIC market has three parameters that no public source gives:
how fast the manufacturers' output grows with their margins
(`capacity_growth.usd_per_mw_per_month`, with `reinvested_margin_share = 1`
only this ratio matters), how fast unused output is lost
(`capacity_growth.decay_per_year`) and the build lag
(`capacity_growth.build_lag_days`). This script runs the replay at every
point of a fixed grid of the three (RUNS runs a point, default 4), scores
each with scripts/replay_benchmark.py, and picks the point with the
smallest mean |ln(simulated / real)| of the quarterly mean difficulty over
2016Q1-2019Q4 ONLY, ties (within 0.005) broken by the smaller largest
|ln ratio| over the same quarters. 2020Q1-2026Q1 is out of sample: it is
printed for each point but never used to choose.

Everything else in the scenario is kept; the scenario's own
`hardware_market` line is replaced at each point, and its data paths are
made absolute so that the variants can live in a temporary folder.

Exit codes: 0 ok, 2 bad input (binary, scenario or benchmark missing).
Python standard library only. Takes 4-60 s a point with 4 runs on 2
cores, depending on what else runs (48 points).
"""
import csv
import math
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SCENARIO = os.path.join(ROOT, "scenarios", "replay-2016-2026.toml")
BENCH = os.path.join(HERE, "replay_benchmark.py")

LAGS = [90, 180, 270]
DECAYS = [0.0, 0.6, 1.0, 1.6]
USD_PER_MW_PER_MONTH = [1e7, 1.5e7, 2e7, 3e7]
TIE = 0.005


def market_line(lag, decay, usd):
    return (
        'hardware_market = { model = "clearing", capacity_mw_per_month = 15, '
        "manufacturing_cost_usd_per_watt = 0.5, capacity_growth = { "
        f"reinvested_margin_share = 1.0, usd_per_mw_per_month = {usd:.1e}, "
        f"build_lag_days = {lag}, decay_per_year = {decay} }} }}"
    )


def score(qcsv):
    rows = list(csv.DictReader(open(qcsv)))
    ins = [abs(math.log(float(r["difficulty_ratio"]))) for r in rows if r["quarter"] < "2020"]
    out = [abs(math.log(float(r["difficulty_ratio"]))) for r in rows if r["quarter"] >= "2020"]
    return (sum(ins) / len(ins), max(ins), sum(out) / len(out), max(out))


def main(argv):
    binary = os.path.join(ROOT, "target", "release", "minesim")
    runs, work, out_csv = 4, None, None
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("--bin", "--runs", "--work", "--csv") and i + 1 < len(argv):
            v = argv[i + 1]
            if a == "--bin":
                binary = v
            elif a == "--runs":
                runs = int(v)
            elif a == "--work":
                work = v
            else:
                out_csv = v
            i += 2
        else:
            print(__doc__, file=sys.stderr)
            return 2
    for f in (binary, SCENARIO, BENCH):
        if not os.path.exists(f):
            print(f"error: {f} not found", file=sys.stderr)
            return 2
    text = open(SCENARIO).read()
    scen_dir = os.path.dirname(SCENARIO)
    text = re.sub(
        r'^path = "([^"]+)"',
        lambda m: 'path = "%s"' % os.path.normpath(os.path.join(scen_dir, m.group(1))),
        text,
        flags=re.M,
    )
    if not re.search(r"^hardware_market = .*$", text, flags=re.M):
        print("error: the scenario has no one-line hardware_market", file=sys.stderr)
        return 2
    work = work or tempfile.mkdtemp(prefix="minesim-calibration-")
    os.makedirs(work, exist_ok=True)
    results = []
    print("lag decay usd_per_mw_per_month  in: mean worst   out: mean worst  (factors)")
    for lag in LAGS:
        for decay in DECAYS:
            for usd in USD_PER_MW_PER_MONTH:
                name = f"lag{lag}-decay{decay}-usd{usd:.1e}"
                scen = os.path.join(work, name + ".toml")
                open(scen, "w").write(
                    re.sub(r"^hardware_market = .*$", market_line(lag, decay, usd), text, flags=re.M)
                )
                out = os.path.join(work, name)
                subprocess.run(
                    [binary, "run", scen, "--out", out, "--runs", str(runs), "--quiet"],
                    check=True,
                    stdout=subprocess.DEVNULL,
                )
                qcsv = os.path.join(out, "q.csv")
                subprocess.run(
                    [sys.executable, BENCH, out, "--csv", qcsv], check=True, stdout=subprocess.DEVNULL
                )
                s = score(qcsv)
                results.append((lag, decay, usd) + s)
                print(
                    f"{lag:3d} {decay:5.1f} {usd:9.1e}            x{math.exp(s[0]):.3f} x{math.exp(s[1]):.3f}"
                    f"      x{math.exp(s[2]):.3f} x{math.exp(s[3]):.3f}",
                    flush=True,
                )
    best_mean = min(r[3] for r in results)
    tied = [r for r in results if r[3] <= best_mean + TIE]
    best = min(tied, key=lambda r: (r[4], r[3]))
    if out_csv:
        with open(out_csv, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(
                ["build_lag_days", "decay_per_year", "usd_per_mw_per_month", "in_mean_abs_ln",
                 "in_worst_abs_ln", "out_mean_abs_ln", "out_worst_abs_ln"]
            )
            w.writerows(results)
    print(
        f"\nchosen (in-sample 2016-2019 only): build_lag_days = {best[0]}, decay_per_year = {best[1]}, "
        f"usd_per_mw_per_month = {best[2]:.1e}: in-sample x{math.exp(best[3]):.3f} mean, "
        f"x{math.exp(best[4]):.3f} worst; out of sample (not used to choose) x{math.exp(best[5]):.3f}, "
        f"x{math.exp(best[6]):.3f}"
    )
    print(f"{len(tied)} point(s) within {TIE} of the best in-sample mean")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
