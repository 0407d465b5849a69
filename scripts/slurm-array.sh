#!/usr/bin/env bash
# Run a minesim batch or sweep as a Slurm job array of shards, then merge.
#
# Submit (from a login node, with OUT on a shared file system):
#
#   SCENARIO=scenarios/sweep-volatility.toml SHARDS=16 OUT=$SCRATCH/vol \
#       scripts/slurm-array.sh
#
# Optional: RUNS (--runs), SEED (--seed), MINESIM (path of the binary,
# default: minesim on PATH), CPUS (CPUs per task, default 8), TIME (time
# limit per task, default 04:00:00), PARTITION.
#
# The script submits itself as an array job with task ids 0..SHARDS-1 (each
# runs `minesim run --shard $SLURM_ARRAY_TASK_ID/$SHARDS`, 0-based), then a
# merge job that starts only if every task succeeded. Outputs:
#   $OUT/partials/partial-K-of-N.bin   one per shard
#   $OUT/results/                       points.csv / bands.csv, runs.csv, summary.json ...
#   $OUT/logs/                          Slurm logs
# A requeued or resubmitted task resumes from its checkpoint (--resume).
#
#SBATCH --job-name=minesim
#SBATCH --requeue
set -euo pipefail

: "${SCENARIO:?set SCENARIO to the scenario file}"
: "${SHARDS:?set SHARDS to the number of shards}"
: "${OUT:?set OUT to an output folder on a shared file system}"
MINESIM=${MINESIM:-minesim}
EXTRA=()
[[ -n "${RUNS:-}" ]] && EXTRA+=(--runs "$RUNS")
[[ -n "${SEED:-}" ]] && EXTRA+=(--seed "$SEED")

if [[ -n "${SLURM_ARRAY_TASK_ID:-}" ]]; then
    # One array task: one shard.
    exec "$MINESIM" run "$SCENARIO" \
        --shard "${SLURM_ARRAY_TASK_ID}/${SHARDS}" \
        --threads "${SLURM_CPUS_PER_TASK:-1}" \
        --out "$OUT/partials" \
        --resume --quiet "${EXTRA[@]}"
fi

# Submission: check the scenario once, then submit the array and the merge.
"$MINESIM" check "$SCENARIO" >/dev/null
SCENARIO=$(realpath "$SCENARIO")
OUT=$(realpath -m "$OUT")
mkdir -p "$OUT/partials" "$OUT/logs"
export SCENARIO SHARDS OUT MINESIM RUNS SEED
PART=()
[[ -n "${PARTITION:-}" ]] && PART+=(--partition "$PARTITION")

array_id=$(sbatch --parsable "${PART[@]}" \
    --array="0-$((SHARDS - 1))" \
    --cpus-per-task="${CPUS:-8}" \
    --time="${TIME:-04:00:00}" \
    --export=ALL \
    --output="$OUT/logs/shard-%a.log" \
    "$0")
merge_id=$(sbatch --parsable "${PART[@]}" \
    --job-name=minesim-merge \
    --dependency="afterok:${array_id}" \
    --cpus-per-task=1 \
    --time=01:00:00 \
    --export=ALL \
    --output="$OUT/logs/merge.log" \
    --wrap="\"$MINESIM\" merge --out \"$OUT/results\" \"$OUT/partials\"")
echo "submitted shards: job ${array_id} (${SHARDS} tasks); merge: job ${merge_id}"
echo "results will be in $OUT/results"
