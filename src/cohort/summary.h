// The description of a cohort that /api/cohorts/evaluate answers: members
// (the first kMaxListedMembers), age bands, sex counts, the most common
// conditions and, when asked, a measure (the latest value of one Observation
// code per member) with its mean, median and t interval.
//
// Measure values: Observation.valueQuantity of the latest (clinical time)
// usable Observation with the code per member. Units are not converted (no
// UCUM): only values in the most common unit count; `unit` names it.
// Top conditions: Condition.code.coding[0] of the members' usable Conditions,
// ranked by the number of members with it (ties: system, then code).
// Age bands use the age today (at death for the deceased); members without a
// birthDate are in no band.
//
// Thread-safety: as the Reader.  Errors: the store's failures.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cohort/criteria.h"
#include "cohort/facts.h"
#include "cohort/stats.h"
#include "fhir/json.h"
#include "store/store.h"

namespace vigil::cohort {

inline constexpr size_t kMaxListedMembers = 1000;
inline constexpr size_t kTopConditions = 10;

struct MeasureValues {
  std::string unit;            // the most common unit; "" when none
  std::vector<double> values;  // one per member that has a value in `unit`
};

absl::StatusOr<MeasureValues> LatestValues(store::Reader& reader, const Coding& code,
                                           const std::vector<std::string>& member_ids);

// {"count", "members", "truncated", "age", "sex", "topConditions"}.
absl::StatusOr<fhir::Json> DescribeCohort(store::Reader& reader,
                                          const std::vector<PatientFacts>& members, int64_t now_ms);

// {"code", "unit", "n", "mean", "median", "ci95"} (nulls when n is too small).
fhir::Json MeasureJson(std::string_view code, const MeasureValues& m);

// JSON numbers: shortest round-trip text, null when not finite; intervals as
// [low, high] or null.
fhir::Json NumberJson(double v);
fhir::Json IntJson(int64_t v);
fhir::Json IntervalJson(const std::optional<Interval>& ci);

}  // namespace vigil::cohort
