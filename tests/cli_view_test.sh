#!/usr/bin/env bash
# End-to-end tests of `vigil view` as a user runs it: a patient-demographics view
# and an Observation view over a Synthea Bundle, each checked row by row against
# the same values computed independently here (python3's json module over the
# same Bundle), in every output format; several inputs; and bad input (an invalid
# ViewDefinition, a broken NDJSON line) giving a clear message and non-zero exit.
# Usage: cli_view_test.sh PATH/TO/vigil     (exit 77 = skipped: ../shared missing)
set -uo pipefail
VIGIL=${1:?usage: $0 PATH/TO/vigil}
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SYNTHEA="$ROOT/../shared/data/synthea-r4"
# Three patients' Bundles (each a Synthea transaction Bundle of one patient's record).
mapfile -t BUNDLES < <(ls "$SYNTHEA"/*.json 2>/dev/null | sort | head -n 3)
BUNDLE=${BUNDLES[0]:-}
if [[ -z "$BUNDLE" ]]; then
  echo "SKIP: no Synthea bundle in $SYNTHEA"
  exit 77
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
passed=0
failed=0

pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }

cat > "$WORK/patients.json" <<'JSON'
{"resourceType": "ViewDefinition", "name": "patient_demographics", "status": "active",
 "resource": "Patient",
 "select": [
   {"column": [
     {"name": "id", "path": "getResourceKey()", "type": "string"},
     {"name": "gender", "path": "gender", "type": "code"},
     {"name": "birth_date", "path": "birthDate", "type": "date"},
     {"name": "family", "path": "name.where(use = 'official').family.first()", "type": "string"},
     {"name": "given", "path": "name.where(use = 'official').given.join(' ')", "type": "string"},
     {"name": "race", "type": "code",
      "path": "extension('http://hl7.org/fhir/us/core/StructureDefinition/us-core-race').extension('ombCategory').value.ofType(Coding).code.first()"}
   ]},
   {"forEachOrNull": "address", "column": [
     {"name": "city", "path": "city", "type": "string"},
     {"name": "state", "path": "state", "type": "string"}
   ]}
 ]}
JSON

cat > "$WORK/observations.json" <<'JSON'
{"resourceType": "ViewDefinition", "name": "observations", "status": "active",
 "resource": "Observation",
 "where": [{"path": "value.ofType(Quantity).exists()"}],
 "select": [{"column": [
   {"name": "id", "path": "id", "type": "id"},
   {"name": "patient", "path": "subject.getReferenceKey(Patient)", "type": "string"},
   {"name": "code", "path": "code.coding.first().code", "type": "code"},
   {"name": "value", "path": "value.ofType(Quantity).value", "type": "decimal"},
   {"name": "unit", "path": "value.ofType(Quantity).unit", "type": "string"},
   {"name": "effective", "path": "effective.ofType(dateTime)", "type": "dateTime"}
 ]}]}
JSON

# The expected rows, computed from the Bundles without Vigil: EXPECTED.json holds
# {"patients": [...], "observations": [...]} with every value as its JSON text.
python3 - "${BUNDLES[@]}" > "$WORK/expected.json" <<'PY'
import json, sys
entries = [e for path in sys.argv[1:]
           for e in json.load(open(path), parse_float=str, parse_int=str)["entry"]]
resources = [e["resource"] for e in entries]
full_urls = {e["fullUrl"]: f'{e["resource"]["resourceType"]}/{e["resource"]["id"]}'
             for e in entries if "fullUrl" in e}
RACE = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race"

def patient_rows(p):
    official = [n for n in p.get("name", []) if n.get("use") == "official"]
    family = next((n["family"] for n in official if "family" in n), None)
    given = [g for n in official for g in n.get("given", [])]
    race = None
    for ext in p.get("extension", []):
        if ext.get("url") == RACE:
            codes = [e["valueCoding"]["code"] for e in ext.get("extension", [])
                     if e.get("url") == "ombCategory" and "valueCoding" in e]
            race = race or (codes[0] if codes else None)
    base = {"id": f'Patient/{p["id"]}', "gender": p.get("gender"),
            "birth_date": p.get("birthDate"), "family": family,
            "given": " ".join(given) if given else None, "race": race}
    addresses = p.get("address", []) or [{}]
    return [dict(base, city=a.get("city"), state=a.get("state")) for a in addresses]

def observation_row(o):
    q = o.get("valueQuantity")
    if q is None:
        return None
    ref = full_urls.get(o.get("subject", {}).get("reference"), o.get("subject", {}).get("reference"))
    return {"id": o["id"],
            "patient": ref if ref and ref.startswith("Patient/") else None,
            "code": o["code"]["coding"][0]["code"],
            "value": q.get("value"), "unit": q.get("unit"),
            "effective": o.get("effectiveDateTime")}

out = {"patients": [r for p in resources if p["resourceType"] == "Patient" for r in patient_rows(p)],
       "observations": [r for r in (observation_row(o) for o in resources
                                    if o["resourceType"] == "Observation") if r]}
json.dump(out, sys.stdout)
PY

# compare FORMAT KIND OUTPUT_FILE: the rows in OUTPUT_FILE equal the expected ones.
compare() {
  python3 - "$1" "$2" "$3" "$WORK/expected.json" <<'PY'
import csv, json, sys
fmt, kind, path, expected_path = sys.argv[1:]
want = json.load(open(expected_path))[kind]
text = open(path).read()
if fmt == "csv":
    got = [{k: (v if v != "" else None) for k, v in row.items()}
           for row in csv.DictReader(text.splitlines())]
elif fmt == "ndjson":
    got = [json.loads(l, parse_float=str, parse_int=str) for l in text.splitlines() if l]
else:
    got = json.loads(text, parse_float=str, parse_int=str)
key = lambda r: json.dumps(r, sort_keys=True)
if len(want) == 0:
    sys.exit("no expected rows: the test data has none of these resources")
if sorted(map(key, got)) != sorted(map(key, want)):
    print(f"{len(got)} rows, want {len(want)}")
    for r in sorted(map(key, want))[:3]: print("  want", r)
    for r in sorted(map(key, got))[:3]: print("  got ", r)
    sys.exit(1)
PY
}

for kind in patients observations; do
  for fmt in csv ndjson json; do
    name="$kind/$fmt"
    inputs=()
    for b in "${BUNDLES[@]}"; do inputs+=(--input "$b"); done
    if ! "$VIGIL" view "${inputs[@]}" --format "$fmt" "$WORK/$kind.json" \
        > "$WORK/out.$fmt" 2> "$WORK/err"; then
      fail "$name: exit $? $(head -c 300 "$WORK/err")"
    elif compare "$fmt" "$kind" "$WORK/out.$fmt"; then
      pass
    else
      fail "$name: rows differ"
    fi
  done
done

# CSV starts with the header, in column order.
"$VIGIL" view --input "$BUNDLE" "$WORK/observations.json" > "$WORK/obs.csv" 2>&1
if [[ "$(head -n 1 "$WORK/obs.csv")" == "id,patient,code,value,unit,effective" ]]; then pass
else fail "csv header: $(head -n 1 "$WORK/obs.csv")"; fi

# --input twice (a Bundle and NDJSON of its Observations): rows from both.
python3 -c '
import json, sys
for e in json.load(open(sys.argv[1]))["entry"]:
    if e["resource"]["resourceType"] == "Observation": print(json.dumps(e["resource"]))
' "$BUNDLE" > "$WORK/obs.ndjson"
one=$("$VIGIL" view --input "$BUNDLE" --format ndjson "$WORK/observations.json" | wc -l)
two=$("$VIGIL" view --input "$BUNDLE" --input "$WORK/obs.ndjson" --format ndjson \
  "$WORK/observations.json" | wc -l)
if [[ $one -gt 0 && $two -eq $((2 * one)) ]]; then pass; else fail "two inputs: $one then $two rows"; fi

# --input FOLDER: every *.json / *.ndjson in it (the Synthea folder also holds a LICENSE).
want=$(python3 -c '
import glob, json, sys
print(sum(1 for f in glob.glob(sys.argv[1] + "/*.json") for e in json.load(open(f))["entry"]
          if e["resource"]["resourceType"] == "Observation"
          and "valueQuantity" in e["resource"]))' "$SYNTHEA")
got=$("$VIGIL" view --input "$SYNTHEA" --format ndjson "$WORK/observations.json" | wc -l)
if [[ $want -gt 0 && $got -eq $want ]]; then pass; else fail "folder input: $got rows, want $want"; fi

# expect NAME WANT_EXIT WANT_TEXT -- ARGS...  (WANT_TEXT must appear in stderr)
expect() {
  local name=$1 want_exit=$2 want_text=$3
  shift 4
  local err exit_code
  err=$(timeout 60 "$VIGIL" "$@" 2>&1 >/dev/null)
  exit_code=$?
  if [[ $exit_code -eq $want_exit && "$err" == *"$want_text"* ]]; then pass
  else fail "$name: exit $exit_code (want $want_exit), stderr: ${err:0:300} (wanted: $want_text)"; fi
}

cat > "$WORK/bad_name.json" <<'JSON'
{"resource": "Patient", "select": [{"column": [{"name": "birth date", "path": "birthDate"}]}]}
JSON
cat > "$WORK/bad_union.json" <<'JSON'
{"resource": "Patient", "select": [{"unionAll": [
  {"column": [{"name": "a", "path": "id"}]}, {"column": [{"name": "b", "path": "id"}]}]}]}
JSON
cat > "$WORK/bad_path.json" <<'JSON'
{"resource": "Patient", "select": [{"column": [{"name": "a", "path": "name.given1"}]}]}
JSON
printf '{"resource": "Patient",' > "$WORK/truncated.json"
expect "invalid column name" 2 "invalid column name 'birth date'" -- \
  view --input "$BUNDLE" "$WORK/bad_name.json"
expect "unionAll mismatch" 2 "same columns" -- view --input "$BUNDLE" "$WORK/bad_union.json"
expect "unknown element" 2 "'given1' is not an element of HumanName" -- \
  view --input "$BUNDLE" "$WORK/bad_path.json"
expect "truncated view" 2 "invalid ViewDefinition" -- view --input "$BUNDLE" "$WORK/truncated.json"
expect "unknown format" 105 "csv" -- view --input "$BUNDLE" --format xml "$WORK/patients.json"

head -n 2 "$WORK/obs.ndjson" > "$WORK/broken.ndjson"
echo '{"resourceType": "Observation", "id": ' >> "$WORK/broken.ndjson"
tail -n 1 "$WORK/obs.ndjson" >> "$WORK/broken.ndjson"
expect "broken NDJSON line" 1 "broken.ndjson:3" -- \
  view --input "$WORK/broken.ndjson" "$WORK/observations.json"
expect "missing input" 1 "cannot read" -- view --input "$WORK/nope.ndjson" "$WORK/observations.json"

cat > "$WORK/plural.json" <<'JSON'
{"resource": "Observation", "select": [{"column": [{"name": "codes", "path": "code.coding.code"}]}]}
JSON
printf '%s\n' '{"resourceType":"Observation","id":"o1","status":"final","code":{"coding":[{"code":"a"},{"code":"b"}]}}' \
  > "$WORK/two_codes.ndjson"
expect "several values in a column" 1 "two_codes.ndjson:1" -- \
  view --input "$WORK/two_codes.ndjson" "$WORK/plural.json"

echo "cli_view: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
