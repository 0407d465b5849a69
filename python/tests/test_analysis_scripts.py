"""scripts/claims.py, scripts/fee_path.py and scripts/attack_margin.py on
small synthetic output folders with known answers (standard library only,
always run), and their bad-input exits."""

import csv
import importlib.util
import random
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def script(name):
    return REPO / "scripts" / name


def load(name):
    spec = importlib.util.spec_from_file_location(name.replace(".py", ""), script(name))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run(name, *args):
    return subprocess.run(
        [sys.executable, str(script(name)), *map(str, args)], capture_output=True, text=True, cwd=REPO
    )


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


# ------------------------------------------------------------ claims.py


def design_runs(tmp_path, n_points=200, seed=3):
    """A design of n_points x 2 runs: ratio = x (uniform on [0, 1]) plus
    noise within the point, y unrelated; point 0's first run is undefined."""
    rng = random.Random(seed)
    rows = []
    for p in range(n_points):
        x = (p + 0.5) / n_points
        y = rng.random()
        for r in range(2):
            ratio = "" if (p, r) == (0, 0) else f"{x:.6f}"
            rows.append([p, r, f"{x:.6f}", f"{y:.6f}", 1000, ratio, f"{0.01 * x:.6f}"])
    write_csv(
        tmp_path / "runs.csv",
        ["point", "run", "a_x", "b_y", "steps", "equilibrium_ratio_total", "equilibrium_world_electricity_share"],
        rows,
    )
    return tmp_path


def test_claims_probability_is_the_share_of_runs_and_names_the_driver(tmp_path):
    out = design_runs(tmp_path)
    p = run(
        "claims.py",
        out,
        "--claim",
        "equilibrium_ratio_total:0.7:0.9",
        "--claim",
        "equilibrium_world_electricity_share:0:0.02",
    )
    assert p.returncode == 0, p.stderr
    # x = (p + 0.5) / 200 lies in [0.7, 0.9] for p = 140..179: 40 points, 80 runs of 399 defined.
    assert "| 0.7 <= equilibrium_ratio_total <= 0.9 | 0.201 (80 / 399) |" in p.stdout
    assert "| 1 of 400 |" in p.stdout
    assert "(400 / 400)" in p.stdout
    line = next(l for l in p.stdout.splitlines() if l.startswith("- equilibrium_ratio_total"))
    # The metric is a monotone function of a_x: rank correlation 1, listed first.
    assert line.startswith("- equilibrium_ratio_total: a_x +1.00"), line


def test_claims_estimators_on_known_answers():
    c = load("claims.py")
    assert c.ranks([3.0, 1.0, 2.0, 2.0]) == [4.0, 1.0, 2.5, 2.5]
    xs = [i / 10 for i in range(50)]
    assert abs(c.spearman(xs, [x ** 3 for x in xs]) - 1.0) < 1e-12
    assert abs(c.spearman(xs, [-x for x in xs]) + 1.0) < 1e-12
    assert c.spearman([1.0, 1.0, 1.0], [1.0, 2.0, 3.0]) is None
    assert c.quantile([0.0, 10.0], 0.25) == 2.5


def test_claims_bad_input_exits_2(tmp_path):
    write_csv(tmp_path / "runs.csv", ["run", "steps"], [[0, 1]])
    p = run("claims.py", tmp_path)
    assert p.returncode == 2 and "no `point` column" in p.stderr
    out = design_runs(tmp_path)
    p = run("claims.py", out, "--claim", "nope:0:1")
    assert p.returncode == 2 and "no column `nope`" in p.stderr
    p = run("claims.py", out, "--claim", "equilibrium_ratio_total:1:0")
    assert p.returncode == 2 and "LOW must be <= HIGH" in p.stderr


# ------------------------------------------------------------ fee_path.py


def test_fee_path_sweep_fleet_power_price(tmp_path):
    # Energy cost / energy: ratio 0.5 x reward 1e9 USD/day over 100 TWh/yr
    # = 0.5e9 x 365.25 / 1e11 kWh = 1.826 USD/kWh.
    header = [
        "point", "run", "fees_usd_per_tx", "steps", "equilibrium_ratio_energy", "equilibrium_ratio_total",
        "equilibrium_energy_twh_per_year", "equilibrium_world_electricity_share", "equilibrium_reward_usd_per_day",
    ]
    rows = [[0, r, 10, 100, 0.5, 0.8, 100, 0.6 if r == 0 else 0.4, 1e9] for r in range(3)]
    write_csv(tmp_path / "runs.csv", header, rows)
    p = run("fee_path.py", tmp_path)
    assert p.returncode == 0, p.stderr
    assert "| 1.8262 [1.8262, 1.8262] |" in p.stdout
    assert "| 1 of 3 |" in p.stdout


def test_fee_path_batch_windows_and_bad_input(tmp_path):
    header = ["step", "date", "time_years", "metric", "n", "mean", "sd", "p5", "p25", "p50", "p75", "p95"]
    rows = []
    metrics = {
        "world_electricity_share": 0.01, "energy_twh_per_year": 300, "reward_usd": 7e6, "subsidy_usd": 3.5e6,
        "ratio_energy": 0.4, "ratio_total": 0.8, "hashrate_eh_s": 1000, "blocks": 1008,
    }
    for s in range(30):
        for m, v in metrics.items():
            rows.append([s, f"2026-{1 + s // 5:02d}-{1 + (s % 5) * 5:02d}", s * 7 / 365.25, m, 1, v, 0, v, v, v, v, v])
    write_csv(tmp_path / "bands.csv", header, rows)
    p = run("fee_path.py", tmp_path)
    assert p.returncode == 0, p.stderr
    # Reward per day: 7e6 per 7-day step = 1 M USD a day; half of it subsidy.
    assert "| 1.000 % [1.000, 1.000] | 300 | 1.000 | 0.500 | 0.400 | 0.800 |" in p.stdout
    assert "| 0 % |" in p.stdout
    p = run("fee_path.py", tmp_path / "missing")
    assert p.returncode == 2 and "not a folder" in p.stderr


# ------------------------------------------------------------ attack_margin.py


def test_attack_margin_window_medians(tmp_path):
    header = [
        "run", "step", "date", "duration_hours", "attacker_eh_s", "payoff_usd", "rent_usd", "rent_usd_per_hour",
        "rewards_won_usd", "rent_net_usd", "hardware_usd", "build_days", "buy_net_usd", "security_margin_rent",
        "security_margin_buy", "security_margin",
    ]
    rows = []
    for run_ in range(3):
        for step in range(10):
            margin = 1.0 + run_  # runs 1, 2, 3: median 2
            rows.append([run_, step, f"2026-01-{1 + step:02d}", 4.0, 1000, 1e9, 1e7, 2.5e6, 5e6, "", 1e10, 1500,
                         margin * 1e9, "", margin, margin])
    write_csv(tmp_path / "attack.csv", header, rows)
    p = run("attack_margin.py", tmp_path)
    assert p.returncode == 0, p.stderr
    assert "| 2026-01-01 | 4.00 [4.00, 4.00] |" in p.stdout
    assert "| 2.00 [1.10, 2.90] | 0 % |" in p.stdout
    p = run("attack_margin.py", tmp_path / "nothing")
    assert p.returncode == 2 and "attack.csv" in p.stderr
