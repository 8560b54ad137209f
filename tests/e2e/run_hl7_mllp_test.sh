#!/usr/bin/env bash
# Starts `vigil serve --port 0 --mllp-port 0` with an empty data folder and runs
# hl7_mllp_test.mjs (npm node-hl7-client) against it; stops the server by PID.
# Usage: run_hl7_mllp_test.sh PATH/TO/vigil
set -euo pipefail
VIGIL="$1"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SHARED="$(cd "$HERE/../../.." && pwd)/shared/data/hl7v2"
[[ -d "$SHARED" ]] || { echo "SKIP: no $SHARED"; exit 0; }
if [[ ! -d "$HERE/node_modules/node-hl7-client" || ! -d "$HERE/node_modules/fhir-kit-client" ]]; then
  (cd "$HERE" && npm ci --no-audit --no-fund --silent)
fi
DATA="$(mktemp -d)"
LOG="$DATA/serve.log"
"$VIGIL" serve --data "$DATA/store" --port 0 --mllp-port 0 --threads 2 2>"$LOG" &
PID=$!
trap 'kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$DATA"' EXIT
BASE="" MLLP=""
for _ in $(seq 1 200); do
  BASE="$(sed -n 's/.*FHIR R4 at \(http[^ ]*\).*/\1/p' "$LOG" | head -1)"
  MLLP="$(sed -n 's/.*HL7 v2 MLLP at [^ ]*:\([0-9]*\) .*/\1/p' "$LOG" | head -1)"
  [[ -n "$BASE" && -n "$MLLP" ]] && break
  kill -0 "$PID" 2>/dev/null || { cat "$LOG"; echo "vigil serve exited early"; exit 1; }
  sleep 0.1
done
[[ -n "$MLLP" ]] || { cat "$LOG"; echo "vigil serve did not start"; exit 1; }
node "$HERE/hl7_mllp_test.mjs" "$VIGIL" "$BASE" "$MLLP" "$DATA/store" "$SHARED" ||
  { echo "--- server log (tail)"; tail -20 "$LOG"; exit 1; }
