#!/usr/bin/env bash
# FHIR server benchmarks on a store of SIZE resources (default 1,000,000) made by
# copying the Synthea bundles with fresh ids (make_ndjson.py):
#   1. NDJSON import with full indexing, in ten equal chunks, so the rate at the
#      end (store nearly full) can be compared with the rate at the start; and a
#      raw SQLite insert of the same bytes (raw_insert) in the same run;
#   2. with `vigil serve` on that store: read by id and Observation?patient=X&code=Y
#      with wrk -c64 (req/s and p99 latency), then transaction Bundles of 100
#      entries (resources/s); server memory (VmRSS) after the reads.
# Results are printed and appended to bench/server/out/results.txt.
#
# Usage: bench/server/run.sh [SIZE] [--duration SECONDS] [--serve-only]
#        (--serve-only: skip the import and reuse the store of an earlier run)
# Env:   VIGIL_BUILD_DIR (default build-release: Release + LTO), VIGIL_SHARED_DIR,
#        VIGIL_PREBUILT=DIR (use DIR/vigil and DIR/bench/raw_insert as they are)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BUILD="${VIGIL_BUILD_DIR:-build-release}"
[[ "$BUILD" = /* ]] || BUILD="$ROOT/$BUILD"
SHARED="${VIGIL_SHARED_DIR:-$ROOT/../shared}"
SIZE=1000000
DURATION=20
SERVE_ONLY=0
while (($#)); do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --serve-only) SERVE_ONLY=1; shift ;;
    [0-9]*) SIZE="$1"; shift ;;
    *) echo "usage: $0 [SIZE] [--duration SECONDS]" >&2; exit 2 ;;
  esac
done
OUT="$HERE/out"
mkdir -p "$OUT"
command -v wrk >/dev/null || { echo "run.sh: wrk is missing (apt-get install wrk)" >&2; exit 1; }

if [[ -n "${VIGIL_PREBUILT:-}" ]]; then
  # An existing build folder with vigil and bench/raw_insert (e.g. the test build,
  # RelWithDebInfo): no configure, no build. Say which build in the results.
  BUILD="$VIGIL_PREBUILT"
  [[ "$BUILD" = /* ]] || BUILD="$ROOT/$BUILD"
else
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INTERPROCEDURAL_OPTIMIZATION=ON -DVIGIL_BUILD_TESTS=OFF >/dev/null
  cmake --build "$BUILD" --target vigil raw_insert -j"$(nproc)"
fi
VIGIL="$BUILD/vigil"

DATA="$OUT/data-$SIZE.ndjson"
[[ -f "$DATA" ]] || python3 "$HERE/make_ndjson.py" "$SIZE" "$DATA" "$SHARED/data/synthea-r4"
STORE="$OUT/store-$SIZE"
log() { echo "$*" | tee -a "$OUT/results.txt"; }
# A prebuilt binary may come from any commit: name the checkout only for a build made here.
CHECKOUT="$(git -C "$ROOT" rev-parse --short HEAD)"
ORIGIN="checkout $CHECKOUT"
[[ -z "${VIGIL_PREBUILT:-}" ]] || ORIGIN="prebuilt; this checkout is $CHECKOUT"
log "== $(date -u +%FT%TZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), SIZE=$SIZE, build $BUILD ($ORIGIN)"

if ((SERVE_ONLY == 0)); then
CHUNK=$(( (SIZE + 9) / 10 ))
rm -f "$OUT"/chunk-*
split -l "$CHUNK" -d -a 2 "$DATA" "$OUT/chunk-"
# The chunks are 1.3 GB of fresh dirty pages at 1M: written back now, not
# during the first chunk's import.
sync
rm -rf "$STORE" "$OUT/raw.db"*

echo "-- import, in 10 chunks of $CHUNK"
first="" last="" total_s=0
for chunk in "$OUT"/chunk-*; do
  start=$(date +%s.%N)
  "$VIGIL" import --data "$STORE" "$chunk" 2>/dev/null || { echo "import failed" >&2; exit 1; }
  end=$(date +%s.%N)
  lines=$(wc -l <"$chunk")
  rate=$(python3 -c "print(round($lines / ($end - $start)))")
  total_s=$(python3 -c "print($total_s + $end - $start)")
  [[ -n "$first" ]] || first=$rate
  last=$rate
  echo "   $(basename "$chunk"): $lines resources, $rate/s"
done
overall=$(python3 -c "print(round($SIZE / $total_s))")
raw=$("$BUILD/bench/raw_insert" "$DATA" "$OUT/raw.db" | sed 's/.*: \([0-9]*\) rows\/s/\1/')
log "import: $overall resources/s overall; first chunk $first/s, last chunk $last/s ($(python3 -c "print(round(100 * $last / $first))")% of the first)"
log "raw SQLite insert of the same bytes: $raw rows/s; Vigil import = $(python3 -c "print(round(100 * $overall / $raw, 1))")% of it"
log "store size: $(du -sh "$STORE" | cut -f1) for $(du -sh "$DATA" | cut -f1) of NDJSON"
rm -f "$OUT"/chunk-* "$OUT/raw.db"*
fi

LOG="$OUT/serve.log"
"$VIGIL" serve --data "$STORE" --port 0 2>"$LOG" &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q "FHIR R4 at" "$LOG" && break; sleep 0.1; done
BASE=$(sed -n 's/.*FHIR R4 at \(http[^ ]*\).*/\1/p' "$LOG")
HOSTPORT=${BASE%/fhir}

summarize() {  # wrk output -> "N req/s, p99 X"
  local rps p99
  rps=$(sed -n 's/Requests\/sec: *\([0-9.]*\)/\1/p' <<<"$1")
  p99=$(sed -n 's/ *99% *\([0-9.a-z]*\)/\1/p' <<<"$1")
  errors=$(grep -E "Non-2xx|Socket errors" <<<"$1" | tr -s ' ' || true)
  echo "${rps%.*} req/s, p99 $p99 ${errors}"
}
out=$(IDS_FILE="$DATA.ids" wrk -t2 -c64 -d"${DURATION}s" --latency -s "$HERE/read.lua" "$HOSTPORT")
log "read by id (wrk -t2 -c64 -d${DURATION}s): $(summarize "$out")"
out=$(PAIRS_FILE="$DATA.pairs" wrk -t2 -c64 -d"${DURATION}s" --latency -s "$HERE/search.lua" "$HOSTPORT")
log "Observation?patient=X&code=Y (wrk -t2 -c64 -d${DURATION}s): $(summarize "$out")"
# VmRSS counts the database pages the readers touched through mmap (shared with the
# OS page cache); RssAnon is the server's own memory (heap, stacks, SQLite caches).
log "server memory after the reads: VmRSS $(grep VmRSS /proc/$PID/status | tr -s ' ' | cut -d' ' -f2-), RssAnon $(grep RssAnon /proc/$PID/status | tr -s ' ' | cut -d' ' -f2-)"
out=$(wrk -t2 -c4 -d"${DURATION}s" --latency -s "$HERE/transaction.lua" "$HOSTPORT")
rps=$(sed -n 's/Requests\/sec: *\([0-9.]*\)/\1/p' <<<"$out")
log "transactions of 100 entries (wrk -t2 -c4 -d${DURATION}s): $(python3 -c "print(round($rps * 100))") resources/s ($(summarize "$out"))"
