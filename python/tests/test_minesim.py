"""The Python package against the command line: same seed and overrides,
same bytes and the same numbers to the bit; the CLI's error messages; no
output with progress=False; the GIL released while a batch runs."""

import csv
import json
import math
import threading
from pathlib import Path

import pytest

import minesim

MINIMAL = {
    "name": "minimal",
    "seed": 5,
    "start": {"date": "2026-01-01", "height": 930342, "difficulty": 148258433698386},
    "simulation": {"years": 2, "step_days": 7},
    "price": {
        "model": "gbm",
        "start_price_usd": 88684,
        "drift_per_year": 0.1,
        "volatility_per_year": 0.55,
    },
    "hash_supply": {"model": "linear", "intercept_eh_s": 0, "slope_eh_s": 20},
}

MINIMAL_TOML = """
name = "minimal"
seed = 5
[start]
date = "2026-01-01"
height = 930342
difficulty = 148258433698386
[simulation]
years = 2
step_days = 7
[price]
model = "gbm"
start_price_usd = 88684
drift_per_year = 0.1
volatility_per_year = 0.55
[hash_supply]
model = "linear"
intercept_eh_s = 0
slope_eh_s = 20
"""


def folder(d: Path) -> dict:
    return {p.name: p.read_bytes() for p in sorted(d.iterdir()) if p.is_file() and not p.name.startswith(".")}


def assert_same_files(a: Path, b: Path) -> None:
    fa, fb = folder(a), folder(b)
    assert list(fa) == list(fb)
    for name in fa:
        assert fa[name] == fb[name], f"{name} differs"


def csv_rows(path: Path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def assert_same_numbers(df, path: Path) -> None:
    """Every numeric column of the DataFrame holds, bit for bit, the
    floats that the CLI file's text parses to (empty cells: NaN); every
    other column holds the file's text."""
    import numpy as np

    rows = csv_rows(path)
    assert len(df) == len(rows)
    assert list(df.columns) == list(rows[0])
    for col in df.columns:
        texts = [r[col] for r in rows]
        if df[col].dtype.kind in "fiu":
            want = np.array([float(t) if t else math.nan for t in texts])
            got = df[col].to_numpy(dtype=float)
            same = (want.view(np.int64) == got.view(np.int64)) | (np.isnan(want) & np.isnan(got))
            assert same.all(), (col, np.flatnonzero(~same)[:5])
        else:
            assert [("" if isinstance(v, float) and math.isnan(v) else str(v)) for v in df[col]] == texts, col


def test_batch_is_the_clis_to_the_byte_and_bit(repo, run_cli, tmp_path):
    sc = repo / "scenarios" / "baseline.toml"
    r = minesim.run(
        sc, runs=4, seed=7, threads=2, set={"price.volatility_per_year": 0.8}, keep_runs=2, progress=False
    )
    cli_out = tmp_path / "cli"
    run_cli("run", sc, "--runs", 4, "--seed", 7, "--set", "price.volatility_per_year=0.8",
            "--keep-runs", 2, "--quiet", "--out", cli_out)
    assert_same_files(r.save(tmp_path / "py"), cli_out)
    assert r.kind == "batch"
    assert r.summary == json.loads((cli_out / "summary.json").read_text())
    assert r.summary["overrides"] == {"price.volatility_per_year": 0.8}
    assert r.summary["seed"] == 7 and r.summary["runs"] == 4
    assert_same_numbers(r.runs, cli_out / "runs.csv")
    assert_same_numbers(r.bands, cli_out / "bands.csv")
    assert list(r.steps.columns[:2]) == ["run", "step"]
    assert sorted(r.steps["run"].unique()) == [0, 1]
    assert_same_numbers(r.steps, cli_out / "steps.csv")
    # Each kept run has every step once.
    assert (r.steps.groupby("run")["step"].nunique() == r.summary["steps"]).all()
    assert sorted(r.retargets["run"].unique()) == [0, 1]
    assert r.points is None
    # fleet.csv is long: its operating hashrate adds up to steps.csv's.
    fleet = r.fleet
    assert list(fleet.columns) == ["run", "step", "date", "generation", "efficiency_j_per_th",
                                   "operating_eh_s", "installed_eh_s"]
    total = fleet.groupby(["run", "step"])["operating_eh_s"].sum().to_numpy()
    assert abs(total - r.steps["hashrate_eh_s"].to_numpy()).max() <= 1e-9 * r.steps["hashrate_eh_s"].max()


def test_sweep_returns_points(repo, run_cli, tmp_path):
    sc = repo / "scenarios" / "sweep-volatility.toml"
    r = minesim.run(sc, runs=2, progress=False)
    cli_out = tmp_path / "cli"
    run_cli("run", sc, "--runs", 2, "--quiet", "--out", cli_out)
    assert_same_files(r.save(tmp_path / "py"), cli_out)
    assert r.kind == "sweep"
    assert_same_numbers(r.points, cli_out / "points.csv")
    assert len(r.points) == r.summary["points"]
    assert r.bands is None and r.steps is None
    # Kept runs are refused on a sweep, by the CLI and here alike.
    want = cli_error(run_cli, "run", sc, "--runs", 2, "--keep-runs", 2, "--out", tmp_path / "k")
    assert want.startswith("--keep-runs is not supported for a sweep")
    assert not (tmp_path / "k").exists()
    with pytest.raises(minesim.InputError, match="keep_runs is not supported for a sweep"):
        minesim.run(sc, runs=2, keep_runs=2, progress=False)


def test_scenario_objects_and_threads_change_no_byte(run_cli, tmp_path):
    toml_file = tmp_path / "minimal.toml"
    toml_file.write_text(MINIMAL_TOML)
    from_dict = minesim.Scenario.from_dict(MINIMAL, path=toml_file).set("price.volatility_per_year", 0.3)
    from_toml = minesim.Scenario.from_toml(MINIMAL_TOML, path=toml_file).set("price.volatility_per_year", 0.3)
    assert from_dict.to_dict() == from_toml.to_dict()
    assert from_dict.validate() is from_dict
    assert from_dict.to_dict()["price"]["volatility_per_year"] == 0.3
    assert from_dict.name == "minimal"
    a = minesim.run(from_dict, runs=6, threads=1, progress=False)
    b = from_toml.run(runs=6, threads=2, progress=False)
    assert a.files == b.files
    cli_out = tmp_path / "cli"
    run_cli("run", toml_file, "--runs", 6, "--set", "price.volatility_per_year=0.3", "--quiet", "--out", cli_out)
    assert_same_files(a.save(tmp_path / "py"), cli_out)
    # The scenario object is not changed by run's own overrides.
    c = minesim.run(from_toml, runs=2, set={"seed": 9}, progress=False)
    assert c.summary["seed"] == 9 and from_toml.overrides == {"price.volatility_per_year": 0.3}
    assert c.scenario.overrides == {"price.volatility_per_year": 0.3, "seed": 9}


def cli_error(run_cli, *args) -> str:
    p = run_cli(*args, check=False)
    assert p.returncode == 2, p.stderr
    assert p.stderr.startswith("error: ")
    return p.stderr[len("error: "):].rstrip("\n")


@pytest.mark.parametrize(
    "path, value, cli_value, needle",
    [
        ("price.volatilty", 0.8, "0.8", "--set price.volatilty names no field of the scenario: unknown field `volatilty`"),
        ("price.volatility_per_year", 20, "20", "price.volatility_per_year must be in [0, 10], got 20"),
        ("price.volatility_per_year", "fast", "fast", '--set price.volatility_per_year = "fast": invalid type: string'),
        ("hash_supply.slope_eh_s[2]", 1, "1", "`hash_supply.slope_eh_s` is not a list"),
    ],
)
def test_errors_are_the_clis(repo, run_cli, monkeypatch, path, value, cli_value, needle):
    # The CLI runs in the repository with a relative path: so does Python,
    # so the messages name the same file.
    monkeypatch.chdir(repo)
    sc = "scenarios/curve-gbm.toml"
    want = cli_error(run_cli, "check", sc, "--set", f"{path}={cli_value}")
    assert needle in want
    with pytest.raises(minesim.ScenarioError) as e:
        minesim.run(sc, set={path: value}, progress=False)
    assert str(e.value) == want
    with pytest.raises(minesim.ScenarioError) as e:
        minesim.load(sc).set(path, value).validate()
    assert str(e.value) == want
    assert isinstance(e.value, ValueError) and isinstance(e.value, minesim.InputError)


def test_other_errors(repo, run_cli, tmp_path):
    missing = tmp_path / "nope.toml"
    want = cli_error(run_cli, "check", missing)
    with pytest.raises(minesim.ScenarioError) as e:
        minesim.load(missing)
    assert str(e.value) == want and "cannot read scenario" in want
    sc = repo / "scenarios" / "curve-gbm.toml"
    want = cli_error(run_cli, "run", sc, "--runs", 0, "--out", tmp_path / "x")
    with pytest.raises(minesim.InputError) as e:
        minesim.run(sc, runs=0, progress=False)
    assert str(e.value) == want == "--runs must be in [1, 1000000], got 0"
    assert not isinstance(e.value, minesim.ScenarioError)
    with pytest.raises(minesim.InputError, match="threads must be at least 1"):
        minesim.run(sc, threads=0, progress=False)
    with pytest.raises(TypeError, match="no TOML value"):
        minesim.run(sc, set={"seed": None}, progress=False)
    with pytest.raises(minesim.ScenarioError, match=r"minimal.toml:\d+:\d+: "):
        minesim.Scenario.from_toml(MINIMAL_TOML.replace("years = 2", "years ="), path="minimal.toml").validate()


def test_progress(repo, capfd):
    sc = repo / "scenarios" / "curve-gbm.toml"
    minesim.run(sc, runs=3, progress=False)
    out, err = capfd.readouterr()
    assert out == "" and err == ""
    minesim.run(sc, runs=3)
    out, err = capfd.readouterr()
    assert out == "" and "3/3" in err
    seen = []
    minesim.run(sc, runs=3, progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1] == (3, 3)
    assert all(0 <= d <= t == 3 for d, t in seen)


def test_gil_is_released_while_it_runs(repo):
    sc = repo / "scenarios" / "baseline.toml"
    result = {}
    t = threading.Thread(target=lambda: result.update(r=minesim.run(sc, runs=6, threads=1, progress=False)))
    ticks = 0
    t.start()
    while t.is_alive():
        ticks += 1
    t.join()
    assert result["r"].summary["runs"] == 6
    # Python code ran all along (a held GIL would allow a few ticks only).
    assert ticks > 10_000, ticks


def test_ctrl_c_stops_the_batch(repo):
    import os
    import signal
    import time

    sc = repo / "scenarios" / "baseline.toml"
    timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    start = time.monotonic()
    timer.start()
    try:
        # About 10 s of work on 2 cores; stopped after the chunk in flight.
        with pytest.raises(KeyboardInterrupt):
            minesim.run(sc, runs=400, progress=False)
    finally:
        timer.cancel()
    assert time.monotonic() - start > 0.5


DESIGN = """
[uncertainty]
design = "saltelli"
samples = 8
[[uncertainty.parameters]]
path = "price.volatility_per_year"
distribution = { type = "uniform", low = 0.3, high = 0.9 }
[[uncertainty.parameters]]
path = "hash_supply.slope_eh_s"
distribution = { type = "log_uniform", low = 10, high = 40 }
"""


def test_design_gives_sensitivity_like_the_cli(repo, run_cli, tmp_path):
    text = (repo / "scenarios" / "curve-gbm.toml").read_text() + DESIGN
    sc = tmp_path / "design.toml"
    sc.write_text(text)
    r = minesim.run(sc, runs=2, progress=False)
    cli_out = tmp_path / "cli"
    run_cli("run", sc, "--runs", 2, "--quiet", "--out", cli_out)
    assert_same_files(r.save(tmp_path / "py"), cli_out)
    assert r.kind == "sweep"
    assert len(r.points) == 8 * (2 + 2)
    assert list(r.sensitivity.columns[:3]) == ["metric", "parameter", "first_order"]
    assert_same_numbers(r.sensitivity, cli_out / "sensitivity.csv")
    assert r.summary["uncertainty"]["design"] == "saltelli"
    assert r.summary["combined"]["runs"] == 2 * 8 * 2
    # --samples is a --set of uncertainty.samples.
    small = minesim.run(sc, runs=1, set={"uncertainty.samples": 4}, progress=False)
    assert len(small.points) == 16
