#!/usr/bin/env bash
# Installs the Debian 12 packages gogooku3 needs to build, test and run. Idempotent: when every
# package is already installed it does nothing (no apt-get update, no network). Run as root or
# with sudo available. Add a package here when a module starts to use it, never by hand.
set -euo pipefail

packages=(
  # toolchain
  g++ make cmake ninja-build git pkg-config ca-certificates curl
  # libraries (DESIGN.md, "Dependencies")
  libfmt-dev libspdlog-dev libyaml-cpp-dev libcli11-dev nlohmann-json3-dev libsqlite3-dev
  libcurl4-openssl-dev libssl-dev libzstd-dev libsnappy-dev zlib1g-dev libtbb-dev
  # production backends (docs/backends.md): PostgreSQL metadata (libpq) and the servers the
  # integration tests start on 127.0.0.1 (scripts/with-servers.sh)
  libpq-dev postgresql clickhouse-server clickhouse-client
  # the model (ml/): LibTorch (CPU), the baselines' Ridge (Eigen) and gradient-boosted trees
  libtorch-dev libeigen3-dev libxgboost-dev
  # the BLAS LibTorch calls: OpenBLAS is about twice as fast here as the reference BLAS that
  # libtorch-dev pulls in by default (Debian switches libblas.so.3 to it on install)
  libopenblas0-openmp
  # the fake J-Quants server used by tests and benchmarks (HTTP server, gzip)
  libcpp-httplib-dev
  # tests, benchmarks, code style
  libgtest-dev libgmock-dev clang-format clang-tidy
  # the Parquet reader's fuzz target (libFuzzer)
  clang libclang-rt-14-dev
)
# The Parquet interop tests run node scripts. A node that is already installed (from any
# source) is used as it is; otherwise Debian's nodejs and npm are installed.
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
