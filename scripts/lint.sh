#!/usr/bin/env bash
# clang-tidy over every .cpp of src/, tests/, bench/ and tools/ with the root .clang-tidy, using the
# compile database of a build tree. Prints only the findings; exits non-zero on any.
set -euo pipefail
build=${1:?usage: lint.sh BUILD_DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
set +e
# -Wno-unknown-warning-option: clang does not know some GCC flags of the build (-Wno-restrict).
run-clang-tidy -quiet -extra-arg=-Wno-unknown-warning-option -p "$build" -j "$(nproc)" "$root/(src|tests|bench|tools)/.*\.cpp$" > "$build/lint.log" 2>&1
status=$?
set -e
sed 's/\x1b\[[0-9;]*m//g' "$build/lint.log" |
  grep -vE '^([0-9]+ warnings( and [0-9]+ errors?)? generated|clang-tidy-14 |Suppressed [0-9]+ warnings|Use -header-filter|Running clang-tidy)' |
  grep -v '^\s*$' || true
if ((status != 0)); then
  echo "lint: clang-tidy found problems (full log: $build/lint.log)"
  exit 1
fi
echo "lint: clean"
