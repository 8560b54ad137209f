#!/usr/bin/env bash
# Runs every test: installs what is needed (scripts/setup.sh), builds Vigil in
# build/ (Ninja, RelWithDebInfo, -Werror), runs all ctest suites, then a short
# libFuzzer run of each fuzz target (scripts/fuzz_smoke.sh). Exits non-zero if
# anything fails.
#
# Usage: bash scripts/test.sh                       (from any directory)
# Env:   VIGIL_BUILD_DIR   build directory (default build)
#        VIGIL_CMAKE_ARGS  extra CMake arguments, e.g. "-DVIGIL_SANITIZE=ON"
#        VIGIL_SKIP_SETUP=1 / VIGIL_SKIP_FUZZ=1   skip those steps
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BUILD="${VIGIL_BUILD_DIR:-build}"
JOBS="$(nproc)"

[[ "${VIGIL_SKIP_SETUP:-0}" == 1 ]] || bash scripts/setup.sh
bash web/build.sh  # the dashboard's page, embedded into vigil (setup.sh does it too; cheap when current)
bash scripts/configure.sh "$BUILD"
cmake --build "$BUILD" -j"$JOBS"

failed=()
echo "== ctest =="
ctest --test-dir "$BUILD" --output-on-failure -j"$JOBS" </dev/null || failed+=(ctest)

if [[ "${VIGIL_SKIP_FUZZ:-0}" != 1 ]]; then
  echo "== fuzz smoke =="
  bash scripts/fuzz_smoke.sh || failed+=(fuzz)
fi

if ((${#failed[@]})); then
  echo "test.sh: FAILED: ${failed[*]}"
  exit 1
fi
echo "test.sh: all tests passed"
