#!/usr/bin/env python3
"""Does the hashrate follow the price, on data? Elasticity and lag of the
hashrate (and the model's energy) with respect to the BTC price and to the
transaction count, in a replay run and in reality, side by side (issue 14,
item 8: "Energy follows price, on data").

Usage:
  scripts/elasticity.py OUTPUT_DIR [--real FILE] [--market FILE] [--lags K]
                        [--bandwidth L] [--from YYYY-MM-DD] [--to YYYY-MM-DD]
                        [--csv FILE] [--json FILE]

OUTPUT_DIR is the output folder of a replay run (for example of
scenarios/replay-2016-2026.toml). Its steps.csv is read: columns run, date,
hashrate_eh_s, price_usd, energy_twh_per_year. Every kept run is estimated
on its own (write more runs than run 0 with `minesim run ... --keep-runs N`);
the model's figure is the median across the kept runs, with the range
[min, max]. bands.csv (the across-runs median path) is not used: a median
path is smoother than any run and would understate the runs' noise.

  --real FILE      the real network, daily: columns time, DiffMean, HashRate
                   (TH/s) (default scenarios/data/network_daily.csv)
  --market FILE    the real market, daily, Coin Metrics' format: columns
                   time, PriceUSD, TxCnt (default ../shared/data/
                   btc_daily_market.csv next to the repository, the file the
                   replay scenarios read)
  --lags K         distributed-lag length in months (default 12)
  --bandwidth L    Newey-West bandwidth in months (default floor(4 (T/100)^(2/9))
                   for T observations of the regression)
  --from, --to     the window of observation months (a date stands for its
                   calendar month; default: the months that the real and the
                   model's hashrate, the price and the transaction count all
                   cover)
  --csv FILE       write the results (long format) to FILE
  --json FILE      write the results, with the per-run estimates, to FILE

Series (all aggregated to calendar months: the mean of the days, resp. of
the steps, that fall in the month):
  real H        difficulty-implied hashrate, DiffMean x 2^32 / 600 H/s (the
                hashrate the difficulty pays for at 600 s a block; shown in
                EH/s); the headline real series
  real H (col)  the file's HashRate column (TH/s; Coin Metrics' and
                blockchain.com's own estimate), as a check
  model H       steps.csv hashrate_eh_s, per kept run
  model E       steps.csv energy_twh_per_year, per kept run (there is no real
                monthly energy series: CBECI is yearly)
  P             the market file's PriceUSD for both sides. The replay's
                price_usd is that series: the script checks that every
                step's price_usd equals PriceUSD of its day (relative 1e-6)
                and says so; if not, the model side uses the monthly mean of
                its own price_usd (and then no month before the run).
  Tx            the market file's TxCnt for both sides (the replay's fees are
                replayed from the same file, tx_column = "TxCnt").
Months with a non-positive value have no logarithm and count as missing.

Method:
  (1) Distributed lag, in monthly log differences (d = month-on-month
      difference of ln):
        d ln H_t = a + sum_{k=0..K} b_k d ln P_{t-k} + sum_{k=0..K} c_k d ln Tx_{t-k} + e_t
      by OLS over the observation months t of the window that have every
      term (the lagged regressors may reach before the window, as far as
      the data go). Long-run elasticity to price = sum b_k, to Tx = sum c_k.
      Mean lag = sum k b_k / sum b_k (months), only when sum b_k > 0, else
      "undefined" (the same for Tx with c_k); its SE by the delta method.
      Peak cross-correlation lag: the k in 0..K with the largest Pearson
      correlation of d ln H_t with d ln P_{t-k} (resp. d ln Tx_{t-k}) over
      the same months; printed as "k (r)".
  (2) Levels:
        ln H_t = a + beta ln P_t + gamma ln Tx_t + delta t + e_t
      OLS over the window's months, t in years since the window's first
      month (the trend absorbs efficiency gains and everything else that
      grows steadily; delta is a log-growth rate a year). The same for the
      model's energy. Trending levels: read beta and gamma as descriptive
      co-movement around the trend, not as a cointegration estimate.
  Standard errors: Newey-West (HAC, Bartlett kernel w_l = 1 - l/(L+1),
  bandwidth L as above, lags over consecutive observations), with the
  small-sample factor T/(T-p) (p regressors, as Stata's newey); the SE of a
  sum of coefficients is sqrt(g' V g). OLS solves the normal equations by
  Cholesky after scaling the columns to unit length; a design whose scaled
  pivot falls below 1e-10 (collinear or constant regressors) is reported as
  singular, naming the column, and its figures are "undefined".
  Windows: the whole window, then its parts in the replay's calibration
  sample 2016-01..2019-12 (in sample: its ASIC market's output growth was
  fitted to the 2016-2019 difficulty) and 2020-01..the end (out of sample).

Output: one Markdown table per window, rows = statistics, columns = real H,
real H (col), model H and model E (median [min, max] across runs, and the
median SE). Nothing undefined is printed as a number: "undefined".

Exit codes: 0 ok, 2 bad input (missing file or column, unreadable value, no
overlap of the series, bad option). Python standard library only.
"""
import csv
import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DEFAULT_REAL = os.path.join(REPO, "scenarios", "data", "network_daily.csv")
DEFAULT_MARKET = os.path.join(os.path.dirname(REPO), "shared", "data", "btc_daily_market.csv")
MARKET_HINT = (
    "the Coin Metrics community daily data for BTC (https://github.com/coinmetrics/data, "
    "csv/btc.csv, columns time, PriceUSD, FeeTotNtv, TxCnt, SplyCur, CapMrktCurUSD; CC BY-NC 4.0, "
    "credit \"Coin Metrics\"): put it at ../shared/data/btc_daily_market.csv next to the repository "
    "(the file the replay scenarios read; see scenarios/data/README.md) or pass --market FILE"
)
IN_SAMPLE = ("2016-01", "2019-12")
OUT_SAMPLE_FROM = "2020-01"
PIVOT_TOL = 1e-10
H_PER_DIFF = 2.0 ** 32 / 600.0 / 1e18  # DiffMean -> EH/s


class BadInput(Exception):
    pass


class Singular(Exception):
    """The regression's design is singular (or has too few observations)."""


# ---------------------------------------------------------------- linear algebra

def cholesky(A):
    """Lower-triangular L with A = L L'; raises Singular(j) on a pivot <= PIVOT_TOL."""
    n = len(A)
    L = [[0.0] * n for _ in range(n)]
    for j in range(n):
        s = A[j][j] - sum(L[j][k] * L[j][k] for k in range(j))
        if not (s > PIVOT_TOL):
            raise Singular(j)
        d = math.sqrt(s)
        L[j][j] = d
        for i in range(j + 1, n):
            L[i][j] = (A[i][j] - sum(L[i][k] * L[j][k] for k in range(j))) / d
    return L


def chol_inverse(L):
    """(L L')^-1 from the Cholesky factor."""
    n = len(L)
    # inverse of L (lower triangular)
    Li = [[0.0] * n for _ in range(n)]
    for i in range(n):
        Li[i][i] = 1.0 / L[i][i]
        for j in range(i):
            Li[i][j] = -sum(L[i][k] * Li[k][j] for k in range(j, i)) / L[i][i]
    # A^-1 = Li' Li
    return [[sum(Li[k][i] * Li[k][j] for k in range(max(i, j), n)) for j in range(n)] for i in range(n)]


def ols(X, y, names=None):
    """OLS of y on the columns of X (rows = observations). Returns a dict:
    beta, resid, xtx_inv, ssr, r2, n, p. Raises Singular with a message."""
    n = len(X)
    p = len(X[0]) if n else 0
    names = names or [f"x{j}" for j in range(p)]
    if n <= p:
        raise Singular(f"{n} observations for {p} coefficients")
    norms = []
    for j in range(p):
        s = math.sqrt(sum(r[j] * r[j] for r in X))
        if not (s > 0 and math.isfinite(s)):
            raise Singular(f"column {names[j]} is all zero")
        norms.append(s)
    A = [[0.0] * p for _ in range(p)]
    for a in range(p):
        for b in range(a, p):
            v = sum(r[a] * r[b] for r in X) / (norms[a] * norms[b])
            A[a][b] = A[b][a] = v
    try:
        L = cholesky(A)
    except Singular as e:
        j = e.args[0]
        raise Singular(f"singular design: column {names[j]} is (nearly) a combination of the columns before it")
    Ai = chol_inverse(L)
    xtx_inv = [[Ai[a][b] / (norms[a] * norms[b]) for b in range(p)] for a in range(p)]
    xty = [sum(X[i][j] * y[i] for i in range(n)) for j in range(p)]
    beta = [sum(xtx_inv[a][b] * xty[b] for b in range(p)) for a in range(p)]
    resid = [y[i] - sum(X[i][j] * beta[j] for j in range(p)) for i in range(n)]
    ssr = sum(e * e for e in resid)
    ybar = sum(y) / n
    sst = sum((v - ybar) ** 2 for v in y)
    r2 = 1.0 - ssr / sst if sst > 0 else None
    return {"beta": beta, "resid": resid, "xtx_inv": xtx_inv, "ssr": ssr, "r2": r2, "n": n, "p": p}


def nw_bandwidth(T):
    """Newey-West's rule of thumb: floor(4 (T/100)^(2/9))."""
    return int(math.floor(4.0 * (T / 100.0) ** (2.0 / 9.0)))


def iid_cov(fit):
    s2 = fit["ssr"] / (fit["n"] - fit["p"])
    return [[s2 * v for v in row] for row in fit["xtx_inv"]]


def hac_cov(X, fit, bandwidth, small_sample=True):
    """Newey-West covariance of the OLS coefficients (Bartlett kernel)."""
    n, p = fit["n"], fit["p"]
    e = fit["resid"]
    u = [[X[i][j] * e[i] for j in range(p)] for i in range(n)]
    S = [[sum(u[i][a] * u[i][b] for i in range(n)) for b in range(p)] for a in range(p)]
    for lag in range(1, min(bandwidth, n - 1) + 1):
        w = 1.0 - lag / (bandwidth + 1.0)
        for a in range(p):
            for b in range(p):
                g = sum(u[i][a] * u[i - lag][b] for i in range(lag, n))
                S[a][b] += w * g
                S[b][a] += w * g
    B = fit["xtx_inv"]
    BS = [[sum(B[a][k] * S[k][b] for k in range(p)) for b in range(p)] for a in range(p)]
    V = [[sum(BS[a][k] * B[k][b] for k in range(p)) for b in range(p)] for a in range(p)]
    if small_sample:
        f = n / (n - p)
        V = [[f * v for v in row] for row in V]
    return V


def quad(g, V):
    """g' V g"""
    p = len(g)
    return sum(g[a] * V[a][b] * g[b] for a in range(p) for b in range(p))


def se_of(g, V):
    v = quad(g, V)
    return math.sqrt(v) if v >= 0 else None


def pearson(xs, ys):
    n = len(xs)
    if n < 3:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx <= 0 or syy <= 0:
        return None
    return sxy / math.sqrt(sxx * syy)


# ---------------------------------------------------------------- estimators

def peak_xcorr(y, x, K, obs):
    """(lag, r): the k in 0..K with the largest corr(y_t, x_{t-k}) over t in obs."""
    best = None
    for k in range(K + 1):
        pairs = [(y[t], x[t - k]) for t in obs if t - k >= 0 and y[t] is not None and x[t - k] is not None]
        r = pearson([a for a, _ in pairs], [b for _, b in pairs])
        if r is not None and (best is None or r > best[1] + 1e-15):
            best = (k, r)
    return best


def distributed_lag(y, p, tx, K, obs=None, bandwidth=None):
    """Distributed-lag OLS of y_t on 1, p_{t-k}, tx_{t-k} (k = 0..K); y, p, tx
    are lists on one time index (None = missing; tx None = no tx terms).
    obs: the candidate indices t (default K..len-1); those with a missing
    term are dropped. Returns a dict of estimates (None = undefined); raises
    Singular."""
    n = len(y)
    if obs is None:
        obs = range(K, n)
    rows, ys, used = [], [], []
    names = ["const"] + [f"dlnP(t-{k})" for k in range(K + 1)]
    if tx is not None:
        names += [f"dlnTx(t-{k})" for k in range(K + 1)]
    for t in obs:
        if t - K < 0 or y[t] is None:
            continue
        r = [1.0]
        ok = True
        for series in ([p, tx] if tx is not None else [p]):
            for k in range(K + 1):
                v = series[t - k]
                if v is None:
                    ok = False
                    break
                r.append(v)
            if not ok:
                break
        if ok:
            rows.append(r)
            ys.append(y[t])
            used.append(t)
    fit = ols(rows, ys, names)
    L = bandwidth if bandwidth is not None else nw_bandwidth(fit["n"])
    V = hac_cov(rows, fit, L)
    b = fit["beta"]
    out = {"n": fit["n"], "p": fit["p"], "bandwidth": L, "r2": fit["r2"], "first": used[0], "last": used[-1],
           "coef": b, "cov": V, "iid_cov": iid_cov(fit)}
    groups = [("price", 1)] + ([("tx", 2 + K)] if tx is not None else [])
    for name, start in groups:
        g = [0.0] * fit["p"]
        for k in range(K + 1):
            g[start + k] = 1.0
        s = sum(b[start:start + K + 1])
        out[f"lr_{name}"] = s
        out[f"lr_{name}_se"] = se_of(g, V)
        out[f"lr_{name}_se_iid"] = se_of(g, out["iid_cov"])
        if s > 0:
            m = sum(k * b[start + k] for k in range(K + 1)) / s
            gm = [0.0] * fit["p"]
            for k in range(K + 1):
                gm[start + k] = (k - m) / s
            out[f"mean_lag_{name}"] = m
            out[f"mean_lag_{name}_se"] = se_of(gm, V)
        else:
            out[f"mean_lag_{name}"] = out[f"mean_lag_{name}_se"] = None
        pk = peak_xcorr(y, p if name == "price" else tx, K, used)
        out[f"peak_lag_{name}"] = None if pk is None else pk[0]
        out[f"peak_corr_{name}"] = None if pk is None else pk[1]
    return out


def level_regression(lny, lnp, lntx, trend, obs=None, bandwidth=None):
    """OLS of ln y_t on 1, ln P_t, ln Tx_t, trend_t over t in obs (lists on one
    index, None = missing). Returns beta, gamma, delta with HAC SEs; raises
    Singular."""
    n = len(lny)
    if obs is None:
        obs = range(n)
    rows, ys = [], []
    for t in obs:
        vals = (lny[t], lnp[t], lntx[t], trend[t])
        if any(v is None for v in vals):
            continue
        rows.append([1.0, lnp[t], lntx[t], trend[t]])
        ys.append(lny[t])
    fit = ols(rows, ys, ["const", "lnP", "lnTx", "trend"])
    L = bandwidth if bandwidth is not None else nw_bandwidth(fit["n"])
    V = hac_cov(rows, fit, L)
    Vi = iid_cov(fit)
    b = fit["beta"]
    out = {"n": fit["n"], "bandwidth": L, "r2": fit["r2"]}
    for j, name in ((1, "beta"), (2, "gamma"), (3, "delta")):
        out[name] = b[j]
        out[name + "_se"] = math.sqrt(V[j][j]) if V[j][j] >= 0 else None
        out[name + "_se_iid"] = math.sqrt(Vi[j][j]) if Vi[j][j] >= 0 else None
    return out


# ---------------------------------------------------------------- input

def month_of(date):
    return int(date[:4]) * 12 + int(date[5:7]) - 1


def month_str(m):
    return f"{m // 12:04d}-{m % 12 + 1:02d}"


def open_csv(path, required, what, hint=None):
    if not os.path.isfile(path):
        raise BadInput(f"{path}: no such file ({what})" + (f"; get {hint}" if hint else ""))
    try:
        f = open(path, newline="")
    except OSError as e:
        raise BadInput(f"{path}: cannot read: {e}")
    reader = csv.DictReader(f)
    cols = reader.fieldnames or []
    missing = [c for c in required if c not in cols]
    if missing:
        raise BadInput(f"{path}: missing column {', '.join(missing)} (has: {', '.join(cols) or 'no header'})")
    return reader


def num(path, line, col, text):
    try:
        x = float(text)
    except (TypeError, ValueError):
        raise BadInput(f"{path}:{line}: column {col}: not a number: {text!r}")
    if not math.isfinite(x):
        raise BadInput(f"{path}:{line}: column {col}: not finite: {text!r}")
    return x


def check_date(path, line, col, text):
    t = (text or "").strip()
    if len(t) < 10 or t[4] != "-" or t[7] != "-" or not (t[:4] + t[5:7] + t[8:10]).isdigit() or not 1 <= int(t[5:7]) <= 12:
        raise BadInput(f"{path}:{line}: column {col}: not a YYYY-MM-DD date: {text!r}")
    return t[:10]


def add(acc, m, v):
    s = acc.setdefault(m, [0.0, 0])
    s[0] += v
    s[1] += 1


def means(acc):
    return {m: s / c for m, (s, c) in acc.items()}


def read_real(path):
    reader = open_csv(path, ["time", "DiffMean", "HashRate"], "the real network, daily")
    h, hc = {}, {}
    for i, r in enumerate(reader, start=2):
        d = check_date(path, i, "time", r["time"])
        if r["DiffMean"] not in ("", None):
            add(h, month_of(d), num(path, i, "DiffMean", r["DiffMean"]) * H_PER_DIFF)
        if r["HashRate"] not in ("", None):
            add(hc, month_of(d), num(path, i, "HashRate", r["HashRate"]) / 1e6)
    if not h:
        raise BadInput(f"{path}: no day with a DiffMean (column DiffMean)")
    return means(h), means(hc)


def read_market(path):
    reader = open_csv(path, ["time", "PriceUSD", "TxCnt"], "the real market, daily", MARKET_HINT)
    p, tx, daily = {}, {}, {}
    for i, r in enumerate(reader, start=2):
        d = check_date(path, i, "time", r["time"])
        if r["PriceUSD"] not in ("", None):
            v = num(path, i, "PriceUSD", r["PriceUSD"])
            add(p, month_of(d), v)
            daily[d] = v
        if r["TxCnt"] not in ("", None):
            add(tx, month_of(d), num(path, i, "TxCnt", r["TxCnt"]))
    if not p:
        raise BadInput(f"{path}: no day with a PriceUSD (column PriceUSD)")
    if not tx:
        raise BadInput(f"{path}: no day with a TxCnt (column TxCnt)")
    return means(p), means(tx), daily


def read_model(out):
    if not os.path.isdir(out):
        raise BadInput(f"{out}: no such folder (OUTPUT_DIR must be a minesim output folder)")
    path = os.path.join(out, "steps.csv")
    cols = ["run", "date", "hashrate_eh_s", "price_usd", "energy_twh_per_year"]
    reader = open_csv(path, cols, "the steps of a minesim run")
    runs = {}
    for i, r in enumerate(reader, start=2):
        run = num(path, i, "run", r["run"])
        if run != int(run):
            raise BadInput(f"{path}:{i}: column run: not an integer: {r['run']!r}")
        d = check_date(path, i, "date", r["date"])
        m = month_of(d)
        acc = runs.setdefault(int(run), {"h": {}, "e": {}, "p": {}, "pdaily": []})
        if r["hashrate_eh_s"] != "":
            add(acc["h"], m, num(path, i, "hashrate_eh_s", r["hashrate_eh_s"]))
        if r["energy_twh_per_year"] != "":
            add(acc["e"], m, num(path, i, "energy_twh_per_year", r["energy_twh_per_year"]))
        if r["price_usd"] != "":
            v = num(path, i, "price_usd", r["price_usd"])
            add(acc["p"], m, v)
            acc["pdaily"].append((d, v))
    if not runs:
        raise BadInput(f"{path}: no rows")
    model = {}
    for run, acc in sorted(runs.items()):
        if not acc["h"]:
            raise BadInput(f"{path}: run {run} has no value in column hashrate_eh_s")
        model[run] = {"h": means(acc["h"]), "e": means(acc["e"]), "p": means(acc["p"]), "pdaily": acc["pdaily"]}
    return path, model


def parse_args(argv):
    opts = {"out": None, "real": DEFAULT_REAL, "market": DEFAULT_MARKET, "lags": 12, "bandwidth": None,
            "from": None, "to": None, "csv": None, "json": None}
    valued = ("--real", "--market", "--lags", "--bandwidth", "--from", "--to", "--csv", "--json")
    args = list(argv)
    while args:
        a = args.pop(0)
        if a in ("-h", "--help"):
            print(__doc__)
            sys.exit(0)
        if a.startswith("--") and "=" in a and a.split("=", 1)[0] in valued:
            k, v = a.split("=", 1)
        elif a in valued:
            if not args:
                raise BadInput(f"{a} needs a value")
            k, v = a, args.pop(0)
        elif a.startswith("-"):
            raise BadInput(f"unknown option {a}")
        elif opts["out"] is None:
            opts["out"] = a
            continue
        else:
            raise BadInput(f"unexpected argument {a} (one OUTPUT_DIR only)")
        key = k[2:]
        if key in ("lags", "bandwidth"):
            try:
                n = int(v)
            except ValueError:
                n = -1
            if n < 0:
                raise BadInput(f"{k}: not a whole number >= 0: {v!r}")
            opts[key] = n
        elif key in ("from", "to"):
            opts[key] = month_of(check_date("option", k, k, v))
        else:
            opts[key] = v
    if opts["out"] is None:
        raise BadInput("OUTPUT_DIR is missing")
    return opts


# ---------------------------------------------------------------- analysis

STATS = [
    # key, se key, label, kind
    ("lr_price", "lr_price_se", "long-run elasticity to price, sum b_k", "f"),
    ("lr_tx", "lr_tx_se", "long-run elasticity to Tx, sum c_k", "f"),
    ("mean_lag_price", "mean_lag_price_se", "mean lag to price (months)", "f"),
    ("mean_lag_tx", "mean_lag_tx_se", "mean lag to Tx (months)", "f"),
    ("peak_lag_price", "peak_corr_price", "peak cross-corr. lag to price (months) (r)", "lag"),
    ("peak_lag_tx", "peak_corr_tx", "peak cross-corr. lag to Tx (months) (r)", "lag"),
    ("dl_r2", None, "distributed lag: R^2", "f"),
    ("dl_n", "dl_bandwidth", "distributed lag: months (NW bandwidth)", "n"),
    ("beta", "beta_se", "level: beta (ln P)", "f"),
    ("gamma", "gamma_se", "level: gamma (ln Tx)", "f"),
    ("delta", "delta_se", "level: delta (trend, ln a year)", "f4"),
    ("lv_r2", None, "level: R^2", "f"),
    ("lv_n", "lv_bandwidth", "level: months (NW bandwidth)", "n"),
]


def logs(d):
    return {m: math.log(v) for m, v in d.items() if v > 0}


def estimate(dep, price, tx, months, K, bandwidth, m0):
    """All statistics of one dependent series (dict month -> level) on the
    window months (sorted list); price, tx: dicts month -> level."""
    lo = min(months[0] - K - 1, min(price), min(tx))
    hi = months[-1]
    idx = list(range(lo, hi + 1))
    pos = {m: i for i, m in enumerate(idx)}
    ly, lp, lt = logs(dep), logs(price), logs(tx)

    def diff(ld):
        return [None if (m not in ld or m - 1 not in ld) else ld[m] - ld[m - 1] for m in idx]

    res, notes = {}, []
    try:
        dl = distributed_lag(diff(ly), diff(lp), diff(lt), K, obs=[pos[m] for m in months], bandwidth=bandwidth)
        for k in ("lr_price", "lr_price_se", "lr_tx", "lr_tx_se", "mean_lag_price", "mean_lag_price_se",
                  "mean_lag_tx", "mean_lag_tx_se", "peak_lag_price", "peak_corr_price", "peak_lag_tx", "peak_corr_tx"):
            res[k] = dl[k]
        res["dl_r2"], res["dl_n"], res["dl_bandwidth"] = dl["r2"], dl["n"], dl["bandwidth"]
        res["dl_first"], res["dl_last"] = month_str(idx[dl["first"]]), month_str(idx[dl["last"]])
    except Singular as e:
        notes.append(f"distributed lag: {e}")
    col = [None if m not in ly else ly[m] for m in idx]
    trend = [(m - m0) / 12.0 for m in idx]
    try:
        lv = level_regression(col, [lp.get(m) for m in idx], [lt.get(m) for m in idx], trend,
                              obs=[pos[m] for m in months], bandwidth=bandwidth)
        for k in ("beta", "beta_se", "gamma", "gamma_se", "delta", "delta_se"):
            res[k] = lv[k]
        res["lv_r2"], res["lv_n"], res["lv_bandwidth"] = lv["r2"], lv["n"], lv["bandwidth"]
    except Singular as e:
        notes.append(f"level: {e}")
    for k, sk, _, _ in STATS:
        res.setdefault(k, None)
        if sk:
            res.setdefault(sk, None)
    for k in list(res):
        v = res[k]
        if isinstance(v, float) and not math.isfinite(v):
            res[k] = None
    return res, notes


def median(xs):
    s = sorted(xs)
    n = len(s)
    return None if n == 0 else (s[n // 2] if n % 2 else 0.5 * (s[n // 2 - 1] + s[n // 2]))


def summarize(per_run):
    """{stat: {median, min, max, n, se (median)}} across runs."""
    out = {}
    for k, sk, _, _ in STATS:
        for key in (k, sk) if sk else (k,):
            vals = [r[key] for r in per_run if r.get(key) is not None]
            out[key] = {"median": median(vals), "min": min(vals) if vals else None,
                        "max": max(vals) if vals else None, "defined": len(vals), "runs": len(per_run)}
        out[k]["se_median"] = out[sk]["median"] if sk else None
    return out


def fmt(x, kind="f"):
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "undefined"
    if kind in ("n", "lag"):
        return str(int(round(x)))
    if kind == "f4":
        return f"{x:.4f}"
    return f"{x:.3f}"


def cell_single(res, k, sk, kind):
    v = res.get(k)
    if v is None:
        return "undefined"
    if kind == "lag":
        return f"{fmt(v, 'lag')} ({fmt(res.get(sk))})"
    if kind == "n":
        return f"{fmt(v, 'n')} ({fmt(res.get(sk), 'n')})" if sk else fmt(v, "n")
    if sk:
        return f"{fmt(v, kind)} (SE {fmt(res.get(sk), kind)})"
    return fmt(v, kind)


def cell_runs(s, k, sk, kind):
    st = s[k]
    if st["median"] is None:
        return "undefined"
    txt = f"{fmt(st['median'], kind)} [{fmt(st['min'], kind)}, {fmt(st['max'], kind)}]"
    if kind == "n":
        txt = f"{st['median']:g} [{fmt(st['min'], 'n')}, {fmt(st['max'], 'n')}]"
    elif kind == "lag":
        txt = f"{st['median']:g} [{fmt(st['min'], 'n')}, {fmt(st['max'], 'n')}]"
        if sk and s[sk]["median"] is not None:
            txt += f" (r {fmt(s[sk]['median'])})"
    elif sk and st["se_median"] is not None:
        txt += f" (SE {fmt(st['se_median'], kind)})"
    if st["defined"] < st["runs"]:
        txt += f" {st['defined']}/{st['runs']} runs"
    return txt


def main(argv):
    opts = parse_args(argv)
    K = opts["lags"]
    steps_path, model = read_model(opts["out"])
    real_h, real_hc = read_real(opts["real"])
    price, tx, price_daily = read_market(opts["market"])

    # the model's price: the market's when the run replays it
    mism = []
    for run, m in model.items():
        for d, v in m["pdaily"]:
            pv = price_daily.get(d)
            if pv is None or abs(v - pv) > 1e-6 * max(abs(pv), 1e-300):
                mism.append((run, d, v, pv))
                break
    replayed = not mism
    price_note = ("P = the market file's PriceUSD for real and model (every step's price_usd equals PriceUSD of its day: "
                  "replayed)") if replayed else (
        f"P = PriceUSD for the real side; the model's own price_usd for the model (run {mism[0][0]}, "
        f"{mism[0][1]}: price_usd {mism[0][2]!r} vs PriceUSD {mism[0][3]!r}: not replayed)")

    # default window: months covered by all series (level months)
    covers = [set(real_h), set(price), set(tx)] + [set(m["h"]) for m in model.values()]
    lo = max(min(c) for c in covers)
    hi = min(max(c) for c in covers)
    if opts["from"] is not None:
        lo = max(lo, opts["from"])
    if opts["to"] is not None:
        hi = min(hi, opts["to"])
    if lo > hi:
        raise BadInput(
            f"no month covered by all of {opts['real']} (DiffMean), {opts['market']} (PriceUSD, TxCnt) and "
            f"{steps_path} (hashrate_eh_s) in the window {month_str(lo)}..{month_str(hi)}")
    windows = [("window", lo, hi)]
    a, b = max(lo, month_of(IN_SAMPLE[0] + "-01")), min(hi, month_of(IN_SAMPLE[1] + "-01"))
    windows.append(("in sample 2016-2019", a, b))
    c = max(lo, month_of(OUT_SAMPLE_FROM + "-01"))
    windows.append(("out of sample 2020-end", c, hi))

    runs = sorted(model)
    print(f"elasticity of the hashrate to price and transactions: {opts['out']} ({len(runs)} kept run(s): "
          f"{', '.join(map(str, runs))})")
    print(f"  real: {opts['real']}; market: {opts['market']}")
    print("  monthly means of the days (steps); real H = DiffMean x 2^32 / 600 (difficulty-implied); real H (col) = HashRate")
    print(f"  {price_note}; Tx = TxCnt of the market file for both")
    print(f"  (1) d ln H_t = a + sum_k=0..{K} b_k d ln P_t-k + sum_k=0..{K} c_k d ln Tx_t-k + e_t (OLS, monthly log differences);")
    print("      long-run elasticity = sum b_k (sum c_k); mean lag = sum k b_k / sum b_k if sum b_k > 0;")
    print(f"      peak lag = argmax over k = 0..{K} of corr(d ln H_t, d ln P_t-k) (resp. Tx), printed \"k (r)\"")
    print("  (2) ln H_t = a + beta ln P_t + gamma ln Tx_t + delta t + e_t, t in years (OLS, levels)")
    bw = "floor(4 (T/100)^(2/9))" if opts["bandwidth"] is None else str(opts["bandwidth"])
    print(f"  SE: Newey-West (Bartlett, bandwidth {bw}, factor T/(T-p)); model: median [min, max] across runs, (SE median)")
    print("  in sample = the replay's calibration years 2016-2019; out of sample = 2020 to the end")

    all_results = []
    for wname, w0, w1 in windows:
        print()
        if w0 > w1:
            print(f"### {wname}: no month in {month_str(lo)}..{month_str(hi)}")
            all_results.append({"window": wname, "from": None, "to": None, "series": {}})
            continue
        months = list(range(w0, w1 + 1))
        series = {}
        notes = []
        r, n = estimate(real_h, price, tx, months, K, opts["bandwidth"], w0)
        series["real H"] = {"stats": r}
        notes += [f"real H: {x}" for x in n]
        if real_hc:
            r, n = estimate(real_hc, price, tx, months, K, opts["bandwidth"], w0)
            series["real H (col)"] = {"stats": r}
            notes += [f"real H (col): {x}" for x in n]
        for key, label in (("h", "model H"), ("e", "model E")):
            per_run = []
            for run in runs:
                mp = price if replayed else model[run]["p"]
                r, n = estimate(model[run][key], mp, tx, months, K, opts["bandwidth"], w0)
                r["run"] = run
                per_run.append(r)
                notes += [f"{label} run {run}: {x}" for x in n]
            series[label] = {"per_run": per_run, "stats": summarize(per_run)}
        res = {"window": wname, "from": month_str(w0), "to": month_str(w1), "series": series}
        all_results.append(res)
        rh = series["real H"]["stats"]
        span = f"; distributed-lag months {rh['dl_first']}..{rh['dl_last']}" if rh.get("dl_first") else ""
        print(f"### {wname}: {month_str(w0)}..{month_str(w1)}{span}")
        print()
        cols = ["real H (DiffMean x 2^32/600)"] + (["real H (HashRate col)"] if "real H (col)" in series else []) + \
               ["model H, median [min, max]", "model E, median [min, max]"]
        print("| statistic | " + " | ".join(cols) + " |")
        print("| --- |" + " --- |" * len(cols))
        for k, sk, label, kind in STATS:
            cells = [cell_single(series["real H"]["stats"], k, sk, kind)]
            if "real H (col)" in series:
                cells.append(cell_single(series["real H (col)"]["stats"], k, sk, kind))
            for lab in ("model H", "model E"):
                cells.append(cell_runs(series[lab]["stats"], k, sk, kind))
            print(f"| {label} | " + " | ".join(cells) + " |")
        if notes:
            shown = notes[:6]
            for x in shown:
                print(f"  note: {x}")
            if len(notes) > len(shown):
                print(f"  note: ... and {len(notes) - len(shown)} more")
        res["notes"] = notes

    if opts["csv"]:
        try:
            with open(opts["csv"], "w", newline="") as f:
                w = csv.writer(f, lineterminator="\n")
                w.writerow(["window", "from", "to", "series", "statistic", "value", "se", "min", "max", "runs", "defined_runs"])
                for res in all_results:
                    for sname, s in res["series"].items():
                        for k, sk, _, _ in STATS:
                            if "per_run" in s:
                                st = s["stats"][k]
                                se = st["se_median"] if sk else None
                                row = [st["median"], se, st["min"], st["max"], st["runs"], st["defined"]]
                            else:
                                v = s["stats"].get(k)
                                row = [v, s["stats"].get(sk) if sk else None, None, None, None, None]
                            w.writerow([res["window"], res["from"], res["to"], sname, k] +
                                       ["" if x is None else (repr(x) if isinstance(x, float) else x) for x in row])
        except OSError as e:
            raise BadInput(f"{opts['csv']}: cannot write: {e}")
        print(f"\nresults written to {opts['csv']}")
    if opts["json"]:
        doc = {
            "output_dir": opts["out"], "real": opts["real"], "market": opts["market"], "lags": K,
            "bandwidth": opts["bandwidth"] if opts["bandwidth"] is not None else "floor(4 (T/100)^(2/9))",
            "price_replayed": replayed, "price_note": price_note, "runs": runs,
            "statistics": {k: {"label": label, "se_or_detail": sk} for k, sk, label, _ in STATS},
            "windows": all_results,
        }
        try:
            with open(opts["json"], "w") as f:
                json.dump(doc, f, indent=1, allow_nan=False)
                f.write("\n")
        except OSError as e:
            raise BadInput(f"{opts['json']}: cannot write: {e}")
        print(f"{'' if opts['csv'] else chr(10)}results written to {opts['json']}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except BadInput as e:
        print(f"error: {e}", file=sys.stderr)
        print(__doc__.split("\n\n")[1].strip(), file=sys.stderr)
        sys.exit(2)
