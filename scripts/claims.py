#!/usr/bin/env python3
"""The seed's claims as probabilities over an uncertainty design (issue 14,
item 5), from a minesim output folder of a design with independent streams
(e.g. scenarios/uncertainty-claims.toml: a Latin hypercube, every run its
own random stream).

Usage:
  scripts/claims.py OUTDIR [--claim METRIC:LOW:HIGH ...] [--resamples B] [--seed S]

Reads OUTDIR/runs.csv (columns point, run, the design's parameters in
snake_case, then the runs' scalar results). Every run of every design
point is one draw of (parameters, chance) from the scenario's
distributions, so a probability is the share of the runs:

  P(LOW <= METRIC <= HIGH) = #runs in the range / #runs with a value.

A run with an empty cell (an undefined ratio: a stalled chain, no reward)
counts in neither; their share is printed as "undefined". The interval is
a 90 % percentile bootstrap that resamples design points with their runs
(B resamples, default 2,000, seeded), so the dependence of runs of one
point is kept.

Then, per metric, its median and 5 % and 95 % quantiles over the runs.

Which parameters carry the variance: for every metric of a claim and every
parameter, Spearman's rank correlation over the runs (ties get mean ranks)
and its square; the parameter with the largest |rho| first. With eight
independent inputs, the squares of the rank correlations approximate the
first-order share of the rank variance each explains when effects are
monotone; a Saltelli design (scripts/summarize.py on sensitivity.csv) gives
the Sobol' indices proper.

Default claims (METRIC:LOW:HIGH, the runs.csv column names):
  equilibrium_ratio_total:0.7:0.9       spend (all costs) about 0.8 x reward
  equilibrium_ratio_economic:0.7:0.9    the same with capital priced
  equilibrium_ratio_energy:0.7:0.9      electricity alone about 0.8 x reward
  equilibrium_world_electricity_share:0:0.02   under 2 % of world electricity
Exit codes: 0 ok, 2 bad input. Python standard library only.
"""
import csv
import os
import random
import sys

DEFAULT_CLAIMS = [
    ("equilibrium_ratio_total", 0.7, 0.9),
    ("equilibrium_ratio_economic", 0.7, 0.9),
    ("equilibrium_ratio_energy", 0.7, 0.9),
    ("equilibrium_world_electricity_share", 0.0, 0.02),
]
FIRST_RESULT = "steps"


def fail(msg):
    print(f"claims.py: {msg}", file=sys.stderr)
    sys.exit(2)


def ranks(xs):
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    r = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        mean_rank = (i + j) / 2.0 + 1.0
        for k in range(i, j + 1):
            r[order[k]] = mean_rank
        i = j + 1
    return r


def pearson(a, b):
    n = len(a)
    if n < 3:
        return None
    ma, mb = sum(a) / n, sum(b) / n
    sa = sum((x - ma) ** 2 for x in a)
    sb = sum((y - mb) ** 2 for y in b)
    if sa <= 0 or sb <= 0:
        return None
    return sum((x - ma) * (y - mb) for x, y in zip(a, b)) / (sa * sb) ** 0.5


def spearman(a, b):
    return pearson(ranks(a), ranks(b))


def quantile(xs, q):
    xs = sorted(xs)
    pos = q * (len(xs) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def parse_claim(text):
    parts = text.rsplit(":", 2)
    if len(parts) != 3:
        fail(f"--claim {text}: expected METRIC:LOW:HIGH")
    try:
        lo, hi = float(parts[1]), float(parts[2])
    except ValueError:
        fail(f"--claim {text}: LOW and HIGH must be numbers")
    if not lo <= hi:
        fail(f"--claim {text}: LOW must be <= HIGH")
    return parts[0], lo, hi


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0 if len(argv) >= 2 else 2
    out = argv[1]
    claims, resamples, seed = [], 2000, 1
    i = 2
    while i < len(argv):
        a = argv[i]
        if a in ("--claim", "--resamples", "--seed") and i + 1 >= len(argv):
            fail(f"{a} needs a value")
        if a == "--claim":
            claims.append(parse_claim(argv[i + 1]))
        elif a == "--resamples":
            try:
                resamples = int(argv[i + 1])
            except ValueError:
                fail("--resamples must be an integer")
            if resamples < 100:
                fail("--resamples must be >= 100")
        elif a == "--seed":
            try:
                seed = int(argv[i + 1])
            except ValueError:
                fail("--seed must be an integer")
        else:
            fail(f"unknown argument {a}")
        i += 2
    claims = claims or DEFAULT_CLAIMS
    path = os.path.join(out, "runs.csv")
    try:
        with open(path, newline="") as f:
            reader = csv.DictReader(f)
            header = reader.fieldnames or []
            rows = list(reader)
    except OSError as e:
        fail(f"cannot read {path}: {e.strerror}")
    if not header or header[0] != "point":
        fail(f"{path}: not a design's or sweep's runs.csv (no `point` column first)")
    if FIRST_RESULT not in header:
        fail(f"{path}: no column `{FIRST_RESULT}`")
    params = header[2 : header.index(FIRST_RESULT)]
    for m, _, _ in claims:
        if m not in header:
            fail(f"{path}: no column `{m}`")

    def value(r, c):
        v = r[c]
        if v == "":
            return None
        try:
            return float(v)
        except ValueError:
            fail(f"{path}: column `{c}` has a value that is not a number")

    points = {}
    for r in rows:
        points.setdefault(r["point"], []).append(r)
    keys = sorted(points, key=int)
    print(f"{path}: {len(rows)} runs at {len(keys)} design points; parameters: {', '.join(params)}")
    print(f"intervals: 90 % bootstrap over design points ({resamples} resamples, seed {seed})")
    print()
    print("| claim | P (runs in range / runs with a value) | 90 % interval | runs undefined |")
    print("| --- | --- | --- | --- |")
    rng = random.Random(seed)
    draws = [[rng.randrange(len(keys)) for _ in keys] for _ in range(resamples)]
    for m, lo, hi in claims:
        per_point = []
        for k in keys:
            vals = [value(r, m) for r in points[k]]
            inside = sum(1 for v in vals if v is not None and lo <= v <= hi)
            defined = sum(1 for v in vals if v is not None)
            per_point.append((inside, defined, len(vals)))
        inside = sum(p[0] for p in per_point)
        defined = sum(p[1] for p in per_point)
        total = sum(p[2] for p in per_point)
        if defined == 0:
            print(f"| {lo:g} <= {m} <= {hi:g} | undefined | undefined | {total} of {total} |")
            continue
        boot = []
        for d in draws:
            i_ = sum(per_point[j][0] for j in d)
            n_ = sum(per_point[j][1] for j in d)
            if n_ > 0:
                boot.append(i_ / n_)
        print(
            f"| {lo:g} <= {m} <= {hi:g} | {inside / defined:.3f} ({inside} / {defined}) "
            f"| [{quantile(boot, 0.05):.3f}, {quantile(boot, 0.95):.3f}] | {total - defined} of {total} |"
        )
    metrics = list(dict.fromkeys(m for m, _, _ in claims))
    print()
    print("| metric | median over the runs with a value | p5 | p95 |")
    print("| --- | --- | --- | --- |")
    for m in metrics:
        vals = [v for v in (value(r, m) for r in rows) if v is not None]
        if not vals:
            print(f"| {m} | undefined | undefined | undefined |")
            continue
        print(f"| {m} | {quantile(vals, 0.5):.4g} | {quantile(vals, 0.05):.4g} | {quantile(vals, 0.95):.4g} |")
    print()
    print("Spearman rank correlation of each parameter with each claim's metric (over the runs with a value), largest |rho| first:")
    for m in metrics:
        pairs = [(r, value(r, m)) for r in rows]
        pairs = [(r, v) for r, v in pairs if v is not None]
        if len(pairs) < 3:
            print(f"- {m}: undefined (fewer than 3 runs with a value)")
            continue
        ys = [v for _, v in pairs]
        out_cells = []
        for p in params:
            rho = spearman([value(r, p) for r, _ in pairs], ys)
            out_cells.append((p, rho))
        out_cells.sort(key=lambda t: -abs(t[1]) if t[1] is not None else 0.0)
        cells = ", ".join(
            f"{p} {rho:+.2f} (rho^2 {rho * rho:.2f})" if rho is not None else f"{p} undefined"
            for p, rho in out_cells
        )
        print(f"- {m}: {cells}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
