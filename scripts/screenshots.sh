#!/usr/bin/env bash
# Screenshots of every console panel into docs/screenshots/ (one PNG per section), made with demo data under Xvfb:
# at 1280x800 in the default palette, then docs/screenshots/1920x1080/ and docs/screenshots/dark/ (1280x800, a dark
# palette).
#   bash scripts/screenshots.sh [SECTION...]   (e.g. overview: only that one)
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
export CCACHE_BASEDIR="$PWD"
cmake --preset ci >/dev/null
cmake --build --preset ci --target make_screenshots
shoot() { # DIRECTORY SIZE DARK SECTION...
    local directory=$1 size=$2 dark=$3
    shift 3
    mkdir -p "$directory"
    TWINOPS_SCREENSHOT_SIZE=$size TWINOPS_SCREENSHOT_DARK=$dark \
        xvfb-run -a -s "-screen 0 2000x1200x24" build/ci/tests/make_screenshots "$directory" "$@"
}
shoot docs/screenshots 1280x800 0 "$@"
shoot docs/screenshots/1920x1080 1920x1080 0 "$@"
shoot docs/screenshots/dark 1280x800 1 "$@"
