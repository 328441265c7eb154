#!/usr/bin/env bash
# Runs every benchmark driver of a build tree (bench/*_bench.cpp); each prints gogooku3's time
# next to a peer's, measured in the same run. parquet_bench starts its DuckDB peer itself
# (node bench/parquet_bench_duckdb.mjs, with @duckdb/node-api from tests/interop/node_modules);
# without node or those modules it prints gogooku3's numbers alone.
#   scripts/run-benchmarks.sh BUILD_DIR [ONLY_NAME]   e.g. ... build/release parquet_bench
set -euo pipefail
build=${1:?usage: run-benchmarks.sh BUILD_DIR [ONLY_NAME]}
only=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v node >/dev/null || [[ ! -d $root/tests/interop/node_modules/@duckdb/node-api ]]; then
  echo "note: node or tests/interop/node_modules missing (npm ci --prefix tests/interop);" \
    "parquet_bench runs without its DuckDB peer" >&2
fi
for bench in "$build"/bench/*_bench; do
  name=$(basename "$bench")
  [[ -z $only || $name == "$only" ]] || continue
  echo "== $name =="
  GOGOOKU3_DUCKDB_PEER=$root/bench/parquet_bench_duckdb.mjs "$bench"
done
