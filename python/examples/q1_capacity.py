# ---
# A notebook as a script: `# %%` cells (VS Code, PyCharm, Spyder; `jupytext
# --to notebook` makes an .ipynb). Run it whole with
#   python python/examples/q1_capacity.py
# after `pip install ./python matplotlib` (from the repository root).
# ---

# %% [markdown]
# # Q1: does miners' spend converge to ≈ 0.8 × the block reward?
#
# docs/findings.md, Q1, "Which ratio is near 0.8?": only the ratio of **all
# costs** (electricity + hardware) to the reward, and only when the world's
# ASIC manufacturing capacity does not bind. With the default capacity
# (30 EH/s a month) the total ratio stays near 0.41; at 300 EH/s a month it
# reaches ≈ 0.92; electricity alone never comes near 0.8.
#
# The scenario is `scenarios/q1-sweep-capacity.toml` (constant price, one
# group of 1,000 agents, a sweep of the capacity). The findings used 1,000
# runs per point (several minutes on 2 cores); `RUNS` below defaults to 100,
# which gives the same picture with wider intervals.

# %%
import os
from pathlib import Path

import matplotlib

if "ipykernel" not in os.sys.modules:
    matplotlib.use("Agg")  # no display needed outside Jupyter
import matplotlib.pyplot as plt
import pandas as pd

import minesim


def repository() -> Path:
    here = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
    for d in [here, *here.parents]:
        if (d / "scenarios" / "q1-sweep-capacity.toml").is_file():
            return d
    raise SystemExit("run this from inside the minesim repository")


REPO = repository()
RUNS = int(os.environ.get("RUNS", "100"))
OUT = REPO / "output" / "examples"

# %%
r = minesim.run(REPO / "scenarios" / "q1-sweep-capacity.toml", runs=RUNS)
r

# %% [markdown]
# `r.points` is points.csv: one row per sweep point, with the mean, the
# confidence interval and quantiles of every per-run scalar.

# %%
pts = r.points
capacity = pts["miners.manufacturing_capacity_th_per_month"] / 1e6  # TH/s -> EH/s a month
table = pd.DataFrame(
    {
        "capacity, EH/s a month": capacity,
        "ratio_energy p50": pts["equilibrium_ratio_energy_p50"],
        "ratio_total p50": pts["equilibrium_ratio_total_p50"],
        "ratio_total p5": pts["equilibrium_ratio_total_p5"],
        "ratio_total p95": pts["equilibrium_ratio_total_p95"],
        "hashrate p50, EH/s": pts["equilibrium_hashrate_eh_s_p50"],
        "energy p50, TWh/yr": pts["equilibrium_energy_twh_per_year_p50"],
    }
)
print(table.round(3).to_string(index=False))

# %% [markdown]
# The finding, checked on these runs.

# %%
total = dict(zip(capacity, pts["equilibrium_ratio_total_p50"]))
energy = pts["equilibrium_ratio_energy_p50"]
print(f"all costs / reward at the default 30 EH/s a month: {total[30]:.3f} (findings: 0.407)")
print(f"all costs / reward at 300 EH/s a month:            {total[300]:.3f} (findings: 0.922)")
print(f"electricity / reward, highest point:               {energy.max():.3f} (findings: at most ~0.5-0.6)")
assert total[30] < 0.5 < 0.75 < total[300], "the finding does not hold on these runs"
assert energy.max() < 0.7

# %%
fig, ax = plt.subplots(figsize=(7.5, 4.5))
for name, label in [
    ("equilibrium_ratio_total", "all costs (electricity + hardware)"),
    ("equilibrium_ratio_energy", "electricity only"),
]:
    p5, p50, p95 = (pts[f"{name}_{q}"] for q in ("p5", "p50", "p95"))
    ax.errorbar(capacity, p50, yerr=[p50 - p5, p95 - p50], fmt="o-", capsize=3,
                label=f"{label}: median, 5-95 % of runs")
ax.axhline(0.8, ls="--", color="grey", label="the claim: 0.8 × reward")
ax.set_xscale("log")
ax.set_xticks(capacity, [f"{c:g}" for c in capacity])
ax.set_xlabel("world ASIC manufacturing capacity, EH/s a month (log scale)")
ax.set_ylabel("spend / block reward, last 2 years")
ax.set_title(f"Q1: spend converges to 0.8 × reward only with elastic hardware supply ({RUNS} runs a point)",
             fontsize=9)
ax.legend(fontsize=8)
fig.tight_layout()
OUT.mkdir(parents=True, exist_ok=True)
fig.savefig(OUT / "q1_capacity.png", dpi=120)
print(f"chart: {OUT / 'q1_capacity.png'}")

# %% [markdown]
# The same outputs as `minesim run scenarios/q1-sweep-capacity.toml --runs
# RUNS`, byte for byte, if you want the CSV files and the report too:

# %%
r.save(OUT / "q1-sweep-capacity")
