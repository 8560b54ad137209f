#!/usr/bin/env bash
# Installs every Debian package Vigil's build, tests and benchmarks need.
# Idempotent: packages already present are left alone; apt-get update runs first.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libsimdjson-dev libabsl-dev libfmt-dev libcli11-dev libre2-dev
  libtinyxml2-dev libgtest-dev libgmock-dev  # tinyxml2: the FHIRPath suite is XML
  libsqlite3-dev libboost-dev  # the embedded store; Boost.Beast/Asio for HTTP
  libtcmalloc-minimal4  # the vigil executable's allocator (faster writes than glibc malloc)
  libxgboost-dev  # gradient-boosted trees and TreeSHAP (vigil train)
  prometheus-cpp-dev  # /metrics in the Prometheus text format
  libssl-dev openssl  # bearer-token (JWT) verification; the auth test makes keys with the CLI
  sqlite3 curl  # tests inspect the store and drive the server
  libmosquitto-dev mosquitto mosquitto-clients  # MQTT device streams; the test runs its own broker
  clang libclang-rt-14-dev llvm  # libFuzzer; llvm-symbolizer for readable sanitizer reports
  python3                        # tools/gen_fhir_model.py, test helpers
  chromium                       # the dashboard's browser test (tests/web, playwright-core)
)
# Node.js builds the dashboard's front end (web/) and runs the e2e tests and benchmarks. A machine that
# already has node and npm (e.g. from another repository) keeps them: Debian's npm conflicts.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  PACKAGES+=(nodejs npm)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all packages present"
fi

# The dashboard's front end (web/dist), embedded into vigil when it is built.
bash "$(dirname "${BASH_SOURCE[0]}")/../web/build.sh"
