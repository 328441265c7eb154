#!/usr/bin/env bash
# Fuzzes the Parquet reader for SECONDS with libFuzzer (tests/fuzz/parquet_reader_fuzz.cpp).
# Builds the target with clang++ and ASan/UBSan under BUILD_DIR/fuzz/ (objects are reused while
# their source and the headers are older), regenerates the seed corpus with our writer
# (tests/fuzz/make_parquet_seeds.cpp) and keeps the grown corpus in BUILD_DIR/fuzz/corpus
# between runs. A finding (crash, non-gogooku3 exception, sanitizer report, timeout, OOM) is
# saved under BUILD_DIR/fuzz/findings/ and makes the script exit non-zero; replay it with
#   BUILD_DIR/fuzz/parquet_reader_fuzz FINDING
# The random seed is fixed (FUZZ_SEED, default 1) so that CI explores the same inputs each run;
# set another seed, or a longer time, to search further by hand.
set -euo pipefail
build=${1:?usage: fuzz-parquet.sh BUILD_DIR SECONDS}
seconds=${2:?usage: fuzz-parquet.sh BUILD_DIR SECONDS}
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "$build/fuzz" && cd "$build/fuzz" && pwd)
cxx=${CXX_FUZZ:-clang++}
flags=(-std=c++20 -g -O1 -fno-omit-frame-pointer "-fsanitize=address,undefined"
       -fno-sanitize-recover=all "-I$root/src")
libs=(-lzstd -lsnappy -lfmt)

library_sources=("$root"/src/core/{date,error,column,table}.cpp "$root/src/storage/io/file_io.cpp"
                 "$root"/src/storage/parquet/*.cpp)
newest_header=$(find "$root/src/core" "$root/src/storage" -name '*.h' -printf '%T@\n' |
                sort -n | tail -1)

# Compiles one source to an object unless the object is newer than it and every header.
compile() {
  local source=$1 object=$2
  shift 2
  if [[ -f $object && $object -nt $source ]] &&
     (($(stat -c %Y "$object") > ${newest_header%.*})); then
    return
  fi
  mkdir -p "$(dirname "$object")"
  "$cxx" "${flags[@]}" "$@" -c "$source" -o "$object"
}

objects=()
for source in "${library_sources[@]}"; do
  object=$out/obj/${source#"$root"/}.o
  compile "$source" "$object" -fsanitize=fuzzer-no-link
  objects+=("$object")
done
compile "$root/tests/fuzz/parquet_reader_fuzz.cpp" "$out/obj/parquet_reader_fuzz.o" \
  -fsanitize=fuzzer-no-link
compile "$root/tests/fuzz/make_parquet_seeds.cpp" "$out/obj/make_parquet_seeds.o"
"$cxx" "${flags[@]}" -fsanitize=fuzzer "${objects[@]}" "$out/obj/parquet_reader_fuzz.o" \
  "${libs[@]}" -o "$out/parquet_reader_fuzz"
"$cxx" "${flags[@]}" "${objects[@]}" "$out/obj/make_parquet_seeds.o" "${libs[@]}" \
  -o "$out/make_parquet_seeds"

rm -rf "$out/seeds"
"$out/make_parquet_seeds" "$out/seeds"
# Every input that once was a finding stays a seed (tests/data/parquet/fuzz_regressions/, also
# read by the unit test ParquetFuzzRegressionTest).
cp "$root/tests/data/parquet/fuzz_regressions/"* "$out/seeds/"
mkdir -p "$out/corpus" "$out/findings"

status=0
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
  "$out/parquet_reader_fuzz" -max_total_time="$seconds" -seed="${FUZZ_SEED:-1}" \
  -max_len=65536 -rss_limit_mb=2048 \
  -timeout=10 -print_final_stats=1 -artifact_prefix="$out/findings/" \
  "$out/corpus" "$out/seeds" > "$out/fuzz.log" 2>&1 || status=$?
tail -n 40 "$out/fuzz.log"
if ((status != 0)); then
  echo "fuzz-parquet: finding (exit $status); log $out/fuzz.log, inputs in $out/findings/:"
  ls -1 "$out/findings"
  exit 1
fi
echo "fuzz-parquet: no finding in ${seconds}s ($(find "$out/corpus" -type f | wc -l) corpus files)"
