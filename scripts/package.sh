#!/usr/bin/env bash
# Builds the Debian packages into build/packages/: twinopsd_<version>_<arch>.deb (the daemon and its service) and
# twinops_<version>_<arch>.deb (the desktop console), from the ci build (RelWithDebInfo; CPack strips the binaries).
# Cheap when build/ci is up to date, as it is after the test command. packaging/ holds what goes in them.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1 # as in scripts/test.sh, so that both share ccache's hits
cmake --preset ci >/dev/null
cmake --build --preset ci --target twinopsd twinops twinops_package_files
rm -rf build/packages
cpack --config build/ci/CPackConfig.cmake -B build/ci/cpack -D CPACK_OUTPUT_FILE_PREFIX="$PWD/build/packages"
ls -l build/packages/*.deb
