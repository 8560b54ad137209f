// GET /api/patients/{id}/trends?code=SYSTEM|CODE: the time series of one numeric
// Observation code for one patient, for charts (format in docs/dashboard.md).
//
// Which Observations: the patient's (search `patient`) whose code is the given
// one, plus those carrying it as a component (component-code: Synthea's blood
// pressure panels), oldest first. A point needs a time (effective[x] or issued),
// a numeric valueQuantity (or the matching component's) and a status other than
// entered-in-error or cancelled; the others are counted in `skipped` by reason.
//
// Units: a LOINC code of the clinical signal table (ai/signals.h) is charted in
// the signal's canonical UCUM unit, each value converted by ai::ToCanonicalUnit
// (values in a unit it cannot convert are skipped). Any other code keeps the unit
// of its first value, and values in another unit are skipped.
//
// Reference range: Observation.referenceRange (low/high, converted like the
// values) of the latest point that has one. The signal table holds plausibility
// limits (charting errors), not normal ranges, so there is no fallback: without a
// referenceRange in the data, `referenceRange` is null.
//
// Errors: InvalidArgument (HTTP 400) for a code that is not "system|code" or
// "code"; the store's errors. An unknown patient gives an empty series.
//
// Thread-safety: functions of their arguments.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "fhir/json.h"
#include "search/registry.h"
#include "store/store.h"

namespace vigil::dashboard {

// At most this many Observations are read per code; `truncated` says when more exist.
inline constexpr size_t kMaxTrendPoints = 20000;

absl::StatusOr<fhir::Json> PatientTrend(store::Reader& reader, const search::Registry& registry,
                                        std::string_view patient_id, std::string_view code_param);

// The series from already-read Observations (any order). system may be empty (any system).
fhir::Json BuildTrend(std::string_view patient_id, std::string_view system, std::string_view code,
                      const std::vector<fhir::Json>& observations);

}  // namespace vigil::dashboard
