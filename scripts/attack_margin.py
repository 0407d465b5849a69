#!/usr/bin/env python3
"""Attack economics over time, from a minesim output folder's attack.csv
(issue 14, item 7; scenarios with an [attack] table, e.g.
scenarios/q5-attack-economics.toml run with --keep-runs K).

Usage:
  scripts/attack_margin.py OUTDIR [--every DAYS]

For each window of DAYS days (default 365; from the first step's date),
takes per kept run the mean over the window's steps of each quantity, then
prints the median and the 5 % and 95 % quantiles of those means across the
runs (linear interpolation between order statistics):

- duration_hours: the attack's expected length;
- rent_usd_per_hour: renting the attacker's hashrate, per hour of attack
  (crypto51's "1h attack cost" with the scenario's premium);
- rent_usd: the rent for the whole attack;
- hardware_usd and build_days: buying the hashrate new, and the days the
  world's manufacturers need to build it;
- buy_net_usd: the bought attack's net cost (hardware value lost + energy
  - rewards won); with no feasible rented attack this is the break-even
  payoff, the largest double spend that does not pay;
- security_margin: the cheaper feasible net cost / payoff;
- rentable: the share of steps in which renting was feasible.
Empty cells (undefined) are skipped; a window whose runs have none prints
"undefined".
Exit codes: 0 ok, 2 bad input. Python standard library only.
"""
import csv
import os
import sys
from datetime import date

COLUMNS = [
    "duration_hours",
    "rent_usd_per_hour",
    "rent_usd",
    "hardware_usd",
    "build_days",
    "buy_net_usd",
    "security_margin",
]


def fail(msg):
    print(f"attack_margin.py: {msg}", file=sys.stderr)
    sys.exit(2)


def quantile(xs, q):
    xs = sorted(xs)
    if not xs:
        return None
    pos = q * (len(xs) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def fmt(x):
    if x is None:
        return "undefined"
    if x != 0 and (abs(x) >= 1e5 or abs(x) < 1e-2):
        return f"{x:.3g}"
    return f"{x:,.2f}" if abs(x) < 100 else f"{x:,.0f}"


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0 if len(argv) >= 2 else 2
    out = argv[1]
    every = 365.0
    if "--every" in argv:
        i = argv.index("--every")
        try:
            every = float(argv[i + 1])
        except (IndexError, ValueError):
            fail("--every needs a number of days")
        if not every > 0:
            fail("--every must be > 0")
    path = os.path.join(out, "attack.csv")
    try:
        f = open(path, newline="")
    except OSError as e:
        fail(f"cannot read {path}: {e.strerror} (run a scenario with an [attack] table)")
    with f:
        reader = csv.DictReader(f)
        missing = [c for c in ["run", "date", "rent_net_usd"] + COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            fail(f"{path}: no column `{missing[0]}`")
        sums = {}
        start = None
        for r in reader:
            try:
                d = date.fromisoformat(r["date"])
            except ValueError:
                fail(f"{path}: a date that is not YYYY-MM-DD")
            start = start or d
            w = int((d - start).days // every)
            key = (w, r["run"])
            acc = sums.setdefault(key, {"n": 0, "rentable": 0, "first": d, **{c: [] for c in COLUMNS}})
            acc["n"] += 1
            acc["rentable"] += r["rent_net_usd"] != ""
            for c in COLUMNS:
                if r[c] != "":
                    try:
                        acc[c].append(float(r[c]))
                    except ValueError:
                        fail(f"{path}: column `{c}` has a value that is not a number")
    if not sums:
        fail(f"{path}: no rows")
    windows = sorted({w for w, _ in sums})
    runs = len({r for _, r in sums})
    print(f"{path}: {runs} kept runs, windows of {every:g} days; median [p5, p95] across runs of the window means")
    print()
    print("| from | " + " | ".join(COLUMNS) + " | rentable |")
    print("| --- |" + " --- |" * (len(COLUMNS) + 1))
    for w in windows:
        accs = [a for (ww, _), a in sums.items() if ww == w]
        first = min(a["first"] for a in accs)
        cells = []
        for c in COLUMNS:
            means = [sum(a[c]) / len(a[c]) for a in accs if a[c]]
            m = quantile(means, 0.5)
            cells.append(
                f"{fmt(m)} [{fmt(quantile(means, 0.05))}, {fmt(quantile(means, 0.95))}]"
                if m is not None
                else "undefined"
            )
        rentable = sum(a["rentable"] for a in accs) / sum(a["n"] for a in accs)
        print(f"| {first} | " + " | ".join(cells) + f" | {rentable * 100:.0f} % |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
