#!/usr/bin/env bash
# Configures a CMake build directory the way scripts/test.sh and scripts/demo.sh
# share it: Ninja, RelWithDebInfo, warnings as errors.
#
# Usage: scripts/configure.sh [BUILD_DIR]   (default: $VIGIL_BUILD_DIR or build)
# Env:   VIGIL_CMAKE_ARGS  extra arguments, e.g. "-DVIGIL_SANITIZE=ON"
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BUILD="${1:-${VIGIL_BUILD_DIR:-build}}"
# shellcheck disable=SC2206  # VIGIL_CMAKE_ARGS is a list of words on purpose
ARGS=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DVIGIL_WERROR=ON ${VIGIL_CMAKE_ARGS:-})

if [[ -f "$BUILD/CMakeCache.txt" ]]; then
  cmake -S . -B "$BUILD" "${ARGS[@]}" >/dev/null   # keeps the existing generator
else
  cmake -S . -B "$BUILD" -G Ninja "${ARGS[@]}"
fi
