#!/usr/bin/env bash
# End-to-end test of `vigil synth`: 50 stays with --psv, the files exist and
# parse, the same seed gives the same files, every line imports with
# validation, and bad arguments exit non-zero with a clear message.
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

expect "import with validation" 0 "" -- import --data "$WORK/store" "$WORK/a/Patient.ndjson" \
  "$WORK/a/Encounter.ndjson" "$WORK/a/Condition.ndjson" "$WORK/a/Observation.ndjson"
if [[ -s "$WORK/store/import-rejected.ndjson" ]]; then fail "import rejected lines"; else ok; fi

echo "cli_synth: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
