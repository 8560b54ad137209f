// Alerting on a model's risk: one FHIR Flag per episode, with hysteresis.
//
// When a stay's probability reaches the model's threshold and the Encounter has
// no active Vigil alert Flag, one is created (status active, period.start = the
// time scored, a reference to the RiskAssessment that raised it). Further scores
// above the threshold change nothing — clinicians see one alert per episode, not
// one per vital sign. The Flag is set inactive (period.end) only when the
// probability falls below kClearRatio × threshold, so a risk hovering at the
// threshold does not make it flap. Flags are ordinary resources: their writes are
// change events other systems can subscribe to. Documented in
// docs/risk-assessment.md.
//
// Thread-safety: functions of one write transaction.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "persist/resource_writes.h"
#include "search/registry.h"
#include "store/store.h"

namespace vigil::ai {

inline constexpr double kClearRatio = 0.5;
inline constexpr std::string_view kAlertCodeSystem = "https://vigil.dev/fhir/CodeSystem/alert";
inline constexpr std::string_view kRaisedByExtension =
    "https://vigil.dev/fhir/StructureDefinition/raised-by";

struct AlertInput {
  std::string patient_id;
  std::string encounter_id;
  int64_t at_ms;
  double probability;
  double threshold;
  std::string assessment_id;  // the RiskAssessment just written
};

// Raises, keeps or clears the Encounter's alert Flag inside txn.
absl::Status UpdateAlertFlag(store::WriteTxn& txn, const persist::ResourceWrites& writes,
                             const search::Registry& registry, const AlertInput& input);

}  // namespace vigil::ai
