#!/usr/bin/env bash
# End-to-end tests of `vigil hl7 to-fhir`: Bundles for good messages, a clear
# message naming the field and a non-zero exit for bad ones; then the Bundles
# are posted to a running `vigil serve` as transactions, to show that they are
# accepted and that a resent or follow-up message updates the same Patient and
# Encounter instead of creating new ones.
# Usage: cli_hl7_test.sh PATH/TO/vigil
set -uo pipefail
VIGIL=${1:?usage: $0 PATH/TO/vigil}
WORK=$(mktemp -d)
SERVER_PID=""
trap '[[ -n "$SERVER_PID" ]] && { kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; }; rm -rf "$WORK"' EXIT
passed=0
failed=0

fail() { failed=$((failed + 1)); echo "FAIL $*"; }

# expect NAME WANT_EXIT WANT_TEXT -- ARGS...  (WANT_TEXT must appear in stdout+stderr)
expect() {
  local name=$1 want_exit=$2 want_text=$3
  shift 4
  local out exit_code
  out=$(timeout 60 "$VIGIL" "$@" 2>&1)
  exit_code=$?
  if [[ $exit_code -eq $want_exit && "$out" == *"$want_text"* ]]; then
    passed=$((passed + 1))
  else
    fail "$name: exit $exit_code (want $want_exit), output: ${out:0:400}"
    echo "     wanted text: $want_text"
  fi
}

msh() { printf 'MSH|^~\\&|EPIC|GH|VIGIL|HOSP|%s||%s|%s|P|2.5.1\r' "$1" "$2" "$3"; }
PID_SEG=$'PID|1||12345^^^GH&1.2.840.99&ISO^MR||Doe^Jane||19800229|F\r'
pv1() { printf 'PV1|1|I|4E^401^B^GH||||||||||||||||V100^^^GH&1.2.840.99&ISO^VN|||||||||||||||||||||||||%s|%s\r' "$1" "$2"; }

{ msh 20240305143000+0100 ADT^A01 M1; printf '%s' "$PID_SEG"; pv1 20240305140000+0100 ""; } > "$WORK/a01.hl7"
{ msh 20240310093000+0100 ADT^A03 M2; printf '%s' "$PID_SEG"; pv1 20240305140000+0100 20240310093000+0100; } > "$WORK/a03.hl7"
{ msh 20240305143000+0100 ADT^A01 M3; printf 'PID|1||12345^^^GH&1.2.840.99&ISO^MR||Doe^Jane||1999133|F\r'; pv1 "" ""; } > "$WORK/bad_date.hl7"
{ msh 2024 SIU^S12 M4; printf '%s' "$PID_SEG"; } > "$WORK/siu.hl7"
printf 'MSH|^^\\&|A\r' > "$WORK/bad_msh.hl7"
printf 'Not an HL7 message\n' > "$WORK/text.txt"
{ printf 'BHS|^~\\&|EPIC\r'; cat "$WORK/a01.hl7" "$WORK/a03.hl7"; printf 'BTS|2\r'; } > "$WORK/batch.hl7"
{ msh 20240305143000+0100 ADT^A01 M5; printf '%s' "$PID_SEG"; pv1 202403051400 ""; } > "$WORK/local_time.hl7"

expect "A01 bundle" 0 '"url": "Patient?identifier=urn:oid:1.2.840.99|12345"' -- hl7 to-fhir "$WORK/a01.hl7"
expect "A01 encounter" 0 '"url": "Encounter?identifier=urn:oid:1.2.840.99|V100"' -- hl7 to-fhir "$WORK/a01.hl7"
expect "A03 finished" 0 '"status": "finished"' -- hl7 to-fhir "$WORK/a03.hl7"
expect "compact" 0 '{"resourceType":"Bundle","type":"transaction"' -- hl7 to-fhir --compact "$WORK/a01.hl7"
expect "bad date names the field" 1 "message 1 (MSH-10 'M3'): PID-7: invalid date '1999133'" -- hl7 to-fhir "$WORK/bad_date.hl7"
expect "unsupported type" 1 "MSH-9.1: unsupported message type 'SIU^S12'" -- hl7 to-fhir "$WORK/siu.hl7"
expect "bad delimiters" 1 "line 1: column 6: MSH-2: encoding character '^'" -- hl7 to-fhir "$WORK/bad_msh.hl7"
expect "not a message" 1 "line 1: 'Not' before the first MSH segment" -- hl7 to-fhir "$WORK/text.txt"
expect "missing file" 1 "cannot read" -- hl7 to-fhir "$WORK/nope.hl7"
expect "local time without --tz keeps the date" 0 '"start": "2024-03-05"' -- hl7 to-fhir "$WORK/local_time.hl7"
expect "--tz" 0 '"start": "2024-03-05T14:00:00+01:00"' -- hl7 to-fhir --tz +01:00 "$WORK/local_time.hl7"
expect "bad --tz" 105 "tz" -- hl7 to-fhir --tz 0100 "$WORK/local_time.hl7"

bundles=$(timeout 60 "$VIGIL" hl7 to-fhir --compact "$WORK/batch.hl7" | grep -c '"resourceType":"Bundle"')
if [[ "$bundles" == 2 ]]; then passed=$((passed + 1)); else fail "batch: $bundles Bundles, want 2"; fi

# Every shared sample that maps must give a Bundle; the listed bad one must fail.
SHARED="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/shared/data/hl7v2"
if [[ -d "$SHARED" ]]; then
  expect "shared ORU" 0 '"resourceType": "DiagnosticReport"' -- hl7 to-fhir "$SHARED/microsoft-fhir-converter/LRI_2.0-NG_CBC_Typ_Message.hl7"
  expect "shared batch" 0 '"resourceType": "Encounter"' -- hl7 to-fhir "$SHARED/python-hl7/sample_file_batch_FHS_BHS_ADT_A04.hl7"
  expect "shared bad PID-7" 1 "PID-7: invalid date '196203520'" -- hl7 to-fhir "$SHARED/python-hl7/sample_hl7_ORU_R01.hl7"
else
  echo "SKIP shared samples: $SHARED missing"
fi

# --- The Bundles as transactions on a running server -------------------------
"$VIGIL" serve --data "$WORK/store" --port 0 --threads 2 2>"$WORK/serve.log" &
SERVER_PID=$!
BASE=""
for _ in $(seq 1 200); do
  BASE="$(sed -n 's/.*FHIR R4 at \(http[^ ]*\).*/\1/p' "$WORK/serve.log" | head -1)"
  [[ -n "$BASE" ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.1
done

# post FILE: maps FILE and posts each Bundle; prints the HTTP status codes.
post() {
  "$VIGIL" hl7 to-fhir --compact "$1" | while IFS= read -r bundle; do
    curl -s -o "$WORK/response.json" -w '%{http_code} ' -H 'Content-Type: application/fhir+json' \
      -X POST --data-binary "$bundle" "$BASE"
  done
}
search_total() { curl -s "$BASE/$1" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("total"))'; }

if [[ -z "$BASE" ]]; then
  fail "vigil serve did not start: $(tail -3 "$WORK/serve.log")"
else
  codes="$(post "$WORK/a01.hl7")$(post "$WORK/a01.hl7")"
  [[ "$codes" == "200 200 " ]] && passed=$((passed + 1)) || fail "A01 twice: HTTP $codes $(head -c 300 "$WORK/response.json")"
  codes="$(post "$WORK/a03.hl7")"
  [[ "$codes" == "200 " ]] && passed=$((passed + 1)) || fail "A03: HTTP $codes $(head -c 300 "$WORK/response.json")"
  total=$(search_total "Patient?identifier=urn:oid:1.2.840.99%7C12345")
  [[ "$total" == 1 ]] && passed=$((passed + 1)) || fail "one Patient after three messages, got $total"
  total=$(search_total "Encounter?identifier=urn:oid:1.2.840.99%7CV100&status=finished")
  [[ "$total" == 1 ]] && passed=$((passed + 1)) || fail "one finished Encounter, got $total"
  total=$(search_total "Encounter")
  [[ "$total" == 1 ]] && passed=$((passed + 1)) || fail "one Encounter in all, got $total"
  total=$(search_total "Provenance")
  [[ "$total" == 3 ]] && passed=$((passed + 1)) || fail "one Provenance per message, got $total"
  if [[ -d "$SHARED" ]]; then
    codes="$(post "$SHARED/microsoft-fhir-converter/LRI_2.0-NG_CBC_Typ_Message.hl7")"
    [[ "$codes" == "200 " ]] && passed=$((passed + 1)) || fail "ORU: HTTP $codes $(head -c 300 "$WORK/response.json")"
  fi
fi

echo "cli_hl7: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
