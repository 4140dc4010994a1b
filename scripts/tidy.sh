#!/usr/bin/env bash
# Runs the agreed clang-tidy checks (.clang-tidy) on every TwinOps translation unit of a configured and built tree
# (default build/ci: the build generates the moc and resource headers the sources include). Any finding fails.
set -euo pipefail
cd "$(dirname "$0")/.."

build=${1:-build/ci}
tidy=$(command -v run-clang-tidy-14 || command -v run-clang-tidy)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
start=$(date +%s)
# Only our sources: not the build tree's generated moc/qrc translation units.
status=0
"$tidy" -quiet -p "$build" -j "$(nproc)" "^$PWD/(app|ui|models|services|tests)/.*\\.cpp\$" >"$log" 2>&1 || status=$?
grep -v '^clang-tidy-[0-9]* \|^Running clang-tidy\|^[0-9]* warnings\? generated\|^Suppressed [0-9]* warnings\|^Use -header-filter\|^$' "$log" || true
if [ "$status" != 0 ]; then
  echo "tidy: findings above (checks in .clang-tidy)" >&2
  exit 1
fi
echo "tidy: clean ($(( $(date +%s) - start )) s)"
