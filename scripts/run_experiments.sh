#!/usr/bin/env bash
# Runs every experiment of docs/findings.md with the run counts of its scenario
# file (1,000 runs per batch or sweep point), then its analysis script, and
# logs wall time and the analysis output to OUT/experiments.log.
#
# Usage: scripts/run_experiments.sh [OUT] [NAME ...]   (default OUT = output;
#        NAME = a scenario name to run only that one)
# Env:   MINESIM = path of the binary (default target/release/minesim)
#        PRUNE=1  trims steps.csv to run 0's rows after the analysis (the
#                 kept runs of Q8(a) take about 6 MB each)
# Needs about 7 GB of free disk while a kept-runs scenario is analysed.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-output}
shift || true
BIN=${MINESIM:-target/release/minesim}
LOG="$OUT/experiments.log"
mkdir -p "$OUT"

# name | extra run flags | analysis command (OUTDIR is replaced)
EXPERIMENTS=(
  "q5-security-example||python3 scripts/summarize.py OUTDIR"
  "q1-spend-ratio||python3 scripts/summarize.py OUTDIR && python3 scripts/bands_table.py OUTDIR --every 182 ratio_energy ratio_total hashrate_eh_s && python3 scripts/halvings.py OUTDIR"
  "q1-shocks||python3 scripts/q1_shocks.py OUTDIR"
  "q1-sweep-capacity||python3 scripts/summarize.py OUTDIR --points"
  "q1-sweep-sigma||python3 scripts/summarize.py OUTDIR --points"
  "q1-sweep-expectation||python3 scripts/summarize.py OUTDIR --points"
  "q1-sweep-hardware-price||python3 scripts/summarize.py OUTDIR --points"
  "q1-sweep-lag||python3 scripts/summarize.py OUTDIR --points"
  "q1-sweep-volatility||python3 scripts/summarize.py OUTDIR --points"
  "q2-efficiency-sweep||python3 scripts/summarize.py OUTDIR --points equilibrium_total_cost_usd_per_day equilibrium_ratio_total equilibrium_hashrate_eh_s equilibrium_energy_twh_per_year"
  "q2-efficiency-constant-price||python3 scripts/summarize.py OUTDIR --points equilibrium_total_cost_usd_per_day equilibrium_ratio_total equilibrium_hashrate_eh_s equilibrium_energy_twh_per_year"
  "q3-regime-sweep||python3 scripts/summarize.py OUTDIR --points"
  "q4-fee-only||python3 scripts/summarize.py OUTDIR --points"
  "q7-flexible-sweep||python3 scripts/summarize.py OUTDIR --points"
  "q6-crash-retarget|--keep-runs 1000|python3 scripts/q6_crash.py OUTDIR"
  "q6-crash-asert-1h|--keep-runs 1000|python3 scripts/q6_crash.py OUTDIR"
  "q6-crash-asert-2d|--keep-runs 1000|python3 scripts/q6_crash.py OUTDIR"
  "q6-crash-asert-1w|--keep-runs 1000|python3 scripts/q6_crash.py OUTDIR"
  "q6-crash-cw144|--keep-runs 1000|python3 scripts/q6_crash.py OUTDIR"
  "q8a-noda-per-hash-retarget|--keep-runs 1000|python3 scripts/q8_noda.py OUTDIR && python3 scripts/summarize.py OUTDIR mean_block_interval_s blocks"
  "q8a-noda-per-hash-asert|--keep-runs 1000|python3 scripts/q8_noda.py OUTDIR && python3 scripts/summarize.py OUTDIR mean_block_interval_s blocks"
  "q8a-noda-sigmoid-retarget|--keep-runs 1000|python3 scripts/q8_noda.py OUTDIR && python3 scripts/summarize.py OUTDIR mean_block_interval_s blocks"
  "q8a-noda-sigmoid-asert|--keep-runs 1000|python3 scripts/q8_noda.py OUTDIR && python3 scripts/summarize.py OUTDIR mean_block_interval_s blocks"
  "q8a-noda-sigmoid-cw144|--keep-runs 1000|python3 scripts/q8_noda.py OUTDIR && python3 scripts/summarize.py OUTDIR mean_block_interval_s blocks"
  "q8a-noda-per-hash-cw144|--keep-runs 1000|python3 scripts/q8_noda.py OUTDIR && python3 scripts/summarize.py OUTDIR mean_block_interval_s blocks"
  "q8a-noda-retarget|--keep-runs 1000|python3 scripts/q8_noda.py OUTDIR && python3 scripts/summarize.py OUTDIR mean_block_interval_s blocks"
  "q8a-noda-asert|--keep-runs 1000|python3 scripts/q8_noda.py OUTDIR && python3 scripts/summarize.py OUTDIR mean_block_interval_s blocks"
  "q3-regime-switching|--keep-runs 1000|python3 scripts/summarize.py OUTDIR && python3 scripts/q3_regimes.py OUTDIR && python3 scripts/bands_table.py OUTDIR --every 365 price_usd hashrate_eh_s energy_twh_per_year"
  "q7-flexible-load|--keep-runs 1000|python3 scripts/summarize.py OUTDIR && python3 scripts/q7_flexible.py OUTDIR"
  "replay-2016-2024||python3 scripts/summarize.py OUTDIR && python3 scripts/bands_table.py OUTDIR --every 365 difficulty hashrate_eh_s energy_twh_per_year ratio_energy ratio_total"
  "q8b-attack-rent-2019-03||python3 scripts/bands_table.py OUTDIR --every 7 attack_rent_usd_per_hour price_usd"
  "replay-2016-2026|--keep-runs 32|python3 scripts/replay_benchmark.py OUTDIR --aim && python3 scripts/replay_benchmark.py OUTDIR --aim --cbeci scenarios/data/cbeci_yearly_from_daily_twh.csv && python3 scripts/elasticity.py OUTDIR"
  "uncertainty-claims||python3 scripts/claims.py OUTDIR --claim equilibrium_ratio_total:0.7:0.9 --claim equilibrium_ratio_total:0:0.7 --claim equilibrium_ratio_total:0.9:1000 --claim equilibrium_ratio_economic:0.7:0.9 --claim equilibrium_ratio_energy:0.7:0.9 --claim equilibrium_world_electricity_share:0:0.02 --claim equilibrium_world_electricity_share:0.01:0.02"
  "uncertainty-fee-only||python3 scripts/claims.py OUTDIR --claim equilibrium_world_electricity_share:0.01:0.02 --claim equilibrium_world_electricity_share:0:0.01 --claim equilibrium_ratio_total:0.7:0.9"
  "uncertainty-claims-constant-price||python3 scripts/claims.py OUTDIR --claim equilibrium_ratio_total:0.7:0.9 --claim equilibrium_ratio_total:0:0.7 --claim equilibrium_ratio_total:0.9:1000 --claim equilibrium_ratio_economic:0.7:0.9 --claim equilibrium_ratio_energy:0.7:0.9 --claim equilibrium_world_electricity_share:0:0.02 --claim equilibrium_world_electricity_share:0.01:0.02"
  "replay-2016-2026-posted|--runs 4|python3 scripts/replay_benchmark.py OUTDIR --aim"
  "q1-spend-ratio-clearing||python3 scripts/summarize.py OUTDIR --points"
  "q2-efficiency-constant-price-clearing||python3 scripts/summarize.py OUTDIR --points equilibrium_total_cost_usd_per_day equilibrium_ratio_total equilibrium_ratio_economic equilibrium_ratio_energy equilibrium_hashrate_eh_s equilibrium_energy_twh_per_year"
  "q2-efficiency-clearing||python3 scripts/summarize.py OUTDIR --points"
  "q4-fee-only-clearing||python3 scripts/summarize.py OUTDIR --points"
  "baseline-used-market||python3 scripts/summarize.py OUTDIR"
  "regions-2026||python3 scripts/summarize.py OUTDIR"
  "q4-fee-path||python3 scripts/fee_path.py OUTDIR"
  "q4-fee-path-sweep||python3 scripts/fee_path.py OUTDIR"
  "q4-fifty-percent||python3 scripts/fee_path.py OUTDIR"
  "q5-attack-economics|--keep-runs 20|python3 scripts/attack_margin.py OUTDIR"
)

for entry in "${EXPERIMENTS[@]}"; do
  IFS='|' read -r name flags analysis <<<"$entry"
  if [ $# -gt 0 ] && [[ " $* " != *" $name "* ]]; then continue; fi
  dir="$OUT/$name"
  start=$(date +%s)
  # shellcheck disable=SC2086
  "$BIN" run "scenarios/$name.toml" --out "$dir" --quiet $flags
  ran=$(date +%s)
  {
    echo "=== $name: minesim run scenarios/$name.toml --out $dir $flags ($((ran - start)) s, $(git rev-parse --short HEAD))"
    bash -c "${analysis//OUTDIR/$dir}" || echo "analysis failed"
    echo "--- analysis $(($(date +%s) - ran)) s"
  } >>"$LOG" 2>&1
  if [ "${PRUNE:-0}" = 1 ]; then
    # `run` is steps.csv's first column.
    awk -F, 'NR == 1 || $1 == "0"' "$dir/steps.csv" >"$dir/.steps.csv.prune" &&
      mv "$dir/.steps.csv.prune" "$dir/steps.csv"
  fi
  echo "$name done in $(($(date +%s) - start)) s"
done
