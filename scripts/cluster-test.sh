#!/usr/bin/env bash
# The scale-out path on a real scheduler: a single-node Slurm cluster on
# localhost runs the shipped job-array script (scripts/slurm-array.sh) for a
# small sweep, and its merged result must be byte-identical to a
# one-machine run.
#
#   scripts/cluster-test.sh            # uses target/release/minesim
#   MINESIM=/path/to/minesim SCENARIO=scenarios/sweep-volatility.toml \
#       RUNS=3 SHARDS=4 scripts/cluster-test.sh
#
# Needs root (it installs Debian's slurm-wlm and munge with apt-get if they
# are missing, and runs the daemons as root). Everything else lives in a
# temporary folder: slurm.conf, the munge key and socket, the daemons'
# state, spool, logs and pid files, the partials and results. The daemons
# it started (munged, slurmctld, slurmd) are stopped by their process ids
# at the end, also on failure or Ctrl-C; a munged or Slurm already running
# on this machine is left alone (the test uses its own ports and socket).
#
# Exit code 0 only when every merged file is byte-identical to the
# one-machine run; 1 on a difference or failure.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

MINESIM=$(realpath "${MINESIM:-target/release/minesim}")
SCENARIO=$(realpath "${SCENARIO:-scenarios/sweep-volatility.toml}")
RUNS=${RUNS:-3}
SHARDS=${SHARDS:-4}
TIMEOUT=${TIMEOUT:-600}
# Ports of this test's slurmctld and slurmd (not Slurm's defaults 6817/6818).
CTLD_PORT=${CTLD_PORT:-16817}
SLURMD_PORT=${SLURMD_PORT:-16818}

say() { echo "cluster-test: $*" >&2; }
fail() {
    say "FAILED: $*"
    exit 1
}

[[ -x "$MINESIM" ]] || fail "no minesim binary at $MINESIM (cargo build --release)"
[[ $(id -u) -eq 0 ]] || fail "must run as root (installs packages, runs slurmd)"

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null ||
    ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
    say "installing slurm-wlm and munge"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq slurm-wlm munge >/dev/null
fi

T=$(mktemp -d /tmp/minesim-cluster.XXXXXX)
PIDS=()
cleanup() {
    local rc=$?
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null || true
    done
    if [[ $rc -eq 0 ]]; then
        rm -rf "$T"
    else
        say "logs and files kept in $T"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start=$(date +%s)
mkdir -p "$T"/{state,spool,log,munge,run}

# munge: a key of our own and a socket of our own.
dd if=/dev/urandom of="$T/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$T/munge/munge.key"
chmod 711 "$T/munge"
MUNGE_SOCKET="$T/munge/munge.socket"
munged --foreground --force --socket="$MUNGE_SOCKET" \
    --key-file="$T/munge/munge.key" --pid-file="$T/run/munged.pid" \
    --seed-file="$T/munge/munge.seed" >"$T/log/munged.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do
    [[ -S "$MUNGE_SOCKET" ]] && break
    sleep 0.1
done
[[ -S "$MUNGE_SOCKET" ]] || fail "munged did not start (see $T/log/munged.log)"

HOST=$(hostname -s)
CPUS=$(nproc)
MEM_MB=$(($(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 / 2))
export SLURM_CONF="$T/slurm.conf"
cat >"$SLURM_CONF" <<EOF
ClusterName=minesim-test
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$MUNGE_SOCKET
CredType=cred/munge
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/run/slurmctld.pid
SlurmdPidFile=$T/run/slurmd.pid
SlurmctldLogFile=$T/log/slurmctld.log
SlurmdLogFile=$T/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/builtin
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SwitchType=switch/none
ReturnToService=2
MinJobAge=600
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM_MB State=UNKNOWN
PartitionName=test Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF

slurmctld -D -i -f "$SLURM_CONF" >"$T/log/slurmctld.out" 2>&1 &
PIDS+=($!)
slurmd -D -f "$SLURM_CONF" -N "$HOST" >"$T/log/slurmd.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 300); do
    state=$(sinfo -h -n "$HOST" -o '%T' 2>/dev/null || true)
    [[ "$state" == idle* || "$state" == mixed* ]] && break
    sleep 0.2
done
[[ "$state" == idle* || "$state" == mixed* ]] ||
    fail "the node did not come up (state: ${state:-none}; see $T/log)"
say "slurm up on $HOST ($CPUS CPUs) after $(($(date +%s) - start)) s"

# The shipped array script, as a user would submit it.
OUT="$T/out"
submitted=$(SCENARIO="$SCENARIO" SHARDS="$SHARDS" OUT="$OUT" MINESIM="$MINESIM" \
    RUNS="$RUNS" CPUS=1 TIME=00:30:00 PARTITION=test scripts/slurm-array.sh)
echo "$submitted" >&2
merge_id=$(sed -n 's/.*merge: job \([0-9]*\).*/\1/p' <<<"$submitted")
array_id=$(sed -n 's/.*submitted shards: job \([0-9]*\).*/\1/p' <<<"$submitted")
[[ -n "$merge_id" && -n "$array_id" ]] || fail "could not read the job ids"

job_state() {
    scontrol show job "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | sort -u | tr '\n' ' '
}
deadline=$(($(date +%s) + TIMEOUT))
while :; do
    ms=$(job_state "$merge_id")
    case "$ms" in
    "COMPLETED ") break ;;
    *FAILED* | *CANCELLED* | *TIMEOUT* | *NODE_FAIL* | *OUT_OF_MEMORY*)
        fail "merge job $merge_id: $ms (shards: $(job_state "$array_id"); logs in $OUT/logs)"
        ;;
    esac
    if [[ $(date +%s) -gt $deadline ]]; then
        fail "timed out after ${TIMEOUT}s (merge: $ms, shards: $(job_state "$array_id"))"
    fi
    sleep 1
done
shard_states=$(job_state "$array_id")
[[ "$shard_states" == "COMPLETED " ]] || fail "shard tasks: $shard_states"
say "array job $array_id ($SHARDS shards) and merge job $merge_id completed after $(($(date +%s) - start)) s"
ls -l "$OUT/partials" >&2

# The same batch on one machine, outside Slurm.
"$MINESIM" run "$SCENARIO" --runs "$RUNS" --out "$T/one" --quiet
if diff -r "$T/one" "$OUT/results" >&2; then
    say "identical: $(ls "$T/one" | wc -l) files of the merged result match the one-machine run ($(($(date +%s) - start)) s in all)"
else
    fail "the merged result differs from the one-machine run"
fi
