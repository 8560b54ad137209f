// What cohort criteria read from one resource: its patient, its clinical time,
// whether its codes, value and status match a criterion; and the facts of a
// Patient (gender, birth date, age at a time).
//
// Clinical time: Condition onset[x] (dateTime or Period.start, else
// recordedDate), Observation effective[x] (else issued), MedicationRequest
// authoredOn, Procedure performed[x] (dateTime or Period.start).
//
// Unusable resources never match: Condition verificationStatus
// entered-in-error or refuted; Observation status entered-in-error or
// cancelled; MedicationRequest status entered-in-error; Procedure status
// entered-in-error or not-done.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cohort/criteria.h"
#include "fhir/json.h"

namespace vigil::cohort {

// The id of the Patient the resource is about (subject or patient reference,
// "Patient/x"); "" when there is none.
std::string PatientIdOf(const fhir::Json& resource);

std::optional<int64_t> ClinicalTimeMs(Kind kind, const fhir::Json& resource);

// Whether the resource is usable evidence (see above).
bool Usable(Kind kind, const fhir::Json& resource);

// Whether any coding of the CodeableConcept matches any of `codes`.
bool CodesMatch(const std::vector<Coding>& codes, const fhir::Json* cc);

// Whether the resource matches the criterion's codes, status, value range and
// period (not its window, which depends on other resources).
// REQUIRES: IsClinical(c.kind) and the resource is of ResourceTypeOf(c.kind).
bool ResourceMatches(const Criterion& c, const fhir::Json& resource);

// Observation.valueQuantity as (value, unit code or unit text).
struct Quantity {
  double value = 0;
  std::string unit;
};
std::optional<Quantity> ObservationQuantity(const fhir::Json& observation);

struct PatientFacts {
  std::string id;
  std::string gender;               // "" when absent
  std::optional<int64_t> birth_ms;  // start of Patient.birthDate
  std::optional<int64_t> death_ms;  // deceasedDateTime
};
PatientFacts ReadPatient(const fhir::Json& patient);

// Whole years from birth to at_ms (calendar years: the birthday counts).
int AgeYears(int64_t birth_ms, int64_t at_ms);

// Age "today": at now_ms, or at death when the patient died before.
std::optional<int> CurrentAge(const PatientFacts& p, int64_t now_ms);

}  // namespace vigil::cohort
