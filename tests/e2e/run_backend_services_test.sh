#!/usr/bin/env bash
# Starts `vigil serve --auth smart` on a free port with an empty data folder,
# runs the SMART Backend Services checks (token endpoint + fhir-kit-client)
# against it, and stops the server by its PID.
# Usage: run_backend_services_test.sh PATH/TO/vigil
set -euo pipefail
VIGIL="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ ! -d "$HERE/node_modules/fhir-kit-client" ]]; then
  (cd "$HERE" && npm ci --no-audit --no-fund --silent)
fi
DATA="$(mktemp -d)"
LOG="$DATA/serve.log"
: >"$LOG"
"$VIGIL" serve --data "$DATA/store" --port 0 --threads 2 --auth smart 2>"$LOG" &
PID=$!
# Stops the server; one that does not stop within 10 s fails the test with its log.
stop() {
  local status=$?
  kill "$PID" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$PID" 2>/dev/null; then
    echo "vigil serve did not stop within 10 s of SIGTERM; its log:"
    cat "$LOG"
    kill -9 "$PID" 2>/dev/null || true
    status=1
  fi
  wait "$PID" 2>/dev/null || true
  rm -rf "$DATA"
  exit "$status"
}
trap stop EXIT
BASE=""
for _ in $(seq 1 200); do
  BASE="$(sed -n 's/.*FHIR R4 at \(http[^ ]*\).*/\1/p' "$LOG" | head -1)"
  [[ -n "$BASE" ]] && break
  kill -0 "$PID" 2>/dev/null || { cat "$LOG"; echo "vigil serve exited early"; exit 1; }
  sleep 0.1
done
[[ -n "$BASE" ]] || { cat "$LOG"; echo "vigil serve did not start"; exit 1; }
node "$HERE/backend_services_client_test.mjs" "$VIGIL" "$DATA/store" "$BASE" || {
  echo "the client checks failed; vigil serve's log:"
  cat "$LOG"
  exit 1
}
