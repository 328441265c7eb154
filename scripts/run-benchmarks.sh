#!/usr/bin/env bash
# Runs every benchmark driver of a build tree (bench/*_bench.cpp); each prints gogooku3's time
# next to a peer's, measured in the same run. parquet_bench starts its DuckDB peer itself
# (node bench/parquet_bench_duckdb.mjs, with @duckdb/node-api from tests/interop/node_modules);
# without node or those modules it prints gogooku3's numbers alone. features_bench runs its
# pandas peer (bench/peers/features_pandas.py) with Debian's python3-pandas, a bench-only
# dependency installed here when missing. warehouse_bench runs inside scripts/with-servers.sh
# (its ClickHouse) and compares with clickhouse-client.
#   scripts/run-benchmarks.sh BUILD_DIR [ONLY_NAME]   e.g. ... build/release parquet_bench
set -euo pipefail
build=${1:?usage: run-benchmarks.sh BUILD_DIR [ONLY_NAME]}
only=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v node >/dev/null || [[ ! -d $root/tests/interop/node_modules/@duckdb/node-api ]]; then
  echo "note: node or tests/interop/node_modules missing (npm ci --prefix tests/interop);" \
    "parquet_bench runs without its DuckDB peer" >&2
fi
if [[ -x $build/bench/features_bench && ( -z $only || $only == features_bench ) ]] &&
  ! dpkg-query -W -f='${Status}' python3-pandas 2>/dev/null | grep -q "install ok installed"; then
  echo "run-benchmarks: installing python3-pandas (features_bench's peer)" >&2
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
    python3-pandas
fi
for bench in "$build"/bench/*_bench; do
  name=$(basename "$bench")
  [[ -z $only || $name == "$only" ]] || continue
  echo "== $name =="
  # warehouse_bench loads a ClickHouse that with-servers.sh starts (and stops) around it.
  servers=()
  [[ $name == warehouse_bench ]] && servers=("$root/scripts/with-servers.sh")
  GOGOOKU3_DUCKDB_PEER=$root/bench/parquet_bench_duckdb.mjs \
    GOGOOKU3_PANDAS_PEER=$root/bench/peers/features_pandas.py "${servers[@]}" "$bench"
done
