#!/usr/bin/env python3
"""Score a historical replay against the real Bitcoin network (issue 11, item 7).

Usage:
  scripts/replay_benchmark.py OUTPUT_DIR [--real FILE] [--cbeci FILE] [--aim] [--csv FILE]

OUTPUT_DIR is the output folder of a replay run (for example of
scenarios/replay-2016-2026.toml). It needs bands.csv (long format: one row per
step and metric with n, mean, sd, p5 ... p95 across runs); summary.json is
read for the step length and the block spacing when present.

  --real FILE   the real network, daily: columns time, DiffMean, HashRate
                (TH/s), Coin Metrics' names (default scenarios/data/network_daily.csv)
  --cbeci FILE  CBECI's yearly electricity use: columns year, best_guess_twh
                (default scenarios/data/cbeci_yearly_twh.csv)
  --aim         also say whether the aims of issue 11 are met
  --csv FILE    write the quarterly table to FILE

What is compared:
  (a) by calendar quarter, the simulated difficulty and hashrate against the
      real ones. Simulated value = mean over the quarter's steps of the
      per-step across-runs median (bands.csv column p50 of metric
      `difficulty`, resp. `hashrate_eh_s`); real value = mean of the daily
      DiffMean, resp. HashRate / 1e6 (EH/s), over the days of the quarter that
      the simulation covers. ratio = simulated / real; the error is |ln ratio|.
  (b) by calendar year, the simulated electricity use (mean over the year's
      steps of the p50 of `energy_twh_per_year`) against CBECI's best guess;
      relative error = simulated / CBECI - 1.
  (c) a quarter "stalled" when the blocks mined in it, the across-runs mean
      (the sum over its steps of the per-step mean of metric `blocks`, which
      is the mean over runs of the quarter's block count), are fewer than half
      the expected blocks (86,400 / target spacing per day, times the days the
      steps cover).

Aims (--aim), from issue 11: quarterly mean difficulty within x1.3 on average
(exp of the mean |ln ratio|) and x2 at worst (exp of the largest) over
2016-2026; yearly energy within +-30 % of CBECI for 2017-2023 (the years of
that range that the CBECI file has and the run covers in full); no quarter
stalled.

Exit codes: 0 ok (whether or not the aims are met), 2 bad input (missing
file, column or metric; unreadable value; no overlap with the real data).
Python standard library only.
"""
import csv
import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_REAL = os.path.join(HERE, "..", "scenarios", "data", "network_daily.csv")
DEFAULT_CBECI = os.path.join(HERE, "..", "scenarios", "data", "cbeci_yearly_twh.csv")

AIM_DIFF_MEAN_FACTOR = 1.3
AIM_DIFF_WORST_FACTOR = 2.0
AIM_ENERGY_REL = 0.30
AIM_ENERGY_YEARS = (2017, 2023)
AIM_YEARS = (2016, 2026)


class BadInput(Exception):
    pass


def usage():
    return __doc__.split("\n\n")[1].strip()


def parse_args(argv):
    opts = {"out": None, "real": DEFAULT_REAL, "cbeci": DEFAULT_CBECI, "aim": False, "csv": None}
    args = list(argv)
    while args:
        a = args.pop(0)
        if a in ("-h", "--help"):
            print(__doc__)
            sys.exit(0)
        elif a == "--aim":
            opts["aim"] = True
        elif a in ("--real", "--cbeci", "--csv"):
            if not args:
                raise BadInput(f"{a} needs a file name")
            opts[a[2:]] = args.pop(0)
        elif a.startswith("--") and "=" in a and a.split("=", 1)[0] in ("--real", "--cbeci", "--csv"):
            k, v = a.split("=", 1)
            opts[k[2:]] = v
        elif a.startswith("-"):
            raise BadInput(f"unknown option {a}")
        elif opts["out"] is None:
            opts["out"] = a
        else:
            raise BadInput(f"unexpected argument {a} (one OUTPUT_DIR only)")
    if opts["out"] is None:
        raise BadInput("OUTPUT_DIR is missing")
    return opts


def open_csv(path, required, what):
    """Rows of a CSV file as dicts; checks the file and the required columns."""
    if not os.path.isfile(path):
        raise BadInput(f"{path}: no such file ({what})")
    f = open(path, newline="")
    reader = csv.DictReader(f)
    cols = reader.fieldnames or []
    missing = [c for c in required if c not in cols]
    if missing:
        raise BadInput(f"{path}: missing column {', '.join(missing)} (has: {', '.join(cols) or 'no header'})")
    return reader


def num(path, line, col, text):
    try:
        x = float(text)
    except ValueError:
        raise BadInput(f"{path}:{line}: column {col}: not a number: {text!r}")
    if not math.isfinite(x):
        raise BadInput(f"{path}:{line}: column {col}: not finite: {text!r}")
    return x


def check_date(path, line, col, text):
    t = text.strip()
    if len(t) < 10 or t[4] != "-" or t[7] != "-" or not (t[:4] + t[5:7] + t[8:10]).isdigit():
        raise BadInput(f"{path}:{line}: column {col}: not a YYYY-MM-DD date: {text!r}")
    return t[:10]


def quarter(date):
    return f"{date[:4]}Q{(int(date[5:7]) - 1) // 3 + 1}"


def read_bands(out):
    path = os.path.join(out, "bands.csv")
    if not os.path.isdir(out):
        raise BadInput(f"{out}: no such folder (OUTPUT_DIR must be a minesim output folder)")
    reader = open_csv(path, ["step", "date", "metric", "mean", "p50"], "the bands of a minesim run")
    wanted = {"difficulty", "hashrate_eh_s", "energy_twh_per_year", "blocks"}
    steps = {}  # step -> date
    vals = {m: {} for m in wanted}  # metric -> step -> (mean, p50)
    for i, r in enumerate(reader, start=2):
        m = r["metric"]
        step = int(num(path, i, "step", r["step"]))
        steps[step] = check_date(path, i, "date", r["date"])
        if m in wanted:
            mean = num(path, i, "mean", r["mean"]) if r["mean"] != "" else None
            p50 = num(path, i, "p50", r["p50"]) if r["p50"] != "" else None
            vals[m][step] = (mean, p50)
    if not steps:
        raise BadInput(f"{path}: no rows")
    for m in ("difficulty", "hashrate_eh_s", "energy_twh_per_year"):
        if not vals[m]:
            raise BadInput(f"{path}: no rows for metric {m} (column metric)")
    return path, steps, vals


def read_summary(out, steps):
    """Step length (days) and target block spacing (s): summary.json, else inferred."""
    path = os.path.join(out, "summary.json")
    step_days, spacing = None, 600.0
    if os.path.isfile(path):
        try:
            s = json.load(open(path))
        except (OSError, ValueError) as e:
            raise BadInput(f"{path}: not readable JSON: {e}")
        step_days = s.get("step_days")
        spacing = float(((s.get("config") or {}).get("chain") or {}).get("target_spacing_s", 600))
    if step_days is None:
        # infer from dates: days spanned by the steps / number of steps
        ds = sorted(steps.items())
        if len(ds) > 1:
            import datetime as dt

            d0 = dt.date.fromisoformat(ds[0][1])
            d1 = dt.date.fromisoformat(ds[-1][1])
            step_days = max((d1 - d0).days, 1) / (len(ds) - 1)
        else:
            step_days = 1.0
    return float(step_days), spacing


def read_real(path):
    reader = open_csv(path, ["time", "DiffMean", "HashRate"], "the real network, daily")
    real = {}
    for i, r in enumerate(reader, start=2):
        d = check_date(path, i, "time", r["time"])
        diff = num(path, i, "DiffMean", r["DiffMean"]) if r["DiffMean"] != "" else None
        hr = num(path, i, "HashRate", r["HashRate"]) if r["HashRate"] != "" else None
        real[d] = (diff, None if hr is None else hr / 1e6)  # TH/s -> EH/s
    if not real:
        raise BadInput(f"{path}: no rows")
    return real


def read_cbeci(path):
    reader = open_csv(path, ["year", "best_guess_twh"], "CBECI's yearly electricity use")
    out = {}
    for i, r in enumerate(reader, start=2):
        if r["best_guess_twh"] == "":
            continue
        y = int(num(path, i, "year", r["year"]))
        out[y] = num(path, i, "best_guess_twh", r["best_guess_twh"])
    return out


def mean(xs):
    return sum(xs) / len(xs) if xs else None


def fmt(x, spec=".4g"):
    if x is None:
        width = "".join(ch for ch in spec.split(".")[0] if ch.isdigit())
        return "-".rjust(int(width)) if width else "-"
    return format(x, spec)


def main(argv):
    opts = parse_args(argv)
    bands_path, steps, vals = read_bands(opts["out"])
    step_days, spacing = read_summary(opts["out"], steps)
    real = read_real(opts["real"])
    cbeci = read_cbeci(opts["cbeci"])

    first, last = min(steps.values()), max(steps.values())
    # --- (a) quarters
    qsteps = {}
    for s, d in steps.items():
        qsteps.setdefault(quarter(d), []).append(s)
    days_per_q = {}
    for s, d in steps.items():
        days_per_q.setdefault(quarter(d), set()).add(d)
    rows = []
    for q in sorted(qsteps):
        ss = sorted(qsteps[q])
        sim_d = mean([vals["difficulty"][s][1] for s in ss if s in vals["difficulty"] and vals["difficulty"][s][1] is not None])
        sim_h = mean([vals["hashrate_eh_s"][s][1] for s in ss if s in vals["hashrate_eh_s"] and vals["hashrate_eh_s"][s][1] is not None])
        qdays = sorted(days_per_q[q])
        rd = [real[d][0] for d in qdays if d in real and real[d][0] is not None]
        rh = [real[d][1] for d in qdays if d in real and real[d][1] is not None]
        real_d, real_h = mean(rd), mean(rh)
        blocks = None
        if vals["blocks"]:
            bs = [vals["blocks"][s][0] for s in ss if s in vals["blocks"] and vals["blocks"][s][0] is not None]
            blocks = sum(bs) if bs else None
        expected = len(ss) * step_days * 86400.0 / spacing
        row = {
            "quarter": q,
            "first_day": qdays[0],
            "last_day": qdays[-1],
            "sim_days": len(qdays),
            "real_days": len(rd),
            "sim_difficulty": sim_d,
            "real_difficulty": real_d,
            "sim_hashrate_eh_s": sim_h,
            "real_hashrate_eh_s": real_h,
            "sim_blocks_mean": blocks,
            "expected_blocks": expected,
        }
        for k, a, b in (("difficulty", sim_d, real_d), ("hashrate", sim_h, real_h)):
            if a and b and a > 0 and b > 0:
                row[k + "_ratio"] = a / b
                row[k + "_abs_ln_ratio"] = abs(math.log(a / b))
            else:
                row[k + "_ratio"] = row[k + "_abs_ln_ratio"] = None
        row["blocks_ratio"] = None if blocks is None else blocks / expected
        row["stalled"] = None if blocks is None else blocks < 0.5 * expected
        rows.append(row)
    compared = [r for r in rows if r["difficulty_ratio"] is not None]
    if not compared:
        raise BadInput(
            f"{opts['real']}: no day with DiffMean between {first} and {last}, the days of {bands_path}"
        )

    print(f"replay benchmark: {opts['out']} ({first} .. {last}, {len(steps)} steps of {step_days:g} day(s))")
    print(f"  real network: {opts['real']}; CBECI: {opts['cbeci']}")
    print("  simulated = mean over the quarter's steps of the per-step across-runs median (bands.csv p50);")
    print("  real = mean of the daily values on the simulated days; ratio = simulated / real; err = |ln ratio|")
    print()
    print("(a) by quarter")
    print(
        f"{'quarter':8} {'days':>4} {'real':>4}  {'sim difficulty':>14} {'real difficulty':>15} {'ratio':>6} {'err':>6}"
        f"  {'sim EH/s':>9} {'real EH/s':>9} {'ratio':>6} {'err':>6}  {'blocks/exp':>10}"
    )
    for r in rows:
        part = "*" if r["sim_days"] < 90 else " "
        print(
            f"{r['quarter']:7}{part} {r['sim_days']:4d} {r['real_days']:4d}  {fmt(r['sim_difficulty'], '14.4e')} {fmt(r['real_difficulty'], '15.4e')}"
            f" {fmt(r['difficulty_ratio'], '6.3f')} {fmt(r['difficulty_abs_ln_ratio'], '6.3f')}"
            f"  {fmt(r['sim_hashrate_eh_s'], '9.2f')} {fmt(r['real_hashrate_eh_s'], '9.2f')}"
            f" {fmt(r['hashrate_ratio'], '6.3f')} {fmt(r['hashrate_abs_ln_ratio'], '6.3f')}"
            f"  {fmt(r['blocks_ratio'], '10.3f')}"
        )
    print("  * partial quarter (fewer than 90 simulated days); 'real' = days with real DiffMean")

    # --- (b) years
    print()
    print("(b) by year: simulated energy_twh_per_year (yearly mean of the per-step p50) vs CBECI best guess")
    ysteps = {}
    ydays = {}
    for s, d in steps.items():
        ysteps.setdefault(int(d[:4]), []).append(s)
        ydays.setdefault(int(d[:4]), set()).add(d)
    years = []
    print(f"{'year':5} {'days':>4}  {'sim TWh/yr':>10} {'CBECI TWh':>9} {'rel err':>8}")
    for y in sorted(ysteps):
        e = [vals["energy_twh_per_year"][s][1] for s in ysteps[y] if s in vals["energy_twh_per_year"] and vals["energy_twh_per_year"][s][1] is not None]
        sim_e = mean(e)
        full = len(ydays[y]) >= 365
        c = cbeci.get(y)
        rel = (sim_e / c - 1) if (c and sim_e is not None) else None
        years.append({"year": y, "sim": sim_e, "cbeci": c, "rel": rel, "full": full})
        part = " " if full else "*"
        rel_s = "-" if rel is None else f"{100 * rel:+.1f} %"
        print(f"{y:<4}{part} {len(ydays[y]):4d}  {fmt(sim_e, '10.1f'):>10} {fmt(c, '9.1f'):>9} {rel_s:>8}")
    print("  * partial year (fewer than 365 simulated days)")
    missing_c = sorted(y for y in cbeci if y not in ysteps)
    if missing_c:
        print(f"  CBECI years outside the run: {', '.join(map(str, missing_c))}")

    # --- (c) summary
    print()
    print("(c) summary")
    out = {}
    for k, label, unit in (("difficulty", "difficulty", ""), ("hashrate", "hashrate", "")):
        errs = [(r[k + "_abs_ln_ratio"], r["quarter"]) for r in rows if r[k + "_abs_ln_ratio"] is not None]
        if not errs:
            print(f"  {label}: no quarter compared")
            continue
        m = sum(e for e, _ in errs) / len(errs)
        w, wq = max(errs)
        out[k] = (m, w, wq, len(errs))
        print(
            f"  {label}: {len(errs)} quarters, mean |ln ratio| {m:.3f} (factor {math.exp(m):.3f}), "
            f"worst {w:.3f} (factor {math.exp(w):.3f}, {wq})"
        )
    cy = [(abs(yr["rel"]), yr["year"], yr["rel"]) for yr in years if yr["rel"] is not None and yr["full"]]
    if cy:
        m = sum(a for a, _, _ in cy) / len(cy)
        w = max(cy)
        print(
            f"  energy vs CBECI: {len(cy)} full years ({', '.join(str(y) for _, y, _ in sorted(cy, key=lambda t: t[1]))}), "
            f"mean |rel err| {100 * m:.1f} %, worst {100 * w[2]:+.1f} % ({w[1]})"
        )
    else:
        print("  energy vs CBECI: no full simulated year has a CBECI figure")
    if vals["blocks"]:
        st = [r["quarter"] for r in rows if r["stalled"]]
        lowest = min((r["blocks_ratio"], r["quarter"]) for r in rows if r["blocks_ratio"] is not None)
        print(
            f"  stalled quarters (mean blocks < half the expected): {', '.join(st) if st else 'none'}; "
            f"lowest blocks/expected {lowest[0]:.3f} ({lowest[1]})"
        )
    else:
        st = None
        print(f"  stalled quarters: not checked ({bands_path} has no metric blocks)")

    if opts["csv"]:
        cols = [
            "quarter", "first_day", "last_day", "sim_days", "real_days",
            "sim_difficulty", "real_difficulty", "difficulty_ratio", "difficulty_abs_ln_ratio",
            "sim_hashrate_eh_s", "real_hashrate_eh_s", "hashrate_ratio", "hashrate_abs_ln_ratio",
            "sim_blocks_mean", "expected_blocks", "blocks_ratio", "stalled",
        ]
        try:
            with open(opts["csv"], "w", newline="") as f:
                w = csv.writer(f, lineterminator="\n")
                w.writerow(cols)
                for r in rows:
                    w.writerow(["" if r[c] is None else (repr(r[c]) if isinstance(r[c], float) else str(r[c]).lower() if isinstance(r[c], bool) else r[c]) for c in cols])
        except OSError as e:
            raise BadInput(f"{opts['csv']}: cannot write: {e}")
        print(f"  quarterly table written to {opts['csv']}")

    if opts["aim"]:
        print()
        print("aims (issue 11)")
        res = []
        qa = [r for r in rows if r["difficulty_abs_ln_ratio"] is not None and AIM_YEARS[0] <= int(r["quarter"][:4]) <= AIM_YEARS[1]]
        if qa:
            m = sum(r["difficulty_abs_ln_ratio"] for r in qa) / len(qa)
            w = max(r["difficulty_abs_ln_ratio"] for r in qa)
            ok1 = math.exp(m) <= AIM_DIFF_MEAN_FACTOR
            ok2 = math.exp(w) <= AIM_DIFF_WORST_FACTOR
            print(f"  difficulty within x{AIM_DIFF_MEAN_FACTOR} on average over {qa[0]['quarter']}..{qa[-1]['quarter']} ({len(qa)} quarters): "
                  f"x{math.exp(m):.3f} -> {'met' if ok1 else 'NOT met'}")
            print(f"  difficulty within x{AIM_DIFF_WORST_FACTOR:g} at worst: x{math.exp(w):.3f} -> {'met' if ok2 else 'NOT met'}")
            res += [ok1, ok2]
        else:
            print("  difficulty: no quarter in 2016-2026 compared -> not evaluable")
            res.append(None)
        ea = [yr for yr in years if yr["rel"] is not None and yr["full"] and AIM_ENERGY_YEARS[0] <= yr["year"] <= AIM_ENERGY_YEARS[1]]
        if ea:
            bad = [yr for yr in ea if abs(yr["rel"]) > AIM_ENERGY_REL]
            ok3 = not bad
            worst = max(ea, key=lambda yr: abs(yr["rel"]))
            print(f"  energy within +-{100 * AIM_ENERGY_REL:.0f} % of CBECI {AIM_ENERGY_YEARS[0]}-{AIM_ENERGY_YEARS[1]} "
                  f"(years with a CBECI figure: {', '.join(str(yr['year']) for yr in ea)}): worst {100 * worst['rel']:+.1f} % ({worst['year']})"
                  f" -> {'met' if ok3 else 'NOT met'}")
            missing = [y for y in range(AIM_ENERGY_YEARS[0], AIM_ENERGY_YEARS[1] + 1) if y not in [yr['year'] for yr in ea]]
            if missing:
                print(f"    (no CBECI figure or no full simulated year for {', '.join(map(str, missing))}: not evaluated)")
            res.append(ok3)
        else:
            print(f"  energy: no CBECI figure for a full simulated year in {AIM_ENERGY_YEARS[0]}-{AIM_ENERGY_YEARS[1]} -> not evaluable")
            res.append(None)
        if st is None:
            print("  no quarter stalled: not evaluable (no metric blocks)")
            res.append(None)
        else:
            ok4 = not st
            print(f"  no quarter stalled: {'met' if ok4 else 'NOT met (' + ', '.join(st) + ')'}")
            res.append(ok4)
        if all(r is True for r in res):
            verdict = "all aims met"
        elif any(r is False for r in res):
            verdict = "aims NOT met"
        else:
            verdict = "aims met as far as evaluable"
        print(f"  => {verdict}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except BadInput as e:
        print(f"error: {e}", file=sys.stderr)
        print(usage(), file=sys.stderr)
        sys.exit(2)
