// A cohort definition: the characteristics of a FHIR Group read into criteria.
//
// A Group characteristic names its criterion kind in characteristic.code with
// the system kCriterionSystem and one of the codes condition, observation,
// medication, procedure, age, gender (docs/cohorts.md has examples):
//   - condition/observation/medication/procedure: valueCodeableConcept; a
//     resource matches when any of its codings matches any given coding
//     (system and code, or the code alone when the given coding has no system).
//   - age: valueRange in years (unit/code "a" or none), both ends inclusive.
//   - gender: valueCodeableConcept with administrative-gender codes.
//   - exclude: true removes the patients that match.
//   - period: an absolute window on the resource's clinical time.
//   - extension kValueRangeUrl (observation only): valueRange on
//     Observation.valueQuantity, in the stored units (no UCUM conversion).
//   - extension kWindowUrl: a window relative to the patient's first event of
//     another characteristic (sub-extensions anchor, before, after).
// A Group without characteristics but with member entries is an enumerated
// cohort (Group.member.entity references to Patients).
//
// Errors: HttpError 400 (issue "invalid") naming the characteristic, e.g.
// "characteristic[2] (id 'a1c'): unknown criterion kind 'lab'".
//
// Thread-safety: pure functions; a Definition is a plain value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "fhir/json.h"
#include "search/values.h"

namespace vigil::cohort {

inline constexpr std::string_view kCriterionSystem =
    "https://vigil.dev/fhir/CodeSystem/cohort-criterion";
inline constexpr std::string_view kValueRangeUrl =
    "https://vigil.dev/fhir/StructureDefinition/cohort-value-range";
inline constexpr std::string_view kWindowUrl =
    "https://vigil.dev/fhir/StructureDefinition/cohort-window";

enum class Kind : uint8_t { kCondition, kObservation, kMedication, kProcedure, kAge, kGender };

// The resource type a clinical kind searches ("Condition"); "" for age and gender.
std::string_view ResourceTypeOf(Kind kind);
bool IsClinical(Kind kind);

// One coding to match. An empty system matches any system.
struct Coding {
  std::string system;
  std::string code;
  friend bool operator==(const Coding&, const Coding&) = default;
};

// Inclusive bounds; an absent end is open. unit, when set, must equal the
// quantity's code (or its unit text when it has no code).
struct ValueRange {
  std::optional<double> low;
  std::optional<double> high;
  std::string unit;
  bool Contains(double v) const { return (!low || v >= *low) && (!high || v <= *high); }
};

// [anchor time - before_ms, anchor time + after_ms], the anchor time being the
// patient's earliest matching event of criterion `anchor` (an index into
// Definition::criteria).
struct Window {
  size_t anchor = 0;
  int64_t before_ms = 0;
  int64_t after_ms = 0;
};

struct Criterion {
  std::string label;  // "characteristic[1] (id 'a1c')": for messages
  std::string id;     // characteristic.id, may be empty
  Kind kind = Kind::kCondition;
  std::vector<Coding> codes;        // clinical kinds and gender
  std::optional<ValueRange> value;  // observation value, or age in years
  std::optional<search::TimeRange> period;
  std::optional<Window> window;
  bool exclude = false;
};

struct Definition {
  std::vector<Criterion> criteria;
  std::vector<std::string> members;  // enumerated Group: Patient ids
};

// A Group resource. Errors: 400 when it is not a Group, has neither
// characteristics nor members, or a characteristic is malformed.
absl::StatusOr<Definition> ParseGroup(const fhir::Json& group);

// A characteristic list (JSON array) or a single characteristic (object), as
// the outcome of a comparison. Errors: 400 as for ParseGroup, labels prefixed
// with `where` ("outcome.characteristic[0] ...").
absl::StatusOr<Definition> ParseCharacteristics(const fhir::Json& list, std::string_view where);

// A Duration ({value, code|unit}: s, min, h, d, wk, mo, a) in ms; a = 365.25
// days, mo = a / 12. nullopt when malformed or negative.
std::optional<int64_t> DurationMs(const fhir::Json& duration);

}  // namespace vigil::cohort
