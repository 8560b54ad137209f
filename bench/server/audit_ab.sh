#!/usr/bin/env bash
# Audit trail cost on reads (docs/BENCHMARKS.md, "Audit trail cost on reads"):
# alternating rounds of `vigil serve` with and without --no-audit on a fresh
# 300-Patient store, each a 10 s `wrk -t2 -c64` read-by-id run (read.lua).
# Usage: bench/server/audit_ab.sh [PATH/TO/vigil] [ROUNDS]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VIGIL="${1:-$HERE/../../build/vigil}"
ROUNDS="${2:-3}"
command -v wrk >/dev/null || { echo "audit_ab.sh: wrk is missing (apt-get install wrk)" >&2; exit 1; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

round() {  # round LABEL [serve args]: prints "LABEL: N req/s"
  local label="$1"; shift
  rm -rf "$WORK/store"
  "$VIGIL" serve --data "$WORK/store" --port 0 --threads 2 --no-demo "$@" 2>"$WORK/log" &
  local pid=$! base=""
  for _ in $(seq 1 200); do
    base="$(grep -o 'FHIR R4 at [^ ]*' "$WORK/log" | cut -d' ' -f4 || true)"
    [[ -n "$base" ]] && break
    sleep 0.1
  done
  [[ -n "$base" ]] || { cat "$WORK/log"; kill "$pid"; exit 1; }
  python3 - "$base" "$WORK/ids.txt" <<'PY'
import json, sys, urllib.request
base, out = sys.argv[1], sys.argv[2]
ids = []
for i in range(300):
    body = json.dumps({"resourceType": "Patient", "id": f"p{i}", "gender": "female",
                       "name": [{"family": f"Fam{i}", "given": ["A"]}], "birthDate": "1970-01-01"})
    req = urllib.request.Request(f"{base}/Patient/p{i}", data=body.encode(), method="PUT",
                                 headers={"Content-Type": "application/fhir+json"})
    urllib.request.urlopen(req).read()
    ids.append(f"Patient/p{i}")
open(out, "w").write("\n".join(ids) + "\n")
PY
  local rate
  rate="$(IDS_FILE="$WORK/ids.txt" wrk -t2 -c64 -d10s -s "$HERE/read.lua" "${base%/fhir}" |
          awk '/Requests\/sec/ {print $2}')"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$label: $rate req/s"
}

for r in $(seq 1 "$ROUNDS"); do
  round "round $r --no-audit" --no-audit
  round "round $r audit on  "
done
