#!/usr/bin/env bash
# Checks that every tracked C++ file is formatted by .clang-format (the default, what CI runs), or formats them all
# (--fix). The pinned clang-format is Debian 12's, 14: other versions format a few constructs differently.
set -euo pipefail
cd "$(dirname "$0")/.."

format=$(command -v clang-format-14 || command -v clang-format)
mapfile -t files < <(git ls-files '*.cpp' '*.h')
if [ "${1:-}" = --fix ]; then
  "$format" -i "${files[@]}"
elif ! "$format" --dry-run --Werror "${files[@]}"; then
  echo "format: the files above are not formatted; run scripts/format.sh --fix (or git clang-format) and commit" >&2
  exit 1
fi
echo "format: ${#files[@]} files formatted"
