#!/usr/bin/env python3
"""Where spend settles in a fee-only future (issue 14, item 6).

Usage:
  scripts/fee_path.py OUTDIR [--every YEARS]

OUTDIR is a minesim output folder.

- A batch (bands.csv, e.g. of scenarios/q4-fee-path.toml): for every window
  of YEARS years (default 10; the last window is what is left) prints the
  mean over the window's steps of the across-runs p5, p50 and p95 of the
  world electricity share, energy (TWh/yr), reward (USD/day, from the
  per-step reward and the step length), the subsidy's share of the reward
  (p50 subsidy_usd / p50 reward_usd), ratio_energy, ratio_total and the
  hashrate, and the share of the window's steps whose median block count
  is under half the expected (a stalled chain). Then the largest p50
  world share of any step and its date.
- A sweep (runs.csv with a `point` column, e.g. of
  scenarios/q4-fifty-percent.toml): per point, over its runs, the p5, p50
  and p95 of the equilibrium window's world share, energy and ratios, the
  fleet's own power price (equilibrium_ratio_energy x
  equilibrium_reward_usd_per_day / (equilibrium_energy_twh_per_year x 1e9
  / 365.25), USD/kWh: energy cost over energy; heat credits, where a
  scenario has them, lower it), and the share of runs at or above 50 % of
  world electricity.

Quantiles of a list are linear interpolation between order statistics
(numpy's default). Empty cells (undefined ratios) are skipped.
Exit codes: 0 ok, 2 bad input. Python standard library only.
"""
import csv
import os
import sys


def fail(msg):
    print(f"fee_path.py: {msg}", file=sys.stderr)
    sys.exit(2)


def quantile(xs, q):
    xs = sorted(xs)
    if not xs:
        return None
    pos = q * (len(xs) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def fmt(x, digits=3):
    if x is None:
        return "undefined"
    if x != 0 and (abs(x) >= 1e5 or abs(x) < 1e-3):
        return f"{x:.{digits}g}"
    return f"{x:.{digits}f}" if abs(x) < 10 else f"{x:,.0f}"


def read_csv(path):
    try:
        with open(path, newline="") as f:
            return list(csv.DictReader(f))
    except OSError as e:
        fail(f"cannot read {path}: {e.strerror}")


def num(row, col, path):
    if col not in row:
        fail(f"{path}: no column `{col}`")
    v = row[col]
    if v == "":
        return None
    try:
        return float(v)
    except ValueError:
        fail(f"{path}: column `{col}` has a value that is not a number")


def batch(out, every):
    path = os.path.join(out, "bands.csv")
    rows = read_csv(path)
    series = {}
    dates = {}
    years = {}
    for r in rows:
        step = int(num(r, "step", path))
        dates[step] = r["date"]
        years[step] = num(r, "time_years", path)
        series.setdefault(r["metric"], {})[step] = (
            num(r, "p5", path),
            num(r, "p50", path),
            num(r, "p95", path),
        )
    need = [
        "world_electricity_share",
        "energy_twh_per_year",
        "reward_usd",
        "subsidy_usd",
        "ratio_energy",
        "ratio_total",
        "hashrate_eh_s",
        "blocks",
    ]
    for m in need:
        if m not in series:
            fail(f"{path}: no metric `{m}`")
    steps = sorted(years)
    if len(steps) < 2:
        fail(f"{path}: fewer than two steps")
    step_days = (years[steps[1]] - years[steps[0]]) * 365.25
    expected_blocks = step_days * 144.0
    windows = {}
    for s in steps:
        windows.setdefault(int(years[s] // every), []).append(s)
    print(f"{out}: {len(steps)} steps of {step_days:g} days; windows of {every:g} years")
    print()
    print(
        "| years | world share p50 [p5, p95] | energy, TWh/yr p50 | reward, M USD/day p50 "
        "| subsidy share of reward | ratio_energy p50 | ratio_total p50 | hashrate, EH/s p50 | steps stalled |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")

    def mean_of(metric, ss, k):
        xs = [series[metric][s][k] for s in ss if s in series[metric] and series[metric][s][k] is not None]
        return sum(xs) / len(xs) if xs else None

    for w in sorted(windows):
        ss = windows[w]
        share = [mean_of("world_electricity_share", ss, k) for k in range(3)]
        reward = mean_of("reward_usd", ss, 1)
        sub = mean_of("subsidy_usd", ss, 1)
        stalled = sum(
            1 for s in ss if (series["blocks"][s][1] or 0.0) < 0.5 * expected_blocks
        ) / len(ss)
        print(
            f"| {dates[ss[0]][:4]}–{dates[ss[-1]][:4]} "
            f"| {fmt(share[1] * 100 if share[1] is not None else None)} % "
            f"[{fmt(share[0] * 100 if share[0] is not None else None)}, "
            f"{fmt(share[2] * 100 if share[2] is not None else None)}] "
            f"| {fmt(mean_of('energy_twh_per_year', ss, 1))} "
            f"| {fmt(reward / step_days / 1e6 if reward is not None else None)} "
            f"| {fmt(sub / reward if sub is not None and reward else None)} "
            f"| {fmt(mean_of('ratio_energy', ss, 1))} "
            f"| {fmt(mean_of('ratio_total', ss, 1))} "
            f"| {fmt(mean_of('hashrate_eh_s', ss, 1))} "
            f"| {stalled * 100:.0f} % |"
        )
    peak = max(
        (s for s in steps if series["world_electricity_share"].get(s, (None, None))[1] is not None),
        key=lambda s: series["world_electricity_share"][s][1],
    )
    print()
    print(
        f"largest p50 world share: {fmt(series['world_electricity_share'][peak][1] * 100)} % "
        f"on {dates[peak]}"
    )


def sweep(out):
    path = os.path.join(out, "runs.csv")
    rows = read_csv(path)
    if not rows:
        fail(f"{path}: no runs")
    base = {
        "point", "run", "steps", "blocks", "retargets", "final_height", "final_difficulty",
        "mean_block_interval_s", "max_retarget_factor",
    }
    params = []
    for c in rows[0]:
        if c == "steps":
            break
        if c not in base:
            params.append(c)
    points = {}
    for r in rows:
        points.setdefault(int(num(r, "point", path)), []).append(r)
    print(
        "| point | world share p50 [p5, p95] | runs >= 50 % | energy, TWh/yr p50 "
        "| fleet power price, USD/kWh p50 [p5, p95] | ratio_energy p50 | ratio_total p50 "
        "| reward, M USD/day p50 |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for p in sorted(points):
        rs = points[p]
        label = ", ".join(f"{c} = {rs[0][c]}" for c in params)
        share, energy, price, re, rt, reward = [], [], [], [], [], []
        for r in rs:
            s = num(r, "equilibrium_world_electricity_share", path)
            e = num(r, "equilibrium_energy_twh_per_year", path)
            ratio = num(r, "equilibrium_ratio_energy", path)
            rw = num(r, "equilibrium_reward_usd_per_day", path)
            tot = num(r, "equilibrium_ratio_total", path)
            for xs, x in ((share, s), (energy, e), (re, ratio), (rt, tot), (reward, rw)):
                if x is not None:
                    xs.append(x)
            if None not in (e, ratio, rw) and e > 0:
                price.append(ratio * rw * 365.25 / (e * 1e9))
        at_half = sum(1 for s in share if s >= 0.5)
        q = lambda xs, k: quantile(xs, k)
        print(
            f"| {p} ({label}) "
            f"| {fmt(q(share, .5) * 100 if share else None)} % "
            f"[{fmt(q(share, .05) * 100 if share else None)}, {fmt(q(share, .95) * 100 if share else None)}] "
            f"| {at_half} of {len(rs)} "
            f"| {fmt(q(energy, .5))} "
            f"| {fmt(q(price, .5), 4)} [{fmt(q(price, .05), 4)}, {fmt(q(price, .95), 4)}] "
            f"| {fmt(q(re, .5))} | {fmt(q(rt, .5))} "
            f"| {fmt(q(reward, .5) / 1e6 if reward else None)} |"
        )


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0 if len(argv) >= 2 else 2
    out = argv[1]
    every = 10.0
    if "--every" in argv:
        i = argv.index("--every")
        try:
            every = float(argv[i + 1])
        except (IndexError, ValueError):
            fail("--every needs a number of years")
        if not every > 0:
            fail("--every must be > 0")
    if not os.path.isdir(out):
        fail(f"{out}: not a folder")
    runs = os.path.join(out, "runs.csv")
    is_sweep = False
    if os.path.exists(runs):
        with open(runs, newline="") as f:
            is_sweep = next(csv.reader(f), [""])[0] == "point"
    if is_sweep:
        sweep(out)
    elif os.path.exists(os.path.join(out, "bands.csv")):
        batch(out, every)
    else:
        fail(f"{out}: neither a sweep's runs.csv nor a batch's bands.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
