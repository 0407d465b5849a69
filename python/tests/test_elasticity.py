"""scripts/elasticity.py: the estimators on synthetic series with known
answers (always run: standard library only, fixed seed), the CLI on a tiny
synthetic output folder, bad input, and (skipped without them) the real
market file and a release binary."""

import csv
import importlib.util
import json
import math
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "elasticity.py"
MARKET = REPO.parent / "shared" / "data" / "btc_daily_market.csv"


def load():
    spec = importlib.util.spec_from_file_location("elasticity", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


el = load()


def run_script(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], capture_output=True, text=True, cwd=REPO)


# ------------------------------------------------------------ estimators

def dl_series(n=600, seed=7, b=((3, 0.6), (4, 0.2)), c=((1, 0.3),), noise=0.02):
    rng = random.Random(seed)
    burn = 20
    dp = [rng.gauss(0, 0.1) for _ in range(n + burn)]
    dtx = [rng.gauss(0, 0.05) for _ in range(n + burn)]
    dh = []
    for t in range(n + burn):
        y = 0.1 + sum(w * dp[t - k] for k, w in b if t - k >= 0) + sum(w * dtx[t - k] for k, w in c if t - k >= 0)
        dh.append(y + rng.gauss(0, noise))
    return dh[burn:], dp[burn:], dtx[burn:]


def test_distributed_lag_recovers_long_run_elasticity_and_mean_lag():
    dh, dp, dtx = dl_series()
    r = el.distributed_lag(dh, dp, dtx, 12)
    assert r["n"] == 600 - 12 and r["p"] == 1 + 2 * 13
    assert r["bandwidth"] == el.nw_bandwidth(588) == 5
    # long-run elasticity to price 0.6 + 0.2 = 0.8; to tx 0.3
    assert abs(r["lr_price"] - 0.8) < 3 * r["lr_price_se"]
    assert abs(r["lr_price"] - 0.8) < 0.05
    assert r["lr_price_se"] < 0.05
    assert abs(r["lr_tx"] - 0.3) < 3 * r["lr_tx_se"]
    assert abs(r["lr_tx"] - 0.3) < 0.1
    # mean lag (3 * 0.6 + 4 * 0.2) / 0.8 = 3.25; tx: 1
    assert abs(r["mean_lag_price"] - 3.25) < 3 * r["mean_lag_price_se"]
    assert abs(r["mean_lag_price"] - 3.25) < 0.15
    assert abs(r["mean_lag_tx"] - 1.0) < 0.5
    # the largest weight is at lag 3, and at lag 1 for tx
    assert r["peak_lag_price"] == 3 and r["peak_corr_price"] > 0.5
    assert r["peak_lag_tx"] == 1
    # the intercept
    assert abs(r["coef"][0] - 0.1) < 0.01


def test_distributed_lag_without_tx_and_undefined_mean_lag():
    dh, dp, _ = dl_series(b=((2, -0.5),), c=())
    r = el.distributed_lag(dh, dp, None, 6)
    assert r["p"] == 1 + 7
    assert abs(r["lr_price"] + 0.5) < 0.05
    assert r["mean_lag_price"] is None and r["mean_lag_price_se"] is None
    assert "lr_tx" not in r


def test_distributed_lag_skips_missing_months():
    dh, dp, dtx = dl_series(n=300)
    dh[100] = None
    dp[150] = None  # knocks out t = 150 .. 162
    r = el.distributed_lag(dh, dp, dtx, 12)
    assert r["n"] == 300 - 12 - 1 - 13
    assert abs(r["lr_price"] - 0.8) < 0.1


def level_series(n=240, seed=7):
    rng = random.Random(seed)
    lnp, lntx, trend, lny = [], [], [], []
    p, x = math.log(400), math.log(2e5)
    for i in range(n):
        p += rng.gauss(0.01, 0.15)
        x = 0.9 * x + 0.1 * (math.log(2e5) + 0.002 * i) + rng.gauss(0, 0.05)
        t = i / 12.0
        lnp.append(p)
        lntx.append(x)
        trend.append(t)
        lny.append(1.0 + 0.5 * p + 0.3 * x + 0.4 * t + rng.gauss(0, 0.05))
    return lny, lnp, lntx, trend


def test_level_regression_recovers_beta_gamma_delta():
    lny, lnp, lntx, trend = level_series()
    r = el.level_regression(lny, lnp, lntx, trend)
    assert r["n"] == 240
    for k, want, tol in (("beta", 0.5, 0.02), ("gamma", 0.3, 0.1), ("delta", 0.4, 0.02)):
        assert abs(r[k] - want) < 3 * r[k + "_se"], (k, r[k], r[k + "_se"])
        assert abs(r[k] - want) < tol, (k, r[k])
    assert r["r2"] > 0.99


def regression_data(n, rho, seed=7):
    rng = random.Random(seed)
    x, e, X, y = 0.0, 0.0, [], []
    for _ in range(n):
        x = rho * x + rng.gauss(0, 1)
        e = rho * e + rng.gauss(0, 1)
        X.append([1.0, x])
        y.append(2.0 + 0.5 * x + e)
    return X, y


def test_hac_se_close_to_iid_se_for_iid_errors_and_larger_for_ar1():
    X, y = regression_data(2000, 0.0)
    fit = el.ols(X, y)
    L = el.nw_bandwidth(2000)
    assert L == 7
    hac = math.sqrt(el.hac_cov(X, fit, L)[1][1])
    iid = math.sqrt(el.iid_cov(fit)[1][1])
    assert 0.85 < hac / iid < 1.15, hac / iid
    # bandwidth 0 without the small-sample factor: White's HC0
    hc0 = el.hac_cov(X, fit, 0, small_sample=False)[1][1]
    e = fit["resid"]
    n = len(X)
    mx = sum(r[1] for r in X) / n
    sxx = sum((r[1] - mx) ** 2 for r in X)
    want = sum(((r[1] - mx) * ei) ** 2 for r, ei in zip(X, e)) / sxx ** 2
    assert abs(hc0 / want - 1) < 1e-8
    # AR(1) regressor and errors (rho 0.8): the iid SE is too small
    X, y = regression_data(2000, 0.8)
    fit = el.ols(X, y)
    hac = math.sqrt(el.hac_cov(X, fit, L)[1][1])
    iid = math.sqrt(el.iid_cov(fit)[1][1])
    assert hac / iid > 1.3, hac / iid


def test_ols_matches_closed_form_and_bandwidth_rule():
    X = [[1.0, float(i)] for i in range(10)]
    y = [3.0 + 2.0 * i + (0.1 if i % 2 else -0.1) for i in range(10)]
    fit = el.ols(X, y)
    xs = [float(i) for i in range(10)]
    mx, my = sum(xs) / 10, sum(y) / 10
    slope = sum((a - mx) * (b - my) for a, b in zip(xs, y)) / sum((a - mx) ** 2 for a in xs)
    assert abs(fit["beta"][1] - slope) < 1e-12
    assert abs(fit["beta"][0] - (my - slope * mx)) < 1e-12
    assert [el.nw_bandwidth(t) for t in (47, 75, 100, 122)] == [3, 3, 4, 4]


def test_singular_designs_raise_a_clear_error():
    X = [[1.0, float(i), 2.0 * i] for i in range(20)]
    y = [float(i) for i in range(20)]
    with pytest.raises(el.Singular, match="singular design: column x2"):
        el.ols(X, y)
    with pytest.raises(el.Singular, match="column b is all zero"):
        el.ols([[1.0, 0.0]] * 5, [1.0] * 5, ["a", "b"])
    with pytest.raises(el.Singular, match="3 observations for 3 coefficients"):
        el.ols([[1.0, 1.0, 2.0]] * 3, [1.0] * 3)
    dh, dp, dtx = dl_series(n=100)
    with pytest.raises(el.Singular, match=r"dlnTx\(t-0\) is all zero"):
        el.distributed_lag(dh, dp, [0.0] * 100, 3)
    lny, lnp, lntx, trend = level_series(n=60)
    with pytest.raises(el.Singular, match="column lnTx"):
        el.level_regression(lny, lnp, [5.0] * 60, trend)


# ------------------------------------------------------------ CLI

def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def days(first_year, last_year):
    import datetime as dt

    d = dt.date(first_year, 1, 1)
    while d.year <= last_year:
        yield d.isoformat()
        d += dt.timedelta(days=1)


def synthetic_inputs(tmp_path, constant_tx=False):
    """A market 2015-2021, the real network 2016-2021 and a 2-run output
    folder 2016-2021 whose hashrate follows the price with a lag."""
    rng = random.Random(7)
    market, price = [], {}
    lp, lt = math.log(300.0), math.log(2e5)
    for d in days(2015, 2021):
        lp += rng.gauss(0.001, 0.03)
        lt += rng.gauss(0.0003, 0.02)
        price[d] = math.exp(lp)
        market.append([d, price[d], 1.0, 2e5 if constant_tx else round(math.exp(lt)), 1.5e7, price[d] * 1.5e7])
    write_csv(tmp_path / "market.csv", ["time", "PriceUSD", "FeeTotNtv", "TxCnt", "SplyCur", "CapMrktCurUSD"], market)
    dates = list(days(2016, 2021))

    def follow(lag_days, noise, seed):
        r = random.Random(seed)
        out = []
        for i, d in enumerate(dates):
            lagged = math.log(price[dates[max(i - lag_days, 0)]])
            out.append(math.exp(0.8 * lagged + 0.001 * i + r.gauss(0, noise)))
        return out

    real = follow(60, 0.01, 1)
    write_csv(tmp_path / "network.csv", ["time", "DiffMean", "HashRate", "source"],
              [[d, h * 1e18 / 2 ** 32 * 600, h * 1e6, "synthetic"] for d, h in zip(dates, real)])
    out = tmp_path / "out"
    out.mkdir()
    rows = []
    for run in (0, 1):
        h = follow(30, 0.01, 10 + run)
        for i, d in enumerate(dates):
            rows.append([run, i, d, h[i], h[i] * 1e13, price[d], h[i] * 0.05])
    write_csv(out / "steps.csv", ["run", "step", "date", "hashrate_eh_s", "difficulty", "price_usd", "energy_twh_per_year"], rows)
    return out


def test_cli_on_a_synthetic_output_folder(tmp_path):
    out = synthetic_inputs(tmp_path)
    p = run_script(out, "--real", tmp_path / "network.csv", "--market", tmp_path / "market.csv", "--lags", "6",
                   "--csv", tmp_path / "el.csv", "--json", tmp_path / "el.json")
    assert p.returncode == 0, p.stderr
    s = p.stdout
    assert "2 kept run(s): 0, 1" in s
    assert "replayed" in s
    for head in ("### window: 2016-01..2021-12", "### in sample 2016-2019: 2016-01..2019-12",
                 "### out of sample 2020-end: 2020-01..2021-12"):
        assert head in s
    assert "| statistic | real H (DiffMean x 2^32/600) | real H (HashRate col) | model H, median [min, max] |" in s
    assert "| long-run elasticity to price, sum b_k | " in s
    assert "| level: beta (ln P) | " in s
    low = s.lower()
    assert "nan" not in low and "inf " not in low and "infinity" not in low
    rows = list(csv.DictReader(open(tmp_path / "el.csv")))
    got = {(r["window"], r["series"], r["statistic"]): r for r in rows}
    lr = float(got[("window", "real H", "lr_price")]["value"])
    assert 0.7 < lr < 0.9, lr  # the real series is 0.8 ln P 60 days before, the model's 30 days before
    assert 1.7 < float(got[("window", "real H", "mean_lag_price")]["value"]) < 2.3
    assert 0.7 < float(got[("window", "model H", "mean_lag_price")]["value"]) < 1.3
    assert got[("window", "real H", "peak_lag_price")]["value"] == "2"
    m = got[("window", "model H", "lr_price")]
    assert m["runs"] == "2" and float(m["min"]) <= float(m["value"]) <= float(m["max"])
    doc = json.load(open(tmp_path / "el.json"))
    assert doc["lags"] == 6 and doc["price_replayed"] is True
    assert len(doc["windows"]) == 3
    assert len(doc["windows"][0]["series"]["model H"]["per_run"]) == 2


def test_cli_prints_undefined_for_a_singular_design(tmp_path):
    out = synthetic_inputs(tmp_path, constant_tx=True)
    p = run_script(out, "--real", tmp_path / "network.csv", "--market", tmp_path / "market.csv", "--lags", "3")
    assert p.returncode == 0, p.stderr
    assert "| long-run elasticity to price, sum b_k | undefined | undefined | undefined | undefined |" in p.stdout
    assert "note: real H: distributed lag: column dlnTx(t-0) is all zero" in p.stdout
    assert "nan" not in p.stdout.lower()


def test_cli_window_option(tmp_path):
    out = synthetic_inputs(tmp_path)
    p = run_script(out, "--real", tmp_path / "network.csv", "--market", tmp_path / "market.csv", "--lags", "3",
                   "--from", "2017-03-15", "--to", "2020-06-30")
    assert p.returncode == 0, p.stderr
    assert "### window: 2017-03..2020-06" in p.stdout
    assert "### out of sample 2020-end: 2020-01..2020-06" in p.stdout


def test_bad_input_names_file_and_column(tmp_path):
    out = synthetic_inputs(tmp_path)
    steps = out / "steps.csv"
    rows = list(csv.reader(open(steps)))
    write_csv(steps, [c for c in rows[0] if c != "energy_twh_per_year"], [r[:-1] for r in rows[1:]])
    p = run_script(out, "--real", tmp_path / "network.csv", "--market", tmp_path / "market.csv")
    assert p.returncode == 2
    assert str(steps) in p.stderr and "missing column energy_twh_per_year" in p.stderr
    assert "Traceback" not in p.stderr


def test_bad_input_missing_market_file_says_where_to_get_it(tmp_path):
    out = synthetic_inputs(tmp_path)
    p = run_script(out, "--real", tmp_path / "network.csv", "--market", tmp_path / "nope.csv")
    assert p.returncode == 2
    assert "nope.csv: no such file" in p.stderr and "coinmetrics" in p.stderr
    assert "Traceback" not in p.stderr


def test_bad_input_values_and_options(tmp_path):
    out = synthetic_inputs(tmp_path)
    m = tmp_path / "market.csv"
    lines = open(m).read().splitlines()
    lines[5] = lines[5].replace(lines[5].split(",")[1], "abc", 1)
    open(m, "w").write("\n".join(lines) + "\n")
    p = run_script(out, "--real", tmp_path / "network.csv", "--market", m)
    assert p.returncode == 2 and f"{m}:6: column PriceUSD: not a number: 'abc'" in p.stderr
    for args in (["--lags", "x"], ["--from", "2020-13-01"], ["--bogus"], []):
        p = run_script(*([out] if args != [] else []), *args)
        assert p.returncode == 2, args
        assert "Traceback" not in p.stderr
    p = run_script(tmp_path / "missing-folder", "--market", m)
    assert p.returncode == 2 and "no such folder" in p.stderr


def test_help_exits_0():
    p = run_script("--help")
    assert p.returncode == 0 and "Usage:" in p.stdout and "Newey-West" in p.stdout


# ------------------------------------------------------------ real data

def test_on_the_real_data_and_a_replay(tmp_path):
    binary = Path(os.environ.get("MINESIM_BIN", REPO / "target" / "release" / "minesim"))
    if not MARKET.is_file():
        pytest.skip(f"no real market file at {MARKET} (Coin Metrics' btc.csv; see scenarios/data/README.md)")
    if not binary.is_file():
        pytest.skip(f"no minesim binary at {binary}: run `cargo build --release` or set MINESIM_BIN")
    out = tmp_path / "replay"
    r = subprocess.run([str(binary), "run", "scenarios/replay-2016-2026.toml", "--runs", "2", "--keep-runs", "2",
                        "--out", str(out), "--quiet"], capture_output=True, text=True, cwd=REPO)
    assert r.returncode == 0, r.stderr
    p = run_script(out, "--json", tmp_path / "el.json")
    assert p.returncode == 0, p.stderr
    assert "replayed" in p.stdout and "2 kept run(s)" in p.stdout
    doc = json.load(open(tmp_path / "el.json"))
    w = doc["windows"][0]
    assert w["from"] == "2016-01"
    real = w["series"]["real H"]["stats"]
    assert real["dl_n"] >= 100 and real["lr_price"] is not None
