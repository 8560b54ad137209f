#!/usr/bin/env bash
# A tour of `vigil fhirpath` over real FHIR data: the official R4 examples and a
# Synthea patient record from ../shared when present, otherwise the small
# resources in examples/. Installs what is needed and builds first.
#
# Usage: bash scripts/fhirpath_tour.sh              (from any directory)
# Env:   VIGIL_BUILD_DIR (default build), VIGIL_SHARED_DIR (default ../shared),
#        VIGIL_SKIP_SETUP=1 to skip installing packages
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BUILD="${VIGIL_BUILD_DIR:-build}"
SHARED="${VIGIL_SHARED_DIR:-../shared}"

[[ "${VIGIL_SKIP_SETUP:-0}" == 1 ]] || bash scripts/setup.sh
bash scripts/configure.sh "$BUILD"
cmake --build "$BUILD" --target vigil -j"$(nproc)"
VIGIL="$BUILD/vigil"

[[ -x "$VIGIL" ]] || { echo "demo: no vigil executable in $BUILD" >&2; exit 1; }

# --- the data ----------------------------------------------------------------
PATIENT=examples/patient.json
OBSERVATION=examples/observation-blood-pressure.json
RECORD=examples/bundle.json
if [[ -f "$SHARED/fhir-r4/examples/Patient-example.json" ]]; then
  PATIENT="$SHARED/fhir-r4/examples/Patient-example.json"
  OBSERVATION="$SHARED/fhir-r4/examples/Observation-blood-pressure.json"
fi
if [[ -d "$SHARED/data/synthea-r4" ]]; then
  # An older adult with a long history; any Synthea bundle will do if it is absent.
  for f in "$SHARED"/data/synthea-r4/Jonathan_Hermiston_*.json "$SHARED"/data/synthea-r4/*.json; do
    [[ -f "$f" ]] && { RECORD="$f"; break; }
  done
fi

# --- the tour ----------------------------------------------------------------
steps=0
failures=0
MAX_CHARS=400

BOLD="" PLAIN=""
if [[ -t 1 ]]; then BOLD=$'\033[1m' PLAIN=$'\033[0m'; fi

section() { printf '\n%s== %s%s\n   %s\n' "$BOLD" "$1" "$PLAIN" "$2"; }

# Prints the command as a user would type it (double-quoted expression).
show_command() {
  local file="$1" expr="$2"
  shift 2
  local shown="${expr//\\/\\\\}"
  shown="${shown//\"/\\\"}"
  shown="${shown//\$/\\\$}"
  printf '   $ vigil fhirpath --input %s' "$file"
  (($#)) && printf ' %s' "$@"
  printf ' "%s"\n' "$shown"
}

print_result() {
  local prefix="$1" text="$2"
  if ((${#text} > MAX_CHARS)); then
    text="${text:0:MAX_CHARS}… (${#text} characters in all)"
  fi
  while IFS= read -r line; do printf '   %s %s\n' "$prefix" "$line"; prefix="  "; done <<<"$text"
}

# step DESCRIPTION FILE EXPRESSION [--env NAME=VALUE]...
step() {
  local desc="$1" file="$2" expr="$3"
  shift 3
  steps=$((steps + 1))
  printf '\n   # %s\n' "$desc"
  show_command "$file" "$expr" "$@"
  local out
  if out="$("$VIGIL" fhirpath --input "$file" "$@" "$expr" 2>&1)"; then
    print_result "=>" "$out"
  else
    print_result "!! unexpected failure:" "$out"
    failures=$((failures + 1))
  fi
}

# expect_error DESCRIPTION FILE EXPRESSION: the command must fail with a message.
expect_error() {
  local desc="$1" file="$2" expr="$3"
  steps=$((steps + 1))
  printf '\n   # %s\n' "$desc"
  show_command "$file" "$expr"
  local out status=0
  out="$("$VIGIL" fhirpath --input "$file" "$expr" 2>&1)" || status=$?
  # 1..125: a reported error. 0 is no error; 126+ is "cannot run" or a crash (signal).
  if ((status >= 1 && status <= 125)) && [[ -n "$out" ]]; then
    print_result "=> exit $status:" "$out"
  else
    print_result "!! expected an error, got exit $status:" "$out"
    failures=$((failures + 1))
  fi
}

printf '%sVigil demo: FHIRPath over FHIR R4 data%s\n' "$BOLD" "$PLAIN"
printf '   vigil fhirpath evaluates an expression against one resource and prints a JSON array.\n'

section "A patient ($PATIENT)" "Navigation, filtering, date arithmetic, primitive extensions."
step "Official name" "$PATIENT" \
  "Patient.name.where(use = 'official').select(given.first() + ' ' + family)"
step "Medical record number" "$PATIENT" \
  "Patient.identifier.where(type.coding.code = 'MR').value"
step "Phone numbers" "$PATIENT" "Patient.telecom.where(system = 'phone').value"
step "Date of the 65th birthday (calendar duration arithmetic)" "$PATIENT" \
  "Patient.birthDate + 65 years"
step "Birth time, an extension on the primitive birthDate (_birthDate)" "$PATIENT" \
  "Patient.birthDate.extension('http://hl7.org/fhir/StructureDefinition/patient-birthTime').value"
step "External constant from the command line (--env)" "$PATIENT" \
  "Patient.name.where(use = %use).given" --env use=usual

section "A blood pressure reading ($OBSERVATION)" "Choice types, Quantities with UCUM units, iif()."
step "Systolic component (valueQuantity, reached as 'value')" "$OBSERVATION" \
  "Observation.component.where(code.coding.exists(code = '8480-6')).value"
step "Both components as text" "$OBSERVATION" \
  "Observation.component.value.ofType(Quantity).select(value.toString() + ' ' + unit)"
step "Stage 2 hypertension threshold (quantity comparison)" "$OBSERVATION" \
  "Observation.component.where(code.coding.exists(code = '8480-6')).value > 140 'mm[Hg]'"
step "A rule as an expression" "$OBSERVATION" \
  "iif(Observation.component.where(code.coding.exists(code = '8462-4')).value < 90 'mm[Hg]', 'diastolic normal', 'diastolic high')"
step "LOINC codes (%loinc is built in)" "$OBSERVATION" \
  "Observation.code.coding.where(system = %loinc).code"

section "A patient record, one Bundle ($RECORD)" "Whole-record questions: ofType(), distinct(), aggregate(), resolve()."
step "What the record holds" "$RECORD" \
  "Bundle.entry.count().toString() + ' entries, ' + Bundle.entry.resource.ofType(Observation).count().toString() + ' observations'"
step "Who it is" "$RECORD" \
  "Bundle.entry.resource.ofType(Patient).name.where(use = 'official').select(given.first() + ' ' + family)"
step "Active conditions" "$RECORD" \
  "Bundle.entry.resource.ofType(Condition).where(clinicalStatus.coding.code = 'active').code.text"
step "Body weight trend (LOINC 29463-7)" "$RECORD" \
  "Bundle.entry.resource.ofType(Observation).where(code.coding.exists(code = '29463-7')).select(effective.toString().substring(0, 10) + ': ' + value.value.round(1).toString() + ' ' + value.code)"
step "Weights over 80 kg, compared in grams (UCUM conversion)" "$RECORD" \
  "Bundle.entry.resource.ofType(Observation).where(code.coding.exists(code = '29463-7')).value.where(\$this > 80000 'g').count()"
step "Vaccines given" "$RECORD" \
  "Bundle.entry.resource.ofType(Immunization).vaccineCode.text.distinct()"
step "Most recent encounter start (aggregate)" "$RECORD" \
  "Bundle.entry.resource.ofType(Encounter).period.start.aggregate(iif(\$total.empty() or \$this > \$total, \$this, \$total))"
step "Following a reference inside the Bundle (resolve)" "$RECORD" \
  "Bundle.entry.resource.ofType(Observation).first().subject.resolve().ofType(Patient).birthDate"

section "Bad input" "Errors are reported with their position; the exit status is non-zero."
expect_error "An unfinished expression" "$PATIENT" "Patient.name.where(use = 'official'"
expect_error "A dangling operator" "$PATIENT" "Patient.name.given.first() +"
expect_error "A function that does not exist" "$PATIENT" "Patient.name.given.shout()"

printf '\n'
if ((failures)); then
  printf 'demo: %d of %d steps failed\n' "$failures" "$steps"
  exit 1
fi
printf 'demo: %d steps. More: %s --help, README.md, docs/ARCHITECTURE.md\n' "$steps" "$VIGIL"
