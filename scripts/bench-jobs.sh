#!/usr/bin/env bash
# Job queue benchmark of issue #4: bench_jobs (enqueue one by one, enqueue in batches of 1,000, processing of
# probe jobs by a WorkerPool of 2 workers) on SQLite (a WAL file) and on a durable PostgreSQL (fsync and
# synchronous_commit on), then the naive baseline on the same cluster: pgbench, 2 clients, each transaction
# claims one job of a 100,000-row table with FOR UPDATE SKIP LOCKED.
#   bash scripts/bench-jobs.sh
# Builds bench_jobs with the ci preset, prints a table and appends it to docs/benchmarks.md. Everything listens
# on 127.0.0.1 and the cluster is stopped on exit. Missing the issue's targets is reported, not an error; any
# failing step is (exit status non-zero).
# Environment: BENCH_JOBS (default 100000), BENCH_JOBS_SINGLE (5000), BENCH_BATCH_SIZES ("100,500"),
# BENCH_PGBENCH_SECONDS (20), BENCH_SKIP_BUILD=1 (use the existing build/ci), BENCH_NO_RECORD=1 (do not touch
# docs/benchmarks.md).
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD

jobs=${BENCH_JOBS:-100000}
single=${BENCH_JOBS_SINGLE:-5000}
batch_sizes=${BENCH_BATCH_SIZES:-100,500}
pgbench_seconds=${BENCH_PGBENCH_SECONDS:-20}
baseline_rows=100000

log() { echo "bench-jobs: $*" >&2; }
die() { echo "bench-jobs: error: $*" >&2; exit 1; }

work=$(mktemp -d /tmp/twinops-bench-jobs.XXXXXX)
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
  cmake --preset ci >/dev/null
  run cmake --build --preset ci --target bench_jobs
fi
bench=$root/build/ci/tests/bench_jobs
[ -x "$bench" ] || die "$bench was not built"
for tool in pgbench psql; do command -v "$tool" >/dev/null || die "$tool not found"; done

load_start=$(cut -d' ' -f1 /proc/loadavg)

# --- 2. a durable cluster -----------------------------------------------------------------------------------
pg_state=$work/pg
TWINOPS_TEST_PG_DSN= bash scripts/pg-test-cluster.sh start "$pg_state" --durable >&2
admin_dsn=$(cat "$pg_state/dsn")
fsync=$(psql "$admin_dsn" -XAtq -c 'SHOW fsync')
sync_commit=$(psql "$admin_dsn" -XAtq -c 'SHOW synchronous_commit')
[ "$fsync" = on ] && [ "$sync_commit" = on ] || die "the cluster is not durable (fsync=$fsync, synchronous_commit=$sync_commit)"
pg_version=$(psql "$admin_dsn" -XAtq -c 'SHOW server_version')
log "PostgreSQL $pg_version, fsync=$fsync, synchronous_commit=$sync_commit"

# --- 3. bench_jobs on SQLite and on that cluster ---------------------------------------------------------------
log "bench_jobs: BENCH_JOBS=$jobs BENCH_JOBS_SINGLE=$single BENCH_BATCH_SIZES=$batch_sizes"
run env TWINOPS_TEST_PG_DSN="$admin_dsn" TWINOPS_TEST_PG_DURABLE=1 BENCH_JOBS="$jobs" BENCH_JOBS_SINGLE="$single" \
  BENCH_BATCH_SIZES="$batch_sizes" QT_QPA_PLATFORM=offscreen timeout 3600 "$bench" >"$work/bench_jobs.out" 2>"$work/bench_jobs.err" \
  || { cat "$work/bench_jobs.out" "$work/bench_jobs.err" >&2; die "bench_jobs failed"; }
cat "$work/bench_jobs.out" >&2
# result BACKEND KEY: a value from bench_jobs' RESULT line
result() { grep "^RESULT backend=$1 " "$work/bench_jobs.out" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
first_batch=${batch_sizes%%,*}
for backend in sqlite postgres; do
  [ -n "$(result "$backend" "processing_b$first_batch")" ] || die "no RESULT line for $backend"
done

# --- 4. the naive baseline: pgbench claiming one job per transaction ---------------------------------------------
base_dsn=${admin_dsn%/postgres}/baseline
psql "$admin_dsn" -XqAt -v ON_ERROR_STOP=1 -c 'CREATE DATABASE baseline' >&2
psql "$base_dsn" -XqAt -v ON_ERROR_STOP=1 >&2 <<EOF
CREATE TABLE jobs (
    id        bigserial PRIMARY KEY,
    state     text NOT NULL DEFAULT 'available',
    run_at    timestamptz NOT NULL DEFAULT now(),
    locked_by text
);
INSERT INTO jobs (state) SELECT 'available' FROM generate_series(1, $baseline_rows);
CREATE INDEX jobs_state_run_at ON jobs (state, run_at);
VACUUM ANALYZE jobs;
EOF
cat >"$work/claim.sql" <<'EOF'
UPDATE jobs SET state = 'done', locked_by = 'x' WHERE id = (SELECT id FROM jobs WHERE state = 'available' ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED);
EOF
# The baseline's plan, for the record: with every run_at equal and no index ending in id, it sorts the whole table
# on every claim, which is what its tps mostly measures.
baseline_plan=$(psql "$base_dsn" -XAtq -c "EXPLAIN (COSTS OFF) $(cat "$work/claim.sql")" | sed -E 's/^ *(-> *)?//' \
  | grep -E '^(Limit|LockRows|Sort|Incremental Sort|Seq Scan|Index Scan|Index Only Scan|Bitmap)' | grep -v '^Sort Key' | paste -sd ';' | sed 's/;/ → /g' || true)
log "baseline claim plan: $baseline_plan"
pg_host=$(sed -E 's|^postgres://[^@]*@([^:/]+):([0-9]+)/.*|\1|' <<<"$admin_dsn")
pg_port=$(sed -E 's|^postgres://[^@]*@([^:/]+):([0-9]+)/.*|\2|' <<<"$admin_dsn")
log "pgbench -n -c 2 -j 2 -T $pgbench_seconds -f claim.sql baseline (127.0.0.1:$pg_port, $baseline_rows available rows)"
run env PGHOST="$pg_host" PGPORT="$pg_port" PGUSER=postgres \
  pgbench -n -c 2 -j 2 -T "$pgbench_seconds" -f "$work/claim.sql" baseline >"$work/pgbench.out" 2>&1 \
  || { cat "$work/pgbench.out" >&2; die "pgbench failed"; }
cat "$work/pgbench.out" >&2
baseline_tps=$(sed -nE 's/^tps = ([0-9.]+) \(without initial connection time\).*/\1/p' "$work/pgbench.out")
[ -n "$baseline_tps" ] || baseline_tps=$(sed -nE 's/^tps = ([0-9.]+).*/\1/p' "$work/pgbench.out" | tail -n 1)
[ -n "$baseline_tps" ] || die "no tps in the pgbench output"
claimed=$(psql "$base_dsn" -XAtq -c "SELECT count(*) FROM jobs WHERE state = 'done'")
log "pgbench claimed $claimed of $baseline_rows jobs"
[ "$claimed" -lt "$baseline_rows" ] || log "warning: pgbench ran out of jobs; its tps is a lower bound"

bash scripts/pg-test-cluster.sh stop "$pg_state" >&2; pg_state=""

# --- 5. report ------------------------------------------------------------------------------------------------
load_end=$(cut -d' ' -f1 /proc/loadavg)
other_batches=$(tr ',' ' ' <<<"${batch_sizes#"$first_batch"}")
extra_header=""; extra_rule=""
for size in $other_batches; do extra_header+=" processing jobs/s (claim batch $size) |"; extra_rule+="---:|"; done
table="| backend | enqueue single jobs/s | enqueue batch jobs/s | processing jobs/s (claim batch $first_batch) |$extra_header pgbench baseline tps | ratio processing/baseline |
|---|---:|---:|---:|$extra_rule---:|---:|"
verdicts=()
for backend in sqlite postgres; do
  processing=$(result "$backend" "processing_b$first_batch")
  extra=""
  for size in $other_batches; do extra+=" $(result "$backend" "processing_b$size") |"; done
  ratio=$(awk -v p="$processing" -v b="$baseline_tps" 'BEGIN { printf "%.2f×", p / b }')
  if [ "$backend" = sqlite ]; then
    label="SQLite (WAL file)"
    table+="
| $label | $(result sqlite enqueue_single) | $(result sqlite enqueue_batch) | $processing |$extra – | – |"
    met=$(awk -v p="$processing" 'BEGIN { print (p >= 20000) ? "met" : "NOT met" }')
    verdicts+=("- SQLite: processing $processing jobs/s (target >= 20,000 jobs/s): target $met")
  else
    label="PostgreSQL (durable)"
    table+="
| $label | $(result postgres enqueue_single) | $(result postgres enqueue_batch) | $processing |$extra $(printf '%.0f' "$baseline_tps") | $ratio |"
    met=$(awk -v p="$processing" -v b="$baseline_tps" 'BEGIN { print (p >= 1.5 * b) ? "met" : "NOT met" }')
    verdicts+=("- PostgreSQL (durable): processing $processing jobs/s = $ratio the pgbench baseline's $(printf '%.0f' "$baseline_tps") tps (target >= 1.5×): target $met")
  fi
done

stamp=$(bench_stamp)
setup_line="bench_jobs: $single single enqueues (JobQueue::enqueue, autocommit), $jobs jobs via JobQueue::enqueueBatch in batches of 1,000, processed by a WorkerPool of 2 workers with the ProbeHandler (claim batch $(tr ',' '/' <<<"$batch_sizes"), poll 50 ms), from start until all are completed, every probe verified to have run exactly once; SQLite is a WAL file (synchronous=NORMAL), PostgreSQL $pg_version with fsync=on, synchronous_commit=on. Baseline: pgbench -n -c 2 -j 2 -T $pgbench_seconds on the same cluster, one claim per transaction (UPDATE … WHERE id = (SELECT … ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)) over $baseline_rows rows with an index on (state, run_at); its claim plan: $baseline_plan. Load average (1 min) $load_start before, $load_end after"

echo
echo "Job queue benchmark, $stamp"
echo "$setup_line"
echo
echo "$table"
echo
printf '%s\n' "${verdicts[@]}"

record_benchmark "### Job queue (issue #4)" \
  "Written by \`bash scripts/bench-jobs.sh\` (one entry per run, newest last). Targets on the 2-core machine: durable PostgreSQL processing >= 1.5× the pgbench one-claim-per-transaction baseline, SQLite >= 20,000 jobs/s." \
  "#### $stamp

$setup_line.

$table

$(printf '%s\n' "${verdicts[@]}")
"
