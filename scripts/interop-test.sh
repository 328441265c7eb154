#!/usr/bin/env bash
# Interoperability: the acceptance test of src/storage/parquet/ and of the indicators:
#   1. parquet_interop_write writes our files (every type, codec and page layout), each with the
#      content it must read back as; compare.mjs reads them with DuckDB, hyparquet and
#      parquet-wasm and checks values, types and metadata (one check per file and reader).
#   2. duckdb-write.mjs writes DuckDB files with their content; compare.mjs first checks the
#      three reference readers agree with it (a check of the harness itself), then
#      parquet_interop_read checks that our Reader does (one check per file).
#   3. A lake filled by `gogooku3 ingest --source sample`, read by DuckDB (below).
#   4. `gogooku3 indicators` against TA-Lib itself (talib-web, TA-Lib's C code in WebAssembly):
#      indicators-talib.mjs, one check per indicator name and test series.
# Needs Node >= 20 with npm, and parquet_interop_write / parquet_interop_read built somewhere
# under BUILD_DIR. Prints failures with their differences and a last line
# "interop: N passed, M failed"; exits non-zero on any failure. INTEROP_KEEP=1 keeps the files.
set -euo pipefail
build=${1:?usage: interop-test.sh BUILD_DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
interop=$root/tests/interop

find_binary() {
  local found
  found=$(find "$build" -type f -name "$1" -perm -u+x -print -quit 2>/dev/null)
  if [[ -z $found ]]; then
    echo "interop: $1 not found under $build (build its target first)" >&2
    exit 1
  fi
  echo "$found"
}
writer=$(find_binary parquet_interop_write)
reader=$(find_binary parquet_interop_read)
gogooku3=$(find_binary gogooku3)

# npm ci only when node_modules was not installed from this exact lock file.
lock_hash=$(sha256sum "$interop/package-lock.json" | cut -d' ' -f1)
stamp=$interop/node_modules/.installed-from-lock
if [[ ! -f $stamp || $(cat "$stamp") != "$lock_hash" ]]; then
  (cd "$interop" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  echo "$lock_hash" > "$stamp"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/interop.XXXXXX")
if [[ ${INTEROP_KEEP:-0} == 1 ]]; then
  echo "interop: files kept in $work"
else
  trap 'rm -rf "$work"' EXIT
fi

passed=0
failed=0
# Runs one step, shows everything but its "ok" lines, and adds up its "X: N passed, M failed"
# line; a step that dies without that line counts as one failure.
step() {
  local name=$1 log=$work/$1.log
  shift
  local status=0
  "$@" > "$log" 2>&1 || status=$?
  grep -vE '^(ok [^(]*$|wrote )' "$log" | grep -vE '^[a-z]+: [0-9]+ passed, [0-9]+ failed$' || true
  local counts
  counts=$(grep -oE '^[a-z]+: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -1 || true)
  if [[ -n $counts ]]; then
    passed=$((passed + $(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<< "$counts")))
    failed=$((failed + $(sed -E 's/.*, ([0-9]+) failed/\1/' <<< "$counts")))
  fi
  if ((status != 0)) && [[ -z $counts ]]; then
    echo "interop: step '$name' failed (exit $status, log above)"
    failed=$((failed + 1))
  fi
}

# A file parquet_interop_write could not write (a FAIL line) is a failure of its own; the files
# it did write are counted by compare.mjs.
write_ours() {
  local status=0 output
  output=$("$writer" "$work/ours" 2>&1) || status=$?
  echo "$output"
  echo "write: 0 passed, $(grep -c '^FAIL' <<< "$output" || true) failed"
  return "$status"
}

# 3. gogooku3 ingest fills a lake from the sample market; lake-duckdb.mjs reads it with DuckDB
#    and checks the row counts the ingest printed and the clean-prices invariants.
ingest_lake() {
  "$gogooku3" --home "$work/home" ingest --from 2024-01-04 --to 2024-06-28 --source sample \
    --stocks 300 --quiet > "$work/ingest-summary.txt"
  node "$interop/lake-duckdb.mjs" "$work/home/lake" "$work/ingest-summary.txt"
}

step write-ours write_ours
step compare-ours node "$interop/compare.mjs" "$work/ours"
step write-duckdb node "$interop/duckdb-write.mjs" "$work/duckdb"
step compare-duckdb node "$interop/compare.mjs" "$work/duckdb"
step read-duckdb "$reader" "$work/duckdb"
step ingest-lake ingest_lake
step indicators-talib node "$interop/indicators-talib.mjs" "$gogooku3" "$work/indicators"

echo "interop: $passed passed, $failed failed"
((failed == 0))
