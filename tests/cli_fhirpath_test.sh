#!/usr/bin/env bash
# End-to-end tests of `vigil fhirpath` as a user runs it: results on real
# resources, and bad input (malformed or hostile JSON, bad expressions) giving a
# clear message and a non-zero exit instead of a crash or a hang.
# Usage: cli_fhirpath_test.sh PATH/TO/vigil
set -uo pipefail
VIGIL=${1:?usage: $0 PATH/TO/vigil}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
passed=0
failed=0

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
    failed=$((failed + 1))
    echo "FAIL $name: exit $exit_code (want $want_exit), output: ${out:0:300}"
    echo "     wanted text: $want_text"
  fi
}

cat > "$WORK/patient.json" <<'JSON'
{"resourceType":"Patient","id":"p1","birthDate":"1974-12-25",
 "_birthDate":{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/patient-birthTime","valueDateTime":"1974-12-25T14:35:45-05:00"}]},
 "name":[{"use":"official","family":"Chalmers","given":["Peter","James"]},{"use":"usual","given":["Jim"]}],
 "multipleBirthInteger":2,
 "contained":[{"resourceType":"Organization","id":"org","name":"Acme"}],
 "managingOrganization":{"reference":"#org"}}
JSON
P="$WORK/patient.json"

expect "path" 0 '["Peter","James","Jim"]' -- fhirpath --input "$P" "name.given"
expect "where+first" 0 '["Chalmers"]' -- fhirpath --input "$P" "name.where(use = 'official').family.first()"
expect "choice type" 0 '[2]' -- fhirpath --input "$P" "multipleBirth"
expect "primitive extension" 0 '["1974-12-25T14:35:45-05:00"]' -- fhirpath --input "$P" \
  "birthDate.extension('http://hl7.org/fhir/StructureDefinition/patient-birthTime').value"
expect "resolve contained" 0 '["Acme"]' -- fhirpath --input "$P" "managingOrganization.resolve().name"
expect "date arithmetic" 0 '[true]' -- fhirpath --input "$P" "birthDate + 50 years < @2026-01-01"
expect "complex output" 0 '[{"use":"usual","given":["Jim"]}]' -- fhirpath --input "$P" "name[1]"
expect "env constant" 0 '["Jim"]' -- fhirpath --input "$P" --env who=usual "name.where(use = %who).given"
expect "env before expression" 0 '["Jim"]' -- fhirpath --env who=usual "name.where(use = %who).given" --input "$P"
expect "empty result" 0 '[]' -- fhirpath --input "$P" "name.where(use = 'nickname')"

expect "syntax error" 2 "line 1, column 6: expected a name after '.'" -- fhirpath --input "$P" "name.(("
expect "unknown function" 2 "unknown function 'frist'" -- fhirpath --input "$P" "name.frist()"
expect "unknown element" 2 "'given1' is not an element of HumanName" -- fhirpath --input "$P" "name.given1"
expect "execution error" 1 'more than one item' -- fhirpath --input "$P" "name.given.single()"
expect "bad env" 2 'NAME=VALUE' -- fhirpath --input "$P" --env novalue "1"
expect "missing file" 1 'cannot read' -- fhirpath --input "$WORK/nope.json" "1"

printf '{"resourceType":"Patient",' > "$WORK/truncated.json"
expect "truncated JSON" 1 'invalid JSON' -- fhirpath --input "$WORK/truncated.json" "id"
printf '{"resourceType":"Patient","id":"a\xff\xfe"}' > "$WORK/utf8.json"
expect "invalid UTF-8" 1 'invalid JSON' -- fhirpath --input "$WORK/utf8.json" "id"
printf '{"resourceType":"Alien","id":"x"}' > "$WORK/alien.json"
expect "unknown resource type" 1 "unknown resource type 'Alien'" -- fhirpath --input "$WORK/alien.json" "id"
python3 -c "print('{\"resourceType\":\"Patient\",\"extension\":' + '[' * 100000 + ']' * 100000 + '}')" > "$WORK/deep.json"
expect "100k nesting" 1 'nesting deeper than' -- fhirpath --input "$WORK/deep.json" "id"
python3 -c "print('{\"resourceType\":\"Patient\",\"id\":\"' + 'x' * 50000000 + '\"}')" > "$WORK/huge.json"
expect "50 MB string" 0 '[50000000]' -- fhirpath --input "$WORK/huge.json" "id.length()"
deep_expr=$(python3 -c "print('(' * 30000 + '1' + ')' * 30000)")
expect "30k nested expression" 2 'nested too deeply' -- fhirpath --input "$P" "$deep_expr"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
