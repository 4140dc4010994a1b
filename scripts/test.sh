#!/usr/bin/env bash
# Sets up everything and runs the whole test suite: the full build (desktop console included) and the headless
# server build (which must never find Widgets or Charts), each with all of its tests, and the Debian packages made
# from the full build and checked (scripts/package.sh, scripts/check-packages.sh). PostgreSQL is started by
# ctest's "pg" fixture; a D-Bus session with an unlocked gnome-keyring serves the keychain tests.
# TWINOPS_TEST_ASAN=1 also builds and tests the address+undefined sanitizer preset, TWINOPS_TEST_TSAN=1 the thread
# sanitizer preset (slow: a build of its own, and the tests run 5-15 times slower).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
bash scripts/format.sh # seconds: fail before building
# Paths relative to the checkout, so that ccache hits across clones in different folders (CI clones afresh).
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1 # debug info would otherwise hash the folder
presets=(ci headless)
[ "${TWINOPS_TEST_ASAN:-0}" = 1 ] && presets+=(asan)
[ "${TWINOPS_TEST_TSAN:-0}" = 1 ] && presets+=(tsan)

for preset in "${presets[@]}"; do
  echo "== build: $preset"
  start=$(date +%s)
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  echo "== build: $preset took $(( $(date +%s) - start )) s"
done
echo "== tidy: ci"
bash scripts/tidy.sh build/ci
echo "== packages"
start=$(date +%s)
bash scripts/package.sh
bash scripts/check-packages.sh
echo "== packages took $(( $(date +%s) - start )) s"

# One D-Bus session for the whole run, with a fresh "login" keyring created and unlocked without a prompt
# (gnome-keyring --login reads its password from stdin). The keychain tests must not skip here.
exec dbus-run-session -- bash -c '
  set -euo pipefail
  export XDG_DATA_HOME="$(mktemp -d)" XDG_RUNTIME_DIR="$(mktemp -d)"
  chmod 700 "$XDG_RUNTIME_DIR"
  printf "twinops-test" | gnome-keyring-daemon --daemonize --login >/dev/null 2>&1
  eval "$(gnome-keyring-daemon --start --components=secrets 2>/dev/null)"
  export TWINOPS_TEST_REQUIRE_KEYRING=1
  status=0
  for preset in "$@"; do
    echo "== test: $preset"
    ctest --preset "$preset" || status=1
  done
  exit $status
' test-session "${presets[@]}"
