#!/usr/bin/env bash
# Builds the libFuzzer targets in fuzz/ with clang (ASan + UBSan) and runs each one
# for a bounded time from its seed corpus. Fails on any crash, sanitizer report,
# timeout (>5 s for one input) or memory blow-up (>2 GB).
#
# Usage: scripts/fuzz_smoke.sh [json|fhirpath|hl7v2|jwt|mllp_framer]...     (default: all targets)
# Env:   VIGIL_FUZZ_SECONDS   time per target (default 20)
#        VIGIL_FUZZ_BUILD_DIR build directory (default build-fuzz)
# A crashing input is saved under $VIGIL_FUZZ_BUILD_DIR/artifacts/; reproduce with
#   build-fuzz/json_fuzz build-fuzz/artifacts/json/crash-...
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BUILD="${VIGIL_FUZZ_BUILD_DIR:-build-fuzz}"
SECONDS_PER_TARGET="${VIGIL_FUZZ_SECONDS:-20}"
TARGETS=("$@")
((${#TARGETS[@]})) || TARGETS=(json fhirpath hl7v2 jwt mllp_framer)

CXX_FOR_FUZZ="$(command -v clang++ || command -v clang++-14 || true)"
[[ -n "$CXX_FOR_FUZZ" ]] || { echo "fuzz_smoke: clang++ not found (run scripts/setup.sh)" >&2; exit 1; }

echo "fuzz_smoke: building ${TARGETS[*]} in $BUILD"
if [[ ! -f "$BUILD/CMakeCache.txt" ]]; then
  cmake -S fuzz -B "$BUILD" -G Ninja -DCMAKE_CXX_COMPILER="$CXX_FOR_FUZZ" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$BUILD" -j"$(nproc)" --target "${TARGETS[@]/%/_fuzz}"

failed=()
for t in "${TARGETS[@]}"; do
  seeds="fuzz/corpus/$t"
  work="$(mktemp -d)"                  # new inputs go here, not into the committed seeds
  artifacts="$BUILD/artifacts/$t"
  log="$BUILD/logs/$t.log"
  mkdir -p "$artifacts" "$(dirname "$log")"
  echo "fuzz_smoke: $t for ${SECONDS_PER_TARGET}s (log: $log)"
  if UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
     "$BUILD/${t}_fuzz" "$work" "$seeds" \
       -max_total_time="$SECONDS_PER_TARGET" -max_len=4096 -timeout=5 -rss_limit_mb=2048 \
       -artifact_prefix="$artifacts/" -print_final_stats=1 </dev/null >"$log" 2>&1; then
    runs="$(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)"
    echo "fuzz_smoke: $t ok (${runs:-?} inputs, $(find "$work" -type f | wc -l) new corpus entries)"
  else
    echo "fuzz_smoke: $t FAILED; the finding, then the last lines of $log:"
    grep -E 'ERROR: |runtime error:|SUMMARY: |deadly signal|Test unit written|^(artifact_prefix|Base64)' \
      "$log" | head -n 20 || true
    echo "..."
    tail -n 30 "$log"
    failed+=("$t")
  fi
  rm -rf "$work"
done

if ((${#failed[@]})); then
  echo "fuzz_smoke: FAILED: ${failed[*]} (inputs in $BUILD/artifacts/)"
  exit 1
fi
echo "fuzz_smoke: all targets passed"
