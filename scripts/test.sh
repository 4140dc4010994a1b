#!/usr/bin/env bash
# Sets up everything and runs the whole test suite: the full build (desktop console included) and the headless
# server build (which must never find Widgets or Charts), each with all of its tests. PostgreSQL is started by
# ctest's "pg" fixture; a D-Bus session with an unlocked gnome-keyring serves the keychain tests.
# TWINOPS_TEST_ASAN=1 also builds and tests the address+undefined sanitizer preset.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
presets=(ci headless)
[ "${TWINOPS_TEST_ASAN:-0}" = 1 ] && presets+=(asan)

for preset in "${presets[@]}"; do
  echo "== build: $preset"
  start=$(date +%s)
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  echo "== build: $preset took $(( $(date +%s) - start )) s"
done

# One D-Bus session for the whole run, with a keyring unlocked by an empty password.
exec dbus-run-session -- bash -c '
  set -euo pipefail
  eval "$(printf "" | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)" || true
  export GNOME_KEYRING_CONTROL SSH_AUTH_SOCK 2>/dev/null || true
  status=0
  for preset in "$@"; do
    echo "== test: $preset"
    ctest --preset "$preset" || status=1
  done
  exit $status
' test-session "${presets[@]}"
