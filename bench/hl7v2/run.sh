#!/usr/bin/env bash
# HL7 v2 MLLP ingest throughput: starts `vigil serve --mllp-port 0` on a fresh
# data folder (SQLite, the WAL fsynced before each ACK: every AA is durable) and runs
# bench.py: ORU^R01 with 10 OBX from 4 concurrent senders.
# Usage: bench/hl7v2/run.sh [PATH/TO/vigil] [MESSAGES]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VIGIL="${1:-$HERE/../../build/vigil}"
DATA="$(mktemp -d)"
LOG="$DATA/serve.log"
"$VIGIL" serve --data "$DATA/store" --port 0 --mllp-port 0 --threads 2 2>"$LOG" &
PID=$!
trap 'kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$DATA"' EXIT
PORT=""
for _ in $(seq 1 200); do
  PORT="$(sed -n 's/.*HL7 v2 MLLP at [^ ]*:\([0-9]*\) .*/\1/p' "$LOG" | head -1)"
  [[ -n "$PORT" ]] && break
  sleep 0.1
done
[[ -n "$PORT" ]] || { cat "$LOG"; exit 1; }
python3 "$HERE/bench.py" "$PORT" "${2:-4000}" 4
