#!/usr/bin/env bash
# Runs Vigil with demo data: installs what is needed (scripts/setup.sh), builds
# `vigil` in build/, starts `vigil serve` on its embedded SQLite store (the
# default data folder; when empty it is loaded with 200 stays of the synthetic
# hospital (`vigil synth`) and the Synthea demo patients from ../shared), shows
# a few FHIR requests against it, and keeps serving until Ctrl-C.
#
# Usage: bash scripts/demo.sh                       (from any directory)
# Env:   VIGIL_BUILD_DIR (default build), VIGIL_PORT (default 8080; 0 = any free),
#        VIGIL_DATA (data folder; default ~/.local/share/vigil),
#        VIGIL_SKIP_SETUP=1 to skip installing packages,
#        VIGIL_DEMO_EXIT=1 to stop after the requests instead of serving on.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BUILD="${VIGIL_BUILD_DIR:-build}"
PORT="${VIGIL_PORT:-8080}"

[[ "${VIGIL_SKIP_SETUP:-0}" == 1 ]] || bash scripts/setup.sh
bash web/build.sh  # the dashboard's page at / (embedded into vigil)
bash scripts/configure.sh "$BUILD"
cmake --build "$BUILD" --target vigil -j"$(nproc)"
VIGIL="$BUILD/vigil"

# A sepsis model for the demo, once: trained on 1,500 synthetic stays (not the demo
# patients) and registered as the champion, so that the admitted demo patients are
# scored live (ward board, patient pages, CDS Hooks). See docs/model-registry.md.
if ! "$VIGIL" model list | grep -q champion; then
  TRAIN="$(mktemp -d)"
  echo "demo: training a sepsis model on 1,500 synthetic stays (once)"
  "$VIGIL" synth --patients 1500 --seed 5 --out "$TRAIN/synth" >/dev/null
  cat >"$TRAIN/train.json" <<JSON
{"name": "sepsis-6h", "input": ["synth"], "labels": "synth/truth.json",
 "features": "$ROOT/docs/examples/features-sepsis.json",
 "xgboost": {"num_rounds": 150, "early_stopping_rounds": 20},
 "threshold": {"max_alert_rate_per_day": 0.04}, "evaluation": {"bootstrap_resamples": 20}}
JSON
  "$VIGIL" train --config "$TRAIN/train.json" --out "$TRAIN/model" 2>&1 | grep -E "^  (model|news2) " || true
  "$VIGIL" model alias champion "$("$VIGIL" model register "$TRAIN/model")"
  rm -rf "$TRAIN"
fi

LOG="$(mktemp)"
"$VIGIL" serve --port "$PORT" 2> >(tee "$LOG" >&2) &
PID=$!
trap 'kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -f "$LOG"' EXIT

BASE=""
for _ in $(seq 1 1200); do  # the first start loads the demo data (a few seconds)
  BASE="$(sed -n 's/.*FHIR R4 at \(http[^ ]*\).*/\1/p' "$LOG" | head -1)"
  [[ -n "$BASE" ]] && break
  kill -0 "$PID" 2>/dev/null || { echo "demo: vigil serve exited" >&2; exit 1; }
  sleep 0.1
done
[[ -n "$BASE" ]] || { echo "demo: vigil serve did not start" >&2; exit 1; }

BOLD="" PLAIN=""
if [[ -t 1 ]]; then BOLD=$'\033[1m' PLAIN=$'\033[0m'; fi
failures=0
# request DESCRIPTION PATH JQ-LIKE-PYTHON: GET and summarize the answer.
request() {
  local desc="$1" path="$2" summary="$3" body
  printf '\n%s# %s%s\n$ curl "%s%s"\n' "$BOLD" "$desc" "$PLAIN" "$BASE" "$path"
  if ! body="$(curl -sS --fail-with-body "$BASE$path")"; then
    printf '!! failed: %s\n' "${body:0:300}"
    failures=$((failures + 1))
    return
  fi
  python3 -c "import json,sys; r=json.load(sys.stdin); $summary" <<<"$body" ||
    failures=$((failures + 1))
}

request "The server's capabilities" "/metadata" \
  "print(r['software']['name'], 'FHIR', r['fhirVersion'], '-', len(r['rest'][0]['resource']), 'resource types')"
request "Patients born before 1960, oldest first" "/Patient?birthdate=lt1960&_sort=birthdate" \
  "[print(e['resource']['birthDate'], e['resource']['name'][0]['given'][0], e['resource']['name'][0]['family']) for e in r.get('entry', [])]; print(r['total'], 'patients')"
request "Body weight measurements over 90 kg (LOINC 29463-7)" \
  "/Observation?code=http://loinc.org|29463-7&value-quantity=gt90&_count=5" \
  "[print(e['resource']['effectiveDateTime'][:10], e['resource']['valueQuantity']['value'], e['resource']['valueQuantity']['unit']) for e in r.get('entry', [])]; print(r['total'], 'in all')"
request "Heart rates over 130/min charted in the synthetic hospital (LOINC 8867-4)" \
  "/Observation?code=http://loinc.org|8867-4&value-quantity=gt130&_sort=-date&_count=3" \
  "[print(e['resource']['effectiveDateTime'], e['resource']['subject']['reference'], e['resource']['valueQuantity']['value'], '/min') for e in r.get('entry', [])]; print(r['total'], 'in all')"
request "Women with hypertension (reverse chaining with _has)" \
  "/Patient?gender=female&_has:Condition:patient:code=http://snomed.info/sct|38341003" \
  "[print(e['resource']['name'][0]['family']) for e in r.get('entry', [])]; print(r['total'], 'patients')"
request "Encounters since 2019 with their patient (_include)" \
  "/Encounter?date=ge2019-01-01&_include=Encounter:subject&_count=3" \
  "[print(e['search']['mode'], e['resource']['resourceType'], e['resource']['id']) for e in r.get('entry', [])]"
request "An unknown parameter is reported, not silently ignored" "/Patient?shoe-size=44&_count=1" \
  "print([e['resource']['issue'][0]['diagnostics'] for e in r.get('entry', []) if e['search']['mode'] == 'outcome'])"
for _ in $(seq 1 600); do  # the admitted patients are scored once right after the start
  grep -q "scored [0-9]* admitted stays\|live scoring is off" "$LOG" && break
  sleep 0.1
done
request "Sepsis risk of the admitted patients, highest first (live scoring, RiskAssessment)" \
  "/RiskAssessment?method=model:sepsis-6h&_sort=-probability&_count=5" \
  "[print(e['resource']['subject']['reference'], round(e['resource']['prediction'][0]['probabilityDecimal'], 3), e['resource']['prediction'][0]['qualitativeRisk']['coding'][0]['code']) for e in r.get('entry', [])]; assert r.get('entry')"

if ((failures)); then
  echo "demo: $failures request(s) failed" >&2
  exit 1
fi
if [[ "${VIGIL_DEMO_EXIT:-0}" == 1 ]]; then exit 0; fi
printf '\n%sVigil is serving FHIR R4 at %s%s (Ctrl-C stops it).\n' "$BOLD" "$BASE" "$PLAIN"
printf 'Dashboard: %s/   CDS Hooks: %s/cds-services   Metrics: %s/metrics\n' "${BASE%/fhir}" "${BASE%/fhir}" "${BASE%/fhir}"
printf 'Try: curl "%s/Patient?name=a"   More in README.md.\n' "$BASE"
wait "$PID"
