#!/usr/bin/env bash
# End-to-end test of `vigil synth`: 50 stays with --psv, the files exist and
# parse, the same seed gives the same files, --admitted leaves the last stays
# in progress with their data cut, every line imports with validation, and bad
# arguments exit non-zero with a clear message.
# Usage: cli_synth_test.sh PATH/TO/vigil
set -uo pipefail
VIGIL=${1:?usage: $0 PATH/TO/vigil}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
passed=0
failed=0

fail() { failed=$((failed + 1)); echo "FAIL $*"; }
ok() { passed=$((passed + 1)); }

# expect NAME WANT_EXIT WANT_TEXT -- ARGS...  (WANT_TEXT must appear in stdout+stderr)
expect() {
  local name=$1 want_exit=$2 want_text=$3
  shift 4
  local out exit_code
  out=$(timeout 120 "$VIGIL" "$@" 2>&1)
  exit_code=$?
  if [[ $exit_code -eq $want_exit && "$out" == *"$want_text"* ]]; then
    ok
  else
    fail "$name: exit $exit_code (want $want_exit), output: ${out:0:400}"
  fi
}

expect "50 stays" 0 "50/50 stays written" -- synth --patients 50 --seed 3 --out "$WORK/a" --psv
expect "same seed" 0 "" -- synth --patients 50 --seed 3 --out "$WORK/b"
expect "academic" 0 "" -- synth --patients 5 --seed 3 --site academic --out "$WORK/c" --start 2025-06-01
expect "unknown site" 2 "unknown site 'rural'" -- synth --patients 5 --site rural --out "$WORK/x"
expect "no patients" 2 "--patients must be at least 1" -- synth --patients 0 --out "$WORK/x"
expect "bad start" 2 "expected a date YYYY-MM-DD" -- synth --patients 5 --start 2026-13-01 --out "$WORK/x"
touch "$WORK/file"
expect "unwritable folder" 2 "cannot create output folder" -- synth --patients 5 --out "$WORK/file/sub"
expect "missing --out" 106 "--out is required" -- synth --patients 5

for f in Patient.ndjson Encounter.ndjson Observation.ndjson Condition.ndjson truth.json; do
  if [[ -s "$WORK/a/$f" ]]; then ok; else fail "$f missing or empty"; fi
  if [[ "$f" != truth.json ]] && ! cmp -s "$WORK/a/$f" "$WORK/b/$f"; then fail "$f differs for the same seed"; fi
done
psv_count=$(ls "$WORK/a/psv" | wc -l)
if [[ "$psv_count" == 50 ]]; then ok; else fail "psv files: $psv_count, want 50"; fi
if [[ -e "$WORK/b/psv" ]]; then fail "psv written without --psv"; else ok; fi
patients=$(wc -l < "$WORK/a/Patient.ndjson")
if [[ "$patients" == 50 ]]; then ok; else fail "Patient lines: $patients, want 50"; fi

if python3 - "$WORK/a/truth.json" "$WORK/a/psv/syn-c3-000000.psv" <<'EOF'
import json, sys
truth = json.load(open(sys.argv[1]))
assert truth["format"] == "vigil-synth-truth/1" and truth["seed"] == 3, truth.keys()
assert truth["site"] == "community" and len(truth["stays"]) == 50
for s in truth["stays"]:
    assert ("onset" in s) == s["sepsis"], s
    assert s["outcome"] in ("discharged", "died"), s
header = open(sys.argv[2]).readline().rstrip("\n").split("|")
assert len(header) == 41 and header[0] == "HR" and header[-1] == "SepsisLabel", header
EOF
then ok; else fail "truth.json or psv header"; fi

# --admitted: the last 7 of 30 stays are still in hospital.
expect "admitted" 0 "30/30 stays written" -- synth --patients 30 --seed 3 --admitted 7 --out "$WORK/adm" --psv
expect "admitted again" 0 "" -- synth --patients 30 --seed 3 --admitted 7 --out "$WORK/adm2" --threads 1
expect "too many admitted" 2 "--admitted must be between 0 and --patients" -- \
  synth --patients 5 --admitted 6 --out "$WORK/x"
in_progress=$(grep -c '"status":"in-progress"' "$WORK/adm/Encounter.ndjson")
if [[ "$in_progress" == 7 ]]; then ok; else fail "in-progress Encounters: $in_progress, want 7"; fi
for f in Patient.ndjson Encounter.ndjson Observation.ndjson Condition.ndjson truth.json; do
  if cmp -s "$WORK/adm/$f" "$WORK/adm2/$f"; then ok; else fail "$f differs for the same --admitted"; fi
done
if python3 - "$WORK/adm" <<'EOF'
import json, sys
from datetime import datetime
d = sys.argv[1]
at = lambda s: datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ")
stays = json.load(open(d + "/truth.json"))["stays"]
admitted = {s["encounter"]: s for s in stays if s.get("admitted")}
assert sorted(admitted) == ["syn-c3-%06d-e" % i for i in range(23, 30)], sorted(admitted)
for line in open(d + "/Encounter.ndjson"):
    e = json.loads(line)
    if e["id"] not in admitted:
        assert e["status"] == "finished" and "end" in e["period"], e["id"]
        continue
    assert e["status"] == "in-progress" and "end" not in e["period"], e
    assert "hospitalization" not in e and "end" not in e["location"][-1]["period"], e
seen = set()
for line in open(d + "/Observation.ndjson"):
    o = json.loads(line)
    s = admitted.get(o["encounter"]["reference"][len("Encounter/"):])
    if s:
        seen.add(s["encounter"])
        assert at(o["effectiveDateTime"]) < at(s["data_end"]), o["id"]
assert seen == set(admitted), seen
for s in admitted.values():
    rows = len(open("%s/psv/%s.psv" % (d, s["patient"])).readlines()) - 1
    hours = (at(s["data_end"]) - at(s["admit"])).total_seconds() / 3600
    assert rows == -int(-hours // 1), (s["patient"], rows, hours)
EOF
then ok; else fail "admitted stays end at their data_end"; fi

expect "import with validation" 0 "" -- import --data "$WORK/store" "$WORK/a/Patient.ndjson" \
  "$WORK/a/Encounter.ndjson" "$WORK/a/Condition.ndjson" "$WORK/a/Observation.ndjson"
if [[ -s "$WORK/store/import-rejected.ndjson" ]]; then fail "import rejected lines"; else ok; fi
expect "import admitted with validation" 0 "" -- import --data "$WORK/store-adm" \
  "$WORK/adm/Patient.ndjson" "$WORK/adm/Encounter.ndjson" "$WORK/adm/Observation.ndjson"
if [[ -s "$WORK/store-adm/import-rejected.ndjson" ]]; then fail "import rejected admitted lines"; else ok; fi

echo "cli_synth: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
