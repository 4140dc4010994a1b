#!/usr/bin/env bash
# HTTP benchmark of issue #3: GET /api/v1/twins (10 items, 100 tenants, one JWT per request, round-robin) on
# twinopsd with SQLite and with a durable PostgreSQL, against nginx serving a static file of the same size.
#   bash scripts/bench-http.sh
# Builds the ci preset, runs wrk -t2 -c64 -d15s (after a 3 s warm-up) against each target, prints a table and
# appends it to docs/benchmarks.md. Everything listens on 127.0.0.1 and is stopped on exit. Missing the issue's
# targets is reported, not an error; any failing step is (exit status non-zero).
# Environment: BENCH_DURATION (default 15s), BENCH_WARMUP (3s), BENCH_CONNECTIONS (64), BENCH_THREADS (2),
# BENCH_BACKENDS ("sqlite postgres"), BENCH_HTTP_THREADS (twinopsd --http-threads, default 2), BENCH_SKIP_BUILD=1 (use the existing build), BENCH_BUILD_DIR (the build to
# measure, default build/ci; with BENCH_SKIP_BUILD=1 for a build made elsewhere), BENCH_NO_RECORD=1 (do not touch
# docs/benchmarks.md), BENCH_PERF_DIR (a directory: each measured run is also recorded there with `perf record --call-graph dwarf`,
# as NAME.perf.data, for `perf report -i`).
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD

duration=${BENCH_DURATION:-15s}
warmup=${BENCH_WARMUP:-3s}
connections=${BENCH_CONNECTIONS:-64}
wrk_threads=${BENCH_THREADS:-2}
backends=${BENCH_BACKENDS:-sqlite postgres}
http_threads=${BENCH_HTTP_THREADS:-2}
tenants=100
twins_per_tenant=10
jwt_secret=twinops-http-benchmark-secret-0123456789abcdef

log() { echo "bench-http: $*" >&2; }
die() { echo "bench-http: error: $*" >&2; exit 1; }

work=$(mktemp -d /tmp/twinops-bench-http.XXXXXX)
. scripts/bench-lib.sh
chmod 755 "$work" # nginx workers run as an unprivileged user when we are root
server_pid=""
nginx_pid=""
pg_state=""

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_pid "$child_pid"
  stop_pid "$server_pid"
  stop_pid "$nginx_pid"
  [ -n "$pg_state" ] && bash "$root/scripts/pg-test-cluster.sh" stop "$pg_state" >/dev/null 2>&1 || true
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT

trap 'exit 130' INT
trap 'exit 143' TERM

# --- 1. packages and build ---------------------------------------------------------------------------------
TWINOPS_SETUP_BENCH=1 bash scripts/setup.sh
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  cmake --preset ci >/dev/null
  cmake --build --preset ci
fi
twinopsd=${BENCH_BUILD_DIR:-$root/build/ci}/app/twinopsd
[ -x "$twinopsd" ] || die "$twinopsd was not built"
for tool in wrk nginx curl psql; do command -v "$tool" >/dev/null || die "$tool not found"; done
nginx_bin=$(command -v nginx)

# --- helpers -----------------------------------------------------------------------------------------------
# cpu_ticks PID...: user + system clock ticks used so far by these processes (all their threads); a PID that has
# exited counts 0, so callers pass the same set before and after.
cpu_ticks() {
  local total=0 pid ticks
  for pid in "$@"; do
    ticks=$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0)
    total=$((total + ticks))
  done
  echo "$total"
}

# run_wrk NAME URL TOKENS_FILE PID...: warm-up, then the measured run; leaves the wrk output in $work/NAME.wrk
# and the server-side CPU time per request (of the PIDs: the server and, for PostgreSQL, its processes) in
# $work/NAME.cpu. That figure barely depends on what else the machine runs, unlike requests/s.
run_wrk() {
  local name=$1 url=$2 tokens=$3
  shift 3
  log "$name: warm-up ($warmup)"
  run env TWINOPS_BENCH_TOKENS="$tokens" timeout 120 wrk -t"$wrk_threads" -c"$connections" -d"$warmup" --latency \
    -s scripts/bench-http.lua "$url" >"$work/$name.warmup" 2>&1 || { cat "$work/$name.warmup" >&2; die "$name: wrk warm-up failed"; }
  log "$name: wrk -t$wrk_threads -c$connections -d$duration --latency -s scripts/bench-http.lua $url"
  local before after
  before=$(cpu_ticks "$@")
  local perf_pid=""
  if [ -n "${BENCH_PERF_DIR:-}" ]; then
    mkdir -p "$BENCH_PERF_DIR"
    perf record -q --call-graph dwarf,32768 -F 499 -o "$BENCH_PERF_DIR/$name.perf.data" -p "$(IFS=,; echo "$*")" >/dev/null 2>&1 &
    perf_pid=$!
  fi
  run env TWINOPS_BENCH_TOKENS="$tokens" timeout 300 wrk -t"$wrk_threads" -c"$connections" -d"$duration" --latency \
    -s scripts/bench-http.lua "$url" >"$work/$name.wrk" 2>&1 || { cat "$work/$name.wrk" >&2; die "$name: wrk failed"; }
  after=$(cpu_ticks "$@")
  if [ -n "$perf_pid" ]; then kill -INT "$perf_pid" 2>/dev/null || true; wait "$perf_pid" || true; fi
  cat "$work/$name.wrk" >&2
  grep -q '^bench-http: requests=' "$work/$name.wrk" || die "$name: no summary line from bench-http.lua"
  awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n="$(field "$name" requests)" \
    'BEGIN { printf "%.0f", (n > 0 ? t / hz * 1e6 / n : 0) }' >"$work/$name.cpu"
}

# field NAME KEY: a value from the summary line of bench-http.lua
field() { grep '^bench-http: requests=' "$work/$1.wrk" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# start_server NAME DATABASE_URL: starts twinopsd serve, sets server_pid and server_url.
start_server() {
  local name=$1 database=$2 errlog=$work/$1.server.log
  mkdir -p "$work/$name.home"
  # XDG_DATA_HOME keeps the app-data directory (secrets, default database) inside $work.
  XDG_DATA_HOME="$work/$name.home" TWINOPS_JWT_SECRET=$jwt_secret TWINOPS_PASSWORD_COST=minimal \
    "$twinopsd" --database "$database" serve --listen 127.0.0.1:0 --http-threads "$http_threads" >"$work/$name.server.out" 2>"$errlog" &
  server_pid=$!
  local port=""
  for _ in $(seq 1 300); do
    port=$(sed -n 's|^twinopsd: serving http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$errlog" | head -n 1)
    [ -n "$port" ] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$errlog" >&2; die "$name: twinopsd exited"; }
    sleep 0.1
  done
  [ -n "$port" ] || { cat "$errlog" >&2; die "$name: twinopsd did not report its port within 30 s"; }
  server_url=http://127.0.0.1:$port
  log "$name: twinopsd serving $server_url (pid $server_pid)"
}

# curl_batch CONFIG: runs the requests of a curl config file over one keep-alive connection; prints one
# status code per request.
curl_batch() { run curl --silent --show-error --max-time 120 --config "$1"; }

# seed NAME: 100 sign-ups (each its own tenant), 10 twins each; writes $work/NAME.tokens.lua.
seed() {
  local name=$1 dir=$work/$1.seed started=$SECONDS
  mkdir -p "$dir"
  : >"$dir/signup.cfg"
  for i in $(seq 1 "$tenants"); do
    [ "$i" -eq 1 ] || echo next >>"$dir/signup.cfg"
    cat >>"$dir/signup.cfg" <<EOF
url = "$server_url/api/v1/auth/signup"
request = "POST"
header = "Content-Type: application/json"
data = "{\"email\":\"bench$i@example.com\",\"password\":\"bench tenant $i secret\",\"tenant_name\":\"Bench tenant $i\"}"
output = "$dir/signup-$i.json"
write-out = "%{http_code}\n"
EOF
  done
  curl_batch "$dir/signup.cfg" >"$dir/signup.status"
  [ "$(grep -c '^201$' "$dir/signup.status")" -eq "$tenants" ] \
    || die "$name: sign-ups did not all return 201: $(sort "$dir/signup.status" | uniq -c | tr '\n' ' ')"
  : >"$dir/twins.cfg"
  {
    echo "return {"
    for i in $(seq 1 "$tenants"); do
      local token
      token=$(jq -er '.access_token' "$dir/signup-$i.json") || die "$name: no access_token in sign-up $i"
      echo "  \"$token\","
      for j in $(seq 1 "$twins_per_tenant"); do
        [ ! -s "$dir/twins.cfg" ] || echo next >>"$dir/twins.cfg"
        cat >>"$dir/twins.cfg" <<EOF
url = "$server_url/api/v1/twins"
request = "POST"
header = "Content-Type: application/json"
header = "Authorization: Bearer $token"
data = "{\"name\":\"Twin $j of tenant $i\",\"description\":\"Benchmark twin number $j\"}"
output = "/dev/null"
write-out = "%{http_code}\n"
EOF
      done
    done
    echo "}"
  } >"$work/$name.tokens.lua"
  curl_batch "$dir/twins.cfg" >"$dir/twins.status"
  [ "$(grep -c '^201$' "$dir/twins.status")" -eq $((tenants * twins_per_tenant)) ] \
    || die "$name: twin creations did not all return 201: $(sort "$dir/twins.status" | uniq -c | tr '\n' ' ')"
  # One response body: its size is the nginx file's size, and it must hold exactly 10 twins.
  local token
  token=$(jq -er '.access_token' "$dir/signup-1.json")
  curl --silent --show-error --fail --max-time 10 -H "Authorization: Bearer $token" \
    -o "$work/$name.body.json" "$server_url/api/v1/twins"
  local items
  items=$(jq '.items | length' "$work/$name.body.json")
  [ "$items" -eq "$twins_per_tenant" ] || die "$name: GET /api/v1/twins returned $items items, expected $twins_per_tenant"
  log "$name: seeded $tenants tenants x $twins_per_tenant twins in $((SECONDS - started)) s;" \
    "one GET /api/v1/twins body is $(stat -c %s "$work/$name.body.json") bytes"
}

free_port() { # a loopback port nobody listens on (picked by the kernel, then released)
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

load_start=$(cut -d' ' -f1 /proc/loadavg)

# --- 2./3. twinopsd on each backend -------------------------------------------------------------------------
body_size=""
measured_transport=""
for backend in $backends; do
  case "$backend" in
  sqlite)
    database="sqlite://$work/sqlite/bench.db"
    mkdir -p "$work/sqlite"
    ;;
  postgres)
    pg_state=$work/pg
    bash scripts/pg-test-cluster.sh start "$pg_state" --durable >&2
    admin_dsn=$(cat "$pg_state/dsn")
    psql "$admin_dsn" -v ON_ERROR_STOP=1 -q -c 'CREATE DATABASE bench' >&2
    database=${admin_dsn%/postgres}/bench
    ;;
  *) die "unknown backend '$backend' (sqlite or postgres)" ;;
  esac
  start_server "$backend" "$database"
  seed "$backend" # right before measuring: access tokens live 15 minutes
  [ -n "$body_size" ] || body_size=$(stat -c %s "$work/$backend.body.json")
  pids=("$server_pid")
  if [ "$backend" = postgres ]; then # the postmaster and its children (the server's connections among them)
    postmaster=$(head -n 1 "$(cat "$pg_state/datadir")/data/postmaster.pid")
    pids+=("$postmaster" $(pgrep -P "$postmaster" || true))
  fi
  run_wrk "$backend" "$server_url/api/v1/twins" "$work/$backend.tokens.lua" "${pids[@]}"
  if [ "$backend" = sqlite ]; then # the floor under every route: Qt HttpServer, our guard and router, no handler
    run_wrk transport "$server_url/api/v1/no-such-route" "" "$server_pid"
    measured_transport=1
  fi
  stop_pid "$server_pid"; server_pid=""
  if [ "$backend" = postgres ]; then
    bash scripts/pg-test-cluster.sh stop "$pg_state" >&2; pg_state=""
  fi
done
[ -n "$body_size" ] || die "no backend was measured"

# --- 4. nginx, the ceiling -----------------------------------------------------------------------------------
ngx=$work/nginx
mkdir -p "$ngx/html/api/v1" "$ngx/logs" "$ngx/tmp"
head -c "$body_size" /dev/zero | tr '\0' 'x' >"$ngx/html/api/v1/twins" # same size as one JSON body
chmod -R a+rX "$ngx"
nginx_port=$(free_port)
cat >"$ngx/nginx.conf" <<EOF
worker_processes 2;
daemon off;
pid $ngx/nginx.pid;
error_log $ngx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 100000;
  default_type application/json;
  sendfile on;
  client_body_temp_path $ngx/tmp/body;
  proxy_temp_path $ngx/tmp/proxy;
  fastcgi_temp_path $ngx/tmp/fastcgi;
  uwsgi_temp_path $ngx/tmp/uwsgi;
  scgi_temp_path $ngx/tmp/scgi;
  server {
    listen 127.0.0.1:$nginx_port;
    root $ngx/html;
  }
}
EOF
"$nginx_bin" -p "$ngx" -c "$ngx/nginx.conf" -e "$ngx/logs/error.log" -t >/dev/null 2>&1 \
  || { "$nginx_bin" -p "$ngx" -c "$ngx/nginx.conf" -e "$ngx/logs/error.log" -t >&2 || true; die "nginx configuration rejected"; }
"$nginx_bin" -p "$ngx" -c "$ngx/nginx.conf" -e "$ngx/logs/error.log" >"$ngx/logs/stdout" 2>&1 &
nginx_pid=$!
for _ in $(seq 1 100); do
  curl --silent --fail --max-time 2 -o /dev/null "http://127.0.0.1:$nginx_port/api/v1/twins" && break
  kill -0 "$nginx_pid" 2>/dev/null || { cat "$ngx/logs/error.log" >&2 || true; die "nginx exited"; }
  sleep 0.1
done
served=$(curl --silent --show-error --fail --max-time 5 -o /dev/null -w '%{size_download}' "http://127.0.0.1:$nginx_port/api/v1/twins") \
  || die "nginx does not answer on 127.0.0.1:$nginx_port"
[ "$served" -eq "$body_size" ] || die "nginx serves $served bytes, expected $body_size"
log "nginx: serving a $body_size-byte file on 127.0.0.1:$nginx_port (pid $nginx_pid)"
run_wrk nginx "http://127.0.0.1:$nginx_port/api/v1/twins" "" "$nginx_pid" $(pgrep -P "$nginx_pid" || true)
stop_pid "$nginx_pid"; nginx_pid=""

# --- 5. report ------------------------------------------------------------------------------------------------
load_end=$(cut -d' ' -f1 /proc/loadavg)
ms() { awk -v us="$1" 'BEGIN { printf "%.2f ms", us / 1000 }'; }
nginx_rps=$(field nginx rps)
declare -A target=([sqlite]=50 [postgres]=20)
verdicts=()
table="| target | requests/s | p50 | p99 | non-2xx | vs nginx | server CPU/request |
|---|---:|---:|---:|---:|---:|---:|"
for name in $backends ${measured_transport:+transport} nginx; do
  rps=$(field "$name" rps)
  bad=$(field "$name" non2xx)
  socket_errors=$(( $(field "$name" connect_errors) + $(field "$name" read_errors) + $(field "$name" write_errors) + $(field "$name" timeouts) ))
  pct=$(awk -v a="$rps" -v b="$nginx_rps" 'BEGIN { printf "%.1f", 100 * a / b }')
  case "$name" in
  sqlite) label="twinopsd + SQLite" ;;
  postgres) label="twinopsd + PostgreSQL (durable)" ;;
  nginx) label="nginx, static $body_size B" ;;
  transport) label="twinopsd transport + router only (404, $(field transport bytes_per_response) B with headers, no handler, no database; non-2xx expected)" ;;
  esac
  ratio="$pct %"; [ "$name" = nginx ] && ratio="100 %"
  table+="
| $label | $(printf '%.0f' "$rps") | $(ms "$(field "$name" p50_us)") | $(ms "$(field "$name" p99_us)") | $bad | $ratio | $(cat "$work/$name.cpu") µs |"
  if [ "$name" = sqlite ] || [ "$name" = postgres ]; then
    goal=${target[$name]}
    met=$(awk -v p="$pct" -v g="$goal" 'BEGIN { print (p >= g) ? "yes" : "no" }')
    [ "$bad" -eq 0 ] && [ "$socket_errors" -eq 0 ] || met=no
    verdicts+=("- $label: ${pct} % of nginx (target >= $goal %), $bad non-2xx, $socket_errors socket errors: target $( [ "$met" = yes ] && echo met || echo NOT met )")
  fi
done

stamp=$(bench_stamp)
setup_line="wrk -t$wrk_threads -c$connections -d$duration --latency (after a $warmup warm-up), GET /api/v1/twins: $tenants tenants x $twins_per_tenant twins, one of $tenants JWTs per request, twinopsd --http-threads $http_threads; nginx worker_processes 2 serving a static file of the same size ($body_size B). Load average (1 min) $load_start before, $load_end after: other work on the machine moves requests/s much more than server CPU/request (twinopsd's CPU time, plus PostgreSQL's for that row, or nginx's, divided by the requests served)"

echo
echo "HTTP benchmark, $stamp"
echo "$setup_line"
echo
echo "$table"
echo
printf '%s\n' "${verdicts[@]}"

record_benchmark "### HTTP benchmark (issue #3)" \
  "Written by \`bash scripts/bench-http.sh\` (one entry per run, newest last). Targets on the 2-core machine: SQLite >= 50 % and durable PostgreSQL >= 20 % of nginx's requests/s, zero non-2xx." \
  "#### $stamp

$setup_line.

$table

$(printf '%s\n' "${verdicts[@]}")
"
