#!/usr/bin/env bash
# Starts or stops a private PostgreSQL cluster for the tests: initdb in a temporary directory, a free loopback
# port, owned by an unprivileged user when we are root (initdb refuses root).
#   pg-test-cluster.sh start STATE_DIR [--durable]   writes STATE_DIR/dsn (and STATE_DIR/datadir)
#   pg-test-cluster.sh stop STATE_DIR
# TWINOPS_TEST_PG_DURABLE=1 is the same as --durable (fsync and synchronous_commit on, for benchmarks).
# With TWINOPS_TEST_PG_DSN set, "start" just records that server and "stop" leaves it alone.
set -euo pipefail

action=${1:?usage: pg-test-cluster.sh start|stop STATE_DIR [--durable]}
state=${2:?usage: pg-test-cluster.sh start|stop STATE_DIR [--durable]}
durable=${3:-}
[ "${TWINOPS_TEST_PG_DURABLE:-0}" = 1 ] && durable=--durable
mkdir -p "$state"

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bindir/initdb" ] || { echo "pg-test-cluster: PostgreSQL server binaries not found (run scripts/setup.sh)" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$action" in
start)
  if [ -n "${TWINOPS_TEST_PG_DSN:-}" ]; then
    echo "$TWINOPS_TEST_PG_DSN" > "$state/dsn"; rm -f "$state/datadir"
    echo "pg-test-cluster: using TWINOPS_TEST_PG_DSN"; exit 0
  fi
  [ -f "$state/datadir" ] && "$0" stop "$state" >/dev/null 2>&1 || true
  dir=$(mktemp -d /tmp/twinops-pg.XXXXXX)
  chmod 755 "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
  as_owner "$bindir/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  if [ "$durable" = "--durable" ]; then
    settings="-c fsync=on -c synchronous_commit=on"
  else
    settings="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  fi
  for attempt in 1 2 3 4 5 6 7 8; do
    port=$(( 20000 + (RANDOM % 30000) ))
    if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
         -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=256MB $settings" \
         start >/dev/null 2>&1; then
      echo "postgres://postgres@127.0.0.1:$port/postgres" > "$state/dsn"
      echo "$dir" > "$state/datadir"
      echo "pg-test-cluster: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($dir)"
      exit 0
    fi
  done
  cat "$dir/server.log" >&2; exit 1
  ;;
stop)
  if [ -f "$state/datadir" ]; then
    dir=$(cat "$state/datadir")
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir" "$state/datadir" "$state/dsn"
    echo "pg-test-cluster: stopped"
  fi
  ;;
*) echo "usage: pg-test-cluster.sh start|stop STATE_DIR [--durable]" >&2; exit 2 ;;
esac
