#!/usr/bin/env bash
# Job retention benchmark of issue #14: bench_retention (BENCH_RETENTION_OLD completed jobs, default 1,000,000, lie in
# the table while a WorkerPool of 2 workers processes BENCH_RETENTION_NEW probe jobs, default 100,000; once without
# and once with the JobPruner deleting the old ones, then until they are all gone) on SQLite (a WAL file) and on a
# durable PostgreSQL (fsync and synchronous_commit on).
#   bash scripts/bench-retention.sh
# Builds bench_retention with the headless preset, prints a table and appends it to docs/benchmarks.md. The cluster
# listens on 127.0.0.1 and is stopped on exit. Missing the target (< 10 % cost) is reported, not an error; any
# failing step is (exit status non-zero).
# Environment: BENCH_RETENTION_OLD, BENCH_RETENTION_NEW, BENCH_BACKENDS ("sqlite,postgres"), BENCH_RETENTION_BATCH
# and BENCH_RETENTION_PAUSE_FACTOR (the pruner's, for tuning), BENCH_RETENTION_PRUNE_LIMIT (seconds: stop waiting for
# the backlog then and extrapolate its time from the rate measured), BENCH_SKIP_BUILD=1 (use the existing
# build/headless), BENCH_NO_RECORD=1 (do not touch docs/benchmarks.md).
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD

old=${BENCH_RETENTION_OLD:-1000000}
fresh=${BENCH_RETENTION_NEW:-100000}
backends=${BENCH_BACKENDS:-sqlite,postgres}
prune_limit=${BENCH_RETENTION_PRUNE_LIMIT:-0}

log() { echo "bench-retention: $*" >&2; }
die() { echo "bench-retention: error: $*" >&2; exit 1; }

work=$(mktemp -d /tmp/twinops-bench-retention.XXXXXX)
. scripts/bench-lib.sh
chmod 755 "$work"
pg_state=""

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_pid "$child_pid"
  [ -n "$pg_state" ] && bash "$root/scripts/pg-test-cluster.sh" stop "$pg_state" >/dev/null 2>&1 || true
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- 1. build --------------------------------------------------------------------------------------------------
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  cmake --preset headless >/dev/null
  run cmake --build --preset headless --target bench_retention
fi
bench=$root/build/headless/tests/bench_retention
[ -x "$bench" ] || die "$bench was not built"

load_start=$(cut -d' ' -f1 /proc/loadavg)

# --- 2. a durable cluster, if PostgreSQL is asked for ----------------------------------------------------------
admin_dsn=""
pg_line=""
sqlite_line=""
[[ ",$backends," != *,sqlite,* ]] || sqlite_line="; SQLite is a WAL file (synchronous=NORMAL)"
if [[ ",$backends," == *,postgres,* ]]; then
  command -v psql >/dev/null || die "psql not found"
  pg_state=$work/pg
  TWINOPS_TEST_PG_DSN= bash scripts/pg-test-cluster.sh start "$pg_state" --durable >&2
  admin_dsn=$(cat "$pg_state/dsn")
  fsync=$(psql "$admin_dsn" -XAtq -c 'SHOW fsync')
  sync_commit=$(psql "$admin_dsn" -XAtq -c 'SHOW synchronous_commit')
  [ "$fsync" = on ] && [ "$sync_commit" = on ] || die "the cluster is not durable (fsync=$fsync, synchronous_commit=$sync_commit)"
  pg_version=$(psql "$admin_dsn" -XAtq -c 'SHOW server_version')
  pg_line="; PostgreSQL $pg_version with fsync=on, synchronous_commit=on"
  log "PostgreSQL $pg_version, fsync=$fsync, synchronous_commit=$sync_commit"
fi

# --- 3. bench_retention ----------------------------------------------------------------------------------------
log "bench_retention: BENCH_RETENTION_OLD=$old BENCH_RETENTION_NEW=$fresh BENCH_BACKENDS=$backends BENCH_RETENTION_PRUNE_LIMIT=$prune_limit"
run env TWINOPS_TEST_PG_DSN="$admin_dsn" TWINOPS_TEST_PG_DURABLE=1 BENCH_RETENTION_OLD="$old" \
  BENCH_RETENTION_NEW="$fresh" BENCH_BACKENDS="$backends" BENCH_RETENTION_PRUNE_LIMIT="$prune_limit" timeout 14400 nice "$bench" \
  >"$work/bench_retention.out" 2>"$work/bench_retention.err" \
  || { cat "$work/bench_retention.out" "$work/bench_retention.err" >&2; die "bench_retention failed"; }
cat "$work/bench_retention.out" >&2
[ -z "$pg_state" ] || { bash scripts/pg-test-cluster.sh stop "$pg_state" >&2; pg_state=""; }

# --- 4. report ------------------------------------------------------------------------------------------------
load_end=$(cut -d' ' -f1 /proc/loadavg)
# result BACKEND KEY: a value from bench_retention's RESULT line
result() { grep "^RESULT backend=$1 " "$work/bench_retention.out" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
table="| backend | processing, no pruning | processing while pruning | cost | backlog deleted in | pruning rate |
|---|---:|---:|---:|---:|---:|"
verdicts=()
for backend in ${backends//,/ }; do
  [ -n "$(result "$backend" processing)" ] || die "no RESULT line for $backend"
  label=$([ "$backend" = sqlite ] && echo "SQLite (WAL file)" || echo "PostgreSQL (durable)")
  cost=$(result "$backend" cost_percent)
  if [ "$(result "$backend" complete)" = 1 ]; then
    deleted_in="$(result "$backend" prune_seconds) s"
  else
    deleted_in="≈ $(result "$backend" backlog_seconds) s (extrapolated: $(result "$backend" pruned) in $(result "$backend" prune_seconds) s)"
  fi
  table+="
| $label | $(result "$backend" processing) jobs/s | $(result "$backend" processing_pruning) jobs/s | $cost % | $deleted_in | $(result "$backend" prune_rate) jobs/s |"
  met=$(awk -v c="$cost" 'BEGIN { print (c < 10) ? "met" : "NOT met" }')
  verdicts+=("- $label: pruning costs $cost % of the processing rate (target < 10 %): target $met")
done

stamp=$(bench_stamp)
setup_line="bench_retention: $old completed jobs finished two days ago; $fresh probe jobs processed by a WorkerPool of 2 workers (claim batch 100, poll 50 ms), once without pruning and once with a JobPruner of default options (the core's) started with the workers, then timed until it has deleted the whole backlog$sqlite_line$pg_line. Load average (1 min) $load_start before, $load_end after"

echo
echo "Job retention benchmark, $stamp"
echo "$setup_line"
echo
echo "$table"
echo
printf '%s\n' "${verdicts[@]}"

record_benchmark "## Job retention's cost to the queue (issue #14)" \
  "Written by \`bash scripts/bench-retention.sh\` (one entry per run, newest last). Target: pruning costs < 10 % of the processing rate." \
  "#### $stamp

$setup_line.

$table

$(printf '%s\n' "${verdicts[@]}")
"
