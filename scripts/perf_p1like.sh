#!/usr/bin/env bash
# Times minesim against the P1 yardstick (issue 16): the plain
# struct-of-arrays loop of benches/yardstick.rs
# (../shared/reference/p1-yardstick.md) and the closest minesim scenario,
# scenarios/perf-p1like.toml (10,000 agents, 3,650 daily steps, daily
# reviews, no entry). Prints ns per agent-step and the issue's three ratios:
#
#   engine alone / yardstick            (aim <= 1.5)
#   whole `minesim run` / engine alone  (aim <= 2)
#   engine, 100,000 / 10,000 agents     (aim <= 12)
#
# Each figure is the least of REPS repetitions (default 3), in CPU time
# (user + system; another process on the machine inflates wall-clock time
# far more than CPU time), with the wall-clock figure beside it:
#   (a) the yardstick, N = 10,000 (and 100,000 for its own scaling):
#       target/release/examples/yardstick N REPS, set-up included;
#   (b) the engine alone: target/release/examples/profile scenario FILE REPS,
#       minesim::engine::run on run 0 of the file's seed, population set-up
#       included, nothing written;
#   (c) the whole process: /usr/bin/time minesim run FILE --runs 1 --quiet
#       --out DIR (parse, run, every output file, report and charts);
#   (d) (b) with --set miners.groups[0].agents=100000 and capital_usd=100000
#       (the same economy with ten times the agents, as P1's h_i = 1e6/N·600);
#   (e) (b) and (d) with the price replayed from the yardstick's own path
#       (yardstick --price-csv, seed 42), so that the two sizes and the
#       yardstick all see the same prices.
#
# minesim's time depends on the path: nearly all of it goes to the agents'
# daily purchases (with manufacturing_capacity_th_per_month = 0 the engine
# runs at the yardstick's speed), and how many agents buy on how many days
# follows the price path, which changes with the seed and with the number
# of agents (their electricity prices are drawn from the same stream). So
# (b), (c) and (d) are run for each seed of SEEDS (default "42", the
# scenario's own) and added up; SEEDS="42 43 44" gives steadier ratios.
# The yardstick's work does not depend on its path (seed 42).
#
# Usage: [SEEDS="42 43 44"] bash scripts/perf_p1like.sh [REPS]
# (from anywhere; builds release). Exits 0 whether or not the aims are met;
# non-zero only if a step fails.
set -euo pipefail
cd "$(dirname "$0")/.."

reps=${1:-3}
case $reps in '' | *[!0-9]* | 0) echo "REPS must be a whole number of at least 1" >&2; exit 2 ;; esac
seeds=${SEEDS:-42}
nseeds=0
for s in $seeds; do
  case $s in *[!0-9]*) echo "SEEDS must be whole numbers, got $s" >&2; exit 2 ;; esac
  nseeds=$((nseeds + 1))
done
[ "$nseeds" -gt 0 ] || { echo "SEEDS is empty" >&2; exit 2; }
scenario=scenarios/perf-p1like.toml
agents=10000
days=3650
big=(--set 'miners.groups[0].agents=100000' --set 'miners.groups[0].capital_usd=100000')

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== building (release): minesim, examples yardstick and profile"
cargo build --release --quiet -p minesim --bin minesim
cargo build --release --quiet -p minesim-benches --example yardstick --example profile
bin=target/release/minesim
ex=target/release/examples
"$bin" check "$scenario" >/dev/null

# The "min:" line of an example: field NAME's value.
field() { sed -n "s/.* $1 \([0-9.e+-]*\).*/\1/p" <<<"$2"; }

echo "== (a) yardstick: $ex/yardstick $agents $reps"
out=$("$ex/yardstick" "$agents" "$reps" --price-csv "$tmp/p1_price.csv")
echo "$out"
y=$(grep '^min:' <<<"$out")
y_cpu=$(field cpu_s "$y") y_wall=$(field wall_s "$y")

echo "== (a') yardstick: $ex/yardstick 100000 $reps"
out=$("$ex/yardstick" 100000 "$reps")
echo "$out"
yb=$(grep '^min:' <<<"$out")
yb_cpu=$(field cpu_s "$yb") yb_wall=$(field wall_s "$yb")

# Adds the "min:" lines' cpu_s and wall_s of (b) or (d) over SEEDS.
engine() {
  local label=$1 cpu=0 wall=0 s out m
  shift
  for s in $seeds; do
    echo "== $label, seed $s: $ex/profile scenario $scenario $reps --set seed=$s $*"
    out=$("$ex/profile" scenario "$scenario" "$reps" --set "seed=$s" "$@")
    echo "$out"
    m=$(grep '^min:' <<<"$out")
    cpu=$(awk -v a="$cpu" -v b="$(field cpu_s "$m")" 'BEGIN { print a + b }')
    wall=$(awk -v a="$wall" -v b="$(field wall_s "$m")" 'BEGIN { print a + b }')
  done
  sum_cpu=$cpu sum_wall=$wall
}

engine "(b) engine alone"
e_cpu=$sum_cpu e_wall=$sum_wall

p_cpu=0 p_wall=0
for s in $seeds; do
  echo "== (c) whole process, seed $s: /usr/bin/time $bin run $scenario --runs 1 --seed $s --quiet --out DIR ($reps times)"
  best_cpu="" best_wall=""
  for i in $(seq 1 "$reps"); do
    /usr/bin/time -f '%e %U %S' -o "$tmp/time" "$bin" run "$scenario" --runs 1 --seed "$s" --quiet --out "$tmp/run" >/dev/null
    read -r wall user sys <"$tmp/time"
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f", u + s }')
    echo "run $i: wall $wall s, cpu $cpu s (user $user, sys $sys)"
    best_cpu=$(awk -v a="$best_cpu" -v b="$cpu" 'BEGIN { print (a == "" || b < a) ? b : a }')
    best_wall=$(awk -v a="$best_wall" -v b="$wall" 'BEGIN { print (a == "" || b < a) ? b : a }')
    rm -rf "$tmp/run"
  done
  p_cpu=$(awk -v a="$p_cpu" -v b="$best_cpu" 'BEGIN { print a + b }')
  p_wall=$(awk -v a="$p_wall" -v b="$best_wall" 'BEGIN { print a + b }')
done

engine "(d) engine alone, 100,000 agents" "${big[@]}"
b_cpu=$sum_cpu b_wall=$sum_wall

# (e) (b) and (d) on the yardstick's own price path (seed 42, written by
# (a)), replayed: both sizes then see the same prices.
p1_price=(--set "price={ model = \"replay\", path = \"$tmp/p1_price.csv\" }")
engine "(e) engine alone on P1's price path" "${p1_price[@]}"
pe_cpu=$sum_cpu pe_wall=$sum_wall
engine "(e) engine alone on P1's price path, 100,000 agents" "${p1_price[@]}" "${big[@]}"
pb_cpu=$sum_cpu pb_wall=$sum_wall

awk -v n="$agents" -v t="$days" -v k="$nseeds" -v seeds="$seeds" \
  -v y_cpu="$y_cpu" -v y_wall="$y_wall" -v yb_cpu="$yb_cpu" -v yb_wall="$yb_wall" \
  -v e_cpu="$e_cpu" -v e_wall="$e_wall" -v p_cpu="$p_cpu" -v p_wall="$p_wall" \
  -v b_cpu="$b_cpu" -v b_wall="$b_wall" -v reps="$reps" \
  -v pe_cpu="$pe_cpu" -v pe_wall="$pe_wall" -v pb_cpu="$pb_cpu" -v pb_wall="$pb_wall" '
function ns(s, agents) { return s / (agents * t) * 1e9 }
function verdict(r, aim) { return r <= aim ? "met" : "not met" }
BEGIN {
  printf "\n== summary (least of %d; ns per agent-step = time / (agents x %d steps); minesim: seeds %s added up)\n", reps, t, seeds
  printf "%-44s %10s %10s %12s %12s\n", "", "cpu s", "wall s", "cpu ns/a-s", "wall ns/a-s"
  printf "%-44s %10.4f %10.4f %12.3f %12.3f\n", "(a) yardstick, 10,000 agents", y_cpu, y_wall, ns(y_cpu, n), ns(y_wall, n)
  printf "%-44s %10.4f %10.4f %12.3f %12.3f\n", "(a) yardstick, 100,000 agents", yb_cpu, yb_wall, ns(yb_cpu, 10 * n), ns(yb_wall, 10 * n)
  printf "%-44s %10.4f %10.4f %12.3f %12.3f\n", "(b) minesim engine alone, 10,000 agents", e_cpu, e_wall, ns(e_cpu, n * k), ns(e_wall, n * k)
  printf "%-44s %10.4f %10.4f %12.3f %12.3f\n", "(c) minesim run, whole process, 10,000", p_cpu, p_wall, ns(p_cpu, n * k), ns(p_wall, n * k)
  printf "%-44s %10.4f %10.4f %12.3f %12.3f\n", "(d) minesim engine alone, 100,000 agents", b_cpu, b_wall, ns(b_cpu, 10 * n * k), ns(b_wall, 10 * n * k)
  printf "%-44s %10.4f %10.4f %12.3f %12.3f\n", "(e) engine alone, P1 price path, 10,000", pe_cpu, pe_wall, ns(pe_cpu, n * k), ns(pe_wall, n * k)
  printf "%-44s %10.4f %10.4f %12.3f %12.3f\n", "(e) engine alone, P1 price path, 100,000", pb_cpu, pb_wall, ns(pb_cpu, 10 * n * k), ns(pb_wall, 10 * n * k)
  # (b) is added up over k seeds, (a) is one run.
  r1 = e_cpu / (k * y_cpu); r2 = p_cpu / e_cpu; r3 = b_cpu / e_cpu
  printf "\n%-44s %8s %8s %6s\n", "ratio", "cpu", "wall", "aim"
  printf "%-44s %8.2f %8.2f %6s  %s\n", "engine / yardstick (b/a)", r1, e_wall / (k * y_wall), "1.5", verdict(r1, 1.5)
  printf "%-44s %8.2f %8.2f %6s  %s\n", "whole process / engine (c/b)", r2, p_wall / e_wall, "2", verdict(r2, 2)
  printf "%-44s %8.2f %8.2f %6s  %s\n", "engine 100,000 / 10,000 agents (d/b)", r3, b_wall / e_wall, "12", verdict(r3, 12)
  printf "%-44s %8.2f %8.2f %6s  %s\n", "  on P1 price path: engine / yardstick", pe_cpu / (k * y_cpu), pe_wall / (k * y_wall), "1.5", verdict(pe_cpu / (k * y_cpu), 1.5)
  printf "%-44s %8.2f %8.2f %6s  %s\n", "  on P1 price path: 100,000 / 10,000", pb_cpu / pe_cpu, pb_wall / pe_wall, "12", verdict(pb_cpu / pe_cpu, 12)
  printf "%-44s %8.2f %8.2f\n", "(yardstick 100,000 / 10,000 agents)", yb_cpu / y_cpu, yb_wall / y_wall
  printf "(verdicts on the CPU ratios)\n"
}'
