#!/usr/bin/env bash
# Screenshots of every console panel into docs/screenshots/ (one PNG per section), made with demo data under Xvfb.
#   bash scripts/screenshots.sh [SECTION...]   (e.g. overview: only that one)
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
export CCACHE_BASEDIR="$PWD"
cmake --preset ci >/dev/null
cmake --build --preset ci --target make_screenshots
mkdir -p docs/screenshots
xvfb-run -a -s "-screen 0 1600x1000x24" build/ci/tests/make_screenshots docs/screenshots "$@"
