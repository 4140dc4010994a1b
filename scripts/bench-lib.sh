# Shared by the benchmark scripts (sourced, not run). The caller defines log, die and $work first.

# stop_pid PID: SIGTERM, up to 10 s, then SIGKILL; an empty or gone PID is fine.
stop_pid() {
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# run CMD...: runs a long command in the background and waits for it, so that a signal stops the script at once
# (bash runs traps only between foreground commands) and the cleanup can stop it too (stop_pid "$child_pid").
child_pid=""
run() {
  local rc=0
  "$@" &
  child_pid=$!
  wait "$child_pid" || rc=$?
  child_pid=""
  return "$rc"
}

# The header of an entry: "<UTC time> · commit <sha>[ (uncommitted changes)] · <CPUs and model>".
bench_stamp() {
  local commit dirty="" cpu
  commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
  git diff --quiet HEAD -- services app migrations 2>/dev/null || dirty=" (uncommitted changes in services/app/migrations)"
  cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
  echo "$(date -u '+%Y-%m-%d %H:%M UTC') · commit $commit$dirty · $(nproc) CPUs, $cpu"
}

# record_benchmark HEADING INTRO ENTRY: appends ENTRY at the end of HEADING's section of docs/benchmarks.md
# (creating the file and the section, with INTRO under it, when missing); nothing when BENCH_NO_RECORD=1.
record_benchmark() {
  local heading=$1 intro=$2 entry=$3 doc=docs/benchmarks.md
  [ "${BENCH_NO_RECORD:-0}" != 1 ] || return 0
  [ -f "$doc" ] || printf '# Benchmarks\n' >"$doc"
  grep -qxF "$heading" "$doc" || printf '\n%s\n\n%s\n' "$heading" "$intro" >>"$doc"
  # Before the next heading of level 1-3 after ours, or at the end.
  BENCH_HEADING=$heading BENCH_ENTRY=$entry awk '
    BEGIN { heading = ENVIRON["BENCH_HEADING"]; entry = ENVIRON["BENCH_ENTRY"] }
    function put() { if (!done) { if (last != "") printf "\n"; printf "%s", entry; done = 1 } }
    $0 == heading { inside = 1 }
    inside && $0 != heading && /^(#|##|###) / { put(); printf "\n"; inside = 0 }
    { print; last = $0 }
    END { put() }
  ' "$doc" >"$work/benchmarks.md"
  cat "$work/benchmarks.md" >"$doc"
  log "appended the table to $doc"
}
