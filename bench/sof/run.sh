#!/usr/bin/env bash
# SQL-on-FHIR view benchmark: builds sof_bench (RelWithDebInfo, the project's
# default: -O2) and runs it on one core over the Synthea Observations in
# ../shared/data/synthea-r4 through bench/sof/observation_view.json.
#
# Usage: bench/sof/run.sh [BUILD_DIR] [-- sof_bench flags, e.g. --min-time-ms 5000]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${VIGIL_BUILD_DIR:-build}"
if [[ $# -gt 0 && "$1" != -* ]]; then BUILD=$1; shift; fi
if [[ "${1:-}" == "--" ]]; then shift; fi
cd "$ROOT"
bash scripts/configure.sh "$BUILD" >/dev/null
cmake --build "$BUILD" --target sof_bench -j"$(nproc)" >/dev/null
# One core: the figure is per core, and taskset keeps the scheduler from moving it.
exec taskset -c 0 "$BUILD/bench/sof_bench" "$@"
