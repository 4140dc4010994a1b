#!/usr/bin/env bash
# Sets up everything and runs the console on the embedded SQLite database (created on first run).
# Without a display it says so and runs the headless service (twinopsd serve) instead.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
export CCACHE_BASEDIR="$PWD"
cmake --preset ci >/dev/null
cmake --build --preset ci

if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
  exec build/ci/app/twinops "$@"
fi
echo "console: no display (DISPLAY and WAYLAND_DISPLAY are unset), so running the headless service: twinopsd serve"
exec build/ci/app/twinopsd serve "$@"
