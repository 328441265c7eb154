# The two commands of the README, and the developer chores around them.
#   make run    install deps, build, run the main job on the built-in sample market
#   make test   install deps, build (warnings are errors), run every test, incl. ASan/UBSan
# Build trees live under build/ (release, asan); `make clean` removes them.

JOBS ?= $(shell nproc)
RELEASE := build/release
ASAN := build/asan
HOME_DIR ?= var
CMAKE_COMMON := -G Ninja -DCMAKE_EXPORT_COMPILE_COMMANDS=ON
SOURCES = $(shell git ls-files --cached --others --exclude-standard -- 'src/*.h' 'src/*.cpp' \
            'tests/*.h' 'tests/*.cpp' 'bench/*.cpp')

.PHONY: all deps build build-werror build-asan run test test-unit test-asan test-integration test-interop test-fuzz \
        bench format format-check lint clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	cmake -S . -B $(RELEASE) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(RELEASE) -j $(JOBS)

build-werror: deps
	cmake -S . -B $(RELEASE) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Release -DGOGOOKU3_WERROR=ON
	cmake --build $(RELEASE) -j $(JOBS)

build-asan: deps
	cmake -S . -B $(ASAN) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Debug -DGOGOOKU3_WERROR=ON \
	  -DGOGOOKU3_SANITIZE=ON -DGOGOOKU3_BUILD_BENCH=OFF
	cmake --build $(ASAN) -j $(JOBS) --target gogooku3_unit_tests

run: build
	GOGOOKU3_HOME=$(HOME_DIR) scripts/run-main-job.sh $(RELEASE)/gogooku3

test: deps format-check build-werror test-unit test-asan test-integration test-interop test-fuzz

test-unit:
	cd $(RELEASE) && ctest -L unit --output-on-failure -j $(JOBS) --timeout 300

test-asan: build-asan
	cd $(ASAN) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest -L unit --output-on-failure -j $(JOBS) --timeout 600

# Integration tests need servers: scripts/with-servers.sh starts each one on 127.0.0.1, waits for
# it, runs the tests against it and stops it (a server that fails to start fails with its log).
test-integration:
	scripts/with-servers.sh sh -c 'cd $(RELEASE) && ctest -L integration --output-on-failure --timeout 600'

# Parquet files we write, read by DuckDB, hyparquet and parquet-wasm; DuckDB's files read by us.
test-interop:
	scripts/interop-test.sh $(RELEASE)

# The Parquet reader under libFuzzer for a bounded time (FUZZ_SECONDS), seeded from our writer.
FUZZ_SECONDS ?= 60
test-fuzz:
	scripts/fuzz-parquet.sh $(ASAN) $(FUZZ_SECONDS)

bench: build
	scripts/run-benchmarks.sh $(RELEASE)

format:
	@clang-format -i $(SOURCES)

format-check:
	@clang-format --dry-run --Werror $(SOURCES) && echo "format: clean"

lint: build
	scripts/lint.sh $(RELEASE)

clean:
	rm -rf build
