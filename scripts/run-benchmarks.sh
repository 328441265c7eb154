#!/usr/bin/env bash
# Runs every benchmark driver of a build tree (bench/*_bench.cpp); each prints gogooku3's time
# next to a peer's, measured in the same run.
set -euo pipefail
build=${1:?usage: run-benchmarks.sh BUILD_DIR}
for bench in "$build"/bench/*_bench; do
  name=$(basename "$bench")
  echo "== $name =="
  "$bench"
done
